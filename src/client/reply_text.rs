//! Follows the text of an assistant reply as it is written, from the events
//! of its session: `message.part.delta` carries the new characters,
//! `message.part.updated` the whole part. Text that reaches us only through
//! an update (a provider that does not stream) is handed out as the part's
//! new suffix, so the deltas always add up to the text of the parts.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::events::Event;

/// New text of one part.
#[derive(Clone, Debug, PartialEq)]
pub struct TextDelta {
    pub delta: String,
    /// The part as last described by the server (`id`, `messageID`, `type`, ...).
    pub part: Value,
}

#[derive(Default)]
pub(crate) struct ReplyText {
    /// Messages written by the user (the prompt), whose parts are not reply text.
    user_messages: HashSet<String>,
    /// Text parts seen so far: part id to (the part, the text handed out).
    parts: HashMap<String, (Value, String)>,
    /// Parts whose type is not known yet: deltas wait here for their part.
    pending: HashMap<String, String>,
    /// Parts known not to be text (reasoning, tools, ...).
    other_parts: HashSet<String>,
}

impl ReplyText {
    pub(crate) fn on_event(&mut self, event: &Event) -> Vec<TextDelta> {
        let props = &event.properties;
        match event.kind.as_str() {
            "message.updated" => {
                if props.pointer("/info/role").and_then(Value::as_str) == Some("user") {
                    if let Some(id) = props.pointer("/info/id").and_then(Value::as_str) {
                        self.user_messages.insert(id.to_owned());
                    }
                }
                Vec::new()
            }
            "message.part.updated" => self.on_part(props.get("part").unwrap_or(&Value::Null)),
            "message.part.delta" => self.on_delta(props),
            _ => Vec::new(),
        }
    }

    fn on_part(&mut self, part: &Value) -> Vec<TextDelta> {
        let (Some(id), Some(message)) = (
            part.get("id").and_then(Value::as_str),
            part.get("messageID").and_then(Value::as_str),
        ) else {
            return Vec::new();
        };
        if self.user_messages.contains(message) || part.get("type").and_then(Value::as_str) != Some("text") {
            self.pending.remove(id);
            self.other_parts.insert(id.to_owned());
            return Vec::new();
        }
        let mut out = Vec::new();
        let entry = self
            .parts
            .entry(id.to_owned())
            .or_insert_with(|| (part.clone(), String::new()));
        entry.0 = part.clone();
        if let Some(pending) = self.pending.remove(id) {
            entry.1.push_str(&pending);
            out.push(TextDelta {
                delta: pending,
                part: part.clone(),
            });
        }
        let full = part.get("text").and_then(Value::as_str).unwrap_or("");
        if full.len() > entry.1.len() && full.starts_with(entry.1.as_str()) {
            let delta = full[entry.1.len()..].to_owned();
            entry.1 = full.to_owned();
            out.push(TextDelta {
                delta,
                part: part.clone(),
            });
        }
        out
    }

    fn on_delta(&mut self, props: &Value) -> Vec<TextDelta> {
        let field = props.get("field").and_then(Value::as_str);
        let (Some(id), Some(delta)) = (
            props.get("partID").and_then(Value::as_str),
            props.get("delta").and_then(Value::as_str),
        ) else {
            return Vec::new();
        };
        let message = props.get("messageID").and_then(Value::as_str).unwrap_or("");
        if field != Some("text")
            || delta.is_empty()
            || self.user_messages.contains(message)
            || self.other_parts.contains(id)
        {
            return Vec::new();
        }
        match self.parts.get_mut(id) {
            Some((part, text)) => {
                text.push_str(delta);
                vec![TextDelta {
                    delta: delta.to_owned(),
                    part: part.clone(),
                }]
            }
            None => {
                self.pending.entry(id.to_owned()).or_default().push_str(delta);
                Vec::new()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(kind: &str, properties: Value) -> Event {
        Event {
            kind: kind.into(),
            properties,
            id: None,
            directory: None,
        }
    }

    fn part(id: &str, message: &str, kind: &str, text: &str) -> Event {
        event(
            "message.part.updated",
            json!({"part": {"id": id, "messageID": message, "sessionID": "s", "type": kind, "text": text}}),
        )
    }

    fn delta(id: &str, message: &str, text: &str) -> Event {
        event(
            "message.part.delta",
            json!({"sessionID": "s", "messageID": message, "partID": id, "field": "text", "delta": text}),
        )
    }

    fn run(events: &[Event]) -> String {
        let mut tracker = ReplyText::default();
        events
            .iter()
            .flat_map(|e| tracker.on_event(e))
            .map(|d| d.delta)
            .collect()
    }

    #[test]
    fn deltas_of_text_parts_are_handed_out() {
        let text = run(&[
            event("message.updated", json!({"info": {"id": "m_user", "role": "user"}})),
            part("p_user", "m_user", "text", "hello world"),
            part("p1", "m1", "text", ""),
            delta("p1", "m1", "echo: "),
            delta("p1", "m1", "hello "),
            delta("p1", "m1", "world"),
            part("p1", "m1", "text", "echo: hello world"),
        ]);
        assert_eq!(text, "echo: hello world");
    }

    #[test]
    fn reasoning_and_tool_parts_are_not_reply_text() {
        let text = run(&[
            part("r1", "m1", "reasoning", ""),
            delta("r1", "m1", "thinking..."),
            part("t1", "m1", "tool", ""),
            part("p1", "m1", "text", "done"),
        ]);
        assert_eq!(text, "done");
    }

    #[test]
    fn deltas_before_their_part_wait_for_it() {
        let text = run(&[
            delta("p1", "m1", "ab"),
            delta("p1", "m1", "c"),
            part("p1", "m1", "text", "abcd"),
        ]);
        assert_eq!(text, "abcd");
    }

    #[test]
    fn updates_without_deltas_give_the_new_suffix() {
        let text = run(&[
            part("p1", "m1", "text", "one"),
            part("p1", "m1", "text", "one two"),
            part("p2", "m2", "text", "!"),
        ]);
        assert_eq!(text, "one two!");
    }
}
