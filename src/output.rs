//! CSV output: one row type per file, written under a temporary name and renamed when the run
//! completes, so a file under its final name is always complete.
//!
//! Offsets in every CSV are character offsets (Unicode scalar values) into one field of the
//! article's record, end exclusive: `field.chars().skip(start).take(end - start)` is the span.
//! The field is the record's `text`, or its `title` for what was found in a headline the text
//! does not repeat ([`crate::text::title_in_text`]); the column beside each pair of offsets
//! names it (`field`, `cue_field`, `speaker_field`, `first_field`):
//!
//! ```text
//! title  Pompeo says talks with Iran failed
//! text   “We tried,” he said.
//! quotes.csv  start,end,text,…,speaker_start,speaker_end,…,field,cue_field,speaker_field
//!             12,34,talks with Iran failed,…,0,6,…,title,title,title
//!             1,9,"We tried",…,11,13,…,text,text,text
//! ```
//!
//! A text column beside them (a mention's or quote's `text`, a quote's `cue` and
//! `speaker_text`) is that span with the HTML tags in it taken out and control characters as
//! U+FFFD ([`span_text_of`]: `Clara <i>Fenwick` reads `Clara Fenwick`).
//!
//! Every row of an article, in every table, carries its `article_key` ([`article_key`]): the
//! one column that joins the tables. Ids may repeat in a run, so `article_id` does not:
//!
//! ```text
//! articles.csv  id,…,input,record,article_key
//!               1,…,a/news.jsonl,line 1,9f0c…
//!               1,…,b/news.jsonl,line 1,47d2…
//! quotes.csv    article_id,quote_id,…,kind,article_key
//!               1,1,…,direct,47d2…              b's quote: joined on article_key, to b's alone
//! ```
//!
//! Like every column added since runs were first written, it is the last of its tables: a
//! reader that takes columns by their place reads the others where they were.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::annotated::Annotated;
use crate::checkpoint::{Checkpoint, RecordsRead, RunIdentity, DERIVED_FILES, LOCK};
use crate::fnv::Fnv1a128;
use crate::input::RecordError;
use crate::ner::EntityLabel;
use crate::text::{Field, FieldOffsets};

pub use crate::checkpoint::{CHECKPOINT, FILES};

