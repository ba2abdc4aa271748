//! Merging an article's mentions into entities.
//!
//! The NER model tags each occurrence of a name on its own; an entity is everything the article
//! says about one person, organisation or place. [`merge`] groups the mentions in one pass per
//! kind of entity, each linear in the number of mentions (hash maps from names to mentions):
//!
//! - **Countries.** A LOC, MISC or ORG mention whose whole text is a country's name or alias
//!   ("Iran", "U.S.", "the United States", "Britain"), or a LOC or MISC mention that is a demonym
//!   ("Iranian", "Albanians"; tagged PER too, "Kosovar officials", where it is no surname of a
//!   person the article names in full, "French" beside Dawn French, nor titled, "Mr. German",
//!   nor said to be a person, "French said she", "The Israeli said") or an alias made of one
//!   word of the name ("the Emirates"; tagged ORG, "Emirates" is the airline), belongs to that country: canonical name and ISO 3166-1
//!   alpha-2 code from [`countries`], label LOC. Cities and continents are not in the table and
//!   are merged like any other name ("Tehran", "Europe": no code). A name several countries
//!   share stands for the one of them the article names by a name of its own, and for none
//!   beside several or none (`shared_country_names.tsv`): a headline's "Korea" over "South
//!   Korea's exports rose" is South Korea (KR); over "South Korea and North Korea failed to
//!   agree" it is the peninsula, no code; "Exports from Korea rose" alone says no more, nor
//!   does "Korea remains divided" beside "the Korean War", a history. "The South" and "the
//!   North" are the countries of a divided pair the article names both of, where their
//!   sentence or the one before names one of the pair and no other country
//!   (`divided_countries.tsv`): "South Korea and North Korea … The South had proposed October,
//!   but the North refused" gives KR and KP; "the South Korean carmaker builds cars in the
//!   South" names one Korea only, and "in the United States, farmers across the South" another
//!   country: their South stays a place of its own ([`countries::by_context`]).
//! - **People** (PER). Names keep a family suffix written after them that the model left out
//!   ("Donald Trump, Jr." tagged "Donald Trump" is the son), and lose titles ("Mr.",
//!   "President"), possessives ("Lleshaj’s") and
//!   editorial brackets ("[Donald] Trump" → "Donald Trump"; a bare "Trump" right after
//!   "[Donald]", or a bracketed "[Donald]" right before "Trump", reads as the full name too).
//!   Full names (two words or more) are one person when the surnames agree, the given names are
//!   equal, one is the other's initial or short form ("Mike" and "Michael R. Pompeo",
//!   `nicknames.txt`), the middle names agree as far as both go ("H.W." is "H. W."), and the
//!   family suffix is the same (an elder's "Sr." counts as none) or left out by a name that
//!   writes the given name short ("Joe Biden" and "Joseph R. Biden Jr."; where the article
//!   names the father in full too, "Robert Kennedy" beside "Robert F. Kennedy Jr.", the short
//!   "Bobby Kennedy" may be either and stays apart, marked ambiguous, wherever each stands).
//!   So "Hillary Clinton" and "Bill Clinton",
//!   "George H.W. Bush" and "George W. Bush", "Donald Trump Jr." and "Donald Trump" stay two
//!   people. A name written family name first, "Kim Jong Un", is read by its syllables:
//!   "Kim Jong-un" is the same person ([`names::is_family_name_first`]). A full
//!   name that fits several people joins the latest when they share a given name ("George Bush"
//!   after both Bushes) and stays apart, marked ambiguous, when they do not ("J. Smith" beside
//!   John and Jane Smith). One that fits none but is the end of exactly one longer name, or
//!   whose end that name is, is that person: "López Obrador" and "Andrés Manuel López Obrador",
//!   "De Gaulle" and "Charles de Gaulle". A one-word name ("Lleshaj", "Maryam") joins the full
//!   name whose surname it is (else whose other word it is, or whose surname it is without an
//!   Arabic article: "Assad" and "Bashar al-Assad", `surname_articles.txt`; never by a father's
//!   name: "Salman" is not "Mohammed bin Salman", `name_particles.txt`): when one person
//!   fits, that one, wherever in the article the full name is ("Trump Jr." only the one with the
//!   suffix, never "Donald Trump"; but "Biden Jr." beside "Joe Biden", the article's only Biden,
//!   is he, before or after him and tagged anything, as his short given name leaves the suffix
//!   out, and "Joe Biden" stays the canonical name: a suffix is no word of the name; "Don Jr."
//!   is the one "Donald … Jr."), unless it is a company's short name too ("Lincoln" beside
//!   Abraham Lincoln and "Lincoln National Corp.", [`companies`]: nobody's, marked ambiguous,
//!   but "Mr. Lincoln" is the man); when several fit ("Clinton" beside Bill and Hillary Clinton, "John" beside John
//!   Smith and John Brown), it stays an entity of its own, marked ambiguous: never a silent
//!   guess. An honorific settles it when one of them alone may be of its gender by the given
//!   name: "Mrs. Parker" beside John and Mary Parker is Mary ([`gender`]'s given-name lists,
//!   which pronoun resolution reads too).
//!   What the text says of a mention makes it a person whatever the model tagged it: a title
//!   only people bear, written as a title, before it ("Mr. Dell", `titles_of_people_only.txt`;
//!   not "The MS Society"), or an age after it ("Ford, 81, said"; in a list only a list of
//!   people, "Ford, 45, Hale, 52, and Moss, 61, were charged" beside Lena Ford and Tom Hale,
//!   not a table of scores, "Liverpool, 84, and Arsenal, 82"). It is merged as a person and
//!   votes PER: "Mr. Dell" and
//!   "Michael Dell" are one person beside "Dell Technologies Inc." and "Dell shares", the
//!   company's; "Ford, 81," (ORG) is Harrison Ford, not Ford Motor Co. A word only firms take
//!   after a surname of the article's people makes it the firm's, registered name or not:
//!   "Dell shares" and "Dell stock" beside Michael Dell alone are the organisation Dell, not
//!   he, unless tagged PER (`firm_only_words.txt`, [`companies::firms_named_like_people`]).
//!   Such a surname as the speaker of a verb of saying is told by the clause it reports
//!   ([`saying`]), for a firm says things too: "Dell said he would step down" is Michael Dell
//!   however tagged; "Dell said it would cut 500 jobs", "Dell said on Tuesday its sales rose"
//!   and "Dell said in a statement" (tagged other than PER) are the firm, whether or not the
//!   article writes "Dell Technologies Inc.", but "Dell said in a statement that he …" is the
//!   man. Where the clause says neither ("“…,” Dell said", "Dell said the deal was done"), the
//!   label decides: beside "Dell Technologies Inc." a "Dell" tagged ORG is the firm and one
//!   tagged otherwise nobody's ([`companies`]); without it, "Dell" is he.
//!   A country ("the Dem.
//!   Rep. Congo"), a name an organisation's word ends or follows ("Mr. Cooper Group"), a
//!   mention tagged ORG or MISC that holds the title ("Ms. Marvel", a series) and a full name
//!   tagged ORG ("Ralph Lauren", a company named after "Mr. Lauren") stay as tagged
//!   ([`people::said_to_be_people`]). A surname modifying a role that a person and a firm
//!   alike have ("A Johnson spokesman", `role_nouns.txt`), tagged PER, is the person's beside
//!   him alone (Boris Johnson's spokesman), but beside a person and an organisation of that
//!   name ("Boris Johnson" and "Johnson & Johnson", or "Johnson Controls plc" tagged LOC) may
//!   speak for either: nobody's, marked ambiguous ([`people::modifiers_of_either`]); "Johnson
//!   said" stays the person, as tagged. The word beside a mention is read across plain and
//!   no-break spaces alike ([`names::word_after`], [`names::word_before`]).
//! - **Organisations and everything else.** Mentions with the same folded text (case, diacritics,
//!   dots, a leading "the" and possessives ignored) are one entity; an organisation's legal form
//!   does not count either ("Microsoft Corp." and "Microsoft", "Volkswagen AG" and "Volkswagen",
//!   `legal_suffixes.txt`), whatever the name without it is tagged: "Apple" (MISC) of "Apple
//!   phones" is Apple Inc.'s, as the model tags the company's products MISC (and a capitalised
//!   "Apple harvest" too, which it tags alike); but "Apple" starting a sentence in an article
//!   that writes "apple" in lower case too ("Apple growers expect a record apple harvest") may
//!   be the fruit, and stays apart, marked ambiguous, and so does an "Apple" that only ever
//!   starts a sentence in such an article with no "Apple Inc." ("Apple prices fell as growers
//!   picked more apples"; tagged ORG, where it writes the same noun, "apples" or "apple
//!   growers", and nothing after it says company, "Apple said": no company keyed `apple`)
//!   ([`companies`]). A
//!   company's short name joins its registered name
//!   ("Ford" and "Ford Motor Co.", [`companies`]: "New York" is no short name of "New York
//!   Times Co.").
//!   An acronym joins its
//!   expansion when the text defines it, "People's Mojahedin Organization of Iran (PMOI/MEK)" or
//!   "Mujahedin-e Khalq (MEK)", wherever the definition stands (the nearest one before, else the
//!   first after); a mention written "PMOI/MEK" defines both acronyms as aliases of itself, and
//!   so does a name an alias phrase follows ("… of Iran (PMOI), also known as the MEK",
//!   [`aliases`]); an organisation papers name by several names is one entity by any of them,
//!   defined or not ("Mujahedin-e Khalq" and "the PMOI", `organisation_aliases.tsv`). A name the
//!   model cut before the place that ends it is whole again when the
//!   parenthesis after the place spells it only with the place: "UN Support Mission in Libya" of
//!   "the UN Support Mission in Libya (UNSMIL)" ([`name_mentions`]; "UN" gives its two letters,
//!   [`names::initials_with_acronym_words`]), and Libya there is no country's mention. Two
//!   names that each define one acronym and spell it by their own initials stay two ("African
//!   National Congress (ANC)", "Alberta New Conservatives (ANC)"); a later "ANC" joins the
//!   nearest definition. A stock ticker is no acronym: "Tesla (TSLA.O)" and "Brightwave Inc.
//!   (NASDAQ: BRWV)" define none, so the company keeps its name and key. An acronym defined
//!   nowhere joins the nearest earlier (else the first later) name whose initials
//!   it spells ("IRGC" → "Islamic Revolutionary Guard Corps"; a company's legal form spells
//!   nothing: "GM" → "General Motors Co.").
//!
//! - **Across labels** ([`across_labels`]): the same name under any label is one entity ("MEK"
//!   PER and "MEK" ORG), a one-word mention of any label joins the one full name whose surname it
//!   is ("Trump" MISC → Donald Trump), and one that fits several people stays apart, marked
//!   `ambiguous` ("Clinton" beside Bill and Hillary Clinton).
//!
//! - **Across articles** ([`keys`]): each entity gets a key, its canonical name normalised
//!   (`Donald J. Trump` → `donald trump`, `Iranian` → `country:IR`), the same in every article.
//!
//! Mentions made only of titles ("Mr.", "Rep.", "Security" out of "National Security Advisor")
//! are no entities, "[Donald] Trump" is one mention, not two, and so is "Trump Jr." where the
//! model tagged "Jr." apart (the son, never Donald Trump): [`name_mentions`] prepares the
//! mentions before merging. Entities are numbered from 1
//! in order of first mention. The canonical name is the fullest name the article uses; the label
//! is the one most of its mentions carry (ties go to the higher summed score), a transcript's
//! speaker label counting as PER ("Rachel Maddow" beside the labels "MADDOW:" and "Maddow:"
//! tagged ORG is a person), LOC for a country;
//! each mention keeps its own label.

