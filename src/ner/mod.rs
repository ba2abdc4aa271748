//! Named-entity recognition with a BERT token-classification model through rust-bert.
//!
//! A model directory holds `config.json` (a BERT config with `id2label`, plus a `whosaid` section
//! for our casing input and window length), `tokenizer.json` (a `tokenizers` WordPiece tokenizer)
//! and `model.safetensors` (f32, f16 or bf16 tensors named as rust-bert's
//! `BertForTokenClassification` names them: `bert.…`, `classifier.…`).
//!
//! Tokenization, windowing, batching and offset mapping are ours rather than rust-bert's NER
//! pipeline: texts are split into words by [`crate::text`], words are fed to the tokenizer as
//! pre-tokenized input, and the model labels each word by its first word piece, so predictions map
//! back to byte spans of the original text without any character/byte confusion.
//!
//! Inference runs through our packed encoder ([`packed`]), which reads rust-bert's weights and
//! tags each window independently of its batch; training (and bf16) runs rust-bert's model.
//!
//! Casing: our base encoder is uncased, so the word's casing class ([`casing_class`]) is fed
//! through the token-type embedding, which trained models enlarge to [`CASING_CLASSES`] rows.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rust_bert::bert::{BertConfig, BertForTokenClassification};
use serde::{Deserialize, Serialize};
use tch::{nn, Device, Kind, Tensor};
use tokenizers::Tokenizer;

use crate::text::Span;

mod attention;
mod int8;
pub mod kernels;
mod omp;
mod packed;
mod tags;

pub use tags::document_word_tags;

/// The tag set of the project's NER models, in id order (owned here, where models are read;
/// training writes it).
pub const CONLL_LABELS: [&str; 9] = [
    "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC",
];

/// A named-entity mention found by the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub span: Span,
    /// PER, LOC, ORG or MISC (the model's labels without the B-/I- prefix).
    pub label: String,
    /// Mean probability of the predicted tags over the mention's words.
    pub score: f32,
}

/// Number of casing classes fed through the token-type embedding.
pub const CASING_CLASSES: i64 = 6;

/// The casing class of a word: 1 no letters, 2 lowercase, 3 capitalised (or a single capital),
/// 4 all capitals, 5 mixed starting lowercase (`iPhone`). 0 is kept for special tokens.
pub fn casing_class(word: &str) -> i64 {
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    let Some(first) = letters.next() else {
        return 1;
    };
    let (mut upper, mut lower, mut n) = (
        first.is_uppercase() as usize,
        first.is_lowercase() as usize,
        1,
    );
    for c in letters {
        n += 1;
        upper += c.is_uppercase() as usize;
        lower += c.is_lowercase() as usize;
    }
    if lower == n {
        2
    } else if upper == n {
        if n >= 2 {
            4
        } else {
            3
        }
    } else if first.is_uppercase() {
        3
    } else {
        5
    }
}

/// whosaid's own settings in a model's `config.json`, under `"whosaid"`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ModelSettings {
    /// Feed the casing class of each word as its token type.
    #[serde(default)]
    pub casing: bool,
    /// Longest window, in word pieces including [CLS] and [SEP].
    #[serde(default = "default_max_length")]
    pub max_length: usize,
}

fn default_max_length() -> usize {
    128
}

impl Default for ModelSettings {
    fn default() -> Self {
        ModelSettings {
            casing: true,
            max_length: default_max_length(),
        }
    }
}

#[derive(Deserialize)]
struct ConfigExtras {
    #[serde(default)]
    whosaid: Option<ModelSettings>,
}

/// The files of a model directory.
pub struct ModelFiles {
    pub config: PathBuf,
    pub tokenizer: PathBuf,
    pub weights: PathBuf,
}

impl ModelFiles {
    /// Checks that a model directory has its three files, with a message that says how to get a
    /// model when it doesn't.
    pub fn locate(dir: &Path) -> Result<ModelFiles> {
        if !dir.is_dir() {
            bail!(
                "model directory {} not found. The default model ships in the repository at models/ner-en; \
                 pass --model DIR for another (a directory with config.json, tokenizer.json and model.safetensors), \
                 or train one with `whosaid train ner`",
                dir.display()
            );
        }
        let files = ModelFiles {
            config: dir.join("config.json"),
            tokenizer: dir.join("tokenizer.json"),
            weights: dir.join("model.safetensors"),
        };
        for f in [&files.config, &files.tokenizer, &files.weights] {
            if !f.is_file() {
                bail!(
                    "model directory {} lacks {}: a whosaid model needs config.json, tokenizer.json and \
                     model.safetensors (see models/ner-en for the default one)",
                    dir.display(),
                    f.file_name().unwrap().to_string_lossy()
                );
            }
        }
        Ok(files)
    }
}

/// A model's configuration: rust-bert's BERT config plus whosaid's settings and the label list.
#[derive(Debug, Clone)]
pub struct ModelConfig {
    pub bert: BertConfig,
    pub settings: ModelSettings,
    /// Tag names by id ("O", "B-PER", …).
    pub labels: Vec<String>,
}

