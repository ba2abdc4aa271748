//! `eval quotes --mentions-cache FILE`: the NER model's mentions of every article, kept so that
//! reruns tuning the quotes skip the model, and never read by a run they were not made for.
//!
//! ```text
//! # whosaid mentions cache 5e9027ae5af9a471   (the key: model files, precision, skipping, texts)
//! 0⇥21⇥36⇥PER⇥0.9981                           (article, byte start, byte end, label, score)
//! ```
//!
//! (⇥: a tab.)
//!
//! A cache whose key differs (another `--model`, `--precision`, or other articles) is made
//! again; a file without the header line is not a cache (a mistyped path to a file of the
//! user's) and is an error, left untouched, as is a path that is no regular file (a FIFO, never
//! opened).
//!
//! The key does not cover the binary: a cache outlives rebuilds, which is what reruns that tune
//! the quote rules want. After a change to the tagging code itself, name a new cache file.

use std::path::Path;

use anyhow::{anyhow, bail, Result};

use crate::checkpoint::hash_model;
use crate::fnv::Fnv1a;
use crate::ner::{Mention, Precision};
use crate::text::{Document, Span};
use crate::whole_file::replace_file;

/// The first line of a mentions cache: what it was made from, so a cache of another model,
/// precision, sentence skipping or text is never read as this run's ([`MentionsCache`]).
const CACHE_HEADER: &str = "# whosaid mentions cache ";

/// `eval quotes --mentions-cache FILE`: the NER model's mentions of every article, kept for
/// reruns that tune the quotes. The file opens with a key over what made the mentions (the
/// model's files, precision, sentence skipping, and every article's text); a cache with another
/// key is made again, and a file that does not open with the header is no cache of ours and is
/// left as it is, with an error.
pub struct MentionsCache<'a> {
    path: &'a Path,
    header: String,
}

impl<'a> MentionsCache<'a> {
    /// The cache at `path` for mentions of `docs` by `model` at `precision`, with or without
    /// the skipping of lower-case sentences.
    pub fn new(
        path: &'a Path,
        model: &Path,
        precision: Precision,
        skip_lowercase_sentences: bool,
        docs: &[Document],
    ) -> Result<Self> {
        let mut key = Fnv1a::default()
            .field(hash_model(model)?.as_bytes())
            .field(format!("{precision:?}").as_bytes())
            .field(&[u8::from(skip_lowercase_sentences)]);
        for doc in docs {
            key = key.field(doc.text.as_bytes());
        }
        let header = format!("{CACHE_HEADER}{:016x}", key.finish());
        Ok(MentionsCache { path, header })
    }

    /// The cached mentions when the file exists with this run's key; `None` when it must be
    /// made (no file, or one made from something else).
    pub fn read(&self, docs: &[Document]) -> Result<Option<Vec<Vec<Mention>>>> {
        let path = self.path;
        // Never a FIFO (reading one waited for a writer for ever) or a link to a device.
        let text = match crate::paths::read_regular_text(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(anyhow!("cannot read {}: {e}", path.display())),
        };
        let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
        if !first.starts_with(CACHE_HEADER) {
            bail!(
                "{}: not a mentions cache of this version (no `{}` line), left as it is: name \
                 a new file for --mentions-cache",
                path.display(),
                CACHE_HEADER.trim()
            );
        }
        if first != self.header {
            eprintln!(
                "whosaid: {}: made from another model, precision or text: making it again",
                path.display()
            );
            return Ok(None);
        }
        parse_mentions(path, rest, docs).map(Some)
    }

    /// Writes mentions as TSV lines after the header: article index, byte start, byte end,
    /// label, score. Whole or not at all ([`replace_file`]), so a cut-off write never looks like
    /// a cache.
    pub fn write(&self, all: &[Vec<Mention>]) -> Result<()> {
        let mut out = format!("{}\n", self.header);
        for (i, mentions) in all.iter().enumerate() {
            for m in mentions {
                out.push_str(&format!(
                    "{i}\t{}\t{}\t{}\t{}\n",
                    m.span.start, m.span.end, m.label, m.score
                ));
            }
        }
        replace_file(self.path, |temp| Ok(std::fs::write(temp, out)?))
    }
}

/// The mention lines of a cache (after its header); line numbers count the header.
fn parse_mentions(path: &Path, text: &str, docs: &[Document]) -> Result<Vec<Vec<Mention>>> {
    let mut all = vec![Vec::new(); docs.len()];
    for (n, line) in text.lines().enumerate() {
        let bad = || anyhow!("{}: line {}: not a mention line", path.display(), n + 2);
        let f: Vec<&str> = line.split('\t').collect();
        let [i, start, end, label, score] = f[..] else {
            return Err(bad());
        };
        let (i, start, end): (usize, usize, usize) = (
            i.parse().map_err(|_| bad())?,
            start.parse().map_err(|_| bad())?,
            end.parse().map_err(|_| bad())?,
        );
        let fits = docs.get(i).is_some_and(|d| {
            start <= end && d.text.is_char_boundary(start) && d.text.is_char_boundary(end)
        });
        if !fits {
            bail!(
                "{}: line {}: mention outside its article",
                path.display(),
                n + 2
            );
        }
        all[i].push(Mention {
            span: Span::new(start, end),
            label: label.parse().map_err(|_| bad())?,
            score: score.parse().map_err(|_| bad())?,
        });
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A FIFO named as the cache (a mistyped path, a pipe a script left) is refused, naming it,
    /// and never opened: reading it waited for a writer for ever.
    #[cfg(unix)]
    #[test]
    fn a_fifo_named_as_the_cache_is_refused_not_opened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.tsv");
        crate::paths::special::make_fifo(&path);
        let read = crate::paths::special::at_once(move || {
            let cache = MentionsCache {
                path: &path,
                header: format!("{CACHE_HEADER}0"),
            };
            cache.read(&[]).map(|_| ()).map_err(|e| format!("{e:#}"))
        });
        let e = read.unwrap_err();
        assert!(e.contains("cache.tsv") && e.contains("FIFO"), "{e}");
    }
}
