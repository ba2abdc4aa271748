//! Quote extraction and speaker attribution.
//!
//! [`extract`] finds an article's quotes in three steps:
//! 1. [`marks`] pairs quote marks into quoted stretches (curly, straight, guillemets, nesting,
//!    quotes over several paragraphs), never taking an apostrophe for a mark;
//! 2. [`attribution`] finds each quote's cue (a speech verb from [`lexicon`], `according to`, or a
//!    colon) and its speaker as written, adds labelled turns (`Reporter: …`) and reported speech
//!    (`X said that …`), and drops scare quotes;
//! 3. [`speaker`] resolves each speaker phrase to one of the article's entities: names through the
//!    mentions, roles through appositions, pronouns to the last person quoted or a recent subject;
//!    a quote with no speaker of its own (a follow-up paragraph, a transcript turn continued)
//!    takes the previous quote's.
//!
//! Every span is a byte range into [`Document::text`] on character boundaries.

pub mod attribution;
mod description;
mod interview;
pub mod learned;
pub mod lexicon;
pub mod marks;
mod non_response;
mod non_statement;
mod parts;
mod passive;
pub mod speaker;

use std::collections::BTreeMap;

use crate::entities::Entities;
use crate::ner::{EntityLabel, Mention};
use crate::span::SpanIndex;
use crate::text::{Document, Span};

/// How a quote reports speech.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteKind {
    /// Verbatim, inside quote marks (or a transcript turn).
    Direct,
    /// Reported speech without quote marks ("X said that ...").
    Indirect,
    /// Reported speech with a quoted fragment.
    Mixed,
}

impl QuoteKind {
    /// The kind's name as written in CSVs and fixtures: `direct`, `indirect`, `mixed`.
    pub fn as_str(&self) -> &'static str {
        match self {
            QuoteKind::Direct => "direct",
            QuoteKind::Indirect => "indirect",
            QuoteKind::Mixed => "mixed",
        }
    }

    /// Parses [`QuoteKind::as_str`]'s names.
    pub fn parse(name: &str) -> Option<QuoteKind> {
        match name {
            "direct" => Some(QuoteKind::Direct),
            "indirect" => Some(QuoteKind::Indirect),
            "mixed" => Some(QuoteKind::Mixed),
            _ => None,
        }
    }
}

/// Which extractor finds an article's quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QuoteMethod {
    /// The rules of this module ([`extract`]).
    #[default]
    Rules,
    /// The trained attribution model ([`learned`]).
    Model,
    /// Both, combined ([`combine`]).
    Both,
}

impl QuoteMethod {
    /// The method's name on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            QuoteMethod::Rules => "rules",
            QuoteMethod::Model => "model",
            QuoteMethod::Both => "both",
        }
    }

    /// What the attribution model reads before each paragraph for this method (none: the
    /// method runs no model).
    pub fn model_context(self) -> Option<learned::RoleContext> {
        match self {
            QuoteMethod::Rules => None,
            QuoteMethod::Model => Some(learned::RoleContext::AsTrained),
            QuoteMethod::Both => Some(learned::RoleContext::ParagraphOnly),
        }
    }
}

impl std::str::FromStr for QuoteMethod {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> anyhow::Result<QuoteMethod> {
        match s {
            "rules" => Ok(QuoteMethod::Rules),
            "model" => Ok(QuoteMethod::Model),
            "both" => Ok(QuoteMethod::Both),
            other => anyhow::bail!("unknown quote method {other}: use rules, model or both"),
        }
    }
}

/// An article's quotes by `method`; `role_tags` are the attribution model's tags of the
/// document, needed by the methods that use the model.
pub fn extract_by(
    method: QuoteMethod,
    doc: &Document,
    mentions: &[Mention],
    entities: &Entities,
    role_tags: Option<&learned::RoleTags>,
) -> Vec<Quote> {
    let from_model = || match role_tags {
        Some(tags) => learned::quotes(doc, tags, mentions, entities),
        None => Vec::new(),
    };
    let quotes = match method {
        QuoteMethod::Rules => extract(doc, mentions, entities),
        QuoteMethod::Model => from_model(),
        // Without the model's tags (none were computed), the rules alone.
        QuoteMethod::Both if role_tags.is_none() => extract(doc, mentions, entities),
        QuoteMethod::Both => combine(doc, extract(doc, mentions, entities), from_model()),
    };
    let quotes = passive::with_passive_speakers(doc, mentions, entities, quotes);
    parts::statements(doc, non_response::without_non_responses(doc, quotes))
}

