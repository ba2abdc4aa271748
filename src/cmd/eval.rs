//! `eval ner` and `eval quotes`: the model over labeled data, scored (the runs are
//! `whosaid::eval::run`).

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use whosaid::conll::Recase;
use whosaid::eval;
use whosaid::ner::Precision;
use whosaid::pipeline;
use whosaid::quotes::QuoteMethod;

use super::extract::BatchArgs;

/// The model options `eval ner` and `eval quotes` share.
#[derive(Args)]
struct EvalModelArgs {
    /// NER model directory [default: models/ner-en, or $WHOSAID_MODEL].
    #[arg(long)]
    model: Option<PathBuf>,
    /// Number format of the model's computation: f32, int8 or bf16.
    #[arg(long, default_value = "f32")]
    precision: Precision,
    /// Threads, 1 to 1024 (default: all cores).
    #[arg(long, value_parser = super::threads)]
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
pub struct EvalQuotesArgs {
    /// PolNeAR-style folders (holding text/ and attributions/).
    #[arg(long, num_args = 1..)]
    brat: Vec<PathBuf>,
    /// The project's quote fixtures (JSONL).
    #[arg(long, num_args = 1..)]
    fixtures: Vec<PathBuf>,
    #[command(flatten)]
    model: EvalModelArgs,
    /// Use the fixtures' gold entity spans as mentions instead of running the model. Not with
    /// --brat, whose folders have no entities (speakers would be scored against none), nor with
    /// --mentions-cache, which only keeps the model's mentions.
    #[arg(long, conflicts_with_all = ["brat", "mentions_cache"])]
    gold_entities: bool,
    /// Reuse the model's mentions from this file when it was made by the same model, precision
    /// and texts, else (re)write them there (for reruns that tune the quote rules without
    /// running the model again); a file that is not such a cache is an error, left untouched.
    #[arg(long)]
    mentions_cache: Option<PathBuf>,
    /// Write every error (missed, spurious, wrong speaker, boundary) to this file (TSV), and
    /// every per-role exact segment missed or spurious (subsets `content segment`, `source
    /// segment`, `cue segment`, each beside its sentence); a path over an input, the mentions
    /// cache or inside a model is refused.
    #[arg(long)]
    errors: Option<PathBuf>,
    /// Which extractor finds the quotes: rules, model (the attribution model) or both.
    #[arg(long, default_value = "both")]
    quotes: QuoteMethod,
    /// The attribution model directory, for --quotes model or both.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/models/quotes-en"))]
    quote_model: PathBuf,
}

#[derive(Args)]
pub struct EvalNerArgs {
    /// CoNLL files (IOB1 or IOB2, NER tag in the last column).
    files: Vec<PathBuf>,
    /// The project's span-labeled JSONL fixtures instead of CoNLL files.
    #[arg(long, num_args = 1..)]
    fixtures: Vec<PathBuf>,
    #[command(flatten)]
    model: EvalModelArgs,
    #[command(flatten)]
    batching: BatchArgs,
    /// Write every mismatch of the CoNLL files to this file (JSON lines); a path over an input
    /// or inside the model is refused. Not with --fixtures (score those in a run of their own).
    #[arg(long, conflicts_with = "fixtures")]
    errors: Option<PathBuf>,
    /// Rewrite every CoNLL word lower case or upper case before tagging (gold tags unchanged):
    /// how the model copes with text without normal casing. as-is, lower or upper. Not with
    /// --fixtures, whose text it would not change.
    #[arg(long, default_value = "as-is", conflicts_with = "fixtures")]
    case: Recase,
}

#[derive(Args)]
pub struct EvalEntitiesArgs {
    /// Entity fixtures: JSON lines of articles with their gold entity clusters
    /// (data/fixtures/entities/articles.jsonl; format in its README).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    #[command(flatten)]
    model: EvalModelArgs,
    /// Write each gold entity scored wrong to this file (tab-separated lines); a path over an
    /// input or inside the model is refused.
    #[arg(long)]
    errors: Option<PathBuf>,
}

/// Runs the command.
pub fn entities(a: EvalEntitiesArgs) -> Result<ExitCode> {
    eval::run::eval_entities(&eval::run::EvalEntitiesOptions {
        files: a.files,
        model: a.model.model_dir(),
        precision: a.model.precision,
        threads: a.model.threads(),
        json: a.model.json,
        errors: a.errors,
        skip_lowercase_sentences: !a.model.all_sentences,
    })
    .map(|()| ExitCode::SUCCESS)
}

/// Runs the command.
pub fn ner(a: EvalNerArgs) -> Result<ExitCode> {
    eval::run::eval_ner(&eval::run::EvalNerOptions {
        model: a.model.model_dir(),
        precision: a.model.precision,
        threads: a.model.threads(),
        json: a.model.json,
        files: a.files,
        fixtures: a.fixtures,
        batching: a.batching.into(),
        errors: a.errors,
        skip_lowercase_sentences: !a.model.all_sentences,
        case: a.case,
    })
    .map(|()| ExitCode::SUCCESS)
}

/// Runs the command.
pub fn quotes(a: EvalQuotesArgs) -> Result<ExitCode> {
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
        quotes: a.quotes,
        quote_model: a.quote_model,
    })
    .map(|()| ExitCode::SUCCESS)
}
