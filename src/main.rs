use clap::Parser;

fn main() -> std::process::ExitCode {
    allocate_large_apart();
    let cli = rinken::cli::Cli::parse();
    std::process::ExitCode::from(rinken::cli::main_with(cli))
}

/// glibc serves a large allocation from a mapping of its own, and gives it back on free; but
/// each time it frees one it raises the size that counts as large, up to 32 MiB. In a long run
/// the walk's listing of a big folder and the batch rules' growing vectors then land in the
/// thread arenas, and what they leave behind stays: 1,500,000 files peaked at 182 MiB, 164 MiB
/// with the size fixed; the 1 GB batch at 86 MiB, 70 MiB (docs/performance.md). Fixing it
/// turns the raising off. 4 MiB: what keeps growing over a run is larger, and what a worker
/// takes and gives back for each file is smaller, so that is reused from the arenas without a
/// system call each time. A threshold the user set (`MALLOC_MMAP_THRESHOLD_`) is left alone.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn allocate_large_apart() {
    if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none() {
        // SAFETY: sets one of the allocator's tunables, before any other thread exists.
        unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, 4 << 20) };
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn allocate_large_apart() {}
