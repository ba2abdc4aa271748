//! Property tests over hostile input: arbitrary bytes and Unicode (combining marks, right-to-left
//! text, emoji and ZWJ sequences, lone surrogate escapes, CSV-hostile text, unbalanced quote marks
//! of every kind) through the readers, cleaning, segmentation and quote extraction.
//!
//! Properties: nothing panics; every reader gives one item per record, articles with a usable text
//! and errors that name their input, record and reason; every span produced (paragraphs,
//! sentences, tokens, removed lines, quote, cue, speaker) lies within the text, on character
//! boundaries, with start <= end.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use flate2::write::GzEncoder;
use flate2::Compression;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use whosaid::clean::{self, Cleaned};
use whosaid::entities;
use whosaid::input::{
    read_inputs, shows_nothing, Article, ReadOptions, RecordError, DEFAULT_MAX_BYTES,
};
use whosaid::ner::Mention;
use whosaid::quotes::{self, Quote};
use whosaid::text::{CharOffsets, Document, Span};

// ---------------------------------------------------------------------------------------------
// Strategies

/// Every kind of quote mark the quote finder knows, and some it does not.
const QUOTE_MARKS: &[&str] = &[
    "\u{201c}", "\u{201d}", "\u{ab}", "\u{bb}", "\u{201e}", "\u{2018}", "\u{2019}", "\"", "'",
    "\u{201a}", "\u{201f}", "\u{2039}", "\u{203a}", "\u{300c}", "\u{300d}", "\u{ff02}",
];

/// Pieces of hostile text, joined at random.
const PIECES: &[&str] = &[
    " ",
    "  ",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\t",
    "\u{a0}",
    "\u{2028}",
    "\u{2029}",
    "\u{85}",
    "\u{feff}",
    "\u{200b}",
    "\u{3000}",
    "said",
    "says",
    "told reporters",
    "according to",
    "asked",
    "that",
    ":",
    ".",
    ",",
    "!",
    "?",
    "\u{2026}",
    "...",
    "..",
    "\u{2014}",
    "\u{2013}",
    "-",
    "(",
    ")",
    "[",
    "]",
    "Mr.",
    "Dr.",
    "U.S.",
    "J.",
    "No.",
    "Alice",
    "Bob Smith",
    "He",
    "she",
    "they",
    "the minister",
    "The Albanian Interior Minister",
    "Reporter:",
    "Q:",
    "\u{2019}s",
    "'s",
    "s'",
    "don\u{2019}t",
    "\u{2019}90s",
    // Combining marks, alone and stacked.
    "e\u{301}",
    "\u{301}",
    "\u{308}\u{308}\u{308}",
    "a\u{20dd}",
    "\u{5d0}\u{5b8}",
    // Right-to-left text and bidi controls.
    "\u{642}\u{627}\u{644}",
    "\u{5d0}\u{5de}\u{5e8}",
    "\u{645}\u{631}\u{62d}\u{628}\u{627} \u{628}\u{627}\u{644}\u{639}\u{627}\u{644}\u{645}",
    "\u{200f}",
    "\u{200e}",
    "\u{202e}",
    "\u{2067}",
    // Emoji, modifiers, flags and ZWJ sequences.
    "\u{1f389}",
    "\u{1f469}\u{200d}\u{1f469}\u{200d}\u{1f467}",
    "\u{1f3f3}\u{fe0f}\u{200d}\u{1f308}",
    "\u{1f44d}\u{1f3fd}",
    "\u{1f1e6}\u{1f1f1}",
    "\u{200d}",
    "\u{fe0f}",
    // Escapes that are text here, JSON elsewhere, and CSV-hostile text.
    "\\ud800",
    "\\udc00",
    "\\u0000",
    "\\",
    "\"\"=",
    "=cmd|' /C calc'!A0",
    ",,",
    "\"\"",
    "\"\"\"",
    // Web debris.
    "728 x 90",
    "Share this",
    "Latest News and Articles",
    "Advertisement",
    // Other scripts and odd code points.
    "\u{4e2d}\u{6587}",
    "\u{65e5}\u{672c}\u{8a9e}\u{3002}",
    "\u{d55c}\u{ad6d}\u{c5b4}",
    "\u{130}",
    "\u{df}",
    "\u{fb03}",
    "\u{0}",
    "\u{7f}",
    "\u{fffd}",
    "\u{10ffff}",
];

