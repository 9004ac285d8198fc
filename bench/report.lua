-- Shared by every wrk run: counts answers served from the response cache
-- (X-Cache: hit) per thread, and prints one machine-readable line at the end.
local threads = {}
setup = function(thread)
  table.insert(threads, thread)
end
hits = 0
response = function(status, headers, body)
  if headers["X-Cache"] == "hit" or headers["x-cache"] == "hit" then
    hits = hits + 1
  end
end
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local all_hits = 0
  for _, thread in ipairs(threads) do
    all_hits = all_hits + (thread:get("hits") or 0)
  end
  io.write(string.format("RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f requests=%d errors=%d non2xx=%d hits=%d\n",
    summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, all_hits))
end
