//! Checking a file too large to hold whole: the same stages as `check_bytes`, reading the file
//! as a stream that keeps only the current form (see `input::stream`).
//!
//! The encoding is decided from the first bytes where it can be (BOM, UTF-16, declaration).
//! Bytes that turn out not to be UTF-8 further in are handled as in memory: the file is
//! checked again as CP932 if it is that (F003), refused otherwise (F004) — one extra pass,
//! for a mistake that is rare in files this big.

use super::{check_record, empty_result, file, BatchKey, Ctx, FileResult, Overflow, Sink};
use crate::finding::Finding;
use crate::input::decode::{declared_encoding, is_sjis};
use crate::parse::locate::OwnedText;
use crate::parse::{DocInfo, Record, Source};
use crate::parse::{Parser, Root, StreamSource, XmlProblem};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

/// Files larger than this are streamed. Below it a whole read is faster and simpler; above it
/// memory stays bounded by one form per worker whatever the file size (docs/performance.md).
pub const STREAM_ABOVE: u64 = 16 << 20;

/// What one pass over the raw bytes learns when they turned out not to be UTF-8.
struct RawScan {
    hash: u128,
    /// Offset of the first byte CP932 cannot decode.
    bad_cp932: Option<usize>,
    /// Offset, line and column of the first byte that is not UTF-8.
    bad_utf8: Option<(usize, u32, u32)>,
}

