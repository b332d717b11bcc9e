//! A panic while checking one file becomes an M002 finding for that file; the run goes on.

use crate::check::{Ctx, FileResult};
use crate::input::Input;
use crate::parse::Parser;
use std::any::Any;

/// How one file is checked; [`crate::check::check_file`] in real runs (tests pass closures
/// that borrow their own state).
pub type FileChecker<'c> = dyn Fn(&Ctx<'_>, &mut Parser<'_>, &Input) -> FileResult + Sync + 'c;

thread_local! {
    /// The last panic on this worker thread: message and location, for M002.
    static PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// The message a panic was raised with (`panic!("…")` gives a `&str` or a `String`).
fn payload_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

/// Worker threads keep a panic's message for the finding instead of printing it over the
/// progress bar; any other thread panics as usual.
pub fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name().is_some_and(|n| n.starts_with("rinken-worker")) {
                let msg = payload_message(info.payload());
                let at = info.location().map(|l| format!(" ({}:{})", l.file(), l.line())).unwrap_or_default();
                PANIC.with(|p| *p.borrow_mut() = Some(format!("{msg}{at}")));
            } else {
                default(info);
            }
        }));
    });
}

/// Checks one file; a panic becomes an M002 finding for that file and the run goes on.
pub fn check_isolated<'t>(
    ctx: &Ctx<'t>,
    parser: &mut Parser<'t>,
    input: &Input,
    checker: &FileChecker<'_>,
) -> FileResult {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| checker(ctx, parser, input))) {
        Ok(result) => result,
        Err(payload) => {
            // The parser may be mid-record; start the next file with a fresh one.
            *parser = Parser::new(ctx.tables);
            // A panic on a helper thread (the checker of a streamed file) arrives re-raised,
            // its message in the payload rather than in this thread's record.
            let what = PANIC.with(|p| p.borrow_mut().take()).unwrap_or_else(|| payload_message(&*payload));
            crate::check::internal_error(ctx, &what)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_messages_are_read_from_either_payload_type() {
        let of = |f: fn()| payload_message(&*std::panic::catch_unwind(f).unwrap_err());
        assert_eq!(of(|| panic!("static")), "static");
        assert_eq!(of(|| panic!("formatted {}", 7)), "formatted 7");
        assert_eq!(of(|| std::panic::panic_any(7u8)), "");
    }
}
