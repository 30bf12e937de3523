-- A minimal test runner for the Lua test scripts: named tests, value
-- assertions with readable messages, and a closing "N passed, N failed" line.
local T = { passed = 0, failed = 0 }

local function show(v)
  if type(v) == "string" then
    return string.format("%q", v)
  end
  return tostring(v)
end

function T.eq(actual, expected, what)
  if actual ~= expected then
    error(string.format("%s: expected %s, got %s", what or "value", show(expected), show(actual)), 2)
  end
end

function T.truthy(value, what)
  if not value then
    error((what or "value") .. ": expected a true value, got " .. show(value), 2)
  end
end

function T.matches(text, pattern, what)
  if type(text) ~= "string" or not text:find(pattern) then
    error(string.format("%s: %s does not match %q", what or "text", show(text), pattern), 2)
  end
end

function T.no_match(text, pattern, what)
  if type(text) == "string" and text:find(pattern, 1, true) then
    error(string.format("%s: %s must not contain %q", what or "text", show(text), pattern), 2)
  end
end

-- Calls f and returns the message of the error it must raise.
function T.raises(f, ...)
  local ok, err = pcall(f, ...)
  if ok then
    error("expected an error, got none", 2)
  end
  return tostring(err)
end

-- Asserts that a call failed with `nil, message, kind, err` of the given kind
-- (and no more values) and returns err.
function T.fails(kind, ...)
  local n, value, message, got, err = select("#", ...), ...
  if value ~= nil then
    error("expected nil, message, " .. kind .. ", got " .. show(value), 2)
  end
  if got ~= kind then
    error("expected kind " .. kind .. ", got " .. show(got) .. " (" .. show(message) .. ")", 2)
  end
  if type(message) ~= "string" or n ~= 4 then
    error("expected nil, message, kind, err; got " .. n .. " values, message " .. show(message), 2)
  end
  if type(err) ~= "table" or err.kind ~= kind or err.message ~= message or tostring(err) ~= message then
    error("err table does not match: kind " .. show(err and err.kind) .. ", message " .. show(err and err.message), 2)
  end
  return err
end

-- Against a real server: waits until `stream`, which must pass the events of
-- `session`'s status, is known to deliver them; true once it does. opencode
-- 1.18 greets a new event stream (server.connected) before it listens to its
-- bus, so an event published just after client:events() returns can be
-- missed. Aborting an idle session publishes its session.status ("idle") and
-- session.idle, so abort until one comes through. What comes after that is
-- seen; leftovers of this loop (idle statuses) may still follow.
function T.until_live(client, stream, session)
  for _ = 1, 40 do
    assert(client:abort(session))
    if stream:next(0.5) then
      return true
    end
  end
  return false
end

function T.test(name, f)
  -- On stderr, which is not buffered: a test that hangs shows in the report.
  io.stderr:write("running ", name, "\n")
  local ok, err = xpcall(f, debug.traceback)
  if ok then
    T.passed = T.passed + 1
  else
    T.failed = T.failed + 1
    print("FAIL " .. name .. ": " .. tostring(err))
  end
end

function T.done(suite)
  print(string.format("%s: %d passed, %d failed", suite, T.passed, T.failed))
  os.exit(T.failed == 0 and 0 or 1)
end

return T
