-- luv_many.lua: several sends at once in a libuv event loop (Neovim's vim.uv,
-- any luv program), woken by one descriptor for the whole client: readable
-- while any of its sends has text or a reply waiting.
--
--   lua5.4 examples/luv_many.lua PROMPT...   (opencode.so on package.cpath; Debian's lua-luv)
local uv = require("luv")
local opencode = require("opencode")

local prompts = { ... }
if #prompts == 0 then
  prompts = { "one", "two", "three" }
end

local client = assert(opencode.connect())
local pending, replies = {}, {}
for i, prompt in ipairs(prompts) do
  local session = assert(client:new_session({ title = "luv many " .. i }))
  pending[i] = { session = session, handle = assert(client:send_async(session, prompt)) }
end

local left = #prompts
local poll = uv.new_poll(client:fd())
poll:start("r", function()
  for i, send in pairs(pending) do
    local reply, message = send.handle:poll()
    if reply or message then
      replies[i] = reply and reply.text or ("error: " .. message)
      client:delete(send.session)
      pending[i] = nil
      left = left - 1
    end
  end
  if left == 0 then
    poll:stop()
    poll:close()
  end
end)

uv.run()
for i = 1, #prompts do
  print(replies[i])
end
