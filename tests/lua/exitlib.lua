-- The common end of the exit_*.lua scripts: say "ready" (the test waits for
-- it), then end the way the test asked, with everything the script made still alive.
return function(mode)
  io.stdout:write("ready\n")
  io.stdout:flush()
  if mode == "exit" then
    os.exit(0)
  elseif mode == "exit_close" then
    os.exit(0, true)
  end
end