/// The rules' quotes and the model's, combined where each is stronger:
/// - a reported or mixed statement of the rules that the model also found is taken as the model
///   read it (its span, cue and speaker): the model learned where attribution corpora start and
///   end reported speech (`officials said on Monday that the talks, which began in May, had
///   failed`), which the rules only approximate;
/// - a direct quote of the rules stays as the rules wrote it (their direct quotes, transcript
///   turns and headline quotes are exact, and their conventions are the project's), unless one
///   model statement with a cue holds it and more words — the lead-in of a mixed quote, `that
///   Machado was “disgusting”` — unless it holds two direct quotes of the rules and the cue of
///   one: it runs over several statements then (`we will rebuild” Joe Biden says “we will
///   rebuild`, a mixed quote over two), and the rules' quotes stay;
/// - a reported statement of the rules that no model statement overlaps is dropped: where the
///   model, which learned reported speech from a corpus, reads no statement at all, the rules'
///   reported clause was more often wrong than right (PolNeAR dev and train both gain; the
///   fixtures do not move);
/// - a model statement overlapping no quote of the rules is added when it has a cue and enough
///   words ([`long_enough_to_add`]: shorter model-only contents were mostly topics, `explained the
///   reasons why`, on the fixtures; the half of a clause its attribution interrupts counts the
///   other half's words too, `The plan, he said, would fail`), and its cue is no kept quote's:
///   one cue introduces one statement, and a kept quote's cue reaching a second content
///   (`"Subpoenas are not optional," Chaffetz said after Pagliano failed to show up`) was the
///   model's misreading; nor when it states nothing ([`non_statement`]: an action's object,
///   `approved a new parking plan`, or the question put to the subject, `Asked whether he would
///   resign, …`); nor when it lies inside a speaker of the rules' quotes: a name's own words are
///   no statement (`Mission in Libya` of `The UN Support Mission in Libya (UNSMIL) said …`);
/// - a model statement of one function word and no other piece (`the` of `the harbour board said
///   the.`, a stray tag) is no statement: it neither replaces nor is added;
/// - a statement opening a quotation right after `that`, after its cue, holds the `that` and is
///   mixed ([`that_before_quotation`]: `tweeted that, “We will win”`).
///
/// A model statement replaces rules' quotes only when every quote of the rules it overlaps may be
/// replaced, so no two quotes of the result overlap. In text order. Measured against the
/// alternatives in `models/quotes-en/MODEL_CARD.md`.
///
/// Where the model found the same statement as a kept quote of the rules, the statement takes
/// the model's reading of its source and cue ([`take_model_readings`]); where its statement
/// replaces one of the rules but its speaker is carried over from another sentence or missing,
/// the rules' speaker beside the cue stays ([`keep_speaker_written_by_cue`]).
pub fn combine(doc: &Document, rules: Vec<Quote>, model: Vec<Quote>) -> Vec<Quote> {
    // A statement of one function word (`the`) is a stray tag: it neither replaces nor is
    // added. A piece of a longer statement (`But` of `But … a campaign operative decided …`)
    // stays with the statement.
    let ids = attribution_ids(&model);
    let mut pieces: BTreeMap<usize, usize> = BTreeMap::new();
    for &id in &ids {
        *pieces.entry(id).or_default() += 1;
    }
    let model: Vec<Quote> = model
        .into_iter()
        .zip(&ids)
        .filter(|(m, id)| pieces[id] > 1 || !non_statement::is_function_word_alone(doc, m))
        .map(|(m, _)| m)
        .collect();
    let rule_index = SpanIndex::new(rules.iter().map(|r| r.span));
    let rules_of_model: Vec<Vec<usize>> = model
        .iter()
        .map(|m| rule_index.overlapping(m.span))
        .collect();
    let mut model_of_rule: Vec<Vec<usize>> = vec![Vec::new(); rules.len()];
    for (m, hits) in rules_of_model.iter().enumerate() {
        for &r in hits {
            model_of_rule[r].push(m);
        }
    }
    // A part's words with those of the part its attribution interrupts: `The plan` of `The
    // plan, he said, would fail in the end.` is added with its second part. Only a neighbour in
    // text order can be the other half: nothing else lies between them.
    let words_of = |q: &Quote| doc.slice(q.span).split_whitespace().count();
    let part_words: Vec<usize> = (0..model.len())
        .map(|i| {
            let other: usize = [i.wrapping_sub(1), i + 1]
                .into_iter()
                .filter(|&j| {
                    j < model.len()
                        && rules_of_model[j].is_empty()
                        && rules_of_model[i].is_empty()
                        && interrupted_by_attribution(doc, &model[i], &model[j])
                })
                .map(|j| words_of(&model[j]))
                .sum();
            words_of(&model[i]) + other
        })
        .collect();
    let replaced = replaced_rules(doc, &rules, &model, &rules_of_model, &model_of_rule);
    let mut out: Vec<Quote> = rules
        .iter()
        .zip(replaced.iter().zip(&model_of_rule))
        .filter_map(|(r, (&gone, over))| {
            let unread = r.kind == QuoteKind::Indirect && over.is_empty();
            (!gone && !unread).then(|| r.clone())
        })
        .collect();
    take_model_readings(doc, &mut out, &model);
    let kept_cues = SpanIndex::new(out.iter().filter_map(|q| q.cue));
    let cue_taken = |m: &Quote| m.cue.is_some_and(|c| !kept_cues.overlapping(c).is_empty());
    // The rules read these words as a speaker: the model's statement there is a name's own
    // words (`Mission in Libya` of `The UN Support Mission in Libya (UNSMIL) said …`).
    let rules_speakers: Vec<Span> = rules.iter().filter_map(|r| r.speaker).collect();
    let speaker_index = SpanIndex::new(rules_speakers.iter().copied());
    let in_rules_speaker = |m: &Quote| {
        speaker_index
            .overlapping(m.span)
            .into_iter()
            .any(|i| rules_speakers[i].contains(m.span))
    };
    let added: Vec<Quote> = model
        .into_iter()
        .zip(rules_of_model.iter().zip(&part_words))
        .filter(|(m, (hits, &words))| {
            let replaces = hits.iter().any(|&i| replaced[i]);
            replaces
                || hits.is_empty()
                    && m.cue.is_some()
                    && long_enough_to_add(m, words, lexicon_cue(doc, m))
                    && !cue_taken(m)
                    && !in_rules_speaker(m)
                    && !non_statement::states_nothing(doc, m)
        })
        .map(|(m, (hits, _))| {
            let gone = hits.iter().filter(|&&i| replaced[i]).map(|&i| &rules[i]);
            keep_speaker_written_by_cue(doc, m, gone)
        })
        .collect();
    out.extend(added);
    let lead_ins: Vec<Option<Span>> = out.iter().map(|q| that_before_quotation(doc, q)).collect();
    for (i, lead_in) in lead_ins.into_iter().enumerate() {
        let free = |that: Span| out.iter().all(|q| !q.span.overlaps(that));
        if let Some(that) = lead_in.filter(|&that| free(that)) {
            out[i].span = Span::new(that.start, out[i].span.end);
            out[i].kind = QuoteKind::Mixed;
        }
    }
    out.sort_by_key(|q| (q.span.start, q.span.end));
    out
}

