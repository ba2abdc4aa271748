//! Record accounting of `extract`: every input record becomes exactly one row, either of
//! `articles.csv` or of `errors.csv`, for every input format, with malformed records mixed in.
//!
//! The records are counted here as they are written (blank JSON lines, the CSV header and files a
//! folder ignores are not records), each with the outcome it must have, so a run is checked
//! record by record: the article ids in order, and the (input, record) of every error row.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use flate2::write::GzEncoder;
use flate2::Compression;
use whosaid::ner::write_random_model;
use whosaid::pipeline::{extract, ExtractOptions, Summary};

mod common;

/// `--max-bytes` of every run here, so an over-long text is cheap to write.
const MAX_BYTES: usize = 300;

const WORDS: &[&str] = &[
    "the",
    "minister",
    "said",
    "alice",
    "bob",
    "told",
    "reporters",
];

/// What one input record must become.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// A row of articles.csv with this id.
    Article(String),
    /// A row of errors.csv.
    Error,
}

/// One input record: how errors.csv names it and what it must become.
#[derive(Debug, Clone)]
struct Record {
    input: String,
    record: String,
    outcome: Outcome,
    /// What the record is, for failure messages.
    what: &'static str,
}

/// The records of all inputs of one run, in input order.
#[derive(Debug, Default)]
struct Expected {
    inputs: Vec<PathBuf>,
    records: Vec<Record>,
}

impl Expected {
    fn add(&mut self, (input, records): (PathBuf, Vec<Record>)) {
        self.inputs.push(input);
        self.records.extend(records);
    }
}

fn gzip(content: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(content).unwrap();
    encoder.finish().unwrap()
}