/// The key of the article read as `record` of `input` (its [`crate::input::Origin`]): 32 hex
/// digits of FNV-1a 128 of `input`, a NUL and `record`. A run reads each input once and each
/// record of it once, so no two of its articles share one (ids may: two dumps' `1`); and it
/// depends on nothing else, so threads, chunks, `--shard` and `--resume` write the same key.
pub fn article_key(input: &str, record: &str) -> String {
    Fnv1a128::default()
        .bytes(input.as_bytes())
        .bytes(b"\0")
        .bytes(record.as_bytes())
        .hex()
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ArticleRow {
    pub id: String,
    /// The record's title, its control characters that break CSV tools U+FFFD, one character
    /// for one, so that a `title` field's offsets count in it as in the record's.
    pub title: String,
    /// The text's length in characters (0 for a record of only a headline).
    pub chars: usize,
    pub n_entities: usize,
    pub n_quotes: usize,
    /// `ok`, or `no_text_after_cleaning` when the text keeps no line: every line was web
    /// debris, or the text is empty or shows nothing (a record of only a headline, the headline
    /// analysed).
    pub status: String,
    /// As the record gave them; empty when absent.
    pub url: String,
    pub published: String,
    pub source: String,
    /// Where the article was read, as `errors.csv` names a record ([`crate::input::Origin`]):
    /// the input as given and the record in it (`line 3`, `row 2`, `element 4`, a folder's
    /// `2024/01/story.txt`). Ids may repeat in a run (two dumps' `1`, two `news.jsonl` of
    /// other folders making up `news:1`); input and record never do. Absent in runs before
    /// these columns existed.
    #[serde(default)]
    pub input: String,
    #[serde(default)]
    pub record: String,
    /// [`article_key`] of `input` and `record`: unique in the run, where `id` may repeat. Empty
    /// in runs before it existed.
    #[serde(default)]
    pub article_key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MentionRow {
    pub article_id: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub label: EntityLabel,
    /// Four decimals, so output is byte-identical across runs and thread counts.
    pub score: String,
    pub entity_id: usize,
    /// The article's `article_key` in `articles.csv`: what joins the row to its article.
    #[serde(default)]
    pub article_key: String,
    /// The field `start` and `end` count in: `text`, or `title` for a mention in a headline the
    /// text does not repeat. `text` in runs before it existed.
    #[serde(default, deserialize_with = "text_when_empty")]
    pub field: Field,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EntityRow {
    pub article_id: String,
    pub entity_id: usize,
    pub canonical: String,
    pub label: EntityLabel,
    /// ISO 3166-1 alpha-2 code of a country, else empty.
    pub country_code: String,
    /// Number of mentions.
    pub mentions: usize,
    pub first_start: usize,
    /// A lone name that fits several people of the article, left apart ([`crate::entities`]).
    pub ambiguous: bool,
    /// The same for the same person, organisation or place in every article
    /// ([`crate::entities::keys`]); empty when ambiguous. Absent in runs before it existed.
    #[serde(default)]
    pub entity_key: String,
    /// The article's `article_key` in `articles.csv`: what joins the row to its article.
    #[serde(default)]
    pub article_key: String,
    /// The field `first_start` counts in (as a mention's `field`).
    #[serde(default, deserialize_with = "text_when_empty")]
    pub first_field: Field,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct QuoteRow {
    pub article_id: String,
    pub quote_id: usize,
    /// The parts of one statement (a split quote: `"…," she said, "…"`) share it: quotes with
    /// the same cue. Numbered from 1 per article in order of first part.
    pub attribution_id: usize,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub cue: String,
    pub cue_start: Option<usize>,
    pub cue_end: Option<usize>,
    pub speaker_start: Option<usize>,
    pub speaker_end: Option<usize>,
    pub speaker_text: String,
    pub speaker_entity_id: Option<usize>,
    pub speaker_canonical: String,
    pub kind: String,
    /// The article's `article_key` in `articles.csv`: what joins the row to its article.
    #[serde(default)]
    pub article_key: String,
    /// The field `start` and `end` count in (as a mention's `field`).
    #[serde(default, deserialize_with = "text_when_empty")]
    pub field: Field,
    /// The field of `cue_start` and `cue_end`, and of `speaker_start` and `speaker_end`:
    /// each may lie in the other field than the quote (a quote of the text whose speaker was
    /// named in the headline). Empty when there is no cue, or no speaker.
    #[serde(default)]
    pub cue_field: Option<Field>,
    #[serde(default)]
    pub speaker_field: Option<Field>,
}

/// A field column read back: empty (a run before it existed, a row written by hand) is `text`.
fn text_when_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Field, D::Error> {
    Ok(Option::<Field>::deserialize(d)?.unwrap_or_default())
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ErrorRow {
    pub input: String,
    pub record: String,
    pub reason: String,
}

/// All rows of one article.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArticleRows {
    pub article: Option<ArticleRow>,
    pub mentions: Vec<MentionRow>,
    pub entities: Vec<EntityRow>,
    pub quotes: Vec<QuoteRow>,
}

impl ArticleRows {
    /// Builds an article's rows, converting byte spans to character offsets.
    pub fn new(annotated: &Annotated) -> ArticleRows {
        let Annotated {
            doc,
            entities,
            quotes,
            ..
        } = annotated;
        // A text of invisible characters alone keeps a line, and shows nothing all the same.
        let no_text = doc.field_paragraphs()[1].is_empty()
            || crate::invisible::shows_nothing(doc.record_text());
        let status = if no_text {
            "no_text_after_cleaning"
        } else {
            "ok"
        };
        let co = doc.field_offsets();
        ArticleRows {
            article: Some(ArticleRow {
                id: doc.id.clone(),
                article_key: key(annotated),
                title: crate::invisible::with_controls_replaced(&doc.title).into_owned(),
                chars: co.text_chars(),
                n_entities: entities.entities.len(),
                n_quotes: quotes.len(),
                status: status.to_string(),
                url: doc.about.url.clone().unwrap_or_default(),
                published: doc.about.published.clone().unwrap_or_default(),
                source: doc.about.source.clone().unwrap_or_default(),
                input: doc.origin.input.clone(),
                record: doc.origin.record.clone(),
            }),
            mentions: mention_rows(annotated, &co),
            entities: entity_rows(annotated, &co),
            quotes: quote_rows(annotated, &co),
        }
    }
}

/// The article's [`article_key`].
fn key(a: &Annotated) -> String {
    article_key(&a.doc.origin.input, &a.doc.origin.record)
}

fn mention_rows(a: &Annotated, co: &FieldOffsets) -> Vec<MentionRow> {
    let key = key(a);
    a.mentions
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let at = co.locate(m.span);
            MentionRow {
                article_id: a.doc.id.clone(),
                article_key: key.clone(),
                start: at.start,
                end: at.end,
                text: span_text(&a.doc, m.span),
                label: m.label,
                score: format!("{:.4}", m.score),
                entity_id: a.entities.entity_of(i).id,
                field: at.field,
            }
        })
        .collect()
}

fn entity_rows(a: &Annotated, co: &FieldOffsets) -> Vec<EntityRow> {
    let key = key(a);
    a.entities
        .entities
        .iter()
        .map(|e| {
            let first = e.mentions.first().map(|&m| co.locate(a.mentions[m].span));
            EntityRow {
                article_id: a.doc.id.clone(),
                article_key: key.clone(),
                entity_id: e.id,
                canonical: e.canonical.clone(),
                label: e.label,
                country_code: e.country_code.unwrap_or("").to_string(),
                mentions: e.mentions.len(),
                first_start: first.map_or(0, |at| at.start),
                ambiguous: e.ambiguous,
                entity_key: e.key.clone().unwrap_or_default(),
                first_field: first.map_or(Field::Text, |at| at.field),
            }
        })
        .collect()
}

fn quote_rows(a: &Annotated, co: &FieldOffsets) -> Vec<QuoteRow> {
    let (doc, key) = (&a.doc, key(a));
    let attribution_ids = crate::quotes::attribution_ids(&a.quotes);
    a.quotes
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let speaker_entity = q.speaker_entity.map(|e| &a.entities.entities[e]);
            let at = co.locate(q.span);
            let cue = q.cue.map(|c| co.locate(c));
            let speaker = q.speaker.map(|s| co.locate(s));
            QuoteRow {
                article_id: doc.id.clone(),
                article_key: key.clone(),
                quote_id: i + 1,
                attribution_id: attribution_ids[i],
                start: at.start,
                end: at.end,
                text: span_text(doc, q.span),
                cue: q.cue.map(|c| span_text(doc, c)).unwrap_or_default(),
                cue_start: cue.map(|c| c.start),
                cue_end: cue.map(|c| c.end),
                speaker_start: speaker.map(|s| s.start),
                speaker_end: speaker.map(|s| s.end),
                speaker_text: q.speaker.map(|s| span_text(doc, s)).unwrap_or_default(),
                speaker_entity_id: speaker_entity.map(|e| e.id),
                speaker_canonical: speaker_entity
                    .map(|e| e.canonical.clone())
                    .unwrap_or_default(),
                kind: q.kind.as_str().to_string(),
                field: at.field,
                cue_field: cue.map(|c| c.field),
                speaker_field: speaker.map(|s| s.field),
            }
        })
        .collect()
}

