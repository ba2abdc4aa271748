//! The `whosaid` command line: argument parsing only; the work is in the library.

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};

use whosaid::eval;
use whosaid::input::FieldNames;
use whosaid::ner::{self, Precision};
use whosaid::pipeline::{self, ExtractOptions};
use whosaid::train::{self, TrainOptions};

/// Exit status of a run that wrote its output but could not open one of its inputs at all.
const EXIT_UNREADABLE_INPUT: u8 = 3;

/// Who said what, about whom: named entities and attributed quotes from news-article dumps.
#[derive(Parser)]
#[command(
    name = "whosaid",
    version,
    about,
    long_about = None,
    after_help = "Exit status: 0 when every input was read (bad records inside an input are rows of \
errors.csv); 3 when an input could not be opened at all (missing, unknown format), after the \
others were processed and errors.csv written; 2 for a usage error; 1 for any other error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read articles, find entities and quotes, write CSVs.
    Extract(ExtractArgs),
    /// Streaming mode for pipes (Spark's RDD.pipe, Unix pipelines): JSON lines of articles on
    /// stdin, one JSON line per record on stdout, with its entities, mentions and quotes nested
    /// (or an "error" object), in input order.
    Stream(StreamArgs),
    /// Train a model.
    #[command(subcommand)]
    Train(TrainCommand),
    /// Score against labeled data.
    #[command(subcommand)]
    Eval(EvalCommand),
}

#[derive(Args)]
struct ExtractArgs {
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
struct StreamArgs {
    #[command(flatten)]
    run: RunArgs,
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
    /// Worker threads for text processing and for torch, at least 1 (default: all cores).
    #[arg(long)]
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
    /// Largest article text kept, in bytes; longer ones go to errors.
    #[arg(long, default_value_t = 2_000_000)]
    max_bytes: usize,
    /// Process only shard I of N (0 <= I < N), chosen by a stable hash of the article id, so N
    /// machines running shards 0/N … N-1/N together produce one run's rows.
    #[arg(long)]
    shard: Option<pipeline::Shard>,
    /// Field holding the article id (JSONL, CSV).
    #[arg(long, default_value = "id")]
    id_field: String,
    /// Field holding the title.
    #[arg(long, default_value = "title")]
    title_field: String,
    /// Field holding the text.
    #[arg(long, default_value = "text")]
    text_field: String,
    /// Field holding the URL.
    #[arg(long, default_value = "url")]
    url_field: String,
    /// Field holding the publication date.
    #[arg(long, default_value = "published")]
    published_field: String,
    /// Field holding the source name.
    #[arg(long, default_value = "source")]
    source_field: String,
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
            max_bytes: self.max_bytes,
            progress: false,
            fields: FieldNames {
                id: self.id_field,
                title: self.title_field,
                text: self.text_field,
                url: self.url_field,
                published: self.published_field,
                source: self.source_field,
            },
            resume: false,
            shard: self.shard,
            skip_lowercase_sentences: !self.all_sentences,
        }
    }
}

#[derive(Subcommand)]
enum TrainCommand {
    /// Fine-tune a BERT encoder for NER on CoNLL files.
    Ner(TrainNerArgs),
}

