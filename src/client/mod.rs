//! A blocking client for the HTTP API of `opencode serve`, with no Lua in it.
//!
//! One [`Client`] keeps its connections alive across calls. Calls that only
//! read or change bookkeeping are bounded by [`Config::timeout`]; the wait for
//! the AI's reply to a message is not, unless [`Config::send_timeout`] is set,
//! because a reply that takes minutes is normal and the server sends nothing
//! until it is complete.
//!
//! The calls block, but the I/O underneath is reqwest's async client driven
//! on the calling thread by a single-threaded tokio runtime the client owns:
//! no request is handed to another thread and back, which is most of what a
//! call costs on a fast local server. Messages are the exception: they are
//! sent from the client's hub (one background thread, see `hub.rs`), which
//! watches the session while the AI works, so that a permission request or a
//! question is answered (by default: refused) instead of waited on forever.

mod error;
mod events;
mod hub;
mod notify;
mod reply_text;
mod requests;
pub mod sse;
mod stream;
mod wire;

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde_json::Value;

pub use error::{Error, ErrorKind};
pub use events::{Event, EventOptions, DISCONNECTED, RECONNECTED};
pub use reply_text::TextDelta;
pub use requests::RequestPolicy;
pub use stream::{EventStream, SendHandle, SendUpdate};
pub use wire::{
    Health, MessageInfo, ModelRef, NewSession, Part, PermissionReply, Prompt, Reply, SendOptions, Session, Toast,
};

use hub::Hub;
use stream::Message;
use wire::{server_message, MessageBody};

/// Where the server is and how to talk to it.
#[derive(Clone)]
#[non_exhaustive]
pub struct Config {
    /// Base URL, such as `http://127.0.0.1:4096`.
    pub url: String,
    pub username: String,
    /// The Basic auth header is sent only when a password is set.
    pub password: Option<String>,
    /// Sent as `x-opencode-directory`: the project directory the server works in.
    pub directory: Option<String>,
    /// Bounds connecting and every call except the wait for a message's reply.
    pub timeout: Duration,
    /// Bounds the wait for a message's reply; `None` waits as long as the AI takes.
    pub send_timeout: Option<Duration>,
    /// Accept any TLS certificate (self-signed, wrong host). Off unless asked for:
    /// https is verified against the system's roots by default.
    pub insecure: bool,
    /// Who answers the AI's permission requests during a send, unless the
    /// send says otherwise ([`SendOptions::permissions`]). Refused by default.
    pub permissions: RequestPolicy,
    /// Who answers the AI's questions during a send ([`SendOptions::questions`]).
    pub questions: RequestPolicy,
}

pub const DEFAULT_URL: &str = "http://127.0.0.1:4096";
pub const DEFAULT_USERNAME: &str = "opencode";
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const USER_AGENT: &str = concat!("opencode-lua/", env!("CARGO_PKG_VERSION"));

impl Config {
    /// The defaults opencode itself uses, taken from `OPENCODE_SERVER_URL`,
    /// `OPENCODE_SERVER_USERNAME` and `OPENCODE_SERVER_PASSWORD` when set.
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        Config {
            url: var("OPENCODE_SERVER_URL").unwrap_or_else(|| DEFAULT_URL.to_owned()),
            username: var("OPENCODE_SERVER_USERNAME").unwrap_or_else(|| DEFAULT_USERNAME.to_owned()),
            password: var("OPENCODE_SERVER_PASSWORD"),
            directory: None,
            timeout: DEFAULT_TIMEOUT,
            send_timeout: None,
            insecure: false,
            permissions: RequestPolicy::default(),
            questions: RequestPolicy::default(),
        }
    }

    /// The environment's defaults, with another URL.
    pub fn with_url(url: impl Into<String>) -> Self {
        Config {
            url: url.into(),
            ..Config::from_env()
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("url", &redact_url(&self.url))
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("directory", &self.directory)
            .field("timeout", &self.timeout)
            .field("send_timeout", &self.send_timeout)
            .field("insecure", &self.insecure)
            .field("permissions", &self.permissions)
            .field("questions", &self.questions)
            .finish()
    }
}

/// A connection to one opencode server. Clones share the connections.
///
/// Calls block the calling thread; they must not be made from inside an
/// async runtime (as with any blocking HTTP client).
#[derive(Clone)]
pub struct Client {
    origin: Arc<Origin>,
    http: reqwest::Client,
    /// Drives `http` on whichever thread makes a call.
    runtime: Arc<tokio::runtime::Runtime>,
    /// Background work: started on first use, shared by clones.
    hub: Arc<Mutex<Option<Arc<Hub>>>>,
    permissions: RequestPolicy,
    questions: RequestPolicy,
}