mod across_labels;
mod aliases;
mod companies;
pub(crate) mod gender;
pub mod keys;
mod mentions;
pub use mentions::name_mentions;
mod people;
use people::merge_people;
pub mod countries;
pub mod names;
mod saying;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use crate::lexicon::word_list;
use crate::ner::{EntityLabel, Mention};
use crate::text::{Document, Span};
use gender::{gender_of_honorific, Gender};

use self::names::{
    acronym_key, acronym_list, display_without_legal_suffix, family_suffix_after, fold_key,
    given_names_compatible, initials, initials_with_acronym_words, is_acronym, is_shouted,
    is_ticker, spelled_out, strip_brackets, strip_possessive, trim_wrapping, unshout,
    without_legal_suffix, word_after, word_before, words_of, PersonName,
};

/// One distinct thing an article talks about.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// 1-based, in order of first mention.
    pub id: usize,
    /// The fullest name the article uses for it ("Sandër Lleshaj", or "Iran" for "Iranian").
    pub canonical: String,
    /// The mentions' vote ([`build_entities`]); LOC for a country.
    pub label: EntityLabel,
    /// Indices into the article's mentions, in text order.
    pub mentions: Vec<usize>,
    /// ISO 3166-1 alpha-2 code when the entity is a country.
    pub country_code: Option<&'static str>,
    /// Other names the article uses for it, in order of first use: shorter forms ("Lleshaj"),
    /// acronyms ("PMOI", "MEK"), demonyms ("Iranian"). Never the canonical name itself.
    pub aliases: Vec<String>,
    /// A lone name that fits several people of the article ("Clinton" beside Bill and Hillary
    /// Clinton), left apart rather than guessed.
    pub ambiguous: bool,
    /// The same for the same thing in every article ([`keys`]); none when ambiguous.
    pub key: Option<String>,
}

