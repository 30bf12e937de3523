//! The JSON shapes opencode's HTTP API speaks, and the pure functions that read
//! them: no sockets here, so every rule can be tested byte by byte.
//!
//! Every struct keeps the fields it does not name in `extra`, so a newer server
//! that adds fields never breaks an older client, and callers still see them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::asked::RequestPolicy;
use super::error::{Error, ErrorKind};

/// `GET /global/health`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Health {
    #[serde(default)]
    pub healthy: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A session as the server describes it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Session {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(rename = "parentID", default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The body of `POST /session`.
#[derive(Clone, Debug, Default, Serialize)]
#[non_exhaustive]
pub struct NewSession {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(rename = "parentID", skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    /// Permission rules (`PermissionRuleset` in the server's spec), passed through as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission: Option<Value>,
}

impl NewSession {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    pub fn parent_id(mut self, parent_id: impl Into<String>) -> Self {
        self.parent_id = Some(parent_id.into());
        self
    }

    pub fn permission(mut self, rules: Value) -> Self {
        self.permission = Some(rules);
        self
    }
}

/// Which model answers: `provider/model` on the command line, two ids on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ModelRef {
    #[serde(rename = "providerID")]
    pub provider_id: String,
    #[serde(rename = "modelID")]
    pub model_id: String,
}

impl ModelRef {
    pub fn new(provider_id: impl Into<String>, model_id: impl Into<String>) -> Self {
        ModelRef {
            provider_id: provider_id.into(),
            model_id: model_id.into(),
        }
    }

    /// Parses `provider/model`. Only the first `/` separates: model ids such as
    /// `openrouter/anthropic/claude-sonnet` keep their own slashes.
    pub fn parse(text: &str) -> Option<Self> {
        let (provider, model) = text.split_once('/')?;
        if provider.is_empty() || model.is_empty() {
            return None;
        }
        Some(ModelRef::new(provider, model))
    }
}

/// What to say: plain text, or message parts as the server's spec defines them
/// (`{type = "text", text = ...}`, `{type = "file", ...}`, ...).
#[derive(Clone, Debug)]
pub enum Prompt {
    Text(String),
    Parts(Vec<Value>),
}

impl From<&str> for Prompt {
    fn from(text: &str) -> Self {
        Prompt::Text(text.to_owned())
    }
}

impl From<String> for Prompt {
    fn from(text: String) -> Self {
        Prompt::Text(text)
    }
}

impl From<&String> for Prompt {
    fn from(text: &String) -> Self {
        Prompt::Text(text.clone())
    }
}

impl From<Vec<Value>> for Prompt {
    fn from(parts: Vec<Value>) -> Self {
        Prompt::Parts(parts)
    }
}

impl Prompt {
    fn into_parts(self) -> Vec<Value> {
        match self {
            Prompt::Text(text) => vec![serde_json::json!({ "type": "text", "text": text })],
            Prompt::Parts(parts) => parts,
        }
    }
}

/// Optional settings of one message.
///
/// ```
/// use opencode::client::{ModelRef, SendOptions};
///
/// let options = SendOptions::new()
///     .model(ModelRef::new("anthropic", "claude-sonnet-4-5"))
///     .agent("plan")
///     .tool("bash", false);
/// assert_eq!(options.agent.as_deref(), Some("plan"));
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct SendOptions {
    pub model: Option<ModelRef>,
    pub agent: Option<String>,
    pub system: Option<String>,
    pub variant: Option<String>,
    /// Tool name to enabled, e.g. `{"bash": false}`.
    pub tools: Option<Map<String, Value>>,
    /// Store the prompt without asking the AI for a reply.
    pub no_reply: bool,
    /// Who answers the AI's permission requests; `None`: as [`Config::permissions`](super::Config::permissions) says.
    pub permissions: Option<RequestPolicy>,
    /// Who answers the AI's questions; `None`: as [`Config::questions`](super::Config::questions) says.
    pub questions: Option<RequestPolicy>,
}

impl SendOptions {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn model(mut self, model: ModelRef) -> Self {
        self.model = Some(model);
        self
    }

    pub fn agent(mut self, agent: impl Into<String>) -> Self {
        self.agent = Some(agent.into());
        self
    }

    pub fn system(mut self, system: impl Into<String>) -> Self {
        self.system = Some(system.into());
        self
    }

    pub fn variant(mut self, variant: impl Into<String>) -> Self {
        self.variant = Some(variant.into());
        self
    }

    /// Turns one tool on or off for this message.
    pub fn tool(mut self, name: impl Into<String>, enabled: bool) -> Self {
        self.tools
            .get_or_insert_with(Map::new)
            .insert(name.into(), Value::Bool(enabled));
        self
    }

    pub fn no_reply(mut self, no_reply: bool) -> Self {
        self.no_reply = no_reply;
        self
    }

    /// Who answers this send's permission requests (default: the client's).
    pub fn permissions(mut self, policy: RequestPolicy) -> Self {
        self.permissions = Some(policy);
        self
    }

    /// Who answers this send's questions (default: the client's).
    pub fn questions(mut self, policy: RequestPolicy) -> Self {
        self.questions = Some(policy);
        self
    }
}

/// An answer to a permission request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PermissionReply {
    /// Allow this one request.
    Once,
    /// Allow it and every request like it in this session.
    Always,
    Reject,
}

impl PermissionReply {
    pub fn as_str(self) -> &'static str {
        match self {
            PermissionReply::Once => "once",
            PermissionReply::Always => "always",
            PermissionReply::Reject => "reject",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "once" => Some(PermissionReply::Once),
            "always" => Some(PermissionReply::Always),
            "reject" => Some(PermissionReply::Reject),
            _ => None,
        }
    }
}

