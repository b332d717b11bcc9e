//! `--format jsonl`: one JSON object per finding, a line each, each naming its file. Nothing
//! for files without findings; written as files are reported, through a buffer.

use super::{FindingJson, Out};
use crate::input::Skipped;
use crate::report::summary::Totals;
use crate::run::{FileReport, Observer};

pub struct Jsonl {
    out: Out,
}

impl Jsonl {
    pub fn new(out: Out) -> Jsonl {
        Jsonl { out }
    }
}

impl Observer for Jsonl {
    fn file(&mut self, file: &FileReport<'_>) {
        let mut buf = Vec::new();
        for f in file.findings {
            serde_json::to_writer(&mut buf, &FindingJson::of(Some(file.input.display()), f)).expect("JSON to memory");
            buf.push(b'\n');
        }
        self.out.write(&buf);
    }

    fn finish(&mut self, _totals: &Totals, _skipped: &[Skipped]) {}

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{capture, sample};
    use super::*;

    #[test]
    fn one_finding_a_line_each_with_its_file() {
        let (input, findings) = sample();
        let (out, buf) = capture();
        let mut j = Jsonl::new(out);
        j.file(&FileReport::new(input, &findings, 2, 1));
        j.flush().unwrap();
        let text = String::from_utf8(buf.borrow().clone()).unwrap();
        let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| l["file"] == "in/a.xml"));
        assert_eq!((lines[2]["rule"].as_str(), lines[2]["severity"].as_str()), (Some("D007"), Some("W")));
    }
}
