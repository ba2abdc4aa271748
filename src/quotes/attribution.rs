//! Finding quotes and their cues and speakers as written, before any resolution to entities.
//!
//! Three sources of candidates, merged in text order by [`find_candidates`]:
//! - direct quotes: a quoted stretch ([`super::marks`]) whose cue and speaker sit right after it
//!   (`"…," X said` / `"…," said X` / `"…" — X`, or `He added.` as the next sentence) or right
//!   before it (`X said: "…"` / `According to X, "…"` / a `Label: "…"` headline);
//! - labelled turns: `Reporter: …` / `Lleshaj: …` lines, a headline `Minister: The regime is …`,
//!   and the unlabelled paragraphs that continue a transcript turn;
//! - reported speech: `X said (that) CLAUSE`, `CLAUSE, X said`, `According to X, CLAUSE`, with
//!   a quoted fragment inside making it mixed.
//!
//! All searches look at a bounded window of words around a quote or verb, so the cost stays linear
//! in the article's length.

use std::collections::HashSet;

use super::lexicon::{self, VerbClass};
use super::marks::{self, Quoted};
use super::QuoteKind;
use crate::lexicon::word_list;
use crate::text::{Document, Span};

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
}

/// The most words a speaker phrase may have.
const MAX_SPEAKER_WORDS: usize = 9;
/// How far after a quote a cue verb may stand (`"…," the interior minister said`,
/// `"…," Douglas Holtz-Eakin, an economist and tax expert, told me`).
const TRAILER_WINDOW: usize = 20;
/// How soon after a verb a quoted fragment makes a reported clause of what follows.
const QUOTE_AFTER_VERB_WINDOW: usize = 8;
/// The most words of an appositive between a name and its verb.
const MAX_APPOSITIVE_WORDS: usize = 16;

word_list! {
    /// First words of prepositional and time phrases (`on Tuesday`, `last week`, `earlier`).
    fn preposition_or_time_starts = "lexicon/preposition_or_time_starts.txt";
}

word_list! {
    /// With [`preposition_or_time_starts`], first words of phrases that are no speaker
    /// (`said early Friday`, `in a statement said`, `during the debate said`).
    fn not_speaker_starts = "lexicon/not_speaker_starts.txt";
}

fn is_any_of(word: &str, lists: &[&[&str]]) -> bool {
    lists.iter().any(|list| list.contains(&word))
}
/// How far before a quote a cue verb may stand (`X told reporters on Tuesday: "…"`).
const LEAD_WINDOW: usize = 7;

word_list! {
    /// Words that end a speaker phrase when reading back from its verb.
    fn subject_stops = "lexicon/subject_stops.txt";
}

word_list! {
    /// Words between a speaker and its verb that are not part of the speaker ("Smith also said").
    fn adverbs_and_auxiliaries = "lexicon/adverbs_and_auxiliaries.txt";
}

word_list! {
    /// Words that end a speaker phrase read forward from an inverted verb (`said Lleshaj during …`).
    fn after_speaker_stops = "lexicon/after_speaker_stops.txt";
}

word_list! {
    /// Personal pronouns that can be speakers.
    pub fn pronouns = "lexicon/pronouns.txt";
}

word_list! {
    /// Words that may start a reported clause's object slot after `told` (`told reporters that …`).
    fn object_pronouns = "lexicon/object_pronouns.txt";
}

word_list! {
    /// Words after a bare-clause verb that show no clause follows (`said in a statement`).
    fn not_clause_starts = "lexicon/not_clause_starts.txt";
}

word_list! {
    /// Determiners and possessives before a noun-like form ("the claims", "his charges").
    fn noun_determiners = "lexicon/noun_determiners.txt";
}

word_list! {
    /// Labels before a colon that introduce no speech.
    fn non_speaker_labels = "lexicon/non_speaker_labels.txt";
}

word_list! {
    /// Clause-joining words a label may hold in lower case ("Minister of the Interior").
    fn label_function_words = "lexicon/label_function_words.txt";
}

fn is_punct(word: &str) -> bool {
    !word.chars().any(|c| c.is_alphanumeric())
}

fn is_capitalized(word: &str) -> bool {
    word.chars().next().is_some_and(|c| c.is_uppercase())
}

fn is_dash(word: &str) -> bool {
    matches!(word, "—" | "–" | "-" | "--" | "―")
}

word_list! {
    /// Small words that stay lowercase in a title.
    fn title_small_words = "lexicon/title_small_words.txt";
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

/// Word-level view of a document: the lookups the searches need.
pub struct View<'d> {
    pub doc: &'d Document,
    /// Top-level quoted stretches, in text order.
    pub quoted: Vec<Quoted>,
}

impl<'d> View<'d> {
    pub fn new(doc: &'d Document) -> View<'d> {
        let quoted = marks::find_quoted(&doc.text, &doc.paragraphs);
        View { doc, quoted }
    }

    fn word(&self, token: usize) -> &'d str {
        &self.doc.text[self.doc.tokens[token].range()]
    }

    fn lower(&self, token: usize) -> String {
        self.word(token).to_lowercase()
    }

    /// First token starting at or after a byte offset.
    fn token_at(&self, pos: usize) -> usize {
        self.doc.tokens.partition_point(|t| t.start < pos)
    }

    /// The sentence holding a byte offset.
    pub fn sentence_of(&self, pos: usize) -> Option<usize> {
        let i = self.doc.sentences.partition_point(|s| s.span.start <= pos);
        let s = i.checked_sub(1)?;
        (pos < self.doc.sentences[s]
            .span
            .end
            .max(self.doc.sentences[s].span.start + 1))
        .then_some(s)
    }

    /// The paragraph holding a byte offset.
    pub fn paragraph_of(&self, pos: usize) -> Option<usize> {
        let i = self.doc.paragraphs.partition_point(|p| p.start <= pos);
        let p = i.checked_sub(1)?;
        (pos <= self.doc.paragraphs[p].end).then_some(p)
    }

