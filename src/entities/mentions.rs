//! The mentions the entity stage counts, prepared before merging ([`name_mentions`]).

use std::collections::HashSet;

use super::countries;
use super::names::{
    family_suffix_after, fold_key, initials_with_acronym_words, is_name_particle, is_place,
    is_ticker, is_title, is_title_before_name, strip_possessive, trim_wrapping,
    without_legal_suffix, words_of, PersonName,
};
use crate::lexicon::word_list;
use crate::ner::{EntityLabel, Mention};
use crate::text::{Document, Span};

/// The mentions that name something, as the entity stage counts them:
/// - one made only of titles and honorifics (`Mr.`, `Rep.`, `President`, or `Security` cut out
///   of "National Security Advisor") is no entity and is left out; so is a person made only of
///   a family suffix, the `Jr.` the model tags apart in "William F. Buckley, Jr." (it named no
///   one, and keyed as nobody it made one person of every `Jr.` in a dump). A country's name
///   stays even where it doubles as a title word (`US`), and so does the surname of a full name
///   of the article: `King` and `Mr. King` beside "Stephen King", `Major` beside "John Major";
/// - a title that is another word elsewhere is no name where a person follows it: `Del.` of
///   "said Del. Stacey Plaskett" (Delegate) is left out, `Del.` of "Dover, Del." (Delaware)
///   stays ([`is_title_before_name`]);
/// - a US lawmaker's party-state tag is no name: `R-Colo.` and `D-N.Y.` in "Rep. Lauren Boebert,
///   R-Colo., said" are left out (`party_state_tags.txt`; "D-Day" stays);
/// - a stock ticker in a parenthesis after a company is no name: `TSLA.O` of "Tesla (TSLA.O)",
///   `NASDAQ` and `BRWV` of "Brightwave Inc. (NASDAQ: BRWV)" are left out (`stock_exchanges.txt`);
/// - a family suffix the model tagged apart right after a person, after a space or a comma, is
///   the end of that person's mention: `Trump` (PER) and `Jr.` (ORG, or anything) in "Trump Jr.
///   said" become the one person `Trump Jr.`, who is Donald Trump Jr., never Donald Trump, and
///   `Donald Trump` and `Jr.` in "Donald Trump, Jr." become `Donald Trump, Jr.`
///   ([`family_suffix_after`]; "Smith, III" stays apart, a numeral after a comma being more
///   often a list's);
/// - a lower-case word hyphenated onto a name is not part of it: `Saudi-led`, `Iran-backed`,
///   `European Union–brokered` name `Saudi`, `Iran`, `European Union`;
/// - an editor's bracketed given name and the name it completes are one mention: `[Donald]`
///   and `Trump` in "[Donald] Trump" become `[Donald] Trump`, a person when either part was
///   tagged one (the model often calls the surname alone ORG);
/// - a name the model cut at its patronymic particle is one mention again: `Mohammed` and
///   `Salman` in "Mohammed bin Salman" become `Mohammed bin Salman` (`name_particles.txt`);
/// - so is an organisation's name the model cut after a group's possessive, both parts tagged
///   ORG: `People's` and `Mojahedin Organization of Iran` in "the People's Mojahedin
///   Organization of Iran" become one mention (`possessive_name_words.txt`); a name owned by
///   another stays apart: `Google` and `YouTube` of "Google's YouTube";
/// - a law's year the model left out is part of its name: `Export Control Act` in "the Export
///   Control Act 2002 requires" becomes `Export Control Act 2002` (`law_words.txt`; "Act" of a
///   sentence ending "… under the Act. 2002 was" keeps its end);
/// - a name the model cut at " & " or before an organisation word is one mention again:
///   `Johnson` and `Johnson` (PER) of "Johnson & Johnson", or `Johnson` and `& Johnson`,
///   become the firm `Johnson & Johnson` (ORG), `George Washington` (PER) and `University` (ORG) of "George Washington University"
///   the university ([`joined_name_label`], `organisation_words.txt`), and so is a surname
///   followed directly by the rest of a firm's registered name: `Johnson` (PER) and `Controls
///   International plc` (ORG) become the firm `Johnson Controls International plc`, no part of
///   a Mark Johnson beside it (`legal_suffixes.txt`); one name twice around
///   " & " tagged whole as a place or a person is the firm too: `Johnson & Johnson` (LOC) of
///   "workers at Johnson & Johnson in New Brunswick" is ORG ([`ampersand_name_label`]);
/// - a name the model cut before the place that ends it reaches over the place again where the
///   parenthesis after the place spells it only with the place, and the place is no mention of
///   its own: `UN Support Mission` and `Libya` of "the UN Support Mission in Libya (UNSMIL)"
///   become `UN Support Mission in Libya` ([`with_cut_places_joined`]).
pub fn name_mentions(doc: &Document, mentions: Vec<Mention>) -> Vec<Mention> {
    let mentions = with_family_suffixes_joined(&doc.text, mentions);
    let text_of = |m: &Mention| trim_wrapping(doc.text.get(m.span.range()).unwrap_or(""));
    let surnames = full_name_surnames(mentions.iter().map(|m| (m.label, text_of(m))));
    let named = mentions.into_iter().filter(|m| {
        let text = text_of(m);
        let mut words = words_of(text).map(trim_wrapping).peekable();
        let title_only = words.peek().is_some() && words.all(is_title);
        let person = PersonName::parse(text);
        let suffix_only = m.label == EntityLabel::Per && person.keys.is_empty();
        // A title word can be a family name too: "King" beside "Stephen King".
        let surname = person.surname().is_some_and(|s| surnames.contains(s));
        let name =
            !(title_only || suffix_only) || surname || countries::table().lookup(text).is_some();
        name && !is_party_state_tag(text) && !in_ticker_parenthesis(&doc.text, m.span)
    });
    let mut out: Vec<Mention> = Vec::new();
    for mut m in named {
        m.span = without_hyphenated_tail(&doc.text, m.span);
        // The end of the mention before the last: "Jr.[" tagged as one ends past the "[" of
        // "[Donald]", which stays in it, so that no two mentions overlap.
        let taken = out.len().checked_sub(2).map_or(0, |k| out[k].span.end);
        // "Johnson" and "Johnson" of "Johnson & Johnson": one firm's name, cut.
        let joined_label = out.last().and_then(|prev| joined_name_label(doc, prev, &m));
        match out.last_mut() {
            // "Del." of "said Del. Stacey Plaskett": her title, no name.
            Some(prev) if title_before_person(&doc.text, prev, &m) => *prev = m,
            Some(prev)
                if joined_by_particle(&doc.text, prev, &m)
                    || joined_by_possessive_word(&doc.text, prev, &m) =>
            {
                prev.span = Span::new(prev.span.start, m.span.end);
                prev.score = prev.score.min(m.score);
            }
            Some(prev) if joined_label.is_some() => {
                prev.span = Span::new(prev.span.start, m.span.end);
                prev.score = prev.score.min(m.score);
                prev.label = joined_label.unwrap_or(prev.label);
            }
            Some(prev) if completes_bracketed(&doc.text, prev.span, m.span) => {
                let bracket_free = taken < prev.span.start;
                let start = prev.span.start - usize::from(bracket_free);
                prev.span = Span::new(start, m.span.end);
                if prev.label != EntityLabel::Per {
                    prev.label = m.label;
                }
                prev.score = prev.score.min(m.score);
            }
            _ => {
                // "Johnson & Johnson" whole, tagged LOC ("workers at Johnson & Johnson in New
                // Brunswick"): a firm all the same.
                if ampersand_name_label(text_of(&m)) == Some(EntityLabel::Org) {
                    m.label = EntityLabel::Org;
                }
                out.push(m)
            }
        }
    }
    // A law's year the model left out: "Export Control Act 2002" tagged "Export Control Act".
    for k in 0..out.len() {
        let next_start = out.get(k + 1).map_or(doc.text.len(), |m| m.span.start);
        if let Some(end) = law_year_end(&doc.text, &out[k]).filter(|&end| end <= next_start) {
            out[k].span = Span::new(out[k].span.start, end);
        }
    }
    with_cut_places_joined(&doc.text, out)
}

