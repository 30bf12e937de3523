-- The Lua API against a fake opencode server.
-- Arguments: URL of an open server, URL of one that wants password "secret",
-- URL where nothing listens.
local dir = arg[0]:match("^(.*)[/\\]") or "."
local T = dofile(dir .. "/testlib.lua")
local opencode = require("opencode")

local url, locked_url, dead_url = arg[1], arg[2], arg[3]
assert(url and locked_url and dead_url, "usage: api_test.lua URL LOCKED_URL DEAD_URL")
local this_file = "api_test.lua:%d+: "
local unpack = table.unpack or unpack

local client = assert(opencode.connect(url))

T.test("module_exposes_version_and_null", function()
  T.matches(opencode._VERSION, "^opencode %d+%.%d+%.%d+$", "_VERSION")
  T.eq(type(opencode.null), "userdata", "type(opencode.null)")
  T.eq(require("opencode"), opencode, "require returns the same table")
end)

T.test("connect_with_url_string_and_table", function()
  T.eq(tostring(client), "opencode.client: " .. url, "tostring(client)")
  T.eq(client:url(), url, "client:url()")
  local c2 = assert(opencode.connect({ url = url .. "/", timeout = 5 }))
  T.eq(c2:url(), url, "trailing slash dropped")
end)

T.test("health_returns_version", function()
  local health = assert(client:health())
  T.eq(health.healthy, true, "healthy")
  T.eq(health.version, "1.18.33", "version")
end)

T.test("connect_refused_is_kind_connect", function()
  local err = T.fails("connect", opencode.connect(dead_url))
  T.eq(err.status, nil, "status")
  T.matches(err.message, "opencode serve", "message says what to do")
  T.eq(tostring(err), err.message, "tostring(err)")
  T.no_match(tostring(err), "\n", "one line")
end)

T.test("password_is_checked_at_connect", function()
  local err = T.fails("auth", opencode.connect({ url = locked_url, password = "wrong-password" }))
  T.eq(err.status, 401, "status")
  T.no_match(err.message, "wrong-password", "message")
  local locked = assert(opencode.connect({ url = locked_url, password = "secret" }))
  T.no_match(tostring(locked), "secret", "tostring(client)")
  T.eq(assert(locked:health()).healthy, true, "health with password")
  T.fails("auth", opencode.connect(locked_url))
end)

T.test("new_session_returns_the_servers_session", function()
  local session = assert(client:new_session({ title = "hello" }))
  T.eq(session.id, "ses_new", "id")
  T.eq(session.title, "hello", "title")
  T.eq(session.share, nil, "JSON null field is nil")
  T.eq(session.parentID, nil, "absent parentID")
  T.eq(type(session.time.created), "number", "time.created")
  T.eq(assert(client:new_session("titled")).title, "titled", "title shorthand")
  T.eq(assert(client:new_session()).title, "New session", "no options")
  local child = assert(client:new_session({ parentID = session }))
  T.eq(child.parentID, "ses_new", "parentID from a session table")
end)

