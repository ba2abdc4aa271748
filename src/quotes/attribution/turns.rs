//! Labelled turns: `Reporter: …` and `Lleshaj: …` lines of interview transcripts, a headline
//! `Minister: The regime is …`, and the unlabelled paragraphs that continue a transcript turn.
//!
//! A Q&A interview labels its turns `Q:` and `A:` instead of names:
//!
//! ```text
//! In an interview, the actor Tom Baker discussed his new film.
//!
//! Q: Why did you take the role?
//!
//! A: I loved the script. It reminded me of my father.
//! ```
//!
//! Each answer (and the unlabelled paragraphs continuing it) is a direct quote of the person
//! interviewed, named before the first question ([`Candidate::interviewee_in`], chosen among the
//! mentions by `quotes::interviewee`); the questions, the publication's own words, are left out.
//! Only an article with a `Q:` paragraph followed by an `A:` paragraph is read so: a lone `A:`
//! list label is no answer. The labels may also read `Q.`, `Question:`, `Q -` (a dash between
//! spaces), `Q-Why?` (a dash glued to the label and the turn's capital, only in an article whose
//! glued question has a glued answer after it: elsewhere `A-Rod said …` and `Q-Tip` are names,
//! [`glued_labels_paired`]) or stand in markdown bold (`**Q:**`): see [`qa_label`].

use super::lexicon;
use super::marks::Quoted;
use super::*;
use crate::quotes::QuoteKind;
use crate::text::{is_invisible_format, Span};

/// `Label: text` turns (interview transcripts, headline statements) and the paragraphs that
/// continue a transcript turn.
pub(super) fn turn_candidates(view: &View, direct: &[(Candidate, Quoted)]) -> Vec<Candidate> {
    let doc = view.doc;
    let labels: Vec<Option<(Span, Span)>> = doc
        .paragraphs
        .iter()
        .map(|p| turn_label(view, *p))
        .collect();
    // Transcript speakers: labels used on two or more paragraphs, written the same way (a
    // headline's `Pence: …` does not make the transcript's `PENCE:` turns its continuation).
    let label_text = |i: usize| labels[i].map(|(l, _)| doc.slice(l));
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for i in 0..labels.len() {
        if let Some(l) = label_text(i) {
            *counts.entry(l).or_default() += 1;
        }
    }
    let transcript = counts.len() >= 2 && counts.values().filter(|&&c| c >= 2).count() >= 1;
    // Outside a transcript, a team's line-up or box score is no turn; inside one, a list is an
    // answer (`SANDERS: Warren, Harris, Booker.`).
    let labels: Vec<Option<(Span, Span)>> = match transcript {
        true => labels,
        false => (labels.into_iter().zip(&doc.paragraphs).enumerate())
            .map(|(i, (label, para))| {
                label.filter(|&(_, colon)| {
                    i == 0 || !is_roster(doc.slice(Span::new(colon.end, para.end)))
                })
            })
            .collect(),
    };
    let qa: Vec<Option<(QaLabel, Span, Span)>> =
        doc.paragraphs.iter().map(|p| qa_label(view, *p)).collect();
    let qa = glued_labels_paired(view, qa);
    let interview = qa_intro(view, &qa);
    let mut out = Vec::new();
    // The label of the transcript turn that unlabelled paragraphs continue.
    let mut open_turn: Option<Span> = None;
    // Whether unlabelled paragraphs continue an answer of a Q&A interview.
    let mut open_answer = false;
    // The last question: the paragraphs after its answer are the article's again (`Lopez faces a
    // primary challenge …`), not more of the answer.
    let last_question = qa
        .iter()
        .rposition(|l| matches!(l, Some((QaLabel::Question, ..))));
    for (i, para) in doc.paragraphs.iter().enumerate() {
        if let (Some(intro), Some((qa_label, colon, words))) = (interview, qa[i]) {
            open_turn = None;
            let body = trim_span(&doc.text, words);
            let answer = qa_label == QaLabel::Answer && !body.is_empty();
            // Unlabelled paragraphs continue an answer only up to the next question.
            open_answer = answer && last_question.is_some_and(|q| q > i);
            if answer {
                out.push(Candidate {
                    span: body,
                    cue: Some(colon),
                    speaker: None,
                    kind: QuoteKind::Direct,
                    inherits_speaker: false,
                    needs_entity: false,
                    interviewee_in: Some(intro),
                });
            }
            continue;
        }
        match labels[i] {
            Some((label, colon)) => {
                open_answer = false;
                let body = Span::new(colon.end, para.end);
                let trimmed = trim_span(&doc.text, body);
                // A quote right after the colon is a direct quote (`CEO: ‘You should …’`).
                let quoted_body = direct
                    .iter()
                    .any(|(_, q)| q.outer.start <= trimmed.start + 3 && q.outer.start >= colon.end);
                if trimmed.is_empty() || quoted_body {
                    open_turn = None;
                    continue;
                }
                let repeated = counts.get(doc.slice(label)).copied().unwrap_or(0) >= 2;
                open_turn = (transcript && repeated).then_some(label);
                out.push(Candidate {
                    span: trimmed,
                    cue: Some(colon),
                    speaker: Some(label),
                    kind: QuoteKind::Direct,
                    inherits_speaker: false,
                    needs_entity: open_turn.is_none(),
                    interviewee_in: None,
                });
            }
            None if open_turn.is_some() || open_answer => {
                // A paragraph with its own attributed quote ends the transcript.
                let own_quote = direct
                    .iter()
                    .any(|(c, q)| para.contains(q.outer) && c.cue.is_some());
                if own_quote {
                    open_turn = None;
                    open_answer = false;
                    continue;
                }
                if is_stage_direction(doc.slice(*para)) {
                    continue;
                }
                // The turn's speaker, however many stage directions stand between.
                out.push(Candidate {
                    span: *para,
                    cue: None,
                    speaker: open_turn,
                    kind: QuoteKind::Direct,
                    inherits_speaker: false,
                    needs_entity: false,
                    interviewee_in: open_answer.then_some(interview).flatten(),
                });
            }
            None => {}
        }
    }
    out
}