impl ModelConfig {
    pub fn read(path: &Path) -> Result<ModelConfig> {
        let raw = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let bert: BertConfig = serde_json::from_str(&raw)
            .with_context(|| format!("{} is not a BERT config", path.display()))?;
        let extras: ConfigExtras = serde_json::from_str(&raw)?;
        let Some(id2label) = bert.id2label.as_ref() else {
            bail!(
                "{} has no id2label: not a token-classification model",
                path.display()
            )
        };
        let mut labels = vec![String::new(); id2label.len()];
        for (&id, label) in id2label {
            let slot = usize::try_from(id).ok().and_then(|i| labels.get_mut(i));
            let Some(slot) = slot else {
                bail!(
                    "{}: id2label ids must be 0..{}",
                    path.display(),
                    id2label.len()
                )
            };
            *slot = label.clone();
        }
        for l in &labels {
            if l != "O" && !(l.starts_with("B-") || l.starts_with("I-")) {
                bail!("{}: label {l:?} is not O, B-X or I-X", path.display());
            }
        }
        let settings = extras.whosaid.unwrap_or(ModelSettings {
            casing: false,
            max_length: default_max_length(),
        });
        if settings.casing && bert.type_vocab_size < CASING_CLASSES {
            bail!(
                "{}: casing input needs type_vocab_size >= {CASING_CLASSES}, found {}",
                path.display(),
                bert.type_vocab_size
            );
        }
        if settings.max_length < 8 || settings.max_length as i64 > bert.max_position_embeddings {
            bail!(
                "{}: whosaid.max_length must be in 8..={}",
                path.display(),
                bert.max_position_embeddings
            );
        }
        Ok(ModelConfig {
            bert,
            settings,
            labels,
        })
    }

    /// Writes config.json: the BERT config with id2label/label2id and the whosaid section.
    pub fn write(&self, path: &Path) -> Result<()> {
        let mut value = serde_json::to_value(&self.bert)?;
        let obj = value.as_object_mut().unwrap();
        obj.insert("model_type".into(), "bert".into());
        obj.insert(
            "architectures".into(),
            serde_json::json!(["BertForTokenClassification"]),
        );
        obj.insert("whosaid".into(), serde_json::to_value(&self.settings)?);
        std::fs::write(path, serde_json::to_string_pretty(&value)?)
            .with_context(|| format!("cannot write {}", path.display()))
    }

    /// Builds id2label/label2id from a label list.
    pub fn set_labels(&mut self, labels: &[String]) {
        self.labels = labels.to_vec();
        self.bert.id2label = Some(
            labels
                .iter()
                .enumerate()
                .map(|(i, l)| (i as i64, l.clone()))
                .collect(),
        );
        self.bert.label2id = Some(
            labels
                .iter()
                .enumerate()
                .map(|(i, l)| (l.clone(), i as i64))
                .collect(),
        );
    }
}

/// Loads a tokenizer and switches off the truncation and padding a tokenizer.json may carry: we
/// window and pad ourselves.
pub fn load_tokenizer(path: &Path) -> Result<Tokenizer> {
    let mut tok = Tokenizer::from_file(path)
        .map_err(|e| anyhow::anyhow!("cannot load tokenizer {}: {e}", path.display()))?;
    tok.with_truncation(None)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    tok.with_padding(None);
    Ok(tok)
}

