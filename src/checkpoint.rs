//! What a run is, where it stopped, and what it may touch: the checks that keep `extract` from
//! losing an input or mixing two runs.
//!
//! - **A run's identity** ([`RunIdentity`]): its inputs (each file's size and modification time;
//!   for a folder, those of every entry under it), the model's files (a hash of their bytes),
//!   the options that change output bytes and whosaid's version. Two runs with equal identities
//!   write the same rows.
//! - **The checkpoint** ([`Checkpoint`]): after each chunk of articles, the identity, the number
//!   of input records written with a digest of them ([`RecordsRead`]) and each temporary file's
//!   length. `--resume` continues only a run with the same identity: resuming `a.jsonl`'s run
//!   over `b.jsonl` is refused, naming what differs, because the files would hold a's first rows
//!   followed by b's. A size and a modification time can stay while the bytes change (`cp -p`
//!   or `rsync -t` of another file of the same size, `touch -r`), so the resume then reads the
//!   written records again, before it touches the output, and refuses unless their digest is
//!   the checkpoint's.
//! - **Inputs hold still** ([`refuse_inputs_changed_during_the_run`]): an input whose size or
//!   modification time is not at the run's end what its identity says (a dump still being
//!   appended to, a file rewritten in place) fails the run before its files are renamed: its
//!   rows would hold records of the input as it was and as it is, under a record
//!   (`.whosaid-run.json`) of the first alone.
//! - **Inputs are never outputs** ([`refuse_inputs_among_outputs`]): `extract articles.csv
//!   --out .` would replace the analyst's `articles.csv` with its own; the run refuses before it
//!   touches anything.

use std::collections::hash_map::{Entry, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::fnv::Fnv1a;
use crate::input::{Article, Listings, RecordError};

/// The files an output directory holds while a run writes it, and after.
pub const FILES: [&str; 5] = [
    "articles.csv",
    "mentions.csv",
    "entities.csv",
    "quotes.csv",
    "errors.csv",
];

/// The entity index a run writes from its complete [`FILES`] when it finishes
/// ([`crate::report::index`]).
pub const INDEX_FILE: &str = "entity_index.csv";

/// The header row of [`INDEX_FILE`].
pub const INDEX_HEADER: [&str; 6] = [
    "entity_key",
    "label",
    "canonical",
    "articles",
    "mentions",
    "quotes",
];

/// What a finished run says it is ([`RunManifest`]), for `whosaid index` to check the shards it
/// is given.
pub const MANIFEST: &str = ".whosaid-run.json";

/// Files a run writes from its complete [`FILES`] when it finishes.
pub const DERIVED_FILES: [&str; 2] = [INDEX_FILE, MANIFEST];

/// Name of the checkpoint file an unfinished run keeps in its output directory.
pub const CHECKPOINT: &str = ".whosaid-checkpoint.json";

/// Name of the lock file a running `extract` holds in its output directory.
pub const LOCK: &str = ".whosaid-lock";

/// Every name a run writes in its output directory: the CSVs, their temporary names, the
/// checkpoint and the lock (a derived file's temporary name is new each time,
/// [`crate::whole_file`], never an input's).
pub fn managed_names() -> Vec<String> {
    let mut names = Vec::new();
    for f in FILES {
        names.push(f.to_string());
        names.push(format!("{f}.tmp"));
    }
    names.extend(DERIVED_FILES.iter().map(|d| d.to_string()));
    names.push(CHECKPOINT.to_string());
    names.push(format!("{CHECKPOINT}.tmp"));
    names.push(LOCK.to_string());
    names
}

/// Whether `path` is, or lies under, a name the run machinery owns in the run folder `run`
/// (wherever either really points: through links, and for files that exist, hard links): its
/// CSVs, their `.tmp`, the derived files and the temporary files of their writes
/// (`.entity_index.csv.Xa3k9Q.tmp`), the checkpoint and its `.tmp`, the lock, and the folders a
/// Spark job writes its tables into (`articles/`). `report` and `index` write nowhere there:
///
/// ```text
/// index run --out run/.whosaid-checkpoint.json   refused: report and index would then take the
///                                                 run for one killed while renaming its files
/// index run --out run/articles.csv.tmp           refused: extract --resume would read it back
/// index run --out run/index-of-both.csv          written: no name of the run's
/// ```
pub fn is_run_file(path: &Path, run: &Path) -> Result<bool> {
    use std::path::Component;
    let (path_resolved, run_resolved) =
        (crate::paths::resolved(path)?, crate::paths::resolved(run)?);
    if let Ok(inside) = path_resolved.strip_prefix(&run_resolved) {
        // The name directly in the run folder: `run/articles.csv.tmp/x` makes `articles.csv.tmp`
        // a folder, which the next run could neither write nor remove.
        if let Some(Component::Normal(first)) = inside.components().next() {
            if is_run_name(&first.to_string_lossy()) {
                return Ok(true);
            }
        }
    }
    // A hard link elsewhere to one of the run's files is that file.
    Ok(managed_names()
        .iter()
        .any(|name| crate::paths::same_file(path, &run.join(name))))
}

/// Whether `name` is one the run machinery owns in a run folder; see [`is_run_file`].
fn is_run_name(name: &str) -> bool {
    let spark_folder = FILES.iter().any(|f| f.strip_suffix(".csv") == Some(name));
    managed_names().iter().any(|owned| owned == name)
        || DERIVED_FILES
            .iter()
            .any(|d| crate::whole_file::is_temporary_of(name, d))
        || spark_folder
}

/// Refuses a run whose output directory would replace one of its inputs (the same file, also
/// through a link), naming both. Called before the run touches `out`.
pub fn refuse_inputs_among_outputs(inputs: &[PathBuf], out: &Path) -> Result<()> {
    if inputs.iter().any(|p| p.as_os_str() == "-") {
        refuse_stdin_among_outputs(out)?;
    }
    // Unreadable inputs are the same file as nothing: the reader reports them, and they cannot
    // be lost.
    for input in inputs.iter().filter(|p| p.as_os_str() != "-") {
        // `--out in.jsonl` typed for `-o`-style output: it said "cannot create output directory:
        // File exists" (exit 1), naming neither the input nor the mistake.
        if crate::paths::same_file(input, out) && !out.is_dir() {
            return Err(crate::usage::UsageError(format!(
                "--out {} is the input {}: --out names the folder the run writes its tables in; \
                 choose another (nothing was changed)",
                out.display(),
                input.display()
            ))
            .into());
        }
        for name in managed_names() {
            let output = out.join(&name);
            if crate::paths::same_file(input, &output) {
                return Err(crate::usage::UsageError(format!(
                    "input {} is {}, a file this run writes in --out {}: choose another --out \
                     (nothing was changed)",
                    input.display(),
                    output.display(),
                    out.display()
                ))
                .into());
            }
        }
    }
    Ok(())
}

/// [`refuse_inputs_among_outputs`] for `-` with stdin redirected from one of the files the run
/// writes (`extract - --out run < run/quotes.csv`): the run removed the file it was reading,
/// with exit 0, where the same file named was refused.
fn refuse_stdin_among_outputs(out: &Path) -> Result<()> {
    let Some(stdin) = crate::paths::stdin_file_identity() else {
        return Ok(());
    };
    for name in managed_names() {
        let output = out.join(&name);
        if crate::paths::file_identity(&output) == Some(stdin) {
            return Err(crate::usage::UsageError(format!(
                "input - (stdin) is {}, a file this run writes in --out {}: choose another --out \
                 (nothing was changed)",
                output.display(),
                out.display()
            ))
            .into());
        }
    }
    Ok(())
}

/// Fails a run whose inputs are not, now that it has read them, as `run` found them at its start
/// (`inputs` and `listings` are those `run` was made of): a run over a dump still being written
/// read 1,550 records of it and recorded the 1,500 of its start in `.whosaid-run.json`, with exit
/// 0, and shards started together on such a dump union to no one run. Called before the run
/// renames its files, so nothing is left looking complete; the checkpoint's identity no longer
/// fits the input either, and `--resume` refuses.
///
/// ```text
/// start: news.jsonl 305,670 bytes   end: 305,670 bytes, same time   the run finishes
/// start: news.jsonl 305,670 bytes   end: 315,640 bytes              fails, naming news.jsonl
/// ```
pub fn refuse_inputs_changed_during_the_run(
    run: &RunIdentity,
    inputs: &[PathBuf],
    listings: &Listings,
) -> Result<()> {
    let now = RunIdentity {
        inputs: inputs.iter().map(|p| InputStamp::of(p, listings)).collect(),
        ..run.clone()
    };
    let changed = run.differences(&now);
    if changed.is_empty() {
        return Ok(());
    }
    bail!(
        "an input changed during the run, so its rows would mix the input as it was with the \
         input as it is: {}; nothing was renamed: run again (without --resume) once it no \
         longer changes",
        changed.join("; ")
    )
}

/// Refuses an input named twice — one file or folder under two names (`a.jsonl ./a.jsonl`, a
/// link), a file inside a folder also given, or a file that a folder also reads through a link
/// or a hard link to it: its records would be read twice, every row written twice and the entity
/// index counting each mention double. A usage error, said before any work.
pub fn refuse_repeated_inputs(inputs: &[PathBuf]) -> Result<()> {
    refuse_repeated_listed_inputs(inputs, &Listings::default())
}

/// [`refuse_repeated_inputs`], with the folder inputs' files as `listings` found them (a run
/// walks each folder once: [`Listings`]).
pub fn refuse_repeated_listed_inputs(inputs: &[PathBuf], listings: &Listings) -> Result<()> {
    // Stdin named twice (`extract - "$X"` with X=-): the second read an exhausted stdin, and a
    // script's mistake passed without a word.
    if inputs.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        return Err(crate::usage::UsageError(
            "`-` (stdin) is named more than once: stdin can be read once (nothing was written)"
                .into(),
        )
        .into());
    }
    let named: Vec<&PathBuf> = inputs.iter().filter(|p| p.as_os_str() != "-").collect();
    if named.len() < inputs.len() {
        refuse_stdin_read_again(&named, listings)?;
    }
    let inside =
        |a: &Path, dir: &Path| dir.is_dir() && crate::paths::is_within(a, dir).unwrap_or(false);
    for (i, input) in named.iter().enumerate() {
        for earlier in &named[..i] {
            let again = crate::paths::same_file(earlier, input)
                || inside(input, earlier)
                || inside(earlier, input);
            if again {
                return Err(read_twice(earlier, input, String::new()));
            }
        }
    }
    refuse_files_read_twice(&named, listings)
}

