//! `extract` (CSV files) and `stream` (JSON lines on stdout): the same run, two sinks.

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use whosaid::input::{FolderListing, Listings, StdinPlace};
use whosaid::ner::{self, Precision};
use whosaid::pipeline::{self, ExtractOptions};
use whosaid::quotes::QuoteMethod;

use super::{FieldArgs, EXIT_UNREADABLE_INPUT};

#[derive(Args)]
pub struct ExtractArgs {
    /// Inputs: .jsonl, .csv, folders of .txt, any of them .gz; `-` reads JSONL from stdin.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Directory for articles.csv, mentions.csv, entities.csv, quotes.csv and errors.csv.
    #[arg(long, short)]
    out: PathBuf,
    #[command(flatten)]
    run: RunArgs,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
    /// Print the wall time of each stage (read, clean, segment, tokenize, model, …) at the end.
    #[arg(long)]
    timings: bool,
    /// Continue a run that was interrupted, from its last checkpoint in --out (same inputs and
    /// options); the files come out as an uninterrupted run would write them.
    #[arg(long)]
    resume: bool,
}

/// `stream`: JSON lines in on stdin, one JSON line per record out on stdout.
#[derive(Args)]
pub struct StreamArgs {
    #[command(flatten)]
    run: RunArgs,
    /// Lines of the dump before stdin's first line, when stdin is one part of a dump (a Spark
    /// partition): ids made up for records without one (`ID_STEM:LINE`) and errors then count
    /// the dump's lines, as `extract` over the whole dump does. Blank lines count: feed the
    /// part's lines, blank ones too.
    #[arg(long, default_value_t = 0, value_parser = place_in_dump::<usize>)]
    line_offset: usize,
    /// Bytes of the dump before stdin's first byte, when stdin is one part of a dump: an error
    /// row then names a byte of the dump (`invalid UTF-8 at byte 3 of the line (byte 9120 of
    /// the input)`), as `extract` over the whole dump does.
    #[arg(long, default_value_t = 0, value_parser = place_in_dump::<u64>)]
    byte_offset: u64,
    /// Made-up ids of records without one are ID_STEM:LINE (`extract` uses the dump file's
    /// name without its extensions).
    #[arg(long, default_value = "stdin")]
    id_stem: String,
}

/// Options shared by `extract` and `stream`.
#[derive(Args)]
struct RunArgs {
    /// NER model directory [default: models/ner-en next to the binary's source, or $WHOSAID_MODEL].
    #[arg(long)]
    model: Option<PathBuf>,
    /// Number format of the model: int8 (linear layers quantized: ~3x faster than f32 with
    /// AVX-512 VNNI, ~1.3x with AVX2 only; same dev F1), f32, or bf16 (as fast as int8 with
    /// AVX-512 BF16, very slow without). See BENCHMARKS.md.
    #[arg(long, default_value = "int8")]
    precision: Precision,
    /// Worker threads for text processing and for torch, 1 to 1024 (default: all cores). A
    /// model runs as one-thread copies side by side, one per thread up to four (each copy holds
    /// its own weights, about 100 MB); with more threads, at most four copies share them evenly.
    /// With the attribution model (--quotes both or model), each of those threads holds a copy
    /// of both models.
    #[arg(long, value_parser = super::threads)]
    threads: Option<NonZeroUsize>,
    #[command(flatten)]
    batching: BatchArgs,
    /// Run the model on every sentence. By default sentences of normally cased articles with no
    /// capital beyond a function word at their start (`The talks failed.`) are tagged O without
    /// the model, which saves a sixth of its work (see BENCHMARKS.md for the F1 cost).
    #[arg(long)]
    all_sentences: bool,
    /// Articles processed together (bounds memory; batches are formed across them).
    #[arg(long, default_value = "256")]
    chunk_size: NonZeroUsize,
    /// Largest text, and largest title, kept, in bytes; a record with a longer one goes to errors.
    #[arg(long, default_value_t = NonZeroUsize::new(2_000_000).unwrap())]
    max_bytes: NonZeroUsize,
    /// Process only shard I of N (0 <= I < N), chosen by a stable hash of the article id, so N
    /// machines running shards 0/N … N-1/N together produce one run's rows.
    #[arg(long)]
    shard: Option<pipeline::Shard>,
    /// Which extractor finds the quotes: rules, model (the trained attribution model) or both
    /// (the rules' direct quotes, the model's other attributions).
    #[arg(long, default_value = "both")]
    quotes: QuoteMethod,
    /// The attribution model directory, for --quotes model or both.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/models/quotes-en"))]
    quote_model: PathBuf,
    #[command(flatten)]
    fields: FieldArgs,
}

