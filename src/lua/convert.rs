//! JSON <-> Lua values.
//!
//! JSON `null` never becomes a truthy Lua value where scripts write `if x then`:
//! object fields that are null are left out, and nulls inside arrays (where
//! leaving them out would shift every later element) become `opencode.null`.
//! Arrays carry a shared metatable so that an empty array survives a round trip
//! back to JSON as `[]` rather than `{}`.

use mlua::{Lua, Table, Value};
use serde_json::{Map, Number, Value as Json};

/// Registry key of the metatable marking tables that are JSON arrays.
pub(crate) const ARRAY_METATABLE: &str = "opencode.array";

/// Tables nested deeper than this are refused: they are almost certainly cyclic.
const MAX_DEPTH: usize = 128;

pub(crate) fn json_to_lua(lua: &Lua, json: &Json) -> mlua::Result<Value> {
    Ok(match json {
        Json::Null => Value::NULL,
        Json::Bool(b) => Value::Boolean(*b),
        Json::Number(n) => number_to_lua(n),
        Json::String(s) => Value::String(lua.create_string(s)?),
        Json::Array(items) => {
            let table = lua.create_table_with_capacity(items.len(), 0)?;
            for (i, item) in items.iter().enumerate() {
                table.raw_set(i + 1, json_to_lua(lua, item)?)?;
            }
            table.set_metatable(Some(array_metatable(lua)?))?;
            Value::Table(table)
        }
        Json::Object(fields) => Value::Table(object_to_lua(lua, fields)?),
    })
}

pub(crate) fn object_to_lua(lua: &Lua, fields: &Map<String, Json>) -> mlua::Result<Table> {
    let table = lua.create_table_with_capacity(0, fields.len())?;
    for (key, value) in fields {
        if !value.is_null() {
            table.raw_set(key.as_str(), json_to_lua(lua, value)?)?;
        }
    }
    Ok(table)
}

fn number_to_lua(n: &Number) -> Value {
    // Integers keep their exact value where the Lua has 64-bit integers;
    // Lua 5.1 and LuaJIT only have doubles.
    #[cfg(any(feature = "lua53", feature = "lua54", feature = "lua55"))]
    if let Some(i) = n.as_i64() {
        return Value::Integer(i);
    }
    #[cfg(not(any(feature = "lua53", feature = "lua54", feature = "lua55")))]
    if let Some(i) = n.as_i64().filter(|i| i.unsigned_abs() < (1 << 53)) {
        return Value::Integer(i as mlua::Integer);
    }
    Value::Number(n.as_f64().unwrap_or(f64::NAN))
}

pub(crate) fn array_metatable(lua: &Lua) -> mlua::Result<Table> {
    if let Ok(table) = lua.named_registry_value::<Table>(ARRAY_METATABLE) {
        return Ok(table);
    }
    let table = lua.create_table()?;
    table.raw_set("__name", ARRAY_METATABLE)?;
    lua.set_named_registry_value(ARRAY_METATABLE, &table)?;
    Ok(table)
}

/// Why a Lua value cannot be JSON, with the path to the offending field.
#[derive(Debug)]
pub(crate) struct NotJson(pub String);

pub(crate) fn lua_to_json(lua: &Lua, value: &Value) -> Result<Json, NotJson> {
    to_json(lua, value, 0, &mut String::new())
}

fn to_json(lua: &Lua, value: &Value, depth: usize, path: &mut String) -> Result<Json, NotJson> {
    let here = |what: &str| {
        if path.is_empty() {
            NotJson(what.to_owned())
        } else {
            NotJson(format!("{what} at {path}"))
        }
    };
    match value {
        Value::Nil => Ok(Json::Null),
        v if *v == Value::NULL => Ok(Json::Null),
        Value::Boolean(b) => Ok(Json::Bool(*b)),
        Value::Integer(i) => Ok(Json::from(*i)),
        Value::Number(n) => Number::from_f64(*n)
            .map(Json::Number)
            .ok_or_else(|| here("NaN or infinity cannot be sent as JSON")),
        Value::String(s) => match s.to_str() {
            Ok(text) => Ok(Json::String(text.to_owned())),
            Err(_) => Err(here("string is not valid UTF-8")),
        },
        Value::Table(table) => {
            if depth >= MAX_DEPTH {
                return Err(here("table nested too deeply (is it cyclic?)"));
            }
            table_to_json(lua, table, depth + 1, path)
        }
        other => Err(here(&format!("a {} cannot be sent as JSON", lua_type_name(other)))),
    }
}

