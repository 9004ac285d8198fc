-- GET /api/v1/articles?category=… : a section's first page, sections drawn at random.
dofile("bench/report.lua")
local categories = {}
init = function(args)
  for line in io.lines(args[1]) do categories[#categories + 1] = line end
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end
request = function()
  return wrk.format("GET", "/api/v1/articles?category=" .. categories[math.random(#categories)])
end
