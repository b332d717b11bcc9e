//! B — batch rules across all files of one run: the same form twice (B001), the same file
//! twice (B002).
//!
//! Workers hash what identifies a form into 16 bytes; the report stage, which sees files in
//! path order, keeps one hash-map entry per distinct form and per distinct file. So "first"
//! means first in path order whatever the thread count, and the run-wide state stays a few
//! dozen bytes per record.

use super::first_seen::{digest, FirstSeen};
use super::view::View;
use super::FileResult;
use crate::finding::{Rule, Severity::*};
use crate::lang::{Lang, Text};
use crate::rules::RuleConfig;
use crate::tables::Field;
use crate::text::normalize::kana_key;
use crate::tr;

pub static B001: Rule = Rule {
    id: "B001",
    severity: W,
    summary: Text {
        ja: "同じ様式が 2 回ある (種別、患者 (氏名かな・生年月日・性別)、疾病、記載年月日が同じ)。2 回目以降 (パス順) に、最初のものを示して報告",
        en: "the same form twice: same kind, patient (kana names, BirthDate, Sex), disease and WrittenDate; reported on every occurrence after the first (in path order), naming the first",
    },
    why: Text {
        ja: "二重提出は二重登録や取り違えの元です。再送なら古い方を外してください。",
        en: "A form submitted twice leads to double registration or confusion; if it is a resend, drop the older one.",
    },
    bad: "the same patient's 意見書 for 7-1 written 2025-06-30 in two files",
    good: "one file per form",
};

pub static B002: Rule = Rule {
    id: "B002",
    severity: W,
    summary: Text {
        ja: "バイト単位で同じ内容のファイルが 2 つある (後の方に報告)",
        en: "two files with byte-identical content; reported on the later one",
    },
    why: Text {
        ja: "同じファイルのコピーです。一方を外してください。",
        en: "One file is a copy of the other; remove one.",
    },
    bad: "R…000001.xml and R…000002.xml with the same bytes",
    good: "one of them",
};

/// B001's examples in Japanese (see `rules::PROSE_EXAMPLES_JA`).
pub const B001_EXAMPLES_JA: (&str, &str) =
    ("同じ患者の 7-1 の意見書 (記載年月日 2025-06-30) が 2 つのファイルにある", "1 つの様式は 1 つのファイルに");

/// B002's examples in Japanese.
pub const B002_EXAMPLES_JA: (&str, &str) = ("R…000001.xml と R…000002.xml が同じバイト列", "どちらか一方だけ");

/// The B001 identity of a record, hashed; `None` when any part is missing or invalid.
///
/// Each part is taken in the spelling-free form the format allows: kana names as
/// [`kana_key`]s (hiragana and katakana, spacing), the disease key as numbers (`06` is 6, as
/// for C001); the dates and the sex code passed checks that admit one spelling only.
pub fn record_key(view: &View<'_>) -> Option<u128> {
    use Field::*;
    let mut h = Gather::new();
    h.push(view.kind.id.as_bytes());
    for f in [FamilyKana, GivenKana] {
        h.push(b"\x1f");
        for c in kana_key(view.get(f)?) {
            h.push_char(c);
        }
    }
    for part in [view.get(BirthDate)?, view.get(Sex)?, view.get(WrittenDate)?] {
        h.push(b"\x1f");
        h.push(part.as_bytes());
    }
    // A form without a group (臨個票) hashes u32::MAX there, which no group number can be.
    let group = if view.node_of(DiseaseGroup).is_some() { u32::from(view.number(DiseaseGroup)?) } else { u32::MAX };
    h.push(&u32::from(view.number(DiseaseNo)?).to_le_bytes());
    h.push(&group.to_le_bytes());
    Some(h.digest128())
}

/// An xxh3 hash of bytes gathered in a buffer on the stack: each call to the hasher's own
/// update costs tens of instructions, and a key was fed one character at a time. A key that
/// fits the buffer (almost all) is hashed in one call, without the streaming hasher's state
/// (setting it up and finishing it cost more than the hash); a longer one streams. xxh3 gives
/// the same hash for the same bytes either way, however they are cut.
struct Gather {
    h: Option<Box<xxhash_rust::xxh3::Xxh3>>,
    buf: [u8; 256],
    len: usize,
}

impl Gather {
    fn new() -> Gather {
        Gather { h: None, buf: [0; 256], len: 0 }
    }

    fn hasher(h: &mut Option<Box<xxhash_rust::xxh3::Xxh3>>) -> &mut xxhash_rust::xxh3::Xxh3 {
        h.get_or_insert_with(|| Box::new(xxhash_rust::xxh3::Xxh3::new()))
    }

    fn flush(&mut self) {
        Self::hasher(&mut self.h).update(&self.buf[..self.len]);
        self.len = 0;
    }

    fn push(&mut self, b: &[u8]) {
        if b.len() > self.buf.len() - self.len {
            self.flush();
            if b.len() > self.buf.len() {
                Self::hasher(&mut self.h).update(b);
                return;
            }
        }
        self.buf[self.len..self.len + b.len()].copy_from_slice(b);
        self.len += b.len();
    }

    fn push_char(&mut self, c: char) {
        if self.buf.len() - self.len < 4 {
            self.flush();
        }
        self.len += c.encode_utf8(&mut self.buf[self.len..]).len();
    }

    fn digest128(mut self) -> u128 {
        if self.h.is_none() {
            return xxhash_rust::xxh3::xxh3_128(&self.buf[..self.len]);
        }
        self.flush();
        Self::hasher(&mut self.h).digest128()
    }
}