/// The two labels of a Q&A interview's turns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QaLabel {
    Question,
    Answer,
}

/// Q&A labels and the turn each opens, as [`qa_label`] reads them: see the file's header.
fn qa_labels() -> &'static [(&'static str, QaLabel)] {
    static LIST: std::sync::OnceLock<Vec<(&'static str, QaLabel)>> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        let pairs = crate::lexicon::parse_pairs(include_str!("../lexicon/qa_labels.txt"));
        let turn = |name: &str| match name {
            "question" => QaLabel::Question,
            "answer" => QaLabel::Answer,
            other => panic!("qa_labels.txt: {other:?} is neither question nor answer"),
        };
        pairs
            .into_iter()
            .map(|(label, t)| (label, turn(t)))
            .collect()
    })
}

/// Markdown's bold marks around a label (`**Q:**`, `__A:__`).
const BOLD_MARKS: [&str; 2] = ["**", "__"];

/// A paragraph's Q&A label, read after opening quote marks and invisible format characters (as
/// [`turn_label`] reads them): the label's mark, the cue, and the turn's words after it.
/// A label of [`qa_labels`] (`Q`, `Answer`) is followed by its mark, `:` or `.` right after it
/// (`Q:`, `A.`, `Question:`) or a dash between spaces (`Q - Why?`, `A – Very.`), and then by white
/// space, or a dash glued to both the label and the turn's capital (`Q-Why?`, `A-Very.`); markdown
/// bold may hold the label (`**Q:**`, `**A**:`, `__A:__`, or a whole bold
/// question, `**Q: Why?**`). `Plan A: …` is no label, nor is a lower-case `a:`, nor `A-list`.
fn qa_label(view: &View, para: Span) -> Option<(QaLabel, Span, Span)> {
    let para_text = view.doc.slice(para);
    let text = para_text.trim_start_matches(|c| matches!(c, '"' | '“') || is_invisible_format(c));
    let at = |rest: &str| para.end - rest.len();
    let bold = BOLD_MARKS.iter().find(|&&b| text.starts_with(b)).copied();
    let text = bold.map_or(text, |b| &text[b.len()..]);
    qa_labels().iter().find_map(|&(written, label)| {
        let mut rest = text.strip_prefix(written)?;
        // `**Q**:`: the bold closes before the mark.
        if let Some(b) = bold {
            rest = rest.strip_prefix(b).unwrap_or(rest);
        }
        let (mark, after) = match rest.chars().next()? {
            ':' | '.' => (at(rest)..at(rest) + 1, &rest[1..]),
            c if c.is_whitespace() => {
                let spaced = rest.trim_start_matches([' ', '\u{a0}']);
                let dash = spaced.chars().next().filter(|&c| is_dash_char(c))?;
                let end = at(spaced) + dash.len_utf8();
                (at(spaced)..end, &spaced[dash.len_utf8()..])
            }
            // `Q-What happened?`: a dash glued to the label and to a capital opening the turn
            // (`A-list` is a word).
            c if is_dash_char(c) && bold.is_none() => {
                let after = &rest[c.len_utf8()..];
                if !after.starts_with(char::is_uppercase) {
                    return None;
                }
                let words = Span::new(at(after), para.end);
                return Some((label, Span::new(at(rest), at(after)), words));
            }
            _ => return None,
        };
        // `**Q:**`: the bold closes after the mark; else after the words, if at all (`**A:
        // Very.**`).
        let (after, words_end) = match bold {
            Some(b) => match after.strip_prefix(b) {
                Some(closed) => (closed, para.end),
                None => {
                    let kept = para_text.trim_end();
                    let end = para.start + kept.strip_suffix(b).unwrap_or(kept).len();
                    (after, end)
                }
            },
            None => (after, para.end),
        };
        after.starts_with(char::is_whitespace).then(|| {
            let words = Span::new(at(after), words_end.max(at(after)));
            (label, Span::new(mark.start, mark.end), words)
        })
    })
}

