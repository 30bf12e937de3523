//! Server-sent events framing (the WHATWG `text/event-stream` format), as a
//! push parser: feed it bytes as they arrive, split anywhere, and it hands
//! back each complete event.
//!
//! Lines end in CRLF, LF or CR; a CR at the end of one chunk may be the first
//! half of a CRLF split across two, which is why a trailing CR is remembered.
//!
//! An event still being received is held in memory, so a parser has a limit:
//! an event (its unfinished line and data) larger than that stops the parser
//! instead of growing without bound, and the stream's connection is given up.

use std::time::Duration;

/// One dispatched event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field, or "message" when the event named none.
    pub event: String,
    /// Every `data:` line of the event, joined with `\n`.
    pub data: String,
    /// The last `id:` seen on the stream so far, as the spec defines it.
    pub id: Option<String>,
}

/// A parser for one stream. Feed it with [`SseParser::push`].
#[derive(Debug)]
pub struct SseParser {
    /// The most bytes an event may hold while it is received.
    limit: usize,
    /// An event went over `limit`: nothing more is parsed on this connection.
    overflowed: bool,
    /// The unfinished line carried over from the previous chunk.
    line: Vec<u8>,
    /// The previous chunk ended in CR: a LF at the start of the next one belongs to it.
    after_cr: bool,
    /// The stream's first bytes, until the optional UTF-8 BOM has been ruled out.
    started: bool,
    event: Option<String>,
    data: Vec<u8>,
    has_data: bool,
    last_id: Option<String>,
    retry: Option<Duration>,
}

impl Default for SseParser {
    fn default() -> Self {
        Self::with_limit(usize::MAX)
    }
}

