//! How far a batch has got, on standard error: a bar on a terminal, or for a scheduled job's
//! log a line every few seconds (rows done, rows a second, and time left when it can tell).

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// When to show progress on standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ShowProgress {
    /// A bar when standard error is a terminal; otherwise a line every [`Options::progress_every`](super::Options::progress_every).
    #[default]
    Auto,
    /// Lines, even on a terminal (for a terminal that is being logged).
    Always,
    /// Nothing.
    Never,
}

impl std::str::FromStr for ShowProgress {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "auto" => Ok(ShowProgress::Auto),
            "always" => Ok(ShowProgress::Always),
            "never" => Ok(ShowProgress::Never),
            _ => Err(format!("{s:?} is not auto, always or never")),
        }
    }
}

/// Lines for a log: when the last was written, and when the run started.
struct Log {
    every: Duration,
    start: Instant,
    /// When the last line was written, and whether one has been.
    last: Mutex<(Instant, bool)>,
    bytes: Option<u64>,
}

/// A bar, lines, or nothing.
pub(super) struct Progress {
    pub bar: indicatif::ProgressBar,
    log: Option<Log>,
}

impl Progress {
    /// Progress as `show` asks, for an input of `bytes` bytes when known (not standard input
    /// or xlsx): the bar and the lines give the time left only then.
    pub fn new(show: ShowProgress, every: Duration, bytes: Option<u64>) -> Progress {
        let hidden = indicatif::ProgressBar::hidden();
        let terminal = std::io::stderr().is_terminal();
        let log = || {
            let now = Instant::now();
            Some(Log {
                every,
                start: now,
                last: Mutex::new((now, false)),
                bytes,
            })
        };
        match show {
            ShowProgress::Never => Progress {
                bar: hidden,
                log: None,
            },
            ShowProgress::Auto if terminal => Progress {
                bar: bar(bytes),
                log: None,
            },
            _ => Progress {
                bar: hidden,
                log: log(),
            },
        }
    }

    /// `rows` done (written or rejected) so far, up to `bytes` into the input when known.
    pub fn update(&self, rows: u64, bytes: Option<u64>) {
        if let Some(b) = bytes {
            self.bar.set_position(b);
        }
        self.bar.set_message(format!("{rows} rows done"));
        self.bar.tick();
        let Some(log) = &self.log else { return };
        let now = Instant::now();
        // Only the reading thread updates; a poisoned lock only means a line is skipped.
        let Ok(mut last) = log.last.lock() else {
            return;
        };
        if now.duration_since(last.0) < log.every {
            return;
        }
        *last = (now, true);
        eprintln!("{}", log.line(rows, bytes, now));
    }

    /// Clear the bar; in a log that has had a line of progress, a last line (a run too short
    /// for one needs no progress).
    pub fn finish(&self, rows: u64) {
        self.bar.finish_and_clear();
        let Some(log) = &self.log else { return };
        if log.last.lock().is_ok_and(|last| last.1) {
            let secs = log.start.elapsed().as_secs_f64();
            eprintln!(
                "sendband: {} rows done in {secs:.1} s ({} rows a second)",
                thousands(rows),
                thousands(rate(rows, secs))
            );
        }
    }
}

impl Log {
    fn line(&self, rows: u64, bytes: Option<u64>, now: Instant) -> String {
        let secs = now.duration_since(self.start).as_secs_f64();
        let mut line = format!(
            "sendband: {} rows done, {} rows a second",
            thousands(rows),
            thousands(rate(rows, secs))
        );
        if let (Some(done), Some(all)) = (bytes, self.bytes.filter(|b| *b > 0)) {
            let part = (done as f64 / all as f64).clamp(0.0, 1.0);
            line.push_str(&format!(", {:.0}% of the input", part * 100.0));
            if part > 0.0 {
                let left = secs * (1.0 - part) / part;
                line.push_str(&format!(", about {} left", duration(left)));
            }
        }
        line
    }
}

fn rate(rows: u64, secs: f64) -> u64 {
    if secs > 0.0 {
        (rows as f64 / secs).round() as u64
    } else {
        0
    }
}

/// `1234567` as `1,234,567`, as amounts are grouped.
fn thousands(n: u64) -> String {
    crate::money::thousands(&n.to_string())
}

/// Seconds as a person reads them: `40 s`, `3 min 5 s`, `2 h 10 min`.
fn duration(secs: f64) -> String {
    let s = secs.round() as u64;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

fn bar(bytes: Option<u64>) -> indicatif::ProgressBar {
    match bytes {
        Some(len) => indicatif::ProgressBar::new(len).with_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {msg} ({eta} left)",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        ),
        None => indicatif::ProgressBar::new_spinner(),
    }
}

#[cfg(test)]
mod tests {
    use super::{duration, thousands};

    #[test]
    fn numbers_and_times_read_as_people_write_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(duration(0.4), "0 s");
        assert_eq!(duration(59.4), "59 s");
        assert_eq!(duration(185.0), "3 min 5 s");
        assert_eq!(duration(7800.0), "2 h 10 min");
    }
}