/// [`refuse_repeated_inputs`] for the files the inputs read: a folder's `story.txt` that is a
/// link (or a hard link) to another input, or to a file another folder reads, lies in no folder
/// given, yet its article was written twice.
fn refuse_files_read_twice(named: &[&PathBuf], listings: &Listings) -> Result<()> {
    if named.len() < 2 {
        return Ok(());
    }
    let mut reached_from: HashMap<(u64, u64), (usize, PathBuf)> = HashMap::new();
    for (i, input) in named.iter().enumerate() {
        for file in files_read(input, listings) {
            let Some(identity) = crate::paths::file_identity(&file) else {
                continue;
            };
            match reached_from.entry(identity) {
                Entry::Vacant(slot) => {
                    slot.insert((i, file));
                }
                Entry::Occupied(first) if first.get().0 != i => {
                    let (earlier, first_path) = first.get();
                    let which = format!(
                        " ({} and {} are one file)",
                        first_path.display(),
                        file.display()
                    );
                    return Err(read_twice(named[*earlier], input, which));
                }
                // One folder holding two names of one file lists it once: unreachable with a
                // folder's listing, which keeps the first name of each file only.
                Entry::Occupied(_) => {}
            }
        }
    }
    Ok(())
}

/// [`refuse_repeated_inputs`] for stdin redirected from a file another input reads
/// (`extract a.jsonl - < a.jsonl`, or a file of a folder given): a.jsonl's rows were written
/// twice, once for `a.jsonl` and once for `<stdin>`, with exit 0. A pipe or a terminal is no
/// file an input can read.
fn refuse_stdin_read_again(named: &[&PathBuf], listings: &Listings) -> Result<()> {
    let Some(stdin) = crate::paths::stdin_file_identity() else {
        return Ok(());
    };
    for input in named {
        let files = files_read(input, listings);
        if let Some(file) = files
            .iter()
            .find(|f| crate::paths::file_identity(f) == Some(stdin))
        {
            let which = format!(" (stdin is {})", file.display());
            return Err(read_twice(Path::new("-"), input, which));
        }
    }
    Ok(())
}