/// An article's entities and, for each mention, the index of its entity.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entities {
    /// Entities in order of first mention (`entities[k].id == k + 1`).
    pub entities: Vec<Entity>,
    /// For each mention, the index into `entities` of the entity it belongs to.
    pub of_mention: Vec<usize>,
}

impl Entities {
    /// The entity a mention belongs to.
    pub fn entity_of(&self, mention: usize) -> &Entity {
        &self.entities[self.of_mention[mention]]
    }
}

/// What a mention names, once its text is normalised.
#[derive(Debug, Clone)]
enum Form {
    /// A country, and the words that named it ("Iranian").
    Country(&'static countries::Country, String),
    /// A person's name.
    Person(PersonName),
    /// Any other name: organisation, city, event.
    Other(OtherName),
}

/// A name that is neither a person nor a country.
#[derive(Debug, Clone)]
struct OtherName {
    /// As written, possessive and brackets removed ("People's Mojahedin Organization of Iran").
    display: String,
    /// Folded `display`, for exact matching.
    key: String,
    /// The acronym key when `display` is one acronym ("MEK").
    acronym: Option<String>,
    /// Acronyms this mention defines: "PMOI/MEK" written as one mention, or a parenthesis
    /// inside or right after the mention ("… of Iran (PMOI/MEK)").
    defines: Vec<String>,
    /// Byte range of a parenthesis right after the mention that defines acronyms; mentions inside
    /// it belong to this one.
    definition_span: Option<Span>,
}

/// Groups an article's mentions (in text order) into entities.
pub fn merge(doc: &Document, mentions: &[Mention]) -> Entities {
    let mut forms: Vec<Form> = mentions.iter().map(|m| analyse(doc, m, true)).collect();
    // "Mr. Dell" and "Ford, 81," are people.
    let said_people = analyse_said_people(doc, mentions, &mut forms);
    // "Kosovar" (PER) of "Kosovar officials were more cautious" is Kosovo.
    analyse_demonyms_tagged_people(doc, mentions, &said_people, &mut forms);
    // "Dell" of "Dell shares" beside "Michael Dell" is the firm, an organisation however tagged.
    let firms = companies::firms_named_like_people(doc, mentions, &forms, &said_people);
    let read_mentions = as_organisations(mentions, &firms);
    let mentions: &[Mention] = &read_mentions;
    // "Jordan" (ORG) of "Jordan Brand" is the brand, not the country.
    let countries_as_brands = companies::countries_as_short_names(doc, mentions, &forms);
    for &(i, _) in &countries_as_brands {
        forms[i] = analyse(doc, &mentions[i], false);
    }
    // "Korea" beside "South Korea" is South Korea, and "the South" beside both Koreas too.
    settle_countries_by_context(doc, mentions, &mut forms);
    // "Apple" of "Apple growers" beside "the apple harvest" and "Apple Inc." is the fruit.
    let common_nouns = companies::common_nouns(doc, mentions, &forms);
    let mut groups = UnionFind::new(mentions.len());
    // "… of Iran (PMOI), also known as the MEK": "MEK" is the organisation's too.
    aliases::known_as_aliases(doc, mentions, &mut forms, &mut groups);
    merge_countries(&forms, &mut groups);
    let readings: Vec<Reading> = (common_nouns.iter().zip(&firms))
        .map(|(&noun, &firm)| Reading::of(noun, firm))
        .collect();
    merge_others(mentions, &forms, &readings, &mut groups);
    let short_company_names = companies::merge_short_company_names(
        mentions,
        &forms,
        &countries_as_brands,
        &common_nouns,
        &mut groups,
    );
    let honorifics: Vec<Option<Gender>> = mentions
        .iter()
        .map(|m| honorific_gender(&doc.text, m.span))
        .collect();
    // "A Johnson spokesman" beside Boris Johnson and Johnson & Johnson: either's.
    let person_or_firm = people::modifiers_of_either(doc, mentions, &forms);
    let unsure_people = merge_people(
        &forms,
        &honorifics,
        &said_people,
        &person_or_firm,
        &short_company_names.words,
        &mut groups,
    );
    let labels: Vec<EntityLabel> = mentions.iter().map(|m| m.label).collect();
    // Common nouns and names that may be a person's or a firm's are nobody's.
    let nobodys: Vec<bool> = (common_nouns.iter().zip(&person_or_firm))
        .map(|(&noun, &either)| noun || either)
        .collect();
    // The firm of "Dell shares" joins neither Michael Dell nor his "Dell said".
    let kept_apart: Vec<bool> = (nobodys.iter().zip(&firms))
        .map(|(&nobodys, &firm)| nobodys || firm)
        .collect();
    let mut ambiguous = across_labels::merge_across_labels(
        &forms,
        &labels,
        &short_company_names,
        &kept_apart,
        &mut groups,
    );
    for i in unsure_people {
        ambiguous[i] = true;
    }
    for (i, _) in nobodys.iter().enumerate().filter(|(_, &c)| c) {
        ambiguous[i] = true;
    }
    let votes = label_votes(doc, mentions, &said_people);
    let mut entities = build_entities(mentions, &votes, &forms, &mut groups);
    for (i, _) in ambiguous.iter().enumerate().filter(|(_, &a)| a) {
        let index = entities.of_mention[i];
        entities.entities[index].ambiguous = true;
    }
    for entity in &mut entities.entities {
        entity.key = keys::entity_key(entity);
    }
    // "Jordan" of "Nike's Jordan", where no "Jordan Brand" stands beside it, is keyed as that
    // brand is ("jordan brand"), so that the brand has one key in every article.
    for &(i, long) in &countries_as_brands {
        let entity = &mut entities.entities[entities.of_mention[i]];
        if let (None, Some(key)) = (long, &mut entity.key) {
            if !key.ends_with(companies::BRAND_KEY_END) {
                key.push_str(companies::BRAND_KEY_END);
            }
        }
    }
    entities
}

/// The folded surnames of the people an article names in full, two words or more ("dell" of
/// "Michael Dell", "jordan" of "Michael Jordan").
fn surnames_of_full_names(forms: &[Form]) -> HashSet<&str> {
    let full_names = forms.iter().filter_map(|form| match form {
        Form::Person(name) if name.keys.len() > 1 => Some(name),
        _ => None,
    });
    full_names.filter_map(PersonName::surname).collect()
}

/// The folded name of a one-word mention that is the surname of a person the article names in
/// full (`surnames`, [`surnames_of_full_names`]): "dell" of "Dell said" beside "Michael Dell".
fn namesake_surname<'f>(form: &'f Form, surnames: &HashSet<&str>) -> Option<&'f str> {
    let word = match form {
        Form::Person(name) if name.keys.len() == 1 => name.surname(),
        Form::Other(other) if !other.key.is_empty() && !other.key.contains(' ') => {
            Some(other.key.as_str())
        }
        _ => None,
    };
    word.filter(|word| surnames.contains(word))
}

