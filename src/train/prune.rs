//! Pruning a starting model's feed-forward units (`train quotes --ffn-units N`): each encoder
//! block keeps the N units of its intermediate layer that weigh most, and the run then trains
//! the smaller model further.
//!
//! A unit `j` of block `l` is a row of `intermediate.dense` (its input weights and bias) and a
//! column of `output.dense` (what it adds back to the hidden state); its weight is the product
//! of the two vectors' norms, `‖W_in[j,:]‖ · ‖W_out[:,j]‖`, the size of what it can add. The
//! kept units stay in their order, so a model pruned to its own size is the same model:
//!
//! ```text
//! block 0: 1,536 units, norms products 0.9 0.1 2.3 0.4 …  --ffn-units 1280 keeps the 1,280
//! largest, in index order; intermediate.dense (1536×384 → 1280×384), output.dense (384×1536 →
//! 384×1280)
//! ```
//!
//! The feed-forward layers hold two thirds of a block's multiply-adds (2 · 384 · 1,536 of
//! 3 · 384 · 1,536 per piece at hidden 384), so a model with 1,280 units does about 11% less
//! work per piece (`models/quotes-en/MODEL_CARD.md` measures what it costs).

use anyhow::{Context, Result};
use rust_bert::bert::{BertConfig, BertForTokenClassification};
use tch::{nn, Kind, Tensor};

/// The model of `config` with `units` feed-forward units per block, its weights taken from
/// `full` (a model of `config`'s own intermediate size) as the module docs say; `config`
/// changes to the new size. Refuses a count of 0 or more than the model has.
pub fn keep_feed_forward_units(
    config: &mut BertConfig,
    full: &nn::VarStore,
    units: usize,
) -> Result<(nn::VarStore, BertForTokenClassification)> {
    if units == 0 || units as i64 > config.intermediate_size {
        let refusal = format!(
            "--ffn-units {units}: the starting model has {} units per block",
            config.intermediate_size
        );
        return Err(crate::usage::UsageError(refusal).into());
    }
    let from = full.variables();
    let kept: Vec<Tensor> = (0..config.num_hidden_layers)
        .map(|l| kept_units(&from, l, units))
        .collect::<Result<_>>()?;
    config.intermediate_size = units as i64;
    let vs = nn::VarStore::new(full.device());
    let model =
        BertForTokenClassification::new(vs.root(), config).map_err(|e| anyhow::anyhow!("{e}"))?;
    tch::no_grad(|| -> Result<()> {
        for (name, mut var) in vs.variables() {
            let src = from
                .get(&name)
                .with_context(|| format!("the starting model has no {name}"))?;
            let src = match feed_forward_part(&name) {
                Some((layer, dim)) => src.index_select(dim, &kept[layer]),
                None => src.shallow_clone(),
            };
            var.copy_(&src);
        }
        Ok(())
    })?;
    Ok((vs, model))
}

/// Block `layer`'s `units` heaviest feed-forward units, in index order.
fn kept_units(
    vars: &std::collections::HashMap<String, Tensor>,
    layer: i64,
    units: usize,
) -> Result<Tensor> {
    let get = |part: &str| {
        let name = format!("bert.encoder.layer.{layer}.{part}");
        vars.get(&name)
            .with_context(|| format!("the starting model has no {name}"))
    };
    let inputs = get("intermediate.dense.weight")?.to_kind(Kind::Float);
    let outputs = get("output.dense.weight")?.to_kind(Kind::Float);
    let weight =
        inputs.norm_scalaropt_dim(2, [1], false) * outputs.norm_scalaropt_dim(2, [0], false);
    let (_, heaviest) = weight.topk(units as i64, 0, true, true);
    let (in_order, _) = heaviest.sort(0, false);
    Ok(in_order)
}