/// A span's text column ([`span_text_of`]).
fn span_text(doc: &crate::text::Document, span: crate::text::Span) -> String {
    span_text_of(&doc.text, span.range())
}

/// The text column of the span at `range` (bytes) of `text`, the one rule every table and the
/// report's check read by: the text at its offsets with its HTML tags taken out (the module's
/// header: `Clara <i>Fenwick` reads `Clara Fenwick`), and a control character that breaks CSV
/// tools (a NUL in `Angela\0 Merkel`) as U+FFFD, one character for one
/// ([`crate::invisible::with_controls_replaced`]). The offsets still point into the dump's own
/// text.
pub fn span_text_of(text: &str, range: std::ops::Range<usize>) -> String {
    let without_tags = crate::markup::text_without_tags(text, range);
    crate::invisible::with_controls_replaced(&without_tags).into_owned()
}

/// Removes what an earlier run derived from its files (the entity index): it must not sit
/// beside this run's partial output; this run writes its own when it finishes.
fn remove_derived(dir: &Path) -> Result<()> {
    crate::whole_file::remove_killed_temporaries(dir, &DERIVED_FILES)?;
    for name in DERIVED_FILES {
        for path in [dir.join(name), dir.join(format!("{name}.tmp"))] {
            if path.exists() {
                std::fs::remove_file(&path)
                    .with_context(|| format!("cannot remove old {}", path.display()))?;
            }
        }
    }
    Ok(())
}

struct CsvFile {
    temp: PathBuf,
    path: PathBuf,
    writer: csv::Writer<BufWriter<File>>,
    /// Rows written, a resumed run's earlier rows included; the header is not one.
    rows: u64,
}

impl CsvFile {
    /// A new, empty temporary file. A complete file from an earlier run must not sit next to
    /// this run's partial output, so it goes (inputs never get here: see
    /// [`crate::checkpoint::refuse_inputs_among_outputs`]).
    fn create(dir: &Path, name: &str) -> Result<CsvFile> {
        let (path, temp) = (dir.join(name), dir.join(format!("{name}.tmp")));
        if path.exists() {
            std::fs::remove_file(&path)
                .with_context(|| format!("cannot remove old {}", path.display()))?;
        }
        // Never a FIFO put there since the run's start: opening it waited for a reader.
        let file = crate::paths::create_regular_file(&temp)
            .with_context(|| format!("cannot open {}", temp.display()))?;
        Ok(CsvFile::with_file(path, temp, file, true, 0))
    }

    /// Reopens an interrupted run's temporary file, cut back to `keep` bytes (its length at the
    /// last checkpoint, when it had `rows` rows), for appending. A file already renamed to its final name by the
    /// interrupted run's last step is taken back under its temporary name; a file shorter than
    /// `keep` lost its tail (a host crash) and cannot be continued.
    ///
    /// A file whose header is not `header` was written by another whosaid, with other columns
    /// (one from before `article_key`): rows appended to it would not fit its header.
    fn resume(
        dir: &Path,
        name: &str,
        header: &[&str],
        (keep, rows): (u64, u64),
    ) -> Result<CsvFile> {
        let (path, temp) = (dir.join(name), dir.join(format!("{name}.tmp")));
        if !temp.exists() && path.exists() {
            std::fs::rename(&path, &temp).with_context(|| {
                format!("cannot rename {} to {}", path.display(), temp.display())
            })?;
        }
        let file = crate::paths::open_own_file(&temp, std::fs::OpenOptions::new().append(true))
            .with_context(|| format!("cannot resume: cannot open {}", temp.display()))?;
        let written = first_line(&temp)
            .with_context(|| format!("cannot read {}", temp.display()))?
            .unwrap_or_default();
        if keep > 0 && written != header.join(",").as_bytes() {
            bail!(
                "cannot resume: {} was written with other columns than this whosaid writes \
                 (`{}`): run again without --resume",
                temp.display(),
                header.join(",")
            );
        }
        let len = file.metadata()?.len();
        if len < keep {
            bail!(
                "cannot resume: {} is {len} bytes, shorter than the {keep} the checkpoint \
                 recorded (its end was lost, as after a system crash); run again without --resume",
                temp.display()
            );
        }
        file.set_len(keep)
            .with_context(|| format!("cannot cut back {}", temp.display()))?;
        // A resumed file that has rows has its header already.
        Ok(CsvFile::with_file(path, temp, file, keep == 0, rows))
    }

    fn with_file(path: PathBuf, temp: PathBuf, file: File, header: bool, rows: u64) -> CsvFile {
        let writer = csv::WriterBuilder::new()
            .has_headers(header)
            .from_writer(BufWriter::new(file));
        CsvFile {
            temp,
            path,
            writer,
            rows,
        }
    }

    /// Flushes and syncs to disk; returns the length on disk.
    fn sync(&mut self) -> Result<u64> {
        let cannot = || format!("cannot write {}", self.temp.display());
        self.writer.flush().with_context(cannot)?;
        let file = self.writer.get_ref().get_ref();
        file.sync_data().with_context(cannot)?;
        Ok(file.metadata().with_context(cannot)?.len())
    }

