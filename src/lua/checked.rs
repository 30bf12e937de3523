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
//! methods.lua raises its own callers' mistakes and trims its results with
//! the C functions [`helpers`] gives it, so each message form is written once.
//!
//! `require` makes only the module table: the module's functions find their
//! raw functions, and methods.lua's, on their first call (see `set_up`).
//!
//! These call Lua unprotected (`lua_call`, `lua_error`): a raw function's own
//! error passes through unchanged, and PUC Lua longjmps over these frames, so
//! nothing in them has a destructor: plain ffi calls and integers only.

use std::ffi::c_int;

use mlua::{ffi, Function, IntoLuaMulti, Lua, Table, Value};

use super::SETTINGS_SOURCE;

/// Slots of the table a module's functions share as an upvalue: `setup`,
/// and what it gives back on the first call into the module (the raw
/// functions by name, and methods.lua's send, start_async and guarded). Kept
/// per module table, not in the registry, so that two module tables in one
/// Lua state never hand out each other's functions.
const SEND: ffi::lua_Integer = 1;
const START_ASYNC: ffi::lua_Integer = 2;
const GUARDED: ffi::lua_Integer = 3;
const SETUP: ffi::lua_Integer = 4;
const CORE: ffi::lua_Integer = 5;

/// `checked(name, raw, shift)`: the function the script calls for `raw`.
/// `shift` is how many leading arguments the caller did not write as numbered
/// ones (1 for `self`).
pub(super) fn checked(lua: &Lua, name: &str, raw: Function, shift: u8) -> mlua::Result<Function> {
    closure(lua, checked_call, 3, (name, raw, shift))
}

/// What methods.lua is given to raise and return as these functions do:
/// `checked(name, raw, shift)`; `argerror(name, shift, position, detail,
/// depth)`, which raises a caller's mistake at the line of the frame `depth`
/// levels up (1: the function that called it); and `exact(value, message, kind,
/// err)`, the values the script gets.
pub(super) fn helpers(lua: &Lua) -> mlua::Result<(Function, Function, Function)> {
    Ok((
        closure(lua, new_checked, 0, ())?,
        closure(lua, argerror_call, 0, ())?,
        closure(lua, exact_call, 0, ())?,
    ))
}

