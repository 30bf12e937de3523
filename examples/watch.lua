-- watch.lua: print every event of one session, as someone watching from
-- outside the TUI would see it.
--
--   opencode-lua examples/watch.lua SESSION_ID [--until-idle]
--
-- Runs until interrupted, or with --until-idle until the session is idle again
-- after some work. Connection drops are survived: the stream reconnects and
-- says so.
local opencode = require("opencode")

local session_id, mode = ...
if not session_id then
  io.stderr:write("usage: watch.lua SESSION_ID [--until-idle]\n")
  os.exit(2)
end

local client = assert(opencode.connect())
local stream = assert(client:events({ session = session_id }))
print("watching " .. session_id)
io.stdout:setvbuf("line")

-- One line per event: its type and what it says in short.
local function summary(event)
  local p = event.properties
  if event.type == "message.part.delta" then
    return string.format("%q", p.delta)
  elseif event.type == "message.part.updated" then
    return p.part.type .. (p.part.text and (" " .. string.format("%q", p.part.text)) or "")
  elseif event.type == "message.updated" then
    return p.info.role
  elseif event.type == "session.status" then
    return p.status.type
  elseif event.type == "permission.asked" then
    return p.permission .. " " .. table.concat(p.patterns or {}, ", ")
  elseif event.type == "session.error" then
    return tostring(p.error and p.error.name)
  end
  return ""
end

local worked = false
for event in stream do
  print(event.type .. "  " .. summary(event))
  if event.type == "session.status" and event.properties.status.type == "busy" then
    worked = true
  end
  if mode == "--until-idle" and worked and event.type == "session.idle" then
    break
  end
end
stream:close()