/// The mentions as the merge reads them: those of `firms` ([`companies::firms_named_like_people`]:
/// "Dell" of "Dell shares") tagged ORG, the rest as the model tagged them. Borrowed where there
/// are none, as in most articles.
fn as_organisations<'m>(mentions: &'m [Mention], firms: &[bool]) -> Cow<'m, [Mention]> {
    if !firms.contains(&true) {
        return Cow::Borrowed(mentions);
    }
    let read = |(m, &firm): (&Mention, &bool)| Mention {
        label: if firm { EntityLabel::Org } else { m.label },
        ..m.clone()
    };
    Cow::Owned(mentions.iter().zip(firms).map(read).collect())
}

/// How a name is read beyond its text, where a name read otherwise than as tagged joins only
/// names read alike in [`merge_others`]: "Apple" of "Apple growers" beside "the apple harvest"
/// is not "Apple Inc.", and "Dell" of "Dell shares" beside "Michael Dell" not his "Dell said"
/// tagged ORG.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Reading {
    /// The name as the model tagged it.
    AsTagged,
    /// A capitalised common noun ([`companies::common_nouns`]).
    CommonNoun,
    /// A firm that bears a person's name ([`companies::firms_named_like_people`]).
    FirmOfAPersonsName,
}

impl Reading {
    fn of(common_noun: bool, firm: bool) -> Reading {
        match (common_noun, firm) {
            (true, _) => Reading::CommonNoun,
            (false, true) => Reading::FirmOfAPersonsName,
            (false, false) => Reading::AsTagged,
        }
    }
}

/// Per mention, whether the text says it names a person ([`people::said_to_be_people`]: "Mr.
/// Dell", "Ford, 81,"); those the model tagged otherwise are analysed again as people.
fn analyse_said_people(doc: &Document, mentions: &[Mention], forms: &mut [Form]) -> Vec<bool> {
    let said_people = people::said_to_be_people(doc, mentions, forms);
    for (i, _) in said_people.iter().enumerate().filter(|(_, &p)| p) {
        if !matches!(forms[i], Form::Person(_)) {
            let as_person = Mention {
                label: EntityLabel::Per,
                ..mentions[i].clone()
            };
            forms[i] = analyse(doc, &as_person, true);
        }
    }
    said_people
}

word_list! {
    /// Determiners that make the demonym after them a noun, one person ("the" of "The Israeli
    /// said he was innocent"), lower case.
    fn person_determiners = "person_determiners.txt";
}

/// Reads again as its country a demonym the model tagged PER that names no person of the
/// article: "Kosovar" of "Kosovar officials were more cautious" (a sentence's first word, tagged
/// a person) is Kosovo, as the same word tagged MISC is. A demonym that is the surname of a
/// person the article names in full ("French" beside Dawn French), or that the text says is a
/// person's ("Mr. German", `said_people`), stays a person; so does a country's name ("Jordan"
/// beside no Michael Jordan may still be a surname), one whose clause after a verb of saying
/// says so ("French said she was delighted", [`saying::said_of`]) and one a determiner stands
/// right before ("The Israeli said he was innocent", "an American was arrested",
/// `person_determiners.txt`).
fn analyse_demonyms_tagged_people(
    doc: &Document,
    mentions: &[Mention],
    said_people: &[bool],
    forms: &mut [Form],
) {
    let demonym = |i: usize| {
        let written = doc.text.get(mentions[i].span.range()).unwrap_or("");
        let kind = countries::table().lookup(strip_possessive(trim_wrapping(written)));
        matches!(kind, Some((_, countries::NameKind::Demonym)))
    };
    let one_word = |form: &Form| matches!(form, Form::Person(name) if name.keys.len() == 1);
    let a_person = |i: usize| {
        let span = mentions[i].span;
        let before = word_before(&doc.text, span)
            .map(|w| w.trim_start_matches(|c: char| !c.is_alphanumeric()));
        let determiner =
            before.is_some_and(|w| person_determiners().contains(&w.to_lowercase().as_str()));
        determiner || saying::said_of(&doc.text, span) == Some(saying::Speaker::Person)
    };
    let mut candidates: Vec<usize> = (0..forms.len())
        .filter(|&i| mentions[i].label == EntityLabel::Per && !said_people[i])
        .filter(|&i| one_word(&forms[i]) && demonym(i) && !a_person(i))
        .collect();
    if candidates.is_empty() {
        return;
    }
    let surnames = surnames_of_full_names(forms);
    candidates.retain(|&i| namesake_surname(&forms[i], &surnames).is_none());
    for i in candidates {
        let as_demonym = Mention {
            label: EntityLabel::Misc,
            ..mentions[i].clone()
        };
        forms[i] = analyse(doc, &as_demonym, true);
    }
}