/// Copies tensors from a safetensors file into a var store. `rename` maps a var-store name to the
/// file's name for it (or None to leave the variable as initialised). Shapes must match, except a
/// token-type embedding with fewer rows in the file: its rows are copied and the extra rows start
/// as copies of row 0, so a base model's output is unchanged before training.
pub fn load_weights(
    vs: &mut nn::VarStore,
    path: &Path,
    rename: &dyn Fn(&str) -> Option<String>,
) -> Result<()> {
    let tensors = Tensor::read_safetensors(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let by_name: HashMap<String, Tensor> = tensors.into_iter().collect();
    let mut missing = Vec::new();
    let mut mismatched = Vec::new();
    tch::no_grad(|| {
        for (name, mut var) in vs.variables() {
            let Some(file_name) = rename(&name) else {
                continue;
            };
            let Some(src) = by_name.get(&file_name) else {
                missing.push(file_name);
                continue;
            };
            let src = src.to_kind(var.kind()).to_device(var.device());
            let (want, have) = (var.size(), src.size());
            if want == have {
                var.copy_(&src);
            } else if name.ends_with("token_type_embeddings.weight")
                && want.len() == 2
                && want[1] == have[1]
                && have[0] < want[0]
            {
                var.narrow(0, 0, have[0]).copy_(&src);
                let row0 = src.narrow(0, 0, 1);
                var.narrow(0, have[0], want[0] - have[0])
                    .copy_(&row0.expand([want[0] - have[0], want[1]], false));
            } else {
                mismatched.push(format!("{file_name}: file {have:?}, model {want:?}"));
            }
        }
    });
    if !missing.is_empty() || !mismatched.is_empty() {
        bail!(
            "{} does not match the model's config.json: {}{}",
            path.display(),
            if missing.is_empty() {
                String::new()
            } else {
                format!("missing tensors {}; ", missing.join(", "))
            },
            mismatched.join("; ")
        );
    }
    Ok(())
}

/// Saves a var store's tensors as safetensors, converted to `kind` (f16 keeps shipped models small).
pub fn save_weights(vs: &nn::VarStore, path: &Path, kind: Kind) -> Result<()> {
    let mut named: Vec<(String, Tensor)> = vs
        .variables()
        .into_iter()
        .map(|(n, t)| (n, t.detach().to_kind(kind)))
        .collect();
    named.sort_by(|a, b| a.0.cmp(&b.0));
    Tensor::write_safetensors(&named, path)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// One model input: consecutive sentences' words packed up to the model's length.
#[derive(Debug, Clone, Default)]
pub struct Window {
    /// Word-piece ids, starting with [CLS] and ending with [SEP].
    pub input_ids: Vec<i64>,
    /// Casing class per piece (all 0 for a model without casing input).
    pub type_ids: Vec<i64>,
    /// Pieces that start a word: (piece index, word index in the caller's word list).
    pub word_starts: Vec<(usize, usize)>,
}

impl Window {
    pub fn len(&self) -> usize {
        self.input_ids.len()
    }
    pub fn is_empty(&self) -> bool {
        self.input_ids.is_empty()
    }
}

/// How windows are grouped into model batches: sorted by length, then cut so that no batch
/// holds more than `windows` windows or more than `tokens` word pieces once padded (a single
/// window longer than `tokens` still forms a batch of one).
///
/// The token budget matters more than the window count: on the CPUs measured, batches of about
/// a thousand pieces keep each layer's activations in cache, and run 1.4–1.5× faster per piece
/// than batches of 4,096 (BENCHMARKS.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Batching {
    pub windows: usize,
    pub tokens: usize,
}

impl Default for Batching {
    fn default() -> Self {
        Batching {
            windows: 64,
            tokens: 1024,
        }
    }
}

impl Batching {
    /// Batches of indices into `lengths`, each batch in ascending length order, shortest
    /// batches first.
    pub fn plan(&self, lengths: &[usize]) -> Vec<Vec<usize>> {
        let mut order: Vec<usize> = (0..lengths.len()).collect();
        // Stable: windows of equal length keep their input order, so plans are deterministic.
        order.sort_by_key(|&i| lengths[i]);
        let (max_windows, max_tokens) = (self.windows.max(1), self.tokens.max(1));
        let mut batches: Vec<Vec<usize>> = Vec::new();
        let mut current: Vec<usize> = Vec::new();
        for i in order {
            // Sorted ascending: the newest window is the longest, so it sets the padded width.
            let padded = (current.len() + 1) * lengths[i];
            if !current.is_empty() && (current.len() == max_windows || padded > max_tokens) {
                batches.push(std::mem::take(&mut current));
            }
            current.push(i);
        }
        if !current.is_empty() {
            batches.push(current);
        }
        batches
    }

    /// [`Batching::plan`] for windows.
    pub fn plan_windows(&self, windows: &[&Window]) -> Vec<Vec<usize>> {
        let lengths: Vec<usize> = windows.iter().map(|w| w.len()).collect();
        self.plan(&lengths)
    }
}

/// Turns sentences of words into windows for one model: sentences are packed greedily into
/// windows of at most `max_length` pieces; a sentence longer than that is cut between words.
pub struct Windower<'a> {
    tokenizer: &'a Tokenizer,
    casing: bool,
    max_length: usize,
    skip_lowercase: bool,
    cls: i64,
    sep: i64,
    unk: i64,
}

impl<'a> Windower<'a> {
    pub fn new(tokenizer: &'a Tokenizer, settings: &ModelSettings) -> Result<Windower<'a>> {
        let id = |t: &str| {
            tokenizer
                .token_to_id(t)
                .map(|i| i as i64)
                .with_context(|| format!("tokenizer has no {t} token"))
        };
        Ok(Windower {
            tokenizer,
            casing: settings.casing,
            max_length: settings.max_length,
            skip_lowercase: false,
            cls: id("[CLS]")?,
            sep: id("[SEP]")?,
            unk: id("[UNK]")?,
        })
    }

    /// Leaves out of the windows the sentences of normally cased documents that hold no capital
    /// beyond a capitalised function word at their start ([`lowercase_sentence`]): in English
    /// news such sentences name no entity, and skipping them saves a sixth of the model's work.
    /// Sentences without a letter or digit (a run of quote marks, `* * *`) are left out of any
    /// document: they name nothing, and a record of two megabytes of quote marks would
    /// otherwise keep the model busy for minutes. Their words get no tag (callers tag them O).
    /// Off for training, where every sentence counts.
    pub fn skip_lowercase_sentences(mut self, on: bool) -> Windower<'a> {
        self.skip_lowercase = on;
        self
    }

