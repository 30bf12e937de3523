-- settings.lua: a ComputerCraft (CC:Tweaked) compatible settings store in pure Lua.
--
-- Runs unchanged on Lua 5.1, 5.2, 5.3, 5.4 and LuaJIT. Uses only the standard
-- library (string, table, math, io) and defines no globals: the chunk returns
-- the module table.
--
--   local settings = load(source)()          -- or dofile("lua/settings.lua")
--   local s = settings.new(".settings")      -- the file is read on first use
--   s.set("motd.enable", false); s.save()
--
-- Behaviour and formats follow CC:Tweaked's rom/apis/settings.lua,
-- rom/apis/textutils.lua (serialize/unserialize), rom/programs/set.lua and
-- rom/modules/main/cc/pretty.lua, with strings quoted and numbers printed the
-- way CC's Lua VM (Cobalt) does, so files are byte-for-byte what CC writes.

local type, pairs, ipairs, next, rawget, tostring, tonumber = type, pairs, ipairs, next, rawget, tostring, tonumber
local error, pcall, select = error, pcall, select
local string_format, string_rep = string.format, string.rep
local table_concat, table_sort = table.concat, table.sort
local math_floor, math_huge, math_min = math.floor, math.huge, math.min
local math_type = math.type -- nil before Lua 5.3
local io_open = io.open
-- Lua 5.1 and LuaJIT: loadstring + setfenv. Lua 5.2+: load(text, name, "t", env).
local load, loadstring, setfenv = load, loadstring, setfenv

local M = {}

---------------------------------------------------------------------------
-- Argument checking (port of cc.expect, without the debug-library parts)
---------------------------------------------------------------------------

local function type_names(...)
    local names, n = {}, 0
    for i = 1, select("#", ...) do
        local name = select(i, ...)
        if name ~= "nil" then n = n + 1; names[n] = name end
    end
    if n <= 1 then return tostring((...)) end
    return table_concat(names, ", ", 1, n - 1) .. " or " .. names[n]
end

-- Raises "bad argument #i to 'name' (T expected, got U)" at the caller of the
-- API function; as in CC's cc.expect, the name is left out when the debug
-- library cannot tell it (a call through pcall, say).
local function expect(index, value, ...)
    local t = type(value)
    for i = 1, select("#", ...) do
        if t == select(i, ...) then return value end
    end
    local name
    local getinfo = type(debug) == "table" and debug.getinfo
    if getinfo then
        local ok, info = pcall(getinfo, 3, "nS")
        if ok and info and info.name and info.name ~= "" and info.what ~= "C" then name = info.name end
    end
    if name then
        error(string_format("bad argument #%d to '%s' (%s expected, got %s)", index, name, type_names(...), t), 3)
    end
    error(string_format("bad argument #%d (%s expected, got %s)", index, type_names(...), t), 3)
end

local function field(tbl, key, ...)
    local value = tbl[key]
    local t = type(value)
    for i = 1, select("#", ...) do
        if t == select(i, ...) then return value end
    end
    if value == nil then
        error(string_format("field '%s' missing from table", key), 3)
    else
        error(string_format("bad field '%s' (%s expected, got %s)", key, type_names(...), t), 3)
    end
end

---------------------------------------------------------------------------
-- Value formatting as CC's VM (Cobalt) does it
---------------------------------------------------------------------------

-- string.format("%q", s) in Cobalt (= Lua 5.1): escape ", \ and newline with a
-- backslash (the newline stays a real newline), \r as \r, NUL as \000; every
-- other byte is written as is. Done by hand because %q differs across versions.
local quote_map = { ['"'] = '\\"', ["\\"] = "\\\\", ["\n"] = "\\\n", ["\r"] = "\\r", ["\0"] = "\\000" }
local function quote_string(s)
    return '"' .. s:gsub('[%c"\\]', quote_map) .. '"'
end

-- tostring(number) in CC:Tweaked's Cobalt (0.9.4): an integral value in the
-- 64-bit range prints as an integer, anything else with "%.14g". A float such
-- as 3.0 therefore prints "3" on every Lua version. NaN/inf are handled by callers.
local function format_number(n)
    if math_type and math_type(n) == "integer" then return string_format("%d", n) end
    if n == math_floor(n) and n >= -2 ^ 63 and n <= 2 ^ 63 then
        if n == 0 then return "0" end                              -- also -0.0
        if n == 2 ^ 63 then return "9223372036854775807" end       -- Java's saturating (long) cast
        return string_format("%.0f", n)                            -- exact for integral doubles
    end
    return string_format("%.14g", n)
