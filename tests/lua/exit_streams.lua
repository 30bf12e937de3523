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
  -- The loop below needs an event to come, so the script makes its own: TUI
  -- toasts. A server may greet a stream before it listens to its bus (opencode
  -- 1.18 does), so toast until one comes through; after that, one more is sure
  -- to arrive, and the loop is left waiting for the next.
  local live = false
  for i = 1, 100 do
    assert(client:tui_show_toast({ message = "exit_streams " .. i }))
    if stream:next(0.2) then
      live = true
      break
    end
  end
  assert(live, "no event came through the stream")
  assert(client:tui_show_toast({ message = "exit_streams" }))
  for event in stream do
    coroutine.yield(event)
  end
end)
assert(coroutine.resume(co)) -- suspended inside the loop, waiting to be resumed
assert(coroutine.status(co) == "suspended", "the coroutine waits inside the loop")
assert(assert(opencode.connect(url)):events()) -- stream and client are garbage at once

local finish = dofile((arg[0]:match("^(.*)[/\\]") or ".") .. "/exitlib.lua")
finish(mode)
