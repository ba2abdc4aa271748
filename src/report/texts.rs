//! The text of the articles that get pages, re-read from the run's inputs.
//!
//! The CSVs hold offsets, not texts. Rather than have `extract` copy every text into its output
//! (a second copy of the dump, for the few hundred articles a report shows), the report reads the
//! inputs again with the same readers (`--inputs`, same field options as `extract`) and keeps
//! only the texts it needs, matched by id and by where the run read them (its `input` and
//! `record` in `articles.csv`, [`same_record`]). A text is used only if it is the one the run saw:
//! its length must be the `chars` of `articles.csv`, and every mention, quote and speaker must
//! read, at its offsets, exactly the text its CSV row holds (in the record's title for a row
//! whose `field` is `title`: a headline the text does not repeat). Anything else (an input edited since
//! the run, another file with the same ids) is said on the page instead of highlighting the
//! wrong words.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use crate::input::{self, FieldNames, Origin, ReadOptions};
use crate::output::ArticleRow;
use crate::span::{CharOffsets, Field};
use crate::usage::UsageError;

use super::tables::ArticleGroup;
use super::CannotOpen;

/// What the report knows of one article's text.
#[derive(Debug, Clone)]
pub enum ArticleText {
    /// The title and text the run saw (the title as the record wrote it, its marks' offsets
    /// counting in it), and where they were read.
    Found {
        title: String,
        text: String,
        origin: Origin,
    },
    /// No `--inputs` were given.
    NotRead,
    /// No record of the inputs has this id.
    NotFound,
    /// Records with this id were found, but none is the text the run saw: why the last one is not.
    Differs(String),
}

/// Refuses, before any work, inputs that cannot be read a second time (stdin; anything that is
/// neither a file nor a folder, such as a named pipe: a usage error) and inputs that cannot be
/// opened at all as `extract` opens them (missing, unknown format: [`CannotOpen`]).
/// [`read_texts`] stops once it has every text it needs, so without this an input named after
/// them, a typo, would never be opened.
///
/// ```text
/// --inputs dump.jsonl     (a file)         read
/// --inputs dump/          (a folder)       read
/// --inputs dump.fifo      (mkfifo)         refused: this check reads its first record, and
///                                          reading the texts opens it again, which waits for a
///                                          writer that is gone, or finds that record eaten
/// --inputs <(zcat d.gz)   (a pipe)         refused likewise
/// ```
pub fn check_inputs(inputs: &[PathBuf], fields: &FieldNames) -> Result<()> {
    if inputs.iter().any(|p| p.as_os_str() == "-") {
        bail!("--inputs -: standard input cannot be read again; give the run's input files");
    }
    // Asked of the file system without opening: opening a pipe blocks until it has a writer.
    // A path that is not there is said below, as an input that cannot be opened (exit 3).
    for path in inputs {
        let readable_twice = std::fs::metadata(path).map_or(true, |m| m.is_file() || m.is_dir());
        if !readable_twice {
            return Err(UsageError(format!(
                "--inputs {}: not a regular file (a named pipe or a device?), which cannot be \
                 read again; give the run's input files",
                path.display()
            ))
            .into());
        }
    }
    let opts = read_options(fields);
    for path in inputs {
        // Opening reads the first record at most (a bad one is no failure to open).
        if let Some(Err(e)) = input::read_inputs(std::slice::from_ref(path), &opts).next() {
            if e.is_whole_input() {
                return Err(CannotOpen {
                    what: "--inputs",
                    path: path.clone(),
                    reason: e.reason,
                }
                .into());
            }
        }
    }
    Ok(())
}

fn read_options(fields: &FieldNames) -> ReadOptions {
    ReadOptions {
        fields: fields.clone(),
        // The run already left out what was too long; the report takes what it finds.
        max_bytes: usize::MAX,
    }
}

