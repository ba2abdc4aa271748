//! Direct quotes: a quoted stretch and the cue and speaker right after it (`"…," X said`,
//! `"…," said X`, `"…" — X`, or `He added.` as the next sentence) or right before it
//! (`X said: "…"`, `According to X, "…"`, a `Label: "…"` headline); scare quotes and titles are
//! dropped.

use std::collections::HashSet;

use super::marks::Quoted;
use super::*;
use crate::quotes::description;
use crate::quotes::QuoteKind;
use crate::text::Span;

/// Direct quotes: attributes every quoted stretch, drops scare quotes and titles.
pub(super) fn direct_candidates(
    view: &View,
    used_cues: &mut HashSet<Span>,
) -> Vec<(Candidate, Quoted)> {
    let mut out = Vec::new();
    let n = view.quoted.len();
    // The speaker of the previous quote, when it had one, and the sentence its attribution ends.
    let mut previous: Option<(Span, usize)> = None;
    for k in 0..n {
        let q = view.quoted[k];
        let next_open = view.quoted.get(k + 1).map_or(usize::MAX, |n| n.outer.start);
        let prev_close = if k > 0 {
            view.quoted[k - 1].outer.end
        } else {
            0
        };
        // It continues the previous quote's statement when it opens in the sentence where that
        // one's attribution ends, or in the next one of the paragraph.
        let opens = view.sentence_of(q.outer.start);
        let continued = previous
            .filter(|&(_, s)| opens.is_some_and(|o| o <= s + 1 && same_paragraph(view, s, o)))
            .map(|(speaker, _)| speaker);
        let (found, cue_after) = find_attribution(view, q, prev_close, next_open, continued);
        previous = match found {
            Some((cue, Some(speaker))) => view
                .sentence_of(cue.end.max(speaker.end).saturating_sub(1))
                .map(|s| (speaker, s)),
            _ => None,
        };
        let (content, kind) = direct_content(view, q, prev_close, cue_after);
        // Titles ("Fox News Sunday," "All Bets Are Off.") are named, not said, also after a
        // lead-in (`In an interview on "Face the Nation," Ryan said …`): the cue after such a
        // title introduces the sentence's reported clause instead.
        if is_title_like(view.doc.slice(content)) || is_title_like(view.doc.slice(q.inner)) {
            continue;
        }
        let c = match found {
            Some((cue, speaker)) => {
                used_cues.insert(cue);
                Candidate {
                    span: content,
                    cue: Some(cue),
                    speaker,
                    kind,
                    inherits_speaker: speaker.is_none(),
                    needs_entity: view.doc.slice(cue) == ":",
                    interviewee_in: None,
                }
            }
            None if quoted_in_passing(view, q, content) => continue,
            None => Candidate {
                span: content,
                cue: None,
                speaker: None,
                kind: QuoteKind::Direct,
                inherits_speaker: true,
                needs_entity: false,
                interviewee_in: None,
            },
        };
        out.push((c, q));
    }
    out
}

/// Whether two sentences are of one paragraph.
fn same_paragraph(view: &View, a: usize, b: usize) -> bool {
    view.doc.sentences[a].paragraph == view.doc.sentences[b].paragraph
}