end

---------------------------------------------------------------------------
-- textutils.serialize
---------------------------------------------------------------------------

-- CC's keyword list, plus "goto" (Lua 5.2+) and "global" (Lua 5.5) so that keys
-- written as bare identifiers always load again on every version.
local lua_keywords = {}
for _, k in ipairs({
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "global",
    "if", "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
}) do lua_keywords[k] = true end

local key_rank = { number = 1, string = 2, boolean = 3 }

-- CC writes the non-sequence keys in `next` order, which is the VM's hash order
-- and so is not reproducible; we sort them: numbers, strings, booleans, others.
local function key_less(a, b)
    local ta, tb = type(a), type(b)
    local ra, rb = key_rank[ta] or 4, key_rank[tb] or 4
    if ra ~= rb then return ra < rb end
    if ta == "number" or ta == "string" then return a < b end
    if ta == "boolean" then return (not a) and b end
    return tostring(a) < tostring(b)
end

local function serialize_impl(t, tracking, indent, opts)
    local ty = type(t)
    if ty == "table" then
        if tracking[t] ~= nil then
            if tracking[t] == false then
                error("Cannot serialize table with repeated entries", 0)
            else
                error("Cannot serialize table with recursive entries", 0)
            end
        end
        tracking[t] = true

        local result
        if next(t) == nil then
            result = "{}" -- Empty tables are simple
        else
            local open, sub_indent, open_key, close_key, equal, comma = "{\n", indent .. "  ", "[ ", " ] = ", " = ", ",\n"
            if opts.compact then
                open, sub_indent, open_key, close_key, equal, comma = "{", "", "[", "]=", "=", ","
            end

            local parts, n = { open }, 1
            local seen_keys = {}
            local i = 1
            while true do -- the sequence part, like CC's rawget-based inext
                local v = rawget(t, i)
                if v == nil then break end
                seen_keys[i] = true
                n = n + 1
                parts[n] = sub_indent .. serialize_impl(v, tracking, sub_indent, opts) .. comma
                i = i + 1
            end

            local keys, nkeys = {}, 0
            for k in next, t do
                if not seen_keys[k] then nkeys = nkeys + 1; keys[nkeys] = k end
            end
            table_sort(keys, key_less)

            for j = 1, nkeys do
                local k = keys[j]
                local v = rawget(t, k)
                local entry
                if type(k) == "string" and not lua_keywords[k] and k:match("^[%a_][%a%d_]*$") then
                    entry = k .. equal .. serialize_impl(v, tracking, sub_indent, opts) .. comma
                else
                    entry = open_key .. serialize_impl(k, tracking, sub_indent, opts) .. close_key
                        .. serialize_impl(v, tracking, sub_indent, opts) .. comma
                end
                n = n + 1
                parts[n] = sub_indent .. entry
            end
            n = n + 1
            parts[n] = indent .. "}"
            result = table_concat(parts, "", 1, n)
        end

        if opts.allow_repetitions then
            tracking[t] = nil
        else
            tracking[t] = false
        end
        return result
    elseif ty == "string" then
        return quote_string(t)
    elseif ty == "number" then
        if t ~= t then
            return "0/0"
        elseif t == math_huge then
            return "1/0"
        elseif t == -math_huge then
            return "-1/0"
        else
            return format_number(t)
        end
    elseif ty == "boolean" or ty == "nil" then
        return tostring(t)
    else
        error("Cannot serialize type " .. ty, 0)
    end
end

--- textutils.serialize(value [, { compact = bool, allow_repetitions = bool }])
local function serialize(t, opts)
    expect(2, opts, "table", "nil")
    if opts then
        field(opts, "compact", "boolean", "nil")
        field(opts, "allow_repetitions", "boolean", "nil")
    else
        opts = {}
    end
    return serialize_impl(t, {}, "", opts)
end

---------------------------------------------------------------------------
-- textutils.unserialize, hardened
---------------------------------------------------------------------------

