//! What the benches that measure one spec per child process share: running the children and
//! reading a process's own CPU time and peak memory from `/proc` (Linux; `NaN` elsewhere).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The `main` of such a bench. As `EXE --child SPEC` it runs `child` on SPEC; probed by
/// `cargo test --benches` (`--test`, `--list`) it does nothing; else it prints `header` and runs
/// one child per spec of `specs()` ([`run_children`]).
pub fn main(header: &str, specs: impl FnOnce() -> Vec<PathBuf>, child: impl FnOnce(&Path)) {
    let args: Vec<String> = std::env::args().collect();
    if let Some(pos) = args.iter().position(|a| a == "--child") {
        if let Some(spec) = args.get(pos + 1) {
            child(Path::new(spec));
        }
        return;
    }
    if args.iter().any(|a| a == "--test" || a == "--list") {
        return;
    }
    println!("{header}");
    run_children(&specs());
}

/// Runs this executable once per spec as `EXE --child SPEC` (so each child's peak RSS is its own
/// spec's) and prints each child's output; a failing child's stderr goes to stderr.
///
/// # Panics
/// When this executable cannot be found or started (a bench harness, not a library).
pub fn run_children(specs: &[PathBuf]) {
    let exe = std::env::current_exe().expect("current exe");
    for spec in specs {
        let out = Command::new(&exe)
            .arg("--child")
            .arg(spec)
            .output()
            .expect("run child");
        print!("{}", String::from_utf8_lossy(&out.stdout));
        if !out.status.success() {
            eprint!("{}", String::from_utf8_lossy(&out.stderr));
        }
    }
}

/// Time the calling thread has spent on a CPU, in ms (`/proc/thread-self/schedstat`, first
/// field): on a loaded machine wall time includes waiting for a core, this does not.
pub fn thread_cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(f64::NAN, |ns| ns / 1e6)
}

/// This process's peak resident memory (VmHWM) in MB.
pub fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}
