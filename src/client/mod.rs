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

mod asked;
mod error;
mod events;
mod hub;
pub(crate) mod interrupt;
mod notify;
pub mod operation;
mod operations;
mod reply_text;
mod request;
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
use serde::Serialize;
use serde_json::{Map, Value};

pub use asked::RequestPolicy;
pub use error::{Error, ErrorKind};
pub use events::{Event, EventOptions, DISCONNECTED, RECONNECTED};
pub use operation::{operations, Operation};
pub use reply_text::TextDelta;
pub use request::RequestOptions;
pub use stream::{EventStream, SendHandle, SendUpdate};
pub use wire::{
    Health, MessageInfo, ModelRef, NewSession, Part, PermissionReply, Prompt, Reply, SendOptions, Session, Toast,
    ToastVariant,
};

use hub::{Endpoint, Hub};
use operation::{Place, Response, Timeout};
pub(crate) use request::{parse_method, Answer, HttpRequest};
use stream::{Message, SessionWatch};
use wire::{server_message, MessageBody, MESSAGE_BYTES};

/// Where the server is and how to talk to it.
///
/// ```
/// use std::time::Duration;
/// use opencode::client::Config;
///
/// let config = Config::with_url("http://127.0.0.1:4096")
///     .password("secret")
///     .directory("/home/me/project")
///     .timeout(Duration::from_secs(10))
///     .send_timeout(Duration::from_secs(600));
/// assert_eq!(config.timeout, Duration::from_secs(10));
/// assert!(!format!("{config:?}").contains("secret"));
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct Config {
    /// Base URL, such as `http://127.0.0.1:4096`.
    pub url: String,
    pub username: String,
    /// The Basic auth header is sent only when a password is set.
    pub password: Option<String>,
    /// Sent as `x-opencode-directory`: the project directory the server works in.
    /// Also the default of the `directory` (and v2 `location`) parameter of
    /// every operation that takes one.
    pub directory: Option<String>,
    /// The default of the `workspace` (and v2 `location`) parameter of every
    /// operation that takes one.
    pub workspace: Option<String>,
    /// Bounds connecting and every call except the wait for a message's reply.
    pub timeout: Duration,
    /// Bounds the wait for a message's reply; `None` waits as long as the AI takes.
    pub send_timeout: Option<Duration>,
    /// Accept any TLS certificate (self-signed, wrong host). Off unless asked for:
    /// https is verified against the system's roots by default.
    pub insecure: bool,
    /// The largest successful answer read, in bytes; a larger one fails with
    /// [`ErrorKind::TooLarge`] instead of growing memory without bound.
    pub max_response_bytes: usize,
    /// Who answers the AI's permission requests during a send, unless the
    /// send says otherwise ([`SendOptions::permissions`]). Refused by default.
    pub permissions: RequestPolicy,
    /// Who answers the AI's questions during a send ([`SendOptions::questions`]).
    pub questions: RequestPolicy,
}

pub const DEFAULT_URL: &str = "http://127.0.0.1:4096";
pub const DEFAULT_USERNAME: &str = "opencode";
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// 64 MiB: far more than any reply of opencode's, whose largest are whole
/// sessions' messages with file contents.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;
const USER_AGENT: &str = concat!("opencode-lua/", env!("CARGO_PKG_VERSION"));
/// How long an unused connection is kept for the next call: less than servers
/// keep theirs (node's and Apache's default is 5 s), so that we rarely reuse a
/// connection the server is closing at that moment. Such a reuse fails a call
/// that carries a prompt, which is never retried.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(3);

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
            workspace: None,
            timeout: DEFAULT_TIMEOUT,
            send_timeout: None,
            insecure: false,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
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

    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = url.into();
        self
    }

    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.username = username.into();
        self
    }

    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(password.into());
        self
    }

    pub fn directory(mut self, directory: impl Into<String>) -> Self {
        self.directory = Some(directory.into());
        self
    }

    pub fn workspace(mut self, workspace: impl Into<String>) -> Self {
        self.workspace = Some(workspace.into());
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn send_timeout(mut self, timeout: Duration) -> Self {
        self.send_timeout = Some(timeout);
        self
    }

    pub fn insecure(mut self, insecure: bool) -> Self {
        self.insecure = insecure;
        self
    }

    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Who answers permission requests during a send, unless the send says otherwise.
    pub fn permissions(mut self, policy: RequestPolicy) -> Self {
        self.permissions = policy;
        self
    }

    /// Who answers questions during a send, unless the send says otherwise.
    pub fn questions(mut self, policy: RequestPolicy) -> Self {
        self.questions = policy;
        self
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("url", &redact_url(&self.url))
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("directory", &self.directory)
            .field("workspace", &self.workspace)
            .field("timeout", &self.timeout)
            .field("send_timeout", &self.send_timeout)
            .field("insecure", &self.insecure)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("permissions", &self.permissions)
            .field("questions", &self.questions)
            .finish()
    }
}