/// The `that` before a statement that opens a quotation right after it (`Jones tweeted that,
/// “We will win”`), after the statement's cue in the cue's sentence: the reported clause is
/// `that, “We will win`, a mixed quote, as PolNeAR marks it (85 of 87 such contents of PolNeAR
/// train hold the `that`), where the rules' direct quote, and the model reading the paragraph
/// alone, start at the quotation's first word. [`combine`] takes it into the statement.
fn that_before_quotation(doc: &Document, statement: &Quote) -> Option<Span> {
    let cue = statement.cue?;
    let text = doc.slice(statement.span);
    let opening =
        statement.span.start + (text.len() - text.trim_start_matches(marks::is_quote_mark).len());
    let before = &doc.text[..opening];
    let lead = before.trim_end_matches(|c: char| c.is_whitespace() || marks::is_quote_mark(c));
    if !before[lead.len()..].contains(marks::is_quote_mark) {
        return None;
    }
    let stem = lead.trim_end_matches(',').trim_end().strip_suffix("that")?;
    if !stem.ends_with(char::is_whitespace) {
        return None;
    }
    let that = Span::new(stem.len(), stem.len() + "that".len());
    (cue.end <= that.start && doc.sentences_over(cue) == doc.sentences_over(that)).then_some(that)
}

/// A model statement replacing quotes of the rules, with the speaker a replaced quote has in the
/// sentence of the statement's cue when the model's comes from elsewhere, or is none: the model,
/// finding no source by its cue (`Jones, however, said the figures were misleading.`), carries
/// over the previous attribution's (`Smith`), where the rules read the subject beside the cue.
fn keep_speaker_written_by_cue<'r>(
    doc: &Document,
    mut statement: Quote,
    replaced: impl Iterator<Item = &'r Quote>,
) -> Quote {
    let Some(cue) = statement.cue else {
        return statement;
    };
    let cue_sentences = doc.sentences_over(cue);
    let by_cue = |s: Span| doc.sentences_over(s) == cue_sentences;
    if statement.speaker.is_some_and(by_cue) {
        return statement;
    }
    let written = replaced
        .filter(|r| r.cue.is_some_and(|c| c.overlaps(cue)))
        .find(|r| r.speaker.is_some_and(by_cue));
    if let Some(r) = written {
        statement.speaker = r.speaker;
        statement.speaker_entity = r.speaker_entity;
    }
    statement
}

