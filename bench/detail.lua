-- GET /api/v1/articles/{slug} for a random slug written by `bantin bench-seed`.
dofile("bench/report.lua")
local slugs = {}
init = function(args)
  for line in io.lines(args[1]) do slugs[#slugs + 1] = line end
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end
request = function()
  return wrk.format("GET", "/api/v1/articles/" .. slugs[math.random(#slugs)])
end
