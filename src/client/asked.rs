//! What happens when the AI stops to ask: a permission request
//! (`permission.asked`) or a question for the user (`question.asked`, from
//! opencode's `question` tool). The session waits until someone answers, so
//! every send decides up front who does, and never waits forever by default.

use serde_json::Value;

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