fn write(path: &Path, content: &[u8]) -> PathBuf {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
    path.to_path_buf()
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// A body that the pipeline gets through all its stages: sentences, a quote, a speaker.
fn body(n: usize) -> String {
    format!(
        "The minister said on day {n}: \u{201c}We will not leave.\u{201d} Alice told reporters."
    )
}

/// A text over [`MAX_BYTES`].
fn too_long() -> String {
    "word ".repeat(MAX_BYTES / 5 + 20)
}

/// JSON lines, counted as written. `line N` counts every line, blank ones too.
struct JsonLines {
    input: String,
    stem: String,
    bytes: Vec<u8>,
    line: usize,
    records: Vec<Record>,
}

impl JsonLines {
    fn new(input: &Path, stem: &str) -> JsonLines {
        JsonLines {
            input: display(input),
            stem: stem.into(),
            bytes: Vec::new(),
            line: 0,
            records: Vec::new(),
        }
    }

    fn push(&mut self, line: &[u8], eol: &[u8]) {
        self.bytes.extend_from_slice(line);
        self.bytes.extend_from_slice(eol);
        self.line += 1;
    }

    /// A line that is no record.
    fn blank(&mut self, line: &str) {
        self.push(line.as_bytes(), b"\n");
    }

    /// A record that must be an article with this id (`None`: the made-up `stem:line`).
    fn good(&mut self, what: &'static str, line: &[u8], id: Option<&str>) {
        self.push(line, b"\n");
        let id = id.map_or_else(|| format!("{}:{}", self.stem, self.line), String::from);
        self.record(what, Outcome::Article(id));
    }

    /// A record that must be an error row.
    fn bad(&mut self, what: &'static str, line: &[u8]) {
        self.push(line, b"\n");
        self.record(what, Outcome::Error);
    }

    fn record(&mut self, what: &'static str, outcome: Outcome) {
        self.records.push(Record {
            input: self.input.clone(),
            record: format!("line {}", self.line),
            outcome,
            what,
        });
    }
}

fn json_line(id: &str, text: &str) -> Vec<u8> {
    serde_json::json!({"id": id, "title": "A title", "text": text})
        .to_string()
        .into_bytes()
}

/// Every kind of JSON-lines record, good and bad.
fn json_lines(input: &Path, stem: &str) -> JsonLines {
    let mut j = JsonLines::new(input, stem);
    // A byte-order mark before the first record.
    let mut first = b"\xEF\xBB\xBF".to_vec();
    first.extend(json_line("j1", &body(1)));
    j.good("first line after a BOM", &first, Some("j1"));
    j.blank("");
    j.bad("invalid JSON", br#"{"id": "j2", "text": "unterminated"#);
    j.bad("invalid JSON: a lone {", b"{");
    j.bad(
        "invalid JSON: trailing characters",
        br#"{"text": "x"} extra"#,
    );
    j.bad("invalid JSON: not JSON at all", b"id=3 text=hello");
    j.blank("   \t ");
    j.bad("not an object: array", br#"[{"text": "in an array"}]"#);
    j.bad("not an object: string", br#""just a string""#);
    j.bad("not an object: number", b"42");
    j.bad("not an object: null", b"null");
    j.bad("not an object: boolean", b"true");
    j.bad("missing text", br#"{"id": "j4", "title": "No text"}"#);
    j.bad("text is a number", br#"{"id": "j5", "text": 12}"#);
    j.bad("text is null", br#"{"id": "j6", "text": null}"#);
    j.bad("text is an object", br#"{"id": "j7", "text": {"a": 1}}"#);
    j.bad("text is an array", br#"{"id": "j8", "text": ["a"]}"#);
    j.bad("id is a boolean", br#"{"id": true, "text": "Fine text."}"#);
    j.bad(
        "invalid UTF-8 inside the text",
        b"{\"id\": \"j9\", \"text\": \"caf\xc3\xa9 \xff\xfe bad\"}",
    );
    j.bad(
        "invalid UTF-8 inside a key",
        b"{\"id\": \"j10\", \"t\xc0xt\": \"x\", \"text\": \"x\"}",
    );
    j.bad(
        "a lone surrogate escape",
        br#"{"id": "j11", "text": "a \ud800 b"}"#,
    );
    j.bad("empty text", br#"{"id": "j12", "text": ""}"#);
    j.bad("blank text", br#"{"id": "j13", "text": " \n\t\u00a0 "}"#);
    j.bad(
        "empty text and a blank title",
        br#"{"id": "j13b", "title": " \u200b", "text": ""}"#,
    );
    j.good(
        "empty text with a title: the headline's article",
        br#"{"id": "j13c", "title": "Bob says talks failed", "text": ""}"#,
        Some("j13c"),
    );
    j.good(
        "blank text with a title: the headline's article",
        br#"{"id": "j13d", "title": "Bob says talks failed", "text": " \n\t "}"#,
        Some("j13d"),
    );
    j.bad("text over --max-bytes", &json_line("j14", &too_long()));
    j.good(
        "duplicate id, first",
        &json_line("dup", &body(2)),
        Some("dup"),
    );
    j.good(
        "duplicate id, second",
        &json_line("dup", &body(3)),
        Some("dup"),
    );
    j.good(
        "a paired surrogate escape",
        br#"{"id": "j15", "text": "Alice said \ud83d\ude00 \"fine\"."}"#,
        Some("j15"),
    );
    j.good(
        "no id: made up from the line",
        br#"{"text": "Bob said: \u201cyes\u201d.", "extra": [1, {"deep": null}]}"#,
        None,
    );
    j.good(
        "numeric id",
        br#"{"id": 17, "text": "Bob spoke."}"#,
        Some("17"),
    );
    j.good("blank id", br#"{"id": "  ", "text": "Bob spoke."}"#, None);
    j.good(
        "only debris after cleaning",
        &json_line("j18", "728 x 90\n\nShare this\n"),
        Some("j18"),
    );
    j.good(
        "CSV-hostile text",
        &json_line("j19", "\"\"=1+2, \"a\",\"b\"\r\n=HYPERLINK(\"x\")"),
        Some("j19"),
    );
    j.good(
        "text exactly --max-bytes long",
        &json_line("j20", &"a".repeat(MAX_BYTES)),
        Some("j20"),
    );
    // CRLF line end.
    j.push(&json_line("j21", &body(4)), b"\r\n");
    j.record("a CRLF line", Outcome::Article("j21".into()));
    j.bad("a lone { after content", b"{");
    // The last line has no line end.
    j.push(&json_line("j22", &body(5)), b"");
    j.record(
        "a last line without a line end",
        Outcome::Article("j22".into()),
    );
    j
}

/// CSV rows, counted as written. `row N` counts data rows from 1.
struct CsvRows {
    input: String,
    stem: String,
    bytes: Vec<u8>,
    row: usize,
    records: Vec<Record>,
}

impl CsvRows {
    fn new(input: &Path, stem: &str, header: &[u8]) -> CsvRows {
        CsvRows {
            input: display(input),
            stem: stem.into(),
            bytes: [header, b"\n"].concat(),
            row: 0,
            records: Vec::new(),
        }
    }

    fn push(&mut self, what: &'static str, row: &[u8], outcome: Option<&str>) {
        self.bytes.extend_from_slice(row);
        self.bytes.extend_from_slice(b"\n");
        self.row += 1;
        let outcome = match outcome {
            None => Outcome::Error,
            Some("") => Outcome::Article(format!("{}:{}", self.stem, self.row)),
            Some(id) => Outcome::Article(id.into()),
        };
        self.records.push(Record {
            input: self.input.clone(),
            record: format!("row {}", self.row),
            outcome,
            what,
        });
    }

    fn good(&mut self, what: &'static str, row: &[u8], id: &str) {
        self.push(what, row, Some(id));
    }

    fn bad(&mut self, what: &'static str, row: &[u8]) {
        self.push(what, row, None);
    }
}

fn csv_row(fields: &[&str]) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    writer.write_record(fields).unwrap();
    let mut bytes = writer.into_inner().unwrap();
    assert_eq!(bytes.pop(), Some(b'\n'));
    bytes
}

/// Every kind of CSV record, good and bad.
fn csv_rows(input: &Path, stem: &str) -> CsvRows {
    let mut c = CsvRows::new(input, stem, b"id, title ,text,url");
    c.good(
        "plain row",
        &csv_row(&["c1", "T", &body(1), "http://x"]),
        "c1",
    );
    c.bad("too few fields", b"c2,only two");
    c.bad("too many fields", b"c3,T,text,url,surplus");
    c.good("empty text with a title", b"c4,T,,http://x", "c4");
    c.good("blank text with a title", b"c5,T,\"  \t \",", "c5");
    c.bad("empty text and no title", b"c5b,,,http://x");
    c.bad("blank text and a blank title", b"c5c, ,\"  \t \",");
    c.bad("invalid UTF-8 in the text", b"c6,T,caf\xc3\xa9 \xff,");
    c.bad("invalid UTF-8 in the title", b"c7,\xe2\x80,fine text,");
    c.bad(
        "text over --max-bytes",
        &csv_row(&["c8", "T", &too_long(), ""]),
    );
    c.good(
        "duplicate id, first",
        &csv_row(&["dup", "T", &body(2), ""]),
        "dup",
    );
    c.good(
        "duplicate id, second",
        &csv_row(&["dup", "T", &body(3), ""]),
        "dup",
    );
    c.good(
        "multi-line quoted text",
        &csv_row(&[
            "c9",
            "T",
            "First paragraph.\n\n\"Second,\" she said.\r\n",
            "",
        ]),
        "c9",
    );
    c.good(
        "CSV-hostile text",
        &csv_row(&["c10", "=1+2", "\"\"=\"\",=cmd|' /C calc'!A0, \"\"\"", ""]),
        "c10",
    );
    c.good(
        "stray quote inside an unquoted field",
        b"c11,T,ab\"cd said so,",
        "c11",
    );
    c.good("no id: made up from the row", b",T,Bob spoke.,", "");
    c.good(
        "only debris after cleaning",
        &csv_row(&["c12", "", "Advertisement\n300x250", ""]),
        "c12",
    );
    c
}

/// A folder of text files: (file name under the folder, content, outcome id or None for error).
fn text_folder(dir: &Path) -> (PathBuf, Vec<Record>) {
    let folder = dir.join("texts");
    let input = display(&folder);
    let files: Vec<(&str, Vec<u8>, Option<&str>, &'static str)> = vec![
        ("a.txt", body(1).into_bytes(), Some("a"), "plain file"),
        (
            "b.txt",
            b"Headline\n\ncaf\xc3\xa9 \xff bad".to_vec(),
            None,
            "invalid UTF-8",
        ),
        (
            "bom.txt",
            [b"\xEF\xBB\xBF".as_slice(), body(2).as_bytes()].concat(),
            Some("bom"),
            "file with a BOM",
        ),
        ("c_empty.txt", Vec::new(), None, "empty file"),
        ("d_blank.txt", b" \n\r\n\t ".to_vec(), None, "blank file"),
        (
            "e_big.txt",
            too_long().into_bytes(),
            None,
            "over --max-bytes",
        ),
        (
            "f.txt.gz",
            gzip(body(3).as_bytes()),
            Some("f"),
            "gzipped file",
        ),
        (
            "g_big.txt.gz",
            gzip(too_long().as_bytes()),
            None,
            "gzipped, over --max-bytes",
        ),
        (
            "h_corrupt.txt.gz",
            b"\x1f\x8b\x08\x00 not really gzip".to_vec(),
            None,
            "corrupt gzip",
        ),
        (
            "i_cut.txt.gz",
            gzip(body(4).repeat(20).as_bytes())[..30].to_vec(),
            None,
            "truncated gzip",
        ),
        (
            "j_debris.txt",
            b"728 x 90\nLatest News and Articles\n".to_vec(),
            Some("j_debris"),
            "only debris",
        ),
        (
            "sub/a.txt",
            body(5).into_bytes(),
            Some("sub/a"),
            "same stem in a subfolder (its own id)",
        ),
        (
            "sub/deeper/k.TXT",
            body(6).into_bytes(),
            Some("sub/deeper/k"),
            "upper-case extension, nested",
        ),
    ];
    let mut records = Vec::new();
    for (name, content, id, what) in files {
        write(&folder.join(name), &content);
        records.push(Record {
            input: input.clone(),
            record: name.into(),
            outcome: id.map_or(Outcome::Error, |id| Outcome::Article(id.into())),
            what,
        });
    }
    // Entries that look like inputs but are no readable files: each is an error row.
    let link = |target: &Path, name: &str, outcome: Outcome, what: &'static str| {
        std::os::unix::fs::symlink(target, folder.join(name)).unwrap();
        Record {
            input: input.clone(),
            record: name.into(),
            outcome,
            what,
        }
    };
    records.push(link(
        &folder.join("nowhere.txt"),
        "l_broken.txt",
        Outcome::Error,
        "a broken link",
    ));
    // A link to a file outside the folder; one to a file the folder holds is that file, read
    // once under its first name.
    records.push(link(
        &write(&dir.join("linked.txt"), body(7).as_bytes()),
        "l_file.txt",
        Outcome::Article("l_file".into()),
        "a link to a file",
    ));
    link(
        &folder.join("a.txt"),
        "l_same.txt",
        Outcome::Error,
        "a link to a file the folder holds: not a record",
    );
    records.push(link(
        &folder.join("sub"),
        "l_dir.txt",
        Outcome::Error,
        "a link to a folder",
    ));
    let fifo = std::ffi::CString::new(
        folder
            .join("m_pipe.txt")
            .into_os_string()
            .into_encoded_bytes(),
    )
    .unwrap();
    // SAFETY: mkfifo with a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    records.push(Record {
        input: input.clone(),
        record: "m_pipe.txt".into(),
        outcome: Outcome::Error,
        what: "a FIFO (must not hang the run)",
    });
    // Not records: other extensions and hidden entries are ignored.
    write(&folder.join("notes.md"), b"not an article");
    write(&folder.join("data.jsonl"), b"{\"text\": \"not read\"}\n");
    write(&folder.join(".hidden.txt"), b"hidden");
    write(&folder.join(".git/x.txt"), b"hidden");
    // Records are read in path order.
    records.sort_by(|a, b| Path::new(&a.record).cmp(Path::new(&b.record)));
    (folder, records)
}

fn jsonl_input(dir: &Path) -> (PathBuf, Vec<Record>) {
    let path = dir.join("news.jsonl");
    let j = json_lines(&path, "news");
    write(&path, &j.bytes);
    (path, j.records)
}

fn jsonl_gz_input(dir: &Path) -> (PathBuf, Vec<Record>) {
    let path = dir.join("archive.jsonl.gz");
    let j = json_lines(&path, "archive");
    // Two gzip members: concatenated members are one stream.
    let split = j.bytes.len() / 2;
    let split = split + j.bytes[split..].iter().position(|&b| b == b'\n').unwrap() + 1;
    let mut bytes = gzip(&j.bytes[..split]);
    bytes.extend(gzip(&j.bytes[split..]));
    write(&path, &bytes);
    (path, j.records)
}

/// A `.json` file holding an array of article objects, with bad elements, ending truncated.
fn json_array_input(dir: &Path) -> (PathBuf, Vec<Record>) {
    let path = dir.join("dump.json");
    let input = display(&path);
    let elements: Vec<(String, Option<&str>, &'static str)> = vec![
        (
            String::from_utf8(json_line("a1", &body(1))).unwrap(),
            Some("a1"),
            "an object",
        ),
        ("{\"text\": oops}".into(), None, "malformed element"),
        ("42".into(), None, "a number, not an object"),
        (
            "{\n  \"id\": 12.50,\n  \"text\": \"Pretty, [nested] {braces}.\"\n}".into(),
            Some("12.50"),
            "pretty-printed, numeric id",
        ),
        ("{\"text\": \"No id.\"}".into(), Some("dump:5"), "no id"),
        (
            "{\"id\": \"a6\", \"text\": \"\"}".into(),
            None,
            "empty text",
        ),
        (
            "{\"id\": \"a7\", \"text\": \"cut short".into(),
            None,
            "truncated last element",
        ),
    ];
    let mut bytes = b"\xEF\xBB\xBF[\n".to_vec();
    let mut records = Vec::new();
    for (n, (element, id, what)) in elements.iter().enumerate() {
        if n > 0 {
            bytes.extend(b",\n");
        }
        bytes.extend(element.as_bytes());
        records.push(Record {
            input: input.clone(),
            record: format!("element {}", n + 1),
            outcome: id.map_or(Outcome::Error, |id| Outcome::Article(id.into())),
            what,
        });
    }
    write(&path, &bytes);
    (path, records)
}

fn csv_input(dir: &Path) -> (PathBuf, Vec<Record>) {
    let path = dir.join("rows.csv");
    let c = csv_rows(&path, "rows");
    write(&path, &c.bytes);
    (path, c.records)
}

fn csv_gz_input(dir: &Path) -> (PathBuf, Vec<Record>) {
    let path = dir.join("rows2.csv.gz");
    let c = csv_rows(&path, "rows2");
    write(&path, &gzip(&c.bytes));
    (path, c.records)
}

fn single_txt_input(dir: &Path) -> (PathBuf, Vec<Record>) {
    let path = write(&dir.join("single.txt"), b"\xff\xfe not UTF-8");
    let record = Record {
        input: display(&path),
        record: "single.txt".into(),
        outcome: Outcome::Error,
        what: "a single .txt input with invalid UTF-8",
    };
    (path, vec![record])
}

/// An input that cannot be read at all: one error row, record `-`.
fn whole_input_error(path: PathBuf, what: &'static str) -> (PathBuf, Vec<Record>) {
    let record = Record {
        input: display(&path),
        record: "-".into(),
        outcome: Outcome::Error,
        what,
    };
    (path, vec![record])
}

fn tiny_model(dir: &Path) -> PathBuf {
    let m = dir.join("model");
    // Every word B-PER, so mentions, entities and speakers are found in every article.
    write_random_model(&m, WORDS, 128, 7, Some(1)).unwrap();
    m
}

/// The shared test options ([`common::options`]) with this file's [`MAX_BYTES`].
fn options(inputs: Vec<PathBuf>, out: &Path, model: &Path) -> ExtractOptions {
    ExtractOptions {
        max_bytes: MAX_BYTES,
        ..common::options(inputs, out, model.to_path_buf())
    }
}

fn read_csv(path: &Path, header: &[&str]) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_path(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        header,
        "{}",
        path.display()
    );
    reader
        .records()
        .map(|r| r.unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .collect()
}

/// Checks a finished run's output against the expected records.
fn check_output(out: &Path, expected: &Expected, summary: Option<&Summary>) {
    let articles = read_csv(
        &out.join("articles.csv"),
        &[
            "id",
            "title",
            "chars",
            "n_entities",
            "n_quotes",
            "status",
            "url",
            "published",
            "source",
            "input",
            "record",
            "article_key",
        ],
    );
    let errors = read_csv(&out.join("errors.csv"), &["input", "record", "reason"]);
    let records = &expected.records;

    // The invariant itself, first, so a failure says it plainly.
    assert_eq!(
        articles.len() + errors.len(),
        records.len(),
        "input records ({}) != articles.csv rows ({}) + errors.csv rows ({})\nerrors: {errors:#?}",
        records.len(),
        articles.len(),
        errors.len(),
    );
    if let Some(summary) = summary {
        assert_eq!(
            (summary.articles, summary.errors),
            (articles.len(), errors.len())
        );
    }

    // Record by record: which became articles, in order, with their ids...
    let want_ids: Vec<(&str, &str)> = records
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Article(id) => Some((id.as_str(), r.what)),
            Outcome::Error => None,
        })
        .collect();
    let got_ids: Vec<&str> = articles.iter().map(|a| &a[0]).collect();
    let want: Vec<&str> = want_ids.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        got_ids, want,
        "article ids; expected records: {want_ids:#?}"
    );
    for a in &articles {
        assert!(
            matches!(&a[5], "ok" | "no_text_after_cleaning"),
            "status of {a:?}"
        );
    }
    // ...each naming its input and record as errors.csv would have named it.
    let got: Vec<(&str, &str)> = articles.iter().map(|a| (&a[9], &a[10])).collect();
    let want: Vec<(&str, &str)> = records
        .iter()
        .filter(|r| r.outcome != Outcome::Error)
        .map(|r| (r.input.as_str(), r.record.as_str()))
        .collect();
    assert_eq!(got, want, "(input, record) of articles.csv rows");
    // ...and keyed by them: the key the other tables' rows join on.
    for a in &articles {
        let key = whosaid::output::article_key(&a[9], &a[10]);
        assert_eq!(a[11], key, "article_key of {a:?}");
    }

    // ...and which became errors, each naming its file and record, with a reason.
    let want_errors: Vec<&Record> = records
        .iter()
        .filter(|r| r.outcome == Outcome::Error)
        .collect();
    let got: Vec<(&str, &str)> = errors.iter().map(|e| (&e[0], &e[1])).collect();
    let want: Vec<(&str, &str)> = want_errors
        .iter()
        .map(|r| (r.input.as_str(), r.record.as_str()))
        .collect();
    assert_eq!(
        got,
        want,
        "(input, record) of errors.csv rows; the expected error records are: {:#?}",
        want_errors.iter().map(|r| r.what).collect::<Vec<_>>()
    );
    let input_names: Vec<String> = expected
        .inputs
        .iter()
        .map(|p| {
            if p == Path::new("-") {
                "<stdin>".to_string()
            } else {
                display(p)
            }
        })
        .collect();
    for (e, r) in errors.iter().zip(&want_errors) {
        assert!(input_names.iter().any(|i| i == &e[0]), "input of {e:?}");
        assert!(!e[1].trim().is_empty(), "record of {e:?}");
        assert!(!e[2].trim().is_empty(), "reason of {e:?} ({})", r.what);
    }
}

/// Runs `extract` in-process over one set of inputs and checks the accounting.
fn run_and_check(tmp: &Path, model: &Path, name: &str, expected: &Expected) {
    let out = tmp.join(format!("out-{name}"));
    let summary = extract(&options(expected.inputs.clone(), &out, model))
        .unwrap_or_else(|e| panic!("{name}: extract failed: {e:#}"));
    check_output(&out, expected, Some(&summary));
}

fn one(input: (PathBuf, Vec<Record>)) -> Expected {
    let mut expected = Expected::default();
    expected.add(input);
    expected
}

#[test]
fn jsonl_records_are_all_accounted_for() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path());
    let expected = one(jsonl_input(tmp.path()));
    run_and_check(tmp.path(), &model, "jsonl", &expected);
}

#[test]
fn jsonl_gz_records_are_all_accounted_for() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path());
    let expected = one(jsonl_gz_input(tmp.path()));
    run_and_check(tmp.path(), &model, "jsonl-gz", &expected);
}

#[test]
fn csv_records_are_all_accounted_for() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path());
    let expected = one(csv_input(tmp.path()));
    run_and_check(tmp.path(), &model, "csv", &expected);
    let expected = one(csv_gz_input(tmp.path()));
    run_and_check(tmp.path(), &model, "csv-gz", &expected);
}

