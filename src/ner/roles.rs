//! The attribution model's label set, as types, and its constrained decoding.
//!
//! An attribution has three roles: who speaks (**source**), the words that introduce the speech
//! (**cue**) and what is said (**content**). The model tags each word once per role, `O`, `B` or
//! `I`, so the roles may nest — a content can hold another attribution's source and cue:
//!
//! ```text
//! Lleshaj   said  the  MEK   was  not  a  threat  .
//! source:   B     O    O     O    O    O  O  O       O
//! cue:      O     B    O     O    O    O  O  O       O
//! content:  O     O    B     I    I    I  I  I       O
//! ```
//!
//! Its nine outputs are the three roles' `O`/`B`/`I` in that order ([`role_label_names`]), each
//! role a softmax of its own. Decoding ([`decode_role`]) is Viterbi over each role's scores with
//! the one BIO constraint: `I` only after `B` or `I`, so every segment starts with a `B`.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use anyhow::{bail, Error, Result};
use serde::{Deserialize, Serialize};

use super::viterbi::{best_path, log_softmax, FORBIDDEN};

/// A part of an attribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Source,
    Cue,
    Content,
}

impl Role {
    /// In label order.
    pub const ALL: [Role; 3] = [Role::Source, Role::Cue, Role::Content];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Source => "SOURCE",
            Role::Cue => "CUE",
            Role::Content => "CONTENT",
        }
    }

    /// The role's place in the model's outputs: its `O`/`B`/`I` labels are
    /// `3 × index .. 3 × index + 3`.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = Error;

    /// Reads a role as the brat files name it (`Source`, `Cue`, `Content`), in any case.
    fn from_str(s: &str) -> Result<Role> {
        Ok(match s.to_ascii_uppercase().as_str() {
            "SOURCE" => Role::Source,
            "CUE" => Role::Cue,
            "CONTENT" => Role::Content,
            other => bail!("unknown attribution role {other}"),
        })
    }
}

/// A word's tag within one role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Bio {
    #[default]
    O,
    B,
    I,
}

impl Bio {
    pub const ALL: [Bio; 3] = [Bio::O, Bio::B, Bio::I];

    /// The label id of this tag of `role` among the model's nine outputs.
    pub fn label(self, role: Role) -> usize {
        role.index() * 3 + self as usize
    }
}

/// The model's label names by id: `SOURCE-O`, `SOURCE-B`, …, `CONTENT-I`.
pub fn role_label_names() -> Vec<String> {
    let tag = |b: Bio| match b {
        Bio::O => "O",
        Bio::B => "B",
        Bio::I => "I",
    };
    Role::ALL
        .iter()
        .flat_map(|r| Bio::ALL.iter().map(move |&b| format!("{r}-{}", tag(b))))
        .collect()
}

/// The number of outputs of an attribution model.
pub const ROLE_LABELS: usize = 9;

/// Learned sequence scores of a CRF-trained attribution model (`train quotes --crf`), per role:
/// `start[role][tag]` for a paragraph's first word, `steps[role][previous][tag]` for each later
/// one, added to the tags' log-probabilities. Stored in the model's config.json
/// (`role_transitions`); a model without them decodes with zeros.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RoleTransitions {
    pub start: [[f32; 3]; 3],
    pub steps: [[[f32; 3]; 3]; 3],
}

/// The best BIO sequence for one role over a run of words, from the model's nine logits per word
/// (`logits.len() == 9 × words`): [`best_path`] over the role's log-softmax scores plus the
/// model's learned `transitions` if it has them, `I` allowed only after `B` or `I` (an `I` the
/// greedy choice would start with becomes the better of `B` and `O`).
///
/// A CRF trains on raw logits, decoding here on log-softmax scores: the two differ at each word
/// by one constant shared by its three tags, so every path shifts alike and the best stays best.
pub fn decode_role(logits: &[f32], role: Role, transitions: Option<&RoleTransitions>) -> Vec<Bio> {
    let columns = role.index() * 3..role.index() * 3 + 3;
    let log_probs: Vec<f32> = logits
        .chunks_exact(ROLE_LABELS)
        .flat_map(|row| log_softmax(&row[columns.clone()]))
        .collect();
    let r = role.index();
    let inside = Bio::I as usize;
    let start = |tag: usize| match transitions {
        _ if tag == inside => FORBIDDEN,
        Some(t) => -t.start[r][tag],
        None => 0.0,
    };
    let step = |previous: usize, tag: usize| match transitions {
        _ if tag == inside && previous == Bio::O as usize => FORBIDDEN,
        Some(t) => -t.steps[r][previous][tag],
        None => 0.0,
    };
    let path = best_path(&log_probs, 3, start, step);
    path.into_iter().map(|tag| Bio::ALL[tag]).collect()
}

