//! The one error type of the client: a small, stable set of kinds, the HTTP
//! status when there was one, and a message a person can act on.
//!
//! Messages name the server by its URL (never with credentials) and carry the
//! server's own words when it sent any.

use std::fmt;

use super::wire::Reply;

/// What went wrong, in terms a caller can branch on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The server could not be reached (refused, unresolvable, reset before a reply).
    Connect,
    /// Connecting or a call took longer than the configured bound.
    Timeout,
    /// The server rejected the credentials (401 or 403).
    Auth,
    /// The session (or other resource) does not exist (404).
    NotFound,
    /// Any other unsuccessful HTTP status.
    Http,
    /// The server answered with something that is not the expected JSON.
    Decode,
    /// The server's successful answer was larger than [`Config::max_response_bytes`](super::Config::max_response_bytes)
    /// allows; the status is the one it answered with.
    TooLarge,
    /// The AI provider failed; the server reported it in the reply's `info.error`.
    Provider,
    /// The generation was aborted before it finished.
    Aborted,
    /// The configuration cannot work (an unparsable URL, say); nothing was sent.
    Config,
    /// The AI asked for a permission and it was refused (by a handler, or because there was none).
    Permission,
    /// The AI asked the user a question (opencode's `question` tool) and it was refused.
    Question,
    /// The stream or handle was closed by its owner.
    Closed,
}

impl ErrorKind {
    /// The stable lower-case name used in Lua (`err.kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Connect => "connect",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Auth => "auth",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Http => "http",
            ErrorKind::Decode => "decode",
            ErrorKind::TooLarge => "too_large",
            ErrorKind::Provider => "provider",
            ErrorKind::Aborted => "aborted",
            ErrorKind::Config => "config",
            ErrorKind::Permission => "permission",
            ErrorKind::Question => "question",
            ErrorKind::Closed => "closed",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed call. `Display` is a single line.
#[derive(Clone, Debug)]
pub struct Error {
    kind: ErrorKind,
    status: Option<u16>,
    message: String,
    /// The reply the server sent along with a provider or abort failure.
    reply: Option<Box<Reply>>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, status: Option<u16>, message: impl Into<String>) -> Self {
        Error {
            kind,
            status,
            message: one_line(&message.into()),
            reply: None,
        }
    }

    pub(crate) fn with_reply(mut self, reply: Reply) -> Self {
        self.reply = Some(Box::new(reply));
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The HTTP status, when the server answered at all.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The human-readable description (same text as `Display`).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// For `Provider` and `Aborted`: the whole reply (`{info, parts}`) the server returned.
    pub fn reply(&self) -> Option<&Reply> {
        self.reply.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Errors are printed on one line, so collapse any whitespace runs (HTML bodies,
/// multi-line server messages) into single spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_is_a_single_line() {
        let err = Error::new(ErrorKind::Http, Some(502), "bad\n  gateway\r\n");
        assert_eq!(err.to_string(), "bad gateway");
        assert_eq!(err.kind().as_str(), "http");
        assert_eq!(err.status(), Some(502));
    }
}