/// Text made of hostile pieces, quote marks, arbitrary characters and plain words.
fn hostile_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            6 => prop::sample::select(PIECES).prop_map(String::from),
            3 => prop::sample::select(QUOTE_MARKS).prop_map(String::from),
            2 => any::<char>().prop_map(String::from),
            2 => "[A-Z][a-z]{0,7}|[a-z]{1,8}",
        ],
        0..160,
    )
    .prop_map(|pieces| pieces.concat())
}

/// Mostly quote marks, with some words and spaces: unbalanced every which way.
fn quote_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            6 => prop::sample::select(QUOTE_MARKS).prop_map(String::from),
            2 => prop::sample::select(&[" ", "\n", "\n\n", " said ", "Alice", ": ", ". "][..])
                .prop_map(String::from),
            1 => "[a-z]{1,5}",
        ],
        0..400,
    )
    .prop_map(|pieces| pieces.concat())
}

/// Any text: the hostile kind, the quote kind, or arbitrary Unicode.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => hostile_text(),
        1 => quote_soup(),
        1 => any::<String>(),
    ]
}

/// Pieces of the inside of a JSON string as written: escapes good and bad, raw characters.
const JSON_STRING_PIECES: &[&str] = &[
    "\\ud800",
    "\\udfff",
    "\\ud83d\\ude00",
    "\\ud83d",
    "\\ude00\\ud83d",
    "\\udbff\\udfff",
    "\\u0000",
    "\\u00e9",
    "\\u201c",
    "\\u",
    "\\u12",
    "\\x41",
    "\\\"",
    "\\\\",
    "\\n",
    "\\r\\n",
    "\\t",
    "\\/",
    "\\",
    "\"",
    "\t",
    "\r",
    "\u{1}",
    " ",
    "said",
    "\u{201c}",
    "\u{201d}",
    "\u{1f469}\u{200d}\u{1f469}\u{200d}\u{1f467}",
    "e\u{301}",
    "\u{5d0}\u{5de}\u{5e8}",
    "\"\"=",
];

fn json_string_inside() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(JSON_STRING_PIECES).prop_map(String::from),
            1 => any::<char>()
                .prop_filter("no line breaks", |c| *c != '\n')
                .prop_map(String::from),
        ],
        0..40,
    )
    .prop_map(|pieces| pieces.concat())
}

/// `cases` cases, or `$PROPTEST_CASES` for a longer search (`PROPTEST_CASES=5000 cargo test
/// --test fuzz`).
/// A fixed seed keeps runs repeatable; `PROPTEST_RNG_SEED=$RANDOM` explores anew.
fn config(cases: u32) -> ProptestConfig {
    let defaults = ProptestConfig::default();
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    let rng_seed = match std::env::var_os("PROPTEST_RNG_SEED") {
        Some(_) => defaults.rng_seed,
        None => RngSeed::Fixed(0x5eed_2024),
    };
    ProptestConfig {
        cases,
        rng_seed,
        // Shrinking a text stage failure can take long; a short budget keeps failures quick.
        max_shrink_iters: 2000,
        failure_persistence: None,
        ..defaults
    }
}

// ---------------------------------------------------------------------------------------------
// Checks

/// A span lies within the text, on character boundaries, start <= end.
fn check_span(text: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end,
        "{what} {span:?}: start after end in {text:?}"
    );
    assert!(
        span.end <= text.len(),
        "{what} {span:?}: past the end ({}) of {text:?}",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what} {span:?}: not on character boundaries of {text:?}"
    );
}

/// Spans in text order, none overlapping the next.
fn check_in_order(spans: &[Span], what: &str, text: &str) {
    for pair in spans.windows(2) {
        assert!(
            pair[0].end <= pair[1].start,
            "{what} out of order or overlapping: {:?} then {:?} in {text:?}",
            pair[0],
            pair[1]
        );
    }
}

