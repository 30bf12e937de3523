//! The two things that run in the background: an [`EventStream`] watching the
//! event bus, and a [`SendHandle`] following one message until its reply is
//! complete.
//!
//! Each owns one thread running a single-threaded tokio runtime, so that a
//! silent connection can be timed out and a close takes effect at once.
//! Closing or dropping the owner stops the thread and waits for it: nothing
//! keeps running after its owner is gone. Results travel back through a
//! [`notify`](super::notify) queue whose descriptor event loops can wait on.

use std::future::Future;
use std::os::fd::RawFd;
use std::thread::JoinHandle;
use std::time::Duration;

use std::sync::Arc;

use reqwest::header::ACCEPT;
use reqwest::Method;
use serde_json::{Map, Value};
use tokio::sync::oneshot;
use tokio::time::{sleep, timeout, Instant};

use super::events::{Event, EventDecoder, EventOptions, RECONNECTED};
use super::notify::{self, Receiver, Sender};
use super::operation::Operation;
use super::reply_text::{ReplyText, TextDelta};
use super::wire::MESSAGE_BYTES;
use super::{read_at_most, Error, ErrorKind, HttpRequest, Origin, Reply};

const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// After the reply arrived, how long to wait for the session to report idle,
/// so the last text deltas (which travel on another connection) are not cut off.
const IDLE_GRACE: Duration = Duration::from_secs(2);
/// How long a stopped send waits for the server to acknowledge its abort.
const ABORT_WAIT: Duration = Duration::from_secs(2);
/// How long stopping waits for the thread to end. A thread still busy past it
/// (an abort to an unresponsive server) is left to finish on its own: an
/// interpreter closing its state must not hang on a server. The library stays
/// loaded until the process ends (see `pin_in_memory` in lib.rs), so that is safe.
const STOP_WAIT: Duration = Duration::from_secs(3);

/// A background thread with its own runtime, stopped and joined on drop.
struct Worker {
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    /// Disconnects when the thread's body has returned.
    finished: std::sync::mpsc::Receiver<()>,
}

impl Worker {
    fn spawn<F, Fut>(name: &str, body: F) -> Result<Worker, Error>
    where
        F: FnOnce(oneshot::Receiver<()>) -> Fut + Send + 'static,
        Fut: Future<Output = ()>,
    {
        let (stop, stopped) = oneshot::channel();
        let runtime = super::runtime()
            .map_err(|e| Error::new(ErrorKind::Config, None, format!("cannot start a runtime: {e}")))?;
        let (done, finished) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                // Every write of this thread is ours: a SIGPIPE it raises must
                // not reach the process (see crate::sigpipe).
                crate::sigpipe::block_for_this_thread();
                let _done = done;
                runtime.block_on(body(stopped))
            })
            .map_err(|e| Error::new(ErrorKind::Config, None, format!("cannot start a thread: {e}")))?;
        Ok(Worker {
            stop: Some(stop),
            thread: Some(thread),
            finished,
        })
    }

    fn stop(&mut self) {
        self.stop.take();
        if let Some(thread) = self.thread.take() {
            if let Err(std::sync::mpsc::RecvTimeoutError::Disconnected) = self.finished.recv_timeout(STOP_WAIT) {
                let _ = thread.join();
            }
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stop();
    }
}

fn queue<T>() -> Result<(Sender<T>, Receiver<T>), Error> {
    notify::channel().map_err(|e| Error::new(ErrorKind::Config, None, format!("cannot create a pipe: {e}")))
}

/// Which event stream to hold open.
#[derive(Clone, Debug)]
pub(crate) struct Subscription {
    /// Relative to the base URL, escaped.
    pub path: String,
    pub query: Vec<(String, String)>,
    /// The stream opens with `server.connected` and sends heartbeats (see
    /// [`Response::EventStream`](super::operation::Response::EventStream)).
    pub greets: bool,
}

impl Subscription {
    /// `GET /global/event`: every event of every project.
    pub(crate) fn global() -> Subscription {
        Subscription {
            path: "global/event".into(),
            query: Vec::new(),
            greets: true,
        }
    }
}

