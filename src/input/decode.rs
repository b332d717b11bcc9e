//! Encoding: UTF-8 (BOM tolerated, F005), Shift_JIS/CP932 declared or sniffed (F003, decoded
//! and validated anyway), anything else F004.
//!
//! One decision serves a file read whole and a file streamed: [`Head`] (BOM, UTF-16,
//! declaration, from the first bytes) and a [`Utf8Verdict`] (from a [`Utf8Scan`] fed the rest
//! in chunks of any size) give a [`Plan`]. Only a CP932 plan needs more: decoding, which may
//! still fail at some byte.

use std::borrow::Cow;

/// A byte offset, with the line and column it is at.
pub type At = (usize, (u32, u32));

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detected {
    Utf8,
    /// CP932, because the declaration says so or because the bytes are not UTF-8 but are CP932.
    Cp932 {
        declared: bool,
    },
}

#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// UTF-16 or UTF-32 (BOM or NUL pattern): 16 or 32 bits a unit.
    Wide(u8),
    /// Declared as another encoding, and the bytes are not UTF-8 either.
    Declared(String),
    /// Neither UTF-8 nor CP932: the first byte that is not UTF-8, with its line and column.
    Undecodable { offset: usize, pos: (u32, u32) },
    /// Declared as Shift_JIS but not decodable as CP932: the first bad byte, with its line and
    /// column in the text decoded before it.
    BadCp932 { offset: usize, pos: (u32, u32) },
}

/// How a file's bytes are read, and what about that is reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoding {
    pub detected: Detected,
    pub bom: bool,
    /// A declaration of another encoding over bytes that are UTF-8: reported, and the text is
    /// checked as UTF-8.
    pub mislabel: Option<String>,
    /// UTF-8 whose last character is cut off by the end of the file (a truncated transfer or
    /// a full disk): the file offset where the incomplete character starts, and its line and
    /// column. The text is what comes before it, so that the rest is still checked.
    pub cut: Option<At>,
}

#[derive(Debug)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: Encoding,
}

const SJIS_NAMES: &[&str] = &[
    "shift_jis",
    "shift-jis",
    "sjis",
    "x-sjis",
    "windows-31j",
    "cp932",
    "ms932",
    "ms_kanji",
    "csshiftjis",
    "csWindows31J",
];

/// How much of the start of a file [`Head::of`] looks at.
pub const HEAD_BYTES: usize = 512;

/// The declaration nearly every export starts with.
const USUAL_DECL: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?>"#;

/// The `encoding` pseudo-attribute of an XML declaration at the start, if any.
pub fn declared_encoding(bytes: &[u8]) -> Option<&str> {
    // Read the general way, it says what this says: two vector searches and a UTF-8 check
    // (about 600 instructions, 1 % of a file's check) for a comparison of 38 bytes.
    if bytes.starts_with(USUAL_DECL) {
        return Some("UTF-8");
    }
    read_declared_encoding(bytes)
}

fn read_declared_encoding(bytes: &[u8]) -> Option<&str> {
    let head = &bytes[..bytes.len().min(HEAD_BYTES)];
    if !head.starts_with(b"<?xml") {
        return None;
    }
    static END: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"?>"));
    static ENCODING: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"encoding"));
    let end = END.find(head)?;
    let decl = std::str::from_utf8(&head[..end]).ok()?;
    // A prepared finder: `str::find` sets up a searcher for every file.
    let at = ENCODING.find(decl.as_bytes())? + "encoding".len();
    let rest = decl[at..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|&c| c == '"' || c == '\'')?;
    let value = &rest[1..];
    Some(&value[..value.find(quote)?])
}

/// A name of the Shift_JIS family (as it appears in `encoding="…"`).
pub fn is_sjis(name: &str) -> bool {
    SJIS_NAMES.iter().any(|n| n.eq_ignore_ascii_case(name))
}

fn is_utf8_name(name: &str) -> bool {
    name.eq_ignore_ascii_case("utf-8") || name.eq_ignore_ascii_case("utf8")
}

