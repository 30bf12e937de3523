-- history.lua: print a session's message history, oldest first.
--
--   OPENCODE_SERVER_URL=http://127.0.0.1:4096 opencode-lua examples/history.lua SESSION_ID [LIMIT]
--
-- Without a session id it lists the sessions to choose from.
local opencode = require("opencode")

local session_id, limit = ...
local client = assert(opencode.connect())

if not session_id then
  for _, session in ipairs(assert(client:sessions())) do
    print(session.id, session.title)
  end
  return
end

-- GET /session/{sessionID}/message: every message with its parts.
local messages = assert(client:session_messages{ sessionID = session_id, limit = tonumber(limit) })
for _, message in ipairs(messages) do
  local text = {}
  for _, part in ipairs(message.parts) do
    if part.type == "text" then
      text[#text + 1] = part.text
    elseif part.type == "tool" then
      text[#text + 1] = "[" .. tostring(part.tool) .. "]"
    end
  end
  print(message.info.role .. ": " .. table.concat(text))
end
