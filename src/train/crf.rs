//! A linear-chain CRF over each attribution role's O/B/I tags (`train quotes --crf`): the
//! model's per-word scores plus learned scores for a sequence's first tag and for each step from
//! one tag to the next, trained on the whole sequence's likelihood instead of each word's.
//!
//! Per role, a paragraph tagged `O B I I O` scores `start[O] + step[O→B] + step[B→I] +
//! step[I→I] + step[I→O]` plus its five words' scores; the loss is the log of the sum of
//! `exp(score)` over every tag sequence (the forward algorithm) less the gold sequence's score.
//! A step the gold tags never take (`O→I`) learns a low score, so the model learns where
//! contents, cues and sources begin and end as sequences, where the per-word loss learns each
//! word alone. Decoding ([`crate::ner::decode_role`]) adds the same scores, which the trained
//! model keeps in its config.json (`role_transitions`), not in its weights file.

use tch::{nn, Kind, Tensor};

use crate::ner::RoleTransitions;

/// The var-store path of the sequence scores: variables under it are saved in config.json.
pub const CRF_PATH: &str = "crf";

/// The optimiser group of the sequence scores, and their learning rate as a multiple of the
/// encoder's: from zero they must reach a few units within one run, where fine-tuning moves
/// weights by hundredths (BERT-CRF taggers commonly train the CRF 100 times faster).
pub const CRF_GROUP: usize = 1;
pub const CRF_LR_MULTIPLE: f64 = 100.0;

/// The trained sequence scores: `[role, from, tag]`, `from` 0–2 the previous tag (O, B, I) and
/// 3 the start of a sequence.
pub struct Crf {
    transitions: Tensor,
}

/// One window's gold tags, per labelled word: each role's O/B/I id.
pub type GoldTags = [Vec<[i64; 3]>];

/// The `from` of a sequence's first tag, after the three tags' own.
const START: usize = 3;
/// The number of sequence scores: 3 roles × 4 `from`s × 3 tags.
const SLOTS: usize = 3 * 4 * 3;

/// Where `[role, from, tag]` sits in the scores' flat (row-major `[3, 4, 3]`) layout.
fn slot(role: usize, from: usize, tag: usize) -> usize {
    (role * 4 + from) * 3 + tag
}

impl Crf {
    /// New scores under `vs` (`crf/transitions`), zeros or a trained model's.
    pub fn new(vs: &nn::Path, start_from: Option<&RoleTransitions>) -> Crf {
        let path = vs.sub(CRF_PATH).set_group(CRF_GROUP);
        let transitions = path.zeros("transitions", &[3, 4, 3]);
        if let Some(t) = start_from {
            let mut values = vec![0f32; SLOTS];
            for r in 0..3 {
                for tag in 0..3 {
                    values[slot(r, START, tag)] = t.start[r][tag];
                    for from in 0..3 {
                        values[slot(r, from, tag)] = t.steps[r][from][tag];
                    }
                }
            }
            tch::no_grad(|| {
                let mut var = transitions.shallow_clone();
                var.copy_(
                    &Tensor::from_slice(&values)
                        .view([3, 4, 3])
                        .to_device(var.device()),
                );
            });
        }
        Crf { transitions }
    }

    /// The scores as they are now, for decoding and for config.json.
    pub fn current(&self) -> RoleTransitions {
        let values: Vec<f32> = Vec::try_from(self.transitions.to_kind(Kind::Float).flatten(0, -1))
            .expect("a float tensor");
        let at = |r: usize, from: usize, tag: usize| values[slot(r, from, tag)];
        RoleTransitions {
            start: [0, 1, 2].map(|r| [0, 1, 2].map(|tag| at(r, START, tag))),
            steps: [0, 1, 2].map(|r| [0, 1, 2].map(|from| [0, 1, 2].map(|tag| at(r, from, tag)))),
        }
    }

