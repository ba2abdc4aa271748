//! Wires the stages: input → clean → text → ner → entities → quotes → output.
//!
//! Articles are processed in chunks, in input order. Within a chunk, rayon cleans, segments and
//! tokenizes the articles; their windows are sorted by length and batched across articles; a
//! dedicated inference thread owns the model (rust-bert models are `Send`, not `Sync`) and runs
//! the batches; rayon then decodes mentions, merges entities and finds quotes; rows are written in
//! input order and flushed after each chunk.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use anyhow::{anyhow, bail, Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use tch::Device;

use crate::checkpoint::{self, RunIdentity};
use crate::entities::{self, Entities};
use crate::eval::ner::{evaluate_conll, format_score, read_conll, NerScore, NerScorer};
use crate::input::{self, Article, FieldNames, ReadOptions, RecordError};
use crate::ner::{
    mentions_from_tags, Mention, ModelSettings, NerModel, Precision, Window, WordTag,
};
use crate::output::{ArticleRows, OutputWriter};
use crate::quotes::{self, Quote};
use crate::text::{Document, Published, Span};
use crate::{clean, ner};

/// Settings of an `extract` run.
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    pub inputs: Vec<PathBuf>,
    pub out: PathBuf,
    pub model: PathBuf,
    pub precision: Precision,
    pub threads: usize,
    /// How windows are grouped into model batches.
    pub batching: ner::Batching,
    pub chunk_size: usize,
    pub max_bytes: usize,
    pub progress: bool,
    pub fields: FieldNames,
    /// Continue an interrupted run in `out` from its last checkpoint.
    pub resume: bool,
    /// Process only this shard of the records.
    pub shard: Option<Shard>,
    /// Leave lowercase-only sentences of normally cased articles out of the model
    /// ([`ner::Windower::skip_lowercase_sentences`]).
    pub skip_lowercase_sentences: bool,
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub articles: usize,
    pub mentions: usize,
    pub entities: usize,
    pub quotes: usize,
    pub errors: usize,
    /// Inputs that could not be opened at all (a missing file, an unknown format): error rows
    /// with record `-`.
    pub unreadable_inputs: usize,
    pub words: usize,
    /// Word pieces run through the model, and model batches.
    pub pieces: usize,
    pub batches: usize,
    /// Positions the model computed, padding included.
    pub padded_pieces: usize,
    pub seconds: f64,
    /// Wall seconds per stage, in [`Stage::ALL`] order.
    pub stage_seconds: [f64; Stage::COUNT],
}

/// The stages of `extract`, for the timing split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading and parsing records (includes decompression).
    Read,
    Clean,
    /// Paragraphs, sentences and words.
    Segment,
    /// Word pieces and model windows.
    Tokenize,
    /// The model's forward passes (on the inference thread).
    Model,
    /// Tags to mentions, mentions to entities.
    DecodeEntities,
    Quotes,
    /// Rows built and written.
    Write,
}

impl Stage {
    pub const COUNT: usize = 8;
    pub const ALL: [Stage; Stage::COUNT] = [
        Stage::Read,
        Stage::Clean,
        Stage::Segment,
        Stage::Tokenize,
        Stage::Model,
        Stage::DecodeEntities,
        Stage::Quotes,
        Stage::Write,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Read => "read",
            Stage::Clean => "clean",
            Stage::Segment => "segment",
            Stage::Tokenize => "tokenize",
            Stage::Model => "model forward",
            Stage::DecodeEntities => "decode+entities",
            Stage::Quotes => "quotes",
            Stage::Write => "write",
        }
    }
}

/// CPU time of the stages that run on rayon's threads, summed over threads (nanoseconds).
#[derive(Default)]
struct StageClock([AtomicU64; Stage::COUNT]);

impl StageClock {
    /// Runs `f`, adding its duration to `stage`.
    fn time<T>(&self, stage: Stage, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let out = f();
        self.0[stage as usize].fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
        out
    }

    fn nanos(&self, stage: Stage) -> f64 {
        self.0[stage as usize].load(Ordering::Relaxed) as f64
    }

    /// Shares a phase's wall time among its stages in proportion to their CPU time.
    fn split(&self, wall: f64, stages: &[Stage], into: &mut [f64; Stage::COUNT]) {
        let total: f64 = stages.iter().map(|&s| self.nanos(s)).sum();
        for &s in stages {
            into[s as usize] += if total > 0.0 {
                wall * self.nanos(s) / total
            } else {
                wall / stages.len() as f64
            };
        }
    }
}

