//! The one shape every request of the client takes ([`HttpRequest`], made
//! from an operation and its parameters or from [`RequestOptions`]), and the
//! unread answer it gets ([`Answer`]).

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::{invalid, operation, Error, Origin};

/// What [`Client::request`](super::Client::request) sends besides its method and path.
///
/// ```
/// use std::time::Duration;
/// use opencode::client::RequestOptions;
/// use serde_json::json;
///
/// let options = RequestOptions::new()
///     .path("sessionID", "ses_123")
///     .query("limit", "10")
///     .body(json!({ "title": "renamed" }))
///     .timeout(Duration::from_secs(5));
/// assert_eq!(options.query, [("limit".to_owned(), "10".to_owned())]);
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct RequestOptions {
    /// Values of the path's `{name}` segments (escaped when filled in).
    pub path: Vec<(String, String)>,
    /// Query parameters, in order; a name may repeat.
    pub query: Vec<(String, String)>,
    /// Sent as JSON.
    pub body: Option<Value>,
    /// Bounds the whole exchange; default [`Config::timeout`](super::Config::timeout).
    pub timeout: Option<Duration>,
}

impl RequestOptions {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn path(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.path.push((name.into(), value.into()));
        self
    }

    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    pub fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

/// A request ready to go: the one shape every call of the client takes.
#[derive(Clone, Debug)]
pub(crate) struct HttpRequest {
    pub method: Method,
    /// Relative to the base URL, values escaped.
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
    /// `None`: no bound (a send without `send_timeout`).
    pub timeout: Option<Duration>,
    /// One more try after a broken connection: only for reads.
    pub retry: bool,
}

/// A successful answer, unread.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: StatusCode,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

impl Answer {
    /// Whether the server says the body is JSON.
    pub(crate) fn is_json(&self) -> bool {
        self.content_type
            .as_deref()
            .is_some_and(|t| t.split(';').next().unwrap_or("").trim().ends_with("json"))
    }

    /// The body read by its content type: JSON decoded, nothing as null, other as text.
    pub(crate) fn value(self, origin: &Origin, request: &HttpRequest) -> Result<Value, Error> {
        if self.bytes.is_empty() {
            Ok(Value::Null)
        } else if self.is_json() {
            origin.decode(&request.path, self.status, &self.bytes)
        } else {
            Ok(Value::String(String::from_utf8_lossy(&self.bytes).into_owned()))
        }
    }
}

/// An HTTP method by name, in any case: `get`, `POST`.
pub(crate) fn parse_method(method: &str) -> Result<Method, Error> {
    Method::from_bytes(method.to_ascii_uppercase().as_bytes())
        .ok()
        .filter(|m| !method.is_empty() && m.as_str().bytes().all(|b| b.is_ascii_alphabetic()))
        .ok_or_else(|| invalid(format!("{:?} is not an HTTP method", operation::shorten(method))))
}
