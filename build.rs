//! Link settings for opencode.so (the cdylib) only, and the module's Lua
//! source (methods.lua) without its comments.
//!
//! On Linux with glibc 2.36 or newer, the relative relocations are packed
//! (DT_RELR, `-z pack-relative-relocs`): the dynamic loader reads a short
//! bitmap instead of about 8,000 24-byte entries, which makes the library
//! about 180 KB smaller and `require("opencode")` cheaper. An older glibc
//! cannot load such a library, so the flag is only given when the glibc this
//! builds against has DT_RELR; a cross build, or another C library, leaves it
//! out.
//!
//! Release builds linked by rustc's own lld also fold identical functions
//! (`--icf=all`: many generic instances compile to the same code), about
//! 60 KB. Only functions are folded: lld keeps every named constant's address
//! distinct, and never folds a function that has unwinding tables of its own.
//! GNU ld has no such option, so it is given only where lld is known to link.
//!
//! The unwinder (libgcc's, which Rust's panics use) is linked in statically
//! where a native glibc build finds libgcc_eh.a: loading opencode.so then
//! loads no other library into the interpreter. Stock interpreters such as
//! lua5.4 do not load libgcc_s.so.1 themselves, and finding and mapping it
//! was about a third of what `require("opencode")` cost. rustc asks the
//! linker for `-lgcc_s`; a folder of our own, searched first, answers that
//! with a copy of libgcc_eh.a. libgcc keeps its unwinding context compatible
//! between the static and the shared copy, and both find every library's
//! unwinding tables through dl_iterate_phdr, so an error unwinding through
//! the module (LuaJIT's, which loads libgcc_s) still finds our frames.

use std::env;
use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    strip_lua_comments(&["methods.lua"]);
    if packed_relocations_supported() {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-z,pack-relative-relocs");
    }
    if env::var("PROFILE").as_deref() == Ok("release") && links_with_rust_lld() {
        println!("cargo:rustc-cdylib-link-arg=-Wl,--icf=all");
    }
    link_the_unwinder_statically();
}

/// See the module comment. Left to the defaults (libgcc_s.so.1) for a cross
/// build, another C library, or a compiler that has no libgcc_eh.a.
fn link_the_unwinder_statically() {
    let native_gnu = env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
        && env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu")
        && env::var("HOST").ok() == env::var("TARGET").ok();
    if !native_gnu {
        return;
    }
    let cc = env::var("CC")
        .ok()
        .filter(|cc| !cc.trim().is_empty())
        .unwrap_or_else(|| "cc".to_owned());
    let Ok(output) = Command::new(cc).arg("-print-file-name=libgcc_eh.a").output() else {
        return;
    };
    let found = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    // An unknown file name is printed back as it was given.
    if !output.status.success() || !Path::new(&found).is_absolute() || !Path::new(&found).is_file() {
        return;
    }
    println!("cargo:rerun-if-changed={found}");
    let folder = Path::new(&env::var("OUT_DIR").expect("OUT_DIR")).join("static-unwinder");
    std::fs::create_dir_all(&folder).expect("OUT_DIR is writable");
    std::fs::copy(&found, folder.join("libgcc_s.a")).expect("OUT_DIR is writable");
    println!("cargo:rustc-link-search=native={}", folder.display());
}

/// Writes src/lua/NAME to OUT_DIR/NAME with every line that is only a
/// comment left empty: the first connect compiles methods.lua, and the
/// lexer's time over its comments is about a tenth of that. Line numbers stay
/// as in the source. The files keep their comments on lines of their own and
/// have no long strings or long comments, which this would not understand.
fn strip_lua_comments(names: &[&str]) {
    let out_dir = env::var("OUT_DIR").expect("OUT_DIR");
    for name in names {
        let source_path = Path::new("src/lua").join(name);
        println!("cargo:rerun-if-changed={}", source_path.display());
        let source = std::fs::read_to_string(&source_path).expect("a Lua source of the module");
        assert!(
            !source.contains("[[") && !source.contains("[="),
            "{name}: long strings and long comments are not stripped safely"
        );
        let mut stripped = String::with_capacity(source.len());
        for line in source.lines() {
            if !line.trim_start().starts_with("--") {
                stripped.push_str(line);
            }
            stripped.push('\n');
        }
        std::fs::write(Path::new(&out_dir).join(name), stripped).expect("OUT_DIR is writable");
    }
}

/// Whether rustc links this build with the lld it ships: its default for
/// x86_64-unknown-linux-gnu since Rust 1.90, unless a linker is configured.
fn links_with_rust_lld() -> bool {
    if env::var("TARGET").as_deref() != Ok("x86_64-unknown-linux-gnu") || env::var_os("RUSTC_LINKER").is_some() {
        return false;
    }
    let rustflags = env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    if rustflags.contains("link") {
        return false; // -C linker, -C linker-flavor, -C link-self-contained, -C link-arg(s)
    }
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let Ok(output) = Command::new(rustc).arg("-vV").output() else {
        return false;
    };
    let info = String::from_utf8_lossy(&output.stdout);
    let Some(release) = info.lines().find_map(|line| line.strip_prefix("release: ")) else {
        return false;
    };
    let mut parts = release.split(['.', '-']).map(|n| n.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0)) >= (1, 90)
}

fn packed_relocations_supported() -> bool {
    let target_os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if target_os != "linux" || target_env != "gnu" {
        return false;
    }
    // The glibc that decides is the target's: this script runs on the build
    // machine, so it can only vouch for a native build.
    if env::var("HOST").ok() != env::var("TARGET").ok() {
        return false;
    }
    host_glibc_at_least(2, 36)
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn host_glibc_at_least(major: u32, minor: u32) -> bool {
    extern "C" {
        fn gnu_get_libc_version() -> *const std::ffi::c_char;
    }
    // SAFETY: gnu_get_libc_version returns a static NUL-terminated string.
    let version = unsafe { std::ffi::CStr::from_ptr(gnu_get_libc_version()) };
    let mut parts = version
        .to_str()
        .unwrap_or("")
        .split('.')
        .map(|n| n.parse::<u32>().unwrap_or(0));
    let found = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    found >= (major, minor)
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn host_glibc_at_least(_major: u32, _minor: u32) -> bool {
    false
}