T.test("new_session_permission_shorthand_becomes_rules", function()
  local session = assert(client:new_session({ permission = { bash = "ask" } }))
  T.eq(#session.permission, 1, "one rule")
  T.eq(session.permission[1].permission, "bash", "rule.permission")
  T.eq(session.permission[1].pattern, "*", "rule.pattern")
  T.eq(session.permission[1].action, "ask", "rule.action")
  local listed = assert(client:new_session({
    permission = { { permission = "edit", pattern = "*.md", action = "deny" } },
  }))
  T.eq(listed.permission[1].pattern, "*.md", "rules list passes through")
end)

T.test("sessions_lists_every_session", function()
  local sessions = assert(client:sessions())
  T.eq(#sessions, 2, "#sessions")
  T.eq(sessions[1].id, "ses_1", "first id")
  T.eq(sessions[1].parentID, nil, "null parentID")
  local one = assert(client:session("ses_2"))
  T.eq(one.id, "ses_2", "session(id)")
end)

T.test("send_returns_reply_with_joined_text", function()
  local reply = assert(client:send("ses_1", "hello world"))
  T.eq(reply.text, "echo: hello world", "reply.text")
  T.eq(reply.info.role, "assistant", "reply.info.role")
  T.eq(reply.info.error, nil, "no error")
  T.eq(reply.parts[2].type, "text", "parts kept")
  T.eq(reply.parts[1].snapshot, nil, "null in a part")
  local request = reply.info.request
  T.eq(request.parts[1].type, "text", "sent part type")
  T.eq(request.parts[1].text, "hello world", "sent text")
  T.eq(request.model, nil, "no model unless asked")
end)

T.test("send_accepts_session_table_options_and_parts", function()
  local session = { id = "ses_1" }
  local reply = assert(client:send(session, { { type = "text", text = "a" }, { type = "text", text = "b" } }, {
    model = "echo/echo-model",
    agent = "build",
    system = "be brief",
    tools = { bash = false },
  }))
  T.eq(reply.text, "echo: ab", "parts joined")
  local request = reply.info.request
  T.eq(request.model.providerID, "echo", "providerID")
  T.eq(request.model.modelID, "echo-model", "modelID")
  T.eq(request.agent, "build", "agent")
  T.eq(request.system, "be brief", "system")
  T.eq(request.tools.bash, false, "tools")
  local r2 = assert(client:send("ses_1", { type = "text", text = "single" }, {
    model = { providerID = "p", modelID = "m/with/slash" },
  }))
  T.eq(r2.text, "echo: single", "a single part table")
  T.eq(r2.info.request.model.modelID, "m/with/slash", "model table")
end)

T.test("json_arrays_keep_nulls_as_opencode_null", function()
  local reply = assert(client:send("ses_1", "x"))
  local list = reply.info.list
  T.eq(#list, 3, "#list")
  T.eq(list[2], opencode.null, "null inside an array")
  T.eq(type(reply.info.empty), "table", "empty array is a table")
  T.eq(#reply.info.empty, 0, "empty array is empty")
end)

T.test("send_reports_provider_failure", function()
  local err = T.fails("provider", client:send("ses_fail", "x"))
  T.eq(err.status, 200, "status")
  T.matches(err.message, "provider exploded", "server's message")
  T.eq(err.reply.info.error.name, "APIError", "err.reply keeps the reply")
end)

T.test("send_reports_abort", function()
  local err = T.fails("aborted", client:send("ses_abort", "x"))
  T.matches(tostring(err), "aborted", "tostring")
end)

T.test("send_to_unknown_session_is_not_found", function()
  local err = T.fails("not_found", client:send("ses_missing", "x"))
  T.eq(err.status, 404, "status")
  T.matches(err.message, "Session not found: ses_missing", "server's message")
  T.fails("not_found", client:session("ses_missing"))
  T.fails("not_found", client:delete("ses_missing"))
end)

T.test("proxy_html_and_garbage_bodies", function()
  local err = T.fails("http", client:send("ses_proxy", "x"))
  T.eq(err.status, 502, "status")
  T.matches(err.message, "502 Bad Gateway", "page title")
  T.no_match(err.message, "<", "no markup")
  local err2 = T.fails("decode", client:send("ses_garbage", "x"))
  T.matches(err2.message, "this is not json", "what came instead")
end)

T.test("delete_and_abort_return_true", function()
  T.eq(client:delete("ses_1"), true, "delete")
  T.eq(client:abort({ id = "ses_1" }), true, "abort")
end)

T.test("function_forms_match_methods", function()
  local session = assert(opencode.new_session(client, { title = "f" }))
  local reply = assert(opencode.send(client, session.id, "hi"))
  T.eq(reply.text, "echo: hi", "opencode.send")
  T.eq(opencode.delete(client, session.id), true, "opencode.delete")
  T.eq(assert(opencode.health(client)).healthy, true, "opencode.health")
end)

T.test("timeouts_bound_calls_but_not_the_reply_wait", function()
  local quick = assert(opencode.connect({ url = url, timeout = 0.2 }))
  T.fails("timeout", quick:session("ses_slow"))
  local reply = assert(quick:send("ses_slow", "patience"))
  T.eq(reply.text, "echo: patience", "send waits past timeout")
  local bounded = assert(opencode.connect({ url = url, timeout = 5, send_timeout = 0.2 }))
  local err = T.fails("timeout", bounded:send("ses_slow", "x"))
  T.eq(assert(bounded:health()).healthy, true, "client still works")
end)

T.test("caller_mistakes_raise_errors_naming_the_argument", function()
  local msg = T.raises(client.send, client)
  T.matches(msg, "^bad argument #1 to 'send' %(session id %(string or session table%) expected, got no value%)$", "no id")
  -- (not a tail call, so the error can point at this line)
  msg = T.raises(function() local _ = client:send("ses_1") end)
  T.matches(msg, this_file .. "bad argument #2 to 'send' %(string or table of parts expected, got no value%)", "no text")
  msg = T.raises(function() return client:send(42, "x") end)
  T.matches(msg, "bad argument #1 to 'send' %(session id %(string or session table%) expected, got number%)", "number id")
  msg = T.raises(function() return client:send("ses_1", "x", { modle = "a/b" }) end)
  T.matches(msg, "bad argument #3 to 'send' %(unknown option 'modle'", "unknown option")
  msg = T.raises(function() return client:send("ses_1", "x", { model = "nomodel" }) end)
  T.matches(msg, "bad argument #3 to 'send' %(option 'model'", "bad model")
  msg = T.raises(function() return opencode.send(nil, "ses_1", "x") end)
  T.matches(msg, "bad argument #1 to 'send' %(opencode client expected, got nil%)", "function form, no client")
  msg = T.raises(function() return opencode.send(client, nil, "x") end)
  T.matches(msg, "bad argument #2 to 'send'", "function form counts the client")
  msg = T.raises(function() return client.session("not a client", "ses_1") end)
  T.matches(msg, "calling 'session' on bad self", "bad self")
  msg = T.raises(function() return client:new_session({ title = 1 }) end)
  T.matches(msg, "bad argument #1 to 'new_session' %(option 'title': string expected, got number%)", "title type")
  msg = T.raises(function() return opencode.connect({ timeout = -1 }) end)
  T.matches(msg, "option 'timeout'", "negative timeout")
  msg = T.raises(function() return opencode.connect({ url = "ftp://me:hunter2@host" }) end)
  T.matches(msg, "bad argument #1 to 'connect' %(invalid url", "bad url")
  T.no_match(msg, "hunter2", "password in a url error")
  local cyclic = { type = "text", text = "x" }
  cyclic.self = cyclic
  msg = T.raises(function() return client:send("ses_1", cyclic) end)
  T.matches(msg, "bad argument #2 to 'send' %(table nested too deeply", "cyclic parts")
  msg = T.raises(function() return client:send("ses_1", { { type = "text", text = print } }) end)
  T.matches(msg, "bad argument #2 to 'send' %(a function cannot be sent as JSON at %[1%]%.text%)", "function in parts")
  msg = T.raises(function() return client:session("") end)
  T.matches(msg, "bad argument #1 to 'session' %(session id is empty%)", "empty id")
end)

T.test("every_function_returns_exactly_its_values", function()
  -- name, arguments after the client, and whether the fake server makes it fail
  local calls = {
    { "health", {} },
    { "sessions", {} },
    { "session", { "ses_1" } },
    { "session", { "ses_missing" }, true },
    { "new_session", { { title = "x" } } },
    { "delete", { "ses_1" } },
    { "delete", { "ses_missing" }, true },
    { "abort", { "ses_1" } },
    { "url", {} },
    { "server", {} },
    { "send", { "ses_1", "x" } },
    { "send", { "ses_fail", "x" }, true },
    { "prompt_async", { "ses_1", "x" }, true },
    { "reply_permission", { "per_1", "once" }, true },
    { "tui_append_prompt", { "x" }, true },
    { "tui_submit_prompt", {}, true },
    { "tui_clear_prompt", {}, true },
    { "tui_show_toast", { { message = "x" } }, true },
    { "close", {} },
  }
  for _, call in ipairs(calls) do
    local name, args, fails = call[1], call[2], call[3]
    T.eq(type(opencode[name]), "function", "function form opencode." .. name)
    local forms = {
      { "client:" .. name, function() return client[name](client, unpack(args)) end },
      { "opencode." .. name, function() return opencode[name](client, unpack(args)) end },
    }
    for _, form in ipairs(forms) do
      local what, f = form[1], form[2]
      local n, value, message, kind, err = select("#", f()), f()
      T.eq(n, fails and 4 or 1, what .. " value count")
      if fails then
        T.eq(value, nil, what .. " value")
        T.eq(type(message), "string", what .. " message")
        T.eq(err.kind, kind, what .. " err.kind")
      end
    end
  end
  -- a failure from connect gives the same four values
  T.eq(select("#", opencode.connect(dead_url)), 4, "connect failure value count")
  T.eq(select("#", opencode.connect(url)), 1, "connect value count")
end)

T.test("failures_show_as_strings_in_assert_and_error", function()
  -- PUC 5.1's assert and lua.c print only strings: a failure must read well there.
  local ok, message = pcall(function() assert(opencode.connect(dead_url)) end)
  T.eq(ok, false, "assert raised")
  T.matches(message, "could not connect to opencode server", "assert shows the message")
  local _, failure = opencode.connect(dead_url)
  ok, message = pcall(error, failure)
  T.eq(type(message), "string", "error(message) raises a string")
  local _, _, kind = opencode.connect(dead_url)
  T.eq(kind, "connect", "the kind, for a program to branch on")
end)

T.test("settings_store_is_exposed", function()
  T.eq(type(opencode.settings.get), "function", "settings.get")
  T.eq(opencode.settings.get("opencc.no.such.setting", "fallback"), "fallback", "default")
end)

T.done("api_test")