/// Everything a request needs to know about the server, shared with the hub
/// (which brings its own runtime and HTTP client: a connection belongs to the
/// runtime it was made on).
pub(crate) struct Origin {
    base: Url,
    /// `base` as people read it: no credentials, no trailing slash.
    display_url: String,
    /// Sent with every request: auth, directory.
    headers: HeaderMap,
    timeout: Duration,
    send_timeout: Option<Duration>,
    insecure: bool,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("url", &self.origin.display_url)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Builds a client without talking to the server. Fails only on a
    /// configuration that cannot work (an unparsable URL, a header that cannot be sent).
    pub fn new(config: Config) -> Result<Client, Error> {
        let invalid = |message: String| Error::new(ErrorKind::Config, None, message);
        let mut base = Url::parse(config.url.trim())
            .map_err(|e| invalid(format!("invalid url {:?}: {e}", redact_url(&config.url))))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(invalid(format!(
                "invalid url {:?}: scheme must be http or https",
                redact_url(&config.url)
            )));
        }
        // Credentials in the URL would be sent by the HTTP layer and printed in
        // errors; take them out and send them as configured credentials instead.
        let mut username = config.username.clone();
        let mut password = config.password.clone();
        // The URL keeps them percent-encoded ("p%40ss"); send what they stand for ("p@ss").
        if !base.username().is_empty() {
            username = percent_decode(base.username());
        }
        if let Some(url_password) = base.password() {
            password = Some(percent_decode(url_password));
        }
        let _ = base.set_username("");
        let _ = base.set_password(None);
        base.set_query(None);
        base.set_fragment(None);
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let display_url = base.as_str().trim_end_matches('/').to_owned();