/// The label each mention votes for its entity: PER where the text says it is a person or it
/// names a transcript's speaker, else the model's.
fn label_votes(doc: &Document, mentions: &[Mention], said_people: &[bool]) -> Vec<EntityLabel> {
    let vote = |(m, &said_person): (&Mention, &bool)| {
        if said_person || is_transcript_speaker(doc, m) {
            EntityLabel::Per
        } else {
            m.label
        }
    };
    mentions.iter().zip(said_people).map(vote).collect()
}

/// Normalises one mention's text and decides what it names; a country only where
/// `country_allowed`.
fn analyse(doc: &Document, mention: &Mention, country_allowed: bool) -> Form {
    // A span that is out of range or not on character boundaries reads as empty text.
    let raw = doc.text.get(mention.span.range()).unwrap_or("");
    // A tag inside a name (`Clara <i>Fenwick`, HTML left in a scrape) is no part of it.
    let unmarked = match crate::markup::mask_tags(raw) {
        Cow::Borrowed(text) => Cow::Borrowed(text),
        Cow::Owned(masked) => Cow::Owned(masked.split_whitespace().collect::<Vec<_>>().join(" ")),
    };
    let trimmed = trim_wrapping(&unmarked);
    if mention.label == EntityLabel::Per {
        let mut text = person_text(&doc.text, mention.span, trimmed);
        // "Donald Trump, Jr." tagged as "Donald Trump" is the son.
        let after = doc.text.get(mention.span.end..).unwrap_or("");
        if let Some(suffix) = family_suffix_after(after) {
            if PersonName::parse(&text).suffix.is_none() {
                text = format!("{text} {suffix}");
            }
        }
        return Form::Person(PersonName::parse(&text));
    }
    let unbracketed = strip_brackets(trimmed);
    // A lower-case "the" the model took in is no part of the name; "The Guardian" keeps its own.
    let unarticled = unbracketed.strip_prefix("the ").unwrap_or(&unbracketed);
    let mut display = strip_possessive(unarticled).to_string();
    let mut defines = Vec::new();
    // "Name (ACR/ACR2)" tagged as one mention: the name is the display, the acronyms aliases.
    if let Some(inner) = display.strip_suffix(')') {
        if let Some((name, list)) = inner.rsplit_once('(') {
            let acronyms = defined_acronyms(list);
            if !acronyms.is_empty() && !name.trim().is_empty() {
                defines = acronyms.iter().map(|a| acronym_key(a)).collect();
                display = name.trim().to_string();
            }
        }
    }
    let label = mention.label;
    if defines.is_empty() {
        let country = countries::table()
            .lookup(&display)
            .filter(|_| country_allowed);
        if let Some((country, kind)) = country {
            let allowed = match kind {
                countries::NameKind::Name => true,
                // "American" tagged ORG is rarely the country ("American Airlines" is longer),
                // nor "Emirates" tagged ORG (the airline).
                countries::NameKind::Demonym | countries::NameKind::NamePart => {
                    label != EntityLabel::Org
                }
            };
            if allowed {
                return Form::Country(country, display);
            }
        }
        // "PMOI/MEK" as one mention: one entity with both acronyms as aliases.
        if display.contains('/') {
            defines = acronym_list(&display)
                .iter()
                .map(|a| acronym_key(a))
                .collect();
        }
    }
    let acronym = is_acronym(&display).then(|| acronym_key(&display));
    let mut definition_span = None;
    if let Some((list, span)) = parenthesis_after(&doc.text, mention.span) {
        // A parenthesis after a city or an event is seldom its acronym ("Tirana (AP)"): accept one
        // after an organisation, or one whose acronym spells the name's initials.
        let name_initials = initials_with_acronym_words(&display);
        let accepted = label == EntityLabel::Org
            || list.iter().any(|a| name_initials.contains(&acronym_key(a)));
        if accepted && acronym.is_none() {
            defines.extend(list.iter().map(|a| acronym_key(a)));
            definition_span = Some(span);
        }
    }
    let key = fold_key(&display);
    Form::Other(OtherName {
        display,
        key,
        acronym,
        defines,
        definition_span,
    })
}

/// The gender an honorific says that starts a mention or stands right before it: "Mrs." of
/// "Mrs. Parker", which the model often tags as "Parker" alone.
fn honorific_gender(text: &str, span: Span) -> Option<Gender> {
    let first = words_of(text.get(span.range())?).next();
    let previous = word_before(text, span);
    first
        .and_then(gender_of_honorific)
        .or_else(|| previous.and_then(gender_of_honorific))
}

/// A person mention's text with editorial brackets resolved against the text around it:
/// "Trump" after "[Donald] " and "[Donald]" before " Trump" both read "Donald Trump".
fn person_text(text: &str, span: Span, mention: &str) -> String {
    let name = strip_brackets(mention);
    let opens_inside = mention.starts_with('[');
    let closes_inside = mention.ends_with(']');
    let before = text.get(..span.start).unwrap_or("");
    let after = text.get(span.end..).unwrap_or("");
    // A bracketed given name before the mention: "[Donald] Trump" tagged as "Trump".
    if !mention.contains('[') && !mention.contains(']') {
        if let Some(given) = bracketed_words_before(before) {
            return format!("{given} {name}");
        }
    }
    // The mention is the bracketed part itself: "[Donald]" or "Donald" inside "[Donald] Trump".
    let bracket_opened = opens_inside || before.ends_with('[');
    let bracket_closed = closes_inside || after.starts_with(']');
    if bracket_opened && bracket_closed && !mention.trim_end_matches(']').contains(']') {
        let rest = if closes_inside { after } else { &after[1..] };
        if let Some(surname) = capitalised_word_after(rest) {
            return format!("{name} {surname}");
        }
    }
    name
}

