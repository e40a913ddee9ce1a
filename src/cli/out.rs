//! Results on standard output. A reader that stops early (`sendband schema | head -1`) closes
//! the pipe: that is no mistake of the user's, so the command then ends quietly with exit 0 (as
//! ripgrep does) rather than panicking as `println!` would or reporting an error.

use crate::Outcome;
use std::io::Write;

/// Write `text` to standard output, flushed, so that a closed pipe is met here and not at exit.
/// The error is how the command ends: [`Outcome::Closed`] for a closed pipe.
pub fn print(text: &str) -> Result<(), Outcome> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| failed(&e))
}

/// How a command ends when writing its results to standard output failed: quietly when the
/// reader has gone, else with the reason (a full disk, say) and exit 2.
pub fn failed(e: &std::io::Error) -> Outcome {
    if closed(e) {
        Outcome::Closed
    } else {
        eprintln!("sendband: cannot write to standard output: {e}");
        Outcome::Usage
    }
}

/// Whether a write failed only because the reader of the pipe has gone.
pub fn closed(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::BrokenPipe
}
