//! The timing proxy of the streaming benchmark against opencode: it sits between
//! opencode and the echo provider (see benches/opencode-via-proxy.sh) and notes when
//! each streamed token passed it.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

use crate::stats::now_ns;
use crate::tokens::tokens;
use crate::Res;

/// When each token (by its digits) first passed the proxy, in ns since the Unix epoch.
pub type Stamps = Arc<Mutex<HashMap<String, u128>>>;

/// Forwards 127.0.0.1:`port` to `upstream`, noting when each token of the
/// answers passed (the first time only).
pub fn start_proxy(port: u16, upstream: String, stamps: Stamps) -> Res<()> {
    let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| format!("proxy port {port}: {e}"))?;
    thread::spawn(move || {
        for down in listener.incoming().flatten() {
            let Ok(up) = TcpStream::connect(&upstream) else {
                continue;
            };
            let _ = (down.set_nodelay(true), up.set_nodelay(true));
            let (Ok(down2), Ok(up2)) = (down.try_clone(), up.try_clone()) else {
                continue;
            };
            let stamps = stamps.clone();
            thread::spawn(move || pipe(down2, up2, None));
            thread::spawn(move || pipe(up, down, Some(stamps)));
        }
    });
    Ok(())
}

fn pipe(mut from: TcpStream, mut to: TcpStream, stamps: Option<Stamps>) {
    let mut buf = vec![0; 64 * 1024];
    let mut tail = String::new();
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
        let at = now_ns();
        if let Some(stamps) = &stamps {
            tail.push_str(&String::from_utf8_lossy(&buf[..n]));
            let mut map = stamps.lock().unwrap();
            for (key, _) in tokens(&tail) {
                map.entry(key).or_insert(at);
            }
            // Keep the end, where a token may have been cut in two.
            let cut = tail.len().saturating_sub(32);
            let cut = (cut..tail.len())
                .find(|&i| tail.is_char_boundary(i))
                .unwrap_or(tail.len());
            tail.drain(..cut);
        }
    }
    let _ = to.shutdown(std::net::Shutdown::Write);
    let _ = from.shutdown(std::net::Shutdown::Read);
}