    /// Whether a byte offset lies inside a quoted stretch (marks included).
    fn in_quoted(&self, pos: usize) -> bool {
        let i = self.quoted.partition_point(|q| q.outer.start <= pos);
        i > 0 && pos < self.quoted[i - 1].outer.end
    }

    fn span_of(&self, first: usize, last_exclusive: usize) -> Span {
        Span::new(
            self.doc.tokens[first].start,
            self.doc.tokens[last_exclusive - 1].end,
        )
    }

    /// The speaker phrase that ends right before token `verb`, reading back no further than
    /// token `lo`: `Sandër Lleshaj`, `the minister`, `a spokesman for the ministry`, `he`. An
    /// appositive between name and verb (`Hugh Hill, a doctor, said`) is skipped to the name.
    fn subject_before(&self, verb: usize, lo: usize) -> Option<(usize, usize)> {
        let mut end = verb;
        // `Rep. Jason Chaffetz (R-Utah) said`: a short parenthesis before the verb is skipped.
        if end > lo + 2 && self.word(end - 1) == ")" {
            if let Some(open) = (lo..end - 1).rev().take(6).find(|&t| self.word(t) == "(") {
                end = open;
            }
        }
        // `has been steadily pounding`, `openly admires`: auxiliaries and -ly adverbs.
        while end > lo && {
            let w = self.word(end - 1);
            adverbs_and_auxiliaries().contains(&w.to_lowercase().as_str())
                || w == "been"
                || (w.len() > 4 && w.ends_with("ly") && w.chars().all(|c| c.is_ascii_lowercase()))
        } {
            end -= 1;
        }
        let mut start = end;
        while start > lo && end - start < MAX_SPEAKER_WORDS {
            let w = self.word(start - 1);
            let lw = w.to_lowercase();
            let stop = is_punct(w) && !matches!(w, "." | "’s" | "'s" | "&")
                || subject_stops().contains(&lw.as_str())
                    && !(lw == "and"
                        && start >= lo + 2
                        && is_capitalized(self.word(start - 2))
                        && is_capitalized(self.word(start)))
                || lexicon::verb(w).is_some() && start < end;
            if stop {
                break;
            }
            start -= 1;
        }
        if start == end || !self.plausible_speaker(start) {
            return None;
        }
        Some((start, end))
    }

    /// Whether a phrase starting at `first` can name a speaker (not `early Friday`, `in a
    /// statement`).
    fn plausible_speaker(&self, first: usize) -> bool {
        !is_any_of(
            &self.lower(first),
            &[preposition_or_time_starts(), not_speaker_starts()],
        )
    }

    /// `NAME, a ROLE, said`: when the phrase before the verb is an appositive enclosed in commas,
    /// the speaker is the name before it.
    fn appositive_subject(&self, verb: usize, lo: usize) -> Option<(usize, usize)> {
        if verb < lo + 4 || self.word(verb - 1) != "," {
            return None;
        }
        let close = verb - 1;
        let open = (lo + 1..close)
            .rev()
            .take(MAX_APPOSITIVE_WORDS)
            .find(|&t| self.word(t) == ",")?;
        let inside_ok = open + 1 < close
            && (open + 1..close).all(|t| {
                let w = self.word(t);
                !matches!(w, ";" | ":" | "." | "?" | "!") || (w == "." && t > open + 1)
            })
            && !(open + 1..close).any(|t| marks_only(self.word(t)));
        if !inside_ok {
            return None;
        }
        let (name_start, name_end) = self.subject_before(open, lo)?;
        let name_like = (name_start..name_end)
            .all(|t| is_capitalized(self.word(t)) || matches!(self.word(t), "." | "’s" | "'s"));
        (name_end == open && name_like).then_some((name_start, name_end))
    }

    /// The speaker phrase right after an inverted verb (`said Lleshaj during the interview`).
    fn subject_after(&self, verb: usize, hi: usize) -> Option<(usize, usize)> {
        let start = verb + 1;
        let mut end = start;
        while end < hi && end - start < MAX_SPEAKER_WORDS {
            let w = self.word(end);
            let lw = w.to_lowercase();
            if (is_punct(w) && !matches!(w, "’s" | "'s" | "&"))
                || (end > start && after_speaker_stops().contains(&lw.as_str()))
            {
                break;
            }
            end += 1;
        }
        (end > start && self.plausible_speaker(start)).then_some((start, end))
    }

    /// The subject at a sentence's start: a pronoun, or a run of capitalised words (with their
    /// titles and `of`), for participial cues (`Smith spoke, saying …`).
    fn sentence_subject(&self, sentence: usize, before: usize) -> Option<(usize, usize)> {
        let toks = self.doc.sentences[sentence].tokens.clone();
        let start = toks.start;
        if start >= before {
            return None;
        }
        let first = self.lower(start);
        if pronouns().contains(&first.as_str()) {
            return Some((start, start + 1));
        }
        let mut end = start;
        while end < before && end - start < MAX_SPEAKER_WORDS {
            let w = self.word(end);
            if is_capitalized(w) || (end > start && matches!(w, "of" | "." | "’s" | "'s")) {
                end += 1;
            } else {
                break;
            }
        }
        (end > start).then_some((start, end))
    }

    /// The speaker of the cue verb a participle hangs on (`"…," the mayor said, adding that …`,
    /// `"…," said Smith, arguing that …`, `Jones told the panel …, saying that …`): the subject of
    /// the nearest cue verb before it in the sentence, outside quotes.
    fn main_clause_speaker(&self, participle: usize, lo: usize) -> Option<(usize, usize)> {
        let comma = participle - 1;
        let v = (lo..comma).rev().find(|&t| {
            !self.in_quoted(self.doc.tokens[t].start)
                && !self.word(t).ends_with("ing")
                && self.is_cue_verb_at(t, lo, false)
        })?;
        let inverted = v > lo && (self.word(v - 1) == "," || marks_only(self.word(v - 1)));
        if inverted {
            return self.subject_after(v, comma);
        }
        self.appositive_subject(v, lo)
            .or_else(|| self.subject_before(v, lo))
    }

