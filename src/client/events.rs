//! opencode's event bus as a stream of [`Event`]s.
//!
//! The client's hub (see `hub.rs`) holds `GET /global/event` open, parses the
//! SSE frames and queues the events that pass each stream's filter. The
//! server sends `server.heartbeat` every 10 s; when nothing arrives for longer
//! than [`EventOptions::heartbeat_timeout`], or the connection drops, the hub
//! reconnects with backoff: a stream gets `stream.disconnected` when the first
//! attempt fails and `stream.reconnected` once back, because events published
//! while it was away are lost.

use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value};

use super::sse::SseParser;

/// One event of the bus, with the `/global/event` envelope taken off.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[non_exhaustive]
pub struct Event {
    /// `session.idle`, `message.part.delta`, `permission.asked`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// The event's data: `properties` on the bus, `data` in the v2 streams.
    pub properties: Value,
    /// The server's id of the event (`evt_...`), when it gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The project directory the event belongs to, when the server said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub directory: Option<String>,
}

/// The synthetic event queued after a reconnect.
pub const RECONNECTED: &str = "stream.reconnected";

/// The synthetic event queued when the connection was lost and the first
/// attempt to reconnect failed; its properties are `error` (the message) and
/// `kind` (the error's kind). Reconnecting goes on, with backoff.
pub const DISCONNECTED: &str = "stream.disconnected";

/// Events that only keep the connection alive; a stream passes them on only
/// when asked for by type.
const HOUSEKEEPING: &[&str] = &["server.heartbeat", "server.connected", "sync"];

impl Event {
    pub(crate) fn synthetic(kind: &str) -> Event {
        Event {
            kind: kind.to_owned(),
            properties: Value::Object(Map::new()),
            id: None,
            directory: None,
        }
    }

    /// The session an event is about, wherever this event type keeps it.
    pub fn session_id(&self) -> Option<&str> {
        let props = &self.properties;
        props
            .get("sessionID")
            .or_else(|| props.pointer("/info/sessionID"))
            .or_else(|| props.pointer("/part/sessionID"))
            .or_else(|| {
                if self.kind.starts_with("session.") {
                    props.pointer("/info/id")
                } else {
                    None
                }
            })
            .and_then(Value::as_str)
    }

    /// Reads the data of one SSE frame: a `/global/event` envelope
    /// `{directory, project, payload: {id, type, properties}}`, a bare event
    /// `{id, type, properties}`, or a v2 event `{id, type, data, ...}`.
    pub fn from_data(data: &str) -> Option<Event> {
        let json: Value = serde_json::from_str(data).ok()?;
        let (payload, directory) = match json.get("payload") {
            Some(payload) => (payload, json.get("directory").and_then(Value::as_str)),
            None => (&json, None),
        };
        Some(Event {
            kind: payload.get("type")?.as_str()?.to_owned(),
            properties: payload
                .get("properties")
                .or_else(|| payload.get("data"))
                .cloned()
                .unwrap_or_else(|| Value::Object(Map::new())),
            id: payload.get("id").and_then(Value::as_str).map(str::to_owned),
            directory: directory.map(str::to_owned),
        })
    }
}

/// Which events a stream hands over, and how it watches the connection.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct EventOptions {
    /// Only events about this session.
    pub session_id: Option<String>,
    /// Only events of these types.
    pub types: Option<Vec<String>>,
    /// Only events of this project directory.
    pub directory: Option<String>,
    /// Silence longer than this means the connection is dead.
    pub heartbeat_timeout: Duration,
}

impl Default for EventOptions {
    fn default() -> Self {
        EventOptions {
            session_id: None,
            types: None,
            directory: None,
            heartbeat_timeout: Duration::from_secs(30),
        }
    }
}

impl EventOptions {
    pub fn session(mut self, session_id: impl Into<String>) -> Self {
        self.session_id = Some(session_id.into());
        self
    }

    pub fn types<I: IntoIterator<Item = S>, S: Into<String>>(mut self, types: I) -> Self {
        self.types = Some(types.into_iter().map(Into::into).collect());
        self
    }

    pub fn heartbeat_timeout(mut self, timeout: Duration) -> Self {
        self.heartbeat_timeout = timeout;
        self
    }

    pub(crate) fn matches(&self, event: &Event) -> bool {
        if event.kind == RECONNECTED || event.kind == DISCONNECTED {
            return true;
        }
        match &self.types {
            Some(types) => {
                if !types.contains(&event.kind) {
                    return false;
                }
            }
            None => {
                if HOUSEKEEPING.contains(&event.kind.as_str()) {
                    return false;
                }
            }
        }
        if let Some(session) = &self.session_id {
            if event.session_id() != Some(session.as_str()) {
                return false;
            }
        }
        if let Some(directory) = &self.directory {
            if event.directory.as_deref() != Some(directory.as_str()) {
                return false;
            }
        }
        true
    }
}