/// The Q&A labels with a dash glued to the label and the turn (`Q-Why?`) kept only where the
/// article writes its turns so: a glued question answered by a glued answer in the next
/// paragraph. Elsewhere a glued label is a name's start: `A-Rod said he was back.` after an
/// interview's `A:` answers was an answer `Rod said …`, and a paragraph opening `Q-Tip said …`
/// a question left out.
fn glued_labels_paired(
    view: &View,
    qa: Vec<Option<(QaLabel, Span, Span)>>,
) -> Vec<Option<(QaLabel, Span, Span)>> {
    let glued = |i: usize, turn: QaLabel| {
        qa.get(i)
            .copied()
            .flatten()
            .is_some_and(|(label, mark, _)| {
                let after = view.doc.text[mark.end..].chars().next();
                label == turn
                    && is_dash(view.doc.slice(mark))
                    && after.is_some_and(|c| !c.is_whitespace())
            })
    };
    let paired =
        (0..qa.len()).any(|i| glued(i, QaLabel::Question) && glued(i + 1, QaLabel::Answer));
    if paired {
        return qa;
    }
    let unglued: Vec<bool> = (0..qa.len())
        .map(|i| !glued(i, QaLabel::Question) && !glued(i, QaLabel::Answer))
        .collect();
    qa.into_iter()
        .zip(unglued)
        .map(|(label, unglued)| label.filter(|_| unglued))
        .collect()
}

/// Whether a character is a dash that may stand for a Q&A label's colon (`Q - Why?`).
fn is_dash_char(c: char) -> bool {
    let mut buf = [0; 4];
    is_dash(c.encode_utf8(&mut buf))
}

/// The stretch before a Q&A interview's first question, where the person interviewed is named,
/// when the article is one: a `Q:` paragraph has an `A:` paragraph right after it, and the
/// stretch says it is an interview (`In an interview, …`, `Q&A with …`: an FAQ box after a lead,
/// `Q: What is a filibuster? A: …`, is the publication's own explaining).
fn qa_intro(view: &View, qa: &[Option<(QaLabel, Span, Span)>]) -> Option<Span> {
    let label = |i: usize| qa.get(i).copied().flatten().map(|(l, ..)| l);
    let paired = (0..qa.len())
        .any(|i| label(i) == Some(QaLabel::Question) && label(i + 1) == Some(QaLabel::Answer));
    if !paired {
        return None;
    }
    let first = (0..qa.len()).find(|&i| label(i) == Some(QaLabel::Question))?;
    let intro = Span::new(0, view.doc.paragraphs[first].start);
    crate::quotes::interview::says_interview(view.doc, intro).then_some(intro)
}

