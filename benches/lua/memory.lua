-- Memory worker of tools/bench.sh (benches/driver drives it).
--
--   lua5.4 benches/lua/memory.lua URL CYCLES EVERY
--
-- CYCLES times: connect, new_session, send, delete, with a new client each
-- time (the old one left to the garbage collector, as a script would). Every
-- EVERY cycles: "rss CYCLE RSS_KB THREADS LUA_HEAP_KB", from /proc/self/status.
local url, cycles, every = arg[1], tonumber(arg[2]), tonumber(arg[3] or "100")
assert(url and cycles, "usage: memory.lua URL CYCLES [EVERY]")
local opencode = require("opencode")

local function status()
  local file = assert(io.open("/proc/self/status"))
  local text = file:read("a")
  file:close()
  return tonumber(text:match("VmRSS:%s*(%d+)")), tonumber(text:match("Threads:%s*(%d+)"))
end

for i = 1, cycles do
  local client = assert(opencode.connect(url))
  local session = assert(client:new_session())
  assert(client:send(session, "hello"))
  assert(client:delete(session))
  if i % every == 0 then
    local rss, threads = status()
    io.stdout:write(string.format("rss %d %d %d %.1f\n", i, rss, threads, collectgarbage("count")))
    io.stdout:flush()
  end
end
io.stdout:write("end\n")
io.stdout:flush()
io.stdin:read("l")