#[test]
fn csv_without_a_text_column_is_one_header_error() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path());
    // The rows cannot be read without knowing the text column: one `header` error stands for
    // the whole file.
    let path = write(
        &tmp.path().join("notext.csv"),
        b"id,title,body\n1,T,hello\n2,T,world\n",
    );
    let record = Record {
        input: display(&path),
        record: "header".into(),
        outcome: Outcome::Error,
        what: "header without a text column",
    };
    let expected = one((path, vec![record]));
    run_and_check(tmp.path(), &model, "csv-no-text", &expected);
}

#[test]
fn text_folder_records_are_all_accounted_for() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path());
    let expected = one(text_folder(tmp.path()));
    run_and_check(tmp.path(), &model, "folder", &expected);
}

#[test]
fn all_formats_in_one_run_are_accounted_for_in_input_order() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path());
    let mut expected = Expected::default();
    expected.add(jsonl_input(tmp.path()));
    expected.add(whole_input_error(
        tmp.path().join("missing.jsonl"),
        "a missing input",
    ));
    expected.add(csv_input(tmp.path()));
    expected.add(json_array_input(tmp.path()));
    expected.add(text_folder(tmp.path()));
    expected.add(whole_input_error(
        write(&tmp.path().join("notes.xml"), b"<a/>"),
        "an input of unknown format",
    ));
    expected.add(single_txt_input(tmp.path()));
    expected.add(jsonl_gz_input(tmp.path()));
    expected.add(csv_gz_input(tmp.path()));
    run_and_check(tmp.path(), &model, "all", &expected);
}

