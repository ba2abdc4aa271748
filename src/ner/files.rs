//! A model directory on disk: `config.json` (rust-bert's BERT config plus whosaid's settings
//! and the labels), `tokenizer.json` and `model.safetensors`; reading and writing them.
//!
//! The files of one save belong together. A trainer saves its best model again and again into
//! one folder, and a kill between two of a save's files used to leave, say, a 3-layer config
//! beside 6-layer weights, which loaded (the extra tensors ignored). So config.json names the
//! weights it was saved with:
//!
//! ```text
//! "whosaid": { "casing": true, "max_length": 128, "weights_fingerprint": "5e1f0c2a9b7d3e48",
//!              "tokenizer_fingerprint": "0b7e51c2d4a69f13" }
//! ```
//!
//! [`save_weights_and_config`] writes the weights under a temporary name, then config.json with
//! their fingerprint ([`file_fingerprint`]) and that of the tokenizer.json the caller wrote
//! first, then moves the weights into place; whatever step a kill lands on, the folder holds the
//! earlier save whole, the new save whole, or a new config beside earlier weights, which
//! [`ModelFiles::config`] (every loader's way in) refuses: "config.json and model.safetensors
//! are from different saves". So is a tokenizer of another save (a run from another start killed
//! after writing its tokenizer.json over a model's). A config without the fields (the shipped
//! models, saved before they existed) loads as it always did.

use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rust_bert::bert::BertConfig;
use serde::{Deserialize, Serialize};
use tch::{nn, Kind, Tensor};
use tokenizers::Tokenizer;

use super::casing::CASING_CLASSES;
use super::int8::WeightScales;
use super::roles::role_label_names;
use super::Tag;
use crate::whole_file::replace_file;

/// whosaid's own settings in a model's `config.json`, under `"whosaid"`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ModelSettings {
    /// Feed the casing class of each word as its token type.
    #[serde(default)]
    pub casing: bool,
    /// Longest window, in word pieces including [CLS] and [SEP].
    #[serde(default = "default_max_length")]
    pub max_length: usize,
    /// What the model tags; absent in NER models' configs.
    #[serde(default, skip_serializing_if = "Task::is_ner")]
    pub task: Task,
    /// Attribution models: how many word pieces before a paragraph its windows read as context
    /// ([`super::Windower::context_windows`]); absent (0) in NER models' configs.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub context_pieces: usize,
    /// How the int8 path scales each weight channel ([`WeightScales`]); absent: `max`.
    #[serde(default, skip_serializing_if = "is_max")]
    pub int8_weights: WeightScales,
    /// The tagging scheme the model was trained on ([`TagScheme`]); absent: `iob2`, what
    /// `train ner` writes.
    #[serde(default, skip_serializing_if = "TagScheme::is_iob2")]
    pub tag_scheme: TagScheme,
    /// Attribution models trained with `--crf`: the learned sequence scores their decoding adds
    /// ([`super::RoleTransitions`]); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_transitions: Option<super::RoleTransitions>,
    /// The [`file_fingerprint`] of the model.safetensors saved with this config (module
    /// doc); absent in models saved before it existed, whose weights are not checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights_fingerprint: Option<String>,
    /// The [`file_fingerprint`] of the tokenizer.json saved with this config; absent in models
    /// saved before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokenizer_fingerprint: Option<String>,
}

/// How a model's B- and I- tags mark entities, so how decoding weighs a sequence
/// ([`super::tags::best_tags`]: under IOB2 an I-X after another type costs extra).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum TagScheme {
    /// Every entity opens with B-: an I-X only continues a B-X or an I-X.
    #[default]
    Iob2,
    /// I- opens an entity; B- only where it follows one of the same type: any sequence.
    Iob1,
}

impl TagScheme {
    fn is_iob2(&self) -> bool {
        *self == TagScheme::Iob2
    }
}

fn is_max(scales: &WeightScales) -> bool {
    *scales == WeightScales::Max
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// What a token-classification model tags.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Task {
    /// Named entities, BIO over [`Tag`]s.
    #[default]
    Ner,
    /// Attribution roles: source, cue and content, BIO each ([`super::roles`]).
    Attribution,
}

impl Task {
    fn is_ner(&self) -> bool {
        *self == Task::Ner
    }
}

fn default_max_length() -> usize {
    128
}

