//! Checking a file too large to hold whole: the same stages as `check_bytes`, reading the file
//! as a stream that keeps only the current form (see `input::stream`).
//!
//! The encoding is decided as in memory, by `input::decode::plan` from the first bytes and
//! whether the rest is UTF-8. The usual file, UTF-8, is parsed while that is learnt: one pass.
//! A Shift_JIS declaration needs the answer before the parse, so its bytes are scanned first;
//! a file that turns out not to be UTF-8 is parsed again as CP932, decoded as it streams in up
//! to the first byte CP932 cannot decode (then F004, and that parse's findings are dropped).
//! Either way a file is read at most twice.

use super::file::NamedFile;
use super::{check_record, empty_result, file, BatchKeys, Ctx, FileResult, Overflow, Sink};
use crate::finding::Finding;
use crate::input::decode::{self, At, Detected, Encoding, Head, LineCol, Plan, Utf8Scan, Utf8Verdict, HEAD_BYTES};
use crate::parse::locate::{Locator, OwnedText};
use crate::parse::{pieces, DocInfo, Parser, Record};
// Every read of a streamed file goes through it: a Ctrl-C stops the file at its next read,
// not at its end.
use crate::run::interrupt::StopOnInterrupt;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

/// Files larger than this are streamed. Below it a whole read is faster and simpler; above it
/// memory stays bounded by one form per worker whatever the file size (docs/performance.md).
pub const STREAM_ABOVE: u64 = 16 << 20;

