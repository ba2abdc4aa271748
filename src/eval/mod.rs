//! Scoring against labeled data: NER on CoNLL files and span-labeled fixtures, quotes on
//! brat standoff and the project's quote fixtures.

pub mod entities;
mod mentions_cache;
pub mod ner;
pub mod quotes;
pub mod run;

use std::collections::HashMap;

use anyhow::{bail, Context, Result};

use crate::clean::clean;
use crate::text::{CharOffsets, Document, Span};

/// The first two of `spans` (`[start, end)`, any order) that overlap, in start order: gold spans
/// are marked one character in one entity at most, so fixtures must have none.
pub(crate) fn first_overlap(
    spans: impl IntoIterator<Item = [usize; 2]>,
) -> Option<([usize; 2], [usize; 2])> {
    let mut spans: Vec<[usize; 2]> = spans.into_iter().collect();
    spans.sort();
    spans
        .windows(2)
        .find(|w| w[1][0] < w[0][1])
        .map(|w| (w[0], w[1]))
}

/// The text of a fixture file (JSON lines of gold articles), read from a regular file only, and
/// without the byte-order mark an editor may save it with: a FIFO waited for a writer for ever,
/// `fixtures.jsonl -> /dev/zero` was read into memory for ever, and a mark made line 1 "expected
/// value at line 1 column 1" (brat `.ann` and CoNLL files drop it too).
pub(crate) fn read_fixture_file(path: &std::path::Path) -> Result<String> {
    let text = crate::paths::read_regular_text(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// The lines of a fixture file that hold an article, each with its number (from 1): blank
/// lines and `//` comment lines are none, in every fixture reader (the quote fixtures' reader
/// alone skipped comments: a `//` line in the NER or entity fixtures was "not a fixture").
pub(crate) fn fixture_lines(body: &str) -> impl Iterator<Item = (usize, &str)> {
    body.lines()
        .map(str::trim)
        .enumerate()
        .filter(|(_, line)| !line.is_empty() && !line.starts_with("//"))
        .map(|(n, line)| (n + 1, line))
}

/// The line each article id of one fixture file is on, so that an id on a second line is an
/// error naming both lines, and an empty id an error: every score counts an article once per line (the same article
/// twice was scored twice, its gold and its predictions counted double), and `--errors` rows
/// name an article by its id alone.
#[derive(Default)]
pub(crate) struct IdLines(HashMap<String, usize>);

impl IdLines {
    /// Notes that `id` is on `line` (1-based), or says on which line it already was.
    pub(crate) fn check(&mut self, id: &str, line: usize) -> Result<()> {
        if id.trim().is_empty() {
            bail!("the article id is empty (give each article an id of its own)");
        }
        match self.0.get(id) {
            Some(first) => bail!(
                "article id {id:?} is also on line {first} (give each article its own id, or \
                 drop the copy)"
            ),
            None => {
                self.0.insert(id.to_string(), line);
                Ok(())
            }
        }
    }
}

/// Character offsets of one text turned into byte spans, with errors that say what is wrong.
pub(crate) struct CharToByte(CharOffsets);

impl CharToByte {
    pub(crate) fn new(text: &str) -> CharToByte {
        CharToByte(CharOffsets::new(text))
    }

    pub(crate) fn byte(&self, char_offset: usize) -> Result<usize> {
        self.0.byte_of(char_offset).with_context(|| {
            format!(
                "character offset {char_offset} is past the text's end ({} characters)",
                self.0.chars()
            )
        })
    }

    pub(crate) fn span(&self, start: usize, end: usize) -> Result<Span> {
        if start > end {
            bail!("span [{start}, {end}) ends before it starts");
        }
        Ok(Span::new(self.byte(start)?, self.byte(end)?))
    }
}

/// The document the pipeline builds for a labelled article's text (no title): what every
/// scorer tags and compares against its gold spans.
pub fn document_of_text(id: &str, text: &str) -> Document {
    Document::new(
        id.to_string(),
        String::new(),
        text.to_string(),
        &clean(text),
    )
}

#[cfg(all(test, unix))]
mod tests {
    use crate::paths::special::{at_once, make_fifo};
    use std::path::PathBuf;

    /// A fixture file saved with a byte-order mark (a Windows editor's) is read as without: its
    /// first line was "expected value at line 1 column 1", for every fixture reader.
    #[test]
    fn a_fixture_file_saved_with_a_byte_order_mark_is_read() {
        let tmp = tempfile::tempdir().unwrap();
        let quotes = tmp.path().join("quotes.jsonl");
        let line =
            r#"{"id": "a", "text": "Merkel said \"yes\".", "quotes": [{"content": [13, 16]}]}"#;
        std::fs::write(&quotes, format!("\u{feff}{line}\n")).unwrap();
        assert_eq!(super::quotes::load_fixtures(&[quotes]).unwrap().len(), 1);
        let entities = tmp.path().join("entities.jsonl");
        let line = r#"{"id": "a", "text": "Merkel spoke.", "entities": [{"key": "person:merkel", "canonical": "Merkel", "label": "PER", "ambiguous": false, "mentions": [[0, 6]]}]}"#;
        std::fs::write(&entities, format!("\u{feff}{line}\n")).unwrap();
        assert_eq!(
            super::entities::load_entity_fixtures(&[entities])
                .unwrap()
                .len(),
            1
        );
        let ner = tmp.path().join("ner.jsonl");
        let line = r#"{"id": "a", "text": "Merkel spoke.", "entities": [{"start": 0, "end": 6, "label": "PER"}]}"#;
        std::fs::write(&ner, format!("\u{feff}{line}\n")).unwrap();
        assert_eq!(super::run::read_ner_fixtures(&ner).unwrap().len(), 1);
    }

    /// Every fixture reader skips blank lines and `//` comment lines alike, and numbers the
    /// lines of the file: the NER and entity fixtures' readers read a comment as "not a
    /// fixture", where the quote fixtures' reader skipped it.
    #[test]
    fn every_fixture_reader_skips_comment_lines() {
        let tmp = tempfile::tempdir().unwrap();
        let write = |name: &str, line: &str| {
            let path = tmp.path().join(name);
            let bad = r#"{"id": "", "text": "x"}"#;
            std::fs::write(
                &path,
                format!("// gold of one article\n\n  // indented\n{line}\n{bad}\n"),
            )
            .unwrap();
            path
        };
        let quotes = write(
            "quotes.jsonl",
            r#"{"id": "a", "text": "Merkel said \"yes\".", "quotes": [{"content": [13, 16]}]}"#,
        );
        let entities = write(
            "entities.jsonl",
            r#"{"id": "a", "text": "Merkel spoke.", "entities": [{"key": "person:merkel", "canonical": "Merkel", "label": "PER", "mentions": [[0, 6]]}]}"#,
        );
        let ner = write(
            "ner.jsonl",
            r#"{"id": "a", "text": "Merkel spoke.", "entities": [{"start": 0, "end": 6, "label": "PER"}]}"#,
        );
        // Each reads past the comments to line 4, and names line 5 (an empty id, or no
        // `quotes`/`entities`) in its error.
        let errors = [
            format!("{:#}", super::quotes::load_fixtures(&[quotes]).unwrap_err()),
            format!(
                "{:#}",
                super::entities::load_entity_fixtures(&[entities]).unwrap_err()
            ),
            format!("{:#}", super::run::read_ner_fixtures(&ner).unwrap_err()),
        ];
        for error in errors {
            assert!(error.contains(".jsonl: line 5"), "{error}");
        }
    }

    /// Gold data is read from regular files only: a FIFO given as fixtures or CoNLL waited for
    /// a writer for ever, and a link to `/dev/zero` was read into memory for ever. Each is an
    /// error naming the file, at once, for every reader of gold data.
    #[test]
    fn gold_data_that_is_no_regular_file_is_refused_at_once() {
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join("gold.jsonl");
        make_fifo(&fifo);
        let zeros = tmp.path().join("zeros.jsonl");
        std::os::unix::fs::symlink("/dev/zero", &zeros).unwrap();
        type Reader = fn(&PathBuf) -> anyhow::Result<usize>;
        let readers: [(&str, Reader); 4] = [
            ("quote fixtures", |p| {
                Ok(super::quotes::load_fixtures(std::slice::from_ref(p))?.len())
            }),
            ("entity fixtures", |p| {
                Ok(super::entities::load_entity_fixtures(std::slice::from_ref(p))?.len())
            }),
            ("NER fixtures", |p| {
                Ok(super::run::read_ner_fixtures(p)?.len())
            }),
            ("CoNLL", |p| Ok(crate::conll::read_conll(p)?.len())),
        ];
        for path in [fifo, zeros] {
            for (what, read) in readers {
                let given = path.clone();
                let error = at_once(move || format!("{:#}", read(&given).unwrap_err()));
                let name = path.file_name().unwrap().to_str().unwrap();
                assert!(error.contains(name), "{what}: {error}");
                assert!(
                    error.contains("FIFO") || error.contains("device"),
                    "{what}: {error}"
                );
            }
        }
    }
}