/// A connection to one opencode server. Clones share the connections.
///
/// Calls block the calling thread; they must not be made from inside an
/// async runtime (as with any blocking HTTP client).
///
/// ```no_run
/// use opencode::client::{Client, Config, ErrorKind, NewSession, SendOptions};
/// use serde_json::json;
///
/// let client = Client::connect(Config::from_env())?; // OPENCODE_SERVER_URL, ...
/// let session = client.new_session(&NewSession::new().title("hello"))?;
/// match client.send(&session.id, "hello world", &SendOptions::new()) {
///     Ok(reply) => println!("{}", reply.text()),
///     Err(e) if e.kind() == ErrorKind::Timeout => eprintln!("no reply in time: {e}"),
///     Err(e) => return Err(e),
/// }
/// // Any other operation of the API, by its operationId:
/// let agents = client.call("app.agents", json!({}))?;
/// client.delete(&session.id)?;
/// # Ok::<(), opencode::client::Error>(())
/// ```
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
    /// Defaults of the operations' `directory`, `workspace` and `location`.
    directory: Option<String>,
    workspace: Option<String>,
    timeout: Duration,
    send_timeout: Option<Duration>,
    insecure: bool,
    max_response_bytes: usize,
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
            directory: config.directory.clone(),
            workspace: config.workspace.clone(),
            timeout: config.timeout,
            send_timeout: config.send_timeout,
            insecure: config.insecure,
            max_response_bytes: config.max_response_bytes,
        });
        let http = origin.http_client()?;
        let runtime = runtime().map_err(|e| invalid(format!("cannot start the I/O runtime: {e}")))?;
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
    ///
    /// ```no_run
    /// use opencode::client::{Client, Config, ErrorKind};
    ///
    /// match Client::connect(Config::with_url("http://127.0.0.1:4096").password("secret")) {
    ///     Ok(client) => println!("connected to {}", client.url()),
    ///     Err(e) if e.kind() == ErrorKind::Auth => eprintln!("wrong password: {e}"),
    ///     Err(e) => eprintln!("no server: {e}"), // kind Connect or Timeout
    /// }
    /// ```
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
        self.typed("global.health", Map::new())
    }

    /// Every session of the server's current project.
    pub fn sessions(&self) -> Result<Vec<Session>, Error> {
        self.typed("session.list", Map::new())
    }

    pub fn session(&self, id: &str) -> Result<Session, Error> {
        self.typed("session.get", params([("sessionID", id)]))
    }

    pub fn new_session(&self, request: &NewSession) -> Result<Session, Error> {
        self.typed("session.create", fields(request, "encode the session")?)
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
    ///
    /// ```no_run
    /// use opencode::client::{Client, Config, NewSession, SendOptions};
    ///
    /// let client = Client::connect(Config::with_url("http://127.0.0.1:4096"))?;
    /// let session = client.new_session(&NewSession::new().title("haiku"))?;
    /// let reply = client.send(&session.id, "write a haiku about Lua", &SendOptions::new().agent("build"))?;
    /// println!("{}", reply.text());
    /// # Ok::<(), opencode::client::Error>(())
    /// ```
    pub fn send(&self, session_id: &str, prompt: impl Into<Prompt>, options: &SendOptions) -> Result<Reply, Error> {
        let handle = self.send_async(session_id, prompt, options)?;
        loop {
            match handle.next(None) {
                Some(SendUpdate::Finished(result)) => return result,
                Some(SendUpdate::Permission(request)) => {
                    let id = asked::request_id(&request).unwrap_or_default();
                    handle.answer_permission(id, PermissionReply::Reject);
                }
                Some(SendUpdate::Question(request)) => {
                    handle.answer_question(asked::request_id(&request).unwrap_or_default(), None);
                }
                Some(_) => {}
                None => return Err(Error::new(ErrorKind::Closed, None, "the send ended without a result")),
            }
        }
    }

    pub fn delete(&self, session_id: &str) -> Result<bool, Error> {
        self.typed("session.delete", params([("sessionID", session_id)]))
    }

    /// Stops the generation running in a session; a `send` waiting on it then
    /// fails with [`ErrorKind::Aborted`].
    pub fn abort(&self, session_id: &str) -> Result<bool, Error> {
        self.typed("session.abort", params([("sessionID", session_id)]))
    }

    /// Sends a message and returns as soon as the server accepted it (204);
    /// the reply arrives on the event stream. Never retried.
    pub fn prompt_async(
        &self,
        session_id: &str,
        prompt: impl Into<Prompt>,
        options: &SendOptions,
    ) -> Result<(), Error> {
        let request = self.message_request("session.prompt_async", session_id, prompt.into(), options)?;
        self.perform(&request).map(|_| ())
    }

    /// Sends a message in the background and follows its reply as it is
    /// written; see [`SendHandle`]. Returns at once: the message is posted
    /// from the client's background thread, which watches the session for
    /// text, events, permission requests and questions meanwhile. Who
    /// answers those is [`SendOptions::permissions`] / [`SendOptions::questions`],
    /// else [`Config::permissions`] / [`Config::questions`].
    ///
    /// ```no_run
    /// use opencode::client::{Client, Config, PermissionReply, RequestPolicy, SendOptions, SendUpdate};
    ///
    /// let client = Client::connect(Config::from_env())?;
    /// let options = SendOptions::new().permissions(RequestPolicy::HandOver);
    /// let handle = client.send_async("ses_123", "clean up the build directory", &options)?;
    /// while let Some(update) = handle.next(None) {
    ///     match update {
    ///         SendUpdate::Text(piece) => print!("{}", piece.delta),
    ///         SendUpdate::Permission(request) => {
    ///             let id = request.properties["id"].as_str().unwrap_or_default();
    ///             handle.answer_permission(id, PermissionReply::Once);
    ///         }
    ///         SendUpdate::Finished(result) => println!("\n({} parts)", result?.parts.len()),
    ///         _ => {}
    ///     }
    /// }
    /// # Ok::<(), opencode::client::Error>(())
    /// ```
    pub fn send_async(
        &self,
        session_id: &str,
        prompt: impl Into<Prompt>,
        options: &SendOptions,
    ) -> Result<SendHandle, Error> {
        let request = self.message_request("session.prompt", session_id, prompt.into(), options)?;
        let message = Message {
            session_id: session_id.to_owned(),
            request,
            expect_reply: !options.no_reply,
            permissions: options.permissions.unwrap_or(self.permissions),
            questions: options.questions.unwrap_or(self.questions),
        };
        SendHandle::start(self.hub()?, message)
    }

    /// Opens the server's event stream (`GET /global/event`); see [`EventStream`].
    /// Returns once the stream is open; it then reconnects by itself and
    /// hands over a [`RECONNECTED`] event (or [`DISCONNECTED`] when the
    /// server went away).
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use opencode::client::{Client, Config, EventOptions};
    ///
    /// let client = Client::connect(Config::from_env())?;
    /// let stream = client.events(EventOptions::default().session("ses_123"))?;
    /// while let Some(event) = stream.next(Some(Duration::from_secs(60))) {
    ///     let event = event?;
    ///     println!("{} {}", event.kind, event.properties);
    ///     if event.kind == "session.idle" {
    ///         break;
    ///     }
    /// }
    /// # Ok::<(), opencode::client::Error>(())
    /// ```
    pub fn events(&self, options: EventOptions) -> Result<EventStream, Error> {
        EventStream::open(self.hub()?, Endpoint::global(), options)
    }

    /// A descriptor that is readable while any stream or background send of
    /// this client (and its clones) has something to deliver, for event loops
    /// that wait on many at once; take what waits with each one's `try_next`.
    /// Valid for as long as the client, its clones, streams or handles live.
    pub fn fd(&self) -> Result<std::os::fd::RawFd, Error> {
        Ok(self.hub()?.inner().beacon.fd())
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
        let mut params = params([("requestID", request_id), ("reply", reply.as_str())]);
        if let Some(message) = message {
            params.insert("message".into(), Value::String(message.to_owned()));
        }
        self.typed("permission.reply", params)
    }

    /// Answers a question the AI asked (`question.asked`): one list of chosen
    /// labels per question.
    pub fn reply_question(&self, request_id: &str, answers: &[Vec<String>]) -> Result<bool, Error> {
        let mut params = params([("requestID", request_id)]);
        params.insert("answers".into(), serde_json::json!(answers));
        self.typed("question.reply", params)
    }

    /// Refuses to answer a question the AI asked.
    pub fn reject_question(&self, request_id: &str) -> Result<bool, Error> {
        self.typed("question.reject", params([("requestID", request_id)]))
    }

    /// Appends text to the prompt of the TUI attached to the server.
    pub fn tui_append_prompt(&self, text: &str) -> Result<bool, Error> {
        self.typed("tui.appendPrompt", params([("text", text)]))
    }

    /// Submits the TUI's prompt, as pressing enter would.
    pub fn tui_submit_prompt(&self) -> Result<bool, Error> {
        self.typed("tui.submitPrompt", Map::new())
    }

    pub fn tui_clear_prompt(&self) -> Result<bool, Error> {
        self.typed("tui.clearPrompt", Map::new())
    }

    pub fn tui_show_toast(&self, toast: &Toast) -> Result<bool, Error> {
        self.typed("tui.showToast", fields(toast, "encode the toast")?)
    }

    /// Performs any operation of the API by its `operationId` (see
    /// [`operations`] and docs/operations.md), with its parameters as one
    /// JSON object named as in the spec: path, query and body fields alike.
    /// `directory`, `workspace` and `location` default from the [`Config`].
    ///
    /// The answer is the decoded JSON; `Value::Null` for an operation that
    /// answers with no content; a string for text. A mistake in the
    /// parameters (an unknown operation or parameter, a missing required
    /// one, a wrong type) is an error of kind [`ErrorKind::Config`], and
    /// nothing is sent.
    ///
    /// ```no_run
    /// use opencode::client::{Client, Config};
    /// use serde_json::json;
    ///
    /// let client = Client::connect(Config::with_url("http://127.0.0.1:4096"))?;
    /// let messages = client.call("session.messages", json!({ "sessionID": "ses_123", "limit": 10 }))?;
    /// for message in messages.as_array().into_iter().flatten() {
    ///     println!("{}: {}", message["info"]["role"], message["parts"].as_array().map_or(0, Vec::len));
    /// }
    /// client.call("session.update", json!({ "sessionID": "ses_123", "title": "renamed" }))?;
    /// # Ok::<(), opencode::client::Error>(())
    /// ```
    pub fn call(&self, operation_id: &str, params: Value) -> Result<Value, Error> {
        let (op, request, session) = self.prepare_call(operation_id, params)?;
        let answer = self.perform_watched(&request, session.as_deref())?;
        match op.response {
            Response::Json | Response::Boolean => self.origin.decode(&request.path, answer.status, &answer.bytes),
            Response::NoContent => Ok(Value::Null),
            Response::Text => Ok(Value::String(String::from_utf8_lossy(&answer.bytes).into_owned())),
            Response::Binary => String::from_utf8(answer.bytes).map(Value::String).map_err(|_| {
                let message = format!(
                    "{} answered with bytes that are not text: use Client::call_bytes",
                    op.id
                );
                Error::new(ErrorKind::Decode, Some(answer.status.as_u16()), message)
            }),
            Response::EventStream { .. } => unreachable!("prepare_call refuses streams"),
        }
    }

    /// Like [`Client::call`], but the body of the answer as it came, unread:
    /// for operations that answer with bytes (`v2.fs.read`).
    pub fn call_bytes(&self, operation_id: &str, params: Value) -> Result<Vec<u8>, Error> {
        let (_, request, session) = self.prepare_call(operation_id, params)?;
        Ok(self.perform_watched(&request, session.as_deref())?.bytes)
    }

    /// Opens an operation that answers with an event stream (`global.event`,
    /// `event.subscribe`, `v2.event.subscribe`, `v2.session.events`), as
    /// [`Client::events`] opens `global.event`. A stream that does not greet
    /// (`v2.session.events`) opens in the background: a failure to open is
    /// then what its first [`EventStream::next`] returns.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use opencode::client::{Client, Config, EventOptions};
    /// use serde_json::json;
    ///
    /// let client = Client::connect(Config::with_url("http://127.0.0.1:4096"))?;
    /// let stream = client.open_stream("v2.session.events", json!({ "sessionID": "ses_123" }), EventOptions::default())?;
    /// while let Some(event) = stream.next(Some(Duration::from_secs(30))) {
    ///     println!("{}", event?.kind);
    /// }
    /// # Ok::<(), opencode::client::Error>(())
    /// ```
    pub fn open_stream(&self, operation_id: &str, params: Value, options: EventOptions) -> Result<EventStream, Error> {
        let op = Operation::find(operation_id).ok_or_else(|| unknown_operation(operation_id))?;
        let request = self.prepare(op, object(params)?).map_err(|e| bad_params(op, e))?;
        let Response::EventStream { greets } = op.response else {
            return Err(invalid(format!(
                "{} does not answer with an event stream: use Client::call",
                op.id
            )));
        };
        self.stream(&request, greets, options)
    }

    /// Any request, for what the operation table does not have (a newer
    /// server's endpoints). `path` is a template whose `{name}` segments are
    /// filled, escaped, from `options`. The answer is read by its content
    /// type: JSON decoded, `Value::Null` for none, a string for anything else.
    /// A GET is retried once after a broken connection, like every read.
    ///
    /// ```no_run
    /// use opencode::client::{Client, Config, RequestOptions};
    ///
    /// let client = Client::connect(Config::with_url("http://127.0.0.1:4096"))?;
    /// let options = RequestOptions::new().path("sessionID", "ses_123").query("limit", "5");
    /// let messages = client.request("GET", "/session/{sessionID}/message", options)?;
    /// # Ok::<(), opencode::client::Error>(())
    /// ```
    pub fn request(&self, method: &str, path: &str, options: RequestOptions) -> Result<Value, Error> {
        let request = self.prepare_request(method, path, options)?;
        let answer = self.perform(&request)?;
        answer.value(&self.origin, &request)
    }

    /// An operation's request, checked against the spec: the error says what is wrong.
    pub(crate) fn prepare(&self, op: &Operation, params: Map<String, Value>) -> Result<HttpRequest, String> {
        self.origin.prepare(op, params)
    }

    /// [`Client::request`]'s request, before it is sent.
    pub(crate) fn prepare_request(
        &self,
        method: &str,
        path: &str,
        options: RequestOptions,
    ) -> Result<HttpRequest, Error> {
        let method = parse_method(method)?;
        let mut used = Vec::new();
        let filled = operation::fill_template(path, |name| {
            used.push(name.to_owned());
            options.path.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
        })
        .map_err(|e| invalid(e.replace("parameter", "path value")))?;
        if let Some((name, _)) = options.path.iter().find(|(n, _)| !used.contains(n)) {
            return Err(invalid(format!(
                "path value '{}' has no {{{}}} in {path:?}",
                operation::shorten(name),
                operation::shorten(name)
            )));
        }
        Ok(HttpRequest {
            retry: method == Method::GET,
            method,
            path: filled,
            query: options.query,
            body: options.body,
            timeout: Some(options.timeout.unwrap_or(self.origin.timeout)),
        })
    }

    /// Sends a prepared request; a GET whose connection broke is tried once more.
    pub(crate) fn perform(&self, request: &HttpRequest) -> Result<Answer, Error> {
        let once = || self.block_on(self.origin.exchange(&self.http, request));
        // A GET changes nothing on the server, so one broken connection (a
        // reset, a keep-alive connection the server had just closed) is worth
        // one more try. Anything that carries a prompt is never retried.
        match once() {
            Err(e) if request.retry && e.kind() == ErrorKind::Connect && e.status().is_none() => once(),
            other => other,
        }
    }

    /// Opens a prepared event-stream request.
    pub(crate) fn stream(
        &self,
        request: &HttpRequest,
        greets: bool,
        options: EventOptions,
    ) -> Result<EventStream, Error> {
        EventStream::open(self.hub()?, Endpoint::of(request, greets), options)
    }

    /// Decodes an answer to a JSON operation.
    pub(crate) fn decode_json(&self, request: &HttpRequest, answer: &Answer) -> Result<Value, Error> {
        self.origin.decode(&request.path, answer.status, &answer.bytes)
    }

    /// An operation's request, and the session to watch while it runs: an
    /// operation that waits for the AI (a prompt, a command, a shell run)
    /// must not wait forever on a permission request or a question.
    fn prepare_call(
        &self,
        operation_id: &str,
        params: Value,
    ) -> Result<(&'static Operation, HttpRequest, Option<String>), Error> {
        let op = Operation::find(operation_id).ok_or_else(|| unknown_operation(operation_id))?;
        if let Response::EventStream { .. } = op.response {
            return Err(invalid(format!(
                "{} answers with an event stream: use Client::open_stream",
                op.id
            )));
        }
        let params = object(params)?;
        let session = watched_session(op, &params);
        let request = self.prepare(op, params).map_err(|e| bad_params(op, e))?;
        Ok((op, request, session))
    }

    /// [`Client::perform`], with `session` watched meanwhile for permission
    /// requests and questions, which are refused (the call then fails with
    /// [`ErrorKind::Permission`] or [`ErrorKind::Question`]) or left to
    /// someone else, as the client's policies say.
    pub(crate) fn perform_watched(&self, request: &HttpRequest, session: Option<&str>) -> Result<Answer, Error> {
        let Some(session) = session else {
            return self.perform(request);
        };
        if self.permissions == RequestPolicy::Leave && self.questions == RequestPolicy::Leave {
            return self.perform(request);
        }
        let watch = SessionWatch::start(&*self.hub()?, session, self.permissions, self.questions);
        watch.finish(self.perform(request))
    }

    /// A typed method: an operation of the table, its JSON answer read as `T`.
    fn typed<T: DeserializeOwned>(&self, id: &str, params: Map<String, Value>) -> Result<T, Error> {
        let op = Operation::find(id).unwrap_or_else(|| panic!("{id} is in the operation table"));
        let request = self.prepare(op, params).map_err(|e| bad_params(op, e))?;
        let answer = self.perform(&request)?;
        self.origin.decode(&request.path, answer.status, &answer.bytes)
    }

    fn message_request(
        &self,
        id: &str,
        session_id: &str,
        prompt: Prompt,
        options: &SendOptions,
    ) -> Result<HttpRequest, Error> {
        let mut params = fields(&MessageBody::new(prompt, options), "encode the message")?;
        params.insert("sessionID".into(), Value::String(session_id.to_owned()));
        let op = Operation::find(id).unwrap_or_else(|| panic!("{id} is in the operation table"));
        self.prepare(op, params).map_err(|e| bad_params(op, e))
    }

    /// Runs `future` on this thread. The first yield lets the connections'
    /// own tasks catch up on what happened while no call was running (a server
    /// closing an idle keep-alive connection, say) before a request picks one.
    /// All of a call's socket I/O happens in here, on the caller's thread,
    /// shielded from SIGPIPE (see crate::sigpipe), and a probe the caller's
    /// host installed (see [`interrupt`]) can end the wait.
    fn block_on<T>(&self, future: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
        crate::sigpipe::shielded(|| {
            self.runtime.block_on(async {
                tokio::task::yield_now().await;
                if !interrupt::probing() {
                    return future.await;
                }
                tokio::select! {
                    result = future => result,
                    _ = interrupt::requested() => Err(interrupt::error()),
                }
            })
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
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
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

    pub(crate) fn endpoint(&self, path: &str) -> Result<Url, Error> {
        self.base
            .join(path)
            .map_err(|e| Error::new(ErrorKind::Config, None, format!("invalid path {path:?}: {e}")))
    }

    /// An operation's request: its parameters checked and placed, the
    /// client's defaults filled in, the bound its kind of wait takes.
    pub(crate) fn prepare(&self, op: &Operation, mut params: Map<String, Value>) -> Result<HttpRequest, String> {
        let takes = |name: &str| op.param(name).is_some_and(|p| p.place == Place::Query);
        let mut default = |name: &str, value: Option<&String>| {
            if let (true, Some(value), false) = (takes(name), value, params.contains_key(name)) {
                params.insert(name.to_owned(), Value::String(value.clone()));
            }
        };
        default("directory", self.directory.as_ref());
        default("workspace", self.workspace.as_ref());
        if takes("location") && !params.contains_key("location") {
            let mut location = Map::new();
            if let Some(directory) = &self.directory {
                location.insert("directory".into(), Value::String(directory.clone()));
            }
            if let Some(workspace) = &self.workspace {
                location.insert("workspace".into(), Value::String(workspace.clone()));
            }
            if !location.is_empty() {
                params.insert("location".into(), Value::Object(location));
            }
        }
        let parts = op.parts(&params)?;
        let timeout = match op.timeout {
            operation::Timeout::Call => Some(self.timeout),
            operation::Timeout::Send => self.send_timeout,
        };
        Ok(HttpRequest {
            method: Method::from_bytes(op.method.as_bytes()).expect("the table's methods are HTTP methods"),
            path: parts.path,
            query: parts.query,
            body: parts.body,
            timeout,
            retry: op.retry_safe,
        })
    }

    /// The URL of a path relative to the base, with a query.
    pub(crate) fn url_of(&self, path: &str, query: &[(String, String)]) -> Result<Url, Error> {
        let mut url = self.endpoint(path)?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }

    /// One request and its whole answer; statuses other than 2xx become errors.
    pub(crate) async fn exchange(&self, http: &reqwest::Client, request: &HttpRequest) -> Result<Answer, Error> {
        let url = self.url_of(&request.path, &request.query)?;
        let what = format!("{} /{}", request.method, request.path);
        let timeout = request.timeout;
        let mut builder = http.request(request.method.clone(), url);
        if let Some(timeout) = timeout {
            builder = builder.timeout(timeout);
        }
        if let Some(body) = &request.body {
            // `Value`'s Display is serde_json's compact encoding, compiled in
            // serde_json itself and so optimised in debug builds too (see
            // Cargo.toml); `to_vec` would be compiled here, unoptimised.
            builder = builder.header(CONTENT_TYPE, "application/json").body(body.to_string());
        }
        let mut response = builder
            .send()
            .await
            .map_err(|e| self.transport_error(&what, &e, timeout))?;
        let status = response.status();
        let failed = |e: reqwest::Error| self.transport_error(&what, &e, timeout);
        if !status.is_success() {
            let (start, _) = read_at_most(&mut response, MESSAGE_BYTES).await.map_err(failed)?;
            return Err(self.status_error(&what, status, &start));
        }
        let limit = self.max_response_bytes;
        let announced = response.content_length();
        if announced.is_some_and(|length| length > limit as u64) {
            return Err(self.too_large(&what, status, announced));
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        match read_at_most(&mut response, limit).await.map_err(failed)? {
            (bytes, true) => Ok(Answer {
                status,
                content_type,
                bytes,
            }),
            (_, false) => Err(self.too_large(&what, status, None)),
        }
    }

    pub(crate) fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }

    /// An event on the stream at `path` larger than `max_response_bytes`.
    pub(crate) fn event_too_large(&self, path: &str) -> Error {
        let message = format!(
            "opencode server at {} sent an event over the limit of {} on GET /{path} - raise max_response_bytes in the client's options if such events are expected",
            self.display_url,
            format_size(self.max_response_bytes as u64)
        );
        Error::new(ErrorKind::TooLarge, Some(200), message)
    }

    /// A successful answer larger than `max_response_bytes`; `length` is its
    /// size when the server announced one.
    fn too_large(&self, what: &str, status: StatusCode, length: Option<u64>) -> Error {
        let limit = format_size(self.max_response_bytes as u64);
        let size = match length {
            Some(length) if length >= 1024 => format!("{} ({length} bytes)", format_size(length)),
            Some(length) => format!("{length} bytes"),
            None => format!("more than {limit}"),
        };
        let message = format!(
            "opencode server at {} answered {what} with {size}, over the limit of {limit} - raise max_response_bytes in the client's options if such answers are expected",
            self.display_url
        );
        Error::new(ErrorKind::TooLarge, Some(status.as_u16()), message)
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

/// A single-threaded runtime, for the caller's thread or a worker of ours.
/// Threads it starts itself (the blocking pool that resolves host names)
/// block SIGPIPE like every thread of ours (see crate::sigpipe).
pub(crate) fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .on_thread_start(crate::sigpipe::block_for_this_thread)
        .build()
}

/// The session to watch while `op` runs with `params`: only operations that
/// wait for the AI can wait on a permission request or a question.
pub(crate) fn watched_session(op: &Operation, params: &Map<String, Value>) -> Option<String> {
    match op.timeout {
        Timeout::Send => params.get("sessionID").and_then(Value::as_str).map(str::to_owned),
        Timeout::Call => None,
    }
}

/// The first `limit` bytes of a body, and whether that was all of it. Reading
/// stops there, so a server cannot make us hold more than `limit` bytes.
pub(crate) async fn read_at_most(
    response: &mut reqwest::Response,
    limit: usize,
) -> Result<(Vec<u8>, bool), reqwest::Error> {
    // An announced length within the limit is allocated at once rather than
    // grown into (a 50 MiB reply would otherwise be copied several times).
    let announced = response.content_length().unwrap_or(0).min(limit as u64);
    let mut bytes = Vec::with_capacity(announced as usize);
    while let Some(chunk) = response.chunk().await? {
        let room = limit - bytes.len();
        if chunk.len() > room {
            bytes.extend_from_slice(&chunk[..room]);
            return Ok((bytes, false));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok((bytes, true))
}

/// "64 MiB", "1.5 KiB", "300 bytes".
fn format_size(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            let value = bytes as f64 / size as f64;
            return if bytes.is_multiple_of(size) {
                format!("{} {unit}", bytes / size)
            } else {
                format!("{value:.1} {unit}")
            };
        }
    }
    format!("{bytes} bytes")
}

pub(crate) fn decode_error(what: &str, error: &serde_json::Error) -> Error {
    Error::new(ErrorKind::Decode, None, format!("could not {what}: {error}"))
}

/// A caller's mistake: nothing was sent.
fn invalid(message: String) -> Error {
    Error::new(ErrorKind::Config, None, message)
}

fn unknown_operation(id: &str) -> Error {
    let hint = Operation::find_by_name(id)
        .map(|op| format!(" (the operationId of {id} is {:?})", op.id))
        .unwrap_or_default();
    invalid(format!("unknown operation {:?}{hint}", operation::shorten(id)))
}

fn bad_params(op: &Operation, detail: String) -> Error {
    invalid(format!("{}: {detail}", op.id))
}

/// The parameters of [`Client::call`]: a JSON object, or null for none.
fn object(params: Value) -> Result<Map<String, Value>, Error> {
    match params {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        other => Err(invalid(format!(
            "the parameters must be a JSON object, not {}",
            match other {
                Value::Array(_) => "an array",
                Value::String(_) => "a string",
                Value::Number(_) => "a number",
                _ => "a boolean",
            }
        ))),
    }
}

/// Parameters from name-value pairs of strings.
fn params<const N: usize>(pairs: [(&str, &str); N]) -> Map<String, Value> {
    pairs
        .into_iter()
        .map(|(name, value)| (name.to_owned(), Value::String(value.to_owned())))
        .collect()
}

/// Parameters from a serializable body: its fields.
fn fields<T: Serialize>(body: &T, what: &str) -> Result<Map<String, Value>, Error> {
    match serde_json::to_value(body).map_err(|e| decode_error(what, &e))? {
        Value::Object(map) => Ok(map),
        _ => Err(invalid(format!("could not {what}: not an object"))),
    }
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
