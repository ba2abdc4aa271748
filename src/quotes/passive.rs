//! The subject of a passive cue is the one told, not the one speaking. `Finance Minister Olga
//! Brandt was told that funds were missing` reports what someone told Brandt; the rules (cue
//! `told`) and the model (cue `was told`) both read the subject before the cue as the speaker.
//! A passive cue of speech (a participle of a speech verb of the cue lexicon: `told`, `asked`)
//! has its agent after `by` for speaker, else none. A passive of feeling or thought keeps its
//! subject, who holds the feeling (`Protesters were frustrated that …`, as PolNeAR marks it):
//!
//! ```text
//! sentence                                              speaker
//! Olga Brandt was told that funds were missing.         none (whoever told her is not named)
//! The ministry was told by auditors that funds …        auditors
//! Brandt was also told that funds were missing.         none
//! Brandt told auditors that funds were missing.         Brandt (active)
//! Putin was quoted as saying that Russia would respond. Putin (a passive whose subject speaks)
//! Protesters were frustrated that the police …          Protesters (no speech verb)
//! ```

use super::non_statement::is_participle;
use super::{lexicon, speaker, Quote};
use crate::entities::Entities;
use crate::lexicon::word_list;
use crate::ner::Mention;
use crate::text::{Document, Span};

word_list! {
    /// Forms of `be` and `get` before a passive participle: see the file's header.
    fn passive_auxiliaries = "lexicon/passive_auxiliaries.txt";
}
word_list! {
    /// Words between a passive auxiliary and its participle: see the file's header.
    fn passive_adverbs = "lexicon/passive_adverbs.txt";
}
word_list! {
    /// Participles whose passive subject is the speaker: see the file's header.
    fn speaker_passives = "lexicon/speaker_passives.txt";
}

/// Most words of an agent after `by` (`by the auditors of the central bank`).
const AGENT_WORDS: usize = 8;

/// The quotes, each with a passive cue's speaker: its agent after `by` (resolved like any
/// speaker), or none.
pub(super) fn with_passive_speakers(
    doc: &Document,
    mentions: &[Mention],
    entities: &Entities,
    mut quotes: Vec<Quote>,
) -> Vec<Quote> {
    let mut resolver = None;
    for q in quotes.iter_mut() {
        let Some(participle) = q.cue.and_then(|cue| passive_participle(doc, cue)) else {
            continue;
        };
        let agent = agent_after(doc, participle, q.span);
        let said_by_agent = q
            .speaker
            .zip(agent)
            .is_some_and(|(s, a)| a.start <= s.start && s.end <= a.end);
        if said_by_agent {
            continue;
        }
        q.speaker = agent;
        q.speaker_entity = agent.and_then(|a| {
            resolver
                .get_or_insert_with(|| speaker::Resolver::new(doc, mentions, entities))
                .resolve(a)
        });
    }
    quotes
}

/// The token of a cue's last word when it is a participle of a speech verb after a form of `be`
/// or `get` (over `also`, `-ly` adverbs): `was told`, `told` after `was`, `has been told`.
fn passive_participle(doc: &Document, cue: Span) -> Option<usize> {
    let word = |i: usize| doc.slice(doc.tokens[i]).to_lowercase();
    let last = doc.tokens.partition_point(|t| t.start < cue.end);
    let participle = (0..last)
        .rev()
        .take_while(|&i| doc.tokens[i].start >= cue.start)
        .find(|&i| word(i).chars().any(char::is_alphabetic))?;
    let form = word(participle);
    let of_speech = is_participle(&form) && lexicon::is_speech_verb(&form);
    if !of_speech || speaker_passives().contains(&form.as_str()) {
        return None;
    }
    let mut i = participle;
    while i > 0 {
        i -= 1;
        let w = word(i);
        if passive_auxiliaries().contains(&w.as_str()) {
            return Some(participle);
        }
        // `-ly` as written in lower case: `is Kelly told`, `is Italy said` hold no adverb.
        let lower_case = doc.slice(doc.tokens[i]).starts_with(char::is_lowercase);
        let adverb = passive_adverbs().contains(&w.as_str()) || (lower_case && w.ends_with("ly"));
        if !adverb || participle - i > 2 {
            return None;
        }
    }
    None
}