/// The files an input reads: itself, or a folder's text files.
fn files_read(input: &Path, listings: &Listings) -> Vec<PathBuf> {
    if !input.is_dir() {
        return vec![input.to_path_buf()];
    }
    match &*listings.folder_or_walk(input) {
        Ok(listing) => listing
            .entries()
            .filter_map(|(_, path)| path.ok().map(Path::to_path_buf))
            .collect(),
        Err(_) => Vec::new(),
    }
}

fn read_twice(earlier: &Path, input: &Path, which: String) -> anyhow::Error {
    crate::usage::UsageError(format!(
        "inputs {} and {} hold the same records{which}: each would be read twice (nothing was \
         written)",
        earlier.display(),
        input.display()
    ))
    .into()
}

/// What makes a run's output what it is; see the module doc.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunIdentity {
    pub version: String,
    pub inputs: Vec<InputStamp>,
    /// The model directory as given, and a hash of its files' names and bytes.
    pub model: String,
    pub model_hash: String,
    /// Output-changing options, as `(flag, value)` in a fixed order.
    pub options: Vec<(String, String)>,
}

/// How an [`InputStamp`] names stdin, whose records cannot be checked again.
const STDIN: &str = "-";

/// The stamp of an input read once, whose records cannot be checked again: stdin, or a named
/// pipe (`mkfifo news.jsonl`). A pipe's modification time moves while its writer writes, so a
/// run over a finite pipe was refused at its end as "an input changed during the run (size 0 →
/// 0, modified)", every time; like stdin's, it is stamped by its path alone, and a run that
/// read one is not resumed ([`Checkpoint::read_for`]).
const READ_ONCE: &str = "read once";

/// One input as it was when the run started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputStamp {
    pub path: String,
    /// Bytes of a file; for a folder, the number of entries under it.
    pub size: u64,
    /// A hash of the modification times (and, for a folder, the names and sizes) under it.
    pub stamp: String,
}

/// This build of whosaid: its version and a hash of its executable. The version alone (0.1.0
/// for every build) let a run killed under one build resume under another whose rules write
/// other rows, mixing the two in one set of files. Hashing the 12 MB executable takes about
/// 10 ms, once a process.
fn build() -> &'static str {
    static BUILD: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BUILD.get_or_init(|| {
        let exe = std::env::current_exe().and_then(std::fs::read);
        let hash = match exe {
            Ok(bytes) => Fnv1a::default().words(&bytes).hex(),
            Err(_) => "unknown".to_string(),
        };
        format!("{} (build {hash})", env!("CARGO_PKG_VERSION"))
    })
}

/// An option's value as a refusal shows it: as the command line writes it (`--quotes both`),
/// in a shell's single quotes wherever it holds more than letters, digits and `-_./:=@%+,`
/// (`'head line'`, `''`, `'it'\''s'`); a control character is shown escaped (`'a\u{1b}b'`).
fn as_typed(value: &str) -> String {
    let plain = |c: char| c.is_alphanumeric() || "-_./:=@%+,".contains(c);
    if !value.is_empty() && value.chars().all(plain) {
        return value.to_string();
    }
    let mut quoted = String::from("'");
    for c in value.chars() {
        match c {
            '\'' => quoted.push_str("'\\''"),
            c if c.is_control() => quoted.extend(c.escape_debug()),
            c => quoted.push(c),
        }
    }
    quoted.push('\'');
    quoted
}

impl RunIdentity {
    /// The identity of a run over `inputs` with `model` and `options`.
    pub fn new(inputs: &[PathBuf], model: &Path, options: Vec<(String, String)>) -> Result<Self> {
        Self::listed(inputs, &Listings::default(), model, options)
    }

    /// [`RunIdentity::new`], each folder input stamped as `listings` found it: by the listing
    /// its run reads (a run walks each folder once: [`Listings`]).
    pub fn listed(
        inputs: &[PathBuf],
        listings: &Listings,
        model: &Path,
        options: Vec<(String, String)>,
    ) -> Result<Self> {
        let stamps = inputs.iter().map(|p| InputStamp::of(p, listings)).collect();
        Ok(RunIdentity {
            version: build().to_string(),
            inputs: stamps,
            model: model.display().to_string(),
            model_hash: hash_model(model)?,
            options,
        })
    }

    /// What differs between an interrupted run (`self`) and a new one, one line each; empty
    /// when they are the same run.
    pub fn differences(&self, now: &RunIdentity) -> Vec<String> {
        let mut out = Vec::new();
        if self.version != now.version {
            out.push(format!(
                "whosaid version {} → {}",
                self.version, now.version
            ));
        }
        let paths = |r: &RunIdentity| r.inputs.iter().map(|i| i.path.clone()).collect::<Vec<_>>();
        if paths(self) != paths(now) {
            out.push(format!(
                "inputs [{}] → [{}]",
                paths(self).join(", "),
                paths(now).join(", ")
            ));
        } else {
            for (a, b) in self.inputs.iter().zip(&now.inputs) {
                if a != b {
                    out.push(format!(
                        "input {} changed since (size {} → {}{})",
                        a.path,
                        a.size,
                        b.size,
                        if a.stamp != b.stamp { ", modified" } else { "" }
                    ));
                }
            }
        }
        if self.model_hash != now.model_hash {
            out.push(format!(
                "model {} → {} (other files)",
                self.model, now.model
            ));
        }
        for (a, b) in self.options.iter().zip(&now.options) {
            if a != b {
                out.push(format!("{} {} → {}", a.0, as_typed(&a.1), as_typed(&b.1)));
            }
        }
        if self.options.len() != now.options.len() {
            out.push("other options".to_string());
        }
        out
    }
}

impl InputStamp {
    fn of(path: &Path, listings: &Listings) -> InputStamp {
        if path.as_os_str() == "-" {
            return InputStamp {
                path: STDIN.into(),
                size: 0,
                stamp: String::new(),
            };
        }
        if is_named_pipe(path) {
            return InputStamp {
                path: path.display().to_string(),
                size: 0,
                stamp: READ_ONCE.into(),
            };
        }
        let mut hash = Fnv1a::default();
        let mut size = 0;
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                let entries = folder_stamps(path, listings);
                size = entries.len() as u64;
                for e in entries {
                    hash = hash.field(e.as_bytes());
                }
            }
            Ok(m) => {
                size = m.len();
                hash = hash.field(modified(&m).as_bytes());
            }
            // Unreadable now; the reader reports it. Resuming is allowed if it stays so.
            Err(e) => hash = hash.field(e.kind().to_string().as_bytes()),
        }
        InputStamp {
            path: path.display().to_string(),
            size,
            stamp: hash.hex(),
        }
    }
}

