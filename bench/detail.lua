-- GET /api/v1/articles/{slug}: `cold` draws uniformly over every article
-- (most answers are not in any cache), `hot` by a Zipf law over the newest
-- 5,000 (what readers open: today's news, the front page's stories).
dofile("bench/report.lua")
local slugs = {}
local hot = false
local cumulative = {}
init = function(args)
  for line in io.lines(args[1]) do slugs[#slugs + 1] = line end
  hot = args[2] == "hot"
  local total = 0
  for k = 1, math.min(5000, #slugs) do
    total = total + 1 / k
    cumulative[k] = total
  end
  for k = 1, #cumulative do cumulative[k] = cumulative[k] / total end
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end
local function zipf()
  local x, lo, hi = math.random(), 1, #cumulative
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cumulative[mid] < x then lo = mid + 1 else hi = mid end
  end
  return lo
end
request = function()
  local i = hot and zipf() or math.random(#slugs)
  return wrk.format("GET", "/api/v1/articles/" .. slugs[i])
end
