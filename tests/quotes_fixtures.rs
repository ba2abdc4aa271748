//! Quote extraction and scoring on the project's hand-labelled fixtures (`data/fixtures/quotes`),
//! with the fixtures' gold entity spans as mentions; the brat reader on hostile copies of
//! `data/fixtures/brat` (each once read without a word, a gold span lost or moved); and, when
//! `../shared` is present, an ignored development run on PolNeAR dev with a crude mention source.

use std::path::{Path, PathBuf};

use whosaid::eval::quotes::{
    capitalized_run_mentions, document_of, gold_entity_mentions, load_brat_dir, load_fixtures,
    parse_brat, score_quotes, GoldArticle,
};
use whosaid::quotes::{extract, QuoteKind};

fn fixture_paths() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/fixtures/quotes");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("data/fixtures/quotes")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    paths.sort();
    paths
}

fn fixtures() -> Vec<GoldArticle> {
    load_fixtures(&fixture_paths()).expect("fixtures parse")
}

#[test]
fn fixtures_score_above_thresholds() {
    let articles = fixtures();
    assert!(articles.len() >= 16, "{} fixture articles", articles.len());
    let by_id: std::collections::HashMap<String, &GoldArticle> =
        articles.iter().map(|a| (a.id.clone(), a)).collect();
    let report = score_quotes(&articles, &mut |docs| {
        Ok(docs
            .iter()
            .map(|d| gold_entity_mentions(by_id[&d.id]))
            .collect())
    })
    .unwrap();
    println!("{}", report.table());
    for e in &report.errors {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            e.article,
            e.kind,
            e.gold_content,
            e.predicted_content,
            e.gold_speaker,
            e.predicted_speaker
        );
    }
    let all = &report.subsets[0];
    let direct = &report.subsets[1];
    assert!(direct.content_overlap_30.f1 >= 0.9, "{}", report.table());
    assert!(direct.content_exact.f1 >= 0.85, "{}", report.table());
    assert!(all.content_overlap_30.f1 >= 0.85, "{}", report.table());
    assert!(all.content_overlap_80.f1 >= 0.8, "{}", report.table());
    assert!(all.cue.f1 >= 0.85, "{}", report.table());
    assert!(
        all.speaker_accuracy.is_some_and(|a| a >= 0.9),
        "{}",
        report.table()
    );
}

#[test]
fn seed_article_expectations() {
    let articles = fixtures();
    let seed = articles
        .iter()
        .find(|a| a.id == "seed-000_4f1146c05b085c0f")
        .expect("seed fixture");
    let doc = document_of(seed);
    let mentions = gold_entity_mentions(seed);
    let entities = whosaid::entities::merge(&doc, &mentions);
    let quotes = extract(&doc, &mentions, &entities);
    let speaker_of = |needle: &str| {
        let q = quotes
            .iter()
            .find(|q| doc.slice(q.span).contains(needle))
            .unwrap_or_else(|| panic!("no quote holds {needle:?}"));
        q.speaker_entity
            .map(|e| entities.entities[e].canonical.clone())
    };
    let lleshaj = Some("Sandër Lleshaj".to_string());
    assert_eq!(
        speaker_of("The Iranian regime is the main supporter of terrorism"),
        lleshaj
    );
    assert_eq!(speaker_of("Albania is more secure today"), lleshaj);
    assert_eq!(speaker_of("MEK isn’t a threat to us"), lleshaj);
    // Every transcript turn goes to the reporter or to Lleshaj.
    let turns = [
        ("We are talking about the expulsion", "Reporter"),
        ("It’s obvious that the two Iranian diplomats", "Lleshaj"),
        ("This means that the decision is very important", "Lleshaj"),
        (
            "You know that we have accepted the responsibility",
            "Lleshaj",
        ),
        ("Albania has accepted these Iranian citizens", "Lleshaj"),
        ("When you put it this way", "Reporter"),
        ("Everything that comes out of an embassy", "Lleshaj"),
        ("You mean the investigations are ongoing?", "Reporter"),
        ("Sure, no responsible government", "Lleshaj"),
        ("This must be a very important issue", "Reporter"),
        ("If you look at the recent developments", "Lleshaj"),
        ("This year, I was at their gathering in Paris", "Reporter"),
        ("I can’t talk about the connection", "Lleshaj"),
        ("So, we have signs that members", "Lleshaj"),
    ];
    for (needle, who) in turns {
        let q = quotes
            .iter()
            .find(|q| doc.slice(q.span).contains(needle))
            .unwrap_or_else(|| panic!("no turn {needle:?}"));
        assert_eq!(q.kind, QuoteKind::Direct);
        let speaker = q.speaker.map(|s| doc.slice(s)).unwrap_or("");
        assert_eq!(speaker, who, "{needle}");
        if who == "Lleshaj" {
            assert_eq!(
                q.speaker_entity
                    .map(|e| entities.entities[e].canonical.as_str()),
                Some("Sandër Lleshaj"),
                "{needle}"
            );
        }
    }
}

fn brat_fixture(name: &str) -> (String, String) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/fixtures/brat");
    let read = |p: PathBuf| std::fs::read_to_string(p).unwrap();
    (
        read(dir.join(format!("text/{name}.txt"))),
        read(dir.join(format!("attributions/{name}_a1b2.ann"))),
    )
}

