//! Finding quotes and their cues and speakers as written, before any resolution to entities.
//!
//! Three sources of candidates, merged in text order by [`find_candidates`]:
//! - direct quotes: a quoted stretch ([`super::marks`]) whose cue and speaker sit right after it
//!   (`"…," X said` / `"…," said X` / `"…" — X`, or `He added.` as the next sentence) or right
//!   before it (`X said: "…"` / `According to X, "…"` / a `Label: "…"` headline);
//! - labelled turns: `Reporter: …` / `Lleshaj: …` lines (also `"PENCE: …` in a transcript
//!   printed inside one long quotation), a headline `Minister: The regime is …`, and the
//!   unlabelled paragraphs that continue a transcript turn (not a `(CROSSTALK)` note); a Q&A
//!   interview's `A:` answers, the person interviewed's (its `Q:` questions are left out);
//! - reported speech: `X said (that) CLAUSE`, `CLAUSE, X said`, `According to X, CLAUSE`, with
//!   a quoted fragment inside making it mixed.
//!
//! All searches look at a bounded window of words around a quote or verb, so the cost stays linear
//! in the article's length.

use std::collections::HashSet;

use super::lexicon;
use super::marks::{self, Quoted};
use super::QuoteKind;
use crate::lexicon::word_list;
use crate::span::SpanIndex;
use crate::text::Span;

mod direct;
mod reported;
mod turns;
mod view;

use direct::direct_candidates;
use reported::indirect_in_sentence;
pub use reported::is_circumstance;
use turns::turn_candidates;
pub use view::View;

/// A quote as found in the text, speaker not yet resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub span: Span,
    pub cue: Option<Span>,
    pub speaker: Option<Span>,
    pub kind: QuoteKind,
    /// Takes the speaker of the quote before it (an unattributed follow-up quote, a transcript
    /// paragraph continuing a turn).
    pub inherits_speaker: bool,
    /// The speaker is a one-off `Label:` (a headline's, a line's): kept only when the label
    /// resolves to an entity, since `Poll:`, `The Latest:` or `Stealth Over Health:` name no one.
    pub needs_entity: bool,
    /// An answer of a Q&A interview (`A: I loved the script.`, see [`turns`]): its speaker is the
    /// person interviewed, named in this stretch before the first question, chosen with the
    /// mentions when speakers are resolved. `speaker` is then none.
    pub interviewee_in: Option<Span>,
}

/// The most words a speaker phrase may have.
const MAX_SPEAKER_WORDS: usize = 9;
/// How far after a quote a cue verb may stand (`"…," the interior minister said`,
/// `"…," Douglas Holtz-Eakin, an economist and tax expert, told me`, a name and an appositive of
/// two roles: `"…," Leonard E. Burman, director of the … Center and a professor at the …
/// University, said`).
const TRAILER_WINDOW: usize = 28;
/// How soon after a verb a quoted fragment makes a reported clause of what follows.
const QUOTE_AFTER_VERB_WINDOW: usize = 8;
/// The most words of an appositive between a name and its verb.
const MAX_APPOSITIVE_WORDS: usize = 24;
/// The most words of a name in apposition after a role that follows its verb (`said a close
/// ally of Donald Trump, Lindsey Graham`).
const MAX_APPOSITION_NAME_WORDS: usize = 4;

word_list! {
    /// First words of prepositional and time phrases (`on Tuesday`, `last week`, `earlier`).
    fn preposition_or_time_starts = "../lexicon/preposition_or_time_starts.txt";
}

word_list! {
    /// With [`preposition_or_time_starts`], first words of phrases that are no speaker
    /// (`said early Friday`, `in a statement said`, `during the debate said`).
    fn not_speaker_starts = "../lexicon/not_speaker_starts.txt";
}

word_list! {
    /// One-word times right after a cue verb (`said Thursday`): see the file's header.
    fn time_words = "../lexicon/time_words.txt";
}

word_list! {
    /// Parts of a day after a time word (`said Thursday night`): see the file's header.
    fn day_parts = "../lexicon/day_parts.txt";
}

word_list! {
    /// Ends of an age before a name (`76-year-old`): see the file's header.
    fn age_modifiers = "../lexicon/age_modifiers.txt";
}

