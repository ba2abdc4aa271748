//! What the words after a verb of saying show its subject to be, a person or a firm: a firm can
//! say things ("Dell said in a statement", "Dell said it would cut 500 jobs"), a person says
//! them of himself ("Dell said he would step down"). Read for a one-word name that is the surname
//! of a person the article names in full (Michael Dell), where the model's label alone cannot
//! tell the founder from the firm named after him (the parent module's doc has the rule).

use std::collections::HashMap;
use std::sync::OnceLock;

use super::names::{leading_word, word_and_rest_after};
use crate::lexicon::{parse_pairs, word_list};
use crate::quotes::lexicon::is_speech_verb;
use crate::text::Span;

/// Who the words after "NAME said" show NAME to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Speaker {
    Person,
    Firm,
}

word_list! {
    /// Phrases after a verb of saying that name a firm's paper ("in a statement"), lower case.
    fn statement_phrases = "statement_phrases.txt";
}

word_list! {
    /// Words between a name and its verb of saying that say nothing of the speaker ("also",
    /// "has"), lower case.
    fn words_before_saying = "words_before_saying.txt";
}

word_list! {
    /// Verbs that may make the "it" before them an empty subject ("was" of "it was time"), lower
    /// case.
    fn copulas_after_it = "copulas_after_it.txt";
}

word_list! {
    /// Words that, after "it" and a verb of [`copulas_after_it`], make that "it" empty ("time",
    /// "honour"), lower case.
    fn empty_it_words = "empty_it_words.txt";
}

word_list! {
    /// Words between a verb of saying and its clause that say nothing of the speaker ("that",
    /// "on tuesday"), lower case.
    fn words_after_saying = "words_after_saying.txt";
}

/// Pronouns that open a reported clause, each with what it shows its speaker to be
/// (`speaker_pronouns.txt`: "he" a person, "its" a firm).
fn speaker_pronouns() -> &'static HashMap<&'static str, Speaker> {
    static PRONOUNS: OnceLock<HashMap<&'static str, Speaker>> = OnceLock::new();
    PRONOUNS.get_or_init(|| {
        let pairs = parse_pairs(include_str!("speaker_pronouns.txt"));
        let speaker = |kind: &str| match kind {
            "person" => Speaker::Person,
            "firm" => Speaker::Firm,
            other => panic!("speaker_pronouns.txt: {other:?} is neither person nor firm"),
        };
        pairs
            .into_iter()
            .map(|(p, kind)| (p, speaker(kind)))
            .collect()
    })
}

/// What the span is, by the clause of a verb of saying right after it, in its sentence:
/// - the pronoun opening the reported clause, past "that", a day and a statement phrase
///   (`words_after_saying.txt`, `statement_phrases.txt`): "Dell said he would step down" and
///   "Dell said in a statement on Tuesday that he …" a person, "Dell said it would cut 500 jobs"
///   and "Dell said Tuesday its sales rose" a firm (`speaker_pronouns.txt`);
/// - with no such pronoun, a statement phrase: "Dell said in a statement" a firm;
/// - nothing else: "“…,” Dell said.", "Dell said the deal was done", "Dell told him", and an
///   empty "it" ("Dell said it was an honour to serve": `empty_it_words.txt`).
///
/// Up to three words of `words_before_saying.txt` may stand before the verb: "Dell also said it
/// …", "Dell has since said he …".
pub(super) fn said_of(text: &str, span: Span) -> Option<Speaker> {
    let (mut verb, mut rest) = word_and_rest_after(text, span)?;
    for _ in 0..3 {
        if !is_one_of(verb, words_before_saying()) {
            break;
        }
        (verb, rest) = leading_word(rest.trim_start_matches(' '));
    }
    if !is_speech_verb(verb) {
        return None;
    }
    let mut in_statement = false;
    loop {
        let next = rest.trim_start_matches([' ', '\u{a0}', ',']);
        if next.len() == rest.len() {
            break;
        }
        if let Some(after) = after_phrase(next, statement_phrases()) {
            in_statement = true;
            rest = after;
        } else if let Some(after) = after_phrase(next, words_after_saying()) {
            rest = after;
        } else {
            rest = next;
            break;
        }
    }
    let (pronoun, after_pronoun) = leading_word(rest);
    let pronoun = pronoun.to_lowercase();
    if pronoun == "it" && is_empty_it(after_pronoun) {
        return None;
    }
    match speaker_pronouns().get(pronoun.as_str()) {
        Some(&speaker) => Some(speaker),
        None => in_statement.then_some(Speaker::Firm),
    }
}

