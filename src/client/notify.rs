//! A queue between a background worker and the thread that owns the Lua
//! state, with a file descriptor that turns readable whenever something is
//! queued, so event loops (luv's `new_poll`, select, epoll) can wait on it
//! instead of polling. A [`Beacon`] gathers many queues under one
//! descriptor, readable while any of them holds an item.

use std::collections::VecDeque;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

struct Shared<T> {
    queue: Mutex<State<T>>,
    ready: Condvar,
    /// Write end of the wake-up pipe; one byte means "look at the queue".
    wake: OwnedFd,
    /// Read end of the wake-up pipe, handed out by [`Receiver::fd`]. It lives
    /// here, not in the receiver, so that the pipe keeps a reader for as long
    /// as the sender may write: a write to a pipe without one raises SIGPIPE,
    /// which kills a stock `lua` (it does not ignore the signal as Rust
    /// programs do) when a stream is dropped before its worker has stopped.
    read: OwnedFd,
    /// Raised while this queue holds items.
    beacon: Option<Arc<Beacon>>,
}

struct State<T> {
    items: VecDeque<T>,
    /// A wake-up byte is in the pipe and not yet drained.
    signaled: bool,
    /// The sender is gone: nothing more will come.
    closed: bool,
    /// This queue's items count on the beacon.
    lit: bool,
    /// The receiver is gone: items sent now are dropped.
    abandoned: bool,
}

impl<T> Shared<T> {
    /// Keeps the beacon raised exactly while items wait: an ended queue with
    /// nothing left has nothing to deliver, so it does not keep an event loop
    /// busy until its owner is collected.
    fn update_beacon(&self, state: &mut State<T>) {
        let Some(beacon) = &self.beacon else { return };
        let lit = !state.items.is_empty();
        if lit != state.lit {
            state.lit = lit;
            if lit {
                beacon.raise();
            } else {
                beacon.lower();
            }
        }
    }
}

/// One descriptor for many queues, readable while any of them holds an item.
pub(crate) struct Beacon {
    /// How many queues hold items.
    lit: Mutex<usize>,
    wake: OwnedFd,
    read: OwnedFd,
}

impl Beacon {
    pub(crate) fn new() -> std::io::Result<Arc<Beacon>> {
        let (read, wake) = pipe()?;
        Ok(Arc::new(Beacon {
            lit: Mutex::new(0),
            wake,
            read,
        }))
    }

    fn raise(&self) {
        let mut lit = self.lit.lock().unwrap_or_else(|e| e.into_inner());
        *lit += 1;
        if *lit == 1 {
            // SAFETY: writing one byte from a valid buffer to a descriptor we own.
            unsafe {
                libc::write(self.wake.as_raw_fd(), [1u8].as_ptr().cast(), 1);
            }
        }
    }

    fn lower(&self) {
        let mut lit = self.lit.lock().unwrap_or_else(|e| e.into_inner());
        *lit = lit.saturating_sub(1);
        if *lit == 0 {
            drain_pipe(&self.read);
        }
    }

    /// Readable while any of the queues holds an item.
    pub(crate) fn fd(&self) -> RawFd {
        self.read.as_raw_fd()
    }
}

/// Empties a non-blocking pipe.
fn drain_pipe(read: &OwnedFd) {
    let mut buf = [0u8; 64];
    // SAFETY: reading into a valid buffer from a non-blocking descriptor we own.
    while unsafe { libc::read(read.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) } > 0 {}
}

/// A non-blocking, close-on-exec pipe: (read end, write end).
fn pipe() -> std::io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: `fds` is a valid array of two ints for pipe() to fill.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: pipe() succeeded, so both descriptors are open and owned by nobody else.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    for fd in [&read, &write] {
        set_flags(fd.as_raw_fd())?;
    }
    Ok((read, write))
}

/// The worker's end.
pub(crate) struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// The owning thread's end.
pub(crate) struct Receiver<T> {
    shared: Arc<Shared<T>>,
}

#[cfg(test)]
pub(crate) fn channel<T>() -> std::io::Result<(Sender<T>, Receiver<T>)> {
    channel_under(None)
}

/// A queue whose items also raise `beacon`.
pub(crate) fn channel_under<T>(beacon: Option<Arc<Beacon>>) -> std::io::Result<(Sender<T>, Receiver<T>)> {
    let (read, write) = pipe()?;
    let shared = Arc::new(Shared {
        queue: Mutex::new(State {
            items: VecDeque::new(),
            signaled: false,
            closed: false,
            lit: false,
            abandoned: false,
        }),
        ready: Condvar::new(),
        wake: write,
        read,
        beacon,
    });
    Ok((Sender { shared: shared.clone() }, Receiver { shared }))
}

