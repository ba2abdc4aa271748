//! Reading a run's CSVs back, one article at a time.
//!
//! A run writes each article's rows together and in input order: its line of `articles.csv`,
//! then its `n_entities` rows of `entities.csv`, their `mentions` (summed) rows of
//! `mentions.csv` and its `n_quotes` rows of `quotes.csv`. [`RunReader`] walks the four files in
//! step and hands out one [`ArticleGroup`] at a time, so the report never holds a whole table;
//! a row whose `article_key` (or `article_id`) is not the article's means the files are not one
//! run's, and reading stops saying where. The id alone would not tell: ids may repeat in a run,
//! and a quote of one dump's article `1` in the place of another dump's `1` passed.
//!
//! A table is `OUT/NAME.csv` as `extract` writes it, or `OUT/NAME/part-*.csv` as the Spark job
//! writes it without `--single-files` (a header in each part, parts in row order), once the job
//! has finished:
//!
//! ```text
//! out/quotes/part-00000-….csv  out/quotes/_SUCCESS              read
//! out/quotes/part-00000-….csv                                   read (marker turned off)
//! out/quotes/_temporary/0/…    (no _SUCCESS)                    refused: an unfinished Spark output
//! out/quotes/                  (no part file)                   refused: an unfinished Spark output
//! ```
//!
//! A report reads the tables twice, and `extract` replaces them by renames when a run ends, so
//! [`RunFiles`] opens every file once, up front, and every pass reads those open files: a run
//! finishing into the directory meanwhile cannot put its rows beside the earlier run's. A
//! directory a run is writing (its lock held), or whose run was killed while renaming its files,
//! is refused rather than read:
//!
//! ```text
//! extract --out run … still running         refused: wait for it to finish
//! killed between renaming quotes.csv and …   refused: `extract --resume` finishes it
//! a file replaced while the report opened   refused: run the report again
//! ```

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use csv::StringRecord;
use serde::de::DeserializeOwned;

use crate::checkpoint::{Checkpoint, FILES};
use crate::output::{ArticleRow, EntityRow, ErrorRow, MentionRow, QuoteRow, HEADERS};

use super::labels::EntityKey;
use super::CannotOpen;

/// Columns added after runs were first written, with their tables: a run without them still
/// reads (their fields take their defaults), so a report can be made of an older run. By table,
/// since `errors.csv` has an `input` and a `record` that it always had.
const ADDED_LATER: &[(Table, &str)] = &[
    (Table::Entities, "entity_key"),
    (Table::Articles, "input"),
    (Table::Articles, "record"),
    (Table::Articles, "article_key"),
    (Table::Mentions, "article_key"),
    (Table::Entities, "article_key"),
    (Table::Quotes, "article_key"),
    (Table::Mentions, "field"),
    (Table::Entities, "first_field"),
    (Table::Quotes, "field"),
    (Table::Quotes, "cue_field"),
    (Table::Quotes, "speaker_field"),
];

/// One of the run's five tables, by its index in [`FILES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Articles = 0,
    Mentions = 1,
    Entities = 2,
    Quotes = 3,
    Errors = 4,
}

impl Table {
    /// `articles.csv`, …
    pub fn file_name(self) -> &'static str {
        FILES[self as usize]
    }

    /// The files holding the table in `out`: the CSV, or the Spark job's part files.
    pub fn paths(self, out: &Path) -> Result<Vec<PathBuf>> {
        let file = out.join(self.file_name());
        if file.is_file() {
            return Ok(vec![file]);
        }
        let dir = out.join(self.file_name().trim_end_matches(".csv"));
        if dir.is_dir() {
            return spark_parts(&dir);
        }
        if let Some(what) = crate::paths::other_than_a_file(&file) {
            bail!(
                "{} is {what}, not a regular file: OUT_DIR must be the --out of a finished \
                 `whosaid extract` run",
                file.display()
            );
        }
        bail!(
            "{} is missing: OUT_DIR must be the --out of a finished `whosaid extract` run",
            file.display()
        )
    }
}

