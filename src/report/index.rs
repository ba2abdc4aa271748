//! `entity_index.csv`: the dump's entities, one row per entity key ([`crate::entities::keys`]),
//! with how many articles name it, how many mentions it has and how many quotes it speaks.
//!
//! ```text
//! entity_key,label,canonical,articles,mentions,quotes
//! country:IR,LOC,Iran,2,9,0
//! donald trump,PER,Donald Trump,2,5,1
//! ```
//!
//! `extract` writes it when its other files are complete (from them, so a resumed run's index
//! is the index of the whole run), and `whosaid index RUN...` writes it for several runs taken
//! together — the shards of one dump — equal to the index one run over the whole dump writes.
//! Per key: the label most of its mentions carry (ties: LOC, MISC, ORG, PER in that order), the
//! canonical name of most mentions (ties: the longer, then the first in alphabetical order),
//! the articles with an entity of that key, their mentions, and the quotes whose speaker
//! resolved to one of them. Ambiguous entities have no key and are not counted. Rows are in key
//! order. Memory grows with the number of distinct keys, not with the size of the dump.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};

use super::tables::{ArticleGroup, RunFiles, RunReader, Table};
use super::vote::NameVote;
use crate::checkpoint::INDEX_HEADER;
use crate::ner::EntityLabel;
use crate::whole_file::replace_file;

pub use crate::checkpoint::INDEX_FILE;

/// One row of `entity_index.csv`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct IndexRow {
    pub entity_key: String,
    pub label: EntityLabel,
    pub canonical: String,
    pub articles: usize,
    pub mentions: usize,
    pub quotes: usize,
}

/// What one key has gathered so far.
#[derive(Debug, Default)]
struct Totals {
    /// Mentions per label and per canonical name.
    vote: NameVote,
    articles: usize,
    /// The last article (run, row) counted, so an article with two entities of one key counts
    /// once.
    last_article: Option<(usize, usize)>,
    mentions: usize,
    quotes: usize,
}

/// Whether the runs in `a` and `b` are one run, which counted twice would double every count:
/// one folder under two names (`index s0 ./s0`, a link), or two folders whose `articles.csv` is
/// one file (its device and inode; each part file of a Spark table folder likewise), as a
/// hard-linked copy makes them:
///
/// ```text
/// cp -al run snap; whosaid index run snap --out i.csv    refused: the same run
/// cp -a  run copy; whosaid index run copy --out i.csv    counted twice, as two runs
/// ```
///
/// A copy with its own files is not told apart from a second run over the same dump: the
/// index counts what it is given. A run whose tables cannot be found is no same run here; it
/// is refused when read.
pub fn same_run(a: &Path, b: &Path) -> bool {
    if crate::paths::same_file(a, b) {
        return true;
    }
    let (Ok(a_files), Ok(b_files)) = (Table::Articles.paths(a), Table::Articles.paths(b)) else {
        return false;
    };
    a_files
        .iter()
        .any(|x| b_files.iter().any(|y| crate::paths::same_file(x, y)))
}

/// The index of the runs in `dirs`, taken together in the order given.
pub fn build(dirs: &[PathBuf]) -> Result<Vec<IndexRow>> {
    // Every run opened before any is read: an index without one of them would look whole.
    for dir in dirs {
        super::tables::check_run_dir(dir)?;
    }
    // One run's files at a time (hundreds of runs would be thousands of open files).
    build_from(dirs.iter().map(|dir| RunFiles::open(dir)))
}

fn build_from(runs: impl Iterator<Item = Result<RunFiles>>) -> Result<Vec<IndexRow>> {
    let mut totals: BTreeMap<String, Totals> = BTreeMap::new();
    for (run, files) in runs.enumerate() {
        let mut reader = RunReader::open(&files?)?;
        while let Some(group) = reader.next_group()? {
            add_article(&mut totals, (run, group.index), &group);
        }
    }
    Ok(totals.into_iter().map(|(k, t)| row_of(k, t)).collect())
}

fn add_article(totals: &mut BTreeMap<String, Totals>, at: (usize, usize), group: &ArticleGroup) {
    for entity in group.entities.iter().filter(|e| !e.row.ambiguous) {
        // Not ambiguous, so named; an ambiguous entity has no key to index it under.
        let Some(key) = entity.key.as_str() else {
            continue;
        };
        let t = totals.entry(key.to_string()).or_default();
        let row = &entity.row;
        t.vote.add(row.label, &row.canonical, row.mentions as u64);
        t.mentions += entity.row.mentions;
        if t.last_article != Some(at) {
            t.articles += 1;
            t.last_article = Some(at);
        }
    }
    for quote in &group.quotes {
        let speaker = quote.speaker_entity_id.and_then(|id| group.entity(id));
        if let Some(entity) = speaker.filter(|e| !e.row.ambiguous) {
            if let Some(t) = entity.key.as_str().and_then(|k| totals.get_mut(k)) {
                t.quotes += 1;
            }
        }
    }
}

