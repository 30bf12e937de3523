//! Keeps a broken connection from killing the process that loaded us.
//!
//! hyper (and rustls under it) write with `writev`/`write`, not with
//! `send(MSG_NOSIGNAL)`, so writing to a connection the server has closed
//! raises SIGPIPE on the writing thread. Stock `lua`, `luajit` and most hosts
//! leave SIGPIPE at its default action, which ends the process (exit 141)
//! with no error and nothing flushed. It happens whenever a server stops
//! reading a large request (a proxy answering 413, a server closing an idle
//! keep-alive connection just as we reuse it).
//!
//! Ignoring SIGPIPE process-wide would change a disposition that belongs to
//! the host. Instead, signal masks, which belong to threads:
//! - threads of our own (background sends, event streams, a managed server's
//!   output readers, the runtimes' blocking pools) block SIGPIPE for their whole life
//!   ([`block_for_this_thread`]). A SIGPIPE raised by a write on such a thread
//!   is directed at that thread, stays pending on it and is discarded when it
//!   ends; the write itself fails with EPIPE, which becomes an error.
//! - on the caller's thread, all I/O of a call runs inside [`shielded`]: it
//!   blocks SIGPIPE, and before restoring the caller's mask takes back (with a
//!   zero-timeout `sigtimedwait`) the SIGPIPE our writes left pending, so the
//!   host never sees it. A SIGPIPE that was already pending when we blocked is
//!   not ours and is left as it was.
//!
//! The disposition (handler, ignore, default) is never touched, the caller's
//! mask is restored exactly, and a SIGPIPE the host cares about cannot be
//! confused with ours: the kernel only raises it for a write, on the thread
//! that wrote. The one thing a shielded call could swallow is a SIGPIPE sent
//! to the process by `kill` during the call, which nothing does in practice.
//! No code of the caller's (Lua callbacks) runs inside a shielded call, and
//! no thread with SIGPIPE blocked starts programs: a child inherits the mask
//! of the thread that forks it (see `spawn_tied` in server.rs).

use std::mem::MaybeUninit;

/// Blocks SIGPIPE on the current thread for good: for threads we start.
pub(crate) fn block_for_this_thread() {
    let pipe = sigpipe_set();
    // SAFETY: a valid, initialised signal set; the old mask is not wanted.
    unsafe {
        libc::pthread_sigmask(libc::SIG_BLOCK, &pipe, std::ptr::null_mut());
    }
}

/// Runs `f` (which does network I/O on this thread) with SIGPIPE blocked, and
/// consumes a SIGPIPE it raised before the caller's mask comes back.
pub(crate) fn shielded<T>(f: impl FnOnce() -> T) -> T {
    let _shield = Shield::raise();
    f()
}

/// While alive, SIGPIPE is blocked on this thread; dropping it (also on
/// unwinding) restores the mask.
struct Shield {
    previous: libc::sigset_t,
    /// A SIGPIPE was pending before we blocked it: not ours to take.
    was_pending: bool,
}

impl Shield {
    fn raise() -> Shield {
        let pipe = sigpipe_set();
        let mut previous = MaybeUninit::<libc::sigset_t>::uninit();
        // SAFETY: valid signal set pointers; pthread_sigmask fills `previous`
        // (it cannot fail with a valid `how` and set, so it is initialised).
        let previous = unsafe {
            libc::pthread_sigmask(libc::SIG_BLOCK, &pipe, previous.as_mut_ptr());
            previous.assume_init()
        };
        Shield {
            previous,
            was_pending: sigpipe_pending(),
        }
    }
}

impl Drop for Shield {
    fn drop(&mut self) {
        if !self.was_pending && sigpipe_pending() {
            let pipe = sigpipe_set();
            let now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
            // SAFETY: valid set and timeout; no siginfo wanted. A pending
            // SIGPIPE makes it return at once; EINTR (another signal's
            // handler ran) means it has to be asked again.
            unsafe {
                while libc::sigtimedwait(&pipe, std::ptr::null_mut(), &now) < 0
                    && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR)
                {}
            }
        }
        // SAFETY: restores the mask saved in `raise`.
        unsafe {
            libc::pthread_sigmask(libc::SIG_SETMASK, &self.previous, std::ptr::null_mut());
        }
    }
}

fn sigpipe_set() -> libc::sigset_t {
    let mut set = MaybeUninit::<libc::sigset_t>::uninit();
    // SAFETY: sigemptyset initialises the set; SIGPIPE is a valid signal.
    unsafe {
        libc::sigemptyset(set.as_mut_ptr());
        libc::sigaddset(set.as_mut_ptr(), libc::SIGPIPE);
        set.assume_init()
    }
}

/// Pending on this thread or on the process.
fn sigpipe_pending() -> bool {
    let mut pending = MaybeUninit::<libc::sigset_t>::uninit();
    // SAFETY: sigpending fills the set it is given.
    unsafe { libc::sigpending(pending.as_mut_ptr()) == 0 && libc::sigismember(pending.as_ptr(), libc::SIGPIPE) == 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Raises SIGPIPE the way a failed write does: directed at this thread.
    fn raise_on_this_thread() {
        // SAFETY: signals the calling thread with a valid signal number.
        unsafe {
            libc::pthread_kill(libc::pthread_self(), libc::SIGPIPE);
        }
    }

    fn blocked() -> bool {
        let mut mask = MaybeUninit::<libc::sigset_t>::uninit();
        // SAFETY: reads the current mask into `mask`.
        unsafe {
            libc::pthread_sigmask(libc::SIG_BLOCK, std::ptr::null(), mask.as_mut_ptr());
            libc::sigismember(mask.as_ptr(), libc::SIGPIPE) == 1
        }
    }

    // Each test runs on a thread of its own, so masks and pending signals of
    // one do not reach another.

    #[test]
    fn a_sigpipe_raised_inside_is_consumed_and_the_mask_restored() {
        std::thread::spawn(|| {
            assert!(!blocked());
            shielded(|| {
                assert!(blocked());
                raise_on_this_thread();
                assert!(sigpipe_pending());
            });
            assert!(!blocked());
            assert!(!sigpipe_pending());
        })
        .join()
        .unwrap();
    }

    #[test]
    fn a_sigpipe_pending_before_is_left_pending() {
        std::thread::spawn(|| {
            block_for_this_thread();
            raise_on_this_thread();
            shielded(raise_on_this_thread);
            assert!(blocked(), "the caller's own mask is kept");
            assert!(sigpipe_pending(), "the caller's pending SIGPIPE is kept");
            let pipe = sigpipe_set();
            let now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
            // SAFETY: as in Shield::drop.
            unsafe { libc::sigtimedwait(&pipe, std::ptr::null_mut(), &now) };
        })
        .join()
        .unwrap();
    }
}
