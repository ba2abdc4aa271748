//! Training the attribution model: the NER model's (or the base encoder's) weights, a fresh
//! nine-output head (source, cue and content, BIO each: [`crate::ner::Role`]), trained on brat
//! folders (PolNeAR's layout) with the same optimiser, schedule and selection as `train ner`.
//!
//! Each paragraph is one target, read with up to `context_pieces` word pieces before it
//! ([`crate::ner::Windower::context_windows`]); only the target's words carry labels. Every
//! annotator's file of an article is an example of its own: where annotators disagree, the
//! model sees both readings. Model selection: the mean of the three roles' exact-segment F1 on
//! the dev folder's first annotator per article ([`crate::eval::quotes::SegmentScores`]).
//!
//! The loss is each role's cross-entropy per word, or with `crf` the likelihood of each role's
//! whole tag sequence ([`super::crf`]): dev measured the CRF better for the model alone and not
//! for the default combination (models/quotes-en/MODEL_CARD.md), so the shipped model has none.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use rust_bert::bert::{BertConfig, BertForTokenClassification};
use serde::Serialize;
use tch::{nn, Device, Tensor};

use super::crf::{Crf, CRF_GROUP, CRF_LR_MULTIPLE};
use super::schedule::{Event, Progress, Schedule};
use super::{save_model_as, RunLog};
use crate::eval::quotes::{
    document_of, gold_segments, load_brat_annotations, load_brat_dir, role_targets, GoldArticle,
    RoleSegments, SegmentTally,
};
use crate::ner::{
    self, load_tokenizer, load_weights, segments, Batching, ModelConfig, ModelSettings, NerModel,
    Role, RoleTransitions, Task, Window, ROLE_LABELS,
};
use crate::quotes::learned::{document_windows, RoleContext, RoleTagger};
use crate::text::Document;

/// Settings of one attribution training run.
#[derive(Debug, Clone, Serialize)]
pub struct QuoteTrainOptions {
    /// brat folders (`text/`, `attributions/`) to train on.
    pub train: Vec<PathBuf>,
    /// brat folders for model selection.
    pub dev: Vec<PathBuf>,
    /// The starting weights: a trained whosaid NER model, or a base encoder directory.
    pub init: PathBuf,
    pub out: PathBuf,
    /// Epochs, batches, learning rate and the loop's regularisation, as in `train ner`.
    #[serde(flatten)]
    pub schedule: Schedule,
    pub dropout: f64,
    pub seed: i64,
    pub max_length: usize,
    /// Word pieces of context before each paragraph (0: none, the ablation).
    pub context_pieces: usize,
    /// Use only the first N training annotations.
    pub limit_articles: Option<usize>,
    pub threads: usize,
    pub save_dtype: String,
    /// Keep only the first N encoder layers of the starting weights (a smaller, faster model).
    pub layers: Option<usize>,
    /// A CRF over each role's tags ([`super::crf`]); on by itself when `init` has one.
    pub crf: bool,
    /// Keep only the N heaviest feed-forward units of each block ([`super::prune`]).
    pub ffn_units: Option<usize>,
    /// The starting attribution model, whole, teaches the smaller one ([`distilled_loss`]).
    pub distill: bool,
}

impl QuoteTrainOptions {
    pub fn new(train: Vec<PathBuf>, dev: Vec<PathBuf>, init: PathBuf, out: PathBuf) -> Self {
        QuoteTrainOptions {
            train,
            dev,
            init,
            out,
            schedule: Schedule::new(2, 8),
            dropout: 0.1,
            seed: 13,
            max_length: 128,
            context_pieces: 48,
            limit_articles: None,
            threads: 2,
            save_dtype: "f16".into(),
            layers: None,
            crf: false,
            ffn_units: None,
            distill: false,
        }
    }
}

/// A training example: a window and, for each of its word starts, the three roles' BIO ids.
struct Example {
    window: Window,
    labels: Vec<[i64; 3]>,
}

/// What a run achieved.
#[derive(Debug, Clone, Serialize)]
pub struct QuoteTrainReport {
    pub steps: usize,
    pub first_loss: f64,
    /// The best dev mean segment F1 and its step; None without a dev set.
    pub best_dev_mean_f1: Option<f64>,
    pub best_step: Option<usize>,
    pub last_loss: f64,
    pub seconds: f64,
}

