-- Clean exit with clients still alive: one global, one local, one held by a
-- suspended coroutine, one already garbage. Run by tests/clean_exit.rs.
-- Arguments: server URL, how to end ("return", "exit" for os.exit(0),
-- "exit_close" for os.exit(0, true)).
local opencode = require("opencode")
local url, mode = assert(arg[1], "usage: exit_clients.lua URL MODE"), arg[2] or "return"

held = assert(opencode.connect(url)) -- a global
local client = assert(opencode.connect({ url = url, timeout = 5 }))
assert(client:health())
local co = coroutine.create(function()
  local mine = assert(opencode.connect(url))
  coroutine.yield(mine:health())
  return mine
end)
assert(coroutine.resume(co))
opencode.connect(url) -- garbage at once

local finish = dofile((arg[0]:match("^(.*)[/\\]") or ".") .. "/exitlib.lua")
finish(mode)
