//! Wires the stages: input → clean → text → ner → entities → quotes → output.
//!
//! Articles are processed in chunks, in input order. Within a chunk, rayon cleans, segments and
//! tokenizes the articles; their windows are sorted by length and batched across articles;
//! dedicated inference threads, each owning a copy of a model (rust-bert models are `Send`, not
//! `Sync`), run the batches — one-thread copies up to four, each thread holding a copy of the
//! NER model and, when the quote method uses it, of the attribution model; rayon then decodes
//! mentions, merges entities and finds quotes; rows are written in input order and flushed after
//! each chunk.
//!
//! The run machinery, one file each: [`timing`] (stages and the summary), [`worker`] (the
//! inference threads), [`repeats`] (results of windows met again), [`sink`] (CSV files or JSON
//! lines), [`shard`] (`--shard I/N`) and [`progress`] (the bar).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use rayon::prelude::*;

use crate::annotated::Annotated;
use crate::checkpoint::{self, Checkpoint, RunIdentity};
use crate::entities;
use crate::input::{Article, FieldNames, Listings, RecordError, StdinPlace};
use crate::ner::{document_mentions, Precision, Tag, Tagger, Window, WordTag};
use crate::output::{ArticleRows, OutputWriter};
use crate::quotes::learned::{self, RoleContext, RoleTagger, RoleTags};
use crate::quotes::{self, QuoteMethod};
use crate::text::{Document, Published};
use crate::{clean, ner};

mod guard;
mod progress;
mod records;
mod repeats;
mod shard;
mod sink;
mod timing;
mod worker;

pub use repeats::Spared;
pub use shard::Shard;
pub use sink::{JsonLinesSink, Sink};
pub use timing::{Resumed, Stage, Summary};
pub use worker::{InferenceWorker, Parallelism};

use progress::{estimate_records, progress_bar};
use records::RunRecords;
use sink::CsvSink;
use timing::StageClock;

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
    /// Which extractor finds the quotes.
    pub quotes: QuoteMethod,
    /// The attribution model, for [`QuoteMethod::Model`] and [`QuoteMethod::Both`].
    pub quote_model: PathBuf,
    /// Where stdin's lines lie in a larger dump (`stream --line-offset --id-stem`).
    pub stdin: StdinPlace,
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

/// The most threads any command takes (`--threads`), more than the cores of any machine this
/// runs on: libtorch takes its thread count as an i32 (2^31 panicked inside it) and starts every
/// thread it is given (100000 ran for minutes before doing any work), and threads past the
/// cores only slow a run down.
pub const MAX_THREADS: usize = 1024;

/// All cores, up to [`MAX_THREADS`].
pub fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(MAX_THREADS)
}

/// Refuses a thread count of 0 (libtorch panics on it) or above [`MAX_THREADS`], by its option's
/// name: the command line refuses both already, callers of the library get the same error.
pub fn check_threads(threads: usize) -> Result<()> {
    if !(1..=MAX_THREADS).contains(&threads) {
        bail!("--threads must be 1 to {MAX_THREADS} (got {threads})");
    }
    Ok(())
}

/// Sets libtorch's intra-op threads, once [`check_threads`] has let the count through.
pub fn set_torch_threads(threads: usize) -> Result<()> {
    check_threads(threads)?;
    tch::set_num_threads(i32::try_from(threads).expect("at most MAX_THREADS"));
    Ok(())
}

/// One article through the text stages.
struct Prepared {
    doc: Document,
    windows: Vec<Window>,
    /// The attribution model's windows (none without it).
    role_windows: Vec<Window>,
}

/// Cleans and segments an article, and cuts its sentences into the NER model's windows and its
/// paragraphs into the attribution model's (with `role_windower`).
fn prepare(
    article: Article,
    windower: &ner::Windower,
    role_windower: Option<(&ner::Windower, RoleContext)>,
    clock: &StageClock,
) -> Result<Prepared> {
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
    doc.origin = article.origin;
    let windows = clock.time(Stage::Tokenize, || windower.windows(&doc.sentence_words()))?;
    let role_windows = match role_windower {
        Some((w, context)) => clock.time(Stage::Tokenize, || {
            learned::document_windows(w, &doc, context)
        })?,
        None => Vec::new(),
    };
    Ok(Prepared {
        doc,
        windows,
        role_windows,
    })
}

