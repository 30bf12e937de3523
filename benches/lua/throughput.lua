-- Throughput worker of tools/bench.sh (benches/driver drives it).
--
--   lua5.4 benches/lua/throughput.lua URL N REPS
--
-- REPS times: N sends one after another ("go seq" ... "done seq"), then N
-- client:send_async handles all started, then all waited ("go async" ...
-- "done async"), each in fresh sessions. The driver stamps the lines.
local url, n, reps = arg[1], tonumber(arg[2]), tonumber(arg[3] or "1")
assert(url and n, "usage: throughput.lua URL N [REPS]")
local opencode = require("opencode")
local client = assert(opencode.connect(url))

local function mark(text)
  io.stdout:write(text, "\n")
  io.stdout:flush()
end

local function sessions()
  local list = {}
  for i = 1, n do
    list[i] = assert(client:new_session())
  end
  return list
end

local function delete(list)
  for i = 1, n do
    assert(client:delete(list[i]))
  end
end

-- Warm-up.
local warm = assert(client:new_session())
assert(client:send(warm, "hello"))
assert(client:send_async(warm, "hello"):wait(60))
assert(client:delete(warm))

for _ = 1, reps do
  local list = sessions()
  mark("go seq")
  for i = 1, n do
    assert(client:send(list[i], "hello"))
  end
  mark("done seq")
  delete(list)

  list = sessions()
  mark("go async")
  local handles = {}
  for i = 1, n do
    handles[i] = assert(client:send_async(list[i], "hello"))
  end
  for i = 1, n do
    assert(handles[i]:wait(300))
  end
  mark("done async")
  handles = nil
  delete(list)
end
mark("end")
io.stdin:read("l")