/// Which quotes of the rules the model's statements replace ([`combine`]): a reported or mixed
/// one that a model statement overlaps, a direct one that a single model statement with a cue
/// holds with more words; then, until none is left, a replacement is undone wherever a model
/// statement would overlap both a replaced and a kept quote of the rules. `rules_of_model` lists
/// the rules' quotes each model statement overlaps, `model_of_rule` the other way round.
fn replaced_rules(
    doc: &Document,
    rules: &[Quote],
    model: &[Quote],
    rules_of_model: &[Vec<usize>],
    model_of_rule: &[Vec<usize>],
) -> Vec<bool> {
    let words = |s: Span| doc.slice(s).split_whitespace().count();
    let mut replaced: Vec<bool> = rules
        .iter()
        .zip(model_of_rule)
        .map(|(r, over)| match (r.kind, &over[..]) {
            (_, []) => false,
            (QuoteKind::Direct, &[m]) => {
                // A statement over two direct quotes and the cue of one runs over several
                // statements (`we will rebuild" Joe Biden says "we will rebuild`): it is no mixed
                // quote's lead-in. (Over one quote, a cue inside is the rules' misreading more
                // often: `“unhinged” a Donald Trump tweet`.)
                let directs: Vec<&Quote> = rules_of_model[m]
                    .iter()
                    .map(|&i| &rules[i])
                    .filter(|q| q.kind == QuoteKind::Direct)
                    .collect();
                let m = &model[m];
                let several = directs.len() > 1
                    && directs
                        .iter()
                        .any(|q| q.cue.is_some_and(|c| m.span.overlaps(c)));
                m.cue.is_some()
                    && m.span.contains(r.span)
                    && words(m.span) > words(r.span)
                    && !several
            }
            (QuoteKind::Direct, _) => false,
            _ => !over.iter().any(|&m| cue_elsewhere(doc, &model[m], r)),
        })
        .collect();
    // Undoing a replacement can make another model statement straddle: revisit the statements
    // over each quote put back.
    let mut work: Vec<usize> = (0..model.len()).collect();
    while let Some(m) = work.pop() {
        let hits = &rules_of_model[m];
        if hits.iter().any(|&i| replaced[i]) && hits.iter().any(|&i| !replaced[i]) {
            for &i in hits {
                if std::mem::replace(&mut replaced[i], false) {
                    work.extend(&model_of_rule[i]);
                }
            }
        }
    }
    replaced
}

/// Whether a model statement took its cue from a sentence it does not reach where the rules'
/// statement it overlaps has a cue of its own: `According to Angela Merkel, the talks failed.
/// Merkel told reporters …` — the model, which missed `According to`, linked the nearest cue
/// `told`, and the first statement became a part of the second's.
fn cue_elsewhere(doc: &Document, model: &Quote, rules: &Quote) -> bool {
    let reaches = doc.sentences_over(model.span);
    let elsewhere = model.cue.is_some_and(|c| {
        let cue = doc.sentences_over(c);
        cue.start >= reaches.end || cue.end <= reaches.start
    });
    rules.cue.is_some() && elsewhere
}