fn read_retrying(mut r: impl Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// One pass over the raw bytes: the hash of all of them (B002), and whether those after the
/// first `bom` bytes are UTF-8.
fn scan_raw(file: &File, bom: usize) -> io::Result<(u128, Utf8Verdict)> {
    let mut intake = Intake::open(file, bom)?;
    intake.drain()?;
    Ok((intake.hasher.digest128(), intake.utf8.verdict()))
}

/// A whole parse, its findings not yet the file's.
pub(super) struct Parsed {
    pub(super) info: DocInfo,
    pub(super) found: Vec<Finding>,
    pub(super) overflow: Overflow,
    pub(super) keys: BatchKeys,
}

/// A form on its way to the checking thread, with the text its offsets refer to.
#[derive(Default)]
struct Job {
    rec: Record,
    text: OwnedText,
}

/// Forms handed over at a time: one wake-up of the other thread per batch, not per form.
const BATCH: usize = 64;

/// Parses on this thread while a second thread checks the forms, in order. A file this large
/// is often the whole run (one prefecture batch), and then the second core would otherwise sit
/// idle. Forms travel in batches of buffers that come back to be reused, so nothing is
/// allocated per form, and a form's own buffers are swapped over rather than copied.
fn parse_and_check(
    ctx: &Ctx<'_>,
    parser: &mut Parser<'_>,
    file_name: Option<NamedFile>,
    drive: impl FnOnce(&mut Parser<'_>, &mut dyn FnMut(&mut Record, &Locator<'_>)) -> io::Result<DocInfo>,
) -> io::Result<Parsed> {
    let (to_checker, batches) = std::sync::mpsc::sync_channel::<Vec<Job>>(4);
    let (to_parser, spare) = std::sync::mpsc::channel::<Vec<Job>>();
    std::thread::scope(|scope| {
        let checker = std::thread::Builder::new()
            .name("rinken-worker-check".into())
            .spawn_scoped(scope, move || {
                let mut sink = Sink::new(ctx);
                sink.file_name = file_name;
                let mut keys = BatchKeys::new();
                for batch in batches {
                    for job in &batch {
                        check_record(&mut sink, &job.rec, &job.text.locator(), &mut keys);
                    }
                    let _ = to_parser.send(batch);
                }
                (sink.findings, sink.overflow, keys)
            })
            .expect("spawn the checking thread");
        let mut filling: Vec<Job> = Vec::with_capacity(BATCH);
        let mut used = 0;
        let info = drive(parser, &mut |rec, loc| {
            if used == filling.len() {
                filling.push(Job::default());
            }
            let job = &mut filling[used];
            // The parser resets the record it gets back before the next form: swapping hands
            // the form over without copying it (it can be a 100 MB text node).
            std::mem::swap(&mut job.rec, rec);
            job.text.copy_from(loc, job.rec.offset);
            used += 1;
            if used == BATCH {
                let mut next = spare.try_recv().unwrap_or_default();
                std::mem::swap(&mut next, &mut filling);
                // Fails only if the checker panicked; its join below reports that.
                let _ = to_checker.send(next);
                used = 0;
            }
        });
        filling.truncate(used);
        if !filling.is_empty() {
            let _ = to_checker.send(filling);
        }
        drop(to_checker);
        match checker.join() {
            Ok((found, overflow, keys)) => Ok(Parsed { info: info?, found, overflow, keys }),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// A parse as UTF-8, with what was learnt about the bytes on the way.
struct Utf8Parse {
    parsed: Parsed,
    hash: u128,
    utf8: Utf8Verdict,
    /// Some byte is not XML whitespace (else F002).
    content: bool,
}

/// The raw bytes of a streamed file as they are read: hashed (B002), checked for UTF-8 and
/// for content (F002), each byte once.
pub(super) struct Intake<'f> {
    file: StopOnInterrupt<&'f File>,
    hasher: xxhash_rust::xxh3::Xxh3,
    utf8: Utf8Scan,
    content: bool,
}

impl<'f> Intake<'f> {
    /// Reads from after the first `bom` bytes of `file`, which are hashed but are not text.
    pub(super) fn open(mut file: &'f File, bom: usize) -> io::Result<Intake<'f>> {
        let mut head = [0u8; 3];
        file.seek(SeekFrom::Start(0))?;
        let mut intake = Intake {
            file: StopOnInterrupt(file),
            hasher: Default::default(),
            utf8: Utf8Scan::default(),
            content: false,
        };
        intake.file.read_exact(&mut head[..bom])?;
        intake.hasher.update(&head[..bom]);
        Ok(intake)
    }

    /// Reads what is left, to hash and check it.
    fn drain(&mut self) -> io::Result<()> {
        let mut rest = vec![0; pieces::PIECE];
        while self.read(&mut rest)? > 0 {}
        Ok(())
    }

    pub(super) fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = read_retrying(&mut self.file, buf)?;
        let got = &buf[..n];
        self.hasher.update(got);
        self.utf8.feed(got);
        self.content = self.content || got.iter().any(|&b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
        Ok(n)
    }
}

/// Parses the file as UTF-8 from after its BOM, in pieces ([`pieces`]), hashing every byte and
/// learning whether they are UTF-8 as they are read.
fn parse_utf8(
    ctx: &Ctx<'_>,
    parser: &mut Parser<'_>,
    file: &File,
    head: &Head,
    file_name: Option<NamedFile>,
) -> io::Result<Utf8Parse> {
    // The BOM is not text, but it is part of the file's bytes (B002).
    let mut intake = Intake::open(file, head.bom_len())?;
    let parsed = match super::split::parse(ctx, &mut intake, file_name)? {
        Some(parsed) => parsed,
        None => {
            // Not a batch of the usual shape: read again from the start, on one parse thread.
            intake = Intake::open(file, head.bom_len())?;
            parse_and_check(ctx, parser, file_name, |parser, on_record| {
                pieces::parse_pieces(parser, pieces::PIECE, &mut |buf| intake.read(buf), on_record)
            })?
        }
    };
    // What the parse left (it stops at an XML error) is hashed and checked, not kept.
    intake.drain()?;
    // A byte-order mark is not content (F002), as for a file read whole.
    Ok(Utf8Parse { parsed, hash: intake.hasher.digest128(), utf8: intake.utf8.verdict(), content: intake.content })
}

/// CP932 decoded to UTF-8 as it is read. The text ends at the first byte CP932 cannot decode,
/// which is kept with its position in the text before it.
struct Cp932Reader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    raw: Box<[u8]>,
    start: usize,
    len: usize,
    eof: bool,
    done: bool,
    /// Raw bytes decoded so far, and the position after their text.
    decoded: usize,
    at: LineCol,
    bad: Option<At>,
    /// Text decoded for a caller whose room was too small for one character (the piece
    /// reader fills its buffer to the last byte), handed out over the next reads.
    spill: [u8; 64],
    spill_from: usize,
    spill_to: usize,
}

impl<R: Read> Cp932Reader<R> {
    fn new(inner: R) -> Cp932Reader<R> {
        Cp932Reader {
            inner,
            decoder: encoding_rs::SHIFT_JIS.new_decoder_without_bom_handling(),
            raw: vec![0; 256 * 1024].into_boxed_slice(),
            start: 0,
            len: 0,
            eof: false,
            done: false,
            decoded: 0,
            at: LineCol::default(),
            bad: None,
            spill: [0; 64],
            spill_from: 0,
            spill_to: 0,
        }
    }

    fn decode(&mut self, out: &mut [u8]) -> io::Result<usize> {
        use encoding_rs::DecoderResult;
        while !self.done {
            if self.start == self.len && !self.eof {
                self.len = read_retrying(&mut self.inner, &mut self.raw)?;
                (self.start, self.eof) = (0, self.len == 0);
            }
            let input = &self.raw[self.start..self.len];
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(input, out, self.eof);
            self.start += read;
            self.decoded += read;
            self.at.feed(&out[..written]);
            match result {
                DecoderResult::Malformed(len, after) => {
                    self.bad = Some((self.decoded - len as usize - after as usize, self.at.get()));
                    self.done = true;
                }
                DecoderResult::InputEmpty => self.done = self.eof,
                DecoderResult::OutputFull if written == 0 => {
                    return Err(io::Error::new(io::ErrorKind::InvalidInput, "no room for one character"));
                }
                DecoderResult::OutputFull => {}
            }
            if written > 0 {
                return Ok(written);
            }
        }
        Ok(0)
    }
}

impl<R: Read> Read for Cp932Reader<R> {
    /// Hands out spilled text first; a room of less than 4 bytes (a character's most) is
    /// filled from the spill, never given to the decoder, which cannot split a character.
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.spill_from == self.spill_to && !out.is_empty() && out.len() < 4 {
            let mut spill = self.spill;
            self.spill_to = self.decode(&mut spill)?;
            (self.spill, self.spill_from) = (spill, 0);
        }
        if self.spill_from < self.spill_to {
            let n = out.len().min(self.spill_to - self.spill_from);
            out[..n].copy_from_slice(&self.spill[self.spill_from..self.spill_from + n]);
            self.spill_from += n;
            return Ok(n);
        }
        self.decode(out)
    }
}

/// Parses the file decoded from CP932 as it streams in. `Err`: the first byte CP932 cannot
/// decode (offset after the BOM, and position); what the parse found is then void.
fn parse_cp932(
    ctx: &Ctx<'_>,
    parser: &mut Parser<'_>,
    mut file: &File,
    head: &Head,
    file_name: Option<NamedFile>,
) -> io::Result<Result<Parsed, At>> {
    file.seek(SeekFrom::Start(head.bom_len() as u64))?;
    let mut decoded = Cp932Reader::new(StopOnInterrupt(file));
    let parsed = parse_and_check(ctx, parser, file_name, |parser, on_record| {
        pieces::parse_pieces(parser, pieces::PIECE, &mut |buf| decoded.read(buf), on_record)
    })?;
    // Decode what the parse left (it stops at an XML error): a bad byte anywhere refuses the
    // file, as in memory.
    io::copy(&mut decoded, &mut io::sink())?;
    Ok(match decoded.bad {
        Some(bad) => Err(bad),
        None => Ok(parsed),
    })
}

pub fn check_stream(ctx: &Ctx<'_>, parser: &mut Parser<'_>, name: &str, file: File, len: u64) -> FileResult {
    let mut result = FileResult { bytes: len, ..empty_result() };
    let mut sink = Sink::new(ctx);
    file::check_name(&mut sink, name);
    if let Err(e) = stages(ctx, parser, name, &file, &mut sink, &mut result) {
        // The file failed under the stream (truncated, removed, I/O error): say so; what was
        // found before stays.
        file::unreadable(&mut sink, &crate::input::load::LoadError::Io(e));
        result.batch_keys.clear();
    }
    result.findings = sink.findings;
    result.overflow = sink.overflow;
    result
}

fn stages(
    ctx: &Ctx<'_>,
    parser: &mut Parser<'_>,
    name: &str,
    file: &File,
    sink: &mut Sink<'_>,
    result: &mut FileResult,
) -> io::Result<()> {
    let mut first = Vec::with_capacity(HEAD_BYTES);
    file.take(HEAD_BYTES as u64).read_to_end(&mut first)?;
    let head = match Head::of(&first) {
        Ok(head) => head,
        Err(refusal) => {
            result.content_hash = Some(scan_raw(file, 0)?.0);
            file::refused(sink, &refusal);
            return Ok(());
        }
    };
    let code = sink.file_name;
    let (hash, utf8, mut parsed) = if head.declares_sjis() {
        let (hash, utf8) = scan_raw(file, head.bom_len())?;
        (hash, utf8, None)
    } else {
        let p = parse_utf8(ctx, parser, file, &head, code)?;
        (p.hash, p.utf8, Some(p))
    };
    result.content_hash = Some(hash);
    match decode::plan(&head, &utf8) {
        Plan::Refuse(refusal) => file::refused(sink, &refusal),
        Plan::Utf8 { cut, mislabel } => {
            let p = match parsed.take() {
                Some(p) => p,
                None => parse_utf8(ctx, parser, file, &head, code)?,
            };
            if !p.content {
                result.content_hash = None;
                file::empty(sink, result.bytes as usize, head.bom);
                return Ok(());
            }
            file::encoding(sink, &Encoding { detected: Detected::Utf8, bom: head.bom, mislabel, cut });
            conclude(ctx, name, sink, result, p.parsed);
        }
        Plan::Cp932 { declared } => match parse_cp932(ctx, parser, file, &head, code)? {
            Ok(p) => {
                let detected = Detected::Cp932 { declared };
                file::encoding(sink, &Encoding { detected, bom: head.bom, mislabel: None, cut: None });
                conclude(ctx, name, sink, result, p);
            }
            Err(bad) => file::refused(sink, &head.cp932_refusal(declared, bad, &utf8)),
        },
    }
    Ok(())
}

/// What every complete parse ends with, as in `check_bytes`.
fn conclude(ctx: &Ctx<'_>, name: &str, sink: &mut Sink<'_>, result: &mut FileResult, p: Parsed) {
    sink.overflow.absorb(p.overflow);
    sink.findings.extend(p.found);
    file::after_parse(sink, &p.info, name);
    if ctx.redact {
        super::redact::raw_excerpt(&mut sink.findings);
    }
    result.kind = file::kind_of(ctx.tables, &p.info.root);
    result.records = p.info.forms;
    result.batch_keys = p.keys;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cp932_text_is_handed_out_whole_however_small_the_room() {
        let text = "<a>漢字ｶﾅ、ア①</a>\n".repeat(50);
        let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
        assert!(!unmappable);
        for room in [1, 2, 3, 4, 7, 4096] {
            let mut r = Cp932Reader::new(&sjis[..]);
            let (mut got, mut buf) = (Vec::new(), vec![0; room]);
            loop {
                let n = r.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..n]);
            }
            assert_eq!(String::from_utf8(got).unwrap(), text, "room {room}");
            assert!(r.bad.is_none());
        }
    }
}
