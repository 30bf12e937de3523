//! The module's functions as Lua sees them, written as C functions so that
//! `require` compiles no Lua: each one calls a raw function (see
//! [`super::returns`]) and raises a caller's mistake at the caller's line, as
//! a stock Lua library's `luaL_argerror` would.
//!
//! A raw function returns `value`; or `nil, message, kind, err` for an
//! expected failure, handed to the script as is; or `nil, nil, position,
//! detail` for a caller's mistake (position 0: `detail` is the whole
//! message). A C function is a stack level of its own, so `luaL_where(L, 1)`
//! here names the script's line, and a Lua function these call (methods.lua's
//! `send`) counts its levels up to the script as it would from a Lua wrapper.
//!
//! These call Lua unprotected (`lua_call`, `lua_error`): a raw function's own
//! error passes through unchanged, and PUC Lua longjmps over these frames, so
//! nothing in them has a destructor: plain ffi calls and integers only.

use std::ffi::{c_int, CStr};

use mlua::{ffi, Function, IntoLuaMulti, Lua, Table, Value};

use super::SETTINGS_SOURCE;

/// Registry keys of what methods.lua gives back, set when it first runs.
const SEND: &CStr = c"opencode.send";
const START_ASYNC: &CStr = c"opencode.start_async";
const GUARDED: &CStr = c"opencode.guarded";

/// `checked(name, raw, shift)`: the function the script calls for `raw`.
/// `shift` is how many leading arguments the caller did not write as numbered
/// ones (1 for `self`).
pub(super) fn checked(lua: &Lua, name: &str, raw: Function, shift: u8) -> mlua::Result<Function> {
    closure(lua, checked_call, 3, (name, raw, shift))
}

/// `checked` as methods.lua calls it, with the same arguments.
pub(super) fn checked_maker(lua: &Lua) -> mlua::Result<Function> {
    closure(lua, new_checked, 0, ())
}

/// The module table, as `require` returns it: `_VERSION`, `null`, `connect`
/// and `serve` (`raw` with its options' callbacks guarded by methods.lua's
/// `guarded`), every client method in function form (`names`: checked with
/// shift 0), `send` and `send_async` (methods.lua's `send(0, ...)` and
/// `start_async("send_async", 0, 2, ...)`), and an `__index` that makes the
/// settings store on first use and otherwise asks `operation_function(module,
/// key)`. `methods` runs methods.lua and gives back its send, start_async and
/// guarded. One protected call: each of mlua's own calls would be another.
pub(super) fn module_table(
    lua: &Lua,
    core: &Table,
    methods: &Function,
    version: &str,
    names: &[&str],
) -> mlua::Result<Table> {
    // SAFETY: exec_raw runs this in a C function of its own, protected, with
    // its four values as the arguments and LUA_MINSTACK (20) free slots; at
    // most seven are used, and the module table is left as the only value.
    unsafe {
        lua.exec_raw((core, methods, version, Value::NULL), |state| {
            let top = ffi::lua_gettop(state);
            let (core, methods) = (top - 3, top - 2);
            ffi::lua_createtable(state, 0, names.len() as c_int + 6);
            let module = top + 1;
            push_bytes(state, b"_VERSION");
            ffi::lua_pushvalue(state, top - 1);
            ffi::lua_rawset(state, module);
            push_bytes(state, b"null");
            ffi::lua_pushvalue(state, top);
            ffi::lua_rawset(state, module);
            for name in ["connect", "serve"] {
                push_bytes(state, name.as_bytes());
                ffi::lua_pushvalue(state, -1);
                ffi::lua_pushvalue(state, -1);
                ffi::lua_rawget(state, core);
                ffi::lua_pushvalue(state, methods);
                ffi::lua_pushcclosure(state, opener_call, 3);
                ffi::lua_rawset(state, module);
            }
            for name in names {
                push_bytes(state, name.as_bytes());
                ffi::lua_pushvalue(state, -1);
                ffi::lua_pushvalue(state, -1);
                ffi::lua_rawget(state, core);
                ffi::lua_pushinteger(state, 0);
                ffi::lua_pushcclosure(state, checked_call, 3);
                ffi::lua_rawset(state, module);
            }
            push_bytes(state, b"send");
            ffi::lua_pushvalue(state, methods);
            ffi::lua_pushcclosure(state, send_call, 1);
            ffi::lua_rawset(state, module);
            push_bytes(state, b"send_async");
            ffi::lua_pushvalue(state, methods);
            ffi::lua_pushcclosure(state, send_async_call, 1);
            ffi::lua_rawset(state, module);

            ffi::lua_createtable(state, 0, 1);
            push_bytes(state, b"__index");
            push_bytes(state, b"operation_function");
            ffi::lua_rawget(state, core);
            ffi::lua_pushnil(state); // the settings store, until first used
            ffi::lua_pushcclosure(state, index_call, 2);
            ffi::lua_rawset(state, -3);
            ffi::lua_setmetatable(state, module);
            ffi::lua_replace(state, top - 3);
            ffi::lua_settop(state, top - 3);
        })
    }
}