/// A quote's cue and speaker: a `Label:` right before it, else a cue right after it, else one
/// before it, else `He added.` as the next sentence. The flag says the cue is right after it.
/// `continued`: the speaker of the statement this quote may continue.
fn find_attribution(
    view: &View,
    q: Quoted,
    prev_close: usize,
    next_open: usize,
    continued: Option<Span>,
) -> (Option<Attribution>, bool) {
    let colon = lead_colon(view, q, prev_close);
    // A lead with no speaker names none, and a `Label:` that is not a name names none either;
    // a cue right after the quote names one outright (`His message was blunt: "…," said
    // Haddad`, whose label had no entity and lost the quote; `Warning: "…," Haddad said`,
    // where the lead's cue was `Warning`). A name's label stays (`Haddad: "…," said the
    // general`).
    // A lead in the paragraph before yields to the quote's own attribution (`Warren said:⏎⏎"This
    // is corruption," said Rep. Jim Jordan.`).
    let paragraph_before =
        |cue: Span| view.doc.paragraph_of(cue.start) != view.doc.paragraph_of(q.outer.start);
    let weak = colon.is_some_and(|(cue, speaker)| match speaker {
        _ if paragraph_before(cue) => true,
        None => true,
        Some(label) => {
            view.doc.slice(cue) == ":"
                && (!written_as_name(view.doc.slice(label)) || describes(view, label, cue))
        }
    });
    let after = (colon.is_none() || weak)
        .then(|| trailer(view, q, next_open))
        .flatten();
    let found = after
        .or(colon)
        .or_else(|| lead(view, q, prev_close))
        .or_else(|| next_sentence_trailer(view, q, next_open, continued));
    (found, after.is_some())
}

/// Whether words stand between a colon lead's speaker and its colon: a description of the
/// speaker (`were angry` of `The Smiths were angry: "…"`, see [`lead_colon`]), which says nothing,
/// so the quote's own attribution after it wins (`"Nobody warned us," their neighbour Tom Hale
/// said`) as over any label that names no one.
fn describes(view: &View, speaker: Span, colon: Span) -> bool {
    view.doc
        .text
        .get(speaker.end..colon.start)
        .is_some_and(|between| between.chars().any(char::is_alphanumeric))
}

/// Whether every word of a label starts with a capital, as a name's do (`Omar Haddad`,
/// `PENCE`, `Prime Minister Edi Rama`; not `His message was blunt`).
fn written_as_name(label: &str) -> bool {
    label
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .all(is_capitalized)
}

/// What a quote says and its kind: the quoted words, direct, or with the words that open its
/// sentence, mixed.
fn direct_content(view: &View, q: Quoted, prev_close: usize, cue_after: bool) -> (Span, QuoteKind) {
    // `The country "has made dramatic changes," Obama said`: with the cue after the quote,
    // words before it in its sentence belong to what was said.
    if cue_after {
        if let Some(start) = sentence_lead_in(view, q, prev_close) {
            return (Span::new(start, q.outer.end), QuoteKind::Mixed);
        }
    }
    (q.inner, QuoteKind::Direct)
}

/// Whether a quote with no cue, `content`, is no statement but a scare quote, a title or a phrase
/// quoted in passing.
fn quoted_in_passing(view: &View, q: Quoted, content: Span) -> bool {
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
    !whole_sentence && (words <= 2 || (words <= 5 && !ends_like_speech) || fragment)
}

type Attribution = (Span, Option<Span>);

/// Most words of a cue-less lower-case fragment dropped as quoted in passing.
pub(super) const MAX_FRAGMENT_WORDS: usize = 8;

/// Most words before a quote that [`sentence_lead_in`] takes into it.
pub(super) const MAX_LEAD_IN_WORDS: usize = 12;