/// Whether `title` is a mention the model tagged a person, made only of titles a name may
/// follow (`Del.`, `Lt. Gov.`, [`is_title_before_name`]), and `person` a person's name right
/// after it, one space between: the title of "said Del. Stacey Plaskett", which the model
/// tagged a person of its own. A place stays, title word or not: "US" (LOC) of "beat US Ben
/// Shelton", "Del." (LOC) of "Senators from Del. Chris Coons".
fn title_before_person(text: &str, title: &Mention, person: &Mention) -> bool {
    if title.label != EntityLabel::Per {
        return false;
    }
    let (Some(written), Some(between)) = (
        text.get(title.span.range()),
        text.get(title.span.end..person.span.start),
    ) else {
        return false;
    };
    let mut words = words_of(trim_wrapping(written)).peekable();
    let titles = words.peek().is_some() && words.all(is_title_before_name);
    let place = countries::table().lookup(written).is_some();
    titles && !place && person.label == EntityLabel::Per && between == " "
}

/// The mentions (in text order) with each name the model cut before the place that ends it
/// reaching over the place again, and the place's own mention inside it left out: "UN Support
/// Mission" and "Libya" of "the UN Support Mission in Libya (UNSMIL)" become the one mention
/// "UN Support Mission in Libya", as the parenthesis after the place spells the name only with
/// it ("UN" gives its two letters, [`initials_with_acronym_words`]); Libya is no country the
/// article names there. "Acme Corp in Texas (TX)" stays cut: "TX" is the place's.
fn with_cut_places_joined(text: &str, mentions: Vec<Mention>) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::with_capacity(mentions.len());
    let mut k = 0;
    while k < mentions.len() {
        let mut m = mentions[k].clone();
        k += 1;
        if let Some(end) = cut_place_end(text, &m) {
            // The place's own mentions end with it; one reaching past it ("Libya (UNSMIL"
            // tagged as one) would overlap the whole name, which then stays cut.
            let inside = mentions[k..]
                .iter()
                .take_while(|n| n.span.end <= end)
                .count();
            if mentions.get(k + inside).is_none_or(|n| n.span.start >= end) {
                m.span = Span::new(m.span.start, end);
                k += inside;
            }
        }
        out.push(m);
    }
    out
}

