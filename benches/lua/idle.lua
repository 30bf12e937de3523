-- Idle memory of tools/bench.sh: RSS and threads of the interpreter bare,
-- after require("opencode"), and with one connected client that has made a
-- call and then sits idle for a second.
--
--   lua5.4 benches/lua/idle.lua URL      (or: opencode-lua benches/lua/idle.lua URL)
local url = assert(arg[1], "usage: idle.lua URL")

local function report(stage)
  collectgarbage()
  local file = assert(io.open("/proc/self/status"))
  local text = file:read("a")
  file:close()
  print("rss", stage, text:match("VmRSS:%s*(%d+)"), text:match("Threads:%s*(%d+)"))
end

report("bare")
local opencode = require("opencode")
report("required")
local client = assert(opencode.connect(url))
local session = assert(client:new_session())
assert(client:send(session, "hello"))
assert(client:delete(session))
os.execute("sleep 1")
report("connected")