/// How a toast looks: the four the TUI knows, so that a toast it would
/// refuse cannot be made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ToastVariant {
    #[default]
    Info,
    Success,
    Warning,
    Error,
}

impl ToastVariant {
    pub fn as_str(self) -> &'static str {
        match self {
            ToastVariant::Info => "info",
            ToastVariant::Success => "success",
            ToastVariant::Warning => "warning",
            ToastVariant::Error => "error",
        }
    }
}

impl std::str::FromStr for ToastVariant {
    /// What was expected instead.
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "info" => Ok(ToastVariant::Info),
            "success" => Ok(ToastVariant::Success),
            "warning" => Ok(ToastVariant::Warning),
            "error" => Ok(ToastVariant::Error),
            _ => Err("'info', 'success', 'warning' or 'error' expected".into()),
        }
    }
}

/// A notification shown by the TUI.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct Toast {
    pub message: String,
    pub variant: ToastVariant,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<u64>,
}

impl Toast {
    pub fn new(message: impl Into<String>) -> Self {
        Toast {
            message: message.into(),
            variant: ToastVariant::Info,
            title: None,
            duration: None,
        }
    }
}

/// The body of `POST /session/{id}/message` (and of `prompt_async`).
#[derive(Debug, Serialize)]
pub(crate) struct MessageBody {
    parts: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<ModelRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    agent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    system: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    variant: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tools: Option<Map<String, Value>>,
    #[serde(rename = "noReply", skip_serializing_if = "std::ops::Not::not")]
    no_reply: bool,
}

impl MessageBody {
    pub(crate) fn new(prompt: Prompt, options: &SendOptions) -> Self {
        MessageBody {
            parts: prompt.into_parts(),
            model: options.model.clone(),
            agent: options.agent.clone(),
            system: options.system.clone(),
            variant: options.variant.clone(),
            tools: options.tools.clone(),
            no_reply: options.no_reply,
        }
    }
}