/// Where the place ends that a name the model cut before it ends with ([`with_cut_places_joined`]):
/// the end of "in Libya" after "UN Support Mission" in "the UN Support Mission in Libya
/// (UNSMIL)". None for a person, an acronym, or a parenthesis whose acronyms spell the name
/// without the place too (then the cut was right) or not even with it.
fn cut_place_end(text: &str, mention: &Mention) -> Option<usize> {
    let written = trim_wrapping(text.get(mention.span.range())?);
    if mention.label == EntityLabel::Per || super::names::is_acronym(written) {
        return None;
    }
    let (end, acronyms) = place_and_parenthesis_after(text, mention.span)?;
    let name = text.get(mention.span.start..end)?;
    let (cut, whole) = (
        initials_with_acronym_words(written),
        initials_with_acronym_words(name),
    );
    acronyms
        .iter()
        .map(|a| super::names::acronym_key(a))
        .any(|a| whole.contains(&a) && !cut.contains(&a))
        .then_some(end)
}

word_list! {
    /// Small words between a name and the place that ends it ("in" of "UN Support Mission in
    /// Libya").
    fn place_prepositions = "place_prepositions.txt";
}

/// The end of a place after a span and the acronyms of a parenthesis right after that place:
/// " in Libya (UNSMIL)" after "UN Support Mission" gives the end of "Libya" and ["UNSMIL"]. The
/// place is one to three capitalised words after a small word (`in`, `for`,
/// `place_prepositions.txt`), one space between each.
fn place_and_parenthesis_after(text: &str, span: Span) -> Option<(usize, Vec<&str>)> {
    let after = text.get(span.end..)?;
    let rest = after.strip_prefix(' ')?;
    let (small, rest) = rest.split_once(' ')?;
    if !place_prepositions().contains(&small) {
        return None;
    }
    let name_word = |w: &str| {
        w.chars().next().is_some_and(char::is_uppercase)
            && w.chars()
                .all(|c| c.is_alphabetic() || matches!(c, '-' | '.' | '\'' | '’'))
    };
    // The place's words, up to the parenthesis: "Libya", "South Sudan".
    let open = rest.char_indices().take(60).find(|&(_, c)| c == '(')?.0;
    let place = rest[..open].strip_suffix(' ')?;
    let words: Vec<&str> = place.split(' ').collect();
    if !(1..=3).contains(&words.len()) || !words.iter().all(|w| name_word(w)) {
        return None;
    }
    let place_end = span.end + (after.len() - rest.len()) + place.len();
    let (list, _) = super::parenthesis_after(text, Span::new(span.end, place_end))?;
    Some((place_end, list))
}

