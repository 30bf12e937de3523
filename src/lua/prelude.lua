-- The Lua face of the opencode module: the module table and the client's
-- methods, each a thin wrapper over a raw function written in Rust.
--
-- Raw functions return `value`; or `nil, message, kind, err` for an expected
-- failure; or `nil, nil, position, detail` for a caller's mistake, which is
-- raised here with the level of the script's own frame, so the message points
-- at the caller's line (position 0: `detail` is the whole message). No wrapper
-- tail-calls a function that may raise: a tail call would lose that frame.
--
-- A failure's message is a string, so `assert(call())` and `error(message)`
-- show it in every interpreter (PUC 5.1's assert and lua.c print nothing
-- useful for a table); `kind` is a short string a program branches on; `err`
-- is a table with kind, status, message and, for some, the partial reply.

local core, version, settings_source = ...

local error, select, setmetatable, format = error, select, setmetatable, string.format

local M = {
  _VERSION = version,
  null = core.null,
}

-- `position` counts every argument of the raw call; `shift` is how many
-- leading arguments the caller did not write as numbered ones (1 for `self`).
-- `depth` is how many frames up from argerror's caller the script's frame is.
local function argerror(name, shift, position, detail, depth)
  if position == 0 then
    error(detail, depth + 1)
  end
  if position <= shift then
    error(format("calling '%s' on bad self (%s)", name, detail), depth + 1)
  end
  error(format("bad argument #%d to '%s' (%s)", position - shift, name, detail), depth + 1)
end

-- Exactly the values the script gets: `value`, or `nil, message, kind, err`.
-- (Tail-called: it never raises, so no frame is needed for an error level.)
local function exact(value, message, kind, err)
  if message ~= nil then
    return nil, message, kind, err
  end
  return value
end

local function checked(name, raw, shift)
  return function(...)
    local value, message, kind, err = raw(...)
    if message == nil and kind ~= nil then
      argerror(name, shift, kind, err, 2)
    end
    return exact(value, message, kind, err)
  end
end

local unpack = table.unpack or unpack
local pack = table.pack or function(...)
  return { n = select("#", ...), ... }
end

-- Client methods live in one table that is the `__index` of every client.
local Client = {}
local client_methods = {
  "health", "sessions", "session", "new_session", "delete", "abort", "url",
  "prompt_async", "events", "reply_permission",
  "tui_append_prompt", "tui_submit_prompt", "tui_clear_prompt", "tui_show_toast",
  "call", "request", "fd",
}
-- Event streams: `for event in stream do ... end`, stream:next(timeout), stream:poll().
local Stream = {
  next = checked("next", core.stream_next, 1),
  poll = checked("poll", core.stream_poll, 1),
  close = checked("close", core.stream_close, 1),
  fd = checked("fd", core.stream_fd, 1),
}
-- The generic for calls stream(state, control): wait for the next event.
local function stream_call(stream)
  return Stream.next(stream)
end

-- Background sends. Script callbacks run inside pcall: when one raises, the
-- Rust side aborts the generation, and the error is raised again here, as it
-- was, from the call that ran the callback (poll, wait or send). Callbacks
-- only run inside those calls, so one slot holds the error on its way out.
local FAILED = {}
local callback_error -- { error } while a callback's error waits to be raised again

local function guard(f)
  if type(f) ~= "function" then
    return f -- not a function: let the option check report it
  end
  return function(...)
    local result = pack(pcall(f, ...))
    if result[1] then
      return result[2]
    end
    callback_error = { result[2] }
    return FAILED
  end
end

local function reraise()
  local failed = callback_error
  if failed then
    callback_error = nil
    error(failed[1], 0)
  end
end

-- A handle's poll or wait, `depth` frames below the script: a callback's
-- error is raised again, as it was; a wrong answer from a callback is the
-- script's mistake, raised at its line.
local function handle_call(name, raw, handle, depth, ...)
  local value, message, kind, err = raw(handle, ...)
  reraise()
  if message == nil and kind ~= nil then
    argerror(name, 1, kind, err, depth + 1)
  end
  return value, message, kind, err