/// What the first bytes of a file say about its encoding.
#[derive(Debug, Clone)]
pub struct Head<'a> {
    pub bom: bool,
    /// As declared, borrowed from the bytes the head was read from.
    pub declared: Option<&'a str>,
}

impl<'a> Head<'a> {
    /// From the first [`HEAD_BYTES`] of the file (or more: the rest is not looked at).
    pub fn of(bytes: &'a [u8]) -> Result<Head<'a>, Refusal> {
        // UTF-32's BOM (FF FE 00 00) starts like UTF-16's: it is looked for first.
        if [[0xFF, 0xFE, 0, 0], [0, 0, 0xFE, 0xFF], [0, 0, 0, b'<'], [b'<', 0, 0, 0]]
            .iter()
            .any(|p| bytes.starts_with(p))
        {
            return Err(Refusal::Wide(32));
        }
        if [[0xFE, 0xFF], [0xFF, 0xFE], [0, b'<'], [b'<', 0]].iter().any(|p| bytes.starts_with(p)) {
            return Err(Refusal::Wide(16));
        }
        let bom = bytes.starts_with(&[0xEF, 0xBB, 0xBF]);
        let declared = declared_encoding(&bytes[if bom { 3 } else { 0 }..]);
        Ok(Head { bom, declared })
    }

    /// Bytes of the byte-order mark: the text starts after them.
    pub fn bom_len(&self) -> usize {
        if self.bom {
            3
        } else {
            0
        }
    }

    pub fn declares_sjis(&self) -> bool {
        self.declared.is_some_and(is_sjis)
    }

    /// The refusal for a [`Plan::Cp932`] whose decoding failed at `bad` (offset in the text
    /// after the BOM, and position).
    pub fn cp932_refusal(&self, declared: bool, bad: At, utf8: &Utf8Verdict) -> Refusal {
        let at = |(offset, pos): At| (offset + self.bom_len(), pos);
        if declared {
            let (offset, pos) = at(bad);
            Refusal::BadCp932 { offset, pos }
        } else {
            // Sniffed: the file was tried as UTF-8 first, and that is where it failed first.
            let (offset, pos) = at(utf8.bad.unwrap_or(bad));
            Refusal::Undecodable { offset, pos }
        }
    }
}

/// What to do with a file, decided from its head and whether the rest is UTF-8.
#[derive(Debug, PartialEq, Eq)]
pub enum Plan {
    /// Read it as UTF-8 (up to a cut, if any).
    Utf8 {
        cut: Option<At>,
        mislabel: Option<String>,
    },
    /// Decode it as CP932; if a byte fails, refuse with [`Head::cp932_refusal`].
    Cp932 {
        declared: bool,
    },
    Refuse(Refusal),
}

/// The one encoding decision. Bytes that are UTF-8 are read as UTF-8 whatever the declaration
/// says (the declaration is reported): a Shift_JIS declaration only when they also hold a
/// character outside ASCII, since ASCII reads the same either way. A file cut inside its last
/// character is UTF-8 up to there: sniffing it as CP932 would check mojibake.
pub fn plan(head: &Head<'_>, utf8: &Utf8Verdict) -> Plan {
    let is_utf8 = utf8.bad.is_none();
    let cut = utf8.cut.map(|(offset, pos)| (offset + head.bom_len(), pos));
    // Copied only for the plans that report it: the usual UTF-8 file names no mislabel.
    let mislabel = || head.declared.map(str::to_owned);
    match head.declared {
        Some(name) if is_sjis(name) => {
            if is_utf8 && utf8.non_ascii {
                Plan::Utf8 { cut, mislabel: mislabel() }
            } else {
                Plan::Cp932 { declared: true }
            }
        }
        Some(name) if !is_utf8_name(name) => {
            if is_utf8 {
                Plan::Utf8 { cut, mislabel: mislabel() }
            } else {
                Plan::Refuse(Refusal::Declared(name.to_owned()))
            }
        }
        _ if is_utf8 => Plan::Utf8 { cut, mislabel: None },
        _ => Plan::Cp932 { declared: false },
    }
}

/// 1-based line and column (in characters, as an editor counts them) after the text fed so
/// far, fed in pieces of any size. Lines end as XML 1.0 §2.11 ends them and editors show
/// them: at CR LF, a lone LF, or a lone CR (a file written with classic Mac line ends).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
    /// The last byte fed was a CR: an LF next ends no further line.
    pub after_cr: bool,
}

