//! `size`: the size of opencode.so, its sections, and the crates its code comes from.

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::{json, Value};

use crate::opts::Opts;
use crate::Res;

/// Not opencode-testing's `run_bounded`: it keeps the last 4 MiB of the output, and
/// `nm` lists more than that for a build with more symbols, which would lose symbols
/// from the breakdown without a word.
fn tool_output(program: &str, args: &[&str]) -> Res<String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The crate a demangled symbol's code belongs to: the crate of the function,
/// or of the type for `<Type as Trait>::method` and for the drop glue
/// `core::ptr::drop_in_place<Type>`. Symbols that are not Rust are ring's C and
/// assembly (the only C code in opencode.so) but for two entry points.
fn crate_of(symbol: &str) -> String {
    let mut s = symbol.trim();
    loop {
        let before = s;
        if let Some(rest) = s.strip_prefix("core::ptr::drop_in_place<") {
            s = rest;
        }
        for prefix in ["<", "&mut ", "&", "dyn ", "mut ", "*const ", "*mut ", "(", "["] {
            if let Some(rest) = s.strip_prefix(prefix) {
                s = rest;
            }
        }
        if s == before {
            break;
        }
    }
    match s.find("::") {
        Some(i) if !s[..i].contains([' ', '<', '>', '(', ',']) => match &s[..i] {
            "core" | "alloc" | "std" | "std_detect" | "panic_unwind" | "unwind" | "gimli" | "addr2line"
            | "rustc_demangle" | "miniz_oxide" | "object" | "hashbrown" => "std (core, alloc, std)".to_owned(),
            "opencode" => "opencode (this crate)".to_owned(),
            "ring" => "ring (Rust)".to_owned(),
            name => name.to_owned(),
        },
        _ if s == "luaopen_opencode" => "opencode (this crate)".to_owned(),
        _ if s.starts_with("rust_") || s.starts_with("__rust") || s.starts_with("_ZN") || s.starts_with("_R") => {
            "std (core, alloc, std)".to_owned()
        }
        _ => "ring (C and assembly)".to_owned(),
    }
}

pub fn size(opts: &Opts) -> Res<Value> {
    let so = opts.req("so")?;
    let bytes = std::fs::metadata(so).map_err(|e| format!("{so}: {e}"))?.len();
    let mut sections = Vec::new();
    for line in tool_output("size", &["-A", "-d", so])?.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if let [name, size, _addr] = fields.as_slice() {
            if let (true, Ok(size)) = (name.starts_with('.'), size.parse::<u64>()) {
                sections.push((name.to_string(), size));
            }
        }
    }
    sections.sort_by_key(|(_, size)| std::cmp::Reverse(*size));
    let mut crates: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut symbols = Vec::new();
    let mut attributed = 0;
    if let Some(unstripped) = opts.get("unstripped") {
        for line in tool_output("nm", &["-S", "-C", "--defined-only", unstripped])?.lines() {
            // address size type name
            let mut parts = line.splitn(4, ' ');
            let (Some(_), Some(size), Some(kind), Some(name)) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let Ok(size) = u64::from_str_radix(size, 16) else {
                continue;
            };
            let entry = crates.entry(crate_of(name)).or_default();
            match kind {
                "t" | "T" | "W" | "w" | "i" => entry.0 += size,
                "r" | "R" | "d" | "D" | "v" | "V" => entry.1 += size,
                _ => continue,
            }
            attributed += size;
            symbols.push((size, name.to_owned()));
        }
    }
    symbols.sort_by_key(|(size, _)| std::cmp::Reverse(*size));
    let mut crate_rows: Vec<Value> = crates
        .into_iter()
        .map(|(name, (code, data))| json!({ "crate": name, "code": code, "data": data, "total": code + data }))
        .collect();
    crate_rows.sort_by_key(|row| std::cmp::Reverse(row["total"].as_u64().unwrap_or(0)));
    Ok(json!({
        "file": so,
        "bytes": bytes,
        "sections": sections.iter().map(|(n, s)| json!({ "section": n, "bytes": s })).collect::<Vec<_>>(),
        "symbol_bytes": attributed,
        "crates": crate_rows,
        "largest_symbols": symbols.iter().take(12).map(|(s, n)| json!({ "bytes": s, "symbol": n })).collect::<Vec<_>>(),
    }))
}
