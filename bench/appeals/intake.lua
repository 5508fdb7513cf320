-- POST /api/v1/appeals/cases: each request has its own idempotency key, a real appeal text from
-- the evaluation set, and either a point inside a demo grid (80 %) or a grid id (20 %).
-- BENCH_DATA names the generated data file (TOKEN, TEXTS, POINTS, AREAS); BENCH_RUN tags the keys.
local dir = os.getenv("BENCH_LUA_DIR")
dofile(dir .. "/common.lua")
dofile(os.getenv("BENCH_DATA"))

local run = os.getenv("BENCH_RUN") or "run"
local counter = 0
local headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Bearer " .. TOKEN,
}

init = function(args)
  math.randomseed((tid or 0) * 7919 + os.time())
end

request = function()
  counter = counter + 1
  local key = string.format("%s-%d-%d", run, tid or 0, counter)
  local text = TEXTS[math.random(#TEXTS)]
  local body
  if math.random() < 0.8 then
    local p = POINTS[math.random(#POINTS)]
    body = string.format('{"text":%s,"lng":%.6f,"lat":%.6f,"idempotency_key":"%s"}', text, p[1], p[2], key)
  else
    local a = AREAS[math.random(#AREAS)]
    body = string.format('{"text":%s,"area_id":%d,"address":"小区%d号楼","idempotency_key":"%s"}',
      text, a, counter % 40 + 1, key)
  end
  return wrk.format("POST", "/api/v1/appeals/cases", headers, body)
end
