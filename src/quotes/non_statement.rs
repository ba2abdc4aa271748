//! Model readings that state nothing. The attribution model learned from PolNeAR, whose gold is
//! broad (beliefs, findings, topics: `criticized his past statements`, `signed the bill`), and
//! under `--quotes both` a statement only the model found is added to the rules' quotes
//! ([`super::combine`]). Some of those readings are no statement at all, and in quotes.csv they
//! read as someone's words:
//!
//! ```text
//! sentence                                                   model's cue   content             added?
//! The council approved a new parking plan for the old town.  approved      a new parking plan  no: an action's object
//! You agree to our use of cookies.                           agree         our use of cookies  no: what is accepted
//! Asked whether he would resign, Okafor replied: "No."       Asked         whether he would …  no: the question put to Okafor
//! The governor kept calling her out over the budget.         kept calling  her out over the …  no: an act, `call out`
//! The audit found that funds were missing.                   found         that funds were …   yes: a clause
//! Smith criticized his past statements.                      criticized    his past statements yes: a topic of speech
//! Smith hailed the vote, calling it a win.                   calling       it a win            yes: a characterisation
//! ```
//!
//! - An action's object: a reported content that is a bare noun phrase (no clause opener, no
//!   auxiliary or subject pronoun, no finite-looking verb) after a cue holding a verb of doing,
//!   deciding, inspecting or finding (`lexicon/action_verbs.txt`: `approved`, `reviewed`,
//!   `found`, `misstated`; `agree to`). Verbs of speech and evaluation keep their topics, as
//!   PolNeAR marks them (`criticized`, `praised`, `discussed`): a general rule (no noun phrase
//!   after any cue outside the cue lexicon) cost 0.015 of PolNeAR dev's all-exact F1.
//! - A question put to the subject: a cue opening its sentence as a participle (`Asked whether
//!   he would resign, …`) with the content inside that opening phrase, before its comma: the
//!   reporter's question, which the sentence's subject answers.
//! - An act named by a verb with a particle after its object (`lexicon/phrasal_acts.txt`: `call
//!   X out`, `call X off`): the content opens with the object and the particle (`her out over
//!   the budget`), and what was said the sentence does not give. A particle opening a
//!   characterisation (`lexicon/phrasal_characterisations.txt`: `called the beach off limits`,
//!   `calling him out of touch`) leaves a statement.
//!
//! `call X Y`, where Y says what X is (`calling it a win`, `called him divisive`), is a
//! statement with the content `X Y`, the words of the characterisation with what they
//! characterise, as PolNeAR marks it: 57 of the 64 such readings in train with Y in quote marks
//! (`calling it a “Chinese menu.”`), and unquoted ones too (`calling them rapists`, `called him
//! divisive`, `Others call it the nerd prom`). It reads oddly alone, but it is the speaker's
//! judgement, which an analyst of who said what about whom wants; only the phrasal acts above
//! are dropped.

use super::lexicon;
use super::{Quote, QuoteKind};
use crate::lexicon::word_list;
use crate::text::{Document, Span};

word_list! {
    /// Words that open a clause or question as a content's first word: see the file's header.
    fn clause_openers = "lexicon/clause_openers.txt";
}
word_list! {
    /// Verbs whose object is a thing done or found, with `verb preposition` entries: see the
    /// file's header.
    fn action_verbs = "lexicon/action_verbs.txt";
}
word_list! {
    /// Determiners and possessives before a participle used as an adjective (`the damaged
    /// bridge`): see the file's header.
    fn phrase_determiners = "lexicon/phrase_determiners.txt";
}

word_list! {
    /// Verbs with a particle after their object that name an act (`call out`): see the file's
    /// header.
    fn phrasal_acts = "lexicon/phrasal_acts.txt";
}

word_list! {
    /// A particle and the words after it that say what the object is (`off limits`): see the
    /// file's header.
    fn phrasal_characterisations = "lexicon/phrasal_characterisations.txt";
}

word_list! {
    /// Small words that state nothing alone (`the`): see the file's header.
    fn function_words = "lexicon/function_words.txt";
}

/// Whether a model content is one function word alone ([`function_words`]): `the` of `the harbour
/// board said the.`, a stray tag of the model, states nothing, whatever its cue and whether it
/// would be added or replace a reported clause of the rules.
pub(super) fn is_function_word_alone(doc: &Document, statement: &Quote) -> bool {
    match &words(doc.slice(statement.span))[..] {
        [one] => function_words().contains(&one.as_str()),
        _ => false,
    }
}

/// Whether a statement only the model found states nothing: an action's object, a question put
/// to the sentence's subject, or an act named with a particle (module docs).
pub(super) fn states_nothing(doc: &Document, statement: &Quote) -> bool {
    let Some(cue) = statement.cue else {
        return false;
    };
    statement.kind == QuoteKind::Indirect
        && (question_put_to_subject(doc, statement.span, cue)
            || is_bare_noun_phrase(doc.slice(statement.span))
                && object_of_action(doc, statement.span, cue)
            || phrasal_act(doc, statement.span, cue))
}

