//! `train average`: one model whose weights are the mean of several fine-tuned models' weights
//! (a "model soup", Wortsman et al., ICML 2022).
//!
//! Models fine-tuned from the same start on the same task end in one basin of the loss, and the
//! mean of their weights often scores better than any of them, at the cost of one model. Example:
//! the attribution model trained on 128-piece windows and the one trained on 256-piece windows
//! (both from `models/ner-en`, both selected on dev) average to `models/quotes-en`.
//!
//! The models must have the same tags and the same tensors (names and shapes); the config and
//! tokenizer, and so the windowing, are the first model's. Models trained with `--crf` average
//! their sequence scores too (all of them or none must have them). A model whose weights are
//! not all numbers (a diverged run's) is refused: its NaN would be every mean's.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use tch::{Kind, Tensor};

use super::{refuse_foreign_files, refuse_out_among_inputs, same_dir};
use crate::ner::{not_a_number, save_weights_and_config, ModelConfig, ModelFiles, RoleTransitions};
use crate::whole_file::replace_file;

/// Writes to `out` the model whose every weight is the mean of `models`' weights, stored as
/// `kind`. Refuses models whose tags or tensors differ, and an `out` that is one of them.
pub fn average_models(models: &[PathBuf], out: &Path, kind: Kind) -> Result<()> {
    if models.len() < 2 {
        bail!("train average needs at least two models");
    }
    let files: Vec<ModelFiles> = models
        .iter()
        .map(|m| ModelFiles::locate(m))
        .collect::<Result<_>>()?;
    let configs: Vec<ModelConfig> = files
        .iter()
        .map(ModelFiles::config)
        .collect::<Result<_>>()?;
    for (m, config) in models.iter().zip(&configs).skip(1) {
        if config.tags != configs[0].tags {
            bail!(
                "{} has other tags than {}",
                m.display(),
                models[0].display()
            );
        }
    }
    let transitions = mean_transitions(models, &configs)?;
    let read: Vec<(&str, &Path)> = models
        .iter()
        .map(|m| ("one of the models averaged,", m.as_path()))
        .collect();
    refuse_out_among_inputs(out, &read)?;
    // No log: an earlier run's train_log.jsonl would describe another model.
    refuse_foreign_files(out, &["config.json", "model.safetensors", "tokenizer.json"])?;
    // One model named twice (`a a`, `a ./a/`) met the rule above and averaged to itself.
    for (i, m) in models.iter().enumerate() {
        for earlier in &models[..i] {
            if same_dir(m, earlier)? {
                bail!(
                    "{} and {} are one model: train average needs at least two different ones",
                    earlier.display(),
                    m.display()
                );
            }
        }
    }
    let mut sum = read_f32(&files[0].weights)?;
    for (m, f) in models.iter().zip(&files).skip(1) {
        let next = read_f32(&f.weights)?;
        let names = |w: &[(String, Tensor)]| -> Vec<(String, Vec<i64>)> {
            w.iter().map(|(n, t)| (n.clone(), t.size())).collect()
        };
        if names(&next) != names(&sum) {
            bail!(
                "{} has other tensors than {}",
                m.display(),
                models[0].display()
            );
        }
        for ((_, total), (_, t)) in sum.iter_mut().zip(&next) {
            *total = &*total + t;
        }
    }
    let n = models.len() as f64;
    let mean: Vec<(String, Tensor)> = sum
        .into_iter()
        .map(|(name, total)| (name, (total / n).to_kind(kind)))
        .collect();
    // Finite means of finite weights, but an f32 mean beyond 65504 is infinite in f16.
    if let Some(name) = not_a_number(&mean) {
        let stored = match kind {
            Kind::Half => "f16",
            Kind::BFloat16 => "bf16",
            _ => "f32",
        };
        bail!(
            "the mean of the weights is not a number once stored as {stored} (first in {name}); \
             nothing was written (use --save-dtype f32)"
        );
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    replace_file(&out.join("tokenizer.json"), |temp| {
        let tokenizer = &files[0].tokenizer;
        let bytes = crate::paths::read_regular_file(tokenizer, u64::MAX)
            .with_context(|| format!("cannot read {}", tokenizer.display()))?;
        std::fs::write(temp, bytes)?;
        Ok(())
    })?;
    // The first model's config, written anew: it names these weights' fingerprint, not the
    // first model's.
    let mut config = configs[0].clone();
    config.settings.role_transitions = transitions;
    save_weights_and_config(out, &config, &mean, || Ok(()))
}

/// A model's weights in f32, sorted by name; refused, naming the file, when they are not all
/// numbers.
fn read_f32(path: &Path) -> Result<Vec<(String, Tensor)>> {
    let mut named: Vec<(String, Tensor)> = crate::ner::read_safetensors(path)?
        .into_iter()
        .map(|(n, t)| (n, t.to_kind(Kind::Float)))
        .collect();
    if let Some(name) = not_a_number(&named) {
        bail!(
            "{} holds values that are not numbers (first in {name}): the model of a run that \
             diverged, which no average can use",
            path.display()
        );
    }
    named.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(named)
}

/// The mean of CRF-trained models' sequence scores (`role_transitions`), averaged like their
/// weights; `None` when no model has them. Refuses a mix: a model without them decodes as if
/// they were zeros, and a mean with zeros would be neither model's.
fn mean_transitions(
    models: &[PathBuf],
    configs: &[ModelConfig],
) -> Result<Option<RoleTransitions>> {
    let all: Vec<&RoleTransitions> = configs
        .iter()
        .filter_map(|c| c.settings.role_transitions.as_ref())
        .collect();
    if all.is_empty() {
        return Ok(None);
    }
    if all.len() != configs.len() {
        let (with, without): (Vec<_>, Vec<_>) = models
            .iter()
            .zip(configs)
            .partition(|(_, c)| c.settings.role_transitions.is_some());
        bail!(
            "{} was trained with --crf and {} without: their sequence scores cannot be averaged",
            with[0].0.display(),
            without[0].0.display()
        );
    }
    let n = all.len() as f32;
    let mut mean = RoleTransitions::default();
    for t in all {
        for r in 0..3 {
            for tag in 0..3 {
                mean.start[r][tag] += t.start[r][tag] / n;
                for from in 0..3 {
                    mean.steps[r][from][tag] += t.steps[r][from][tag] / n;
                }
            }
        }
    }
    Ok(Some(mean))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::write_random_model;

    #[test]
    fn the_average_is_the_mean_of_each_weight_and_mismatches_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b, out) = (
            tmp.path().join("a"),
            tmp.path().join("b"),
            tmp.path().join("out"),
        );
        write_random_model(&a, &["iran"], 32, 1, None).unwrap();
        write_random_model(&b, &["iran"], 32, 2, None).unwrap();
        average_models(&[a.clone(), b.clone()], &out, Kind::Float).unwrap();
        let weights = |dir: &Path| read_f32(&dir.join("model.safetensors")).unwrap();
        let (wa, wb, mean) = (weights(&a), weights(&b), weights(&out));
        assert_eq!(mean.len(), wa.len());
        for (((name, m), (_, x)), (_, y)) in mean.iter().zip(&wa).zip(&wb) {
            let expected = (x + y) / 2.0;
            assert!(m.allclose(&expected, 1e-6, 1e-6, false), "{name}");
        }
        assert!(wa.iter().zip(&wb).any(|((_, x), (_, y))| !x.equal(y)));
        // The first model's tokenizer and config, which names the mean's weights.
        assert_eq!(
            std::fs::read(out.join("tokenizer.json")).unwrap(),
            std::fs::read(a.join("tokenizer.json")).unwrap()
        );
        let config = |dir: &Path| ModelFiles::locate(dir).unwrap().config().unwrap();
        let (first, written) = (config(&a), config(&out));
        let fingerprint = crate::ner::file_fingerprint(&out.join("model.safetensors"));
        assert_eq!(
            written.settings.weights_fingerprint,
            Some(fingerprint.unwrap())
        );
        assert_eq!(written.tags, first.tags);
        let bert = |c: &ModelConfig| serde_json::to_value(&c.bert).unwrap();
        assert_eq!(bert(&written), bert(&first));
        // One model, an output that is an input, other shapes: refused.
        assert!(average_models(std::slice::from_ref(&a), &out, Kind::Float).is_err());
        let err = average_models(&[a.clone(), b.clone()], &a, Kind::Float).unwrap_err();
        assert!(err.to_string().contains("would overwrite"), "{err}");
        let wide = tmp.path().join("wide");
        write_random_model(&wide, &["iran", "albania"], 32, 3, None).unwrap();
        let err = average_models(&[a, wide], &out, Kind::Float).unwrap_err();
        assert!(err.to_string().contains("other tensors"), "{err}");
    }
}