/// The assistant's answer to a message: its `info` and its `parts`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reply {
    pub info: MessageInfo,
    #[serde(default)]
    pub parts: Vec<Part>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MessageInfo {
    #[serde(default)]
    pub id: String,
    #[serde(rename = "sessionID", default)]
    pub session_id: String,
    #[serde(default)]
    pub role: String,
    /// Set when the provider failed or the generation was aborted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Part {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Reply {
    /// Every text part, joined in order: what a person reads as "the reply".
    pub fn text(&self) -> String {
        self.parts
            .iter()
            .filter(|part| part.kind == "text")
            .filter_map(|part| part.text.as_deref())
            .collect()
    }

    /// A reply is delivered with HTTP 200 even when the AI failed; the failure
    /// sits in `info.error`. Turn that into an error of its own kind.
    ///
    /// A generation aborted before the AI wrote anything answers with the
    /// user's own message; unless no reply was asked for, that is an abort too.
    pub(crate) fn into_result(self, expect_reply: bool) -> Result<Reply, Error> {
        let Some(failure) = self.info.error.as_ref().filter(|e| !e.is_null()) else {
            if expect_reply && self.info.role == "user" {
                let message = "the generation was aborted before the AI answered";
                return Err(Error::new(ErrorKind::Aborted, Some(200), message).with_reply(self));
            }
            return Ok(self);
        };
        let name = failure.get("name").and_then(Value::as_str).unwrap_or("UnknownError");
        let detail = failure
            .pointer("/data/message")
            .or_else(|| failure.get("message"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let (kind, message) = if name == "MessageAbortedError" {
            let mut message = String::from("the generation was aborted");
            if !detail.is_empty() {
                message = format!("{message}: {detail}");
            }
            (ErrorKind::Aborted, message)
        } else if detail.is_empty() {
            (ErrorKind::Provider, format!("the AI provider failed ({name})"))
        } else {
            (
                ErrorKind::Provider,
                format!("the AI provider failed ({name}): {detail}"),
            )
        };
        Err(Error::new(kind, Some(200), message).with_reply(self))
    }
}

/// How much of a body [`server_message`] looks at, and so how much of an
/// error body is read at all. The server's words are at its start: a huge body
/// (a 50 MB error page, a runaway JSON array) is neither held nor parsed whole
/// just to be cut to a few hundred characters.
pub(crate) const MESSAGE_BYTES: usize = 64 * 1024;

/// The server's own words in an error body: the `message` of opencode's
/// `{"name": ..., "data": {"message": ...}}`, or the readable text of an HTML
/// page from a proxy, cut to a sensible length.
pub(crate) fn server_message(body: &[u8]) -> Option<String> {
    const LIMIT: usize = 300;
    let text = String::from_utf8_lossy(&body[..body.len().min(MESSAGE_BYTES)]);
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let message = match serde_json::from_str::<Value>(text) {
        Ok(json) => json_message(&json).unwrap_or_else(|| text.to_owned()),
        Err(_) if looks_like_html(text) => html_text(text),
        Err(_) => text.to_owned(),
    };
    let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
    if message.is_empty() {
        return None;
    }
    Some(truncate(&message, LIMIT))
}

fn json_message(json: &Value) -> Option<String> {
    let pick = |pointer: &str| json.pointer(pointer).and_then(Value::as_str).map(str::to_owned);
    let message = pick("/data/message")
        .or_else(|| pick("/message"))
        .or_else(|| pick("/error/message"))
        .or_else(|| pick("/error"));
    match (pick("/name"), message) {
        (Some(name), Some(message)) => Some(format!("{name}: {message}")),
        (None, Some(message)) => Some(message),
        (Some(name), None) => Some(name),
        (None, None) => None,
    }
}

fn looks_like_html(text: &str) -> bool {
    let head = text.get(..text.len().min(200)).unwrap_or(text).to_ascii_lowercase();
    head.starts_with('<')
        && (head.contains("<html")
            || head.contains("<!doctype")
            || head.contains("<head")
            || head.contains("<body")
            || head.contains("<title"))
}

/// The title of an HTML page, or its text with the tags dropped.
fn html_text(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    if let (Some(start), Some(end)) = (lower.find("<title>"), lower.find("</title>")) {
        let title = html[start + "<title>".len()..end.max(start + "<title>".len())].trim();
        if !title.is_empty() {
            return title.to_owned();
        }
    }
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(ch),
            _ => {}
        }
    }
    text
}