fn check_cleaned(text: &str, cleaned: &Cleaned) {
    for p in &cleaned.paragraphs {
        check_span(text, *p, "paragraph");
        assert!(!p.is_empty(), "empty paragraph {p:?} in {text:?}");
        let body = &text[p.range()];
        assert_eq!(body, body.trim(), "paragraph {p:?} not trimmed in {text:?}");
    }
    check_in_order(&cleaned.paragraphs, "paragraphs", text);
    for (span, reason) in &cleaned.removed {
        check_span(text, *span, "removed line");
        assert!(!reason.is_empty());
        assert!(
            !cleaned.paragraphs.iter().any(|p| p.overlaps(*span)),
            "removed line {span:?} inside a kept paragraph in {text:?}"
        );
    }
}

fn check_document(text: &str, cleaned: &Cleaned, doc: &Document) {
    assert_eq!(doc.text, text);
    assert_eq!(doc.paragraphs, cleaned.paragraphs);
    let mut next_token = 0;
    for s in &doc.sentences {
        check_span(text, s.span, "sentence");
        assert!(!s.span.is_empty(), "empty sentence {s:?} in {text:?}");
        let para = doc
            .paragraphs
            .get(s.paragraph)
            .unwrap_or_else(|| panic!("sentence {s:?} of paragraph {} of none", s.paragraph));
        assert!(
            para.contains(s.span),
            "sentence {s:?} outside its paragraph {para:?} in {text:?}"
        );
        assert_eq!(
            s.tokens.start, next_token,
            "sentence tokens not contiguous in {text:?}"
        );
        assert!(s.tokens.start <= s.tokens.end && s.tokens.end <= doc.tokens.len());
        next_token = s.tokens.end;
        for t in &doc.tokens[s.tokens.clone()] {
            assert!(
                s.span.contains(*t),
                "token {t:?} outside its sentence {s:?} in {text:?}"
            );
        }
    }
    assert_eq!(
        next_token,
        doc.tokens.len(),
        "tokens outside sentences in {text:?}"
    );
    let sentence_spans: Vec<Span> = doc.sentences.iter().map(|s| s.span).collect();
    check_in_order(&sentence_spans, "sentences", text);
    for t in &doc.tokens {
        check_span(text, *t, "token");
        assert!(!t.is_empty(), "empty token {t:?} in {text:?}");
        assert!(
            !doc.slice(*t).chars().any(char::is_whitespace),
            "token {t:?} = {:?} holds white space in {text:?}",
            doc.slice(*t)
        );
    }
    check_in_order(&doc.tokens, "tokens", text);
}

fn check_quotes(text: &str, doc: &Document, n_entities: usize, quotes: &[Quote]) {
    let offsets = CharOffsets::new(text);
    for q in quotes {
        check_span(text, q.span, "quote");
        // The CSV writer converts every quote offset to characters.
        for b in [q.span.start, q.span.end] {
            assert_eq!(offsets.char_of(b), text[..b].chars().count());
        }
        if let Some(cue) = q.cue {
            check_span(text, cue, "cue");
        }
        if let Some(speaker) = q.speaker {
            check_span(text, speaker, "speaker");
        }
        if let Some(e) = q.speaker_entity {
            assert!(
                e < n_entities,
                "speaker entity {e} of {n_entities} in {text:?}"
            );
        }
        // What the CSV writer slices, it must be able to slice.
        let _ = doc.slice(q.span);
    }
    let starts: Vec<usize> = quotes.iter().map(|q| q.span.start).collect();
    assert!(
        starts.windows(2).all(|w| w[0] <= w[1]),
        "quotes not in text order: {quotes:?} in {text:?}"
    );
}

/// Cleans, segments and extracts quotes (no mentions), checking every stage's spans.
fn check_text_stages(text: &str) -> Vec<Quote> {
    let cleaned = clean::clean(text);
    check_cleaned(text, &cleaned);
    let doc = Document::new("id".into(), String::new(), text.to_string(), &cleaned);
    check_document(text, &cleaned, &doc);
    let entities = entities::merge(&doc, &[]);
    assert!(entities.entities.is_empty());
    let quotes = quotes::extract(&doc, &[], &entities);
    check_quotes(text, &doc, 0, &quotes);
    quotes
}