/// The start of the words that open a quote's sentence before its opening mark, when there are
/// a few of them, no other quote and no cue verb among them (`North Korea's latest "provocation
/// …"`).
pub(super) fn sentence_lead_in(view: &View, q: Quoted, prev_close: usize) -> Option<usize> {
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

/// `Label: "…"` — a headline or a line naming who speaks, a colon right before the quote; or
/// the paragraph before, when it ends in the colon and the quote opens its own paragraph, as
/// statements and press releases set it (`Governor Tom Reyes said in a statement:⏎⏎"Our
/// state …"`). A lead that describes its subject with a linking verb (`Angela Merkel was
/// blunt: "…"`) has the colon for its cue and the subject for its speaker.
pub(super) fn lead_colon(view: &View, q: Quoted, prev_close: usize) -> Option<Attribution> {
    let mark = view.token_at(q.outer.start);
    if mark == 0 || view.word(mark - 1) != ":" {
        return None;
    }
    let colon = mark - 1;
    let quote_sentence = view.sentence_of(q.outer.start)?;
    let lead_sentence = view.sentence_of(view.doc.tokens[colon].start)?;
    let sentences = &view.doc.sentences;
    // The quote stands as its sentence, nothing after its closing mark but punctuation: a quote
    // with its own attribution (`"…," according to the agency.`) keeps that.
    let quote_alone = || {
        let closing = view.sentence_of(q.outer.end.saturating_sub(1));
        let rest = closing.and_then(|s| view.doc.text.get(q.outer.end..sentences[s].span.end));
        rest.is_some_and(|rest| !rest.chars().any(char::is_alphanumeric))
    };
    let lead_in_paragraph_before = lead_sentence != quote_sentence
        && sentences[quote_sentence].tokens.start == mark
        && sentences[lead_sentence].paragraph + 1 == sentences[quote_sentence].paragraph
        && quote_alone();
    if lead_sentence != quote_sentence && !lead_in_paragraph_before {
        return None;
    }
    let first = view.token_at(prev_close.max(sentences[lead_sentence].span.start));
    if colon <= first {
        return None;
    }
    // A verb before the colon makes it an ordinary lead (`X said: "…"`).
    if let Some(v) = (first..colon)
        .rev()
        .take(LEAD_WINDOW)
        .find(|&t| view.is_cue_verb_at(t, first, true))
    {
        let speaker = view
            .appositive_subject(v, first)
            .or_else(|| view.subject_before(v, first))
            .or_else(|| view.sentence_subject(lead_sentence, v))
            // `Here is what the report said:` names no speaker `Here`.
            .filter(|&(s, _)| view.plausible_speaker(s));
        return Some((view.doc.tokens[v], speaker.map(|(s, e)| view.span_of(s, e))));
    }
    // A linking verb makes the lead a description of its subject, the speaker (`The minister was
    // blunt: "…"`): the colon is the cue, and `was blunt` no part of the speaker. A passive's
    // agent is no description (`The challenge is exemplified by this finding: "…"`). The test is
    // the model's too (quotes::description).
    let linking =
        (first + 1..colon).find(|&v| description::describes_before_colon(view.doc, v, colon));
    if let Some((s, e)) = linking
        .and_then(|v| view.subject_before(v, first))
        .filter(|&(s, _)| s == first)
    {
        return Some((view.doc.tokens[colon], Some(view.span_of(s, e))));
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
pub(super) fn trailer(view: &View, q: Quoted, next_open: usize) -> Option<Attribution> {
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

/// Reads an attribution that starts at token `t`: `X said`, `said X`, `— X`. None from no
/// token: a next "sentence" of control characters has none, and reading its first word
/// panicked the run (`'日本語。’s日本語。\u{e}`, found by the fuzz test at 3,000 cases).
pub(super) fn attribution_at(view: &View, t: usize, hi: usize) -> Option<Attribution> {
    if t >= hi {
        return None;
    }
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

/// `"…." He added.` / `"…." Smith said on Tuesday.`: a short next sentence that only attributes
/// ([`adds_a_statement`]: not `Jones said the figures were misleading.`). After a quote that
/// continues a speaker's statement of the sentence before (`"…," Smith said. "…"`, `continued`),
/// a verb of reaction naming someone else (`Jones disagreed.`, [`reaction_lemmas`]) is that
/// person's reaction, not this quote's attribution; `He agreed.` and `Jones added.` attribute.
pub(super) fn next_sentence_trailer(
    view: &View,
    q: Quoted,
    next_open: usize,
    continued: Option<Span>,
) -> Option<Attribution> {
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
    let (cue, speaker) = attribution_at(view, next.tokens.start, next.tokens.end)?;
    let attributed_end = speaker.map_or(cue.end, |s| s.end.max(cue.end));
    if adds_a_statement(view, cue, view.token_at(attributed_end), next.tokens.end) {
        return None;
    }
    let reaction = lexicon::verb(view.doc.slice(cue))
        .is_some_and(|info| reaction_lemmas().contains(&info.lemma));
    match (continued, speaker) {
        (Some(before), Some(now)) if reaction && !may_name_the_same(view, before, now) => None,
        _ => Some((cue, speaker)),
    }
}

word_list! {
    /// Cue verbs (lemmas) of reaction: see the file's header.
    pub(super) fn reaction_lemmas = "../lexicon/reaction_lemmas.txt";
}

/// Whether the tokens `from..end` of a trailer sentence, after its cue and speaker, make a
/// statement of its own: they open on a subject (a determiner, a pronoun, a capitalised word:
/// `said the figures were misleading`, `said Smith lied`) or hold an auxiliary (`said prices
/// will rise`). An adjunct (`on Tuesday`, `afterward`, `as he left`), a phrase after a comma
/// (`said, smiling`) or the listener of a verb that takes one (`told the House Judiciary
/// Committee`) is none.
fn adds_a_statement(view: &View, cue: Span, from: usize, end: usize) -> bool {
    if from >= end || view.word(from) == "," {
        return false;
    }
    let opens_adjunct = |t: usize| {
        is_any_of(
            &view.lower(t),
            &[
                preposition_or_time_starts(),
                reported::adjunct_starts(),
                reported::subordinators(),
            ],
        )
    };
    let takes_listener = lexicon::verb(view.doc.slice(cue))
        .is_some_and(|info| reported::object_lemmas().contains(&info.lemma));
    let words: Vec<usize> = (from..end)
        .filter(|&t| view.word(t).chars().any(char::is_alphanumeric))
        .collect();
    let auxiliary = words
        .iter()
        .any(|&t| auxiliaries().contains(&view.lower(t).as_str()));
    let Some(&first) = words.first() else {
        return false;
    };
    if opens_adjunct(first) {
        return false;
    }
    // A listener (`told reporters`) is no subject: only an auxiliary after it makes a clause.
    if takes_listener {
        return auxiliary;
    }
    let subject = is_any_of(&view.lower(first), &[noun_determiners(), pronouns()])
        || is_capitalized(view.word(first));
    subject || auxiliary
}

/// Whether a trailer's speaker may be the person a paragraph's earlier quote was given to: a
/// pronoun (`He agreed.`), or the same name or its last word (`Smith` for `John Smith`).
fn may_name_the_same(view: &View, before: Span, now: Span) -> bool {
    let now_text = view.doc.slice(now).trim();
    let before_text = view.doc.slice(before).trim();
    let last = |s: &str| s.split_whitespace().last().unwrap_or("").to_lowercase();
    pronouns().contains(&now_text.to_lowercase().as_str())
        || now_text.eq_ignore_ascii_case(before_text)
        || last(now_text) == last(before_text)
}

/// Cue and speaker before a quote: `X said, "…"`, `X told reporters: "…"`, `According to X, "…"`.
pub(super) fn lead(view: &View, q: Quoted, prev_close: usize) -> Option<Attribution> {
    let sentence = view.sentence_of(q.outer.start)?;
    let lo = view.token_at(prev_close.max(view.doc.sentences[sentence].span.start));
    let mark = view.token_at(q.outer.start);
    if mark <= lo {
        return None;
    }
    let last = view.word(mark - 1);
    // `said the plan "will fail"` is a reported clause with a quoted fragment, not a lead.
    let verb_adjacent = view.is_cue_verb_at(mark - 1, lo, true);
    // A dash stands for the comma too: `"We will win," Brown said — "and then we rest."`.
    if !matches!(last, ":" | ",") && !is_dash(last) && !verb_adjacent {
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
