//! A way for whoever owns the calling thread to stop a blocking call early.
//! The Lua binding installs a probe for the length of each call it makes, so
//! that Ctrl-C in a stock interpreter (which only sets a hook on the Lua state)
//! ends a call that waits on the network, as it would end a Lua loop.
//!
//! Most calls never wait (`client:url()`, a caller's mistake), so a probe is
//! a plain function and the two values it reads, copied into a thread-local:
//! installing one allocates nothing, and it is only asked once a call waits.

use std::cell::Cell;
use std::ffi::c_void;
use std::time::Duration;

use super::{Error, ErrorKind};

/// How often a waiting call asks the probe.
const CHECK_EVERY: Duration = Duration::from_millis(50);

/// What a waiting call asks: `stop(target, mark)`, true to stop the wait.
#[derive(Clone, Copy)]
pub(crate) struct Probe {
    stop: fn(*mut c_void, usize) -> bool,
    target: *mut c_void,
    mark: usize,
}

impl Probe {
    /// # Safety
    ///
    /// `stop(target, mark)` must be sound to call on this thread for as long
    /// as the probe is installed (the length of [`with_probe`]'s call).
    pub(crate) unsafe fn new(stop: fn(*mut c_void, usize) -> bool, target: *mut c_void, mark: usize) -> Probe {
        Probe { stop, target, mark }
    }

    fn says_stop(self) -> bool {
        (self.stop)(self.target, self.mark)
    }
}

thread_local! {
    static PROBE: Cell<Option<Probe>> = const { Cell::new(None) };
    static HIT: Cell<bool> = const { Cell::new(false) };
}

/// Runs `call` with `probe` asked while it waits on the network; the second
/// value says whether the probe stopped a wait.
pub(crate) fn with_probe<T>(probe: Probe, call: impl FnOnce() -> T) -> (T, bool) {
    let previous = PROBE.with(|p| p.replace(Some(probe)));
    let hit = HIT.with(|h| h.replace(false));
    let value = call();
    let stopped = HIT.with(|h| h.replace(hit));
    PROBE.with(|p| p.set(previous));
    (value, stopped)
}

/// Whether a probe is installed on this thread.
pub(super) fn probing() -> bool {
    PROBE.with(|p| p.get().is_some())
}

/// Returns once the probe says stop (never, without a probe).
pub(super) async fn requested() {
    loop {
        tokio::time::sleep(CHECK_EVERY).await;
        if PROBE.with(|p| p.get().is_some_and(Probe::says_stop)) {
            HIT.with(|h| h.set(true));
            return;
        }
    }
}

pub(super) fn error() -> Error {
    Error::new(ErrorKind::Closed, None, "interrupted")
}