word_list! {
    /// Words that end a law's name that its year may follow ("act" of "Export Control Act
    /// 2002"), folded.
    fn law_words = "law_words.txt";
}

/// Where a law's year right after a mention ends, when the mention is no person's and ends in
/// a word of `law_words.txt`: the end of "2002" in "Export Control Act 2002 requires". One
/// space before the year, none of its digits or letters after it, and no second year making it
/// a range ("Homeland Security Act 2002-2005 spending" keeps the law's name short).
fn law_year_end(text: &str, mention: &Mention) -> Option<usize> {
    let written = text.get(mention.span.range())?;
    let last = words_of(written).last()?;
    if mention.label == EntityLabel::Per || !law_words().contains(&fold_key(last).as_str()) {
        return None;
    }
    let after = text.get(mention.span.end..)?;
    let year = after.strip_prefix(' ')?.get(..4)?;
    let digits = year.bytes().all(|b| b.is_ascii_digit());
    let century = ["18", "19", "20"].iter().any(|c| year.starts_with(c));
    let rest = &after[1 + year.len()..];
    // A range is the years of something else: "Act 2002-2005 budgets", "Act 2002 to 2005".
    let range = rest.starts_with(['-', '–', '—', '/'])
        || rest
            .strip_prefix(" to ")
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()));
    let ends = !rest.starts_with(|c: char| c.is_alphanumeric()) && !range;
    (digits && century && ends).then_some(mention.span.end + 1 + year.len())
}

/// The mentions (in text order) with each one that is only a family suffix right after a person
/// joined to the person's mention ([`name_mentions`]): "Trump" and "Jr." of "Trump Jr." become
/// one mention spanning both, labelled PER, scored the lower of the two.
fn with_family_suffixes_joined(text: &str, mentions: Vec<Mention>) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::with_capacity(mentions.len());
    for m in mentions {
        match out.last_mut() {
            Some(person) if is_family_suffix_of(text, person, &m) => {
                person.span = Span::new(person.span.start, m.span.end);
                person.score = person.score.min(m.score);
            }
            _ => out.push(m),
        }
    }
    out
}

/// Whether `suffix` is a mention of just the family suffix written right after the person
/// mention `person` ("Jr." or "Jr" of "Trump Jr.", "Jr." of "Donald Trump, Jr.").
fn is_family_suffix_of(text: &str, person: &Mention, suffix: &Mention) -> bool {
    let Some(after) = text.get(person.span.end..) else {
        return false;
    };
    let Some(word) = family_suffix_after(after) else {
        return false;
    };
    // `word` is a slice of `after`: where it starts in the text.
    let word_start = person.span.end + (word.as_ptr() as usize - after.as_ptr() as usize);
    let written = text.get(suffix.span.range()).unwrap_or("");
    person.label == EntityLabel::Per
        && suffix.span.start == word_start
        && suffix.span.end <= word_start + word.len()
        && fold_key(written) == fold_key(word)
}

word_list! {
    /// The state part of a party-state tag ("colo" of "R-Colo."), folded.
    fn party_state_tags = "party_state_tags.txt";
}

/// Whether a mention is a US lawmaker's party-state tag, "R-Colo." of "Rep. Lauren Boebert,
/// R-Colo., said": a party's initial, a hyphen and a state (`party_state_tags.txt`).
fn is_party_state_tag(text: &str) -> bool {
    let Some((party, state)) = text.split_once('-') else {
        return false;
    };
    matches!(party, "R" | "D" | "I") && party_state_tags().contains(&fold_key(state).as_str())
}

/// Whether a span lies inside a parenthesis that holds a stock ticker ([`is_ticker`]): "TSLA.O"
/// of "Tesla (TSLA.O)", "NASDAQ" and "BRWV" of "(NASDAQ: BRWV)".
fn in_ticker_parenthesis(text: &str, span: Span) -> bool {
    let (Some(before), Some(after)) = (text.get(..span.start), text.get(span.end..)) else {
        return false;
    };
    // Tickers are short: a few characters each way, so that no mention scans far.
    let bracket = |(_, c): &(usize, char)| matches!(c, '(' | ')' | '\n');
    let open = before.char_indices().rev().take(24).find(bracket);
    let close = after.char_indices().take(24).find(bracket);
    match (open, close) {
        (Some((o, '(')), Some((c, ')'))) => is_ticker(&text[o + 1..span.end + c]),
        _ => false,
    }
}