/// How many words of a speaker phrase's opening `words` are an age before a name, with the
/// article before it ([`age_modifiers`]): `76-year-old Jane Roe` and `the 76-year-old Jane Roe`
/// are `Jane Roe`, whose words name her (and an apposition after them describes her), so 1 and
/// 2; `a 76-year-old retiree` stays whole, 0. The rules' speaker phrases and the model's sources
/// both start after it.
pub(in crate::quotes) fn words_before_name(words: &[&str]) -> usize {
    let is_age = |w: &str| {
        let w = w.to_lowercase();
        age_modifiers().iter().any(|m| {
            w.strip_suffix(m)
                .is_some_and(|number| number.len() > 1 && number.ends_with('-'))
        })
    };
    let age = match words {
        [first, ..] if is_age(first) => 0,
        [article, second, ..]
            if noun_determiners().contains(&article.to_lowercase().as_str()) && is_age(second) =>
        {
            1
        }
        _ => return 0,
    };
    match words.get(age + 1) {
        Some(name) if is_capitalized(name) => age + 1,
        _ => 0,
    }
}

fn is_any_of(word: &str, lists: &[&[&str]]) -> bool {
    lists.iter().any(|list| list.contains(&word))
}
/// How far before a quote a cue verb may stand (`X told reporters on Tuesday: "…"`).
const LEAD_WINDOW: usize = 7;

word_list! {
    /// Words that end a speaker phrase when reading back from its verb.
    fn subject_stops = "../lexicon/subject_stops.txt";
}

word_list! {
    /// Auxiliary and modal verbs: see the file's header.
    pub(in crate::quotes) fn auxiliaries = "../lexicon/auxiliaries.txt";
}

word_list! {
    /// Words between a speaker and its verb that are not part of the speaker ("Smith also said").
    fn adverbs_and_auxiliaries = "../lexicon/adverbs_and_auxiliaries.txt";
}

word_list! {
    /// Words that end a speaker phrase read forward from an inverted verb (`said Lleshaj during …`).
    fn after_speaker_stops = "../lexicon/after_speaker_stops.txt";
}

word_list! {
    /// Personal pronouns that can be speakers.
    pub fn pronouns = "../lexicon/pronouns.txt";
}

word_list! {
    /// Words that may start a reported clause's object slot after `told` (`told reporters that …`).
    fn object_pronouns = "../lexicon/object_pronouns.txt";
}

word_list! {
    /// Words after a bare-clause verb that show no clause follows (`said in a statement`).
    fn not_clause_starts = "../lexicon/not_clause_starts.txt";
}

word_list! {
    /// Determiners and possessives before a noun-like form ("the claims", "his charges").
    fn noun_determiners = "../lexicon/noun_determiners.txt";
}

word_list! {
    /// Labels before a colon that introduce no speech.
    fn non_speaker_labels = "../lexicon/non_speaker_labels.txt";
}

word_list! {
    /// Clause-joining words a label may hold in lower case ("Minister of the Interior").
    fn label_function_words = "../lexicon/label_function_words.txt";
}

fn marks_only(word: &str) -> bool {
    word.chars().all(marks::is_quote_mark)
}

fn is_punct(word: &str) -> bool {
    !word.chars().any(|c| c.is_alphanumeric())
}

pub(in crate::quotes) fn is_capitalized(word: &str) -> bool {
    word.chars().next().is_some_and(|c| c.is_uppercase())
}

fn is_dash(word: &str) -> bool {
    matches!(word, "—" | "–" | "-" | "--" | "―")
}

word_list! {
    /// Small words that stay lowercase in a title.
    fn title_small_words = "../lexicon/title_small_words.txt";
}

/// Title case throughout (`The Steve Harvey Morning Show`): two to ten words, every word but
/// the small ones capitalised.
fn is_title_like(text: &str) -> bool {
    let words: Vec<&str> = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect();
    let trimmed = text.trim_end();
    let ends_sentence = trimmed.ends_with(['.', '!', '?']);
    // Two capitalised words ending a sentence are more often speech ("We're America.").
    let min_words = if ends_sentence { 3 } else { 2 };
    // A title holds one sentence at most ("The Donald. Big Daddy." is two).
    let inner_break = trimmed
        .trim_end_matches(['.', '!', '?', ','])
        .contains(". ");
    (min_words..=10).contains(&words.len())
        && !inner_break
        && is_capitalized(words[0])
        && words
            .iter()
            .all(|w| is_capitalized(w) || title_small_words().contains(w))
}

fn word_count(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(|c| c.is_alphanumeric()))
        .count()
}