end

local Handle = {
  cancel = checked("cancel", core.handle_cancel, 1),
  fd = checked("fd", core.handle_fd, 1),
}
function Handle.poll(handle, ...)
  return exact(handle_call("poll", core.handle_poll, handle, 2, ...))
end
function Handle.wait(handle, ...)
  return exact(handle_call("wait", core.handle_wait, handle, 2, ...))
end
core.set_live_methods(Stream, stream_call, Handle, FAILED)

local CALLBACKS = { "on_text", "on_event", "on_permission", "on_question" }

-- A copy of an option table with its callbacks guarded.
local function guarded(options)
  if type(options) ~= "table" then
    return options
  end
  local wrapped = {}
  for key, value in pairs(options) do
    wrapped[key] = value
  end
  for _, key in ipairs(CALLBACKS) do
    wrapped[key] = guard(options[key])
  end
  return wrapped
end

-- Arguments after `client`: session, prompt, options (passed on as given,
-- so that a missing one is reported as "no value", like the raw call would).
local function start_async(name, shift, depth, client, ...)
  local args = pack(...)
  args[3] = guarded(args[3])
  local value, message, kind, err = core.send_async(client, unpack(args, 1, args.n))
  if message == nil and kind ~= nil then
    argerror(name, shift, kind, err, depth + 1)
  end
  return value, message, kind, err
end

-- send is send_async followed by wait: the session is watched either way,
-- so that a permission request or a question never leaves it waiting.
local function send(shift, client, ...)
  local handle, message, kind, err = start_async("send", shift, 3, client, ...)
  if not handle then
    return nil, message, kind, err
  end
  local reply
  reply, message, kind, err = handle_call("send", core.handle_wait, handle, 3)
  return reply, message, kind, err
end

function Client:send(...)
  return exact(send(1, self, ...))
end

function Client:send_async(...)
  return exact(start_async("send_async", 1, 2, self, ...))
end

-- Managed servers (src/lua/serve.rs): close stops the server opencode.serve
-- started for this client; server describes it (nil for opencode.connect's).
client_methods[#client_methods + 1] = "close"
client_methods[#client_methods + 1] = "server"
for _, name in ipairs(client_methods) do
  Client[name] = checked(name, core[name], 1)
end

core.set_client_methods(Client)

-- Every operation of the API is also a method and a function, named by one
-- rule (client:session_messages is `session.messages`): src/lua/ops.rs makes
-- each on first use, so that require() builds none. A hand-written method
-- keeps its name; client:call(operationId, params) reaches the operation.
core.set_checked(checked)
setmetatable(Client, { __index = core.operation_method })


-- connect and serve take default on_permission / on_question for every send.
local function opener(name, raw)
  return function(options, ...)
    local value, message, kind, err = raw(guarded(options), ...)
    if message == nil and kind ~= nil then
      argerror(name, 0, kind, err, 2)
    end
    return exact(value, message, kind, err)
  end
end
M.connect = opener("connect", core.connect)
M.serve = opener("serve", core.serve)

-- Every method in function form, as libaihelloworld.lua-style scripts call
-- them: opencode.send(client, id, text).
for _, name in ipairs(client_methods) do
  M[name] = checked(name, core[name], 0)
end
function M.send(...)
  return exact(send(0, ...))
end
function M.send_async(...)
  return exact(start_async("send_async", 0, 2, ...))
end

-- The ComputerCraft-style settings store (`.settings` in the working
-- directory), created on first use so that require() reads no file; and the
-- function forms of the operations, also made on first use.
local settings
setmetatable(M, {
  __index = function(module, key)
    if key == "settings" then
      if not settings then
        local chunk = assert((loadstring or load)(settings_source, "=opencode.settings"))
        settings = chunk().new(".settings")
      end
      return settings
    end
    return core.operation_function(module, key)
  end,
})

return M