        let mut headers = HeaderMap::new();
        if let Some(password) = &password {
            let token = base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
            let mut value = HeaderValue::from_str(&format!("Basic {token}"))
                .map_err(|_| invalid("the username or password cannot be sent in an HTTP header".into()))?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        if let Some(directory) = &config.directory {
            let value = HeaderValue::from_str(&encode_directory(directory))
                .map_err(|_| invalid(format!("directory {directory:?} cannot be sent in an HTTP header")))?;
            headers.insert("x-opencode-directory", value);
        }

        let origin = Arc::new(Origin {
            base,
            display_url,
            headers,
            timeout: config.timeout,
            send_timeout: config.send_timeout,
            insecure: config.insecure,
        });
        let http = origin.http_client()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| invalid(format!("cannot start the I/O runtime: {e}")))?;
        Ok(Client {
            origin,
            http,
            runtime: Arc::new(runtime),
            hub: Arc::default(),
            permissions: config.permissions,
            questions: config.questions,
        })
    }

    /// Builds a client and checks that the server answers `GET /global/health`,
    /// so a wrong URL or password fails here rather than at the first real call.
    pub fn connect(config: Config) -> Result<Client, Error> {
        let client = Client::new(config)?;
        client.health()?;
        Ok(client)
    }

    /// The server's base URL, without credentials.
    pub fn url(&self) -> &str {
        &self.origin.display_url
    }

    pub fn health(&self) -> Result<Health, Error> {
        self.call(Method::GET, "global/health", None, Some(self.origin.timeout))
    }

    /// Every session of the server's current project.
    pub fn sessions(&self) -> Result<Vec<Session>, Error> {
        self.call(Method::GET, "session", None, Some(self.origin.timeout))
    }

    pub fn session(&self, id: &str) -> Result<Session, Error> {
        self.call(
            Method::GET,
            &format!("session/{}", encode_segment(id)),
            None,
            Some(self.origin.timeout),
        )
    }

    pub fn new_session(&self, request: &NewSession) -> Result<Session, Error> {
        let body = serde_json::to_value(request).map_err(|e| decode_error("encode the session", &e))?;
        self.call(Method::POST, "session", Some(&body), Some(self.origin.timeout))
    }

    /// Sends a message and waits for the AI's whole reply. Never retried: a
    /// retry would make the AI do the work twice.
    ///
    /// The session is watched meanwhile: permission requests and questions
    /// are refused (and the send fails with [`ErrorKind::Permission`] or
    /// [`ErrorKind::Question`]) or left to someone else, as the policies of
    /// `options` and [`Config`] say; [`RequestPolicy::HandOver`] needs a
    /// [`SendHandle`] to answer through, so here it refuses. When
    /// [`Config::send_timeout`] runs out, the generation is aborted too.
    pub fn send(&self, session_id: &str, prompt: Prompt, options: &SendOptions) -> Result<Reply, Error> {
        let handle = self.send_async(session_id, prompt, options)?;
        loop {
            match handle.next(None) {
                Some(SendUpdate::Finished(result)) => return result,
                Some(SendUpdate::Permission(request)) => {
                    let id = requests::request_id(&request).unwrap_or_default();
                    handle.answer_permission(id, PermissionReply::Reject);
                }
                Some(SendUpdate::Question(request)) => {
                    handle.answer_question(requests::request_id(&request).unwrap_or_default(), None);
                }
                Some(_) => {}
                None => return Err(Error::new(ErrorKind::Closed, None, "the send ended without a result")),
            }
        }
    }

    pub fn delete(&self, session_id: &str) -> Result<bool, Error> {
        self.call(
            Method::DELETE,
            &format!("session/{}", encode_segment(session_id)),
            None,
            Some(self.origin.timeout),
        )
    }

    /// Stops the generation running in a session; a `send` waiting on it then
    /// fails with [`ErrorKind::Aborted`].
    pub fn abort(&self, session_id: &str) -> Result<bool, Error> {
        let path = format!("session/{}/abort", encode_segment(session_id));
        self.call(Method::POST, &path, None, Some(self.origin.timeout))
    }

    /// Sends a message and returns as soon as the server accepted it (204);
    /// the reply arrives on the event stream. Never retried.
    pub fn prompt_async(&self, session_id: &str, prompt: Prompt, options: &SendOptions) -> Result<(), Error> {
        let body = serde_json::to_value(MessageBody::new(prompt, options))
            .map_err(|e| decode_error("encode the message", &e))?;
        let path = format!("session/{}/prompt_async", encode_segment(session_id));
        self.request(Method::POST, &path, Some(&body), Some(self.origin.timeout))
            .map(|_| ())
    }

    /// Sends a message in the background and follows its reply as it is
    /// written; see [`SendHandle`].
    pub fn send_async(&self, session_id: &str, prompt: Prompt, options: &SendOptions) -> Result<SendHandle, Error> {
        let body = serde_json::to_value(MessageBody::new(prompt, options))
            .map_err(|e| decode_error("encode the message", &e))?;
        let message = Message {
            session_id: session_id.to_owned(),
            body,
            expect_reply: !options.no_reply,
            permissions: options.permissions.unwrap_or(self.permissions),
            questions: options.questions.unwrap_or(self.questions),
        };
        SendHandle::start(self.hub()?, message)
    }

    /// Opens the server's event stream; see [`EventStream`].
    pub fn events(&self, options: EventOptions) -> Result<EventStream, Error> {
        EventStream::open(self.hub()?, options)
    }

    /// The client's hub, started on first use.
    fn hub(&self) -> Result<Arc<Hub>, Error> {
        let mut hub = self.hub.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(hub) = hub.as_ref() {
            return Ok(hub.clone());
        }
        let started = Arc::new(Hub::start(self.origin.clone())?);
        *hub = Some(started.clone());
        Ok(started)
    }

    /// Answers a permission request (`permission.asked`).
    pub fn reply_permission(
        &self,
        request_id: &str,
        reply: PermissionReply,
        message: Option<&str>,
    ) -> Result<bool, Error> {
        let mut body = serde_json::json!({ "reply": reply.as_str() });
        if let Some(message) = message {
            body["message"] = Value::String(message.to_owned());
        }
        let path = format!("permission/{}/reply", encode_segment(request_id));
        self.call(Method::POST, &path, Some(&body), Some(self.origin.timeout))
    }

    /// Answers a question the AI asked (`question.asked`): one list of chosen
    /// labels per question.
    pub fn reply_question(&self, request_id: &str, answers: &[Vec<String>]) -> Result<bool, Error> {
        let body = serde_json::json!({ "answers": answers });
        let path = format!("question/{}/reply", encode_segment(request_id));
        self.call(Method::POST, &path, Some(&body), Some(self.origin.timeout))
    }

    /// Refuses to answer a question the AI asked.
    pub fn reject_question(&self, request_id: &str) -> Result<bool, Error> {
        let path = format!("question/{}/reject", encode_segment(request_id));
        self.call(Method::POST, &path, None, Some(self.origin.timeout))
    }

    /// Appends text to the prompt of the TUI attached to the server.
    pub fn tui_append_prompt(&self, text: &str) -> Result<bool, Error> {
        let body = serde_json::json!({ "text": text });
        self.call(
            Method::POST,
            "tui/append-prompt",
            Some(&body),
            Some(self.origin.timeout),
        )
    }

    /// Submits the TUI's prompt, as pressing enter would.
    pub fn tui_submit_prompt(&self) -> Result<bool, Error> {
        self.call(Method::POST, "tui/submit-prompt", None, Some(self.origin.timeout))
    }

    pub fn tui_clear_prompt(&self) -> Result<bool, Error> {
        self.call(Method::POST, "tui/clear-prompt", None, Some(self.origin.timeout))
    }

    pub fn tui_show_toast(&self, toast: &Toast) -> Result<bool, Error> {
        let body = serde_json::to_value(toast).map_err(|e| decode_error("encode the toast", &e))?;
        self.call(Method::POST, "tui/show-toast", Some(&body), Some(self.origin.timeout))
    }

    /// One request and its JSON answer, with every failure mapped to an [`Error`].
    fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        timeout: Option<Duration>,
    ) -> Result<T, Error> {
        let (status, bytes) = self.request(method, path, body, timeout)?;
        self.origin.decode(path, status, &bytes)
    }

    fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        timeout: Option<Duration>,
    ) -> Result<(StatusCode, Vec<u8>), Error> {
        let once = || self.block_on(self.origin.exchange(&self.http, method.clone(), path, body, timeout));
        // A GET changes nothing on the server, so one broken connection (a
        // reset, a keep-alive connection the server had just closed) is worth
        // one more try. Anything that carries a prompt is never retried.
        match once() {
            Err(e) if method == Method::GET && e.kind() == ErrorKind::Connect && e.status().is_none() => once(),
            other => other,
        }
    }

    /// Runs `future` on this thread. The first yield lets the connections'
    /// own tasks catch up on what happened while no call was running (a server
    /// closing an idle keep-alive connection, say) before a request picks one.
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(async {
            tokio::task::yield_now().await;
            future.await
        })
    }
}

