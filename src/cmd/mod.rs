//! One module per command, the xsv way: each owns its arguments and its `run`.

use std::num::NonZeroUsize;

use clap::Args;

use whosaid::input::FieldNames;
use whosaid::pipeline::MAX_THREADS;

/// The exit status for an input that could not be opened at all (see `whosaid --help`).
pub const EXIT_UNREADABLE_INPUT: u8 = 3;

/// The exit status of a usage error: clap's for a flag it cannot parse, and ours for a setting
/// the library refuses ([`whosaid::usage::UsageError`]).
pub const EXIT_USAGE: u8 = 2;

pub mod eval;
pub mod extract;
pub mod index;
pub mod report;
pub mod train_average;
pub mod train_ner;
pub mod train_quotes;
mod train_schedule;

/// `--threads` of every command that takes it: 1 to [`MAX_THREADS`], so that `--threads 0` and
/// `--threads 100000` are both usage errors naming the option (`value_parser = super::threads`).
pub fn threads(arg: &str) -> Result<NonZeroUsize, String> {
    let threads: NonZeroUsize = arg.parse().map_err(|e| format!("{e}"))?;
    if threads.get() > MAX_THREADS {
        return Err(format!(
            "at most {MAX_THREADS}, more than any machine's cores (got {threads})"
        ));
    }
    Ok(threads)
}

/// Which JSON keys or CSV columns of the inputs hold which article field (`extract`, and
/// `report` when it re-reads the inputs). A name is never blank ([`field_name`]), but the id's
/// may be empty ([`id_field_name`]).
#[derive(Args)]
pub struct FieldArgs {
    /// Field holding the article id (JSONL, CSV); '' reads a CSV's column with a blank header
    /// cell, as pandas' to_csv writes its index.
    #[arg(long, default_value = "id", value_parser = id_field_name)]
    id_field: String,
    /// Field holding the title.
    #[arg(long, default_value = "title", value_parser = field_name)]
    title_field: String,
    /// Field holding the text.
    #[arg(long, default_value = "text", value_parser = field_name)]
    text_field: String,
    /// Field holding the URL.
    #[arg(long, default_value = "url", value_parser = field_name)]
    url_field: String,
    /// Field holding the publication date.
    #[arg(long, default_value = "published", value_parser = field_name)]
    published_field: String,
    /// Field holding the source name.
    #[arg(long, default_value = "source", value_parser = field_name)]
    source_field: String,
}

/// A `--*-field` name: never empty or white space only, a usage error (exit 2). `--text-field
/// "$FIELD"` with `FIELD` unset read a pandas CSV's index column (its header cell is blank) as
/// every article's text, `0`, `1`, `2`, with exit 0, and made every JSON line an error row,
/// "missing `` field". A CSV header cell is trimmed, so a name of spaces could match none.
pub fn field_name(arg: &str) -> Result<String, String> {
    match arg.trim().is_empty() {
        true => Err(
            "an empty name (an unset shell variable?): give the JSON key or CSV column that \
             holds the field"
                .into(),
        ),
        false => Ok(arg.to_string()),
    }
}

/// `--id-field`: a [`field_name`], or empty, the one name of a column with a blank header cell.
/// pandas' `df.to_csv()` writes the frame's index so (`,id,text`), and a frame that was filtered
/// keeps its row labels there: `--id-field ''` makes them the ids, which join back to the frame.
/// No other field is held in such a column.
pub fn id_field_name(arg: &str) -> Result<String, String> {
    match arg.is_empty() {
        true => Ok(String::new()),
        false => field_name(arg),
    }
}

impl From<FieldArgs> for FieldNames {
    fn from(a: FieldArgs) -> Self {
        FieldNames {
            id: a.id_field,
            title: a.title_field,
            text: a.text_field,
            url: a.url_field,
            published: a.published_field,
            source: a.source_field,
        }
    }
}
