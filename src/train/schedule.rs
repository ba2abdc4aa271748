//! The optimisation loop both trainers share: AdamW, a learning rate that rises linearly over the
//! first `warmup` share of the steps and then falls linearly to zero, gradient clipping, seeded
//! length-grouped batches, the mean loss reported every 20 steps, and dev evaluation after every
//! epoch, every `eval_every` steps and after the last step.
//!
//! ```text
//! lr  /‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾\
//!    0  warmup                                                           total steps
//! ```

use anyhow::{bail, Result};
use serde::Serialize;
use tch::nn::OptimizerConfig;
use tch::{nn, Tensor};

use super::{epoch_batches, opt_lr, require, step_lr};

/// The most epochs and the largest batch a run takes (`--epochs`, `--batch-size`).
const MOST_EPOCHS: usize = 1_000_000;
const MOST_BATCH: usize = 65_536;

/// How long and how fast a run trains: the settings both trainers share (`--epochs`, `--lr`,
/// `--ema`, …), written into each run's `train_log.jsonl` under `options`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Schedule {
    pub epochs: usize,
    pub batch_size: usize,
    pub learning_rate: f64,
    /// Share of the steps with a linearly rising learning rate.
    pub warmup: f64,
    pub weight_decay: f64,
    pub clip_norm: f64,
    /// Fewer steps than the epochs make (the schedule shrinks to fit).
    pub max_steps: Option<usize>,
    /// Stop after this many steps, the schedule kept as for the whole run (ablations compared
    /// at one step of the same schedule as a full run).
    pub stop_after: Option<usize>,
    /// Evaluate on dev every this many steps as well as after each epoch.
    pub eval_every: Option<usize>,
    /// Evaluate (and save) an exponential moving average of the weights, updated after every
    /// step with this decay, instead of the weights themselves ([`Average`]).
    pub ema: Option<f64>,
    /// Adversarial training (FGM): each batch's loss is taken a second time with the word
    /// embeddings pushed this far (L2) along their gradient, and both gradients are followed.
    pub adversarial: Option<f64>,
    /// The variables of this optimiser group (`nn::Path::set_group`) learn at this multiple of
    /// the learning rate: a CRF's few sequence scores start at zero and must travel further
    /// than fine-tuned weights. Set by the trainer that has such a group, not by its user.
    #[serde(skip)]
    pub(super) fast_group: Option<(usize, f64)>,
}

/// Where the loop is when it reports.
#[derive(Debug, Clone, Copy)]
pub(super) struct Progress {
    pub step: usize,
    pub total_steps: usize,
    pub epoch: usize,
    /// Mean loss of the steps since the last report.
    pub loss: f64,
    pub learning_rate: f64,
}

/// What the loop tells its caller.
#[derive(Debug, Clone, Copy)]
pub(super) enum Event {
    /// The mean loss of the last steps (every 20 steps and at the last).
    Loss(Progress),
    /// Time to score dev (and keep the model if it is the best).
    Evaluate(Progress),
}

/// What the loop did.
#[derive(Debug, Clone, Copy)]
pub(super) struct LoopReport {
    pub steps: usize,
    pub first_loss: f64,
    pub last_loss: f64,
}

impl Schedule {
    /// The shared defaults (AdamW at 1e-4, 10% warm-up, weight decay 0.01, clipping at 1.0)
    /// with a trainer's own number of epochs and batch size.
    pub const fn new(epochs: usize, batch_size: usize) -> Schedule {
        Schedule {
            epochs,
            batch_size,
            learning_rate: 1e-4,
            warmup: 0.1,
            weight_decay: 0.01,
            clip_norm: 1.0,
            max_steps: None,
            stop_after: None,
            eval_every: None,
            ema: None,
            adversarial: None,
            fast_group: None,
        }
    }

