-- POST /open311/v2/requests.json (GeoReport v2, form-encoded): api_key, service_code, lat, long,
-- description.  BENCH_DATA names the generated data file (API_KEY, SERVICE_CODES, FORM_TEXTS, POINTS).
local dir = os.getenv("BENCH_LUA_DIR")
dofile(dir .. "/common.lua")
dofile(os.getenv("BENCH_DATA"))

local counter = 0
local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }

init = function(args)
  math.randomseed((tid or 0) * 104729 + os.time())
end

request = function()
  counter = counter + 1
  local p = POINTS[math.random(#POINTS)]
  local body = string.format("api_key=%s&service_code=%s&lat=%.6f&long=%.6f&description=%s",
    API_KEY, SERVICE_CODES[math.random(#SERVICE_CODES)], p[2], p[1], FORM_TEXTS[math.random(#FORM_TEXTS)])
  return wrk.format("POST", "/open311/v2/requests.json", headers, body)
end
