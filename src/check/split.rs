//! A large FormBatch checked by two threads that each parse and check whole forms.
//!
//! In `stream`, one thread parses and a second checks; the parse is two thirds of the work, so
//! the second thread waits and a batch runs at the parse's speed. Here the reading thread only
//! finds where each form starts and ends, by a scan of its tags (comments, CDATA sections,
//! processing instructions and quoted attribute values cannot end a form), and hands whole
//! forms to two workers. Each parses its forms with the parser as it would parse them in place
//! ([`Parser::begin_in_batch`]) and checks them. Their findings are merged in form order under
//! the file's cap, as one sink would have kept them.
//!
//! Only the usual shape is taken this way: a root `<FormBatch>` that declares our namespace
//! (and perhaps `count`) and nothing else, nothing but whitespace between the forms and after
//! the root, forms named without a prefix and smaller than [`MAX_FORM`], each parsing without
//! an XML error into exactly one record. Whatever else is met, wherever it is, gives the file
//! back to the one-thread parse of `stream`, which reads it again from the start: a file of
//! another shape costs one more read, and the findings are the same either way (the tests
//! compare both paths on every sample and on generated batches).

use super::file::NamedFile;
use super::stream::{Intake, Parsed};
use super::{check_record, BatchKeys, Ctx, Overflow, Sink};
use crate::finding::Finding;
use crate::input::decode::LineCol;
use crate::parse::pieces::{ChunkMark, ChunkSource, PIECE};
use crate::parse::{is_xml_ws, DocInfo, Parser, Root, BATCH_ROOT, NAMESPACE};
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

/// Larger forms go the one-thread way, which holds any size in pieces. With [`BATCH_BYTES`],
/// [`KEEP_TEXT`] and the channels' bounds this keeps the forms in flight (seven batches of at
/// most 2 MiB: four waiting, two being checked, one being filled), and the buffers kept for
/// the next ones (four batches of 64 forms of at most 64 KiB), under about 30 MiB.
pub const MAX_FORM: usize = 1 << 20;
/// Forms handed to one worker at a time, at most.
const BATCH: usize = 64;
/// A batch is handed over once its forms hold this many bytes, however few they are.
const BATCH_BYTES: usize = 1 << 20;
/// A form's buffer larger than this is not kept for the next form.
const KEEP_TEXT: usize = 64 << 10;

/// One form on its way to a worker: its text, where it starts, and how many forms came before.
struct Job {
    forms_before: u32,
    base: usize,
    at: LineCol,
    text: Vec<u8>,
}

/// What a worker found in its forms, in their order.
#[derive(Default)]
struct Found {
    findings: Vec<Finding>,
    overflow: Overflow,
    keys: BatchKeys,
}

/// The text read so far that is still needed: `buf[..len]` holds the text from offset `start`.
/// The buffer is zeroed once, when it grows, and reused as the text moves through it.
struct Text<'a, 'f> {
    intake: &'a mut Intake<'f>,
    buf: Vec<u8>,
    len: usize,
    start: usize,
    eof: bool,
    /// Bytes read at a time (tests read in tiny pieces to put every boundary everywhere).
    piece: usize,
}

impl Text<'_, '_> {
    /// Reads one more piece; false at the end of the file.
    fn more(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        let piece = self.piece;
        if self.buf.len() < self.len + piece {
            self.buf.resize(self.len + piece, 0);
        }
        let n = self.intake.read(&mut self.buf[self.len..self.len + piece])?;
        self.len += n;
        self.eof = n == 0;
        Ok(n > 0)
    }

    /// The text read from offset `from` on (empty when `from` is past it).
    fn rest(&self, from: usize) -> &[u8] {
        self.buf[..self.len].get(from - self.start..).unwrap_or_default()
    }

    /// The byte at text offset `at`, reading as needed; `None` past the end of the file.
    fn byte(&mut self, at: usize) -> io::Result<Option<u8>> {
        while at - self.start >= self.len {
            if !self.more()? {
                return Ok(None);
            }
        }
        Ok(Some(self.buf[at - self.start]))
    }

    /// Where `pat` next occurs from offset `from`, reading as needed, but not beyond
    /// `limit` bytes from `from`; `None` when it does not.
    fn find(&mut self, from: usize, pat: &[u8], limit: usize) -> io::Result<Option<usize>> {
        match pat {
            [b] => self.find_with(from, 1, limit, |hay| memchr::memchr(*b, hay)),
            _ => self.find_with(from, pat.len(), limit, |hay| memchr::memmem::find(hay, pat)),
        }
    }

