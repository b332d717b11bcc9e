//! Embeds every file under `code-tables/` into the binary, so that `rinken` needs no data
//! files at run time; `--tables DIR` overlays them file by file.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, base: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, base, out);
        } else if path.extension().is_some_and(|e| e == "tsv" || e == "csv" || e == "md") {
            out.push(path.strip_prefix(base).expect("under base").to_path_buf());
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("manifest dir"));
    let tables = root.join("code-tables");
    println!("cargo:rerun-if-changed=code-tables");
    let mut files = Vec::new();
    collect(&tables, &tables, &mut files);
    let mut src = String::from("pub static FILES: &[(&str, &[u8])] = &[\n");
    for rel in &files {
        let name = rel.to_str().expect("UTF-8 table path").replace('\\', "/");
        println!("cargo:rerun-if-changed=code-tables/{name}");
        let abs = tables.join(rel);
        writeln!(src, "    ({name:?}, include_bytes!({:?})),", abs.to_str().unwrap()).unwrap();
    }
    src.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("out dir")).join("embedded_tables.rs");
    std::fs::write(out, src).expect("write embedded table index");
}