/// As [`check_text_stages`], with every capitalised token a PER mention, so that entities are
/// merged and speakers resolved over hostile text too.
fn check_text_stages_with_mentions(text: &str) {
    let cleaned = clean::clean(text);
    let doc = Document::new("id".into(), String::new(), text.to_string(), &cleaned);
    let mentions: Vec<Mention> = doc
        .tokens
        .iter()
        .filter(|t| {
            doc.slice(**t)
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
        })
        .map(|t| Mention {
            span: *t,
            label: whosaid::ner::EntityLabel::ALL[t.start % 4],
            score: 0.9,
        })
        .collect();
    let entities = entities::merge(&doc, &mentions);
    assert_eq!(entities.of_mention.len(), mentions.len());
    for e in &entities.entities {
        for &m in &e.mentions {
            assert!(m < mentions.len());
        }
    }
    let quotes = quotes::extract(&doc, &mentions, &entities);
    check_quotes(text, &doc, entities.entities.len(), &quotes);
}

/// What every item of a reader must be.
fn check_item(item: &Result<Article, RecordError>, input: &Path, max_bytes: usize) {
    match item {
        Ok(article) => {
            // A blank text is read only beside a title: the headline's article.
            assert!(
                !shows_nothing(&article.text) || !shows_nothing(&article.title),
                "blank article {article:?}"
            );
            assert!(article.text.len() <= max_bytes);
            assert!(!article.id.trim().is_empty(), "blank id in {article:?}");
        }
        Err(error) => {
            assert_eq!(error.input, input.display().to_string());
            assert!(!error.record.trim().is_empty(), "{error:?}");
            assert!(!error.reason.trim().is_empty(), "{error:?}");
        }
    }
}

fn read(path: &Path, max_bytes: usize) -> Vec<Result<Article, RecordError>> {
    let opts = ReadOptions {
        max_bytes,
        ..ReadOptions::default()
    };
    let items: Vec<_> = read_inputs(&[path.to_path_buf()], &opts).collect();
    for item in &items {
        check_item(item, path, max_bytes);
    }
    items
}

fn write_file(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn gzip(content: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(content).unwrap();
    encoder.finish().unwrap()
}

/// The records of JSON-lines bytes, counted independently: lines that are not all ASCII white
/// space (after a BOM on the first line), or one record for the whole input when its first such
/// line is a lone `[` or `{` (a pretty-printed JSON document, reported as one error).
fn json_line_records(bytes: &[u8]) -> usize {
    let mut records = 0;
    for (i, line) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let line = match i {
            0 => line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line),
            _ => line,
        };
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        // Every line counts, a lone `{` of a pretty-printed document too (the reader's module
        // doc): stopping at a first `{` undercounted `{⏎{`, which 3,000 cases found.
        records += 1;
    }
    records
}

/// The text of the article a JSON line holds, by serde_json alone: an object whose `text` is a
/// string that is not blank and whose other known fields are strings, numbers or null.
fn serde_json_article_text(line: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    let object = value.as_object()?;
    for key in ["id", "title", "url", "published", "source"] {
        if let Some(v) = object.get(key) {
            if !(v.is_null() || v.is_string() || v.is_number()) {
                return None;
            }
        }
    }
    let text = object.get("text")?.as_str()?;
    (!shows_nothing(text)).then(|| text.to_string())
}