    fn is_cue_verb_at(&self, token: usize, lo: usize, speech_only: bool) -> bool {
        let w = self.word(token);
        let Some(info) = lexicon::verb(w) else {
            return false;
        };
        if speech_only && info.class != VerbClass::Speech {
            return false;
        }
        // A capitalised form after a word is a name ("Wayne State University"), not a verb.
        if is_capitalized(w)
            && token > 0
            && self.word(token - 1).chars().any(char::is_alphanumeric)
            && w.chars().any(char::is_lowercase)
        {
            return false;
        }
        // After a determiner any form is a noun ("an answer", "the claims"); noun-like forms
        // ("claims") need no determiner to be read as nouns after an adjective either.
        if token > lo && noun_determiners().contains(&self.lower(token - 1).as_str()) {
            return false;
        }
        // "refused to comment", "declined to say": no speech reported.
        !(token > lo && self.lower(token - 1) == "to")
    }
}

/// Direct quotes: attributes every quoted stretch, drops scare quotes and titles.
fn direct_candidates(view: &View, used_cues: &mut HashSet<Span>) -> Vec<(Candidate, Quoted)> {
    let mut out = Vec::new();
    let n = view.quoted.len();
    for k in 0..n {
        let q = view.quoted[k];
        let next_open = view.quoted.get(k + 1).map_or(usize::MAX, |n| n.outer.start);
        let prev_close = if k > 0 {
            view.quoted[k - 1].outer.end
        } else {
            0
        };
        let colon = lead_colon(view, q, prev_close);
        let after = colon
            .is_none()
            .then(|| trailer(view, q, next_open))
            .flatten();
        let found = colon
            .or(after)
            .or_else(|| lead(view, q, prev_close))
            .or_else(|| next_sentence_trailer(view, q, next_open));
        let mut content = q.inner;
        let mut kind = QuoteKind::Direct;
        // `The country "has made dramatic changes," Obama said`: with the cue after the quote,
        // words before it in its sentence belong to what was said.
        if after.is_some() {
            if let Some(start) = sentence_lead_in(view, q, prev_close) {
                content = Span::new(start, content.end);
                kind = QuoteKind::Mixed;
            }
        }
        // Titles ("Fox News Sunday," "All Bets Are Off.") are named, not said, also after a
        // lead-in (`In an interview on "Face the Nation," Ryan said …`): the cue after such a
        // title introduces the sentence's reported clause instead.
        if is_title_like(view.doc.slice(content)) || is_title_like(view.doc.slice(q.inner)) {
            continue;
        }
        match found {
            Some((cue, speaker)) => {
                used_cues.insert(cue);
                let c = Candidate {
                    span: content,
                    cue: Some(cue),
                    speaker,
                    kind,
                    inherits_speaker: speaker.is_none(),
                    needs_entity: view.doc.slice(cue) == ":",
                };
                out.push((c, q));
            }
            None => {
                // Scare quotes and titles: a few words with no cue are not speech.
                let words = word_count(view.doc.slice(content));
                let ends_like_speech = view
                    .doc
                    .slice(content)
                    .trim_end()
                    .ends_with(['.', ',', '!', '?', '…', '—']);
                // A short quote that is a sentence of its own ("We're America.") is speech.
                let whole_sentence = ends_like_speech
                    && view
                        .sentence_of(q.outer.start)
                        .is_some_and(|s| view.doc.sentences[s].span.start == q.outer.start);
                // A lower-case fragment inside a sentence with no cue is a phrase quoted in
                // passing (`make sure it is “on the up and up.”`), not a statement.
                let fragment = view
                    .doc
                    .slice(content)
                    .starts_with(|c: char| c.is_lowercase())
                    && words <= MAX_FRAGMENT_WORDS;
                if !whole_sentence && (words <= 2 || (words <= 5 && !ends_like_speech) || fragment)
                {
                    continue;
                }
                let c = Candidate {
                    span: content,
                    cue: None,
                    speaker: None,
                    kind: QuoteKind::Direct,
                    inherits_speaker: true,
                    needs_entity: false,
                };
                out.push((c, q));
            }
        }
    }
    out
}

type Attribution = (Span, Option<Span>);

/// Most words of a cue-less lower-case fragment dropped as quoted in passing.
const MAX_FRAGMENT_WORDS: usize = 8;

/// Most words before a quote that [`sentence_lead_in`] takes into it.
const MAX_LEAD_IN_WORDS: usize = 12;

/// The start of the words that open a quote's sentence before its opening mark, when there are
/// a few of them, no other quote and no cue verb among them (`North Korea's latest "provocation
/// …"`).
fn sentence_lead_in(view: &View, q: Quoted, prev_close: usize) -> Option<usize> {
    let sentence = view.sentence_of(q.outer.start)?;
    let s = &view.doc.sentences[sentence];
    if s.span.start >= q.outer.start || prev_close > s.span.start {
        return None;
    }
    let first = s.tokens.start;
    let mark = view.token_at(q.outer.start);
    let words = (first..mark).filter(|&t| !is_punct(view.word(t))).count();
    let clean = (first..mark).all(|t| {
        !marks_only(view.word(t)) && !view.is_cue_verb_at(t, first, false) && view.word(t) != ":"
    });
    (words > 0 && words <= MAX_LEAD_IN_WORDS && clean).then(|| view.doc.tokens[first].start)
}

/// `Label: "…"` — a headline or a line naming who speaks, a colon right before the quote.
fn lead_colon(view: &View, q: Quoted, prev_close: usize) -> Option<Attribution> {
    let first = view.token_at(
        prev_close.max(
            view.sentence_of(q.outer.start)
                .map_or(0, |s| view.doc.sentences[s].span.start),
        ),
    );
    let mark = view.token_at(q.outer.start);
    if mark == 0 || mark <= first || view.word(mark - 1) != ":" {
        return None;
    }
    let colon = mark - 1;
    // A verb before the colon makes it an ordinary lead (`X said: "…"`).
    if let Some(v) = (first..colon)
        .rev()
        .take(LEAD_WINDOW)
        .find(|&t| view.is_cue_verb_at(t, first, true))
    {
        let speaker = view
            .appositive_subject(v, first)
            .or_else(|| view.subject_before(v, first))
            .or_else(|| view.sentence_subject(view.sentence_of(q.outer.start)?, v));
        return Some((view.doc.tokens[v], speaker.map(|(s, e)| view.span_of(s, e))));
    }
    let label_words = colon - first;
    if label_words == 0 || label_words > 8 || !is_capitalized(view.word(first)) {
        return None;
    }
    let label = view.span_of(first, colon);
    if non_speaker_labels().contains(&view.doc.slice(label).to_lowercase().as_str()) {
        return None;
    }
    Some((view.doc.tokens[colon], Some(label)))
}