fn row_of(entity_key: String, t: Totals) -> IndexRow {
    let (label, canonical) = (t.vote.label(), t.vote.name().to_string());
    IndexRow {
        entity_key,
        label,
        canonical,
        articles: t.articles,
        mentions: t.mentions,
        quotes: t.quotes,
    }
}

/// Refuses to write the index over an existing file that is not an earlier index
/// ([`crate::output::holds_other_data`]): `index run --out dump.jsonl` would have replaced the
/// dump, and `--out other-run/articles.csv` another run's table.
///
/// ```text
/// --out index.csv   (absent)                                  written
/// --out index.csv   entity_key,label,canonical,articles,…     replaced
/// --out dump.jsonl  {"id": "a1", …}                           refused, untouched
/// ```
pub fn refuse_foreign_file(path: &Path) -> Result<()> {
    if crate::output::holds_other_data(path, &INDEX_HEADER) {
        bail!(
            "--out {} exists and is not an entity index ({}): choose another path (nothing was \
             written)",
            path.display(),
            crate::output::why_other_data(path, &INDEX_HEADER)
        );
    }
    Ok(())
}

/// Writes `rows` to `path` whole or not at all ([`replace_file`]: a new temporary file, renamed
/// when complete, removed when any step fails). [`replace_file`] names the temporary file in any
/// error, so the steps here do not name it again.
pub fn write(rows: &[IndexRow], path: &Path) -> Result<()> {
    replace_file(path, |temp| fill(csv::Writer::from_path(temp)?, rows))
}

/// Writes the rows into the temporary file and syncs it.
fn fill(mut out: csv::Writer<std::fs::File>, rows: &[IndexRow]) -> Result<()> {
    if rows.is_empty() {
        out.write_record(INDEX_HEADER)?;
    }
    for row in rows {
        out.serialize(row)?;
    }
    out.flush()?;
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    Ok(())
}

