//! The model on a dedicated thread: rust-bert models are `Send`, not `Sync`, so one thread owns
//! the model and runs the batches the text side hands it, at most two ahead.

use std::path::Path;
use std::sync::{mpsc, Mutex};

use anyhow::{bail, Context, Result};

use crate::ner::{
    check_weights, load_tokenizer, split_rows, ModelConfig, ModelFiles, ModelSettings, NerModel,
    Precision, Tag, TagModel, Window, WordScorer, WordTag,
};

/// What a job asks of the model: each window's word tags (one softmax over the labels, the NER
/// model), or its raw word logits (the attribution model, decoded per role by the caller).
#[derive(Clone, Copy)]
enum Want {
    Tags,
    Scores,
}

enum Output {
    Tags(Vec<Vec<WordTag>>),
    /// Words × labels, row-major, in window and word order.
    Scores(Vec<f32>),
    /// The model did not load (a worker started on demand).
    Failed(String),
}

/// Requests to the inference thread: a batch of windows, answered with what was wanted.
type Job = (usize, Vec<Window>, Want);
type JobResult = (usize, Output);

/// The model on its own thread. Dropping it ends the thread.
pub struct InferenceWorker {
    jobs: Option<mpsc::SyncSender<Job>>,
    /// Locked for a whole dispatch: one caller at a time feeds the worker and reads its answers,
    /// and the worker can be shared with the thread that runs the other model alongside.
    results: Mutex<mpsc::Receiver<JobResult>>,
    handle: Option<std::thread::JoinHandle<()>>,
    tags: Vec<Tag>,
    settings: ModelSettings,
    tokenizer: tokenizers::Tokenizer,
}

impl InferenceWorker {
    /// Loads the model (failing here, before any output, if it is missing or broken) and starts
    /// the thread that runs it with `torch_threads` intra-op threads, in `precision`.
    pub fn start(
        model_dir: &Path,
        torch_threads: usize,
        precision: Precision,
    ) -> Result<InferenceWorker> {
        set_threads(torch_threads)?;
        let model = NerModel::load_as(model_dir, precision)
            .with_context(|| format!("cannot load the model from {}", model_dir.display()))?;
        let (tags, settings) = (model.config.tags.clone(), model.config.settings.clone());
        let tokenizer = model.tokenizer.clone();
        InferenceWorker::spawn(move || Ok(model), (tags, settings, tokenizer))
    }

    /// Like [`InferenceWorker::start`], but loads the weights only when the first batch comes
    /// (a model most runs never need, such as the any-case companion: 100 MB and a tenth of a
    /// second saved). Its files are checked here; a weights file that fails to load fails
    /// the first batch.
    pub fn start_on_demand(
        model_dir: &Path,
        torch_threads: usize,
        precision: Precision,
    ) -> Result<InferenceWorker> {
        set_threads(torch_threads)?;
        let files = ModelFiles::locate(model_dir)?;
        let config = ModelConfig::read(&files.config)?;
        let tokenizer = load_tokenizer(&files.tokenizer)?;
        check_weights(&files.weights)?;
        let dir = model_dir.to_path_buf();
        let load = move || {
            NerModel::load_as(&dir, precision)
                .with_context(|| format!("cannot load the model from {}", dir.display()))
        };
        InferenceWorker::spawn(load, (config.tags, config.settings, tokenizer))
    }

