//! Reported speech in a sentence: `X said (that) CLAUSE`, `CLAUSE, X said`, `According to X,
//! CLAUSE`, `CLAUSE, according to X`, and `X, as Y called him` characterizations.

use std::collections::HashSet;

use super::lexicon::{self, VerbClass};
use super::*;
use crate::lexicon::word_list;
use crate::quotes::QuoteKind;
use crate::text::Span;

/// Reported speech in one sentence: `X said (that) CLAUSE`, `CLAUSE, X said`,
/// `According to X, CLAUSE` and `CLAUSE, according to X`.
pub(super) fn indirect_in_sentence(
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

pub(super) fn content_span(view: &View, from: usize, to: usize) -> Option<Span> {
    if from >= to {
        return None;
    }
    let span = view.span_of(from, to);
    (word_count(view.doc.slice(span)) >= 3).then_some(span)
}

word_list! {
    /// Words that, after a comma, start a new clause rather than continue the reported one.
    pub(super) fn clause_breaks = "../lexicon/clause_breaks.txt";
}

/// Where a reported clause starting at `start` ends (exclusive): before `, but …`, `, while …`,
/// `; …`, `, citing …`, or `and` followed by a new verb (`and encouraged …`, `and says …`), else
/// at `hi`.
pub(super) fn clause_end(view: &View, start: usize, hi: usize) -> usize {
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
            || (lexicon::ends_in_ing(&w) && lexicon::verb(&w).is_some() && comma_before(t))
            || (w == "and" && next_is_verb && !lexicon::ends_in_ing(view.word(t + 1)));
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
    pub(super) fn adjunct_starts = "../lexicon/adjunct_starts.txt";
}

word_list! {
    /// Subject pronouns and finite auxiliaries: a word among them starts a clause of its own.
    pub(super) fn clause_words = "../lexicon/clause_words.txt";
}

/// Whether the words `from..that` between a verb and a `that` are adjuncts (`said on Tuesday
/// that`) or, for verbs that take one, an object (`told reporters that`), so that the `that`
/// opens the verb's clause. In `said he thought that …`, `says it underscores that …` or `said
/// the spate of shootings demands that …` they are the start of the reported clause itself: the
/// `that` belongs to a verb inside it, and the content starts right after the cue verb.
pub(super) fn only_adjuncts_before_that(
    view: &View,
    from: usize,
    that: usize,
    takes_object: bool,
) -> bool {
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
    pub(super) fn subordinators = "../lexicon/subordinators.txt";
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
                && (lexicon::verb(w).is_none() || lexicon::ends_in_ing(w))
        })
}