/// Gives each statement of the rules the model's reading of its source and cue, where the model
/// found the same statement: a model quote covering at least half of one of the statement's
/// parts. All parts of the statement (one [`attribution_ids`] number) take the same reading, so
/// they keep one speaker and one cue.
/// - Source: from the first such model quote whose speaker is written outside every part, the
///   speaker as the model marks it — the whole noun phrase an attribution corpus marks,
///   `Secretary of State Mike Pompeo` where the rules point at `Pompeo`, or the pronoun beside
///   the cue where the rules point back to the name. Its entity stays the rules' where the two
///   agree (same words, or same entity), else it is the model's: `"We will stay," the minister
///   told reporters, after Pompeo spoke.` — where the rules' nearest name is wrong, the model's
///   source reading of the sentence is usually right. A turn's `You know that …` has its source
///   inside the turn, which this leaves alone.
/// - Cue: from the first such model quote whose cue overlaps the rules' cue, the model's extent
///   of it (`told reporters` where the rules have `told`).
///
/// On PolNeAR dev, direct-quote speaker accuracy 0.891 → 0.924 for the disagreeing speakers;
/// the extents then moved source segments 0.763 → 0.794 and cue segments 0.722 → 0.723, with the
/// project's fixtures unchanged.
fn take_model_readings(doc: &Document, rules: &mut [Quote], model: &[Quote]) {
    let ids = attribution_ids(rules);
    let model_index = SpanIndex::new(model.iter().map(|m| m.span));
    let rule_index = SpanIndex::new(rules.iter().map(|r| r.span));
    let covers = |m: &Quote, r: &Quote| {
        let shared = m.span.end.min(r.span.end);
        let from = m.span.start.max(r.span.start);
        shared > from && (shared - from) * 2 >= r.span.len()
    };
    // Whether a span lies on a part of statement `id`.
    let on_part = |s: Span, id: usize| rule_index.overlapping(s).iter().any(|&i| ids[i] == id);
    let mut speakers: BTreeMap<usize, (Option<Span>, Option<usize>)> = BTreeMap::new();
    let mut cues: BTreeMap<usize, Span> = BTreeMap::new();
    for (r, &id) in rules.iter().zip(&ids) {
        let readings = || {
            model_index
                .overlapping(r.span)
                .into_iter()
                .map(|i| &model[i])
                .filter(|m| covers(m, r))
        };
        // A reading linked to another cue is another statement's: `"…," Brown said. "…," Jones
        // said.` read as one statement of Brown's gave Jones's words to Brown. And a speaker the
        // model carried over from another paragraph does not replace one written beside the
        // quote (`"Maybe," said 習近平.`, a name the tagger missed, went to the previous
        // paragraph's speaker).
        let same_cue = |m: &Quote| r.cue.is_none_or(|rc| m.cue.is_some_and(|c| c.overlaps(rc)));
        let paragraph = doc.paragraphs.iter().find(|p| p.contains(r.span));
        let beside = |s: Span| paragraph.is_some_and(|p| p.contains(s));
        // Nor does one from another sentence than the cue's replace one written in it (`“No,”
        // she said. “Never,” said Merkel, “not once.”` gave Merkel's parts to `she`).
        let cue_sentence = r.cue.map(|c| doc.sentences_over(c));
        let by_cue = |s: Span| {
            cue_sentence
                .as_ref()
                .is_some_and(|c| *c == doc.sentences_over(s))
        };
        let carried_over = |s: Span| {
            (r.speaker.is_some_and(beside) && !beside(s))
                || (r.speaker.is_some_and(by_cue) && !by_cue(s))
        };
        // Nor does the speaker of a statement that embeds this one (`Maria Lopez recalled that
        // her father, Pedro Lopez, once told her, "Never give up."`: the model gave `told` the
        // source of `recalled`) replace the subject the rules read beside the cue. A participle
        // cue has no subject of its own: in `He slammed the headline by saying …` and `Her
        // campaign blasted out an email stating …` the speaker is the clause's, the model's.
        let participle = |cue: Span| {
            doc.slice(cue)
                .split_whitespace()
                .next()
                .is_some_and(|w| lexicon::ends_in_ing(&w.to_lowercase()))
        };
        let embedding = |s: Span| {
            r.speaker.zip(r.cue).is_some_and(|(own, cue)| {
                s.end <= own.start
                    && own.end <= cue.start
                    && !participle(cue)
                    && doc.text[s.end..own.start]
                        .split(|c: char| !c.is_alphabetic())
                        .any(lexicon::is_speech_verb)
            })
        };
        let source = readings().find(|m| {
            m.speaker
                .is_some_and(|s| !on_part(s, id) && !carried_over(s) && !embedding(s))
                && same_cue(m)
        });
        if let Some(m) = source {
            let agrees = r.speaker.zip(m.speaker).is_some_and(|(a, b)| a.overlaps(b))
                || r.speaker_entity.is_some() && r.speaker_entity == m.speaker_entity;
            let entity = if agrees {
                r.speaker_entity.or(m.speaker_entity)
            } else {
                m.speaker_entity
            };
            // The model's extent (`Secretary of State Mike Pompeo` for the rules' `Pompeo`,
            // `Trump` for `President Donald Trump`), but not a name it cut short: `Peter` where
            // the rules have `Peter Brown`, the next word a capitalized one of the rules' span.
            let cut_short = r.speaker.zip(m.speaker).is_some_and(|(a, b)| {
                a.contains(b)
                    && doc.text[b.end..a.end]
                        .strip_prefix(' ')
                        .is_some_and(|rest| rest.starts_with(char::is_uppercase))
            });
            let span = if cut_short { r.speaker } else { m.speaker };
            speakers.entry(id).or_insert((span, entity));
        }
        let cue = r
            .cue
            .and_then(|rc| readings().find_map(|m| m.cue.filter(|c| c.overlaps(rc))));
        if let Some(c) = cue {
            cues.entry(id).or_insert(c);
        }
    }
    for (r, id) in rules.iter_mut().zip(ids) {
        if let Some(&(speaker, entity)) = speakers.get(&id) {
            r.speaker = speaker;
            r.speaker_entity = entity;
        }
        // A statement in `cues` took it from a part with a cue, and a part without a cue is a
        // statement of its own (`attribution_ids`): every part here has a cue to replace.
        if let Some(&c) = cues.get(&id) {
            r.cue = Some(c);
        }
    }
}

/// Each quote's attribution number, from 1 in order of first part: quotes sharing a cue are one
/// statement's parts (`"…," she said, "…"`); a quote without a cue is a statement of its own.
/// `quotes.csv`'s `attribution_id` and `eval quotes`' grouping of predictions both come from here.
pub fn attribution_ids(quotes: &[Quote]) -> Vec<usize> {
    let mut by_cue: BTreeMap<Span, usize> = BTreeMap::new();
    let mut next = 0;
    quotes
        .iter()
        .map(|q| match q.cue.and_then(|c| by_cue.get(&c)) {
            Some(&id) => id,
            None => {
                next += 1;
                if let Some(c) = q.cue {
                    by_cue.insert(c, next);
                }
                next
            }
        })
        .collect()
}

/// Whether a statement only the model found has words enough for `both` to add it: four, or
/// three for reported speech whose cue is a verb of the cue lexicon (`Staff said prices will
/// rise`); `words` counts the other half of a clause its attribution interrupts too (`The plan`
/// of `The plan, he said, would fail` has five). Shorter ones were mostly topics (`warned of dam
/// failure`); short ones with quote marks
/// mostly titles and scare quotes the rules rightly left unattributed (`Members read “War and
/// Peace” aloud`), and short ones with other cues topics of verbs that report no words (`Harbour
/// authority approves Valmora port expansion`). Chosen on PolNeAR train and dev together
/// (`models/quotes-en/MODEL_CARD.md`).
fn long_enough_to_add(statement: &Quote, words: usize, lexicon_cue: bool) -> bool {
    words >= MIN_ADDED_WORDS
        || words + 1 == MIN_ADDED_WORDS && statement.kind == QuoteKind::Indirect && lexicon_cue
}