    fn write<R: Serialize>(&mut self, row: &R) -> Result<()> {
        self.writer
            .serialize(row)
            .with_context(|| format!("cannot write {}", self.temp.display()))?;
        self.rows += 1;
        Ok(())
    }
}

/// The five CSV files of a run, and the lock that keeps a second run out of the directory.
pub struct OutputWriter {
    files: [CsvFile; 5],
    dir: PathBuf,
    run: RunIdentity,
    read: RecordsRead,
    _lock: LockFile,
}

impl OutputWriter {
    /// Creates `dir` if needed and opens new temporary files for the run `run`.
    pub fn create(dir: &Path, run: RunIdentity) -> Result<OutputWriter> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create output directory {}", dir.display()))?;
        let lock = LockFile::take_run(dir)?;
        let _ = std::fs::remove_file(dir.join(CHECKPOINT));
        remove_derived(dir)?;
        let files = [
            CsvFile::create(dir, FILES[0])?,
            CsvFile::create(dir, FILES[1])?,
            CsvFile::create(dir, FILES[2])?,
            CsvFile::create(dir, FILES[3])?,
            CsvFile::create(dir, FILES[4])?,
        ];
        Ok(OutputWriter {
            files,
            dir: dir.to_path_buf(),
            run,
            read: RecordsRead::default(),
            _lock: lock,
        })
    }

    /// Reopens an interrupted run's temporary files at its last checkpoint, `verified`: the
    /// checkpoint of the run `run` that the caller read ([`Checkpoint::read_for`]) and whose
    /// written records it read again. Refuses if the checkpoint changed since (another run).
    pub fn resume(dir: &Path, run: RunIdentity, verified: &Checkpoint) -> Result<OutputWriter> {
        let lock = LockFile::take_run(dir)?;
        let cp = Checkpoint::read_for(dir, &run)?;
        if cp != *verified {
            bail!(
                "cannot resume the run in {}: its checkpoint changed while this run checked it \
                 (another run in the same directory?)",
                dir.display()
            );
        }
        remove_derived(dir)?;
        let open =
            |i: usize| CsvFile::resume(dir, FILES[i], HEADERS[i], (cp.lengths[i], cp.rows[i]));
        let files = [open(0)?, open(1)?, open(2)?, open(3)?, open(4)?];
        let writer = OutputWriter {
            files,
            dir: dir.to_path_buf(),
            run,
            read: cp.read,
            _lock: lock,
        };
        Ok(writer)
    }

    /// Syncs the files and records that the input records `read` are fully written, so that
    /// `--resume` can continue from here after an interruption.
    pub fn checkpoint(&mut self, read: RecordsRead) -> Result<()> {
        self.read = read;
        self.write_checkpoint(false)
    }

    fn write_checkpoint(&mut self, finished: bool) -> Result<()> {
        let mut lengths = [0u64; 5];
        for (len, f) in lengths.iter_mut().zip(self.files.iter_mut()) {
            *len = f.sync()?;
        }
        Checkpoint {
            run: self.run.clone(),
            read: self.read,
            lengths,
            rows: self.rows(),
            finished,
        }
        .write(&self.dir)
    }

    /// Rows in each file so far, in [`FILES`] order, a resumed run's earlier rows included.
    pub fn rows(&self) -> [u64; 5] {
        self.files.each_ref().map(|f| f.rows)
    }

    pub fn write_article(&mut self, rows: &ArticleRows) -> Result<()> {
        let [articles, mentions, entities, quotes, _] = &mut self.files;
        if let Some(a) = &rows.article {
            articles.write(a)?;
        }
        for m in &rows.mentions {
            mentions.write(m)?;
        }
        for e in &rows.entities {
            entities.write(e)?;
        }
        for q in &rows.quotes {
            quotes.write(q)?;
        }
        Ok(())
    }

    pub fn write_error(&mut self, e: &RecordError) -> Result<()> {
        self.files[4].write(&ErrorRow {
            input: e.input.clone(),
            record: e.record.clone(),
            reason: e.reason.clone(),
        })
    }

    /// Writes headers of files that got no rows, syncs, and renames every file to its final
    /// name, then writes what is `derived` from the complete files (the entity index). A
    /// checkpoint marked finished covers the renames and `derived`: a run killed among them is
    /// finished by `--resume`.
    pub fn finish(mut self, derived: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
        for (f, header) in self.files.iter_mut().zip(HEADERS) {
            // csv writes a header with the first row; empty files still need theirs.
            write_header_if_empty(f, header)?;
        }
        self.write_checkpoint(true)?;
        for f in &self.files {
            std::fs::rename(&f.temp, &f.path).with_context(|| {
                format!("cannot rename {} to {}", f.temp.display(), f.path.display())
            })?;
        }
        derived(&self.dir)?;
        let _ = std::fs::remove_file(self.dir.join(CHECKPOINT));
        let _ = std::fs::remove_file(self.dir.join(LOCK));
        Ok(())
    }
}

/// The first line of the file at `path` (within its first 4096 bytes), without its line end;
/// None for an empty file.
fn first_line(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    let mut start = crate::paths::read_regular_file(path, 4096)?;
    if start.is_empty() {
        return Ok(None);
    }
    start.truncate(
        start
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(start.len()),
    );
    if start.last() == Some(&b'\r') {
        start.pop();
    }
    Ok(Some(start))
}