/// Cue and speaker after a quote, in the same sentence: `"…," X said`, `"…," said X`,
/// `"…" — X`.
fn trailer(view: &View, q: Quoted, next_open: usize) -> Option<Attribution> {
    let sentence = view.sentence_of(q.outer.end.saturating_sub(1))?;
    let limit = view.doc.sentences[sentence].span.end.min(next_open);
    let mut t = view.token_at(q.outer.end);
    let hi = view
        .token_at(limit)
        .min(view.doc.sentences[sentence].tokens.end);
    while t < hi && matches!(view.word(t), "," | ",”" | ";") {
        t += 1;
    }
    if t >= hi {
        return None;
    }
    attribution_at(view, t, hi)
}

/// Reads an attribution that starts at token `t`: `X said`, `said X`, `— X`.
fn attribution_at(view: &View, t: usize, hi: usize) -> Option<Attribution> {
    let first = view.word(t);
    if is_dash(first) && t + 1 < hi && is_capitalized(view.word(t + 1)) {
        let (s, e) = view.subject_after(t, hi)?;
        return Some((view.doc.tokens[t], Some(view.span_of(s, e))));
    }
    if view.is_cue_verb_at(t, t, true) {
        let speaker = view.subject_after(t, hi).map(|(s, e)| view.span_of(s, e));
        return Some((view.doc.tokens[t], speaker));
    }
    let window_end = hi.min(t + TRAILER_WINDOW);
    let v = (t + 1..window_end).find(|&v| view.is_cue_verb_at(v, t, true))?;
    let (s, e) = view
        .appositive_subject(v, t)
        .or_else(|| view.subject_before(v, t))?;
    // The speaker must start the trailer: `"…" is held accountable, Warren said` is no trailer
    // but a reported clause with a quoted fragment.
    (s == t).then(|| (view.doc.tokens[v], Some(view.span_of(s, e))))
}

/// `"…." He added.` / `"…." Smith said on Tuesday.`: a short next sentence that only attributes.
fn next_sentence_trailer(view: &View, q: Quoted, next_open: usize) -> Option<Attribution> {
    let sentence = view.sentence_of(q.outer.end.saturating_sub(1))?;
    let here = &view.doc.sentences[sentence];
    if view.token_at(q.outer.end) < here.tokens.end {
        return None;
    }
    let next = view.doc.sentences.get(sentence + 1)?;
    if next.paragraph != here.paragraph || next.span.end > next_open || next.tokens.len() > 8 {
        return None;
    }
    if (next.tokens.clone()).any(|t| view.lower(t) == "that") {
        return None;
    }
    attribution_at(view, next.tokens.start, next.tokens.end)
}

/// Cue and speaker before a quote: `X said, "…"`, `X told reporters: "…"`, `According to X, "…"`.
fn lead(view: &View, q: Quoted, prev_close: usize) -> Option<Attribution> {
    let sentence = view.sentence_of(q.outer.start)?;
    let lo = view.token_at(prev_close.max(view.doc.sentences[sentence].span.start));
    let mark = view.token_at(q.outer.start);
    if mark <= lo {
        return None;
    }
    let last = view.word(mark - 1);
    // `said the plan "will fail"` is a reported clause with a quoted fragment, not a lead.
    let verb_adjacent = view.is_cue_verb_at(mark - 1, lo, true);
    if !matches!(last, ":" | ",") && !verb_adjacent {
        return None;
    }
    let end = if verb_adjacent { mark } else { mark - 1 };
    for v in (lo..end).rev().take(LEAD_WINDOW) {
        if view.lower(v) == "according" && v + 1 < end && view.lower(v + 1) == "to" {
            let speaker = view
                .subject_after(v + 1, end)
                .map(|(s, e)| view.span_of(s, e));
            return Some((
                Span::new(view.doc.tokens[v].start, view.doc.tokens[v + 1].end),
                speaker,
            ));
        }
        if view.is_cue_verb_at(v, lo, true) {
            let speaker = view
                .appositive_subject(v, lo)
                .or_else(|| view.subject_before(v, lo))
                .or_else(|| view.sentence_subject(sentence, v));
            return Some((view.doc.tokens[v], speaker.map(|(s, e)| view.span_of(s, e))));
        }
        if matches!(view.word(v), "." | ";" | "?" | "!") {
            break;
        }
    }
    None
}

