-- POST /api/v1/stats/visits as a returning visitor (one of 10,000 ids).
dofile("bench/report.lua")
init = function(args)
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end
request = function()
  local headers = { ["X-Visitor-Id"] = string.format("benchvisitor%010d", math.random(10000)) }
  return wrk.format("POST", "/api/v1/stats/visits", headers, "")
end
