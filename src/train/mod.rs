//! Fine-tuning the NER model: a BERT encoder (all-MiniLM-L6-v2 by default) plus a fresh
//! token-classification head, trained on CoNLL files with AdamW, linear warm-up and decay,
//! dropout and gradient clipping, selected on dev F1.
//!
//! Labels sit on the first word piece of each word; the other pieces are ignored by the loss
//! (index -100), and prediction reads the first piece too ([`crate::ner`]). Training windows are
//! built exactly as in `extract`: consecutive sentences of a document packed up to the window
//! length, so the model learns with the context it will see.
//!
//! What a run leaves in `--out`, for both trainers ([`RunLog`]): the model files of its best
//! save (or of its last, without dev) and `train_log.jsonl`, which describes the run up to that
//! save and changes with it. While the run goes on, and after a kill, the log's last line says
//! the model is a best-so-far one; only a run that got to its end writes `"finished": true`:
//!
//! ```text
//! {"options":{...}}
//! {"step":20,"epoch":1,"loss":0.41,...}
//! {"step":40,"epoch":1,"loss":0.22,...,"dev_f1":0.91,...}
//! {"finished":false,"saved_after_step":40}           <- a run still going, or killed
//! {"finished":true,"report":{"steps":80,...}}        <- in its place once the run has ended
//! ```
//!
//! The running log is `train_log.jsonl.partial`: a run that fails or is killed before its first
//! save leaves it there, and leaves an earlier run's files in `--out` as they were.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use rust_bert::bert::{BertConfig, BertForTokenClassification};
use serde::Serialize;
use tch::{nn, Device, Kind, Tensor};

use crate::eval::ner::evaluate_conll;
use crate::ner::{
    self, load_tokenizer, load_weights, ModelConfig, ModelSettings, NerModel, Window,
};

pub use crate::ner::CONLL_TAGS;
use crate::ner::{Tag, Tagger};

mod average;
mod crf;
mod data;
mod prune;
mod quotes;
mod schedule;
use data::{read_all, Example, TrainingData};

use crate::conll::ConllDocument;
pub use average::average_models;
pub use quotes::{train_quotes, QuoteTrainOptions, QuoteTrainReport};
pub use schedule::Schedule;
use schedule::{Event, Progress};

/// Settings of one training run.
#[derive(Debug, Clone, Serialize)]
pub struct TrainOptions {
    pub train: Vec<PathBuf>,
    pub dev: Vec<PathBuf>,
    /// Directory of the base encoder: config.json, tokenizer.json, model.safetensors.
    pub base: PathBuf,
    pub out: PathBuf,
    /// Epochs, batches, learning rate and the loop's regularisation (`--ema`, `--adversarial`).
    #[serde(flatten)]
    pub schedule: Schedule,
    pub dropout: f64,
    pub seed: i64,
    pub casing: bool,
    pub max_length: usize,
    /// Use only the first N training sentences.
    pub limit_sentences: Option<usize>,
    pub threads: usize,
    /// Stored precision of the saved weights: "f16", "bf16" or "f32".
    pub save_dtype: String,
    /// Start from a trained whosaid NER model (all its weights, classifier and casing rows
    /// included) instead of the base encoder's.
    pub init: Option<PathBuf>,
    /// Keep only the first N encoder layers of the starting weights (a smaller, faster model).
    pub layers: Option<usize>,
    /// Distil from these trained NER models: their soft labels (the mean of their logits) join
    /// the gold labels in the loss. None: gold labels only.
    pub teacher: Vec<PathBuf>,
    /// Share of the distillation term in the loss (the gold cross-entropy gets the rest).
    pub distill_weight: f64,
    /// Softmax temperature of the distillation term.
    pub temperature: f64,
    /// Casing augmentation: the share of training sentences rewritten all lower case (half of
    /// them) or all upper case (the other half), so that text without normal casing degrades
    /// less ([`recase_sentences`]). 0 leaves the data as it is.
    pub case_augment: f64,
}

impl TrainOptions {
    pub fn new(
        train: Vec<PathBuf>,
        dev: Vec<PathBuf>,
        base: PathBuf,
        out: PathBuf,
    ) -> TrainOptions {
        TrainOptions {
            train,
            dev,
            base,
            out,
            schedule: Schedule::new(4, 16),
            dropout: 0.1,
            seed: 13,
            casing: true,
            max_length: 128,
            limit_sentences: None,
            threads: 2,
            save_dtype: "f16".into(),
            init: None,
            layers: None,
            teacher: Vec::new(),
            distill_weight: 0.5,
            temperature: 2.0,
            case_augment: 0.0,
        }
    }
}