    /// Starts the thread that loads the model with `load` before its first job and runs it.
    fn spawn(
        load: impl FnOnce() -> Result<NerModel> + Send + 'static,
        (tags, settings, tokenizer): (Vec<Tag>, ModelSettings, tokenizers::Tokenizer),
    ) -> Result<InferenceWorker> {
        // Bounded: the text side can run at most two batches ahead of the model.
        let (jobs, job_rx) = mpsc::sync_channel::<Job>(2);
        let (result_tx, results) = mpsc::channel::<JobResult>();
        let handle = std::thread::Builder::new()
            .name("whosaid-inference".into())
            .spawn(move || {
                let mut job_rx = job_rx.into_iter().peekable();
                if job_rx.peek().is_none() {
                    return;
                }
                let model = match load() {
                    Ok(model) => model,
                    Err(e) => {
                        let _ = result_tx.send((0, Output::Failed(format!("{e:#}"))));
                        return;
                    }
                };
                for (id, windows, want) in job_rx {
                    let refs: Vec<&Window> = windows.iter().collect();
                    let output = match want {
                        Want::Tags => Output::Tags(model.predict(&refs)),
                        Want::Scores => Output::Scores(model.batch_scores(&refs)),
                    };
                    if result_tx.send((id, output)).is_err() {
                        break;
                    }
                }
            })?;
        Ok(InferenceWorker {
            jobs: Some(jobs),
            results: Mutex::new(results),
            handle: Some(handle),
            tags,
            settings,
            tokenizer,
        })
    }
}

/// Sets libtorch's intra-op threads: libtorch panics on zero (the command line already
/// refuses it).
fn set_threads(torch_threads: usize) -> Result<()> {
    if torch_threads == 0 {
        bail!("--threads must be at least 1");
    }
    tch::set_num_threads(torch_threads as i32);
    Ok(())
}

impl TagModel for InferenceWorker {
    fn tokenizer(&self) -> &tokenizers::Tokenizer {
        &self.tokenizer
    }

    fn settings(&self) -> &ModelSettings {
        &self.settings
    }

    fn tag_set(&self) -> &[Tag] {
        &self.tags
    }

    /// Sends the batches to the inference thread, at most two ahead; returns tags in input
    /// order.
    fn run(&self, windows: &[&Window], batches: &[Vec<usize>]) -> Result<Vec<Vec<WordTag>>> {
        let mut out: Vec<Vec<WordTag>> = vec![Vec::new(); windows.len()];
        self.dispatch(windows, batches, Want::Tags, |batch, output| {
            if let Output::Tags(tags) = output {
                for (&i, t) in batch.iter().zip(tags) {
                    out[i] = t;
                }
            }
        })?;
        Ok(out)
    }
}

impl WordScorer for InferenceWorker {
    fn tokenizer(&self) -> &tokenizers::Tokenizer {
        &self.tokenizer
    }

    fn settings(&self) -> &ModelSettings {
        &self.settings
    }

    fn word_scores(&self, windows: &[&Window], batches: &[Vec<usize>]) -> Result<Vec<Vec<f32>>> {
        let mut out: Vec<Vec<f32>> = vec![Vec::new(); windows.len()];
        self.dispatch(windows, batches, Want::Scores, |batch, output| {
            if let Output::Scores(scores) = output {
                split_rows(windows, batch, &scores, &mut out);
            }
        })?;
        Ok(out)
    }
}

impl InferenceWorker {
    /// Sends the batches to the inference thread, at most two ahead, and hands each answer
    /// (with its batch) to `take`.
    fn dispatch(
        &self,
        windows: &[&Window],
        batches: &[Vec<usize>],
        want: Want,
        mut take: impl FnMut(&[usize], Output),
    ) -> Result<()> {
        let jobs = self.jobs.as_ref().expect("worker running");
        let results = self
            .results
            .lock()
            .map_err(|_| anyhow::anyhow!("the inference thread stopped"))?;
        let mut pending = 0;
        let mut next = 0;
        while next < batches.len() || pending > 0 {
            // Keep the worker fed without queueing more than the channel holds.
            while next < batches.len() && pending < 2 {
                let batch = batches[next].iter().map(|&i| windows[i].clone()).collect();
                jobs.send((next, batch, want))
                    .map_err(|_| anyhow::anyhow!("the inference thread stopped"))?;
                next += 1;
                pending += 1;
            }
            let (id, output) = results
                .recv()
                .context("the inference thread stopped (see the error above)")?;
            pending -= 1;
            if let Output::Failed(reason) = output {
                bail!(reason);
            }
            take(&batches[id], output);
        }
        Ok(())
    }
}

impl Drop for InferenceWorker {
    fn drop(&mut self) {
        self.jobs.take();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}
