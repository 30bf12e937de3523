-- The Lua face of the opencode module: the module table and the client's
-- methods, each a thin wrapper over a raw function written in Rust.
--
-- Raw functions return `value`, or `nil, err` for an expected failure, or
-- `nil, nil, position, detail` for a caller's mistake, which is raised here
-- with error(..., 2) so the message points at the caller's own line.

local core, version, settings_source = ...

local error, select, setmetatable, format = error, select, setmetatable, string.format

local M = {
  _VERSION = version,
  null = core.null,
}

-- `position` counts every argument of the raw call; `shift` is how many
-- leading arguments the caller did not write as numbered ones (1 for `self`).
local function checked(name, raw, shift)
  return function(...)
    local value, err, position, detail = raw(...)
    if position then
      if position <= shift then
        error(format("calling '%s' on bad self (%s)", name, detail), 2)
      end
      error(format("bad argument #%d to '%s' (%s)", position - shift, name, detail), 2)
    end
    return value, err
  end
end

-- Client methods live in one table that is the `__index` of every client.
local Client = {}
for _, name in ipairs({ "health", "sessions", "session", "new_session", "send", "delete", "abort", "url" }) do
  Client[name] = checked(name, core[name], 1)
end
core.set_client_methods(Client)

M.connect = checked("connect", core.connect, 0)

-- The function forms of libaihelloworld.lua-style scripts: opencode.send(client, id, text).
for _, name in ipairs({ "health", "sessions", "session", "new_session", "send", "delete", "abort" }) do
  M[name] = checked(name, core[name], 0)
end

-- The ComputerCraft-style settings store (`.settings` in the working
-- directory), created on first use so that require() reads no file.
local settings
setmetatable(M, {
  __index = function(_, key)
    if key == "settings" then
      if not settings then
        local chunk = assert((loadstring or load)(settings_source, "=opencode.settings"))
        settings = chunk().new(".settings")
      end
      return settings
    end
  end,
})

return M