/// The agent after a passive participle: the words after a `by` right behind it, up to a
/// comma, `that` or the content (`by auditors` of `was told by auditors that …`).
fn agent_after(doc: &Document, participle: usize, content: Span) -> Option<Span> {
    let word = |i: usize| doc.slice(doc.tokens[i]).to_lowercase();
    let by = participle + 1;
    if !opens_agent(doc, by) {
        return None;
    }
    let words: Vec<usize> = (by + 1..doc.tokens.len().min(by + 1 + AGENT_WORDS))
        .take_while(|&i| {
            let t = doc.tokens[i];
            let w = word(i);
            !(content.start < t.end && t.start < content.end)
                && t.start >= doc.tokens[by].end
                && w.chars().any(char::is_alphanumeric)
                && w != "that"
                && doc.sentences_over(t) == doc.sentences_over(doc.tokens[by])
        })
        .collect();
    let (first, last) = (*words.first()?, *words.last()?);
    Some(Span::new(doc.tokens[first].start, doc.tokens[last].end))
}

/// Whether the word `i` is the `by` that opens a passive's agent (`by auditors` of `was told by
/// auditors`, `by this finding` of `is exemplified by this finding:`).
pub(super) fn opens_agent(doc: &Document, i: usize) -> bool {
    doc.tokens
        .get(i)
        .is_some_and(|&t| doc.slice(t).eq_ignore_ascii_case("by"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        Document::new(
            "t".into(),
            String::new(),
            text.into(),
            &crate::clean::clean(text),
        )
    }

    /// The speaker `with_passive_speakers` gives a quote of `content` with `cue` whose speaker was
    /// `speaker` (first occurrences in `text`), with no mentions.
    fn speaker_of(text: &str, content: &str, cue: &str, speaker: &str) -> Option<String> {
        let d = doc(text);
        let span = |s: &str| {
            let start = text.find(s).unwrap();
            Span::new(start, start + s.len())
        };
        let quote = Quote {
            span: span(content),
            cue: Some(span(cue)),
            speaker: Some(span(speaker)),
            speaker_entity: Some(0),
            kind: super::super::QuoteKind::Indirect,
        };
        let entities = crate::entities::merge(&d, &[]);
        let out = with_passive_speakers(&d, &[], &entities, vec![quote]);
        out[0].speaker.map(|s| d.slice(s).to_string())
    }

    #[test]
    fn the_one_told_is_no_speaker() {
        let content = "that funds were missing";
        for (text, cue) in [
            ("Olga Brandt was told that funds were missing.", "told"),
            ("Olga Brandt was told that funds were missing.", "was told"),
            ("Olga Brandt was also told that funds were missing.", "told"),
            ("Olga Brandt has been told that funds were missing.", "told"),
        ] {
            assert_eq!(
                speaker_of(text, content, cue, "Olga Brandt"),
                None,
                "{text}"
            );
        }
    }

    #[test]
    fn a_passive_cue_speaks_through_its_agent() {
        let text = "The ministry was told by auditors that funds were missing.";
        assert_eq!(
            speaker_of(text, "that funds were missing", "was told", "The ministry").as_deref(),
            Some("auditors")
        );
        assert_eq!(
            speaker_of(text, "that funds were missing", "was told", "auditors").as_deref(),
            Some("auditors")
        );
    }

    #[test]
    fn active_cues_and_passives_of_the_one_quoted_keep_their_speaker() {
        for (text, cue, speaker) in [
            (
                "Olga Brandt told auditors that funds were missing.",
                "told",
                "Olga Brandt",
            ),
            (
                "Olga Brandt, who was ill, said that funds were missing.",
                "said",
                "Olga Brandt",
            ),
            (
                "Putin was quoted as saying that funds were missing.",
                "saying",
                "Putin",
            ),
            (
                "Auditors were frustrated that funds were missing.",
                "were frustrated",
                "Auditors",
            ),
            // A name ending in `ly` is no adverb (a review: `is Kelly told` read as a passive).
            (
                "The good news is Kelly told reporters that funds were missing.",
                "told",
                "Kelly",
            ),
            (
                "The truth is Italy said that funds were missing.",
                "said",
                "Italy",
            ),
        ] {
            assert_eq!(
                speaker_of(text, "that funds were missing", cue, speaker).as_deref(),
                Some(speaker),
                "{text}"
            );
        }
    }

    #[test]
    fn the_lists_load() {
        crate::lexicon::check_lists(
            &[
                ("passive_auxiliaries", passive_auxiliaries()),
                ("passive_adverbs", passive_adverbs()),
                ("speaker_passives", speaker_passives()),
            ],
            true,
        );
    }
}