impl Default for LineCol {
    fn default() -> LineCol {
        LineCol { line: 1, col: 1, after_cr: false }
    }
}

/// Characters in UTF-8 bytes: every byte that does not continue a sequence starts one.
pub fn char_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

fn chars(bytes: &[u8]) -> u32 {
    u32::try_from(char_count(bytes)).unwrap_or(u32::MAX)
}

impl LineCol {
    pub fn feed(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        if self.after_cr || memchr::memchr(b'\r', bytes).is_some() {
            return self.feed_with_cr(bytes);
        }
        match memchr::memrchr(b'\n', bytes) {
            None => self.col = self.col.saturating_add(chars(bytes)),
            Some(last) => {
                self.line = self.line.saturating_add(memchr::memchr_iter(b'\n', bytes).count() as u32);
                self.col = 1 + chars(&bytes[last + 1..]);
            }
        }
    }

    /// [`LineCol::feed`] where a CR may end a line: each CR does, and each LF not right
    /// after one; the column counts from the last of either.
    #[cold]
    fn feed_with_cr(&mut self, bytes: &[u8]) {
        let mut last = None;
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            let after_cr = if i == 0 { self.after_cr } else { bytes[i - 1] == b'\r' };
            if bytes[i] == b'\r' || !after_cr {
                self.line = self.line.saturating_add(1);
            }
            last = Some(i);
        }
        match last {
            None => self.col = self.col.saturating_add(chars(bytes)),
            Some(last) => self.col = 1 + chars(&bytes[last + 1..]),
        }
        self.after_cr = bytes.last() == Some(&b'\r');
    }

    /// One character that is not a line end.
    pub fn one_char(&mut self) {
        self.col = self.col.saturating_add(1);
        self.after_cr = false;
    }

    pub fn get(self) -> (u32, u32) {
        (self.line, self.col)
    }

    /// The position at the end of `bytes`.
    pub fn of(bytes: &[u8]) -> (u32, u32) {
        let mut at = LineCol::default();
        at.feed(bytes);
        at.get()
    }
}

/// Length of the UTF-8 sequence a byte starts (1 for ASCII and for bytes that start none).
fn width(lead: u8) -> usize {
    match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 1,
    }
}

/// How many bytes at the end of `bytes` start a character that they do not complete.
pub fn incomplete_tail(bytes: &[u8]) -> usize {
    for back in 1..=bytes.len().min(3) {
        let b = bytes[bytes.len() - back];
        if b & 0xC0 != 0x80 {
            return if width(b) > back { back } else { 0 };
        }
    }
    0
}

/// Whether the bytes of a file are UTF-8, learnt as they pass in chunks of any size.
#[derive(Debug, Default)]
pub struct Utf8Scan {
    fed: usize,
    /// The start of a character that the last chunk ended inside.
    carry: [u8; 4],
    carry_len: usize,
    bad: Option<At>,
    non_ascii: bool,
    /// Position after the bytes known to be whole UTF-8 characters.
    at: LineCol,
}

/// What a [`Utf8Scan`] learnt. Offsets count from where the scan started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utf8Verdict {
    /// The first byte that is not part of a UTF-8 character, and its position.
    pub bad: Option<At>,
    /// The bytes end inside a character that starts here (when none is bad).
    pub cut: Option<At>,
    /// A character outside ASCII before either.
    pub non_ascii: bool,
}

impl Utf8Scan {
    /// The verdict on a whole text.
    pub fn of(bytes: &[u8]) -> Utf8Verdict {
        let mut scan = Utf8Scan::default();
        scan.feed(bytes);
        scan.verdict()
    }