/// One line of the training log.
#[derive(Debug, Clone, Serialize)]
pub struct LogRecord {
    pub step: usize,
    pub epoch: usize,
    pub loss: f64,
    pub learning_rate: f64,
    pub seconds: f64,
    pub dev_f1: Option<f64>,
    pub dev_per_type: Option<std::collections::BTreeMap<crate::ner::EntityLabel, f64>>,
}

/// What a run achieved.
#[derive(Debug, Clone, Serialize)]
pub struct TrainReport {
    pub steps: usize,
    /// The best dev F1 and its step; None without a dev set (the last step's weights are
    /// saved: "best dev F1 0.0000 at step 0" said otherwise).
    pub best_dev_f1: Option<f64>,
    pub best_step: Option<usize>,
    pub first_loss: f64,
    pub last_loss: f64,
    pub seconds: f64,
}

/// Builds the model for training: the base config with our labels, casing and dropout, the base
/// encoder's weights under `bert.`, and a fresh classifier; or, with `opts.init`, a trained
/// model's config and weights. `opts.layers` keeps the first N encoder layers of either.
fn build_model(opts: &TrainOptions, device: Device) -> Result<NerModel> {
    // How a weight file's tensor names map to the model's (None: not loaded).
    type Rename = fn(&str) -> Option<String>;
    let (mut config, tokenizer, weights, rename): (_, _, _, Rename) = if let Some(init) = &opts.init
    {
        let files = ner::ModelFiles::locate(init)?;
        let config = files.config()?;
        check_trained(init, &config, opts)?;
        let tokenizer = load_tokenizer(&files.tokenizer)?;
        (config, tokenizer, files.weights, |name: &str| {
            Some(name.to_string())
        })
    } else {
        let base_config = opts.base.join("config.json");
        let raw = read_start_config(&base_config, "run scripts/setup to fetch the base encoder")?;
        let bert: BertConfig = serde_json::from_str(&raw)
            .with_context(|| format!("{} is not a BERT config", base_config.display()))?;
        let mut config = ModelConfig {
            bert,
            settings: ModelSettings {
                casing: opts.casing,
                max_length: opts.max_length,
                task: ner::Task::Ner,
                context_pieces: 0,
                int8_weights: crate::ner::WeightScales::Max,
                tag_scheme: crate::ner::TagScheme::Iob2,
                role_transitions: None,
                weights_fingerprint: None,
                tokenizer_fingerprint: None,
            },
            tags: Vec::new(),
        };
        config.set_tags(&CONLL_TAGS);
        if opts.casing {
            config.bert.type_vocab_size = config.bert.type_vocab_size.max(ner::CASING_CLASSES);
        }
        let tokenizer = load_tokenizer(&opts.base.join("tokenizer.json"))?;
        (
            config,
            tokenizer,
            opts.base.join("model.safetensors"),
            |name: &str| name.strip_prefix("bert.").map(String::from),
        )
    };
    config.bert.hidden_dropout_prob = opts.dropout;
    config.bert.attention_probs_dropout_prob = opts.dropout;
    // The windows are this run's, from `--init` too (the start's were its own run's).
    config.settings.max_length = opts.max_length;
    check_max_length(opts.max_length, &config.bert)?;
    keep_layers(&mut config.bert, opts.layers)?;
    let mut vs = nn::VarStore::new(device);
    let model = BertForTokenClassification::new(vs.root(), &config.bert)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    // Tensors of dropped layers are in the file but not in the model; load_weights skips them.
    load_weights(&mut vs, &weights, &rename)?;
    Ok(NerModel::new(config, tokenizer, vs, model))
}

/// Checks that the trained model in `dir` fits this training, as a start (`--init`) or a teacher:
/// the CoNLL labels this trainer uses, and the casing input as `opts` has it.
/// A starting model's config.json as text; `missing_hint` follows the error only when the file
/// is not there (a FIFO or a directory in its place is no missing download).
pub(crate) fn read_start_config(path: &Path, missing_hint: &str) -> Result<String> {
    crate::paths::read_regular_text(path).map_err(|e| {
        let hint = match e.kind() {
            std::io::ErrorKind::NotFound => format!(" ({missing_hint})"),
            _ => String::new(),
        };
        anyhow::anyhow!("cannot read {}{hint}: {e}", path.display())
    })
}

