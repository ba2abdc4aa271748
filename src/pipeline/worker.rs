//! The model on dedicated threads: rust-bert models are `Send`, not `Sync`, so each inference
//! thread owns a copy of the model and runs the batches the text side hands it, a few ahead.
//!
//! On a few cores the copies pay: two one-thread copies of the int8 encoder side by side finish
//! a dump sooner than one copy on two libtorch threads (the products split over two threads wait
//! for each other between operations; BENCHMARKS.md has the paired runs). Each window's result
//! depends on that window alone, so which copy runs a batch changes no output.

use std::path::Path;
use std::sync::{mpsc, Arc, Mutex};

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
    /// The model did not load (a copy loaded on its own thread, or on demand).
    Failed(String),
}

/// Requests to the inference threads: a batch of windows, answered with what was wanted.
type Job = (usize, Vec<Window>, Want);
type JobResult = (usize, Output);

/// How one model's inference uses the cores it is given: `copies` inference threads, each with
/// its own copy of the model and `threads_each` libtorch threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parallelism {
    pub copies: usize,
    pub threads_each: usize,
}

impl Parallelism {
    /// At most this many copies of one model: each holds its weights (about 130 MB for the
    /// shipped int8 encoder with its f32 variables) and a batch's activations.
    pub const MAX_COPIES: usize = 4;

    /// For `cores` cores: as many one-thread copies as cores, up to [`Self::MAX_COPIES`]; beyond
    /// that, the copies share the cores evenly, and the count of copies is the one that leaves
    /// the fewest cores idle (more copies on a tie): 2 cores → 2 × 1, 6 → 3 × 2, 8 → 4 × 2,
    /// 7 → 1 × 7.
    pub fn for_cores(cores: usize) -> Result<Parallelism> {
        if cores == 0 {
            bail!("--threads must be at least 1");
        }
        let copies = (1..=cores.min(Self::MAX_COPIES))
            .max_by_key(|&c| (c * (cores / c), c))
            .expect("at least one core");
        Ok(Parallelism {
            copies,
            threads_each: cores / copies,
        })
    }
}

/// The model on its own threads. Dropping it ends the threads.
pub struct InferenceWorker {
    jobs: Option<mpsc::SyncSender<Job>>,
    /// Locked for a whole dispatch: one caller at a time feeds the threads and reads their
    /// answers, and the worker can be shared with the thread that runs the other model alongside.
    results: Mutex<mpsc::Receiver<JobResult>>,
    handles: Vec<std::thread::JoinHandle<()>>,
    /// Batches handed out before the first answer is awaited: two per copy, so that no copy
    /// waits for the text side.
    ahead: usize,
    tags: Vec<Tag>,
    settings: ModelSettings,
    tokenizer: tokenizers::Tokenizer,
}

/// How an inference thread gets its copy of the model.
type Load = Box<dyn FnOnce() -> Result<NerModel> + Send>;

/// Loads a model copy from `dir`, naming the folder when it fails.
fn loader(dir: &Path, precision: Precision) -> Load {
    let dir = dir.to_path_buf();
    Box::new(move || {
        NerModel::load_as(&dir, precision)
            .with_context(|| format!("cannot load the model from {}", dir.display()))
    })
}

impl InferenceWorker {
    /// Loads the model (failing here, before any output, if it is missing or broken) and starts
    /// its inference threads as `parallelism` says, in `precision`. The other copies load on
    /// their own threads while the text side prepares the first batches.
    pub fn start(
        model_dir: &Path,
        parallelism: Parallelism,
        precision: Precision,
    ) -> Result<InferenceWorker> {
        set_threads(parallelism.threads_each)?;
        let first = loader(model_dir, precision)()?;
        let (tags, settings) = (first.config.tags.clone(), first.config.settings.clone());
        let tokenizer = first.tokenizer.clone();
        let mut loads: Vec<(Load, bool)> = vec![(Box::new(move || Ok(first)), true)];
        loads.extend((1..parallelism.copies).map(|_| (loader(model_dir, precision), true)));
        InferenceWorker::spawn(loads, (tags, settings, tokenizer))
    }

    /// Like [`InferenceWorker::start`], but each copy loads the weights only when its first batch
    /// comes (a model most runs never need, such as the any-case companion: 100 MB and a tenth
    /// of a second saved per copy). Its files are checked here; a weights file that fails to
    /// load fails the first batch.
    pub fn start_on_demand(
        model_dir: &Path,
        parallelism: Parallelism,
        precision: Precision,
    ) -> Result<InferenceWorker> {
        set_threads(parallelism.threads_each)?;
        let files = ModelFiles::locate(model_dir)?;
        let config = ModelConfig::read(&files.config)?;
        let tokenizer = load_tokenizer(&files.tokenizer)?;
        check_weights(&files.weights)?;
        let loads = (0..parallelism.copies)
            .map(|_| (loader(model_dir, precision), false))
            .collect();
        InferenceWorker::spawn(loads, (config.tags, config.settings, tokenizer))
    }

