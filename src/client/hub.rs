//! Where a client's background work runs: one thread with one single-threaded
//! runtime, started on first use and shared by the client's clones, and one
//! `GET /global/event` subscription whose frames are parsed once and handed to
//! every subscriber whose filter they pass. Event streams and background sends
//! are subscribers and tasks here, not threads of their own, so a thousand
//! pending sends cost one thread. The other event-stream operations
//! (`event.subscribe`, `v2.session.events`, ...) take parameters, so each such
//! stream is a feed of its own with a connection of its own, on the same
//! runtime and with the same reconnection.
//!
//! The subscription reconnects with backoff for as long as anyone listens
//! (and a little longer, so back-to-back sends reuse it). opencode 1.18.33
//! sends `server.connected` before it listens to its own bus, so events
//! published just after a (re)connection can be lost: while sends are
//! pending, the hub asks for the pending permission and question requests a
//! few times shortly after each connection and hands them to the sends as if
//! their `*.asked` events had arrived (the sends ignore ids they have seen).

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use reqwest::header::ACCEPT;
use reqwest::Method;
use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot, watch, Notify};
use tokio::time::{sleep, sleep_until, timeout, Instant};

use super::events::{Event, EventDecoder, EventOptions, DISCONNECTED, RECONNECTED};
use super::notify;
use super::wire::MESSAGE_BYTES;
use super::{read_at_most, Error, ErrorKind, HttpRequest, Origin};

const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// A connection that lasted this long was a good one: the next loss starts
/// the backoff over. One that drops sooner (a server that answers and hangs
/// up) backs off like a failed attempt.
const STABLE: Duration = Duration::from_secs(5);
/// How long the subscription stays open after its last subscriber left.
const LINGER: Duration = Duration::from_secs(10);
/// When, after each connection, pending requests are asked for.
const REQUEST_POLLS: [Duration; 3] = [
    Duration::from_millis(200),
    Duration::from_millis(800),
    Duration::from_secs(2),
];
/// How long the thread lets unfinished tasks (the aborts of dropped sends)
/// run once everything that used the hub is gone.
const STOP_WAIT: Duration = Duration::from_secs(3);

/// What an event stream receives.
pub(crate) enum StreamItem {
    Event(Event),
    /// The stream has ended for good (bad credentials, no event endpoint).
    Failed(Error),
}

/// Where a subscriber's events go.
pub(crate) enum Sink {
    /// An event stream's queue, read by its owner's thread.
    Stream(notify::Sender<StreamItem>),
    /// A background send's task on the hub.
    Send(mpsc::UnboundedSender<Event>),
}

struct Subscriber {
    filter: EventOptions,
    sink: Sink,
}

/// The state of the subscription, as subscribers wait on it.
#[derive(Clone, Debug)]
pub(crate) enum Link {
    /// Connecting, or reconnecting after a loss.
    Connecting,
    Up,
    /// The last attempt failed with this error.
    Down(Error),
}

/// The link, how many times it has come up (a connection that comes up and
/// drops at once still counts) and how many attempts have started.
#[derive(Clone, Debug)]
struct LinkState {
    link: Link,
    ups: u64,
    attempts: u64,
}

/// Where the link stood when a subscriber came: what it waits for is news
/// after that.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Since {
    ups: u64,
    attempts: u64,
}
/// Which event stream a feed holds open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// Relative to the base URL, escaped.
    pub path: String,
    pub query: Vec<(String, String)>,
    /// The stream opens with `server.connected` and sends heartbeats (see
    /// [`Response::EventStream`](super::operation::Response::EventStream)).
    pub greets: bool,
}

impl Endpoint {
    /// `GET /global/event`: every event of every project.
    pub(crate) fn global() -> Endpoint {
        Endpoint {
            path: "global/event".into(),
            query: Vec::new(),
            greets: true,
        }
    }

    /// The stream a prepared event-stream request opens.
    pub(crate) fn of(request: &HttpRequest, greets: bool) -> Endpoint {
        Endpoint {
            path: request.path.clone(),
            query: request.query.clone(),
            greets,
        }
    }
}