#[derive(Args)]
struct TrainNerArgs {
    /// Training CoNLL file(s).
    #[arg(long, required = true)]
    train: Vec<PathBuf>,
    /// Dev CoNLL file(s), for model selection.
    #[arg(long)]
    dev: Vec<PathBuf>,
    /// Base encoder directory (config.json, tokenizer.json, model.safetensors) [default: .minilm, set up by scripts/setup].
    #[arg(long, default_value = ".minilm")]
    base: PathBuf,
    /// Output model directory.
    #[arg(long, short)]
    out: PathBuf,
    #[arg(long, default_value_t = 4)]
    epochs: usize,
    #[arg(long, default_value_t = 16)]
    batch_size: usize,
    #[arg(long, default_value_t = 1e-4)]
    lr: f64,
    #[arg(long, default_value_t = 0.1)]
    warmup: f64,
    #[arg(long, default_value_t = 0.01)]
    weight_decay: f64,
    #[arg(long, default_value_t = 0.1)]
    dropout: f64,
    #[arg(long, default_value_t = 1.0)]
    clip_norm: f64,
    #[arg(long, default_value_t = 13)]
    seed: i64,
    /// Train without the casing input (for the ablation).
    #[arg(long)]
    no_casing: bool,
    /// Window length in word pieces.
    #[arg(long, default_value_t = 128)]
    max_length: usize,
    #[arg(long)]
    max_steps: Option<usize>,
    #[arg(long)]
    limit_sentences: Option<usize>,
    #[arg(long)]
    eval_every: Option<usize>,
    #[arg(long, default_value = "2")]
    threads: NonZeroUsize,
    /// Stored precision of the saved weights: f16, bf16 or f32.
    #[arg(long, default_value = "f16")]
    save_dtype: String,
    /// Start from a trained whosaid NER model instead of the base encoder.
    #[arg(long)]
    init: Option<PathBuf>,
    /// Keep only the first N encoder layers (a smaller, faster model).
    #[arg(long)]
    layers: Option<usize>,
    /// Distil from this trained NER model (same labels, casing and vocabulary).
    #[arg(long)]
    teacher: Option<PathBuf>,
    /// Share of the distillation term in the loss, with --teacher.
    #[arg(long, default_value_t = 0.5)]
    distill_weight: f64,
    /// Softmax temperature of the distillation term, with --teacher.
    #[arg(long, default_value_t = 2.0)]
    temperature: f64,
}

#[derive(Subcommand)]
enum EvalCommand {
    /// Entity-level precision/recall/F1 on CoNLL files.
    Ner(EvalNerArgs),
    /// Quote content/cue/speaker scores on brat standoff (PolNeAR) or the project's fixtures.
    Quotes(EvalQuotesArgs),
}

/// The model options `eval ner` and `eval quotes` share.
#[derive(Args)]
struct EvalModelArgs {
    /// NER model directory [default: models/ner-en, or $WHOSAID_MODEL].
    #[arg(long)]
    model: Option<PathBuf>,
    /// Number format of the model's computation: f32, int8 or bf16.
    #[arg(long, default_value = "f32")]
    precision: Precision,
    /// Threads, at least 1 (default: all cores).
    #[arg(long)]
    threads: Option<NonZeroUsize>,
    /// Run the model on every sentence instead of skipping lowercase-only ones as `extract`
    /// does by default (scores the model rather than the pipeline).
    #[arg(long)]
    all_sentences: bool,
    /// Machine-readable output.
    #[arg(long)]
    json: bool,
}

impl EvalModelArgs {
    fn model_dir(&self) -> PathBuf {
        pipeline::model_dir(self.model.clone())
    }

    fn threads(&self) -> usize {
        self.threads
            .map_or_else(pipeline::default_threads, NonZeroUsize::get)
    }
}

#[derive(Args)]
struct EvalQuotesArgs {
    /// PolNeAR-style folders (holding text/ and attributions/).
    #[arg(long, num_args = 1..)]
    brat: Vec<PathBuf>,
    /// The project's quote fixtures (JSONL).
    #[arg(long, num_args = 1..)]
    fixtures: Vec<PathBuf>,
    #[command(flatten)]
    model: EvalModelArgs,
    /// Use the fixtures' gold entity spans as mentions instead of running the model.
    #[arg(long)]
    gold_entities: bool,
    /// Reuse the model's mentions from this file when it exists, else write them there
    /// (for reruns that tune the quote rules without running the model again).
    #[arg(long)]
    mentions_cache: Option<PathBuf>,
    /// Write every error (missed, spurious, wrong speaker, boundary) to this file (TSV).
    #[arg(long)]
    errors: Option<PathBuf>,
}