/// The error of parsing the bridge fixture's .ann with `from` replaced by `to` (once).
fn bridge_error(from: &str, to: &str) -> String {
    let (text, ann) = brat_fixture("bridge");
    assert!(ann.contains(from), "{from:?}");
    let hostile = ann.replacen(from, to, 1);
    format!("{:#}", parse_brat("bridge", &text, &hostile).unwrap_err())
}

#[test]
fn a_brat_line_that_lost_its_id_is_an_error_and_a_byte_order_mark_is_dropped() {
    // Spaces for the tab after T7: once a continuation of T6's text, the content lost.
    let e = bridge_error("T7\t", "T7    ");
    assert!(
        e.contains("bridge.ann: line 8") && e.contains("no annotation line"),
        "{e}"
    );
    let e = bridge_error("E2\t", "E2 ");
    assert!(
        e.contains("line 10") && e.contains("no annotation line"),
        "{e}"
    );
    // A byte order mark hid T1 (the first speaker) on line 1; now it is taken away.
    let (text, ann) = brat_fixture("bridge");
    let clean = parse_brat("bridge", &text, &ann).unwrap();
    let marked = parse_brat("bridge", &text, &format!("\u{feff}{ann}")).unwrap();
    assert_eq!(marked, clean);
    assert!(clean.attributions.iter().all(|a| !a.source.is_empty()));
}

#[test]
fn a_brat_event_naming_no_span_a_span_defined_twice_or_an_empty_span_is_an_error() {
    let e = bridge_error("Source:T9", "Source:T99");
    assert!(e.contains("line 15") && e.contains("T99"), "{e}");
    let e = bridge_error("T11\t", "T10\t");
    assert!(
        e.contains("line 13") && e.contains("T10 is defined twice"),
        "{e}"
    );
    let e = bridge_error("Cue 23 27\tsaid", "Cue 23 23\t");
    assert!(e.contains("line 2") && e.contains("empty span"), "{e}");
}

#[test]
fn a_brat_span_whose_text_is_not_the_texts_is_an_error() {
    let (text, ann) = brat_fixture("bridge");
    // The text with CRLF line ends: every span after line 1 moves.
    let crlf = text.replace('\n', "\r\n");
    let e = format!("{:#}", parse_brat("bridge", &crlf, &ann).unwrap_err());
    assert!(
        e.contains("bridge.ann: line 6") && e.contains("\"the council\""),
        "{e}"
    );
    let e = bridge_error("\tthe bridge was safe", "\tthe bridge was sound");
    assert!(
        e.contains("line 3") && e.contains("the bridge was safe"),
        "{e}"
    );
    // A discontinuous span's text: its fragments joined by a space.
    let text = "Tomas said, in short, that all is well.";
    let ann = "T1\tContent 0 5;27 38\tTomas all is well\nE1\tAttribution:T1 Content:T1\n";
    assert_eq!(parse_brat("x", text, ann).unwrap().attributions.len(), 1);
}

#[test]
fn a_brat_folder_names_the_ann_file_of_an_error_and_an_ann_without_its_text() {
    let tmp = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/fixtures/brat");
    for sub in ["text", "attributions"] {
        std::fs::create_dir_all(tmp.path().join(sub)).unwrap();
        for f in std::fs::read_dir(from.join(sub)).unwrap() {
            let f = f.unwrap().path();
            std::fs::copy(&f, tmp.path().join(sub).join(f.file_name().unwrap())).unwrap();
        }
    }
    assert_eq!(load_brat_dir(tmp.path()).unwrap().len(), 3);
    let ann = tmp.path().join("attributions/bridge_a1b2.ann");
    let body = std::fs::read_to_string(&ann).unwrap();
    std::fs::write(&ann, body.replacen("T7\t", "T7 ", 1)).unwrap();
    let e = format!("{:#}", load_brat_dir(tmp.path()).unwrap_err());
    assert!(e.contains(&format!("{}: line 8", ann.display())), "{e}");
    std::fs::write(&ann, body).unwrap();
    std::fs::remove_file(tmp.path().join("text/bridge.txt")).unwrap();
    let e = format!("{:#}", load_brat_dir(tmp.path()).unwrap_err());
    assert!(
        e.contains(&ann.display().to_string()) && e.contains("bridge.txt"),
        "{e}"
    );
}

/// Development run on PolNeAR dev with capitalised-word runs as mentions. Prints the table and
/// writes the errors to `$QUOTES_ERRORS` (default `target/polnear_dev_quote_errors.tsv`).
#[test]
#[ignore = "needs ../shared/data/polnear; run with --ignored --nocapture"]
fn polnear_dev_with_crude_mentions() {
    let split = std::env::var("POLNEAR_SPLIT").unwrap_or_else(|_| "dev".into());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/polnear")
        .join(&split);
    if !dir.exists() {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    }
    let articles = load_brat_dir(&dir).unwrap();
    let report = score_quotes(&articles, &mut |docs| {
        Ok(docs.iter().map(capitalized_run_mentions).collect())
    })
    .unwrap();
    println!("PolNeAR {split} (crude mentions)\n{}", report.table());
    let errors = std::env::var("QUOTES_ERRORS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/polnear_dev_quote_errors.tsv")
        });
    report.write_errors(&errors).unwrap();
    println!("errors written to {}", errors.display());
}