    /// [`Text::find`] with a search of one's own for a pattern of `len` bytes (a prepared
    /// [`memchr::memmem::Finder`]).
    fn find_with(
        &mut self,
        from: usize,
        len: usize,
        limit: usize,
        search: impl Fn(&[u8]) -> Option<usize>,
    ) -> io::Result<Option<usize>> {
        let mut searched = from;
        loop {
            if let Some(i) = search(self.rest(searched)) {
                return Ok(Some(searched + i).filter(|&at| at - from <= limit));
            }
            // The pattern may straddle what is read and what is not yet.
            searched = (self.start + self.len).saturating_sub(len - 1).max(searched);
            if searched - from > limit || !self.more()? {
                return Ok(None);
            }
        }
    }

    fn bytes(&self, from: usize, to: usize) -> &[u8] {
        &self.buf[from - self.start..to - self.start]
    }

    /// Lets go of what comes before offset `at`. Compacting moves what is left (up to a piece
    /// and a form), so it is done once two pieces are behind, not for every form: the buffer
    /// stays at a few MiB, and the copying is a fraction of the reading (no change in time on
    /// a 145 MB batch, where eight pieces kept 6 MiB more).
    fn forget_before(&mut self, at: usize) {
        let gone = at - self.start;
        if gone >= 2 * self.piece {
            self.buf.copy_within(gone..self.len, 0);
            self.len -= gone;
            self.start = at;
        }
    }
}

/// The end (just past `>`) of the tag that starts at `at`, skipping quoted attribute values,
/// and whether it closes itself (`/>`).
fn tag_end(t: &mut Text<'_, '_>, at: usize, limit: usize) -> io::Result<Option<(usize, bool)>> {
    // A `<` inside a tag is not looked for: a tag misread here makes a form that does not
    // parse alone, and the file goes the one-thread way.
    let mut i = at + 1;
    loop {
        let hay = t.rest(i);
        match memchr::memchr3(b'>', b'"', b'\'', hay) {
            Some(k) if hay[k] == b'>' => {
                let end = i + k;
                return Ok(Some((end + 1, t.buf[end - 1 - t.start] == b'/')));
            }
            Some(k) => {
                let quote = [hay[k]];
                let Some(close) = t.find(i + k + 1, &quote, limit.saturating_sub(i + k + 1 - at))? else {
                    return Ok(None);
                };
                i = close + 1;
            }
            None => {
                i = t.start + t.len;
                if !t.more()? {
                    return Ok(None);
                }
            }
        }
        if i - at > limit {
            return Ok(None);
        }
    }
}

/// The end of the form whose start tag begins at `at`: just past its end tag. `None` for
/// anything the scan does not take (a DOCTYPE, a form too large, the file ending inside).
fn form_end(t: &mut Text<'_, '_>, at: usize) -> io::Result<Option<usize>> {
    let Some((mut i, empty)) = tag_end(t, at, MAX_FORM)? else { return Ok(None) };
    if empty {
        return Ok(Some(i));
    }
    let mut depth = 1usize;
    loop {
        let room = MAX_FORM.saturating_sub(i - at);
        let Some(lt) = t.find(i, b"<", room)? else { return Ok(None) };
        let next = |t: &mut Text<'_, '_>, n: usize| t.byte(lt + n);
        i = match next(t, 1)? {
            Some(b'/') => {
                let Some(gt) = t.find(lt, b">", room)? else { return Ok(None) };
                depth -= 1;
                if depth == 0 {
                    return Ok(Some(gt + 1));
                }
                gt + 1
            }
            Some(b'!') => {
                let (open, close): (&[u8], &[u8]) =
                    if t.byte(lt + 2)? == Some(b'-') { (b"<!--", b"-->") } else { (b"<![CDATA[", b"]]>") };
                for (n, &b) in open.iter().enumerate().skip(2) {
                    if next(t, n)? != Some(b) {
                        return Ok(None);
                    }
                }
                let Some(end) = t.find(lt + open.len(), close, room)? else { return Ok(None) };
                end + close.len()
            }
            Some(b'?') => {
                let Some(end) = t.find(lt + 2, b"?>", room)? else { return Ok(None) };
                end + 2
            }
            Some(_) => {
                let Some((end, empty)) = tag_end(t, lt, room)? else { return Ok(None) };
                if !empty {
                    depth += 1;
                }
                end
            }
            None => return Ok(None),
        };
    }
}