/// All candidates of a document, in text order, with reported clauses absorbing the quoted
/// fragments inside them (which makes them mixed).
pub fn find_candidates(view: &View) -> Vec<Candidate> {
    let mut used_cues = HashSet::new();
    let direct = direct_candidates(view, &mut used_cues);
    let turns = turn_candidates(view, &direct);
    let turn_spans: Vec<Span> = turns.iter().map(|t| t.span).collect();
    // Indexed, as are the quotes below: a scan of every turn per sentence or quote, or of every
    // quote per clause, was quadratic in a transcript of thousands of turns or quotes.
    let turn_index = SpanIndex::new(turn_spans.iter().copied());
    // Direct quotes inside a labelled turn belong to the turn.
    let direct: Vec<(Candidate, Quoted)> = direct
        .into_iter()
        .filter(|(_, q)| turn_index.overlapping(q.outer).is_empty())
        .collect();

    let mut indirect = Vec::new();
    for s in 0..view.doc.sentences.len() {
        let span = view.doc.sentences[s].span;
        if !turn_index.overlapping(span).is_empty() {
            continue;
        }
        let near = turns_near(view, s, &turn_spans, &turn_index);
        indirect.extend(indirect_in_sentence(view, s, &used_cues, &near));
    }
    let mut out = absorb_quoted(view, indirect, direct);
    out.extend(turns);
    out.sort_by_key(|c| (c.span.start, c.span.end));
    out
}

/// The turns that may hold a token of sentence `s`: those meeting the stretch of its tokens or
/// touching its edges (a span [`Span::contains`] may end where an empty token sits).
fn turns_near(view: &View, s: usize, turn_spans: &[Span], index: &SpanIndex) -> Vec<Span> {
    let tokens = &view.doc.tokens[view.doc.sentences[s].tokens.clone()];
    let Some(first) = tokens.first() else {
        return Vec::new();
    };
    let end = tokens.iter().map(|t| t.end).max().unwrap_or(first.end);
    let stretch = Span::new(first.start.saturating_sub(1), end + 1);
    let near = index.overlapping(stretch);
    near.into_iter().map(|i| turn_spans[i]).collect()
}

/// The reported clauses and direct quotes, each clause holding a quoted stretch made mixed
/// (unless it is the stretch alone, direct) and taking in the direct quotes inside it, or
/// dropped when one of those has a cue of its own.
fn absorb_quoted(
    view: &View,
    indirect: Vec<Candidate>,
    direct: Vec<(Candidate, Quoted)>,
) -> Vec<Candidate> {
    let quoted = SpanIndex::new(view.quoted.iter().map(|q| q.outer));
    let direct_index = SpanIndex::new(direct.iter().map(|(_, q)| q.outer));
    // Direct quotes not yet taken in by a clause.
    let mut kept = vec![true; direct.len()];
    let mut out: Vec<Candidate> = Vec::new();
    for mut c in indirect {
        if !quoted.overlapping(c.span).is_empty() {
            let inside = direct_index.overlapping(c.span);
            let own_cue_inside = inside.iter().any(|&i| {
                let d = &direct[i].0;
                kept[i] && d.cue.is_some() && d.cue != c.cue
            });
            if own_cue_inside {
                continue;
            }
            if c.kind != QuoteKind::Direct {
                c.kind = QuoteKind::Mixed;
            }
            for i in inside {
                kept[i] = false;
            }
        }
        out.push(c);
    }
    let direct = direct.into_iter().zip(kept);
    out.extend(direct.filter(|(_, k)| *k).map(|((c, _), _)| c));
    out
}

#[cfg(test)]
mod lexicon_tests {
    use super::reported::*;
    use super::*;

    #[test]
    fn word_lists_load() {
        crate::lexicon::check_lists(
            &[
                ("preposition_or_time_starts", preposition_or_time_starts()),
                ("time_words", time_words()),
                ("day_parts", day_parts()),
                ("age_modifiers", age_modifiers()),
                ("not_speaker_starts", not_speaker_starts()),
                ("subject_stops", subject_stops()),
                ("adverbs_and_auxiliaries", adverbs_and_auxiliaries()),
                ("after_speaker_stops", after_speaker_stops()),
                ("pronouns", pronouns()),
                ("object_pronouns", object_pronouns()),
                ("not_clause_starts", not_clause_starts()),
                ("noun_determiners", noun_determiners()),
                ("non_speaker_labels", non_speaker_labels()),
                ("label_function_words", label_function_words()),
                ("title_small_words", title_small_words()),
                ("clause_breaks", clause_breaks()),
                ("adjunct_starts", adjunct_starts()),
                ("clause_words", clause_words()),
                ("subordinators", subordinators()),
                ("as_verb_stems", as_verb_stems()),
                ("as_modifier_starts", as_modifier_starts()),
                ("object_lemmas", object_lemmas()),
                ("infinitive_lemmas", infinitive_lemmas()),
                ("auxiliaries", auxiliaries()),
                ("reaction_lemmas", super::direct::reaction_lemmas()),
            ],
            true,
        );
        // Multi-word entries and both apostrophes survive the file format.
        assert!(non_speaker_labels().contains(&"editor’s note"));
        assert!(non_speaker_labels().contains(&"editor's note"));
        assert!(clause_words().contains(&"they’re"));
        assert!(noun_determiners().contains(&"’s"));
    }
}