/// Opens an event stream. One that greets is open once its first event
/// (`server.connected`) arrived, so that whatever happens after this returns
/// is seen by the stream; the events that came in the same read are returned
/// (the caller's filter drops the housekeeping). One that does not greet
/// sends its headers only with its first event, so nothing bounds that wait.
async fn subscribe(
    origin: &Origin,
    http: &reqwest::Client,
    decoder: &mut EventDecoder,
    subscription: &Subscription,
) -> Result<(reqwest::Response, Vec<Event>), Error> {
    let what = format!("GET /{}", subscription.path);
    let url = origin.url_of(&subscription.path, &subscription.query)?;
    let mut request = http.request(Method::GET, url).header(ACCEPT, "text/event-stream");
    if let Some(id) = decoder.last_event_id() {
        request = request.header("Last-Event-ID", id);
    }
    let limit = origin.timeout();
    let timed_out = || {
        Error::new(
            ErrorKind::Timeout,
            None,
            format!(
                "opencode server at {} did not open the event stream within {}s",
                origin.url(),
                limit.as_secs_f64()
            ),
        )
    };
    let sent = if subscription.greets {
        timeout(limit, request.send()).await.map_err(|_| timed_out())?
    } else {
        request.send().await
    };
    let mut response = sent.map_err(|e| origin.transport_error(&what, &e, Some(limit)))?;
    let status = response.status();
    if !status.is_success() {
        let (start, _) = timeout(limit, read_at_most(&mut response, MESSAGE_BYTES))
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default();
        return Err(origin.status_error(&what, status, &start));
    }
    if !subscription.greets {
        return Ok((response, Vec::new()));
    }
    // Wait for the first frame (the server's own `server.connected`); keep
    // whatever else arrived with it.
    let first = timeout(limit, response.chunk()).await.map_err(|_| timed_out())?;
    match first {
        Ok(Some(bytes)) => {
            let events = decoder.push(&bytes).collect();
            Ok((response, events))
        }
        Ok(None) => Err(Error::new(
            ErrorKind::Connect,
            None,
            format!("opencode server at {} closed the event stream at once", origin.url()),
        )),
        Err(e) => Err(origin.transport_error(&what, &e, Some(limit))),
    }
}

/// What the event thread hands over.
enum StreamItem {
    Event(Event),
    Failed(Error),
}

/// A live view of the server's events. Iterate with [`EventStream::next`];
/// [`EventStream::fd`] is readable whenever an event is waiting.
pub struct EventStream {
    queue: Receiver<StreamItem>,
    worker: Worker,
    closed: bool,
}

impl EventStream {
    /// Opens a stream. A stream that does not greet is opened in the
    /// background: a failure to open is then the first thing `next` returns.
    pub(crate) fn open(
        origin: Arc<Origin>,
        subscription: Subscription,
        options: EventOptions,
    ) -> Result<EventStream, Error> {
        let http = origin.http_client()?;
        let (tx, rx) = queue()?;
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let worker = Worker::spawn("opencode-events", move |stopped| {
            watch(origin, http, subscription, options, tx, ready_tx, stopped)
        })?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(EventStream {
                queue: rx,
                worker,
                closed: false,
            }),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(Error::new(
                ErrorKind::Connect,
                None,
                "the event stream stopped before it started",
            )),
        }
    }

    /// The next event, waiting up to `timeout` (`None`: as long as it takes).
    /// `None` when the time ran out or the stream is closed.
    pub fn next(&self, timeout: Option<Duration>) -> Option<Result<Event, Error>> {
        if self.closed {
            return None;
        }
        self.queue.recv_timeout(timeout).map(StreamItem::into_result)
    }

    /// The next event if one is already waiting.
    pub fn try_next(&self) -> Option<Result<Event, Error>> {
        if self.closed {
            return None;
        }
        self.queue.try_recv().map(StreamItem::into_result)
    }

    /// Readable while an event is waiting (and once the stream has ended).
    pub fn fd(&self) -> RawFd {
        self.queue.fd()
    }

    /// Stops the background thread and waits for it. Events still queued
    /// are dropped: further calls to `next` return `None`.
    pub fn close(&mut self) {
        self.closed = true;
        self.worker.stop();
    }

    /// Closed by its owner, or ended by the server (with an error already handed over).
    pub fn is_closed(&self) -> bool {
        self.closed || self.queue.is_finished()
    }
}

impl std::fmt::Debug for EventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream")
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

impl StreamItem {
    fn into_result(self) -> Result<Event, Error> {
        match self {
            StreamItem::Event(event) => Ok(event),
            StreamItem::Failed(error) => Err(error),
        }
    }
}

