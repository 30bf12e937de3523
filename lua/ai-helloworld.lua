-- ai-helloworld: send one prompt to an opencode server and print the AI's reply.
--
--   opencode-lua ai-helloworld [PROMPT...]
--   lua5.4 lua/ai-helloworld.lua [PROMPT...]      (with opencode.so on package.cpath)
--
-- The server comes from the settings `opencc.url` and `opencc.password`, else
-- from OPENCODE_SERVER_URL / OPENCODE_SERVER_PASSWORD. When `opencc.session_id`
-- is set, the prompt goes to that session, so the reply also shows in a TUI
-- attached with `opencode attach URL --session ID`; otherwise a session is
-- created for the prompt and deleted afterwards.

local opencode = require("opencode")
local settings = settings or opencode.settings -- the host's ComputerCraft-style global, or the module's store

local function fail(message)
  io.stderr:write("ai-helloworld: ", tostring(message), "\n")
  os.exit(1)
end

local prompt = table.concat({ ... }, " ")
if prompt == "" then
  prompt = "hello world"
end

local client, err = opencode.connect({
  url = settings.get("opencc.url"),
  password = settings.get("opencc.password"),
})
if not client then
  fail(err)
end

local session_id = settings.get("opencc.session_id")
local own_session = false
if not session_id then
  local session, create_err = client:new_session({ title = "ai-helloworld" })
  if not session then
    fail(create_err)
  end
  session_id, own_session = session.id, true
end

local reply, send_err = client:send(session_id, prompt)
if own_session then
  client:delete(session_id)
end
if not reply then
  fail(send_err)
end
print(reply.text)