/// The words inside "[...]" ending the text (spaces may follow the bracket): "Advisor [John] "
/// gives "John". Only one to three capitalised words on one line count.
fn bracketed_words_before(before: &str) -> Option<&str> {
    let before = before.trim_end_matches([' ', '\t', '\u{a0}']);
    let inside_end = before.strip_suffix(']')?;
    // Look back a short way only, so that many mentions after a ']' stay linear.
    let open = inside_end
        .char_indices()
        .rev()
        .take(64)
        .find(|&(_, c)| c == '[')?
        .0;
    let inside = inside_end[open + 1..].trim();
    let words: Vec<&str> = inside.split_whitespace().collect();
    // Editors also bracket words that are no name: "[The] Trump administration", "[He] said".
    const NOT_NAMES: &[&str] = &[
        "The", "A", "An", "He", "She", "It", "They", "We", "I", "His", "Her", "Their", "This",
    ];
    let name_like = (1..=3).contains(&words.len())
        && inside.len() <= 60
        && !inside.contains(['\n', ']'])
        && words
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase) && !NOT_NAMES.contains(w));
    name_like.then_some(inside)
}

/// The capitalised word starting the text after a closing bracket: "] Trump, …" gives "Trump".
/// One word only: a second capitalised one is more often the next phrase ("Trump Tuesday").
fn capitalised_word_after(after: &str) -> Option<&str> {
    let rest = after.trim_start_matches([' ', '\t', '\u{a0}']);
    if rest.len() == after.len() {
        return None; // "[Donald]Trump": not the editorial pattern.
    }
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '\'' | '’')))
        .unwrap_or(rest.len());
    let word = strip_possessive(&rest[..end]);
    word.chars()
        .next()
        .is_some_and(char::is_uppercase)
        .then_some(word)
}

/// Acronyms in a parenthesis right after a span: " (PMOI/MEK)" gives ["PMOI", "MEK"] and the
/// parenthesis' span.
fn parenthesis_after(text: &str, span: Span) -> Option<(Vec<&str>, Span)> {
    let after = text.get(span.end..)?;
    let rest = after.trim_start_matches([' ', '\t', '\u{a0}']);
    let open = span.end + (after.len() - rest.len());
    let inside_and_more = rest.strip_prefix('(')?;
    // Acronym lists are short; never scan far into the text.
    let close = inside_and_more
        .char_indices()
        .take(40)
        .find(|&(_, c)| c == ')' || c == '\n')?;
    if close.1 != ')' {
        return None;
    }
    let list = defined_acronyms(&inside_and_more[..close.0]);
    if list.is_empty() {
        return None;
    }
    Some((list, Span::new(open, open + 1 + close.0 + 1)))
}

/// The acronyms a parenthesis after a name defines ("PMOI/MEK"); none when it holds a stock
/// ticker ("TSLA.O", "NASDAQ: BRWV", [`is_ticker`]), which is no name of the company.
fn defined_acronyms(inside: &str) -> Vec<&str> {
    match is_ticker(inside) {
        true => Vec::new(),
        false => acronym_list(inside),
    }
}

/// Gives a country to the names that stand for one only by the countries the article names by
/// names of their own ([`countries::by_context`]): "Korea" beside "South Korea", "the South"
/// beside "South Korea" and "North Korea".
fn settle_countries_by_context(doc: &Document, mentions: &[Mention], forms: &mut [Form]) {
    let named: std::collections::HashSet<&str> = forms
        .iter()
        .filter_map(|form| match form {
            Form::Country(country, _) => Some(country.alpha2),
            _ => None,
        })
        .collect();
    if named.is_empty() {
        return;
    }
    let mut nearby = CountriesBySentence::new(doc, mentions, forms);
    for i in 0..forms.len() {
        let Form::Other(other) = &forms[i] else {
            continue;
        };
        if other.acronym.is_some() || !other.defines.is_empty() {
            continue;
        }
        let span = mentions[i].span;
        let written = doc.text.get(span.range()).unwrap_or("");
        let opens_with_the = written
            .get(..4)
            .is_some_and(|w| w.eq_ignore_ascii_case("the "));
        // "Korea remains divided" beside "the Korean War": the land of a history, no country.
        let sentence = doc.sentences_over(span).start;
        if countries::shared_codes(&other.display).is_some() && nearby.events.contains(&sentence) {
            continue;
        }
        let after_the = opens_with_the || follows_the(&doc.text, span);
        let near = nearby.codes(sentence);
        if let Some(country) = countries::by_context(&other.display, after_the, &named, &near) {
            forms[i] = Form::Country(country, other.display.clone());
            // "The South will try again" after "The South had proposed …": still South Korea.
            nearby
                .named
                .entry(sentence)
                .or_default()
                .push(country.alpha2);
        }
    }
}

/// What each sentence of an article says of countries, for the names that stand for one by
/// their context.
struct CountriesBySentence {
    /// Per sentence, the codes of the countries it names: by their own names, or by a name
    /// several share ("Korea": KR and KP).
    named: HashMap<usize, Vec<&'static str>>,
    /// The sentences that hold an event (MISC, two words or more, no country's name) named by a
    /// name several countries share: "the Korean War" (`shared_country_names.tsv`), not "South
    /// Korean".
    events: std::collections::HashSet<usize>,
}

impl CountriesBySentence {
    fn new(doc: &Document, mentions: &[Mention], forms: &[Form]) -> Self {
        let mut by_sentence = CountriesBySentence {
            named: HashMap::new(),
            events: Default::default(),
        };
        for (m, form) in mentions.iter().zip(forms) {
            let sentence = doc.sentences_over(m.span).start;
            let written = trim_wrapping(doc.text.get(m.span.range()).unwrap_or(""));
            let codes = match form {
                Form::Country(country, _) => vec![country.alpha2],
                Form::Other(other) => countries::shared_codes(&other.display)
                    .map(<[_]>::to_vec)
                    .unwrap_or_default(),
                _ => vec![],
            };
            by_sentence.named.entry(sentence).or_default().extend(codes);
            let event = m.label == EntityLabel::Misc
                && words_of(written).count() > 1
                && countries::lookup(written).is_none()
                && words_of(written).any(|w| countries::shared_codes(w).is_some());
            if event {
                by_sentence.events.insert(sentence);
            }
        }
        by_sentence
    }

