//! What a server prints: two threads read its standard output and error,
//! keep the last lines (without terminal escapes, long lines cut), and spot
//! the line that says it listens.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::sync::{mpsc, Arc, Mutex};

use super::lock;

/// The line `opencode serve` prints once it accepts connections.
const LISTENING: &str = "opencode server listening on ";
/// Lines of output kept for error messages and [`Server::output`](super::Server::output).
pub(super) const OUTPUT_LINES: usize = 40;
/// A longer line is cut (opencode prints whole stack traces on one line at times).
const LINE_LIMIT: usize = 1000;

/// The last lines a server printed, standard output and error interleaved.
pub(super) type Lines = Arc<Mutex<VecDeque<String>>>;

/// The last `count` of `output`, one a line.
pub(super) fn tail(output: &Lines, count: usize) -> String {
    let output = lock(output);
    let skip = output.len().saturating_sub(count);
    output.iter().skip(skip).cloned().collect::<Vec<_>>().join("\n")
}

/// ": its last output: a | b | c", or nothing when there was none.
pub(super) fn quote(tail: &str) -> String {
    let lines: Vec<&str> = tail.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.is_empty() {
        "; it printed nothing".to_owned()
    } else {
        format!("; its last output: {}", lines.join(" | "))
    }
}

/// Keeps the last lines of `pipe` in `output`, sends the URL of the listening
/// line to `listening`, and reports on the returned channel when the pipe ends.
pub(super) fn read_lines(
    pipe: impl Read + Send + 'static,
    output: Lines,
    listening: Option<mpsc::Sender<String>>,
) -> mpsc::Receiver<()> {
    let (done_tx, done) = mpsc::channel();
    // Should the thread not start, `done_tx` is gone and the channel reads as done.
    let _ = std::thread::Builder::new()
        .name("opencode-serve-output".into())
        .spawn(move || {
            // Only reads, but no thread of ours may die of a write (see crate::sigpipe).
            crate::sigpipe::block_for_this_thread();
            let mut reader = BufReader::new(pipe);
            let mut bytes = Vec::new();
            loop {
                bytes.clear();
                match reader.read_until(b'\n', &mut bytes) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
                let text = String::from_utf8_lossy(&bytes);
                let mut line = strip_escapes(text.trim_end());
                if let (Some(url), Some(tx)) = (line.trim().strip_prefix(LISTENING), &listening) {
                    let _ = tx.send(url.trim().trim_end_matches('/').to_owned());
                }
                if line.len() > LINE_LIMIT {
                    let mut end = LINE_LIMIT;
                    while !line.is_char_boundary(end) {
                        end -= 1;
                    }
                    line.truncate(end);
                    line.push_str(" ...");
                }
                let mut lines = lock(&output);
                if lines.len() == OUTPUT_LINES {
                    lines.pop_front();
                }
                lines.push_back(line);
            }
            let _ = done_tx.send(());
        });
    done
}

/// `line` without terminal escape sequences (opencode colours its errors).
fn strip_escapes(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
        } else if chars.clone().next() == Some('[') {
            // CSI: parameters and intermediates, up to a final byte in '@'..='~'.
            chars.next();
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        } else {
            chars.next(); // a two-character escape
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_joins_the_last_lines() {
        assert_eq!(quote(""), "; it printed nothing");
        assert_eq!(quote("a\n\n b \nc"), "; its last output: a | b | c");
    }

    #[test]
    fn escapes_are_stripped() {
        assert_eq!(
            strip_escapes("\u{1b}[91m\u{1b}[1mError: \u{1b}[0mUnexpected error"),
            "Error: Unexpected error"
        );
        assert_eq!(strip_escapes("plain ü"), "plain ü");
    }
}