/// How windows of word pieces are grouped into model batches.
#[derive(Args)]
struct BatchArgs {
    /// Most windows per model batch.
    #[arg(long, default_value_t = NonZeroUsize::new(ner::Batching::default().windows).unwrap())]
    batch_size: NonZeroUsize,
    /// Most word pieces per model batch, padding included (batches of about a thousand pieces
    /// keep a layer's activations in the CPU's cache).
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

#[derive(Args)]
struct EvalNerArgs {
    /// CoNLL files (IOB1 or IOB2, NER tag in the last column).
    files: Vec<PathBuf>,
    /// The project's span-labeled JSONL fixtures instead of CoNLL files.
    #[arg(long, num_args = 1..)]
    fixtures: Vec<PathBuf>,
    #[command(flatten)]
    model: EvalModelArgs,
    #[command(flatten)]
    batching: BatchArgs,
    /// Write every mismatch to this file (JSON lines).
    #[arg(long)]
    errors: Option<PathBuf>,
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Extract(a) => {
            let mut opts = a.run.options(a.inputs, a.out);
            opts.progress = !a.quiet;
            opts.resume = a.resume;
            let summary = pipeline::extract(&opts)?;
            eprintln!("{summary}");
            if a.timings {
                eprint!("{}", summary.stage_table());
            }
            println!("{}", opts.out.display());
            if summary.unreadable_inputs > 0 {
                eprintln!(
                    "whosaid: {} input(s) could not be opened (see errors.csv)",
                    summary.unreadable_inputs
                );
                return Ok(ExitCode::from(EXIT_UNREADABLE_INPUT));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Stream(a) => {
            let opts = a.run.options(vec![PathBuf::from("-")], PathBuf::new());
            pipeline::stream(&opts)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Train(TrainCommand::Ner(a)) => {
            let mut opts = TrainOptions::new(a.train, a.dev, a.base, a.out);
            opts.epochs = a.epochs;
            opts.batch_size = a.batch_size;
            opts.learning_rate = a.lr;
            opts.warmup = a.warmup;
            opts.weight_decay = a.weight_decay;
            opts.dropout = a.dropout;
            opts.clip_norm = a.clip_norm;
            opts.seed = a.seed;
            opts.casing = !a.no_casing;
            opts.max_length = a.max_length;
            opts.max_steps = a.max_steps;
            opts.limit_sentences = a.limit_sentences;
            opts.eval_every = a.eval_every;
            opts.threads = a.threads.get();
            opts.save_dtype = a.save_dtype;
            opts.init = a.init;
            opts.layers = a.layers;
            opts.teacher = a.teacher;
            opts.distill_weight = a.distill_weight;
            opts.temperature = a.temperature;
            train::train_ner(&opts)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval(EvalCommand::Ner(a)) => eval::run::eval_ner(&eval::run::EvalNerOptions {
            model: a.model.model_dir(),
            precision: a.model.precision,
            threads: a.model.threads(),
            json: a.model.json,
            files: a.files,
            fixtures: a.fixtures,
            batching: a.batching.into(),
            errors: a.errors,
            skip_lowercase_sentences: !a.model.all_sentences,
        })
        .map(|()| ExitCode::SUCCESS),
        Command::Eval(EvalCommand::Quotes(a)) => {
            eval::run::eval_quotes(&eval::run::EvalQuotesOptions {
                model: a.model.model_dir(),
                precision: a.model.precision,
                threads: a.model.threads(),
                json: a.model.json,
                brat: a.brat,
                fixtures: a.fixtures,
                gold_entities: a.gold_entities,
                mentions_cache: a.mentions_cache,
                errors: a.errors,
                skip_lowercase_sentences: !a.model.all_sentences,
            })
            .map(|()| ExitCode::SUCCESS)
        }
    }
}

fn main() -> ExitCode {
    pipeline::tune_runtime();
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("whosaid: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
