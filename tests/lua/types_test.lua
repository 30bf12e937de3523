-- types/opencode.lua (the LuaLS definitions) against the live module: every
-- function, method and option declared there exists, and nothing that exists
-- is left undeclared.
-- Arguments: URL of a server that answers GET /global/health, path of
-- types/opencode.lua, path of docs/lua-api.md (the Lua API reference).
local dir = arg[0]:match("^(.*)[/\\]") or "."
local T = dofile(dir .. "/testlib.lua")
local opencode = require("opencode")

local url, types_path, reference_path = arg[1], arg[2], arg[3]
assert(url and types_path and reference_path, "usage: types_test.lua URL TYPES_LUA LUA_API_MD")

-- What types/opencode.lua declares.
local declared = {
  module = {},  -- name -> "function" | "field"
  methods = {}, -- local table name (Client, Settings, Handle, Stream) -> { name -> true }
  classes = {}, -- class name -> { field name -> true }
  parents = {}, -- class name -> parent class name
  kinds = {},   -- error kind -> true
  generated = {}, -- Client methods of the generated section -> true
}
do
  local class, in_kinds, in_generated
  for line in io.lines(types_path) do
    if line:match("^%-%- BEGIN GENERATED OPERATIONS") then
      in_generated = true
    elseif line:match("^%-%- END GENERATED OPERATIONS") then
      in_generated = false
    end
    local name = line:match("^function opencode%.([%w_]+)%(")
    if name then
      declared.module[name] = "function"
    end
    name = line:match("^opencode%.([%w_]+)%s*=")
    if name then
      declared.module[name] = "field"
    end
    local owner, method = line:match("^function (%u%w*)[:.]([%w_]+)%(")
    if owner then
      declared.methods[owner] = declared.methods[owner] or {}
      declared.methods[owner][method] = true
      if in_generated and owner == "Client" then
        declared.generated[method] = true
      end
    end
    local parent
    name, parent = line:match("^%-%-%-@class ([%w_.]+)%s*:?%s*([%w_.]*)")
    if name then
      class = {}
      declared.classes[name] = class
      declared.parents[name] = parent ~= "" and parent or nil
    elseif not line:match("^%-%-%-") then
      class = nil
    end
    name = line:match("^%-%-%-@field ([%w_]+)")
    if name and class then
      class[name] = true
    end
    if line:match("^%-%-%-@alias opencode%.ErrorKind") then
      in_kinds = true
    elseif in_kinds then
      local kind = line:match('^%-%-%-| "([%w_]+)"')
      if kind then
        declared.kinds[kind] = true
      else
        in_kinds = false
      end
    end
  end
end

-- The fields of a declared class, its parents' included.
local function class_fields(name)
  local fields = {}
  while name do
    local class = declared.classes[name]
    assert(class, "types/opencode.lua declares no class " .. name)
    for field in pairs(class) do
      fields[field] = true
    end
    name = declared.parents[name]
  end
  return fields
end

