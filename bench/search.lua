-- GET /api/v1/articles?q=… over the 2,000 queries `bantin bench-seed` wrote:
-- a frequent word, a rare word, two words without tone marks, a phrase in
-- quotes, two words and the start of a third.
dofile("bench/report.lua")
local queries = {}
init = function(args)
  for line in io.lines(args[1]) do queries[#queries + 1] = line end
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end
request = function()
  return wrk.format("GET", "/api/v1/articles?" .. queries[math.random(#queries)])
end
