//! The word-level view of a document that the searches read: words, their case and class,
//! sentence and paragraph edges, and the quoted stretches.

use super::lexicon::{self, VerbClass};
use super::marks::{self, Quoted};
use super::*;
use std::borrow::Cow;
use std::cell::OnceCell;

use crate::invisible::without_invisible;
use crate::text::{Document, Span};

/// Word-level view of a document: the lookups the searches need.
pub struct View<'d> {
    pub doc: &'d Document,
    /// Top-level quoted stretches, in text order.
    pub quoted: Vec<Quoted>,
    /// Each token's word as the lexicons read it: its text, without the invisible format
    /// characters inside it ([`without_invisible`]). `an\u{AD}nounced` (a soft hyphen) is the cue
    /// `announced`: read as written, it was no word of the lexicon, and its quote lost its cue
    /// and speaker.
    words: Vec<Cow<'d, str>>,
    /// The tokens that can be a main clause's cue verb (see [`View::main_verb_before`]), in
    /// order, listed on first use.
    main_verbs: OnceCell<Vec<usize>>,
}

impl<'d> View<'d> {
    pub fn new(doc: &'d Document) -> View<'d> {
        let quoted = marks::find_quoted_in(doc);
        debug_assert!(quoted.is_sorted_by_key(|q| q.outer.start));
        let words = doc
            .tokens
            .iter()
            .map(|t| without_invisible(&doc.text[t.range()]))
            .collect();
        View {
            doc,
            quoted,
            words,
            main_verbs: OnceCell::new(),
        }
    }

    pub(super) fn word(&self, token: usize) -> &str {
        &self.words[token]
    }

    pub(super) fn lower(&self, token: usize) -> String {
        self.word(token).to_lowercase()
    }

    /// First token starting at or after a byte offset.
    pub(super) fn token_at(&self, pos: usize) -> usize {
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

    /// The first quoted stretch opening at or after a byte offset (`quoted.len()` when none):
    /// the stretches are in text order, so a search finds what a scan of them all did.
    pub(super) fn first_quoted_from(&self, pos: usize) -> usize {
        self.quoted.partition_point(|q| q.outer.start < pos)
    }

    /// Whether a byte offset lies inside a quoted stretch (marks included).
    pub(super) fn in_quoted(&self, pos: usize) -> bool {
        let i = self.quoted.partition_point(|q| q.outer.start <= pos);
        i > 0 && pos < self.quoted[i - 1].outer.end
    }

    pub(super) fn span_of(&self, first: usize, last_exclusive: usize) -> Span {
        Span::new(
            self.doc.tokens[first].start,
            self.doc.tokens[last_exclusive - 1].end,
        )
    }

    /// The speaker phrase that ends right before token `verb`, reading back no further than
    /// token `lo`: `Sandër Lleshaj`, `the minister`, `a spokesman for the ministry`, `he`. An
    /// appositive between name and verb (`Hugh Hill, a doctor, said`) is skipped to the name.
    pub(super) fn subject_before(&self, verb: usize, lo: usize) -> Option<(usize, usize)> {
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
        let start = self.past_age_before_name(start, end);
        if start == end || !self.plausible_speaker(start) {
            return None;
        }
        Some((start, end))
    }

    /// The first token of a speaker phrase `start..end` past an age before a name
    /// ([`words_before_name`]).
    fn past_age_before_name(&self, start: usize, end: usize) -> usize {
        let words: Vec<&str> = (start..end).map(|t| self.word(t)).collect();
        start + words_before_name(&words)
    }

    /// Whether the tokens `from..to` are written as a name: capitalised words, abbreviation dots,
    /// a possessive, and inside it the small words of [`label_function_words`] (`Enemies of the
    /// State`, `Friends of the Earth`).
    pub(super) fn name_like(&self, from: usize, to: usize) -> bool {
        from < to
            && (from..to).all(|t| {
                let w = self.word(t);
                is_capitalized(w)
                    || matches!(w, "." | "’s" | "'s")
                    || (t > from && t + 1 < to && label_function_words().contains(&w))
            })
    }

    /// Whether a phrase starting at `first` can name a speaker (not `early Friday`, `in a
    /// statement`).
    pub(super) fn plausible_speaker(&self, first: usize) -> bool {
        !is_any_of(
            &self.lower(first),
            &[preposition_or_time_starts(), not_speaker_starts()],
        )
    }

    /// `NAME, a ROLE, said`: when the phrase before the verb is an appositive enclosed in commas,
    /// the speaker is the name before it; `a ROLE, NAME, said`: the role and the name.
    pub(super) fn appositive_subject(&self, verb: usize, lo: usize) -> Option<(usize, usize)> {
        // `Ann Frey, had told`, `Pedro Lopez, once told`: auxiliaries and adverbs after the
        // closing comma.
        let mut close = verb.checked_sub(1)?;
        while close > lo && adverbs_and_auxiliaries().contains(&self.lower(close).as_str()) {
            close -= 1;
        }
        if close < lo + 3 || self.word(close) != "," {
            return None;
        }
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
        let name_like = |from: usize, to: usize| self.name_like(from, to);
        // `Rep. Jim Jordan (R-Ohio), an oversight panel member, said`: subject_before skipped
        // the parenthesis between the name and the appositive.
        let parenthesis_between =
            self.word(name_end) == "(" && open > name_end + 1 && self.word(open - 1) == ")";
        if (name_end == open || parenthesis_between) && name_like(name_start, name_end) {
            return Some((name_start, name_end));
        }
        // `His lawyer, Jane Doe, said`, `the defendant, Mark Taylor, told`, `A close ally of Donald
        // Trump, Lindsey Graham, said`: the role first (a name inside it too), the name inside
        // the commas; the speaker is both, as attribution corpora mark it. The role
        // opens the clause, the sentence's or one reported (`Jones said his lawyer, Ann Frey,
        // had told him`): in `The car struck a cyclist, Mark Taylor, said police`, the words
        // before the commas end a clause of their own.
        let opens_clause = name_start == lo
            || self.lower(name_start - 1) == "that"
            || self.is_cue_verb_at(name_start - 1, lo, false);
        let role_then_name = name_end == open
            && opens_clause
            && !self.speaker_after(verb)
            && close - open - 1 <= MAX_SPEAKER_WORDS
            && name_like(open + 1, close)
            && self.plausible_speaker(name_start);
        role_then_name.then_some((name_start, close))
    }

    /// Whether a speaker follows a cue verb and ends its sentence's statement, as in `CLAUSE,
    /// said police spokesman Tom Brown.`: not a listener (`told the court`), and no clause
    /// (`said he was innocent`: an auxiliary after the verb).
    fn speaker_after(&self, verb: usize) -> bool {
        let Some(sentence) = self.sentence_of(self.doc.tokens[verb].start) else {
            return false;
        };
        let hi = self.doc.sentences[sentence].tokens.end;
        let listener = lexicon::verb(self.word(verb))
            .is_some_and(|info| super::reported::object_lemmas().contains(&info.lemma));
        let clause = (verb + 1..hi).any(|t| auxiliaries().contains(&self.lower(t).as_str()));
        !listener && !clause && self.subject_after(verb, hi).is_some()
    }

    /// The speaker phrase right after an inverted verb (`said Lleshaj during the interview`), with
    /// the name in apposition after a role (`said a close ally of Donald Trump, Lindsey
    /// Graham.`: the role and the name, as `a ROLE, NAME, said` reads before the verb).
    pub(super) fn subject_after(&self, verb: usize, hi: usize) -> Option<(usize, usize)> {
        let start = self.past_time_words(verb + 1, hi);
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
        let start = self.past_age_before_name(start, end);
        if end == start || !self.plausible_speaker(start) {
            return None;
        }
        Some((start, self.name_after_role(start, end, hi).unwrap_or(end)))
    }

    /// The first token from `t` past a time right after a cue verb ([`time_words`], with a
    /// [`day_parts`] word after it): `"…," said Thursday the minister` has its speaker, and `X
    /// said Thursday night the talks failed` its clause, after the time. A time before a
    /// possessive (`said Monday’s vote …`) is the clause's subject and stays.
    pub(super) fn past_time_words(&self, t: usize, hi: usize) -> usize {
        let is_in = |u: usize, list: &[&str]| u < hi && list.contains(&self.lower(u).as_str());
        let possessive = |u: usize| u < hi && matches!(self.word(u), "’s" | "'s" | "’" | "'");
        let mut u = t;
        while is_in(u, time_words()) {
            let next = if is_in(u + 1, day_parts()) {
                u + 2
            } else {
                u + 1
            };
            if possessive(next) {
                break;
            }
            u = next;
        }
        u
    }

    /// The end of a name in apposition after the role `start..comma` that a comma ends: a few
    /// words written as a name, closing the clause (`a close ally of Donald Trump, Lindsey
    /// Graham.`, `the minister, Sandër Lleshaj, on Tuesday`); none after a name (`Smith, Jones`)
    /// or before a time (`the minister, Tuesday`).
    fn name_after_role(&self, start: usize, comma: usize, hi: usize) -> Option<usize> {
        if comma >= hi || self.word(comma) != "," || self.name_like(start, comma) {
            return None;
        }
        let first = comma + 1;
        let end = (first..hi.min(first + MAX_APPOSITION_NAME_WORDS + 1))
            .find(|&t| is_punct(self.word(t)) && !matches!(self.word(t), "." | "’s" | "'s"))
            .unwrap_or(hi);
        // A sentence's last word keeps its full stop as a token of its own.
        let closes = end == hi || matches!(self.word(end), "," | ";" | ")");
        let name_end = match self.word(end.saturating_sub(1)) {
            "." if end == hi => end - 1,
            _ => end,
        };
        let no_stop =
            (first..name_end).all(|t| !after_speaker_stops().contains(&self.lower(t).as_str()));
        (closes && name_end - first <= MAX_APPOSITION_NAME_WORDS && no_stop)
            .then_some(name_end)
            .filter(|&e| self.name_like(first, e))
    }

    /// The subject at a sentence's start: a pronoun, or a run of capitalised words (with their
    /// titles and `of`), for participial cues (`Smith spoke, saying …`).
    pub(super) fn sentence_subject(
        &self,
        sentence: usize,
        before: usize,
    ) -> Option<(usize, usize)> {
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
    pub(super) fn main_clause_speaker(
        &self,
        participle: usize,
        lo: usize,
    ) -> Option<(usize, usize)> {
        let comma = participle - 1;
        let v = self.main_verb_before(comma, lo)?;
        let inverted = v > lo && (self.word(v - 1) == "," || marks_only(self.word(v - 1)));
        if inverted {
            return self.subject_after(v, comma);
        }
        self.appositive_subject(v, lo)
            .or_else(|| self.subject_before(v, lo))
    }

    /// The last token of `lo..before` outside quotes that is a cue verb and no participle. Found
    /// by binary search in [`View::main_verbs`], where a scan back to the sentence's start for
    /// each `, saying` was quadratic in a long sentence of them.
    fn main_verb_before(&self, before: usize, lo: usize) -> Option<usize> {
        let is_main = |t: usize, lo: usize| {
            !self.in_quoted(self.doc.tokens[t].start)
                && !lexicon::ends_in_ing(self.word(t))
                && self.is_cue_verb_at(t, lo, false)
        };
        // `is_cue_verb_at` reads `lo` only as whether a word precedes the token, so one list
        // read with `lo` just before each token serves every `lo`; `lo` itself is read alone.
        let verbs = self.main_verbs.get_or_init(|| {
            (1..self.doc.tokens.len())
                .filter(|&t| is_main(t, t - 1))
                .collect()
        });
        match verbs[..verbs.partition_point(|&t| t < before)].last() {
            Some(&v) if v > lo => Some(v),
            _ => (lo < before && is_main(lo, lo)).then_some(lo),
        }
    }

    pub(super) fn is_cue_verb_at(&self, token: usize, lo: usize, speech_only: bool) -> bool {
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