/// Whether two parts of one statement are the halves of a clause its attribution interrupts:
/// only their cue and speaker, commas and spaces lie between them (`The plan, he said, would
/// fail`).
fn interrupted_by_attribution(doc: &Document, a: &Quote, b: &Quote) -> bool {
    let (first, second) = if a.span.start <= b.span.start {
        (a, b)
    } else {
        (b, a)
    };
    let (Some(cue), Some(speaker)) = (a.cue, a.speaker) else {
        return false;
    };
    if first.span.end > second.span.start || b.cue != a.cue {
        return false;
    }
    let between = Span::new(first.span.end, second.span.start);
    let attribution = [cue, speaker];
    attribution.iter().all(|s| between.contains(*s))
        && doc.text[between.range()].char_indices().all(|(i, c)| {
            let at = between.start + i;
            attribution.iter().any(|s| s.start <= at && at < s.end) || c.is_whitespace() || c == ','
        })
}

/// Whether a statement's cue holds a verb of the cue lexicon.
fn lexicon_cue(doc: &Document, statement: &Quote) -> bool {
    statement.cue.is_some_and(|cue| {
        doc.slice(cue)
            .split(|c: char| !c.is_alphabetic())
            .any(|word| lexicon::verb(word).is_some())
    })
}

/// The fewest words of a statement only the model found, for `both` to add it whatever its cue
/// ([`long_enough_to_add`]).
const MIN_ADDED_WORDS: usize = 4;

/// One attributed quote.
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    /// The quoted content: without the quote marks for a direct quote, the reported clause
    /// with its `that` for indirect and mixed ones (`said that the talks failed` → `that the
    /// talks failed`), as attribution corpora (PolNeAR) mark it and the attribution model learned
    /// it: one convention whichever extractor found the quote.
    pub span: Span,
    /// The words that introduce it: "said", "told", "according to", ":" (or "—" before a name).
    /// None for a quote that continues an earlier one's attribution.
    pub cue: Option<Span>,
    /// The speaker as written: a name, a pronoun or a role. For a quote that inherits its speaker
    /// this is where the earlier quote's speaker is written.
    pub speaker: Option<Span>,
    /// Index into the article's entities of the speaker, when resolved.
    pub speaker_entity: Option<usize>,
    pub kind: QuoteKind,
}

/// How many paragraphs back an unattributed quote may look for the quote it continues.
const INHERIT_PARAGRAPHS: usize = 1;

/// Finds an article's quotes, in text order.
pub fn extract(doc: &Document, mentions: &[Mention], entities: &Entities) -> Vec<Quote> {
    let view = attribution::View::new(doc);
    let candidates = attribution::find_candidates(&view);
    let mut resolver = speaker::Resolver::new(doc, mentions, entities);
    let mut out: Vec<Quote> = Vec::with_capacity(candidates.len());
    // The last quote with a speaker, and its paragraph.
    let mut last_attributed: Option<(usize, Option<Span>, Option<usize>)> = None;
    // The person a Q&A interview's answers are from, once chosen.
    let mut interviewed: Option<Option<Span>> = None;
    for c in candidates {
        let para = view.doc.paragraph_of(c.span.start).unwrap_or(0);
        let (speaker, speaker_entity) = match (c.speaker, c.inherits_speaker) {
            (None, _) if c.interviewee_in.is_some() => {
                // One interview per article: its person is chosen once.
                let named = *interviewed.get_or_insert_with(|| {
                    c.interviewee_in
                        .and_then(|intro| interview::interviewee(doc, mentions, entities, intro))
                });
                (named, named.and_then(|s| resolver.resolve(s)))
            }
            (Some(s), _) => (Some(s), resolver.resolve(s)),
            (None, true) => match last_attributed {
                Some((p, s, e))
                    if para <= p + INHERIT_PARAGRAPHS
                        && (p == para
                            || !turns_to_someone_else(doc, mentions, entities, c.span, e)) =>
                {
                    (s, e)
                }
                _ => (None, None),
            },
            (None, false) => (None, None),
        };
        if c.needs_entity && speaker_entity.is_none() {
            continue;
        }
        if speaker.is_some() {
            last_attributed = Some((para, speaker, speaker_entity));
        } else if c.cue.is_some() || !c.inherits_speaker {
            last_attributed = None;
        }
        // A multi-paragraph quote continues to its last paragraph.
        if let (Some(_), Some(end_para)) = (speaker, view.doc.paragraph_of(c.span.end)) {
            last_attributed = last_attributed.map(|(_, s, e)| (end_para, s, e));
        }
        out.push(Quote {
            span: c.span,
            cue: c.cue,
            speaker,
            speaker_entity,
            kind: c.kind,
        });
    }
    inherit_from_added(doc, &view, &mut out);
    join_split_quotes(doc, &view, &mut out);
    out
}

