//! The person a Q&A interview's answers are from ([`interviewee`]), named in the text before
//! its first question:
//!
//! ```text
//! In an interview, the actor Tom Baker discussed his new film.   → Tom Baker (beside "interview")
//! Jane Doe interviewed Tom Baker.                                 → Tom Baker (the later of two as near)
//! He spoke with POLITICO senior writer Michael Grunwald.          → not Grunwald (an interviewer's role)
//! ```
//!
//! The answers themselves are found with the transcript turns (`attribution::turns`).

use std::collections::BTreeMap;

use crate::entities::Entities;
use crate::ner::{EntityLabel, Mention};
use crate::text::{Document, Span};

crate::lexicon::word_list! {
    /// Words that say a person was interviewed (`In an interview, Tom Baker …`, `Baker spoke to
    /// us`): see [`interviewee`].
    fn interview_words = "lexicon/interview_words.txt";
}
crate::lexicon::word_list! {
    /// Roles of those who ask an interview's questions (`reporter`, `host`): see [`interviewee`].
    fn interviewer_roles = "lexicon/interviewer_roles.txt";
}

/// How many words before a name an [`interviewer_roles`] role makes it an interviewer's
/// (`POLITICO senior writer Michael Grunwald`: two).
const INTERVIEWER_ROLE_WORDS: usize = 3;

/// The person a Q&A interview interviews, as a mention's span in `intro`, the stretch before
/// its first question ([`super::attribution::Candidate::interviewee_in`]), leaving out the people an
/// [`interviewer_roles`] role names (`he spoke with POLITICO senior writer Michael Grunwald`):
/// - the person named nearest to an [`interview_words`] word in its sentence (`In an
///   interview, the actor Tom Baker discussed his new film.`; of two as near, the later:
///   `Jane Doe interviewed Tom Baker`);
/// - else the person named most often there (`Q&A with Vice President Joe Biden. Vice
///   President Joe Biden spent Thursday in St. Paul … Biden complained about …`), the only one
///   named included;
/// - else none (no one named, or several as often), and the answers come out with no speaker.
pub(super) fn interviewee(
    doc: &Document,
    mentions: &[Mention],
    entities: &Entities,
    intro: Span,
) -> Option<Span> {
    let people: Vec<usize> = (0..mentions.partition_point(|m| m.span.start < intro.end))
        .filter(|&m| intro.contains(mentions[m].span) && mentions[m].label == EntityLabel::Per)
        .filter(|&m| !named_as_interviewer(doc, mentions[m].span))
        .collect();
    // Bytes between a mention and the nearest interview word of its sentence.
    let to_interview_word = |m: usize| {
        let span = mentions[m].span;
        let tokens = doc
            .sentences_over(span)
            .flat_map(|s| doc.tokens[doc.sentences[s].tokens.clone()].iter());
        tokens
            .filter(|t| is_interview_word(&doc.text[t.start..t.end]))
            .map(|t| match t.start >= span.end {
                true => t.start - span.end,
                false => span.start.saturating_sub(t.end),
            })
            .min()
    };
    let near_interview = people
        .iter()
        .filter_map(|&m| to_interview_word(m).map(|d| (d, std::cmp::Reverse(m))))
        .min();
    if let Some((_, std::cmp::Reverse(m))) = near_interview {
        return Some(mentions[m].span);
    }
    // Mentions of each person, and the first.
    let mut named: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
    for &m in &people {
        named.entry(entities.of_mention[m]).or_insert((0, m)).0 += 1;
    }
    let mut by_count: Vec<(usize, usize)> = named.into_values().collect();
    by_count.sort_by_key(|&(count, m)| (std::cmp::Reverse(count), m));
    match by_count[..] {
        [(_, m)] => Some(mentions[m].span),
        [(most, m), (next, _), ..] if most > next => Some(mentions[m].span),
        _ => None,
    }
}

/// Whether `intro` says it introduces an interview: a word of [`interview_words`], or `Q&A`.
pub(in crate::quotes) fn says_interview(doc: &Document, intro: Span) -> bool {
    let text = doc.slice(intro);
    text.contains("Q&A")
        || text
            .split(|c: char| !c.is_alphanumeric())
            .any(is_interview_word)
}

/// Whether a word, in any case, is one of [`interview_words`].
fn is_interview_word(word: &str) -> bool {
    interview_words().contains(&word.to_lowercase().as_str())
}

/// Whether a name is an interviewer's: a role of [`interviewer_roles`] a few words before it in
/// its clause (`Washington Post reporter Jim Tankersley`) or in an apposition after it (`Jane
/// Doe, a columnist for the Herald,`), or `by` just before it (`Tom Baker was interviewed by Jane
/// Doe`).
fn named_as_interviewer(doc: &Document, name: Span) -> bool {
    let is_role = |w: &str| {
        let word = w.trim_matches(|c: char| !c.is_alphabetic()).to_lowercase();
        interviewer_roles().contains(&word.as_str())
    };
    let sentence = doc.sentences_over(name).start;
    let sentence = doc.sentences.get(sentence).map(|s| s.span);
    let from = sentence.map_or(0, |s| s.start);
    let before = doc.text.get(from.min(name.start)..name.start).unwrap_or("");
    let clause = before.rsplit([',', ';', '(']).next().unwrap_or("");
    let mut words_before = clause.split_whitespace().rev();
    if words_before
        .clone()
        .next()
        .is_some_and(|w| w.eq_ignore_ascii_case("by"))
    {
        return true;
    }
    if words_before
        .by_ref()
        .take(INTERVIEWER_ROLE_WORDS)
        .any(is_role)
    {
        return true;
    }
    let to = sentence.map_or(name.end, |s| s.end.max(name.end));
    let after = doc.text.get(name.end..to).unwrap_or("");
    let apposition = after
        .strip_prefix(',')
        .map(|rest| rest.split([',', ';', ')', '.']).next().unwrap_or(""));
    apposition.is_some_and(|a| a.split_whitespace().any(is_role))
}
