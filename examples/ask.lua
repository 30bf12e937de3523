-- ask.lua: answer the AI's questions and permission requests from a script.
--
--   OPENCODE_SERVER_URL=http://127.0.0.1:4096 opencode-lua examples/ask.lua [PROMPT...]
--
-- The AI may stop to ask the user (opencode's `question` tool) or to ask for a
-- permission (when a rule says "ask"). The handlers below answer; without them
-- the requests would be refused and send would fail with kind "question" or
-- "permission". With the echo provider of the tests, the prompt "[[question]]"
-- makes it ask "Which color?".
local opencode = require("opencode")

local prompt = table.concat({ ... }, " ")
if prompt == "" then
  prompt = "[[question]]"
end

local client = assert(opencode.connect({
  -- Defaults for every send of this client.
  on_question = function(request)
    local answers = {}
    for i, question in ipairs(request.questions) do
      -- A script would decide; this one takes the last option offered.
      local choice = question.options[#question.options].label
      print(("asked %q, answering %q"):format(question.question, choice))
      answers[i] = { choice }
    end
    return answers
  end,
  on_permission = function(request)
    print(("%s wants %s: allowed once"):format(request.permission, table.concat(request.patterns, ", ")))
    return "once"
  end,
}))
local session = assert(client:new_session({ title = "ask example", permission = { bash = "ask" } }))
local reply, message = client:send(session, prompt)
client:delete(session)
if not reply then
  io.stderr:write("ask: ", message, "\n")
  os.exit(1)
end
print(reply.text)