    pub fn feed(&mut self, chunk: &[u8]) {
        let start = self.fed;
        self.fed += chunk.len();
        if self.bad.is_some() {
            return;
        }
        let mut rest = chunk;
        if self.carry_len > 0 {
            // Complete the character the previous chunk ended inside.
            let have = self.carry_len;
            let take = (width(self.carry[0]) - have).min(rest.len());
            self.carry[have..have + take].copy_from_slice(&rest[..take]);
            self.carry_len += take;
            rest = &rest[take..];
            match std::str::from_utf8(&self.carry[..self.carry_len]) {
                Ok(_) => {
                    self.non_ascii = true;
                    self.at.one_char();
                    self.carry_len = 0;
                }
                Err(e) if e.error_len().is_none() => return,
                Err(_) => {
                    self.bad = Some((start - have, self.at.get()));
                    return;
                }
            }
        }
        let base = self.fed - rest.len();
        let (whole, tail) = rest.split_at(rest.len() - incomplete_tail(rest));
        let valid = match simdutf8::basic::from_utf8(whole) {
            Ok(_) => whole.len(),
            Err(_) => simdutf8::compat::from_utf8(whole).map_or_else(|e| e.valid_up_to(), |_| whole.len()),
        };
        if !self.non_ascii {
            self.non_ascii = !whole[..valid].is_ascii();
        }
        self.at.feed(&whole[..valid]);
        if valid < whole.len() || std::str::from_utf8(tail).is_err_and(|e| e.error_len().is_some()) {
            self.bad = Some((base + valid, self.at.get()));
            return;
        }
        self.carry[..tail.len()].copy_from_slice(tail);
        self.carry_len = tail.len();
    }

    pub fn verdict(&self) -> Utf8Verdict {
        let cut = (self.bad.is_none() && self.carry_len > 0).then(|| (self.fed - self.carry_len, self.at.get()));
        Utf8Verdict { bad: self.bad, cut, non_ascii: self.non_ascii }
    }
}

/// Decodes CP932; on failure, the offset of the first bad byte and its position in the text
/// decoded before it.
fn decode_cp932(bytes: &[u8]) -> Result<String, At> {
    let (text, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes);
    if !had_errors {
        return Ok(text.into_owned());
    }
    let mut decoder = encoding_rs::SHIFT_JIS.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(bytes.len() * 3);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    let offset = match result {
        encoding_rs::DecoderResult::Malformed(len, consumed) => read - len as usize - consumed as usize,
        _ => read,
    };
    Err((offset, LineCol::of(out.as_bytes())))
}

/// Detects the encoding of a whole file and gives its text.
pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>, Refusal> {
    let head = Head::of(bytes)?;
    let body = &bytes[head.bom_len()..];
    // Almost every file is UTF-8 throughout: one validation gives both the verdict and the
    // text, and positions are only counted when there is a bad or cut character to place.
    let whole = simdutf8::basic::from_utf8(body).ok();
    let utf8 = match whole {
        // `plan` asks whether there is a character outside ASCII only of a file declared
        // Shift_JIS: the others are spared a pass over their text.
        Some(text) => Utf8Verdict { bad: None, cut: None, non_ascii: head.declares_sjis() && !text.is_ascii() },
        None => Utf8Scan::of(body),
    };
    match plan(&head, &utf8) {
        Plan::Refuse(r) => Err(r),
        Plan::Cp932 { declared } => match decode_cp932(body) {
            Ok(text) => {
                let encoding =
                    Encoding { detected: Detected::Cp932 { declared }, bom: head.bom, mislabel: None, cut: None };
                Ok(Decoded { text: Cow::Owned(text), encoding })
            }
            Err(bad) => Err(head.cp932_refusal(declared, bad, &utf8)),
        },
        Plan::Utf8 { cut, mislabel } => {
            let end = utf8.cut.map_or(body.len(), |(at, _)| at);
            let text = match whole {
                Some(text) => text,
                None => simdutf8::basic::from_utf8(&body[..end]).expect("the scan found these bytes UTF-8"),
            };
            let encoding = Encoding { detected: Detected::Utf8, bom: head.bom, mislabel, cut };
            Ok(Decoded { text: Cow::Borrowed(text), encoding })
        }
    }
}

#[cfg(test)]
mod tests;