/// Whether the paragraph of an unattributed quote turns, before it, to a person other than the
/// speaker (`speaker`, an entity) it would take from the paragraph before: `Jones, the mayor, was
/// furious. "It is a disaster."` and `In a panel on Monday, Marc Morial told a young woman that
/// "…"` are no follow-ups of the quote before, and whose they are the text leaves to the reader.
/// It does not when it names the speaker again (`After meeting Obama, Smith was upbeat.`) or a
/// pronoun comes before the other person (`Turning to her rival Tom Jones, she was scathing.`).
fn turns_to_someone_else(
    doc: &Document,
    mentions: &[Mention],
    entities: &Entities,
    quote: Span,
    speaker: Option<usize>,
) -> bool {
    let Some(paragraph) = doc.paragraph_of(quote.start).map(|p| doc.paragraphs[p]) else {
        return false;
    };
    let first = mentions.partition_point(|m| m.span.start < paragraph.start);
    let people: Vec<(Span, usize)> = mentions[first..]
        .iter()
        .zip(&entities.of_mention[first..])
        .take_while(|(m, _)| m.span.end <= quote.start)
        .filter(|(m, _)| m.label == EntityLabel::Per)
        .map(|(m, &e)| (m.span, e))
        .collect();
    let Some(&(other, _)) = people.iter().find(|&&(_, e)| Some(e) != speaker) else {
        return false;
    };
    let named_again = people.iter().any(|&(_, e)| Some(e) == speaker);
    let pronoun_first = doc.text[paragraph.start..other.start]
        .split(|c: char| !c.is_alphabetic())
        .map(str::to_lowercase)
        .any(|w| is_pronoun(&w));
    !named_again && !pronoun_first
}

/// A personal or possessive pronoun (`she`, `her`), lower case.
fn is_pronoun(word: &str) -> bool {
    attribution::pronouns().contains(&word) || learned::possessive_pronouns().contains(&word)
}

/// Gives the parts of a split quote one cue, as news attribution corpora count them: one
/// statement, one cue. Two direct quotes of a paragraph belong together when
/// - the first has its cue after it and the second, with no cue of its own, follows that
///   attribution directly, in the attribution's sentence or the next: `"…," she said,
///   clapping. "…"`;
/// - or only white space and punctuation separate a cue-less quote from the next attributed
///   one: `"…." "…," he said.`, also where debris the cleaning removed (an `Advertisement` line)
///   cut them into two paragraphs in a row ([`cut_at_debris`]).
fn join_split_quotes(doc: &Document, view: &attribution::View, quotes: &mut [Quote]) {
    for i in 1..quotes.len() {
        let p = statement_before(quotes, i);
        let (prev, here) = (&quotes[p], &quotes[i]);
        let Some(cue) = prev.cue else { continue };
        if continues_statement(doc, view, prev, here, cue) {
            let (speaker, entity) = (prev.speaker, prev.speaker_entity);
            if prev.kind == QuoteKind::Indirect {
                quotes[p].kind = QuoteKind::Mixed;
            }
            quotes[i].cue = Some(cue);
            quotes[i].speaker = speaker;
            quotes[i].speaker_entity = entity;
        }
    }
    let direct = |q: &Quote| q.kind == QuoteKind::Direct;
    for i in (0..quotes.len().saturating_sub(1)).rev() {
        let (here, next) = (&quotes[i], &quotes[i + 1]);
        let Some(cue) = next.cue else { continue };
        let between = Span::new(here.span.end, next.span.start.max(here.span.end));
        let only_marks = kept_text(doc, between)
            .all(|c| c.is_whitespace() || marks::is_quote_mark(c) || ".,;!?…".contains(c));
        if direct(here)
            && direct(next)
            && here.cue.is_none()
            && only_marks
            && (same_paragraph(view, here, next) || cut_at_debris(doc, here, next))
        {
            let (speaker, entity) = (next.speaker, next.speaker_entity);
            quotes[i].cue = Some(cue);
            quotes[i].speaker = speaker;
            quotes[i].speaker_entity = entity;
        }
    }
}

/// The characters of `span` that lie in the document's paragraphs: the text without the debris
/// cleaning removed between them (an `Advertisement` line).
fn kept_text(doc: &Document, span: Span) -> impl Iterator<Item = char> + '_ {
    let first = doc.paragraphs.partition_point(|p| p.end <= span.start);
    doc.paragraphs[first..]
        .iter()
        .take_while(move |p| p.start < span.end)
        .flat_map(move |p| doc.text[p.start.max(span.start)..p.end.min(span.end)].chars())
}

/// Whether removed debris between two paragraphs in a row cut one quote in two (`“We had water
/// in every room and the` / `Advertisement` / `whole street was flooded,” said Anna Price.`):
/// the first part ends its paragraph and the second opens the next, with words the cleaning
/// removed between them.
fn cut_at_debris(doc: &Document, here: &Quote, next: &Quote) -> bool {
    let (Some(a), Some(b)) = (
        doc.paragraph_of(here.span.start),
        doc.paragraph_of(next.span.start),
    ) else {
        return false;
    };
    let gap = Span::new(
        doc.paragraphs[a].end,
        doc.paragraphs[b].start.max(doc.paragraphs[a].end),
    );
    b == a + 1 && !doc.slice(gap).trim().is_empty()
}

