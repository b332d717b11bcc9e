//! Running the binary under a watchdog, with its peak memory.

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Generous: a hang, not slowness, is what it catches. Debug builds on a loaded CI machine
/// take seconds where a release build takes milliseconds.
pub const WATCHDOG: Duration = Duration::from_secs(120);

pub struct Finished {
    /// Exit status, or `None` when a signal ended the process.
    pub code: Option<i32>,
    pub signal: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// Peak resident set size of the process, in bytes, as sampled while it ran.
    pub max_rss: u64,
}

/// Starts `rinken args…` in `cwd` with stdout and stderr going to files in `logs` (a pipe
/// nobody reads could fill up and block the child) and `stdin` written to it.
pub fn start(args: &[&std::ffi::OsStr], cwd: &Path, logs: &Path, stdin: &[u8]) -> Child {
    std::fs::create_dir_all(logs).unwrap();
    let out = std::fs::File::create(logs.join("stdout")).unwrap();
    let err = std::fs::File::create(logs.join("stderr")).unwrap();
    let mut child = Command::new(super::bin())
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(out)
        .stderr(err)
        .spawn()
        .expect("start rinken");
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin).unwrap();
    drop(pipe);
    child
}

/// The process's peak resident set so far (VmHWM), in bytes; `None` once it has exited.
///
/// Not `wait4`'s `ru_maxrss`: Linux carries the parent's high-water mark into a child across
/// exec, so a test process that once held 300 MB would make every child look that big.
fn high_water(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.trim_start_matches("VmHWM:").trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb * 1024)
}

/// Waits for `child`, killing it and failing the test if it runs past [`WATCHDOG`]. Its peak
/// memory is sampled until it exits: a peak in its last milliseconds could be missed, which
/// makes the bound checked a lower one, never a false failure.
pub fn finish(mut child: Child, logs: &Path) -> Finished {
    let pid = child.id();
    let deadline = Instant::now() + WATCHDOG;
    let mut max_rss = 0;
    loop {
        max_rss = max_rss.max(high_water(pid).unwrap_or(0));
        let mut status: libc::c_int = 0;
        // SAFETY: pid is our own child and status a live local; no rusage is asked for.
        let r = unsafe { libc::wait4(pid as libc::pid_t, &mut status, libc::WNOHANG, std::ptr::null_mut()) };
        assert!(r >= 0, "wait4: {}", std::io::Error::last_os_error());
        if r == pid as libc::pid_t {
            let read = |name: &str| String::from_utf8_lossy(&std::fs::read(logs.join(name)).unwrap()).into_owned();
            return Finished {
                code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
                signal: libc::WIFSIGNALED(status).then(|| libc::WTERMSIG(status)),
                stdout: read("stdout"),
                stderr: read("stderr"),
                max_rss,
            };
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("rinken still running after {WATCHDOG:?}: a hang");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Runs `rinken args…` to the end under the watchdog.
pub fn run(args: &[&std::ffi::OsStr], cwd: &Path, logs: &Path) -> Finished {
    finish(start(args, cwd, logs, b""), logs)
}

/// `OsStr` arguments from anything path-like.
#[macro_export]
macro_rules! os_args {
    ($($a:expr),* $(,)?) => { [$(std::ffi::OsStr::new($a)),*] };
}