/// The segments of a BIO sequence, as word ranges: each `B` and the `I`s after it.
pub fn segments(tags: &[Bio]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for (w, tag) in tags.iter().enumerate() {
        match tag {
            Bio::B => out.push(w..w + 1),
            Bio::I => match out.last_mut() {
                Some(last) if last.end == w => last.end = w + 1,
                // Decoded sequences never start a segment with I; a hand-made one may.
                _ => out.push(w..w + 1),
            },
            Bio::O => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nine logits per word where `role` has the given per-tag scores, other roles say O.
    fn logits(role: Role, rows: &[[f32; 3]]) -> Vec<f32> {
        let mut out = Vec::new();
        for row in rows {
            for r in Role::ALL {
                if r == role {
                    out.extend_from_slice(row);
                } else {
                    out.extend_from_slice(&[5.0, 0.0, 0.0]);
                }
            }
        }
        out
    }

    #[test]
    fn labels_are_role_major() {
        let names = role_label_names();
        assert_eq!(names.len(), ROLE_LABELS);
        assert_eq!(names[Bio::B.label(Role::Cue)], "CUE-B");
        assert_eq!(names[Bio::I.label(Role::Content)], "CONTENT-I");
        assert_eq!("content".parse::<Role>().unwrap(), Role::Content);
        assert!("speaker".parse::<Role>().is_err());
    }

    #[test]
    fn viterbi_never_starts_a_segment_with_inside() {
        // Greedy: O I I O. The I after O is not allowed: the best valid path turns it into B.
        let rows = [
            [3.0, 0.0, 0.0],
            [0.0, 1.0, 2.0],
            [0.0, 0.0, 3.0],
            [3.0, 0.0, 0.0],
        ];
        let tags = decode_role(&logits(Role::Content, &rows), Role::Content, None);
        assert_eq!(tags, [Bio::O, Bio::B, Bio::I, Bio::O]);
        assert_eq!(segments(&tags), vec![1..3usize]);
        // A first word cannot be I either.
        let tags = decode_role(
            &logits(Role::Source, &[[0.0, 1.0, 4.0]]),
            Role::Source,
            None,
        );
        assert_eq!(tags, [Bio::B]);
        // Other roles are read from their own columns.
        let tags = decode_role(&logits(Role::Source, &[[0.0, 4.0, 0.0]]), Role::Cue, None);
        assert_eq!(tags, [Bio::O]);
        assert!(decode_role(&[], Role::Cue, None).is_empty());
    }

    #[test]
    fn learned_transitions_join_what_the_words_alone_would_split() {
        // Word by word: B B (two one-word segments). A CRF that learned B→B is rare and B→I
        // common reads one two-word segment; its start scores still cannot make I first.
        let rows = [[0.0, 3.0, 1.0], [0.0, 3.0, 2.0]];
        let content = logits(Role::Content, &rows);
        assert_eq!(decode_role(&content, Role::Content, None), [Bio::B, Bio::B]);
        let mut learned = RoleTransitions::default();
        let r = Role::Content.index();
        learned.steps[r][Bio::B as usize][Bio::B as usize] = -2.0;
        learned.steps[r][Bio::B as usize][Bio::I as usize] = 1.0;
        learned.start[r][Bio::I as usize] = 50.0;
        let tags = decode_role(&content, Role::Content, Some(&learned));
        assert_eq!(tags, [Bio::B, Bio::I]);
        // Another role's scores do not touch this one.
        assert_eq!(
            decode_role(&content, Role::Source, Some(&learned)),
            [Bio::O, Bio::O]
        );
    }

    #[test]
    fn segments_split_at_each_begin() {
        use Bio::*;
        assert_eq!(segments(&[B, I, B, O, B, I, I]), [0..2, 2..3, 4..7]);
        assert_eq!(segments(&[O, I, I]), vec![1..3usize]);
        assert!(segments(&[O, O]).is_empty());
    }
}