impl Summary {
    /// The wall-time split per stage, one line each, with its share of the run.
    pub fn stage_table(&self) -> String {
        let total: f64 = self.stage_seconds.iter().sum::<f64>().max(1e-9);
        let mut out = String::from("stage              seconds   share\n");
        for s in Stage::ALL {
            let secs = self.stage_seconds[s as usize];
            out.push_str(&format!(
                "{:<16} {:>9.2} {:>6.1}%\n",
                s.name(),
                secs,
                100.0 * secs / total
            ));
        }
        out.push_str(&format!(
            "{:<16} {:>9.2}   (model load and start-up: {:.2})\n",
            "total",
            total,
            (self.seconds - total).max(0.0)
        ));
        let model = self.stage_seconds[Stage::Model as usize].max(1e-9);
        out.push_str(&format!(
            "model input: {} pieces in {} batches, {:.1}% padding; {:.0} pieces/s in the model\n",
            self.pieces,
            self.batches,
            100.0 * (self.padded_pieces.saturating_sub(self.pieces)) as f64
                / self.padded_pieces.max(1) as f64,
            self.pieces as f64 / model
        ));
        out
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "whosaid: {} articles, {} entities ({} mentions), {} quotes, {} errors in {:.2}s ({:.0} words/s)",
            self.articles,
            self.entities,
            self.mentions,
            self.quotes,
            self.errors,
            self.seconds,
            self.words as f64 / self.seconds.max(1e-9)
        )
    }
}