    /// Refuses settings no run can learn from, before anything is read or written, naming the
    /// option: `--lr nan` or `--adversarial inf` trained NaN weights without a word, `--batch-size
    /// 0` panicked in the batcher, `--ema 1.5` drifted away from the weights it averages.
    pub fn check(&self) -> Result<()> {
        let lr = self.learning_rate;
        // Bounded: their product overflowed (2^62 epochs ran 0 steps and saved the untrained
        // start as finished; a batch of 2^63 panicked).
        require(
            (1..=MOST_EPOCHS).contains(&self.epochs),
            "--epochs",
            "within 1..1000000",
            self.epochs as f64,
        )?;
        require(
            (1..=MOST_BATCH).contains(&self.batch_size),
            "--batch-size",
            "within 1..65536",
            self.batch_size as f64,
        )?;
        require(lr.is_finite() && lr > 0.0, "--lr", "above 0", lr)?;
        require(
            (0.0..=1.0).contains(&self.warmup),
            "--warmup",
            "within 0..1",
            self.warmup,
        )?;
        let decay = self.weight_decay;
        require(
            decay.is_finite() && decay >= 0.0,
            "--weight-decay",
            "0 or more",
            decay,
        )?;
        let clip = self.clip_norm;
        require(
            clip.is_finite() && clip > 0.0,
            "--clip-norm",
            "above 0",
            clip,
        )?;
        // A run of no steps saved its untrained start as the "best model". A usage error (exit
        // 2) as the other settings no run can use are: these three exited 1.
        for (option, value) in [
            ("--eval-every", self.eval_every),
            ("--max-steps", self.max_steps),
            ("--stop-after", self.stop_after),
        ] {
            require(value != Some(0), option, "at least 1", 0.0)?;
        }
        if let Some(d) = self.ema {
            require(
                d > 0.0 && d < 1.0,
                "--ema",
                "between 0 and 1, e.g. 0.999",
                d,
            )?;
        }
        if let Some(r) = self.adversarial {
            require(
                r.is_finite() && r > 0.0,
                "--adversarial",
                "above 0, e.g. 1.0",
                r,
            )?;
        }
        Ok(())
    }

    /// The number of steps a run over `examples` takes.
    pub(super) fn total_steps(&self, examples: usize) -> usize {
        let per_epoch = examples.div_ceil(self.batch_size.max(1));
        self.max_steps
            .unwrap_or(usize::MAX)
            .min(per_epoch.saturating_mul(self.epochs))
    }

    /// Trains the variables of `vs` on examples of these window lengths: `loss` gives a batch's
    /// loss (indices into the examples), `on` hears the losses and when to evaluate.
    pub(super) fn run(
        &self,
        vs: &nn::VarStore,
        lengths: &[usize],
        loss: &mut dyn FnMut(&[usize]) -> Tensor,
        on: &mut dyn FnMut(Event) -> Result<()>,
    ) -> Result<LoopReport> {
        let total_steps = self.total_steps(lengths.len());
        let warmup_steps = ((total_steps as f64) * self.warmup).round().max(1.0) as usize;
        let mut opt = nn::AdamW {
            wd: self.weight_decay,
            ..Default::default()
        }
        .build(vs, self.learning_rate)?;
        let stop = total_steps.min(self.stop_after.unwrap_or(usize::MAX));
        let mut at = Progress {
            step: 0,
            total_steps,
            epoch: 0,
            loss: f64::NAN,
            learning_rate: 0.0,
        };
        let (mut first_loss, mut recent, mut evaluated) = (f64::NAN, Vec::new(), usize::MAX);
        let mut average = self.ema.map(|decay| Average::new(vs, decay));
        // Found once, so a model without them is refused before the first step.
        let adversarial = match self.adversarial {
            Some(radius) => Some((word_embeddings(vs)?, radius)),
            None => None,
        };
        'epochs: for epoch in 1..=self.epochs {
            at.epoch = epoch;
            for batch in epoch_batches(lengths, self.batch_size)? {
                if at.step >= stop {
                    break 'epochs;
                }
                at.learning_rate = step_lr(at.step, total_steps, warmup_steps, self.learning_rate);
                opt.set_lr(at.learning_rate);
                if let Some((group, multiple)) = self.fast_group {
                    opt.set_lr_group(group, at.learning_rate * multiple);
                }
                opt.zero_grad();
                let batch_loss = loss(&batch);
                let value = batch_loss.double_value(&[]);
                if !value.is_finite() {
                    bail!(
                        "training diverged at step {}: the loss is {value} (a lower --lr may \
                         help); the model saved before this step, if any, is the last usable one",
                        at.step + 1
                    );
                }
                batch_loss.backward();
                if let Some((embeddings, radius)) = &adversarial {
                    adversarial_pass(embeddings, *radius, || loss(&batch).backward());
                }
                opt.clip_grad_norm(self.clip_norm);
                opt.step();
                if let Some(average) = average.as_mut() {
                    average.update(at.step);
                }
                if first_loss.is_nan() {
                    first_loss = value;
                }
                recent.push(value);
                at.step += 1;
                if at.step.is_multiple_of(20) || at.step == stop {
                    at.loss = recent.iter().sum::<f64>() / recent.len() as f64;
                    recent.clear();
                    on(Event::Loss(at))?;
                }
                if self.eval_every.is_some_and(|n| at.step.is_multiple_of(n)) {
                    evaluate(vs, on, at, &average)?;
                    evaluated = at.step;
                }
            }
            at.learning_rate = opt_lr(at.step, total_steps, warmup_steps, self.learning_rate);
            if evaluated != at.step {
                evaluate(vs, on, at, &average)?;
                evaluated = at.step;
            }
        }
        // Stopped inside an epoch: the last steps are scored too.
        if evaluated != at.step {
            evaluate(vs, on, at, &average)?;
        }
        if !recent.is_empty() {
            at.loss = recent.iter().sum::<f64>() / recent.len() as f64;
        }
        Ok(LoopReport {
            steps: at.step,
            first_loss,
            last_loss: at.loss,
        })
    }
}