/// The part files of a table folder the Spark job wrote, in row order, if the job finished.
///
/// Spark writes every part under `_temporary/` first, moves them up when the job commits and then
/// writes `_SUCCESS`; every job writes at least one part file, even for a table without rows (a
/// header only). So a folder with `_temporary/` and no `_SUCCESS` is a job still running or one
/// that died, and a folder without a part file is no finished table: read as they stand, either
/// would be a complete-looking report of part of the run, or of nothing. A folder with its parts
/// and no marker at all is read (a cluster may turn the marker off).
fn spark_parts(dir: &Path) -> Result<Vec<PathBuf>> {
    let unfinished = |why: &str| {
        anyhow::anyhow!(
            "{}: an unfinished Spark output ({why}): wait for the job to finish or run it again",
            dir.display()
        )
    };
    if dir.join("_temporary").exists() && !dir.join("_SUCCESS").exists() {
        return Err(unfinished("a _temporary folder and no _SUCCESS marker"));
    }
    let mut parts: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| is_part_file(p))
        .collect();
    if parts.is_empty() {
        return Err(unfinished("no part-*.csv file"));
    }
    parts.sort();
    Ok(parts)
}

fn is_part_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.starts_with("part-") && name.ends_with(".csv")
}

/// Every file of a run's five tables, opened once, with the paths they were opened at.
pub struct RunFiles {
    tables: [Vec<(PathBuf, Arc<File>)>; 5],
}

const TABLES: [Table; 5] = [
    Table::Articles,
    Table::Mentions,
    Table::Entities,
    Table::Quotes,
    Table::Errors,
];

impl RunFiles {
    /// Opens the tables of the run in `out`; see the module doc for what is refused.
    pub fn open(out: &Path) -> Result<RunFiles> {
        check_run_dir(out)?;
        refuse_unsettled(out)?;
        let files = RunFiles::open_unchecked(out)?;
        // A run that started after the check above and finished while the files were opened
        // renamed some of them between two opens.
        let replaced = files
            .tables
            .iter()
            .flatten()
            .find(|(path, file)| !crate::paths::same_open_file(file, path));
        if let Some((path, _)) = replaced {
            bail!(
                "{} was replaced while the report opened the run: a run wrote into {} \
                 meanwhile; make the report again",
                path.display(),
                out.display()
            );
        }
        refuse_unsettled(out)?;
        Ok(files)
    }

    /// Opens the tables of the run that is finishing in `out`, for the run itself: it holds the
    /// directory's lock and has renamed its files, so the checks of [`RunFiles::open`] would
    /// refuse it.
    pub fn open_finishing(out: &Path) -> Result<RunFiles> {
        check_run_dir(out)?;
        RunFiles::open_unchecked(out)
    }

    fn open_unchecked(out: &Path) -> Result<RunFiles> {
        let mut tables: [Vec<(PathBuf, Arc<File>)>; 5] = Default::default();
        for (files, table) in tables.iter_mut().zip(TABLES) {
            for path in table.paths(out)? {
                // Never a FIFO named like a table: opening it waited for a writer.
                let file = crate::paths::open_regular_file(&path)
                    .with_context(|| format!("cannot open {}", path.display()))?;
                files.push((path, Arc::new(file)));
            }
        }
        Ok(RunFiles { tables })
    }
}

/// Refuses a run directory whose files are being written or half renamed.
fn refuse_unsettled(out: &Path) -> Result<()> {
    if crate::output::run_writing(out) {
        bail!(
            "a whosaid run is writing into {} now: wait for it to finish",
            out.display()
        );
    }
    if Checkpoint::renaming_in(out) {
        bail!(
            "the run in {} was stopped while renaming its files, so they are of two runs: \
             `whosaid extract --resume` with its inputs and options finishes it",
            out.display()
        );
    }
    Ok(())
}

/// Reads an open file from its start without moving anyone else's place in it, so that each
/// pass of the report reads the same file from the start.
struct FromStart {
    file: Arc<File>,
    at: u64,
}

impl Read for FromStart {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(&*self.file, buf, self.at)?;
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(&*self.file, buf, self.at)?;
        self.at += n as u64;
        Ok(n)
    }
}

/// Refuses a table whose last row has no line end. Every row a run writes ends with one, so a
/// file without is one cut short: a cut inside the last field (`paris` → `pa`, the last column of
/// `entities.csv`) read as a good row, and `index` counted the cut key.
fn refuse_cut_short(path: &Path, file: &Arc<File>, table: Table) -> Result<()> {
    let len = file
        .metadata()
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    if len == 0 {
        return Ok(());
    }
    let mut last = [0u8];
    let at = len - 1;
    FromStart {
        file: Arc::clone(file),
        at,
    }
    .read_exact(&mut last)
    .with_context(|| format!("cannot read {}", path.display()))?;
    if last[0] != b'\n' {
        bail!(
            "{}: its last row has no line end: the file was cut short (not a whole {})",
            path.display(),
            table.file_name()
        );
    }
    Ok(())
}

