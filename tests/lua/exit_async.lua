-- Clean exit with background sends in the middle of their generation: one
-- whose text has started to arrive, one held by a suspended coroutine, one
-- that nobody polls. Run by tests/clean_exit.rs. Arguments: server URL, how to
-- end ("return", "exit" for os.exit(0), "exit_close" for os.exit(0, true)),
-- and a prompt that keeps the AI busy for a while.
local opencode = require("opencode")
local url, mode = assert(arg[1], "usage: exit_async.lua URL MODE [PROMPT]"), arg[2] or "return"
local prompt = arg[3] or "count slowly to a hundred"

local client = assert(opencode.connect(url))
local function new_session()
  return assert(client:new_session({ title = "exit" }))
end

-- Mid-generation: wait (bounded) until the first text of the reply is here.
-- The bound is time, not a count of waits, and leaves room for a server on a
-- loaded machine (the test gives the whole setup a minute).
local text = ""
local handle = assert(client:send_async(new_session(), prompt, {
  on_text = function(delta)
    text = text .. delta
  end,
}))
local limit = 40
local deadline = os.time() + limit
while text == "" and os.time() < deadline do
  local reply, message, kind = handle:wait(0.05)
  assert(not reply, "the reply must not be complete yet")
  assert(kind == "timeout", message)
end
assert(text ~= "", "no text arrived within " .. limit .. " s")

local co = coroutine.create(function()
  local mine = assert(client:send_async(new_session(), prompt))
  coroutine.yield(mine)
  return mine:wait()
end)
assert(coroutine.resume(co))
unpolled = assert(opencode.send_async(client, new_session(), prompt)) -- a global

local finish = dofile((arg[0]:match("^(.*)[/\\]") or ".") .. "/exitlib.lua")
finish(mode)