/// The folded surnames of the full names (two words or more) among person mentions.
fn full_name_surnames<'t>(
    mentions: impl Iterator<Item = (EntityLabel, &'t str)>,
) -> HashSet<String> {
    mentions
        .filter(|(label, _)| *label == EntityLabel::Per)
        .map(|(_, text)| PersonName::parse(text).keys)
        .filter(|keys| keys.len() >= 2)
        .filter_map(|mut keys| keys.pop())
        .collect()
}

/// The span without a lower-case word hyphenated onto its end (`Saudi-led` → `Saudi`).
fn without_hyphenated_tail(text: &str, span: Span) -> Span {
    let Some(written) = text.get(span.range()) else {
        return span;
    };
    match written.rfind(['-', '–', '—']) {
        Some(dash) if dash > 0 => {
            let tail = written[dash..].trim_start_matches(['-', '–', '—']);
            let lower_word = !tail.is_empty() && tail.chars().all(char::is_lowercase);
            if lower_word {
                Span::new(span.start, span.start + written[..dash].trim_end().len())
            } else {
                span
            }
        }
        _ => span,
    }
}

/// Whether two person mentions are one name cut at its patronymic particle: "Mohammed" and
/// "Salman" in "Mohammed bin Salman" ([`is_name_particle`]), the particle alone between them.
fn joined_by_particle(text: &str, before: &Mention, after: &Mention) -> bool {
    let persons = before.label == EntityLabel::Per && after.label == EntityLabel::Per;
    let Some(between) = text.get(before.span.end..after.span.start) else {
        return false;
    };
    let spaced = between.starts_with(' ') && between.ends_with(' ');
    persons && spaced && is_name_particle(between.trim())
}

word_list! {
    /// Words for a group of people whose possessive begins an organisation's name ("people" of
    /// "People's Mojahedin Organization of Iran"), folded.
    fn possessive_name_words = "possessive_name_words.txt";
}

/// Whether two organisation mentions are one name cut after its first word's possessive:
/// "People's" and "Mojahedin Organization of Iran", the possessive in the first mention or
/// between the two, one space after it (`possessive_name_words.txt`).
fn joined_by_possessive_word(text: &str, before: &Mention, after: &Mention) -> bool {
    let organisations = before.label == EntityLabel::Org && after.label == EntityLabel::Org;
    let (Some(first), Some(between)) = (
        text.get(before.span.range()),
        text.get(before.span.end..after.span.start),
    ) else {
        return false;
    };
    let written = format!("{first}{}", between.trim_end_matches(' '));
    let word = strip_possessive(&written);
    let possessive = word.len() < written.len();
    let one_space = between.ends_with(' ') && !between.ends_with("  ");
    organisations
        && one_space
        && possessive
        && possessive_name_words().contains(&fold_key(word).as_str())
}

word_list! {
    /// Words that end an organisation's name after a person's or place's name ("university" of
    /// "George Washington University"), folded.
    pub(super) fn organisation_words = "organisation_words.txt";
}