/// Reads one table's rows in order, across its part files, naming the file and line of any
/// row it cannot read.
pub struct TableReader {
    table: Table,
    parts: std::vec::IntoIter<(PathBuf, Arc<File>)>,
    current: Option<(PathBuf, csv::Reader<BufReader<FromStart>>, StringRecord)>,
    /// The last part file once all are read, so that a message can still name it.
    ended: Option<PathBuf>,
    record: StringRecord,
}

impl TableReader {
    pub fn open(files: &RunFiles, table: Table) -> Result<TableReader> {
        let mut reader = TableReader {
            table,
            parts: files.tables[table as usize].clone().into_iter(),
            current: None,
            ended: None,
            record: StringRecord::new(),
        };
        reader.open_next_part()?;
        Ok(reader)
    }

    /// Opens the next part file and checks its header; false when there is none.
    fn open_next_part(&mut self) -> Result<bool> {
        let Some((path, file)) = self.parts.next() else {
            if let Some((last, _, _)) = self.current.take() {
                self.ended = Some(last);
            }
            return Ok(false);
        };
        refuse_cut_short(&path, &file, self.table)?;
        let mut csv = csv::Reader::from_reader(BufReader::new(FromStart { file, at: 0 }));
        let header = csv
            .headers()
            .with_context(|| format!("cannot read the header of {}", path.display()))?
            .clone();
        let wanted = HEADERS[self.table as usize];
        let missing: Vec<&str> = wanted
            .iter()
            .filter(|c| {
                !header.iter().any(|h| h == **c) && !ADDED_LATER.contains(&(self.table, **c))
            })
            .copied()
            .collect();
        if !missing.is_empty() {
            bail!(
                "{}: not a whosaid {}: its header lacks the column(s) {} (expected {})",
                path.display(),
                self.table.file_name(),
                missing.join(", "),
                wanted.join(",")
            );
        }
        self.current = Some((path, csv, header));
        Ok(true)
    }

    /// The next row, or None at the end of the table.
    pub fn next_row<T: DeserializeOwned>(&mut self) -> Result<Option<T>> {
        loop {
            let Some((path, csv, header)) = &mut self.current else {
                return Ok(None);
            };
            let line = csv.position().line();
            let more = csv
                .read_record(&mut self.record)
                .with_context(|| format!("{}: cannot read line {line}", path.display()))?;
            if more {
                let row = self
                    .record
                    .deserialize(Some(header))
                    .with_context(|| format!("{}: line {}: bad row", path.display(), line))?;
                return Ok(Some(row));
            }
            self.open_next_part()?;
        }
    }

    /// Where the reader is, for messages: the part file and the line of the row last read.
    pub fn location(&self) -> String {
        match &self.current {
            Some((path, _, _)) => {
                let line = self.record.position().map_or(1, |p| p.line());
                format!("{}: line {line}", path.display())
            }
            None => match &self.ended {
                Some(path) => format!("{} (at its end)", path.display()),
                None => format!("{} (at its end)", self.table.file_name()),
            },
        }
    }
}

/// An entity of one article, with the key that names it across the dump.
#[derive(Debug, Clone)]
pub struct Entity {
    pub row: EntityRow,
    pub key: EntityKey,
}

/// All rows of one article, as the run wrote them.
#[derive(Debug, Clone)]
pub struct ArticleGroup {
    /// The article's row number in `articles.csv`, from 0 (ids need not be unique).
    pub index: usize,
    pub article: ArticleRow,
    pub entities: Vec<Entity>,
    pub mentions: Vec<MentionRow>,
    pub quotes: Vec<QuoteRow>,
}

impl ArticleGroup {
    /// The entity with this article-level id.
    pub fn entity(&self, entity_id: usize) -> Option<&Entity> {
        self.entities.iter().find(|e| e.row.entity_id == entity_id)
    }
}

/// Refuses a run directory that cannot be opened at all (missing, not a directory, unreadable)
/// with [`CannotOpen`], which the commands exit 3 for; a directory that opens but lacks a table
/// is another error (exit 1), said when the table is opened.
pub fn check_run_dir(out: &Path) -> Result<()> {
    std::fs::read_dir(out).map_err(|e| CannotOpen {
        what: "the run",
        path: out.to_path_buf(),
        reason: format!("cannot open: {e} (give the --out of a finished `whosaid extract` run)"),
    })?;
    Ok(())
}