// ---------------------------------------------------------------------------------------------
// Readers

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn jsonl_reader_survives_arbitrary_bytes(
        bytes in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..600),
            // Mostly JSON-ish bytes, so that the parser gets past the first character.
            prop::collection::vec(
                prop::sample::select(&b"{}[]\":, \n\r\ttext id 0123\\u\xff\xc3\xa9\xef\xbb\xbf"[..]),
                0..400,
            ),
        ]
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = write_file(dir.path(), "fuzz.jsonl", &bytes);
        let items = read(&path, DEFAULT_MAX_BYTES);
        prop_assert_eq!(items.len(), json_line_records(&bytes));
        for item in &items {
            if let Err(e) = item {
                prop_assert!(e.record.starts_with("line "), "{:?}", e);
            }
        }
        // The same bytes gzipped read the same.
        let gz = write_file(dir.path(), "fuzz.jsonl.gz", &gzip(&bytes));
        let gz_items = read(&gz, DEFAULT_MAX_BYTES);
        let texts = |items: &[Result<Article, RecordError>]| -> Vec<Result<String, String>> {
            items
                .iter()
                .map(|i| i.as_ref().map(|a| a.text.clone()).map_err(|e| e.record.clone()))
                .collect()
        };
        prop_assert_eq!(texts(&items), texts(&gz_items));
    }

    #[test]
    fn jsonl_reader_reads_what_serde_json_reads(
        inside in json_string_inside(),
        id in prop::option::of(json_string_inside()),
    ) {
        // Raw JSON text, escapes as written: lone surrogates, bad escapes, stray quotes.
        let line = match &id {
            Some(id) => format!("{{\"id\": \"{id}\", \"text\": \"{inside}\"}}"),
            None => format!("{{\"text\": \"{inside}\"}}"),
        };
        let dir = tempfile::tempdir().unwrap();
        let path = write_file(dir.path(), "s.jsonl", format!("{line}\n").as_bytes());
        let items = read(&path, DEFAULT_MAX_BYTES);
        prop_assert_eq!(items.len(), json_line_records(line.as_bytes()));
        // serde_json on the whole line is the oracle.
        match (&items[..], serde_json_article_text(&line)) {
            ([Ok(article)], Some(text)) => prop_assert_eq!(&article.text, &text),
            ([Err(_)], None) => {}
            (items, text) => prop_assert!(false, "{:?}: {:?} vs serde_json {:?}", line, items, text),
        }
    }

    #[test]
    fn jsonl_reader_round_trips_any_text(
        records in prop::collection::vec((prop::option::of("[a-z0-9]{1,6}"), any_text()), 0..12),
    ) {
        let mut bytes = Vec::new();
        for (id, text) in &records {
            let value = match id {
                Some(id) => serde_json::json!({"id": id, "text": text, "junk": [text, {"t": text}]}),
                None => serde_json::json!({"text": text}),
            };
            bytes.extend(value.to_string().into_bytes());
            bytes.push(b'\n');
        }
        let dir = tempfile::tempdir().unwrap();
        let path = write_file(dir.path(), "r.jsonl", &bytes);
        let items = read(&path, 4000);
        prop_assert_eq!(items.len(), records.len());
        for ((id, text), item) in records.iter().zip(&items) {
            match item {
                Ok(article) => {
                    prop_assert_eq!(&article.text, text);
                    if let Some(id) = id {
                        prop_assert_eq!(&article.id, id);
                    }
                }
                Err(e) => prop_assert!(
                    shows_nothing(text) || text.len() > 4000,
                    "{:?} read as an error: {}", text, e.reason
                ),
            }
        }
    }

    #[test]
    fn csv_reader_survives_arbitrary_bytes(
        bytes in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..600),
            prop::collection::vec(
                prop::sample::select(&b"\",,\n\r\n ab=\xff\xc3\xa9\xe2\x80\x9c"[..]),
                0..400,
            ),
        ],
        with_header in any::<bool>(),
    ) {
        let content = if with_header {
            [b"id,title,text\n".as_slice(), &bytes].concat()
        } else {
            bytes
        };
        let dir = tempfile::tempdir().unwrap();
        let path = write_file(dir.path(), "fuzz.csv", &content);
        let items = read(&path, DEFAULT_MAX_BYTES);
        // A broken quoted field over a line end is cut there and the lines after it read as
        // rows, where the csv crate reads them into it.
        let broken = items.iter().any(|item| {
            item.as_ref().is_err_and(|e| e.reason.contains("lines after it are read as rows"))
        });
        if with_header && !broken {
            // Independently counted by the csv crate itself: one item per data row.
            let rows = csv::ReaderBuilder::new()
                .flexible(true)
                .from_reader(content.as_slice())
                .byte_records()
                .count();
            prop_assert_eq!(items.len(), rows);
        }
        let mut last_row = 0;
        for item in &items {
            let record = match item {
                Ok(article) => &article.origin.record,
                Err(e) => &e.record,
            };
            if record == "header" {
                continue;
            }
            // Every row is an article or an error, in order.
            let row: usize = record.strip_prefix("row ").and_then(|n| n.parse().ok()).unwrap_or(0);
            prop_assert!(row > last_row, "{:?} after row {}", item, last_row);
            last_row = row;
        }
    }

    #[test]
    fn csv_reader_round_trips_any_text(
        rows in prop::collection::vec((any_text(), any_text()), 0..10),
    ) {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(["id", "title", "text"]).unwrap();
        for (i, (title, text)) in rows.iter().enumerate() {
            writer.write_record([&format!("r{i}"), title, text]).unwrap();
        }
        let bytes = writer.into_inner().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = write_file(dir.path(), "r.csv", &bytes);
        let items = read(&path, DEFAULT_MAX_BYTES);
        prop_assert_eq!(items.len(), rows.len());
        for (i, ((title, text), item)) in rows.iter().zip(&items).enumerate() {
            match item {
                Ok(article) => {
                    prop_assert_eq!(&article.id, &format!("r{i}"));
                    // Both kept as written: the title is analysed as the text is (its control
                    // characters are U+FFFD only where articles.csv writes it).
                    prop_assert_eq!(&article.title, title);
                    prop_assert_eq!(&article.text, text);
                }
                Err(e) => prop_assert!(
                    shows_nothing(text) && shows_nothing(title),
                    "{:?} read as an error: {}", text, e.reason
                ),
            }
        }
    }

    #[test]
    fn txt_reader_reads_any_bytes_as_one_record(
        bytes in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..600),
            any_text().prop_map(String::into_bytes),
        ],
        gzipped in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = if gzipped {
            write_file(dir.path(), "fuzz.txt.gz", &gzip(&bytes))
        } else {
            write_file(dir.path(), "fuzz.txt", &bytes)
        };
        let items = read(&path, 400);
        prop_assert_eq!(items.len(), 1);
        let readable = std::str::from_utf8(&bytes)
            .ok()
            .filter(|t| !shows_nothing(t) && t.len() <= 400);
        match (&items[0], readable) {
            (Ok(article), Some(text)) => {
                // A leading byte-order mark is no part of the text (the reader drops it).
                prop_assert_eq!(&article.text, text.strip_prefix('\u{feff}').unwrap_or(text));
                prop_assert_eq!(&article.id, "fuzz");
                // The title is a line of the text, as written.
                prop_assert!(article.title.is_empty() || text.contains(&article.title));
            }
            (Err(e), None) => prop_assert_eq!(&e.record, path.file_name().unwrap().to_str().unwrap()),
            (item, _) => prop_assert!(false, "{:?} read as {:?}", String::from_utf8_lossy(&bytes), item),
        }
    }

    #[test]
    fn corrupt_gzip_is_an_error_not_a_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..300),
        cut in any::<prop::sample::Index>(),
        flip in any::<prop::sample::Index>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut gz = gzip(&bytes);
        let at = flip.index(gz.len());
        gz[at] ^= 0x5a;
        let gz = &gz[..cut.index(gz.len() + 1)];
        for name in ["c.txt.gz", "c.jsonl.gz", "c.csv.gz"] {
            let path = write_file(dir.path(), name, gz);
            read(&path, DEFAULT_MAX_BYTES);
        }
        // A text file is one record, whatever the damage.
        prop_assert_eq!(read(&dir.path().join("c.txt.gz"), DEFAULT_MAX_BYTES).len(), 1);
    }
}