    /// Word pieces of each word: the tokenizer sees the words pre-tokenized, so piece→word mapping
    /// is exact. A word the tokenizer drops entirely (control characters) becomes [UNK], so every
    /// word gets a prediction.
    fn pieces(&self, words: &[&str]) -> Result<Vec<Vec<i64>>> {
        let enc = self
            .tokenizer
            .encode(words.to_vec(), false)
            .map_err(|e| anyhow::anyhow!("tokenizer failed: {e}"))?;
        let mut out = vec![Vec::new(); words.len()];
        for (id, word) in enc.get_ids().iter().zip(enc.get_word_ids()) {
            if let Some(w) = word {
                out[*w as usize].push(*id as i64);
            }
        }
        for p in out.iter_mut().filter(|p| p.is_empty()) {
            p.push(self.unk);
        }
        Ok(out)
    }

    /// Windows over `sentences`, each a list of words; word indices count across all sentences.
    pub fn windows(&self, sentences: &[Vec<&str>]) -> Result<Vec<Window>> {
        let budget = self.max_length - 2;
        let mut out = Vec::new();
        let mut cur = Window::default();
        let mut word_base = 0;
        let skip = self.skip_lowercase && normally_cased(sentences);
        for words in sentences {
            let no_name = self.skip_lowercase && !words.iter().any(|w| has_alphanumeric(w));
            if no_name || skip && lowercase_sentence(words) {
                word_base += words.len();
                continue;
            }
            let pieces = self.pieces(words)?;
            let sentence_len: usize = pieces.iter().map(|p| p.len().min(budget)).sum();
            if !cur.is_empty() && cur.len() - 1 + sentence_len > budget {
                self.close(&mut cur, &mut out);
            }
            for (w, word_pieces) in pieces.iter().enumerate() {
                // Pathological words (a 2,000-character URL) keep only their first pieces.
                let word_pieces = &word_pieces[..word_pieces.len().min(budget)];
                if !cur.is_empty() && cur.len() - 1 + word_pieces.len() > budget {
                    self.close(&mut cur, &mut out);
                }
                if cur.is_empty() {
                    cur.input_ids.push(self.cls);
                    cur.type_ids.push(0);
                }
                let class = if self.casing {
                    casing_class(words[w])
                } else {
                    0
                };
                cur.word_starts.push((cur.input_ids.len(), word_base + w));
                cur.input_ids.extend_from_slice(word_pieces);
                cur.type_ids
                    .extend(std::iter::repeat_n(class, word_pieces.len()));
            }
            word_base += words.len();
        }
        self.close(&mut cur, &mut out);
        Ok(out)
    }

    fn close(&self, cur: &mut Window, out: &mut Vec<Window>) {
        if cur.is_empty() {
            return;
        }
        cur.input_ids.push(self.sep);
        cur.type_ids.push(0);
        out.push(std::mem::take(cur));
    }
}

fn has_alphanumeric(word: &str) -> bool {
    word.chars().any(char::is_alphanumeric)
}

/// Whether a document's casing tells names apart: at least half of its sentences that start
/// with a letter start with a capital. Lowercased or caseless text fails, so nothing of it is
/// skipped; all-capitals text passes but has no lowercase sentence to skip.
pub fn normally_cased(sentences: &[Vec<&str>]) -> bool {
    let (mut starts, mut capital) = (0, 0);
    for words in sentences {
        if let Some(first) = words
            .iter()
            .find_map(|w| w.chars().find(|c| c.is_alphabetic()))
        {
            starts += 1;
            capital += first.is_uppercase() as usize;
        }
    }
    starts > 0 && capital * 2 >= starts
}

/// Words that start sentences without naming anything, lowercase; a capitalised one at a
/// sentence's start does not make the sentence hold a name.
const SENTENCE_OPENERS: &[&str] = &[
    "a",
    "about",
    "after",
    "against",
    "all",
    "also",
    "although",
    "among",
    "an",
    "and",
    "another",
    "any",
    "as",
    "at",
    "because",
    "before",
    "between",
    "both",
    "but",
    "by",
    "during",
    "each",
    "earlier",
    "either",
    "even",
    "every",
    "few",
    "for",
    "from",
    "he",
    "her",
    "here",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "instead",
    "it",
    "its",
    "last",
    "later",
    "many",
    "meanwhile",
    "more",
    "most",
    "much",
    "my",
    "neither",
    "next",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "on",
    "one",
    "only",
    "or",
    "other",
    "our",
    "over",
    "several",
    "she",
    "since",
    "so",
    "some",
    "still",
    "such",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "though",
    "through",
    "to",
    "today",
    "under",
    "unless",
    "until",
    "we",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whose",
    "why",
    "with",
    "without",
    "yet",
    "you",
    "your",
];