/// How a weight file's tensor names map to the model's (None: not loaded).
type Rename = fn(&str) -> Option<String>;

/// Builds the model: the starting directory's encoder (and casing rows), a fresh classifier;
/// an attribution model's own classifier and CRF scores when the start is one (to train it
/// further).
fn build_model(
    opts: &QuoteTrainOptions,
    device: Device,
) -> Result<(NerModel, Option<RoleTransitions>)> {
    let files_dir = &opts.init;
    let config_path = files_dir.join("config.json");
    let raw = super::read_start_config(&config_path, "run scripts/setup")?;
    // A whosaid model's config has a `whosaid` section; a base encoder's is a plain BERT config.
    let is_whosaid_model = serde_json::from_str::<serde_json::Value>(&raw)
        .with_context(|| format!("{} is not JSON", config_path.display()))?
        .get("whosaid")
        .is_some();
    let mut transitions = None;
    let (bert, casing, rename): (BertConfig, bool, Rename) = match is_whosaid_model {
        // An attribution model goes on training, classifier included.
        true => {
            let config = ner::ModelFiles::locate(files_dir)?.config()?;
            let rename: Rename = match config.settings.task {
                Task::Attribution => |name: &str| Some(name.to_string()),
                Task::Ner => {
                    |name: &str| (!name.starts_with("classifier.")).then(|| name.to_string())
                }
            };
            transitions = config.settings.role_transitions;
            (config.bert, config.settings.casing, rename)
        }
        false => {
            let mut bert: BertConfig = serde_json::from_str(&raw)
                .with_context(|| format!("{} is not a BERT config", config_path.display()))?;
            bert.type_vocab_size = bert.type_vocab_size.max(ner::CASING_CLASSES);
            (bert, true, |name: &str| {
                name.strip_prefix("bert.").map(String::from)
            })
        }
    };
    let mut config = ModelConfig {
        bert,
        settings: ModelSettings {
            casing,
            max_length: opts.max_length,
            task: Task::Attribution,
            context_pieces: opts.context_pieces,
            int8_weights: crate::ner::WeightScales::Max,
            tag_scheme: crate::ner::TagScheme::Iob2,
            role_transitions: None,
            weights_fingerprint: None,
            tokenizer_fingerprint: None,
        },
        tags: Vec::new(),
    };
    config.set_attribution_labels();
    super::check_max_length(opts.max_length, &config.bert)?;
    super::keep_layers(&mut config.bert, opts.layers)?;
    config.bert.hidden_dropout_prob = opts.dropout;
    config.bert.attention_probs_dropout_prob = opts.dropout;
    let tokenizer = load_tokenizer(&files_dir.join("tokenizer.json"))?;
    let mut vs = nn::VarStore::new(device);
    let model = BertForTokenClassification::new(vs.root(), &config.bert)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let weights = files_dir.join("model.safetensors");
    load_weights(&mut vs, &weights, &rename)?;
    let (vs, model) = match opts.ffn_units {
        Some(units) => super::prune::keep_feed_forward_units(&mut config.bert, &vs, units)?,
        None => (vs, model),
    };
    Ok((NerModel::new(config, tokenizer, vs, model), transitions))
}

fn examples(articles: &[GoldArticle], model: &NerModel) -> Result<Vec<Example>> {
    let windower = model.windower()?;
    let mut out = Vec::new();
    for article in articles {
        let doc = document_of(article);
        let targets = role_targets(&doc, article);
        for window in document_windows(&windower, &doc, RoleContext::AsTrained)? {
            let labels = window
                .word_starts
                .iter()
                .map(|&(_, w)| Role::ALL.map(|r| targets[r.index()][w] as i64))
                .collect();
            out.push(Example { window, labels });
        }
    }
    Ok(out)
}

fn read_folders(dirs: &[PathBuf], every_annotator: bool) -> Result<Vec<GoldArticle>> {
    let mut out = Vec::new();
    for dir in dirs {
        out.extend(if every_annotator {
            load_brat_annotations(dir, true)?
        } else {
            load_brat_dir(dir)?
        });
    }
    Ok(out)
}