async fn watch(
    origin: Arc<Origin>,
    http: reqwest::Client,
    subscription: Subscription,
    options: EventOptions,
    tx: Sender<StreamItem>,
    ready: std::sync::mpsc::Sender<Result<(), Error>>,
    mut stopped: oneshot::Receiver<()>,
) {
    let mut decoder = EventDecoder::default();
    if !subscription.greets {
        let _ = ready.send(Ok(()));
    }
    let (mut response, first) = tokio::select! {
        _ = &mut stopped => return,
        opened = subscribe(&origin, &http, &mut decoder, &subscription) => match opened {
            Ok(opened) => opened,
            Err(e) if subscription.greets => {
                let _ = ready.send(Err(e));
                return;
            }
            Err(e) => {
                tx.send(StreamItem::Failed(e));
                return;
            }
        },
    };
    let _ = ready.send(Ok(()));
    // Only a stream that sends heartbeats can be judged dead by its silence.
    let silence = subscription.greets.then_some(options.heartbeat_timeout);
    let mut first = Some(first);
    loop {
        for event in first.take().into_iter().flatten() {
            if options.matches(&event) {
                tx.send(StreamItem::Event(event));
            }
        }
        // Read until the connection drops or falls silent.
        loop {
            let chunk = async {
                match silence {
                    Some(limit) => timeout(limit, response.chunk()).await.ok(),
                    None => Some(response.chunk().await),
                }
            };
            tokio::select! {
                _ = &mut stopped => return,
                chunk = chunk => match chunk {
                    Some(Ok(Some(bytes))) => {
                        for event in decoder.push(&bytes) {
                            if options.matches(&event) {
                                tx.send(StreamItem::Event(event));
                            }
                        }
                    }
                    _ => break,
                },
            }
        }
        // Reconnect with backoff; only an answer that will not change (bad
        // credentials, no such endpoint) ends the stream.
        let mut backoff = decoder.retry().unwrap_or(FIRST_BACKOFF);
        (response, first) = loop {
            tokio::select! {
                _ = &mut stopped => return,
                _ = sleep(backoff) => {}
            }
            tokio::select! {
                _ = &mut stopped => return,
                opened = subscribe(&origin, &http, &mut decoder, &subscription) => match opened {
                    Ok((response, events)) => break (response, Some(events)),
                    Err(e) if matches!(e.kind(), ErrorKind::Auth | ErrorKind::NotFound) => {
                        tx.send(StreamItem::Failed(e));
                        return;
                    }
                    Err(_) => backoff = (backoff * 2).min(MAX_BACKOFF),
                },
            }
        };
        tx.send(StreamItem::Event(Event::synthetic(RECONNECTED)));
    }
}

/// What a [`SendHandle`] reports, in the order it happened.
#[derive(Debug)]
pub enum SendUpdate {
    /// New text of the reply.
    Text(TextDelta),
    /// The AI asks for a permission (`permission.asked`); answer it with
    /// [`Client::reply_permission`](super::Client::reply_permission) or the session waits.
    Permission(Event),
    /// Any event of the session (text deltas and permission requests included).
    Event(Event),
    /// The reply is complete: the same result [`Client::send`](super::Client::send) gives.
    Finished(Result<Reply, Error>),
}

/// A message being answered in the background. Take its updates with
/// [`SendHandle::next`] until [`SendUpdate::Finished`]. Dropping an unfinished
/// handle aborts the generation on the server.
pub struct SendHandle {
    queue: Receiver<SendUpdate>,
    worker: Worker,
    session_id: String,
}

impl SendHandle {
    /// `request` is the message's `session.prompt`, ready to post.
    pub(crate) fn start(
        origin: Arc<Origin>,
        session_id: String,
        request: HttpRequest,
        expect_reply: bool,
        heartbeat: Duration,
    ) -> Result<SendHandle, Error> {
        let http = origin.http_client()?;
        let (tx, rx) = queue()?;
        let message = Message {
            session_id: session_id.clone(),
            request,
            expect_reply,
        };
        let worker = Worker::spawn("opencode-send", move |stopped| {
            follow(origin, http, message, heartbeat, tx, stopped)
        })?;
        Ok(SendHandle {
            queue: rx,
            worker,
            session_id,
        })
    }

    /// The next update, waiting up to `timeout` (`None`: as long as it takes).
    /// `None` when the time ran out, or after `Finished` was taken.
    pub fn next(&self, timeout: Option<Duration>) -> Option<SendUpdate> {
        self.queue.recv_timeout(timeout)
    }

    pub fn try_next(&self) -> Option<SendUpdate> {
        self.queue.try_recv()
    }

    /// Readable while an update is waiting.
    pub fn fd(&self) -> RawFd {
        self.queue.fd()
    }

    pub fn session_id(&self) -> &str {
        &self.session_id
    }