fn truncate(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_owned();
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn toast_variants_are_the_four_the_tui_knows() {
        for variant in ["info", "success", "warning", "error"] {
            let parsed: ToastVariant = variant.parse().unwrap();
            assert_eq!(parsed.as_str(), variant);
            assert_eq!(serde_json::to_value(parsed).unwrap(), json!(variant));
        }
        assert_eq!(
            "loud".parse::<ToastVariant>(),
            Err("'info', 'success', 'warning' or 'error' expected".to_owned())
        );
        let toast = serde_json::to_value(Toast::new("hi")).unwrap();
        assert_eq!(toast, json!({ "message": "hi", "variant": "info" }));
    }

    #[test]
    fn model_ref_splits_at_the_first_slash() {
        assert_eq!(ModelRef::parse("echo/echo"), Some(ModelRef::new("echo", "echo")));
        assert_eq!(
            ModelRef::parse("openrouter/anthropic/claude"),
            Some(ModelRef::new("openrouter", "anthropic/claude"))
        );
        assert_eq!(ModelRef::parse("nomodel"), None);
        assert_eq!(ModelRef::parse("/x"), None);
        assert_eq!(ModelRef::parse("x/"), None);
    }

    #[test]
    fn message_body_of_text_prompt() {
        let options = SendOptions {
            model: Some(ModelRef::new("p", "m")),
            agent: Some("build".into()),
            ..SendOptions::default()
        };
        let body = serde_json::to_value(MessageBody::new("hi".into(), &options)).unwrap();
        assert_eq!(
            body,
            json!({
                "parts": [{"type": "text", "text": "hi"}],
                "model": {"providerID": "p", "modelID": "m"},
                "agent": "build"
            })
        );
    }

    #[test]
    fn reply_text_joins_text_parts_only() {
        let reply: Reply = serde_json::from_value(json!({
            "info": {"id": "msg_1", "sessionID": "ses_1", "role": "assistant"},
            "parts": [
                {"type": "step-start"},
                {"type": "text", "text": "hello "},
                {"type": "tool", "tool": "bash"},
                {"type": "text", "text": "world"}
            ]
        }))
        .unwrap();
        assert_eq!(reply.text(), "hello world");
        assert!(reply.into_result(true).is_ok());
    }

    #[test]
    fn provider_failure_in_info_error_becomes_provider_error() {
        let reply: Reply = serde_json::from_value(json!({
            "info": {"id": "msg_1", "sessionID": "ses_1", "role": "assistant",
                     "error": {"name": "APIError", "data": {"message": "boom", "statusCode": 500}}},
            "parts": []
        }))
        .unwrap();
        let err = reply.into_result(true).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Provider);
        assert_eq!(err.message(), "the AI provider failed (APIError): boom");
        assert!(err.reply().is_some());
    }

    #[test]
    fn aborted_message_becomes_aborted_error() {
        let reply: Reply = serde_json::from_value(json!({
            "info": {"id": "m", "sessionID": "s", "role": "assistant",
                     "error": {"name": "MessageAbortedError", "data": {"message": "Aborted"}}},
            "parts": []
        }))
        .unwrap();
        let err = reply.into_result(true).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Aborted);
        assert_eq!(err.message(), "the generation was aborted: Aborted");
    }

    #[test]
    fn the_users_own_message_back_means_aborted_unless_no_reply_was_asked() {
        let reply: Reply = serde_json::from_value(json!({
            "info": {"id": "m", "sessionID": "s", "role": "user"},
            "parts": [{"type": "text", "text": "prompt"}]
        }))
        .unwrap();
        assert_eq!(reply.clone().into_result(true).unwrap_err().kind(), ErrorKind::Aborted);
        assert!(reply.into_result(false).is_ok());
    }

    #[test]
    fn unknown_fields_survive_a_round_trip() {
        let session: Session = serde_json::from_value(json!({
            "id": "ses_1", "title": "t", "time": {"created": 1}, "version": "1.18.33"
        }))
        .unwrap();
        let back = serde_json::to_value(&session).unwrap();
        assert_eq!(back["time"]["created"], 1);
        assert_eq!(back["version"], "1.18.33");
        assert!(back.get("parentID").is_none());
    }

    #[test]
    fn server_message_reads_opencode_errors() {
        let body = br#"{"name":"NotFoundError","data":{"message":"Session not found: ses_x"}}"#;
        assert_eq!(
            server_message(body).as_deref(),
            Some("NotFoundError: Session not found: ses_x")
        );
    }

    #[test]
    fn server_message_reads_proxy_html() {
        let body = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>";
        assert_eq!(server_message(body).as_deref(), Some("502 Bad Gateway"));
        let body = b"<html><body><h1>Gateway\n Timeout</h1></body></html>";
        assert_eq!(server_message(body).as_deref(), Some("Gateway Timeout"));
    }

    #[test]
    fn server_message_of_empty_or_plain_bodies() {
        assert_eq!(server_message(b""), None);
        assert_eq!(server_message(b"  \n"), None);
        assert_eq!(server_message(b"plain text").as_deref(), Some("plain text"));
        assert_eq!(
            server_message(&[0xff, 0xfe, b'a']).as_deref(),
            Some("\u{fffd}\u{fffd}a")
        );
        let long = "x".repeat(1000);
        assert_eq!(server_message(long.as_bytes()).unwrap().len(), 303);
    }
}