/// The label of one name the model cut in two, where `before` and `after` are such a name:
/// - one name twice, joined by " & ", is a firm's (ORG): "Johnson" and "Johnson" of "Johnson &
///   Johnson", tagged two people, were Boris Johnson twice, and so is the "&" taken into one of
///   them ("Johnson" PER and "& Johnson" ORG); two names a country's name joins
///   are the country ("Trinidad & Tobago", LOC); other names " & " joins stay apart ("the Trump
///   & Putin summit", "France & Germany", "Israel & Hamas"), and a headline (`in_headline`)
///   writes "&" for "and" whatever the names;
/// - a name and an organisation word after it, one space between, are the organisation's (the
///   word's label): "George Washington" (PER) and "University" (ORG) of "George Washington
///   University" (`organisation_words.txt`);
/// - a name tagged PER and right after it, one space between in one sentence, the rest of a
///   firm's registered name, tagged ORG, ending in a legal form after a word of its own, are the
///   firm (ORG): "Johnson" (PER) and "Controls International plc" of "Johnson Controls
///   International plc", which joined Mark Johnson beside it, or "Goldman" and "Sachs Group
///   Inc." (`legal_suffixes.txt`; a form that also names a business, "Group", "Holdings", is
///   none, `business_form_words.txt`). Two names stay apart where the first ends in a dot ("in
///   the U.S. Ford Motor Co. said", "sold to Bosch Corp. Hitachi Ltd. declined"), is a place or
///   a nationality ("Israeli Elbit Systems Ltd.", "German Siemens AG") or a possessive, its
///   owner ("Trump's" and "Acme Corp.").
fn joined_name_label(doc: &Document, before: &Mention, after: &Mention) -> Option<EntityLabel> {
    let text = doc.text.as_str();
    // A headline writes "&" for "and" ("Trump & Putin meet"): only the text's "&" joins names.
    let in_headline = after.span.start < doc.text_start;
    let between = text.get(before.span.end..after.span.start)?;
    let written = trim_wrapping(text.get(after.span.range())?);
    let written_before = trim_wrapping(text.get(before.span.range())?);
    // The "&" between the two, or taken into one of them: "Johnson" and "& Johnson".
    let ampersand = between == " & "
        || between == " " && (written.starts_with("& ") || written_before.ends_with(" &"));
    if ampersand && !in_headline {
        return ampersand_name_label(text.get(before.span.start..after.span.end)?);
    }
    let word = between == " "
        && after.label != EntityLabel::Per
        && organisation_words().contains(&fold_key(written).as_str());
    if word {
        return Some(after.label);
    }
    // "Johnson" (PER) and "Controls International plc" (ORG): the firm's name, cut after its
    // first word; not "Trump's" and "Acme Corp.", nor "U.S." and "Ford Motor Co.", two names.
    let ends_as_word = written_before.ends_with(char::is_alphanumeric);
    let owned = strip_possessive(written_before).len() < written_before.len();
    let folded_before = fold_key(written_before);
    let place = is_place(&folded_before) || countries::table().lookup(written_before).is_some();
    let one_sentence = || {
        doc.sentences_over(Span::new(before.span.start, after.span.end))
            .len()
            == 1
    };
    let rest_of_firm = between == " "
        && before.label == EntityLabel::Per
        && after.label == EntityLabel::Org
        && ends_as_word
        && !owned
        && !place
        && written.starts_with(char::is_uppercase)
        && is_registered_name(written)
        && one_sentence();
    rest_of_firm.then_some(EntityLabel::Org)
}

word_list! {
    /// Legal-form words that also name a business ("group" of "Tata Group"), folded: a name
    /// ending in one is not known to be registered.
    fn business_form_words = "business_form_words.txt";
}

/// Whether a name ends in a legal form after a word of its own ("Controls International plc",
/// `legal_suffixes.txt`; not "Inc." alone), one that names no business as well ("Controls
/// Group" is not, `business_form_words.txt`).
fn is_registered_name(written: &str) -> bool {
    let folded = fold_key(written);
    let last = folded.rsplit(' ').next().unwrap_or("");
    without_legal_suffix(&folded) != folded && !business_form_words().contains(&last)
}

/// The label of a name written as two names around " & ": one name twice is a firm's (ORG,
/// "Johnson & Johnson"), a country's two names the country's (LOC, "Trinidad & Tobago"); other
/// names " & " joins have none ("Trump & Putin", "France & Germany"), nor has a name that is no
/// two capitalised names around it.
fn ampersand_name_label(whole: &str) -> Option<EntityLabel> {
    let (first, second) = whole.split_once(" & ")?;
    let (first, second) = (trim_wrapping(first), trim_wrapping(second));
    let capitalised = |t: &str| t.chars().next().is_some_and(char::is_uppercase);
    if !(capitalised(first) && capitalised(second)) {
        return None;
    }
    if fold_key(first) == fold_key(second) {
        Some(EntityLabel::Org)
    } else {
        countries::lookup(&format!("{first} & {second}")).map(|_| EntityLabel::Loc)
    }
}

/// Whether `bracketed` is written `[Given]` and `name` follows it after white space alone.
fn completes_bracketed(text: &str, bracketed: Span, name: Span) -> bool {
    let before = text.get(..bracketed.start).unwrap_or("");
    let Some(between) = text.get(bracketed.end..name.start) else {
        return false;
    };
    let gap = between.strip_prefix(']').unwrap_or("x");
    before.ends_with('[') && !gap.is_empty() && gap.chars().all(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    #[test]
    fn word_lists_load() {
        crate::lexicon::check_lists(
            &[
                ("law_words", super::law_words()),
                ("possessive_name_words", super::possessive_name_words()),
                ("place_prepositions", super::place_prepositions()),
                ("organisation_words", super::organisation_words()),
                ("business_form_words", super::business_form_words()),
            ],
            true,
        );
    }
}