/// Each window's nine outputs at its labelled words' first pieces, `[windows, most words, 9]`
/// (padded with the first piece's), in word order: the CRF's per-word scores.
fn word_start_scores(logits: &Tensor, windows: &[&Window]) -> Tensor {
    let longest = windows
        .iter()
        .map(|w| w.word_starts.len())
        .max()
        .unwrap_or(0);
    let mut pieces = vec![0i64; windows.len() * longest];
    for (b, w) in windows.iter().enumerate() {
        for (i, &(piece, _)) in w.word_starts.iter().enumerate() {
            pieces[b * longest + i] = piece as i64;
        }
    }
    let pieces = Tensor::from_slice(&pieces)
        .view([windows.len() as i64, longest as i64, 1])
        .expand([-1, -1, ROLE_LABELS as i64], false)
        .to_device(logits.device());
    logits.gather(1, &pieces, false)
}

/// Cross-entropy of each role's three tags at each labelled word start; with a CRF, the
/// negative log-likelihood of each window's tag sequences; with a `teacher` (`--distill`), half
/// that and half the teacher's word scores ([`distillation_loss`]): a model pruned from the
/// shipped one, the mean of two runs' weights, learns that mean's readings rather than one more
/// run's.
fn batch_loss(
    model: &NerModel,
    train: &[Example],
    batch: &[usize],
    (crf, teacher): (Option<&Crf>, Option<&NerModel>),
    device: Device,
) -> Tensor {
    let windows: Vec<&Window> = batch.iter().map(|&i| &train[i].window).collect();
    let (ids, mask, types) = NerModel::batch_tensors(&windows, device);
    let width = ids.size()[1] as usize;
    if let Some(crf) = crf {
        let logits = model
            .model
            .forward_t(Some(&ids), Some(&mask), Some(&types), None, None, true)
            .logits;
        let gold: Vec<Vec<[i64; 3]>> = batch.iter().map(|&i| train[i].labels.clone()).collect();
        return crf.loss(&word_start_scores(&logits, &windows), &gold);
    }
    let mut labels = vec![-100i64; windows.len() * width * 3];
    for (b, &i) in batch.iter().enumerate() {
        for (&(piece, _), roles) in train[i].window.word_starts.iter().zip(&train[i].labels) {
            labels[(b * width + piece) * 3..][..3].copy_from_slice(roles);
        }
    }
    let labels = Tensor::from_slice(&labels).to_device(device);
    let logits = model
        .model
        .forward_t(Some(&ids), Some(&mask), Some(&types), None, None, true)
        .logits
        .view([-1, 3]);
    let gold = logits.cross_entropy_loss::<Tensor>(&labels, None, tch::Reduction::Mean, -100, 0.0);
    let Some(teacher) = teacher else {
        return gold;
    };
    let labelled = labels.ne(-100).nonzero().squeeze_dim(1);
    let taught = tch::no_grad(|| {
        teacher
            .model
            .forward_t(Some(&ids), Some(&mask), Some(&types), None, None, false)
            .logits
            .view([-1, 3])
            .index_select(0, &labelled)
    });
    gold * 0.5 + distillation_loss(&logits.index_select(0, &labelled), &taught) * 0.5
}

/// The cross-entropy of each row's tag distribution against the teacher's, at temperature
/// [`DISTILL_TEMPERATURE`] and scaled by its square, as knowledge distillation does, so the
/// gradients keep their size.
fn distillation_loss(learned: &Tensor, taught: &Tensor) -> Tensor {
    let t = DISTILL_TEMPERATURE;
    let taught = (taught / t).softmax(-1, tch::Kind::Float);
    let learned = (learned / t).log_softmax(-1, tch::Kind::Float);
    let per_row = -(taught * learned).sum_dim_intlist(-1, false, tch::Kind::Float);
    per_row.mean(tch::Kind::Float) * (t * t)
}

/// The temperature of [`distillation_loss`]: above 1, so the teacher's second choices teach.
const DISTILL_TEMPERATURE: f64 = 2.0;