/// Walks `articles.csv`, `entities.csv`, `mentions.csv` and `quotes.csv` in step.
pub struct RunReader {
    articles: TableReader,
    entities: TableReader,
    mentions: TableReader,
    quotes: TableReader,
    index: usize,
}

impl RunReader {
    pub fn open(files: &RunFiles) -> Result<RunReader> {
        Ok(RunReader {
            articles: TableReader::open(files, Table::Articles)?,
            entities: TableReader::open(files, Table::Entities)?,
            mentions: TableReader::open(files, Table::Mentions)?,
            quotes: TableReader::open(files, Table::Quotes)?,
            index: 0,
        })
    }

    /// The next article with its rows, or None after the last one (when the other tables must
    /// be at their ends too).
    pub fn next_group(&mut self) -> Result<Option<ArticleGroup>> {
        let Some(article) = self.articles.next_row::<ArticleRow>()? else {
            self.expect_end()?;
            return Ok(None);
        };
        let counted = Counted {
            id: &article.id,
            key: &article.article_key,
            articles: &self.articles,
        };
        // The counts come from the file: nothing is sized by them (a corrupt `n_entities` of
        // 2^64-1 would ask for that many slots at once), each row is read before it is kept, so
        // a count larger than the rows stops at the table's end, saying which line counted them.
        let mut entities = Vec::new();
        for _ in 0..article.n_entities {
            let row: EntityRow = take_row(&mut self.entities, &counted, |e: &EntityRow| {
                (&e.article_id, &e.article_key)
            })?;
            let key = EntityKey::of(&row, self.index);
            entities.push(Entity { row, key });
        }
        // Saturating: two corrupt counts must not wrap round to a small number of rows.
        let n_mentions = entities
            .iter()
            .fold(0usize, |n, e| n.saturating_add(e.row.mentions));
        let mentions = (0..n_mentions)
            .map(|_| {
                take_row(&mut self.mentions, &counted, |m: &MentionRow| {
                    (&m.article_id, &m.article_key)
                })
            })
            .collect::<Result<_>>()?;
        let quotes = (0..article.n_quotes)
            .map(|_| {
                take_row(&mut self.quotes, &counted, |q: &QuoteRow| {
                    (&q.article_id, &q.article_key)
                })
            })
            .collect::<Result<_>>()?;
        let index = self.index;
        self.index += 1;
        Ok(Some(ArticleGroup {
            index,
            article,
            entities,
            mentions,
            quotes,
        }))
    }

    fn expect_end(&mut self) -> Result<()> {
        for table in [&mut self.entities, &mut self.mentions, &mut self.quotes] {
            if let Some(row) = table.next_row::<Vec<String>>()? {
                bail!(
                    "{}: a row after the last article's (article {:?}): the CSVs in OUT_DIR are \
                     not the output of one run",
                    table.location(),
                    row.first().map_or("", String::as_str)
                );
            }
        }
        Ok(())
    }
}

/// The article whose rows are being read, and where `articles.csv` counts them (for messages).
struct Counted<'a> {
    id: &'a str,
    /// Empty in a run from before keys, whose rows have none either.
    key: &'a str,
    articles: &'a TableReader,
}

/// The next row of `table`, which must belong to the article `counted`: the same `article_id`
/// and the same `article_key` (`article` gives a row's).
fn take_row<T: DeserializeOwned>(
    table: &mut TableReader,
    counted: &Counted,
    article: impl Fn(&T) -> (&String, &String),
) -> Result<T> {
    let id = counted.id;
    // Only on error: the location is a formatted path, and most articles have rows to read.
    let at = || counted.articles.location();
    let Some(row) = table.next_row::<T>()? else {
        bail!(
            "{} ends before the rows of article {id:?} that {} counts: the CSVs in \
             OUT_DIR are not the output of one run",
            table.location(),
            at()
        );
    };
    let (row_id, row_key) = article(&row);
    if row_id != id || row_key != counted.key {
        bail!(
            "{}: a row of article {row_id:?} (key {row_key:?}) where article {id:?}'s (key {:?}) \
             was expected ({} counts its rows): the CSVs in OUT_DIR are not the output of one run",
            table.location(),
            counted.key,
            at()
        );
    }
    Ok(row)
}