#[test]
fn stdin_records_are_all_accounted_for() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path());
    let j = json_lines(Path::new("<stdin>"), "stdin");
    let out = tmp.path().join("out-stdin");
    let mut child = Command::new(env!("CARGO_BIN_EXE_whosaid"))
        .args(["extract", "-", "--quiet", "--threads", "2"])
        .arg("--max-bytes")
        .arg(MAX_BYTES.to_string())
        .arg("--out")
        .arg(&out)
        .arg("--model")
        .arg(&model)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let bytes = j.bytes.clone();
    let feeder = std::thread::spawn(move || stdin.write_all(&bytes));
    let result = child.wait_with_output().unwrap();
    feeder.join().unwrap().unwrap();
    assert!(
        result.status.success(),
        "whosaid extract - failed: {}",
        String::from_utf8_lossy(&result.stderr)
    );
    let expected = Expected {
        inputs: vec![PathBuf::from("-")],
        records: j.records,
    };
    check_output(&out, &expected, None);
}

/// A lone `[` or `{` first line (a pretty-printed document saved as JSON lines) costs that line
/// only: the good lines after it are read.
#[test]
fn a_lone_brace_first_line_costs_that_line_only() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path());
    for (n, brace) in ["{", "["].iter().enumerate() {
        let path = tmp.path().join(format!("pretty{n}.jsonl"));
        let mut j = JsonLines::new(&path, &format!("pretty{n}"));
        j.blank("");
        j.bad("a lone brace first", brace.as_bytes());
        j.good(
            "a good line",
            br#"{"id": "g1", "text": "A good line."}"#,
            Some("g1"),
        );
        j.good(
            "another",
            br#"{"id": "g2", "text": "Another."}"#,
            Some("g2"),
        );
        write(&path, &j.bytes);
        let expected = one((path, j.records));
        run_and_check(tmp.path(), &model, &format!("pretty{n}"), &expected);
    }
}