/// Whether the cue's last verb and the content's first words make a phrasal act of
/// [`phrasal_acts`]: its particle after an object of one or two words (`her out`, `the mayor
/// out` after `calling`), not opening a characterisation of [`phrasal_characterisations`]
/// (`calling him out of touch`, `called the beach off limits` say what he or it is).
fn phrasal_act(doc: &Document, content: Span, cue: Span) -> bool {
    let Some(lemma) = words(doc.slice(cue))
        .iter()
        .rev()
        .find_map(|w| lexicon::verb(w))
        .map(|v| v.lemma)
    else {
        return false;
    };
    let content = words(doc.slice(content));
    phrasal_acts().iter().any(|entry| {
        entry.split_once(' ').is_some_and(|(verb, particle)| {
            verb == lemma
                && (1..=2).any(|at| {
                    content.get(at).is_some_and(|w| w == particle) && !characterises(&content[at..])
                })
        })
    })
}

/// Whether content words opening with a particle open a characterisation of
/// [`phrasal_characterisations`] (`off limits on Monday`).
fn characterises(from_particle: &[String]) -> bool {
    phrasal_characterisations().iter().any(|phrase| {
        let phrase: Vec<&str> = phrase.split_whitespace().collect();
        from_particle.len() >= phrase.len() && phrase.iter().zip(from_particle).all(|(p, w)| p == w)
    })
}

/// The lower-cased words of a text, punctuation trimmed from their edges.
fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Whether a content reads as a bare noun phrase: `a new parking plan for the old town`, `no
/// errors in the accounts`, `the damaged bridge`, not `whether he would resign`, `prices will
/// rise`, `the talks failed`. A finite verb is guessed from its shape, an `-ed` word after no
/// determiner; a guess that misses keeps the statement.
fn is_bare_noun_phrase(content: &str) -> bool {
    let words = words(content);
    let Some(first) = words.first() else {
        return false;
    };
    let has = |list: &[&str], w: &String| list.contains(&w.as_str());
    let clause_word = |w: &String| {
        has(super::attribution::auxiliaries(), w)
            || has(super::attribution::pronouns(), w)
            || w.ends_with("n't")
            || w.ends_with("n’t")
            || lexicon::verb(w).is_some()
    };
    let finite_looking = words.iter().enumerate().skip(1).any(|(i, w)| {
        w.chars().count() > 4 && w.ends_with("ed") && !has(phrase_determiners(), &words[i - 1])
    });
    !has(clause_openers(), first) && !words.iter().any(clause_word) && !finite_looking
}

/// Whether a cue holds a verb of [`action_verbs`], or one of its `verb preposition` entries with
/// the preposition ending the cue or standing alone between cue and content (`agree to`).
fn object_of_action(doc: &Document, content: Span, cue: Span) -> bool {
    let cue_words = words(doc.slice(cue));
    let between = doc
        .text
        .get(cue.end..content.start)
        .map(words)
        .unwrap_or_default();
    let preposition = match &between[..] {
        [] => cue_words.last(),
        [one] => Some(one),
        _ => None,
    };
    action_verbs()
        .iter()
        .any(|entry| match entry.split_once(' ') {
            None => cue_words.iter().any(|w| w == entry),
            Some((verb, prep)) => {
                cue_words.iter().any(|w| w == verb) && preposition.is_some_and(|p| p == prep)
            }
        })
}

/// Whether the cue opens its sentence as a participle and the content lies inside that opening
/// phrase, before its comma: `Asked whether he would resign, Okafor replied …`.
fn question_put_to_subject(doc: &Document, content: Span, cue: Span) -> bool {
    let Some(sentence) = doc.sentences.get(doc.sentences_over(cue).start) else {
        return false;
    };
    let opens = doc
        .text
        .get(sentence.span.start..cue.start)
        .is_some_and(|lead| lead.chars().all(|c| !c.is_alphanumeric()));
    let participle = words(doc.slice(cue))
        .first()
        .is_some_and(|w| is_participle(w));
    let comma = doc
        .text
        .get(cue.end..sentence.span.end)
        .and_then(|rest| rest.find(','))
        .map(|at| cue.end + at);
    opens && participle && content.start >= cue.end && comma.is_some_and(|c| content.end <= c)
}

