//! The servers still running when the process exits without dropping them
//! (`os.exit` skips Lua's garbage collection): an `atexit` hook stops them.

use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use super::lock;
use super::process::{stop_all, Process};

/// How long the servers may take to end after SIGTERM, all at once, when the
/// process exits, before they get SIGKILL.
const EXIT_GRACE: Duration = Duration::from_millis(1000);

/// Servers started and not yet stopped.
static RUNNING: Mutex<Vec<Weak<Process>>> = Mutex::new(Vec::new());

pub(super) fn register(process: &Arc<Process>) {
    let mut running = lock(&RUNNING);
    running.retain(|weak| weak.strong_count() > 0);
    running.push(Arc::downgrade(process));
}

pub(super) fn unregister(process: &Arc<Process>) {
    lock(&RUNNING).retain(|weak| weak.strong_count() > 0 && !std::ptr::eq(weak.as_ptr(), Arc::as_ptr(process)));
}

pub(super) fn register_exit_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: `stop_at_exit` is an `extern "C" fn()` that never unwinds.
        unsafe {
            libc::atexit(stop_at_exit);
        }
    });
}

extern "C" fn stop_at_exit() {
    let _ = std::panic::catch_unwind(|| {
        let processes: Vec<Arc<Process>> = match RUNNING.try_lock() {
            Ok(running) => running.iter().filter_map(Weak::upgrade).collect(),
            Err(std::sync::TryLockError::Poisoned(running)) => {
                running.into_inner().iter().filter_map(Weak::upgrade).collect()
            }
            // Held by a thread that exit() left running: stopping is best effort.
            Err(std::sync::TryLockError::WouldBlock) => return,
        };
        stop_all(&processes, EXIT_GRACE);
    });
}