mod random_mixes {
    //! The accounting over random mixes of good and bad records, with hostile texts.

    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::{RngSeed, TestRunner};

    /// Text pieces: quote marks, scripts, emoji, CSV- and JSON-hostile text, debris, blanks.
    const PIECES: &[&str] = &[
        " ",
        "\n",
        "\n\n",
        "\r\n",
        "\t",
        "\u{a0}",
        "\u{201c}",
        "\u{201d}",
        "\u{ab}",
        "\u{bb}",
        "\u{201e}",
        "\u{2018}",
        "\u{2019}",
        "\"",
        "'",
        "\"\"=",
        ",",
        "said",
        "told reporters",
        ":",
        ".",
        "Alice",
        "The minister",
        "e\u{301}",
        "\u{5d0}\u{5de}\u{5e8}",
        "\u{642}\u{627}\u{644}",
        "\u{1f469}\u{200d}\u{1f469}\u{200d}\u{1f467}",
        "\\ud800",
        "728 x 90",
        "Share this",
        "\u{feff}",
        "\u{0}",
    ];

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            8 => prop::collection::vec(prop::sample::select(PIECES), 0..40)
                .prop_map(|p| p.concat()),
            1 => any::<String>(),
            // Over --max-bytes.
            1 => Just(too_long()),
        ]
    }

    /// Bad JSON lines, each a record that must be an error row.
    const BAD_JSON_LINES: &[&[u8]] = &[
        br#"{"text": "unterminated"#,
        br#"[{"text": "x"}]"#,
        b"7",
        br#"{"id": "x"}"#,
        br#"{"text": 12}"#,
        br#"{"text": "a \udc00 b"}"#,
        b"{\"text\": \"\xff\"}",
        br#"{"text": ""}"#,
        b"{",
    ];

    /// Bad CSV rows (header `id, title ,text,url`), each a record that must be an error row.
    const BAD_CSV_ROWS: &[&[u8]] = &[
        b"x,only two",
        b"x,T,text,url,surplus",
        b"x, ,,",
        b"x,T,caf\xc3\xa9 \xff,",
        b"x",
    ];

    #[derive(Debug, Clone)]
    enum Item {
        Good(String),
        Bad(usize),
        Blank,
    }

    fn items(bad: usize) -> impl Strategy<Value = Vec<Item>> {
        prop::collection::vec(
            prop_oneof![
                4 => text().prop_map(Item::Good),
                2 => (0..bad).prop_map(Item::Bad),
                1 => Just(Item::Blank),
            ],
            0..10,
        )
    }

    fn txt_files() -> impl Strategy<Value = Vec<Vec<u8>>> {
        prop::collection::vec(
            prop_oneof![
                3 => text().prop_map(String::into_bytes),
                1 => prop::collection::vec(any::<u8>(), 0..60),
            ],
            0..6,
        )
    }

    /// Whether a text read as is becomes an article: with a title (every record here has one),
    /// a blank text is the headline's article.
    fn readable(text: &str) -> bool {
        text.len() <= MAX_BYTES
    }

    /// Whether a text file (no title of its own but its first line) becomes an article.
    fn readable_file(text: &str) -> bool {
        !whosaid::input::shows_nothing(text) && text.len() <= MAX_BYTES
    }

    fn build(dir: &Path, jsonl: &[Item], csv: &[Item], txt: &[Vec<u8>]) -> Expected {
        let mut expected = Expected::default();

        let path = dir.join("mix.jsonl");
        let mut j = JsonLines::new(&path, "mix");
        j.good(
            "first line",
            br#"{"id": "first", "text": "First."}"#,
            Some("first"),
        );
        for (n, item) in jsonl.iter().enumerate() {
            match item {
                Item::Good(text) => {
                    let id = format!("j{n}");
                    let line = json_line(&id, text);
                    if readable(text) {
                        j.good("random text", &line, Some(&id));
                    } else {
                        j.bad("blank or long random text", &line);
                    }
                }
                Item::Bad(k) => j.bad("bad line", BAD_JSON_LINES[*k]),
                Item::Blank => j.blank(" "),
            }
        }
        write(&path, &j.bytes);
        expected.add((path, j.records));

        let path = dir.join("mix.csv");
        let mut c = CsvRows::new(&path, "mix", b"id, title ,text,url");
        for (n, item) in csv.iter().enumerate() {
            match item {
                Item::Good(text) => {
                    let id = format!("c{n}");
                    let row = csv_row(&[&id, "T", text, ""]);
                    if readable(text) {
                        c.good("random text", &row, &id);
                    } else {
                        c.bad("blank or long random text", &row);
                    }
                }
                Item::Bad(k) => c.bad("bad row", BAD_CSV_ROWS[*k]),
                Item::Blank => c.bad("an empty row", b"\"\""),
            }
        }
        write(&path, &c.bytes);
        expected.add((path, c.records));

        let folder = dir.join("mix");
        std::fs::create_dir_all(&folder).unwrap();
        let mut records = Vec::new();
        for (n, bytes) in txt.iter().enumerate() {
            let name = format!("t{n:02}.txt");
            write(&folder.join(&name), bytes);
            let outcome = match std::str::from_utf8(bytes) {
                Ok(text) if readable_file(text) => Outcome::Article(format!("t{n:02}")),
                _ => Outcome::Error,
            };
            records.push(Record {
                input: display(&folder),
                record: name,
                outcome,
                what: "random file",
            });
        }
        if records.is_empty() {
            expected.add(whole_input_error(folder, "a folder with nothing to read"));
        } else {
            expected.add((folder, records));
        }
        expected
    }

    #[test]
    fn random_mixes_of_records_are_all_accounted_for() {
        let tmp = tempfile::tempdir().unwrap();
        let model = tiny_model(tmp.path());
        let cases = std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(12);
        let mut runner = TestRunner::new(ProptestConfig {
            cases,
            rng_seed: match std::env::var_os("PROPTEST_RNG_SEED") {
                Some(_) => ProptestConfig::default().rng_seed,
                None => RngSeed::Fixed(7),
            },
            failure_persistence: None,
            max_shrink_iters: 200,
            ..ProptestConfig::default()
        });
        let strategy = (
            items(BAD_JSON_LINES.len()),
            items(BAD_CSV_ROWS.len()),
            txt_files(),
        );
        let case = std::sync::atomic::AtomicUsize::new(0);
        runner
            .run(&strategy, |(jsonl, csv, txt)| {
                let n = case.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let dir = tmp.path().join(format!("case-{n}"));
                let expected = build(&dir, &jsonl, &csv, &txt);
                let out = dir.join("out");
                let summary = extract(&options(expected.inputs.clone(), &out, &model))
                    .map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
                check_output(&out, &expected, Some(&summary));
                Ok(())
            })
            .unwrap();
    }
}