/// Which block a feed-forward tensor belongs to and the dimension its units run along:
/// `bert.encoder.layer.3.intermediate.dense.weight` → (3, 0), `….output.dense.weight` → (3, 1);
/// None for every other tensor (the attention's own `attention.output.dense` included).
fn feed_forward_part(name: &str) -> Option<(usize, i64)> {
    let rest = name.strip_prefix("bert.encoder.layer.")?;
    let (layer, part) = rest.split_once('.')?;
    let dim = match part {
        "intermediate.dense.weight" | "intermediate.dense.bias" => 0,
        "output.dense.weight" => 1,
        _ => return None,
    };
    Some((layer.parse().ok()?, dim))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny_config() -> BertConfig {
        serde_json::from_value(serde_json::json!({
            "hidden_act": "gelu", "attention_probs_dropout_prob": 0.0, "hidden_dropout_prob": 0.0,
            "hidden_size": 8, "initializer_range": 0.02, "intermediate_size": 6,
            "max_position_embeddings": 16, "num_attention_heads": 2, "num_hidden_layers": 2,
            "type_vocab_size": 2, "vocab_size": 20, "id2label": {"0": "O", "1": "B"},
            "label2id": {"O": 0, "B": 1}
        }))
        .unwrap()
    }

    /// A tiny model of random weights, its config and its weights' store.
    fn tiny_model(seed: i64) -> (BertConfig, nn::VarStore, BertForTokenClassification) {
        tch::manual_seed(seed);
        let config = tiny_config();
        let full = nn::VarStore::new(tch::Device::Cpu);
        let model = BertForTokenClassification::new(full.root(), &config).unwrap();
        (config, full, model)
    }

    fn logits(model: &BertForTokenClassification) -> Tensor {
        let ids = Tensor::from_slice(&[1i64, 5, 7, 2]).view([1, 4]);
        model
            .forward_t(Some(&ids), None, None, None, None, false)
            .logits
    }

    #[test]
    fn a_model_pruned_to_its_own_size_is_the_same_model() {
        let (mut config, full, model) = tiny_model(3);
        let (_vs, same) = keep_feed_forward_units(&mut config, &full, 6).unwrap();
        assert!(logits(&model).allclose(&logits(&same), 1e-6, 1e-6, false));
    }

    #[test]
    fn the_heaviest_units_stay_in_order_and_units_that_add_nothing_go() {
        let (mut config, full, model) = tiny_model(4);
        // Units 1 and 4 of every block add nothing back: their output columns are zero.
        tch::no_grad(|| {
            for l in 0..2 {
                let w = full.variables()[&format!("bert.encoder.layer.{l}.output.dense.weight")]
                    .shallow_clone();
                let _ = w.narrow(1, 1, 1).zero_();
                let _ = w.narrow(1, 4, 1).zero_();
            }
        });
        let before = logits(&model);
        let (vs, pruned) = keep_feed_forward_units(&mut config, &full, 4).unwrap();
        assert_eq!(config.intermediate_size, 4);
        let kept = kept_units(&full.variables(), 0, 4).unwrap();
        assert_eq!(Vec::<i64>::try_from(&kept).unwrap(), vec![0, 2, 3, 5]);
        let shape = vs.variables()["bert.encoder.layer.1.output.dense.weight"].size();
        assert_eq!(shape, vec![8, 4]);
        assert!(before.allclose(&logits(&pruned), 1e-5, 1e-5, false));
    }

    #[test]
    fn only_the_feed_forward_tensors_are_cut() {
        assert_eq!(
            feed_forward_part("bert.encoder.layer.3.intermediate.dense.bias"),
            Some((3, 0))
        );
        assert_eq!(
            feed_forward_part("bert.encoder.layer.12.output.dense.weight"),
            Some((12, 1))
        );
        assert_eq!(
            feed_forward_part("bert.encoder.layer.3.output.dense.bias"),
            None
        );
        assert_eq!(
            feed_forward_part("bert.encoder.layer.3.attention.output.dense.weight"),
            None
        );
        assert_eq!(feed_forward_part("classifier.weight"), None);
    }

    #[test]
    fn more_units_than_the_model_has_are_refused() {
        let (mut config, full, _model) = tiny_model(5);
        assert!(keep_feed_forward_units(&mut config, &full, 7).is_err());
        assert!(keep_feed_forward_units(&mut config, &full, 0).is_err());
    }
}