/// Tells `on` to evaluate, with the averaged weights in the model when there are some; training
/// then goes on from its own weights. Weights that are not all numbers stop the run instead:
/// the loss check meets them only at the next step, and after the last step there is none, so
/// a run of one step at `--lr 1e308` saved NaN weights as its model (and with dev, their F1 of
/// 0 beat the "no model yet" score, so they were its best).
fn evaluate(
    vs: &nn::VarStore,
    on: &mut dyn FnMut(Event) -> Result<()>,
    at: Progress,
    average: &Option<Average>,
) -> Result<()> {
    let mut checked = || {
        let weights: Vec<(String, Tensor)> = vs.variables().into_iter().collect();
        if let Some(name) = crate::ner::not_a_number(&weights) {
            bail!(
                "training diverged: the weights hold values that are not numbers after step {} \
                 (first in {name}); nothing was saved at this step (a lower --lr may help); the \
                 model saved before it, if any, is the last usable one",
                at.step
            );
        }
        on(Event::Evaluate(at))
    };
    match average {
        Some(average) => average.swapped_in(checked),
        None => checked(),
    }
}

/// The name every encoder here gives its word embeddings (rust-bert's BERT).
const WORD_EMBEDDINGS: &str = "embeddings.word_embeddings.weight";

/// The word-embedding matrix of the model in `vs`, which `--adversarial` pushes.
fn word_embeddings(vs: &nn::VarStore) -> Result<Tensor> {
    vs.variables()
        .into_iter()
        .find_map(|(name, weights)| name.ends_with(WORD_EMBEDDINGS).then_some(weights))
        .ok_or_else(|| anyhow::anyhow!("--adversarial: the model has no {WORD_EMBEDDINGS} to push"))
}

/// Miyato et al.'s fast gradient method on the word embeddings: with the batch's gradient in
/// place, moves the embeddings `radius` along it (L2 over the whole matrix), runs `backward`
/// there so its gradient adds to the first, and moves them back.
fn adversarial_pass(embeddings: &Tensor, radius: f64, backward: impl FnOnce()) {
    let norm = embeddings.grad().norm().double_value(&[]);
    // No direction to push in (or a broken gradient, which clipping and the step will meet
    // anyway): this batch is learned once.
    if !(norm.is_finite() && norm > 0.0) {
        return;
    }
    let push = embeddings.grad() * (radius / norm);
    let mut embeddings = embeddings.shallow_clone();
    let _ = tch::no_grad(|| embeddings.f_add_(&push)).expect("same shape");
    backward();
    let _ = tch::no_grad(|| embeddings.f_sub_(&push)).expect("same shape");
}

