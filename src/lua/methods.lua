-- The methods of clients, event streams and send handles, and the machinery
-- of send and send_async: compiled and run once, when the first connect,
-- serve, send or send_async needs them (before the first client exists).
-- It gives back send, start_async and guarded for the module's own send,
-- send_async, connect and serve (src/lua/checked.rs), and the method tables,
-- which src/lua/mod.rs keeps for the clients, streams and handles made from
-- then on.
--
-- Raw functions return `value`; or `nil, message, kind, err` for an expected
-- failure; or `nil, nil, position, detail` for a caller's mistake, which is
-- raised with the level of the script's own frame, so the message points at
-- the caller's line (position 0: `detail` is the whole message). `checked`
-- (src/lua/checked.rs) does that for a raw function called directly. No
-- function here tail-calls a function that may raise: a tail call would lose
-- that frame.

local core, client_methods, checked, argerror, exact = ...
-- checked(name, raw, shift): the function the script calls for `raw`.
-- argerror(name, shift, position, detail, depth) raises a caller's mistake
-- at the line of the frame `depth` levels up (1: the function that called
-- argerror), as error(message, depth + 1) would: `position` counts every
-- argument of the raw call; `shift` is how many leading arguments the caller
-- did not write as numbered ones (1 for `self`).
-- exact(value, message, kind, err): exactly the values the script gets,
-- `value` or `nil, message, kind, err` (tail-called: it never raises, so no
-- frame is needed for an error level).

local error, select, setmetatable = error, select, setmetatable

local unpack = table.unpack or unpack
local pack = table.pack or function(...)
  return { n = select("#", ...), ... }
end

-- Client methods live in one table that is the `__index` of every client.
local Client = {}
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

for _, name in ipairs(client_methods) do
  Client[name] = checked(name, core[name], 1)
end

-- Every operation of the API is also a method, made on first use by
-- src/lua/ops.rs. A hand-written method keeps its name; client:call(operationId,
-- params) reaches the operation.
setmetatable(Client, { __index = core.operation_method })

return send, start_async, guarded, Client, Stream, stream_call, Handle, FAILED
