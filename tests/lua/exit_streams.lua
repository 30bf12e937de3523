-- Clean exit with event streams still open: one global, one being iterated by
-- a suspended coroutine, one closed, one whose client is garbage. Run by
-- tests/clean_exit.rs. Arguments: server URL, how to end ("return", "exit" for
-- os.exit(0), "exit_close" for os.exit(0, true)).
local opencode = require("opencode")
local url, mode = assert(arg[1], "usage: exit_streams.lua URL MODE"), arg[2] or "return"

local client = assert(opencode.connect(url))
open_stream = assert(client:events()) -- a global
local closed = assert(client:events())
closed:close()
local co = coroutine.create(function()
  local stream = assert(client:events())
  while true do -- (an idle server sends no event: do not wait for one)
    coroutine.yield(stream:next(0.05))
  end
end)
assert(coroutine.resume(co)) -- suspended inside the loop, waiting to be resumed
assert(assert(opencode.connect(url)):events()) -- stream and client are garbage at once

local finish = dofile((arg[0]:match("^(.*)[/\\]") or ".") .. "/exitlib.lua")
finish(mode)