/// `Label: text` turns (interview transcripts, headline statements) and the paragraphs that
/// continue a transcript turn.
fn turn_candidates(view: &View, direct: &[(Candidate, Quoted)]) -> Vec<Candidate> {
    let doc = view.doc;
    let labels: Vec<Option<(Span, Span)>> = doc
        .paragraphs
        .iter()
        .map(|p| turn_label(view, *p))
        .collect();
    // Transcript speakers: labels used on two or more paragraphs.
    let label_text = |i: usize| labels[i].map(|(l, _)| doc.slice(l).to_lowercase());
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for i in 0..labels.len() {
        if let Some(l) = label_text(i) {
            *counts.entry(l).or_default() += 1;
        }
    }
    let transcript = counts.len() >= 2 && counts.values().filter(|&&c| c >= 2).count() >= 1;
    let mut out = Vec::new();
    let mut open_turn = false;
    for (i, para) in doc.paragraphs.iter().enumerate() {
        match labels[i] {
            Some((label, colon)) => {
                let body = Span::new(colon.end, para.end);
                let trimmed = trim_span(&doc.text, body);
                // A quote right after the colon is a direct quote (`CEO: ‘You should …’`).
                let quoted_body = direct
                    .iter()
                    .any(|(_, q)| q.outer.start <= trimmed.start + 3 && q.outer.start >= colon.end);
                if trimmed.is_empty() || quoted_body {
                    open_turn = false;
                    continue;
                }
                let repeated = counts
                    .get(&doc.slice(label).to_lowercase())
                    .copied()
                    .unwrap_or(0)
                    >= 2;
                open_turn = transcript && repeated;
                out.push(Candidate {
                    span: trimmed,
                    cue: Some(colon),
                    speaker: Some(label),
                    kind: QuoteKind::Direct,
                    inherits_speaker: false,
                    needs_entity: !open_turn,
                });
            }
            None if open_turn => {
                // A paragraph with its own attributed quote ends the transcript.
                let own_quote = direct
                    .iter()
                    .any(|(c, q)| para.contains(q.outer) && c.cue.is_some());
                if own_quote {
                    open_turn = false;
                    continue;
                }
                out.push(Candidate {
                    span: *para,
                    cue: None,
                    speaker: None,
                    kind: QuoteKind::Direct,
                    inherits_speaker: true,
                    needs_entity: false,
                });
            }
            None => {}
        }
    }
    out
}

fn trim_span(text: &str, span: Span) -> Span {
    let body = &text[span.range()];
    let lead = body.len() - body.trim_start().len();
    Span::new(span.start + lead, span.start + body.trim_end().len())
}

/// A paragraph's speaker label and colon: `Reporter:`, `Lleshaj:`, `Albanian Interior Minister:`.
fn turn_label(view: &View, para: Span) -> Option<(Span, Span)> {
    let text = view.doc.slice(para);
    let colon = text
        .char_indices()
        .take(60)
        .find(|&(_, c)| c == ':')
        .map(|(i, _)| i)?;
    let label = text[..colon].trim_end();
    if label.is_empty() || label.len() > 50 || !text[colon + 1..].starts_with(char::is_whitespace) {
        return None;
    }
    let words: Vec<&str> = label.split_whitespace().collect();
    if words.len() > 6 || !is_capitalized(words[0]) {
        return None;
    }
    let ok_word = |w: &&str| {
        !w.chars().any(|c| c.is_ascii_digit())
            && (is_capitalized(w) || label_function_words().contains(w))
            && lexicon::verb(w).is_none()
            && w.chars()
                .all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\'' | '’'))
    };
    if !words.iter().all(ok_word) || non_speaker_labels().contains(&label.to_lowercase().as_str()) {
        return None;
    }
    let start = para.start;
    Some((
        Span::new(start, start + label.len()),
        Span::new(start + colon, start + colon + 1),
    ))
}

/// Reported speech in one sentence: `X said (that) CLAUSE`, `CLAUSE, X said`,
/// `According to X, CLAUSE` and `CLAUSE, according to X`.
fn indirect_in_sentence(
    view: &View,
    sentence: usize,
    used_cues: &HashSet<Span>,
    blocked: &[Span],
) -> Vec<Candidate> {
    let s = &view.doc.sentences[sentence];
    let (lo, hi) = (s.tokens.start, s.tokens.end);
    let mut out = Vec::new();
    // Content ends before the sentence's final punctuation.
    let mut content_hi = hi;
    while content_hi > lo
        && is_punct(view.word(content_hi - 1))
        && !marks_only(view.word(content_hi - 1))
    {
        content_hi -= 1;
    }
    let mut t = lo;
    // The speaker of a first reported clause, for a cue coordinated with its own (`called the
    // plan “a mess” and said …`).
    let mut shared: Option<Span> = None;
    while t < hi {
        let tok = view.doc.tokens[t];
        if view.in_quoted(tok.start)
            || used_cues.contains(&tok)
            || blocked.iter().any(|b| b.contains(tok))
        {
            t += 1;
            continue;
        }
        if let Some(c) = as_characterization(view, t, (lo, hi, content_hi), sentence, shared) {
            match keep_scanning(view, c, hi, &mut out, &mut shared) {
                Some(next) => t = next,
                None => return out,
            }
            continue;
        }
        let lw = view.lower(t);
        if lw == "according" && t + 1 < hi && view.lower(t + 1) == "to" {
            if let Some(c) = according_to(view, t, lo, hi, content_hi) {
                out.push(c);
                return out;
            }
        }
        if !view.is_cue_verb_at(t, lo, false) {
            t += 1;
            continue;
        }
        if let Some(c) = forward_clause(view, t, (lo, hi, content_hi), sentence, shared.take()) {
            match keep_scanning(view, c, hi, &mut out, &mut shared) {
                Some(next) => t = next,
                None => return out,
            }
            continue;
        }
        shared = None;
        if let Some(c) = trailing_clause(view, t, lo, hi) {
            out.push(c);
            return out;
        }
        t += 1;
    }
    out
}

fn marks_only(word: &str) -> bool {
    word.chars().all(marks::is_quote_mark)
}

fn content_span(view: &View, from: usize, to: usize) -> Option<Span> {
    if from >= to {
        return None;
    }
    let span = view.span_of(from, to);
    (word_count(view.doc.slice(span)) >= 3).then_some(span)
}

word_list! {
    /// Words that, after a comma, start a new clause rather than continue the reported one.
    fn clause_breaks = "lexicon/clause_breaks.txt";
}