/// Whether a sentence holds no capital letter (nor a letter of a caseless script) except in
/// the pronoun `I` and in a function word ([`SENTENCE_OPENERS`]) as its first word with
/// letters. Contractions count by their head: `It's`, `I'm`, `That’s`.
pub fn lowercase_sentence(words: &[&str]) -> bool {
    let mut first = true;
    for w in words {
        if !w.chars().any(|c| c.is_alphabetic()) {
            continue;
        }
        let opener = std::mem::take(&mut first);
        if w.chars().all(|c| !c.is_alphabetic() || c.is_lowercase()) {
            continue;
        }
        let head = w.split(['\'', '’']).next().unwrap_or(w);
        if head == "I" {
            continue;
        }
        if !opener
            || SENTENCE_OPENERS
                .binary_search(&head.to_lowercase().as_str())
                .is_err()
        {
            return false;
        }
        // A capitalised opener is fine only as a plain capital: `THE` or `ThE` is not prose.
        if casing_class(head) != 3 {
            return false;
        }
    }
    true
}

/// The predicted tag of one word: label id and its probability.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WordTag {
    pub label: usize,
    pub prob: f32,
}

/// A loaded token-classification model. Not `Sync` (rust-bert models aren't): run it from one
/// thread, e.g. [`crate::pipeline`]'s inference worker.
pub struct NerModel {
    pub config: ModelConfig,
    pub tokenizer: Tokenizer,
    pub vs: nn::VarStore,
    pub model: BertForTokenClassification,
    /// The packed CPU encoder ([`packed`]), when loaded for inference with
    /// [`NerModel::load_as`] in int8 or f32; predictions use it.
    pub packed: Option<packed::PackedBert>,
}

/// The number format the model computes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    #[default]
    F32,
    /// bfloat16 weights and activations through rust-bert's padded batches. Dev F1 holds; on a
    /// CPU with AVX-512 BF16 it runs as fast as int8, without it libtorch 2.4 runs it ~30x
    /// slower than f32 (BENCHMARKS.md). The one precision whose tags may depend on batching.
    Bf16,
    /// int8 linear layers, dynamically quantized ([`int8`]); f32 elsewhere.
    Int8,
}

impl std::str::FromStr for Precision {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> Result<Precision> {
        match s {
            "f32" => Ok(Precision::F32),
            "bf16" => Ok(Precision::Bf16),
            "int8" => Ok(Precision::Int8),
            other => bail!("unknown precision {other}: use f32, bf16 or int8"),
        }
    }
}

impl NerModel {
    /// A model computing in f32 through rust-bert (no int8 pass).
    pub fn new(
        config: ModelConfig,
        tokenizer: Tokenizer,
        vs: nn::VarStore,
        model: BertForTokenClassification,
    ) -> NerModel {
        NerModel {
            config,
            tokenizer,
            vs,
            model,
            packed: None,
        }
    }

    /// Loads a model directory for inference on the CPU in `precision`: int8 and f32 through
    /// the packed encoder, whose tags do not depend on batching ([`packed`]); bf16 through
    /// rust-bert's padded batches, whose tags may.
    pub fn load_as(dir: &Path, precision: Precision) -> Result<NerModel> {
        let mut model = NerModel::load(dir, Device::Cpu)?;
        match precision {
            Precision::Bf16 => model.vs.bfloat16(),
            Precision::F32 | Precision::Int8 => {
                model.packed = Some(packed::PackedBert::from_vars(
                    &model.vs,
                    &model.config.bert,
                    precision,
                )?)
            }
        }
        Ok(model)
    }

    /// Loads a model directory onto a device, weights converted to f32.
    pub fn load(dir: &Path, device: Device) -> Result<NerModel> {
        let files = ModelFiles::locate(dir)?;
        let config = ModelConfig::read(&files.config)?;
        let tokenizer = load_tokenizer(&files.tokenizer)?;
        if tokenizer.get_vocab_size(true) as i64 > config.bert.vocab_size {
            bail!(
                "{} has {} tokens but {} says vocab_size {}: the files are from different models",
                files.tokenizer.display(),
                tokenizer.get_vocab_size(true),
                files.config.display(),
                config.bert.vocab_size
            );
        }
        let mut vs = nn::VarStore::new(device);
        let model = BertForTokenClassification::new(vs.root(), &config.bert).map_err(|e| {
            anyhow::anyhow!(
                "cannot build the model from {}: {e}",
                files.config.display()
            )
        })?;
        load_weights(&mut vs, &files.weights, &|name| Some(name.to_string()))?;
        vs.freeze();
        Ok(NerModel::new(config, tokenizer, vs, model))
    }

