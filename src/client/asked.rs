//! What happens when the AI stops to ask: a permission request
//! (`permission.asked`) or a question for the user (`question.asked`, from
//! opencode's `question` tool). The session waits until someone answers, so
//! every send decides up front who does, and never waits forever by default.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::events::Event;
use super::{Error, ErrorKind};

/// Who answers the requests a send runs into.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestPolicy {
    /// Refuse at once; the send then fails with [`ErrorKind::Permission`] or
    /// [`ErrorKind::Question`]. The default: a session must not wait for an
    /// answer nobody will give.
    #[default]
    Refuse,
    /// Leave them for someone else (a person at a TUI attached to the server):
    /// the send waits until they are answered there.
    Leave,
    /// Hand them to the owner of the [`SendHandle`](super::SendHandle) as
    /// [`SendUpdate::Permission`](super::SendUpdate::Permission) /
    /// [`SendUpdate::Question`](super::SendUpdate::Question), to be answered
    /// with its `answer_permission` / `answer_question`. A refusal there makes
    /// the send fail too.
    HandOver,
}

/// The two kinds of request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RequestKind {
    Permission,
    Question,
}

impl RequestKind {
    /// The kind of request an event announces, if it announces one.
    pub(crate) fn of(event: &Event) -> Option<RequestKind> {
        match event.kind.as_str() {
            "permission.asked" => Some(RequestKind::Permission),
            "question.asked" => Some(RequestKind::Question),
            _ => None,
        }
    }

    pub(crate) fn error_kind(self) -> ErrorKind {
        match self {
            RequestKind::Permission => ErrorKind::Permission,
            RequestKind::Question => ErrorKind::Question,
        }
    }
}

/// The request id (`per_...`, `que_...`) of a `*.asked` event.
pub(crate) fn request_id(event: &Event) -> Option<&str> {
    event.properties.get("id").and_then(Value::as_str)
}

/// The requests met while following a session, and who answers each kind:
/// what a send and a watched call have in common.
pub(crate) struct Asked {
    permissions: RequestPolicy,
    questions: RequestPolicy,
    /// Requests already met, by id (an event and a poll may bring the same
    /// one), with what they asked.
    seen: HashMap<String, Value>,
}

/// A request met for the first time, and what its kind's policy says to do.
pub(crate) struct NewRequest {
    pub(crate) kind: RequestKind,
    pub(crate) id: String,
    pub(crate) policy: RequestPolicy,
}

impl Asked {
    pub(crate) fn new(permissions: RequestPolicy, questions: RequestPolicy) -> Asked {
        Asked {
            permissions,
            questions,
            seen: HashMap::new(),
        }
    }

    /// The request `event` announces, unless it announces none or one
    /// already met.
    pub(crate) fn arrived(&mut self, event: &Event) -> Option<NewRequest> {
        let kind = RequestKind::of(event)?;
        let id = request_id(event)?;
        if self.seen.contains_key(id) {
            return None;
        }
        self.seen.insert(id.to_owned(), event.properties.clone());
        let policy = match kind {
            RequestKind::Permission => self.permissions,
            RequestKind::Question => self.questions,
        };
        Some(NewRequest {
            kind,
            id: id.to_owned(),
            policy,
        })
    }

    /// What the request `id` asked, as far as it is known, for the message
    /// of its refusal.
    pub(crate) fn request(&self, id: &str) -> Value {
        self.seen.get(id).cloned().unwrap_or_else(|| json!({ "id": id }))
    }
}

/// Why a send failed after one of its requests was refused. `by_handler`:
/// a handler answered "reject"; otherwise there was no handler at all.
pub(crate) fn refusal(kind: RequestKind, request: &Value, by_handler: bool) -> Error {
    let (what, handler) = match kind {
        RequestKind::Permission => {
            let permission = request.get("permission").and_then(Value::as_str).unwrap_or("a tool");
            let patterns = strings(request.get("patterns"));
            let what = if patterns.is_empty() {
                format!("the AI asked for permission to use {permission}")
            } else {
                format!("the AI asked for permission to use {permission} ({patterns})")
            };
            (what, "on_permission")
        }
        RequestKind::Question => {
            let questions = request
                .get("questions")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .filter_map(|q| q.get("question").and_then(Value::as_str))
                        .map(|q| format!("{q:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            (format!("the AI asked the user {questions}"), "on_question")
        }
    };
    let message = if by_handler {
        format!("{what} and {handler} refused")
    } else {
        format!(
            "{what} and was refused because nobody answers such requests: pass {handler} to answer them, \
             or {handler} = \"leave\" to leave them to someone else (a person at an attached TUI)"
        )
    };
    Error::new(kind.error_kind(), None, message)
}

fn strings(value: Option<&Value>) -> String {
    value
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn asked(kind: &str, id: &str) -> Event {
        let mut event = Event::synthetic(kind);
        event.properties = json!({ "id": id, "permission": "bash" });
        event
    }

    #[test]
    fn each_request_arrives_once_with_the_policy_of_its_kind() {
        let mut requests = Asked::new(RequestPolicy::Refuse, RequestPolicy::HandOver);
        let first = requests
            .arrived(&asked("permission.asked", "per_1"))
            .expect("a new request");
        assert_eq!(
            (first.kind, first.id.as_str(), first.policy),
            (RequestKind::Permission, "per_1", RequestPolicy::Refuse)
        );
        assert!(requests.arrived(&asked("permission.asked", "per_1")).is_none());
        let question = requests
            .arrived(&asked("question.asked", "que_1"))
            .expect("a new request");
        assert_eq!(
            (question.kind, question.policy),
            (RequestKind::Question, RequestPolicy::HandOver)
        );
        assert!(requests.arrived(&asked("session.idle", "ses_1")).is_none());
        assert_eq!(requests.request("per_1")["permission"], "bash");
        assert_eq!(requests.request("per_9"), json!({ "id": "per_9" }));
    }

    #[test]
    fn refusals_name_the_request_and_the_way_out() {
        let request = json!({"id": "per_1", "permission": "bash", "patterns": ["echo hi"]});
        let err = refusal(RequestKind::Permission, &request, false);
        assert_eq!(err.kind(), ErrorKind::Permission);
        assert!(err.message().contains("bash (echo hi)"), "{err}");
        assert!(err.message().contains("pass on_permission"), "{err}");
        let question = json!({"id": "que_1", "questions": [{"question": "Which color?"}]});
        let err = refusal(RequestKind::Question, &question, true);
        assert_eq!(err.kind(), ErrorKind::Question);
        assert_eq!(
            err.message(),
            "the AI asked the user \"Which color?\" and on_question refused"
        );
    }
}