/// The model directory to use: the one given, else $WHOSAID_MODEL, else the shipped default.
pub fn model_dir(given: Option<PathBuf>) -> PathBuf {
    given
        .or_else(|| std::env::var_os("WHOSAID_MODEL").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/models/ner-en")))
}

/// Process-wide settings for speed and memory; the binary calls this first, before any thread
/// or torch call (both measured in BENCHMARKS.md):
/// - glibc keeps freed memory instead of returning it to the OS after every batch: libtorch
///   allocates and frees tens of megabytes of temporaries per forward pass, and with the default
///   thresholds each became an mmap/munmap pair with page faults, a third of the model's time;
/// - oneDNN's cache of compiled int8 GEMMs is kept small: batches come in many shapes, and each
///   cached primitive holds its own copy of packed weights (2 GB of RSS with the default 1024).
///
/// Both are left alone when the user has set them (`ONEDNN_PRIMITIVE_CACHE_CAPACITY`, glibc's
/// `MALLOC_*` variables are read before this runs and then overridden only for the three
/// thresholds below). A no-op for the allocator off glibc.
pub fn tune_runtime() {
    if std::env::var_os("ONEDNN_PRIMITIVE_CACHE_CAPACITY").is_none() {
        std::env::set_var("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "8");
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; called before other threads start.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 64 << 20);
        libc::mallopt(libc::M_TOP_PAD, 16 << 20);
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

pub fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// One article through the text stages.
struct Prepared {
    doc: Document,
    windows: Vec<Window>,
}

/// Cleans and segments an article, and cuts its sentences into model windows.
fn prepare(article: Article, windower: &ner::Windower, clock: &StageClock) -> Result<Prepared> {
    let cleaned = clock.time(Stage::Clean, || clean::clean(&article.text));
    let about = Published {
        url: article.url,
        published: article.published,
        source: article.source,
    };
    let mut doc = clock.time(Stage::Segment, || {
        Document::new(article.id, article.title, article.text, &cleaned)
    });
    doc.about = about;
    let windows = clock.time(Stage::Tokenize, || document_windows(&doc, windower))?;
    Ok(Prepared { doc, windows })
}

/// A document's sentences cut into model windows (whole sentences, in order).
fn document_windows(doc: &Document, windower: &ner::Windower) -> Result<Vec<Window>> {
    let sentences: Vec<Vec<&str>> = doc
        .sentences
        .iter()
        .map(|s| {
            doc.tokens[s.tokens.clone()]
                .iter()
                .map(|t| doc.slice(*t))
                .collect()
        })
        .collect();
    windower.windows(&sentences)
}

/// The text stages after NER for one article: its mentions, entities and quotes, each stage's
/// time added to `clock`.
fn analyse(
    doc: &Document,
    tags: &[WordTag],
    labels: &[String],
    clock: &StageClock,
) -> (Vec<Mention>, Entities, Vec<Quote>) {
    let (mentions, entities) = clock.time(Stage::DecodeEntities, || {
        let mentions = mentions_from_tags(&doc.text, &doc.tokens, tags, labels);
        let entities = entities::merge(doc, &mentions);
        (mentions, entities)
    });
    let quotes = clock.time(Stage::Quotes, || quotes::extract(doc, &mentions, &entities));
    (mentions, entities, quotes)
}

/// Requests to the inference thread: a batch of windows, answered with their word tags.
type Job = (usize, Vec<Window>);
type JobResult = (usize, Vec<Vec<WordTag>>);

/// The model on its own thread. Dropping it ends the thread.
pub struct InferenceWorker {
    jobs: Option<mpsc::SyncSender<Job>>,
    results: mpsc::Receiver<JobResult>,
    handle: Option<std::thread::JoinHandle<()>>,
    pub labels: Vec<String>,
    pub settings: ModelSettings,
    pub tokenizer: tokenizers::Tokenizer,
}

impl InferenceWorker {
    /// Loads the model (failing here, before any output, if it is missing or broken) and starts
    /// the thread that runs it with `torch_threads` intra-op threads, in `precision`.
    pub fn start(
        model_dir: &Path,
        torch_threads: usize,
        precision: Precision,
    ) -> Result<InferenceWorker> {
        // libtorch panics on zero threads; the command line already refuses it.
        if torch_threads == 0 {
            bail!("--threads must be at least 1");
        }
        tch::set_num_threads(torch_threads as i32);
        let model = NerModel::load_as(model_dir, Device::Cpu, precision)
            .with_context(|| format!("cannot load the NER model from {}", model_dir.display()))?;
        let labels = model.config.labels.clone();
        let settings = model.config.settings.clone();
        let tokenizer = model.tokenizer.clone();
        // Bounded: the text side can run at most two batches ahead of the model.
        let (jobs, job_rx) = mpsc::sync_channel::<Job>(2);
        let (result_tx, results) = mpsc::channel::<JobResult>();
        let handle = std::thread::Builder::new()
            .name("whosaid-inference".into())
            .spawn(move || {
                for (id, windows) in job_rx {
                    let refs: Vec<&Window> = windows.iter().collect();
                    if result_tx.send((id, model.predict(&refs))).is_err() {
                        break;
                    }
                }
            })?;
        Ok(InferenceWorker {
            jobs: Some(jobs),
            results,
            handle: Some(handle),
            labels,
            settings,
            tokenizer,
        })
    }

    /// Runs windows through the model in `batches` (indices into `windows`, as
    /// [`ner::Batching::plan_windows`] makes them); returns tags in input order.
    pub fn run(&self, windows: &[&Window], batches: &[Vec<usize>]) -> Result<Vec<Vec<WordTag>>> {
        let jobs = self.jobs.as_ref().expect("worker running");
        let mut out: Vec<Vec<WordTag>> = vec![Vec::new(); windows.len()];
        let mut pending = 0;
        let mut next = 0;
        while next < batches.len() || pending > 0 {
            // Keep the worker fed without queueing more than the channel holds.
            while next < batches.len() && pending < 2 {
                let batch = batches[next].iter().map(|&i| windows[i].clone()).collect();
                jobs.send((next, batch))
                    .map_err(|_| anyhow::anyhow!("the inference thread stopped"))?;
                next += 1;
                pending += 1;
            }
            let (id, tags) = self
                .results
                .recv()
                .context("the inference thread stopped (see the error above)")?;
            pending -= 1;
            for (&i, t) in batches[id].iter().zip(tags) {
                out[i] = t;
            }
        }
        Ok(out)
    }
}

impl Drop for InferenceWorker {
    fn drop(&mut self) {
        self.jobs.take();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn progress_bar(enabled: bool, total: Option<u64>) -> ProgressBar {
    let target = if enabled {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    match total {
        Some(n) => ProgressBar::with_draw_target(Some(n), target).with_style(
            ProgressStyle::with_template(
                "{elapsed_precise} [{wide_bar}] {pos}/{len} articles ({per_sec}, ETA {eta})",
            )
            .unwrap(),
        ),
        None => ProgressBar::with_draw_target(None, target).with_style(
            ProgressStyle::with_template("{elapsed_precise} {pos} articles ({per_sec})").unwrap(),
        ),
    }
}

/// How much of a JSON-lines file [`estimate_records`] reads to estimate its number of lines.
const ESTIMATE_SAMPLE_BYTES: u64 = 1 << 20;

/// A cheap estimate of the number of records, for the progress bar: lines of plain JSONL files
/// and .txt files in folders. None when an input is compressed, CSV or stdin. A JSONL file is
/// never read whole: its lines are counted in its first megabyte and scaled by its size.
fn estimate_records(inputs: &[PathBuf]) -> Option<u64> {
    let mut total = 0u64;
    for p in inputs {
        let name = p.to_string_lossy();
        if p.is_dir() {
            total += std::fs::read_dir(p)
                .ok()?
                .filter(|e| {
                    e.as_ref()
                        .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "txt"))
                })
                .count() as u64;
        } else if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
            total += estimate_lines(p).ok()?;
        } else if name.ends_with(".txt") {
            total += 1;
        } else {
            return None;
        }
    }
    Some(total)
}

/// Non-blank lines in a file: counted exactly in a file of at most [`ESTIMATE_SAMPLE_BYTES`],
/// else estimated from that prefix and the file's size.
fn estimate_lines(path: &Path) -> std::io::Result<u64> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    let mut sample = Vec::new();
    file.take(ESTIMATE_SAMPLE_BYTES).read_to_end(&mut sample)?;
    let lines = sample
        .split(|&b| b == b'\n')
        .filter(|l| l.iter().any(|b| !b.is_ascii_whitespace()))
        .count() as u64;
    if size <= sample.len() as u64 || sample.is_empty() {
        return Ok(lines);
    }
    Ok((lines as f64 * size as f64 / sample.len() as f64).round() as u64)
}

/// Where processed records go: the CSV files of `extract`, or JSON lines of `stream`.
pub trait Sink {
    fn article(&mut self, rows: &ArticleRows) -> Result<()>;
    fn error(&mut self, error: &RecordError) -> Result<()>;
    /// Called after each chunk with the number of input records fully handed over so far.
    fn chunk_done(&mut self, records: u64) -> Result<()>;
}

/// The CSV files of `extract`, checkpointed after each chunk for `--resume`.
struct CsvSink(OutputWriter);

impl Sink for CsvSink {
    fn article(&mut self, rows: &ArticleRows) -> Result<()> {
        self.0.write_article(rows)
    }
    fn error(&mut self, error: &RecordError) -> Result<()> {
        self.0.write_error(error)
    }
    fn chunk_done(&mut self, records: u64) -> Result<()> {
        self.0.checkpoint(records)
    }
}

/// One output line of `stream` mode: an article's rows nested, or the reason it was skipped.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum StreamLine<'a> {
    Article {
        article: &'a Option<crate::output::ArticleRow>,
        entities: &'a [crate::output::EntityRow],
        mentions: &'a [crate::output::MentionRow],
        quotes: &'a [crate::output::QuoteRow],
    },
    Error {
        error: crate::output::ErrorRow,
    },
}

/// JSON lines on a writer, one per input record, flushed after each chunk.
pub struct JsonLinesSink<W: Write>(pub W);

impl<W: Write> Sink for JsonLinesSink<W> {
    fn article(&mut self, rows: &ArticleRows) -> Result<()> {
        let line = StreamLine::Article {
            article: &rows.article,
            entities: &rows.entities,
            mentions: &rows.mentions,
            quotes: &rows.quotes,
        };
        serde_json::to_writer(&mut self.0, &line)?;
        self.0.write_all(b"\n")?;
        Ok(())
    }
    fn error(&mut self, error: &RecordError) -> Result<()> {
        let error = crate::output::ErrorRow {
            input: error.input.clone(),
            record: error.record.clone(),
            reason: error.reason.clone(),
        };
        serde_json::to_writer(&mut self.0, &StreamLine::Error { error })?;
        self.0.write_all(b"\n")?;
        Ok(())
    }
    fn chunk_done(&mut self, _records: u64) -> Result<()> {
        self.0.flush()?;
        Ok(())
    }
}

/// One part of a dump split across machines: records whose id hashes to `index` modulo
/// `count` (0 <= index < count). Written `I/N` on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl std::str::FromStr for Shard {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> Result<Shard> {
        let bad = || anyhow!("--shard {s:?}: expected I/N with 0 <= I < N, e.g. 0/4");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u64, u64) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// Whether a record belongs to this shard. Articles go by their id, unreadable records by
    /// input and record name, through FNV-1a (stable across runs, machines and versions).
    pub fn holds(&self, record: &Result<Article, RecordError>) -> bool {
        let key = match record {
            Ok(a) => fnv1a(&[a.id.as_bytes()]),
            Err(e) => fnv1a(&[e.input.as_bytes(), b"\0", e.record.as_bytes()]),
        };
        key % self.count == self.index
    }
}

fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in parts.iter().flat_map(|p| p.iter()) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Runs `extract`: reads every input, writes the five CSVs into `opts.out`.
pub fn extract(opts: &ExtractOptions) -> Result<Summary> {
    let started = Instant::now();
    // Nothing in --out is touched before these checks, and the model loads first: a missing
    // or broken model stops the run before any output.
    checkpoint::refuse_inputs_among_outputs(&opts.inputs, &opts.out)?;
    let worker = InferenceWorker::start(&opts.model, opts.threads, opts.precision)?;
    let run = RunIdentity::new(&opts.inputs, &opts.model, output_options(opts))?;
    let (writer, done) = if opts.resume {
        OutputWriter::resume(&opts.out, run)?
    } else {
        (OutputWriter::create(&opts.out, run)?, 0)
    };
    let mut sink = CsvSink(writer);
    let mut summary = process(opts, &worker, done, &mut sink)?;
    let phase = Instant::now();
    sink.0.finish()?;
    summary.stage_seconds[Stage::Write as usize] += phase.elapsed().as_secs_f64();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// The options of a run that change its output bytes, for its [`RunIdentity`]. Threads,
/// chunk and batch sizes are left out: output is the same whatever they are.
fn output_options(opts: &ExtractOptions) -> Vec<(String, String)> {
    let f = &opts.fields;
    [
        ("--precision", format!("{:?}", opts.precision)),
        (
            "--all-sentences",
            (!opts.skip_lowercase_sentences).to_string(),
        ),
        ("--max-bytes", opts.max_bytes.to_string()),
        (
            "--shard",
            opts.shard
                .map_or("none".into(), |s| format!("{}/{}", s.index, s.count)),
        ),
        ("--id-field", f.id.clone()),
        ("--title-field", f.title.clone()),
        ("--text-field", f.text.clone()),
        ("--url-field", f.url.clone()),
        ("--published-field", f.published.clone()),
        ("--source-field", f.source.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// `stream`: JSON lines from stdin to JSON lines on stdout (see [`JsonLinesSink`]).
pub fn stream(opts: &ExtractOptions) -> Result<Summary> {
    let worker = InferenceWorker::start(&opts.model, opts.threads, opts.precision)?;
    let mut sink = JsonLinesSink(std::io::BufWriter::new(std::io::stdout().lock()));
    process(opts, &worker, 0, &mut sink)
}

/// Runs the pipeline over `opts.inputs` (this shard's records, after the first `skip`) with
/// the model on `worker`, and hands every record's rows or error to `sink`, in input order.
pub fn process(
    opts: &ExtractOptions,
    worker: &InferenceWorker,
    skip: u64,
    sink: &mut dyn Sink,
) -> Result<Summary> {
    let started = Instant::now();
    if opts.chunk_size == 0 || opts.batching.windows == 0 || opts.batching.tokens == 0 {
        bail!("--chunk-size, --batch-size and --batch-tokens must be at least 1");
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()?;
    let read_opts = ReadOptions {
        fields: opts.fields.clone(),
        max_bytes: opts.max_bytes,
    };
    let shard = opts.shard;
    let mut records = input::read_inputs(&opts.inputs, &read_opts)
        .filter(move |r| shard.is_none_or(|s| s.holds(r)))
        .skip(skip as usize);
    let estimate = (opts.progress && opts.shard.is_none())
        .then(|| estimate_records(&opts.inputs))
        .flatten();
    let bar = progress_bar(opts.progress, estimate);
    bar.set_position(skip);
    let mut summary = Summary::default();
    let windower = ner::Windower::new(&worker.tokenizer, &worker.settings)?
        .skip_lowercase_sentences(opts.skip_lowercase_sentences);
    let labels = &worker.labels;
    let clock = StageClock::default();
    let stages = &mut summary.stage_seconds;
    let mut consumed = skip;

    loop {
        let phase = Instant::now();
        let chunk: Vec<Result<Article, RecordError>> =
            records.by_ref().take(opts.chunk_size).collect();
        stages[Stage::Read as usize] += phase.elapsed().as_secs_f64();
        if chunk.is_empty() {
            break;
        }
        consumed += chunk.len() as u64;
        // Text stages, in parallel; a record that fails here becomes an error row.
        let phase = Instant::now();
        let prepared: Vec<Result<Prepared, RecordError>> = pool.install(|| {
            chunk
                .into_par_iter()
                .map(|r| {
                    r.and_then(|a| {
                        let (input, record) = (a.id.clone(), a.id.clone());
                        prepare(a, &windower, &clock).map_err(|e| RecordError {
                            input,
                            record,
                            reason: format!("{e:#}"),
                        })
                    })
                })
                .collect()
        });
        clock.split(
            phase.elapsed().as_secs_f64(),
            &[Stage::Clean, Stage::Segment, Stage::Tokenize],
            stages,
        );
        let windows: Vec<&Window> = prepared
            .iter()
            .flat_map(|p| p.iter().flat_map(|p| p.windows.iter()))
            .collect();
        let batches = opts.batching.plan_windows(&windows);
        for batch in &batches {
            summary.batches += 1;
            summary.pieces += batch.iter().map(|&i| windows[i].len()).sum::<usize>();
            // Each batch is in ascending length: its last window sets the padded width.
            summary.padded_pieces += batch.len() * batch.last().map_or(0, |&i| windows[i].len());
        }
        let phase = Instant::now();
        let mut tags = worker.run(&windows, &batches)?.into_iter();
        stages[Stage::Model as usize] += phase.elapsed().as_secs_f64();
        let phase = Instant::now();
        // Re-assemble each article's word tags from its windows, in order.
        let per_article: Vec<Vec<WordTag>> = prepared
            .iter()
            .map(|p| match p {
                Ok(p) => {
                    let mut word_tags = vec![
                        WordTag {
                            label: 0,
                            prob: 1.0
                        };
                        p.doc.tokens.len()
                    ];
                    for w in &p.windows {
                        for (&(_, word), tag) in
                            w.word_starts.iter().zip(tags.next().unwrap_or_default())
                        {
                            word_tags[word] = tag;
                        }
                    }
                    word_tags
                }
                Err(_) => Vec::new(),
            })
            .collect();
        let rows: Vec<Result<(ArticleRows, usize), &RecordError>> = pool.install(|| {
            prepared
                .par_iter()
                .zip(per_article.par_iter())
                .map(|(p, t)| match p {
                    Ok(p) => {
                        let (mentions, entities, quotes) = analyse(&p.doc, t, labels, &clock);
                        let rows = clock.time(Stage::Write, || {
                            ArticleRows::new(&p.doc, &mentions, &entities, &quotes)
                        });
                        Ok((rows, p.doc.word_count()))
                    }
                    Err(e) => Err(e),
                })
                .collect()
        });
        clock.split(
            phase.elapsed().as_secs_f64(),
            &[Stage::DecodeEntities, Stage::Quotes, Stage::Write],
            stages,
        );
        let phase = Instant::now();
        for r in rows {
            match r {
                Ok((rows, words)) => {
                    summary.articles += 1;
                    summary.words += words;
                    summary.mentions += rows.mentions.len();
                    summary.entities += rows.entities.len();
                    summary.quotes += rows.quotes.len();
                    sink.article(&rows)?;
                }
                Err(e) => {
                    summary.errors += 1;
                    summary.unreadable_inputs += usize::from(e.record == input::WHOLE_INPUT);
                    if opts.progress {
                        bar.suspend(|| eprintln!("whosaid: skipped {e}"));
                    }
                    sink.error(e)?;
                }
            }
            bar.inc(1);
        }
        sink.chunk_done(consumed)?;
        stages[Stage::Write as usize] += phase.elapsed().as_secs_f64();
    }
    bar.finish_and_clear();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Settings of `eval ner`.
#[derive(Debug, Clone)]
pub struct EvalNerOptions {
    pub files: Vec<PathBuf>,
    pub fixtures: Vec<PathBuf>,
    pub model: PathBuf,
    pub precision: Precision,
    pub batching: ner::Batching,
    pub threads: usize,
    pub json: bool,
    pub errors: Option<PathBuf>,
    /// As in [`ExtractOptions::skip_lowercase_sentences`].
    pub skip_lowercase_sentences: bool,
}

/// A span-labeled fixture article: `{"id", "text", "entities": [{"start", "end", "label"}]}`
/// with character offsets into `text` (end exclusive). Extra fields (quotes, …) are ignored.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct NerFixture {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub entities: Vec<FixtureEntity>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct FixtureEntity {
    pub start: usize,
    pub end: usize,
    pub label: String,
}

/// Reads span-labeled fixtures (one JSON object per line).
pub fn read_ner_fixtures(path: &Path) -> Result<Vec<NerFixture>> {
    let raw =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    raw.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| {
            serde_json::from_str(l)
                .with_context(|| format!("{}: line {}: not a fixture", path.display(), n + 1))
        })
        .collect()
}

/// Runs the extract stages up to mentions on texts, with one model.
pub fn mentions_for_texts(
    worker: &InferenceWorker,
    docs: &[Document],
    batching: ner::Batching,
    skip_lowercase_sentences: bool,
) -> Result<Vec<Vec<Mention>>> {
    let windower = ner::Windower::new(&worker.tokenizer, &worker.settings)?
        .skip_lowercase_sentences(skip_lowercase_sentences);
    let mut per_doc_windows = Vec::new();
    for doc in docs {
        per_doc_windows.push(document_windows(doc, &windower)?);
    }
    let all: Vec<&Window> = per_doc_windows.iter().flatten().collect();
    let mut tags = worker.run(&all, &batching.plan_windows(&all))?.into_iter();
    Ok(docs
        .iter()
        .zip(&per_doc_windows)
        .map(|(doc, windows)| {
            let mut word_tags = vec![
                WordTag {
                    label: 0,
                    prob: 1.0
                };
                doc.tokens.len()
            ];
            for w in windows {
                for (&(_, word), tag) in w.word_starts.iter().zip(tags.next().unwrap_or_default()) {
                    word_tags[word] = tag;
                }
            }
            mentions_from_tags(&doc.text, &doc.tokens, &word_tags, &worker.labels)
        })
        .collect())
}

/// Scores predicted mention spans against fixture spans (exact character span and type).
fn score_fixtures(
    worker: &InferenceWorker,
    fixtures: &[NerFixture],
    batching: ner::Batching,
    skip_lowercase_sentences: bool,
) -> Result<NerScore> {
    let docs: Vec<Document> = fixtures
        .iter()
        .map(|f| {
            Document::new(
                f.id.clone(),
                String::new(),
                f.text.clone(),
                &clean::clean(&f.text),
            )
        })
        .collect();
    let predicted = mentions_for_texts(worker, &docs, batching, skip_lowercase_sentences)?;
    let mut scorer = NerScorer::default();
    for ((fixture, doc), mentions) in fixtures.iter().zip(&docs).zip(&predicted) {
        let co = crate::text::CharOffsets::new(&doc.text);
        // Spans as pseudo-tag sequences over character positions keep one scoring definition.
        let n = fixture.text.chars().count();
        let mut gold = vec!["O".to_string(); n];
        let mut pred = vec!["O".to_string(); n];
        for e in &fixture.entities {
            for (i, slot) in gold.iter_mut().enumerate().take(e.end.min(n)).skip(e.start) {
                *slot = format!("{}-{}", if i == e.start { 'B' } else { 'I' }, e.label);
            }
        }
        for m in mentions {
            let (s, e) = (co.char_of(m.span.start), co.char_of(m.span.end));
            for (i, slot) in pred.iter_mut().enumerate().take(e).skip(s) {
                *slot = format!("{}-{}", if i == s { 'B' } else { 'I' }, m.label);
            }
        }
        let chars: Vec<String> = fixture.text.chars().map(String::from).collect();
        scorer.add(&chars, &gold, &pred);
    }
    Ok(scorer.finish().0)
}

/// Runs `eval ner` and prints the report.
pub fn eval_ner(opts: &EvalNerOptions) -> Result<()> {
    if opts.files.is_empty() && opts.fixtures.is_empty() {
        bail!("eval ner needs CoNLL files or --fixtures FILE...");
    }
    let mut reports = serde_json::Map::new();
    if !opts.files.is_empty() {
        tch::set_num_threads(opts.threads.max(1) as i32);
        let model = NerModel::load_as(&opts.model, Device::Cpu, opts.precision)?;
        let mut docs = Vec::new();
        for f in &opts.files {
            docs.extend(read_conll(f)?);
        }
        let (score, mismatches, speed) =
            evaluate_conll(&model, &docs, opts.batching, opts.skip_lowercase_sentences)?;
        if let Some(path) = &opts.errors {
            let mut out = String::new();
            for m in &mismatches {
                out.push_str(&serde_json::to_string(m)?);
                out.push('\n');
            }
            std::fs::write(path, out)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        if !opts.json {
            println!(
                "CoNLL: {} (document windows of whole sentences)",
                opts.files
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            print!("{}", format_score(&score));
            println!(
                "{} words, {} word pieces in {:.1}s: {:.0} words/s, {:.0} pieces/s on {} threads",
                speed.words,
                speed.pieces,
                speed.seconds,
                speed.words_per_second(),
                speed.pieces_per_second(),
                opts.threads
            );
        }
        reports.insert("conll".into(), serde_json::json!({ "score": score, "speed": speed, "words_per_second": speed.words_per_second(), "pieces_per_second": speed.pieces_per_second() }));
    }
    if !opts.fixtures.is_empty() {
        let worker = InferenceWorker::start(&opts.model, opts.threads, opts.precision)?;
        let mut fixtures = Vec::new();
        for f in &opts.fixtures {
            fixtures.extend(read_ner_fixtures(f)?);
        }
        let score = score_fixtures(
            &worker,
            &fixtures,
            opts.batching,
            opts.skip_lowercase_sentences,
        )?;
        if !opts.json {
            println!(
                "fixtures: {} articles (exact character spans)",
                fixtures.len()
            );
            print!("{}", format_score(&score));
        }
        reports.insert("fixtures".into(), serde_json::to_value(&score)?);
    }
    if opts.json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    }
    Ok(())
}

/// Settings of `eval quotes`.
#[derive(Debug, Clone)]
pub struct EvalQuotesOptions {
    pub brat: Vec<PathBuf>,
    pub fixtures: Vec<PathBuf>,
    pub model: PathBuf,
    pub precision: Precision,
    pub gold_entities: bool,
    pub threads: usize,
    pub json: bool,
    pub errors: Option<PathBuf>,
    /// A file of the model's mentions per article: read when it exists, written otherwise, so
    /// reruns that tune the quote rules skip the model.
    pub mentions_cache: Option<PathBuf>,
    /// As in [`ExtractOptions::skip_lowercase_sentences`].
    pub skip_lowercase_sentences: bool,
}

/// Writes mentions as TSV lines: article index, byte start, byte end, label, score.
fn write_mentions_cache(path: &Path, all: &[Vec<Mention>]) -> Result<()> {
    let mut out = String::new();
    for (i, mentions) in all.iter().enumerate() {
        for m in mentions {
            out.push_str(&format!(
                "{i}\t{}\t{}\t{}\t{}\n",
                m.span.start, m.span.end, m.label, m.score
            ));
        }
    }
    std::fs::write(path, out).with_context(|| format!("cannot write {}", path.display()))
}

fn read_mentions_cache(path: &Path, docs: &[Document]) -> Result<Vec<Vec<Mention>>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut all = vec![Vec::new(); docs.len()];
    for (n, line) in text.lines().enumerate() {
        let bad = || anyhow!("{}: line {}: not a mention line", path.display(), n + 1);
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
                "{}: line {}: mention outside its article (the cache is from other input?)",
                path.display(),
                n + 1
            );
        }
        all[i].push(Mention {
            span: Span::new(start, end),
            label: label.to_string(),
            score: score.parse().map_err(|_| bad())?,
        });
    }
    Ok(all)
}

/// Runs `eval quotes` and prints the report.
pub fn eval_quotes(opts: &EvalQuotesOptions) -> Result<()> {
    use crate::eval::quotes as q;
    let mut articles = Vec::new();
    for dir in &opts.brat {
        articles.extend(q::load_brat_dir(dir)?);
    }
    articles.extend(q::load_fixtures(&opts.fixtures)?);
    if articles.is_empty() {
        bail!("eval quotes needs --brat DIR or --fixtures FILE... with at least one article");
    }
    let report = if opts.gold_entities {
        let gold: Vec<Vec<Mention>> = articles.iter().map(q::gold_entity_mentions).collect();
        q::score_quotes(&articles, &mut |_| Ok(gold.clone()))?
    } else {
        let cached = opts.mentions_cache.as_ref().filter(|p| p.exists());
        q::score_quotes(&articles, &mut |docs| match cached {
            Some(path) => read_mentions_cache(path, docs),
            None => {
                let worker = InferenceWorker::start(&opts.model, opts.threads, opts.precision)?;
                let all = mentions_for_texts(
                    &worker,
                    docs,
                    ner::Batching::default(),
                    opts.skip_lowercase_sentences,
                )?;
                if let Some(path) = &opts.mentions_cache {
                    write_mentions_cache(path, &all)?;
                }
                Ok(all)
            }
        })?
    };
    if let Some(path) = &opts.errors {
        report.write_errors(path)?;
    }
    if opts.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.table());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Peak resident memory of this process so far, in bytes.
    fn peak_rss() -> u64 {
        let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
        // SAFETY: getrusage fills the struct it is given.
        unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) };
        // SAFETY: initialised (zeroed, then filled).
        (unsafe { usage.assume_init() }.ru_maxrss as u64) * 1024
    }

    #[test]
    fn the_progress_estimate_reads_a_prefix_not_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.jsonl");
        let line = "{\"text\": \"The minister said so.\"}\n";
        let mut prefix = line.repeat((2 * ESTIMATE_SAMPLE_BYTES as usize) / line.len());
        prefix.truncate(prefix.rfind('\n').unwrap() + 1);
        std::fs::write(&path, &prefix).unwrap();
        let lines = prefix.lines().count() as u64;
        let estimate = estimate_records(std::slice::from_ref(&path)).unwrap();
        assert!(
            estimate.abs_diff(lines) * 100 <= lines,
            "{estimate} vs {lines}"
        );
        // A 3 GiB file (sparse: no disk used) must not be read into memory.
        let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        file.set_len(3 << 30).unwrap();
        let before = peak_rss();
        estimate_records(&[path]).unwrap();
        let grown = peak_rss().saturating_sub(before);
        assert!(grown < 512 << 20, "peak memory grew by {} MB", grown >> 20);
    }
}