    /// Stops following the reply; an unfinished generation is aborted on the
    /// server first. Waits for the background thread to end.
    pub fn cancel(&mut self) {
        self.worker.stop();
    }
}

/// The message a [`SendHandle`] sends.
struct Message {
    session_id: String,
    request: HttpRequest,
    expect_reply: bool,
}

async fn follow(
    origin: Arc<Origin>,
    http: reqwest::Client,
    message: Message,
    heartbeat: Duration,
    tx: Sender<SendUpdate>,
    mut stopped: oneshot::Receiver<()>,
) {
    let Message {
        session_id,
        request,
        expect_reply,
    } = message;
    let global = Subscription::global();
    let filter = EventOptions::default().session(session_id.clone());
    let mut decoder = EventDecoder::default();
    // Subscribe before sending, so no delta is published before we listen.
    let (mut events, mut pending) = tokio::select! {
        _ = &mut stopped => return,
        opened = subscribe(&origin, &http, &mut decoder, &global) => match opened {
            Ok((response, first)) => (Some(response), first),
            Err(e) => {
                tx.send(SendUpdate::Finished(Err(e)));
                return;
            }
        },
    };
    let post = post_message(&origin, &http, &request, expect_reply);
    tokio::pin!(post);
    let mut text = ReplyText::default();
    let mut result: Option<Result<Reply, Error>> = None;
    let mut idle = false;
    let mut grace_until: Option<Instant> = None;
    let mut backoff = FIRST_BACKOFF;
    loop {
        for event in pending.drain(..) {
            if filter.matches(&event) {
                for delta in text.on_event(&event) {
                    tx.send(SendUpdate::Text(delta));
                }
                if event.kind == "permission.asked" {
                    tx.send(SendUpdate::Permission(event.clone()));
                }
                idle |= event.kind == "session.idle";
                tx.send(SendUpdate::Event(event));
            }
        }
        if idle && result.is_some() {
            break;
        }
        let reading = async {
            match events.as_mut() {
                Some(response) => timeout(heartbeat, response.chunk())
                    .await
                    .ok()
                    .and_then(Result::ok)
                    .flatten(),
                None => None,
            }
        };
        tokio::select! {
            _ = &mut stopped => {
                if result.is_none() {
                    // The owner gave up: stop the AI too. The POST itself is
                    // dropped: the abort is what ends the generation.
                    let _ = abort(&origin, &http, &session_id).await;
                }
                return;
            }
            reply = &mut post, if result.is_none() => {
                result = Some(reply);
                grace_until = Some(Instant::now() + IDLE_GRACE);
                if idle || events.is_none() {
                    break;
                }
            }
            _ = sleep_until_or_forever(grace_until) => break,
            chunk = reading => match chunk {
                // Handed over at the top of the loop.
                Some(bytes) => pending.extend(decoder.push(&bytes)),
                None => {
                    // The event connection dropped or fell silent: the reply
                    // itself still comes on the POST; reconnect for the rest.
                    events = None;
                    if result.is_some() {
                        break;
                    }
                    tokio::select! {
                        _ = sleep(backoff) => {}
                        _ = &mut stopped => {
                            let _ = abort(&origin, &http, &session_id).await;
                            return;
                        }
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    if let Ok((response, first)) = subscribe(&origin, &http, &mut decoder, &global).await {
                        events = Some(response);
                        tx.send(SendUpdate::Event(Event::synthetic(RECONNECTED)));
                        pending = first;
                    }
                }
            },
        }
    }
    let result = match result {
        Some(result) => result,
        None => post.await,
    };
    tx.send(SendUpdate::Finished(result));
}

async fn sleep_until_or_forever(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

async fn post_message(
    origin: &Origin,
    http: &reqwest::Client,
    request: &HttpRequest,
    expect_reply: bool,
) -> Result<Reply, Error> {
    let answer = origin.exchange(http, request).await?;
    let reply: Reply = origin.decode(&request.path, answer.status, &answer.bytes)?;
    reply.into_result(expect_reply)
}

async fn abort(origin: &Origin, http: &reqwest::Client, session_id: &str) -> Result<(), Error> {
    let op = Operation::find("session.abort").expect("session.abort is in the operation table");
    let mut params = Map::new();
    params.insert("sessionID".into(), Value::String(session_id.to_owned()));
    let mut request = origin
        .prepare(op, params)
        .map_err(|e| Error::new(ErrorKind::Config, None, e))?;
    request.timeout = Some(origin.timeout().min(ABORT_WAIT));
    origin.exchange(http, &request).await.map(|_| ())
}
