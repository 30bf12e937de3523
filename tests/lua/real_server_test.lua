-- The Lua API against a real `opencode serve` whose model is the echo
-- provider (replies "echo: <prompt>", streamed in several chunks with pauses).
-- Argument: the server's URL.
local dir = arg[0]:match("^(.*)[/\\]") or "."
local T = dofile(dir .. "/testlib.lua")
local opencode = require("opencode")

local url = assert(arg[1], "usage: real_server_test.lua URL")
local client = assert(opencode.connect({ url = url, timeout = 20 }))

T.test("health_reports_the_server_version", function()
  local health = assert(client:health())
  T.eq(health.healthy, true, "healthy")
  T.eq(health.version, "1.18.33", "version")
end)

local session
T.test("create_send_list_delete", function()
  session = assert(client:new_session({ title = "hello" }))
  T.matches(session.id, "^ses", "id")
  T.eq(session.title, "hello", "title")
  local reply = assert(client:send(session.id, "hello world"))
  T.eq(reply.text, "echo: hello world", "reply.text")
  T.eq(reply.info.role, "assistant", "role")
  T.eq(reply.info.providerID, "echo", "providerID")
  T.eq(reply.info.error, nil, "no error")
  local listed = false
  for _, s in ipairs(assert(client:sessions())) do
    listed = listed or s.id == session.id
  end
  T.truthy(listed, "session listed")
  T.eq(assert(client:session(session)).id, session.id, "session(table)")
end)