/// Fields of a header compared by [`holds_other_data`]: enough that no one's dump passes for
/// our table (a CSV dump's `id,title,text` is not `articles.csv`'s `id,title,chars`), few
/// enough that a table written by an older whosaid, with columns added at its end since, is
/// still ours to replace.
const HEADER_FIELDS_COMPARED: usize = 3;

/// Whether `path` holds data that is not a table with `header`: a file whose first line does
/// not begin with the header's first fields, or no regular file at all (a FIFO, never opened:
/// reading its first line waited for a writer, and the run hung). An absent, empty or
/// unreadable file holds nothing to lose (unreadable: the write then fails and says why).
///
/// ```text
/// articles.csv   id,title,chars,n_entities,…    an earlier run's: replaced
/// articles.csv   id,title,text                  a dump: holds other data
/// articles.csv   a FIFO                         holds other data
/// ```
pub fn holds_other_data(path: &Path, header: &[&str]) -> bool {
    if crate::paths::other_than_a_file(path).is_some() {
        return true;
    }
    let Ok(Some(line)) = first_line(path) else {
        return false;
    };
    let fields: Vec<&[u8]> = line.split(|&b| b == b',').collect();
    let compared = HEADER_FIELDS_COMPARED.min(header.len());
    fields.len() < compared
        || fields[..compared]
            .iter()
            .zip(header)
            .any(|(field, name)| *field != name.as_bytes())
}

/// The fields of `header` that [`holds_other_data`] compares, as a CSV line, for messages.
pub fn compared_start(header: &[&str]) -> String {
    header[..HEADER_FIELDS_COMPARED.min(header.len())].join(",")
}

/// Why [`holds_other_data`] found `path` not to be a table with `header`, for messages.
pub fn why_other_data(path: &Path, header: &[&str]) -> String {
    match crate::paths::other_than_a_file(path) {
        Some(what) => format!("it is {what}, not a regular file"),
        None => format!("its first line does not begin `{}`", compared_start(header)),
    }
}

/// Refuses an output directory that holds, under the name of one of a run's five CSVs, a file
/// that is not such a table ([`holds_other_data`]): `extract data/sample/articles.jsonl --out
/// data/sample` would have replaced the CSV dump `data/sample/articles.csv` beside it with its
/// own. Called before the run touches `dir`.
pub fn refuse_foreign_outputs(dir: &Path) -> Result<()> {
    // Every name the run opens there is a regular file or nothing: a FIFO named like its lock,
    // checkpoint or a `.tmp` hung the run that opened it, as one named like a table did.
    for name in crate::checkpoint::managed_names() {
        let path = dir.join(&name);
        if let Some(what) = crate::paths::other_than_a_file(&path) {
            bail!(
                "--out {} holds {name}, which is {what}, not a regular file: a run writes a file \
                 of that name. Choose another --out, or move it (nothing was changed)",
                dir.display()
            );
        }
    }
    // Not the entity index: a name no one else uses, and a run replaces a stale one of its own.
    for (name, header) in FILES.iter().zip(HEADERS) {
        let path = dir.join(name);
        if holds_other_data(&path, header) {
            bail!(
                "--out {} holds {name}, which is not a whosaid table ({}): a run would replace \
                 it. Choose another --out, or move the file (nothing was changed)",
                dir.display(),
                why_other_data(&path, header)
            );
        }
    }
    Ok(())
}

/// The header of each file, in [`FILES`] order, for files that got no rows (and for readers
/// that check a file is one of ours).
pub const HEADERS: [&[&str]; 5] = [
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
    &[
        "article_id",
        "start",
        "end",
        "text",
        "label",
        "score",
        "entity_id",
        "article_key",
        "field",
    ],
    &[
        "article_id",
        "entity_id",
        "canonical",
        "label",
        "country_code",
        "mentions",
        "first_start",
        "ambiguous",
        "entity_key",
        "article_key",
        "first_field",
    ],
    &[
        "article_id",
        "quote_id",
        "attribution_id",
        "start",
        "end",
        "text",
        "cue",
        "cue_start",
        "cue_end",
        "speaker_start",
        "speaker_end",
        "speaker_text",
        "speaker_entity_id",
        "speaker_canonical",
        "kind",
        "article_key",
        "field",
        "cue_field",
        "speaker_field",
    ],
    &["input", "record", "reason"],
];

/// The columns that say which field a row's offsets count in, the last added to their tables.
pub const FIELD_COLUMNS: [&str; 4] = ["field", "first_field", "cue_field", "speaker_field"];

/// The header of table `i` as whosaid wrote it before [`FIELD_COLUMNS`] (session 50): what
/// tests write above rows of such a run, which reads as ever.
#[cfg(test)]
pub(crate) fn header_before_fields(i: usize) -> String {
    let columns = HEADERS[i].iter().filter(|c| !FIELD_COLUMNS.contains(c));
    columns.copied().collect::<Vec<_>>().join(",")
}

/// An exclusive lock on a lock file for as long as a command writes where it stands for, so
/// that two never write the same files: `extract`'s `OUT/.whosaid-lock` for its output
/// directory (a report never reads a directory a run is writing), `report`'s beside its
/// REPORT_DIR ([`crate::report::site`]).
pub(crate) struct LockFile {
    file: File,
    path: PathBuf,
}

impl LockFile {
    /// Takes the lock of `dir`, a run's output directory.
    fn take_run(dir: &Path) -> Result<LockFile> {
        LockFile::take(&dir.join(LOCK), || {
            format!(
                "another whosaid run is writing to {}: wait for it, or choose another --out",
                dir.display()
            )
        })
    }

