-- Latency worker of tools/bench.sh (benches/driver drives it).
--
--   lua5.4 benches/lua/client.lua URL module|curl
--   opencode-lua benches/lua/client.lua URL module
--
-- After a warm-up it prints "ready", then for each line "health N" or
-- "cycle N" read from stdin it makes N calls and prints "done"; "quit" ends it.
-- The driver times each batch from its "health N" line to the "done": stock Lua
-- has no wall clock finer than a second, so the timing is done outside.
--   health: GET /global/health
--   cycle:  new_session, send(session, "hello"), delete(session)
local url, mode = arg[1], arg[2] or "module"
assert(url, "usage: client.lua URL [module|curl]")

local health, cycle

if mode == "module" then
  local opencode = require("opencode")
  local client = assert(opencode.connect(url))
  health = function()
    assert(client:health())
  end
  cycle = function()
    local session = assert(client:new_session())
    assert(client:send(session, "hello"))
    assert(client:delete(session))
  end
elseif mode == "curl" then
  -- One curl process per call, as a script without a native module would do it.
  local function curl(args)
    local pipe = assert(io.popen("curl -sS --fail " .. args))
    local out = pipe:read("a")
    assert(pipe:close(), "curl failed: " .. args)
    return out
  end
  local json = "-H 'Content-Type: application/json' "
  health = function()
    assert(curl("'" .. url .. "/global/health'"):find('"healthy":true', 1, true))
  end
  cycle = function()
    local session = curl("-X POST " .. json .. "-d '{}' '" .. url .. "/session'")
    local id = assert(session:match('"id":"([^"]+)"'), "no session id")
    local body = '{"parts":[{"type":"text","text":"hello"}]}'
    assert(curl("-X POST " .. json .. "-d '" .. body .. "' '" .. url .. "/session/" .. id .. "/message'"):find("echo: hello", 1, true))
    assert(curl("-X DELETE '" .. url .. "/session/" .. id .. "'") == "true")
  end
else
  error("mode must be module or curl, got " .. tostring(mode))
end

for _ = 1, 3 do
  cycle()
end
for _ = 1, 10 do
  health()
end
io.stdout:write("ready\n")
io.stdout:flush()

local work = { health = health, cycle = cycle }
for line in io.stdin:lines() do
  local name, n = line:match("^(%a+) (%d+)$")
  if line == "quit" then
    break
  end
  local f = assert(work[name], "unknown command: " .. line)
  for _ = 1, tonumber(n) do
    f()
  end
  io.stdout:write("done\n")
  io.stdout:flush()
end
