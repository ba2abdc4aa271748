//! CoNLL files, the format of NER training and evaluation data: one token per line, the word
//! first and the NER tag last, blank lines between sentences, `-DOCSTART-` between documents.
//!
//! ```text
//! -DOCSTART- -X- -X- O
//!
//! Lleshaj NNP B-NP B-PER
//! spoke VBD B-VP O
//! ```

use std::io::BufRead;
use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::ner::Tag;

/// Rewriting a sentence's casing: how `eval ner --case` tests text without normal casing, and
/// what casing augmentation in `train ner` writes. `Pompeo met MEK` → `pompeo met mek` (lower)
/// or `POMPEO MET MEK` (upper).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Recase {
    #[default]
    AsIs,
    Lower,
    Upper,
}

impl Recase {
    /// Rewrites the words of `sentence` in place.
    pub fn apply(self, sentence: &mut ConllSentence) {
        for w in &mut sentence.words {
            match self {
                Recase::AsIs => {}
                Recase::Lower => *w = w.to_lowercase(),
                Recase::Upper => *w = w.to_uppercase(),
            }
        }
    }
}

impl std::str::FromStr for Recase {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> Result<Recase> {
        match s {
            "as-is" => Ok(Recase::AsIs),
            "lower" => Ok(Recase::Lower),
            "upper" => Ok(Recase::Upper),
            other => bail!("unknown casing {other}: use as-is, lower or upper"),
        }
    }
}

/// One CoNLL sentence: words and their gold tags.
#[derive(Debug, Clone, PartialEq)]
pub struct ConllSentence {
    pub words: Vec<String>,
    pub tags: Vec<Tag>,
    /// The file's line (1-based) of its first word, so an error row can say where it is (0 for
    /// a sentence no file gave).
    pub line: usize,
}

/// A document of a CoNLL file (`-DOCSTART-` separates them; a file without any is one document).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConllDocument {
    pub sentences: Vec<ConllSentence>,
}

/// Whether any word of `docs` is tagged as (part of) an entity: scores over documents without one
/// are no scores (recall over no gold, a dev set every model scores 0 on).
pub fn has_entities(docs: &[ConllDocument]) -> bool {
    docs.iter()
        .flat_map(|d| &d.sentences)
        .flat_map(|s| &s.tags)
        .any(|t| t.label().is_some())
}

/// Reads a CoNLL file: one token per line, columns separated by white space, the word first and
/// the NER tag last (2 to 4+ columns), blank lines between sentences.
pub fn read_conll(path: &Path) -> Result<Vec<ConllDocument>> {
    // A directory, a FIFO (it waited for a writer) or a device (`train.conll -> /dev/zero` was
    // one line read into memory for ever) is named, never read.
    if let Some(kind) = crate::paths::other_than_a_file(path) {
        bail!("{}: {kind}, not a CoNLL file", path.display());
    }
    let file = crate::paths::open_regular_file(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let mut docs = vec![ConllDocument::default()];
    let mut cur = ConllSentence {
        words: Vec::new(),
        tags: Vec::new(),
        line: 0,
    };
    let flush = |cur: &mut ConllSentence, docs: &mut Vec<ConllDocument>| {
        if !cur.words.is_empty() {
            docs.last_mut().unwrap().sentences.push(std::mem::replace(
                cur,
                ConllSentence {
                    words: vec![],
                    tags: vec![],
                    line: 0,
                },
            ));
        }
    };
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidData => {
                anyhow::anyhow!("{}: line {}: not UTF-8 text", path.display(), n + 1)
            }
            _ => anyhow::Error::new(e).context(format!(
                "{}: line {}: cannot read",
                path.display(),
                n + 1
            )),
        })?;
        // An editor's byte order mark is no text: before `-DOCSTART-` it made a one-word
        // sentence, before a word a word no model knows.
        let line = if n == 0 {
            line.strip_prefix('\u{feff}').unwrap_or(&line)
        } else {
            &line
        };
        let line = line.trim();
        if line.is_empty() {
            flush(&mut cur, &mut docs);
            continue;
        }
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols[0] == "-DOCSTART-" {
            flush(&mut cur, &mut docs);
            if !docs.last().unwrap().sentences.is_empty() {
                docs.push(ConllDocument::default());
            }
            continue;
        }
        if cols.len() < 2 {
            bail!(
                "{}: line {}: expected at least 2 columns (word … tag), found {:?}",
                path.display(),
                n + 1,
                line
            );
        }
        let tag: Tag = cols
            .last()
            .unwrap()
            .parse()
            .with_context(|| format!("{}: line {}", path.display(), n + 1))?;
        if cur.words.is_empty() {
            cur.line = n + 1;
        }
        cur.words.push(cols[0].to_string());
        cur.tags.push(tag);
    }
    flush(&mut cur, &mut docs);
    docs.retain(|d| !d.sentences.is_empty());
    Ok(docs)
}

/// Converts one sentence's IOB1 or IOB2 tags to IOB2: an I-X that does not continue an X
/// becomes B-X.
pub fn to_iob2(tags: &[Tag]) -> Vec<Tag> {
    let mut out = Vec::with_capacity(tags.len());
    let mut prev = Tag::Outside;
    for &tag in tags {
        let tag = match tag {
            Tag::Inside(label) if prev.label() != Some(label) => Tag::Begin(label),
            tag => tag,
        };
        prev = tag;
        out.push(tag);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    use crate::ner::parse_tags as t;

    #[test]
    fn reads_conll_with_docstart_and_varied_columns() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.conll");
        std::fs::write(
            &p,
            "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\nPeter B-PER\nBlackburn I-PER\n\n-DOCSTART- O\n\nBONN B-LOC\n",
        )
        .unwrap();
        let docs = read_conll(&p).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].sentences.len(), 2);
        assert_eq!(docs[0].sentences[1].tags, t("B-PER I-PER"));
        assert_eq!(docs[1].sentences[0].words, v("BONN"));
        std::fs::write(&p, "word X-PER\n").unwrap();
        assert!(read_conll(&p).unwrap_err().to_string().contains("line 1"));
    }

    #[test]
    fn a_byte_order_mark_before_docstart_is_no_word() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bom.conll");
        std::fs::write(&p, "\u{feff}-DOCSTART- -X- -X- O\n\nEU B-ORG\nsaid O\n").unwrap();
        let docs = read_conll(&p).unwrap();
        assert_eq!(docs.len(), 1);
        assert_eq!(
            docs[0].sentences.len(),
            1,
            "{:?}",
            docs[0].sentences[0].words
        );
        assert_eq!(docs[0].sentences[0].words, v("EU said"));
    }

    #[test]
    fn iob1_becomes_iob2() {
        let tags = |tags: &[&str]| t(&tags.join(" "));
        assert_eq!(
            to_iob2(&tags(&["I-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-ORG"])),
            tags(&["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "B-ORG"])
        );
    }
}