impl InputStamp {
    /// Whether the input can be read once only, stdin or a named pipe ([`READ_ONCE`]).
    pub fn is_read_once(&self) -> bool {
        self.path == STDIN || self.stamp == READ_ONCE
    }
}

/// Whether `path` is a named pipe (FIFO).
fn is_named_pipe(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        std::fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo())
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

/// Every file the reader reads under `dir` (its [`crate::input::FolderListing`]) as
/// `path\0size\0modified`, and every folder it cannot list as `path\0why`. Only what is read
/// counts: the run's own files, when `--out` is inside the folder, made every `--resume` a
/// changed input.
fn folder_stamps(dir: &Path, listings: &Listings) -> Vec<String> {
    let listing = listings.folder_or_walk(dir);
    let Ok(listing) = &*listing else {
        return vec![format!("{}\0unreadable", dir.display())];
    };
    listing
        .entries()
        .map(|(record, entry)| match entry {
            Ok(path) => {
                // The reader reads a linked file's target, so the target's size and time say
                // whether it changed (a link's own never move when its target is edited); a
                // broken link or a loop has only its own.
                let (len, time) = std::fs::metadata(path)
                    .or_else(|_| std::fs::symlink_metadata(path))
                    .map(|m| (m.len(), modified(&m)))
                    .unwrap_or_default();
                format!("{record}\0{len}\0{time}")
            }
            Err(why) => format!("{record}\0{why}"),
        })
        .collect()
}

fn modified(m: &std::fs::Metadata) -> String {
    m.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| format!("{}.{:09}", d.as_secs(), d.subsec_nanos()))
        .unwrap_or_default()
}

/// A hash of a model directory's files, names and bytes, sorted by path, folders included (a
/// model's any-case companion lives in `any-case/`, and swapping it changes the output too).
pub fn hash_model(dir: &Path) -> Result<String> {
    let mut files = Vec::new();
    collect_files(dir, &mut files)?;
    files.sort();
    let mut hash = Fnv1a::default();
    for path in files {
        let bytes = crate::paths::read_regular_file(&path, u64::MAX)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let name = path.strip_prefix(dir).unwrap_or(&path);
        hash = hash.field(name.as_os_str().as_encoded_bytes());
        hash = hash.field(&bytes);
    }
    Ok(hash.hex())
}

/// Every model file ([`crate::ner::MODEL_FILE_NAMES`]) under `dir`, folders walked; a link to a
/// folder is not followed (a link back up would never end), a link to a file is read like the
/// file. Other files are not the model: with `--out` inside the model's folder, the run's own
/// files changed its hash, and every `--resume` was refused as a run of another model.
fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list the model directory {}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            collect_files(&path, out)?;
        } else if path.is_file() && is_model_file(&path) {
            out.push(path);
        }
    }
    Ok(())
}

fn is_model_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str());
    name.is_some_and(|n| crate::ner::MODEL_FILE_NAMES.contains(&n))
}

/// The input records a run has read, in order: how many, and a digest of every field of each
/// (an article's id, text, title, url, date and source, with its origin; an unreadable
/// record's input, record and reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordsRead {
    pub records: u64,
    pub digest: u64,
}

impl Default for RecordsRead {
    fn default() -> Self {
        RecordsRead {
            records: 0,
            digest: Fnv1a::default().finish(),
        }
    }
}

impl RecordsRead {
    /// Counts `record` in, after those read so far.
    pub fn add(&mut self, record: &Result<Article, RecordError>) {
        let text = |h: Fnv1a, s: &str| h.words(s.as_bytes()).field(&s.len().to_le_bytes());
        let optional = |h: Fnv1a, s: &Option<String>| match s {
            Some(s) => text(h.field(b"some"), s),
            None => h.field(b"none"),
        };
        let h = Fnv1a::continuing(self.digest);
        let h = match record {
            Ok(a) => {
                let h = text(text(text(h.field(b"article"), &a.id), &a.title), &a.text);
                let h = optional(optional(optional(h, &a.url), &a.published), &a.source);
                text(text(h, &a.origin.input), &a.origin.record)
            }
            Err(e) => text(
                text(text(h.field(b"error"), &e.input), &e.record),
                &e.reason,
            ),
        };
        self.records += 1;
        self.digest = h.finish();
    }
}

/// What a finished run is, for `whosaid index`: its shard (`0/4`, or `whole` without
/// `--shard`) of the dump its inputs make, named by each input's file name and size (not its
/// path: the shards of one dump may run on machines that mount it at other paths).
///
/// ```text
/// index s0 s1 s2 s3        (0/4 1/4 2/4 3/4 of one dump)   indexed
/// index s0 s1 s0-copy      (0/4 1/4 0/4, a copy)           refused: the same articles.csv twice
/// index s0 t1              (0/4 and 1/2 of one dump)       indexed, warning that they overlap
/// index s0 s1              (0/4 1/4)                       indexed, saying 2/4 and 3/4 are missing
/// index a b                (whole runs of two dumps)       indexed
/// index day1 day2          (two dumps, files named alike)  indexed, warning they may be one
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunManifest {
    pub shard: String,
    /// Each input's file name and size (for a folder, its number of entries); empty for a run
    /// that read stdin, whose records nothing names: it is not checked.
    pub dump: Vec<(String, u64)>,
}

/// More than any manifest a run writes (a few hundred bytes per input).
const MANIFEST_MAX_BYTES: u64 = 64 << 20;

/// How a run without `--shard` names its shard.
const WHOLE: &str = "whole";

impl RunManifest {
    pub fn of(run: &RunIdentity) -> RunManifest {
        let shard = run
            .options
            .iter()
            .find(|(flag, _)| flag == "--shard")
            .map(|(_, value)| value.as_str())
            .filter(|value| *value != "none")
            .unwrap_or(WHOLE)
            .to_string();
        if run.inputs.iter().any(InputStamp::is_read_once) {
            // `… | extract -` of two dumps would be one dump of size 0 twice.
            return RunManifest {
                shard,
                dump: Vec::new(),
            };
        }
        let dump = run
            .inputs
            .iter()
            .map(|i| {
                let name = Path::new(&i.path).file_name();
                let name = name.map_or(i.path.clone(), |n| n.to_string_lossy().into_owned());
                (name, i.size)
            })
            .collect();
        RunManifest { shard, dump }
    }