    /// The negative log-likelihood of the gold sequences, per labelled word and role.
    /// `scores`: each window's labelled words' nine outputs, `[windows, longest, 9]`, padded;
    /// `gold`: each window's tags, one entry per labelled word in order.
    pub fn loss(&self, scores: &Tensor, gold: &GoldTags) -> Tensor {
        let device = scores.device();
        let (windows, longest) = (gold.len(), gold.iter().map(Vec::len).max().unwrap_or(0));
        let emissions = scores.view([windows as i64, longest as i64, 3, 3]);
        let mut mask = vec![false; windows * longest];
        let mut tags = vec![0i64; windows * longest * 3];
        let mut counts = vec![0f32; SLOTS];
        for (w, words) in gold.iter().enumerate() {
            for (i, roles) in words.iter().enumerate() {
                mask[w * longest + i] = true;
                tags[(w * longest + i) * 3..][..3].copy_from_slice(roles);
                for r in 0..3 {
                    let from = if i == 0 {
                        START
                    } else {
                        words[i - 1][r] as usize
                    };
                    counts[slot(r, from, roles[r] as usize)] += 1.0;
                }
            }
        }
        let mask = Tensor::from_slice(&mask)
            .view([windows as i64, longest as i64])
            .to_device(device);
        let tags = Tensor::from_slice(&tags).view([windows as i64, longest as i64, 3, 1]);
        let counts = Tensor::from_slice(&counts)
            .view([3, 4, 3])
            .to_device(device);
        let gold_emissions = emissions
            .gather(3, &tags.to_device(device), false)
            .squeeze_dim(3)
            * mask.unsqueeze(2).to_kind(Kind::Float);
        let gold_score =
            gold_emissions.sum(Kind::Float) + (&counts * &self.transitions).sum(Kind::Float);
        let log_partition = self.log_partition(&emissions, &mask);
        let words: usize = gold.iter().map(Vec::len).sum();
        (log_partition - gold_score) / (3 * words.max(1)) as f64
    }

    /// The log of the summed exp-scores of every sequence, over windows and roles (the forward
    /// algorithm, all windows and roles at once, one step per word).
    fn log_partition(&self, emissions: &Tensor, mask: &Tensor) -> Tensor {
        let start = self
            .transitions
            .narrow(1, START as i64, 1)
            .squeeze_dim(1)
            .unsqueeze(0);
        let steps = self.transitions.narrow(1, 0, START as i64).unsqueeze(0);
        let longest = emissions.size()[1];
        let mut alpha = start + emissions.select(1, 0);
        for t in 1..longest {
            let next = (alpha.unsqueeze(3) + &steps).logsumexp([2], false) + emissions.select(1, t);
            alpha = next.where_self(&mask.select(1, t).view([-1, 1, 1]), &alpha);
        }
        // A window without labelled words has no sequence to count.
        let nonempty = mask.select(1, 0).to_kind(Kind::Float).view([-1, 1]);
        (alpha.logsumexp([2], false) * nonempty).sum(Kind::Float)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The score of one role's tag sequence, written out.
    fn sequence_score(
        t: &RoleTransitions,
        r: usize,
        emissions: &[[f32; 9]],
        tags: &[usize],
    ) -> f32 {
        let mut score = t.start[r][tags[0]];
        for (i, &tag) in tags.iter().enumerate() {
            score += emissions[i][r * 3 + tag];
            if i > 0 {
                score += t.steps[r][tags[i - 1]][tag];
            }
        }
        score
    }

    #[test]
    fn the_loss_is_the_negative_log_likelihood_over_every_sequence() {
        let vs = nn::VarStore::new(tch::Device::Cpu);
        let mut trained = RoleTransitions::default();
        for r in 0..3 {
            trained.start[r] = [0.5, -0.2 * r as f32, -1.0];
            for from in 0..3 {
                trained.steps[r][from] = [0.1 * from as f32, -0.3, 0.2 * r as f32 - 0.4];
            }
        }
        let crf = Crf::new(&vs.root(), Some(&trained));
        assert_eq!(crf.current(), trained);
        // Two windows: three labelled words, and one (padded to three).
        let emissions: Vec<[f32; 9]> = (0..6)
            .map(|w| std::array::from_fn(|k| ((w * 9 + k) as f32 * 0.37).sin()))
            .collect();
        let gold: Vec<Vec<[i64; 3]>> = vec![vec![[0, 1, 1], [1, 2, 2], [2, 0, 0]], vec![[1, 0, 2]]];
        let flat: Vec<f32> = emissions.iter().flatten().copied().collect();
        let scores = Tensor::from_slice(&flat).view([2, 3, 9]);
        let got = crf.loss(&scores, &gold).double_value(&[]);
        let mut expected = 0.0f64;
        for (w, words) in gold.iter().enumerate() {
            let em = &emissions[w * 3..w * 3 + words.len()];
            for r in 0..3 {
                let n = words.len();
                let all: Vec<f64> = (0..3usize.pow(n as u32))
                    .map(|code| {
                        let tags: Vec<usize> =
                            (0..n).map(|i| code / 3usize.pow(i as u32) % 3).collect();
                        sequence_score(&trained, r, em, &tags) as f64
                    })
                    .collect();
                let log_z = all.iter().map(|s| s.exp()).sum::<f64>().ln();
                let gold_tags: Vec<usize> = words.iter().map(|t| t[r] as usize).collect();
                expected += log_z - sequence_score(&trained, r, em, &gold_tags) as f64;
            }
        }
        expected /= 3.0 * 4.0;
        assert!((got - expected).abs() < 1e-5, "{got} vs {expected}");
    }
}