-- Scans Lua source (outside strings and comments) for anything that would call
-- a function: a Name, ")" or "]" followed by "(", "{" or a string literal, and
-- any ":" (method calls). Without calls, an expression evaluated in an empty
-- environment cannot run code (no loops, no string.rep bombs through the string
-- metatable). Files written by CC never contain calls. Returns true if unsafe.
local function has_call(s)
    local i, len = 1, #s
    local callable = false -- the previous token could end a prefix expression
    while i <= len do
        local c = s:sub(i, i)
        local e
        local _, ws = s:find("^%s+", i)
        if ws then
            i = ws + 1
        elseif c == "-" and s:sub(i + 1, i + 1) == "-" then
            local _, open_end, eqs = s:find("^%[(=*)%[", i + 2)
            if open_end then
                local _, close_end = s:find("]" .. eqs .. "]", open_end + 1, true)
                i = (close_end or len) + 1
            else
                local nl = s:find("\n", i + 2, true)
                i = (nl or len) + 1
            end
        elseif c == '"' or c == "'" then
            if callable then return true end
            local stop = c == '"' and '[\\"\r\n]' or "[\\'\r\n]"
            local j = i + 1
            while true do
                local p = s:find(stop, j)
                if not p then return true end -- unterminated: let nothing through
                local pc = s:sub(p, p)
                if pc == c then
                    i = p + 1
                    break
                elseif pc == "\\" then
                    local nc, pair = s:sub(p + 1, p + 1), s:sub(p + 1, p + 2)
                    if pair == "\r\n" or pair == "\n\r" then
                        j = p + 3
                    elseif nc == "z" then
                        local _, zend = s:find("^%s*", p + 2)
                        j = zend + 1
                    else
                        j = p + 2
                    end
                else
                    return true -- raw line break inside a short string: a syntax error anyway
                end
            end
            callable = false
        elseif c == "[" and s:find("^%[=*%[", i) then
            if callable then return true end
            local _, open_end, eqs = s:find("^%[(=*)%[", i)
            local _, close_end = s:find("]" .. eqs .. "]", open_end + 1, true)
            if not close_end then return true end
            i = close_end + 1
            callable = false
        elseif s:find("^[%a_\128-\255]", i) then
            _, e = s:find("^[%w_\128-\255]+", i)
            callable = not lua_keywords[s:sub(i, e)]
            i = e + 1
        elseif s:find("^%.?%d", i) then
            local j = i
            while true do
                _, e = s:find("^[%w_%.]+", j)
                if not e then break end
                j = e + 1
                if s:find("^[eEpP][%+%-]", e) then j = j + 1 else break end
            end
            i = j
            callable = false
        else
            if c == ":" then return true end
            if callable and (c == "(" or c == "{") then return true end
            callable = c == ")" or c == "]"
            i = i + 1
        end
    end
    return false
end

--- textutils.unserialize: evaluates "return " .. text in an empty environment,
-- text mode only. Returns the value, or nil if it does not parse or fails.
local function unserialize(s)
    expect(1, s, "string")
    if s:byte(1) == 27 then return nil end -- precompiled chunk
    if has_call(s) then return nil end
    local source = "return " .. s
    local fn
    if setfenv then -- Lua 5.1 / LuaJIT
        fn = loadstring(source, "=unserialize")
        if fn then setfenv(fn, {}) end
    else
        fn = load(source, "=unserialize", "t", {})
    end
    if fn then
        local ok, result = pcall(fn)
        if ok then return result end
    end
    return nil
end

M.serialize = serialize
M.serialise = serialize
M.unserialize = unserialize
M.unserialise = unserialize

---------------------------------------------------------------------------
-- cc.pretty (the parts the set program uses), rendering to a string
---------------------------------------------------------------------------