// ---------------------------------------------------------------------------------------------
// Text stages

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn text_stages_keep_spans_valid_on_hostile_text(text in hostile_text()) {
        check_text_stages(&text);
    }

    #[test]
    fn text_stages_keep_spans_valid_on_arbitrary_unicode(text in any::<String>()) {
        check_text_stages(&text);
    }

    #[test]
    fn text_stages_keep_spans_valid_on_unbalanced_quotes(text in quote_soup()) {
        check_text_stages(&text);
    }

    #[test]
    fn text_stages_with_mentions_keep_spans_valid(text in any_text()) {
        check_text_stages_with_mentions(&text);
    }

    #[test]
    fn cleaning_survives_arbitrary_lines(
        lines in prop::collection::vec(any_text(), 0..20),
        eol in prop::sample::select(&["\n", "\r\n", "\n\n", "\r"][..]),
    ) {
        let text = lines.join(eol);
        check_cleaned(&text, &clean::clean(&text));
    }
}

// ---------------------------------------------------------------------------------------------
// Explicit cases

/// Found by the properties above: each panicked (an inverted span, then an out-of-bounds slice
/// or index in release builds).
const REGRESSIONS: &[(&str, &str)] = &[
    // marks.rs: a quote holding only white space gave an inverted inner span.
    ("blank quote", "\u{201f} \u{201d}"),
    (
        "blank quote in a sentence",
        "He said \u{201c} \u{201d} twice.",
    ),
    ("blank straight quote", "\u{201f}\r\"\""),
    // attribution.rs: a colon opening the sentence right before a quote made an inverted label
    // span, and at the text's start an index before the first token.
    (
        "colon before a quote at the start",
        ": \u{201c}We will stay.\u{201d}",
    ),
    (
        "colon before a quote",
        "First.\n\n: \"We will stay,\" he said.",
    ),
];