/// The root's start tag: prolog and tag parsed by the parser itself, in a document that ends
/// right after it, so that the root's position and `count` are what the one-thread parse
/// finds. `None` unless it is a FormBatch that declares our namespace and nothing else.
fn root(t: &mut Text<'_, '_>, tables: &crate::tables::Tables) -> io::Result<Option<(DocInfo, usize, usize)>> {
    // The prolog is a declaration and perhaps comments: a few hundred bytes.
    let Some(at) = t.find(0, b"<FormBatch", 64 << 10)? else { return Ok(None) };
    if !matches!(t.byte(at + 1 + BATCH_ROOT.len())?, Some(b'>' | b' ' | b'\t' | b'\n' | b'\r')) {
        return Ok(None);
    }
    let Some((end, false)) = tag_end(t, at, 64 << 10)? else { return Ok(None) };
    let Ok(head) = std::str::from_utf8(t.bytes(0, end)) else { return Ok(None) };
    let tag = &head[at + 1..end - 1];
    let attrs = quick_xml::events::BytesStart::from_content(tag, BATCH_ROOT.len());
    for attr in attrs.attributes() {
        let Ok(attr) = attr else { return Ok(None) };
        let key: &str = attr.key.as_ref();
        let ours = key == "xmlns"
            && attr.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().as_deref() == Some(NAMESPACE);
        if !ours && key != "count" {
            return Ok(None);
        }
    }
    let info = Parser::new(tables).parse(&format!("{head}</{BATCH_ROOT}>"), |_, _| {});
    let plain = info.root == Root::Batch && info.error.is_none() && info.doctype.is_none() && info.stray.is_empty();
    Ok(plain.then_some((info, at, end)))
}

/// The kind (index in `roots`) of the form that starts at `at`, named without a prefix.
fn starts_form(t: &mut Text<'_, '_>, at: usize, roots: &[&str]) -> io::Result<Option<usize>> {
    for (kind, root) in roots.iter().enumerate() {
        let n = root.len();
        let after = t.byte(at + n + 1)?;
        if matches!(after, Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r'))
            && t.bytes(at + 1, at + 1 + n) == root.as_bytes()
        {
            return Ok(Some(kind));
        }
    }
    Ok(None)
}

/// [`form_end`] for the usual form, which holds no comment, CDATA section or processing
/// instruction: its end is the first end tag of its name, found in one search. A form that
/// holds any of them is scanned tag by tag.
fn quick_form_end(t: &mut Text<'_, '_>, at: usize, closer: &memchr::memmem::Finder<'_>) -> io::Result<Option<usize>> {
    let Some((start_end, empty)) = tag_end(t, at, MAX_FORM)? else { return Ok(None) };
    if empty {
        return Ok(Some(start_end));
    }
    let room = MAX_FORM.saturating_sub(start_end - at);
    let Some(close) = t.find_with(start_end, closer.needle().len(), room, |hay| closer.find(hay))? else {
        return Ok(None);
    };
    let after = close + closer.needle().len();
    let Some(gt) = t.find(after, b">", 4096)? else { return Ok(None) };
    if !t.bytes(after, gt).iter().all(|&b| is_xml_ws(b)) {
        return form_end(t, at);
    }
    let form = t.bytes(at, gt + 1);
    if memchr::memmem::find(form, b"<!").is_some() || memchr::memmem::find(form, b"<?").is_some() {
        return form_end(t, at);
    }
    Ok(Some(gt + 1))
}

/// Parses and checks the forms a worker is given, in the order given. False when one of them
/// is not a single form that parses without an XML error (the file then goes the other way).
fn work(
    ctx: &Ctx<'_>,
    file_name: Option<NamedFile>,
    root_at: usize,
    jobs: Arc<Mutex<Receiver<Vec<Job>>>>,
    done: SyncSender<Vec<Job>>,
    declined: &AtomicBool,
) -> Found {
    // A panic here ends the file's check (M002): the reading thread and the other worker stop
    // at their next form rather than going through the rest of the file.
    struct DeclineOnPanic<'a>(&'a AtomicBool);
    impl Drop for DeclineOnPanic<'_> {
        fn drop(&mut self) {
            if std::thread::panicking() {
                self.0.store(true, Ordering::Relaxed);
            }
        }
    }
    let _guard = DeclineOnPanic(declined);
    let mut parser = Parser::new(ctx.tables);
    let mut sink = Sink::new(ctx);
    sink.file_name = file_name;
    let mut keys = BatchKeys::new();
    // Batches are taken as each worker is ready, so that a worker sharing its core with the
    // reading thread does not hold the other up.
    while let Ok(batch) = jobs.lock().map_err(|_| ()).and_then(|r| r.recv().map_err(|_| ())) {
        for job in &batch {
            if declined.load(Ordering::Relaxed) {
                continue;
            }
            let Ok(text) = simdutf8::basic::from_utf8(&job.text) else {
                declined.store(true, Ordering::Relaxed);
                continue;
            };
            let mut progress = parser.begin_in_batch(job.forms_before, root_at);
            let mut mark = ChunkMark::starting_at(job.base, job.at);
            let mut src = ChunkSource::new(text, job.base, job.base, true, &mut mark);
            let more =
                parser.feed(&mut progress, &mut src, &mut |rec, loc| check_record(&mut sink, rec, loc, &mut keys));
            let info = &progress.info;
            let one_form = info.forms == job.forms_before + 1;
            if more.is_some() || !one_form || info.error.is_some() || info.doctype.is_some() || !info.stray.is_empty() {
                declined.store(true, Ordering::Relaxed);
            }
        }
        // The reading thread fills it again: no allocation per form.
        let mut batch = batch;
        for job in &mut batch {
            if job.text.capacity() > KEEP_TEXT {
                job.text = Vec::new();
            }
        }
        let _ = done.try_send(batch);
    }
    Found { findings: sink.findings, overflow: sink.overflow, keys }
}