/// A record that makes whosaid panic (a bug, set off here by the debug builds' test point) is
/// that record's error row, and the records after it are read: before, it ended the run with
/// exit 101, no row for it and no rows for the rest of the batch. The test point exists in debug
/// builds only (CI's), so a release build skips this test instead of failing it.
#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the panic test point is compiled into debug builds only"
)]
fn a_record_that_panics_is_an_error_row_and_the_batch_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path());
    let input = write(
        &tmp.path().join("dump.jsonl"),
        &[
            json_line("a1", "Alice said the minister told reporters."),
            json_line("boom", "Bob told reporters."),
            json_line("a3", "The minister said Bob told Alice."),
        ]
        .join(&b'\n'),
    );
    let out = tmp.path().join("out");
    let result = Command::new(env!("CARGO_BIN_EXE_whosaid"))
        .args(["extract", "--quiet", "--threads", "2"])
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .arg("--model")
        .arg(&model)
        .env("WHOSAID_TEST_PANIC_ON", "boom")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(0), "{stderr}");
    let record = |line: &str, outcome: Outcome| Record {
        input: display(&input),
        record: line.to_string(),
        outcome,
        what: "a line of dump.jsonl",
    };
    let expected = Expected {
        inputs: vec![input.clone()],
        records: vec![
            record("line 1", Outcome::Article("a1".into())),
            record("line 2", Outcome::Error),
            record("line 3", Outcome::Article("a3".into())),
        ],
    };
    check_output(&out, &expected, None);
    let errors = read_csv(&out.join("errors.csv"), &["input", "record", "reason"]);
    assert!(errors[0][2].contains("a bug"), "{:?}", &errors[0]);
    assert!(
        errors[0][2].contains("WHOSAID_TEST_PANIC_ON"),
        "{:?}",
        &errors[0]
    );
}

