-- GET /api/v1/articles?q=… : common Vietnamese queries, with and without tone marks,
-- whole words, phrases and words still being typed (prefix).
dofile("bench/report.lua")
local queries = {
  "hoi%20nghi%20",
  "h%E1%BB%99i%20ngh%E1%BB%8B%20",
  "giao%20ban%20",
  "hong%20linh%20",
  "n%C3%B4ng%20th%C3%B4n%20m%E1%BB%9Bi",
  "phong%20chong%20dich%20",
  "thi%20%C4%91ua%20y%C3%AAu%20n%C6%B0%E1%BB%9Bc",
  "van%20hoa",
  "kinh%20te%20",
  "dang%20vien%20",
  "%22an%20sinh%20x%C3%A3%20h%E1%BB%99i%22",
  "c%C3%A1n%20b%E1%BB%99%20%C4%91%E1%BA%A3ng",
  "le%20hoi",
  "ha%20tinh%20",
  "%C4%91%C3%B4%20th%E1%BB%8B%20v%C4%83n"
}
init = function(args)
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end
request = function()
  return wrk.format("GET", "/api/v1/articles?q=" .. queries[math.random(#queries)])
end
