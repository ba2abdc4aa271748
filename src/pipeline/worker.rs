//! The model on dedicated threads: rust-bert models are `Send`, not `Sync`, so each inference
//! thread owns a copy of the model and runs the batches the text side hands it, a few ahead.
//!
//! On a few cores the copies pay: two one-thread copies of the int8 encoder side by side finish
//! a dump sooner than one copy on two libtorch threads (the products split over two threads wait
//! for each other between operations; BENCHMARKS.md has the paired runs). Each window's result
//! depends on that window alone, so which copy runs a batch changes no output.
//!
//! Several models can share one pool ([`InferenceWorker::start_shared`]): each thread then
//! holds a copy of every model and runs whichever model's batch comes next, so a thread whose
//! model has no batches left takes the other's instead of waiting.

use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};

use anyhow::{bail, Context, Result};

use super::repeats::{self, Repeats, Spared};

use crate::ner::{
    check_weights, load_tokenizer, split_rows, ModelFiles, ModelSettings, NerModel, Precision, Tag,
    TagModel, Window, WordScorer, WordTag,
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
    /// The batch failed: its copy of the model did not load, or libtorch panicked.
    Failed(String),
}

/// A request to the inference threads: batch `id` of windows for model `model` of the pool,
/// answered on `reply` with what was wanted.
struct Job {
    id: usize,
    windows: Vec<Window>,
    want: Want,
    model: usize,
    reply: mpsc::Sender<JobResult>,
}
type JobResult = (usize, Output);

/// How a pool of inference threads uses the cores it is given: `copies` threads, each with its
/// own copy of the pool's model (or of each of its models) and `threads_each` libtorch threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parallelism {
    pub copies: usize,
    pub threads_each: usize,
}

impl Parallelism {
    /// At most this many copies of one model: each holds its weights (about 100 MB for the
    /// shipped int8 encoder with its embeddings) and a batch's activations.
    pub const MAX_COPIES: usize = 4;

    /// For `cores` cores: as many one-thread copies as cores, up to [`Self::MAX_COPIES`]; beyond
    /// that, the copies share the cores evenly, and the count of copies is the one that leaves
    /// the fewest cores idle (more copies on a tie): 2 cores → 2 × 1, 6 → 3 × 2, 8 → 4 × 2,
    /// 7 → 1 × 7.
    pub fn for_cores(cores: usize) -> Result<Parallelism> {
        super::check_threads(cores)?;
        let copies = (1..=cores.min(Self::MAX_COPIES))
            .max_by_key(|&c| (c * (cores / c), c))
            .expect("at least one core");
        Ok(Parallelism {
            copies,
            threads_each: cores / copies,
        })
    }

    /// Sets libtorch's threads per copy. Process-wide: every model of a run shares it, because
    /// libtorch reads it when a thread first runs an operation.
    pub fn apply(self) -> Result<()> {
        super::set_torch_threads(self.threads_each)
    }
}

/// The inference threads of a pool; the last handle on them closes the queue and joins them.
struct Threads(Vec<std::thread::JoinHandle<()>>);

impl Drop for Threads {
    fn drop(&mut self) {
        for h in self.0.drain(..) {
            let _ = h.join();
        }
    }
}

/// One model of a pool of inference threads. Dropping the last model of a pool ends its threads.
pub struct InferenceWorker {
    /// Declared first: dropped before `_threads`, so the queue is closed when they are joined.
    jobs: Option<mpsc::SyncSender<Job>>,
    /// This model's place in each thread's list of copies.
    model: usize,
    _threads: Arc<Threads>,
    /// Batches handed out before the first answer is awaited: two per thread, so that no
    /// thread waits for the text side.
    ahead: usize,
    tags: Vec<Tag>,
    settings: ModelSettings,
    tokenizer: tokenizers::Tokenizer,
    /// Results of windows already run, for windows met again ([`super::repeats`]): word tags
    /// (the NER model) and word scores (the attribution model).
    repeated_tags: Repeats<Vec<WordTag>>,
    repeated_scores: Repeats<Vec<f32>>,
}

/// How an inference thread gets its copy of a model.
type Load = Box<dyn FnOnce() -> Result<NerModel> + Send>;

/// Loads a copy of the model in `dir` for inference, naming the folder when it fails; with the
/// folder, what [`InferenceWorker::start_shared`] takes.
pub fn load_copy(dir: &Path, precision: Precision) -> Result<(NerModel, PathBuf)> {
    let model = NerModel::load_as(dir, precision)
        .with_context(|| format!("cannot load the model from {}", dir.display()))?;
    Ok((model, dir.to_path_buf()))
}

