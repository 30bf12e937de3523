-- Bad input to every public function and method: wrong types, missing
-- arguments, huge strings, cyclic tables, functions where data belongs.
-- Each mistake raises a Lua error that names the argument and the function
-- ("bad argument #N to 'name' (...)", or "calling 'name' on bad self (...)")
-- at the caller's line; nothing crashes.
--
-- The list of functions comes from types/opencode.lua, so a function added
-- there is checked here too; hand-written cases follow for each parameter.
-- Arguments: URL of a fake server (health, sessions, messages echoed,
-- /global/event streams), path of types/opencode.lua.
local dir = arg[0]:match("^(.*)[/\\]") or "."
local T = dofile(dir .. "/testlib.lua")
local opencode = require("opencode")

local url, types_path = arg[1], arg[2]
assert(url and types_path, "usage: bad_input_test.lua URL TYPES_LUA")

local client = assert(opencode.connect{ url = url, timeout = 5, send_timeout = 20 })
local stream = assert(client:events())
local handle = assert(client:send_async("ses_x", "hello"))

local HUGE = string.rep("x", 10 * 1024 * 1024)
local cyclic = {}
cyclic.self = cyclic
local cyclic_list = { 1, 2 }
cyclic_list[3] = cyclic_list
local fn = function() end
local co = coroutine.create(fn)
local deep = {}
do
  local t = deep
  for _ = 1, 300 do
    t[1] = {}
    t = t[1]
  end
end

-- Calls f(...) from a frame of this file (no tail call, so the error's
-- position is this line) and returns the error message it must raise.
local function raised(f, ...)
  local args = table.pack(...)
  local ok, err = pcall(function()
    local result = f(table.unpack(args, 1, args.n))
    return result
  end)
  if ok then
    return nil
  end
  return tostring(err)
end

local THIS_FILE = "bad_input_test%.lua:%d+: "

-- Asserts that f(...) raises "bad argument #n to 'name'" at this file's line.
local function bad_argument(n, name, what, f, ...)
  local err = raised(f, ...)
  local want = string.format("bad argument #%d to '%s' (", n, name)
  if not err then
    error(string.format("%s: no error, expected %q", what, want), 2)
  end
  if not err:find(want, 1, true) then
    error(string.format("%s: expected %q, got %q", what, want, err:sub(1, 300)), 2)
  end
  if not err:find("^[^\n]*" .. THIS_FILE) then
    error(string.format("%s: the error does not point at the caller's line: %q", what, err:sub(1, 300)), 2)
  end
  return err
end

local function bad_self(name, what, f, ...)
  local err = raised(f, ...)
  local want = string.format("calling '%s' on bad self (", name)
  if not err then
    error(string.format("%s: no error, expected %q", what, want), 2)
  end
  if not err:find(want, 1, true) then
    error(string.format("%s: expected %q, got %q", what, want, err:sub(1, 300)), 2)
  end
  if not err:find("^[^\n]*" .. THIS_FILE) then
    error(string.format("%s: the error does not point at the caller's line: %q", what, err:sub(1, 300)), 2)
  end
  return err
end

-- A call that may fail as `nil, message, kind, err` or succeed, but must not raise.
local function returns(what, f, ...)
  local results = table.pack(pcall(f, ...))
  if not results[1] then
    error(string.format("%s: raised %q", what, tostring(results[2]):sub(1, 300)), 2)
  end
  if results[2] == nil and results[3] ~= nil then
    T.eq(type(results[3]), "string", what .. ": message")
    T.eq(type(results[4]), "string", what .. ": kind")
    T.eq(type(results[5]), "table", what .. ": err")
  end
  return table.unpack(results, 2, results.n)
end

------------------------------------------------------------------------------
-- What types/opencode.lua declares
------------------------------------------------------------------------------

