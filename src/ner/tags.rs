//! From the model's tags to mentions: window tags back to a document's words (the one place
//! that knows how a document's windows map onto its words), then BIO tags into mentions.
//!
//! A document of 7 words whose second sentence (words 3..5) was skipped has windows covering
//! words 0..3 and 5..7; their tags land on those words, and words 3 and 4 get O with
//! probability 1, as if the model had said so.

use std::ops::Range;

use super::{EntityLabel, Mention, Tag, Window, WordTag};
use crate::span::Span;

/// The tag of every one of a document's `words`, from the tags of its `windows` (taken from
/// `tags` in window order, one list per window, one tag per entry of its `word_starts`).
pub fn document_word_tags(
    words: usize,
    windows: &[Window],
    tags: &mut impl Iterator<Item = Vec<WordTag>>,
) -> Vec<WordTag> {
    let outside = WordTag {
        label: 0,
        prob: 1.0,
    };
    let mut word_tags = vec![outside; words];
    for window in windows {
        let window_tags = tags.next().unwrap_or_default();
        for (&(_, word), tag) in window.word_starts.iter().zip(window_tags) {
            word_tags[word] = tag;
        }
    }
    word_tags
}

/// A run of words tagged as one entity: `words` indexes the tagged word list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaggedEntity {
    pub words: Range<usize>,
    pub label: EntityLabel,
}

/// Decodes word tags into entities, the way conlleval reads IOB: an I-X that does not continue
/// an X starts a new entity, so IOB1 and IOB2 both decode, and a B-X always starts one.
pub fn decode_tags(tags: impl IntoIterator<Item = Tag>) -> Vec<TaggedEntity> {
    let mut out = Vec::new();
    let mut open: Option<(usize, EntityLabel)> = None;
    let mut n = 0;
    for (i, tag) in tags.into_iter().enumerate() {
        n = i + 1;
        if let (Tag::Inside(label), Some((_, open_label))) = (tag, open) {
            if label == open_label {
                continue;
            }
        }
        if let Some((start, label)) = open.take() {
            out.push(TaggedEntity {
                words: start..i,
                label,
            });
        }
        open = tag.label().map(|label| (i, label));
    }
    if let Some((start, label)) = open {
        out.push(TaggedEntity {
            words: start..n,
            label,
        });
    }
    out
}

/// Turns one article's word tags into mentions over its word spans, reading each tag's id in
/// the model's `tag_set`. Mentions made only of punctuation are dropped.
pub fn mentions_from_tags(
    text: &str,
    words: &[Span],
    tags: &[WordTag],
    tag_set: &[Tag],
) -> Vec<Mention> {
    let typed = tags.iter().map(|t| t.tag(tag_set));
    decode_tags(typed)
        .into_iter()
        .filter_map(|entity| {
            let (s, e) = (entity.words.start, entity.words.end);
            let span = Span::new(words[s].start, words[e - 1].end);
            if !text[span.range()].chars().any(|c| c.is_alphanumeric()) {
                return None;
            }
            let score = tags[s..e].iter().map(|t| t.prob).sum::<f32>() / (e - s) as f32;
            Some(Mention {
                span,
                label: entity.label,
                score,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skipped_words_are_outside_and_windows_land_on_their_words() {
        let window = |starts: &[usize]| Window {
            word_starts: starts
                .iter()
                .enumerate()
                .map(|(i, &w)| (i + 1, w))
                .collect(),
            ..Window::default()
        };
        let tag = |label| WordTag { label, prob: 0.5 };
        let windows = [window(&[0, 1, 2]), window(&[5, 6])];
        let mut tags = vec![vec![tag(1), tag(2), tag(3)], vec![tag(4), tag(5)]].into_iter();
        let got = document_word_tags(7, &windows, &mut tags);
        let labels: Vec<usize> = got.iter().map(|t| t.label).collect();
        assert_eq!(labels, [1, 2, 3, 0, 0, 4, 5]);
        assert_eq!(got[3].prob, 1.0);
        assert!(tags.next().is_none(), "each window takes its own tags");
    }

    #[test]
    fn decode_iob1_and_iob2() {
        let tags = [
            "B-PER", "I-PER", "O", "I-LOC", "I-LOC", "B-LOC", "I-ORG", "B-ORG", "B-ORG",
        ];
        let decoded = |tags: &[&str]| -> Vec<(usize, usize, EntityLabel)> {
            decode_tags(crate::ner::parse_tags(&tags.join(" ")))
                .into_iter()
                .map(|e| (e.words.start, e.words.end, e.label))
                .collect()
        };
        use EntityLabel::*;
        assert_eq!(
            decoded(&tags),
            vec![
                (0, 2, Per),
                (3, 5, Loc),
                (5, 6, Loc),
                (6, 7, Org),
                (7, 8, Org),
                (8, 9, Org)
            ]
        );
        assert_eq!(decoded(&["O", "O"]), vec![]);
        assert_eq!(decoded(&["I-MISC"]), vec![(0, 1, Misc)]);
    }

    #[test]
    fn mentions_map_to_byte_spans_and_skip_punctuation() {
        let text = "“Sandër Lleshaj” said.";
        let words = crate::text::split_words(text, Span::new(0, text.len()));
        let labels = [
            Tag::Outside,
            Tag::Begin(EntityLabel::Per),
            Tag::Inside(EntityLabel::Per),
        ];
        let t = |label| WordTag { label, prob: 0.5 };
        let tags = vec![t(1), t(1), t(2), t(0), t(0), t(0)];
        let m = mentions_from_tags(text, &words, &tags, &labels);
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(&text[m[0].span.range()], "Sandër Lleshaj");
        assert_eq!(m[0].label, EntityLabel::Per);
    }
}