/// Frames bytes into events, whatever the chunking.
#[derive(Default)]
pub(crate) struct EventDecoder {
    parser: SseParser,
}

impl EventDecoder {
    /// A decoder that gives up on an event larger than `limit` bytes.
    pub(crate) fn with_limit(limit: usize) -> Self {
        EventDecoder {
            parser: SseParser::with_limit(limit),
        }
    }

    /// An event went over the limit: the connection is of no more use.
    pub(crate) fn overflowed(&self) -> bool {
        self.parser.overflowed()
    }

    /// Starts over on a new connection, keeping the stream's last event id.
    pub(crate) fn reconnected(&mut self) {
        self.parser.reconnected();
    }

    pub(crate) fn push(&mut self, bytes: &[u8]) -> impl Iterator<Item = Event> {
        self.parser
            .push(bytes)
            .into_iter()
            .filter_map(|frame| Event::from_data(&frame.data))
    }

    pub(crate) fn last_event_id(&self) -> Option<&str> {
        self.parser.last_event_id()
    }

    pub(crate) fn retry(&self) -> Option<Duration> {
        self.parser.retry()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn global_envelope_is_unwrapped_keeping_the_directory() {
        let data = r#"{"directory":"/p","project":"x","payload":{"id":"evt_1","type":"session.idle","properties":{"sessionID":"ses_1"}}}"#;
        let event = Event::from_data(data).unwrap();
        assert_eq!(event.kind, "session.idle");
        assert_eq!(event.directory.as_deref(), Some("/p"));
        assert_eq!(event.session_id(), Some("ses_1"));
    }

    #[test]
    fn v2_events_keep_their_data_and_id() {
        let data = r#"{"id":"evt_1","type":"session.next.prompted","durable":{"seq":16},"data":{"sessionID":"ses_1"}}"#;
        let event = Event::from_data(data).unwrap();
        assert_eq!(event.kind, "session.next.prompted");
        assert_eq!(event.id.as_deref(), Some("evt_1"));
        assert_eq!(event.session_id(), Some("ses_1"));
    }

    #[test]
    fn bare_events_and_garbage() {
        let event = Event::from_data(r#"{"type":"server.connected","properties":{}}"#).unwrap();
        assert_eq!(event.kind, "server.connected");
        assert!(Event::from_data("not json").is_none());
        assert!(Event::from_data(r#"{"payload":{"properties":{}}}"#).is_none());
    }

    #[test]
    fn session_id_is_found_where_each_event_keeps_it() {
        let part = Event {
            kind: "message.part.updated".into(),
            properties: json!({"part": {"sessionID": "ses_a"}}),
            id: None,
            directory: None,
        };
        assert_eq!(part.session_id(), Some("ses_a"));
        let message = Event {
            kind: "message.updated".into(),
            properties: json!({"info": {"sessionID": "ses_b", "id": "msg_1"}}),
            id: None,
            directory: None,
        };
        assert_eq!(message.session_id(), Some("ses_b"));
        let session = Event {
            kind: "session.updated".into(),
            properties: json!({"info": {"id": "ses_c"}}),
            id: None,
            directory: None,
        };
        assert_eq!(session.session_id(), Some("ses_c"));
    }

    #[test]
    fn filters_by_session_type_and_directory() {
        let idle = Event {
            kind: "session.idle".into(),
            properties: json!({"sessionID": "ses_1"}),
            id: None,
            directory: Some("/p".into()),
        };
        assert!(EventOptions::default().matches(&idle));
        assert!(EventOptions::default().session("ses_1").matches(&idle));
        assert!(!EventOptions::default().session("ses_2").matches(&idle));
        assert!(EventOptions::default().types(["session.idle"]).matches(&idle));
        assert!(!EventOptions::default().types(["session.error"]).matches(&idle));
        let in_dir = EventOptions {
            directory: Some("/q".into()),
            ..EventOptions::default()
        };
        assert!(!in_dir.matches(&idle));
        let heartbeat = Event::synthetic("server.heartbeat");
        assert!(!EventOptions::default().matches(&heartbeat));
        assert!(EventOptions::default().types(["server.heartbeat"]).matches(&heartbeat));
        assert!(EventOptions::default()
            .session("ses_9")
            .matches(&Event::synthetic(RECONNECTED)));
    }

    #[test]
    fn decoder_handles_frames_split_anywhere() {
        let frame = b"data: {\"payload\":{\"type\":\"a\",\"properties\":{}}}\n\n: ping\n\ndata: {\"type\":\"b\"}\n\n";
        for cut in 0..frame.len() {
            let mut decoder = EventDecoder::default();
            let mut kinds: Vec<String> = decoder.push(&frame[..cut]).map(|e| e.kind).collect();
            kinds.extend(decoder.push(&frame[cut..]).map(|e| e.kind));
            assert_eq!(kinds, ["a", "b"], "cut at {cut}");
        }
    }
}