/// Keeps an attribution found in a sentence and says where to look for the next one: after a
/// cue coordinated with it (`… and said …`), whose speaker it shares, or nowhere (`None`).
pub(super) fn keep_scanning(
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
pub(super) fn coordinated_cue(view: &View, end: usize, hi: usize) -> Option<usize> {
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
    (t < hi && view.is_cue_verb_at(t, t, false) && !lexicon::ends_in_ing(view.word(t))).then_some(t)
}

/// The speaker of a reported clause's cue: the main clause's subject for a participle (`…,
/// adding that`), the speaker of a coordinated first cue when there is one, else the subject
/// before the verb.
pub(super) fn clause_speaker(
    view: &View,
    verb: usize,
    lo: usize,
    sentence: usize,
    shared: Option<Span>,
) -> Option<Span> {
    let participle =
        lexicon::ends_in_ing(view.word(verb)) && verb > lo && view.word(verb - 1) == ",";
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
    pub(super) fn object_lemmas = "../lexicon/object_lemmas.txt";
}

word_list! {
    /// Cue verbs (lemmas) whose content may be an infinitive (`vowed to “…”`).
    pub(super) fn infinitive_lemmas = "../lexicon/infinitive_lemmas.txt";
}

/// `X said (that) CLAUSE` / `X told Y (that) CLAUSE`.
pub(super) fn forward_clause(
    view: &View,
    verb: usize,
    (lo, hi, content_hi): (usize, usize, usize),
    sentence: usize,
    shared: Option<Span>,
) -> Option<Candidate> {
    let info = lexicon::verb(view.word(verb))?;
    let c = verb + 1;
    // Object of tell/warn/assure: a pronoun, a name or a short noun phrase.
    let takes_object = object_lemmas().contains(&info.lemma);
    let that = that_after_verb(view, c, hi, takes_object);
    // `vowed to “…”`, `promised not to raise taxes`: a promise's content is its infinitive.
    let infinitive = infinitive_lemmas().contains(&info.lemma)
        && c < hi
        && (view.lower(c) == "to"
            || (view.lower(c) == "not" && c + 1 < hi && view.lower(c + 1) == "to"));
    let start = match that {
        Some(t) => t,
        None if infinitive => c,
        None => bare_clause_start(view, verb, info, hi, takes_object)?,
    };
    let (span, kind) = match quoted_lead_end(view, start, content_hi) {
        Some((end, quoted)) => {
            content_span(view, start, end)?;
            (quoted, QuoteKind::Direct)
        }
        None => (
            content_span(view, start, clause_end(view, start, content_hi))?,
            QuoteKind::Indirect,
        ),
    };
    let speaker = clause_speaker(view, verb, lo, sentence, shared)?;
    Some(Candidate {
        span,
        cue: Some(view.doc.tokens[verb]),
        speaker: Some(speaker),
        kind,
        inherits_speaker: false,
        needs_entity: false,
        interviewee_in: None,
    })
}

/// A clause that opens with a closed quotation followed by a comma (`, which he called “a
/// bold step”, failed`, `called it “a bold step,” and left`) is the quotation alone: what
/// follows the comma is the main clause's, not the speaker's. The token after the quotation's
/// closing mark and the words between the marks, or none.
fn quoted_lead_end(view: &View, start: usize, hi: usize) -> Option<(usize, Span)> {
    let opens = view.doc.tokens[start].start;
    let q = view.quoted[view.first_quoted_from(opens)..]
        .iter()
        .take_while(|q| q.outer.start == opens)
        .find(|q| q.closed)?;
    let after = view.token_at(q.outer.end);
    if after + 1 >= hi {
        return None;
    }
    let comma_inside = view.doc.slice(q.inner).ends_with(',');
    let inner = if comma_inside {
        Span::new(q.inner.start, q.inner.end - 1)
    } else {
        q.inner
    };
    (comma_inside || view.word(after) == ",").then_some((after, inner))
}

/// The `that` opening a cue's clause, from token `c` right after the verb: right there, or
/// after an object and adjuncts with no punctuation between.
fn that_after_verb(view: &View, c: usize, hi: usize, takes_object: bool) -> Option<usize> {
    // `told an invited crowd at the club that …`: an object first, then the clause.
    let that_window = if takes_object { 12 } else { 7 };
    (c..hi.min(c + that_window))
        .find(|&t| view.lower(t) == "that")
        .filter(|&t| {
            t == c
                || ((c..t).all(|u| !matches!(view.word(u), "," | ";" | ":"))
                    && only_adjuncts_before_that(view, c, t, takes_object))
        })
}

/// The first token of a clause that follows its cue without `that` (`said the plan failed`,
/// `told reporters he would …`), past the object of a verb that takes one; none when the cue
/// takes no bare clause or what follows is no clause.
fn bare_clause_start(
    view: &View,
    verb: usize,
    info: lexicon::VerbInfo,
    hi: usize,
    takes_object: bool,
) -> Option<usize> {
    // `called the candidate “extremely fit”`, `urged police to release the videos “…”`:
    // a quoted fragment soon after the verb makes what follows it the content.
    let verb_end = view.doc.tokens[verb].end;
    let soon = view.doc.tokens[hi.min(verb + QUOTE_AFTER_VERB_WINDOW) - 1].end;
    let quote_follows = view
        .quoted
        .get(view.first_quoted_from(verb_end))
        .is_some_and(|q| q.outer.start < soon);
    let bare = lexicon::takes_bare_clause(info) && info.lemma != "know";
    let fragment = quote_follows && info.class != VerbClass::Cognition;
    if !(bare || fragment) {
        return None;
    }
    let mut c = view.past_time_words(verb + 1, hi);
    if takes_object && c < hi {
        c = view.past_time_words(past_object(view, c, hi), hi);
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
    Some(c)
}

/// Past the object of a cue verb at token `c` (`told him …`, `told Fox News …`): a pronoun, a
/// name, or a noun phrase up to the subject pronoun of the clause after it.
fn past_object(view: &View, mut c: usize, hi: usize) -> usize {
    let w = view.lower(c);
    if object_pronouns().contains(&w.as_str()) {
        c += 1;
    } else if is_capitalized(view.word(c)) {
        while c < hi && is_capitalized(view.word(c)) {
            c += 1;
        }
    } else if matches!(w.as_str(), "the" | "a" | "an" | "his" | "her" | "their") {
        // `told the forum he was …`: the clause starts at its subject pronoun.
        if let Some(p) =
            (c + 1..hi.min(c + 6)).find(|&t| pronouns().contains(&view.lower(t).as_str()))
        {
            c = p;
        }
    }
    c
}

word_list! {
    /// Stems of verbs outside the cue lexicon that characterise someone or something `as` a quoted
    /// phrase (`referred to him as “…”`, `portrays the plan as “…”`, `admires Putin as a “…”`).
    pub(super) fn as_verb_stems = "../lexicon/as_verb_stems.txt";
}

word_list! {
    /// Words that continue a characterisation past its closing mark.
    pub(super) fn as_modifier_starts = "../lexicon/as_modifier_starts.txt";
}

/// Most words between a characterising verb and its `as` (`described Democratic presidential
/// nominee Hillary Clinton as …`).
pub(super) const MAX_AS_OBJECT_WORDS: usize = 10;

/// `VERB OBJECT as (a) “…”` (`described the senator as a “disgrace”`, `referred to the plan as
/// “a scam”`): the content is the object and the characterisation up to the closing mark, and on
/// through `and (a) “…”` (`as “reckless” and “dangerous”`), as PolNeAR annotates it.
pub(super) fn as_characterization(
    view: &View,
    verb: usize,
    (lo, hi, content_hi): (usize, usize, usize),
    sentence: usize,
    shared: Option<Span>,
) -> Option<Candidate> {
    if !characterizing_verb(view, verb, lo) {
        return None;
    }
    let (first, as_at) = object_before_as(view, verb, hi)?;
    let mut mark = as_at + 1;
    if mark < hi && matches!(view.lower(mark).as_str(), "a" | "an" | "the") {
        mark += 1;
    }
    if mark >= hi {
        return None;
    }
    let end = characterization_end(view, first, mark, content_hi, sentence)?;
    let speaker = clause_speaker(view, verb, lo, sentence, shared)?;
    Some(Candidate {
        span: Span::new(view.doc.tokens[first].start, end),
        cue: Some(view.doc.tokens[verb]),
        speaker: Some(speaker),
        kind: QuoteKind::Mixed,
        inherits_speaker: false,
        needs_entity: false,
        interviewee_in: None,
    })
}

/// Whether the verb at `verb` may characterise something `as` a quoted phrase: a cue verb other
/// than one of thought, or a verb of [`as_verb_stems`] used as a verb.
fn characterizing_verb(view: &View, verb: usize, lo: usize) -> bool {
    let lower = view.lower(verb);
    let known = lexicon::verb(view.word(verb))
        .is_some_and(|info| info.class != VerbClass::Cognition)
        && view.is_cue_verb_at(verb, lo, false);
    let other = as_verb_stems().iter().any(|stem| lower.starts_with(stem))
        && lower.chars().all(char::is_alphabetic)
        && !(verb > lo && noun_determiners().contains(&view.lower(verb - 1).as_str()));
    known || other
}

/// The object of a characterising verb, as its first token and the token of the `as` after it.
fn object_before_as(view: &View, verb: usize, hi: usize) -> Option<(usize, usize)> {
    let mut first = verb + 1;
    if view.lower(verb).starts_with("refer") && first < hi && view.lower(first) == "to" {
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
    object_ok.then_some((first, as_at))
}

/// The byte end of a characterisation whose quote opens at token `mark` (the object starting at
/// token `first`): the closing mark of that quote or of the last one joined to it, or the end of
/// the clause when a modifier of the characterisation follows.
fn characterization_end(
    view: &View,
    first: usize,
    mark: usize,
    content_hi: usize,
    sentence: usize,
) -> Option<usize> {
    let at = view.doc.tokens[mark].start;
    let k = view.first_quoted_from(at);
    if view.quoted.get(k)?.outer.start != at {
        return None;
    }
    let (last, mut end) = joined_quotes(view, k, sentence);
    // A modifier of the characterisation after the mark (`as “the gold standard” of trade
    // deals`, `as a “leader” who …`) stays in; anything else (`as a “disgrace” after she …`,
    // `as a “disgrace” Wednesday`, `as a “leader,” comparing …`) ends it.
    let closed_by_punct = view
        .doc
        .slice(view.quoted[last].inner)
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
    Some(end)
}

/// `as “reckless” and “dangerous”`, `as a “con” and a “fraud”`: the last quote of sentence
/// `sentence` joined to quote `k` by `and`/`or`, as its index and its closing mark's end.
fn joined_quotes(view: &View, k: usize, sentence: usize) -> (usize, usize) {
    let mut end = view.quoted[k].outer.end;
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
    (next - 1, end)
}

/// `CLAUSE, X said.` / `CLAUSE, said X.`
pub(super) fn trailing_clause(view: &View, verb: usize, lo: usize, hi: usize) -> Option<Candidate> {
    let info = lexicon::verb(view.word(verb))?;
    if info.class != VerbClass::Speech && !lexicon::takes_bare_clause(info) {
        return None;
    }
    // Little may follow the verb: `on Tuesday.`, `in a statement.` Counting stops at the
    // seventh word, not the sentence's end: a sentence of thousands of cue verbs (`said, said,
    // …`) counted to its end for each was quadratic.
    if (verb + 1..hi)
        .filter(|&t| !is_punct(view.word(t)))
        .nth(6)
        .is_some()
    {
        return None;
    }
    let (comma, speaker) = if verb > lo && view.word(verb - 1) == "," {
        let (s, e) = view.subject_after(verb, hi)?;
        // `…, said the talks had failed`: an auxiliary makes a clause of it, no speaker.
        if (s..e).any(|t| auxiliaries().contains(&view.lower(t).as_str())) {
            return None;
        }
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
        interviewee_in: None,
    })
}

/// `According to X, CLAUSE` / `CLAUSE, according to X`.
pub(super) fn according_to(
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
        interviewee_in: None,
    })
}