/// Where a reported clause starting at `start` ends (exclusive): before `, but …`, `, while …`,
/// `; …`, `, citing …`, or `and` followed by a new verb (`and encouraged …`, `and says …`), else
/// at `hi`.
fn clause_end(view: &View, start: usize, hi: usize) -> usize {
    let comma_before = |t: usize| {
        (start..t)
            .rev()
            .take_while(|&u| marks_only(view.word(u)) || view.word(u) == ",")
            .any(|u| view.word(u) == ",")
    };
    for t in start + 2..hi {
        let tok = view.doc.tokens[t];
        if view.in_quoted(tok.start) && !marks_only(view.word(t)) {
            continue;
        }
        let w = view.lower(t);
        let next_is_verb = t + 1 < hi && lexicon::verb(view.word(t + 1)).is_some();
        let breaks = w == ";"
            || (clause_breaks().contains(&w.as_str()) && comma_before(t))
            || (w.ends_with("ing") && lexicon::verb(&w).is_some() && comma_before(t))
            || (w == "and" && next_is_verb && !view.word(t + 1).ends_with("ing"));
        if breaks {
            let mut end = t;
            while end > start && matches!(view.word(end - 1), "," | ";") {
                end -= 1;
            }
            return end;
        }
    }
    hi
}

word_list! {
    /// With [`preposition_or_time_starts`], words that open an adjunct between a verb and its
    /// `that` (`said on Tuesday that`, `wrote last week that`, `said again that`).
    fn adjunct_starts = "lexicon/adjunct_starts.txt";
}

word_list! {
    /// Subject pronouns and finite auxiliaries: a word among them starts a clause of its own.
    fn clause_words = "lexicon/clause_words.txt";
}

/// Whether the words `from..that` between a verb and a `that` are adjuncts (`said on Tuesday
/// that`) or, for verbs that take one, an object (`told reporters that`), so that the `that`
/// opens the verb's clause. In `said he thought that …`, `says it underscores that …` or `said
/// the spate of shootings demands that …` they are the start of the reported clause itself: the
/// `that` belongs to a verb inside it, and the content starts right after the cue verb.
fn only_adjuncts_before_that(view: &View, from: usize, that: usize, takes_object: bool) -> bool {
    let first = view.lower(from);
    let adjunct_start = is_any_of(&first, &[preposition_or_time_starts(), adjunct_starts()])
        || (first.ends_with("ly") && first.len() > 4)
        || takes_object;
    adjunct_start
        && (from..that).all(|u| {
            let w = view.lower(u);
            let object_pronoun = takes_object && u == from;
            (object_pronoun || !clause_words().contains(&w.as_str()))
                && (lexicon::verb(view.word(u)).is_none()
                    || (u > from && noun_determiners().contains(&view.lower(u - 1).as_str())))
        })
}

word_list! {
    /// Words that open a clause of their own after an attribution (`she said, but as Trump …`).
    fn subordinators = "lexicon/subordinators.txt";
}

/// Whether the text between an attribution's cue and the next quote is only its circumstance (a
/// speaker, a time, a place, a participle: `he said, but`, `Tester said, referring to the
/// excuse,`, `she said during a rally in Ohio,`): at most a dozen words, no clause of its own
/// (no subject pronoun, auxiliary, subordinator or finite cue verb).
pub fn is_circumstance(text: &str) -> bool {
    let words: Vec<String> = text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '(' | ')'))
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    words.len() <= 12
        && !text.contains([';', ':', '?', '!'])
        && words.iter().all(|w| {
            !clause_words().contains(&w.as_str())
                && !subordinators().contains(&w.as_str())
                && (lexicon::verb(w).is_none() || w.ends_with("ing"))
        })
}

/// Keeps an attribution found in a sentence and says where to look for the next one: after a
/// cue coordinated with it (`… and said …`), whose speaker it shares, or nowhere (`None`).
fn keep_scanning(
    view: &View,
    found: Candidate,
    hi: usize,
    out: &mut Vec<Candidate>,
    shared: &mut Option<Span>,
) -> Option<usize> {
    let next = coordinated_cue(view, found.span.end, hi);
    if next.is_some() {
        *shared = found.speaker;
    }
    out.push(found);
    next
}

/// After a reported clause ending at byte `end`, the next cue verb when it is coordinated with
/// the clause's own (`… and said`, `…, and also said`), to read on from.
fn coordinated_cue(view: &View, end: usize, hi: usize) -> Option<usize> {
    let mut t = view.token_at(end);
    while t < hi && (view.word(t) == "," || marks_only(view.word(t))) {
        t += 1;
    }
    if t >= hi || view.lower(t) != "and" {
        return None;
    }
    t += 1;
    while t < hi && adverbs_and_auxiliaries().contains(&view.lower(t).as_str()) {
        t += 1;
    }
    (t < hi && view.is_cue_verb_at(t, t, false) && !view.word(t).ends_with("ing")).then_some(t)
}

/// The speaker of a reported clause's cue: the main clause's subject for a participle (`…,
/// adding that`), the speaker of a coordinated first cue when there is one, else the subject
/// before the verb.
fn clause_speaker(
    view: &View,
    verb: usize,
    lo: usize,
    sentence: usize,
    shared: Option<Span>,
) -> Option<Span> {
    let participle = view.word(verb).ends_with("ing") && verb > lo && view.word(verb - 1) == ",";
    let speaker = if participle {
        view.main_clause_speaker(verb, lo)
            .or_else(|| view.sentence_subject(sentence, verb))
    } else {
        if shared.is_some() {
            return shared;
        }
        view.appositive_subject(verb, lo)
            .or_else(|| view.subject_before(verb, lo))
    }?;
    Some(view.span_of(speaker.0, speaker.1))
}

word_list! {
    /// Cue verbs (lemmas) whose reported clause may follow an object (`told reporters that …`).
    fn object_lemmas = "lexicon/object_lemmas.txt";
}

word_list! {
    /// Cue verbs (lemmas) whose content may be an infinitive (`vowed to “…”`).
    fn infinitive_lemmas = "lexicon/infinitive_lemmas.txt";
}

