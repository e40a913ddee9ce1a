//! The batch against the I/O floor: in one run, on one file of synthetic Haringey profiles, the
//! best a simple program does (serde into a typed struct, a CSV line written) and `sendband batch`.
//!
//! `cargo bench --bench floor` (200,000 rows). `FLOOR_ROWS=N` sets the rows; `FLOOR_MEMORY=1`
//! also runs batch on 1,000,000 and 5,000,000 rows for its maximum resident memory. The cohort
//! is written once to `target/floor/` and reused. Every figure is the best of `FLOOR_RUNS` (3).

use serde::Deserialize;
use std::io::{BufRead, BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const ON: &str = "2025-01-15";

/// A Haringey profile as a simple program would declare it.
#[derive(Deserialize)]
#[allow(dead_code)]
struct Profile {
    case_id: String,
    date_of_birth: String,
    setting: String,
    ehcp: Option<String>,
    #[serde(default)]
    needs: Needs,
    #[serde(default)]
    sen_support: SenSupport,
    early_years: Option<EarlyYears>,
    attendance: Option<Attendance>,
    #[serde(rename = "override")]
    panel: Option<Override>,
}

#[derive(Deserialize, Default)]
struct Needs {
    communication_interaction: Option<u8>,
    cognition_learning: Option<u8>,
    semh: Option<u8>,
    sensory_physical: Option<u8>,
    medical_personal_care: Option<u8>,
}

#[derive(Deserialize, Default)]
struct SenSupport {
    apdr_cycles: Option<u32>,
    specialist_advice: Option<bool>,
    notional_spend: Option<f64>,
    progress: Option<String>,
}

#[derive(Deserialize)]
struct EarlyYears {
    funded_hours: Option<f64>,
    weeks: Option<u32>,
    development: Option<Development>,
}

#[derive(Deserialize)]
struct Development {
    communication_language: Option<u32>,
    physical: Option<u32>,
    psed: Option<u32>,
}

#[derive(Deserialize)]
struct Attendance {
    days_on_roll: Option<u32>,
}

#[derive(Deserialize)]
struct Override {
    band: Option<String>,
    reason: Option<String>,
}

/// Read every profile into the typed struct and write one CSV line of it; returns the rows.
fn floor(input: &Path, output: &Path) -> u64 {
    let reader = BufReader::with_capacity(1 << 16, std::fs::File::open(input).expect("cohort"));
    let file = std::fs::File::create(output).expect("floor output");
    let mut out = csv::Writer::from_writer(BufWriter::with_capacity(1 << 16, file));
    let mut rows = 0;
    for line in reader.lines() {
        let line = line.expect("a line");
        let p: Profile = serde_json::from_str(&line).expect("a profile");
        let n = &p.needs;
        let s = &p.sen_support;
        let ey = p.early_years.as_ref();
        let dev = ey.and_then(|e| e.development.as_ref());
        let text = |o: Option<&String>| o.map(String::as_str).unwrap_or("").to_string();
        let num = |o: Option<u32>| o.map(|v| v.to_string()).unwrap_or_default();
        let level = |o: Option<u8>| o.map(|v| v.to_string()).unwrap_or_default();
        let dec = |o: Option<f64>| o.map(|v| v.to_string()).unwrap_or_default();
        out.write_record([
            p.case_id,
            p.date_of_birth,
            p.setting,
            text(p.ehcp.as_ref()),
            level(n.communication_interaction),
            level(n.cognition_learning),
            level(n.semh),
            level(n.sensory_physical),
            level(n.medical_personal_care),
            num(s.apdr_cycles),
            s.specialist_advice
                .map(|b| b.to_string())
                .unwrap_or_default(),
            dec(s.notional_spend),
            text(s.progress.as_ref()),
            dec(ey.and_then(|e| e.funded_hours)),
            num(ey.and_then(|e| e.weeks)),
            num(dev.and_then(|d| d.communication_language)),
            num(dev.and_then(|d| d.physical)),
            num(dev.and_then(|d| d.psed)),
            num(p.attendance.as_ref().and_then(|a| a.days_on_roll)),
            text(p.panel.as_ref().and_then(|o| o.band.as_ref())),
            text(p.panel.as_ref().and_then(|o| o.reason.as_ref())),
        ])
        .expect("a CSV line");
        rows += 1;
    }
    out.flush().expect("flush");
    rows
}

/// What one child process used.
struct Usage {
    wall: f64,
    cpu: f64,
    max_rss_kb: i64,
}

/// Run a command and read its own resource use (not the sum over earlier children).
// The child is reaped by wait4, which `Child` does not know about.
#[allow(clippy::zombie_processes)]
fn measure(cmd: &mut Command) -> Usage {
    let start = Instant::now();
    let child = cmd.spawn().expect("the command starts");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: wait4 writes a rusage for the child we just spawned and have not waited for.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed().as_secs_f64();
    assert_eq!(waited, pid, "wait4");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) <= 1,
        "the command failed: {cmd:?}"
    );
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Usage {
        wall,
        cpu: secs(usage.ru_utime) + secs(usage.ru_stime),
        max_rss_kb: usage.ru_maxrss,
    }
}