    /// Writes it as `dir`'s [`MANIFEST`].
    pub fn write(&self, dir: &Path) -> Result<()> {
        // `replace_file` names the temporary file in any error.
        crate::whole_file::replace_file(&dir.join(MANIFEST), |temp| {
            Ok(std::fs::write(temp, serde_json::to_vec(self)?)?)
        })
    }

    /// The manifest of the finished run in `dir`; None for a run that wrote none (an older
    /// whosaid's, the Spark job's) or one that cannot be read.
    pub fn read(dir: &Path) -> Option<RunManifest> {
        // Never a FIFO (it waited for a writer) or a link to /dev/zero; a manifest is small.
        let raw = crate::paths::read_regular_file(&dir.join(MANIFEST), MANIFEST_MAX_BYTES).ok()?;
        serde_json::from_slice(&raw).ok()
    }

    /// Whether `other` read inputs of the same names and sizes, in any order (the shards of a
    /// dump may list its files in other orders: shards go by id).
    fn same_dump(&self, other: &RunManifest) -> bool {
        let sorted = |m: &RunManifest| {
            let mut dump = m.dump.clone();
            dump.sort();
            dump
        };
        sorted(self) == sorted(other)
    }

    /// `(I, N)`, or None for a whole run.
    fn shard(&self) -> Option<(u64, u64)> {
        let (i, n) = self.shard.split_once('/')?;
        Some((i.parse().ok()?, n.parse().ok()?))
    }
}

/// Checks the runs `whosaid index` is given, by their manifests (runs without one are not
/// checked). A dump is named by its inputs' file names and sizes, in any order: two dumps may
/// share them (`day1/texts` and `day2/texts` of two files each), so a suspicion is a warning;
/// only two runs whose `articles.csv` hold the same bytes (`same_articles`, [`crate::paths::same_bytes`]) are refused, as
/// they are certainly one run's articles twice (a copy of a run, a shard given twice). Returns
/// what it warns of: runs that look like one dump's twice, shards of other counts, and the
/// missing shards of a dump.
pub fn check_shards(
    runs: &[(PathBuf, RunManifest)],
    same_articles: &dyn Fn(&Path, &Path) -> bool,
) -> Result<Vec<String>> {
    // The runs of each dump, in the order given.
    let mut by_dump: Vec<Vec<&(PathBuf, RunManifest)>> = Vec::new();
    for run in runs.iter().filter(|(_, m)| !m.dump.is_empty()) {
        match by_dump.iter_mut().find(|same| same[0].1.same_dump(&run.1)) {
            Some(same) => same.push(run),
            None => by_dump.push(vec![run]),
        }
    }
    let mut warnings = Vec::new();
    for runs in by_dump {
        for (i, (dir, m)) in runs.iter().enumerate() {
            for (earlier_dir, e) in &runs[..i] {
                if same_articles(earlier_dir, dir) {
                    bail!(
                        "{} ({}) and {} ({}) hold the same articles.csv: their articles would \
                         be counted twice (nothing was written)",
                        earlier_dir.display(),
                        e.shard,
                        dir.display(),
                        m.shard
                    );
                }
            }
        }
        warnings.extend(overlaps(&runs));
        warnings.extend(missing_shards(&runs));
    }
    Ok(warnings)
}

/// Runs of what looks like one dump (the same input names and sizes) that would hold the same
/// articles if it were one: one shard twice, a whole run beside another, other shard counts.
fn overlaps(runs: &[&(PathBuf, RunManifest)]) -> Vec<String> {
    let mut warnings = Vec::new();
    for (i, (dir, m)) in runs.iter().enumerate() {
        let earlier = runs[..i]
            .iter()
            .find(|(_, e)| match (e.shard(), m.shard()) {
                (Some((ei, en)), Some((mi, mn))) => en != mn || ei == mi,
                _ => true,
            });
        if let Some((earlier_dir, e)) = earlier {
            warnings.push(format!(
                "{} ({}) and {} ({}) read inputs of the same names and sizes: if they are one \
                 dump, their articles overlap and are counted twice",
                earlier_dir.display(),
                e.shard,
                dir.display(),
                m.shard
            ));
        }
    }
    warnings
}

/// The shards of the first run's count that none of `runs` is.
fn missing_shards(runs: &[&(PathBuf, RunManifest)]) -> Option<String> {
    let (first_dir, first) = runs[0];
    let (_, n) = first.shard()?;
    let given: Vec<u64> = runs
        .iter()
        .filter_map(|(_, m)| m.shard())
        .map(|s| s.0)
        .collect();
    let missing: Vec<String> = (0..n)
        .filter(|i| !given.contains(i))
        .map(|i| format!("{i}/{n}"))
        .collect();
    if missing.is_empty() {
        return None;
    }
    let named = missing.len().min(10);
    let more = match missing.len() - named {
        0 => String::new(),
        more => format!(" and {more} more"),
    };
    Some(format!(
        "{} of {n} shard(s) of the dump of {} are not among the runs ({}{more}): the index is of \
         part of it",
        missing.len(),
        first_dir.display(),
        missing[..named].join(", ")
    ))
}

/// How far an unfinished run got; see the module doc.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub run: RunIdentity,
    /// Input records fully written.
    #[serde(flatten)]
    pub read: RecordsRead,
    /// Length of each temporary file, in [`FILES`] order, at that point.
    pub lengths: [u64; 5],
    /// Rows in each temporary file, in [`FILES`] order, at that point (headers not counted):
    /// what a resumed run adds its own rows to, for the whole run's totals.
    pub rows: [u64; 5],
    /// Every record is written and the files are being renamed to their final names: a
    /// resume only has to finish the renames.
    #[serde(default)]
    pub finished: bool,
}