    pub fn windower(&self) -> Result<Windower<'_>> {
        Windower::new(&self.tokenizer, &self.config.settings)
    }

    /// Pads a batch of windows into (ids, mask, type ids) tensors on the model's device.
    pub fn batch_tensors(windows: &[&Window], device: Device) -> (Tensor, Tensor, Tensor) {
        let width = windows.iter().map(|w| w.len()).max().unwrap_or(0);
        let mut ids = vec![0i64; windows.len() * width];
        let mut mask = vec![0i64; windows.len() * width];
        let mut types = vec![0i64; windows.len() * width];
        for (b, w) in windows.iter().enumerate() {
            let row = b * width;
            ids[row..row + w.len()].copy_from_slice(&w.input_ids);
            types[row..row + w.len()].copy_from_slice(&w.type_ids);
            mask[row..row + w.len()].fill(1);
        }
        let shape = [windows.len() as i64, width as i64];
        let t = |v: Vec<i64>| Tensor::from_slice(&v).view(shape).to_device(device);
        (t(ids), t(mask), t(types))
    }

    /// Logits (words, labels) at each word's first piece, the only rows a tagger reads, for one
    /// padded batch of windows through rust-bert's model (training, and bf16): in window order,
    /// each window's in the order of its `word_starts`. Runs in inference mode (no dropout);
    /// callers decide about gradients.
    pub fn word_logits(&self, windows: &[&Window]) -> Tensor {
        let device = self.vs.device();
        let (ids, mask, types) = Self::batch_tensors(windows, device);
        let width = ids.size()[1] as usize;
        let rows = Tensor::from_slice(&word_start_rows(windows, width)).to_device(device);
        let logits = self
            .model
            .forward_t(Some(&ids), Some(&mask), Some(&types), None, None, false)
            .logits;
        let labels = *logits.size().last().expect("3-d logits");
        logits.view([-1, labels]).index_select(0, &rows)
    }

    /// Runs one batch (best of similar lengths) and returns each window's word tags, in the order
    /// of its `word_starts`.
    pub fn predict(&self, windows: &[&Window]) -> Vec<Vec<WordTag>> {
        if windows.is_empty() {
            return Vec::new();
        }
        if let Some(packed) = &self.packed {
            return packed.tag(windows);
        }
        let probs = tch::no_grad(|| {
            self.word_logits(windows)
                .softmax(-1, Kind::Float)
                .to_device(Device::Cpu)
        });
        let (best_prob, best_label) = probs.max_dim(-1, false);
        let best_prob = Vec::<f32>::try_from(best_prob).expect("f32 probabilities");
        let best_label = Vec::<i64>::try_from(best_label).expect("i64 labels");
        let mut tags = best_label
            .into_iter()
            .zip(best_prob)
            .map(|(label, prob)| WordTag {
                label: label as usize,
                prob,
            });
        windows
            .iter()
            .map(|w| tags.by_ref().take(w.word_starts.len()).collect())
            .collect()
    }
}

/// The rows of each word's first piece in a batch padded to `width` pieces, as indices into the
/// flattened batch × width, in window and word order.
pub fn word_start_rows(windows: &[&Window], width: usize) -> Vec<i64> {
    windows
        .iter()
        .enumerate()
        .flat_map(|(b, w)| {
            w.word_starts
                .iter()
                .map(move |&(piece, _)| (b * width + piece) as i64)
        })
        .collect()
}

/// Splits a tag into (prefix, type): "B-PER" → ('B', "PER"), "O" → ('O', "").
pub fn split_tag(tag: &str) -> (char, &str) {
    match tag.split_once('-') {
        Some((p, t)) if p.len() == 1 => (p.chars().next().unwrap(), t),
        _ => ('O', ""),
    }
}

/// Decodes word tags into entity word ranges (start word, end word exclusive, type), the way
/// conlleval reads IOB: an I-X that does not continue an X starts a new entity, so IOB1 and IOB2
/// both decode, and a B-X always starts one.
pub fn decode_tags<'t>(tags: impl IntoIterator<Item = &'t str>) -> Vec<(usize, usize, String)> {
    let mut out: Vec<(usize, usize, String)> = Vec::new();
    let mut open: Option<(usize, &str)> = None;
    let mut n = 0;
    for (i, tag) in tags.into_iter().enumerate() {
        n = i + 1;
        let (prefix, kind) = split_tag(tag);
        let continues = prefix == 'I' && open.is_some_and(|(_, k)| k == kind);
        if continues {
            continue;
        }
        if let Some((s, k)) = open.take() {
            out.push((s, i, k.to_string()));
        }
        if prefix == 'B' || prefix == 'I' {
            open = Some((i, kind));
        }
    }
    if let Some((s, k)) = open {
        out.push((s, n, k.to_string()));
    }
    out
}

/// Turns one article's word tags into mentions over its word spans. Mentions made only of
/// punctuation are dropped.
pub fn mentions_from_tags(
    text: &str,
    words: &[Span],
    tags: &[WordTag],
    labels: &[String],
) -> Vec<Mention> {
    let names: Vec<&str> = tags
        .iter()
        .map(|t| labels.get(t.label).map(String::as_str).unwrap_or("O"))
        .collect();
    decode_tags(names)
        .into_iter()
        .filter_map(|(s, e, kind)| {
            let span = Span::new(words[s].start, words[e - 1].end);
            if !text[span.range()].chars().any(|c| c.is_alphanumeric()) {
                return None;
            }
            let score = tags[s..e].iter().map(|t| t.prob).sum::<f32>() / (e - s) as f32;
            Some(Mention {
                span,
                label: kind,
                score,
            })
        })
        .collect()
}

