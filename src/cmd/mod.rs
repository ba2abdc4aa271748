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
/// `report` when it re-reads the inputs).
#[derive(Args)]
pub struct FieldArgs {
    /// Field holding the article id (JSONL, CSV).
    #[arg(long, default_value = "id")]
    id_field: String,
    /// Field holding the title.
    #[arg(long, default_value = "title")]
    title_field: String,
    /// Field holding the text.
    #[arg(long, default_value = "text")]
    text_field: String,
    /// Field holding the URL.
    #[arg(long, default_value = "url")]
    url_field: String,
    /// Field holding the publication date.
    #[arg(long, default_value = "published")]
    published_field: String,
    /// Field holding the source name.
    #[arg(long, default_value = "source")]
    source_field: String,
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
