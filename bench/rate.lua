-- POST /api/v1/articles/{slug}/ratings: one of 10,000 visitors (ids the
-- server issued) rates a random article (again: the new score replaces).
dofile("bench/report.lua")
local slugs, visitors = {}, {}
init = function(args)
  for line in io.lines(args[1]) do slugs[#slugs + 1] = line end
  for line in io.lines(args[2]) do visitors[#visitors + 1] = line end
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end
request = function()
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-Visitor-Id"] = visitors[math.random(#visitors)],
  }
  local body = string.format('{"score": %d}', math.random(5))
  return wrk.format("POST", "/api/v1/articles/" .. slugs[math.random(#slugs)] .. "/ratings", headers, body)
end
