-- Streaming worker of tools/bench.sh (benches/driver drives it).
--
--   lua5.4 benches/lua/stream.lua URL on_text|events PREFIX WORDS
--
-- First it answers each "ping" line on stdin with "pong" until "go" (the driver
-- measures the pipe with that). Then for each line "msg N" it sends a message
-- of PREFIX followed by WORDS words tk<N><word>q (N in 4 digits, the word's
-- number in 3) in a new session, prints every piece of reply text the moment
-- Lua receives it, as "T<text>", and "M N" when the reply is complete. Stock
-- Lua has no fine clock: the driver stamps each line as it reads it.
--   on_text: client:send_async(session, prompt, { on_text = ... }):wait()
--   events:  client:events{ session = ..., types = ... } and client:prompt_async
local url, mode, prefix, words = arg[1], arg[2], arg[3], tonumber(arg[4])
assert(url and (mode == "on_text" or mode == "events") and prefix and words,
  "usage: stream.lua URL on_text|events PREFIX WORDS")

local out = io.stdout
local lines = io.stdin:lines()
for line in lines do
  if line == "go" then
    break
  end
  out:write("pong\n")
  out:flush()
end

local opencode = require("opencode")
local client = assert(opencode.connect(url))

local function text(delta)
  out:write("T", delta, "\n")
  out:flush()
end

for line in lines do
  local m = tonumber(line:match("^msg (%d+)$"))
  if not m then
    break -- "quit"
  end
  local list = {}
  for w = 0, words - 1 do
    list[#list + 1] = string.format("tk%04d%03dq", m, w)
  end
  local prompt = prefix .. table.concat(list, " ")
  local session = assert(client:new_session())
  if mode == "on_text" then
    local handle = assert(client:send_async(session, prompt, { on_text = text }))
    assert(handle:wait(60))
  else
    local stream = assert(client:events { session = session, types = { "message.part.delta", "session.idle" } })
    assert(client:prompt_async(session, prompt))
    while true do
      local event = assert(stream:next(60), "no event within 60 s")
      if event.type == "session.idle" then
        break
      end
      text(event.properties.delta)
    end
    stream:close()
  end
  assert(client:delete(session))
  out:write("M ", m, "\n")
  out:flush()
end
