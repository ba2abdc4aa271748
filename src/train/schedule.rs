//! The optimisation loop both trainers share: AdamW, a learning rate that rises linearly over the
//! first `warmup` share of the steps and then falls linearly to zero, gradient clipping, seeded
//! length-grouped batches, the mean loss reported every 20 steps, and dev evaluation after every
//! epoch, every `eval_every` steps and after the last step.
//!
//! ```text
//! lr  /‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾\
//!    0  warmup                                                           total steps
//! ```

use anyhow::Result;
use tch::nn::OptimizerConfig;
use tch::{nn, Tensor};

use super::{epoch_batches, opt_lr, step_lr};

/// How long and how fast a run trains.
#[derive(Debug, Clone, Copy)]
pub(super) struct Schedule {
    pub epochs: usize,
    pub batch_size: usize,
    pub learning_rate: f64,
    pub warmup: f64,
    pub weight_decay: f64,
    pub clip_norm: f64,
    /// Fewer steps than the epochs make (the schedule shrinks to fit).
    pub max_steps: Option<usize>,
    /// Stop after this many steps, the schedule kept as for the whole run.
    pub stop_after: Option<usize>,
    pub eval_every: Option<usize>,
    /// The variables of this optimiser group (`nn::Path::set_group`) learn at this multiple of
    /// the learning rate: a CRF's few sequence scores start at zero and must travel further
    /// than fine-tuned weights.
    pub fast_group: Option<(usize, f64)>,
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
    /// The number of steps a run over `examples` takes.
    pub fn total_steps(&self, examples: usize) -> usize {
        let per_epoch = examples.div_ceil(self.batch_size.max(1));
        self.max_steps
            .unwrap_or(usize::MAX)
            .min(per_epoch * self.epochs)
    }

    /// Trains the variables of `vs` on examples of these window lengths: `loss` gives a batch's
    /// loss (indices into the examples), `on` hears the losses and when to evaluate.
    pub fn run(
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
                let batch_loss = loss(&batch);
                opt.backward_step_clip_norm(&batch_loss, self.clip_norm);
                let value = batch_loss.double_value(&[]);
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
                    on(Event::Evaluate(at))?;
                    evaluated = at.step;
                }
            }
            at.learning_rate = opt_lr(at.step, total_steps, warmup_steps, self.learning_rate);
            if evaluated != at.step {
                on(Event::Evaluate(at))?;
                evaluated = at.step;
            }
        }
        // Stopped inside an epoch: the last steps are scored too.
        if evaluated != at.step {
            on(Event::Evaluate(at))?;
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