/// [`load_copy`] on an inference thread.
fn loader(dir: &Path, precision: Precision) -> Load {
    let dir = dir.to_path_buf();
    Box::new(move || load_copy(&dir, precision).map(|(model, _)| model))
}

/// What the text side needs of a model without running it: its tags, settings and tokenizer.
type ModelInfo = (Vec<Tag>, ModelSettings, tokenizers::Tokenizer);

fn info(model: &NerModel) -> ModelInfo {
    (
        model.config.tags.clone(),
        model.config.settings.clone(),
        model.tokenizer.clone(),
    )
}

impl InferenceWorker {
    /// Starts one pool of inference threads as `parallelism` says for one model or several, each
    /// given as its first copy (loaded by [`load_copy`] after [`Parallelism::apply`], so that a
    /// missing or broken model fails before any output): every thread holds a copy of each
    /// model and takes whichever model's batch comes next, so no core waits for one model while
    /// the other still has batches (each copy holds its own weights). The first thread gets
    /// the copies given; the others load theirs from the same folders on their own threads,
    /// while the text side prepares the first batches. Returns the models in the order given.
    pub fn start_shared(
        firsts: Vec<(NerModel, PathBuf)>,
        parallelism: Parallelism,
        precision: Precision,
    ) -> Result<Vec<InferenceWorker>> {
        let infos: Vec<ModelInfo> = firsts.iter().map(|(m, _)| info(m)).collect();
        let dirs: Vec<PathBuf> = firsts.iter().map(|(_, d)| d.clone()).collect();
        let given: Vec<Load> = firsts
            .into_iter()
            .map(|(m, _)| Box::new(move || Ok(m)) as Load)
            .collect();
        let mut loads: Vec<(Vec<Load>, bool)> = vec![(given, true)];
        loads.extend((1..parallelism.copies).map(|_| {
            let copies = dirs.iter().map(|d| loader(d, precision)).collect();
            (copies, true)
        }));
        InferenceWorker::spawn(loads, infos, precision)
    }

    /// A pool for one model whose copies each load the weights only when their first batch
    /// comes (a model most runs never need, such as the any-case companion: 100 MB and a tenth
    /// of a second saved per copy). Its files are checked here; a weights file that fails to
    /// load fails the first batch.
    pub fn start_on_demand(
        model_dir: &Path,
        parallelism: Parallelism,
        precision: Precision,
    ) -> Result<InferenceWorker> {
        parallelism.apply()?;
        let files = ModelFiles::locate(model_dir)?;
        let config = files.config()?;
        let tokenizer = load_tokenizer(&files.tokenizer)?;
        check_weights(&files.weights)?;
        let loads = (0..parallelism.copies)
            .map(|_| (vec![loader(model_dir, precision)], false))
            .collect();
        let info = (config.tags, config.settings, tokenizer);
        let mut models = InferenceWorker::spawn(loads, vec![info], precision)?;
        Ok(models.pop().expect("one model"))
    }

    /// Starts one inference thread per entry of `loads` (its copies of the pool's models), all
    /// taking batches from one queue; a thread loads its copies at once when the flag says so,
    /// else each before its first batch. Returns one handle per model (`infos` order).
    fn spawn(
        loads: Vec<(Vec<Load>, bool)>,
        infos: Vec<ModelInfo>,
        precision: Precision,
    ) -> Result<Vec<InferenceWorker>> {
        let ahead = 2 * loads.len();
        let repeat_budget = repeats::budget_for(precision);
        // Bounded: the text side can run at most a few batches ahead of the models.
        let (jobs, job_rx) = mpsc::sync_channel::<Job>(ahead * infos.len());
        let job_rx = Arc::new(Mutex::new(job_rx));
        let handles = loads
            .into_iter()
            .enumerate()
            .map(|(i, (copies, eager))| {
                let job_rx = Arc::clone(&job_rx);
                std::thread::Builder::new()
                    .name(format!("whosaid-inference-{i}"))
                    .spawn(move || serve(copies, eager, &job_rx))
            })
            .collect::<std::io::Result<Vec<_>>>()?;
        let threads = Arc::new(Threads(handles));
        Ok(infos
            .into_iter()
            .enumerate()
            .map(|(model, (tags, settings, tokenizer))| InferenceWorker {
                jobs: Some(jobs.clone()),
                model,
                _threads: Arc::clone(&threads),
                ahead,
                tags,
                settings,
                tokenizer,
                repeated_tags: Repeats::new(repeat_budget),
                repeated_scores: Repeats::new(repeat_budget),
            })
            .collect())
    }
}