/// The model's segments on dev, scored per role.
struct DevSet {
    articles: Vec<GoldArticle>,
    docs: Vec<Document>,
    gold: Vec<RoleSegments>,
}

impl DevSet {
    fn new(articles: Vec<GoldArticle>) -> DevSet {
        let docs: Vec<Document> = articles.iter().map(document_of).collect();
        let gold = articles
            .iter()
            .zip(&docs)
            .map(|(a, d)| gold_segments(d, a))
            .collect();
        DevSet {
            articles,
            docs,
            gold,
        }
    }

    fn score(
        &self,
        model: &NerModel,
        crf: Option<&Crf>,
    ) -> Result<crate::eval::quotes::SegmentScores> {
        let tagger =
            RoleTagger::new(model, Batching::default())?.with_transitions(crf.map(Crf::current));
        let docs: Vec<&Document> = self.docs.iter().collect();
        let mut tally = SegmentTally::default();
        for (tags, gold) in tagger
            .tag(&docs, RoleContext::AsTrained)?
            .iter()
            .zip(&self.gold)
        {
            let mut predicted = RoleSegments::new();
            for role in Role::ALL {
                for s in segments(&tags[role.index()]) {
                    predicted.insert((role, s.start, s.end));
                }
            }
            tally.add(gold, &predicted);
        }
        Ok(tally.finish())
    }
}

/// Trains and keeps the best model (by dev mean segment F1) in `opts.out`.
pub fn train_quotes(opts: &QuoteTrainOptions) -> Result<QuoteTrainReport> {
    let started = Instant::now();
    opts.schedule.check()?;
    super::check_dropout(opts.dropout)?;
    super::refuse_out_among_inputs(&opts.out, &[("--init", opts.init.as_path())])?;
    super::refuse_foreign_files(&opts.out, &super::RUN_FILES)?;
    tch::manual_seed(opts.seed);
    crate::pipeline::set_torch_threads(opts.threads)?;
    let device = Device::cuda_if_available();
    let (model, start_transitions) = build_model(opts, device)?;
    let crf = (opts.crf || start_transitions.is_some())
        .then(|| Crf::new(&model.vs.root(), start_transitions.as_ref()));
    let teacher = match opts.distill {
        true => Some(teacher_model(opts, crf.is_some(), device)?),
        false => None,
    };
    let mut train_articles = read_folders(&opts.train, true)?;
    if let Some(n) = opts.limit_articles {
        train_articles.truncate(n);
    }
    let train = examples(&train_articles, &model)?;
    if train.is_empty() {
        bail!("no training paragraphs in {:?}", opts.train);
    }
    let dev_articles = read_folders(&opts.dev, false)?;
    if !opts.dev.is_empty() && dev_articles.iter().all(|a| a.attributions.is_empty()) {
        bail!(
            "--dev {:?}: no attributions to score (no .ann files, or none with an \
             attribution): a dev set must have some for the run to choose its best model",
            opts.dev
        );
    }
    let dev = DevSet::new(dev_articles);
    // Only now, with the model built and the data read, is `--out` touched, and then only by
    // the running log: an earlier run's files stay as they were until this run saves a model.
    let mut log = RunLog::start(&opts.out, opts)?;
    let schedule = Schedule {
        fast_group: crf.is_some().then_some((CRF_GROUP, CRF_LR_MULTIPLE)),
        ..opts.schedule
    };
    let pieces: usize = train.iter().map(|e| e.window.len()).sum();
    eprintln!(
        "train quotes: {} annotations, {} windows ({pieces} pieces), {} steps, device {device:?}, {} dev articles",
        train_articles.len(),
        train.len(),
        schedule.total_steps(train.len()),
        dev.articles.len()
    );
    let lengths: Vec<usize> = train.iter().map(|e| e.window.len()).collect();
    let mut best = (f64::NEG_INFINITY, 0);
    let done = schedule.run(
        &model.vs,
        &lengths,
        &mut |batch| {
            batch_loss(
                &model,
                &train,
                batch,
                (crf.as_ref(), teacher.as_ref()),
                device,
            )
        },
        &mut |event| match event {
            Event::Loss(at) => log_loss(&mut log, at, started),
            Event::Evaluate(at) => {
                let model = (&model, crf.as_ref());
                evaluate(model, &dev, opts, at, &mut log, &mut best, started)
            }
        },
    )?;
    let report = QuoteTrainReport {
        steps: done.steps,
        first_loss: done.first_loss,
        best_dev_mean_f1: (!dev.articles.is_empty()).then_some(best.0.max(0.0)),
        best_step: (!dev.articles.is_empty()).then_some(best.1),
        last_loss: done.last_loss,
        seconds: started.elapsed().as_secs_f64(),
    };
    log.finish(&report)?;
    let best = match (report.best_dev_mean_f1, report.best_step) {
        (Some(f1), Some(step)) => format!("best dev mean segment F1 {f1:.4} at step {step}"),
        _ => "no dev set: the last step's weights saved".to_string(),
    };
    eprintln!(
        "train quotes: done in {:.0}s, {} steps, {best}",
        report.seconds, report.steps
    );
    Ok(report)
}

