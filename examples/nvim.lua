-- nvim.lua: opencode inside Neovim. The prompt is sent in the background; the
-- handle's file descriptor wakes Neovim's event loop (vim.uv, vim.loop before
-- 0.10) whenever reply text is waiting, so the editor stays responsive while
-- the AI writes. The text streams into a scratch buffer, and the reply is
-- printed at the end.
--
--   OPENCODE_SERVER_URL=http://127.0.0.1:4096 \
--     nvim --headless -u NONE -c 'luafile examples/nvim.lua' -c 'qa!'
--
-- Environment: OPENCODE_SERVER_URL / OPENCODE_SERVER_PASSWORD (the server),
-- OPENCODE_PROMPT (the prompt; default "hello from neovim").
--
-- Neovim's Lua is LuaJIT, so it loads the LuaJIT build of the module
-- (tools/build-module.sh luajit). From your own config, put the folder holding
-- that opencode.so on package.cpath the same way.

local uv = vim.uv or vim.loop

-- This checkout's target/lua/luajit/opencode.so.
local root = vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h:h")
package.cpath = root .. "/target/lua/luajit/?.so;" .. package.cpath
local opencode = require("opencode")

local function fail(message)
  io.stderr:write("nvim.lua: ", tostring(message), "\n")
  vim.cmd("cquit 1")
end

local client, err = opencode.connect()
if not client then
  return fail(err)
end
local session, session_err = client:new_session({ title = "nvim example" })
if not session then
  return fail(session_err)
end

-- A scratch buffer the reply streams into. on_text runs inside handle:poll(),
-- called from a libuv callback where Neovim's API is off limits: the buffer is
-- updated on the main loop with vim.schedule.
local buffer = vim.api.nvim_create_buf(false, true)
local written = ""
local handle, send_err = client:send_async(session, vim.env.OPENCODE_PROMPT or "hello from neovim", {
  on_text = function(delta)
    written = written .. delta
    local text = written
    vim.schedule(function()
      vim.api.nvim_buf_set_lines(buffer, 0, -1, false, vim.split(text, "\n", { plain = true }))
    end)
  end,
})
if not handle then
  return fail(send_err)
end

-- The loop watches the handle's descriptor; nothing polls in between. (A timer
-- calling handle:poll() every few milliseconds would work as well.)
local reply, reply_err
local watcher = uv.new_poll(handle:fd())
watcher:start("r", function()
  reply, reply_err = handle:poll()
  if reply or reply_err then
    watcher:stop()
    watcher:close()
  end
end)

-- `-c 'qa!'` runs as soon as this file returns, so wait here, with a bound,
-- while the event loop (and the callbacks above) keep running.
local done = vim.wait(120000, function()
  return reply ~= nil or reply_err ~= nil
end, 20)
client:delete(session)
if not done then
  handle:cancel()
  return fail("no reply within 120 s")
end
if not reply then
  return fail(reply_err)
end
vim.wait(1000, function() -- let the last scheduled buffer update run
  return table.concat(vim.api.nvim_buf_get_lines(buffer, 0, -1, false), "\n") == written
end, 10)
io.stdout:write("buffer: ", table.concat(vim.api.nvim_buf_get_lines(buffer, 0, -1, false), "\n"), "\n")
io.stdout:write("reply: ", reply.text, "\n")
io.stdout:flush()
