-- GET one of PATHS (round robin from a random start per thread) with HEADERS (a session cookie
-- or a Bearer token).  BENCH_DATA names the generated scenario file.
local dir = os.getenv("BENCH_LUA_DIR")
dofile(dir .. "/common.lua")
dofile(os.getenv("BENCH_DATA"))

local i = 0

init = function(args)
  math.randomseed((tid or 0) * 15485863 + os.time())
  i = math.random(#PATHS)
end

request = function()
  i = i % #PATHS + 1
  return wrk.format("GET", PATHS[i], HEADERS)
end