/// The text stages after NER for one article: its mentions, entities and quotes added to the
/// document, each stage's time added to `clock`.
fn analyse(
    doc: Document,
    tags: &[WordTag],
    tag_set: &[Tag],
    (method, role_tags): (QuoteMethod, Option<&RoleTags>),
    clock: &StageClock,
) -> Annotated {
    let (mentions, entities) = clock.time(Stage::DecodeEntities, || {
        let mentions = document_mentions(&doc, tags, tag_set);
        let mentions = entities::name_mentions(&doc, mentions);
        let entities = entities::merge(&doc, &mentions);
        (mentions, entities)
    });
    let quotes = clock.time(Stage::Quotes, || {
        quotes::extract_by(method, &doc, &mentions, &entities, role_tags)
    });
    Annotated {
        doc,
        mentions,
        entities,
        quotes,
    }
}

/// Runs `extract`: reads every input, writes the five CSVs into `opts.out`.
pub fn extract(opts: &ExtractOptions) -> Result<Summary> {
    extract_listed(opts, &Listings::of(&opts.inputs))
}

/// [`extract`], each folder input read as `listings` found it (`Listings::of(&opts.inputs)`,
/// which `whosaid extract` takes first to name the files a folder holds that it does not read).
/// Every step of the run takes a folder's files from that one walk: the check that no file is
/// read twice, the run's identity that `--resume` checks, the reader and the progress bar.
pub fn extract_listed(opts: &ExtractOptions, listings: &Listings) -> Result<Summary> {
    let started = Instant::now();
    // Nothing in --out is touched before these checks, and the model loads first: a missing
    // or broken model stops the run before any output.
    checkpoint::refuse_inputs_among_outputs(&opts.inputs, &opts.out)?;
    crate::output::refuse_foreign_outputs(&opts.out)?;
    checkpoint::refuse_repeated_listed_inputs(&opts.inputs, listings)?;
    let (tagger, role_tagger) = start_models(opts)?;
    let run = RunIdentity::listed(&opts.inputs, listings, &opts.model, output_options(opts))?;
    let manifest = checkpoint::RunManifest::of(&run);
    let started_as = run.clone();
    let mut records = RunRecords::of(opts, listings);
    let mut records_before = None;
    let writer = if opts.resume {
        let cp = Checkpoint::read_for(&opts.out, &run)?;
        records.read_again(&cp, &opts.out)?;
        records_before = Some(cp.read.records);
        OutputWriter::resume(&opts.out, run, &cp)?
    } else {
        OutputWriter::create(&opts.out, run)?
    };
    let mut sink = CsvSink(writer);
    let taggers = (&tagger, role_tagger.as_ref());
    let mut summary = process(opts, taggers, (&mut records, listings), &mut sink)?;
    checkpoint::refuse_inputs_changed_during_the_run(&started_as, &opts.inputs, listings)?;
    summary.resumed = records_before.map(|records_before| Resumed {
        records_before,
        run_rows: sink.0.rows(),
    });
    let phase = Instant::now();
    sink.0.finish(|dir| {
        manifest.write(dir)?;
        crate::report::index::write_run_index(dir)
    })?;
    summary.stage_seconds[Stage::Write as usize] += phase.elapsed().as_secs_f64();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// The attribution model as a run's identity holds it: its path and, as for the NER model, a
/// hash of its files (retrained in place between a kill and a resume, it would change the
/// rows); `none` when the quote method runs no model.
fn quote_model_identity(method: QuoteMethod, dir: &Path) -> String {
    match method {
        QuoteMethod::Rules => "none".into(),
        _ => format!(
            "{} ({})",
            dir.display(),
            crate::checkpoint::hash_model(dir).unwrap_or_default()
        ),
    }
}

/// Refuses a `stream` whose stdout is the file its stdin reads (`whosaid stream < a.jsonl >>
/// a.jsonl`): it read its own result lines back as records (each an error line, written again)
/// and grew the file until the disk was full; with `>` the shell had emptied the dump before
/// the run, which passed with no record. A usage error, said before the model loads.
fn refuse_stdout_into_stdin() -> Result<()> {
    let stdin = crate::paths::stdin_file_identity();
    if stdin.is_some() && stdin == crate::paths::stdout_file_identity() {
        return Err(crate::usage::UsageError(
            "stdout is the file stdin reads: the results would be read back as records (with \
             `>` the shell has already emptied it); write them to another file (nothing was \
             read)"
                .into(),
        )
        .into());
    }
    Ok(())
}

/// The options of a run that change its output bytes, for its [`RunIdentity`], each value as
/// the command line writes it (a `--resume` refused names them: `--quotes both → rules`, where
/// it said `--quotes "Both" → "Rules"`). Threads, chunk and batch sizes are left out: output is
/// the same whatever they are.
fn output_options(opts: &ExtractOptions) -> Vec<(String, String)> {
    let f = &opts.fields;
    let flag = |given: bool| if given { "given" } else { "not given" };
    [
        ("--precision", opts.precision.as_str().to_string()),
        (
            "--all-sentences",
            flag(!opts.skip_lowercase_sentences).to_string(),
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
        ("--quotes", opts.quotes.as_str().to_string()),
        (
            "--quote-model",
            quote_model_identity(opts.quotes, &opts.quote_model),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// `stream`: JSON lines from stdin to JSON lines on stdout (see [`JsonLinesSink`]).
pub fn stream(opts: &ExtractOptions) -> Result<Summary> {
    refuse_stdout_into_stdin()?;
    let (tagger, role_tagger) = start_models(opts)?;
    let mut sink = JsonLinesSink(std::io::BufWriter::new(std::io::stdout().lock()));
    let listings = Listings::default();
    let mut records = RunRecords::of(opts, &listings);
    process(
        opts,
        (&tagger, role_tagger.as_ref()),
        (&mut records, &listings),
        &mut sink,
    )
}

/// The run's models on their inference threads, with the run's windowing and batching: the NER
/// model, and the attribution model when the quote method uses it. Each loads a first copy here,
/// so a missing or broken model fails before any output. Both models share one pool of
/// threads, one copy of each per thread ([`InferenceWorker::start_shared`]): on two cores the NER
/// model's batches run out before the attribution model's, and its core then takes the
/// attribution model's batches instead of waiting.
fn start_models(
    opts: &ExtractOptions,
) -> Result<(Tagger<InferenceWorker>, Option<RoleTagger<InferenceWorker>>)> {
    if opts.chunk_size == 0 || opts.batching.windows == 0 || opts.batching.tokens == 0 {
        bail!("--chunk-size, --batch-size and --batch-tokens must be at least 1");
    }
    let parallelism = Parallelism::for_cores(opts.threads)?;
    parallelism.apply()?;
    let needs = || {
        format!(
            "--quotes {} needs the attribution model (--quote-model {}; the default one ships \
             in the repository at models/quotes-en; `whosaid train quotes` trains one; \
             --quotes rules needs none)",
            opts.quotes.as_str(),
            opts.quote_model.display()
        )
    };
    let ner_model = || {
        format!(
            "the NER model (--model {}; the default one ships in the repository at \
             models/ner-en; `whosaid train ner` trains one)",
            opts.model.display()
        )
    };
    let mut firsts = vec![worker::load_copy(&opts.model, opts.precision).with_context(ner_model)?];
    if opts.quotes != QuoteMethod::Rules {
        firsts.push(worker::load_copy(&opts.quote_model, opts.precision).with_context(needs)?);
    }
    let mut workers = InferenceWorker::start_shared(firsts, parallelism, opts.precision)?;
    let roles = match workers.len() {
        2 => Some(RoleTagger::new(workers.pop().expect("two"), opts.batching).with_context(needs)?),
        _ => None,
    };
    let ner = workers.pop().expect("the NER model");
    let tagger = Tagger::new(ner, opts.batching, opts.skip_lowercase_sentences)
        .with_context(|| format!("--model {}", opts.model.display()))?;
    let tagger = tagger.with_any_case_of(&opts.model, |dir| {
        InferenceWorker::start_on_demand(dir, parallelism, opts.precision)
            .with_context(|| format!("cannot load the any-case model in {}", dir.display()))
    })?;
    Ok((tagger, roles))
}

/// Whether the run has the attribution model and two threads or more: then the two models'
/// batches are fed side by side ([`ChunkRun::tag_all`]) to their shared threads.
fn models_side_by_side(opts: &ExtractOptions) -> bool {
    opts.quotes != QuoteMethod::Rules && opts.threads >= 2
}

/// Runs the pipeline over `records` (on from where they stand, their folders as `listings`
/// found them) with `tagger`, and hands every record's rows or error to `sink`, in input order:
/// chunk by chunk, read → prepare → tag → analyse → write. Chunk and batch sizes were checked when the models started
/// ([`start_models`]).
fn process(
    opts: &ExtractOptions,
    (tagger, role_tagger): (
        &Tagger<InferenceWorker>,
        Option<&RoleTagger<InferenceWorker>>,
    ),
    (records, listings): (&mut RunRecords, &Listings),
    sink: &mut dyn Sink,
) -> Result<Summary> {
    let started = Instant::now();
    let estimate = (opts.progress && opts.shard.is_none())
        .then(|| estimate_records(&opts.inputs, listings))
        .flatten();
    let bar = progress_bar(opts.progress, estimate);
    bar.set_position(records.read.records);
    let run = ChunkRun {
        pool: rayon::ThreadPoolBuilder::new()
            .num_threads(opts.threads)
            .build()?,
        windower: tagger.windower()?,
        tagger,
        roles: match role_tagger {
            Some(r) => Some((r, r.windower()?)),
            None => None,
        },
        method: opts.quotes,
        side_by_side: role_tagger.is_some() && models_side_by_side(opts),
        clock: StageClock::default(),
    };
    let mut summary = Summary::default();
    loop {
        let phase = Instant::now();
        let chunk: Vec<Result<Article, RecordError>> =
            records.by_ref().take(opts.chunk_size).collect();
        summary.stage_seconds[Stage::Read as usize] += phase.elapsed().as_secs_f64();
        if chunk.is_empty() {
            break;
        }
        let prepared = run.prepare(chunk, &mut summary);
        let (tags, role_tags) = run.tag_all(&prepared, &mut summary)?;
        let rows = run.analyse(prepared, (tags, role_tags), &mut summary);
        let phase = Instant::now();
        for r in rows {
            write_record(r, sink, &mut summary, opts.progress.then_some(&bar))?;
            bar.inc(1);
        }
        sink.chunk_done(records.read)?;
        summary.stage_seconds[Stage::Write as usize] += phase.elapsed().as_secs_f64();
    }
    bar.finish_and_clear();
    summary.unreadable_inputs = std::mem::take(&mut records.unreadable_inputs);
    let models = [Some(tagger.model()), tagger.any_case_model()]
        .into_iter()
        .chain([role_tagger.map(|r| r.model())]);
    summary.spared = models.flatten().map(InferenceWorker::spared).sum();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// What every chunk of a run shares: the text-stage thread pool, the tagger and its windower.
struct ChunkRun<'t> {
    pool: rayon::ThreadPool,
    windower: ner::Windower<'t>,
    tagger: &'t Tagger<InferenceWorker>,
    /// The attribution model and its windower, when the quote method uses it.
    roles: Option<(&'t RoleTagger<InferenceWorker>, ner::Windower<'t>)>,
    method: QuoteMethod,
    /// The two models' batches are fed at the same time ([`models_side_by_side`]).
    side_by_side: bool,
    clock: StageClock,
}

/// Each article's word tags from the NER model, and from the attribution model when it ran.
type ChunkTags = (Vec<Vec<WordTag>>, Vec<Option<RoleTags>>);

/// What the attribution model read in a chunk.
#[derive(Default)]
struct RoleWork {
    windows: usize,
    pieces: usize,
}

/// One record's outcome after the text stages: its rows and word count, or its error.
type RecordRows = Result<(ArticleRows, usize), RecordError>;

impl ChunkRun<'_> {
    /// Cleans, segments and windows the chunk's articles in parallel; a record that fails here
    /// becomes an error naming its file and record.
    fn prepare(
        &self,
        chunk: Vec<Result<Article, RecordError>>,
        summary: &mut Summary,
    ) -> Vec<Result<Prepared, RecordError>> {
        let phase = Instant::now();
        // Only what is Sync goes to the pool (the worker's channels are not).
        let (windower, clock) = (&self.windower, &self.clock);
        let context = self
            .method
            .model_context()
            .unwrap_or(RoleContext::AsTrained);
        let role_windower = self.roles.as_ref().map(|(_, w)| (w, context));
        let prepared = self.pool.install(|| {
            chunk
                .into_par_iter()
                .map(|r| {
                    r.and_then(|a| {
                        let origin = a.origin.clone();
                        guard::guarded(&origin, "cleaning and cutting its text", || {
                            prepare(a, windower, role_windower, clock)
                                .map_err(|e| origin.error(format!("{e:#}")))
                        })
                    })
                })
                .collect()
        });
        self.clock.split(
            phase.elapsed().as_secs_f64(),
            &[Stage::Clean, Stage::Segment, Stage::Tokenize],
            &mut summary.stage_seconds,
        );
        prepared
    }

    /// Both models' tags of the chunk: the NER model's, and the attribution model's when the
    /// quote method uses it. With two threads or more both models' batches are fed at once, from
    /// two threads, to the pool that holds both ([`start_models`]), so its threads always have
    /// work; with one, one model after the other. Each window's result depends on that window
    /// alone, so the rows are the same either way.
    fn tag_all(
        &self,
        prepared: &[Result<Prepared, RecordError>],
        summary: &mut Summary,
    ) -> Result<ChunkTags> {
        let phase = Instant::now();
        let (tags, roles) = if self.side_by_side {
            std::thread::scope(|scope| {
                let roles = scope.spawn(|| self.tag_roles(prepared));
                let tags = self.tag(prepared);
                let roles = roles
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                (tags, roles)
            })
        } else {
            (self.tag(prepared), self.tag_roles(prepared))
        };
        summary.stage_seconds[Stage::Model as usize] += phase.elapsed().as_secs_f64();
        let (tags, work) = tags?;
        summary.batches += work.batches;
        summary.pieces += work.pieces;
        summary.padded_pieces += work.padded_pieces;
        let (role_tags, role_work) = roles?;
        summary.role_windows += role_work.windows;
        summary.role_pieces += role_work.pieces;
        Ok((tags, role_tags))
    }

    /// Runs every window of the chunk through the NER model, batched across articles, and
    /// returns each article's word tags (empty for errors) and the model work.
    fn tag(
        &self,
        prepared: &[Result<Prepared, RecordError>],
    ) -> Result<(Vec<Vec<WordTag>>, ner::TagWork)> {
        // A record that failed earlier has no words and no windows, and gets no tags.
        let docs: Vec<(usize, &[Window])> = prepared
            .iter()
            .map(|p| match p {
                Ok(p) => (p.doc.tokens.len(), p.windows.as_slice()),
                Err(_) => (0, &[][..]),
            })
            .collect();
        self.tagger.tag_windows(&docs)
    }

    /// The attribution model's tags of each article (none for errors, or without the model),
    /// batched across the chunk's articles like [`ChunkRun::tag`], and the windows and pieces
    /// it read.
    fn tag_roles(
        &self,
        prepared: &[Result<Prepared, RecordError>],
    ) -> Result<(Vec<Option<RoleTags>>, RoleWork)> {
        let mut work = RoleWork::default();
        let Some((role_tagger, _)) = &self.roles else {
            return Ok((vec![None; prepared.len()], work));
        };
        let docs: Vec<(&Document, &[Window])> = prepared
            .iter()
            .filter_map(|p| p.as_ref().ok())
            .map(|p| (&p.doc, p.role_windows.as_slice()))
            .collect();
        for (_, windows) in &docs {
            work.windows += windows.len();
            work.pieces += windows.iter().map(|w| w.len()).sum::<usize>();
        }
        let mut tags = role_tagger.tag_windows(&docs)?.into_iter();
        let tags = prepared
            .iter()
            .map(|p| p.as_ref().ok().and_then(|_| tags.next()))
            .collect();
        Ok((tags, work))
    }

    /// Mentions, entities, quotes and rows of each article, in parallel.
    fn analyse(
        &self,
        prepared: Vec<Result<Prepared, RecordError>>,
        (tags, role_tags): ChunkTags,
        summary: &mut Summary,
    ) -> Vec<RecordRows> {
        let phase = Instant::now();
        let tag_set = self.tagger.tag_set();
        let (clock, method) = (&self.clock, self.method);
        let rows = self.pool.install(|| {
            prepared
                .into_par_iter()
                .zip(tags.par_iter())
                .zip(role_tags.par_iter())
                .map(|((p, t), r)| {
                    let doc = p?.doc;
                    let origin = doc.origin.clone();
                    guard::guarded(&origin, "finding entities and quotes", || {
                        guard::test_panic_point(&doc.id);
                        let annotated = analyse(doc, t, tag_set, (method, r.as_ref()), clock);
                        let rows = clock.time(Stage::Write, || ArticleRows::new(&annotated));
                        Ok((rows, annotated.doc.word_count()))
                    })
                })
                .collect()
        });
        clock.split(
            phase.elapsed().as_secs_f64(),
            &[Stage::DecodeEntities, Stage::Quotes, Stage::Write],
            &mut summary.stage_seconds,
        );
        rows
    }
}

/// Hands one record's rows or error to the sink and counts it.
fn write_record(
    record: RecordRows,
    sink: &mut dyn Sink,
    summary: &mut Summary,
    bar: Option<&indicatif::ProgressBar>,
) -> Result<()> {
    match record {
        Ok((rows, words)) => {
            summary.articles += 1;
            summary.words += words;
            summary.mentions += rows.mentions.len();
            summary.entities += rows.entities.len();
            summary.quotes += rows.quotes.len();
            sink.article(&rows)
        }
        Err(e) => {
            summary.errors += 1;
            if let Some(bar) = bar {
                bar.suspend(|| eprintln!("whosaid: skipped {e}"));
            }
            sink.error(&e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retrained_quote_model_is_another_run() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("quotes");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("model.safetensors"), "first").unwrap();
        let first = quote_model_identity(QuoteMethod::Both, &dir);
        std::fs::write(dir.join("model.safetensors"), "second").unwrap();
        let second = quote_model_identity(QuoteMethod::Both, &dir);
        assert_ne!(first, second);
        assert!(second.starts_with(&dir.display().to_string()));
        assert_eq!(quote_model_identity(QuoteMethod::Rules, &dir), "none");
    }

    /// A refused `--resume` names the options that differ with their identity's values: they
    /// were Rust's names (`--quotes "Both" → "Rules"`, `--precision "Int8"`).
    #[test]
    fn a_runs_options_are_written_as_the_command_line_writes_them() {
        let opts = ExtractOptions {
            inputs: Vec::new(),
            out: PathBuf::new(),
            model: PathBuf::new(),
            precision: Precision::Int8,
            threads: 1,
            batching: ner::Batching::default(),
            chunk_size: 1,
            max_bytes: 1,
            progress: false,
            fields: FieldNames::default(),
            resume: false,
            shard: None,
            skip_lowercase_sentences: true,
            quotes: QuoteMethod::Rules,
            quote_model: PathBuf::new(),
            stdin: StdinPlace::default(),
        };
        let options = output_options(&opts);
        let value = |flag: &str| options.iter().find(|(f, _)| f == flag).unwrap().1.clone();
        assert_eq!(value("--precision"), "int8");
        assert_eq!(value("--quotes"), "rules");
        assert_eq!(value("--quote-model"), "none");
        assert_eq!(value("--all-sentences"), "not given");
        for (flag, v) in &options {
            assert!(!v.contains('"') && !v.is_empty(), "{flag} {v:?}");
        }
    }
}
