//! A server's process tree: forked tied to this process (it gets SIGTERM
//! should this process die), and stopped whole: its process group and every
//! descendant found in /proc, SIGTERM first and SIGKILL after a grace period.

use std::os::unix::process::CommandExt;
use std::process::{Child, Command};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use super::exit::unregister;
use super::lock;

/// What stopping needs; shared with the registry that stops every server
/// still running when the process exits.
pub(super) struct Process {
    pub(super) pid: u32,
    pub(super) child: Mutex<Option<Child>>,
}

/// Spawns `command` so that the kernel sends it SIGTERM should this process
/// end without stopping it (a crash, SIGKILL, an uncaught Ctrl-C), through
/// the parent-death signal. That signal follows the *thread* that forked, so
/// the fork happens on a thread that lives as long as the process, not on
/// the caller's, which may end long before the server should.
///
/// Unlike our other threads, the spawning thread keeps SIGPIPE as the host
/// left it: a child inherits the signal mask of the thread that forks it, and
/// opencode and the commands it runs must get the host's, not ours.
pub(super) fn spawn_tied(mut command: Command) -> std::io::Result<Child> {
    type Job = (Command, mpsc::Sender<std::io::Result<Child>>);
    static KEEPER: Mutex<Option<mpsc::Sender<Job>>> = Mutex::new(None);

    let parent = std::process::id();
    // SAFETY: between fork and exec the closure only makes async-signal-safe calls.
    unsafe {
        command.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // Already orphaned (the parent died before the prctl): nobody would signal us.
            if libc::getppid() as u32 != parent {
                return Err(std::io::Error::from_raw_os_error(libc::ESRCH));
            }
            Ok(())
        });
    }
    let (reply, answer) = mpsc::channel();
    let sent = {
        let mut keeper = lock(&KEEPER);
        if keeper.is_none() {
            let (jobs, queue) = mpsc::channel::<Job>();
            let started = std::thread::Builder::new()
                .name("opencode-serve-spawner".into())
                .spawn(move || {
                    // Ends only with the process: nothing closes `jobs`, which lives in KEEPER.
                    while let Ok((mut command, reply)) = queue.recv() {
                        let _ = reply.send(command.spawn());
                    }
                });
            if started.is_ok() {
                *keeper = Some(jobs);
            }
        }
        match keeper.as_ref() {
            Some(jobs) => jobs.send((command, reply)).map_err(|e| e.0 .0),
            None => Err(command),
        }
    };
    match sent {
        Ok(()) => answer
            .recv()
            .unwrap_or_else(|_| Err(std::io::Error::other("the spawning thread is gone"))),
        // No spawning thread: spawn here; the parent-death signal then follows this thread.
        Err(mut command) => command.spawn(),
    }
}

/// A process found in /proc: its id and start time (so that a recycled id is not hit).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Pid {
    pid: u32,
    start: u64,
}

/// `(pid, parent, start time)` of every process, from /proc.
fn process_table() -> Vec<(u32, u32, u64)> {
    let mut table = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return table;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        if let Some((parent, start)) = stat(pid) {
            table.push((pid, parent, start));
        }
    }
    table
}

/// The parent and start time of `pid`, from /proc/PID/stat.
fn stat(pid: u32) -> Option<(u32, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces and parentheses: fields restart after the last ')'.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // Field 4 of proc(5) is the parent, field 22 the start time; `fields` begins at field 3.
    Some((fields.get(1)?.parse().ok()?, fields.get(19)?.parse().ok()?))
}

/// Every live descendant of `root`.
fn descendants(root: u32) -> Vec<Pid> {
    let table = process_table();
    let mut found = vec![root];
    let mut out = Vec::new();
    let mut i = 0;
    // Bounded: each process is added at most once, and the table is finite.
    while i < found.len() && found.len() <= table.len() + 1 {
        let parent = found[i];
        for &(pid, ppid, start) in &table {
            if ppid == parent && !found.contains(&pid) {
                found.push(pid);
                out.push(Pid { pid, start });
            }
        }
        i += 1;
    }
    out
}

fn signal(target: libc::pid_t, sig: libc::c_int) {
    // SAFETY: kill(2) has no memory effects; a stale target fails with ESRCH.
    unsafe {
        libc::kill(target, sig);
    }
}

/// Signals a descendant found earlier, and the process group it leads if it
/// leads one (opencode's bash tool starts commands in groups of their own),
/// unless its id now names another process.
fn signal_known(process: Pid, sig: libc::c_int) {
    if stat(process.pid).map(|(_, start)| start) == Some(process.start) {
        signal(process.pid as libc::pid_t, sig);
        // While the process lives its id is no other group's: this fails harmlessly
        // (ESRCH) when it leads none.
        signal(-(process.pid as libc::pid_t), sig);
    }
}

/// Stops servers together: every tree gets SIGTERM, the servers get `grace`
/// to end, then whatever remains of each tree gets SIGKILL and the servers are
/// reaped.
pub(super) fn stop_all(processes: &[Arc<Process>], grace: Duration) {
    let mut stopping = Vec::new();
    for process in processes {
        let Some(child) = lock(&process.child).take() else {
            continue; // stopped already
        };
        unregister(process);
        // Collect the tree before signalling: a child whose parent ended is
        // adopted by init and can no longer be told apart from other processes.
        let tree = descendants(process.pid);
        signal(-(process.pid as libc::pid_t), libc::SIGTERM);
        for &member in &tree {
            signal_known(member, libc::SIGTERM);
        }
        stopping.push((child, tree));
    }
    let deadline = Instant::now() + grace;
    for (child, tree) in &mut stopping {
        while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        if matches!(child.try_wait(), Ok(None)) {
            for member in descendants(child.id()) {
                if !tree.contains(&member) {
                    tree.push(member);
                }
            }
        }
    }
    for (mut child, tree) in stopping {
        let group = child.id() as libc::pid_t;
        signal(-group, libc::SIGKILL);
        for member in tree {
            signal_known(member, libc::SIGKILL);
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_reads_this_process() {
        let (parent, start) = stat(std::process::id()).expect("own stat");
        assert!(parent > 0 && start > 0);
    }
}