    /// Takes the lock of the lock file `path` (created when missing; only ever a regular file,
    /// and never through a link, [`crate::paths::open_own_file`]), or fails with `busy()` when
    /// another process holds it.
    pub(crate) fn take(path: &Path, busy: impl FnOnce() -> String) -> Result<LockFile> {
        // A finishing run removes the lock file while it holds it: a run that opened that file
        // just before would lock a file no longer in the directory, beside a third run locking
        // a new one. So the lock counts only while the path still names the locked file.
        loop {
            let file = crate::paths::open_own_file(
                path,
                std::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true),
            )
            .with_context(|| format!("cannot open {}", path.display()))?;
            if !flock(&file, Flock::Exclusive) {
                bail!("{}", busy());
            }
            if crate::paths::same_open_file(&file, path) {
                return Ok(LockFile {
                    file,
                    path: path.to_path_buf(),
                });
            }
        }
    }

    /// Removes the lock file, still held, and lets the lock go: nothing is left behind, and a
    /// command that opened the file meanwhile finds it gone once it holds it, and takes a new one.
    pub(crate) fn remove(self) {
        if crate::paths::same_open_file(&self.file, &self.path) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Whether a run holds `dir`'s lock now (`extract` writing into it). A report of `dir` read
/// meanwhile would be of the run before, or of two runs while the files are renamed. Asking
/// takes a shared lock for the moment of the call: a run starting in that moment is refused as
/// if another run were writing (nothing is written; it can be started again).
pub fn run_writing(dir: &Path) -> bool {
    // No lock file: no run has started since the last one finished. A lock file that cannot be
    // opened (a read-only copy of a run) is no run of this machine's.
    // Nor is a FIFO named like it, never opened: opening it waited for a writer.
    match crate::paths::open_regular_file(&dir.join(LOCK)) {
        Ok(file) => !flock(&file, Flock::Shared),
        Err(_) => false,
    }
}

#[derive(Clone, Copy)]
pub(crate) enum Flock {
    Exclusive,
    Shared,
}

/// Takes the lock without waiting; false when another process holds it (a shared lock is
/// released when `file` is closed).
pub(crate) fn flock(file: &File, kind: Flock) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        let op = match kind {
            Flock::Exclusive => libc::LOCK_EX,
            Flock::Shared => libc::LOCK_SH,
        };
        // SAFETY: flock on a file descriptor the caller keeps open for the call.
        unsafe { libc::flock(file.as_raw_fd(), op | libc::LOCK_NB) == 0 }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, kind);
        true
    }
}