fn check_trained(dir: &Path, config: &ModelConfig, opts: &TrainOptions) -> Result<()> {
    if config.settings.task != ner::Task::Ner {
        bail!(
            "{} is an attribution model, not an NER model: `train ner` starts from or distils \
             NER models only",
            dir.display()
        );
    }
    if config.tags != CONLL_TAGS {
        bail!(
            "{}: tags {} are not the CoNLL set this trainer uses",
            dir.display(),
            config
                .tags
                .iter()
                .map(Tag::to_string)
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    if config.settings.casing != opts.casing {
        bail!(
            "{} was trained {} the casing input; train with the same setting",
            dir.display(),
            if config.settings.casing {
                "with"
            } else {
                "without"
            }
        );
    }
    Ok(())
}

/// The teacher's logits at each example's word starts (rows in word order), computed once in
/// inference mode: the soft labels stay fixed while the student trains.
fn teacher_logits(teacher: &NerModel, train: &[Example]) -> Vec<Tensor> {
    let started = Instant::now();
    let mut out = Vec::with_capacity(train.len());
    tch::no_grad(|| {
        for chunk in train.chunks(32) {
            let windows: Vec<&Window> = chunk.iter().map(|e| &e.window).collect();
            let words: Vec<i64> = windows.iter().map(|w| w.word_starts.len() as i64).collect();
            out.extend(teacher.word_logits(&windows).split_with_sizes(&words, 0));
        }
    });
    eprintln!(
        "train: teacher soft labels for {} windows in {:.0}s",
        out.len(),
        started.elapsed().as_secs_f64()
    );
    out
}

/// The tensor kind of a `--save-dtype`: f16, bf16 or f32.
pub fn save_kind(dtype: &str) -> Result<Kind> {
    Ok(match dtype {
        "f16" => Kind::Half,
        "bf16" => Kind::BFloat16,
        "f32" => Kind::Float,
        other => bail!("unknown --save-dtype {other}: use f16, bf16 or f32"),
    })
}

/// Saves a model directory: config.json, tokenizer.json, model.safetensors (no log). Refuses,
/// writing nothing, weights that are not all numbers.
pub fn save_model(model: &NerModel, dir: &Path, dtype: &str) -> Result<()> {
    save_model_as(model, &model.config, dir, dtype, None)
}

/// Saves a model directory with `config` as its config.json; variables under [`crf::CRF_PATH`]
/// live in the config (`role_transitions`), so the weights file leaves them out. The config
/// names the weights' fingerprint, and the files go in the order that leaves no mix of two
/// saves that loads ([`ner::save_weights_and_config`]): config.json was written first, so a
/// kill before the weights left a new config beside the earlier weights, which loaded. During a
/// run, `run` is its log and the step the weights are from: the log takes the place of
/// `train_log.jsonl` with the model files ([`RunLog::saved`]). Nothing is written when a weight,
/// stored as `dtype`, is not a finite number.
fn save_model_as(
    model: &NerModel,
    config: &ModelConfig,
    dir: &Path,
    dtype: &str,
    run: Option<(&mut RunLog, usize)>,
) -> Result<()> {
    let kind = save_kind(dtype)?;
    let in_config = format!("{}.", crf::CRF_PATH);
    let mut weights: Vec<(String, Tensor)> = model
        .vs
        .variables()
        .into_iter()
        .filter(|(name, _)| !name.starts_with(&in_config))
        .map(|(name, t)| (name, t.detach().to_kind(kind)))
        .collect();
    weights.sort_by(|a, b| a.0.cmp(&b.0));
    // Checked as stored: an f32 weight beyond 65504 is infinite in f16.
    if let Some(name) = ner::not_a_number(&weights) {
        let step = run
            .as_ref()
            .map_or(String::new(), |(_, s)| format!(" after step {s}"));
        bail!(
            "training diverged: the weights hold values that are not numbers{step} once stored \
             as {dtype} (first in {name}); nothing was saved (a lower --lr may help, or \
             --save-dtype f32)"
        );
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    crate::whole_file::replace_file(&dir.join("tokenizer.json"), |temp| {
        model
            .tokenizer
            .save(temp, false)
            .map_err(|e| anyhow::anyhow!("cannot save tokenizer: {e}"))
    })?;
    ner::save_weights_and_config(dir, config, &weights, || match run {
        Some((log, step)) => log.saved(step),
        None => Ok(()),
    })
}

/// Trains, evaluates on dev after each epoch (and every `eval_every` steps), and keeps the best
/// model in `opts.out`. Progress goes to stderr and `opts.out/train_log.jsonl`.
pub fn train_ner(opts: &TrainOptions) -> Result<TrainReport> {
    let started = Instant::now();
    check_options(opts)?;
    tch::manual_seed(opts.seed);
    crate::pipeline::set_torch_threads(opts.threads)?;
    let device = Device::cuda_if_available();
    let model = build_model(opts, device)?;
    let windower = model.windower()?;
    let data = TrainingData::read(opts, &windower)?;
    let dev = DevEvaluation {
        docs: read_all(&opts.dev, None)?,
        opts,
        started,
    };
    // A dev set with no entity scores every model 0: the first would be kept for good (an
    // empty one, the last, as without --dev), where the user asked for selection.
    if !opts.dev.is_empty() && !crate::conll::has_entities(&dev.docs) {
        bail!(
            "--dev {:?}: no entities to score (an empty file, or every tag O): a dev set must \
             have entities for the run to choose its best model",
            opts.dev
        );
    }
    let soft_labels = if opts.teacher.is_empty() {
        None
    } else {
        let input = data.teacher_input();
        Some(teacher_soft_labels(
            &opts.teacher,
            opts,
            &model,
            input,
            device,
        )?)
    };
    // Only now, with the model built and the data read, is `--out` touched, and then only by
    // the running log: an earlier run's files stay as they were until this run saves a model.
    let mut log = RunLog::start(&opts.out, opts)?;
    let train = data.examples;
    let schedule = opts.schedule;
    eprintln!(
        "train: {} documents, {} windows, {} steps ({} epochs of batches of {}), device {:?}, casing {}",
        data.documents,
        train.len(),
        schedule.total_steps(train.len()),
        schedule.epochs,
        schedule.batch_size,
        device,
        opts.casing
    );
    let mut best = (f64::NEG_INFINITY, 0usize);
    let lengths: Vec<usize> = train.iter().map(|e| e.window.len()).collect();
    let done = schedule.run(
        &model.vs,
        &lengths,
        &mut |batch| batch_loss(&model, &train, batch, soft_labels.as_deref(), opts, device),
        &mut |event| match event {
            Event::Loss(at) => log_loss(&mut log, at, started),
            // Without dev, every evaluation point saves (the last one is the end of the run),
            // so the weights saved are the ones evaluation would see (the average, with --ema).
            Event::Evaluate(at) if dev.docs.is_empty() => {
                let run = Some((&mut log, at.step));
                save_model_as(&model, &model.config, &opts.out, &opts.save_dtype, run)
            }
            Event::Evaluate(at) => dev.evaluate(&model, &mut log, at, &mut best),
        },
    )?;
    let (step, first_loss, last_loss) = (done.steps, done.first_loss, done.last_loss);
    let report = TrainReport {
        steps: step,
        best_dev_f1: (!dev.docs.is_empty()).then_some(best.0.max(0.0)),
        best_step: (!dev.docs.is_empty()).then_some(best.1),
        first_loss,
        last_loss,
        seconds: started.elapsed().as_secs_f64(),
    };
    log.finish(&report)?;
    let best = match (report.best_dev_f1, report.best_step) {
        (Some(f1), Some(step)) => format!("best dev F1 {f1:.4} at step {step}"),
        _ => "no dev set: the last step's weights saved".to_string(),
    };
    eprintln!(
        "train: done in {:.0}s, {} steps, {best}",
        report.seconds, report.steps
    );
    Ok(report)
}

/// A run's log (module doc): written as the run goes to `train_log.jsonl.partial` in `--out`,
/// and copied to `train_log.jsonl` only with the model files it describes, so that a run which
/// fails or is killed before saving leaves an earlier run's log beside that run's model (the log
/// was replaced at the start of the run, and described a run whose model was never saved).
pub(crate) struct RunLog {
    out: PathBuf,
    running: PathBuf,
    file: std::fs::File,
    saved: bool,
}

impl RunLog {
    /// The name of the log that goes with the model files.
    const NAME: &str = "train_log.jsonl";

    /// Creates `out` (if need be) and the running log, whose first line is the run's options.
    fn start(out: &Path, options: &impl Serialize) -> Result<RunLog> {
        std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
        let running = out.join(format!("{}.partial", Self::NAME));
        // One of the run's own names, opened as `extract` opens its files: a link there
        // (`train_log.jsonl.partial -> ~/notes.txt`) is refused, not emptied through.
        let file = crate::paths::create_regular_file(&running)
            .with_context(|| format!("cannot write {}", running.display()))?;
        let mut log = RunLog {
            out: out.to_path_buf(),
            running,
            file,
            saved: false,
        };
        writeln!(log, "{}", serde_json::json!({ "options": options }))?;
        Ok(log)
    }

    /// The log so far becomes `train_log.jsonl`, with a last line that says the model saved
    /// after `step` steps is not yet the run's last word. Called between config.json and the
    /// weights of a save ([`ner::save_weights_and_config`]).
    fn saved(&mut self, step: usize) -> Result<()> {
        let so_far = std::fs::read(&self.running)
            .with_context(|| format!("cannot read {}", self.running.display()))?;
        let unfinished = serde_json::json!({ "finished": false, "saved_after_step": step });
        crate::whole_file::replace_file(&self.out.join(Self::NAME), |temp| {
            let mut file = std::fs::File::create(temp)?;
            file.write_all(&so_far)?;
            writeln!(file, "{unfinished}")?;
            Ok(())
        })?;
        self.saved = true;
        Ok(())
    }

    /// Ends the log with the run's report and `"finished": true`, in place of
    /// `train_log.jsonl`. A run that saved no model has no log to put beside one.
    fn finish(mut self, report: &impl Serialize) -> Result<()> {
        if !self.saved {
            bail!(
                "the run saved no model to {} (no evaluation gave a score)",
                self.out.display()
            );
        }
        writeln!(
            self,
            "{}",
            serde_json::json!({ "finished": true, "report": report })
        )?;
        let log = self.out.join(Self::NAME);
        std::fs::rename(&self.running, &log).with_context(|| {
            format!(
                "cannot rename {} to {}",
                self.running.display(),
                log.display()
            )
        })
    }
}

impl Write for RunLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

fn check_options(opts: &TrainOptions) -> Result<()> {
    opts.schedule.check()?;
    check_dropout(opts.dropout)?;
    let mut read = vec![("--base", opts.base.as_path())];
    read.extend(opts.init.iter().map(|p| ("--init", p.as_path())));
    read.extend(opts.teacher.iter().map(|p| ("--teacher", p.as_path())));
    refuse_out_among_inputs(&opts.out, &read)?;
    refuse_foreign_files(&opts.out, &RUN_FILES)?;
    let (weight, temperature) = (opts.distill_weight, opts.temperature);
    require(
        (0.0..=1.0).contains(&weight),
        "--distill-weight",
        "within 0..1",
        weight,
    )?;
    // Its square scales the loss: 1e200 (or inf) made the first loss NaN, reported as a
    // diverged run.
    require(
        temperature > 0.0 && temperature <= 100.0,
        "--temperature",
        "above 0 and at most 100",
        temperature,
    )?;
    let share = opts.case_augment;
    require(
        (0.0..=1.0).contains(&share),
        "--case-augment",
        "within 0..1",
        share,
    )
}

/// An error naming `option` and what it `must` be unless `holds`: the trainers' refusals of
/// settings, all worded alike.
pub(crate) fn require(holds: bool, option: &str, must: &str, got: f64) -> Result<()> {
    if !holds {
        let refusal = format!("{option} must be {must} (got {got})");
        return Err(crate::usage::UsageError(refusal).into());
    }
    Ok(())
}

/// Refuses a window length the trained model could not be loaded with (its config would be
/// refused by [`ner::ModelConfig::read`] after the whole run).
pub(crate) fn check_max_length(max_length: usize, bert: &BertConfig) -> Result<()> {
    let lengths = ner::window_lengths(bert);
    if !lengths.contains(&max_length) {
        let refusal =
            format!("--max-length must be in {lengths:?} for this model (got {max_length})");
        return Err(crate::usage::UsageError(refusal).into());
    }
    Ok(())
}

/// Refuses a dropout rate that is not a probability below 1 (the layers would drop every value
/// or fail inside libtorch).
pub(crate) fn check_dropout(dropout: f64) -> Result<()> {
    let holds = (0.0..1.0).contains(&dropout);
    require(holds, "--dropout", "within 0..1, below 1", dropout)
}

/// Refuses an `--out` directory that is also a model the run reads (`inputs`: each with its
/// option's name): saving would overwrite the user's model with the one being trained, e.g.
/// `train ner --init models/ner-en --out models/ner-en`. Checked before anything is written.
pub(crate) fn refuse_out_among_inputs(out: &Path, inputs: &[(&str, &Path)]) -> Result<()> {
    for (option, input) in inputs {
        if same_dir(input, out)? {
            bail!(
                "--out {} is also {option} {}: saving would overwrite a model this run reads; \
                 choose another --out",
                out.display(),
                input.display()
            );
        }
    }
    Ok(())
}

/// What a training run writes in `--out`: the model files and its log.
pub(crate) const RUN_FILES: [&str; 5] = [
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "train_log.jsonl",
    "train_log.jsonl.partial",
];

/// Refuses an `--out` that holds anything but the files the run writes (`writes`): they would
/// stay beside its model, mixed with it — an earlier model's `any-case/` companion, which
/// `extract` would go on using for lower-case text; a log (beside an averaged model) or a card
/// of another model; the user's own files. An earlier run's files, which the run replaces, are
/// fine (retraining into one folder), and so are the hidden temporary files of its saves killed
/// mid-write ([`crate::whole_file`]), which are removed. Checked before anything is written.
pub(crate) fn refuse_foreign_files(out: &Path, writes: &[&str]) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(out) else {
        return Ok(()); // not there yet (or not a directory: creating it fails, saying so)
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let ours_killed = writes
            .iter()
            .any(|w| crate::whole_file::is_temporary_of(&name, w));
        if ours_killed {
            let _ = std::fs::remove_file(out.join(&name));
        } else if !writes.contains(&name.as_str()) {
            bail!(
                "--out {} holds {name}, which this run does not write: the new model would sit \
                 beside it, mixed with it (an earlier model's any-case/ would go on tagging \
                 lower-case text); move it away, or choose a new or empty directory",
                out.display()
            );
        }
    }
    Ok(())
}

/// Whether two paths name one directory, wherever they really point (`x/../model`, with `x`
/// missing, is `model` once the trainer has created `x`).
pub(crate) fn same_dir(a: &Path, b: &Path) -> Result<bool> {
    Ok(crate::paths::resolved(a)? == crate::paths::resolved(b)? || crate::paths::same_file(a, b))
}

/// The teachers in `dirs`' logits for every training example, averaged over the teachers (the
/// soft labels of their ensemble), after checking that each fits. One teacher is loaded at a time.
fn teacher_soft_labels(
    dirs: &[PathBuf],
    opts: &TrainOptions,
    student: &NerModel,
    train: &[Example],
    device: Device,
) -> Result<Vec<Tensor>> {
    let mut sum: Option<Vec<Tensor>> = None;
    for dir in dirs {
        let teacher = NerModel::load(dir, device)?;
        check_trained(dir, &teacher.config, opts)?;
        if teacher.tokenizer.get_vocab(true) != student.tokenizer.get_vocab(true) {
            bail!(
                "teacher {} has another vocabulary than the student",
                dir.display()
            );
        }
        let logits = teacher_logits(&teacher, train);
        sum = Some(match sum {
            None => logits,
            Some(sum) => sum.iter().zip(&logits).map(|(a, b)| a + b).collect(),
        });
    }
    let sum = sum.expect("at least one teacher");
    Ok(sum.iter().map(|t| t / dirs.len() as f64).collect())
}

/// One epoch's batches of examples of these window lengths: shuffled, then sorted by length
/// inside groups of 50 batches (random order, little padding), then the batches shuffled. Draws
/// from libtorch's seeded generator.
fn epoch_batches(lengths: &[usize], batch_size: usize) -> Result<Vec<Vec<usize>>> {
    let perm: Vec<i64> = Vec::<i64>::try_from(Tensor::randperm(
        lengths.len() as i64,
        (Kind::Int64, Device::Cpu),
    ))?;
    let mut order: Vec<usize> = perm.into_iter().map(|i| i as usize).collect();
    for group in order.chunks_mut(batch_size * 50) {
        group.sort_by_key(|&i| lengths[i]);
    }
    let batches: Vec<&[usize]> = order.chunks(batch_size).collect();
    let shuffle = Vec::<i64>::try_from(Tensor::randperm(
        batches.len() as i64,
        (Kind::Int64, Device::Cpu),
    ))?;
    Ok(shuffle
        .iter()
        .map(|&i| batches[i as usize].to_vec())
        .collect())
}

/// The loss of one batch: cross-entropy against the gold tags at each word's first piece, mixed
/// with the distillation term when there is a teacher.
fn batch_loss(
    model: &NerModel,
    train: &[Example],
    batch: &[usize],
    soft_labels: Option<&[Tensor]>,
    opts: &TrainOptions,
    device: Device,
) -> Tensor {
    let windows: Vec<&Window> = batch.iter().map(|&i| &train[i].window).collect();
    let (ids, mask, types) = NerModel::batch_tensors(&windows, device);
    let width = ids.size()[1] as usize;
    let mut labels = vec![-100i64; windows.len() * width];
    for (b, &i) in batch.iter().enumerate() {
        for (&(piece, _), &l) in train[i].window.word_starts.iter().zip(&train[i].labels) {
            labels[b * width + piece] = l;
        }
    }
    let labels = Tensor::from_slice(&labels).to_device(device);
    let out = model
        .model
        .forward_t(Some(&ids), Some(&mask), Some(&types), None, None, true);
    let logits = out.logits.view([-1, CONLL_TAGS.len() as i64]);
    let gold_loss =
        logits.cross_entropy_loss::<Tensor>(&labels, None, tch::Reduction::Mean, -100, 0.0);
    let Some(soft) = soft_labels else {
        return gold_loss;
    };
    // Hinton et al.'s distillation term: KL(teacher ‖ student) at temperature T, scaled by T² so
    // its gradients keep their size as T changes.
    let t = opts.temperature;
    let rows = ner::word_start_rows(&windows, width);
    let student = logits
        .index_select(0, &Tensor::from_slice(&rows).to_device(device))
        .divide_scalar(t)
        .log_softmax(-1, Kind::Float);
    let teacher_rows: Vec<&Tensor> = batch.iter().map(|&i| &soft[i]).collect();
    let teacher = Tensor::cat(&teacher_rows, 0)
        .divide_scalar(t)
        .log_softmax(-1, Kind::Float);
    let kl = student
        .kl_div(&teacher, tch::Reduction::None, true)
        .sum(Kind::Float)
        / rows.len().max(1) as f64;
    gold_loss * (1.0 - opts.distill_weight) + kl * (opts.distill_weight * t * t)
}

fn log_loss(log: &mut RunLog, at: Progress, started: Instant) -> Result<()> {
    let secs = started.elapsed().as_secs_f64();
    let Progress {
        step,
        total_steps,
        epoch,
        loss,
        learning_rate: lr,
    } = at;
    eprintln!(
        "train: step {step}/{total_steps} epoch {epoch} loss {loss:.4} lr {lr:.2e} {secs:.0}s"
    );
    let rec = LogRecord {
        step,
        epoch,
        loss,
        learning_rate: lr,
        seconds: secs,
        dev_f1: None,
        dev_per_type: None,
    };
    writeln!(log, "{}", serde_json::to_string(&rec)?)?;
    Ok(())
}

/// Dev evaluation during training: scores the model on every dev sentence, logs the figures and
/// saves the model when it is the best so far.
struct DevEvaluation<'a> {
    docs: Vec<ConllDocument>,
    opts: &'a TrainOptions,
    started: Instant,
}

impl DevEvaluation<'_> {
    fn evaluate(
        &self,
        model: &NerModel,
        log: &mut RunLog,
        at: Progress,
        best: &mut (f64, usize),
    ) -> Result<()> {
        let (step, epoch, loss, lr) = (at.step, at.epoch, at.loss, at.learning_rate);
        // Every sentence: model selection scores the model, not the sentence skip.
        let tagger = Tagger::new(model, crate::ner::Batching::default(), false)?;
        let (score, _, speed) = evaluate_conll(&tagger, &self.docs)?;
        let per_type = score.per_type.iter().map(|(&k, t)| (k, t.f1)).collect();
        let rec = LogRecord {
            step,
            epoch,
            loss,
            learning_rate: lr,
            seconds: self.started.elapsed().as_secs_f64(),
            dev_f1: Some(score.micro.f1),
            dev_per_type: Some(per_type),
        };
        let per_type: Vec<String> = score
            .per_type
            .iter()
            .map(|(label, t)| format!("{label} {:.4}", t.f1))
            .collect();
        eprintln!(
            "train: step {step} epoch {epoch} dev F1 {:.4} ({:.0} words/s) {}",
            score.micro.f1,
            speed.words_per_second(),
            per_type.join(", ")
        );
        writeln!(log, "{}", serde_json::to_string(&rec)?)?;
        if score.micro.f1 > best.0 {
            *best = (score.micro.f1, step);
            let (out, dtype) = (&self.opts.out, &self.opts.save_dtype);
            save_model_as(model, &model.config, out, dtype, Some((log, step)))?;
            eprintln!("train: saved best model to {}", out.display());
        }
        Ok(())
    }
}