/// Whether a word looks like a past participle: a cue lexicon form other than its lemma, `-s` or
/// `-ing` form (`told`, `asked`), or any `-ed` word.
pub(super) fn is_participle(word: &str) -> bool {
    let word = word.to_lowercase();
    word.ends_with("ed")
        || lexicon::verb(&word).is_some_and(|v| {
            v.lemma != word && !lexicon::ends_in_ing(&word) && !word.ends_with('s')
        })
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        Document::new(
            "t".into(),
            String::new(),
            text.into(),
            &crate::clean::clean(text),
        )
    }

    /// A model statement on `text`: `content` and `cue` as written there (first occurrence).
    pub(in crate::quotes) fn statement(text: &str, content: &str, cue: &str) -> Quote {
        let span = |s: &str| {
            let start = text.find(s).unwrap();
            Span::new(start, start + s.len())
        };
        Quote {
            span: span(content),
            cue: Some(span(cue)),
            speaker: None,
            speaker_entity: None,
            kind: QuoteKind::Indirect,
        }
    }

    /// Asserts that each case, (text, content, cue) of a model statement, states nothing or
    /// states something as `nothing` says.
    fn assert_each_states<const N: usize>(cases: [(&str, &str, &str); N], nothing: bool) {
        for (text, content, cue) in cases {
            let d = doc(text);
            let got = states_nothing(&d, &statement(text, content, cue));
            assert_eq!(got, nothing, "{text}");
        }
    }

    #[test]
    fn objects_of_actions_state_nothing() {
        assert_each_states(
            [
                (
                    "The council approved a new parking plan for the old town on Wednesday.",
                    "a new parking plan for the old town",
                    "approved",
                ),
                (
                    "The committee found no errors in the accounts of the port authority.",
                    "no errors in the accounts of the port authority",
                    "found",
                ),
                (
                    "Inspectors discovered cracks in two of its main supports.",
                    "cracks in two of",
                    "discovered",
                ),
                (
                    "An earlier version of this story misstated the name of the harbour director.",
                    "the name of the harbour director",
                    "misstated",
                ),
            ],
            true,
        );
    }

    #[test]
    fn what_is_accepted_and_questions_put_to_the_subject_state_nothing() {
        assert_each_states(
            [
                (
                    "By continuing to browse you agree to our use of cookies.",
                    "our use of cookies",
                    "agree",
                ),
                (
                    "Asked about the missing funds, Okafor said the audit would explain.",
                    "the missing funds",
                    "Asked about",
                ),
                (
                    "Asked whether he would resign, Okafor replied: \"Absolutely not.\"",
                    "whether he would resign",
                    "Asked",
                ),
            ],
            true,
        );
    }

    /// An act named by a verb and a particle after its object states nothing (session 55:
    /// `her out in public over the budget` of `calling her out` was a statement); a
    /// characterisation (`calling it a win`, `calling him out of touch`, and after a review
    /// `called the beach off limits`, `called the vote up for grabs`, dropped as acts) is one,
    /// as PolNeAR marks it.
    #[test]
    fn an_act_named_with_a_particle_states_nothing_a_characterisation_does() {
        assert_each_states(
            [
                (
                    "The governor kept calling her out in public over the budget.",
                    "her out in public over the budget",
                    "kept calling",
                ),
                (
                    "The union called the strike off before the vote on Monday.",
                    "the strike off before the vote on Monday",
                    "called",
                ),
            ],
            true,
        );
        assert_each_states(
            [
                (
                    "Smith hailed the vote on Tuesday, calling it a win for workers.",
                    "it a win for workers",
                    "calling",
                ),
                (
                    "Smith attacked the senator, calling him out of touch with voters.",
                    "him out of touch with voters",
                    "calling",
                ),
                (
                    "Health officials called the beach off limits on Monday after the spill.",
                    "the beach off limits on Monday after the spill",
                    "called",
                ),
                (
                    "Senator Ann Cole called the vote up for grabs on Sunday.",
                    "the vote up for grabs on Sunday",
                    "called",
                ),
                (
                    "Smith said the plan would leave workers out in the cold.",
                    "the plan would leave workers out in the cold",
                    "said",
                ),
            ],
            false,
        );
    }

    #[test]
    fn clauses_topics_of_speech_and_according_to_are_statements() {
        assert_each_states(
            [
                (
                    "The audit found that funds were missing from three accounts.",
                    "that funds were missing from three accounts",
                    "found",
                ),
                (
                    "The audit showed the talks failed in the end.",
                    "the talks failed in the end",
                    "showed",
                ),
                (
                    "Smith criticized his past statements on the war.",
                    "his past statements on the war",
                    "criticized",
                ),
                (
                    "Smith praised the new parking plan for the old town.",
                    "the new parking plan for the old town",
                    "praised",
                ),
                (
                    "Both sides agreed that the talks should go on.",
                    "that the talks should go on",
                    "agreed",
                ),
                (
                    "Okafor said, asked about it, that the audit would explain everything.",
                    "that the audit would explain everything",
                    "said",
                ),
                (
                    "She asked whether he would resign over the affair.",
                    "whether he would resign over the affair",
                    "asked",
                ),
            ],
            false,
        );
    }

    #[test]
    fn the_lists_load() {
        crate::lexicon::check_lists(
            &[
                ("clause_openers", clause_openers()),
                ("action_verbs", action_verbs()),
                ("phrase_determiners", phrase_determiners()),
                ("function_words", function_words()),
                ("phrasal_acts", phrasal_acts()),
                ("phrasal_characterisations", phrasal_characterisations()),
            ],
            true,
        );
    }
}