/// Run-wide memory of what was seen, fed in path order: an entry per form and per file, held
/// for the whole run ([`FirstSeen`]).
#[derive(Default)]
pub struct BatchState {
    /// Form identity → (file index, record number) of its first occurrence.
    forms: FirstSeen<(u32, u32)>,
    /// File content hash → index of the first file with those bytes.
    files: FirstSeen<u32>,
}

impl BatchState {
    /// Makes room for `files` files of one form each. Called once the run's inputs are known:
    /// grown one entry at a time, each table's last growth held its old table and its new one,
    /// twice as large, at once.
    pub fn reserve(&mut self, files: usize) {
        self.files.reserve(files);
        self.forms.reserve(files);
    }

    /// Adds B findings to the file at `index` (in path order), consuming its batch keys;
    /// `name_of` gives a file's display name for the messages.
    pub fn observe(
        &mut self,
        index: u32,
        result: &mut FileResult,
        rules: &RuleConfig,
        lang: Lang,
        name_of: &dyn Fn(u32) -> String,
    ) {
        if let Some(hash) = result.content_hash.map(digest) {
            if let Some(first) = self.files.first_or_keep(hash, index) {
                result.add(rules, &B002, 0, (0, 0), || {
                    let first_name = name_of(first);
                    tr!(
                        lang,
                        "{first_name} とバイト単位で同じ内容です。同じファイルのコピーなので、一方を外してください",
                        "byte-identical to {first_name}; it is a copy, remove one of them"
                    )
                });
                // Its forms are the first file's forms again: B002 says it all.
                return;
            }
        }
        for key in std::mem::take(&mut result.batch_keys) {
            let Some((file, record)) = self.forms.first_or_keep(digest(key.hash), (index, key.record)) else {
                continue;
            };
            result.add(rules, &B001, key.record, (key.line, key.column), || {
                if file == index {
                    tr!(lang, "同じ様式 (患者・疾病・記載年月日が同じ) がこのファイルの {record} 件目にもあります。重複を外してください", "the same form (same patient, disease and WrittenDate) is also form {record} of this file; remove the duplicate")
                } else {
                    let first_name = name_of(file);
                    tr!(lang, "同じ様式 (患者・疾病・記載年月日が同じ) が {first_name} の {record} 件目にもあります。再送なら古い方を外してください", "the same form (same patient, disease and WrittenDate) is also form {record} of {first_name}; if this is a resend, remove the older one")
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{empty_result, BatchKey, MAX_KEPT_FINDINGS};
    use crate::finding::{Finding, MAX_MESSAGE_CHARS};

    fn observe(state: &mut BatchState, index: u32, result: &mut FileResult, name: &str) {
        state.observe(index, result, &RuleConfig::default(), Lang::Ja, &|_| name.to_owned());
    }

    #[test]
    fn gathering_bytes_keeps_the_hash_of_feeding_them_directly() {
        let parts: [&[u8]; 5] = [b"ikensho", b"\x1f", &[0xE3; 300], b"", &[7; 250]];
        let mut direct = xxhash_rust::xxh3::Xxh3::new();
        let mut gathered = Gather::new();
        for p in parts {
            direct.update(p);
            gathered.push(p);
        }
        for c in "ヤマダ ハナコ".chars().cycle().take(200) {
            direct.update(c.encode_utf8(&mut [0; 4]).as_bytes());
            gathered.push_char(c);
        }
        assert_eq!(gathered.digest128(), direct.digest128());
        // A key that fits the buffer is hashed in one call, to the same hash.
        let mut direct = xxhash_rust::xxh3::Xxh3::new();
        let mut gathered = Gather::new();
        for p in [&b"ikensho"[..], b"\x1f", "ヤマダ".as_bytes(), b"\x1f", b"2020-01-02"] {
            direct.update(p);
            gathered.push(p);
        }
        assert!(gathered.h.is_none());
        assert_eq!(gathered.digest128(), direct.digest128());
    }

    #[test]
    fn batch_findings_share_the_per_file_cap_and_are_counted_past_it() {
        let key = |record| BatchKey { hash: 7, record, line: record, column: 1 };
        let l003 = crate::rules::find("L003").unwrap();
        let mut result = FileResult {
            findings: (2..MAX_KEPT_FINDINGS).map(|_| Finding::new(l003, W, 1, "", (1, 1), "", String::new())).collect(),
            batch_keys: (1..=5).map(key).collect(),
            ..empty_result()
        };
        observe(&mut BatchState::default(), 0, &mut result, "a.xml");
        // Forms 2 to 5 repeat form 1: two fit under the cap, two are counted only.
        assert_eq!(result.findings.len(), MAX_KEPT_FINDINGS);
        assert_eq!(result.findings.iter().filter(|f| f.rule.id == "B001").count(), 2);
        assert_eq!(result.overflow.counts(), (0, 2));
    }

    #[test]
    fn another_file_named_in_a_message_is_quoted_safely_and_briefly() {
        let hostile = format!("{}/a\u{1b}[31mred\u{202e}.xml", "長い".repeat(400));
        let mut state = BatchState::default();
        let copy = || FileResult { content_hash: Some(1), ..empty_result() };
        observe(&mut state, 0, &mut copy(), &hostile);
        let mut second = copy();
        observe(&mut state, 1, &mut second, &hostile);
        let m = &second.findings[0].message;
        assert_eq!(second.findings[0].rule.id, "B002");
        assert!(!m.contains(['\u{1b}', '\u{202e}']), "{m}");
        assert!(m.contains("a\u{FFFD}[31mred\u{FFFD}.xml"), "{m}");
        assert!(m.chars().count() <= MAX_MESSAGE_CHARS, "{}", m.chars().count());
    }
}