    /// The codes of the countries named in a sentence and the one before.
    fn codes(&self, sentence: usize) -> std::collections::HashSet<&'static str> {
        let before = sentence.checked_sub(1).and_then(|s| self.named.get(&s));
        let within = self.named.get(&sentence);
        before
            .into_iter()
            .chain(within)
            .flatten()
            .copied()
            .collect()
    }
}

/// Whether the word before a span is "the" ([`word_before`]): "The " of "The South had
/// proposed", "(the " of "(the North)".
fn follows_the(text: &str, span: Span) -> bool {
    let word = word_before(text, span).unwrap_or("");
    let word = word.trim_start_matches(|c: char| !c.is_alphanumeric());
    word.eq_ignore_ascii_case("the")
}

/// All mentions of one country are one entity.
fn merge_countries(forms: &[Form], groups: &mut UnionFind) {
    let mut first_of_country: HashMap<&str, usize> = HashMap::new();
    for (i, form) in forms.iter().enumerate() {
        if let Form::Country(country, _) = form {
            let first = *first_of_country.entry(country.alpha2).or_insert(i);
            groups.union(first, i);
        }
    }
}

/// Exact names, defined acronyms and acronyms of initials, for everything but people and
/// countries. A name read otherwise than as tagged ([`Reading`]) joins only its own kind:
/// "Apple" of "Apple growers" is not "Apple Inc.", "Dell" of "Dell shares" not "Dell" of "Dell
/// said" beside Michael Dell.
fn merge_others(
    mentions: &[Mention],
    forms: &[Form],
    readings: &[Reading],
    groups: &mut UnionFind,
) {
    let others: Vec<(usize, &OtherName)> = forms
        .iter()
        .enumerate()
        .filter_map(|(i, f)| match f {
            Form::Other(o) => Some((i, o)),
            _ => None,
        })
        .collect();
    // Acronym → mentions that define it, in text order.
    let mut definers: HashMap<&str, Vec<usize>> = HashMap::new();
    // Initials → multi-word names that have them, in text order.
    let mut by_initials: HashMap<String, Vec<usize>> = HashMap::new();
    for &(i, other) in &others {
        for acronym in &other.defines {
            let list = definers.entry(acronym.as_str()).or_default();
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
        if other.acronym.is_none() {
            // A company's initials leave out its legal form: "General Motors Co." is GM.
            let mut variants = initials(&other.display);
            if mentions[i].label == EntityLabel::Org {
                let stem = display_without_legal_suffix(&other.display);
                if stem.len() < other.display.len() {
                    variants.extend(initials(stem));
                }
            }
            for variant in variants {
                let list = by_initials.entry(variant).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        // Mentions inside a defining parenthesis ("PMOI/MEK" in "… Iran (PMOI/MEK)") are aliases.
        if let Some(paren) = other.definition_span {
            let inside = mentions
                .iter()
                .enumerate()
                .skip(i + 1)
                .take_while(|(_, m)| m.span.start < paren.end);
            for (j, m) in inside {
                if paren.contains(m.span) && matches!(forms[j], Form::Other(_)) {
                    groups.union(i, j);
                }
            }
        }
    }
    let mut first_of_key: HashMap<(&str, Reading), usize> = HashMap::new();
    for &(i, other) in &others {
        // Acronyms this mention names: itself ("MEK") or its parts ("PMOI/MEK").
        let named: Vec<&str> = other
            .acronym
            .iter()
            .map(String::as_str)
            .chain(other.defines.iter().map(String::as_str))
            .collect();
        let mut resolved_by_definition = false;
        for acronym in &named {
            let Some(list) = definers.get(acronym) else {
                continue;
            };
            if let Some(definer) = definition_of(forms, list, i, acronym) {
                groups.union(definer, i);
                resolved_by_definition = true;
            } else if list.contains(&i) {
                resolved_by_definition = true;
            }
        }
        // A bare acronym defined somewhere belongs to its definition only; grouping it by text
        // as well would tie together two organisations that share an acronym.
        let bare_defined_acronym = resolved_by_definition && other.defines.is_empty();
        if !bare_defined_acronym && !other.key.is_empty() {
            // "the PMOI" beside "Mujahedin-e Khalq": one organisation's two names.
            let name = aliases::known_key(&other.display)
                .unwrap_or_else(|| company_key(mentions[i].label, other));
            let key = (name, readings[i]);
            let first = *first_of_key.entry(key).or_insert(i);
            groups.union(first, i);
        }
        if let (Some(acronym), false) = (&other.acronym, resolved_by_definition) {
            if let Some(expansion) = by_initials.get(acronym).and_then(|list| nearest(list, i)) {
                groups.union(expansion, i);
            }
        }
    }
}

/// The folded name a mention is grouped by: an organisation's without its legal form, so that
/// "Microsoft Corp." and "Microsoft" are one. Only for ORG: "Washington Co." tagged LOC is the
/// county, not "Washington".
fn company_key(label: EntityLabel, other: &OtherName) -> &str {
    match label {
        EntityLabel::Org => without_legal_suffix(&other.key),
        _ => &other.key,
    }
}

/// The mention that defines an acronym mention `i` names: the nearest other definer
/// ([`nearest`]). Two names that each define it and spell it by their own initials are two
/// organisations that share it ("African National Congress (ANC)" and "Alberta New Conservatives
/// (ANC)"), so such a name only joins a definition that is no spelling of it ("People's
/// Mojahedin Organization of Iran (PMOI/MEK)" beside "Mujahedin-e Khalq (MEK)").
fn definition_of(forms: &[Form], definers: &[usize], i: usize, acronym: &str) -> Option<usize> {
    let spells = |d: usize| match &forms[d] {
        Form::Other(o) => {
            o.defines.iter().any(|a| a == acronym)
                && initials_with_acronym_words(&o.display)
                    .iter()
                    .any(|v| v == acronym)
        }
        _ => false,
    };
    if !spells(i) {
        return nearest(definers, i);
    }
    let others: Vec<usize> = definers
        .iter()
        .copied()
        .filter(|&d| d == i || !spells(d))
        .collect();
    nearest(&others, i)
}

/// Of mention indices in ascending order, the nearest one before `position`, else the first one
/// after it (`position` itself excluded). Binary search keeps this logarithmic.
fn nearest(sorted: &[usize], position: usize) -> Option<usize> {
    let split = sorted.partition_point(|&c| c < position);
    let after = sorted[split..].iter().copied().find(|&c| c != position);
    split.checked_sub(1).map(|b| sorted[b]).or(after)
}

/// Whether a mention is a transcript's speaker label, opening its line before a colon
/// ("MADDOW: Thank you."): a person speaking, whatever the model tagged it.
fn is_transcript_speaker(doc: &Document, m: &Mention) -> bool {
    let before = doc.text.get(..m.span.start).unwrap_or("");
    let line_start = before.rsplit('\n').next().unwrap_or("").trim().is_empty();
    line_start
        && doc
            .text
            .get(m.span.end..)
            .is_some_and(|t| t.starts_with(':'))
}

/// Numbers the groups in order of first mention and picks each one's name, label (by the
/// mentions' `votes`: their labels, a transcript's speaker labels PER) and code.
fn build_entities(
    mentions: &[Mention],
    votes: &[EntityLabel],
    forms: &[Form],
    groups: &mut UnionFind,
) -> Entities {
    let mut out = Entities {
        entities: Vec::new(),
        of_mention: Vec::with_capacity(mentions.len()),
    };
    let mut entity_of_group: HashMap<usize, usize> = HashMap::new();
    // Per entity: (label, count, summed score) tallies.
    let mut label_votes: Vec<Vec<(EntityLabel, usize, f32)>> = Vec::new();
    for (i, (mention, form)) in mentions.iter().zip(forms).enumerate() {
        let group = groups.find(i);
        let index = *entity_of_group.entry(group).or_insert_with(|| {
            out.entities.push(Entity {
                id: out.entities.len() + 1,
                canonical: String::new(),
                // Set from the votes below.
                label: mention.label,
                mentions: Vec::new(),
                country_code: None,
                aliases: Vec::new(),
                ambiguous: false,
                key: None,
            });
            label_votes.push(Vec::new());
            out.entities.len() - 1
        });
        out.of_mention.push(index);
        let entity = &mut out.entities[index];
        entity.mentions.push(i);
        let score = if mention.score.is_finite() {
            mention.score.max(0.0)
        } else {
            0.0
        };
        let label = votes[i];
        let tally = &mut label_votes[index];
        match tally.iter_mut().find(|(l, _, _)| *l == label) {
            Some(vote) => {
                vote.1 += 1;
                vote.2 += score;
            }
            None => tally.push((label, 1, score)),
        }
        let names: Vec<String> = match form {
            Form::Country(country, written) => {
                entity.country_code = Some(country.alpha2);
                entity.canonical = country.name.to_string();
                vec![written.clone()]
            }
            Form::Person(name) => vec![name.display.clone()],
            Form::Other(other) => {
                let mut names = vec![other.display.clone()];
                names.extend(other.defines.iter().cloned());
                names
            }
        };
        for name in names {
            offer_name(entity, form, name);
        }
    }
    for (entity, votes) in out.entities.iter_mut().zip(label_votes) {
        settle(entity, &votes);
    }
    out
}

/// An entity's label from its mentions' votes (label, count, summed score), and its canonical
/// name in normal case when it is a person or place written in capitals.
fn settle(entity: &mut Entity, votes: &[(EntityLabel, usize, f32)]) {
    entity.label = if entity.country_code.is_some() {
        EntityLabel::Loc
    } else {
        // Most mentions first, then the higher summed score; the first label seen wins ties.
        let mut best = votes[0];
        for vote in &votes[1..] {
            if (vote.1, vote.2) > (best.1, best.2) {
                best = *vote;
            }
        }
        best.0
    };
    if matches!(entity.label, EntityLabel::Per | EntityLabel::Loc) && entity.country_code.is_none()
    {
        entity.canonical = unshout(&entity.canonical);
    }
    let canonical = entity.canonical.clone();
    entity.aliases.retain(|a| *a != canonical);
}

/// Records a name an entity is called by: the fullest becomes canonical, the rest aliases.
/// Invisible characters inside the name as written are no part of it (`Ber\u{AD}lin`, a soft
/// hyphen, is canonical `Berlin`, as its key is `berlin`).
fn offer_name(entity: &mut Entity, form: &Form, name: String) {
    let plain = match crate::invisible::without_invisible(&name) {
        std::borrow::Cow::Owned(plain) => Some(plain),
        std::borrow::Cow::Borrowed(_) => None,
    };
    // Most names have none: kept as given, not copied.
    let name = plain.unwrap_or(name);
    if name.is_empty() {
        return;
    }
    // Written in capitals ("BRUSSELS" in a dateline) counts as less full than the same name
    // in normal case.
    let cased = |s: &str| !is_shouted(s);
    let fuller = match form {
        Form::Country(..) => false,
        // More words of the name first ("Sandër Lleshaj" over "Lleshaj"), then more characters.
        // A family suffix is no word of the name: "Joe Biden" over an earlier "Biden Jr.".
        Form::Person(_) => {
            let words = |s: &str| PersonName::parse(s).keys.len();
            let size = |s: &str| (words(s), s.chars().count(), cased(s));
            size(&name) > size(&entity.canonical)
        }
        Form::Other(_) => {
            let size = |s: &str| (s.chars().count(), cased(s));
            size(&name) > size(&entity.canonical)
        }
    };
    if fuller {
        let previous = std::mem::replace(&mut entity.canonical, name);
        if !previous.is_empty() && !entity.aliases.contains(&previous) {
            entity.aliases.push(previous);
        }
    } else if name != entity.canonical && !entity.aliases.contains(&name) {
        entity.aliases.push(name);
    }
}

/// Disjoint sets over mention indices; the smallest index of a set is its representative, so a
/// group is found by its first mention.
struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> UnionFind {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (low, high) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[high] = low;
        }
    }
}

#[cfg(test)]
mod tests;