fn closure(lua: &Lua, f: ffi::lua_CFunction, upvalues: c_int, values: impl IntoLuaMulti) -> mlua::Result<Function> {
    // SAFETY: exec_raw pushes exactly `upvalues` values; the closure takes them.
    unsafe { lua.exec_raw(values, |state| ffi::lua_pushcclosure(state, f, upvalues)) }
}

unsafe extern "C-unwind" fn new_checked(state: *mut ffi::lua_State) -> c_int {
    ffi::lua_settop(state, 3);
    ffi::lua_pushcclosure(state, checked_call, 3);
    1
}

/// Upvalues: name, raw, shift.
unsafe extern "C-unwind" fn checked_call(state: *mut ffi::lua_State) -> c_int {
    let nargs = ffi::lua_gettop(state);
    ffi::lua_pushvalue(state, ffi::lua_upvalueindex(2));
    ffi::lua_insert(state, 1);
    ffi::lua_call(state, nargs, 4);
    let shift = ffi::lua_tointeger(state, ffi::lua_upvalueindex(3));
    finish(state, ffi::lua_upvalueindex(1), shift)
}

/// Upvalues: name, raw, methods.
unsafe extern "C-unwind" fn opener_call(state: *mut ffi::lua_State) -> c_int {
    let mut nargs = ffi::lua_gettop(state);
    if nargs == 0 {
        ffi::lua_pushnil(state); // the options, even when not given
        nargs = 1;
    }
    push_methods_value(state, GUARDED, ffi::lua_upvalueindex(3));
    ffi::lua_pushvalue(state, 1);
    ffi::lua_call(state, 1, 1);
    ffi::lua_replace(state, 1);
    ffi::lua_pushvalue(state, ffi::lua_upvalueindex(2));
    ffi::lua_insert(state, 1);
    ffi::lua_call(state, nargs, 4);
    finish(state, ffi::lua_upvalueindex(1), 0)
}

/// Upvalue: methods.
unsafe extern "C-unwind" fn send_call(state: *mut ffi::lua_State) -> c_int {
    let nargs = ffi::lua_gettop(state);
    push_methods_value(state, SEND, ffi::lua_upvalueindex(1));
    ffi::lua_insert(state, 1);
    ffi::lua_pushinteger(state, 0); // shift
    ffi::lua_insert(state, 2);
    ffi::lua_call(state, nargs + 1, 4);
    exact(state)
}

/// Upvalue: methods.
unsafe extern "C-unwind" fn send_async_call(state: *mut ffi::lua_State) -> c_int {
    let nargs = ffi::lua_gettop(state);
    push_methods_value(state, START_ASYNC, ffi::lua_upvalueindex(1));
    ffi::lua_insert(state, 1);
    push_bytes(state, b"send_async");
    ffi::lua_insert(state, 2);
    ffi::lua_pushinteger(state, 0); // shift
    ffi::lua_insert(state, 3);
    // The script's frame is two levels above start_async: this function's, then the script's.
    ffi::lua_pushinteger(state, 2);
    ffi::lua_insert(state, 4);
    ffi::lua_call(state, nargs + 3, 4);
    exact(state)
}