fn scan_raw(mut file: &File) -> io::Result<RawScan> {
    file.seek(SeekFrom::Start(0))?;
    let mut decoder = encoding_rs::SHIFT_JIS.new_decoder_without_bom_handling();
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut input = vec![0u8; 1 << 20];
    let mut output = vec![0u8; 3 << 20];
    let (mut offset, mut bad_cp932, mut bad_utf8) = (0usize, None, None);
    // UTF-8 position: bytes of a sequence cut by the chunk end wait in `carry`.
    let (mut carry, mut line, mut col) = (Vec::<u8>::new(), 1u32, 1u32);
    loop {
        let n = file.read(&mut input)?;
        let chunk = &input[..n];
        hasher.update(chunk);
        if bad_cp932.is_none() {
            let mut rest = chunk;
            let mut at = offset;
            loop {
                let (result, read, _) = decoder.decode_to_utf8_without_replacement(rest, &mut output, n == 0);
                match result {
                    encoding_rs::DecoderResult::InputEmpty => break,
                    encoding_rs::DecoderResult::OutputFull => {
                        rest = &rest[read..];
                        at += read;
                    }
                    encoding_rs::DecoderResult::Malformed(len, after) => {
                        bad_cp932 = Some((at + read).saturating_sub(len as usize + after as usize));
                        break;
                    }
                }
            }
        }
        if bad_utf8.is_none() {
            let start = offset - carry.len();
            carry.extend_from_slice(chunk);
            let (valid, bad) = match std::str::from_utf8(&carry) {
                Ok(_) => (carry.len(), None),
                Err(e) if e.error_len().is_none() && n > 0 => (e.valid_up_to(), None),
                Err(e) => (e.valid_up_to(), Some(e.valid_up_to())),
            };
            for &b in &carry[..valid] {
                if b == b'\n' {
                    (line, col) = (line + 1, 1);
                } else if (b as i8) >= -0x40 {
                    col += 1;
                }
            }
            if let Some(v) = bad {
                bad_utf8 = Some((start + v, line, col));
            }
            carry.drain(..valid);
        }
        offset += n;
        if n == 0 {
            return Ok(RawScan { hash: hasher.digest128(), bad_cp932, bad_utf8 });
        }
    }
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
fn parse_and_check<S: Source>(
    ctx: &Ctx<'_>,
    parser: &mut Parser<'_>,
    src: &mut S,
    file_code: Option<String>,
) -> (DocInfo, Vec<Finding>, Overflow, Vec<BatchKey>) {
    let (to_checker, batches) = std::sync::mpsc::sync_channel::<Vec<Job>>(4);
    let (to_parser, spare) = std::sync::mpsc::channel::<Vec<Job>>();
    std::thread::scope(|scope| {
        let checker = std::thread::Builder::new()
            .name("rinken-worker-check".into())
            .spawn_scoped(scope, move || {
                let mut sink = Sink::new(ctx);
                sink.file_code = file_code;
                let mut keys = Vec::new();
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
        let info = parser.run(src, |rec, loc| {
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
            Ok((findings, overflow, keys)) => (info, findings, overflow, keys),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Line and column of a raw byte offset, for the rare F004 about declared Shift_JIS.
fn raw_position(mut file: &File, offset: usize) -> io::Result<(u32, u32)> {
    file.seek(SeekFrom::Start(0))?;
    let mut before = Vec::new();
    file.take(offset as u64).read_to_end(&mut before)?;
    let line = memchr::memchr_iter(b'\n', &before).count() as u32 + 1;
    let start = memchr::memrchr(b'\n', &before).map_or(0, |i| i + 1);
    Ok((line, String::from_utf8_lossy(&before[start..]).chars().count() as u32 + 1))
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

fn is_utf8_name(name: &str) -> bool {
    name.eq_ignore_ascii_case("utf-8") || name.eq_ignore_ascii_case("utf8")
}

fn stages(
    ctx: &Ctx<'_>,
    parser: &mut Parser<'_>,
    name: &str,
    file: &File,
    sink: &mut Sink<'_>,
    result: &mut FileResult,
) -> io::Result<()> {
    let mut head = Vec::with_capacity(512);
    file.take(512).read_to_end(&mut head)?;
    let utf16 = [[0xFE, 0xFF], [0xFF, 0xFE], [0, b'<'], [b'<', 0]];
    if utf16.iter().any(|p| head.starts_with(p)) {
        file::utf16(sink);
        result.content_hash = Some(scan_raw(file)?.hash);
        return Ok(());
    }
    let bom = if head.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };
    if bom > 0 {
        file::bom(sink);
    }
    let declared = declared_encoding(&head[bom..]).map(str::to_owned);
    if declared.as_deref().is_some_and(is_sjis) {
        let scan = scan_raw(file)?;
        result.content_hash = Some(scan.hash);
        if let Some(offset) = scan.bad_cp932 {
            file::bad_cp932(sink, offset, raw_position(file, offset)?);
            return Ok(());
        }
        file::cp932(sink, true);
        return check_cp932(ctx, parser, name, file, sink, result);
    }
    // The usual case: UTF-8, parsed as it streams in. The BOM is not text, but it is part of
    // the file's bytes (B002).
    let rest = io::Cursor::new(head[bom..].to_vec()).chain(file);
    let mut src = StreamSource::with_hashed(rest, &head[..bom]);
    let (info, found, overflow, keys) = parse_and_check(ctx, parser, &mut src, sink.file_code.clone());
    if info.error.as_ref().is_none_or(|e| e.problem != XmlProblem::NotUtf8) {
        result.content_hash = Some(src.finish()?);
        if let Some(d) = declared.filter(|d| !is_utf8_name(d)) {
            file::declared_other(sink, &d);
        }
        if info.root == Root::None && !src.tracked().saw_content() {
            result.content_hash = None;
            file::empty(sink, result.bytes as usize);
            return Ok(());
        }
        sink.overflow.merge(overflow);
        conclude(ctx, name, sink, result, &info, found, keys);
        return Ok(());
    }
    // Not UTF-8 after all: what was found is about misread text, and is dropped.
    let scan = scan_raw(file)?;
    result.content_hash = Some(scan.hash);
    if let Some(d) = declared.filter(|d| !is_utf8_name(d)) {
        file::declared_not_utf8(sink, &d);
    } else if scan.bad_cp932.is_some() {
        let (offset, line, col) = scan.bad_utf8.unwrap_or((0, 0, 0));
        file::undecodable(sink, offset, (line, col));
    } else {
        file::cp932(sink, false);
        check_cp932(ctx, parser, name, file, sink, result)?;
    }
    Ok(())
}

/// Parses the file again, decoded from CP932 (already validated) as it streams in.
fn check_cp932(
    ctx: &Ctx<'_>,
    parser: &mut Parser<'_>,
    name: &str,
    mut file: &File,
    sink: &mut Sink<'_>,
    result: &mut FileResult,
) -> io::Result<()> {
    file.seek(SeekFrom::Start(0))?;
    let decoded = encoding_rs_io::DecodeReaderBytesBuilder::new().encoding(Some(encoding_rs::SHIFT_JIS)).build(file);
    let mut src = StreamSource::new(decoded);
    let (info, found, overflow, keys) = parse_and_check(ctx, parser, &mut src, sink.file_code.clone());
    sink.overflow.merge(overflow);
    conclude(ctx, name, sink, result, &info, found, keys);
    Ok(())
}

/// What every complete parse ends with, as in `check_bytes`.
fn conclude(
    ctx: &Ctx<'_>,
    name: &str,
    sink: &mut Sink<'_>,
    result: &mut FileResult,
    info: &DocInfo,
    found: Vec<Finding>,
    keys: Vec<BatchKey>,
) {
    sink.findings.extend(found);
    file::after_parse(sink, info, name);
    if ctx.redact {
        super::redact::raw_excerpt(&mut sink.findings);
    }
    result.kind = file::kind_of(ctx.tables, &info.root);
    result.records = info.forms;
    result.batch_keys = keys;
}
