//! Helpers shared by the integration tests: a tiny random model and default options.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use whosaid::input::FieldNames;
use whosaid::ner::write_random_model;
use whosaid::pipeline::ExtractOptions;

pub const WORDS: &[&str] = &[
    "the", "minister", "said", "albania", "iran", "lleshaj", "sand", "##ër", "mek", "is", "a",
    "threat",
];

/// `whosaid stream --model MODEL ARGS…` started with stdin, stdout and stderr piped.
pub fn spawn_stream(model: &Path, args: &[&str]) -> std::process::Child {
    use std::process::Stdio;
    std::process::Command::new(env!("CARGO_BIN_EXE_whosaid"))
        .arg("stream")
        .args(args)
        .arg("--model")
        .arg(model)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A tiny model; `bias` = Some(label id) makes every word get that tag.
pub fn tiny_model(dir: &Path, max_length: usize, bias: Option<usize>) -> PathBuf {
    let m = dir.join(format!("model-{max_length}-{bias:?}"));
    write_random_model(&m, WORDS, max_length, 7, bias).unwrap();
    m
}

pub fn options(inputs: Vec<PathBuf>, out: &Path, model: PathBuf) -> ExtractOptions {
    ExtractOptions {
        inputs,
        out: out.to_path_buf(),
        model,
        precision: Default::default(),
        threads: 2,
        batching: whosaid::ner::Batching {
            windows: 4,
            ..Default::default()
        },
        chunk_size: 3,
        max_bytes: 2_000_000,
        progress: false,
        fields: FieldNames::default(),
        resume: false,
        shard: None,
        skip_lowercase_sentences: true,
        quotes: whosaid::quotes::QuoteMethod::Rules,
        quote_model: std::path::PathBuf::new(),
        stdin: Default::default(),
    }
}

pub fn read_csv(path: &Path) -> Vec<csv::StringRecord> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records().map(|r| r.unwrap()).collect()
}

pub fn sample_inputs() -> Vec<PathBuf> {
    let s = root().join("data/sample");
    vec![
        s.join("articles.jsonl"),
        s.join("articles.csv"),
        s.join("txt"),
        s.join("archive.jsonl.gz"),
    ]
}
