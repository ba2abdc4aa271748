//! From window tags back to a document's words: the one place that knows how a document's
//! windows map onto its words.
//!
//! A document of 7 words whose second sentence (words 3..5) was skipped has windows covering
//! words 0..3 and 5..7; their tags land on those words, and words 3 and 4 get O with
//! probability 1, as if the model had said so.

use super::{Window, WordTag};

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
}