/// The learning rate of the step after `step` steps: linear warm-up to `base` over `warmup`
/// steps, then linear decay to 0 at `total`.
fn step_lr(step: usize, total: usize, warmup: usize, base: f64) -> f64 {
    if step < warmup {
        base * (step + 1) as f64 / warmup as f64
    } else {
        opt_lr(step, total, warmup, base)
    }
}

/// The learning rate after `step` steps, as logged at the end of an epoch.
fn opt_lr(step: usize, total: usize, warmup: usize, base: f64) -> f64 {
    if step < warmup {
        base * step as f64 / warmup as f64
    } else {
        base * total.saturating_sub(step) as f64 / (total - warmup).max(1) as f64
    }
}

/// Keeps the first `layers` encoder blocks of a starting model (`--layers`): the dropped
/// blocks' tensors stay in its file, and loading skips them.
fn keep_layers(bert: &mut BertConfig, layers: Option<usize>) -> Result<()> {
    if let Some(layers) = layers {
        if layers == 0 || layers as i64 > bert.num_hidden_layers {
            let refusal = format!(
                "--layers {layers}: the starting model has {} layers",
                bert.num_hidden_layers
            );
            return Err(crate::usage::UsageError(refusal).into());
        }
        bert.num_hidden_layers = layers as i64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_out_that_is_a_model_read_is_refused_however_it_is_spelled() {
        let dir = tempfile::tempdir().unwrap();
        let model = dir.path().join("model");
        std::fs::create_dir(&model).unwrap();
        let read = [("--init", model.as_path())];
        for out in [
            model.clone(),
            dir.path().join("nosuchdir/../model"),
            dir.path().join("model/"),
            dir.path().join("./model/."),
        ] {
            let err = refuse_out_among_inputs(&out, &read).unwrap_err();
            assert!(err.to_string().contains("also --init"), "{err}");
        }
        assert!(refuse_out_among_inputs(&dir.path().join("new"), &read).is_ok());
    }

    /// The running log is one of the run's own files: a symbolic link at its name in `--out`
    /// is refused, never written through (`File::create` emptied the file it named).
    /// The setup hint is for a start that was never fetched: a FIFO in the config's place was
    /// told to run scripts/setup (session 53's outside attack).
    #[cfg(unix)]
    #[test]
    fn only_a_missing_start_config_is_told_to_run_setup() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.json");
        let missing = read_start_config(&config, "run scripts/setup").unwrap_err();
        assert!(
            format!("{missing:#}").contains("(run scripts/setup)"),
            "{missing:#}"
        );
        crate::paths::special::make_fifo(&config);
        let fifo = format!(
            "{:#}",
            read_start_config(&config, "run scripts/setup").unwrap_err()
        );
        assert!(
            !fifo.contains("scripts/setup") && fifo.contains("config.json"),
            "{fifo}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_running_log_is_never_written_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let notes = dir.path().join("notes.txt");
        std::fs::write(&notes, "keep me").unwrap();
        let out = dir.path().join("model");
        std::fs::create_dir(&out).unwrap();
        std::os::unix::fs::symlink(&notes, out.join("train_log.jsonl.partial")).unwrap();
        refuse_foreign_files(&out, &RUN_FILES).unwrap();
        let err = RunLog::start(&out, &"options").err().unwrap();
        assert!(format!("{err:#}").contains("symbolic link"), "{err:#}");
        assert_eq!(std::fs::read_to_string(&notes).unwrap(), "keep me");
    }
}
