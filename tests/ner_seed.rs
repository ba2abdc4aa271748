//! The shipped default model on the hand-labeled seed article (data/fixtures/ner/seed.jsonl):
//! the entities the project promises to find, with their types and country codes.

use std::collections::HashSet;
use std::path::PathBuf;

use whosaid::input::FieldNames;
use whosaid::pipeline::{extract, ExtractOptions};

#[test]
fn default_model_finds_the_seed_articles_entities() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let fixture: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(root.join("data/fixtures/ner/seed.jsonl"))
            .unwrap()
            .trim(),
    )
    .unwrap();
    let input = tmp.path().join("seed.jsonl");
    std::fs::write(
        &input,
        serde_json::json!({"id": "seed", "text": fixture["text"]}).to_string() + "\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    extract(&ExtractOptions {
        precision: Default::default(),
        resume: false,
        shard: None,
        skip_lowercase_sentences: true,
        quotes: whosaid::quotes::QuoteMethod::Rules,
        quote_model: std::path::PathBuf::new(),
        stdin: Default::default(),
        inputs: vec![input],
        out: out.clone(),
        model: root.join("models/ner-en"),
        threads: 2,
        batching: whosaid::ner::Batching {
            windows: 16,
            ..Default::default()
        },
        chunk_size: 8,
        max_bytes: 2_000_000,
        progress: false,
        fields: FieldNames::default(),
    })
    .unwrap();
    let mut r = csv::Reader::from_path(out.join("entities.csv")).unwrap();
    let found: HashSet<(String, String, String)> = r
        .records()
        .map(|r| r.unwrap())
        .map(|r| (r[2].to_string(), r[3].to_string(), r[4].to_string()))
        .collect();
    let expect = [
        ("Sandër Lleshaj", "PER", ""),
        ("Donald Trump", "PER", ""),
        ("Mike Pompeo", "PER", ""),
        ("John Bolton", "PER", ""),
        ("Maryam Rajavi", "PER", ""),
        ("Albania", "LOC", "AL"),
        ("Iran", "LOC", "IR"),
        ("Iraq", "LOC", "IQ"),
        ("Austria", "LOC", "AT"),
        ("Tehran", "LOC", ""),
        ("Tirana", "LOC", ""),
        ("Paris", "LOC", ""),
        ("Europe", "LOC", ""),
        ("Vizion Plus", "ORG", ""),
    ];
    let missing: Vec<_> = expect
        .iter()
        .filter(|(c, l, code)| !found.contains(&(c.to_string(), l.to_string(), code.to_string())))
        .collect();
    assert!(missing.is_empty(), "missing {missing:?}\nfound {found:#?}");
    assert!(
        found
            .iter()
            .any(|(c, l, _)| l == "ORG" && (c.contains("MEK") || c.contains("PMOI"))),
        "MEK/PMOI as ORG: {found:#?}"
    );
    // Merging follows names across labels (issue 17): one MEK entity, one Bolton, and no entity
    // that is only a title word ("Security" out of "National Security Advisor").
    let names: Vec<&str> = found.iter().map(|(c, _, _)| c.as_str()).collect();
    let count = |pred: &dyn Fn(&str) -> bool| names.iter().filter(|c| pred(c)).count();
    assert_eq!(count(&|c| c.contains("MEK")), 1, "{found:#?}");
    assert_eq!(count(&|c| c.contains("Bolton")), 1, "{found:#?}");
    assert_eq!(count(&|c| c == "Security"), 0, "{found:#?}");
}
