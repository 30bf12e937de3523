-- stream.lua: print the AI's reply as it is written.
--
--   OPENCODE_SERVER_URL=http://127.0.0.1:4096 opencode-lua examples/stream.lua [PROMPT...]
local opencode = require("opencode")

local prompt = table.concat({ ... }, " ")
if prompt == "" then
  prompt = "hello world"
end

local client = assert(opencode.connect())
local session = assert(client:new_session({ title = "stream example" }))
local reply, err = client:send(session, prompt, {
  -- Called with each piece of new text, while the AI is still writing.
  on_text = function(delta)
    io.write(delta)
    io.flush()
  end,
})
io.write("\n")
client:delete(session)
if not reply then
  io.stderr:write("stream: ", tostring(err), "\n")
  os.exit(1)
end
