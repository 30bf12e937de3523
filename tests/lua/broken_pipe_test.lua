-- A server that stops reading a large request and closes the connection must
-- give `nil, message, kind, err` with kind "connect", never kill the interpreter: stock lua
-- and luajit leave SIGPIPE at its default action, which ends the process.
-- Run by tests/broken_pipe.rs in the host and in stock interpreters.
-- Arguments: URL of a server that reads a little of any large body and then
-- closes the connection; URL of a server that closes a kept-alive connection
-- as soon as the next request on it starts to arrive; https URL (self-signed)
-- of a server that closes early like the first.
local dir = arg[0]:match("^(.*)[/\\]") or "."
local T = dofile(dir .. "/testlib.lua")
local opencode = require("opencode")

local early_url, stale_url, tls_url = arg[1], arg[2], arg[3]
assert(early_url and stale_url and tls_url, "usage: broken_pipe_test.lua EARLY_CLOSE_URL STALE_URL TLS_URL")

local BIG = string.rep("x", 10 * 1024 * 1024)

-- One client throughout: each failure leaves it usable for the next call.
local early = assert(opencode.connect{ url = early_url, timeout = 10, send_timeout = 20 })

T.test("send of a big prompt to a server that closes early", function()
  for round = 1, 3 do
    local err = T.fails("connect", early:send("ses_x", BIG))
    T.eq(err.status, nil, "status, round " .. round)
    T.matches(err.message, early_url:gsub("%p", "%%%0"), "the message names the server")
  end
  T.eq(assert(early:health()).healthy, true, "health afterwards")
  T.eq(assert(early:send("ses_x", "hello")).text, "echo: hello", "a small send afterwards")
end)

T.test("prompt_async of a big prompt to a server that closes early", function()
  for _ = 1, 3 do
    T.fails("connect", early:prompt_async("ses_x", BIG))
  end
  T.eq(early:prompt_async("ses_x", "hello"), true, "a small prompt_async afterwards")
end)

-- Background sends write from a thread of the module's own.
T.test("send_async of a big prompt to a server that closes early", function()
  for _ = 1, 3 do
    local handle = assert(early:send_async("ses_x", BIG))
    T.fails("connect", handle:wait(30))
  end
  T.eq(assert(assert(early:send_async("ses_x", "hello")):wait(30)).text, "echo: hello", "afterwards")
end)

T.test("prompt_async of a big prompt on a kept-alive connection the server closes", function()
  -- connect's health check leaves its connection open for the prompt to
  -- reuse (prompt_async writes from this thread; sends write from the
  -- client's background thread); the server closes it as the prompt starts
  -- (its first three health answers).
  local stale = assert(opencode.connect{ url = stale_url, timeout = 10, send_timeout = 20 })
  for round = 1, 3 do
    T.fails("connect", stale:prompt_async("ses_x", BIG))
    -- A new connection, left open for the next round's prompt.
    T.eq(assert(stale:health()).healthy, true, "health, round " .. round)
  end
  T.eq(assert(stale:send("ses_x", "hello")).text, "echo: hello", "a small send afterwards")
end)

T.test("send of a big prompt over https to a server that closes early", function()
  local tls = assert(opencode.connect{ url = tls_url, insecure = true, timeout = 10, send_timeout = 20 })
  for _ = 1, 3 do
    T.fails("connect", tls:send("ses_x", BIG))
  end
  T.eq(assert(tls:health()).healthy, true, "health afterwards")
end)

T.done("broken_pipe_test.lua")