/// Upvalues: operation_function, the settings store (nil until first used).
unsafe extern "C-unwind" fn index_call(state: *mut ffi::lua_State) -> c_int {
    if is_settings(state, 2) {
        let store = ffi::lua_upvalueindex(2);
        if ffi::lua_isnil(state, store) != 0 {
            // Created on first use, so that require() reads no file.
            let source = SETTINGS_SOURCE.as_bytes();
            let loaded = ffi::luaL_loadbuffer(
                state,
                source.as_ptr().cast(),
                source.len(),
                c"=opencode.settings".as_ptr(),
            );
            if loaded != 0 {
                ffi::lua_error(state);
            }
            ffi::lua_call(state, 0, 1);
            ffi::lua_getfield(state, -1, c"new".as_ptr());
            push_bytes(state, b".settings");
            ffi::lua_call(state, 1, 1);
            ffi::lua_pushvalue(state, -1);
            ffi::lua_replace(state, store);
            return 1;
        }
        ffi::lua_pushvalue(state, store);
        return 1;
    }
    ffi::lua_pushvalue(state, ffi::lua_upvalueindex(1));
    ffi::lua_pushvalue(state, 1);
    ffi::lua_pushvalue(state, 2);
    ffi::lua_call(state, 2, 1);
    1
}

unsafe fn is_settings(state: *mut ffi::lua_State, index: c_int) -> bool {
    if ffi::lua_type(state, index) != ffi::LUA_TSTRING {
        return false; // lua_tolstring would turn a number key into a string
    }
    let mut len = 0;
    let text = ffi::lua_tolstring(state, index, &mut len);
    len == 8 && std::slice::from_raw_parts(text.cast::<u8>(), len) == b"settings"
}

/// Pushes methods.lua's `key`, running methods.lua (the function at
/// `methods`) the first time anything needs it.
unsafe fn push_methods_value(state: *mut ffi::lua_State, key: &CStr, methods: c_int) {
    if ffi::lua_getfield(state, ffi::LUA_REGISTRYINDEX, key.as_ptr()) != ffi::LUA_TNIL {
        return;
    }
    ffi::lua_settop(state, -2);
    ffi::lua_pushvalue(state, methods);
    ffi::lua_call(state, 0, 3);
    ffi::lua_setfield(state, ffi::LUA_REGISTRYINDEX, GUARDED.as_ptr());
    ffi::lua_setfield(state, ffi::LUA_REGISTRYINDEX, START_ASYNC.as_ptr());
    ffi::lua_setfield(state, ffi::LUA_REGISTRYINDEX, SEND.as_ptr());
    ffi::lua_getfield(state, ffi::LUA_REGISTRYINDEX, key.as_ptr());
}

/// The stack is a raw function's four results. Raises the caller's mistake,
/// or leaves what the script gets and returns how many values that is.
unsafe fn finish(state: *mut ffi::lua_State, name: c_int, shift: ffi::lua_Integer) -> c_int {
    if ffi::lua_isnil(state, 2) != 0 && ffi::lua_isnil(state, 3) == 0 {
        raise_argerror(state, name, shift);
    }
    exact(state)
}

/// Exactly the values the script gets from four results: `value`, or `nil,
/// message, kind, err`.
unsafe fn exact(state: *mut ffi::lua_State) -> c_int {
    if ffi::lua_isnil(state, 2) != 0 {
        ffi::lua_settop(state, 1);
        return 1;
    }
    ffi::lua_pushnil(state);
    ffi::lua_replace(state, 1);
    4
}

/// `nil, nil, position, detail` at 1..=4: raises the message a stock
/// library's argument error has, at the caller's line.
unsafe fn raise_argerror(state: *mut ffi::lua_State, name: c_int, shift: ffi::lua_Integer) -> ! {
    let position = ffi::lua_tointeger(state, 3);
    if position == 0 {
        ffi::lua_pushvalue(state, 4);
    } else if position <= shift {
        push_bytes(state, b"calling '");
        ffi::lua_pushvalue(state, name);
        push_bytes(state, b"' on bad self (");
        ffi::lua_pushvalue(state, 4);
        push_bytes(state, b")");
        ffi::lua_concat(state, 5);
    } else {
        push_bytes(state, b"bad argument #");
        ffi::lua_pushinteger(state, position - shift);
        push_bytes(state, b" to '");
        ffi::lua_pushvalue(state, name);
        push_bytes(state, b"' (");
        ffi::lua_pushvalue(state, 4);
        push_bytes(state, b")");
        ffi::lua_concat(state, 7);
    }
    // As Lua's error(message, level) does: only a string gets a position.
    if ffi::lua_type(state, -1) == ffi::LUA_TSTRING {
        ffi::luaL_where(state, 1);
        ffi::lua_insert(state, -2);
        ffi::lua_concat(state, 2);
    }
    ffi::lua_error(state)
}

unsafe fn push_bytes(state: *mut ffi::lua_State, bytes: &[u8]) {
    ffi::lua_pushlstring(state, bytes.as_ptr().cast(), bytes.len());
}