/// Writes the index of the run finishing in `dir` into it ([`INDEX_FILE`]): the run's own
/// last step, under its lock.
pub fn write_run_index(dir: &Path) -> Result<()> {
    let rows = build_from(std::iter::once(RunFiles::open_finishing(dir)))?;
    write(&rows, &dir.join(INDEX_FILE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_earlier_index_or_an_empty_file_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        assert!(refuse_foreign_file(&path("absent.csv")).is_ok());
        std::fs::write(path("empty.csv"), "").unwrap();
        assert!(refuse_foreign_file(&path("empty.csv")).is_ok());
        write(&[], &path("earlier.csv")).unwrap();
        assert!(refuse_foreign_file(&path("earlier.csv")).is_ok());
        for (name, text) in [
            (
                "dump.jsonl",
                "{\"id\": \"a1\", \"text\": \"Merkel said so.\"}\n",
            ),
            ("articles.csv", "id,title,chars\n"),
            ("index.csv.bak", "entity_key,label\n"),
            ("other.csv", "entity_key,labels,canonical\n"),
        ] {
            std::fs::write(path(name), text).unwrap();
            let err = refuse_foreign_file(&path(name)).unwrap_err().to_string();
            assert!(err.contains("is not an entity index"), "{name}: {err}");
            assert_eq!(std::fs::read_to_string(path(name)).unwrap(), text);
        }
    }

    /// Writes the table `name` of a run in `dir`: whosaid's header, then `body`.
    fn write_table(dir: &Path, name: &str, body: &str) {
        let i = crate::output::FILES
            .iter()
            .position(|f| *f == name)
            .unwrap();
        // The columns before the field columns, which the rows here have.
        let header = crate::output::header_before_fields(i);
        std::fs::write(dir.join(name), format!("{header}\n{body}")).unwrap();
    }

    /// A run of the rows given, each ending in its article's key: `key-ID` for the article `ID`
    /// (the row's first cell).
    fn run_dir(entities: &str, quotes: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, body: &str| {
            let keyed: String = body
                .lines()
                .map(|row| format!("{row},key-{}\n", row.split(',').next().unwrap()))
                .collect();
            write_table(dir.path(), name, &keyed);
        };
        write("articles.csv", "a1,,10,2,1,ok,,,,,\na2,,10,2,0,ok,,,,,\n");
        let mentions = "a1,0,5,Trump,PER,0.9,1\n".repeat(3)
            + "a1,6,10,Iran,LOC,0.9,2\n"
            + "a2,0,5,Trump,PER,0.9,1\n"
            + &"a2,6,13,Clinton,PER,0.9,2\n".repeat(2);
        write("mentions.csv", &mentions);
        write("entities.csv", entities);
        write("quotes.csv", quotes);
        write("errors.csv", "");
        dir
    }

    /// Two dumps' article `1`, both naming Iran: two articles, though one id.
    #[test]
    fn articles_of_one_id_count_as_the_articles_they_are() {
        let dir = tempfile::tempdir().unwrap();
        let article = |input: &str, key: &str| format!("1,,10,1,0,ok,,,,{input},line 1,{key}\n");
        let articles = article("a/news.jsonl", "ka") + &article("b/news.jsonl", "kb");
        write_table(dir.path(), "articles.csv", &articles);
        let entity = |key: &str| format!("1,1,Iran,LOC,IR,1,0,false,country:IR,{key}\n");
        write_table(dir.path(), "entities.csv", &(entity("ka") + &entity("kb")));
        let mention = |key: &str| format!("1,0,4,Iran,LOC,0.9,1,{key}\n");
        write_table(
            dir.path(),
            "mentions.csv",
            &(mention("ka") + &mention("kb")),
        );
        write_table(dir.path(), "quotes.csv", "");
        write_table(dir.path(), "errors.csv", "");
        let rows = build(&[dir.path().to_path_buf()]).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].articles, rows[0].mentions), (2, 2));
    }

    /// A write that fails (here the rename onto a directory) used to leave `PATH.csv.tmp`.
    /// `index … --out FIFO` hung reading the FIFO's first line.
    #[cfg(unix)]
    #[test]
    fn a_fifo_as_out_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("index.csv");
        crate::paths::special::make_fifo(&fifo);
        let path = fifo.clone();
        let err = crate::paths::special::at_once(move || {
            refuse_foreign_file(&path).unwrap_err().to_string()
        });
        assert!(
            err.contains(&fifo.display().to_string())
                && err.contains("it is a FIFO (named pipe), not a regular file"),
            "{err}"
        );
    }

    #[test]
    fn a_failed_write_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("index");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("mine.txt"), "keep").unwrap();
        assert!(write(&[], &target).is_err());
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, ["index"]);
        assert_eq!(
            std::fs::read_to_string(target.join("mine.txt")).unwrap(),
            "keep"
        );
    }

    #[test]
    fn one_row_per_key_across_articles_with_votes_and_speakers() {
        let entities = "a1,1,Donald J. Trump,PER,,3,0,false,donald trump\n\
                        a1,2,Iran,LOC,IR,1,5,false,country:IR\n\
                        a2,1,Donald Trump,PER,,1,0,false,donald trump\n\
                        a2,2,Clinton,PER,,2,4,true,\n";
        let quotes = "a1,1,1,0,4,text,said,5,9,0,4,Trump,1,Donald J. Trump,indirect\n";
        let dir = run_dir(entities, quotes);
        let dir = dir.path().to_path_buf();
        let rows = build(std::slice::from_ref(&dir)).unwrap();
        let keys: Vec<&str> = rows.iter().map(|r| r.entity_key.as_str()).collect();
        assert_eq!(keys, ["country:IR", "donald trump"]);
        let trump = &rows[1];
        assert_eq!(trump.canonical, "Donald J. Trump");
        assert_eq!(trump.label, EntityLabel::Per);
        assert_eq!((trump.articles, trump.mentions, trump.quotes), (2, 4, 1));
        // Two runs taken together count like one run over both.
        let both = build(&[dir.clone(), dir.clone()]).unwrap();
        assert_eq!(
            (both[1].articles, both[1].mentions, both[1].quotes),
            (4, 8, 2)
        );
        write_run_index(&dir).unwrap();
        let written = std::fs::read_to_string(dir.join(INDEX_FILE)).unwrap();
        assert_eq!(
            written,
            "entity_key,label,canonical,articles,mentions,quotes\n\
             country:IR,LOC,Iran,1,1,0\n\
             donald trump,PER,Donald J. Trump,2,4,1\n"
        );
    }
}