/// `X said (that) CLAUSE` / `X told Y (that) CLAUSE`.
fn forward_clause(
    view: &View,
    verb: usize,
    (lo, hi, content_hi): (usize, usize, usize),
    sentence: usize,
    shared: Option<Span>,
) -> Option<Candidate> {
    let info = lexicon::verb(view.word(verb))?;
    let mut c = verb + 1;
    // Object of tell/warn/assure: a pronoun, a name or a short noun phrase.
    let takes_object = object_lemmas().contains(&info.lemma);
    // `told an invited crowd at the club that …`: an object first, then the clause.
    let that_window = if takes_object { 12 } else { 7 };
    let that = (c..hi.min(c + that_window))
        .find(|&t| view.lower(t) == "that")
        .filter(|&t| {
            t == c
                || ((c..t).all(|u| !matches!(view.word(u), "," | ";" | ":"))
                    && only_adjuncts_before_that(view, c, t, takes_object))
        });
    // `vowed to “…”`, `promised not to raise taxes`: a promise's content is its infinitive.
    let infinitive = infinitive_lemmas().contains(&info.lemma)
        && c < hi
        && (view.lower(c) == "to"
            || (view.lower(c) == "not" && c + 1 < hi && view.lower(c + 1) == "to"));
    let start = match that {
        Some(t) => t + 1,
        None if infinitive => c,
        None => {
            // `called the candidate “extremely fit”`, `urged police to release the videos “…”`:
            // a quoted fragment soon after the verb makes what follows it the content.
            let verb_end = view.doc.tokens[verb].end;
            let soon = view.doc.tokens[hi.min(verb + QUOTE_AFTER_VERB_WINDOW) - 1].end;
            let quote_follows = view
                .quoted
                .iter()
                .any(|q| q.outer.start >= verb_end && q.outer.start < soon);
            let bare = lexicon::takes_bare_clause(info) && info.lemma != "know";
            let fragment = quote_follows && info.class != VerbClass::Cognition;
            if !(bare || fragment) {
                return None;
            }
            if takes_object && c < hi {
                let w = view.lower(c);
                if object_pronouns().contains(&w.as_str()) {
                    c += 1;
                } else if is_capitalized(view.word(c)) {
                    while c < hi && is_capitalized(view.word(c)) {
                        c += 1;
                    }
                } else if matches!(w.as_str(), "the" | "a" | "an" | "his" | "her" | "their") {
                    // `told the forum he was …`: the clause starts at its subject pronoun.
                    if let Some(p) = (c + 1..hi.min(c + 6))
                        .find(|&t| pronouns().contains(&view.lower(t).as_str()))
                    {
                        c = p;
                    }
                }
            }
            if c >= hi {
                return None;
            }
            let next = view.lower(c);
            let word = view.word(c);
            if is_punct(word) && !marks_only(word) || not_clause_starts().contains(&next.as_str()) {
                return None;
            }
            // `said Smith, …`: an inverted trailer, not a clause.
            if is_capitalized(word) && c + 1 < hi && matches!(view.word(c + 1), "," | ".") {
                return None;
            }
            c
        }
    };
    let span = content_span(view, start, clause_end(view, start, content_hi))?;
    let speaker = clause_speaker(view, verb, lo, sentence, shared)?;
    Some(Candidate {
        span,
        cue: Some(view.doc.tokens[verb]),
        speaker: Some(speaker),
        kind: QuoteKind::Indirect,
        inherits_speaker: false,
        needs_entity: false,
    })
}

word_list! {
    /// Stems of verbs outside the cue lexicon that characterise someone or something `as` a quoted
    /// phrase (`referred to him as “…”`, `portrays the plan as “…”`, `admires Putin as a “…”`).
    fn as_verb_stems = "lexicon/as_verb_stems.txt";
}

word_list! {
    /// Words that continue a characterisation past its closing mark.
    fn as_modifier_starts = "lexicon/as_modifier_starts.txt";
}

/// Most words between a characterising verb and its `as` (`described Democratic presidential
/// nominee Hillary Clinton as …`).
const MAX_AS_OBJECT_WORDS: usize = 10;

/// `VERB OBJECT as (a) “…”` (`described the senator as a “disgrace”`, `referred to the plan as
/// “a scam”`): the content is the object and the characterisation up to the closing mark, and on
/// through `and (a) “…”` (`as “reckless” and “dangerous”`), as PolNeAR annotates it.
fn as_characterization(
    view: &View,
    verb: usize,
    (lo, hi, content_hi): (usize, usize, usize),
    sentence: usize,
    shared: Option<Span>,
) -> Option<Candidate> {
    let lower = view.lower(verb);
    let known = lexicon::verb(view.word(verb))
        .is_some_and(|info| info.class != VerbClass::Cognition)
        && view.is_cue_verb_at(verb, lo, false);
    let other = as_verb_stems().iter().any(|stem| lower.starts_with(stem))
        && lower.chars().all(char::is_alphabetic)
        && !(verb > lo && noun_determiners().contains(&view.lower(verb - 1).as_str()));
    if !(known || other) {
        return None;
    }
    let mut first = verb + 1;
    if lower.starts_with("refer") && first < hi && view.lower(first) == "to" {
        first += 1;
    }
    // The object: a few words, no punctuation but a possessive, no clause of its own.
    let as_at =
        (first..hi.min(first + MAX_AS_OBJECT_WORDS + 1)).find(|&t| view.lower(t) == "as")?;
    if as_at == first {
        return None;
    }
    let object_ok = (first..as_at).all(|u| {
        let w = view.word(u);
        let lw = view.lower(u);
        !view.in_quoted(view.doc.tokens[u].start)
            && (!is_punct(w) || matches!(w, "’s" | "'s" | "’" | "'" | "." | "-"))
            && !clause_words().contains(&lw.as_str())
            && !subordinators().contains(&lw.as_str())
            && (lexicon::verb(w).is_none()
                || (u > first && noun_determiners().contains(&view.lower(u - 1).as_str())))
    });
    if !object_ok {
        return None;
    }
    let mut mark = as_at + 1;
    if mark < hi && matches!(view.lower(mark).as_str(), "a" | "an" | "the") {
        mark += 1;
    }
    if mark >= hi {
        return None;
    }
    let at = view.doc.tokens[mark].start;
    let k = view.quoted.iter().position(|q| q.outer.start == at)?;
    let mut end = view.quoted[k].outer.end;
    // `as “reckless” and “dangerous”`, `as a “con” and a “fraud”`.
    let mut next = k + 1;
    while let Some(q) = view.quoted.get(next) {
        let between = view.doc.text[end..q.outer.start].trim();
        let between = between.strip_prefix(',').unwrap_or(between).trim();
        let joined = matches!(
            between,
            "and" | "or" | "and a" | "and an" | "or a" | "or an"
        );
        if !joined || view.sentence_of(q.outer.start) != Some(sentence) {
            break;
        }
        end = q.outer.end;
        next += 1;
    }
    // A modifier of the characterisation after the mark (`as “the gold standard” of trade
    // deals`, `as a “leader” who …`) stays in; anything else (`as a “disgrace” after she …`,
    // `as a “disgrace” Wednesday`, `as a “leader,” comparing …`) ends it.
    let closed_by_punct = view
        .doc
        .slice(view.quoted[next - 1].inner)
        .ends_with([',', '.', ';', '!', '?']);
    if let Some(t) = (mark..content_hi).find(|&t| view.doc.tokens[t].start >= end) {
        let w = view.lower(t);
        if !closed_by_punct && as_modifier_starts().contains(&w.as_str()) {
            let clause_end = clause_end(view, first, content_hi);
            if clause_end > t {
                end = end.max(view.span_of(first, clause_end).end);
            }
        }
    }
    let speaker = clause_speaker(view, verb, lo, sentence, shared)?;
    Some(Candidate {
        span: Span::new(view.doc.tokens[first].start, end),
        cue: Some(view.doc.tokens[verb]),
        speaker: Some(speaker),
        kind: QuoteKind::Mixed,
        inherits_speaker: false,
        needs_entity: false,
    })
}