/// The client's side of the hub. Dropping the last one (clients, streams and
/// handles each hold one) ends the thread once its remaining tasks are done.
pub(crate) struct Hub {
    inner: Arc<Inner>,
    runtime: tokio::runtime::Handle,
    _stop: oneshot::Sender<()>,
}

/// What the hub's tasks share.
pub(crate) struct Inner {
    pub(crate) origin: Arc<Origin>,
    /// Every request the hub makes goes through this one client (a connection
    /// belongs to the runtime it was made on).
    pub(crate) http: reqwest::Client,
    /// The `GET /global/event` subscription that sends and `events()` share.
    pub(crate) global: Arc<Feed>,
    /// Tasks other than the subscriptions, which the thread lets finish.
    tasks: AtomicUsize,
    /// Readable while any stream or send of the client has something to deliver.
    pub(crate) beacon: Arc<notify::Beacon>,
}

/// One event stream held open for its subscribers.
pub(crate) struct Feed {
    endpoint: Endpoint,
    /// How long the connection stays open after its last subscriber left.
    linger: Duration,
    state: Mutex<State>,
    /// Subscribers came or went: the subscription task looks again.
    changed: Notify,
    link: watch::Sender<LinkState>,
}

#[derive(Default)]
struct State {
    next_id: u64,
    subscribers: HashMap<u64, Subscriber>,
    /// The subscription task is running.
    subscribed: bool,
    /// A subscriber came while the last attempt had failed: try again now
    /// rather than after the backoff, so it learns how things are today.
    retry_now: bool,
}

