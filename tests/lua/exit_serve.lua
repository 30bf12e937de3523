-- Clean exit with a server from opencode.serve still running (and, given a
-- prompt, the AI still at work in it): the interpreter's exit must stop the
-- server and everything it started. Run by tests/serve.rs.
-- Arguments: the opencode program, its configuration (JSON), how to end
-- ("return", "exit" for os.exit(0), "exit_close" for os.exit(0, true)), and
-- optionally a prompt to leave running. Prints "pid PID" once the server
-- listens (and "sent" once the prompt is on its way), then waits for a line on
-- standard input before it ends.
local opencode = require("opencode")
local bin, config, mode, prompt = arg[1], arg[2], arg[3] or "return", arg[4]
assert(bin and config, "usage: exit_serve.lua OPENCODE CONFIG_JSON [MODE [PROMPT]]")

local client = assert(opencode.serve({ bin = bin, config = config, timeout = 60 }))
io.stdout:write("pid ", client:server().pid, "\n")
io.stdout:flush()
if prompt then
  local session = assert(client:new_session({ title = "exit_serve" }))
  running = assert(client:send_async(session, prompt)) -- a global
  io.stdout:write("sent\n")
  io.stdout:flush()
end
io.read("*l")

local finish = dofile((arg[0]:match("^(.*)[/\\]") or ".") .. "/exitlib.lua")
finish(mode)
