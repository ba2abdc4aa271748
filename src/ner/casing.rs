//! Casing: the class of each word fed to the model, and the sentences that skip the model.
//!
//! The base encoder is uncased, so each word's casing class goes in through the token-type
//! embedding: `Pompeo` 3, `MEK` 4, `iPhone` 5, `said` 2, `2018` 1. And in a normally cased
//! article a sentence such as `The talks failed.` (no capital beyond a function word at its
//! start) names nothing, so the windower leaves it out of the model's work.

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

/// Whether a document needs the model's any-case companion ([`crate::ner::ANY_CASE_DIR`]): its
/// casing does not tell names apart, because fewer than one word in twenty holds a capital
/// (`pompeo met rama in tirana.`) or at least half of its words of two letters or more are in
/// capitals (`POMPEO MET RAMA IN TIRANA.`). A model trained on news as written reads either as
/// "no names here" (CoNLL dev lower-cased: F1 0.65). Counted over words, not sentence starts:
/// markup (`<tweet pic="…">`) opening many sentences in lower case leaves prose prose. Text
/// without letters needs no model.
pub fn needs_any_case(sentences: &[Vec<&str>]) -> bool {
    let (mut words, mut with_capital, mut long_words, mut capitals) = (0, 0, 0, 0);
    for w in sentences.iter().flatten() {
        let class = casing_class(w);
        if class >= 2 {
            words += 1;
            with_capital += (class >= 3) as usize;
        }
        if w.chars().filter(|c| c.is_alphabetic()).nth(1).is_some() {
            long_words += 1;
            capitals += (class == 4) as usize;
        }
    }
    words > 0 && (with_capital * 20 < words || capitals * 2 >= long_words)
}

/// Whether a sentence holds no capital letter (nor a letter of a caseless script) except in
/// the pronoun `I` and in a function word ([`crate::text::is_sentence_opener`]) as its first word with
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
        if !opener || !crate::text::is_sentence_opener(head) {
            return false;
        }
        // A capitalised opener is fine only as a plain capital: `THE` or `ThE` is not prose.
        if casing_class(head) != 3 {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn lower_and_upper_case_documents_need_the_any_case_model() {
        let doc = |text: &str| -> Vec<Vec<String>> {
            text.split(". ")
                .map(|s| s.split(' ').map(String::from).collect())
                .collect()
        };
        let needs = |text: &str| {
            let d = doc(text);
            let refs: Vec<Vec<&str>> = d
                .iter()
                .map(|s| s.iter().map(String::as_str).collect())
                .collect();
            needs_any_case(&refs)
        };
        assert!(!needs(
            "Pompeo met Rama in Tirana. The MEK was there. It rained"
        ));
        assert!(needs(
            "pompeo met rama in tirana. the mek was there. it rained"
        ));
        assert!(needs(
            "POMPEO MET RAMA IN TIRANA. THE MEK WAS THERE. IT RAINED"
        ));
        // A shouted headline or acronyms in cased text do not make the document shouted.
        assert!(!needs(
            "TALKS FAIL. Pompeo met Rama in Tirana, said the MEK and NATO. It rained"
        ));
        assert!(!needs("1996-08-22"));
        // Markup opening sentences in lower case leaves prose as written.
        assert!(!needs("<tweet>so sad for San Bernardino. <tweet>we pray for California and Maryland. It rained"));
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
}