/// How often each of `paths` (files, or folders: their own listings, not their files') is
/// opened while `run` runs, by anyone: inotify counts what no wrapper of `open` would see in a
/// child process. Closings are watched too, only so that two openings in a row are two events:
/// inotify merges an event into the same one still unread before it.
#[cfg(target_os = "linux")]
fn openings(paths: &[PathBuf], run: impl FnOnce()) -> Vec<usize> {
    // SAFETY: inotify_init1 takes flags only.
    let fd = unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) };
    assert!(fd >= 0, "inotify_init1");
    let watches: Vec<i32> = paths
        .iter()
        .map(|p| {
            let c = std::ffi::CString::new(p.clone().into_os_string().into_encoded_bytes());
            // SAFETY: a valid descriptor and NUL-terminated path.
            let wd = unsafe {
                libc::inotify_add_watch(fd, c.unwrap().as_ptr(), libc::IN_OPEN | libc::IN_CLOSE)
            };
            assert!(wd >= 0, "inotify_add_watch {}", p.display());
            wd
        })
        .collect();
    run();
    let mut counts = vec![0; paths.len()];
    let mut buf = vec![0u8; 1 << 20];
    loop {
        // SAFETY: reads at most buf.len() bytes into buf.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n <= 0 {
            break;
        }
        let mut at = 0;
        while at < n as usize {
            // SAFETY: the kernel writes whole events; read_unaligned copes with any alignment.
            let event: libc::inotify_event =
                unsafe { std::ptr::read_unaligned(buf[at..].as_ptr().cast()) };
            // An event with a name is about an entry of a watched folder, not the folder.
            if event.len == 0 && event.mask & libc::IN_OPEN != 0 {
                if let Some(i) = watches.iter().position(|&wd| wd == event.wd) {
                    counts[i] += 1;
                }
            }
            at += std::mem::size_of::<libc::inotify_event>() + event.len as usize;
        }
    }
    // SAFETY: closes the descriptor opened above.
    unsafe { libc::close(fd) };
    counts
}