impl Checkpoint {
    /// Reads the checkpoint in `dir` and checks that it belongs to the run `now`.
    pub fn read_for(dir: &Path, now: &RunIdentity) -> Result<Checkpoint> {
        let path = dir.join(CHECKPOINT);
        let raw = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "nothing to resume in {}: no checkpoint of an unfinished run (run without --resume)",
                dir.display()
            )
        })?;
        let cp: Checkpoint = serde_json::from_str(&raw).with_context(|| {
            format!(
                "{} is not a checkpoint this whosaid can resume (an older version's, or damaged): \
                 run again without --resume",
                path.display()
            )
        })?;
        if let Some(once) = cp.run.inputs.iter().find(|i| i.is_read_once()) {
            let which = match once.path == STDIN {
                true => "stdin".to_string(),
                false => format!("the named pipe {}", once.path),
            };
            bail!(
                "cannot resume the run in {}: it read {which}, which cannot be checked to hold \
                 the same records again; run again without --resume",
                dir.display()
            );
        }
        let differences = cp.run.differences(now);
        if !differences.is_empty() {
            bail!(
                "cannot resume the run in {}: this run is not the interrupted one ({}); resuming \
                 would mix two runs' rows. Run with the same inputs and options, or without \
                 --resume to start over",
                dir.display(),
                differences.join("; ")
            );
        }
        Ok(cp)
    }

    /// Whether `dir` holds the checkpoint of a run killed while renaming its files to their
    /// final names: some of them are that run's, the others the run's before (`--resume`
    /// finishes the renames). A checkpoint that cannot be read counts as one, since it cannot be
    /// told apart.
    pub fn renaming_in(dir: &Path) -> bool {
        // A FIFO named like it is no checkpoint, and never opened: reading it waited for a writer.
        let read = crate::paths::open_regular_file(&dir.join(CHECKPOINT))
            .and_then(std::io::read_to_string);
        match read {
            Ok(raw) => serde_json::from_str::<Checkpoint>(&raw).map_or(true, |cp| cp.finished),
            Err(_) => false,
        }
    }

    /// Writes the checkpoint durably (the files it describes must be synced first).
    pub fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join(CHECKPOINT);
        let temp = dir.join(format!("{CHECKPOINT}.tmp"));
        // Never a FIFO put there since the run's start: opening it waited for a reader.
        let mut file = crate::paths::create_regular_file(&temp)
            .with_context(|| format!("cannot write {}", temp.display()))?;
        std::io::Write::write_all(&mut file, &serde_json::to_vec(self)?)
            .and_then(|()| file.sync_all())
            .with_context(|| format!("cannot write {}", temp.display()))?;
        std::fs::rename(&temp, &path).with_context(|| format!("cannot write {}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Origin;

    fn read(records: &[Result<Article, RecordError>]) -> RecordsRead {
        let mut read = RecordsRead::default();
        records.iter().for_each(|r| read.add(r));
        read
    }

    #[test]
    fn records_read_differ_when_any_field_or_the_order_differs() {
        let article = |title: &str, text: &str| Article {
            id: "a".into(),
            title: title.into(),
            text: text.into(),
            url: None,
            published: None,
            source: None,
            origin: Origin {
                input: "a.jsonl".into(),
                record: "line 1".into(),
            },
        };
        let error = || RecordError {
            input: "a.jsonl".into(),
            record: "line 2".into(),
            reason: "bad".into(),
        };
        let base = read(&[Ok(article("ab", "cdefghijk")), Err(error())]);
        assert_eq!(base.records, 2);
        assert_eq!(base, read(&[Ok(article("ab", "cdefghijk")), Err(error())]));
        for other in [
            read(&[Ok(article("a", "bcdefghijk")), Err(error())]),
            read(&[Ok(article("ab", "cdefghijK")), Err(error())]),
            read(&[Err(error()), Ok(article("ab", "cdefghijk"))]),
            read(&[Ok(article("ab", "cdefghijk"))]),
            read(&[Ok(Article {
                url: Some(String::new()),
                ..article("ab", "cdefghijk")
            })]),
        ] {
            assert_ne!(base.digest, other.digest, "{other:?}");
        }
    }

    fn identity(dir: &Path, inputs: &[PathBuf], precision: &str) -> RunIdentity {
        let model = dir.join("model");
        if !model.exists() {
            std::fs::create_dir_all(&model).unwrap();
            std::fs::write(model.join("config.json"), "{}").unwrap();
        }
        let options = vec![("--precision".to_string(), precision.to_string())];
        RunIdentity::new(inputs, &model, options).unwrap()
    }

    #[test]
    fn other_inputs_or_options_are_another_run() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a.jsonl"), tmp.path().join("b.jsonl"));
        std::fs::write(&a, "{}\n").unwrap();
        std::fs::write(&b, "{}\n").unwrap();
        let first = identity(tmp.path(), std::slice::from_ref(&a), "int8");
        assert!(first
            .differences(&identity(tmp.path(), std::slice::from_ref(&a), "int8"))
            .is_empty());
        let other_input = first.differences(&identity(tmp.path(), &[b], "int8"));
        assert!(other_input[0].contains("b.jsonl"), "{other_input:?}");
        let other_precision =
            first.differences(&identity(tmp.path(), std::slice::from_ref(&a), "f32"));
        assert_eq!(other_precision, ["--precision int8 → f32"]);
        assert_eq!(as_typed("title"), "title");
        assert_eq!(as_typed(""), "''");
        assert_eq!(as_typed("a\u{1b}b"), "'a\\u{1b}b'");
        // A space inside is quoted too (review, session 53), a quote mark as a shell writes it.
        assert_eq!(as_typed("head line"), "'head line'");
        assert_eq!(as_typed("it's"), "'it'\\''s'");
        std::fs::write(&a, "{}\n{}\n").unwrap();
        let grown = first.differences(&identity(tmp.path(), &[a], "int8"));
        assert!(grown[0].contains("changed since (size 3 → 6"), "{grown:?}");
    }

    /// A folder of links to the articles: editing a target left the link's size and time as
    /// they were, so `--resume` continued over changed inputs.
    #[cfg(unix)]
    #[test]
    fn a_changed_target_of_a_linked_file_in_a_folder_is_another_run() {
        let tmp = tempfile::tempdir().unwrap();
        let (targets, folder) = (tmp.path().join("targets"), tmp.path().join("dump"));
        std::fs::create_dir_all(&targets).unwrap();
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(targets.join("a.txt"), "Maria Lopez spoke.").unwrap();
        std::os::unix::fs::symlink(targets.join("a.txt"), folder.join("a.txt")).unwrap();
        std::os::unix::fs::symlink(targets.join("gone.txt"), folder.join("broken.txt")).unwrap();
        let inputs = std::slice::from_ref(&folder);
        let first = identity(tmp.path(), inputs, "int8");
        assert!(first
            .differences(&identity(tmp.path(), inputs, "int8"))
            .is_empty());
        std::fs::write(targets.join("a.txt"), "Maria Lopez spoke twice.").unwrap();
        let edited = first.differences(&identity(tmp.path(), inputs, "int8"));
        assert!(edited[0].contains("dump"), "{edited:?}");
    }

    /// With `--out` inside a folder input, the run's own files changed the folder's stamp, and
    /// every `--resume` was refused as a run over changed inputs.
    #[test]
    fn a_runs_own_files_inside_a_folder_input_change_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tmp.path().join("dump");
        std::fs::create_dir_all(folder.join("out")).unwrap();
        std::fs::write(folder.join("a.txt"), "Maria Lopez spoke.").unwrap();
        let inputs = std::slice::from_ref(&folder);
        let first = identity(tmp.path(), inputs, "int8");
        for name in managed_names() {
            std::fs::write(folder.join("out").join(name), "rows").unwrap();
        }
        std::fs::write(folder.join("notes.md"), "not read").unwrap();
        assert!(first
            .differences(&identity(tmp.path(), inputs, "int8"))
            .is_empty());
        std::fs::write(folder.join("b.txt"), "A second article.").unwrap();
        assert!(!first
            .differences(&identity(tmp.path(), inputs, "int8"))
            .is_empty());
    }

    #[test]
    fn a_changed_model_is_another_run() {
        let tmp = tempfile::tempdir().unwrap();
        let first = identity(tmp.path(), &[], "int8");
        std::fs::write(tmp.path().join("model/config.json"), "{ }").unwrap();
        let second = identity(tmp.path(), &[], "int8");
        assert!(first.differences(&second)[0].starts_with("model "));
        // So is a changed any-case companion, in its folder.
        let companion = tmp.path().join("model/any-case");
        std::fs::create_dir_all(&companion).unwrap();
        std::fs::write(companion.join("config.json"), "{}").unwrap();
        let third = identity(tmp.path(), &[], "int8");
        assert!(second.differences(&third)[0].starts_with("model "));
        // A link back up is not walked into.
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(tmp.path().join("model"), companion.join("loop")).unwrap();
            let fourth = identity(tmp.path(), &[], "int8");
            assert!(third.differences(&fourth).is_empty());
        }
    }

    /// With `--out` inside the model's folder, the run's own files changed the model's hash,
    /// and every `--resume` was refused as a run of another model. Only model files count.
    #[test]
    fn a_runs_own_files_inside_the_model_folder_change_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let first = identity(tmp.path(), &[], "int8");
        let out = tmp.path().join("model/run");
        std::fs::create_dir_all(&out).unwrap();
        for name in managed_names() {
            std::fs::write(out.join(name), "rows").unwrap();
        }
        std::fs::write(tmp.path().join("model/MODEL_CARD.md"), "notes").unwrap();
        assert!(first
            .differences(&identity(tmp.path(), &[], "int8"))
            .is_empty());
    }

    /// A run of another build is another run: the version alone (0.1.0 for every build) let a
    /// run killed under one build resume under another, mixing their rows.
    #[test]
    fn a_run_of_another_build_is_another_run() {
        let tmp = tempfile::tempdir().unwrap();
        let now = identity(tmp.path(), &[], "int8");
        let mut before = now.clone();
        before.version = env!("CARGO_PKG_VERSION").to_string();
        let said = before.differences(&now);
        assert!(said[0].starts_with("whosaid version"), "{said:?}");
    }

    #[test]
    fn runs_with_the_same_articles_are_refused_and_suspected_overlaps_said() {
        let tmp = tempfile::tempdir().unwrap();
        let run = |dir: &str, shard: &str, dump: &[&str]| {
            let manifest = RunManifest {
                shard: shard.into(),
                dump: dump.iter().map(|d| (d.to_string(), 100)).collect(),
            };
            (PathBuf::from(dir), manifest)
        };
        let other_articles = |_: &Path, _: &Path| false;
        let copies = |a: &Path, b: &Path| a.ends_with("s0") && b.ends_with("s0-copy");
        let whole = [
            run("a", "whole", &["a.jsonl"]),
            run("b", "whole", &["b.jsonl"]),
        ];
        assert!(check_shards(&whole, &copies).unwrap().is_empty());
        // Two runs over stdin: two dumps nothing names.
        let stdin = RunManifest::of(&identity(tmp.path(), &[PathBuf::from("-")], "int8"));
        assert!(stdin.dump.is_empty());
        let piped = [("p".into(), stdin.clone()), ("q".into(), stdin)];
        assert!(check_shards(&piped, &copies).unwrap().is_empty());
        // The shards of one dump whose files were listed in other orders: shards go by id.
        let all = [
            run("s0", "0/2", &["d.jsonl", "e.jsonl"]),
            run("s1", "1/2", &["e.jsonl", "d.jsonl"]),
        ];
        assert!(check_shards(&all, &copies).unwrap().is_empty());
        let part = check_shards(&all[..1], &copies).unwrap();
        assert!(
            part[0].contains("1 of 2 shard(s)") && part[0].contains("(1/2)"),
            "{part:?}"
        );
        // A copy of a run holds the same articles.csv: refused.
        let copied = [
            run("s0", "0/2", &["d.jsonl"]),
            run("s0-copy", "0/2", &["d.jsonl"]),
        ];
        let err = check_shards(&copied, &copies).unwrap_err().to_string();
        assert!(err.contains("s0 (0/2) and s0-copy (0/2)"), "{err}");
        // Two dumps of files named alike (day1/texts, day2/texts), or overlapping shards:
        // said, not refused, since names and sizes cannot tell.
        for runs in [
            vec![
                run("day1", "whole", &["texts"]),
                run("day2", "whole", &["texts"]),
            ],
            vec![
                run("s0", "0/2", &["d.jsonl"]),
                run("w", "whole", &["d.jsonl"]),
            ],
            vec![
                run("s0", "0/2", &["d.jsonl"]),
                run("t1", "1/3", &["d.jsonl"]),
            ],
        ] {
            let said = check_shards(&runs, &other_articles).unwrap();
            assert!(said.iter().any(|w| w.contains("counted twice")), "{said:?}");
        }
        // The manifest a run writes, read back; a run without one is not checked.
        let dump = tmp.path().join("d.jsonl");
        std::fs::write(&dump, "{}\n").unwrap();
        let mut identity = identity(tmp.path(), std::slice::from_ref(&dump), "int8");
        identity.options.push(("--shard".into(), "1/4".into()));
        let written = RunManifest::of(&identity);
        assert_eq!(written.shard, "1/4");
        assert_eq!(written.dump, [("d.jsonl".to_string(), 3)]);
        assert_eq!(RunManifest::read(tmp.path()), None);
        written.write(tmp.path()).unwrap();
        assert_eq!(RunManifest::read(tmp.path()), Some(written));
    }

    /// `index` read a run's manifest with a plain read: a FIFO under its name hung it.
    #[cfg(unix)]
    #[test]
    fn a_manifest_that_is_a_fifo_is_none_at_once() {
        let tmp = tempfile::tempdir().unwrap();
        crate::paths::special::make_fifo(&tmp.path().join(MANIFEST));
        let dir = tmp.path().to_path_buf();
        assert_eq!(
            crate::paths::special::at_once(move || RunManifest::read(&dir)),
            None
        );
    }

    /// The checkpoint of `run` stopped after 3 records.
    fn unfinished(run: &RunIdentity) -> Checkpoint {
        Checkpoint {
            run: run.clone(),
            read: RecordsRead {
                records: 3,
                digest: 0,
            },
            lengths: [0; 5],
            rows: [0; 5],
            finished: false,
        }
    }

    #[test]
    fn a_run_over_stdin_cannot_be_resumed() {
        let tmp = tempfile::tempdir().unwrap();
        let run = identity(tmp.path(), &[PathBuf::from("-")], "int8");
        unfinished(&run).write(tmp.path()).unwrap();
        let err = Checkpoint::read_for(tmp.path(), &run).unwrap_err();
        assert!(format!("{err:#}").contains("stdin"), "{err:#}");
    }

    /// `--out` naming an input file is a usage error naming it: it said "cannot create output
    /// directory: File exists", exit 1.
    #[test]
    fn an_input_named_as_out_is_a_usage_error() {
        let tmp = tempfile::tempdir().unwrap();
        let input = tmp.path().join("in.jsonl");
        std::fs::write(&input, "{}\n").unwrap();
        let e = refuse_inputs_among_outputs(std::slice::from_ref(&input), &input).unwrap_err();
        assert!(
            e.downcast_ref::<crate::usage::UsageError>().is_some(),
            "{e}"
        );
        assert!(e.to_string().contains("is the input"), "{e}");
    }

    /// A named pipe is read once, as stdin is: its modification time moves while its writer
    /// writes, and a run over a finite pipe failed at its end every time ("an input changed
    /// during the run (size 0 → 0, modified)"). It is not checked for change, and a run that
    /// read one is not resumed.
    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_read_once_as_stdin_is() {
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join("news.jsonl");
        crate::paths::special::make_fifo(&fifo);
        let inputs = [fifo.clone()];
        let run = identity(tmp.path(), &inputs, "int8");
        // Read and write, so that opening it waits for no writer.
        let pipe = std::fs::File::options()
            .read(true)
            .write(true)
            .open(&fifo)
            .unwrap();
        let then = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        pipe.set_modified(then).unwrap();
        refuse_inputs_changed_during_the_run(&run, &inputs, &Listings::default()).unwrap();
        unfinished(&run).write(tmp.path()).unwrap();
        let err = format!("{:#}", Checkpoint::read_for(tmp.path(), &run).unwrap_err());
        assert!(err.contains("the named pipe"), "{err}");
        assert!(RunManifest::of(&run).dump.is_empty());
    }

    /// Stdin named twice is an input named twice: the second `-` read an exhausted stdin, and
    /// the run passed (exit 0). Once, beside files, it is an input as any other.
    #[test]
    fn stdin_named_twice_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("a.jsonl");
        std::fs::write(&a, "{\"text\": \"x\"}\n").unwrap();
        let stdin = PathBuf::from("-");
        let e = refuse_repeated_inputs(&[stdin.clone(), a.clone(), stdin.clone()]).unwrap_err();
        assert!(
            e.downcast_ref::<crate::usage::UsageError>().is_some(),
            "{e}"
        );
        assert!(e.to_string().contains("stdin"), "{e}");
        assert!(refuse_repeated_inputs(&[stdin, a]).is_ok());
    }

    #[test]
    fn an_input_that_is_an_output_file_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let input = tmp.path().join("articles.csv");
        std::fs::write(&input, "id,text\n1,hello\n").unwrap();
        let err = refuse_inputs_among_outputs(std::slice::from_ref(&input), tmp.path());
        let err = err.unwrap_err();
        assert!(format!("{err:#}").contains("choose another --out"));
        // A usage error (exit 2), as README's exit statuses say: it was exit 1.
        assert!(err.downcast_ref::<crate::usage::UsageError>().is_some());
        // Through a symbolic link too.
        let elsewhere = tempfile::tempdir().unwrap();
        let link = elsewhere.path().join("mine.csv");
        std::os::unix::fs::symlink(&input, &link).unwrap();
        assert!(refuse_inputs_among_outputs(&[link], tmp.path()).is_err());
        // Another directory is fine.
        let out = tmp.path().join("out");
        assert!(refuse_inputs_among_outputs(&[input], &out).is_ok());
    }

    /// The checkpoint, the lock and the temporary names were not the run's to index and
    /// report: only its CSVs and entity index were refused.
    #[test]
    fn every_name_the_run_owns_is_a_run_file_and_others_are_not() {
        let tmp = tempfile::tempdir().unwrap();
        let run = tmp.path().join("run");
        std::fs::create_dir(&run).unwrap();
        std::fs::write(run.join("articles.csv"), "x").unwrap();
        let owned = [
            ".whosaid-checkpoint.json",
            ".whosaid-checkpoint.json.tmp",
            ".whosaid-lock",
            "articles.csv",
            "errors.csv.tmp",
            "entity_index.csv",
            ".entity_index.csv.Xa3k9Q.tmp",
            "mentions",
            "articles.csv.tmp/report",
        ];
        for name in owned {
            assert!(is_run_file(&run.join(name), &run).unwrap(), "{name}");
        }
        let hard = tmp.path().join("hard.csv");
        std::fs::hard_link(run.join("articles.csv"), &hard).unwrap();
        assert!(is_run_file(&hard, &run).unwrap());
        for name in [
            "report",
            "index.csv",
            "entity_index.csv.tmp",
            ".whosaid-report",
        ] {
            assert!(!is_run_file(&run.join(name), &run).unwrap(), "{name}");
        }
        assert!(!is_run_file(&tmp.path().join(".whosaid-lock"), &run).unwrap());
    }
}