/// The whole starting model, to teach a smaller one (`--distill`): it must be an attribution
/// model without a CRF (its word scores are what the student learns to give).
fn teacher_model(opts: &QuoteTrainOptions, crf: bool, device: Device) -> Result<NerModel> {
    let task = ner::ModelFiles::locate(&opts.init)?.config()?.settings.task;
    if task != Task::Attribution || crf || (opts.ffn_units.is_none() && opts.layers.is_none()) {
        let refusal = "--distill: --init must be an attribution model without a CRF, made \
                       smaller by --ffn-units or --layers";
        return Err(crate::usage::UsageError(refusal.into()).into());
    }
    let whole = QuoteTrainOptions {
        ffn_units: None,
        layers: None,
        ..opts.clone()
    };
    Ok(build_model(&whole, device)?.0)
}

fn log_loss(log: &mut RunLog, at: Progress, started: Instant) -> Result<()> {
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "train quotes: step {}/{} epoch {} loss {:.4} lr {:.2e} {secs:.0}s",
        at.step, at.total_steps, at.epoch, at.loss, at.learning_rate
    );
    writeln!(
        log,
        "{}",
        serde_json::json!({"step": at.step, "epoch": at.epoch, "loss": at.loss,
            "learning_rate": at.learning_rate, "seconds": secs})
    )?;
    Ok(())
}

/// Scores dev, logs it, and saves the model when it is the best so far (or when there is no
/// dev set, every time).
fn evaluate(
    (model, crf): (&NerModel, Option<&Crf>),
    dev: &DevSet,
    opts: &QuoteTrainOptions,
    at: Progress,
    log: &mut RunLog,
    best: &mut (f64, usize),
    started: Instant,
) -> Result<()> {
    if dev.articles.is_empty() {
        return save(model, crf, opts, (log, at.step));
    }
    let (step, epoch) = (at.step, at.epoch);
    let scores = dev.score(model, crf)?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "train quotes: step {step} epoch {epoch} dev segment F1 content {:.4} source {:.4} cue {:.4} (mean {:.4}) {secs:.0}s",
        scores.content.f1,
        scores.source.f1,
        scores.cue.f1,
        scores.mean_f1()
    );
    writeln!(
        log,
        "{}",
        serde_json::json!({"step": step, "epoch": epoch, "seconds": secs, "dev": scores})
    )?;
    if scores.mean_f1() > best.0 {
        *best = (scores.mean_f1(), step);
        save(model, crf, opts, (log, step))?;
        eprintln!("train quotes: saved best model to {}", opts.out.display());
    }
    Ok(())
}

/// Saves the model in `opts.out`, its CRF scores (if any) in its config.json, and the run's
/// log so far with it (`run`: the log and the step the weights are from).
fn save(
    model: &NerModel,
    crf: Option<&Crf>,
    opts: &QuoteTrainOptions,
    run: (&mut RunLog, usize),
) -> Result<()> {
    let mut config = model.config.clone();
    config.settings.role_transitions = crf.map(Crf::current);
    save_model_as(model, &config, &opts.out, &opts.save_dtype, Some(run))
}
