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
    /// encoder directory such as .minilm, or an attribution model to train further [default:
    /// the NER model extract uses: models/ner-en next to the binary's source, or
    /// $WHOSAID_MODEL].
    #[arg(long)]
    init: Option<PathBuf>,
    /// Output model directory.
    #[arg(long, short)]
    out: PathBuf,
    #[arg(long, default_value_t = 2)]
    epochs: usize,
    #[arg(long, default_value_t = 8)]
    batch_size: usize,
    #[arg(long, default_value_t = 0.1)]
    dropout: f64,
    #[arg(long, default_value_t = 13)]
    seed: i64,
    /// Window length in word pieces.
    #[arg(long, default_value_t = 128)]
    max_length: usize,
    /// Word pieces of the text before each paragraph read as context (0: none).
    #[arg(long, default_value_t = 48)]
    context_pieces: usize,
    /// Train on the first N annotations only.
    #[arg(long)]
    limit_articles: Option<usize>,
    /// Threads, 1 to 1024.
    #[arg(long, default_value = "2", value_parser = super::threads)]
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
    /// Keep only the N heaviest feed-forward units of each encoder block of the starting
    /// weights (a smaller, faster model; weight: the product of a unit's input and output
    /// weight norms).
    #[arg(long)]
    ffn_units: Option<usize>,
    /// With --ffn-units or --layers: the starting attribution model, whole, teaches the smaller
    /// one (half the loss is its word scores, half the gold labels).
    #[arg(long)]
    distill: bool,
    #[command(flatten)]
    schedule: super::train_schedule::ScheduleArgs,
}

/// Runs the command.
pub fn run(a: TrainQuotesArgs) -> Result<ExitCode> {
    let mut opts =
        QuoteTrainOptions::new(a.train, a.dev, whosaid::pipeline::model_dir(a.init), a.out);
    opts.schedule = a.schedule.schedule(a.epochs, a.batch_size);
    opts.dropout = a.dropout;
    opts.seed = a.seed;
    opts.max_length = a.max_length;
    opts.context_pieces = a.context_pieces;
    opts.layers = a.layers;
    opts.crf = a.crf;
    opts.ffn_units = a.ffn_units;
    opts.distill = a.distill;
    opts.limit_articles = a.limit_articles;
    opts.threads = a.threads.get();
    opts.save_dtype = a.save_dtype;
    train::train_quotes(&opts)?;
    Ok(ExitCode::SUCCESS)
}
