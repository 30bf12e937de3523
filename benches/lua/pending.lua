-- Pending-sends worker of tools/bench.sh (benches/driver drives it), against
-- the minimal server, whose `[[hold]]` prompts wait for POST /bench/release.
--
--   lua5.4 benches/lua/pending.lua URL N
--
-- One client; N sessions made beforehand. It prints "stat STAGE RSS_KB THREADS
-- LUA_HEAP_KB" (from /proc/self/status) at each stage, and the driver counts
-- the process's descriptors as it reads the line:
--   fresh      connected, the sessions made, nothing sent yet
--   idle       after one send, then a second idle
--   go / started   around starting N client:send_async handles of "[[hold]] hello"
--   then it waits for a line; the driver sends "measure" once the server holds
--   all N requests:
--   pending    N handles pending, their requests held by the server
--   then "wait" (the driver has released the requests): every handle waited,
--   "done OK" with the number that completed with a reply
--   completed  right after, the handles still referenced
--   collected  the handles dropped and collected, after a second
local url, n = arg[1], tonumber(arg[2])
assert(url and n, "usage: pending.lua URL N")
local opencode = require("opencode")

local function mark(text)
  io.stdout:write(text, "\n")
  io.stdout:flush()
end

local function stat(stage)
  local file = assert(io.open("/proc/self/status"))
  local text = file:read("a")
  file:close()
  mark(string.format("stat %s %s %s %.1f", stage, text:match("VmRSS:%s*(%d+)"), text:match("Threads:%s*(%d+)"),
    collectgarbage("count")))
end

local function expect(want)
  local line = io.stdin:read("l")
  assert(line == want, "expected " .. want .. ", got " .. tostring(line))
end

local client = assert(opencode.connect(url))
local sessions = {}
for i = 1, n do
  sessions[i] = assert(client:new_session())
end
local warm = assert(client:new_session())
collectgarbage()
stat("fresh")

assert(client:send(warm, "hello"))
os.execute("sleep 1")
collectgarbage()
stat("idle")

mark("go")
local handles = {}
for i = 1, n do
  handles[i] = assert(client:send_async(sessions[i], "[[hold]] hello"))
end
mark("started")

expect("measure")
stat("pending")

expect("wait")
local ok = 0
for i = 1, n do
  local reply = handles[i]:wait(300)
  if reply then
    ok = ok + 1
  end
end
mark("done " .. ok)
stat("completed")

handles = nil
collectgarbage()
collectgarbage()
os.execute("sleep 1")
stat("collected")
for i = 1, n do
  assert(client:delete(sessions[i]))
end
assert(client:delete(warm))
mark("end")
io.stdin:read("l")