/// Whether the words after an "it" make it an empty subject: a verb of `copulas_after_it.txt`,
/// "a" or "an" or nothing, then a word of `empty_it_words.txt` (" was an honour to serve", "’s
/// time").
fn is_empty_it(after_it: &str) -> bool {
    let spaced = after_it.trim_start_matches(' ');
    let Some(after_verb) = after_phrase(spaced, copulas_after_it()) else {
        return false;
    };
    let words = after_verb.trim_start_matches(' ');
    let words = after_phrase(words, &["a", "an"]).unwrap_or(words);
    after_phrase(words.trim_start_matches(' '), empty_it_words()).is_some()
}

/// Whether a word is one of `list` (lower case), any case.
fn is_one_of(word: &str, list: &[&str]) -> bool {
    list.iter().any(|entry| entry.eq_ignore_ascii_case(word))
}

/// The text after the one of `phrases` (lower case) that `text` opens with, whole words, any
/// case: " that it" of "in a statement that it".
fn after_phrase<'t>(text: &'t str, phrases: &[&str]) -> Option<&'t str> {
    phrases.iter().find_map(|phrase| {
        let head = text.get(..phrase.len())?;
        let rest = &text[phrase.len()..];
        let whole = !rest.starts_with(char::is_alphanumeric);
        (whole && head.eq_ignore_ascii_case(phrase)).then_some(rest)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said_of_dell(text: &str) -> Option<Speaker> {
        let start = text.find("Dell").unwrap();
        said_of(text, Span::new(start, start + 4))
    }

    #[test]
    fn the_clause_after_saying_tells_a_person_from_a_firm() {
        for (text, expected) in [
            ("Dell said he would step down.", Some(Speaker::Person)),
            ("Dell says she is proud.", Some(Speaker::Person)),
            ("Dell said his company grew.", Some(Speaker::Person)),
            ("Dell said it would cut 500 jobs.", Some(Speaker::Firm)),
            ("Dell said Tuesday its sales rose.", Some(Speaker::Firm)),
            ("Dell said on Tuesday that it would.", Some(Speaker::Firm)),
            ("Dell said in a statement.", Some(Speaker::Firm)),
            ("Dell said, in a statement, that it …", Some(Speaker::Firm)),
            (
                "Dell said in a statement that he left.",
                Some(Speaker::Person),
            ),
            (
                "Dell said IN A STATEMENT that he left.",
                Some(Speaker::Person),
            ),
            ("“We grew,” Dell said. It rained.", None),
            ("Dell said the deal was done.", None),
            ("Dell told him so.", None),
            ("Dell shares rose; it was a good day.", None),
            ("Dell said in a statementary way.", None),
            ("Dell said itself so.", None),
            ("Dell also said it would cut jobs.", Some(Speaker::Firm)),
            ("Dell has since said he was wrong.", Some(Speaker::Person)),
            ("Dell later told reporters he left.", None),
            ("Dell is said to be leaving; it was sold.", None),
            ("Dell also shares rose; it was sold.", None),
            ("Dell said it was an honour to serve.", None),
            ("Dell said it’s time to go.", None),
            ("Dell said it is IMPORTANT that we act.", None),
            ("Dell said it was cutting 500 jobs.", Some(Speaker::Firm)),
            ("Dell said it is committed to growth.", Some(Speaker::Firm)),
            ("Dell said it was a timely deal.", Some(Speaker::Firm)),
        ] {
            assert_eq!(said_of_dell(text), expected, "{text}");
        }
    }

    #[test]
    fn word_lists_load() {
        crate::lexicon::check_lists(
            &[
                ("statement_phrases", statement_phrases()),
                ("words_after_saying", words_after_saying()),
                ("words_before_saying", words_before_saying()),
                ("copulas_after_it", copulas_after_it()),
                ("empty_it_words", empty_it_words()),
            ],
            true,
        );
        assert_eq!(speaker_pronouns().get("its"), Some(&Speaker::Firm));
    }
}
