//! The two things that run on a client's hub (see `hub.rs`): an
//! [`EventStream`] watching the event bus, and a [`SendHandle`] following one
//! message until its reply is complete.
//!
//! Results travel back through a [`notify`](super::notify) queue whose
//! descriptor event loops can wait on. Closing, cancelling or dropping only
//! sends word to the hub (an abort is posted there), so the owner's thread
//! never waits on the network to let go of one.

use std::os::fd::RawFd;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Map, Value};
use tokio::sync::mpsc;
use tokio::time::{timeout, Instant};

use super::asked::{refusal, Asked, RequestKind, RequestPolicy};
use super::events::{Event, EventOptions};
use super::hub::{Endpoint, Hub, Inner, Link, Since, Sink, StreamItem, Subscription};
use super::notify::{self, Receiver, Sender};
use super::operation::Operation;
use super::reply_text::{ReplyText, TextDelta};
use super::{Error, ErrorKind, HttpRequest, Origin, PermissionReply, Reply};

/// How long a send waits for the event subscription before posting anyway
/// (text is reconciled with the reply and requests are polled, so nothing
/// depends on it; it only makes the first pieces of text arrive live).
const READY_WAIT: Duration = Duration::from_secs(1);
/// After the reply arrived, how long to wait for `session.idle` so that the
/// session's last events are handed over too. Only when events are flowing:
/// the text itself is complete without them.
const IDLE_GRACE: Duration = Duration::from_secs(2);
/// How long an abort may take.
const ABORT_WAIT: Duration = Duration::from_secs(2);

/// A queue whose items also raise the client's descriptor ([`super::Client::fd`]).
fn queue<T>(hub: &Hub) -> Result<(Sender<T>, Receiver<T>), Error> {
    notify::channel_under(Some(hub.inner().beacon.clone()))
        .map_err(|e| Error::new(ErrorKind::Config, None, format!("cannot create a pipe: {e}")))
}

/// A live view of the server's events. Iterate with [`EventStream::next`];
/// [`EventStream::fd`] is readable whenever an event is waiting.
pub struct EventStream {
    queue: Receiver<StreamItem>,
    subscription: Option<Subscription>,
    _hub: Arc<Hub>,
}

impl EventStream {
    /// Opens a stream on `endpoint`: `GET /global/event` is shared through
    /// the hub's one subscription, any other stream has a connection of its
    /// own. A stream that does not greet is opened in the background: a
    /// failure to open is then the first thing `next` returns.
    pub(crate) fn open(hub: Arc<Hub>, endpoint: Endpoint, options: EventOptions) -> Result<EventStream, Error> {
        let (tx, rx) = queue(&hub)?;
        let since = hub.inner().global.since();
        let subscription = if endpoint == Endpoint::global() {
            hub.subscribe(options, Sink::Stream(tx))
        } else {
            hub.subscribe_alone(endpoint, options, Sink::Stream(tx))
        };
        let feed = subscription.feed().clone();
        if !feed.greets() {
            return Ok(EventStream {
                queue: rx,
                subscription: Some(subscription),
                _hub: hub,
            });
        }
        // A new feed has no history, so any news is its own.
        let since = if Arc::ptr_eq(&feed, &hub.inner().global) {
            since
        } else {
            feed.since()
        };
        // An attempt already under way may fail first; the answer comes from
        // one of its own, so allow for two.
        let limit = hub.inner().origin.timeout() * 2;
        let (settled_tx, settled_rx) = std::sync::mpsc::channel();
        hub.spawn(async move {
            let _ = settled_tx.send(feed.settled(since, limit).await);
        });
        match settled_rx.recv() {
            Ok(Link::Up) => Ok(EventStream {
                queue: rx,
                subscription: Some(subscription),
                _hub: hub,
            }),
            Ok(Link::Down(error)) => Err(error),
            _ => Err(Error::new(
                ErrorKind::Timeout,
                None,
                format!(
                    "opencode server at {} did not open the event stream within {}s",
                    hub.inner().origin.url(),
                    hub.inner().origin.timeout().as_secs_f64()
                ),
            )),
        }
    }

