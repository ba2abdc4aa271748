//! The options both `train` commands take for their optimisation loop
//! ([`whosaid::train::Schedule`]); each command keeps its own `--epochs` and `--batch-size`,
//! whose defaults differ.

use clap::Args;

use whosaid::train::Schedule;

/// The library's defaults, which the flags' defaults show and keep: one place to change them.
const DEFAULTS: Schedule = Schedule::new(0, 0);

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    #[arg(long, default_value_t = DEFAULTS.learning_rate)]
    lr: f64,
    /// Share of the steps with a linearly rising learning rate.
    #[arg(long, default_value_t = DEFAULTS.warmup)]
    warmup: f64,
    #[arg(long, default_value_t = DEFAULTS.weight_decay)]
    weight_decay: f64,
    #[arg(long, default_value_t = DEFAULTS.clip_norm)]
    clip_norm: f64,
    /// Fewer steps than the epochs make (the schedule shrinks to fit).
    #[arg(long)]
    max_steps: Option<usize>,
    /// Stop after N steps, keeping the full run's learning-rate schedule (for ablations).
    #[arg(long)]
    stop_after: Option<usize>,
    /// Evaluate on dev every N steps as well as after each epoch.
    #[arg(long)]
    eval_every: Option<usize>,
    /// Evaluate and save an exponential moving average of the weights, with this decay per
    /// step (e.g. 0.999), instead of the last weights.
    #[arg(long)]
    ema: Option<f64>,
    /// Adversarial training (FGM): each batch is also learned with the word embeddings pushed
    /// this far (L2) along the loss's gradient (e.g. 1.0). About twice the training time.
    #[arg(long)]
    adversarial: Option<f64>,
}

impl ScheduleArgs {
    /// The schedule these options and the command's own epochs and batch size make.
    pub fn schedule(&self, epochs: usize, batch_size: usize) -> Schedule {
        let mut schedule = Schedule::new(epochs, batch_size);
        schedule.learning_rate = self.lr;
        schedule.warmup = self.warmup;
        schedule.weight_decay = self.weight_decay;
        schedule.clip_norm = self.clip_norm;
        schedule.max_steps = self.max_steps;
        schedule.stop_after = self.stop_after;
        schedule.eval_every = self.eval_every;
        schedule.ema = self.ema;
        schedule.adversarial = self.adversarial;
        schedule
    }
}
