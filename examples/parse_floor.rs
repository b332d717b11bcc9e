//! The parse floor: what reading and XML-parsing a set of files costs with nothing else done.
//!
//! Walks the paths like `rinken check` (every `*.xml`, in path order), reads each file whole
//! through rinken's own `input::load` (memory-mapped from 16 MiB up), checks UTF-8 as rinken
//! does and runs a borrowing quick-xml reader over it, counting events and forms. No
//! validation, no reports. rinken's throughput is measured against this (scripts/whole-run.sh,
//! docs/performance.md).
//!
//! ```text
//! cargo run --release --example parse_floor -- [--threads N] PATH...
//! ```
//! Prints one line: `files=… forms=… bytes=… events=… seconds=… files_per_s=… forms_per_s=… mb_per_s=…`.

use quick_xml::events::Event;
use quick_xml::Reader;
use rayon::prelude::*;
use rinken::input::load::{read_file, with_buffer, Loaded};
use rinken::input::tree::{Kind, Step, Tree};
use std::path::PathBuf;
use std::time::Instant;

const MMAP_FROM: u64 = 16 << 20;

#[derive(Default, Clone, Copy)]
struct Count {
    forms: u64,
    bytes: u64,
    events: u64,
}

impl std::ops::Add for Count {
    type Output = Count;
    fn add(self, o: Count) -> Count {
        Count { forms: self.forms + o.forms, bytes: self.bytes + o.bytes, events: self.events + o.events }
    }
}

fn parse(bytes: &[u8]) -> Count {
    let mut c = Count { bytes: bytes.len() as u64, ..Count::default() };
    let Ok(text) = simdutf8::basic::from_utf8(bytes) else { return c };
    let mut reader = Reader::from_str(text);
    loop {
        match reader.read_event() {
            Ok(Event::Eof) | Err(_) => return c,
            Ok(Event::Start(e)) => {
                // Counting forms costs one comparison per element: close enough to nothing.
                let name = e.local_name();
                let name: &str = name.as_ref();
                if matches!(name, "Rinkohyo" | "Ikensho") {
                    c.forms += 1;
                }
                c.events += 1;
            }
            Ok(_) => c.events += 1,
        }
    }
}

fn file(path: &std::path::Path) -> Count {
    // rinken's own read and buffer (input::load): the same system calls, so the floor pays for
    // none that rinken does not make, and a file over 16 MiB is mapped rather than streamed.
    with_buffer(|buf| match read_file(path, buf, MMAP_FROM - 1) {
        Ok(Loaded::Whole(n)) => parse(&buf[..n]),
        // SAFETY: the file is only read, and the corpus is not modified while measured.
        Ok(Loaded::Larger(f, _)) => match unsafe { memmap2::Mmap::map(&f) } {
            Ok(m) => parse(&m),
            Err(_) => Count::default(),
        },
        Err(_) => Count::default(),
    })
}

fn main() {
    let mut threads = 1usize;
    let mut roots = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--threads" => {
                threads = args.next().and_then(|n| n.parse().ok()).filter(|&n| n > 0).unwrap_or_else(|| {
                    eprintln!("parse_floor: --threads needs a positive number");
                    std::process::exit(2)
                })
            }
            "-h" | "--help" => {
                eprintln!("usage: parse_floor [--threads N] PATH...");
                return;
            }
            _ => roots.push(PathBuf::from(a)),
        }
    }
    if roots.is_empty() {
        eprintln!("usage: parse_floor [--threads N] PATH...");
        std::process::exit(2);
    }
    let started = Instant::now();
    let mut paths = Vec::new();
    for root in &roots {
        if root.is_file() {
            paths.push(root.clone());
            continue;
        }
        // rinken's own walk (input::tree), in path order: the floor reads what rinken reads, in
        // the same order, found at the same cost.
        let mut tree = Tree::new(root);
        while let Some(step) = tree.next() {
            if let Step::Entry(e) = step {
                if e.kind() == Kind::File && rinken::input::walk::is_xml_name(e.name()) {
                    paths.push(e.path());
                }
            }
        }
    }
    // Files opened by name in their folder, as rinken's workers open them (input::open).
    let total = if threads == 1 {
        let _folders = rinken::input::open::hold_folders();
        paths.iter().map(|p| file(p)).fold(Count::default(), |a, b| a + b)
    } else {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .start_handler(|_| rinken::input::open::set_holding(true))
            .build()
            .expect("thread pool");
        pool.install(|| paths.par_iter().map(|p| file(p)).reduce(Count::default, |a, b| a + b))
    };
    let secs = started.elapsed().as_secs_f64();
    println!(
        "files={} forms={} bytes={} events={} seconds={secs:.3} files_per_s={:.0} forms_per_s={:.0} mb_per_s={:.1}",
        paths.len(),
        total.forms,
        total.bytes,
        total.events,
        paths.len() as f64 / secs,
        total.forms as f64 / secs,
        total.bytes as f64 / 1e6 / secs
    );
}