local pp = {}
do
    local empty = { tag = "nil" }
    local space = { tag = "text", text = " " }
    local space_line = { tag = "line", flat = space }
    local text_cache = { [""] = empty, [" "] = space, ["\n"] = space_line }

    local function append(out, value)
        local n = out.n + 1
        out[n], out.n = value, n
    end

    local function mk_text(s)
        return text_cache[s] or { tag = "text", text = s }
    end

    local function text(s)
        local cached = text_cache[s]
        if cached then return cached end
        local new_line = s:find("\n", 1, true)
        if not new_line then return mk_text(s) end
        local doc = { tag = "concat", n = 0 }
        if new_line ~= 1 then append(doc, mk_text(s:sub(1, new_line - 1))) end
        new_line = new_line + 1
        while true do
            local next_line = s:find("\n", new_line, true)
            append(doc, space_line)
            if not next_line then
                if new_line <= #s then append(doc, mk_text(s:sub(new_line))) end
                return doc
            else
                if new_line <= next_line - 1 then append(doc, mk_text(s:sub(new_line, next_line - 1))) end
                new_line = next_line + 1
            end
        end
    end

    local function concat(...)
        local doc = { tag = "concat", n = select("#", ...), ... }
        for i = 1, doc.n do
            if type(doc[i]) == "string" then doc[i] = text(doc[i]) end
        end
        if doc.n == 0 then return empty end
        if doc.n == 1 then return doc[1] end
        return doc
    end

    local function nest(depth, doc) return { tag = "nest", depth = depth, doc } end

    local function flatten(doc)
        if doc.flat then return doc.flat end
        local kind = doc.tag
        if kind == "nil" or kind == "text" then
            return doc
        elseif kind == "concat" then
            local out = { tag = "concat", n = doc.n }
            for i = 1, doc.n do out[i] = flatten(doc[i]) end
            doc.flat, out.flat = out, out
            return out
        elseif kind == "nest" then
            return flatten(doc[1])
        else -- group
            return doc[1]
        end
    end

    local function group(doc)
        if doc.tag == "group" then return doc end
        local flattened = flatten(doc)
        if flattened == doc then return doc end
        return { tag = "group", flattened, doc }
    end

    local function get_remaining(doc, width)
        local kind = doc.tag
        if kind == "nil" or kind == "line" then
            return width
        elseif kind == "text" then
            return width - #doc.text
        elseif kind == "concat" then
            for i = 1, doc.n do
                width = get_remaining(doc[i], width)
                if width < 0 then break end
            end
            return width
        else -- group or nest (never inside a flattened document)
            return get_remaining(doc[1], width)
        end
    end

    -- cc.pretty.render(doc, width, ribbon_frac = 0.6)
    local function render(doc, width, ribbon_frac)
        local ribbon_width = (ribbon_frac or 0.6) * width
        if ribbon_width < 0 then ribbon_width = 0 end
        if ribbon_width > width then ribbon_width = width end

        local out = { n = 0 }
        local function go(d, indent, col)
            local kind = d.tag
            if kind == "nil" then
                return col
            elseif kind == "text" then
                append(out, d.text)
                return col + #d.text
            elseif kind == "line" then
                append(out, "\n" .. string_rep(" ", indent))
                return indent
            elseif kind == "concat" then
                for i = 1, d.n do col = go(d[i], indent, col) end
                return col
            elseif kind == "nest" then
                return go(d[1], indent + d.depth, col)
            else -- group
                if get_remaining(d[1], math_min(width, ribbon_width + indent) - col) >= 0 then
                    return go(d[1], indent, col)
                else
                    return go(d[2], indent, col)
                end
            end
        end
        go(doc, 0, 0)
        return table_concat(out, "", 1, out.n)
    end

    local comma = text(",")
    local braces = text("{}")
    local obrace, cbrace = text("{"), text("}")
    local obracket, cbracket = text("["), text("] = ")

    local function key_compare(a, b)
        local ta, tb = type(a), type(b)
        if ta == "string" then return tb ~= "string" or a < b
        elseif tb == "string" then return false
        end
        if ta == "number" then return tb ~= "number" or a < b end
        return false
    end

    -- tostring() as Cobalt prints it.
    local function show_number(n)
        if n ~= n then return "nan" end
        if n == math_huge then return "inf" end
        if n == -math_huge then return "-inf" end
        return format_number(n)
    end

    local function pretty_impl(obj, tracking)
        local obj_type = type(obj)
        if obj_type == "string" then
            local formatted = quote_string(obj):gsub("\\\n", "\\n")
            return text(formatted)
        elseif obj_type == "number" then
            return text(show_number(obj))
        elseif obj_type ~= "table" or tracking[obj] then
            return text(tostring(obj))
        elseif next(obj) == nil then
            return braces
        else
            tracking[obj] = true
            local doc = { tag = "concat", n = 1, space_line }

            local length, keys, keysn = #obj, {}, 1
            for k in pairs(obj) do
                if type(k) ~= "number" or k % 1 ~= 0 or k < 1 or k > length then
                    keys[keysn], keysn = k, keysn + 1
                end
            end
            table_sort(keys, key_compare)

            for i = 1, length do
                if i > 1 then append(doc, comma) append(doc, space_line) end
                append(doc, pretty_impl(obj[i], tracking))
            end

            for i = 1, keysn - 1 do
                if i > 1 or length >= 1 then append(doc, comma) append(doc, space_line) end
                local k = keys[i]
                local v = obj[k]
                if type(k) == "string" and not lua_keywords[k] and k:match("^[%a_][%a%d_]*$") then
                    append(doc, text(k .. " = "))
                    append(doc, pretty_impl(v, tracking))
                else
                    append(doc, obracket)
                    append(doc, pretty_impl(k, tracking))
                    append(doc, cbracket)
                    append(doc, pretty_impl(v, tracking))
                end
            end

            tracking[obj] = nil
            return group(concat(obrace, nest(2, doc), space_line, cbrace))
        end
    end

    pp.text, pp.concat, pp.render = text, concat, render
    pp.pretty = function(obj) return pretty_impl(obj, {}) end