local function sorted_keys(set)
  local list = {}
  for k in pairs(set) do
    list[#list + 1] = tostring(k)
  end
  table.sort(list)
  return table.concat(list, ", ")
end

-- Asserts that two sets of names are equal, naming what each side lacks.
local function same_names(what, live, types)
  local missing, undeclared = {}, {}
  for name in pairs(types) do
    if not live[name] then
      missing[name] = true
    end
  end
  for name in pairs(live) do
    if not types[name] then
      undeclared[name] = true
    end
  end
  if next(missing) or next(undeclared) then
    error(string.format(
      "%s: declared in types/opencode.lua but missing live: {%s}; live but not declared: {%s}",
      what, sorted_keys(missing), sorted_keys(undeclared)), 2)
  end
end

-- The names of the functions in a table.
local function function_names(tbl)
  local names = {}
  for name, value in pairs(tbl) do
    T.eq(type(value), "function", "type of " .. tostring(name))
    names[name] = true
  end
  return names
end

-- The option keys a function accepts, from the error it raises for an unknown one.
local function known_options(f, ...)
  local msg = T.raises(f, ...)
  local known = msg:match("unknown option '__probe' %(known: ([^)]*)%)")
  assert(known, "no list of known options in: " .. msg)
  local names = {}
  for name in known:gmatch("[%w_]+") do
    names[name] = true
  end
  return names
end

T.test("types_file_was_parsed", function()
  T.truthy(declared.module.connect, "function opencode.connect")
  T.truthy(declared.methods.Client.send, "function Client:send")
  T.truthy(declared.methods.Settings.get, "function Settings.get")
  T.truthy(declared.classes["opencode.ConnectOptions"], "class opencode.ConnectOptions")
  T.truthy(declared.kinds.connect, "ErrorKind connect")
end)

T.test("module_functions_and_fields_match", function()
  -- Fields created on first use (settings) are not in pairs(), so every
  -- declared name is also looked up. Underscore fields need no declaration.
  local live = {}
  for name in pairs(opencode) do
    if not tostring(name):match("^_") then
      live[name] = true
    end
  end
  for name in pairs(declared.module) do
    if opencode[name] ~= nil then
      live[name] = true
    end
  end
  same_names("module opencode", live, declared.module)
  for name, how in pairs(declared.module) do
    T.eq(type(opencode[name]) == "function", how == "function", "opencode." .. name .. " is a function")
  end
end)

-- The methods of a userdata object: its metatable's __index table. The
-- metatable is protected from getmetatable(), not from debug.getmetatable().
local function methods_of(object)
  local mt = debug.getmetatable(object)
  T.eq(type(mt), "table", "metatable of " .. tostring(object))
  T.eq(type(mt.__index), "table", "__index of " .. tostring(object))
  return function_names(mt.__index)
end

T.test("client_methods_match", function()
  local client = assert(opencode.connect(url))
  -- The methods of the operations are made on first use, so they are not in
  -- pairs() until then: every declared name is also looked up.
  local live = methods_of(client)
  for name in pairs(declared.methods.Client) do
    if type(client[name]) == "function" then
      live[name] = true
    end
  end
  same_names("client methods", live, declared.methods.Client)
  T.eq(client.no_such_method, nil, "an undeclared name")
end)

T.test("handle_and_stream_methods_match", function()
  local client = assert(opencode.connect(url))
  local handle = assert(client:send_async("ses_1", "x"))
  same_names("handle methods", methods_of(handle), declared.methods.Handle)
  handle:cancel()
  local stream = assert(client:events())
  same_names("stream methods", methods_of(stream), declared.methods.Stream)
  stream:close()
end)

T.test("settings_functions_match", function()
  same_names("opencode.settings", function_names(opencode.settings), declared.methods.Settings)
end)

T.test("option_tables_match", function()
  local client = assert(opencode.connect(url))
  local function check(what, class, f, ...)
    same_names(what, known_options(f, ...), class_fields(class))
  end
  check("connect options", "opencode.ConnectOptions", opencode.connect, { __probe = 1 })
  check("new_session options", "opencode.NewSessionOptions", client.new_session, client, { __probe = 1 })
  check("send options", "opencode.SendAsyncOptions", client.send, client, "ses_1", "x", { __probe = 1 })
  check("prompt_async options", "opencode.SendOptions", client.prompt_async, client, "ses_1", "x", { __probe = 1 })
  check("send_async options", "opencode.SendAsyncOptions", client.send_async, client, "ses_1", "x", { __probe = 1 })
  check("events options", "opencode.EventOptions", client.events, client, { __probe = 1 })
  check("tui_show_toast options", "opencode.ToastOptions", client.tui_show_toast, client, { __probe = 1 })
  check("request options", "opencode.RequestOptions", client.request, client, "GET", "/x", { __probe = 1 })
end)

-- The parameters a generated method takes, from the error it raises for an unknown one.
local function known_params(f, ...)
  local msg = T.raises(f, ...)
  local known = msg:match("unknown parameter '__probe' %(known: ([^)]*)%)")
  assert(known, "no list of known parameters in: " .. msg)
  local names = {}
  for name in known:gmatch("[^, ]+") do
    if name ~= "none" then
      names[name] = true
    end
  end
  return names
end

T.test("operation_parameters_match", function()
  local client = assert(opencode.connect(url))
  local checked = 0
  for name in pairs(declared.generated) do
    local class = "opencode." .. name:gsub("^%l", string.upper):gsub("_(%w)", string.upper) .. "Params"
    do
      -- Names that are not Lua names ("$schema") are not parsed above.
      local live = known_params(client[name], client, { __probe = 1 })
      for param in pairs(live) do
        if not param:match("^[%a_][%w_]*$") then
          live[param] = nil
        end
      end
      same_names(name .. " parameters", live, class_fields(class))
      checked = checked + 1
    end
  end
  T.truthy(checked >= 180, "generated methods checked (" .. checked .. ")")
end)

T.test("error_shape_and_kinds_match_the_reference", function()
  local error_fields = declared.classes["opencode.Error"]
  same_names("opencode.Error fields", { kind = true, status = true, message = true, reply = true }, error_fields)
  -- The reference's table of kinds: rows "| `kind` | when |" under its
  -- "Errors" heading (any level). Every kind it documents must be typed;
  -- types/opencode.lua may know kinds the reference does not describe yet.
  local in_errors, documented = false, 0
  for line in io.lines(reference_path) do
    if line:match("^#") then
      in_errors = line:match("^#+ Errors%s*$") ~= nil
    elseif in_errors then
      local kind = line:match("^| `([%w_]+)` |")
      if kind and not error_fields[kind] then
        documented = documented + 1
        T.truthy(declared.kinds[kind], "docs/lua-api.md's error kind '" .. kind .. "' in opencode.ErrorKind")
      end
    end
  end
  T.truthy(documented > 0, "docs/lua-api.md has a table of error kinds under its Errors heading")
end)

T.done("types_test")