/// The quote whose statement quote `i` may continue: the one before it, or before the reported
/// statements standing in that quote's attribution (`"…," Quell said, emphasizing why the past
/// matters. "…"`: `why the past matters` is a statement of its own, after the cue).
fn statement_before(quotes: &[Quote], i: usize) -> usize {
    let mut p = i - 1;
    while p > 0
        && quotes[p].kind == QuoteKind::Indirect
        && quotes[p - 1]
            .cue
            .is_some_and(|c| c.start >= quotes[p - 1].span.end && c.end <= quotes[p].span.start)
    {
        p -= 1;
    }
    p
}

/// Whether `here`, a direct quote with no cue, continues the statement of `prev`, the quote
/// before it, whose cue is `cue`: the first case of [`join_split_quotes`].
fn continues_statement(
    doc: &Document,
    view: &attribution::View,
    prev: &Quote,
    here: &Quote,
    cue: Span,
) -> bool {
    let trailer_cue = cue.start >= prev.span.end && cue.end <= here.span.start;
    let follows_cue = match (
        view.sentence_of(cue.start),
        view.sentence_of(here.span.start),
    ) {
        (Some(c), Some(h)) => h <= c + 1,
        _ => false,
    };
    // The first part may be mixed (`The country "has changed," he said. "…"`) or a reported
    // clause (`The plan will fail, Smith said. "…"`): the quote after continues the statement.
    here.kind == QuoteKind::Direct
        && here.cue.is_none()
        && trailer_cue
        && (follows_cue && opens_sentence(doc, view, here)
            || continues_sentence(doc, view, cue, here))
        && !own_cue_after(doc, view, here)
        && same_paragraph(view, prev, here)
}

/// Whether a quote has a cue verb of its own later in its sentence (`"…" to drive up the price,
/// she said` is a quote of its own, no continuation).
fn own_cue_after(doc: &Document, view: &attribution::View, here: &Quote) -> bool {
    view.sentence_of(here.span.end.saturating_sub(1))
        .map(|s| doc.sentences[s].span.end.max(here.span.end))
        .and_then(|end| doc.text.get(here.span.end..end))
        .is_some_and(|rest| {
            rest.split(|c: char| !c.is_alphabetic())
                .any(lexicon::is_speech_verb)
        })
}

/// Whether a quote opens its sentence (a fragment inside a sentence belongs to that sentence).
fn opens_sentence(doc: &Document, view: &attribution::View, here: &Quote) -> bool {
    view.sentence_of(here.span.start)
        .and_then(|s| doc.text.get(doc.sentences[s].span.start..here.span.start))
        .is_some_and(|lead| {
            lead.chars()
                .all(|c| c.is_whitespace() || marks::is_quote_mark(c))
        })
}

/// Whether a quote, in the sentence of `cue`, goes on with a lower-case word after no more than a
/// few words of circumstance (`"…," he said, but "when …"`, `"…," she said during a rally in
/// Ohio, "but …"`), never after a clause of its own (`she said, but Kevin was asleep, and as
/// Trump went on about "…"`, `he said, adding that "…"`).
fn continues_sentence(doc: &Document, view: &attribution::View, cue: Span, here: &Quote) -> bool {
    view.sentence_of(cue.start) == view.sentence_of(here.span.start)
        && doc
            .text
            .get(here.span.start..)
            .and_then(|t| t.chars().next())
            .is_some_and(char::is_lowercase)
        && doc
            .text
            .get(cue.end..here.span.start)
            .is_some_and(attribution::is_circumstance)
}

/// Whether two quotes start in the same paragraph.
fn same_paragraph(view: &attribution::View, a: &Quote, b: &Quote) -> bool {
    view.doc.paragraph_of(a.span.start) == view.doc.paragraph_of(b.span.start)
}

/// `"…." He added: "…"`: "added" says the quote before, in the same paragraph, is the same
/// speaker's, so a quote without a cue of its own takes the speaker of an `add` quote right after it.
fn inherit_from_added(doc: &Document, view: &attribution::View, quotes: &mut [Quote]) {
    for i in (0..quotes.len().saturating_sub(1)).rev() {
        let (here, next) = (&quotes[i], &quotes[i + 1]);
        let adds = next
            .cue
            .and_then(|c| lexicon::verb(doc.slice(c)))
            .is_some_and(|v| v.lemma == "add");
        if here.cue.is_none()
            && here.kind == QuoteKind::Direct
            && adds
            && same_paragraph(view, here, next)
        {
            let (speaker, entity) = (next.speaker, next.speaker_entity);
            quotes[i].speaker = speaker;
            quotes[i].speaker_entity = entity;
        }
    }
}

#[cfg(test)]
mod tests;
