-- Ctrl-C during a blocking call: run by tests/real_server.rs, which sends
-- SIGINT once this prints "ready". Arguments: server URL, and what to block
-- in: "send" (a plain send of a long generation), "wait" (a handle's wait),
-- "next" (an event stream's next), "call" (a plain call the server holds) or
-- "connect" (to a server that never answers, given as the URL).
local opencode = require("opencode")
local url, call = assert(arg[1]), arg[2] or "send"
if call == "connect" then
  io.stdout:write("ready -\n")
  io.stdout:flush()
  opencode.connect({ url = url, timeout = 60 })
  io.stdout:write("not interrupted\n")
  return
end
local client = assert(opencode.connect({ url = url, timeout = 60 }))
local session = assert(client:new_session())
local function ready()
  io.stdout:write("ready ", session.id, "\n")
  io.stdout:flush()
end
if call == "send" then
  ready()
  client:send(session, "[[sleep:30000]] long")
elseif call == "call" then
  ready()
  client:call("tui.control.next") -- waits for a request from a TUI: none comes
elseif call == "wait" then
  local handle = assert(client:send_async(session, "[[sleep:30000]] long"))
  ready()
  handle:wait()
else
  local stream = assert(client:events({ session = session }))
  ready()
  stream:next()
end
io.stdout:write("not interrupted\n")