/// Writes a small randomly initialised model directory (WordPiece vocabulary of `words` plus
/// single characters, 2 layers of width 32, casing input, CoNLL labels), so tests and benchmarks
/// of the plumbing run real loading and decoding code without shipping weights. `bias` favours
/// one label id in the classifier, which makes the predicted tags predictable in tests.
pub fn write_random_model(
    dir: &Path,
    words: &[&str],
    max_length: usize,
    seed: i64,
    bias: Option<usize>,
) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut vocab: Vec<String> = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        .map(String::from)
        .to_vec();
    for c in ('a'..='z')
        .chain('0'..='9')
        .chain(".,;:!?'\"-()[]“”’".chars())
    {
        vocab.push(c.to_string());
        vocab.push(format!("##{c}"));
    }
    for w in words {
        let w = w.to_lowercase();
        if !vocab.contains(&w) {
            vocab.push(w);
        }
    }
    let vocab_map: serde_json::Map<String, serde_json::Value> = vocab
        .iter()
        .enumerate()
        .map(|(i, w)| (w.clone(), i.into()))
        .collect();
    let added_tokens: Vec<serde_json::Value> = vocab[..5]
        .iter()
        .enumerate()
        .map(|(i, t)| {
            serde_json::json!({"id": i, "content": t, "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true})
        })
        .collect();
    // The same JSON layout as a Hugging Face BERT tokenizer.json: uncased WordPiece.
    let json = serde_json::json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": added_tokens,
        "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": null,
        "decoder": null,
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "vocab": vocab_map}
    });
    let tokenizer: Tokenizer = json
        .to_string()
        .parse()
        .map_err(|e| anyhow::anyhow!("cannot build the tiny tokenizer: {e}"))?;
    tokenizer
        .save(dir.join("tokenizer.json"), false)
        .map_err(|e| anyhow::anyhow!("{e}"))?;

    let mut config = ModelConfig {
        bert: BertConfig {
            hidden_size: 32,
            intermediate_size: 64,
            num_attention_heads: 2,
            num_hidden_layers: 2,
            max_position_embeddings: max_length.max(64) as i64,
            type_vocab_size: CASING_CLASSES,
            vocab_size: vocab.len() as i64,
            ..Default::default()
        },
        settings: ModelSettings {
            casing: true,
            max_length,
        },
        labels: Vec::new(),
    };
    config.set_labels(&CONLL_LABELS.map(String::from));
    config.write(&dir.join("config.json"))?;
    tch::manual_seed(seed);
    let vs = nn::VarStore::new(Device::Cpu);
    let _model = BertForTokenClassification::new(vs.root(), &config.bert)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(label) = bias {
        tch::no_grad(|| {
            for (name, mut t) in vs.variables() {
                if name == "classifier.bias" {
                    let _ = t.fill_(0.0);
                    let _ = t.get(label as i64).fill_(20.0);
                }
            }
        });
    }
    save_weights(&vs, &dir.join("model.safetensors"), Kind::Float)
}