/// The text of each of `groups`, in their order, from `inputs` (none read when `inputs` is empty).
pub fn read_texts(
    inputs: &[PathBuf],
    fields: &FieldNames,
    groups: &[ArticleGroup],
) -> Result<Vec<ArticleText>> {
    if inputs.is_empty() {
        return Ok(vec![ArticleText::NotRead; groups.len()]);
    }
    let mut texts = vec![ArticleText::NotFound; groups.len()];
    let mut wanted: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, g) in groups.iter().enumerate() {
        wanted.entry(g.article.id.as_str()).or_default().push(i);
    }
    let mut missing = groups.len();
    let opts = read_options(fields);
    for record in input::read_inputs(inputs, &opts) {
        let article = match record {
            Ok(a) => a,
            Err(e) if e.is_whole_input() => bail!("--inputs {}: {}", e.input, e.reason),
            Err(_) => continue, // The run could not read it either: errors.csv lists it.
        };
        let Some(slots) = wanted.get(article.id.as_str()) else {
            continue;
        };
        for &i in slots {
            if matches!(texts[i], ArticleText::Found { .. })
                || !same_record(&article.origin, &groups[i].article)
            {
                continue;
            }
            match differs((&article.title, &article.text), &groups[i]) {
                None => {
                    texts[i] = ArticleText::Found {
                        title: article.title,
                        text: article.text,
                        origin: article.origin,
                    };
                    missing -= 1;
                    break;
                }
                Some(why) => {
                    let at = format!("{}: {}", article.origin.input, article.origin.record);
                    texts[i] = ArticleText::Differs(format!("{at}: {why}"));
                }
            }
        }
        if missing == 0 {
            break;
        }
    }
    Ok(texts)
}

/// Whether a record read from `origin` can be the one the run wrote as `row`: the same record
/// of the same input. Two dumps may both hold id `dup` on their line 1, with texts of one length
/// that differ only outside every span: matched by id, the first read was shown for both.
/// The run's input is the path it was given, which may be spelled otherwise here (`./a.jsonl`,
/// an absolute path) or not resolve here at all (a run made elsewhere): then the same file, or
/// the same file name, will do. A run written before `articles.csv` named inputs matches by id
/// alone.
pub fn same_record(origin: &Origin, row: &ArticleRow) -> bool {
    if row.input.is_empty() && row.record.is_empty() {
        return true;
    }
    if origin.record != row.record {
        return false;
    }
    if origin.input == row.input {
        return true;
    }
    let (here, run) = (Path::new(&origin.input), Path::new(&row.input));
    match (here.canonicalize(), run.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        (Ok(_), Err(_)) => here.file_name() == run.file_name(),
        _ => false,
    }
}

/// Why a record's `title` and `text` are not the ones the run saw for `g`, if they are not.
pub fn differs((title, text): (&str, &str), g: &ArticleGroup) -> Option<String> {
    let offsets = CharOffsets::new(text);
    let title_offsets = CharOffsets::new(title);
    let chars = offsets.chars();
    if chars != g.article.chars {
        return Some(format!(
            "its text has {chars} characters, the run's articles.csv says {}",
            g.article.chars
        ));
    }
    // A text column is the text at its offsets as the tables write it (`crate::output`), or,
    // in a run of a whosaid before session 50, the text at its offsets as it stands.
    let written_as = |field: Field, s: usize, e: usize, expected: &str| {
        let (text, offsets) = match field {
            Field::Title => (title, &title_offsets),
            Field::Text => (text, &offsets),
        };
        let (Some(start), Some(end)) = (offsets.byte_of(s), offsets.byte_of(e)) else {
            return false;
        };
        start <= end
            && (text[start..end] == *expected
                || crate::output::span_text_of(text, start..end) == expected)
    };
    let mut spans: Vec<(&str, Field, usize, usize, &str)> = Vec::new();
    for m in &g.mentions {
        spans.push(("mention", m.field, m.start, m.end, &m.text));
    }
    for q in &g.quotes {
        spans.push(("quote", q.field, q.start, q.end, &q.text));
        if let (Some(s), Some(e)) = (q.speaker_start, q.speaker_end) {
            let field = q.speaker_field.unwrap_or_default();
            spans.push(("speaker", field, s, e, &q.speaker_text));
        }
    }
    spans.into_iter().find_map(|(what, field, s, e, expected)| {
        (!written_as(field, s, e, expected)).then(|| {
            let within = match field {
                Field::Title => "title",
                Field::Text => "text",
            };
            format!(
                "the {what} at characters {s}..{e} is {expected:?} in the CSVs but not in this \
                 {within}"
            )
        })
    })
}
