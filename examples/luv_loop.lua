-- luv_loop.lua: a send that runs while a libuv event loop stays free, as in
-- Neovim (vim.uv) or any luv-based program. The handle's file descriptor
-- wakes the loop when text or the reply is waiting; nothing polls in between.
--
--   lua5.4 examples/luv_loop.lua [PROMPT...]   (opencode.so on package.cpath; Debian's lua-luv)
local uv = require("luv")
local opencode = require("opencode")

local prompt = table.concat({ ... }, " ")
if prompt == "" then
  prompt = "hello world"
end

local client = assert(opencode.connect())
local session = assert(client:new_session({ title = "luv example" }))
local handle = assert(client:send_async(session, prompt, {
  on_text = function(delta)
    io.write(delta)
    io.flush()
  end,
}))

-- Something else the loop does meanwhile: a timer ticking every 20 ms.
local ticks = 0
local timer = uv.new_timer()
timer:start(0, 20, function()
  ticks = ticks + 1
end)

local reply, err
local poll = uv.new_poll(handle:fd())
poll:start("r", function()
  reply, err = handle:poll() -- runs on_text for whatever arrived
  if reply or err then
    poll:stop()
    poll:close()
    timer:stop()
    timer:close()
  end
end)

uv.run()
io.write("\n")
client:delete(session)
if not reply then
  io.stderr:write("luv_loop: ", tostring(err), "\n")
  os.exit(1)
end
print(string.format("(the loop ticked %d times while the reply was written)", ticks))