local declared = {} -- { owner, name, params = { {name, type, optional} } }
local classes = {} -- class name -> { fields = {name...}, parent = name }
do
  local params, class = {}, nil
  for line in io.lines(types_path) do
    local pname, optional, ptype = line:match("^%-%-%-@param ([%w_]+)(%??) (%S+)")
    if pname then
      params[#params + 1] = { name = pname, type = ptype, optional = optional == "?" }
    end
    local cname, parent = line:match("^%-%-%-@class ([%w_.]+)%s*:?%s*([%w_.]*)")
    if cname then
      class = { fields = {}, parent = parent ~= "" and parent or nil }
      classes[cname] = class
    end
    local field = line:match("^%-%-%-@field ([%w_]+)")
    if field and class then
      class.fields[#class.fields + 1] = field
    end
    if not line:match("^%-%-%-") then
      class = nil
    end
    local owner, sep, name = line:match("^function ([%w_]+)([:.])([%w_]+)%(")
    if owner then
      declared[#declared + 1] = { owner = owner, method = sep == ":", name = name, params = params }
    end
    if not line:match("^%-%-%-") then
      params = {}
    end
  end
end

local function fields_of(class_name)
  local fields, seen = {}, {}
  local class = classes[class_name]
  while class do
    for _, field in ipairs(class.fields) do
      if not seen[field] then
        seen[field] = true
        fields[#fields + 1] = field
      end
    end
    class = class.parent and classes[class.parent]
  end
  return fields
end

-- The Lua types a declared type accepts; nil when unsure (the parameter is
-- then not fed wrong types).
local function accepted(declared_type)
  local accepts = {}
  for alternative in declared_type:gmatch("[^|]+") do
    alternative = alternative:gsub("%?$", "")
    if alternative == "any" then
      return nil
    elseif alternative == "string" or alternative == "opencode.PermissionReply"
        or alternative == "opencode.OperationId" then
      accepts.string = true
    elseif alternative == "number" or alternative == "integer" then
      accepts.number = true
    elseif alternative == "boolean" then
      accepts.boolean = true
    elseif alternative == "table" or alternative:match("Options$") or alternative:match("Params$")
        or alternative == "opencode.Permission" then
      accepts.table = true
    elseif alternative == "opencode.Client" then
      accepts.userdata = true
    elseif alternative == "opencode.SessionRef" or alternative == "opencode.Prompt" then
      accepts.string, accepts.table = true, true
    elseif alternative:match("^fun") then
      accepts["function"] = true
    else
      return nil
    end
  end
  return accepts
end

-- Option tables, and the parameter tables of the operations.
local function class_of(declared_type)
  for alternative in declared_type:gmatch("[^|]+") do
    alternative = alternative:gsub("%?$", "")
    if (alternative:match("^opencode%.%w*Options$") or alternative:match("^opencode%.%w*Params$"))
        and classes[alternative] then
      return alternative
    end
  end
end

local VALID = {
  ["opencode.Client"] = client,
  ["opencode.SessionRef"] = "ses_x",
  ["opencode.Prompt"] = "hi",
  ["opencode.PermissionReply"] = "once",
  ["opencode.OperationId"] = "session.list",
  string = "x",
  number = 1,
  integer = 1,
}

local function valid(param)
  if param.optional then
    return nil
  end
  local first = param.type:match("^[^|]+"):gsub("%?$", "")
  if VALID[first] ~= nil then
    return VALID[first]
  end
  return {}
end

local WRONG = {
  { "a function", fn },
  { "a coroutine", co },
  { "a file (userdata)", io.stdout },
  { "a boolean", true },
  { "a number", 42 },
  { "a string", "not this" },
  { "a table", {} },
  { "a huge string", HUGE },
}

local objects = {
  Client = client,
  Stream = stream,
  Handle = handle,
}
local others = {
  Client = stream,
  Stream = client,
  Handle = stream,
}

-- The function a declaration names, and the value its `self` is.
local function callable(decl)
  if decl.owner == "opencode" then
    return opencode[decl.name], nil
  elseif decl.owner == "Settings" then
    return opencode.settings[decl.name], nil
  else
    local object = objects[decl.owner]
    return object and object[decl.name], object
  end
end

------------------------------------------------------------------------------
-- Every declared function, generically
------------------------------------------------------------------------------

T.test("every declared function exists", function()
  T.truthy(#declared >= 400, "functions declared in types/opencode.lua (" .. #declared .. ")")
  for _, decl in ipairs(declared) do
    local f = callable(decl)
    T.eq(type(f), "function", decl.owner .. "." .. decl.name)
  end
end)

-- Settings are tested on their own below (see "settings ...").
local function generic(filter)
  return function()
    local checked = 0
    -- Every failure is collected, so that one run shows them all.
    local failures = {}
    local function collect(check)
      return function(...)
        local ok, err = pcall(check, ...)
        if not ok then
          failures[#failures + 1] = tostring(err):gsub("^[^\n]-bad_input_test%.lua:%d+: ", "")
        end
      end
    end
    local bad_self, bad_argument = collect(bad_self), collect(bad_argument)
    for _, decl in ipairs(declared) do
      local f, self = callable(decl)
      if f and filter(decl) then
        local label = decl.owner .. (decl.method and ":" or ".") .. decl.name
        -- With the wrong self.
        if decl.method then
          for _, wrong in ipairs({ { "no value" }, { "nil", nil }, { "a string", "x" }, { "a table", {} },
                                   { "another object", others[decl.owner] }, { "a function", fn } }) do
            local call = wrong[1] == "no value" and function() return f() end or function() return f(wrong[2]) end
            bad_self(decl.name, label .. " on " .. wrong[1], call)
            checked = checked + 1
          end
        end
        -- Each parameter: missing (when required), and of every wrong type.
        for position, param in ipairs(decl.params) do
          local args = {}
          for i = 1, position - 1 do
            args[i] = valid(decl.params[i])
          end
          local function call_with(value, count)
            args[position] = value
            if self then
              return f, self, table.unpack(args, 1, count)
            end
            return f, table.unpack(args, 1, count)
          end
          local what = string.format("%s, argument #%d (%s)", label, position, param.name)
          if not param.optional then
            bad_argument(position, decl.name, what .. " missing", call_with(nil, position - 1))
            checked = checked + 1
          end
          local accepts = accepted(param.type)
          if accepts then
            for _, wrong in ipairs(WRONG) do
              if not accepts[type(wrong[2])] then
                bad_argument(position, decl.name, what .. " given " .. wrong[1], call_with(wrong[2], position))
                checked = checked + 1
              end
            end
          end
          -- Option tables: an unknown key, and a value of no use to any option.
          local class = class_of(param.type)
          if class and decl.owner ~= "Settings" then
            bad_argument(position, decl.name, what .. " with an unknown option",
              call_with({ no_such_option = 1 }, position))
            bad_argument(position, decl.name, what .. " with a non-string key", call_with({ [1] = 1 }, position))
            bad_argument(position, decl.name, what .. " with a huge unknown option",
              call_with({ [HUGE] = 1 }, position))
            for _, field in ipairs(fields_of(class)) do
              bad_argument(position, decl.name, what .. " with option " .. field .. " = a coroutine",
                call_with({ [field] = co }, position))
              checked = checked + 1
            end
          end
        end
      end
    end
    T.truthy(checked > 100, "checks made (" .. checked .. ")")
    if #failures > 0 then
      error(#failures .. " failures:\n  " .. table.concat(failures, "\n  "), 0)
    end
  end
end

T.test("every module function and method refuses wrong arguments", generic(function(decl)
  return decl.owner ~= "Settings"
end))

------------------------------------------------------------------------------
-- Hand-written cases, parameter by parameter
------------------------------------------------------------------------------

T.test("connect", function()
  local connect = opencode.connect
  bad_argument(1, "connect", "number", connect, 42)
  bad_argument(1, "connect", "boolean", connect, true)
  bad_argument(1, "connect", "function", connect, fn)
  bad_argument(1, "connect", "url number", connect, { url = 1 })
  bad_argument(1, "connect", "url function", connect, { url = fn })
  bad_argument(1, "connect", "ftp url", connect, { url = "ftp://127.0.0.1/" })
  bad_argument(1, "connect", "not a url", connect, { url = "not a url" })
  bad_argument(1, "connect", "huge url", connect, HUGE)
  bad_argument(1, "connect", "huge url in a table", connect, { url = HUGE })
  bad_argument(1, "connect", "invalid UTF-8 url", connect, "http://127.0.0.1:1/\255")
  bad_argument(1, "connect", "negative timeout", connect, { url = url, timeout = -1 })
  bad_argument(1, "connect", "negative fraction of a second", connect, { url = url, timeout = -0.5 })
  bad_argument(1, "connect", "NaN timeout", connect, { url = url, timeout = 0 / 0 })
  bad_argument(1, "connect", "infinite timeout", connect, { url = url, timeout = math.huge })
  bad_argument(1, "connect", "string timeout", connect, { url = url, timeout = "5" })
  bad_argument(1, "connect", "send_timeout function", connect, { url = url, send_timeout = fn })
  bad_argument(1, "connect", "password table", connect, { url = url, password = {} })
  bad_argument(1, "connect", "username cyclic", connect, { url = url, username = cyclic })
  bad_argument(1, "connect", "insecure string", connect, { url = url, insecure = "yes" })
  bad_argument(1, "connect", "zero max_response_bytes", connect, { url = url, max_response_bytes = 0 })
  bad_argument(1, "connect", "fractional max_response_bytes", connect, { url = url, max_response_bytes = 1.5 })
  bad_argument(1, "connect", "infinite max_response_bytes", connect, { url = url, max_response_bytes = math.huge })
  bad_argument(1, "connect", "string max_response_bytes", connect, { url = url, max_response_bytes = "1" })
  bad_argument(1, "connect", "unknown option", connect, { url = url, pasword = "x" })
  bad_argument(1, "connect", "cyclic options", connect, cyclic)
end)

T.test("max_response_bytes", function()
  -- The health check's answer is longer than 10 bytes.
  local err = T.fails("too_large", opencode.connect{ url = url, max_response_bytes = 10 })
  T.eq(err.status, 200, "status")
  T.matches(err.message, "max_response_bytes", "the message names the option")
  T.matches(err.message, "10 bytes", "the message names the limit")
  -- 1e6 is a float in Lua 5.3 and later; a whole number is what counts.
  T.truthy(opencode.connect{ url = url, max_response_bytes = 1e6 }, "a limit of 1e6")
end)

T.test("session references", function()
  for _, name in ipairs({ "session", "delete", "abort" }) do
    bad_argument(1, name, name .. " empty id", client[name], client, "")
    bad_argument(1, name, name .. " table without id", client[name], client, {})
    bad_argument(1, name, name .. " numeric id", client[name], client, { id = 1 })
    bad_argument(1, name, name .. " empty id in a table", client[name], client, { id = "" })
    bad_argument(1, name, name .. " cyclic", client[name], client, cyclic)
    bad_argument(1, name, name .. " function", client[name], client, fn)
    bad_argument(2, name, name .. " function form", opencode[name], client, fn)
    -- A huge id is a string like any other: the server refuses it.
    returns(name .. " huge id", client[name], client, HUGE)
  end
  bad_argument(1, "send", "send to a cyclic session", client.send, client, cyclic, "hi")
  bad_argument(1, "new_session", "parentID number", client.new_session, client, { parentID = 1 })
  bad_argument(1, "new_session", "parentID table without id", client.new_session, client, { parentID = {} })
  bad_argument(1, "new_session", "parentID function", client.new_session, client, { parentID = fn })
end)

T.test("prompts", function()
  for _, name in ipairs({ "send", "send_async", "prompt_async" }) do
    local f = client[name]
    bad_argument(2, name, name .. " missing prompt", f, client, "ses_x")
    bad_argument(2, name, name .. " number prompt", f, client, "ses_x", 42)
    bad_argument(2, name, name .. " function prompt", f, client, "ses_x", fn)
    bad_argument(2, name, name .. " cyclic prompt", f, client, "ses_x", cyclic)
    bad_argument(2, name, name .. " cyclic list prompt", f, client, "ses_x", cyclic_list)
    bad_argument(2, name, name .. " too deep prompt", f, client, "ses_x", deep)
    bad_argument(2, name, name .. " function in the parts", f, client, "ses_x", { fn })
    bad_argument(2, name, name .. " function in a part", f, client, "ses_x", { { type = "text", text = fn } })
    bad_argument(2, name, name .. " coroutine in a part", f, client, "ses_x", { { type = "text", text = co } })
    bad_argument(2, name, name .. " cyclic part", f, client, "ses_x", { cyclic })
    bad_argument(2, name, name .. " function key", f, client, "ses_x", { [fn] = 1 })
    bad_argument(2, name, name .. " table key", f, client, "ses_x", { [{}] = 1 })
    bad_argument(2, name, name .. " NaN", f, client, "ses_x", { { type = "text", text = "x", n = 0 / 0 } })
    bad_argument(2, name, name .. " invalid UTF-8", f, client, "ses_x", "\255\254")
    bad_argument(3, name, name .. " function form", opencode[name], client, "ses_x", fn)
  end
end)

T.test("send options", function()
  for _, name in ipairs({ "send", "send_async", "prompt_async" }) do
    local f = client[name]
    local function bad(what, options)
      bad_argument(3, name, name .. " " .. what, f, client, "ses_x", "hi", options)
    end
    bad("string options", "model")
    bad("function options", fn)
    bad("cyclic options", cyclic)
    bad("unknown option", { modle = "a/b" })
    bad("huge unknown option", { [HUGE] = 1 })
    bad("model number", { model = 1 })
    bad("model without a slash", { model = "noslash" })
    bad("model table without ids", { model = {} })
    bad("model table with one id", { model = { providerID = "a" } })
    bad("model function", { model = fn })
    bad("agent number", { agent = 1 })
    bad("system function", { system = fn })
    bad("system invalid UTF-8", { system = "\255" })
    bad("variant table", { variant = {} })
    bad("tools string", { tools = "bash" })
    bad("tools with a string value", { tools = { bash = "yes" } })
    bad("tools cyclic", { tools = cyclic })
    bad("tools with a function", { tools = { bash = fn } })
    bad("no_reply string", { no_reply = "yes" })
  end
  for _, key in ipairs({ "on_text", "on_event", "on_permission" }) do
    bad_argument(3, "send_async", "send_async " .. key .. " number", client.send_async, client, "ses_x", "hi",
      { [key] = 1 })
    bad_argument(3, "send_async", "send_async " .. key .. " table", client.send_async, client, "ses_x", "hi",
      { [key] = {} })
    bad_argument(3, "send", "streaming send " .. key .. " string", client.send, client, "ses_x", "hi",
      { [key] = "x" })
  end
  bad_argument(3, "prompt_async", "prompt_async has no callbacks", client.prompt_async, client, "ses_x", "hi",
    { on_text = fn })
end)

T.test("new_session options", function()
  local function bad(what, options)
    bad_argument(1, "new_session", "new_session " .. what, client.new_session, client, options)
  end
  bad("number", 42)
  bad("function", fn)
  bad("title number", { title = 1 })
  bad("title function", { title = fn })
  bad("unknown option", { titel = "x" })
  bad("permission string", { permission = "allow" })
  bad("permission cyclic", { permission = cyclic })
  bad("permission cyclic list", { permission = cyclic_list })
  bad("permission with a number action", { permission = { bash = 1 } })
  bad("permission with a number pattern action", { permission = { bash = { ["*"] = 1 } } })
  bad("permission with a function", { permission = { fn } })
  bad("permission with a function action", { permission = { bash = fn } })
  bad_argument(2, "new_session", "function form", opencode.new_session, client, fn)
end)

T.test("events options", function()
  local function bad(what, options)
    bad_argument(1, "events", "events " .. what, client.events, client, options)
  end
  bad("string", "session.idle")
  bad("function", fn)
  bad("session number", { session = 1 })
  bad("session table without id", { session = {} })
  bad("types number", { types = 1 })
  bad("types with a function", { types = { fn } })
  bad("types with a table", { types = { {} } })
  bad("types cyclic", { types = cyclic_list })
  bad("directory table", { directory = {} })
  bad("heartbeat_timeout negative", { heartbeat_timeout = -1 })
  bad("heartbeat_timeout NaN", { heartbeat_timeout = 0 / 0 })
  bad("heartbeat_timeout string", { heartbeat_timeout = "10" })
  bad("unknown option", { sesion = "ses_x" })
end)

T.test("permission replies and the TUI", function()
  local reply = client.reply_permission
  bad_argument(1, "reply_permission", "missing request id", reply, client)
  bad_argument(1, "reply_permission", "table request id", reply, client, {}, "once")
  bad_argument(2, "reply_permission", "missing reply", reply, client, "per_1")
  bad_argument(2, "reply_permission", "unknown reply", reply, client, "per_1", "maybe")
  bad_argument(2, "reply_permission", "huge reply", reply, client, "per_1", HUGE)
  bad_argument(3, "reply_permission", "message number", reply, client, "per_1", "once", 42)
  bad_argument(3, "reply_permission", "message function", reply, client, "per_1", "once", fn)
  bad_argument(1, "tui_append_prompt", "missing text", client.tui_append_prompt, client)
  bad_argument(1, "tui_append_prompt", "table text", client.tui_append_prompt, client, cyclic)
  bad_argument(1, "tui_append_prompt", "invalid UTF-8", client.tui_append_prompt, client, "\255")
  local toast = client.tui_show_toast
  bad_argument(1, "tui_show_toast", "missing options", toast, client)
  bad_argument(1, "tui_show_toast", "string", toast, client, "hello")
  bad_argument(1, "tui_show_toast", "missing message", toast, client, {})
  bad_argument(1, "tui_show_toast", "message number", toast, client, { message = 1 })
  bad_argument(1, "tui_show_toast", "message cyclic", toast, client, { message = cyclic })
  bad_argument(1, "tui_show_toast", "unknown variant", toast, client, { message = "m", variant = "loud" })
  bad_argument(1, "tui_show_toast", "negative duration", toast, client, { message = "m", duration = -1 })
  bad_argument(1, "tui_show_toast", "unknown option", toast, client, { message = "m", colour = "red" })
end)

T.test("streams and handles", function()
  bad_argument(1, "next", "next with a string", stream.next, stream, "1")
  bad_argument(1, "next", "next with NaN", stream.next, stream, 0 / 0)
  bad_argument(1, "next", "next with infinity", stream.next, stream, math.huge)
  bad_argument(1, "next", "next with a function", stream.next, stream, fn)
  bad_argument(1, "wait", "wait with a string", handle.wait, handle, "1")
  bad_argument(1, "wait", "wait with NaN", handle.wait, handle, 0 / 0)
  bad_argument(1, "wait", "wait with infinity", handle.wait, handle, math.huge)
  bad_self("next", "next on a handle", stream.next, handle)
  bad_self("wait", "wait on a stream", handle.wait, stream)
  bad_self("poll", "poll on the client", stream.poll, client)
  -- Seconds follow one rule everywhere: 0 or more.
  bad_argument(1, "next", "next with a negative timeout", stream.next, stream, -1)
  bad_argument(1, "wait", "wait with a negative timeout", handle.wait, handle, -1)
  returns("next with a zero timeout", stream.next, stream, 0)
end)

T.test("operations", function()
  local function bad(name, what, ...)
    bad_argument(1, name, name .. " " .. what, client[name], client, ...)
  end
  bad("session_messages", "missing parameters")
  bad("session_messages", "a string", "ses_x")
  bad("session_messages", "missing sessionID", { limit = 1 })
  bad("session_messages", "sessionID number", { sessionID = 1 })
  bad("session_messages", "sessionID empty", { sessionID = "" })
  bad("session_messages", "sessionID table without id", { sessionID = {} })
  bad("session_messages", "sessionID cyclic", { sessionID = cyclic })
  bad("session_messages", "limit string", { sessionID = "ses_x", limit = "10" })
  bad("session_messages", "limit with a fraction", { sessionID = "ses_x", limit = 1.5 })
  bad("session_messages", "misspelled parameter", { sessionID = "ses_x", limt = 1 })
  bad("session_messages", "huge parameter name", { sessionID = "ses_x", [HUGE] = 1 })
  bad("session_messages", "a list", { "ses_x" })
  bad("session_update", "title function", { sessionID = "ses_x", title = fn })
  bad("session_update", "metadata cyclic", { sessionID = "ses_x", metadata = cyclic })
  bad("session_update", "metadata too deep", { sessionID = "ses_x", metadata = deep })
  bad("session_prompt", "parts not a list", { sessionID = "ses_x", parts = "hi" })
  bad("session_list", "roots number", { roots = 1 })
  bad("file_list", "missing path", {})
  bad("v2_fs_read", "path table", { path = {} })
  bad("worktree_remove", "body string", { body = "x" })
  bad("global_event", "unknown parameter", { session = "ses_x" })
  bad_argument(1, "session_messages", "function form without a client", opencode.session_messages, {})
  bad_argument(2, "session_messages", "function form with a string", opencode.session_messages, client, "x")
  bad_self("session_messages", "method on a string", client.session_messages, "x", { sessionID = "ses_x" })
  -- client:call
  bad_argument(1, "call", "unknown operation", client.call, client, "no.such.operation", {})
  bad_argument(1, "call", "a Lua name for an operationId", client.call, client, "session_messages", {})
  bad_argument(1, "call", "operation number", client.call, client, 1, {})
  bad_argument(2, "call", "params string", client.call, client, "session.get", "ses_x")
  bad_argument(2, "call", "missing sessionID", client.call, client, "session.get", {})
  bad_argument(2, "call", "function form", opencode.call, client, "no.such.operation")
  -- client:request
  bad_argument(1, "request", "method with a space", client.request, client, "G ET", "/x")
  bad_argument(1, "request", "missing method", client.request, client)
  bad_argument(2, "request", "missing path", client.request, client, "GET")
  bad_argument(2, "request", "path value missing", client.request, client, "GET", "/session/{sessionID}")
  bad_argument(2, "request", "path value unused", client.request, client, "GET", "/x", { path = { id = "1" } })
  bad_argument(3, "request", "path values a list", client.request, client, "GET", "/x/{id}", { path = { fn } })
  bad_argument(3, "request", "query a list", client.request, client, "GET", "/x", { query = { "a" } })
  bad_argument(3, "request", "query with a function", client.request, client, "GET", "/x", { query = { a = fn } })
  bad_argument(3, "request", "body cyclic", client.request, client, "POST", "/x", { body = cyclic })
  bad_argument(3, "request", "negative timeout", client.request, client, "GET", "/x", { timeout = -1 })
  -- A session table stands for its id, and a 10 MB value goes through.
  T.eq(assert(client:session_get{ sessionID = { id = "ses_x" } }).id, "ses_x", "session_get with a session table")
  returns("session_get with a huge id", client.session_get, client, { sessionID = HUGE })
end)

T.test("huge strings where strings belong go through", function()
  local reply = assert(client:send("ses_x", HUGE))
  T.eq(#reply.text, #"echo: " + #HUGE, "length of the echoed 10 MB prompt")
  assert(client:tui_append_prompt(HUGE))
  local session = assert(client:new_session(HUGE))
  T.eq(#session.title, #HUGE, "a 10 MB title")
end)

------------------------------------------------------------------------------
-- Settings (ComputerCraft's API)
------------------------------------------------------------------------------

local settings = opencode.settings

T.test("settings refuse wrong arguments", function()
  -- The message must at least number the argument, at the caller's line.
  local function numbered(n, what, f, ...)
    local err = raised(f, ...)
    T.truthy(err, what .. " raised")
    T.matches(err, "^[^\n]*" .. THIS_FILE .. "bad argument #" .. n .. " ", what)
  end
  numbered(1, "define(number)", settings.define, 1)
  numbered(2, "define(name, string)", settings.define, "x", "options")
  numbered(1, "undefine()", settings.undefine)
  numbered(1, "set(number, value)", settings.set, 1, "v")
  numbered(2, "set(name, function)", settings.set, "x", fn)
  numbered(2, "set(name, nil)", settings.set, "x", nil)
  numbered(2, "set(name, coroutine)", settings.set, "x", co)
  numbered(1, "get(table)", settings.get, {})
  numbered(1, "getDetails(function)", settings.getDetails, fn)
  numbered(1, "unset(true)", settings.unset, true)
  numbered(1, "load(number)", settings.load, 1)
  numbered(1, "save(table)", settings.save, {})
end)

-- As in CC:Tweaked, a settings function called by name (settings.set(...))
-- is named in the message; called some other way (through pcall, say) it
-- cannot be, and CC then leaves the name out.
local function names_itself(n, name, what, call)
  local ok, err = pcall(call)
  T.truthy(not ok, what .. " raised")
  err = tostring(err)
  local want = string.format("bad argument #%d to '%s' (", n, name)
  if not err:find(want, 1, true) then
    error(string.format("%s: expected %q, got %q", what, want, err:sub(1, 300)), 2)
  end
  T.matches(err, "^[^\n]*" .. THIS_FILE, what .. " points at the caller's line")
end

T.test("settings argument errors name the function", function()
  names_itself(1, "define", "define(number)", function() local r = settings.define(1) return r end)
  names_itself(2, "define", "define(name, string)", function() local r = settings.define("x", "o") return r end)
  names_itself(1, "undefine", "undefine()", function() local r = settings.undefine() return r end)
  names_itself(1, "set", "set(number, value)", function() local r = settings.set(1, "v") return r end)
  names_itself(2, "set", "set(name, function)", function() local r = settings.set("x", fn) return r end)
  names_itself(1, "get", "get(table)", function() local r = settings.get({}) return r end)
  names_itself(1, "getDetails", "getDetails(function)", function() local r = settings.getDetails(fn) return r end)
  names_itself(1, "unset", "unset(true)", function() local r = settings.unset(true) return r end)
  names_itself(1, "load", "load(number)", function() local r = settings.load(1) return r end)
  names_itself(1, "save", "save(table)", function() local r = settings.save({}) return r end)
end)

T.test("settings refuse values that cannot be stored", function()
  -- CC:Tweaked's own words (textutils.serialize's), which name no argument.
  T.matches(raised(settings.set, "x", cyclic), "Cannot serialize table with recursive entries", "set(name, cyclic)")
  T.matches(raised(settings.set, "x", { fn }), "Cannot serialize type function", "set(name, {function})")
  T.matches(raised(settings.set, "x", { co }), "Cannot serialize type thread", "set(name, {coroutine})")
  T.matches(raised(settings.set, "x", { [fn] = 1 }), "Cannot serialize type function", "set(name, {[function]})")
  T.eq(settings.get("x"), nil, "nothing was stored")
end)

T.test("settings take huge strings", function()
  settings.set("big", HUGE)
  T.eq(settings.get("big"), HUGE, "a 10 MB value")
  settings.unset("big")
end)

------------------------------------------------------------------------------

T.test("the client still works after all that", function()
  local health = assert(client:health())
  T.eq(health.healthy, true, "healthy")
  local reply = assert(handle:wait(20))
  T.eq(reply.text, "echo: hello", "the background send finished")
  handle:cancel()
  stream:close()
  collectgarbage()
  collectgarbage()
  T.eq(assert(client:send("ses_x", "bye")).text, "echo: bye", "send")
end)

T.done("bad_input_test")