/// A thread's copy of one model: not loaded yet, loaded, or failed (and answering every batch
/// with why).
enum ModelCopy {
    Pending(Load),
    Ready(Box<NerModel>),
    Failed(String),
}

impl ModelCopy {
    fn load(&mut self) {
        if let ModelCopy::Pending(_) = self {
            let ModelCopy::Pending(load) =
                std::mem::replace(self, ModelCopy::Failed(String::new()))
            else {
                unreachable!("checked above");
            };
            *self = match load() {
                Ok(model) => ModelCopy::Ready(Box::new(model)),
                Err(e) => ModelCopy::Failed(format!("{e:#}")),
            };
        }
    }
}

/// One inference thread: takes batches from the shared queue until it closes and answers each
/// with its copy of the batch's model, or with why the copy did not load.
fn serve(loads: Vec<Load>, eager: bool, job_rx: &Mutex<mpsc::Receiver<Job>>) {
    let mut copies: Vec<ModelCopy> = loads.into_iter().map(ModelCopy::Pending).collect();
    if eager {
        copies.iter_mut().for_each(ModelCopy::load);
    }
    loop {
        // The lock is held only while waiting for a job, never while a model runs.
        let job = match job_rx.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else {
            return;
        };
        let copy = &mut copies[job.model];
        copy.load();
        let output = match copy {
            ModelCopy::Ready(model) => run_job(model, &job.windows, job.want),
            ModelCopy::Failed(reason) => Output::Failed(reason.clone()),
            ModelCopy::Pending(_) => unreachable!("loaded above"),
        };
        if let Output::Failed(reason) = &output {
            // A copy that failed once answers every later batch the same way.
            *copy = ModelCopy::Failed(reason.clone());
        }
        // The dispatch that sent it may have given up (another batch failed): nothing to do.
        let _ = job.reply.send((job.id, output));
    }
}

/// One batch through a copy of the model. A panic in libtorch becomes a failed answer: the
/// dispatch keeps its answers' channel open while it waits, so a thread that died would leave
/// it waiting for an answer that never comes.
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
        self.repeated_tags
            .results(windows, batches, |batches, out| {
                self.dispatch(windows, batches, Want::Tags, |batch, output| {
                    if let Output::Tags(tags) = output {
                        for (&i, t) in batch.iter().zip(tags) {
                            out[i] = t;
                        }
                    }
                })
            })
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
        self.repeated_scores
            .results(windows, batches, |batches, out| {
                self.dispatch(windows, batches, Want::Scores, |batch, output| {
                    if let Output::Scores(scores) = output {
                        split_rows(windows, batch, &scores, out);
                    }
                })
            })
    }
}

impl InferenceWorker {
    /// Windows, and their pieces, that took the result of an equal window run before instead of
    /// running ([`super::repeats`]).
    pub fn spared(&self) -> Spared {
        self.repeated_tags.spared() + self.repeated_scores.spared()
    }

    /// Sends the batches to the inference threads, [`InferenceWorker::ahead`] ahead, and hands
    /// each answer (with its batch) to `take`, whichever copy ran it. Each call gets its answers
    /// on a channel of its own, so two models of one pool can be fed at the same time.
    fn dispatch(
        &self,
        windows: &[&Window],
        batches: &[Vec<usize>],
        want: Want,
        mut take: impl FnMut(&[usize], Output),
    ) -> Result<()> {
        let jobs = self.jobs.as_ref().expect("worker running");
        let (reply, results) = mpsc::channel::<JobResult>();
        let mut pending = 0;
        let mut next = 0;
        while next < batches.len() || pending > 0 {
            // Keep the copies fed without queueing more than the channel holds.
            while next < batches.len() && pending < self.ahead {
                let job = Job {
                    id: next,
                    windows: batches[next].iter().map(|&i| windows[i].clone()).collect(),
                    want,
                    model: self.model,
                    reply: reply.clone(),
                };
                jobs.send(job)
                    .map_err(|_| anyhow::anyhow!("the inference threads stopped"))?;
                next += 1;
                pending += 1;
            }
            let (id, output) = results
                .recv()
                .context("the inference threads stopped (see the error above)")?;
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
    /// Closes this model's side of the queue; the threads end (and are joined, [`Threads`])
    /// when the pool's last model is dropped.
    fn drop(&mut self) {
        self.jobs.take();
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
