-- The Lua face of the opencode module: the module table, each function a
-- thin wrapper over a raw function written in Rust. The client's, streams'
-- and handles' methods are in methods.lua, compiled on first use (before the
-- first client exists), so that require() compiles only this file.
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

local error, setmetatable, format = error, setmetatable, string.format

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

-- The methods every client has, written in Rust (send and send_async are
-- methods.lua's). close and server are for managed servers (src/lua/serve.rs):
-- close stops the server opencode.serve started for this client; server
-- describes it (nil for opencode.connect's).
local client_methods = {
  "health", "sessions", "session", "new_session", "delete", "abort", "url",
  "prompt_async", "events", "reply_permission",
  "tui_append_prompt", "tui_submit_prompt", "tui_clear_prompt", "tui_show_toast",
  "call", "request", "fd", "close", "server",
}

-- methods.lua, run once: it installs the method tables of clients, streams
-- and handles, and gives back what the module's own send, send_async,
-- connect and serve need.
local send, start_async, guarded
local function methods()
  if not send then
    send, start_async, guarded = core.methods(core, client_methods, argerror, exact, checked)
  end
end

-- Every operation of the API is also a method and a function, named by one
-- rule (client:session_messages is `session.messages`): src/lua/ops.rs makes
-- each on first use, so that require() builds none.
core.set_checked(checked)

-- connect and serve take default on_permission / on_question for every send.
local function opener(name, raw)
  return function(options, ...)
    methods()
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
  methods()
  return exact(send(0, ...))
end
function M.send_async(...)
  methods()
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