impl Origin {
    /// An HTTP client sending this origin's headers, for the runtime it is first used on.
    pub(crate) fn http_client(&self) -> Result<reqwest::Client, Error> {
        let failed = |e: String| Error::new(ErrorKind::Config, None, format!("cannot set up the HTTP client: {e}"));
        crate::tls::install_crypto_provider();
        let builder = reqwest::Client::builder()
            .default_headers(self.headers.clone())
            .connect_timeout(self.timeout)
            .tcp_keepalive(Duration::from_secs(15))
            .tcp_nodelay(true)
            .user_agent(USER_AGENT);
        let builder = if self.insecure {
            builder.tls_danger_accept_invalid_certs(true)
        } else {
            builder.tls_backend_preconfigured(crate::tls::verified_config().map_err(failed)?)
        };
        builder.build().map_err(|e| failed(e.to_string()))
    }

    pub(crate) fn url(&self) -> &str {
        &self.display_url
    }

    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
    }

    pub(crate) fn send_timeout(&self) -> Option<Duration> {
        self.send_timeout
    }

    pub(crate) fn endpoint(&self, path: &str) -> Result<Url, Error> {
        self.base
            .join(path)
            .map_err(|e| Error::new(ErrorKind::Config, None, format!("invalid path {path:?}: {e}")))
    }

    /// One request and its whole answer; statuses other than 2xx become errors.
    pub(crate) async fn exchange(
        &self,
        http: &reqwest::Client,
        method: Method,
        path: &str,
        body: Option<&Value>,
        timeout: Option<Duration>,
    ) -> Result<(StatusCode, Vec<u8>), Error> {
        let url = self.endpoint(path)?;
        let what = format!("{method} /{path}");
        let mut request = http.request(method, url);
        if let Some(timeout) = timeout {
            request = request.timeout(timeout);
        }
        if let Some(body) = body {
            let bytes = serde_json::to_vec(body).map_err(|e| decode_error("encode the request", &e))?;
            request = request.header(CONTENT_TYPE, "application/json").body(bytes);
        }
        let response = request
            .send()
            .await
            .map_err(|e| self.transport_error(&what, &e, timeout))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| self.transport_error(&what, &e, timeout))?;
        if status.is_success() {
            return Ok((status, bytes.to_vec()));
        }
        Err(self.status_error(&what, status, &bytes))
    }

    pub(crate) fn decode<T: DeserializeOwned>(&self, path: &str, status: StatusCode, bytes: &[u8]) -> Result<T, Error> {
        serde_json::from_slice(bytes).map_err(|e| {
            let snippet = server_message(bytes).unwrap_or_else(|| "an empty body".into());
            Error::new(
                ErrorKind::Decode,
                Some(status.as_u16()),
                format!(
                    "opencode server at {} sent an unexpected answer to {path}: {e} (got: {snippet})",
                    self.display_url
                ),
            )
        })
    }

    pub(crate) fn status_error(&self, what: &str, status: StatusCode, body: &[u8]) -> Error {
        let url = &self.display_url;
        let code = status.as_u16();
        let said = server_message(body).map(|text| format!(": {text}")).unwrap_or_default();
        let (kind, message) = match code {
            401 | 403 => (
                ErrorKind::Auth,
                format!(
                    "opencode server at {url} rejected the credentials (HTTP {code}){said} - check the password (OPENCODE_SERVER_PASSWORD) and username"
                ),
            ),
            404 => (ErrorKind::NotFound, format!("opencode server at {url}: not found (HTTP 404) for {what}{said}")),
            _ => (ErrorKind::Http, format!("opencode server at {url} answered HTTP {code} to {what}{said}")),
        };
        Error::new(kind, Some(code), message)
    }

    pub(crate) fn transport_error(&self, what: &str, error: &reqwest::Error, timeout: Option<Duration>) -> Error {
        let url = &self.display_url;
        let cause = root_cause(error);
        if error.is_timeout() {
            let within = timeout
                .map(|t| format!(" within {}", format_duration(t)))
                .unwrap_or_default();
            let message = if error.is_connect() {
                format!("could not connect to opencode server at {url}{within} ({cause})")
            } else {
                format!("opencode server at {url} did not answer {what}{within}")
            };
            return Error::new(ErrorKind::Timeout, None, message);
        }
        let message = if error.is_connect() {
            format!("could not connect to opencode server at {url} ({cause}) - is `opencode serve` running?")
        } else {
            format!("the connection to opencode server at {url} failed during {what} ({cause})")
        };
        Error::new(ErrorKind::Connect, None, message)
    }
}

