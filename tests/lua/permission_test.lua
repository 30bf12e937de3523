-- Permissions against a real opencode server whose sessions ask before bash.
-- Argument: the server's URL.
local dir = arg[0]:match("^(.*)[/\\]") or "."
local T = dofile(dir .. "/testlib.lua")
local opencode = require("opencode")
local client = assert(opencode.connect({ url = assert(arg[1]), timeout = 20 }))

T.test("on_permission_answers_and_the_tool_runs", function()
  local s = assert(client:new_session({ permission = { bash = "ask" } }))
  local asked
  local reply = assert(client:send(s, "[[bash:echo hi]]", {
    on_permission = function(request)
      asked = request
      return "once"
    end,
  }))
  T.eq(asked and asked.permission, "bash", "request.permission")
  T.eq(asked.patterns[1], "echo hi", "request.patterns")
  T.eq(reply.text, "tool said: hi", "reply after the tool ran")
  client:delete(s)
end)

T.test("without_a_handler_the_request_is_refused_not_left_hanging", function()
  local s = assert(client:new_session({ permission = { bash = "ask" } }))
  local err = T.fails("permission", client:send(s, "[[bash:echo no]]", { on_text = function() end }))
  T.matches(err.message, "bash", "names the permission")
  client:delete(s)
end)

T.test("reply_permission_answers_from_outside", function()
  local s = assert(client:new_session({ permission = { bash = "ask" } }))
  -- session.status too, to know the stream is live before the send (see T.until_live).
  local stream = assert(client:events({ session = s, types = { "permission.asked", "session.status" } }))
  T.truthy(T.until_live(client, stream, s), "the stream shows the session's events")
  local handle = assert(client:send_async(s, "[[bash:echo outside]]", { on_permission = "leave" }))
  local request
  for _ = 1, 100 do
    request = assert(stream:next(30))
    if request.type ~= "session.status" then
      break
    end
  end
  T.eq(request.type, "permission.asked", "event")
  T.eq(client:reply_permission(request.properties.id, "once"), true, "reply_permission")
  local reply = assert(handle:wait(30))
  T.eq(reply.text, "tool said: outside", "tool ran")
  stream:close()
  client:delete(s)
end)

T.test("plain_send_without_a_handler_fails_with_kind_permission", function()
  local s = assert(client:new_session({ permission = { bash = "ask" } }))
  local started = os.time()
  local err = T.fails("permission", client:send(s, "[[bash:echo plain]]"))
  T.matches(err.message, "bash %(echo plain%)", "names the request")
  T.matches(err.message, "on_permission", "says how to answer")
  T.truthy(os.time() - started < 20, "did not wait")
  client:delete(s)
end)

T.test("on_question_answers_and_the_tool_result_reaches_the_ai", function()
  local s = assert(client:new_session())
  local asked
  local pieces = {}
  local reply = assert(client:send(s, "[[question]]", {
    on_question = function(request)
      asked = request
      return { { "blue" } }
    end,
    on_text = function(delta)
      pieces[#pieces + 1] = delta
    end,
  }))
  T.eq(asked.questions[1].question, "Which color?", "request.questions")
  T.eq(asked.questions[1].options[2].label, "blue", "options")
  T.matches(reply.text, '"Which color%?"="blue"', "the answer reached the AI")
  T.eq(table.concat(pieces), reply.text, "on_text pieces add up to the reply")
  client:delete(s)
end)

T.test("questions_are_refused_by_default", function()
  local s = assert(client:new_session())
  local err = T.fails("question", client:send(s, "[[question]]"))
  T.matches(err.message, "Which color%?", "names the question")
  T.matches(err.message, "on_question", "says how to answer")
  client:delete(s)
end)

T.test("operations_that_wait_for_the_ai_refuse_requests_too", function()
  -- session.prompt, session.command, session.shell, v2.session.prompt and
  -- v2.session.wait wait like send: they are watched like send.
  local s = assert(client:new_session({ permission = { bash = "ask" } }))
  local started = os.time()
  local err = T.fails("permission", client:session_prompt({
    sessionID = s.id,
    parts = { { type = "text", text = "[[bash:echo generated]]" } },
  }))
  T.matches(err.message, "bash %(echo generated%)", "names the request")
  err = T.fails("question", client:call("session.prompt", {
    sessionID = s.id,
    parts = { { type = "text", text = "[[question]]" } },
  }))
  T.matches(err.message, "Which color", "names the question")
  T.truthy(os.time() - started < 20, "did not wait")
  client:delete(s)
end)

T.test("client_level_handlers_answer_every_send", function()
  local asked = 0
  local c = assert(opencode.connect({
    url = arg[1],
    timeout = 20,
    on_question = function()
      asked = asked + 1
      return { { "red" } }
    end,
    on_permission = function()
      return "once"
    end,
  }))
  local s = assert(c:new_session({ permission = { bash = "ask" } }))
  T.matches(assert(c:send(s, "[[question]]")).text, '"Which color%?"="red"', "question answered by the default")
  T.eq(asked, 1, "default called")
  T.eq(assert(c:send(s, "[[bash:echo dflt]]")).text, "tool said: dflt", "permission answered by the default")
  -- A send's own handler wins over the client's.
  T.fails("question", c:send(s, "[[question]]", { on_question = function() end }))
  T.eq(asked, 1, "the send's own handler was asked instead")
  c:delete(s)
end)

T.test("send_timeout_aborts_so_the_next_send_in_the_session_works", function()
  local c = assert(opencode.connect({ url = arg[1], timeout = 20, send_timeout = 1 }))
  local s = assert(c:new_session())
  local err = T.fails("timeout", c:send(s, "[[sleep:30000]] slow"))
  T.matches(err.message, "aborted", "says it aborted")
  local started = os.time()
  T.eq(assert(c:send(s, "quick")).text, "echo: quick", "next send in the same session")
  T.truthy(os.time() - started < 10, "not blocked by the old generation")
  c:delete(s)
end)

-- Last: an "always" answer outlives the session.
T.test("on_permission_always_and_reject", function()
  local s = assert(client:new_session({ permission = { bash = "ask" } }))
  local asked = 0
  local always = function()
    asked = asked + 1
    return "always"
  end
  T.eq(assert(client:send(s, "[[bash:printf one]]", { on_permission = always })).text, "tool said: one", "always")
  T.eq(assert(client:send(s, "[[bash:printf one]]", { on_permission = always })).text, "tool said: one", "again")
  -- (at most: "always" is remembered by the project, so a second run of this
  -- file against the same server is not asked at all)
  T.truthy(asked <= 1, "always is remembered")
  local err = T.fails("permission", client:send(s, "[[bash:pwd]]", {
    on_permission = function()
      return "reject"
    end,
  }))
  T.matches(err.message, "on_permission refused", "a handler's refusal fails the send")
  local err2 = T.fails("permission", client:send(s, "[[bash:whoami]]", {
    on_permission = function()
      return nil
    end,
  }))
  T.matches(err2.message, "refused", "nil refuses too")
  client:delete(s)
end)

T.done("permission_test")
