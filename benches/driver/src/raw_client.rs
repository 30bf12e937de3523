//! The floor of the client comparisons: hand-written HTTP/1.1 over one kept-alive
//! TcpStream, with nothing between the benchmark and the socket.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;

use crate::http1::{read_chunked, read_framing};
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
        let framing = read_framing(reader, &mut line)?;
        let mut close = framing.closes(false);
        let body = if framing.chunked {
            read_chunked(reader, usize::MAX)?
        } else if let Some(length) = framing.length {
            let mut body = vec![0; length];
            reader.read_exact(&mut body)?;
            body
        } else {
            let mut body = Vec::new();
            reader.read_to_end(&mut body)?;
            close = true;
            body
        };
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
