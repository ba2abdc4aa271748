//! Where processed records go: the CSV files of `extract` (checkpointed after each chunk), or
//! the JSON lines of `stream`.

use std::io::Write;

use anyhow::{Context, Result};

use crate::checkpoint::RecordsRead;
use crate::input::RecordError;
use crate::output::{ArticleRows, OutputWriter};

/// Where processed records go: the CSV files of `extract`, or JSON lines of `stream`.
pub trait Sink {
    fn article(&mut self, rows: &ArticleRows) -> Result<()>;
    fn error(&mut self, error: &RecordError) -> Result<()>;
    /// Called after each chunk with the number of input records fully handed over so far.
    fn chunk_done(&mut self, read: RecordsRead) -> Result<()>;
}

/// The CSV files of `extract`, checkpointed after each chunk for `--resume`.
pub(super) struct CsvSink(pub(super) OutputWriter);

impl Sink for CsvSink {
    fn article(&mut self, rows: &ArticleRows) -> Result<()> {
        self.0.write_article(rows)
    }
    fn error(&mut self, error: &RecordError) -> Result<()> {
        self.0.write_error(error)
    }
    fn chunk_done(&mut self, read: RecordsRead) -> Result<()> {
        self.0.checkpoint(read)
    }
}

/// One output line of `stream` mode: an article's rows nested, or the reason it was skipped.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum StreamLine<'a> {
    Article {
        article: &'a Option<crate::output::ArticleRow>,
        entities: &'a [crate::output::EntityRow],
        mentions: &'a [crate::output::MentionRow],
        quotes: &'a [crate::output::QuoteRow],
    },
    Error {
        error: crate::output::ErrorRow,
    },
}

/// JSON lines on a writer, one per input record, flushed after each chunk.
pub struct JsonLinesSink<W: Write>(pub W);

impl<W: Write> Sink for JsonLinesSink<W> {
    fn article(&mut self, rows: &ArticleRows) -> Result<()> {
        let line = StreamLine::Article {
            article: &rows.article,
            entities: &rows.entities,
            mentions: &rows.mentions,
            quotes: &rows.quotes,
        };
        write_line(&mut self.0, &line).context(CANNOT_WRITE)
    }
    fn error(&mut self, error: &RecordError) -> Result<()> {
        let error = crate::output::ErrorRow {
            input: error.input.clone(),
            record: error.record.clone(),
            reason: error.reason.clone(),
        };
        write_line(&mut self.0, &StreamLine::Error { error }).context(CANNOT_WRITE)
    }
    fn chunk_done(&mut self, _read: RecordsRead) -> Result<()> {
        self.0.flush().context(CANNOT_WRITE)
    }
}

/// What a failed write of the JSON lines says before the system's reason: `whosaid stream >
/// /dev/full` said only `No space left on device`, naming nothing. (A broken pipe is still told
/// by the `io::Error` in the chain: see [`write_line`].)
const CANNOT_WRITE: &str = "cannot write the results to stdout";

/// Writes one JSON line. A failure to write comes back as the `io::Error` it is, not wrapped in
/// serde's: `stream | head -1` tells a reader gone away (a broken pipe) by that error's kind, and
/// wrapped, the pipe broken inside a row ended the run with `error: Broken pipe`, exit 1.
fn write_line(out: &mut impl Write, line: &StreamLine) -> Result<()> {
    serde_json::to_writer(&mut *out, line).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    Ok(())
}
