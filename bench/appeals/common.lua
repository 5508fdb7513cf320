-- Shared by the wrk scripts of bench/appeals: a machine-readable summary line, optional pacing.
-- BENCH_DELAY_MS (mean think time per connection, ms) turns wrk's closed loop into a paced one.

local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0") or 0

if delay_ms > 0 then
  -- uniform on [0, 2 * mean] so the connections do not march in step
  delay = function()
    return math.floor(math.random() * 2 * delay_ms + 0.5)
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end

-- thread ids, so that every thread makes its own keys
next_tid = 1
setup = function(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
end