/// `CLAUSE, X said.` / `CLAUSE, said X.`
fn trailing_clause(view: &View, verb: usize, lo: usize, hi: usize) -> Option<Candidate> {
    let info = lexicon::verb(view.word(verb))?;
    if info.class != VerbClass::Speech && !lexicon::takes_bare_clause(info) {
        return None;
    }
    // Little may follow the verb: `on Tuesday.`, `in a statement.`
    let after = (verb + 1..hi).filter(|&t| !is_punct(view.word(t))).count();
    if after > 6 {
        return None;
    }
    let (comma, speaker) = if verb > lo && view.word(verb - 1) == "," {
        let (s, e) = view.subject_after(verb, hi)?;
        (verb - 1, (s, e))
    } else {
        let (s, e) = view
            .appositive_subject(verb, lo)
            .or_else(|| view.subject_before(verb, lo))?;
        if s == lo || view.word(s - 1) != "," {
            return None;
        }
        (s - 1, (s, e))
    };
    let mut start = lo;
    while start < comma && marks_only(view.word(start)) {
        start += 1;
    }
    let span = content_span(view, start, comma)?;
    Some(Candidate {
        span,
        cue: Some(view.doc.tokens[verb]),
        speaker: Some(view.span_of(speaker.0, speaker.1)),
        kind: QuoteKind::Indirect,
        inherits_speaker: false,
        needs_entity: false,
    })
}

/// `According to X, CLAUSE` / `CLAUSE, according to X`.
fn according_to(
    view: &View,
    at: usize,
    lo: usize,
    hi: usize,
    content_hi: usize,
) -> Option<Candidate> {
    let cue = Span::new(view.doc.tokens[at].start, view.doc.tokens[at + 1].end);
    let (s, e) = view.subject_after(at + 1, hi)?;
    let speaker = Some(view.span_of(s, e));
    let span = if at == lo || (at > lo && !matches!(view.word(at - 1), ",")) {
        // Sentence-initial: the clause follows the speaker's comma.
        let mut c = e;
        while c < hi && view.word(c) != "," {
            c += 1;
        }
        content_span(view, c + 1, content_hi)?
    } else {
        let mut start = lo;
        while start < at - 1 && marks_only(view.word(start)) {
            start += 1;
        }
        content_span(view, start, at - 1)?
    };
    Some(Candidate {
        span,
        cue: Some(cue),
        speaker,
        kind: QuoteKind::Indirect,
        inherits_speaker: false,
        needs_entity: false,
    })
}

/// All candidates of a document, in text order, with reported clauses absorbing the quoted
/// fragments inside them (which makes them mixed).
pub fn find_candidates(view: &View) -> Vec<Candidate> {
    let mut used_cues = HashSet::new();
    let direct = direct_candidates(view, &mut used_cues);
    let turns = turn_candidates(view, &direct);
    let turn_spans: Vec<Span> = turns.iter().map(|t| t.span).collect();
    // Direct quotes inside a labelled turn belong to the turn.
    let mut direct: Vec<(Candidate, Quoted)> = direct
        .into_iter()
        .filter(|(_, q)| !turn_spans.iter().any(|t| t.overlaps(q.outer)))
        .collect();

    let mut indirect = Vec::new();
    for s in 0..view.doc.sentences.len() {
        let span = view.doc.sentences[s].span;
        if turn_spans.iter().any(|t| t.overlaps(span)) {
            continue;
        }
        indirect.extend(indirect_in_sentence(view, s, &used_cues, &turn_spans));
    }
    // A reported clause holding a quoted stretch is mixed; the stretch becomes part of it unless
    // it has a cue of its own.
    let mut out: Vec<Candidate> = Vec::new();
    for mut c in indirect {
        let holds = view.quoted.iter().any(|q| c.span.overlaps(q.outer));
        if holds {
            let own_cue_inside = direct
                .iter()
                .any(|(d, q)| c.span.overlaps(q.outer) && d.cue.is_some() && d.cue != c.cue);
            if own_cue_inside {
                continue;
            }
            c.kind = QuoteKind::Mixed;
            direct.retain(|(_, q)| !c.span.overlaps(q.outer));
        }
        out.push(c);
    }
    out.extend(direct.into_iter().map(|(c, _)| c));
    out.extend(turns);
    out.sort_by_key(|c| (c.span.start, c.span.end));
    out
}

#[cfg(test)]
mod lexicon_tests {
    use super::*;

    #[test]
    fn word_lists_load() {
        crate::lexicon::check_lists(
            &[
                ("preposition_or_time_starts", preposition_or_time_starts()),
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