    /// Starts one inference thread per load, all taking batches from one queue; a thread loads
    /// its copy with its load at once when the flag says so, else before its first job.
    fn spawn(
        loads: Vec<(Load, bool)>,
        (tags, settings, tokenizer): (Vec<Tag>, ModelSettings, tokenizers::Tokenizer),
    ) -> Result<InferenceWorker> {
        let ahead = 2 * loads.len();
        // Bounded: the text side can run at most `ahead` batches ahead of the models.
        let (jobs, job_rx) = mpsc::sync_channel::<Job>(ahead);
        let job_rx = Arc::new(Mutex::new(job_rx));
        let (result_tx, results) = mpsc::channel::<JobResult>();
        let handles = loads
            .into_iter()
            .enumerate()
            .map(|(i, (load, eager))| {
                let (job_rx, result_tx) = (Arc::clone(&job_rx), result_tx.clone());
                std::thread::Builder::new()
                    .name(format!("whosaid-inference-{i}"))
                    .spawn(move || serve(load, eager, &job_rx, &result_tx))
            })
            .collect::<std::io::Result<Vec<_>>>()?;
        Ok(InferenceWorker {
            jobs: Some(jobs),
            results: Mutex::new(results),
            handles,
            ahead,
            tags,
            settings,
            tokenizer,
        })
    }
}

/// One inference thread: takes batches from the shared queue until it closes and answers each
/// with its copy of the model, or with why the copy did not load.
fn serve(
    load: Load,
    eager: bool,
    job_rx: &Mutex<mpsc::Receiver<Job>>,
    result_tx: &mpsc::Sender<JobResult>,
) {
    let mut load = Some(load);
    let mut model: Option<Result<NerModel>> = None;
    if eager {
        model = load.take().map(|l| l());
    }
    loop {
        // The lock is held only while waiting for a job, never while the model runs.
        let job = match job_rx.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok((id, windows, want)) = job else {
            return;
        };
        let copy = model.get_or_insert_with(|| load.take().expect("loaded once")());
        let output = match copy {
            Ok(copy) => run_job(copy, &windows, want),
            Err(e) => Output::Failed(format!("{e:#}")),
        };
        if let Output::Failed(reason) = &output {
            // A copy that failed once answers every later batch the same way.
            model = Some(Err(anyhow::anyhow!("{reason}")));
        }
        if result_tx.send((id, output)).is_err() {
            return;
        }
    }
}

/// One batch through a copy of the model. A panic in libtorch becomes a failed answer: the
/// other copies keep the answers' channel open, so a thread that died would leave the text side
/// waiting for an answer that never comes.
fn run_job(model: &NerModel, windows: &[Window], want: Want) -> Output {
    let refs: Vec<&Window> = windows.iter().collect();
    let run = std::panic::AssertUnwindSafe(|| match want {
        Want::Tags => Output::Tags(model.predict(&refs)),
        Want::Scores => Output::Scores(model.batch_scores(&refs)),
    });
    std::panic::catch_unwind(run).unwrap_or_else(|panic| {
        let reason = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("no message");
        Output::Failed(format!("the model failed on a batch: {reason}"))
    })
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

    /// Sends the batches to the inference threads, a few ahead; returns tags in input order.
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
    /// Sends the batches to the inference threads, [`InferenceWorker::ahead`] ahead, and hands
    /// each answer (with its batch) to `take`, whichever copy ran it.
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
            // Keep the copies fed without queueing more than the channel holds.
            while next < batches.len() && pending < self.ahead {
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
        for h in self.handles.drain(..) {
            let _ = h.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Parallelism;

    fn split(cores: usize) -> (usize, usize) {
        let p = Parallelism::for_cores(cores).unwrap();
        (p.copies, p.threads_each)
    }

    #[test]
    fn one_thread_copies_up_to_the_cap_then_the_cores_shared_evenly() {
        assert_eq!(split(1), (1, 1));
        assert_eq!(split(2), (2, 1));
        assert_eq!(split(4), (4, 1));
        assert_eq!(split(6), (3, 2));
        assert_eq!(split(8), (4, 2));
        assert_eq!(split(16), (4, 4));
        // A prime count above the cap: one copy on every core rather than idle cores.
        assert_eq!(split(7), (1, 7));
        assert!(Parallelism::for_cores(0).is_err());
    }
}
