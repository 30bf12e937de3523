-- Tests for lua/settings.lua (ComputerCraft-compatible settings store).
-- Usage: lua tests/lua/settings_test.lua [path/to/settings.lua]
-- Runs on Lua 5.1-5.4 and LuaJIT; plain asserts, no framework.

local module_path = arg and arg[1] or "lua/settings.lua"

local globals_before = {}
for k in pairs(_G) do globals_before[k] = true end

local settings = dofile(module_path)

local passed = 0
local function check(cond, msg)
    if not cond then error("assertion failed: " .. msg, 2) end
    passed = passed + 1
end

local function show(v)
    if type(v) == "string" then return string.format("%q", v) end
    return tostring(v)
end

local function eq(actual, expected, msg)
    if actual ~= expected then
        error("assertion failed: " .. msg .. "\n  expected: " .. show(expected) .. "\n  actual:   " .. show(actual), 2)
    end
    passed = passed + 1
end

local function deep_eq(a, b)
    if a == b then return true end
    if type(a) ~= "table" or type(b) ~= "table" then return false end
    for k, v in pairs(a) do if not deep_eq(v, b[k]) then return false end end
    for k in pairs(b) do if a[k] == nil then return false end end
    return true
end

local temp_files = {}
local function temp_path()
    local p = os.tmpname()
    temp_files[#temp_files + 1] = p
    return p
end

local function write_file(path, contents)
    local f = assert(io.open(path, "wb"))
    f:write(contents)
    f:close()
end

local function read_file(path)
    local f = io.open(path, "rb")
    if not f then return nil end
    local s = f:read("*a")
    f:close()
    return s
end

-- Runs fn expecting an error; returns the message.
local function error_of(fn, ...)
    local ok, err = pcall(fn, ...)
    if ok then error("expected an error", 2) end
    return err
end

-- Collects what a program writes.
local function capture()
    local lines = {}
    return lines, function(line) lines[#lines + 1] = line end
end

local function run_tests()
    ------------------------------------------------------------------
    -- The chunk can be run the way the host embeds it: load(source)().
    ------------------------------------------------------------------
    do
        local source = read_file(module_path)
        local chunk = (loadstring or load)(source, "=settings.lua")
        local m = chunk()
        check(type(m) == "table" and type(m.new) == "function", "load(source)() returns the module table")
        for _, name in ipairs({ "new", "run_set_program", "run_get_program", "serialize", "unserialize" }) do
            check(type(m[name]) == "function", "module exports " .. name)
        end
    end

    ------------------------------------------------------------------
    -- textutils.serialize, byte for byte (cases from CC:Tweaked's spec)
    ------------------------------------------------------------------
    local ser = settings.serialize
    eq(ser({ 1, 2, 3, a = 1, b = {} }), "{\n  1,\n  2,\n  3,\n  a = 1,\n  b = {},\n}", "basic table")
    eq(ser({ 0 / 0, 1 / 0, -1 / 0 }), "{\n  0/0,\n  1/0,\n  -1/0,\n}", "nan and infinities")
    eq(ser({ 1, 2, 3, a = 1, [false] = {} }, { compact = true }), "{1,2,3,a=1,[false]={},}", "compact form")
    eq(ser({}), "{}", "empty table")
    eq(ser("a\"b\\c\nd\re\0f\tg"), "\"a\\\"b\\\\c\\\nd\\re\\000f\tg\"", "string escapes like CC's %q")
    eq(ser(42), "42", "integer")
    eq(ser(3.0), "3", "integral float prints as an integer on every version")
    eq(ser(-0.0), "0", "negative zero")
    eq(ser(0.25), "0.25", "fraction")
    eq(ser(0.1), "0.1", "%.14g")
    eq(ser(1 / 3), "0.33333333333333", "%.14g precision")
    eq(ser(2 ^ 53), "9007199254740992", "large integral value")
    eq(ser(1e100), "1e+100", "huge value")
    eq(ser(-1.5e-7), "-1.5e-07", "tiny value")
    eq(ser(true), "true", "boolean")
    eq(ser(nil), "nil", "nil")
    eq(ser({ ["end"] = 1, ["goto"] = 2, ["a.b"] = 3, _ok1 = 4 }),
        '{\n  _ok1 = 4,\n  [ "a.b" ] = 3,\n  [ "end" ] = 1,\n  [ "goto" ] = 2,\n}', "keyword and dotted keys are bracketed")
    eq(ser({ 1, nil, 3, [10] = "x" }), "{\n  1,\n  [ 3 ] = 3,\n  [ 10 ] = \"x\",\n}", "sequence stops at the first nil")
    eq(ser({ [true] = 1, [1.5] = 2 }), "{\n  [ 1.5 ] = 2,\n  [ true ] = 1,\n}", "non-string keys")
    eq(ser({ nested = { deep = { "x" } } }), "{\n  nested = {\n    deep = {\n      \"x\",\n    },\n  },\n}", "nested indentation")
    local rep = {}
    eq(error_of(ser, { rep, rep }), "Cannot serialize table with repeated entries", "repeated table")
    local rec = {}
    rec[1] = rec
    eq(error_of(ser, rec), "Cannot serialize table with recursive entries", "recursive table")
    eq(ser({ rep, rep }, { allow_repetitions = true }), "{\n  {},\n  {},\n}", "allow_repetitions")
    eq(error_of(ser, { print }), "Cannot serialize type function", "function value")

    local unser = settings.unserialize
    check(deep_eq(unser(ser({ 1, "two", x = { y = false } })), { 1, "two", x = { y = false } }), "serialize/unserialize round trip")
    eq(unser('"a\\\nb"'), "a\nb", "backslash-newline escape")
    eq(unser("nope nope"), nil, "syntax error gives nil")
    check(unser("0/0") ~= unser("0/0"), "0/0 reads as nan")
    eq(unser("-1/0"), -1 / 0, "-1/0 reads as -inf")
    eq(error_of(unser, nil), "bad argument #1 (string expected, got nil)", "unserialize checks its argument")

    ------------------------------------------------------------------
    -- Writing a file: byte-for-byte what CC writes
    ------------------------------------------------------------------
    local path = temp_path()
    os.remove(path) -- start from a missing file
    local s = settings.new(path)
    s.set("opencc.session_id", "ses_abc")
    s.set("motd.enable", false)
    s.set("shell.autocomplete", true)
    s.set("count", 42)
    s.set("ratio", 0.25)
    s.set("nested", { 1, "two", { x = 1 }, flag = true, ["a b"] = "q\"uote\n" })
    eq(read_file(path), nil, "set does not save")
    eq(s.save(), true, "save returns true")
    local expected_file = table.concat({
        '{',
        '  count = 42,',
        '  [ "motd.enable" ] = false,',
        '  nested = {',
        '    1,',
        '    "two",',
        '    {',
        '      x = 1,',
        '    },',
        '    [ "a b" ] = "q\\"uote\\',
        '",',
        '    flag = true,',
        '  },',
        '  [ "opencc.session_id" ] = "ses_abc",',
        '  ratio = 0.25,',
        '  [ "shell.autocomplete" ] = true,',
        '}',
    }, "\n")
    eq(read_file(path), expected_file, "saved file is exactly CC's format")

    local s2 = settings.new(path)
    eq(s2.get("opencc.session_id"), "ses_abc", "reload string")
    eq(s2.get("motd.enable"), false, "reload false")
    eq(s2.get("shell.autocomplete"), true, "reload true")
    eq(s2.get("count"), 42, "reload number")
    eq(s2.get("ratio"), 0.25, "reload fraction")
    check(deep_eq(s2.get("nested"), { 1, "two", { x = 1 }, flag = true, ["a b"] = "q\"uote\n" }), "reload nested table")
    eq(s2.save(), true, "re-save")
    eq(read_file(path), expected_file, "re-saved file is unchanged")

    ------------------------------------------------------------------
    -- Reading a file as a real CC computer writes it (hash key order)
    ------------------------------------------------------------------
    local cc_file = table.concat({
        '{',
        '  [ "shell.allow_disk_startup" ] = false,',
        '  motd = {',
        '    "hello",',
        '    [ 5 ] = 2.5,',
        '    enable = true,',
        '  },',
        '  [ "opencc.note" ] = "line1\\',
        'line2 \\"quoted\\" back\\\\slash\ttab cr\\r nul\\000 end",',
        '  [ "lua.warn_against_use_of_local" ] = true,',
        '  count = -17,',
        '  big = 1e+20,',
        '  [ "list.empty" ] = {},',
        '  nanv = 0/0,',
        '  inf = 1/0,',
        '}',
    }, "\n")
    local cc_path = temp_path()
    write_file(cc_path, cc_file)
    local cc = settings.new(cc_path)
    eq(cc.get("shell.allow_disk_startup"), false, "CC file: boolean")
    check(deep_eq(cc.get("motd"), { "hello", [5] = 2.5, enable = true }), "CC file: nested table")
    eq(cc.get("opencc.note"), "line1\nline2 \"quoted\" back\\slash\ttab cr\r nul\0 end", "CC file: escapes")
    eq(cc.get("lua.warn_against_use_of_local"), true, "CC file: dotted key")
    eq(cc.get("count"), -17, "CC file: negative number")
    eq(cc.get("big"), 1e20, "CC file: exponent")
    check(deep_eq(cc.get("list.empty"), {}), "CC file: empty table")
    local nanv = cc.get("nanv")
    check(nanv ~= nanv, "CC file: nan")
    eq(cc.get("inf"), 1 / 0, "CC file: inf")
    check(deep_eq(cc.names(), { "big", "count", "inf", "list.empty", "lua.warn_against_use_of_local", "motd",
        "nanv", "opencc.note", "shell.allow_disk_startup" }), "CC file: names sorted")
    -- A copy of what CC wrote reads back the same after we rewrite it.
    local rewrite_path = temp_path()
    eq(cc.save(rewrite_path), true, "save to another path")
    local again = settings.new(rewrite_path)
    eq(again.get("opencc.note"), cc.get("opencc.note"), "rewritten escapes survive")
    check(deep_eq(again.get("motd"), cc.get("motd")), "rewritten table survives")

    -- Comments and CRLF line endings in a hand-edited file.
    local edited = temp_path()
    write_file(edited, '-- my settings\r\n{\r\n  --[[ block (comment) os.exit() ]]\r\n  [ "a.b" ] = "x(y):z", -- trailing\r\n  c = [[long ( string ]],\r\n}\r\n')
    local ed = settings.new(edited)
    eq(ed.get("a.b"), "x(y):z", "comments and CRLF: string with parens")
    eq(ed.get("c"), "long ( string ", "long string")

    ------------------------------------------------------------------
    -- Lazy loading
    ------------------------------------------------------------------
    local lazy_path = temp_path()
    os.remove(lazy_path)
    local lazy = settings.new(lazy_path)
    write_file(lazy_path, '{\n  [ "late.value" ] = "seen",\n  typed = "not a number",\n}')
    lazy.define("typed", { type = "number", default = 7 })
    eq(lazy.get("late.value"), "seen", "file is read on first use, not in new")
    eq(lazy.get("typed"), 7, "values of the wrong defined type are skipped while loading")
    check(type(settings.new().get) == "function", "new() without a path")

    ------------------------------------------------------------------
    -- get / set / unset / clear / names
    ------------------------------------------------------------------
    local mem_path = temp_path()
    os.remove(mem_path)
    local m = settings.new(mem_path)
    eq(m.get("missing"), nil, "get of a missing setting")
    eq(m.get("missing", "dflt"), "dflt", "get with a default")
    eq(m.get("missing", false), false, "get with a false default")
    m.set("zeta", 1)
    m.set("alpha", "a")
    m.set("Mid", true)
    m.set("alpha.beta", { 1 })
    eq(m.get("zeta", 99), 1, "set value wins over the default")
    local t = m.get("alpha.beta")
    t[1] = "changed"
    eq(m.get("alpha.beta")[1], 1, "get returns a copy")
    local original = { k = "v" }
    m.set("copied", original)
    original.k = "mutated"
    eq(m.get("copied").k, "v", "set stores a copy")
    m.define("defined.only", { default = 5 })
    check(deep_eq(m.names(), { "Mid", "alpha", "alpha.beta", "copied", "defined.only", "zeta" }), "names sorted, includes defined settings")
    check(deep_eq(m.getNames(), m.names()), "getNames alias")
    m.unset("zeta")
    eq(m.get("zeta"), nil, "unset removes the value")
    m.set("defined.only", 6)
    m.unset("defined.only")
    eq(m.get("defined.only"), 5, "unset falls back to the defined default")
    m.clear()
    check(deep_eq(m.names(), { "defined.only" }), "clear removes values but keeps definitions")
    eq(m.get("alpha"), nil, "cleared value")

    -- load merges
    local merge_path = temp_path()
    write_file(merge_path, '{ one = 1, two = 2 }')
    m.set("keep", "me")
    m.set("two", "old")
    eq(m.load(merge_path), true, "load of a good file")
    eq(m.get("keep"), "me", "load keeps other settings")
    eq(m.get("two"), 2, "load overwrites conflicting settings")
    eq(m.load(merge_path .. ".does-not-exist"), false, "load of a missing file")

    ------------------------------------------------------------------
    -- define / undefine / getDetails (CC:Tweaked's spec)
    ------------------------------------------------------------------
    local d = settings.new(temp_path())
    check(deep_eq(d.getDetails("test.undefined"), { changed = false }), "details of undefined, unset")
    d.set("test", 456)
    check(deep_eq(d.getDetails("test"), { value = 456, changed = true }), "details of undefined, set")
    d.define("test.unset", { default = 123, description = "A description" })
    check(deep_eq(d.getDetails("test.unset"), { default = 123, value = 123, changed = false, description = "A description" }),
        "details of defined, unset")
    d.define("test.defined", { default = 123, description = "A description", type = "number" })
    d.set("test.defined", 456)
    check(deep_eq(d.getDetails("test.defined"),
        { default = 123, value = 456, changed = true, description = "A description", type = "number" }), "details of defined, set")
    eq(d.get("test.unset"), 123, "get returns the defined default")
    eq(d.get("test.unset", "?"), "?", "explicit default beats the defined one")
    d.undefine("test.unset")
    eq(d.get("test.unset"), nil, "undefine removes the default")
    d.define("plain")
    check(deep_eq(d.getDetails("plain"), { changed = false }), "define without options")
    eq(error_of(d.define, "test.defined", { type = "function" }),
        'Unknown type "function". Expected one of number, string, boolean, table.', "define checks type names")
    eq(error_of(d.define, "x", { description = 1 }), "bad field 'description' (string expected, got number)", "define checks fields")
    eq(error_of(d.set, "test.defined", "hello"), "bad argument #2 (number expected, got string)", "set checks the defined type")

    ------------------------------------------------------------------
    -- Argument errors, as CC raises them (level 2: blame the caller)
    ------------------------------------------------------------------
    eq(error_of(d.get, nil), "bad argument #1 (string expected, got nil)", "get(nil)")
    eq(error_of(d.set, nil), "bad argument #1 (string expected, got nil)", "set(nil)")
    eq(error_of(d.set, "", nil), "bad argument #2 (number, string, boolean or table expected, got nil)", "set(name, nil)")
    eq(error_of(d.set, "", print), "bad argument #2 (number, string, boolean or table expected, got function)", "set(name, fn)")
    eq(error_of(d.set, "", { print }), "Cannot serialize type function", "set of an unserialisable table")
    eq(error_of(d.unset, nil), "bad argument #1 (string expected, got nil)", "unset(nil)")
    eq(error_of(d.getDetails, nil), "bad argument #1 (string expected, got nil)", "getDetails(nil)")
    eq(error_of(d.define, 1), "bad argument #1 (string expected, got number)", "define(1)")
    eq(error_of(d.define, "x", 1), "bad argument #2 (table expected, got number)", "define(name, 1)")
    eq(error_of(d.undefine, nil), "bad argument #1 (string expected, got nil)", "undefine(nil)")
    eq(error_of(d.load, 1), "bad argument #1 (string expected, got number)", "load(1)")
    eq(error_of(d.save, 1), "bad argument #1 (string expected, got number)", "save(1)")
    eq(error_of(settings.new, 1), "bad argument #1 (string expected, got number)", "new(1)")
    local where = error_of(function() d.get(nil) end)
    check(where:find("settings_test%.lua:%d+: bad argument #1 to 'get' %(string expected, got nil%)$") ~= nil,
        "the error position is the caller's line: " .. where)

    ------------------------------------------------------------------
    -- Malicious and broken files: no code runs, load returns false
    ------------------------------------------------------------------
    local evil_path = temp_path()
    local evil = settings.new(evil_path)
    local function load_text(text)
        write_file(evil_path, text)
        evil.clear()
        return evil.load(evil_path)
    end
    eq(load_text("{ os.exit() }"), false, "os.exit() does not run")
    eq(load_text('{ x = print("pwned") }'), false, "global call")
    eq(load_text('{ x = ("x"):rep(100) }'), false, "string method call")
    eq(load_text('{ x = ("x").rep("x", 100) }'), false, "string library call through the metatable")
    eq(load_text("{ x = (function() while true do end end)() }"), false, "infinite loop is never started")
    eq(load_text("{ x = (function() local t = {} t.t = t return t end)() }"), false, "immediately called function")
    eq(load_text('{ x = 1 } os.exit()'), false, "trailing statement")
    eq(load_text('{ [ "k" ] = 1 }\n{ 2 }'), false, "two expressions")
    eq(load_text(string.dump(function() return { x = 1 } end)), false, "bytecode")
    eq(load_text("\27Lua" .. string.rep("\0", 20)), false, "bytecode header")
    eq(load_text("{ x = 1"), false, "truncated file")
    eq(load_text('"not a table"'), false, "a string is not a settings file")
    eq(load_text(""), false, "empty file")
    check(deep_eq(evil.names(), {}), "nothing was loaded from the bad files")
    eq(load_text("{ f = function() end, ok = 1 }"), true, "an uncalled function is skipped like CC does")
    eq(evil.get("f"), nil, "function value skipped")
    eq(evil.get("ok"), 1, "other values kept")
    eq(load_text("{ [ 1 ] = 1, [ true ] = 2, s = { 1 } }"), true, "non-string keys are ignored")
    check(deep_eq(evil.names(), { "s" }), "only string keys become settings")
    eq(settings.unserialize("(\"x\"):rep(3)"), nil, "unserialize refuses calls")

    ------------------------------------------------------------------
    -- The set program (output as rom/programs/set.lua prints it)
    ------------------------------------------------------------------
    local set_path = temp_path()
    os.remove(set_path)
    local st = settings.new(set_path)
    st.set("test", "Hello World!")
    st.define("test.defined", { default = 456, description = "A description", type = "number" })

    local lines, w = capture()
    eq(settings.run_set_program(st, {}, w), true, "set: list")
    check(deep_eq(lines, { '"test" is "Hello World!"', '"test.defined" is 456' }), "set: list output")

    lines, w = capture()
    eq(settings.run_set_program(st, { "test" }, w), true, "set NAME")
    check(deep_eq(lines, { 'test is "Hello World!"' }), "set NAME output")

    st.set("test.defined", 123)
    lines, w = capture()
    settings.run_set_program(st, { "test.defined" }, w)
    check(deep_eq(lines, { "test.defined is 123 (default is 456)", "A description" }), "set NAME with default and description")

    lines, w = capture()
    settings.run_set_program(st, { "missing" }, w)
    check(deep_eq(lines, { "missing is nil" }), "set NAME of an unset setting")

    eq(read_file(set_path), nil, "nothing saved yet")
    lines, w = capture()
    eq(settings.run_set_program(st, { "test", "Hello" }, w), true, "set NAME VALUE")
    check(deep_eq(lines, { '"test" set to "Hello"' }), "set NAME VALUE output")
    eq(st.get("test"), "Hello", "set NAME VALUE sets")
    eq(settings.new(set_path).get("test"), "Hello", "set NAME VALUE saves")

    lines, w = capture()
    local ok, msg = settings.run_set_program(st, { "test.defined", "Hello" }, w)
    eq(ok, false, "set checks the defined type")
    eq(msg, '"Hello" is not a valid number.', "type error message")
    check(#lines == 0, "nothing printed on a type error")
    lines, w = capture()
    settings.run_set_program(st, { "test.defined", "456" }, w)
    check(deep_eq(lines, { '"test.defined" set to 456' }), "set a defined number")

    local function set_value(text)
        local out, wr = capture()
        assert(settings.run_set_program(st, { "v", text }, wr))
        return st.get("v"), out[1]
    end
    local v, line = set_value("true")
    check(v == true and line == '"v" set to true', "parse true")
    v, line = set_value("false")
    check(v == false and line == '"v" set to false', "parse false")
    v, line = set_value("42")
    check(v == 42 and type(v) == "number" and line == '"v" set to 42', "parse integer")
    v, line = set_value("-1.5")
    check(v == -1.5 and line == '"v" set to -1.5', "parse float")
    v, line = set_value("0x10")
    check(v == 16 and line == '"v" set to 16', "parse hex like tonumber")
    v, line = set_value("hello world")
    check(v == "hello world" and line == '"v" set to "hello world"', "parse string")
    v, line = set_value("inf")
    check(v == "inf" and line == '"v" set to "inf"', "inf stays a string on every version")
    v, line = set_value("nil")
    check(v == nil and line == '"v" unset', "parse nil unsets")
    eq(settings.new(set_path).get("v"), nil, "unset was saved")

    st.set("tbl", { 1, 2, x = "y" })
    lines, w = capture()
    settings.run_set_program(st, { "tbl" }, w)
    check(deep_eq(lines, { 'tbl is { 1, 2, x = "y" }' }), "set NAME pretty-prints a short table on one line")
    st.set("long", { "aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc" })
    lines, w = capture()
    settings.run_set_program(st, { "long" }, w)
    check(deep_eq(lines, { "long is {", '  "aaaaaaaaaa",', '  "bbbbbbbbbb",', '  "cccccccccc"', "}" }),
        "set NAME breaks a wide table like cc.pretty")
    st.set("nl", "a\nb")
    lines, w = capture()
    settings.run_set_program(st, { "nl" }, w)
    check(deep_eq(lines, { 'nl is "a\\nb"' }), "cc.pretty escapes newlines as \\n")

    st.clear()
    st.set("tbl", { 1, x = "y" })
    lines, w = capture()
    settings.run_set_program(st, {}, w)
    check(deep_eq(lines, { '"tbl" is {', "  1,", '  x = "y",', "}", '"test.defined" is 456' }), "set lists tables serialized")

    local broken = settings.new(evil_path .. ".no-such-dir/x/.settings")
    ok, msg = settings.run_set_program(broken, { "a", "1" }, function() end)
    check(ok == false and type(msg) == "string", "set reports a failed save")
    ok, msg = broken.save()
    check(ok == false and type(msg) == "string", "save returns false and a message")

    ------------------------------------------------------------------
    -- The get program
    ------------------------------------------------------------------
    local g = settings.new(temp_path())
    g.set("str", "raw text")
    g.set("num", 1.5)
    g.set("flag", false)
    g.set("tab", { 1 })
    g.define("dflt", { default = "from default" })
    local function get_lines(name)
        local out, wr = capture()
        local r1, r2 = settings.run_get_program(g, { name }, wr)
        return out, r1, r2
    end
    local out, r1, r2 = get_lines("str")
    check(r1 == true and deep_eq(out, { "raw text" }), "get prints strings raw")
    out = get_lines("num")
    check(deep_eq(out, { "1.5" }), "get prints numbers")
    out = get_lines("flag")
    check(deep_eq(out, { "false" }), "get prints booleans")
    out = get_lines("tab")
    check(deep_eq(out, { "{", "  1,", "}" }), "get serializes tables")
    out = get_lines("dflt")
    check(deep_eq(out, { "from default" }), "get uses defined defaults")
    out, r1, r2 = get_lines("nope")
    check(r1 == false and #out == 0 and type(r2) == "string", "get of an unset setting prints nothing and fails")
    r1 = settings.run_get_program(g, {}, function() end)
    check(r1 == false, "get without a name fails")
end

local ok, err = pcall(run_tests)
for _, p in ipairs(temp_files) do os.remove(p) end
if not ok then
    io.stderr:write(tostring(err), "\n")
    print(("settings_test: %d passed, 1 failed"):format(passed))
    os.exit(1)
end

for k in pairs(_G) do
    if not globals_before[k] then
        print(("settings_test: %d passed, 1 failed (global %s leaked)"):format(passed, tostring(k)))
        os.exit(1)
    end
end
passed = passed + 1

print(("settings_test: %d passed, 0 failed"):format(passed))