impl RunArgs {
    fn options(self, inputs: Vec<PathBuf>, out: PathBuf) -> ExtractOptions {
        ExtractOptions {
            inputs,
            out,
            model: pipeline::model_dir(self.model),
            precision: self.precision,
            threads: self
                .threads
                .map_or_else(pipeline::default_threads, NonZeroUsize::get),
            batching: self.batching.into(),
            chunk_size: self.chunk_size.get(),
            max_bytes: self.max_bytes.get(),
            progress: false,
            fields: self.fields.into(),
            resume: false,
            shard: self.shard,
            skip_lowercase_sentences: !self.all_sentences,
            quotes: self.quotes,
            quote_model: self.quote_model,
            stdin: Default::default(),
        }
    }
}

/// How windows of word pieces are grouped into model batches.
#[derive(Args)]
pub struct BatchArgs {
    /// Most windows per model batch.
    #[arg(long, default_value_t = NonZeroUsize::new(ner::Batching::default().windows).unwrap())]
    batch_size: NonZeroUsize,
    /// Most word pieces per model batch, padding included (each copy of the model runs one
    /// batch at a time; larger batches leave the CPU's cache).
    #[arg(long, default_value_t = NonZeroUsize::new(ner::Batching::default().tokens).unwrap())]
    batch_tokens: NonZeroUsize,
}

impl From<BatchArgs> for ner::Batching {
    fn from(a: BatchArgs) -> Self {
        ner::Batching {
            windows: a.batch_size.get(),
            tokens: a.batch_tokens.get(),
        }
    }
}

/// Runs the command.
pub fn extract(a: ExtractArgs) -> Result<ExitCode> {
    let mut opts = a.run.options(a.inputs, a.out);
    opts.progress = !a.quiet;
    opts.resume = a.resume;
    warn_if_oversubscribed(opts.threads);
    // Each folder is walked once, here: the run reads the files of this listing.
    let listings = Listings::of(&opts.inputs);
    for input in &opts.inputs {
        if let Some(Ok(listing)) = listings.folder(input) {
            name_files_not_read(input, listing, &opts.out);
            name_files_read_once(input, listing);
        }
    }
    let summary = pipeline::extract_listed(&opts, &listings)?;
    eprintln!("{summary}");
    if a.timings {
        eprint!("{}", summary.stage_table());
    }
    println!("{}", opts.out.display());
    if summary.unreadable_inputs.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    let whose = match opts.shard.is_some() {
        true => "errors.csv of this shard or another",
        false => "errors.csv",
    };
    name_unreadable_inputs(&summary.unreadable_inputs, whose);
    Ok(ExitCode::from(EXIT_UNREADABLE_INPUT))
}

/// Names on stderr each input that could not be read, or not to its end, with why: the exit
/// status 3 says that one was, and a batch log must say which, with `-q` too and in every shard.
/// The per-record `skipped` lines are the progress display's (not under `-q`), and with
/// `--shard` the error row is in the one shard its name hashes to: the others said only "1
/// input(s) could not be read at all". `whose` says where the error row is.
fn name_unreadable_inputs(unread: &[whosaid::input::RecordError], whose: &str) {
    for e in unread {
        let what = match e.is_cut_short() {
            true => format!("could not be read to its end (at {})", e.record),
            false => "could not be read".to_string(),
        };
        eprintln!(
            "whosaid: input {} {what}: {} (see {whose})",
            e.input, e.reason
        );
    }
}