impl SseParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// A parser that gives up on an event larger than `limit` bytes.
    pub fn with_limit(limit: usize) -> Self {
        SseParser {
            limit,
            overflowed: false,
            line: Vec::new(),
            after_cr: false,
            started: false,
            event: None,
            data: Vec::new(),
            has_data: false,
            last_id: None,
            retry: None,
        }
    }

    /// Whether an event went over the limit. The parser then ignores the
    /// rest of the connection, until [`SseParser::reconnected`].
    pub fn overflowed(&self) -> bool {
        self.overflowed
    }

    /// Starts over on a new connection of the same stream: what the old one
    /// left unfinished is dropped; the last event id and the retry delay are
    /// the stream's and stay.
    pub fn reconnected(&mut self) {
        *self = SseParser {
            last_id: self.last_id.take(),
            retry: self.retry,
            ..Self::with_limit(self.limit)
        };
    }

    /// Parses `bytes` and returns the events they complete.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<SseEvent> {
        let mut events = Vec::new();
        if self.overflowed {
            return events;
        }
        let mut bytes = bytes;
        if !self.started {
            // A BOM may start the stream; it can arrive split, so wait for 3 bytes.
            self.line.extend_from_slice(bytes);
            if self.line.len() < 3 && b"\xEF\xBB\xBF".starts_with(&self.line) {
                return events;
            }
            self.started = true;
            let mut pending = std::mem::take(&mut self.line);
            if pending.starts_with(b"\xEF\xBB\xBF") {
                pending.drain(..3);
            }
            self.split_lines(&pending, &mut events);
            return events;
        }
        // (An empty chunk says nothing about what follows the CR.)
        if self.after_cr && !bytes.is_empty() {
            self.after_cr = false;
            if let Some(rest) = bytes.strip_prefix(b"\n") {
                bytes = rest;
            }
        }
        self.split_lines(bytes, &mut events);
        events
    }

    fn split_lines(&mut self, mut bytes: &[u8], events: &mut Vec<SseEvent>) {
        while let Some(end) = bytes.iter().position(|&b| b == b'\n' || b == b'\r') {
            if self.too_large(self.line.len() + end) {
                return;
            }
            if self.line.is_empty() {
                self.line_done(&bytes[..end], events);
            } else {
                self.line.extend_from_slice(&bytes[..end]);
                let line = std::mem::take(&mut self.line);
                self.line_done(&line, events);
            }
            let terminator = bytes[end];
            bytes = &bytes[end + 1..];
            if terminator == b'\r' {
                match bytes.first() {
                    Some(b'\n') => bytes = &bytes[1..],
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
        }
        if !self.too_large(self.line.len() + bytes.len()) {
            self.line.extend_from_slice(bytes);
        }
    }

    /// Whether an event holding `line` bytes of an unfinished line besides
    /// its data is over the limit; if so, the parser stops.
    fn too_large(&mut self, line: usize) -> bool {
        if self.overflowed || line.saturating_add(self.data.len()) > self.limit {
            self.overflowed = true;
            self.line = Vec::new();
            self.data = Vec::new();
        }
        self.overflowed
    }

    fn line_done(&mut self, line: &[u8], events: &mut Vec<SseEvent>) {
        if line.is_empty() {
            self.dispatch(events);
            return;
        }
        if line[0] == b':' {
            return; // a comment, often sent to keep the connection alive
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &[][..]),
        };
        match field {
            b"event" => self.event = Some(String::from_utf8_lossy(value).into_owned()),
            b"data" => {
                if self.has_data {
                    self.data.push(b'\n');
                }
                self.data.extend_from_slice(value);
                self.has_data = true;
            }
            b"id" if !value.contains(&0) => self.last_id = Some(String::from_utf8_lossy(value).into_owned()),
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                if let Ok(ms) = std::str::from_utf8(value).unwrap_or("").parse::<u64>() {
                    self.retry = Some(Duration::from_millis(ms));
                }
            }
            _ => {} // unknown fields are ignored, as the spec says
        }
    }

    fn dispatch(&mut self, events: &mut Vec<SseEvent>) {
        let event = self.event.take();
        if !self.has_data {
            return;
        }
        self.has_data = false;
        let data = String::from_utf8_lossy(&std::mem::take(&mut self.data)).into_owned();
        events.push(SseEvent {
            event: event.filter(|e| !e.is_empty()).unwrap_or_else(|| "message".to_owned()),
            data,
            id: self.last_id.clone(),
        });
    }

    /// The reconnection delay the server asked for with `retry:`.
    pub fn retry(&self) -> Option<Duration> {
        self.retry
    }

    /// The last event id seen, to send as `Last-Event-ID` when reconnecting.
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// However a valid stream is cut into chunks, the events are the same.
        #[test]
        fn any_split_gives_the_same_events(
            lines in proptest::collection::vec(
                prop_oneof![
                    "data:[ a-z0-9{}\":]{0,12}",
                    "event: [a-z.]{1,10}",
                    "id: [0-9]{1,3}",
                    ": comment",
                    "retry: [0-9]{1,4}",
                    Just(String::new()),
                ],
                0..30,
            ),
            endings in proptest::collection::vec(prop_oneof![Just("\n"), Just("\r\n"), Just("\r")], 30),
            cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..8),
        ) {
            let mut stream = Vec::new();
            for (line, ending) in lines.iter().zip(endings.iter().cycle()) {
                stream.extend_from_slice(line.as_bytes());
                stream.extend_from_slice(ending.as_bytes());
            }
            let whole = SseParser::new().push(&stream);
            let mut cut_at: Vec<usize> = cuts.iter().map(|i| i.index(stream.len() + 1)).collect();
            cut_at.sort_unstable();
            let mut parser = SseParser::new();
            let mut pieces = Vec::new();
            let mut start = 0;
            for cut in cut_at.into_iter().chain(std::iter::once(stream.len())) {
                pieces.extend(parser.push(&stream[start..cut]));
                start = cut;
            }
            prop_assert_eq!(&pieces, &whole);
            // Byte by byte too.
            let mut parser = SseParser::new();
            let bytewise: Vec<SseEvent> = stream.iter().flat_map(|b| parser.push(std::slice::from_ref(b))).collect();
            prop_assert_eq!(bytewise, whole);
        }

        /// Arbitrary bytes never make the parser panic.
        #[test]
        fn random_bytes_never_panic(chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 0..16)) {
            let mut parser = SseParser::new();
            for chunk in &chunks {
                let _ = parser.push(chunk);
            }
        }
    }

    fn parse_all(chunks: &[&[u8]]) -> Vec<SseEvent> {
        let mut parser = SseParser::new();
        chunks.iter().flat_map(|chunk| parser.push(chunk)).collect()
    }

    fn event(event: &str, data: &str, id: Option<&str>) -> SseEvent {
        SseEvent {
            event: event.into(),
            data: data.into(),
            id: id.map(Into::into),
        }
    }

    #[test]
    fn an_event_over_the_limit_stops_the_parser_until_reconnected() {
        let mut parser = SseParser::with_limit(16);
        assert_eq!(
            parser.push(b"id: 7\ndata: 0123456789\n\n"),
            vec![event("message", "0123456789", Some("7"))]
        );
        assert!(!parser.overflowed());
        // The event's data so far and its unfinished line count: 4 + 14 bytes.
        assert!(parser.push(b"data: 0123\n").is_empty());
        assert!(!parser.overflowed());
        assert!(parser.push(b"data: 01234567").is_empty());
        assert!(parser.overflowed());
        assert!(
            parser.push(b"\n\ndata: after\n\n").is_empty(),
            "parsed on after giving up"
        );
        // A line with no end, fed a byte at a time, stops it too.
        let mut endless = SseParser::with_limit(16);
        for _ in 0..100 {
            assert!(endless.push(b"a").is_empty());
        }
        assert!(endless.overflowed());
        // A new connection starts clean and keeps the stream's last id.
        parser.reconnected();
        assert!(!parser.overflowed());
        assert_eq!(parser.last_event_id(), Some("7"));
        assert_eq!(
            parser.push(b"data: next\n\n"),
            vec![event("message", "next", Some("7"))]
        );
    }

    #[test]
    fn a_new_connection_drops_what_the_old_one_left_unfinished() {
        let mut parser = SseParser::new();
        assert!(parser.push(b"event: half\ndata: {\"cut").is_empty());
        parser.reconnected();
        assert_eq!(parser.push(b"data: whole\n\n"), vec![event("message", "whole", None)]);
    }

    #[test]
    fn multi_line_data_is_joined_with_newlines() {
        let events = parse_all(&[b"data: a\ndata:b\ndata\n\n"]);
        assert_eq!(events, vec![event("message", "a\nb\n", None)]);
    }

    #[test]
    fn crlf_cr_and_lf_all_end_lines() {
        let events = parse_all(&[b"event: x\r\ndata: 1\r\rdata: 2\n\ndata: 3\r\n\r\n"]);
        assert_eq!(
            events,
            vec![
                event("x", "1", None),
                event("message", "2", None),
                event("message", "3", None)
            ]
        );
    }

    #[test]
    fn crlf_split_between_chunks_is_one_line_end() {
        let events = parse_all(&[b"data: a\r", b"\n", b"\r", b"\n"]);
        assert_eq!(events, vec![event("message", "a", None)]);
    }

    #[test]
    fn comments_and_unknown_fields_are_ignored() {
        let events = parse_all(&[b": keep-alive\nfoo: bar\ndata: x\n\n:\n\n"]);
        assert_eq!(events, vec![event("message", "x", None)]);
    }

    #[test]
    fn id_and_retry_are_remembered() {
        let mut parser = SseParser::new();
        let events = parser.push(b"id: 7\nretry: 1500\ndata: a\n\ndata: b\n\nid\nretry: x\ndata: c\n\n");
        assert_eq!(
            events,
            vec![
                event("message", "a", Some("7")),
                event("message", "b", Some("7")),
                event("message", "c", Some(""))
            ]
        );
        assert_eq!(parser.retry(), Some(Duration::from_millis(1500)));
    }

    #[test]
    fn event_without_data_is_not_dispatched_and_resets_the_type() {
        let events = parse_all(&[b"event: lonely\n\ndata: x\n\n"]);
        assert_eq!(events, vec![event("message", "x", None)]);
    }

    #[test]
    fn unfinished_event_at_end_is_held_back() {
        let events = parse_all(&[b"data: complete\n\ndata: partial"]);
        assert_eq!(events, vec![event("message", "complete", None)]);
    }

    #[test]
    fn leading_bom_is_dropped_even_when_split() {
        let events = parse_all(&[b"\xEF", b"\xBB", b"\xBFdata: x\n\n"]);
        assert_eq!(events, vec![event("message", "x", None)]);
        let events = parse_all(&[b"\xEF\xBB\xBFdata: y\n\n"]);
        assert_eq!(events, vec![event("message", "y", None)]);
    }

    #[test]
    fn single_space_after_colon_is_stripped_only_once() {
        let events = parse_all(&[b"data:  two spaces\n\n"]);
        assert_eq!(events, vec![event("message", " two spaces", None)]);
    }
}