/// Found by `cleaning_survives_arbitrary_lines`: a dropped line between two lines that join into
/// one paragraph ended up inside the kept paragraph's span, so debris was segmented and tagged.
#[test]
fn regression_a_dropped_line_is_never_inside_a_kept_paragraph() {
    for text in [
        "The Albanian Interior MinisterMr.Aaasaid\n728 x 90\n( ",
        "The minister spoke at length about the expulsion of the two\nShare this\ndiplomats from Tirana.",
        "A caption that is long enough to join the next line\nA caption that is long enough to join the next line\nand the body.",
    ] {
        let cleaned = clean::clean(text);
        check_cleaned(text, &cleaned);
        assert_eq!(cleaned.removed.len(), 1, "{text:?}");
    }
}

#[test]
fn regressions_found_by_the_properties() {
    let failed: Vec<&(&str, &str)> = REGRESSIONS
        .iter()
        .filter(|(_, text)| {
            std::panic::catch_unwind(|| {
                check_text_stages(text);
                check_text_stages_with_mentions(text);
            })
            .is_err()
        })
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
}

/// A 20 MB text with no line break.
fn twenty_mb() -> String {
    "word ".repeat(4_000_000)
}

#[test]
fn a_20_mb_json_line_is_an_error_row_under_the_default_limit() {
    let dir = tempfile::tempdir().unwrap();
    let big = twenty_mb();
    let line = serde_json::json!({"id": "big", "text": big}).to_string();
    // The huge line is the last one and has no line end.
    let content = format!("{{\"id\": \"small\", \"text\": \"Small.\"}}\n{line}");
    let path = write_file(dir.path(), "big.jsonl", content.as_bytes());
    let started = Instant::now();
    let items = read(&path, DEFAULT_MAX_BYTES);
    eprintln!("20 MB JSON line read in {:?}", started.elapsed());
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap().id, "small");
    let error = items[1].as_ref().unwrap_err();
    assert_eq!(error.record, "line 2");
    assert_eq!(
        error.reason,
        "text is 20000000 bytes, over the limit of 2000000; raise --max-bytes to keep it"
    );
    // With the limit raised it is an article.
    let items = read(&path, 30_000_000);
    assert_eq!(items[1].as_ref().unwrap().text.len(), big.len());
}

#[test]
fn a_20_mb_text_file_is_an_error_row_under_the_default_limit() {
    let dir = tempfile::tempdir().unwrap();
    let big = twenty_mb();
    for (name, content) in [
        ("big.txt", big.as_bytes().to_vec()),
        ("big.txt.gz", gzip(big.as_bytes())),
    ] {
        let path = write_file(dir.path(), name, &content);
        let items = read(&path, DEFAULT_MAX_BYTES);
        assert_eq!(items.len(), 1);
        let error = items[0].as_ref().unwrap_err();
        assert_eq!(error.record, name);
        assert_eq!(
            error.reason,
            "text is 20000000 bytes, over the limit of 2000000; raise --max-bytes to keep it"
        );
        let items = read(&path, 30_000_000);
        assert_eq!(items[0].as_ref().unwrap().text.len(), big.len());
    }
}