fn write_header_if_empty(f: &mut CsvFile, header: &[&str]) -> Result<()> {
    let cannot = || format!("cannot write {}", f.temp.display());
    f.writer.flush().with_context(cannot)?;
    let empty = f
        .writer
        .get_ref()
        .get_ref()
        .metadata()
        .map(|m| m.len() == 0)
        .unwrap_or(false);
    if empty {
        f.writer.write_record(header).with_context(cannot)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// HTML left in scraped text (session 50, from an outside attack): the rows gave the speaker
    /// `Mayor Clara <i>Fenwick` and the mention `Clara <i>Fenwick`. A text column is the span's
    /// text with its tags taken out; the offsets still cover the tags, into the original text.
    #[test]
    fn text_columns_leave_html_tags_out_and_offsets_keep_them() {
        let text = "<p>Mayor Clara <i>Fenwick</i> said the plan would work.<br/>She left.</p>";
        let doc = crate::text::Document::new(
            "t".into(),
            String::new(),
            text.to_string(),
            &crate::clean::clean(text),
        );
        let name = text.find("Clara").unwrap()..text.find("</i>").unwrap();
        let mentions = vec![crate::ner::Mention {
            span: crate::text::Span::new(name.start, name.end),
            label: EntityLabel::Per,
            score: 1.0,
        }];
        let entities = crate::entities::merge(&doc, &mentions);
        let quotes = crate::quotes::extract(&doc, &mentions, &entities);
        let rows = ArticleRows::new(&Annotated {
            doc,
            mentions,
            entities,
            quotes,
        });
        assert_eq!(rows.mentions[0].text, "Clara Fenwick");
        let q = &rows.quotes[0];
        assert_eq!(
            (&q.text[..], &q.cue[..], &q.speaker_text[..]),
            ("the plan would work", "said", "Mayor Clara Fenwick")
        );
        assert_eq!(q.speaker_canonical, "Clara Fenwick");
        let at = |s: usize, e: usize| text.chars().skip(s).take(e - s).collect::<String>();
        let (s, e) = (q.speaker_start.unwrap(), q.speaker_end.unwrap());
        assert_eq!(at(s, e), "Mayor Clara <i>Fenwick");
    }

    #[test]
    fn only_tables_of_an_earlier_run_are_in_the_way_of_a_run() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        assert!(refuse_foreign_outputs(&dir.join("absent")).is_ok());
        // An earlier run's tables, an older whosaid's with a column fewer, and empty files.
        std::fs::write(dir.join("articles.csv"), HEADERS[0].join(",") + "\n").unwrap();
        let older = HEADERS[3][..HEADERS[3].len() - 1].join(",");
        std::fs::write(dir.join("quotes.csv"), older + "\r\n").unwrap();
        std::fs::write(dir.join("errors.csv"), "").unwrap();
        std::fs::write(dir.join(crate::checkpoint::INDEX_FILE), "stale\n").unwrap();
        assert!(refuse_foreign_outputs(dir).is_ok());
        for (name, data) in [
            (
                "articles.csv",
                "id,title,text\nc1,Dump row,\"Joe Biden spoke in Rome.\"\n",
            ),
            ("mentions.csv", "{\"id\": \"a1\"}\n"),
        ] {
            let kept = std::fs::read(dir.join(name)).ok();
            std::fs::write(dir.join(name), data).unwrap();
            let err = refuse_foreign_outputs(dir).unwrap_err().to_string();
            assert!(
                err.contains(name) && err.contains("not a whosaid table"),
                "{err}"
            );
            assert_eq!(std::fs::read_to_string(dir.join(name)).unwrap(), data);
            match kept {
                Some(bytes) => std::fs::write(dir.join(name), bytes).unwrap(),
                None => std::fs::remove_file(dir.join(name)).unwrap(),
            }
        }
        assert!(refuse_foreign_outputs(dir).is_ok());
    }

    /// A FIFO named like a table hung the run in this check, which read its first line; one
    /// named like a `.tmp`, the lock or the checkpoint hung it when opened later. Each is
    /// refused at once, naming it.
    #[cfg(unix)]
    #[test]
    fn a_fifo_named_like_a_file_of_the_run_is_refused_at_once() {
        use crate::paths::special::{at_once, make_fifo};
        for name in ["articles.csv", "quotes.csv.tmp", LOCK, CHECKPOINT] {
            let tmp = tempfile::tempdir().unwrap();
            make_fifo(&tmp.path().join(name));
            let dir = tmp.path().to_path_buf();
            let err = at_once(move || refuse_foreign_outputs(&dir).unwrap_err().to_string());
            assert!(
                err.contains(&format!("holds {name}, which is a FIFO (named pipe)")),
                "{err}"
            );
        }
    }

    /// The check when the run starts cannot stand for the opening: a FIFO put at a `.tmp`
    /// name, the lock or the checkpoint's `.tmp` after it (while the model loads) hung the
    /// writer for ever, and one put at a `.tmp` before `--resume` reopened it hung the resume.
    /// The opening refuses it at once, naming it.
    #[cfg(unix)]
    #[test]
    fn a_fifo_put_at_a_name_of_the_run_after_the_check_is_refused_when_opened() {
        use crate::paths::special::{at_once, make_fifo};
        let checkpoint_temp = format!("{CHECKPOINT}.tmp");
        for name in ["articles.csv.tmp", "errors.csv.tmp", LOCK, &checkpoint_temp] {
            let tmp = tempfile::tempdir().unwrap();
            let out = tmp.path().join("out");
            std::fs::create_dir(&out).unwrap();
            refuse_foreign_outputs(&out).unwrap();
            make_fifo(&out.join(name));
            let run = run_identity(tmp.path());
            let err = at_once(move || {
                let mut w = OutputWriter::create(&out, run)?;
                w.checkpoint(one_record_read())
            });
            let err = format!("{:#}", err.expect_err("refused"));
            assert!(
                err.contains(&format!(
                    "{name}: it is a FIFO (named pipe), not a regular file"
                )),
                "{err}"
            );
        }
        let tmp = tempfile::tempdir().unwrap();
        let (out, run) = (tmp.path().join("out"), run_identity(tmp.path()));
        let mut w = OutputWriter::create(&out, run.clone()).unwrap();
        w.write_error(&error(1)).unwrap();
        w.checkpoint(one_record_read()).unwrap();
        drop(w);
        let temp = out.join("quotes.csv.tmp");
        std::fs::remove_file(&temp).unwrap();
        make_fifo(&temp);
        let err = at_once(move || resume(&out, run).map(|_| ()));
        let err = format!("{:#}", err.expect_err("refused"));
        assert!(err.contains("quotes.csv.tmp: it is a FIFO"), "{err}");
    }

    fn run_identity(dir: &Path) -> RunIdentity {
        let model = dir.join("model");
        std::fs::create_dir_all(&model).unwrap();
        RunIdentity::new(&[], &model, vec![]).unwrap()
    }

    fn error(n: usize) -> RecordError {
        RecordError {
            input: "a.jsonl".into(),
            record: format!("line {n}"),
            reason: "bad".into(),
        }
    }

    /// What a run has read after the record `error(1)`.
    fn one_record_read() -> RecordsRead {
        let mut read = RecordsRead::default();
        read.add(&Err(error(1)));
        read
    }

    /// Resumes as `extract --resume` does: reads the checkpoint, then reopens.
    fn resume(out: &Path, run: RunIdentity) -> Result<(OutputWriter, RecordsRead)> {
        let cp = Checkpoint::read_for(out, &run)?;
        Ok((OutputWriter::resume(out, run, &cp)?, cp.read))
    }

    #[test]
    fn files_appear_only_when_finished_with_headers() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("articles.csv"), "stale").unwrap();
        let mut w = OutputWriter::create(&out, run_identity(dir.path())).unwrap();
        assert!(
            !out.join("articles.csv").exists(),
            "stale complete file must go"
        );
        w.write_error(&error(3)).unwrap();
        w.checkpoint(one_record_read()).unwrap();
        assert!(!out.join("errors.csv").exists());
        w.finish(|_| Ok(())).unwrap();
        let errors = std::fs::read_to_string(out.join("errors.csv")).unwrap();
        assert_eq!(errors, "input,record,reason\na.jsonl,line 3,bad\n");
        let quotes = std::fs::read_to_string(out.join("quotes.csv")).unwrap();
        assert!(quotes.starts_with(
            "article_id,quote_id,attribution_id,start,end,text,cue,cue_start,cue_end,speaker_start"
        ));
        let names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().all(|n| FILES.contains(&n.as_str())),
            "{names:?}"
        );
    }

    #[test]
    fn a_second_run_cannot_write_the_same_directory() {
        let dir = tempfile::tempdir().unwrap();
        let _first = OutputWriter::create(dir.path(), run_identity(dir.path())).unwrap();
        let second = OutputWriter::create(dir.path(), run_identity(dir.path()));
        let err = format!("{:#}", second.err().expect("refused"));
        assert!(err.contains("another whosaid run"), "{err}");
    }

    /// The files as a run killed after `killed_at_rename` of its final renames leaves them.
    fn killed_among_renames(out: &Path, run: &RunIdentity, renamed: usize) {
        let mut w = OutputWriter::create(out, run.clone()).unwrap();
        w.write_error(&error(1)).unwrap();
        w.checkpoint(one_record_read()).unwrap();
        for (f, header) in w.files.iter_mut().zip(HEADERS) {
            write_header_if_empty(f, header).unwrap();
        }
        w.write_checkpoint(true).unwrap();
        for f in &w.files[..renamed] {
            std::fs::rename(&f.temp, &f.path).unwrap();
        }
    }

    #[test]
    fn a_resume_after_a_kill_among_the_renames_finishes_them() {
        for renamed in 0..=5 {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("out");
            let run = run_identity(dir.path());
            killed_among_renames(&out, &run, renamed);
            let (w, read) = resume(&out, run).unwrap();
            assert_eq!(read, one_record_read());
            w.finish(|_| Ok(())).unwrap();
            for f in FILES {
                let text = std::fs::read_to_string(out.join(f)).unwrap();
                assert!(!text.is_empty(), "{f} empty after {renamed} renames");
            }
            let errors = std::fs::read_to_string(out.join("errors.csv")).unwrap();
            assert_eq!(errors, "input,record,reason\na.jsonl,line 1,bad\n");
            assert!(!out.join(CHECKPOINT).exists());
        }
    }

    #[test]
    fn a_temporary_file_shorter_than_its_checkpoint_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let run = run_identity(dir.path());
        let mut w = OutputWriter::create(dir.path(), run.clone()).unwrap();
        w.write_error(&error(1)).unwrap();
        w.checkpoint(one_record_read()).unwrap();
        drop(w);
        let temp = dir.path().join("errors.csv.tmp");
        let len = std::fs::metadata(&temp).unwrap().len();
        std::fs::OpenOptions::new()
            .write(true)
            .open(&temp)
            .unwrap()
            .set_len(len - 4)
            .unwrap();
        let err = format!("{:#}", resume(dir.path(), run).err().unwrap());
        assert!(err.contains("shorter than"), "{err}");
        assert_eq!(
            std::fs::metadata(&temp).unwrap().len(),
            len - 4,
            "left as it was"
        );
    }

    /// A run killed under a whosaid whose `articles.csv` had no `article_key`: its checkpoint
    /// names another build, which `--resume` refuses; were it let through, its rows with a
    /// column fewer would sit under the old header beside this run's. The header says so too.
    #[test]
    fn a_temporary_file_with_another_header_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let run = run_identity(dir.path());
        let mut w = OutputWriter::create(dir.path(), run.clone()).unwrap();
        let article = ArticleRow {
            id: "1".into(),
            title: String::new(),
            chars: 3,
            n_entities: 0,
            n_quotes: 0,
            status: "ok".into(),
            url: String::new(),
            published: String::new(),
            source: String::new(),
            input: "a.jsonl".into(),
            record: "line 1".into(),
            article_key: article_key("a.jsonl", "line 1"),
        };
        w.write_article(&ArticleRows {
            article: Some(article),
            ..ArticleRows::default()
        })
        .unwrap();
        w.checkpoint(one_record_read()).unwrap();
        drop(w);
        let temp = dir.path().join("articles.csv.tmp");
        let written = std::fs::read_to_string(&temp).unwrap();
        let older = written.replacen(",article_key\n", "\n", 1);
        std::fs::write(&temp, &older).unwrap();
        let err = format!("{:#}", resume(dir.path(), run).err().unwrap());
        assert!(err.contains("written with other columns"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&temp).unwrap(),
            older,
            "left as it was"
        );
    }

    #[test]
    fn an_article_key_is_32_hex_digits_of_input_and_record() {
        let key = article_key("a/news.jsonl", "line 1");
        assert_eq!(key.len(), 32);
        assert!(key
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        assert_eq!(key, article_key("a/news.jsonl", "line 1"));
        for other in [
            article_key("b/news.jsonl", "line 1"),
            article_key("a/news.jsonl", "line 2"),
            article_key("a/news.jsonl", ""),
            article_key("a/news.jsonlline 1", ""),
        ] {
            assert_ne!(key, other);
        }
        // Input, a NUL, record: FNV-1a 128 of those bytes.
        assert_eq!(
            article_key("a", ""),
            Fnv1a128::default().bytes(b"a\0").hex()
        );
    }

    #[test]
    fn a_run_is_writing_from_its_start_to_its_finish() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        assert!(!run_writing(&out));
        let w = OutputWriter::create(&out, run_identity(dir.path())).unwrap();
        assert!(run_writing(&out));
        // Asking does not take the lock from the run, nor keep it from the next one.
        assert!(run_writing(&out));
        w.finish(|_| Ok(())).unwrap();
        assert!(!run_writing(&out));
        let killed = OutputWriter::create(&out, run_identity(dir.path())).unwrap();
        drop(killed);
        assert!(!run_writing(&out), "a killed run's lock file is no run");
    }
}