/// Writes a tiny random BERT *encoder* laid out like a Hugging Face base model: a plain BERT
/// `config.json` (two token types), `tokenizer.json`, and `model.safetensors` named without the
/// `bert.` prefix and without a classifier. It is what `train ner --base` reads, for tests.
pub fn write_random_encoder(dir: &Path, words: &[&str], seed: i64) -> Result<()> {
    write_random_model(dir, words, 64, seed, None)?;
    let path = dir.join("model.safetensors");
    let tensors = Tensor::read_safetensors(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let encoder: Vec<(String, Tensor)> = tensors
        .into_iter()
        .filter_map(|(name, t)| {
            let name = name.strip_prefix("bert.")?.to_string();
            let t = if name.ends_with("token_type_embeddings.weight") {
                t.narrow(0, 0, 2)
            } else {
                t
            };
            Some((name, t))
        })
        .collect();
    Tensor::write_safetensors(&encoder, &path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let mut bert = ModelConfig::read(&dir.join("config.json"))?.bert;
    bert.type_vocab_size = 2;
    std::fs::write(
        dir.join("config.json"),
        serde_json::to_string_pretty(&bert)?,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_openers_are_sorted_lowercase() {
        assert!(SENTENCE_OPENERS.windows(2).all(|w| w[0] < w[1]));
        assert!(SENTENCE_OPENERS.iter().all(|w| *w == w.to_lowercase()));
    }

    #[test]
    fn lowercase_sentences_are_those_without_a_possible_name() {
        let yes: &[&[&str]] = &[
            &["The", "talks", "failed", "."],
            &["“", "It's", "over", ",", "”", "he", "said", "."],
            &["I", "think", "I", "know", "."],
            &["prices", "rose", "3", "%", "."],
            &["1996-08-22"],
        ];
        let no: &[&[&str]] = &[
            &["Pompeo", "said", "so", "."],
            &["The", "talks", "in", "Tirana", "failed", "."],
            &["THE", "talks", "failed", "."],
            // A capitalised opener later in the sentence is still a capital.
            &["he", "said", "The", "talks", "failed", "."],
            // Caseless scripts cannot be told apart from names.
            &["the", "city", "of", "東京", "."],
            &["said", "iPhone", "maker", "."],
        ];
        for s in yes {
            assert!(lowercase_sentence(s), "{s:?}");
        }
        for s in no {
            assert!(!lowercase_sentence(s), "{s:?}");
        }
    }

    #[test]
    fn only_normally_cased_documents_skip_sentences() {
        let cased = vec![vec!["Pompeo", "spoke", "."], vec!["the", "talks", "failed"]];
        let lowered = vec![vec!["pompeo", "spoke", "."], vec!["the", "talks", "failed"]];
        assert!(normally_cased(&cased));
        assert!(!normally_cased(&lowered));
        assert!(!normally_cased(&[vec!["123"]]));

        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/ner-en");
        let config = ModelConfig::read(&dir.join("config.json")).unwrap();
        let tokenizer = load_tokenizer(&dir.join("tokenizer.json")).unwrap();
        let windower = Windower::new(&tokenizer, &config.settings).unwrap();
        let words = |windows: Vec<Window>| -> Vec<usize> {
            windows
                .iter()
                .flat_map(|w| w.word_starts.iter().map(|&(_, word)| word))
                .collect()
        };
        let sentences = vec![
            vec!["Pompeo", "spoke", "."],
            vec!["The", "talks", "failed", "."],
            vec!["Iran", "objected", "."],
        ];
        let all = words(windower.windows(&sentences).unwrap());
        assert_eq!(all, (0..10).collect::<Vec<_>>());
        let windower = windower.skip_lowercase_sentences(true);
        assert_eq!(
            words(windower.windows(&sentences).unwrap()),
            [0, 1, 2, 7, 8, 9]
        );
        assert_eq!(
            words(windower.windows(&lowered).unwrap()),
            (0..6).collect::<Vec<_>>()
        );
        // Without a letter or digit, a sentence is skipped in any document.
        let symbols = vec![
            vec!["\"", "\"", "\""],
            vec!["pompeo", "2", "."],
            vec!["*", "*"],
        ];
        assert_eq!(words(windower.windows(&symbols).unwrap()), [3, 4, 5]);
    }

    #[test]
    fn batches_respect_both_budgets_and_cover_every_window_once() {
        let lengths = [10, 128, 30, 10, 100, 20, 128, 5];
        let batching = Batching {
            windows: 3,
            tokens: 200,
        };
        let plan = batching.plan(&lengths);
        let mut seen: Vec<usize> = plan.iter().flatten().copied().collect();
        seen.sort();
        assert_eq!(seen, (0..lengths.len()).collect::<Vec<_>>());
        for batch in &plan {
            assert!(batch.len() <= 3);
            let width = batch.iter().map(|&i| lengths[i]).max().unwrap();
            assert!(batch.len() == 1 || batch.len() * width <= 200, "{batch:?}");
        }
        // Shortest first; equal lengths keep input order; each 128 window alone.
        assert_eq!(
            plan,
            vec![vec![7, 0, 3], vec![5, 2], vec![4], vec![1], vec![6]]
        );
        // A window longer than the token budget still runs, alone.
        let tiny = Batching {
            windows: 8,
            tokens: 4,
        };
        assert_eq!(tiny.plan(&[9, 9]), vec![vec![0], vec![1]]);
        assert!(tiny.plan(&[]).is_empty());
    }

    #[test]
    fn casing_classes() {
        assert_eq!(casing_class("the"), 2);
        assert_eq!(casing_class("Sandër"), 3);
        assert_eq!(casing_class("MEK"), 4);
        assert_eq!(casing_class("I"), 3);
        assert_eq!(casing_class("iPhone"), 5);
        assert_eq!(casing_class("1,000"), 1);
        assert_eq!(casing_class("“"), 1);
        assert_eq!(casing_class("U.S."), 4);
    }

    #[test]
    fn decode_iob1_and_iob2() {
        let tags = [
            "B-PER", "I-PER", "O", "I-LOC", "I-LOC", "B-LOC", "I-ORG", "B-ORG", "B-ORG",
        ];
        assert_eq!(
            decode_tags(tags),
            vec![
                (0, 2, "PER".into()),
                (3, 5, "LOC".into()),
                (5, 6, "LOC".into()),
                (6, 7, "ORG".into()),
                (7, 8, "ORG".into()),
                (8, 9, "ORG".into())
            ]
        );
        assert_eq!(decode_tags(["O", "O"]), vec![]);
        assert_eq!(decode_tags(["I-MISC"]), vec![(0, 1, "MISC".into())]);
    }

    #[test]
    fn mentions_map_to_byte_spans_and_skip_punctuation() {
        let text = "“Sandër Lleshaj” said.";
        let words = crate::text::split_words(text, Span::new(0, text.len()));
        let labels: Vec<String> = ["O", "B-PER", "I-PER"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let t = |label| WordTag { label, prob: 0.5 };
        let tags = vec![t(1), t(1), t(2), t(0), t(0), t(0)];
        let m = mentions_from_tags(text, &words, &tags, &labels);
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(&text[m[0].span.range()], "Sandër Lleshaj");
        assert_eq!(m[0].label, "PER");
    }
}