impl Default for ModelSettings {
    fn default() -> Self {
        ModelSettings {
            casing: true,
            max_length: default_max_length(),
            task: Task::Ner,
            context_pieces: 0,
            int8_weights: WeightScales::Max,
            tag_scheme: TagScheme::Iob2,
            role_transitions: None,
            weights_fingerprint: None,
            tokenizer_fingerprint: None,
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
    pub dir: PathBuf,
    pub config: PathBuf,
    pub tokenizer: PathBuf,
    pub weights: PathBuf,
}

/// The files a model directory holds, as [`ModelFiles`] names them: all a model is (a
/// companion in a folder inside it, such as `any-case/`, has its own).
pub const MODEL_FILE_NAMES: [&str; 3] = ["config.json", "tokenizer.json", "model.safetensors"];

impl ModelFiles {
    /// Checks that a model directory has its three files. Which model it should have been, and
    /// how to get one, is the caller's to say (`extract`: [`crate::pipeline`]): the same message
    /// served the NER and the attribution model, and sent a user missing the second to the first.
    pub fn locate(dir: &Path) -> Result<ModelFiles> {
        if !dir.is_dir() {
            bail!(
                "model directory {} not found (a whosaid model is a directory with config.json, \
                 tokenizer.json and model.safetensors)",
                dir.display()
            );
        }
        let files = ModelFiles {
            dir: dir.to_path_buf(),
            config: dir.join(MODEL_FILE_NAMES[0]),
            tokenizer: dir.join(MODEL_FILE_NAMES[1]),
            weights: dir.join(MODEL_FILE_NAMES[2]),
        };
        for f in [&files.config, &files.tokenizer, &files.weights] {
            let name = f.file_name().unwrap().to_string_lossy();
            // A FIFO there is not lacking: named for what it is (each reader refuses it too).
            if let Some(what) = crate::paths::other_than_a_file(f) {
                bail!(
                    "model directory {}: {name} is {what}, not a regular file",
                    dir.display()
                );
            }
            if !f.is_file() {
                bail!(
                    "model directory {} lacks {}: a whosaid model needs config.json, tokenizer.json and \
                     model.safetensors",
                    dir.display(),
                    name
                );
            }
        }
        Ok(files)
    }

    /// The model's config, read ([`ModelConfig::read`]) and checked against the weights beside
    /// it: a config whose fingerprint is not that of model.safetensors is from another save
    /// (module doc), and is refused rather than loaded with weights it was not saved with.
    pub fn config(&self) -> Result<ModelConfig> {
        let config = ModelConfig::read(&self.config)?;
        let settings = &config.settings;
        for (saved_with, file) in [
            (&settings.weights_fingerprint, &self.weights),
            (&settings.tokenizer_fingerprint, &self.tokenizer),
        ] {
            let Some(saved_with) = saved_with else {
                continue;
            };
            if *saved_with != file_fingerprint(file)? {
                bail!(
                    "model directory {}: config.json and {} are from different saves (a save \
                     cut short, or files copied from two models); save or copy the model again",
                    self.dir.display(),
                    file.file_name().unwrap_or_default().to_string_lossy()
                );
            }
        }
        Ok(config)
    }
}

/// A fingerprint of a file's bytes (a model's weights, its tokenizer): its length and its content, FNV-1a eight bytes at a
/// time ([`crate::fnv::Fnv1a::words`]), as 16 hex digits. Every byte counts, so two saves of the
/// same shape (the best model of step 200 and of step 400) differ, which a fingerprint of the
/// safetensors header (names, shapes, offsets) would not tell apart. Not a security hash.
///
/// Its cost is paid by each load of a model that has one. On models/ner-en's 42 MB weights, on
/// a busy 2-core machine: 23-64 ms, reading included, beside 1-2.6 s for the whole load; FNV-1a
/// byte by byte took 180-275 ms, which is why the words.
pub fn file_fingerprint(path: &Path) -> Result<String> {
    use std::io::Read;
    let cannot = || format!("cannot read {}", path.display());
    let mut file = crate::paths::open_regular_file(path).with_context(cannot)?;
    let len = file.metadata().with_context(cannot)?.len();
    let mut hash = crate::fnv::Fnv1a::default().field(&len.to_le_bytes());
    // Whole buffers, a multiple of 8 bytes each, so the words join up across them.
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let mut filled = 0;
        while filled < buffer.len() {
            match file.read(&mut buffer[filled..]).with_context(cannot)? {
                0 => break,
                n => filled += n,
            }
        }
        hash = hash.words(&buffer[..filled]);
        if filled < buffer.len() {
            return Ok(hash.hex());
        }
    }
}

/// The name of the first of `weights` holding a value that is not a finite number (NaN or
/// infinite), if any: what a diverged run leaves, and what no model file should hold.
pub fn not_a_number(weights: &[(String, Tensor)]) -> Option<&str> {
    weights
        .iter()
        .find(|(_, t)| t.isfinite().all().int64_value(&[]) == 0)
        .map(|(name, _)| name.as_str())
}

/// Saves a model's `weights` (named tensors, stored as they are) and `config` (with the
/// weights' fingerprint) into `dir`, in the order that leaves no mix of two saves that loads
/// (module doc): the weights under a temporary name, config.json, then `describe` (what else
/// describes this save, such as the training log), then the weights in place. The tokenizer is
/// the caller's to write first.
pub fn save_weights_and_config(
    dir: &Path,
    config: &ModelConfig,
    weights: &[(String, Tensor)],
    describe: impl FnOnce() -> Result<()>,
) -> Result<()> {
    replace_file(&dir.join("model.safetensors"), |temp| {
        Tensor::write_safetensors(weights, temp)?;
        let mut config = config.clone();
        config.settings.weights_fingerprint = Some(file_fingerprint(temp)?);
        let tokenizer = dir.join("tokenizer.json");
        config.settings.tokenizer_fingerprint = match tokenizer.exists() {
            true => Some(file_fingerprint(&tokenizer)?),
            false => None,
        };
        config.write(&dir.join("config.json"))?;
        describe()
    })
}

/// The window lengths (`max_length`, in pieces) a model with this config can read: room for
/// `[CLS]`, `[SEP]` and a few words, up to its position embeddings.
pub fn window_lengths(bert: &BertConfig) -> RangeInclusive<usize> {
    8..=usize::try_from(bert.max_position_embeddings).unwrap_or(0)
}

/// A model's configuration: rust-bert's BERT config plus whosaid's settings and the label list.
#[derive(Debug, Clone)]
pub struct ModelConfig {
    pub bert: BertConfig,
    pub settings: ModelSettings,
    /// The model's tags by id (`O`, `B-PER`, …).
    pub tags: Vec<Tag>,
}

impl ModelConfig {
    pub fn read(path: &Path) -> Result<ModelConfig> {
        let raw = crate::paths::read_regular_text(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let bert: BertConfig = serde_json::from_str(&raw)
            .with_context(|| format!("{} is not a BERT config", path.display()))?;
        let extras: ConfigExtras = serde_json::from_str(&raw)
            .with_context(|| format!("{}: bad \"whosaid\" settings", path.display()))?;
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
        // A config without whosaid's settings is a plain BERT model: no casing input.
        let settings = extras.whosaid.unwrap_or(ModelSettings {
            casing: false,
            ..ModelSettings::default()
        });
        // An attribution model's labels are fixed; an NER model's are read as tags.
        let tags = match settings.task {
            Task::Ner => labels
                .iter()
                .map(|l| l.parse::<Tag>())
                .collect::<Result<Vec<Tag>>>()
                .with_context(|| format!("{}: id2label", path.display()))?,
            Task::Attribution if labels == role_label_names() => Vec::new(),
            Task::Attribution => bail!(
                "{}: an attribution model's id2label must be {}",
                path.display(),
                role_label_names().join(" ")
            ),
        };
        if settings.casing && bert.type_vocab_size < CASING_CLASSES {
            bail!(
                "{}: casing input needs type_vocab_size >= {CASING_CLASSES}, found {}",
                path.display(),
                bert.type_vocab_size
            );
        }
        let lengths = window_lengths(&bert);
        if !lengths.contains(&settings.max_length) {
            bail!(
                "{}: whosaid.max_length must be in {lengths:?} (got {})",
                path.display(),
                settings.max_length
            );
        }
        Ok(ModelConfig {
            bert,
            settings,
            tags,
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
        let json = serde_json::to_string_pretty(&value)?;
        replace_file(path, |temp| Ok(std::fs::write(temp, json)?))
    }

    /// Sets the model's tags, and id2label/label2id from them.
    pub fn set_tags(&mut self, tags: &[Tag]) {
        self.tags = tags.to_vec();
        self.settings.task = Task::Ner;
        self.set_label_names(tags.iter().map(Tag::to_string).collect());
    }

    /// Makes this an attribution model's config: its nine role labels ([`super::roles`]).
    pub fn set_attribution_labels(&mut self) {
        self.tags = Vec::new();
        self.settings.task = Task::Attribution;
        self.set_label_names(role_label_names());
    }

    fn set_label_names(&mut self, names: Vec<String>) {
        self.bert.label2id = Some(
            names
                .iter()
                .enumerate()
                .map(|(i, t)| (t.clone(), i as i64))
                .collect(),
        );
        self.bert.id2label = Some(
            names
                .into_iter()
                .enumerate()
                .map(|(i, t)| (i as i64, t))
                .collect(),
        );
    }
}

/// Loads a tokenizer and switches off the truncation and padding a tokenizer.json may carry: we
/// window and pad ourselves. Read as every file of a model folder is, only when it is a regular
/// file ([`crate::paths::read_regular_file`]): `Tokenizer::from_file` opened a FIFO there and
/// waited for a writer for ever.
pub fn load_tokenizer(path: &Path) -> Result<Tokenizer> {
    let cannot = |e: &dyn std::fmt::Display| {
        anyhow::anyhow!("cannot load tokenizer {}: {e}", path.display())
    };
    let bytes = crate::paths::read_regular_file(path, u64::MAX).map_err(|e| cannot(&e))?;
    let mut tok = Tokenizer::from_bytes(bytes).map_err(|e| cannot(&e))?;
    tok.with_truncation(None)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    tok.with_padding(None);
    Ok(tok)
}

/// Checks, without loading them, that a safetensors file's header reads and that the file holds
/// every byte the header promises: a model loaded later ([`crate::pipeline`]'s on-demand worker)
/// then fails at the start of a run, not in the middle, on a truncated or foreign file. (The
/// safetensors crate validates a header only against the whole file in memory.)
pub fn check_weights(path: &Path) -> Result<()> {
    use std::io::Read;
    let bad =
        |why: &str| anyhow::anyhow!("{} is not a whole safetensors file: {why}", path.display());
    let mut file = crate::paths::open_regular_file(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut len = [0u8; 8];
    file.read_exact(&mut len).map_err(|_| bad("no header"))?;
    let header_len = u64::from_le_bytes(len);
    let size = file.metadata()?.len();
    if header_len > size.saturating_sub(8) {
        return Err(bad("header longer than the file"));
    }
    let mut header = vec![0u8; header_len as usize];
    file.read_exact(&mut header)?;
    let header: HashMap<String, serde_json::Value> =
        serde_json::from_slice(&header).map_err(|_| bad("unreadable header"))?;
    let data_end = header
        .values()
        .filter_map(|t| t.get("data_offsets")?.get(1)?.as_u64())
        .max()
        .unwrap_or(0);
    if 8 + header_len + data_end > size {
        return Err(bad("cut short"));
    }
    Ok(())
}

/// The named tensors of the safetensors file at `path`, read only when it is a regular file:
/// libtorch opens the path itself and waited for ever on a FIFO there. (It is looked at just
/// before libtorch opens it; one put there in between is not caught.)
pub fn read_safetensors(path: &Path) -> Result<Vec<(String, Tensor)>> {
    let cannot = || format!("cannot read {}", path.display());
    drop(crate::paths::open_regular_file(path).with_context(cannot)?);
    Tensor::read_safetensors(path).with_context(cannot)
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
    let tensors = read_safetensors(path)?;
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

/// Saves a var store's tensors whose names `keep` accepts as safetensors, converted to `kind`
/// (f16 keeps shipped models small).
pub fn save_weights(
    vs: &nn::VarStore,
    path: &Path,
    kind: Kind,
    keep: &dyn Fn(&str) -> bool,
) -> Result<()> {
    let mut named: Vec<(String, Tensor)> = vs
        .variables()
        .into_iter()
        .filter(|(n, _)| keep(n))
        .map(|(n, t)| (n, t.detach().to_kind(kind)))
        .collect();
    named.sort_by(|a, b| a.0.cmp(&b.0));
    replace_file(path, |temp| Ok(Tensor::write_safetensors(&named, temp)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An optional setting: `key: value` is read and written back, an absent key is not
    /// written back (the default), `key: bad` is refused. Returns the settings read.
    fn check_optional_setting(key: &str, value: &str, bad: &str) -> ModelSettings {
        let read = |json: String| serde_json::from_str::<ModelSettings>(&json);
        let set = read(format!(r#"{{"casing": true, "{key}": "{value}"}}"#)).unwrap();
        let written = serde_json::to_string(&set).unwrap();
        assert!(
            written.contains(&format!(r#""{key}":"{value}""#)),
            "{written}"
        );
        let default = serde_json::to_string(&ModelSettings::default()).unwrap();
        assert!(!default.contains(key), "{default}");
        assert!(read(format!(r#"{{"{key}": "{bad}"}}"#)).is_err());
        set
    }

    #[test]
    fn tag_scheme_is_read_and_defaults_to_iob2() {
        let iob1 = check_optional_setting("tag_scheme", "iob1", "bilou");
        assert_eq!(iob1.tag_scheme, TagScheme::Iob1);
        assert_eq!(ModelSettings::default().tag_scheme, TagScheme::Iob2);
        let shipped = ModelConfig::read(Path::new("models/ner-en/config.json")).unwrap();
        assert_eq!(shipped.settings.tag_scheme, TagScheme::Iob2);
    }

    #[test]
    fn int8_weights_is_read_and_defaults_to_max() {
        let mse = check_optional_setting("int8_weights", "mse", "min");
        assert_eq!(mse.int8_weights, WeightScales::Mse);
        let absent = serde_json::from_str::<ModelSettings>(r#"{"casing": true}"#).unwrap();
        assert_eq!(absent.int8_weights, WeightScales::Max);
        let shipped = ModelConfig::read(Path::new("models/ner-en/config.json")).unwrap();
        assert_eq!(shipped.settings.int8_weights, WeightScales::Mse);
        // A bad setting names the file.
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("config.json");
        let raw = std::fs::read_to_string("models/ner-en/config.json").unwrap();
        std::fs::write(&bad, raw.replace(r#""mse""#, r#""msee""#)).unwrap();
        let err = format!("{:#}", ModelConfig::read(&bad).unwrap_err());
        assert!(err.contains("config.json") && err.contains("msee"), "{err}");
    }

    /// A FIFO in a model folder was read: `ModelFiles::locate` called it lacking, and every
    /// reader of the file (`train quotes --init`, `train ner --base` read config.json
    /// themselves) opened it and waited for a writer for ever. Each refuses it, naming it.
    #[cfg(unix)]
    #[test]
    fn a_fifo_in_a_model_folder_is_refused_naming_it() {
        use crate::paths::special::{at_once, make_fifo};
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/ner-en");
        let tmp = tempfile::tempdir().unwrap();
        for fifo in MODEL_FILE_NAMES {
            let dir = tmp.path().join(fifo);
            std::fs::create_dir(&dir).unwrap();
            for name in MODEL_FILE_NAMES {
                match name == fifo {
                    true => make_fifo(&dir.join(name)),
                    false => {
                        std::os::unix::fs::symlink(shipped.join(name), dir.join(name)).unwrap()
                    }
                }
            }
            let err = ModelFiles::locate(&dir).err().unwrap().to_string();
            assert!(err.contains(&format!("{fifo} is a FIFO")), "{err}");
            let path = dir.join(fifo);
            let reads: Vec<fn(&Path) -> Result<()>> = match fifo {
                "config.json" => vec![|p| ModelConfig::read(p).map(drop)],
                "tokenizer.json" => vec![|p| load_tokenizer(p).map(drop)],
                _ => vec![check_weights, |p| file_fingerprint(p).map(drop), |p| {
                    read_safetensors(p).map(drop)
                }],
            };
            for read in reads {
                let path = path.clone();
                let err = at_once(move || format!("{:#}", read(&path).unwrap_err()));
                assert!(err.contains(fifo) && err.contains("FIFO"), "{err}");
            }
        }
        // An any-case companion whose config.json is a FIFO is loaded, and refused so, not
        // left out without a word.
        let model = tmp.path().join("model");
        std::fs::create_dir_all(model.join(crate::ner::ANY_CASE_DIR)).unwrap();
        make_fifo(&model.join(crate::ner::ANY_CASE_DIR).join("config.json"));
        assert!(crate::ner::any_case_dir(&model).is_some());
    }

    /// A run from another start killed after writing its tokenizer.json over a model's left
    /// that model loading with a tokenizer it was not trained with.
    #[test]
    fn a_tokenizer_of_another_save_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("tokenizer.json"), "{\"vocab\": 1}").unwrap();
        let config = ModelConfig::read(Path::new("models/ner-en/config.json")).unwrap();
        let weights = [("w".to_string(), Tensor::from_slice(&[1.0f32, 2.0]))];
        save_weights_and_config(dir.path(), &config, &weights, || Ok(())).unwrap();
        let files = ModelFiles::locate(dir.path()).unwrap();
        let saved = files.config().unwrap();
        assert!(saved.settings.tokenizer_fingerprint.is_some());
        std::fs::write(dir.path().join("tokenizer.json"), "{\"vocab\": 2}").unwrap();
        let err = format!("{:#}", files.config().unwrap_err());
        assert!(
            err.contains("tokenizer.json are from different saves"),
            "{err}"
        );
    }
}