/// Merges the workers' findings in record order under the file's cap, as one sink would have
/// kept them: a finding a worker kept may be past the cap once the other worker's come first.
fn merge(mut found: Vec<Found>) -> (Vec<Finding>, Overflow, BatchKeys) {
    let mut overflow = Overflow::default();
    let mut findings = Vec::new();
    let mut lists: Vec<_> = found.iter_mut().map(|f| std::mem::take(&mut f.findings).into_iter().peekable()).collect();
    loop {
        let pick = lists.iter_mut().enumerate().filter_map(|(w, l)| l.peek().map(|f| (f.record, w))).min();
        let Some((record, w)) = pick else { break };
        while let Some(f) = lists[w].next_if(|f| f.record == record) {
            if overflow.admit(findings.len(), f.rule, f.severity) {
                overflow.keep(&mut findings, f);
            }
        }
    }
    let mut keys = BatchKeys::new();
    for f in found {
        overflow.merge(f.overflow);
        keys.extend(f.keys);
    }
    keys.sort_by_key(|k| k.record);
    (findings, overflow, keys)
}

/// Parses and checks a FormBatch on two workers, reading it through `intake` from the start of
/// its text. `None`: the file is not of the shape this takes (see the module's documentation),
/// and what was read is void.
pub(super) fn parse(
    ctx: &Ctx<'_>,
    intake: &mut Intake<'_>,
    file_name: Option<NamedFile>,
) -> io::Result<Option<Parsed>> {
    parse_in_pieces(ctx, intake, file_name, PIECE)
}

fn parse_in_pieces(
    ctx: &Ctx<'_>,
    intake: &mut Intake<'_>,
    file_name: Option<NamedFile>,
    piece: usize,
) -> io::Result<Option<Parsed>> {
    let mut t = Text { intake, buf: Vec::new(), len: 0, start: 0, eof: false, piece };
    let Some((mut info, root_at, root_end)) = root(&mut t, ctx.tables)? else { return Ok(None) };
    let roots: Vec<&str> = ctx.tables.kinds.iter().map(|k| k.root.as_str()).collect();
    let declined = AtomicBool::new(false);
    let closers: Vec<memchr::memmem::Finder<'static>> =
        roots.iter().map(|r| memchr::memmem::Finder::new(format!("</{r}").as_bytes()).into_owned()).collect();
    // Four batches waiting keep both workers fed (a 145 MB batch takes as long as with eight)
    // and hold half as much text.
    let (to_workers, jobs) = sync_channel::<Vec<Job>>(4);
    // Only the workers hold the receiving end: should both end early (a panic), the reading
    // thread's next send fails instead of waiting for them forever.
    let jobs = Arc::new(Mutex::new(jobs));
    let (done, spare) = sync_channel::<Vec<Job>>(4);
    let outcome = std::thread::scope(|scope| -> io::Result<Option<(u32, Vec<Found>)>> {
        let workers: Vec<_> = (0..2)
            .map(|i| {
                let (code, declined, jobs, done) = (file_name, &declined, Arc::clone(&jobs), done.clone());
                std::thread::Builder::new()
                    .name(format!("rinken-worker-split-{i}"))
                    .spawn_scoped(scope, move || work(ctx, code, root_at, jobs, done, declined))
                    .expect("spawn a worker thread")
            })
            .collect();
        drop(jobs);
        let result = dispatch(&mut t, &roots, &closers, root_end, (&to_workers, &spare), &declined);
        drop(to_workers);
        let found: Vec<Found> =
            workers.into_iter().map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect();
        Ok(result?.filter(|_| !declined.load(Ordering::Relaxed)).map(|forms| (forms, found)))
    })?;
    let Some((forms, found)) = outcome else { return Ok(None) };
    let (found, overflow, keys) = merge(found);
    info.forms = forms;
    Ok(Some(Parsed { info, found, overflow, keys }))
}