/// Names the files of a folder input that the run does not read (not `.txt` or `.txt.gz`; the
/// run's own files, with `--out` inside the folder, left out): a folder of `.txt.gz` files with
/// one `.txt.bz2` among them read without it, and not a word said. (A folder with nothing to read
/// is an input that could not be read: an error row, exit 3; so is a folder that cannot be
/// listed.)
fn name_files_not_read(folder: &Path, files: &FolderListing, out: &Path) {
    let ours = |p: &Path| whosaid::paths::is_within(p, out).unwrap_or(false);
    let others: Vec<&PathBuf> = files.not_read.iter().filter(|p| !ours(p)).collect();
    if let Some(first) = others.first() {
        let more = match others.len() {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        eprintln!(
            "whosaid: {}: {}{more} not read (a folder's articles are its {} files)",
            folder.display(),
            first.display(),
            whosaid::input::TEXT_FILES_IN_A_FOLDER
        );
    }
}

/// Names the names of a folder input's files that the run passes over because the file is read
/// under an earlier name (a link or a hard link to it in the same folder): the article is the
/// first name's, once, and the user sees why the other names gave no row.
fn name_files_read_once(folder: &Path, files: &FolderListing) {
    if let Some((skipped, kept)) = files.read_once.first() {
        let more = match files.read_once.len() {
            1 => String::new(),
            n => format!(" (and {} more names of a file read under another)", n - 1),
        };
        eprintln!(
            "whosaid: {}: {} not read: it is the file {} (a link or a hard link), read once \
             under that name{more}",
            folder.display(),
            skipped.display(),
            kept.display(),
        );
    }
}

/// Says so when `--threads` asks for more threads than the machine has cores: the output is
/// the same, but the threads take turns (1 article took 8.8 s at 16 threads on 2 cores, 30.8 s
/// at 256), which a batch job would otherwise take for a hang.
fn warn_if_oversubscribed(threads: usize) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads > cores {
        eprintln!(
            "whosaid: --threads {threads} is more than the {cores} cores this machine has: the \
             run will be slower, not faster (the output is the same)"
        );
    }
}

/// Most lines or bytes of a dump before a part of it (`--line-offset`, `--byte-offset`): 2^62,
/// so that the part's own lines and bytes added to it cannot pass the largest number. It wrapped
/// round: `--line-offset 18446744073709551615` named the part's first line `line 0` and made up
/// the id `stdin:0`, the id of another part's record.
const MOST_BEFORE_A_PART: u64 = 1 << 62;

/// A `--line-offset` or `--byte-offset`: at most [`MOST_BEFORE_A_PART`], a usage error beyond.
fn place_in_dump<N: TryFrom<u64>>(arg: &str) -> Result<N, String> {
    let n: u64 = arg.parse().map_err(|e| format!("{e}"))?;
    match n <= MOST_BEFORE_A_PART {
        true => N::try_from(n).map_err(|_| format!("{n} is too large for this machine")),
        false => Err(format!(
            "at most {MOST_BEFORE_A_PART}, more than any dump holds (got {n})"
        )),
    }
}

/// Runs the command.
pub fn stream(a: StreamArgs) -> Result<ExitCode> {
    let mut opts = a.run.options(vec![PathBuf::from("-")], PathBuf::new());
    opts.stdin = StdinPlace {
        stem: a.id_stem,
        lines_before: a.line_offset,
        bytes_before: a.byte_offset,
    };
    warn_if_oversubscribed(opts.threads);
    match pipeline::stream(&opts) {
        // The reader went away (`whosaid stream | head -1`): what it read is whole, and there is
        // no one left to answer. Stop quietly, as `head`'s other writers do, not with an error
        // that fails a `set -o pipefail` pipeline.
        Err(e) if is_broken_pipe(&e) => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e),
        Ok(summary) if summary.unreadable_inputs.is_empty() => Ok(ExitCode::SUCCESS),
        // Stdin could not be read to its end (`stream < folder`, an I/O error): the records
        // after the cut are lost, so the status says it, as `extract -` exits 3 (stream said
        // 0, and a pipeline or Spark task took the part for whole).
        Ok(summary) => {
            let whose = match opts.shard.is_some() {
                true => "its error line on stdout, in this shard or another",
                false => "its error line on stdout",
            };
            name_unreadable_inputs(&summary.unreadable_inputs, whose);
            Ok(ExitCode::from(EXIT_UNREADABLE_INPUT))
        }
    }
}

/// Whether an error comes from writing to a pipe whose reader closed it.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
