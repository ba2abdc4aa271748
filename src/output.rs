//! CSV output: one row type per file, written under a temporary name and renamed when the run
//! completes, so a file under its final name is always complete.
//!
//! Offsets in every CSV are character offsets (Unicode scalar values) into the article's
//! original `text`, end exclusive: `text.chars().skip(start).take(end - start)` is the span.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;

use crate::entities::Entities;
use crate::input::RecordError;
use crate::ner::Mention;
use crate::quotes::Quote;
use crate::text::{CharOffsets, Document};

/// The files a run writes, in the order they are listed to the user.
pub const FILES: [&str; 5] = [
    "articles.csv",
    "mentions.csv",
    "entities.csv",
    "quotes.csv",
    "errors.csv",
];

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ArticleRow {
    pub id: String,
    pub title: String,
    pub chars: usize,
    pub n_entities: usize,
    pub n_quotes: usize,
    /// `ok`, or `no_text_after_cleaning` when every line was web debris.
    pub status: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MentionRow {
    pub article_id: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub label: String,
    /// Four decimals, so output is byte-identical across runs and thread counts.
    pub score: String,
    pub entity_id: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EntityRow {
    pub article_id: String,
    pub entity_id: usize,
    pub canonical: String,
    pub label: String,
    /// ISO 3166-1 alpha-2 code of a country, else empty.
    pub country_code: String,
    /// Number of mentions.
    pub mentions: usize,
    pub first_start: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QuoteRow {
    pub article_id: String,
    pub quote_id: usize,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub cue: String,
    pub speaker_start: Option<usize>,
    pub speaker_end: Option<usize>,
    pub speaker_text: String,
    pub speaker_entity_id: Option<usize>,
    pub speaker_canonical: String,
    pub kind: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
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
    pub fn new(
        doc: &Document,
        mentions: &[Mention],
        entities: &Entities,
        quotes: &[Quote],
    ) -> ArticleRows {
        let co = CharOffsets::new(&doc.text);
        let id = &doc.id;
        let mention_rows = mentions
            .iter()
            .enumerate()
            .map(|(i, m)| MentionRow {
                article_id: id.clone(),
                start: co.char_of(m.span.start),
                end: co.char_of(m.span.end),
                text: doc.slice(m.span).to_string(),
                label: m.label.clone(),
                score: format!("{:.4}", m.score),
                entity_id: entities.entity_of(i).id,
            })
            .collect();
        let entity_rows = entities
            .entities
            .iter()
            .map(|e| EntityRow {
                article_id: id.clone(),
                entity_id: e.id,
                canonical: e.canonical.clone(),
                label: e.label.clone(),
                country_code: e.country_code.unwrap_or("").to_string(),
                mentions: e.mentions.len(),
                first_start: e
                    .mentions
                    .first()
                    .map(|&m| co.char_of(mentions[m].span.start))
                    .unwrap_or(0),
            })
            .collect();
        let quote_rows = quotes
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let speaker_entity = q.speaker_entity.map(|e| &entities.entities[e]);
                QuoteRow {
                    article_id: id.clone(),
                    quote_id: i + 1,
                    start: co.char_of(q.span.start),
                    end: co.char_of(q.span.end),
                    text: doc.slice(q.span).to_string(),
                    cue: q.cue.map(|c| doc.slice(c).to_string()).unwrap_or_default(),
                    speaker_start: q.speaker.map(|s| co.char_of(s.start)),
                    speaker_end: q.speaker.map(|s| co.char_of(s.end)),
                    speaker_text: q
                        .speaker
                        .map(|s| doc.slice(s).to_string())
                        .unwrap_or_default(),
                    speaker_entity_id: speaker_entity.map(|e| e.id),
                    speaker_canonical: speaker_entity
                        .map(|e| e.canonical.clone())
                        .unwrap_or_default(),
                    kind: q.kind.as_str().to_string(),
                }
            })
            .collect();
        let status = if doc.paragraphs.is_empty() {
            "no_text_after_cleaning"
        } else {
            "ok"
        };
        ArticleRows {
            article: Some(ArticleRow {
                id: id.clone(),
                title: doc.title.clone(),
                chars: doc.text.chars().count(),
                n_entities: entities.entities.len(),
                n_quotes: quotes.len(),
                status: status.to_string(),
            }),
            mentions: mention_rows,
            entities: entity_rows,
            quotes: quote_rows,
        }
    }
}

struct CsvFile {
    temp: PathBuf,
    path: PathBuf,
    writer: csv::Writer<BufWriter<File>>,
}

impl CsvFile {
    fn create(dir: &Path, name: &str) -> Result<CsvFile> {
        CsvFile::open(dir, name, None)
    }

    /// Opens the temporary file: new and empty, or (resuming) cut back to `keep` bytes, the
    /// length it had at the last checkpoint, and appended to.
    fn open(dir: &Path, name: &str, keep: Option<u64>) -> Result<CsvFile> {
        let path = dir.join(name);
        let temp = dir.join(format!("{name}.tmp"));
        // A complete file from an earlier run must not sit next to this run's partial output.
        if path.exists() {
            std::fs::remove_file(&path)
                .with_context(|| format!("cannot remove old {}", path.display()))?;
        }
        let file = match keep {
            None => File::create(&temp),
            Some(len) => std::fs::OpenOptions::new()
                .append(true)
                .open(&temp)
                .and_then(|f| f.set_len(len).map(|()| f)),
        }
        .with_context(|| format!("cannot open {}", temp.display()))?;
        // A resumed file that has rows has its header already.
        let writer = csv::WriterBuilder::new()
            .has_headers(keep.unwrap_or(0) == 0)
            .from_writer(BufWriter::new(file));
        Ok(CsvFile { temp, path, writer })
    }

    /// Length on disk after a flush.
    fn len(&mut self) -> Result<u64> {
        self.writer
            .flush()
            .with_context(|| format!("cannot write {}", self.temp.display()))?;
        Ok(self.writer.get_ref().get_ref().metadata()?.len())
    }

    fn write<R: Serialize>(&mut self, row: &R) -> Result<()> {
        self.writer
            .serialize(row)
            .with_context(|| format!("cannot write {}", self.temp.display()))
    }
}

/// The five CSV files of a run.
pub struct OutputWriter {
    articles: CsvFile,
    mentions: CsvFile,
    entities: CsvFile,
    quotes: CsvFile,
    errors: CsvFile,
    headers_written: bool,
    dir: PathBuf,
}

/// Name of the checkpoint file an unfinished run keeps in its output directory.
pub const CHECKPOINT: &str = ".whosaid-checkpoint.json";

/// How far an unfinished run got: input records fully written, and the length of each
/// temporary file (in [`FILES`] order) at that point.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Checkpoint {
    pub records: u64,
    pub lengths: [u64; 5],
}