T.test("streaming_send_hands_over_text_as_it_is_written", function()
  local deltas, events = {}, {}
  local reply = assert(client:send(session, "one two three four", {
    on_text = function(delta, part)
      deltas[#deltas + 1] = delta
      T.eq(part.type, "text", "part.type")
    end,
    on_event = function(event)
      events[event.type] = (events[event.type] or 0) + 1
    end,
  }))
  T.eq(reply.text, "echo: one two three four", "reply.text")
  T.truthy(#deltas >= 3, "several deltas, got " .. #deltas)
  T.eq(table.concat(deltas), reply.text, "joined deltas")
  T.truthy(events["message.part.delta"], "delta events seen")
  T.truthy(events["session.idle"], "session.idle seen")
end)

T.test("send_async_polled_from_a_loop_shows_text_before_the_reply_is_done", function()
  local text = {}
  local handle = assert(client:send_async(session, "alpha beta gamma delta", {
    on_text = function(delta)
      text[#text + 1] = delta
    end,
  }))
  T.eq(type(handle:fd()), "number", "fd")
  local pending_with_text, polls = false, 0
  local reply, err
  repeat
    polls = polls + 1
    reply, err = handle:poll()
    if not reply and not err then
      pending_with_text = pending_with_text or #text > 0
      handle:wait(0.05) -- stands in for the host loop's own wait
    end
  until reply or err or polls > 2000
  assert(reply, tostring(err))
  T.eq(reply.text, "echo: alpha beta gamma delta", "reply.text")
  T.eq(table.concat(text), reply.text, "joined deltas")
  T.truthy(pending_with_text, "text arrived while the reply was still being written")
  T.eq(assert(handle:poll()).text, reply.text, "poll after completion returns the reply again")
end)

T.test("prompt_async_then_events_shows_session_idle", function()
  local stream = assert(client:events({ session = session }))
  T.truthy(T.until_live(client, stream, session), "the stream shows the session's events")
  T.eq(client:prompt_async(session, "fire and forget"), true, "prompt_async")
  -- The prompt's events start with session.status "busy"; what comes before
  -- it is left over from T.until_live.
  local seen, busy, idle = {}, false, false
  for _ = 1, 500 do
    local event, err = stream:next(15)
    assert(event, "no event within 15s: " .. tostring(err))
    T.eq(event.properties.sessionID or (event.properties.info or event.properties.part or {}).sessionID or session.id, session.id, "filtered by session")
    busy = busy or (event.type == "session.status" and event.properties.status.type == "busy")
    if busy then
      seen[event.type] = true
      if event.type == "session.idle" then
        idle = true
        break
      end
    end
  end
  T.truthy(idle, "session.idle")
  T.truthy(seen["message.part.delta"], "deltas seen")
  T.truthy(stream:close(), "close")
  T.eq(stream:next(0.1), nil, "closed stream yields nothing")
end)

T.test("abort_makes_a_send_in_flight_return_aborted", function()
  local s = assert(client:new_session({ title = "abort" }))
  -- Abort once the session is busy with the send: seen on a stream of the
  -- test's own that is known to be live (the send's own stream may have
  -- missed the start of the generation, see T.until_live).
  local statuses = assert(client:events({ session = s, types = { "session.status" } }))
  T.truthy(T.until_live(client, statuses, s), "the stream shows the session's status")
  local handle = assert(client:send_async(s, "[[sleep:20000]] slow"))
  local busy = false
  for _ = 1, 60 do
    local event = statuses:next(0.5)
    if event and event.properties.status.type == "busy" then
      busy = true
      break
    end
  end
  statuses:close()
  T.truthy(busy, "session became busy")
  T.eq(client:abort(s), true, "abort")
  local err = T.fails("aborted", handle:wait(15))
  T.eq(err.reply.info.error.name, "MessageAbortedError", "err.reply")
  client:delete(s)
end)

T.test("error_in_a_callback_aborts_and_reaches_the_caller", function()
  local s = assert(client:new_session({ title = "callback error" }))
  local ok, err = pcall(client.send, client, s, "[[sleep:1500]] boom", {
    -- At the send's first event, whichever it is: the first ones may be
    -- missed (see T.until_live), but the reply's own come 1.5 s later.
    on_event = function()
      error("stop here")
    end,
  })
  T.eq(ok, false, "pcall")
  T.matches(tostring(err), "stop here", "the callback's own error")
  -- The generation was aborted: the session answers the next prompt at once.
  local reply = assert(client:send(s, "after"))
  T.eq(reply.text, "echo: after", "session usable afterwards")
  client:delete(s)
end)

T.test("tui_calls_answer_true_without_a_tui", function()
  local stream = assert(client:events({ types = { "tui.prompt.append", "tui.toast.show" } }))
  -- A new stream may miss what comes right after it opens (see T.until_live):
  -- toast until one comes through before counting on events.
  local live = false
  for i = 1, 20 do
    client:tui_show_toast({ message = "sync " .. i })
    if stream:next(0.5) then
      live = true
      break
    end
  end
  T.truthy(live, "stream delivers tui events")
  T.eq(client:tui_append_prompt("typed by lua"), true, "append")
  T.eq(client:tui_submit_prompt(), true, "submit")
  T.eq(client:tui_clear_prompt(), true, "clear")
  T.eq(client:tui_show_toast({ message = "hi", title = "lua", variant = "success", duration = 2 }), true, "toast")
  local seen = {}
  for _ = 1, 30 do
    local event = assert(stream:next(10))
    -- Toasts of the loop above may still be on their way: skip them.
    if not (event.type == "tui.toast.show" and tostring(event.properties.message):match("^sync ")) then
      seen[event.type] = event.properties
    end
    if seen["tui.prompt.append"] and seen["tui.toast.show"] then
      break
    end
  end
  T.eq(seen["tui.prompt.append"] and seen["tui.prompt.append"].text, "typed by lua", "append event")
  T.eq(seen["tui.toast.show"] and seen["tui.toast.show"].message, "hi", "toast event")
  T.eq(seen["tui.toast.show"] and seen["tui.toast.show"].duration, 2000, "toast duration in ms")
  stream:close()
end)

T.test("send_after_delete_is_not_found", function()
  T.eq(client:delete(session.id), true, "delete")
  T.fails("not_found", client:send(session.id, "anyone there?"))
  T.fails("not_found", client:session(session.id))
end)

T.test("provider_failure_is_kind_provider", function()
  local s = assert(client:new_session())
  local err = T.fails("provider", client:send(s, "[[fail]]"))
  T.matches(err.message, "APIError", "error name")
  client:delete(s)
end)

T.done("real_server_test")
