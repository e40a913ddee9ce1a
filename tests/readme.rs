//! The README's examples are tests: every ```` ```console ```` block in README.md is run, command
//! by command, and each command must print what the README shows under it (blank lines at the
//! end aside).
//!
//! A block is run by one `bash`, in a scratch folder holding copies of `examples/` and `rules/`,
//! with the `sendband` that `cargo test` built first on the `PATH`. A line starting `$ ` is a
//! command (a line ending in `\` continues it on the next); the lines after it, up to the next
//! command, are what it prints, standard output and error together. In what is shown, a line
//! `...` stands for any number of lines and `[..]` for any text within a line. Exit codes are
//! shown as people check them, with `$ echo $?`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// One command of a block and what the README shows it printing.
#[derive(Debug)]
struct Step {
    /// The README line of the `$ `.
    line: usize,
    command: String,
    shown: Vec<String>,
}

/// One ```` ```console ```` block.
#[derive(Debug)]
struct Block {
    steps: Vec<Step>,
}

/// The console blocks of a Markdown text, in order.
fn console_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = markdown.lines().enumerate().map(|(i, l)| (i + 1, l));
    while let Some((_, line)) = lines.next() {
        if line.trim_end() != "```console" {
            continue;
        }
        let mut block = Block { steps: Vec::new() };
        let mut continued = false;
        for (n, text) in lines.by_ref() {
            if text.trim_end() == "```" {
                break;
            }
            match (continued, text.strip_prefix("$ "), block.steps.last_mut()) {
                (true, _, Some(step)) => {
                    step.command.push('\n');
                    step.command.push_str(text);
                }
                (false, Some(command), _) => block.steps.push(Step {
                    line: n,
                    command: command.to_string(),
                    shown: Vec::new(),
                }),
                (false, None, Some(step)) => step.shown.push(text.to_string()),
                (_, _, None) => panic!("README.md:{n}: a console block must start with `$ `"),
            }
            // Only a command line continues: output lines are never joined.
            continued =
                text.ends_with('\\') && block.steps.last().is_some_and(|s| s.shown.is_empty());
        }
        // Blank lines between commands are for reading; they are not part of any output.
        for step in &mut block.steps {
            while step.shown.last().is_some_and(|l| l.trim().is_empty()) {
                step.shown.pop();
            }
        }
        blocks.push(block);
    }
    blocks
}

/// True when `actual` is what `shown` shows (`...` lines, `[..]` within a line).
fn matches(shown: &[String], actual: &[&str]) -> bool {
    match shown.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first == "..." => {
            (0..=actual.len()).any(|skip| matches(rest, &actual[skip..]))
        }
        Some((first, rest)) => actual
            .split_first()
            .is_some_and(|(line, more)| line_matches(first, line) && matches(rest, more)),
    }
}

fn line_matches(shown: &str, actual: &str) -> bool {
    let mut parts = shown.split("[..]");
    let Some(head) = parts.next() else {
        return actual.is_empty();
    };
    let Some(mut rest) = actual.strip_prefix(head) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i + 1 == parts.len() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// Copy a folder tree (the rules and examples are small).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Marks the start of command `i`'s output in the block's combined output.
fn marker(i: usize) -> String {
    format!("\u{1e}readme-step-{i}\u{1e}")
}

/// Run a block in `dir`; what each command printed, in order.
fn run(block: &Block, dir: &Path, bin: &Path) -> Vec<String> {
    let mut script = String::from("exec 2>&1\n");
    for (i, step) in block.steps.iter().enumerate() {
        // The newline before a mark ends a last line printed without one; it is taken off below.
        // `$?` is kept across the mark, so that `echo $?` shows the command before it.
        let _ = writeln!(
            script,
            "readme_status=$?; printf '\\n%s\\n' '{}'; (exit $readme_status)",
            marker(i)
        );
        script.push_str(&step.command);
        script.push('\n');
    }
    let path = format!(
        "{}:{}",
        bin.parent().expect("bin folder").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run bash");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let mut outputs = Vec::new();
    for i in 0..block.steps.len() {
        let start = text
            .find(&marker(i))
            .map(|at| at + marker(i).len() + 1)
            .unwrap_or(text.len());
        let end = text
            .find(&marker(i + 1))
            .map(|at| at - 1)
            .unwrap_or(text.len());
        let mut out = text.get(start..end.max(start)).unwrap_or("").to_string();
        if i + 1 == block.steps.len() {
            // No mark follows the last command, so nothing was added to take off.
            out.push('\n');
        }
        out.pop();
        outputs.push(out);
    }
    outputs
}

#[test]
fn every_console_block_prints_what_the_readme_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let blocks = console_blocks(&readme);
    // A README rewritten without its examples would otherwise pass with nothing checked.
    let commands: usize = blocks.iter().map(|b| b.steps.len()).sum();
    assert!(
        blocks.len() >= 6 && commands >= 10,
        "README.md has {} console blocks with {commands} commands: were its examples lost?",
        blocks.len()
    );
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_sendband"));
    let mut failures = String::new();
    for block in &blocks {
        let dir = tempfile::tempdir().expect("scratch folder");
        for folder in ["examples", "rules"] {
            copy_tree(&root.join(folder), &dir.path().join(folder));
        }
        for (step, actual) in block.steps.iter().zip(run(block, dir.path(), &bin)) {
            let mut lines: Vec<&str> = actual.lines().collect();
            while lines.last().is_some_and(|l| l.trim().is_empty()) {
                lines.pop();
            }
            if !matches(&step.shown, &lines) {
                let _ = write!(
                    failures,
                    "\nREADME.md:{}: `{}` printed:\n{actual}\n-- but the README shows:\n{}\n",
                    step.line,
                    step.command,
                    step.shown.join("\n")
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "README examples differ from what the commands print (fix the code, or the README if the new output is right):\n{failures}"
    );
}

#[test]
fn the_matcher_takes_elisions_and_nothing_else() {
    let shown = |s: &str| s.lines().map(str::to_string).collect::<Vec<_>>();
    assert!(matches(&shown("a\n...\nd"), &["a", "b", "c", "d"]));
    assert!(matches(&shown("a\n...\nb"), &["a", "b"]));
    assert!(!matches(&shown("a\n...\nd"), &["a", "b", "c"]));
    assert!(!matches(&shown("a\nb"), &["a", "b", "c"]));
    assert!(!matches(&shown("a\nb"), &["a", "x"]));
    assert!(matches(&shown("x [..] z"), &["x y y z"]));
    assert!(!matches(&shown("x [..] z"), &["x y y z!"]));
    assert!(matches(&shown("[..]digest 1[..]"), &["the digest 12"]));
    assert!(!matches(&shown(""), &["a"]));
}

#[test]
fn blocks_split_into_commands_with_continuations() {
    let blocks = console_blocks(
        "text\n```console\n$ one \\\n    --two\nout 1\n\n$ echo $?\n0\n```\n```sh\n$ not run\n```\n",
    );
    assert_eq!(blocks.len(), 1);
    let steps = &blocks[0].steps;
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[0].command, "one \\\n    --two");
    assert_eq!(steps[0].shown, ["out 1"]);
    assert_eq!((steps[1].line, steps[1].command.as_str()), (7, "echo $?"));
    assert_eq!(steps[1].shown, ["0"]);
}