#[test]
fn a_deeply_nested_json_line_is_an_error_not_a_stack_overflow() {
    let dir = tempfile::tempdir().unwrap();
    let depth = 1_000_000;
    let lines = [
        "[".repeat(depth),
        format!("{}{}", "[".repeat(depth), "]".repeat(depth)),
        format!(
            "{{\"text\": \"x\", \"junk\": {}{}}}",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
        format!("{{\"text\": {}}}", "{\"a\": ".repeat(depth)),
    ];
    let mut content = b"{\"text\": \"first\"}\n".to_vec();
    for line in &lines {
        content.extend(line.as_bytes());
        content.push(b'\n');
    }
    let path = write_file(dir.path(), "deep.jsonl", &content);
    let items = read(&path, DEFAULT_MAX_BYTES);
    assert_eq!(items.len(), 1 + lines.len());
    let reasons: Vec<&str> = items
        .iter()
        .map(|item| item.as_ref().map_or_else(|e| e.reason.as_str(), |_| "ok"))
        .collect();
    assert_eq!(reasons[0], "ok");
    assert!(reasons[1].starts_with("malformed JSON"), "{reasons:?}");
    assert_eq!(reasons[2], "not a JSON object but an array");
    // A deep value in a field nobody reads is skipped without recursing.
    assert_eq!(reasons[3], "ok");
    // So is a deep value in the text field: kept raw, it is never built, and the line is
    // malformed where the nesting runs out of input.
    assert!(reasons[4].starts_with("malformed JSON"), "{reasons:?}");
}

/// A thousand unbalanced quote marks of every kind, in several arrangements.
fn quote_mark_texts() -> Vec<(&'static str, String)> {
    let every_kind = |n: usize, sep: &str| -> String {
        (0..n)
            .map(|i| QUOTE_MARKS[i % QUOTE_MARKS.len()])
            .collect::<Vec<_>>()
            .join(sep)
    };
    vec![
        ("every kind, no space", every_kind(1000, "")),
        ("every kind, spaced", every_kind(1000, " ")),
        ("every kind, with words", every_kind(1000, " said Alice ")),
        ("every kind, one a line", every_kind(1000, "\n")),
        ("every kind, one a paragraph", every_kind(1000, "\n\n")),
        ("openers only", "\u{201c}".repeat(1000)),
        ("openers, spaced", "\u{201c}a ".repeat(1000)),
        ("closers only", "\u{201d}".repeat(1000)),
        ("straight doubles", "\" ".repeat(1001)),
        ("straight singles", "'x ".repeat(1001)),
        ("guillemets reversed", "\u{bb} \u{ab}".repeat(500)),
        ("low-9 openers", "\u{201e}Wort ".repeat(1000)),
        (
            "paragraph openers never closed",
            "\u{201c}He said so.\n\n".repeat(1000),
        ),
        (
            "a quote per paragraph, one left open",
            format!(
                "\u{201c}Open,\u{201d} she said. \u{201c}{}",
                "We said \u{2018}no\u{2019} and left.\n\n\u{201c}".repeat(500)
            ),
        ),
    ]
}

#[test]
fn a_thousand_unbalanced_quote_marks_keep_spans_valid() {
    for (what, text) in quote_mark_texts() {
        let started = Instant::now();
        let quotes = check_text_stages(&text);
        check_text_stages_with_mentions(&text);
        let took = started.elapsed();
        eprintln!("{what}: {} quotes in {took:?}", quotes.len());
        // Linear passes: a blow-up would take minutes, not seconds.
        assert!(took.as_secs() < 20, "{what}: took {took:?}");
    }
}

#[test]
fn unbalanced_quotes_in_every_reader() {
    let dir = tempfile::tempdir().unwrap();
    let text = QUOTE_MARKS.concat().repeat(70);
    let jsonl = serde_json::json!({"id": "q", "text": text}).to_string();
    let mut csv_writer = csv::Writer::from_writer(Vec::new());
    csv_writer.write_record(["id", "text"]).unwrap();
    csv_writer.write_record(["q", &text]).unwrap();
    let inputs = [
        write_file(dir.path(), "q.jsonl", jsonl.as_bytes()),
        write_file(dir.path(), "q.csv", &csv_writer.into_inner().unwrap()),
        write_file(dir.path(), "q.txt", text.as_bytes()),
    ];
    for path in &inputs {
        let items = read(path, DEFAULT_MAX_BYTES);
        assert_eq!(items.len(), 1, "{}", path.display());
        assert_eq!(items[0].as_ref().unwrap().text, text);
    }
}
