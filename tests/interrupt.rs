//! Ctrl-C reaches into a file being streamed. Its own test binary: the flag it sets is the
//! process's, and would stop any other run going on beside it.

mod common;
use common::*;
use std::sync::atomic::Ordering;

#[test]
fn an_interrupt_stops_a_streamed_file_at_its_next_read_not_at_its_end() {
    let form = R_VALID.split_once("?>\n").unwrap().1.replace(" xmlns=\"urn:rinken:nanbyo-shoman:1\"", "");
    let forms = (rinken::check::stream::STREAM_ABOVE as usize) / form.len() + 1;
    let batch =
        format!("<FormBatch xmlns=\"urn:rinken:nanbyo-shoman:1\" count=\"{forms}\">{}</FormBatch>", form.repeat(forms));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("B131331572820250612000001.xml");
    std::fs::write(&path, &batch).unwrap();
    let h = Harness::new();
    let ctx = h.ctx();
    let mut parser = rinken::parse::Parser::new(&h.tables);
    let stream = |parser: &mut rinken::parse::Parser<'_>| {
        let file = std::fs::File::open(&path).unwrap();
        let name = "B131331572820250612000001.xml";
        rinken::check::stream::check_stream(&ctx, parser, name, file, batch.len() as u64)
    };
    assert_eq!(stream(&mut parser).records, forms as u32, "streamed whole when not interrupted");
    rinken::run::INTERRUPTED.store(true, Ordering::SeqCst);
    let stopped = stream(&mut parser);
    rinken::run::INTERRUPTED.store(false, Ordering::SeqCst);
    assert_eq!(stopped.records, 0, "read on after the interrupt");
    let mut reader = rinken::run::interrupt::StopOnInterrupt(&b"abc"[..]);
    let mut buf = [0; 3];
    assert_eq!(std::io::Read::read(&mut reader, &mut buf).unwrap(), 3);
}
