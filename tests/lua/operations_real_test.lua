-- The generated operations against a real `opencode serve` whose model is
-- the echo provider (replies "echo: <prompt>"): sessions and messages, files
-- and search, configuration, the project, PTYs, the TUI, the event streams.
-- Argument: the server's URL.
local dir = arg[0]:match("^(.*)[/\\]") or "."
local T = dofile(dir .. "/testlib.lua")
local opencode = require("opencode")

local url = assert(arg[1], "usage: operations_real_test.lua URL")
local client = assert(opencode.connect({ url = url, timeout = 30 }))

local function find(list, pred)
  for _, item in ipairs(list) do
    if pred(item) then
      return item
    end
  end
end

local function text_of(message)
  local text = {}
  for _, part in ipairs(message.parts) do
    if part.type == "text" then
      text[#text + 1] = part.text
    end
  end
  return table.concat(text)
end

local session = assert(client:new_session({ title = "operations" }))
assert(client:send(session, "first prompt"))

T.test("session_messages_lists_the_history", function()
  local messages = assert(client:session_messages({ sessionID = session }))
  T.eq(#messages, 2, "messages")
  T.eq(messages[1].info.role, "user", "first role")
  T.eq(text_of(messages[1]), "first prompt", "prompt text")
  T.eq(messages[2].info.role, "assistant", "second role")
  T.eq(text_of(messages[2]), "echo: first prompt", "reply text")
  local last = assert(client:session_messages({ sessionID = session.id, limit = 1 }))
  T.eq(#last, 1, "limit")
  T.eq(last[1].info.id, messages[2].info.id, "the newest")
  local one = assert(client:session_message({ sessionID = session, messageID = messages[2].info.id }))
  T.eq(one.info.id, messages[2].info.id, "session_message")
  T.eq(#assert(opencode.session_messages(client, { sessionID = session })), 2, "function form")
  T.eq(#assert(client:call("session.messages", { sessionID = session })), 2, "client:call")
end)

T.test("session_update_renames", function()
  local updated = assert(client:session_update({ sessionID = session, title = "renamed" }))
  T.eq(updated.title, "renamed", "title")
  T.eq(assert(client:session(session)).title, "renamed", "read back")
end)

T.test("session_fork_and_children", function()
  local fork = assert(client:session_fork({ sessionID = session }))
  T.matches(fork.id, "^ses", "fork id")
  T.eq(#assert(client:session_messages({ sessionID = fork })), 2, "the fork has the history")
  local child = assert(client:new_session({ parentID = session }))
  local children = assert(client:session_children({ sessionID = session }))
  T.truthy(find(children, function(s) return s.id == child.id end), "the child is listed")
  assert(client:delete(fork))
  assert(client:delete(child))
end)

T.test("session_todo_diff_and_status", function()
  T.eq(#assert(client:session_todo({ sessionID = session })), 0, "no todos")
  T.eq(type(assert(client:session_diff({ sessionID = session }))), "table", "diff")
  T.eq(next(assert(client:session_status())), nil, "no session is busy")
end)

T.test("session_revert_and_unrevert", function()
  local messages = assert(client:session_messages({ sessionID = session }))
  local reverted = assert(client:session_revert({ sessionID = session, messageID = messages[1].info.id }))
  T.eq(reverted.revert.messageID, messages[1].info.id, "revert point")
  local restored = assert(client:session_unrevert({ sessionID = session }))
  T.eq(restored.revert, nil, "no revert point")
end)

T.test("session_summarize_shell_and_command", function()
  T.eq(client:session_summarize({ sessionID = session, providerID = "echo", modelID = "echo" }), true, "summarize")
  local shell = assert(client:session_shell({ sessionID = session, agent = "build", command = "echo shell-out" }))
  local tool = find(shell.parts, function(p) return p.type == "tool" end)
  T.eq(tool.tool, "bash", "tool")
  T.matches(tool.state.output, "shell%-out", "output")
  local names = {}
  for _, command in ipairs(assert(client:command_list())) do
    names[command.name] = true
  end
  T.truthy(names.init, "the init command is listed")
  local ran = assert(client:session_command({ sessionID = session, command = "init", arguments = "" }))
  T.eq(ran.info.role, "assistant", "command reply")
  T.matches(text_of(ran), "^echo: ", "the echo model answered")
end)

T.test("files_and_search", function()
  local listed = assert(client:file_list({ path = "." }))
  T.truthy(find(listed, function(f) return f.name == "opencode.json" end), "file_list")
  local file = assert(client:file_read({ path = "opencode.json" }))
  T.matches(file.content, "echo/echo", "file_read")
  T.eq(type(assert(client:file_status())), "table", "file_status")
  T.eq(assert(client:find_files({ query = "opencode" }))[1], "opencode.json", "find_files")
  local found = assert(client:find_text({ pattern = "small_model" }))
  T.eq(found[1].path.text, "opencode.json", "find_text")
  T.matches(assert(client:v2_fs_read({ path = "opencode.json" })), "echo/echo", "v2_fs_read gives the bytes")
end)

T.test("configuration_providers_agents_skills", function()
  T.eq(assert(client:config_get()).model, "echo/echo", "config_get")
  T.eq(assert(client:config_providers()).default.echo, "echo", "config_providers")
  local providers = assert(client:provider_list())
  T.eq(providers.connected[1], "echo", "provider_list")
  T.truthy(find(assert(client:app_agents()), function(a) return a.name == "build" end), "app_agents")
  T.truthy(#assert(client:app_skills()) >= 1, "app_skills")
end)

T.test("path_vcs_and_projects", function()
  local path = assert(client:path_get())
  local current = assert(client:project_current())
  T.eq(path.worktree, current.worktree, "path_get and project_current agree")
  T.eq(type(assert(client:vcs_get()).branch), "string", "vcs_get")
  T.truthy(find(assert(client:project_list()), function(p) return p.id == current.id end), "project_list")
  T.matches(assert(client:vcs_diff_raw()), "opencode.json", "vcs_diff_raw gives the diff's text")
end)

T.test("status_lists_tools_permissions_questions", function()
  T.eq(type(assert(client:lsp_status())), "table", "lsp_status")
  T.eq(type(assert(client:formatter_status())), "table", "formatter_status")
  T.eq(type(assert(client:mcp_status())), "table", "mcp_status")
  local ids = assert(client:tool_ids())
  T.truthy(find(ids, function(id) return id == "bash" end), "tool_ids")
  T.eq(#assert(client:permission_list()), 0, "permission_list")
  T.eq(#assert(client:question_list()), 0, "question_list")
end)

T.test("pty_create_list_remove", function()
  local pty = assert(client:pty_create({ command = "sh", args = { "-c", "sleep 30" }, title = "lua" }))
  T.matches(pty.id, "^pty", "id")
  T.truthy(find(assert(client:pty_list()), function(p) return p.id == pty.id end), "listed")
  T.eq(assert(client:pty_get({ ptyID = pty.id })).title, "lua", "pty_get")
  T.eq(client:pty_remove({ ptyID = pty.id }), true, "pty_remove")
  T.fails("not_found", client:pty_get({ ptyID = pty.id }))
end)

T.test("every_tui_operation", function()
  for _, name in ipairs({ "tui_open_help", "tui_open_sessions", "tui_open_themes", "tui_open_models" }) do
    T.eq(client[name](client), true, name)
  end
  T.eq(client:tui_execute_command({ command = "session.new" }), true, "tui_execute_command")
  T.eq(client:tui_select_session({ sessionID = session }), true, "tui_select_session")
  T.eq(client:tui_publish({ body = { type = "tui.prompt.append", properties = { text = "x" } } }), true, "tui_publish")
  T.eq(client:tui_control_response({ body = { ok = true } }), true, "tui_control_response")
  -- The hand-written methods keep their names; the operations are client:call.
  T.eq(client:tui_append_prompt("text"), true, "tui_append_prompt")
  T.eq(client:tui_submit_prompt(), true, "tui_submit_prompt")
  T.eq(client:tui_clear_prompt(), true, "tui_clear_prompt")
  T.eq(client:tui_show_toast({ message = "hello" }), true, "tui_show_toast")
  T.eq(client:call("tui.appendPrompt", { text = "text" }), true, "tui.appendPrompt")
  T.eq(client:call("tui.submitPrompt"), true, "tui.submitPrompt")
  T.eq(client:call("tui.clearPrompt"), true, "tui.clearPrompt")
  T.eq(client:call("tui.showToast", { message = "hello", variant = "success" }), true, "tui.showToast")
  -- With no TUI attached, the next control request never comes: a long poll.
  local impatient = assert(opencode.connect({ url = url, timeout = 1 }))
  T.fails("timeout", impatient:tui_control_next())
end)

T.test("event_stream_operations", function()
  local streams = {
    global_event = assert(client:global_event()),
    event_subscribe = assert(client:event_subscribe()),
    v2_event_subscribe = assert(client:v2_event_subscribe()),
  }
  -- opencode greets a moment before it passes events on.
  streams.v2_event_subscribe:next(0.3)
  assert(client:session_update({ sessionID = session, title = "watched" }))
  for name, stream in pairs(streams) do
    local event
    repeat
      event = stream:next(10)
    until event == nil or event.type == "session.updated"
    T.eq(event and event.type, "session.updated", name)
    stream:close()
  end
  -- v2 session events: the server says nothing, not even its headers, until the first event.
  local events = assert(client:v2_session_events({ sessionID = session }))
  T.eq(events:next(0.2), nil, "silent at first")
  assert(client:v2_session_prompt({ sessionID = session, prompt = { text = "v2 prompt" } }))
  local event = events:next(20)
  T.matches(event and event.type, "^session%.next%.", "a v2 session event")
  T.eq(event.properties.sessionID, session.id, "its session")
  events:close()
  local missing = assert(client:v2_session_events({ sessionID = "ses_missing" }))
  T.fails("not_found", missing:next(20))
end)

T.test("request_and_failures", function()
  local messages = assert(client:request("GET", "/session/{sessionID}/message", {
    path = { sessionID = session.id },
    query = { limit = 1 },
  }))
  T.eq(#messages, 1, "request with a path value and a query")
  T.fails("not_found", client:session_get({ sessionID = "ses_missing" }))
  T.fails("not_found", client:call("session.messages", { sessionID = "ses_missing" }))
end)

assert(client:delete(session))
T.done("operations_real_test")
