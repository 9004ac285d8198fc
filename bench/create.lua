-- wrk: create published articles as an editor (TOKEN), each with its own
-- title (so its own slug), a 3–4 KB body and two tags from a small vocabulary.
local counter = 0
local thread_id = 0
local threads = {}
local words = {"Hội nghị", "Giao ban", "Chuyển đổi số", "Nông thôn mới", "Văn hóa", "Thể thao",
               "Y tế", "Giáo dục", "An ninh", "Du lịch", "Môi trường", "Đô thị"}
local paragraph = "<p>Chiều ngày 19/7, Thường trực Thị ủy Hồng Lĩnh đã tổ chức hội nghị giao ban với Thường trực "
  .. "Ủy ban MTTQ và các đoàn thể chính trị - xã hội thị xã, đánh giá kết quả công tác 6 tháng đầu năm và triển "
  .. "khai nhiệm vụ 6 tháng cuối năm 2022. Đồng chí Bí thư Thị ủy chủ trì hội nghị.</p>"
local body = string.rep(paragraph, 9)

function setup(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(id * 7919)
end

function request()
  counter = counter + 1
  local a = words[math.random(#words)]
  local b = words[math.random(#words)]
  local payload = '{"title":"Tin ' .. a .. ' số ' .. id .. '-' .. counter .. '","status":"published",'
    .. '"summary":"Tóm tắt tin ' .. counter .. '","body":"' .. body .. '","tags":["' .. a .. '","' .. b .. '"]}'
  return wrk.format("POST", "/api/v1/articles",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. os.getenv("TOKEN")}, payload)
end

function response(status, headers, body)
  if status ~= 201 then
    io.stderr:write("create answered " .. status .. ": " .. body:sub(1, 200) .. "\n")
  end
end
