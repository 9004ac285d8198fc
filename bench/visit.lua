-- POST /api/v1/stats/visits as a returning visitor: ids the server issued
-- (one of 10,000, collected before the run).
dofile("bench/report.lua")
local visitors = {}
init = function(args)
  for line in io.lines(args[1]) do visitors[#visitors + 1] = line end
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end
request = function()
  local headers = { ["X-Visitor-Id"] = visitors[math.random(#visitors)] }
  return wrk.format("POST", "/api/v1/stats/visits", headers, "")
end