/// Non-blocking (a full pipe must never stall the worker) and close-on-exec.
fn set_flags(fd: RawFd) -> std::io::Result<()> {
    // SAFETY: fcntl on a descriptor we own, with valid commands.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags < 0 || libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let fd_flags = libc::fcntl(fd, libc::F_GETFD);
        if fd_flags < 0 || libc::fcntl(fd, libc::F_SETFD, fd_flags | libc::FD_CLOEXEC) < 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

impl<T> Sender<T> {
    pub(crate) fn send(&self, item: T) {
        let mut state = self.shared.queue.lock().unwrap_or_else(|e| e.into_inner());
        if state.abandoned {
            return;
        }
        state.items.push_back(item);
        self.shared.update_beacon(&mut state);
        self.signal(&mut state);
    }

    fn signal(&self, state: &mut State<T>) {
        if !state.signaled {
            state.signaled = true;
            // SAFETY: writing one byte from a valid buffer to a descriptor we own.
            // A full pipe (EAGAIN) already means "readable", which is all we need.
            unsafe {
                libc::write(self.shared.wake.as_raw_fd(), [1u8].as_ptr().cast(), 1);
            }
        }
        self.shared.ready.notify_all();
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let mut state = self.shared.queue.lock().unwrap_or_else(|e| e.into_inner());
        state.closed = true;
        self.signal(&mut state);
    }
}

impl<T> Receiver<T> {
    /// The next item if one is queued, without waiting.
    pub(crate) fn try_recv(&self) -> Option<T> {
        let mut state = self.shared.queue.lock().unwrap_or_else(|e| e.into_inner());
        let item = state.items.pop_front();
        self.shared.update_beacon(&mut state);
        if state.items.is_empty() && !state.closed {
            self.drain(&mut state);
        }
        item
    }

    /// Waits up to `timeout` (forever with `None`) for the next item. `None`
    /// when the time ran out or the sender is gone with nothing left.
    pub(crate) fn recv_timeout(&self, timeout: Option<Duration>) -> Option<T> {
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut state = self.shared.queue.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(item) = state.items.pop_front() {
                self.shared.update_beacon(&mut state);
                if state.items.is_empty() && !state.closed {
                    self.drain(&mut state);
                }
                return Some(item);
            }
            if state.closed {
                return None;
            }
            state = match deadline {
                None => self.shared.ready.wait(state).unwrap_or_else(|e| e.into_inner()),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return None;
                    }
                    self.shared
                        .ready
                        .wait_timeout(state, left)
                        .unwrap_or_else(|e| e.into_inner())
                        .0
                }
            };
        }
    }

    /// True once the sender is gone and every item has been taken.
    pub(crate) fn is_finished(&self) -> bool {
        let state = self.shared.queue.lock().unwrap_or_else(|e| e.into_inner());
        state.closed && state.items.is_empty()
    }

    /// Empties the wake-up pipe once the queue is empty, so the descriptor
    /// is readable exactly while something waits to be taken.
    fn drain(&self, state: &mut State<T>) {
        drain_pipe(&self.shared.read);
        state.signaled = false;
    }

    /// A descriptor that is readable while items are queued (or the worker ended).
    pub(crate) fn fd(&self) -> RawFd {
        self.shared.read.as_raw_fd()
    }
}

impl<T> Drop for Receiver<T> {
    /// Items nobody will take no longer hold the beacon up.
    fn drop(&mut self) {
        let mut state = self.shared.queue.lock().unwrap_or_else(|e| e.into_inner());
        state.abandoned = true;
        state.items.clear();
        self.shared.update_beacon(&mut state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn readable(fd: RawFd) -> bool {
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd, no waiting.
        unsafe { libc::poll(&mut pfd, 1, 0) == 1 }
    }

    #[test]
    fn fd_is_readable_exactly_while_items_wait() {
        let (tx, rx) = channel::<u32>().unwrap();
        assert!(!readable(rx.fd()));
        tx.send(1);
        tx.send(2);
        assert!(readable(rx.fd()));
        assert_eq!(rx.try_recv(), Some(1));
        assert!(readable(rx.fd()));
        assert_eq!(rx.try_recv(), Some(2));
        assert!(!readable(rx.fd()));
        assert_eq!(rx.try_recv(), None);
        drop(tx);
        assert!(readable(rx.fd()), "the end of the worker wakes the loop too");
        assert!(rx.is_finished());
    }

    #[test]
    fn beacon_is_readable_while_any_queue_holds_an_item() {
        let beacon = Beacon::new().unwrap();
        let (tx1, rx1) = channel_under::<u32>(Some(beacon.clone())).unwrap();
        let (tx2, rx2) = channel_under::<u32>(Some(beacon.clone())).unwrap();
        assert!(!readable(beacon.fd()));
        tx1.send(1);
        tx2.send(2);
        tx2.send(3);
        assert!(readable(beacon.fd()));
        assert_eq!(rx1.try_recv(), Some(1));
        assert!(readable(beacon.fd()), "the second queue still holds items");
        assert_eq!(rx2.recv_timeout(Some(Duration::ZERO)), Some(2));
        assert!(readable(beacon.fd()));
        assert_eq!(rx2.try_recv(), Some(3));
        assert!(!readable(beacon.fd()));
        drop(tx1);
        assert!(
            !readable(beacon.fd()),
            "an ended queue with nothing left delivers nothing"
        );
        tx2.send(4);
        assert!(readable(beacon.fd()));
        drop(rx2);
        assert!(!readable(beacon.fd()), "a dropped queue's items no longer count");
        drop(rx1);
    }

    #[test]
    fn recv_timeout_waits_for_a_worker() {
        let (tx, rx) = channel::<&str>().unwrap();
        let worker = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            tx.send("done");
        });
        assert_eq!(rx.recv_timeout(Some(Duration::from_secs(5))), Some("done"));
        worker.join().unwrap();
        assert_eq!(rx.recv_timeout(Some(Duration::from_millis(10))), None);
    }

    #[test]
    fn recv_timeout_gives_up() {
        let (_tx, rx) = channel::<u8>().unwrap();
        let start = Instant::now();
        assert_eq!(rx.recv_timeout(Some(Duration::from_millis(30))), None);
        assert!(start.elapsed() >= Duration::from_millis(30));
    }
}