/// A transcript's note between turns, `(CROSSTALK)` or `"(APPLAUSE.)`: in parentheses, no one's
/// words.
fn is_stage_direction(paragraph: &str) -> bool {
    let inner =
        paragraph.trim_matches(|c: char| c.is_whitespace() || marks::is_quote_mark(c) || c == '.');
    inner.starts_with('(') && inner.ends_with(')')
}

/// `span` without the white space and invisible format characters at its ends.
pub(super) fn trim_span(text: &str, span: Span) -> Span {
    let body = &text[span.range()];
    let blank = |c: char| c.is_whitespace() || is_invisible_format(c);
    let lead = body.len() - body.trim_start_matches(blank).len();
    let kept = body.trim_end_matches(blank).len();
    Span::new(span.start + lead.min(kept), span.start + kept)
}

/// A paragraph's speaker label and colon: `Reporter:`, `Lleshaj:`, `Albanian Interior Minister:`.
/// A transcript printed inside one long quotation opens every paragraph with a quote mark
/// (`"PENCE: Well, look, …`, the last paragraph alone closing it): the label follows the mark.
///
/// Invisible format characters ([`is_invisible_format`]) are read past: a direction mark or BOM
/// opening the paragraph (`\u{200E}MERKEL: …`, common in scraped text), one before or after the
/// colon, or inside the label (`ME\u{200B}RKEL`) lost the turn.
pub(super) fn turn_label(view: &View, para: Span) -> Option<(Span, Span)> {
    let para_text = view.doc.slice(para);
    let text = para_text.trim_start_matches(|c| matches!(c, '"' | '“') || is_invisible_format(c));
    let start = para.start + (para_text.len() - text.len());
    let colon = text
        .char_indices()
        .take(60)
        .find(|&(_, c)| c == ':')
        .map(|(i, _)| i)?;
    let label =
        text[..colon].trim_end_matches(|c: char| c.is_whitespace() || is_invisible_format(c));
    let after = text[colon + 1..].trim_start_matches(is_invisible_format);
    if label.is_empty() || label.len() > 50 || !after.starts_with(char::is_whitespace) {
        return None;
    }
    let plain = crate::invisible::without_invisible(label);
    let words: Vec<&str> = plain.split_whitespace().collect();
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
    if !words.iter().all(ok_word) || non_speaker_labels().contains(&plain.to_lowercase().as_str()) {
        return None;
    }
    Some((
        Span::new(start, start + label.len()),
        Span::new(start + colon, start + colon + 1),
    ))
}

/// Most words of one item of a [`is_roster`] list (`Cucurella`, `James 40`, `Enzo Fernandez`).
const ROSTER_ITEM_WORDS: usize = 3;

/// A sports report's line-up or box score after a team's name, no words of the team's:
/// `Arsenal: Raya; White, Saliba, Gabriel`, `Lakers: James 40, Davis 22, Reaves 15.` — three or
/// more items between commas and semicolons (two, when each ends in a score: `Celtics: Tatum 30,
/// Brown 25.`), each a few capitalized words or numbers. Speech
/// has lower-case words (`Vanko: Next spring, probably.`). Not applied to an article's first
/// paragraph, where a headline's title case reads the same (`Mayor: Rents, Taxes, Jobs`), nor
/// inside a transcript ([`turn_candidates`]).
fn is_roster(body: &str) -> bool {
    let items: Vec<&str> = body
        .split([',', ';'])
        .map(|item| item.trim().trim_end_matches('.'))
        .collect();
    let short_names = |item: &&str| {
        let words: Vec<&str> = item.split_whitespace().collect();
        !words.is_empty()
            && words.len() <= ROSTER_ITEM_WORDS
            && words
                .iter()
                .all(|w| is_capitalized(w) || w.chars().next().is_some_and(|c| c.is_ascii_digit()))
    };
    let scored = |item: &&str| {
        item.split_whitespace()
            .last()
            .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()))
    };
    let list = items.len() >= 3 || (items.len() == 2 && items.iter().all(scored));
    list && items.iter().all(short_names)
}
