-- POST /api/v1/articles/{slug}/ratings: a random visitor rates a random article.
dofile("bench/report.lua")
local slugs = {}
init = function(args)
  for line in io.lines(args[1]) do slugs[#slugs + 1] = line end
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end
request = function()
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-Visitor-Id"] = string.format("benchvisitor%010d", math.random(1000000)),
  }
  local body = string.format('{"score": %d}', math.random(5))
  return wrk.format("POST", "/api/v1/articles/" .. slugs[math.random(#slugs)] .. "/ratings", headers, body)
end
