//! The floor of the client comparisons: hand-written HTTP/1.1 over one kept-alive
//! TcpStream, with nothing between the benchmark and the socket.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;

use crate::Res;

/// The floor: hand-written HTTP/1.1 over one kept-alive TcpStream.
pub struct RawHttp {
    pub(crate) addr: String,
    pub(crate) prefix: String,
    conn: Option<(TcpStream, BufReader<TcpStream>)>,
}

impl RawHttp {
    pub fn new(url: &str) -> Res<RawHttp> {
        let parsed = reqwest::Url::parse(url).map_err(|e| format!("{url}: {e}"))?;
        let host = parsed.host_str().ok_or("url without host")?;
        let port = parsed.port_or_known_default().ok_or("url without port")?;
        Ok(RawHttp {
            addr: format!("{host}:{port}"),
            prefix: parsed.path().trim_end_matches('/').to_owned(),
            conn: None,
        })
    }

    pub fn request(&mut self, method: &str, path: &str, body: &str) -> io::Result<Vec<u8>> {
        if self.conn.is_none() {
            let stream = TcpStream::connect(&self.addr)?;
            stream.set_nodelay(true)?;
            self.conn = Some((stream.try_clone()?, BufReader::new(stream)));
        }
        let (stream, reader) = self.conn.as_mut().expect("connected");
        let mut request = format!("{method} {}{path} HTTP/1.1\r\nHost: {}\r\n", self.prefix, self.addr);
        if method != "GET" {
            request.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        request.push_str("\r\n");
        request.push_str(body);
        stream.write_all(request.as_bytes())?;

        let mut line = String::new();
        reader.read_line(&mut line)?;
        let ok = line.split_whitespace().nth(1).is_some_and(|s| s.starts_with('2'));
        let (mut length, mut chunked, mut close) = (None, false, false);
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                let value = value.trim();
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.parse::<usize>().ok(),
                    "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
                    "connection" => close = value.eq_ignore_ascii_case("close"),
                    _ => {}
                }
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                reader.read_line(&mut line)?;
                let size = usize::from_str_radix(line.trim(), 16).map_err(|_| io::ErrorKind::InvalidData)?;
                let mut chunk = vec![0; size + 2];
                reader.read_exact(&mut chunk)?;
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else if let Some(length) = length {
            body.resize(length, 0);
            reader.read_exact(&mut body)?;
        } else {
            reader.read_to_end(&mut body)?;
            close = true;
        }
        if close {
            self.conn = None;
        }
        if !ok {
            return Err(io::Error::other(format!(
                "HTTP error: {}",
                String::from_utf8_lossy(&body)
            )));
        }
        Ok(body)
    }
}

pub fn session_id(body: &[u8]) -> Res<String> {
    let text = std::str::from_utf8(body).map_err(|e| e.to_string())?;
    let start = text.find("\"id\":\"").ok_or("no session id")? + 6;
    let end = text[start..].find('"').ok_or("no session id")? + start;
    Ok(text[start..end].to_owned())
}
