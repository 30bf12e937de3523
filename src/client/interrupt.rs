//! A way for whoever owns the calling thread to stop a blocking call early.
//! The Lua binding installs a probe for the length of each call it makes, so
//! that Ctrl-C in a stock interpreter (which only sets a hook on the Lua state)
//! ends a call that waits on the network, as it would end a Lua loop.

use std::cell::{Cell, RefCell};
use std::time::Duration;

use super::{Error, ErrorKind};

/// How often a waiting call asks the probe.
const CHECK_EVERY: Duration = Duration::from_millis(50);

type Probe = Box<dyn Fn() -> bool>;

thread_local! {
    static PROBE: RefCell<Option<Probe>> = const { RefCell::new(None) };
    static HIT: Cell<bool> = const { Cell::new(false) };
}

/// Runs `call` with `probe` asked while it waits on the network; the second
/// value says whether the probe stopped a wait.
pub(crate) fn with_probe<T>(probe: impl Fn() -> bool + 'static, call: impl FnOnce() -> T) -> (T, bool) {
    let previous = PROBE.with(|p| p.replace(Some(Box::new(probe))));
    let hit = HIT.with(|h| h.replace(false));
    let value = call();
    let stopped = HIT.with(|h| h.replace(hit));
    PROBE.with(|p| *p.borrow_mut() = previous);
    (value, stopped)
}

/// Whether a probe is installed on this thread.
pub(super) fn probing() -> bool {
    PROBE.with(|p| p.borrow().is_some())
}

/// Returns once the probe says stop (never, without a probe).
pub(super) async fn requested() {
    loop {
        tokio::time::sleep(CHECK_EVERY).await;
        if PROBE.with(|p| p.borrow().as_ref().is_some_and(|probe| probe())) {
            HIT.with(|h| h.set(true));
            return;
        }
    }
}

pub(super) fn error() -> Error {
    Error::new(ErrorKind::Closed, None, "interrupted")
}