/// Reads `errors.csv` row by row.
pub fn read_errors(files: &RunFiles, mut each: impl FnMut(ErrorRow)) -> Result<()> {
    let mut errors = TableReader::open(files, Table::Errors)?;
    while let Some(row) = errors.next_row::<ErrorRow>()? {
        each(row);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).unwrap();
    }

    /// The header of `table` before its field columns: the rows of these tests are a run's of
    /// before them, which reads as ever.
    fn header(table: Table) -> String {
        crate::output::header_before_fields(table as usize)
    }

    /// Writes `table` in `dir` with whosaid's header and `rows`.
    fn write_table(dir: &Path, table: Table, rows: &str) {
        let header = header(table);
        write(dir, table.file_name(), &format!("{header}\n{rows}"));
    }

    fn open_run(dir: &Path) -> Result<RunReader> {
        RunReader::open(&RunFiles::open(dir)?)
    }

    fn minimal_run(dir: &Path) {
        write_table(
            dir,
            Table::Articles,
            "a1,T,12,1,0,ok,,,,a.jsonl,line 1,k1\na2,U,3,0,0,ok,,,,a.jsonl,line 2,k2\n",
        );
        write_table(dir, Table::Entities, "a1,1,Oslo,LOC,NO,2,0,false,,k1\n");
        write_table(
            dir,
            Table::Mentions,
            "a1,0,4,Oslo,LOC,0.9,1,k1\na1,8,12,Oslo,LOC,0.9,1,k1\n",
        );
        write_table(dir, Table::Quotes, "");
        write_table(dir, Table::Errors, "");
    }

    /// A FIFO named like a table, the lock or the checkpoint: the report hung opening it,
    /// waiting for a writer. A table's is refused at once, naming it; the lock's and the
    /// checkpoint's are none.
    #[cfg(unix)]
    #[test]
    fn a_fifo_in_the_run_is_never_opened() {
        use crate::paths::special::{at_once, make_fifo};
        let dir = tempfile::tempdir().unwrap();
        minimal_run(dir.path());
        let out = dir.path().to_path_buf();
        make_fifo(&out.join(crate::checkpoint::LOCK));
        make_fifo(&out.join(crate::checkpoint::CHECKPOINT));
        assert!(at_once(move || open_run(&out).is_ok()));
        // A table, and a Spark job's part of one.
        let table = dir.path().join("mentions.csv");
        std::fs::remove_file(&table).unwrap();
        make_fifo(&table);
        let part = dir.path().join("quotes/part-00000.csv");
        std::fs::create_dir(part.parent().unwrap()).unwrap();
        make_fifo(&part);
        std::fs::remove_file(dir.path().join("quotes.csv")).unwrap();
        for fifo in [table, part] {
            let out = dir.path().to_path_buf();
            let err = at_once(move || format!("{:#}", open_run(&out).err().unwrap()));
            assert!(
                err.contains(&fifo.display().to_string())
                    && err.contains("a FIFO (named pipe), not a regular file"),
                "{err}"
            );
            std::fs::remove_file(dir.path().join("mentions.csv")).unwrap();
            write_table(
                dir.path(),
                Table::Mentions,
                "a1,0,4,Oslo,LOC,0.9,1\na1,8,12,Oslo,LOC,0.9,1\n",
            );
        }
    }

    #[test]
    fn groups_come_one_article_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        minimal_run(dir.path());
        let mut run = open_run(dir.path()).unwrap();
        let first = run.next_group().unwrap().unwrap();
        assert_eq!((first.index, first.mentions.len()), (0, 2));
        assert_eq!(first.entities[0].key.as_str(), Some("country:NO"));
        let second = run.next_group().unwrap().unwrap();
        assert_eq!(
            (second.article.id.as_str(), second.mentions.len()),
            ("a2", 0)
        );
        assert!(run.next_group().unwrap().is_none());
    }

    #[test]
    fn rows_of_another_article_are_refused_naming_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        minimal_run(dir.path());
        write_table(
            dir.path(),
            Table::Mentions,
            "a1,0,4,Oslo,LOC,0.9,1,k1\nzz,8,12,Oslo,LOC,0.9,1,kz\n",
        );
        let mut run = open_run(dir.path()).unwrap();
        let err = format!("{:#}", run.next_group().unwrap_err());
        assert!(err.contains("mentions.csv: line 3"), "{err}");
        assert!(err.contains("not the output of one run"), "{err}");
    }

    /// Counts are read from the file: an impossible one used to size an allocation and panic
    /// ("capacity overflow", `report` and `index` exiting 101), and two large mention counts
    /// could wrap round to a small sum.
    #[test]
    fn an_impossible_count_is_an_error_naming_the_line_that_counts() {
        let dir = tempfile::tempdir().unwrap();
        minimal_run(dir.path());
        let max = usize::MAX;
        write_table(
            dir.path(),
            Table::Articles,
            &format!("a1,T,12,{max},0,ok,,,,,,k1\na2,U,3,0,0,ok,,,,,,k2\n"),
        );
        let mut run = open_run(dir.path()).unwrap();
        let err = format!("{:#}", run.next_group().unwrap_err());
        assert!(
            err.contains("entities.csv (at its end) ends before"),
            "{err}"
        );
        assert!(err.contains("articles.csv: line 2 counts"), "{err}");

        minimal_run(dir.path());
        write_table(
            dir.path(),
            Table::Entities,
            &format!("a1,1,Oslo,LOC,NO,{max},0,false,,k1\na1,2,Bergen,LOC,,3,0,false,,k1\n"),
        );
        write_table(
            dir.path(),
            Table::Articles,
            "a1,T,12,2,0,ok,,,,,,k1\na2,U,3,0,0,ok,,,,,,k2\n",
        );
        let mut run = open_run(dir.path()).unwrap();
        let err = format!("{:#}", run.next_group().unwrap_err());
        assert!(
            err.contains("mentions.csv (at its end) ends before"),
            "{err}"
        );
    }

    #[test]
    fn a_missing_file_or_column_is_named() {
        let dir = tempfile::tempdir().unwrap();
        minimal_run(dir.path());
        write(dir.path(), "quotes.csv", "article_id,start\n");
        let err = format!("{:#}", open_run(dir.path()).err().unwrap());
        assert!(
            err.contains("quotes.csv: not a whosaid quotes.csv"),
            "{err}"
        );
        assert!(err.contains("speaker_entity_id"), "{err}");
        std::fs::remove_file(dir.path().join("quotes.csv")).unwrap();
        let err = format!("{:#}", open_run(dir.path()).err().unwrap());
        assert!(err.contains("quotes.csv is missing"), "{err}");
    }

    #[test]
    fn spark_part_files_read_as_one_table() {
        let dir = tempfile::tempdir().unwrap();
        minimal_run(dir.path());
        std::fs::remove_file(dir.path().join("mentions.csv")).unwrap();
        let parts = dir.path().join("mentions");
        std::fs::create_dir(&parts).unwrap();
        let h = header(Table::Mentions);
        write(
            &parts,
            "part-00001-x.csv",
            &format!("{h}\na1,8,12,Oslo,LOC,0.9,1,k1\n"),
        );
        write(
            &parts,
            "part-00000-x.csv",
            &format!("{h}\na1,0,4,Oslo,LOC,0.9,1,k1\n"),
        );
        write(&parts, "_SUCCESS", "");
        let mut run = open_run(dir.path()).unwrap();
        let first = run.next_group().unwrap().unwrap();
        let starts: Vec<usize> = first.mentions.iter().map(|m| m.start).collect();
        assert_eq!(starts, [0, 8]);
    }

    /// An unfinished Spark output (folders holding only `_temporary/`) used to read as a
    /// complete run of 0 articles.
    #[test]
    fn an_unfinished_spark_output_is_refused_naming_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["articles", "mentions", "entities", "quotes", "errors"] {
            std::fs::create_dir_all(dir.path().join(name).join("_temporary/0")).unwrap();
        }
        let err = format!("{:#}", open_run(dir.path()).err().unwrap());
        let folder = dir.path().join("articles").display().to_string();
        assert!(
            err.contains(&format!("{folder}: an unfinished Spark output")),
            "{err}"
        );

        // Parts moved up beside the _temporary folder made above, no _SUCCESS yet: unfinished.
        minimal_run(dir.path());
        std::fs::remove_file(dir.path().join("mentions.csv")).unwrap();
        let parts = dir.path().join("mentions");
        let h = header(Table::Mentions);
        let rows = "a1,0,4,Oslo,LOC,0.9,1,k1\na1,8,12,Oslo,LOC,0.9,1,k1\n";
        write(&parts, "part-00000-x.csv", &format!("{h}\n{rows}"));
        let err = format!("{:#}", open_run(dir.path()).err().unwrap());
        assert!(err.contains("_temporary folder and no _SUCCESS"), "{err}");
        // An empty folder: no part file.
        std::fs::remove_dir_all(&parts).unwrap();
        std::fs::create_dir(&parts).unwrap();
        let err = format!("{:#}", open_run(dir.path()).err().unwrap());
        assert!(err.contains("no part-*.csv file"), "{err}");
        // Finished, with the marker turned off: read.
        write(&parts, "part-00000-x.csv", &format!("{h}\n{rows}"));
        let mut run = open_run(dir.path()).unwrap();
        assert_eq!(run.next_group().unwrap().unwrap().mentions.len(), 2);
        // Finished with a leftover _temporary (a speculative task's): read.
        std::fs::create_dir_all(parts.join("_temporary/1")).unwrap();
        write(&parts, "_SUCCESS", "");
        let mut run = open_run(dir.path()).unwrap();
        assert_eq!(run.next_group().unwrap().unwrap().mentions.len(), 2);
    }

    #[test]
    fn the_entity_key_column_is_used_and_a_run_without_it_still_reads() {
        let dir = tempfile::tempdir().unwrap();
        minimal_run(dir.path());
        let h = header(Table::Entities);
        write(
            dir.path(),
            "entities.csv",
            &format!("{h}\na1,1,Oslo,LOC,NO,2,0,false,Q585,k1\n"),
        );
        let mut run = open_run(dir.path()).unwrap();
        let first = run.next_group().unwrap().unwrap();
        assert_eq!(first.entities[0].key.as_str(), Some("Q585"));
        let old = h.replace(",entity_key", "");
        write(
            dir.path(),
            "entities.csv",
            &format!("{old}\na1,1,Oslo,LOC,NO,2,0,false,k1\n"),
        );
        let mut run = open_run(dir.path()).unwrap();
        let first = run.next_group().unwrap().unwrap();
        assert_eq!(first.entities[0].key.as_str(), Some("country:NO"));
    }

    /// `articles.csv` gained `input` and `record`: a run written before reads, its articles
    /// naming no input; `errors.csv`, which always had columns of those names, still needs them.
    #[test]
    fn the_origin_columns_are_read_and_a_run_without_them_still_reads() {
        let dir = tempfile::tempdir().unwrap();
        minimal_run(dir.path());
        let mut run = open_run(dir.path()).unwrap();
        let first = run.next_group().unwrap().unwrap().article;
        assert_eq!((&*first.input, &*first.record), ("a.jsonl", "line 1"));
        let old = "id,title,chars,n_entities,n_quotes,status,url,published,source,article_key";
        write(
            dir.path(),
            "articles.csv",
            &format!("{old}\na1,T,12,1,0,ok,,,,k1\na2,U,3,0,0,ok,,,,k2\n"),
        );
        let mut run = open_run(dir.path()).unwrap();
        let first = run.next_group().unwrap().unwrap().article;
        assert_eq!((&*first.id, &*first.input, &*first.record), ("a1", "", ""));
        write(dir.path(), "errors.csv", "input,reason\n");
        let files = RunFiles::open(dir.path()).unwrap();
        let err = format!(
            "{:#}",
            TableReader::open(&files, Table::Errors).err().unwrap()
        );
        assert!(err.contains("lacks the column(s) record"), "{err}");
    }

    /// Every table gained `article_key`: a run written before, without it in any table, reads
    /// as before, its rows told apart by `article_id`.
    #[test]
    fn a_run_from_before_article_keys_still_reads() {
        let dir = tempfile::tempdir().unwrap();
        minimal_run(dir.path());
        for table in [Table::Articles, Table::Entities, Table::Mentions] {
            let path = dir.path().join(table.file_name());
            let text = std::fs::read_to_string(&path).unwrap();
            let without: String = text
                .lines()
                .map(|line| line.rsplit_once(',').unwrap().0.to_string() + "\n")
                .collect();
            assert!(!without.contains("article_key") && !without.contains("k1"));
            std::fs::write(&path, without).unwrap();
        }
        let h = header(Table::Quotes);
        let without = h.trim_end_matches(",article_key");
        write(dir.path(), "quotes.csv", &format!("{without}\n"));
        let mut run = open_run(dir.path()).unwrap();
        let first = run.next_group().unwrap().unwrap();
        let article = &first.article;
        assert_eq!((&*article.id, &*article.article_key), ("a1", ""));
        assert_eq!(first.mentions.len(), 2);
        assert_eq!(run.next_group().unwrap().unwrap().article.id, "a2");
        assert!(run.next_group().unwrap().is_none());
    }

    /// Two dumps' article `1`: each article gets its own quote, and a quote of the other `1` in
    /// its place is refused by its key. Told apart by id alone, it passed as the article's own.
    #[test]
    fn rows_of_another_article_with_the_same_id_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        minimal_run(dir.path());
        let article = |key: &str, input: &str| format!("1,T,20,0,1,ok,,,,{input},line 1,{key}\n");
        let articles = article("ka", "a/news.jsonl") + &article("kb", "b/news.jsonl");
        write_table(dir.path(), Table::Articles, &articles);
        write_table(dir.path(), Table::Entities, "");
        write_table(dir.path(), Table::Mentions, "");
        let quote = |text: &str, key: &str| format!("1,1,1,0,5,{text},,,,,,,,,direct,{key}\n");
        let (win, lose) = (quote("win", "ka"), quote("lose", "kb"));
        write_table(dir.path(), Table::Quotes, &format!("{win}{lose}"));
        let mut run = open_run(dir.path()).unwrap();
        for (key, text) in [("ka", "win"), ("kb", "lose")] {
            let group = run.next_group().unwrap().unwrap();
            assert_eq!(group.article.article_key, key);
            let quotes: Vec<&str> = group.quotes.iter().map(|q| q.text.as_str()).collect();
            assert_eq!(quotes, [text]);
        }
        write_table(dir.path(), Table::Quotes, &format!("{lose}{win}"));
        let mut run = open_run(dir.path()).unwrap();
        let err = format!("{:#}", run.next_group().unwrap_err());
        assert!(err.contains("quotes.csv: line 2"), "{err}");
        assert!(err.contains("not the output of one run"), "{err}");
    }

    /// A report used to open the tables anew for each pass: a run finishing into the
    /// directory between the passes put its rows beside the earlier run's in one report.
    #[test]
    fn every_pass_reads_the_files_as_they_were_opened() {
        let dir = tempfile::tempdir().unwrap();
        minimal_run(dir.path());
        let files = RunFiles::open(dir.path()).unwrap();
        // A later run over another dump renames its tables into place.
        let later = tempfile::tempdir().unwrap();
        write_table(later.path(), Table::Articles, "b1,T,3,0,0,ok,,,,,,kb\n");
        std::fs::rename(
            later.path().join("articles.csv"),
            dir.path().join("articles.csv"),
        )
        .unwrap();
        for _pass in 0..2 {
            let mut run = RunReader::open(&files).unwrap();
            let ids: Vec<String> = std::iter::from_fn(|| run.next_group().unwrap())
                .map(|g| g.article.id)
                .collect();
            assert_eq!(ids, ["a1", "a2"]);
        }
    }

    /// A report made while `extract` wrote into the directory read the run before it, or
    /// two runs' files while they were renamed.
    #[test]
    fn a_directory_a_run_is_writing_is_refused() {
        use std::os::unix::io::AsRawFd;
        let dir = tempfile::tempdir().unwrap();
        minimal_run(dir.path());
        let lock = File::create(dir.path().join(crate::checkpoint::LOCK)).unwrap();
        // SAFETY: flock on a file this test keeps open.
        assert_eq!(
            unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) },
            0
        );
        let err = format!("{:#}", RunFiles::open(dir.path()).err().unwrap());
        assert!(err.contains("is writing into"), "{err}");
        // The lock released (the run ended or was killed): the files are one run's again.
        drop(lock);
        assert!(open_run(dir.path()).is_ok());
    }

    #[test]
    fn a_run_killed_while_renaming_its_files_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        minimal_run(dir.path());
        let model = dir.path().join("model");
        std::fs::create_dir(&model).unwrap();
        let checkpoint = |finished| Checkpoint {
            run: crate::checkpoint::RunIdentity::new(&[], &model, vec![]).unwrap(),
            read: crate::checkpoint::RecordsRead {
                records: 2,
                digest: 0,
            },
            lengths: [0; 5],
            rows: [0; 5],
            finished,
        };
        // Killed while writing rows: the tables are all of the run before.
        checkpoint(false).write(dir.path()).unwrap();
        assert!(open_run(dir.path()).is_ok());
        checkpoint(true).write(dir.path()).unwrap();
        let err = format!("{:#}", RunFiles::open(dir.path()).err().unwrap());
        assert!(err.contains("extract --resume"), "{err}");
    }
}
