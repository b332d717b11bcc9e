//! Checking a file too large to hold whole: the same stages as `check_bytes`, reading the file
//! as a stream that keeps only the current form (see `input::stream`).
//!
//! The encoding is decided from the first bytes where it can be (BOM, UTF-16, declaration).
//! Bytes that turn out not to be UTF-8 further in are handled as in memory: the file is
//! checked again as CP932 if it is that (F003), refused otherwise (F004) — one extra pass,
//! for a mistake that is rare in files this big.

use super::{check_record, empty_result, file, Ctx, FileResult, Sink};
use crate::input::decode::{declared_encoding, is_sjis};
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
    sink.file_code = file::parse_name(name).map(|n| n.institution.to_owned());
    let outcome = (|| -> io::Result<()> {
        let mut head = Vec::with_capacity(512);
        (&file).take(512).read_to_end(&mut head)?;
        if head.starts_with(&[0xFE, 0xFF])
            || head.starts_with(&[0xFF, 0xFE])
            || head.starts_with(&[0, b'<'])
            || head.starts_with(&[b'<', 0])
        {
            file::utf16(&mut sink);
            result.content_hash = Some(scan_raw(&file)?.hash);
            return Ok(());
        }
        let bom = head.starts_with(&[0xEF, 0xBB, 0xBF]);
        if bom {
            file::bom(&mut sink);
        }
        let body = &head[if bom { 3 } else { 0 }..];
        let declared = declared_encoding(body).map(str::to_owned);
        let sjis = declared.as_deref().is_some_and(is_sjis);
        let before = sink.findings.len();
        let mut keys = Vec::new();
        if !sjis {
            // The usual case: UTF-8, parsed as it streams in.
            let rest = io::Cursor::new(body.to_vec()).chain(&file);
            // The BOM is not text, but it is part of the file's bytes (B002).
            let mut src = StreamSource::with_hashed(rest, &head[..if bom { 3 } else { 0 }]);
            let info = parser.run(&mut src, |rec, loc| check_record(&mut sink, rec, loc, &mut keys));
            let not_utf8 = info.error.as_ref().is_some_and(|e| e.problem == XmlProblem::NotUtf8);
            if !not_utf8 {
                result.content_hash = Some(src.finish()?);
                if let Some(d) =
                    declared.filter(|d| !d.eq_ignore_ascii_case("utf-8") && !d.eq_ignore_ascii_case("utf8"))
                {
                    file::declared_other(&mut sink, &d);
                }
                if info.root == Root::None && !src.tracked().non_ws {
                    result.content_hash = None;
                    sink.findings.truncate(before);
                    file::empty(&mut sink, len as usize);
                    return Ok(());
                }
                file::after_parse(&mut sink, &info, name);
                if ctx.redact {
                    super::redact::raw_excerpt(&mut sink.findings);
                }
                result.kind = file::kind_of(ctx.tables, &info.root);
                result.records = info.forms;
                result.batch_keys = keys;
                return Ok(());
            }
            // Not UTF-8 after all: what was found so far is about misread text.
            sink.findings.truncate(before);
            sink.clear_pending();
            keys.clear();
            let scan = scan_raw(&file)?;
            result.content_hash = Some(scan.hash);
            if let Some(d) = declared.filter(|d| !d.eq_ignore_ascii_case("utf-8") && !d.eq_ignore_ascii_case("utf8")) {
                file::declared_not_utf8(&mut sink, &d);
                return Ok(());
            }
            if scan.bad_cp932.is_some() {
                let (offset, line, col) = scan.bad_utf8.unwrap_or((0, 0, 0));
                file::undecodable(&mut sink, offset, (line, col));
                return Ok(());
            }
            file::cp932(&mut sink, false);
        } else {
            let scan = scan_raw(&file)?;
            result.content_hash = Some(scan.hash);
            if let Some(offset) = scan.bad_cp932 {
                file::bad_cp932(&mut sink, offset, raw_position(&file, offset)?);
                return Ok(());
            }
            file::cp932(&mut sink, true);
        }
        // CP932: validated above, decoded as it streams in.
        (&file).seek(SeekFrom::Start(0))?;
        let decoded =
            encoding_rs_io::DecodeReaderBytesBuilder::new().encoding(Some(encoding_rs::SHIFT_JIS)).build(&file);
        let mut src = StreamSource::new(decoded);
        let info = parser.run(&mut src, |rec, loc| check_record(&mut sink, rec, loc, &mut keys));
        file::after_parse(&mut sink, &info, name);
        if ctx.redact {
            super::redact::raw_excerpt(&mut sink.findings);
        }
        result.kind = file::kind_of(ctx.tables, &info.root);
        result.records = info.forms;
        result.batch_keys = keys;
        Ok(())
    })();
    if let Err(e) = outcome {
        // The file failed under the stream (truncated, removed, I/O error): say so; what was
        // found before stays.
        file::unreadable(&mut sink, &crate::input::load::LoadError::Io(e));
        result.batch_keys.clear();
    }
    result.findings = sink.findings;
    result
}
