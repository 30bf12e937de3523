//! Where a client's background work runs: one thread with one single-threaded
//! runtime, started on first use and shared by the client's clones, and one
//! `GET /global/event` subscription whose frames are parsed once and handed to
//! every subscriber whose filter they pass. Event streams and background sends
//! are subscribers and tasks here, not threads of their own, so a thousand
//! pending sends cost one thread.
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
use super::{Error, ErrorKind, Origin};

const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(30);
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
    state: Mutex<State>,
    /// Subscribers came or went: the subscription task looks again.
    changed: Notify,
    link: watch::Sender<LinkState>,
    /// Tasks other than the subscription, which the thread lets finish.
    tasks: AtomicUsize,
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
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| failed("a runtime", e))?;
        let handle = runtime.handle().clone();
        let inner = Arc::new(Inner {
            http: origin.http_client()?,
            origin,
            state: Mutex::new(State::default()),
            changed: Notify::new(),
            link: watch::Sender::new(LinkState {
                link: Link::Connecting,
                ups: 0,
                attempts: 0,
            }),
            tasks: AtomicUsize::new(0),
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let tasks = inner.clone();
        std::thread::Builder::new()
            .name("opencode-hub".into())
            .spawn(move || {
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
    inner: Arc<Inner>,
    id: u64,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.inner.lock().subscribers.remove(&self.id);
        self.inner.changed.notify_one();
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a subscriber and makes sure the subscription is running.
    /// Must be called on the hub's runtime or with its handle entered
    /// (see [`Hub::subscribe`]).
    fn add(self: &Arc<Self>, filter: EventOptions, sink: Sink, runtime: &tokio::runtime::Handle) -> Subscription {
        let mut state = self.lock();
        let id = state.next_id;
        state.next_id += 1;
        state.subscribers.insert(id, Subscriber { filter, sink });
        if !state.subscribed {
            state.subscribed = true;
            self.set_link(Link::Connecting);
            runtime.spawn(subscription(self.clone()));
        } else if !matches!(self.link.borrow().link, Link::Up) {
            // Failing, or an attempt is under way that began before this
            // subscriber came: it wants an answer from an attempt of its own.
            state.retry_now = true;
        }
        drop(state);
        self.changed.notify_one();
        Subscription {
            inner: self.clone(),
            id,
        }
    }

    fn set_link(&self, link: Link) {
        self.link.send_modify(|state| {
            if matches!(link, Link::Up) {
                state.ups += 1;
            }
            state.link = link;
        });
    }

    /// Where the link stands now; see [`Inner::settled`].
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

    /// The shortest silence any subscriber tolerates.
    fn heartbeat_timeout(&self) -> Duration {
        self.lock()
            .subscribers
            .values()
            .map(|s| s.filter.heartbeat_timeout)
            .min()
            .unwrap_or(EventOptions::default().heartbeat_timeout)
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
}

impl Hub {
    /// Registers a subscriber; see [`Subscription`].
    pub(crate) fn subscribe(&self, filter: EventOptions, sink: Sink) -> Subscription {
        self.inner.add(filter, sink, &self.runtime)
    }
}

/// The one subscription: connect, hand out, reconnect with backoff, until
/// nobody has listened for [`LINGER`].
async fn subscription(inner: Arc<Inner>) {
    let mut decoder = EventDecoder::default();
    // A connection was lost and not yet regained.
    let mut lost = false;
    // Subscribers were told that the connection is lost.
    let mut announced = false;
    let mut backoff = FIRST_BACKOFF;
    loop {
        inner.link.send_modify(|state| {
            state.attempts += 1;
            state.link = Link::Connecting;
        });
        inner.lock().retry_now = false;
        let opened = subscribe(&inner.origin, &inner.http, &mut decoder).await;
        let (mut response, first) = match opened {
            Ok(opened) => opened,
            Err(error) => {
                inner.set_link(Link::Down(error.clone()));
                if matches!(error.kind(), ErrorKind::Auth | ErrorKind::NotFound) {
                    // An answer that will not change: streams end, sends go on without.
                    inner.fail_streams(&error);
                    inner.lock().subscribed = false;
                    return;
                }
                if lost && !announced {
                    announced = true;
                    inner.dispatch([disconnected(&error)], false);
                }
                let retry = Instant::now() + backoff;
                backoff = (backoff * 2).min(MAX_BACKOFF);
                while !std::mem::take(&mut inner.lock().retry_now) {
                    tokio::select! {
                        _ = sleep_until(retry) => break,
                        _ = inner.changed.notified() => {
                            if inner.stop_if_unused() {
                                return;
                            }
                        }
                    }
                }
                continue;
            }
        };
        inner.set_link(Link::Up);
        if lost {
            inner.dispatch([Event::synthetic(RECONNECTED)], false);
        }
        (announced, backoff) = (false, FIRST_BACKOFF);
        if inner.has_sends() {
            tokio::spawn(poll_requests(inner.clone()));
        }
        inner.dispatch(first, false);
        let mut unused_since: Option<Instant> = None;
        loop {
            let silence = inner.heartbeat_timeout();
            tokio::select! {
                chunk = timeout(silence, response.chunk()) => match chunk {
                    Ok(Ok(Some(bytes))) => inner.dispatch(decoder.push(&bytes), false),
                    _ => break,
                },
                _ = inner.changed.notified() => {
                    unused_since = match inner.lock().subscribers.is_empty() {
                        true => unused_since.or(Some(Instant::now())),
                        false => None,
                    };
                }
                _ = sleep_until_or_forever(unused_since.map(|t| t + LINGER)) => {
                    if inner.stop_if_unused() {
                        return;
                    }
                    unused_since = None;
                }
            }
        }
        // The connection dropped or fell silent.
        lost = true;
        inner.set_link(Link::Connecting);
        if inner.stop_if_unused() {
            return;
        }
        sleep(decoder.retry().unwrap_or(FIRST_BACKOFF)).await;
    }
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
async fn poll_requests(inner: Arc<Inner>) {
    let mut waited = Duration::ZERO;
    for at in REQUEST_POLLS {
        sleep(at - waited).await;
        waited = at;
        if !inner.has_sends() {
            return;
        }
        for (path, kind) in [("permission", "permission.asked"), ("question", "question.asked")] {
            let answer = inner
                .origin
                .exchange(&inner.http, Method::GET, path, None, Some(inner.origin.timeout()))
                .await;
            let Ok((_, bytes)) = answer else { continue };
            let Ok(Value::Array(requests)) = serde_json::from_slice::<Value>(&bytes) else {
                continue;
            };
            let events = requests.into_iter().map(|request| {
                let mut event = Event::synthetic(kind);
                event.properties = request;
                event
            });
            inner.dispatch(events, true);
        }
    }
}

/// Opens `GET /global/event` and waits for its first frame (`server.connected`,
/// which does not prove the server listens yet; see the module comment).
/// Returns the events that came in the same read.
async fn subscribe(
    origin: &Origin,
    http: &reqwest::Client,
    decoder: &mut EventDecoder,
) -> Result<(reqwest::Response, Vec<Event>), Error> {
    let what = "GET /global/event";
    let url = origin.endpoint("global/event")?;
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
    let mut response = timeout(limit, request.send())
        .await
        .map_err(|_| timed_out())?
        .map_err(|e| origin.transport_error(what, &e, Some(limit)))?;
    let status = response.status();
    if !status.is_success() {
        let body = timeout(limit, response.bytes())
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default();
        return Err(origin.status_error(what, status, &body));
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
        Err(e) => Err(origin.transport_error(what, &e, Some(limit))),
    }
}
