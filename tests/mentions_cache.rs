//! `eval quotes --mentions-cache`: a cache is read only by a run of the same model, precision,
//! sentence skipping and texts; anything else makes it again, and a file that is not a cache is
//! never read as one nor written over.

use std::path::Path;
use std::process::{Command, Output, Stdio};

mod common;
use common::{root, tiny_model};

/// `eval quotes` of the project's quote fixtures with `model`'s mentions, as JSON.
fn eval(model: &Path, cache: Option<&Path>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_whosaid"));
    c.stdin(Stdio::null())
        .args([
            "eval",
            "quotes",
            "--quotes",
            "rules",
            "--json",
            "--fixtures",
        ])
        .arg(root().join("data/fixtures/quotes/articles.jsonl"))
        .arg("--model")
        .arg(model);
    if let Some(cache) = cache {
        c.arg("--mentions-cache").arg(cache);
    }
    c.output().unwrap()
}

fn ok(o: Output) -> String {
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn a_cache_of_another_model_is_made_again_and_a_foreign_file_is_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let random = tiny_model(tmp.path(), 32, None);
    let all_person = tiny_model(tmp.path(), 32, Some(1));
    let cache = tmp.path().join("mentions.tsv");

    let first = ok(eval(&random, Some(&cache)));
    assert!(std::fs::read_to_string(&cache)
        .unwrap()
        .starts_with("# whosaid mentions cache "));
    assert_eq!(
        ok(eval(&random, Some(&cache))),
        first,
        "the cache is read back"
    );

    // Another model over the same cache scores as that model does without one.
    let other = ok(eval(&all_person, None));
    assert_ne!(
        other, first,
        "the two models' mentions must differ for this test"
    );
    assert_eq!(ok(eval(&all_person, Some(&cache))), other);
    assert_eq!(
        ok(eval(&all_person, Some(&cache))),
        other,
        "made again, then read"
    );

    // A file that is not a cache (a typo for another file) is an error, and stays as it was.
    let notes = tmp.path().join("notes.txt");
    std::fs::write(&notes, "0\t0\t4\tPER\t1\n").unwrap();
    let o = eval(&random, Some(&notes));
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a mentions cache"));
    assert_eq!(
        std::fs::read_to_string(&notes).unwrap(),
        "0\t0\t4\tPER\t1\n"
    );
}