fn sendband() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sendband"))
}

/// The cohort of `rows` synthetic profiles (seed 7), written once.
fn cohort(dir: &Path, rows: u64) -> PathBuf {
    let path = dir.join(format!("haringey-{rows}.jsonl"));
    if !path.exists() {
        let partial = dir.join(format!("haringey-{rows}.jsonl.part"));
        let status = sendband()
            .args(["synth", "--on", ON, "--seed", "7", "--n", &rows.to_string()])
            .arg("--output")
            .arg(&partial)
            .status()
            .expect("synth runs");
        assert!(status.success(), "synth failed");
        std::fs::rename(&partial, &path).expect("rename");
    }
    path
}

fn batch(input: &Path, output: &Path, threads: u32) -> Usage {
    measure(
        sendband()
            .args([
                "batch",
                "--on",
                ON,
                "--quiet",
                "--threads",
                &threads.to_string(),
            ])
            .arg("--input")
            .arg(input)
            .arg("--output")
            .arg(output)
            .stderr(std::process::Stdio::null()),
    )
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // `cargo bench` passes --bench; any filter argument is ignored.
    let rows = env_number("FLOOR_ROWS", 200_000);
    let runs = env_number("FLOOR_RUNS", 3).max(1);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/floor");
    std::fs::create_dir_all(&dir).expect("target/floor");
    let input = cohort(&dir, rows);
    let out = dir.join("out.csv");
    let per_row = |secs: f64| secs * 1e6 / rows as f64;

    let mut best_floor = f64::MAX;
    let mut best = [(f64::MAX, f64::MAX, 0i64); 2];
    // Interleaved, so a slow spell of the machine falls on every contender alike.
    for _ in 0..runs {
        let start = Instant::now();
        let n = floor(&input, &out);
        assert_eq!(n, rows);
        best_floor = best_floor.min(start.elapsed().as_secs_f64());
        for (i, threads) in [1u32, 2].into_iter().enumerate() {
            let u = batch(&input, &out, threads);
            let b = &mut best[i];
            *b = (b.0.min(u.wall), b.1.min(u.cpu), b.2.max(u.max_rss_kb));
        }
    }
    println!("{rows} Haringey profiles (JSON Lines, seed 7) to CSV, best of {runs}:");
    println!(
        "  floor (serde into a typed struct, a CSV line), 1 thread: {:.2} us a row ({:.2} s)",
        per_row(best_floor),
        best_floor
    );
    for (i, threads) in [1, 2].into_iter().enumerate() {
        let (wall, cpu, rss) = best[i];
        println!(
            "  sendband batch --threads {threads}: {:.2} us a row wall ({:.2} s, {:.2}x the \
             floor), {:.2} us a row CPU ({:.2}x), max RSS {:.1} MB",
            per_row(wall),
            wall,
            wall / best_floor,
            per_row(cpu),
            cpu / best_floor,
            rss as f64 / 1024.0
        );
    }
    if std::env::var_os("FLOOR_MEMORY").is_some() {
        for big in [1_000_000u64, 5_000_000] {
            let input = cohort(&dir, big);
            let u = batch(&input, &out, 2);
            println!(
                "  {big} rows, 2 threads: {:.1} s, max RSS {:.1} MB",
                u.wall,
                u.max_rss_kb as f64 / 1024.0
            );
        }
    }
    let _ = std::fs::remove_file(&out);
}