end

---------------------------------------------------------------------------
-- The settings store (port of CC's settings API, one instance per file)
---------------------------------------------------------------------------

local function reserialize(value)
    if type(value) ~= "table" then return value end
    return unserialize(serialize(value))
end

local function copy(value)
    if type(value) ~= "table" then return value end
    local result = {}
    for k, v in pairs(value) do result[k] = copy(v) end
    return result
end

local valid_types = { "number", "string", "boolean", "table" }
for _, v in ipairs(valid_types) do valid_types[v] = true end

--- M.new(path): a store for `path` (default ".settings"). Its functions are
-- closures, called with "." like CC's global `settings`. The file is read on the
-- first call that touches values (not by new, define or undefine), so settings
-- defined before that are type-checked while loading, as at CC's boot.
function M.new(path)
    expect(1, path, "string", "nil")
    local file_path = path or ".settings"
    local details, values = {}, {}
    local loaded = false
    local s = {}

    local function load_file(p)
        local file = io_open(p, "rb")
        if not file then return false end
        local text = file:read("*a")
        file:close()
        if type(text) ~= "string" then return false end

        local tbl = unserialize(text)
        if type(tbl) ~= "table" then return false end

        for k, v in pairs(tbl) do
            local ty_v = type(v)
            if type(k) == "string" and (ty_v == "string" or ty_v == "number" or ty_v == "boolean" or ty_v == "table") then
                local opt = details[k]
                if not opt or not opt.type or ty_v == opt.type then
                    local ok, value = pcall(reserialize, v)
                    if ok then values[k] = value end
                end
            end
        end
        return true
    end

    local function ensure_loaded()
        if not loaded then
            loaded = true
            load_file(file_path)
        end
    end

    function s.define(name, options)
        expect(1, name, "string")
        expect(2, options, "table", "nil")
        if options then
            options = {
                description = field(options, "description", "string", "nil"),
                default = reserialize(field(options, "default", "number", "string", "boolean", "table", "nil")),
                type = field(options, "type", "string", "nil"),
            }
            if options.type and not valid_types[options.type] then
                error(string_format("Unknown type %s. Expected one of %s.", quote_string(options.type),
                    table_concat(valid_types, ", ")), 2)
            end
        else
            options = {}
        end
        details[name] = options
    end

    function s.undefine(name)
        expect(1, name, "string")
        details[name] = nil
    end

    function s.set(name, value)
        expect(1, name, "string")
        expect(2, value, "number", "string", "boolean", "table")
        local opt = details[name]
        if opt and opt.type then expect(2, value, opt.type) end
        value = reserialize(value)
        ensure_loaded()
        values[name] = value
    end

    function s.get(name, default)
        expect(1, name, "string")
        ensure_loaded()
        local result = values[name]
        if result ~= nil then
            return copy(result)
        elseif default ~= nil then
            return default
        else
            local opt = details[name]
            return opt and copy(opt.default)
        end
    end

    function s.getDetails(name)
        expect(1, name, "string")
        ensure_loaded()
        local deets = copy(details[name]) or {}
        deets.value = copy(values[name])
        deets.changed = deets.value ~= nil
        if deets.value == nil then deets.value = deets.default end
        return deets
    end

    function s.unset(name)
        expect(1, name, "string")
        ensure_loaded()
        values[name] = nil
    end

    function s.clear()
        ensure_loaded()
        for name in pairs(values) do values[name] = nil end
    end

    function s.names()
        ensure_loaded()
        local result, n = {}, 0
        for k in pairs(details) do n = n + 1; result[n] = k end
        for k in pairs(values) do
            if not details[k] then n = n + 1; result[n] = k end
        end
        table_sort(result)
        return result
    end
    s.getNames = s.names

    function s.load(p)
        expect(1, p, "string", "nil")
        ensure_loaded()
        return load_file(p or file_path)
    end

    function s.save(p)
        expect(1, p, "string", "nil")
        ensure_loaded()
        local ok, text = pcall(serialize_impl, values, {}, "", {})
        if not ok then return false, text end
        local target = p or file_path
        local file, err = io_open(target, "wb")
        if not file then return false, err or ("cannot open " .. target) end
        local written, werr = file:write(text)
        if not written then
            file:close()
            return false, werr or ("cannot write " .. target)
        end
        local closed, cerr = file:close()
        if not closed then return false, cerr or ("cannot write " .. target) end
        return true
    end

    return s
end

---------------------------------------------------------------------------
-- Programs
---------------------------------------------------------------------------

-- Calls write once per line of `text`.
local function emit(write, text)
    local start = 1
    while true do
        local nl = text:find("\n", start, true)
        if not nl then
            write(text:sub(start))
            return
        end
        write(text:sub(start, nl - 1))
        start = nl + 1
    end
end

--- M.run_set_program(store, args, write [, width]): CC's `set` program.
--   set             -> `"name" is value` for every setting (textutils.serialize)
--   set NAME        -> `NAME is value [(default is d)]` (cc.pretty, `width`
--                      columns, default 51 like a CC computer) + the description
--   set NAME VALUE  -> parses VALUE (true/false/nil/number/string), sets or
--                      unsets, prints `"NAME" set to VALUE` / `"NAME" unset`,
--                      saves if the value changed.
-- Returns true, or false plus a message (type mismatch, save failure).
function M.run_set_program(store, args, write, width)
    args = args or {}
    write = write or print
    width = width or 51
    local nargs = #args

    if nargs == 0 then
        for _, name in ipairs(store.getNames()) do
            emit(write, serialize(name) .. " is " .. serialize(store.get(name)))
        end
        return true
    elseif nargs == 1 then
        local name = args[1]
        local deets = store.getDetails(name)
        local msg = pp.concat(pp.text(name), " is ", pp.pretty(deets.value))
        if deets.default ~= nil and deets.value ~= deets.default then
            msg = pp.concat(msg, " (default is ", pp.pretty(deets.default), ")")
        end
        emit(write, pp.render(msg, width))
        if deets.description then emit(write, deets.description) end
        return true
    else
        local name, svalue = args[1], tostring(args[2])
        local value
        if svalue == "true" then
            value = true
        elseif svalue == "false" then
            value = false
        elseif svalue == "nil" then
            value = nil
        elseif not svalue:find("[nN]") and tonumber(svalue) then
            -- Lua 5.2+/Cobalt reject "inf"/"nan"; Lua 5.1's strtod would accept them.
            value = tonumber(svalue)
        else
            value = svalue
        end

        local option = store.getDetails(name)
        if value == nil then
            store.unset(name)
            emit(write, serialize(name) .. " unset")
        elseif option.type and option.type ~= type(value) then
            return false, string_format("%s is not a valid %s.", serialize(svalue), option.type)
        else
            store.set(name, value)
            emit(write, serialize(name) .. " set to " .. serialize(value))
        end

        if value ~= option.value then
            local ok, err = store.save()
            if not ok then return false, err end
        end
        return true
    end
end

--- M.run_get_program(store, args, write): `get NAME` prints the value (strings
-- raw, anything else serialized). Returns true, or false plus a message and
-- prints nothing when the setting has no value.
function M.run_get_program(store, args, write)
    args = args or {}
    write = write or print
    local name = args[1]
    if type(name) ~= "string" then return false, "Usage: get <name>" end
    local value = store.get(name)
    if value == nil then return false, name .. " is not set" end
    if type(value) == "string" then
        emit(write, value)
    else
        emit(write, serialize(value))
    end
    return true
end

return M