/// The module table, as `require` returns it: `_VERSION`, `null`, `connect`
/// and `serve` (their raw functions with the options' callbacks guarded by
/// methods.lua's `guarded`), every client method in function form (`names`:
/// checked with shift 0), `send` and `send_async` (methods.lua's `send(0,
/// ...)` and `start_async("send_async", 0, 2, ...)`), and an `__index` that
/// makes the settings store on first use and otherwise asks
/// `operation_function(module, key)`. Nothing else is made yet: `setup`
/// returns the raw functions by name and methods.lua's send, start_async and
/// guarded, and runs when the first of these functions is called. One
/// protected call: each of mlua's own calls would be another.
pub(super) fn module_table(lua: &Lua, setup: &Function, version: &str, names: &[&str]) -> mlua::Result<Table> {
    // SAFETY: exec_raw runs this in a C function of its own, protected, with
    // its three values as the arguments and LUA_MINSTACK (20) free slots; at
    // most nine are used, and the module table is left as the only value.
    unsafe {
        lua.exec_raw((setup, version, Value::NULL), |state| {
            let top = ffi::lua_gettop(state);
            ffi::lua_createtable(state, CORE as c_int, 0);
            ffi::lua_pushvalue(state, top - 2);
            ffi::lua_rawseti(state, -2, SETUP);
            ffi::lua_replace(state, top - 2);
            let shared = top - 2;
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
                ffi::lua_pushnil(state); // the raw function, until the first call
                ffi::lua_pushvalue(state, shared);
                ffi::lua_pushcclosure(state, opener_call, 3);
                ffi::lua_rawset(state, module);
            }
            for name in names {
                push_bytes(state, name.as_bytes());
                ffi::lua_pushvalue(state, -1);
                ffi::lua_pushnil(state); // the raw function, until the first call
                ffi::lua_pushinteger(state, 0);
                ffi::lua_pushvalue(state, shared);
                ffi::lua_pushcclosure(state, module_function_call, 4);
                ffi::lua_rawset(state, module);
            }
            push_bytes(state, b"send");
            ffi::lua_pushvalue(state, shared);
            ffi::lua_pushcclosure(state, send_call, 1);
            ffi::lua_rawset(state, module);
            push_bytes(state, b"send_async");
            ffi::lua_pushvalue(state, shared);
            ffi::lua_pushcclosure(state, send_async_call, 1);
            ffi::lua_rawset(state, module);

            ffi::lua_createtable(state, 0, 1);
            push_bytes(state, b"__index");
            ffi::lua_pushnil(state); // operation_function, until first asked
            ffi::lua_pushnil(state); // the settings store, until first used
            ffi::lua_pushvalue(state, shared);
            ffi::lua_pushcclosure(state, index_call, 3);
            ffi::lua_rawset(state, -3);
            ffi::lua_setmetatable(state, module);
            ffi::lua_replace(state, top - 2);
            ffi::lua_settop(state, top - 2);
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

/// A client method in function form. Upvalues: name, raw (nil until the
/// first call), shift, the shared table.
unsafe extern "C-unwind" fn module_function_call(state: *mut ffi::lua_State) -> c_int {
    resolve(state, ffi::lua_upvalueindex(2), None, ffi::lua_upvalueindex(4));
    checked_call(state)
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

/// Upvalues: name, raw (nil until the first call), the shared table.
unsafe extern "C-unwind" fn opener_call(state: *mut ffi::lua_State) -> c_int {
    resolve(state, ffi::lua_upvalueindex(2), None, ffi::lua_upvalueindex(3));
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

/// Upvalue: the shared table.
unsafe extern "C-unwind" fn send_call(state: *mut ffi::lua_State) -> c_int {
    let nargs = ffi::lua_gettop(state);
    push_methods_value(state, SEND, ffi::lua_upvalueindex(1));
    ffi::lua_insert(state, 1);
    ffi::lua_pushinteger(state, 0); // shift
    ffi::lua_insert(state, 2);
    ffi::lua_call(state, nargs + 1, 4);
    exact(state)
}

/// Upvalue: the shared table.
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

/// Upvalues: operation_function and the settings store (each nil until first
/// needed), the shared table.
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
    resolve(
        state,
        ffi::lua_upvalueindex(1),
        Some(b"operation_function"),
        ffi::lua_upvalueindex(3),
    );
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

/// Runs `setup` the first time anything needs what it makes.
unsafe fn set_up(state: *mut ffi::lua_State, shared: c_int) {
    if ffi::lua_rawgeti(state, shared, CORE) == ffi::LUA_TNIL {
        ffi::lua_rawgeti(state, shared, SETUP);
        ffi::lua_call(state, 0, 4);
        ffi::lua_rawseti(state, shared, GUARDED);
        ffi::lua_rawseti(state, shared, START_ASYNC);
        ffi::lua_rawseti(state, shared, SEND);
        ffi::lua_rawseti(state, shared, CORE);
    }
    ffi::lua_settop(state, -2);
}

/// Fills the upvalue `slot`, on first use, with the raw function `name`, or
/// the one upvalue 1 names.
unsafe fn resolve(state: *mut ffi::lua_State, slot: c_int, name: Option<&[u8]>, shared: c_int) {
    if ffi::lua_isnil(state, slot) == 0 {
        return;
    }
    set_up(state, shared);
    ffi::lua_rawgeti(state, shared, CORE);
    match name {
        Some(name) => push_bytes(state, name),
        None => ffi::lua_pushvalue(state, ffi::lua_upvalueindex(1)),
    }
    ffi::lua_rawget(state, -2);
    ffi::lua_replace(state, slot);
    ffi::lua_settop(state, -2);
}

/// Pushes methods.lua's function in `slot` of the shared table.
unsafe fn push_methods_value(state: *mut ffi::lua_State, slot: ffi::lua_Integer, shared: c_int) {
    set_up(state, shared);
    ffi::lua_rawgeti(state, shared, slot);
}

/// The stack is a raw function's four results. Raises the caller's mistake,
/// or leaves what the script gets and returns how many values that is.
unsafe fn finish(state: *mut ffi::lua_State, name: c_int, shift: ffi::lua_Integer) -> c_int {
    if ffi::lua_isnil(state, 2) != 0 && ffi::lua_isnil(state, 3) == 0 {
        let position = ffi::lua_tointeger(state, 3);
        raise_argerror(state, name, shift, position, 4, 1);
    }
    exact(state)
}

/// methods.lua's `argerror(name, shift, position, detail, depth)`.
unsafe extern "C-unwind" fn argerror_call(state: *mut ffi::lua_State) -> c_int {
    let shift = ffi::lua_tointeger(state, 2);
    let position = ffi::lua_tointeger(state, 3);
    let depth = ffi::lua_tointeger(state, 5);
    raise_argerror(state, 1, shift, position, 4, depth as c_int)
}

/// methods.lua's `exact(value, message, kind, err)`.
unsafe extern "C-unwind" fn exact_call(state: *mut ffi::lua_State) -> c_int {
    ffi::lua_settop(state, 4);
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

/// Raises the message a stock library's argument error has for argument
/// `position` (0: the detail is the whole message) of the function called
/// `name`, whose first `shift` arguments the caller did not write as numbered
/// ones (1 for `self`). It names the line of the frame `level` levels up (1:
/// the function that called this C function), as Lua's `error(message, level)`
/// counts from its caller.
unsafe fn raise_argerror(
    state: *mut ffi::lua_State,
    name: c_int,
    shift: ffi::lua_Integer,
    position: ffi::lua_Integer,
    detail: c_int,
    level: c_int,
) -> ! {
    if position == 0 {
        ffi::lua_pushvalue(state, detail);
    } else if position <= shift {
        push_bytes(state, b"calling '");
        ffi::lua_pushvalue(state, name);
        push_bytes(state, b"' on bad self (");
        ffi::lua_pushvalue(state, detail);
        push_bytes(state, b")");
        ffi::lua_concat(state, 5);
    } else {
        push_bytes(state, b"bad argument #");
        ffi::lua_pushinteger(state, position - shift);
        push_bytes(state, b" to '");
        ffi::lua_pushvalue(state, name);
        push_bytes(state, b"' (");
        ffi::lua_pushvalue(state, detail);
        push_bytes(state, b")");
        ffi::lua_concat(state, 7);
    }
    // As Lua's error(message, level) does: only a string gets a position.
    if ffi::lua_type(state, -1) == ffi::LUA_TSTRING {
        ffi::luaL_where(state, level);
        ffi::lua_insert(state, -2);
        ffi::lua_concat(state, 2);
    }
    ffi::lua_error(state)
}

unsafe fn push_bytes(state: *mut ffi::lua_State, bytes: &[u8]) {
    ffi::lua_pushlstring(state, bytes.as_ptr().cast(), bytes.len());
}
