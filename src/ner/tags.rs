//! From the model's scores to mentions: each window's best tag sequence ([`best_tags`]),
//! window tags back to a document's words (the one place that knows how a document's windows
//! map onto its words), then BIO tags into mentions.
//!
//! A document of 7 words whose second sentence (words 3..5) was skipped has windows covering
//! words 0..3 and 5..7; their tags land on those words, and words 3 and 4 get O with
//! probability 1, as if the model had said so.

use std::ops::Range;

use super::viterbi::{best_path, log_softmax};
use super::{EntityLabel, Mention, Tag, TagScheme, Window, WordTag};
use crate::span::Span;
use crate::text::Document;

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

/// The cost, in log-probability, of an I-X right after a tag of another entity type (IOB2):
/// the price at which decoding keeps the type switch (which [`decode_tags`] reads as a new X)
/// rather than relabel a neighbour. Chosen on CoNLL-2003 dev, the project's entity fixtures and
/// the seed article among 0.5 to 3 and no switch at all (the model card): dev F1 rises with
/// the cost up to about 2, but from 1.5 the seed's `Albanian Vizion Plus` (a broadcaster)
/// merges into one ORG; 1 keeps a margin below that.
const TYPE_SWITCH_COST: f32 = 1.0;

/// One window's word tags from its words' logits (words × labels, row-major; label ids index
/// `tag_set`): the sequence with the highest sum of log-probabilities, less
/// [`TYPE_SWITCH_COST`] for each I-X that follows a tag of another type (IOB2 models; IOB1
/// ones take each word's best tag), found by Viterbi; each word with its tag's probability.
///
/// Word by word, `Greek Orthodox Church` may come out `B-MISC I-ORG I-ORG` (the model torn
/// between a demonym and an organisation), which reads as two entities, MISC `Greek` and ORG
/// `Orthodox Church`. Here `B-ORG I-ORG I-ORG` (one entity) wins when `Greek`'s B-ORG is less
/// than about e ≈ 2.7 times less likely than its B-MISC; otherwise the split stands, as for
/// the seed article's confident MISC `Albanian` before the broadcaster `Vizion Plus`. An I-X
/// after O, or opening a window, costs nothing: it reads as the start of an X either way. Ties
/// go to the lower id.
pub fn best_tags(logits: &[f32], tag_set: &[Tag], scheme: TagScheme) -> Vec<WordTag> {
    let labels = tag_set.len().max(1);
    let log_probs: Vec<f32> = logits.chunks_exact(labels).flat_map(log_softmax).collect();
    let step =
        |previous: usize, next: usize| match (scheme, tag_set[previous].label(), tag_set[next]) {
            (TagScheme::Iob2, Some(before), Tag::Inside(label)) if before != label => {
                TYPE_SWITCH_COST
            }
            _ => 0.0,
        };
    let path = best_path(&log_probs, labels, |_| 0.0, step);
    path.into_iter()
        .enumerate()
        .map(|(word, label)| WordTag {
            label,
            prob: log_probs[word * labels + label].exp(),
        })
        .collect()
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
/// the model's `tag_set`. Mentions made only of punctuation are dropped, and emoji words at a
/// mention's ends are left out of it. A mention never runs
/// over the start of a paragraph (`paragraph_starts`, word indices, in order): a window holds
/// several sentences, and an I- tag on a paragraph's first word continued the name that ended
/// the last one, `Adelson⏎⏎Courted by most …` → one PER `Adelson Courted`; it is split there
/// instead. (Sentence starts are not: the sentence splitter's mistakes inside a paragraph, `ST.
/// LOUIS`, `Warner Bros. Theater Ventures`, the model reads through.)
/// [`mentions_from_tags`] over a document: its words, split at its paragraphs' starts. The one
/// way a run or an evaluation turns a document's tags into mentions.
pub fn document_mentions(doc: &Document, tags: &[WordTag], tag_set: &[Tag]) -> Vec<Mention> {
    mentions_from_tags(
        &doc.text,
        &doc.tokens,
        tags,
        tag_set,
        &doc.paragraph_starts(),
    )
}

fn mentions_from_tags(
    text: &str,
    words: &[Span],
    tags: &[WordTag],
    tag_set: &[Tag],
    paragraph_starts: &[usize],
) -> Vec<Mention> {
    let typed = tags.iter().map(|t| t.tag(tag_set));
    decode_tags(typed)
        .into_iter()
        .flat_map(|entity| split_at(entity, paragraph_starts))
        .filter_map(|entity| {
            // An emoji the model read into a name is no part of it (`Ana Kovač 👩🏽‍⚖️`).
            let is_emoji = |w: usize| crate::text::is_emoji_word(&text[words[w].range()]);
            let (mut s, mut e) = (entity.words.start, entity.words.end);
            while s < e && is_emoji(s) {
                s += 1;
            }
            while s < e && is_emoji(e - 1) {
                e -= 1;
            }
            if s == e {
                return None;
            }
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

/// The entity cut at every one of `starts` inside it, each piece with its label.
fn split_at(entity: TaggedEntity, starts: &[usize]) -> Vec<TaggedEntity> {
    let words = entity.words;
    let first = starts.partition_point(|&s| s <= words.start);
    let cuts = starts[first..]
        .iter()
        .take_while(|&&s| s < words.end)
        .copied();
    let bounds: Vec<usize> = std::iter::once(words.start)
        .chain(cuts)
        .chain(std::iter::once(words.end))
        .collect();
    bounds
        .windows(2)
        .map(|w| TaggedEntity {
            words: w[0]..w[1],
            label: entity.label,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// O, B-ORG, I-ORG, B-MISC, I-MISC, as a model's ids.
    fn tag_set() -> Vec<Tag> {
        use EntityLabel::{Misc, Org};
        vec![
            Tag::Outside,
            Tag::Begin(Org),
            Tag::Inside(Org),
            Tag::Begin(Misc),
            Tag::Inside(Misc),
        ]
    }

    /// Logits that put `favourite` (per word) at `high` and everything else at 0.
    fn logits(rows: &[(usize, f32)]) -> Vec<f32> {
        rows.iter()
            .flat_map(|&(favourite, high)| {
                (0..5).map(move |l| if l == favourite { high } else { 0.0 })
            })
            .collect()
    }

    fn labels(tags: &[WordTag]) -> Vec<usize> {
        tags.iter().map(|t| t.label).collect()
    }

    #[test]
    fn iob2_decoding_keeps_a_best_sequence_without_type_switches() {
        // O B-ORG I-ORG O, and an I-ORG after O (read as a new ORG): the word-by-word choice.
        let plain = logits(&[(0, 3.0), (1, 3.0), (2, 3.0), (0, 3.0), (2, 3.0)]);
        let tags = best_tags(&plain, &tag_set(), TagScheme::Iob2);
        assert_eq!(labels(&tags), [0, 1, 2, 0, 2]);
        let p = (3f32.exp() / (3f32.exp() + 4.0)) as f64;
        assert!((tags[1].prob as f64 - p).abs() < 1e-6);
    }

    #[test]
    fn iob2_decoding_weighs_a_type_switch_against_relabelling() {
        // Word by word O B-MISC I-ORG I-ORG: two entities of a torn model. B-ORG a close second
        // on the second word: relabelling it costs less than the switch, so one ORG.
        let mut torn = logits(&[(0, 5.0), (3, 2.0), (2, 4.0), (2, 4.0)]);
        torn[5 + 1] = 1.8;
        let tags = best_tags(&torn, &tag_set(), TagScheme::Iob2);
        assert_eq!(labels(&tags), [0, 1, 2, 2]);
        // A confident B-MISC: the switch stands (MISC, then a new ORG).
        torn[5 + 3] = 6.0;
        let tags = best_tags(&torn, &tag_set(), TagScheme::Iob2);
        assert_eq!(labels(&tags), [0, 3, 2, 2]);
        // IOB1 allows any sequence: the word-by-word choice.
        torn[5 + 3] = 2.0;
        let any = best_tags(&torn, &tag_set(), TagScheme::Iob1);
        assert_eq!(labels(&any), [0, 3, 2, 2]);
        assert!(best_tags(&[], &tag_set(), TagScheme::Iob2).is_empty());
    }

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

    /// O, B-PER, I-PER.
    fn person_tag_set() -> [Tag; 3] {
        use EntityLabel::Per;
        [Tag::Outside, Tag::Begin(Per), Tag::Inside(Per)]
    }

    /// The tag of id `label` at probability 0.5.
    fn word_tag(label: usize) -> WordTag {
        WordTag { label, prob: 0.5 }
    }

    #[test]
    fn mentions_map_to_byte_spans_and_skip_punctuation() {
        let text = "“Sandër Lleshaj” said.";
        let words = crate::text::split_words(text, Span::new(0, text.len()));
        let (labels, t) = (person_tag_set(), word_tag);
        let tags = vec![t(1), t(1), t(2), t(0), t(0), t(0)];
        let m = mentions_from_tags(text, &words, &tags, &labels, &[0]);
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(&text[m[0].span.range()], "Sandër Lleshaj");
        assert_eq!(m[0].label, EntityLabel::Per);
    }

    /// An outside check: the model read the emoji around a name into it, `Ana Kovač 👩🏽‍⚖️` and
    /// `🇭🇷Ana` (an entity keyed `ana 👩🏽⚖️kovac`); a mention of emoji alone is none.
    #[test]
    fn emoji_at_a_mentions_ends_are_left_out() {
        let text = "Minister 🇭🇷Ana Kovač 👩🏽\u{200D}⚖\u{FE0F} said 😀";
        let words = crate::text::split_words(text, Span::new(0, text.len()));
        let (labels, t) = (person_tag_set(), word_tag);
        // Minister 🇭🇷 Ana Kovač 👩🏽‍⚖️ said 😀
        let tags = vec![t(0), t(1), t(2), t(2), t(2), t(0), t(1)];
        let m = mentions_from_tags(text, &words, &tags, &labels, &[0]);
        let names: Vec<&str> = m.iter().map(|m| &text[m.span.range()]).collect();
        assert_eq!(names, ["Ana Kovač"]);
    }

    /// A title line `Adelson` tagged B-PER and the next paragraph's first word I-PER made one
    /// person `Adelson⏎⏎Courted`.
    #[test]
    fn a_mention_stops_at_a_paragraph_start() {
        let text = "Adelson\n\nCourted by Mary Lou Jones";
        let doc = crate::text::Document::new(
            "a".into(),
            String::new(),
            text.into(),
            &crate::clean::clean(text),
        );
        let starts = doc.paragraph_starts();
        assert_eq!(starts, [0, 1]);
        let (labels, t) = (person_tag_set(), word_tag);
        // Adelson Courted by Mary Lou Jones
        let tags = vec![t(1), t(2), t(0), t(1), t(2), t(2)];
        let m = mentions_from_tags(text, &doc.tokens, &tags, &labels, &starts);
        let names: Vec<&str> = m.iter().map(|m| &text[m.span.range()]).collect();
        assert_eq!(names, ["Adelson", "Courted", "Mary Lou Jones"]);
        let unsplit = mentions_from_tags(text, &doc.tokens, &tags, &labels, &[0]);
        assert_eq!(&text[unsplit[0].span.range()], "Adelson\n\nCourted");
    }
}
