//! `train quotes`: train the attribution model on brat folders (PolNeAR's layout).

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use whosaid::train::{self, QuoteTrainOptions};

#[derive(Args)]
pub struct TrainQuotesArgs {
    /// Training brat folder(s): `text/*.txt` and `attributions/*.ann`; every annotator's file counts.
    #[arg(long, required = true)]
    train: Vec<PathBuf>,
    /// Dev brat folder(s), for model selection (first annotator per article).
    #[arg(long)]
    dev: Vec<PathBuf>,
    /// Starting weights: a trained whosaid NER model (its encoder and casing rows), a base
    /// encoder directory such as .minilm, or an attribution model to train further.
    #[arg(long, default_value = "models/ner-en")]
    init: PathBuf,
    /// Output model directory.
    #[arg(long, short)]
    out: PathBuf,
    #[arg(long, default_value_t = 2)]
    epochs: usize,
    #[arg(long, default_value_t = 8)]
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
    /// Window length in word pieces.
    #[arg(long, default_value_t = 128)]
    max_length: usize,
    /// Word pieces of the text before each paragraph read as context (0: none).
    #[arg(long, default_value_t = 48)]
    context_pieces: usize,
    #[arg(long)]
    max_steps: Option<usize>,
    /// Stop after N steps, keeping the full run's learning-rate schedule (for ablations).
    #[arg(long)]
    stop_after: Option<usize>,
    /// Train on the first N annotations only.
    #[arg(long)]
    limit_articles: Option<usize>,
    #[arg(long)]
    eval_every: Option<usize>,
    #[arg(long, default_value = "2")]
    threads: NonZeroUsize,
    /// Stored precision of the saved weights: f16, bf16 or f32.
    #[arg(long, default_value = "f16", value_parser = ["f16", "bf16", "f32"])]
    save_dtype: String,
    /// Keep only the first N encoder layers of the starting weights (a smaller, faster model).
    #[arg(long)]
    layers: Option<usize>,
    /// Train a CRF over each role's tags (learned start and step scores, the whole sequence's
    /// likelihood) instead of each word's cross-entropy; the scores go to config.json.
    #[arg(long)]
    crf: bool,
    #[command(flatten)]
    regularisation: super::train_ner::Regularisation,
}

/// Runs the command.
pub fn run(a: TrainQuotesArgs) -> Result<ExitCode> {
    let mut opts = QuoteTrainOptions::new(a.train, a.dev, a.init, a.out);
    opts.epochs = a.epochs;
    opts.batch_size = a.batch_size;
    opts.learning_rate = a.lr;
    opts.warmup = a.warmup;
    opts.weight_decay = a.weight_decay;
    opts.dropout = a.dropout;
    opts.clip_norm = a.clip_norm;
    opts.seed = a.seed;
    opts.max_length = a.max_length;
    opts.context_pieces = a.context_pieces;
    opts.max_steps = a.max_steps;
    opts.stop_after = a.stop_after;
    opts.layers = a.layers;
    opts.crf = a.crf;
    opts.ema = a.regularisation.ema;
    opts.adversarial = a.regularisation.adversarial;
    opts.limit_articles = a.limit_articles;
    opts.eval_every = a.eval_every;
    opts.threads = a.threads.get();
    opts.save_dtype = a.save_dtype;
    train::train_quotes(&opts)?;
    Ok(ExitCode::SUCCESS)
}
