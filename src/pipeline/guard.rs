//! One record's text stages behind a guard: a panic in them — a bug of whosaid that this record
//! sets off, never the input's fault — becomes that record's row in `errors.csv`, and the rest
//! of the batch goes on.
//!
//! Before this guard, one such record ended a run of a million with exit 101 and no row saying
//! which record did it (`'日本語。’s日本語。\u{e}` did so in the quote finder until 2026-12-05).
//! Now its row reads, for example:
//!
//! ```text
//! dump.jsonl,line 7,"whosaid failed on this record while finding entities and quotes (a bug:
//! please report it with the record): index out of bounds: …"
//! ```
//!
//! The panic message also goes to stderr, with where it happened, by Rust's own panic hook.
//!
//! What a guarded stage shares with other records is safe to use after a panic: the stage clock
//! is atomics, the tokenizer's word memo recovers from a poisoned lock
//! (`ner::piece_memo`), and each record's document and rows are its own and are dropped.
//! The model stage is not guarded per record: a batch holds many records' windows, and a failure
//! there is a failure of the model, which stops the run.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::input::{Origin, RecordError};

/// Runs one record's `stage` work; a panic in it becomes the record's error.
pub(crate) fn guarded<T>(
    origin: &Origin,
    stage: &str,
    work: impl FnOnce() -> Result<T, RecordError>,
) -> Result<T, RecordError> {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|payload| {
        Err(origin.error(format!(
            "whosaid failed on this record while {stage} (a bug: please report it with the \
             record): {}",
            panic_message(payload.as_ref())
        )))
    })
}

/// The text a panic carried: `panic!` gives a `&str` or a `String`; anything else is unnamed.
fn panic_message(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message")
}

/// Panics when the record's id is the one `WHOSAID_TEST_PANIC_ON` names — in debug builds only,
/// for the tests that check a panicking record becomes an error row (no input makes whosaid
/// panic on purpose, and each that did was fixed). Release builds compile it to nothing.
pub(crate) fn test_panic_point(id: &str) {
    #[cfg(debug_assertions)]
    {
        static NAMED: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
        let named = NAMED.get_or_init(|| std::env::var("WHOSAID_TEST_PANIC_ON").ok());
        if named.as_deref() == Some(id) {
            panic!("WHOSAID_TEST_PANIC_ON names article {id}");
        }
    }
    #[cfg(not(debug_assertions))]
    let _ = id;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin() -> Origin {
        Origin {
            input: "dump.jsonl".into(),
            record: "line 7".into(),
        }
    }

    #[test]
    fn a_panic_becomes_the_records_error_naming_file_record_and_message() {
        let result: Result<(), _> = guarded(&origin(), "finding quotes", || {
            let words: Vec<&str> = Vec::new();
            panic!("no word at {}", words.len())
        });
        let e = result.unwrap_err();
        assert_eq!(
            (e.input.as_str(), e.record.as_str()),
            ("dump.jsonl", "line 7")
        );
        assert!(e.reason.contains("while finding quotes"), "{}", e.reason);
        assert!(e.reason.ends_with("no word at 0"), "{}", e.reason);
    }

    #[test]
    fn work_that_does_not_panic_passes_through() {
        assert_eq!(guarded(&origin(), "x", || Ok(3)), Ok(3));
        let failed: Result<(), _> = guarded(&origin(), "x", || Err(origin().error("bad".into())));
        assert_eq!(failed.unwrap_err().reason, "bad");
    }

    #[test]
    fn a_payload_that_is_not_text_is_named_as_such() {
        let result: Result<(), _> = guarded(&origin(), "x", || std::panic::panic_any(42_u8));
        assert!(result
            .unwrap_err()
            .reason
            .ends_with("a panic without a message"));
    }
}
