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
  local handle = assert(client:send_async(s, "[[bash:echo outside]]", {
    on_permission = function()
      return nil -- rejected, unless answered first below
    end,
  }))
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

T.done("permission_test")