impl OutputWriter {
    /// Creates `dir` if needed and opens the temporary files.
    pub fn create(dir: &Path) -> Result<OutputWriter> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create output directory {}", dir.display()))?;
        let _ = std::fs::remove_file(dir.join(CHECKPOINT));
        Ok(OutputWriter {
            articles: CsvFile::create(dir, FILES[0])?,
            mentions: CsvFile::create(dir, FILES[1])?,
            entities: CsvFile::create(dir, FILES[2])?,
            quotes: CsvFile::create(dir, FILES[3])?,
            errors: CsvFile::create(dir, FILES[4])?,
            headers_written: false,
            dir: dir.to_path_buf(),
        })
    }

    /// Reopens an interrupted run's temporary files at its last checkpoint. Returns the writer
    /// and the number of input records already written, which the caller skips.
    pub fn resume(dir: &Path) -> Result<(OutputWriter, u64)> {
        let path = dir.join(CHECKPOINT);
        let raw = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "nothing to resume in {}: no checkpoint of an unfinished run (run without --resume)",
                dir.display()
            )
        })?;
        let cp: Checkpoint = serde_json::from_str(&raw)
            .with_context(|| format!("{} is not a whosaid checkpoint", path.display()))?;
        let open = |i: usize| CsvFile::open(dir, FILES[i], Some(cp.lengths[i]));
        let writer = OutputWriter {
            articles: open(0)?,
            mentions: open(1)?,
            entities: open(2)?,
            quotes: open(3)?,
            errors: open(4)?,
            headers_written: false,
            dir: dir.to_path_buf(),
        };
        Ok((writer, cp.records))
    }

    /// Flushes and records that the first `records` input records are fully written, so that
    /// `--resume` can continue from here after an interruption.
    pub fn checkpoint(&mut self, records: u64) -> Result<()> {
        let mut lengths = [0u64; 5];
        for (len, f) in lengths.iter_mut().zip(self.files_mut()) {
            *len = f.len()?;
        }
        let cp = Checkpoint { records, lengths };
        let path = self.dir.join(CHECKPOINT);
        let temp = self.dir.join(format!("{CHECKPOINT}.tmp"));
        std::fs::write(&temp, serde_json::to_vec(&cp)?)
            .with_context(|| format!("cannot write {}", temp.display()))?;
        std::fs::rename(&temp, &path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(())
    }

    pub fn write_article(&mut self, rows: &ArticleRows) -> Result<()> {
        if let Some(a) = &rows.article {
            self.articles.write(a)?;
        }
        for m in &rows.mentions {
            self.mentions.write(m)?;
        }
        for e in &rows.entities {
            self.entities.write(e)?;
        }
        for q in &rows.quotes {
            self.quotes.write(q)?;
        }
        Ok(())
    }

    pub fn write_error(&mut self, e: &RecordError) -> Result<()> {
        self.errors.write(&ErrorRow {
            input: e.input.clone(),
            record: e.record.clone(),
            reason: e.reason.clone(),
        })
    }

    /// Flushes what was written so far (after each chunk, so long runs show progress on disk).
    pub fn flush(&mut self) -> Result<()> {
        for f in self.files_mut() {
            f.writer
                .flush()
                .with_context(|| format!("cannot write {}", f.temp.display()))?;
        }
        Ok(())
    }

    fn files_mut(&mut self) -> [&mut CsvFile; 5] {
        [
            &mut self.articles,
            &mut self.mentions,
            &mut self.entities,
            &mut self.quotes,
            &mut self.errors,
        ]
    }

    /// Writes headers of files that got no rows, flushes, and renames every file to its final name.
    pub fn finish(mut self) -> Result<()> {
        if !self.headers_written {
            // csv writes a header with the first row; empty files still need theirs.
            write_header_if_empty(
                &mut self.articles,
                &["id", "title", "chars", "n_entities", "n_quotes", "status"],
            )?;
            write_header_if_empty(
                &mut self.mentions,
                &[
                    "article_id",
                    "start",
                    "end",
                    "text",
                    "label",
                    "score",
                    "entity_id",
                ],
            )?;
            write_header_if_empty(
                &mut self.entities,
                &[
                    "article_id",
                    "entity_id",
                    "canonical",
                    "label",
                    "country_code",
                    "mentions",
                    "first_start",
                ],
            )?;
            write_header_if_empty(
                &mut self.quotes,
                &[
                    "article_id",
                    "quote_id",
                    "start",
                    "end",
                    "text",
                    "cue",
                    "speaker_start",
                    "speaker_end",
                    "speaker_text",
                    "speaker_entity_id",
                    "speaker_canonical",
                    "kind",
                ],
            )?;
            write_header_if_empty(&mut self.errors, &["input", "record", "reason"])?;
            self.headers_written = true;
        }
        self.flush()?;
        for f in self.files_mut() {
            f.writer.get_ref().get_ref().sync_all().ok();
            std::fs::rename(&f.temp, &f.path).with_context(|| {
                format!("cannot rename {} to {}", f.temp.display(), f.path.display())
            })?;
        }
        let _ = std::fs::remove_file(self.dir.join(CHECKPOINT));
        Ok(())
    }
}