/// Reads the forms after the root's start tag and sends them to the workers in batches, in
/// turn. The number of forms, or `None` when the text is not of the shape taken here.
fn dispatch(
    t: &mut Text<'_, '_>,
    roots: &[&str],
    closers: &[memchr::memmem::Finder<'_>],
    mut i: usize,
    (to_workers, spare): (&SyncSender<Vec<Job>>, &Receiver<Vec<Job>>),
    declined: &AtomicBool,
) -> io::Result<Option<u32>> {
    let mut at = LineCol::default();
    at.feed(t.bytes(0, i));
    let mut forms = 0u32;
    // Batches come back from the workers and are filled again; `used` of `batch` are this one's.
    let mut batch: Vec<Job> = Vec::with_capacity(BATCH);
    let (mut used, mut bytes) = (0, 0);
    loop {
        if declined.load(Ordering::Relaxed) {
            return Ok(None);
        }
        // Whitespace may run on past what is read: read more and go on skipping.
        let Some(b) = t.byte(i)? else { return Ok(None) };
        let ws = t.rest(i).iter().take_while(|&&b| is_xml_ws(b)).count();
        if ws > 0 {
            at.feed(t.bytes(i, i + ws));
            i += ws;
            t.forget_before(i);
            continue;
        }
        if b != b'<' {
            return Ok(None);
        }
        if t.byte(i + 1)? == Some(b'/') {
            // The root's end: only whitespace may follow.
            let close = format!("</{BATCH_ROOT}");
            let Some(gt) = t.find(i, b">", 4096)? else { return Ok(None) };
            let tag = t.bytes(i, gt);
            if !tag.starts_with(close.as_bytes()) || !tag[close.len()..].iter().all(|&b| is_xml_ws(b)) {
                return Ok(None);
            }
            let mut j = gt + 1;
            while let Some(b) = t.byte(j)? {
                if !is_xml_ws(b) {
                    return Ok(None);
                }
                j += 1;
                t.forget_before(j);
            }
            batch.truncate(used);
            if !batch.is_empty() {
                let _ = to_workers.send(batch);
            }
            return Ok(Some(forms));
        }
        let Some(kind) = starts_form(t, i, roots)? else { return Ok(None) };
        let Some(end) = quick_form_end(t, i, &closers[kind])? else { return Ok(None) };
        if used == batch.len() {
            batch.push(Job { forms_before: 0, base: 0, at, text: Vec::new() });
        }
        let job = &mut batch[used];
        (job.forms_before, job.base, job.at) = (forms, i, at);
        job.text.clear();
        job.text.extend_from_slice(t.bytes(i, end));
        used += 1;
        bytes += end - i;
        forms += 1;
        at.feed(t.bytes(i, end));
        t.forget_before(end);
        i = end;
        if used == BATCH || bytes >= BATCH_BYTES {
            let next = spare.try_recv().unwrap_or_else(|_| Vec::with_capacity(BATCH));
            batch.truncate(used);
            if to_workers.send(std::mem::replace(&mut batch, next)).is_err() {
                return Ok(None);
            }
            (used, bytes) = (0, 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleConfig;
    use crate::tables::Tables;

    const FORM: &str = include_str!("../../samples/valid/R131331572820250612000001.xml");

    /// A FormBatch of three copies of a sample form, the root with `count`.
    fn plain() -> String {
        let form = FORM.split_once("?>\n").unwrap().1.replace(" xmlns=\"urn:rinken:nanbyo-shoman:1\"", "");
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<FormBatch xmlns=\"{NAMESPACE}\" count=\"3\">\n{form}{form}{form}</FormBatch>\n")
    }

    /// Whether the text goes this way, and how many forms it then has.
    fn taken(text: &str) -> Option<u32> {
        outcome(text, PIECE).map(|(forms, _)| forms)
    }

    /// What the text gives when read `piece` bytes at a time: forms, and every finding.
    fn outcome(text: &str, piece: usize) -> Option<(u32, Vec<String>)> {
        let tables = Tables::embedded().unwrap();
        let rules = RuleConfig::default();
        let as_of = crate::text::date::Date::parse_iso("2026-11-21").unwrap();
        let lang = crate::lang::Lang::Ja;
        let ctx = Ctx { tables: &tables, lang, as_of, rules: &rules, roster: None, institutions: None, redact: false };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("B131331572820250612000001.xml");
        std::fs::write(&path, text).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let mut intake = Intake::open(&file, 0).unwrap();
        let parsed = parse_in_pieces(&ctx, &mut intake, None, piece).unwrap()?;
        let shown =
            parsed.found.iter().map(|f| format!("{} {} {}:{} {}", f.record, f.rule.id, f.line, f.column, f.message));
        Some((parsed.info.forms, shown.collect()))
    }

    #[test]
    fn pieces_of_any_size_find_the_same_forms() {
        // Every boundary of what is read falls everywhere: inside names, tags, quoted values,
        // comments, end tags and the whitespace between forms.
        let text = plain()
            .replacen("<Sex>", "<!-- </Rinkohyo> --><Sex>", 1)
            .replacen("<Sex>", "<Note a='>' b=\"/>\"/><Sex>", 1)
            .replacen("</Rinkohyo>\n", "</Rinkohyo>\n  \n\t  ", 2)
            .replacen("</Sex>", "</Sex>\n      <Fax>03</Fax>", 3);
        let whole = outcome(&text, PIECE).expect("taken");
        assert_eq!(whole.0, 3);
        assert!(whole.1.iter().any(|f| f.contains("L003")), "{:?}", whole.1);
        for piece in [1, 2, 3, 5, 8, 13, 64, 1000] {
            assert_eq!(outcome(&text, piece).as_ref(), Some(&whole), "pieces of {piece} bytes");
        }
    }

    #[test]
    fn the_usual_batch_is_taken_whatever_its_forms_hold() {
        let plain = plain();
        assert_eq!(taken(&plain), Some(3));
        // A comment, a CDATA section or a processing instruction inside a form is scanned past,
        // even when it reads like the form's end.
        let inside = [
            plain.replacen("<Sex>", "<!-- </Rinkohyo> --><Sex>", 2),
            plain.replacen("<Address>", "<Address><![CDATA[</Rinkohyo>]]>", 1),
            plain.replacen("<Sex>", "<?pi </Rinkohyo>?><Sex>", 1),
            plain.replacen("<Sex>", "<Note a='>' b=\"/>\"/><Sex>", 1),
        ];
        for text in inside {
            assert_eq!(taken(&text), Some(3), "{}", &text[..text.len().min(400)]);
        }
    }

    #[test]
    fn other_shapes_are_given_back() {
        let plain = plain();
        let form_end = "</Rinkohyo>\n";
        let declined = [
            ("a comment between forms", plain.replacen(form_end, "</Rinkohyo>\n<!-- x -->\n", 1)),
            ("text between forms", plain.replacen(form_end, "</Rinkohyo>x\n", 1)),
            ("a stray element", plain.replacen(form_end, "</Rinkohyo><Note/>\n", 1)),
            ("an XML error in a form", plain.replacen("</Sex>", "</Sexx>", 2)),
            ("a DOCTYPE", plain.replacen("?>\n", "?>\n<!DOCTYPE FormBatch>\n", 1)),
            ("a prefix declared on the root", plain.replacen(" count=", " xmlns:x=\"urn:x\" count=", 1)),
            ("another root", plain.replace("FormBatch", "FormBatchX")),
            ("no end of the root", plain.replacen("</FormBatch>\n", "", 1)),
            ("something after the root", plain.replacen("</FormBatch>\n", "</FormBatch>\nx", 1)),
            ("a form inside a form", plain.replacen("<Sex>", "<Rinkohyo></Rinkohyo><Sex>", 1)),
            ("a form over MAX_FORM", plain.replacen("<Sex>", &format!("<!--{}--><Sex>", "x".repeat(MAX_FORM)), 1)),
        ];
        for (what, text) in declined {
            assert_eq!(taken(&text), None, "{what}");
        }
    }
}
