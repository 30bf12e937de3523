-- Callbacks, permissions and abort against fake servers (see tests/streams.rs).
-- Arguments: URLs of the permission, callback-error and abort fakes, of one
-- that never answers unless aborted, and of one more that asks for a permission.
local dir = arg[0]:match("^(.*)[/\\]") or "."
local T = dofile(dir .. "/testlib.lua")
local opencode = require("opencode")

local permission_url, callback_url, abort_url, slow_url, asking_url = arg[1], arg[2], arg[3], arg[4], arg[5]

T.test("permission_asked_calls_the_handler_and_posts_its_answer", function()
  local client = assert(opencode.connect(permission_url))
  local asked
  local reply = assert(client:send("ses_perm", "list files", {
    on_permission = function(request)
      asked = request
      return "always"
    end,
  }))
  T.eq(reply.text, "done", "reply")
  T.eq(asked.id, "per_1", "request.id")
  T.eq(asked.permission, "bash", "request.permission")
  T.eq(asked.patterns[1], "ls -la", "request.patterns")
end)

T.test("an_error_in_a_callback_aborts_and_reaches_the_caller", function()
  local client = assert(opencode.connect(callback_url))
  local seen = ""
  local ok, err = pcall(client.send, client, "ses_cb", "go", {
    on_text = function(delta)
      seen = seen .. delta
      error({ code = 42 }) -- any value, kept as it is
    end,
  })
  T.eq(ok, false, "pcall")
  T.eq(type(err), "table", "the callback's own error value")
  T.eq(err.code, 42, "error value")
  T.eq(seen, "partial", "text before the error")
end)

T.test("abort_mid_send_gives_kind_aborted", function()
  local client = assert(opencode.connect(abort_url))
  local busy = false
  local handle = assert(client:send_async("ses_abort", "long job", {
    on_event = function(event)
      busy = busy or event.type == "session.status"
    end,
  }))
  for _ = 1, 200 do
    if busy then break end
    handle:wait(0.05)
  end
  T.truthy(busy, "saw the session working")
  T.eq(client:abort("ses_abort"), true, "abort")
  T.fails("aborted", handle:wait(10))
  T.fails("aborted", handle:poll())
end)

T.test("wait_times_out_but_the_send_goes_on", function()
  local client = assert(opencode.connect(slow_url))
  local handle = assert(client:send_async("ses_slow", "x"))
  T.fails("timeout", handle:wait(0.1))
  T.eq(handle:cancel(), true, "cancel")
  T.fails("closed", handle:poll())
end)

T.test("a_wrong_answer_from_on_permission_is_raised_at_the_callers_line", function()
  local client = assert(opencode.connect(asking_url))
  local ok, message = pcall(function()
    local _ = client:send("ses_ask", "list files", {
      on_permission = function()
        return { "always" }
      end,
    })
  end)
  T.eq(ok, false, "raised")
  T.eq(type(message), "string", "a message, not an error object")
  T.matches(message, "^[^\n]*streams_test%.lua:%d+: on_permission returned a table %('once', 'always', 'reject' or nil expected%)$", "message")
end)

T.test("handles_and_streams_return_exactly_their_values", function()
  local client = assert(opencode.connect(abort_url))
  local handle = assert(client:send_async("ses_abort", "x"))
  T.eq(select("#", handle:fd()), 1, "handle:fd()")
  T.eq(select("#", handle:poll()), 1, "handle:poll() while pending")
  T.eq(select("#", handle:wait(0.01)), 4, "handle:wait() timing out")
  T.eq(select("#", handle:cancel()), 1, "handle:cancel()")
  T.eq(select("#", handle:poll()), 4, "handle:poll() after cancel")
  local stream = assert(client:events())
  T.eq(select("#", stream:fd()), 1, "stream:fd()")
  T.eq(select("#", stream:close()), 1, "stream:close()")
end)

T.done("streams_test")