impl Hub {
    pub(crate) fn start(origin: Arc<Origin>) -> Result<Hub, Error> {
        let failed =
            |what: &str, e: std::io::Error| Error::new(ErrorKind::Config, None, format!("cannot start {what}: {e}"));
        let runtime = super::runtime().map_err(|e| failed("a runtime", e))?;
        let handle = runtime.handle().clone();
        let inner = Arc::new(Inner {
            http: origin.http_client()?,
            origin,
            global: Arc::new(Feed::new(Endpoint::global(), LINGER)),
            tasks: AtomicUsize::new(0),
            beacon: notify::Beacon::new().map_err(|e| failed("a pipe", e))?,
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let tasks = inner.clone();
        std::thread::Builder::new()
            .name("opencode-hub".into())
            .spawn(move || {
                // Every write of this thread is ours: a SIGPIPE it raises must
                // not reach the process (see crate::sigpipe).
                crate::sigpipe::block_for_this_thread();
                runtime.block_on(async move {
                    let _ = stopped.await;
                    let deadline = Instant::now() + STOP_WAIT;
                    while tasks.tasks.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
                        sleep(Duration::from_millis(10)).await;
                    }
                });
            })
            .map_err(|e| failed("a thread", e))?;
        Ok(Hub {
            inner,
            runtime: handle,
            _stop: stop,
        })
    }

    pub(crate) fn inner(&self) -> &Arc<Inner> {
        &self.inner
    }

    /// Runs `task` on the hub's thread.
    pub(crate) fn spawn<F>(&self, task: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let counted = TaskCount::new(self.inner.clone());
        self.runtime.spawn(async move {
            let _counted = counted;
            task.await
        });
    }

    /// Registers a subscriber of `GET /global/event`; see [`Subscription`].
    pub(crate) fn subscribe(&self, filter: EventOptions, sink: Sink) -> Subscription {
        self.inner.global.add(&self.inner, filter, sink, &self.runtime)
    }

    /// Opens a stream of its own on `endpoint` for one subscriber; it closes
    /// when the subscription is dropped.
    pub(crate) fn subscribe_alone(&self, endpoint: Endpoint, filter: EventOptions, sink: Sink) -> Subscription {
        let feed = Arc::new(Feed::new(endpoint, Duration::ZERO));
        feed.add(&self.inner, filter, sink, &self.runtime)
    }
}

/// Counts a task for as long as it lives.
struct TaskCount(Arc<Inner>);

impl TaskCount {
    fn new(inner: Arc<Inner>) -> TaskCount {
        inner.tasks.fetch_add(1, Ordering::SeqCst);
        TaskCount(inner)
    }
}

impl Drop for TaskCount {
    fn drop(&mut self) {
        self.0.tasks.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A registered subscriber; dropping it unsubscribes.
pub(crate) struct Subscription {
    feed: Arc<Feed>,
    id: u64,
}

impl Subscription {
    /// The feed this subscriber listens to.
    pub(crate) fn feed(&self) -> &Arc<Feed> {
        &self.feed
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.feed.lock().subscribers.remove(&self.id);
        self.feed.changed.notify_one();
    }
}

impl Feed {
    fn new(endpoint: Endpoint, linger: Duration) -> Feed {
        Feed {
            endpoint,
            linger,
            state: Mutex::new(State::default()),
            changed: Notify::new(),
            link: watch::Sender::new(LinkState {
                link: Link::Connecting,
                ups: 0,
                attempts: 0,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether the stream's first frame proves it open (see [`Endpoint::greets`]).
    pub(crate) fn greets(&self) -> bool {
        self.endpoint.greets
    }

    /// Registers a subscriber and makes sure the subscription is running.
    fn add(
        self: &Arc<Self>,
        inner: &Arc<Inner>,
        filter: EventOptions,
        sink: Sink,
        runtime: &tokio::runtime::Handle,
    ) -> Subscription {
        let mut state = self.lock();
        let id = state.next_id;
        state.next_id += 1;
        state.subscribers.insert(id, Subscriber { filter, sink });
        if !state.subscribed {
            state.subscribed = true;
            self.set_link(Link::Connecting);
            runtime.spawn(subscription(inner.clone(), self.clone()));
        } else if !matches!(self.link.borrow().link, Link::Up) {
            // Failing, or an attempt is under way that began before this
            // subscriber came: it wants an answer from an attempt of its own.
            state.retry_now = true;
        }
        drop(state);
        self.changed.notify_one();
        Subscription { feed: self.clone(), id }
    }

    fn set_link(&self, link: Link) {
        self.link.send_modify(|state| {
            if matches!(link, Link::Up) {
                state.ups += 1;
            }
            state.link = link;
        });
    }

    /// Where the link stands now; see [`Feed::settled`].
    pub(crate) fn since(&self) -> Since {
        let state = self.link.borrow();
        Since {
            ups: state.ups,
            attempts: state.attempts,
        }
    }

    /// Waits, at most `limit`, for the subscription to be up (or to have come
    /// up after `since`), or for an attempt begun after `since` to fail.
    pub(crate) async fn settled(&self, since: Since, limit: Duration) -> Link {
        let mut link = self.link.subscribe();
        let news = |state: &LinkState| {
            state.ups > since.ups
                || matches!(state.link, Link::Up)
                || (state.attempts > since.attempts && matches!(state.link, Link::Down(_)))
        };
        let settled = match timeout(limit, link.wait_for(news)).await {
            Ok(Ok(state)) if state.ups > since.ups => Link::Up,
            Ok(Ok(state)) => state.link.clone(),
            _ => Link::Connecting,
        };
        settled
    }

    /// Hands events to every subscriber whose filter they pass.
    fn dispatch(&self, events: impl IntoIterator<Item = Event>, sends_only: bool) {
        let state = self.lock();
        for event in events {
            for subscriber in state.subscribers.values() {
                if !subscriber.filter.matches(&event) {
                    continue;
                }
                match &subscriber.sink {
                    Sink::Stream(queue) if !sends_only => queue.send(StreamItem::Event(event.clone())),
                    Sink::Stream(_) => {}
                    Sink::Send(task) => {
                        let _ = task.send(event.clone());
                    }
                }
            }
        }
    }

    /// Ends every stream with `error`; sends go on without events.
    fn fail_streams(&self, error: &Error) {
        let mut state = self.lock();
        state.subscribers.retain(|_, subscriber| match &subscriber.sink {
            Sink::Stream(queue) => {
                queue.send(StreamItem::Failed(error.clone()));
                false
            }
            Sink::Send(_) => true,
        });
    }

    fn has_sends(&self) -> bool {
        self.lock()
            .subscribers
            .values()
            .any(|s| matches!(s.sink, Sink::Send(_)))
    }

    /// How long a silence means a dead connection: the shortest any
    /// subscriber tolerates. Only a stream that sends heartbeats can be judged
    /// by its silence.
    fn silence_limit(&self) -> Option<Duration> {
        if !self.endpoint.greets {
            return None;
        }
        let shortest = self
            .lock()
            .subscribers
            .values()
            .map(|s| s.filter.heartbeat_timeout)
            .min();
        Some(shortest.unwrap_or(EventOptions::default().heartbeat_timeout))
    }

    /// Ends the subscription task if nobody listens; `true` when it should stop.
    fn stop_if_unused(&self) -> bool {
        let mut state = self.lock();
        if state.subscribers.is_empty() {
            state.subscribed = false;
            self.set_link(Link::Connecting);
            return true;
        }
        false
    }

    /// Returns once the last subscriber has left (and the task should stop).
    async fn abandoned(&self) {
        loop {
            self.changed.notified().await;
            if self.stop_if_unused() {
                return;
            }
        }
    }
}

/// One feed's subscription: connect, hand out, reconnect with backoff, until
/// nobody has listened for the feed's linger.
async fn subscription(inner: Arc<Inner>, feed: Arc<Feed>) {
    let mut decoder = EventDecoder::with_limit(inner.origin.max_response_bytes());
    // A connection was lost and not yet regained.
    let mut lost = false;
    // Subscribers were told that the connection is lost.
    let mut announced = false;
    // The stream was open at least once.
    let mut ever_up = false;
    let mut backoff = FIRST_BACKOFF;
    loop {
        feed.link.send_modify(|state| {
            state.attempts += 1;
            state.link = Link::Connecting;
        });
        feed.lock().retry_now = false;
        // A stream that does not greet sends its headers only with its first
        // event, so the attempt must end when its subscribers leave.
        let opened = tokio::select! {
            opened = open(&inner.origin, &inner.http, &mut decoder, &feed.endpoint) => opened,
            _ = feed.abandoned() => return,
        };
        let (mut response, first) = match opened {
            Ok(opened) => opened,
            Err(error) => {
                feed.set_link(Link::Down(error.clone()));
                // An answer that will not change, or a stream whose opener
                // does not wait to see it open: streams end, sends go on without.
                let lasting = matches!(error.kind(), ErrorKind::Auth | ErrorKind::NotFound | ErrorKind::Decode);
                if lasting || (!feed.endpoint.greets && !ever_up) {
                    feed.fail_streams(&error);
                    feed.lock().subscribed = false;
                    return;
                }
                if lost && !announced {
                    announced = true;
                    feed.dispatch([disconnected(&error)], false);
                }
                let retry = Instant::now() + backoff;
                backoff = (backoff * 2).min(MAX_BACKOFF);
                if !pause(&feed, retry).await {
                    return;
                }
                continue;
            }
        };
        ever_up = true;
        let up_since = Instant::now();
        feed.set_link(Link::Up);
        if lost {
            feed.dispatch([Event::synthetic(RECONNECTED)], false);
        }
        announced = false;
        if feed.has_sends() {
            tokio::spawn(poll_requests(inner.clone(), feed.clone()));
        }
        feed.dispatch(first, false);
        let mut unused_since: Option<Instant> = None;
        loop {
            let silence = feed.silence_limit();
            let chunk = async {
                match silence {
                    Some(limit) => timeout(limit, response.chunk()).await.ok(),
                    None => Some(response.chunk().await),
                }
            };
            tokio::select! {
                chunk = chunk => match chunk {
                    Some(Ok(Some(bytes))) => {
                        feed.dispatch(decoder.push(&bytes), false);
                        if decoder.overflowed() {
                            // The rest of that event cannot be read within
                            // the limit: say so, and start on a new connection.
                            let error = inner.origin.event_too_large(&feed.endpoint.path);
                            feed.dispatch([disconnected(&error)], false);
                            announced = true;
                            break;
                        }
                    }
                    _ => break,
                },
                _ = feed.changed.notified() => {
                    unused_since = match feed.lock().subscribers.is_empty() {
                        true => unused_since.or(Some(Instant::now())),
                        false => None,
                    };
                }
                _ = sleep_until_or_forever(unused_since.map(|t| t + feed.linger)) => {
                    if feed.stop_if_unused() {
                        return;
                    }
                    unused_since = None;
                }
            }
        }
        // The connection dropped or fell silent.
        lost = true;
        feed.set_link(Link::Connecting);
        if feed.stop_if_unused() {
            return;
        }
        let wait = if up_since.elapsed() >= STABLE {
            backoff = FIRST_BACKOFF;
            decoder.retry().unwrap_or(FIRST_BACKOFF)
        } else {
            let wait = backoff.max(decoder.retry().unwrap_or_default());
            backoff = (backoff * 2).min(MAX_BACKOFF);
            wait
        };
        if !pause(&feed, Instant::now() + wait).await {
            return;
        }
    }
}

/// Waits until `until`, or less when a new subscriber wants an answer now
/// (see [`State::retry_now`]); `false` when nobody listens any more.
async fn pause(feed: &Feed, until: Instant) -> bool {
    while !std::mem::take(&mut feed.lock().retry_now) {
        tokio::select! {
            _ = sleep_until(until) => break,
            _ = feed.changed.notified() => {
                if feed.stop_if_unused() {
                    return false;
                }
            }
        }
    }
    true
}

async fn sleep_until_or_forever(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// The synthetic event that tells a stream its server went away.
fn disconnected(error: &Error) -> Event {
    let mut event = Event::synthetic(DISCONNECTED);
    event.properties = json!({ "error": error.message(), "kind": error.kind().as_str() });
    event
}

/// Asks for pending requests shortly after a connection, for the sends
/// whose `*.asked` event may have been published before the server listened.
async fn poll_requests(inner: Arc<Inner>, feed: Arc<Feed>) {
    let mut waited = Duration::ZERO;
    for at in REQUEST_POLLS {
        sleep(at - waited).await;
        waited = at;
        if !feed.has_sends() {
            return;
        }
        for (path, kind) in [("permission", "permission.asked"), ("question", "question.asked")] {
            let request = HttpRequest {
                method: Method::GET,
                path: path.into(),
                query: Vec::new(),
                body: None,
                timeout: Some(inner.origin.timeout()),
                retry: true,
            };
            let Ok(answer) = inner.origin.exchange(&inner.http, &request).await else {
                continue;
            };
            let Ok(Value::Array(requests)) = serde_json::from_slice::<Value>(&answer.bytes) else {
                continue;
            };
            let events = requests.into_iter().map(|request| {
                let mut event = Event::synthetic(kind);
                event.properties = request;
                event
            });
            feed.dispatch(events, true);
        }
    }
}

/// Opens an event stream. One that greets is open once its first frame
/// (`server.connected`, which does not prove the server listens yet; see the
/// module comment) arrived, and the events that came in the same read are
/// returned. One that does not greet sends its headers only with its first
/// event, so nothing bounds that wait.
async fn open(
    origin: &Origin,
    http: &reqwest::Client,
    decoder: &mut EventDecoder,
    endpoint: &Endpoint,
) -> Result<(reqwest::Response, Vec<Event>), Error> {
    let what = format!("GET /{}", endpoint.path);
    let url = origin.url_of(&endpoint.path, &endpoint.query)?;
    let mut request = http.request(Method::GET, url).header(ACCEPT, "text/event-stream");
    decoder.reconnected();
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
    let sent = if endpoint.greets {
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
    // A server that answers with something else (a proxy's page, a JSON
    // error) will answer the same next time: not worth reconnecting to.
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("text/event-stream");
    if !content_type.contains("event-stream") {
        return Err(Error::new(
            ErrorKind::Decode,
            Some(status.as_u16()),
            format!(
                "opencode server at {} answered {what} with {content_type}, not an event stream",
                origin.url()
            ),
        ));
    }
    if !endpoint.greets {
        return Ok((response, Vec::new()));
    }
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
