//! `opencode-echo-provider [--port N] [--chunk-delay-ms N]`: the echo provider
//! (see `opencode_testing::echo_provider`) as a program, for tools/demo.sh,
//! tools/echo-server.sh and the benchmarks. It prints exactly one line,
//! `listening on http://127.0.0.1:PORT`, and serves until killed.

use std::io::Write;
use std::net::TcpListener;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use opencode_testing::echo_provider::{serve, Settings};

fn main() {
    let mut port: u16 = 0;
    let mut chunk_delay_ms: u64 = 0;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value =
            |name: &str| -> String { args.next().unwrap_or_else(|| usage(&format!("{name} needs a value"))) };
        match arg.as_str() {
            "--port" => port = parse_number(&value("--port"), "--port"),
            "--chunk-delay-ms" => chunk_delay_ms = parse_number(&value("--chunk-delay-ms"), "--chunk-delay-ms"),
            "-h" | "--help" => {
                println!("usage: opencode-echo-provider [--port N] [--chunk-delay-ms N]");
                return;
            }
            other => usage(&format!("unknown argument {other:?}")),
        }
    }

    let settings =
        Settings::new(Duration::from_millis(chunk_delay_ms)).unwrap_or_else(|e| fail(&format!("cannot open {e}")));
    let listener = TcpListener::bind(("127.0.0.1", port))
        .unwrap_or_else(|e| fail(&format!("cannot listen on 127.0.0.1:{port}: {e}")));
    let address = listener
        .local_addr()
        .unwrap_or_else(|e| fail(&format!("no local address: {e}")));
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "listening on http://127.0.0.1:{}", address.port());
    let _ = stdout.flush();
    serve(listener, Arc::new(settings), &AtomicBool::new(false));
}

fn parse_number<T: std::str::FromStr>(text: &str, name: &str) -> T {
    text.parse()
        .unwrap_or_else(|_| usage(&format!("{name} expects a number, got {text:?}")))
}

fn usage(message: &str) -> ! {
    eprintln!("opencode-echo-provider: {message}");
    eprintln!("usage: opencode-echo-provider [--port N] [--chunk-delay-ms N]");
    std::process::exit(2)
}

fn fail(message: &str) -> ! {
    eprintln!("opencode-echo-provider: {message}");
    std::process::exit(1)
}