fn table_to_json(lua: &Lua, table: &Table, depth: usize, path: &mut String) -> Result<Json, NotJson> {
    let marked_array = match (table.metatable(), array_metatable(lua)) {
        (Some(mt), Ok(array)) => mt == array,
        _ => false,
    };
    let len = table.raw_len();
    let mut count = 0usize;
    let mut all_sequence = true;
    for pair in table.pairs::<Value, Value>() {
        let (key, _) = pair.map_err(|e| NotJson(e.to_string()))?;
        count += 1;
        let in_sequence = match key {
            Value::Integer(i) => i >= 1 && (i as usize) <= len,
            Value::Number(n) => n.fract() == 0.0 && n >= 1.0 && (n as usize) <= len,
            _ => false,
        };
        all_sequence &= in_sequence;
    }
    if marked_array || (count > 0 && all_sequence && count == len) {
        let mut items = Vec::with_capacity(len);
        for i in 1..=len {
            let mark = path.len();
            path.push_str(&format!("[{i}]"));
            let item: Value = table.raw_get(i).map_err(|e| NotJson(e.to_string()))?;
            items.push(to_json(lua, &item, depth, path)?);
            path.truncate(mark);
        }
        return Ok(Json::Array(items));
    }
    let mut object = Map::new();
    for pair in table.pairs::<Value, Value>() {
        let (key, item) = pair.map_err(|e| NotJson(e.to_string()))?;
        let key = match &key {
            Value::String(s) => s
                .to_str()
                .map(|s| s.to_owned())
                .map_err(|_| NotJson("table key is not valid UTF-8".into()))?,
            Value::Integer(i) => i.to_string(),
            Value::Number(n) => n.to_string(),
            other => {
                return Err(NotJson(format!(
                    "a table with a {} key cannot be sent as JSON{}",
                    lua_type_name(other),
                    if path.is_empty() {
                        String::new()
                    } else {
                        format!(" at {path}")
                    }
                )))
            }
        };
        let mark = path.len();
        if path.is_empty() {
            path.push_str(&key);
        } else {
            path.push('.');
            path.push_str(&key);
        }
        object.insert(key, to_json(lua, &item, depth, path)?);
        path.truncate(mark);
    }
    Ok(Json::Object(object))
}

/// The type name stock Lua uses in its messages (`number`, not `integer`).
pub(crate) fn lua_type_name(value: &Value) -> &'static str {
    match value {
        Value::Nil => "nil",
        Value::Boolean(_) => "boolean",
        Value::LightUserData(_) | Value::UserData(_) => "userdata",
        Value::Integer(_) | Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Table(_) => "table",
        Value::Function(_) => "function",
        Value::Thread(_) => "thread",
        _ => "value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip(lua: &Lua, json: Json) -> Json {
        let value = json_to_lua(lua, &json).unwrap();
        lua_to_json(lua, &value).unwrap()
    }

    #[test]
    fn values_survive_a_round_trip() {
        let lua = Lua::new();
        let samples = [
            json!({"a": [1, 2, {"b": "ü"}], "c": true, "d": 1.5, "e": {}}),
            json!([]),
            json!([[], {}]),
            json!({"big": 9007199254740993i64}),
            json!([1, null, 3]),
        ];
        for sample in samples {
            assert_eq!(round_trip(&lua, sample.clone()), sample);
        }
    }

    #[test]
    fn null_object_fields_are_left_out() {
        let lua = Lua::new();
        let value = json_to_lua(&lua, &json!({"a": null, "b": 1})).unwrap();
        let table = value.as_table().unwrap();
        assert_eq!(table.get::<Value>("a").unwrap(), Value::Nil);
        assert_eq!(table.get::<i64>("b").unwrap(), 1);
    }

    #[test]
    fn cyclic_tables_are_refused() {
        let lua = Lua::new();
        let table: Table = lua.load("local t = {} t.self = t return t").eval().unwrap();
        let err = lua_to_json(&lua, &Value::Table(table)).unwrap_err();
        assert!(err.0.contains("cyclic"), "{}", err.0);
    }

    #[test]
    fn functions_are_refused_with_their_path() {
        let lua = Lua::new();
        let table: Table = lua.load("return { a = { b = print } }").eval().unwrap();
        let err = lua_to_json(&lua, &Value::Table(table)).unwrap_err();
        assert_eq!(err.0, "a function cannot be sent as JSON at a.b");
    }
}
