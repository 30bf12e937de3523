//! A raw blocking HTTP/1.1 client, std only: one request per connection, for
//! the checks that must not go through the client under test (the harness's
//! own health checks, what a real server answers on the wire).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::Value;

/// Timeout for each read and write of one request.
pub const TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// The body as JSON; panics with the body when it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("HTTP {} body is not JSON ({e}): {:?}", self.status, self.body))
    }
}

/// One HTTP/1.1 request (`Connection: close`) to `base_url` + `path`, with a
/// JSON body when there is one; panics (failing the test) when it fails.
pub fn request(
    base_url: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
    basic_auth: Option<(&str, &str)>,
) -> Response {
    let authority = base_url
        .strip_prefix("http://")
        .unwrap_or(base_url)
        .trim_end_matches('/');
    let mut stream = TcpStream::connect(authority).unwrap_or_else(|e| panic!("cannot connect to {base_url}: {e}"));
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(TIMEOUT)).unwrap();
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nAccept: */*\r\n");
    if method != "GET" && method != "HEAD" {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    if let Some((user, password)) = basic_auth {
        head.push_str(&format!(
            "Authorization: Basic {}\r\n",
            STANDARD.encode(format!("{user}:{password}"))
        ));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();

    // opencode keeps the connection open despite `Connection: close`, so the body is
    // framed by Content-Length or chunked encoding, not by end of stream.
    let mut reader = BufReader::new(stream);
    let fail = |what: &str| -> ! { panic!("{method} {path}: {what}") };
    let mut line = String::new();
    reader
        .read_line(&mut line)
        .unwrap_or_else(|e| fail(&format!("reading the response failed: {e}")));
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| fail(&format!("bad status line {line:?}")));
    let mut headers = Vec::new();
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) => fail("connection closed inside the headers"),
            Ok(_) => {}
            Err(e) => fail(&format!("reading headers failed: {e}")),
        }
        let Some((name, value)) = line.trim_end().split_once(':') else {
            break;
        };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let header = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let mut body = Vec::new();
    let result = if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        read_chunks(&mut reader, &mut body)
    } else if let Some(length) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        body.resize(length, 0);
        reader.read_exact(&mut body)
    } else if status == 204 || status == 304 || method == "HEAD" {
        Ok(())
    } else {
        reader.read_to_end(&mut body).map(drop)
    };
    result.unwrap_or_else(|e| fail(&format!("reading the body failed: {e}")));
    Response {
        status,
        headers,
        body: String::from_utf8_lossy(&body).to_string(),
    }
}

fn read_chunks(reader: &mut impl BufRead, body: &mut Vec<u8>) -> std::io::Result<()> {
    let invalid = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
    let mut line = String::new();
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        let size_text = line.trim().split(';').next().unwrap_or_default();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| invalid("bad chunk size"))?;
        if size == 0 {
            // Trailers, then the blank line that ends the body.
            loop {
                line.clear();
                if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
                    return Ok(());
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        let mut crlf = [0; 2];
        reader.read_exact(&mut crlf)?;
    }
}