/// `extract` opens each input file once, and lists each folder (and subfolder) of a folder
/// input once. A `.gz` was opened three times (twice to check that it is gzip data, then to
/// read it), a `.json.gz` four; a folder was walked four times (to name the files it does not
/// read, to stamp it for `--resume`, to read it, and for the progress bar), so a file added or
/// removed between two walks made the stamp, the counts and the rows disagree.
#[cfg(target_os = "linux")]
#[test]
fn a_run_opens_each_input_once_and_walks_each_folder_once() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path());
    let mut expected = Expected::default();
    expected.add(text_folder(tmp.path()));
    expected.add(jsonl_gz_input(tmp.path()));
    expected.add(csv_gz_input(tmp.path()));
    // White space before the array: it was looked past on an opening of its own.
    let element = json_line("arr1", &body(7));
    let array = [b" \n[".as_slice(), &element, b"]"].concat();
    let array = write(&tmp.path().join("array.json.gz"), &gzip(&array));
    let single = write(&tmp.path().join("single.txt.gz"), &gzip(body(8).as_bytes()));
    for (path, id, record) in [
        (&array, "arr1", "element 1"),
        (&single, "single", "single.txt.gz"),
    ] {
        expected.add((
            path.clone(),
            vec![Record {
                input: display(path),
                record: record.into(),
                outcome: Outcome::Article(id.into()),
                what: "a gzipped input",
            }],
        ));
    }
    let folder = &expected.inputs[0];
    let watched: Vec<PathBuf> = expected
        .inputs
        .iter()
        .cloned()
        .chain([folder.join("sub"), folder.join("sub/deeper")])
        .collect();
    let out = tmp.path().join("out-once");
    let counts = openings(&watched, || {
        // Not --quiet: the progress bar counted the folder with a walk of its own.
        let result = Command::new(env!("CARGO_BIN_EXE_whosaid"))
            .arg("extract")
            .args(&expected.inputs)
            .args(["--threads", "2", "--max-bytes"])
            .arg(MAX_BYTES.to_string())
            .arg("--out")
            .arg(&out)
            .arg("--model")
            .arg(&model)
            .output()
            .unwrap();
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
    });
    let named: Vec<(String, usize)> = watched.iter().map(|p| display(p)).zip(counts).collect();
    let once: Vec<(String, usize)> = watched.iter().map(|p| (display(p), 1)).collect();
    assert_eq!(named, once);
    check_output(&out, &expected, None);
}
