//! The HTTP/1.1 framing both benchmark floors read, the raw client
//! ([`crate::raw_client`]) and the minimal server (`bench_server`): a message
//! head's framing headers and a chunked body. Only what those two need: no
//! header is kept but the three that frame a message.

use std::io::{self, BufRead};

/// The headers that say where a message ends and whether its connection stays open.
pub struct Framing {
    /// `Content-Length`, when it was given and is a number.
    pub length: Option<usize>,
    /// `Transfer-Encoding: chunked`.
    pub chunked: bool,
    /// The `Connection` header, lowercased.
    connection: Option<String>,
}

impl Framing {
    /// Whether the connection closes after this message. `by_default`: the
    /// protocol's answer without a `Connection` header (true for HTTP/1.0).
    pub fn closes(&self, by_default: bool) -> bool {
        match &self.connection {
            Some(value) => value.contains("close") || (by_default && !value.contains("keep-alive")),
            None => by_default,
        }
    }
}

/// Reads header lines up to the blank line that ends a head (the start line
/// already read), using `line` as the buffer.
pub fn read_framing(reader: &mut impl BufRead, line: &mut String) -> io::Result<Framing> {
    let mut framing = Framing {
        length: None,
        chunked: false,
        connection: None,
    };
    loop {
        line.clear();
        if reader.read_line(line)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let header = line.trim_end();
        if header.is_empty() {
            return Ok(framing);
        }
        if let Some((name, value)) = header.split_once(':') {
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                framing.length = value.parse().ok();
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                framing.chunked = value.to_ascii_lowercase().contains("chunked");
            } else if name.eq_ignore_ascii_case("connection") {
                framing.connection = Some(value.to_ascii_lowercase());
            }
        }
    }
}

/// Reads a chunked body up to its last chunk and trailers; a body longer than
/// `max` bytes is an error.
pub fn read_chunked(reader: &mut impl BufRead, max: usize) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
            .map_err(|_| io::Error::from(io::ErrorKind::InvalidData))?;
        if size == 0 {
            // Trailers, up to the blank line.
            loop {
                line.clear();
                if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        if body.len() + size > max {
            return Err(io::ErrorKind::InvalidData.into());
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        let mut crlf = [0; 2];
        reader.read_exact(&mut crlf)?;
    }
}