fn write_header_if_empty(f: &mut CsvFile, header: &[&str]) -> Result<()> {
    f.writer.flush()?;
    let empty = f
        .writer
        .get_ref()
        .get_ref()
        .metadata()
        .map(|m| m.len() == 0)
        .unwrap_or(false);
    if empty {
        f.writer.write_record(header)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_appear_only_when_finished_with_headers() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("articles.csv"), "stale").unwrap();
        let mut w = OutputWriter::create(dir.path()).unwrap();
        assert!(
            !dir.path().join("articles.csv").exists(),
            "stale complete file must go"
        );
        w.write_error(&RecordError {
            input: "a.jsonl".into(),
            record: "line 3".into(),
            reason: "bad".into(),
        })
        .unwrap();
        w.flush().unwrap();
        assert!(!dir.path().join("errors.csv").exists());
        w.finish().unwrap();
        let errors = std::fs::read_to_string(dir.path().join("errors.csv")).unwrap();
        assert_eq!(errors, "input,record,reason\na.jsonl,line 3,bad\n");
        let quotes = std::fs::read_to_string(dir.path().join("quotes.csv")).unwrap();
        assert!(quotes.starts_with("article_id,quote_id,start,end,text,cue,speaker_start"));
        assert!(std::fs::read_dir(dir.path()).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".tmp")));
    }
}