/// An exponential moving average of the trainable weights (Polyak averaging): after step `s`,
/// `average = d · average + (1 − d) · weights` with `d = min(decay, (1 + s) / (10 + s))`, so
/// early steps, far from where training ends, fade fast.
pub(super) struct Average {
    pairs: Vec<(Tensor, Tensor)>,
    decay: f64,
}

impl Average {
    fn new(vs: &nn::VarStore, decay: f64) -> Average {
        let pairs = vs
            .trainable_variables()
            .into_iter()
            .map(|weights| {
                let average = tch::no_grad(|| weights.detach().copy());
                (weights, average)
            })
            .collect();
        Average { pairs, decay }
    }

    fn update(&mut self, step: usize) {
        let d = self.decay.min((1.0 + step as f64) / (10.0 + step as f64));
        tch::no_grad(|| {
            for (weights, average) in &mut self.pairs {
                let _ = average.f_mul_scalar_(d).expect("float weights");
                let _ = average
                    .f_add_(&(weights.detach() * (1.0 - d)))
                    .expect("same shape");
            }
        });
    }

    /// Runs `f` with the averaged weights in the model, then puts the trained ones back.
    fn swapped_in<T>(&self, f: impl FnOnce() -> T) -> T {
        let kept: Vec<Tensor> = self.pairs.iter().map(|(w, _)| w.detach().copy()).collect();
        tch::no_grad(|| {
            for (weights, average) in &self.pairs {
                weights.shallow_clone().copy_(average);
            }
        });
        let result = f();
        tch::no_grad(|| {
            for ((weights, _), kept) in self.pairs.iter().zip(&kept) {
                weights.shallow_clone().copy_(kept);
            }
        });
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tch::{Device, Kind};

    fn store() -> (nn::VarStore, Tensor, Tensor) {
        let vs = nn::VarStore::new(Device::Cpu);
        let root = vs.root();
        let embeddings = root
            .sub("bert")
            .sub("embeddings")
            .sub("word_embeddings")
            .var_copy(
                "weight",
                &Tensor::from_slice(&[1.0f32, 2.0, 3.0, 4.0]).view([2, 2]),
            );
        let other = root.var_copy("bias", &Tensor::from_slice(&[0.5f32, -0.5]));
        (vs, embeddings, other)
    }

    fn values(t: &Tensor) -> Vec<f32> {
        Vec::<f32>::try_from(t.flatten(0, -1)).unwrap()
    }

    #[test]
    fn the_average_follows_the_weights_and_is_only_swapped_in_for_evaluation() {
        let (vs, embeddings, _) = store();
        let mut average = Average::new(&vs, 0.5);
        tch::no_grad(|| {
            embeddings
                .shallow_clone()
                .copy_(&Tensor::full([2, 2], 3.0, (Kind::Float, Device::Cpu)))
        });
        // Step 0: d = min(0.5, 1/10) = 0.1, so the average is 0.1 · old + 0.9 · 3.
        average.update(0);
        let seen = average.swapped_in(|| values(&embeddings));
        let expected: Vec<f32> = [1.0f32, 2.0, 3.0, 4.0]
            .iter()
            .map(|v| 0.1 * v + 0.9 * 3.0)
            .collect();
        for (s, e) in seen.iter().zip(&expected) {
            assert!((s - e).abs() < 1e-6, "{seen:?} vs {expected:?}");
        }
        assert_eq!(
            values(&embeddings),
            vec![3.0; 4],
            "the trained weights come back"
        );
    }

    #[test]
    fn the_adversarial_pass_refuses_a_model_without_word_embeddings() {
        let vs = nn::VarStore::new(Device::Cpu);
        let bias = vs.root().var_copy("bias", &Tensor::from_slice(&[0.5f32]));
        bias.sum(Kind::Float).backward();
        let refused = word_embeddings(&vs).unwrap_err();
        assert!(format!("{refused}").contains("--adversarial"));
    }

    #[test]
    fn the_adversarial_pass_adds_a_second_gradient_and_restores_the_embeddings() {
        let (vs, embeddings, bias) = store();
        let loss = || (&embeddings * &embeddings).sum(Kind::Float) + bias.sum(Kind::Float);
        loss().backward();
        let first = values(&embeddings.grad());
        assert_eq!(first, vec![2.0, 4.0, 6.0, 8.0]);
        let norm = first.iter().map(|g| g * g).sum::<f32>().sqrt();
        let mut seen_at = Vec::new();
        adversarial_pass(&word_embeddings(&vs).unwrap(), 1.0, || {
            seen_at = values(&embeddings);
            loss().backward();
        });
        // The embeddings were pushed one unit along the gradient, then put back.
        for ((at, w), g) in seen_at.iter().zip([1.0f32, 2.0, 3.0, 4.0]).zip(&first) {
            assert!((at - (w + g / norm)).abs() < 1e-6);
        }
        assert_eq!(values(&embeddings), vec![1.0, 2.0, 3.0, 4.0]);
        // The gradient is the sum of the clean one and the pushed one (2 · (w + push)).
        for ((total, at), g) in values(&embeddings.grad()).iter().zip(&seen_at).zip(&first) {
            assert!((total - (g + 2.0 * at)).abs() < 1e-5);
        }
        assert_eq!(values(&bias.grad()), vec![2.0, 2.0]);
    }

    fn schedule() -> Schedule {
        Schedule {
            learning_rate: 0.1,
            ..Schedule::new(2, 1)
        }
    }

    #[test]
    fn settings_no_run_can_learn_from_are_refused_by_name() {
        schedule().check().unwrap();
        type Spoil = fn(&mut Schedule);
        let bad: [(&str, Spoil); 16] = [
            ("--epochs", |s| s.epochs = 0),
            ("--max-steps", |s| s.max_steps = Some(0)),
            ("--stop-after", |s| s.stop_after = Some(0)),
            ("--batch-size", |s| s.batch_size = 0),
            ("--lr", |s| s.learning_rate = f64::NAN),
            ("--lr", |s| s.learning_rate = 0.0),
            ("--warmup", |s| s.warmup = 5.0),
            ("--weight-decay", |s| s.weight_decay = -0.1),
            ("--clip-norm", |s| s.clip_norm = -1.0),
            ("--clip-norm", |s| s.clip_norm = f64::INFINITY),
            ("--eval-every", |s| s.eval_every = Some(0)),
            ("--ema", |s| s.ema = Some(1.5)),
            ("--ema", |s| s.ema = Some(f64::NAN)),
            ("--ema", |s| s.ema = Some(0.0)),
            ("--adversarial", |s| s.adversarial = Some(f64::INFINITY)),
            ("--adversarial", |s| s.adversarial = Some(-1.0)),
        ];
        for (option, spoil) in bad {
            let mut s = schedule();
            spoil(&mut s);
            let refused = s.check().unwrap_err().to_string();
            assert!(refused.starts_with(option), "{option}: {refused}");
        }
        let mut fine = schedule();
        (fine.ema, fine.adversarial, fine.eval_every) = (Some(0.999), Some(1.0), Some(1));
        (fine.max_steps, fine.stop_after) = (Some(1), Some(1));
        fine.check().unwrap();
    }

    #[test]
    fn a_loss_that_is_not_a_number_stops_training_before_its_step() {
        let (vs, embeddings, bias) = store();
        let mut losses = [1.0f32, f32::NAN].into_iter();
        let mut loss = |_: &[usize]| {
            let scale = losses.next().unwrap();
            (&embeddings * &bias.unsqueeze(1)).sum(Kind::Float) * f64::from(scale)
        };
        let mut evaluations = 0;
        let refused = schedule()
            .run(&vs, &[1, 1], &mut loss, &mut |event| {
                evaluations += matches!(event, Event::Evaluate(_)) as usize;
                Ok(())
            })
            .unwrap_err()
            .to_string();
        assert!(refused.contains("diverged at step 2"), "{refused}");
        // The first step moved the weights; the NaN one left them finite and unscored.
        assert!(values(&embeddings).iter().all(|w| w.is_finite()));
        assert_ne!(values(&embeddings), vec![1.0, 2.0, 3.0, 4.0]);
        assert_eq!(evaluations, 0);
    }
}