pub(crate) fn decode_error(what: &str, error: &serde_json::Error) -> Error {
    Error::new(ErrorKind::Decode, None, format!("could not {what}: {error}"))
}

/// The innermost cause of an error, which is the one that names what happened
/// ("Connection refused (os error 111)") rather than the layer it passed through.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}

fn format_duration(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs >= 1.0 && secs.fract() == 0.0 {
        format!("{secs:.0}s")
    } else {
        format!("{secs}s")
    }
}

/// A session id goes into the URL path: escape everything but the characters
/// ids are made of, so an odd id cannot reach another endpoint.
pub(crate) fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// opencode reads the directory header percent-decoded, which lets paths with
/// non-ASCII characters travel in a header.
fn encode_directory(directory: &str) -> String {
    let mut out = String::with_capacity(directory.len());
    for byte in directory.bytes() {
        if byte.is_ascii_graphic() && byte != b'%' {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A URL as it may be shown: with any password replaced.
fn redact_url(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        // A URL with a host shows no credentials unless it has a password (above).
        Ok(parsed) if parsed.has_host() => url.to_owned(),
        // Unparsable, or "user:password@host" without a scheme, which parses
        // as the scheme "user": hide everything before the last '@'.
        _ => match url.rfind('@') {
            Some(at) => format!("***{}", &url[at..]),
            None => url.to_owned(),
        },
    }
}

/// Undoes the %XX escapes of a URL's user name or password.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_escaped() {
        assert_eq!(encode_segment("ses_ABC-1.2~"), "ses_ABC-1.2~");
        assert_eq!(encode_segment("../global/health"), "..%2Fglobal%2Fhealth");
        assert_eq!(encode_segment("a b?"), "a%20b%3F");
    }

    #[test]
    fn directory_header_is_percent_encoded_outside_visible_ascii() {
        assert_eq!(encode_directory("/home/me/project"), "/home/me/project");
        assert_eq!(encode_directory("/tmp/ü x"), "/tmp/%C3%BC%20x");
    }

    #[test]
    fn url_credentials_are_moved_out_of_the_url() {
        let client = Client::new(Config::with_url("http://me:secret@127.0.0.1:9/base/")).unwrap();
        assert_eq!(client.url(), "http://127.0.0.1:9/base");
        assert!(!format!("{client:?}").contains("secret"));
    }

    #[test]
    fn invalid_url_is_a_config_error_without_the_password() {
        let err = Client::new(Config::with_url("ftp://u:hunter2@x")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(!err.to_string().contains("hunter2"), "{err}");
        let err = Client::new(Config::with_url("not a url")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
    }

    #[test]
    fn config_debug_hides_the_password() {
        let mut config = Config::with_url("http://127.0.0.1:1");
        config.password = Some("hunter2".into());
        assert!(!format!("{config:?}").contains("hunter2"));
    }
}