    /// The next event, waiting up to `timeout` (`None`: as long as it takes).
    /// `None` when the time ran out or the stream is closed.
    pub fn next(&self, timeout: Option<Duration>) -> Option<Result<Event, Error>> {
        self.subscription.as_ref()?;
        self.queue.recv_timeout(timeout).map(StreamItem::into_result)
    }

    /// The next event if one is already waiting.
    pub fn try_next(&self) -> Option<Result<Event, Error>> {
        self.subscription.as_ref()?;
        self.queue.try_recv().map(StreamItem::into_result)
    }

    /// Readable while an event is waiting (and once the stream has ended).
    pub fn fd(&self) -> RawFd {
        self.queue.fd()
    }

    /// Stops receiving events; further calls to `next` return `None`.
    pub fn close(&mut self) {
        self.subscription = None;
    }

    /// Closed by its owner, or ended by the server (with an error already handed over).
    pub fn is_closed(&self) -> bool {
        self.subscription.is_none() || self.queue.is_finished()
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

/// What a [`SendHandle`] reports, in the order it happened.
#[derive(Debug)]
#[non_exhaustive]
pub enum SendUpdate {
    /// New text of the reply.
    Text(TextDelta),
    /// The AI asks for a permission (`permission.asked`, its properties
    /// here); with [`RequestPolicy::HandOver`], answer it with
    /// [`SendHandle::answer_permission`].
    Permission(Event),
    /// The AI asks the user (`question.asked`); with [`RequestPolicy::HandOver`],
    /// answer it with [`SendHandle::answer_question`].
    Question(Event),
    /// Any event of the session (text deltas and requests included).
    Event(Event),
    /// The reply is complete: the same result [`Client::send`](super::Client::send) gives.
    Finished(Result<Reply, Error>),
}

/// What the owner of a handle tells its task.
enum Command {
    Permission(String, PermissionReply),
    Question(String, Option<Vec<Vec<String>>>),
    /// Stop, aborting the generation; the sender (if any) hears when the abort is done.
    Cancel(Option<std::sync::mpsc::Sender<()>>),
}

/// A message being answered in the background. Take its updates with
/// [`SendHandle::next`] until [`SendUpdate::Finished`]. Dropping or cancelling
/// an unfinished handle aborts the generation on the server, from the hub.
pub struct SendHandle {
    queue: Receiver<SendUpdate>,
    commands: mpsc::UnboundedSender<Command>,
    session_id: String,
    _hub: Arc<Hub>,
}

/// What a send is and who answers its requests.
pub(crate) struct Message {
    pub(crate) session_id: String,
    /// The message's `session.prompt`, ready to post.
    pub(crate) request: HttpRequest,
    pub(crate) expect_reply: bool,
    pub(crate) permissions: RequestPolicy,
    pub(crate) questions: RequestPolicy,
}

impl SendHandle {
    pub(crate) fn start(hub: Arc<Hub>, message: Message) -> Result<SendHandle, Error> {
        let (tx, rx) = queue(&hub)?;
        let (commands, commands_rx) = mpsc::unbounded_channel();
        let session_id = message.session_id.clone();
        let (events_tx, events) = mpsc::unbounded_channel();
        let since = hub.inner().global.since();
        // Subscribed before the task starts, so the subscription is already
        // connecting while the task is scheduled.
        let subscription = hub.subscribe(
            EventOptions::default().session(session_id.clone()),
            Sink::Send(events_tx),
        );
        let follower = Follower {
            inner: hub.inner().clone(),
            requests: Asked::new(message.permissions, message.questions),
            message,
            updates: tx,
            commands: commands_rx,
            events,
            text: ReplyText::default(),
            refused: None,
            events_seen: false,
            since,
        };
        hub.spawn(async move {
            let _subscription = subscription;
            follower.run().await;
        });
        Ok(SendHandle {
            queue: rx,
            commands,
            session_id,
            _hub: hub,
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

    /// Answers a permission request handed over as [`SendUpdate::Permission`].
    /// [`PermissionReply::Reject`] makes the send fail with [`ErrorKind::Permission`].
    /// Does not wait: the answer is posted from the hub.
    pub fn answer_permission(&self, request_id: &str, reply: PermissionReply) {
        let _ = self.commands.send(Command::Permission(request_id.to_owned(), reply));
    }

    /// Answers a question handed over as [`SendUpdate::Question`]: one list of
    /// chosen labels per question, or `None` to refuse, which makes the send
    /// fail with [`ErrorKind::Question`]. Does not wait.
    pub fn answer_question(&self, request_id: &str, answers: Option<Vec<Vec<String>>>) {
        let _ = self.commands.send(Command::Question(request_id.to_owned(), answers));
    }

    /// Stops following the reply; an unfinished generation is aborted on the
    /// server. Does not wait: the abort is posted from the hub.
    pub fn cancel(&mut self) {
        let _ = self.commands.send(Command::Cancel(None));
    }

    /// Like [`SendHandle::cancel`], but waits up to `limit` for the server to
    /// take the abort (for a program about to exit). `true` when it did.
    pub fn cancel_within(&mut self, limit: Duration) -> bool {
        let (done, aborted) = std::sync::mpsc::channel();
        let _ = self.commands.send(Command::Cancel(Some(done)));
        aborted.recv_timeout(limit).is_ok()
    }
}

/// The task that follows one send.
struct Follower {
    inner: Arc<Inner>,
    message: Message,
    updates: Sender<SendUpdate>,
    commands: mpsc::UnboundedReceiver<Command>,
    events: mpsc::UnboundedReceiver<Event>,
    text: ReplyText,
    requests: Asked,
    /// The first request that was refused: the send fails with it.
    refused: Option<Error>,
    /// Some event of the session arrived: the subscription sees this session.
    events_seen: bool,
    /// Where the subscription stood when the send started.
    since: Since,
}

/// How the wait for the reply ended.
enum Ending {
    Replied(Result<Reply, Error>),
    /// Cancelled or dropped by the owner: nobody takes the result.
    Abandoned(Option<std::sync::mpsc::Sender<()>>),
}

impl Follower {
    async fn run(mut self) {
        let origin = self.inner.origin.clone();
        let http = self.inner.http.clone();
        // Let the subscription come up first (bounded), so text arrives live.
        tokio::select! {
            _ = self.inner.global.settled(self.since, READY_WAIT.min(origin.timeout())) => {}
            command = self.commands.recv() => if matches!(command, None | Some(Command::Cancel(_))) {
                return;
            },
        }
        let request = self.message.request.clone();
        let post = post_message(&origin, &http, &request, self.message.expect_reply);
        tokio::pin!(post);
        let ending = loop {
            tokio::select! {
                reply = &mut post => break Ending::Replied(reply),
                command = self.commands.recv() => match command {
                    None => break Ending::Abandoned(None),
                    Some(Command::Cancel(done)) => break Ending::Abandoned(done),
                    Some(command) => self.obey(command).await,
                },
                Some(event) = self.events.recv() => self.on_event(event).await,
            }
        };
        let result = match ending {
            Ending::Abandoned(done) => {
                // The POST is dropped: the abort is what ends the generation.
                if abort(&origin, &http, &self.message.session_id).await.is_ok() {
                    if let Some(done) = done {
                        let _ = done.send(());
                    }
                }
                return;
            }
            Ending::Replied(result) => result,
        };
        let result = match result {
            Ok(reply) => {
                self.reconcile(&reply);
                self.wait_for_idle().await;
                Ok(reply)
            }
            Err(error) if error.kind() == ErrorKind::Timeout => {
                // send_timeout ran out: give up on the generation too, or the
                // next message in this session would wait behind it.
                let aborted = abort(&origin, &http, &self.message.session_id).await.is_ok();
                let what = if aborted {
                    "the generation was aborted"
                } else {
                    "aborting the generation failed too"
                };
                Err(Error::new(
                    ErrorKind::Timeout,
                    None,
                    format!("{}; {what}", error.message()),
                ))
            }
            Err(error) => Err(error),
        };
        let result = match (self.refused.take(), result) {
            (Some(refusal), Ok(reply)) => Err(refusal.with_reply(reply)),
            (Some(refusal), Err(error)) if error.kind() == ErrorKind::Aborted => Err(refusal),
            (_, result) => result,
        };
        self.updates.send(SendUpdate::Finished(result));
    }

    async fn on_event(&mut self, event: Event) {
        self.events_seen = true;
        if RequestKind::of(&event).is_some() {
            if let Some(new) = self.requests.arrived(&event) {
                match new.policy {
                    RequestPolicy::Refuse => {
                        let refused = refuse(&self.inner, new.kind, &new.id, &event.properties, false).await;
                        self.record(refused);
                    }
                    RequestPolicy::Leave => {}
                    RequestPolicy::HandOver => self.updates.send(match new.kind {
                        RequestKind::Permission => SendUpdate::Permission(event.clone()),
                        RequestKind::Question => SendUpdate::Question(event.clone()),
                    }),
                }
                self.updates.send(SendUpdate::Event(event));
            }
            return;
        }
        for delta in self.text.on_event(&event) {
            self.updates.send(SendUpdate::Text(delta));
        }
        self.updates.send(SendUpdate::Event(event));
    }

    /// Carries out the owner's answer to a handed-over request.
    async fn obey(&mut self, command: Command) {
        let (kind, id, answer) = match command {
            Command::Permission(id, PermissionReply::Reject) => (RequestKind::Permission, id, None),
            Command::Permission(id, reply) => (RequestKind::Permission, id, Some(json!({ "reply": reply.as_str() }))),
            Command::Question(id, None) => (RequestKind::Question, id, None),
            Command::Question(id, Some(answers)) => (RequestKind::Question, id, Some(json!({ "answers": answers }))),
            Command::Cancel(_) => return,
        };
        match answer {
            Some(answer) => {
                let _ = answer_request(&self.inner, kind, &id, Some(answer)).await;
            }
            None => {
                let refused = refuse(&self.inner, kind, &id, &self.requests.request(&id), true).await;
                self.record(refused);
            }
        }
    }

    /// Keeps the first refusal: the send fails with it.
    fn record(&mut self, refused: Option<Error>) {
        if self.refused.is_none() {
            self.refused = refused;
        }
    }

    /// Hands out whatever text of the reply the events did not bring (they
    /// may have been published before the subscription listened), so the
    /// pieces always add up to the reply's text.
    fn reconcile(&mut self, reply: &Reply) {
        for part in reply.parts.iter().filter(|part| part.kind == "text") {
            let Ok(part) = serde_json::to_value(part) else { continue };
            let mut event = Event::synthetic("message.part.updated");
            event.properties = json!({ "part": part });
            for delta in self.text.on_event(&event) {
                self.updates.send(SendUpdate::Text(delta));
            }
        }
    }

    /// Hands over the session's events up to `session.idle`, briefly.
    async fn wait_for_idle(&mut self) {
        if !self.events_seen {
            return;
        }
        let until = Instant::now() + IDLE_GRACE;
        while let Ok(Some(event)) = tokio::time::timeout_at(until, self.events.recv()).await {
            let idle = event.kind == "session.idle";
            self.updates.send(SendUpdate::Event(event));
            if idle {
                return;
            }
        }
    }
}

/// Posts an answer to a permission request or a question; `None` refuses.
async fn answer_request(inner: &Inner, kind: RequestKind, id: &str, answer: Option<Value>) -> Result<(), Error> {
    let (operation, body) = match (kind, answer) {
        (RequestKind::Permission, None) => ("permission.reply", json!({ "reply": "reject" })),
        (RequestKind::Permission, Some(body)) => ("permission.reply", body),
        (RequestKind::Question, None) => ("question.reject", json!({})),
        (RequestKind::Question, Some(body)) => ("question.reply", body),
    };
    let Value::Object(mut params) = body else {
        unreachable!("answers are objects")
    };
    params.insert("requestID".into(), Value::String(id.to_owned()));
    let request = prepare(&inner.origin, operation, params)?;
    inner.origin.exchange(&inner.http, &request).await.map(|_| ())
}

/// Refuses a request. The refusal counts, and its error is returned, only
/// once the server took it: a request answered meanwhile (from a TUI
/// attached to the server, say) is gone, and was not refused.
async fn refuse(inner: &Inner, kind: RequestKind, id: &str, request: &Value, by_handler: bool) -> Option<Error> {
    answer_request(inner, kind, id, None)
        .await
        .ok()
        .map(|()| refusal(kind, request, by_handler))
}

/// Watches a session while a call that waits for the AI (an operation such
/// as `session.prompt`, made on the caller's thread) runs, so that a
/// permission request or a question does not leave it waiting forever: each
/// is refused, or left alone, as the policies say. Finish with
/// [`SessionWatch::finish`].
pub(crate) struct SessionWatch {
    refused: Arc<std::sync::Mutex<Option<Error>>>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl SessionWatch {
    pub(crate) fn start(
        hub: &Hub,
        session_id: &str,
        permissions: RequestPolicy,
        questions: RequestPolicy,
    ) -> SessionWatch {
        let (events_tx, mut events) = mpsc::unbounded_channel();
        let subscription = hub.subscribe(
            EventOptions::default().session(session_id.to_owned()),
            Sink::Send(events_tx),
        );
        let refused = Arc::new(std::sync::Mutex::new(None));
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let inner = hub.inner().clone();
        let record = refused.clone();
        hub.spawn(async move {
            let _subscription = subscription;
            let mut requests = Asked::new(permissions, questions);
            loop {
                let event = tokio::select! {
                    _ = &mut stopped => return,
                    event = events.recv() => match event {
                        Some(event) => event,
                        None => return,
                    },
                };
                let Some(new) = requests.arrived(&event) else { continue };
                if new.policy == RequestPolicy::Leave {
                    continue;
                }
                // Nobody can answer through a plain call: refuse, as a plain send does.
                if let Some(refused) = refuse(&inner, new.kind, &new.id, &event.properties, false).await {
                    record.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(refused);
                }
            }
        });
        SessionWatch { refused, _stop: stop }
    }

    /// The call's result, or the refusal that ended it.
    pub(crate) fn finish<T>(self, result: Result<T, Error>) -> Result<T, Error> {
        let refused = self.refused.lock().unwrap_or_else(|e| e.into_inner()).take();
        match refused {
            Some(refusal) => Err(refusal),
            None => result,
        }
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

/// An operation of the table the hub's tasks make, with its parameters.
fn prepare(origin: &Origin, operation: &str, params: Map<String, Value>) -> Result<HttpRequest, Error> {
    let op = Operation::find(operation).unwrap_or_else(|| panic!("{operation} is in the operation table"));
    origin
        .prepare(op, params)
        .map_err(|e| Error::new(ErrorKind::Config, None, e))
}

async fn abort(origin: &Origin, http: &reqwest::Client, session_id: &str) -> Result<(), Error> {
    let mut params = Map::new();
    params.insert("sessionID".into(), Value::String(session_id.to_owned()));
    let mut request = prepare(origin, "session.abort", params)?;
    request.timeout = Some(origin.timeout().min(ABORT_WAIT));
    timeout(ABORT_WAIT, origin.exchange(http, &request))
        .await
        .map_err(|_| Error::new(ErrorKind::Timeout, None, "the abort was not answered in time"))?
        .map(|_| ())
}

impl std::fmt::Debug for EventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream")
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}
