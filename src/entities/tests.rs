//! Tests of the merge on the seed article (mentions placed by hand, found by string search) and on
//! small texts for the rules the seed does not exercise.

use super::*;
use crate::clean;
use crate::ner::EntityLabel;

/// `shared/seed/000_4f1146c05b085c0f.txt`, verbatim.
const SEED_ARTICLE: &str = r#"728 x 90

Albanian Interior Minister: The Iranian regime is the main supporter of terrorism

Sandër Lleshaj, Albanian Interior Minister
Sandër Lleshaj, Albanian Interior Minister

Reported by PMOI/MEK

Albania, Dec. 23, 2018 - In an interview with Albanian Vizion Plus network, Albanian Interior Minister Sandër Lleshaj talked about the reasons why two Iranian diplomats, including Tehran’s ambassador to Tirana, were expelled from the country.

“Albania is more secure today than yesterday. The international community considers the Iranian regime the main supporter of terrorism,” said Lleshaj during the interview.

“MEK isn’t a threat to us. We have welcomed them as our friends. MEK has been threatened in other countries too.”

The following are passages translated from the interview.

Reporter: We are talking about the expulsion of the Iranian ambassador and, while it’s still not confirmed, the expulsion of a commander of the intelligence service in the Iranian embassy… As far as I know, in the past 30 years, this is the first time that the Albanian government is expelling an ambassador.

Lleshaj: …It’s obvious that the two Iranian diplomats are expelled for reasons that have been revealed: national security reasons. The issue has raised much attention from the U.S. president [Donald] Trump, Secretary of State [Mike] Pompeo, and National Security Advisor [John] Bolton.

This means that the decision is very important, and the Albanian government has come to it for its own national security and national interest.

You know that we have accepted the responsibility of giving refuge to a large number of Iranian citizens who were facing an imminent threat in Iraq.

Albania has accepted these Iranian citizens for humanitarian reasons to give them refuge and security. But it is known that these Iranian citizens are part of the Iranian resistance. This fact has brought part of the battle between the Iranian resistance and the Iranian government to Albania… To prevent these dangers, the Albanian government has made such a decision…

Reporter: When you put it this way, we learn that the Iranian ambassador has been the main responsible person for potentially increasing these dangers and fights. When you, as a government, have come to the point that you expel the ambassador, it means that it isn’t guesswork anymore, but fact. Is that right? We are talking about real efforts to organize incidents, attacks, and terrorist actions, is that right?

Lleshaj: Everything that comes out of an embassy, good or bad, belongs to the ambassador who has been in charge of that diplomatic mission. In this case, the ambassador is an important part of our, and our international allies’ concerns. Please understand that when we’re talking about national security matters, I can’t reveal facts…

Reporter: You mean the investigations are ongoing?

Lleshaj: Sure, no responsible government, including Albania, can base its decisions on opinions or allegations. This has been based on concrete proof in connection to potential threats to the national security.

Reporter: This must be a very important issue…

Lleshaj: If you look at the recent developments in Europe, you’ll see similar incidents where members of the MEK have been threatened by the Iranian regime’s intelligence services.

Reporter: This year, I was at their gathering in Paris and their leader Maryam Rajavi was also present and was threatened with an attack. If I’m not mistaken, two Iranian diplomats were detained in Austria. Is there a connection between these incidents?

Lleshaj: I can’t talk about the connection between them but there have been similarities between different incidents in Europe that connect them to the MEK.

So, we have signs that members of the Iranian intelligence service, under the diplomatic guise, have done things against the security of particular countries. Considering this, Albania has made this decision to prevent such actions and protect its security…


Latest News and Articles"#;

fn document(text: &str) -> Document {
    Document::new(
        "test".into(),
        String::new(),
        text.into(),
        &clean::clean(text),
    )
}

/// Places mentions by string search: each call tags every whole-word occurrence of a string that
/// no mention placed before covers, so longer names go first ("Sandër Lleshaj", then "Lleshaj").
struct Placer<'a> {
    text: &'a str,
    mentions: Vec<Mention>,
}

impl<'a> Placer<'a> {
    fn new(text: &'a str) -> Placer<'a> {
        Placer {
            text,
            mentions: Vec::new(),
        }
    }

    fn tag(mut self, needle: &str, label: &str) -> Self {
        let mut from = 0;
        while let Some(found) = self.text[from..].find(needle) {
            let start = from + found;
            let end = start + needle.len();
            from = start + needle.chars().next().map_or(1, char::len_utf8);
            let word_char = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
            if word_char(self.text[..start].chars().next_back())
                || word_char(self.text[end..].chars().next())
            {
                continue;
            }
            let span = Span::new(start, end);
            if self.mentions.iter().any(|m| m.span.overlaps(span)) {
                continue;
            }
            self.mentions.push(Mention {
                span,
                label: label.parse().unwrap(),
                score: 0.9,
            });
        }
        self
    }

    /// The mentions in text order.
    fn done(mut self) -> Vec<Mention> {
        self.mentions.sort_by_key(|m| m.span.start);
        self.mentions
    }
}

/// The entity of the `nth` mention whose text is `needle`.
fn entity_at<'e>(
    text: &str,
    mentions: &[Mention],
    entities: &'e Entities,
    needle: &str,
    nth: usize,
) -> &'e Entity {
    let index = mentions
        .iter()
        .enumerate()
        .filter(|(_, m)| &text[m.span.range()] == needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("no mention #{nth} of {needle:?}"))
        .0;
    entities.entity_of(index)
}

/// (canonical, label, code) of every entity, in id order.
fn summary(entities: &Entities) -> Vec<(String, String, Option<&'static str>)> {
    entities
        .entities
        .iter()
        .map(|e| (e.canonical.clone(), e.label.to_string(), e.country_code))
        .collect()
}

/// (canonical, key) of every entity, in id order.
fn names_and_keys(entities: &Entities) -> Vec<(&str, Option<&str>)> {
    entities
        .entities
        .iter()
        .map(|e| (e.canonical.as_str(), e.key.as_deref()))
        .collect()
}

fn check_invariants(entities: &Entities, mention_count: usize) {
    assert_eq!(entities.of_mention.len(), mention_count);
    for (k, entity) in entities.entities.iter().enumerate() {
        assert_eq!(entity.id, k + 1);
        assert!(!entity.mentions.is_empty());
        assert!(
            entity.mentions.windows(2).all(|w| w[0] < w[1]),
            "mentions in text order"
        );
        for &m in &entity.mentions {
            assert_eq!(entities.of_mention[m], k);
        }
        assert!(!entity.aliases.contains(&entity.canonical));
    }
    // Ids follow first mentions.
    let firsts: Vec<usize> = entities.entities.iter().map(|e| e.mentions[0]).collect();
    assert!(
        firsts.windows(2).all(|w| w[0] < w[1]),
        "ids in order of first mention"
    );
}

fn seed_mentions(text: &str) -> Vec<Mention> {
    Placer::new(text)
        .tag("Sandër Lleshaj", "PER")
        .tag("Lleshaj", "PER")
        .tag("[Donald] Trump", "PER")
        .tag("Pompeo", "PER")
        .tag("John] Bolton", "PER")
        .tag("Maryam Rajavi", "PER")
        .tag("Albanian", "MISC")
        .tag("Iranian", "MISC")
        .tag("Albania", "LOC")
        .tag("PMOI/MEK", "ORG")
        .tag("MEK", "ORG")
        .tag("Vizion Plus", "ORG")
        .tag("Tehran", "LOC")
        .tag("Tirana", "LOC")
        .tag("U.S.", "LOC")
        .tag("Iraq", "LOC")
        .tag("Europe", "LOC")
        .tag("Paris", "LOC")
        .tag("Austria", "LOC")
        .done()
}

#[test]
fn seed_article_entities() {
    let doc = document(SEED_ARTICLE);
    let mentions = seed_mentions(SEED_ARTICLE);
    let entities = merge(&doc, &mentions);
    check_invariants(&entities, mentions.len());
    let s = |x: &str| x.to_string();
    let expected = vec![
        (s("Albania"), s("LOC"), Some("AL")),
        (s("Iran"), s("LOC"), Some("IR")),
        (s("Sandër Lleshaj"), s("PER"), None),
        (s("PMOI/MEK"), s("ORG"), None),
        (s("Vizion Plus"), s("ORG"), None),
        (s("Tehran"), s("LOC"), None),
        (s("Tirana"), s("LOC"), None),
        (s("United States"), s("LOC"), Some("US")),
        (s("Donald Trump"), s("PER"), None),
        (s("Mike Pompeo"), s("PER"), None),
        (s("John Bolton"), s("PER"), None),
        (s("Iraq"), s("LOC"), Some("IQ")),
        (s("Europe"), s("LOC"), None),
        (s("Paris"), s("LOC"), None),
        (s("Maryam Rajavi"), s("PER"), None),
        (s("Austria"), s("LOC"), Some("AT")),
    ];
    assert_eq!(summary(&entities), expected);

    let at = |needle: &str, nth: usize| entity_at(SEED_ARTICLE, &mentions, &entities, needle, nth);
    // Every "Lleshaj" (speaker labels included) is Sandër Lleshaj.
    let lleshaj = at("Sandër Lleshaj", 0);
    assert_eq!(lleshaj.mentions.len(), 3 + 6);
    for nth in 0..6 {
        assert_eq!(at("Lleshaj", nth).id, lleshaj.id);
    }
    assert_eq!(lleshaj.aliases, vec!["Lleshaj"]);
    // Demonyms and the country's name are one entity.
    assert_eq!(at("Albanian", 3).id, at("Albania", 0).id);
    assert_eq!(at("Iranian", 10).country_code, Some("IR"));
    assert!(at("Albania", 0).aliases.contains(&"Albanian".to_string()));
    // "PMOI/MEK" is one entity with both acronyms; later "MEK"s join it.
    let pmoi = at("PMOI/MEK", 0);
    assert_eq!(pmoi.aliases, vec!["PMOI", "MEK"]);
    for nth in 0..4 {
        assert_eq!(at("MEK", nth).id, pmoi.id);
    }
    assert_eq!(at("Pompeo", 0).canonical, "Mike Pompeo");
    assert_eq!(at("Maryam Rajavi", 0).mentions.len(), 1);
}

/// "[Donald] Trump" however the NER cuts it: canonical "Donald Trump", brackets stripped.
#[test]
fn bracketed_given_names_complete_the_name() {
    let text = SEED_ARTICLE;
    let doc = document(text);
    let start = text.find("[Donald] Trump").unwrap();
    let span = |from: usize, to: usize| Span::new(start + from, start + to);
    let per = |span: Span| Mention {
        span,
        label: EntityLabel::Per,
        score: 0.9,
    };
    let cuts: Vec<(&str, Vec<Mention>)> = vec![
        ("whole", vec![per(span(0, 14))]),
        ("opening bracket outside", vec![per(span(1, 14))]),
        ("surname only", vec![per(span(9, 14))]),
        (
            "given name and surname apart",
            vec![per(span(1, 7)), per(span(9, 14))],
        ),
        (
            "bracketed given name and surname apart",
            vec![per(span(0, 8)), per(span(9, 14))],
        ),
        ("given name only", vec![per(span(1, 7))]),
    ];
    for (cut, mentions) in cuts {
        let entities = merge(&doc, &mentions);
        assert_eq!(entities.entities.len(), 1, "{cut}");
        assert_eq!(entities.entities[0].canonical, "Donald Trump", "{cut}");
        assert_eq!(entities.entities[0].mentions.len(), mentions.len(), "{cut}");
    }
}

/// HTML left inside a name is no part of its canonical name; the mention keeps its span.
#[test]
fn a_tag_inside_a_name_is_no_part_of_it() {
    let text =
        "<p>Mayor Clara <i>Fenwick</i> said so.</p> Fenwick left. The <b>Port Authority</b> met.";
    let doc = document(text);
    let mentions = Placer::new(text)
        .tag("Clara <i>Fenwick", "PER")
        .tag("Fenwick", "PER")
        .tag("<b>Port Authority", "ORG")
        .done();
    let entities = merge(&doc, &mentions);
    let names: Vec<&str> = entities
        .entities
        .iter()
        .map(|e| e.canonical.as_str())
        .collect();
    assert_eq!(names, ["Clara Fenwick", "Port Authority"]);
}

#[test]
fn partial_names_titles_and_possessives_join_the_full_name() {
    let text = "Lleshaj spoke first. Interior Minister Sandër Lleshaj said the embassy was told. \
                Mr. Lleshaj’s office confirmed it. President Trump and Secretary Pompeo agreed; \
                later Mike Pompeo said Donald Trump was pleased.";
    let doc = document(text);
    let mentions = Placer::new(text)
        .tag("Interior Minister Sandër Lleshaj", "PER")
        .tag("Mr. Lleshaj’s", "PER")
        .tag("Lleshaj", "PER")
        .tag("President Trump", "PER")
        .tag("Secretary Pompeo", "PER")
        .tag("Mike Pompeo", "PER")
        .tag("Donald Trump", "PER")
        .done();
    let entities = merge(&doc, &mentions);
    check_invariants(&entities, mentions.len());
    let names: Vec<&str> = entities
        .entities
        .iter()
        .map(|e| e.canonical.as_str())
        .collect();
    assert_eq!(names, vec!["Sandër Lleshaj", "Donald Trump", "Mike Pompeo"]);
    assert_eq!(
        entities.entities[0].mentions,
        vec![0, 1, 2],
        "the earlier 'Lleshaj' joins too"
    );
    assert_eq!(entities.entities[1].mentions, vec![3, 6]);
    assert_eq!(entities.entities[2].mentions, vec![4, 5]);
}

/// Two people sharing a surname stay apart; a bare surname that fits both is one entity of its
/// own, marked ambiguous (never a guess), while a given name or an initial decides.
#[test]
fn shared_surnames_are_not_merged() {
    let text = "Clinton was absent. Hillary Clinton met Bill Clinton. Clinton spoke. Hillary left, and Clinton \
                followed. Then H. Clinton returned.";
    let doc = document(text);
    let mentions = Placer::new(text)
        .tag("Hillary Clinton", "PER")
        .tag("Bill Clinton", "PER")
        .tag("H. Clinton", "PER")
        .tag("Hillary", "PER")
        .tag("Clinton", "PER")
        .done();
    let entities = merge(&doc, &mentions);
    check_invariants(&entities, mentions.len());
    let names: Vec<&str> = entities
        .entities
        .iter()
        .map(|e| e.canonical.as_str())
        .collect();
    assert_eq!(names, vec!["Clinton", "Hillary Clinton", "Bill Clinton"]);
    let of = |i: usize| entities.entity_of(i);
    // 0 Clinton, 1 Hillary Clinton, 2 Bill Clinton, 3 Clinton, 4 Hillary, 5 Clinton, 6 H. Clinton
    for lone in [0, 3, 5] {
        assert_eq!(of(lone).canonical, "Clinton", "mention {lone}");
        assert!(of(lone).ambiguous, "mention {lone} fits both");
        assert_eq!(
            of(lone).key,
            None,
            "an ambiguous name has no dump-level key"
        );
    }
    assert_eq!(of(4).canonical, "Hillary Clinton", "given name alone");
    assert_eq!(
        of(6).canonical,
        "Hillary Clinton",
        "an initial matches the given name"
    );
    assert!(!of(1).ambiguous && !of(2).ambiguous);
}

/// A place named like a person of the article keeps its own entity: "Bolton" (LOC) is the town,
/// not Karen Bolton.
#[test]
fn a_place_is_not_a_surname() {
    let text = "Karen Bolton, the MP for Bolton, spoke.";
    let doc = document(text);
    let mentions = Placer::new(text)
        .tag("Karen Bolton", "PER")
        .tag("Bolton", "LOC")
        .done();
    let entities = merge(&doc, &mentions);
    check_invariants(&entities, mentions.len());
    let of = |i: usize| entities.entity_of(i).canonical.as_str();
    assert_eq!((of(0), of(1)), ("Karen Bolton", "Bolton"));
    assert_eq!(entities.entity_of(1).label, EntityLabel::Loc);
}

/// "[John] Bolton" is one mention of one person even when the model called "Bolton" ORG, and a
/// dateline in capitals is named in normal case.
#[test]
fn bracketed_given_names_join_and_capitals_are_unshouted() {
    let text = "BRUSSELS - Adviser [John] Bolton spoke in Brussels. NEW YORK is far.";
    let doc = document(text);
    let mentions = Placer::new(text)
        .tag("BRUSSELS", "LOC")
        .tag("John", "PER")
        .tag("Bolton", "ORG")
        .tag("Brussels", "LOC")
        .tag("NEW YORK", "LOC")
        .done();
    let mentions = name_mentions(&doc, mentions);
    let spans: Vec<&str> = mentions.iter().map(|m| doc.slice(m.span)).collect();
    assert_eq!(spans, ["BRUSSELS", "[John] Bolton", "Brussels", "NEW YORK"]);
    assert_eq!(mentions[1].label, EntityLabel::Per);
    let entities = merge(&doc, &mentions);
    let names: Vec<&str> = entities
        .entities
        .iter()
        .map(|e| e.canonical.as_str())
        .collect();
    assert_eq!(names, ["Brussels", "John Bolton", "New York"]);
}

/// "Saudi-led" names Saudi Arabia, "European Union–brokered" the European Union; a name that
/// is hyphenated itself ("Bosnia-Herzegovina", "Al-Qaeda") stays whole.
#[test]
fn a_lower_case_word_hyphenated_onto_a_name_is_cut_off() {
    let text =
        "The Saudi-led coalition and a European Union–brokered deal reached Bosnia-Herzegovina.";
    let doc = document(text);
    let mentions = Placer::new(text)
        .tag("Saudi-led", "MISC")
        .tag("European Union–brokered", "ORG")
        .tag("Bosnia-Herzegovina", "LOC")
        .done();
    let mentions = name_mentions(&doc, mentions);
    let spans: Vec<&str> = mentions.iter().map(|m| doc.slice(m.span)).collect();
    assert_eq!(spans, ["Saudi", "European Union", "Bosnia-Herzegovina"]);
    let entities = merge(&doc, &mentions);
    assert_eq!(entities.entities[0].country_code, Some("SA"));
}

#[test]
fn acronyms_join_their_definition() {
    let text = "The People's Mojahedin Organization of Iran (PMOI/MEK) held a rally. The PMOI said the MEK \
                would return. Mujahedin-e Khalq (MEK) is its older name. The Islamic Revolutionary Guard \
                Corps denied it; the IRGC said nothing. TIRANA (AP) reported it.";
    let doc = document(text);
    // The NER tags the parenthesis as one mention here.
    let mentions = Placer::new(text)
        .tag("People's Mojahedin Organization of Iran", "ORG")
        .tag("PMOI/MEK", "ORG")
        .tag("PMOI", "ORG")
        .tag("Mujahedin-e Khalq", "ORG")
        .tag("MEK", "ORG")
        .tag("Islamic Revolutionary Guard Corps", "ORG")
        .tag("IRGC", "ORG")
        .tag("TIRANA", "LOC")
        .tag("AP", "ORG")
        .done();
    assert_eq!(mentions.len(), 10);
    let entities = merge(&doc, &mentions);
    check_invariants(&entities, mentions.len());
    let org = &entities.entities[0];
    assert_eq!(org.canonical, "People's Mojahedin Organization of Iran");
    assert_eq!(org.label, EntityLabel::Org);
    assert_eq!(
        org.aliases,
        vec!["PMOI", "MEK", "PMOI/MEK", "Mujahedin-e Khalq"]
    );
    assert_eq!(
        org.mentions,
        vec![0, 1, 2, 3, 4, 5],
        "both definitions and every acronym"
    );
    assert_eq!(
        entities.entity_of(7).id,
        entities.entity_of(6).id,
        "IRGC spells the Guard Corps' initials"
    );
    assert_ne!(
        entities.entity_of(9).id,
        entities.entity_of(8).id,
        "'(AP)' after a city is no acronym of it"
    );
    assert_eq!(entities.entities.len(), 4);
}

#[test]
fn acronyms_tagged_apart_or_together_with_their_name() {
    let text = "The People's Mojahedin Organization of Iran (PMOI/MEK) held a rally. MEK members attended.";
    let doc = document(text);
    let apart = Placer::new(text)
        .tag("People's Mojahedin Organization of Iran", "ORG")
        .tag("PMOI", "ORG")
        .tag("MEK", "ORG")
        .done();
    let entities = merge(&doc, &apart);
    assert_eq!(entities.entities.len(), 1);
    assert_eq!(entities.entities[0].aliases, vec!["PMOI", "MEK"]);
    let together = Placer::new(text)
        .tag("People's Mojahedin Organization of Iran (PMOI/MEK)", "ORG")
        .tag("MEK", "ORG")
        .done();
    let entities = merge(&doc, &together);
    assert_eq!(entities.entities.len(), 1);
    assert_eq!(
        entities.entities[0].canonical,
        "People's Mojahedin Organization of Iran"
    );
    assert_eq!(entities.entities[0].aliases, vec!["PMOI", "MEK"]);
    // An acronym used before its definition joins it too.
    let text = "MEK denies it. Mujahedin-e Khalq (MEK) said so.";
    let mentions = Placer::new(text)
        .tag("Mujahedin-e Khalq", "ORG")
        .tag("MEK", "ORG")
        .done();
    let entities = merge(&document(text), &mentions);
    assert_eq!(entities.entities.len(), 1);
    assert_eq!(entities.entities[0].canonical, "Mujahedin-e Khalq");
}

#[test]
fn country_aliases_and_demonyms() {
    let text = "The U.S. and the United States, America, USA and US agree. The UK, Britain and Great Britain \
                disagree. Russia and the Russian Federation abstain. Americans and Britons watch; Iranian \
                and Albanian officials met in Tehran, Tirana and Paris, in Europe.";
    let doc = document(text);
    let mentions = Placer::new(text)
        .tag("the United States", "LOC")
        .tag("U.S.", "LOC")
        .tag("America", "LOC")
        .tag("USA", "LOC")
        .tag("US", "ORG")
        .tag("UK", "LOC")
        .tag("Great Britain", "LOC")
        .tag("Britain", "LOC")
        .tag("Russian Federation", "LOC")
        .tag("Russia", "LOC")
        .tag("Americans", "MISC")
        .tag("Britons", "MISC")
        .tag("Iranian", "MISC")
        .tag("Albanian", "MISC")
        .tag("Tehran", "LOC")
        .tag("Tirana", "LOC")
        .tag("Paris", "LOC")
        .tag("Europe", "LOC")
        .done();
    let entities = merge(&doc, &mentions);
    check_invariants(&entities, mentions.len());
    let s = |x: &str| x.to_string();
    assert_eq!(
        summary(&entities),
        vec![
            (s("United States"), s("LOC"), Some("US")),
            (s("United Kingdom"), s("LOC"), Some("GB")),
            (s("Russia"), s("LOC"), Some("RU")),
            (s("Iran"), s("LOC"), Some("IR")),
            (s("Albania"), s("LOC"), Some("AL")),
            (s("Tehran"), s("LOC"), None),
            (s("Tirana"), s("LOC"), None),
            (s("Paris"), s("LOC"), None),
            (s("Europe"), s("LOC"), None),
        ]
    );
    assert_eq!(entities.entities[0].mentions.len(), 6);
    assert_eq!(entities.entities[1].mentions.len(), 4);
}

#[test]
fn label_is_the_majority_and_names_match_loosely() {
    let text = "Vizion Plus aired it. VIZION PLUS’s host and Vizion Plus staff spoke.";
    let doc = document(text);
    let mentions = Placer::new(text)
        .tag("Vizion Plus", "MISC")
        .tag("VIZION PLUS’s", "ORG")
        .done();
    let mut mentions = mentions;
    mentions[2].label = EntityLabel::Org;
    let entities = merge(&doc, &mentions);
    assert_eq!(entities.entities.len(), 1);
    assert_eq!(entities.entities[0].label, EntityLabel::Org);
    assert_eq!(entities.entities[0].canonical, "Vizion Plus");
}

/// A person named in full is a person, however the model tagged her surname alone: a
/// transcript's "MADDOW:" and "Maddow:" (ORG) outvoted "Rachel Maddow" (PER), and the entity was
/// an organisation.
#[test]
fn a_person_named_in_full_is_a_person_whatever_her_surname_was_tagged() {
    let text = "MADDOW: Thank you.\n\nMaddow: Will it pass?\n\nRachel Maddow asked.";
    let (_, entities) = tagged_and_merged(
        text,
        &[
            ("Rachel Maddow", "PER"),
            ("MADDOW", "ORG"),
            ("Maddow", "ORG"),
        ],
    );
    assert_eq!(entities.entities.len(), 1);
    assert_eq!(entities.entities[0].canonical, "Rachel Maddow");
    assert_eq!(entities.entities[0].label, EntityLabel::Per);
}

/// A brand named after its founder, its full name tagged a person once and its short name an
/// organisation twice, stays the organisation: only a transcript's speaker labels vote PER.
#[test]
fn a_brand_whose_full_name_was_once_tagged_a_person_stays_an_organisation() {
    let text = "Tommy Hilfiger opened a store. Hilfiger stores grew. Hilfiger, owned by PVH, rose.";
    let (_, entities) = tagged_and_merged(
        text,
        &[
            ("Tommy Hilfiger", "PER"),
            ("Hilfiger", "ORG"),
            ("PVH", "ORG"),
        ],
    );
    assert_eq!(entities.entities[0].canonical, "Tommy Hilfiger");
    assert_eq!(entities.entities[0].label, EntityLabel::Org);
}

#[test]
fn odd_spans_and_unicode_never_panic() {
    let text =
        "Sandër 😀 [ ] ( ) ’s [Á] Ω‍Ω (AB/ CD) [Donald]Trump \u{202e}Lleshaj\u{202c} Iranian’";
    let doc = document(text);
    let mut mentions = Vec::new();
    let boundaries: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    for (k, &start) in boundaries.iter().enumerate() {
        for &end in &boundaries[k..boundaries.len().min(k + 6)] {
            for label in EntityLabel::ALL {
                mentions.push(Mention {
                    span: Span::new(start, end),
                    label,
                    score: f32::NAN,
                });
            }
        }
    }
    // Spans off character boundaries, past the end, and reversed.
    mentions.push(Mention {
        span: Span { start: 7, end: 8 },
        label: EntityLabel::Per,
        score: 1.0,
    });
    mentions.push(Mention {
        span: Span {
            start: 5,
            end: 10_000,
        },
        label: EntityLabel::Org,
        score: -1.0,
    });
    mentions.push(Mention {
        span: Span { start: 9, end: 3 },
        label: EntityLabel::Loc,
        score: 0.5,
    });
    let entities = merge(&doc, &mentions);
    assert_eq!(entities.of_mention.len(), mentions.len());
    check_ids(&entities);
    assert_eq!(merge(&doc, &[]), Entities::default());
}

fn check_ids(entities: &Entities) {
    for (k, entity) in entities.entities.iter().enumerate() {
        assert_eq!(entity.id, k + 1);
        for &m in &entity.mentions {
            assert_eq!(entities.of_mention[m], k);
        }
    }
}

/// Many mentions merge in about linear time (a quadratic merge would take minutes here).
#[test]
fn many_mentions_merge_quickly() {
    let mut text = String::new();
    let mut mentions = Vec::new();
    for i in 0..20_000 {
        let (name, label) = match i % 4 {
            0 => (format!("Given{} Surname{}", i % 97, i % 89), "PER"),
            1 => (format!("Surname{}", i % 89), "PER"),
            2 => (format!("Org{} Group", i % 101), "ORG"),
            _ => ("Iranian".to_string(), "MISC"),
        };
        let start = text.len();
        text.push_str(&name);
        mentions.push(Mention {
            span: Span::new(start, text.len()),
            label: label.parse().unwrap(),
            score: 0.9,
        });
        text.push_str(". ");
    }
    let doc = document(&text);
    let started = std::time::Instant::now();
    let entities = merge(&doc, &mentions);
    assert!(
        started.elapsed().as_secs_f64() < 5.0,
        "took {:?}",
        started.elapsed()
    );
    check_invariants(&entities, mentions.len());
}

/// Thousands of people sharing a surname ("Babababa Smith", "Kobababa Smith", …) merge in about
/// linear time: each full name was checked against every earlier namesake, which would not
/// finish within CI's time here; no timed assertion.
#[test]
fn many_namesakes_merge_quickly() {
    let syllables = ["ba", "ko", "mi", "ra", "ten", "lu", "vo", "sa"];
    let given = |mut i: usize| {
        let mut name = String::from("Q");
        for _ in 0..6 {
            name.push_str(syllables[i % 8]);
            i /= 8;
        }
        name
    };
    let people = 100_000;
    // Each person once, then every thousandth again.
    let names = (0..people).chain((0..people).step_by(1000));
    let mut text = String::new();
    let mut mentions = Vec::new();
    for i in names {
        let start = text.len();
        text.push_str(&format!("{} Smith", given(i)));
        mentions.push(Mention {
            span: Span::new(start, text.len()),
            label: "PER".parse().unwrap(),
            score: 0.9,
        });
        text.push_str(" met them. ");
    }
    let doc = document(&text);
    let entities = merge(&doc, &mentions);
    check_invariants(&entities, mentions.len());
    assert_eq!(entities.entities.len(), people);
    assert_eq!(entities.of_mention[people + 1], 1000);
}

#[test]
fn brackets_that_hold_no_given_name_are_left_alone() {
    let text = "[The] Trump administration and [the] MEK disagreed; Trump and the MEK did not.";
    let doc = document(text);
    let mentions = Placer::new(text)
        .tag("[the] MEK", "ORG")
        .tag("Trump", "PER")
        .tag("MEK", "ORG")
        .done();
    let entities = merge(&doc, &mentions);
    check_invariants(&entities, mentions.len());
    let s = |x: &str| x.to_string();
    assert_eq!(
        summary(&entities),
        vec![(s("Trump"), s("PER"), None), (s("MEK"), s("ORG"), None)]
    );
    assert_eq!(entities.entities[0].mentions, vec![0, 2]);
    assert_eq!(entities.entities[1].mentions, vec![1, 3]);
}

/// One name is one entity whatever labels the model gave its mentions; a lone surname labelled
/// anything joins the one full name it belongs to; one that fits two people is marked ambiguous.
#[test]
fn merging_follows_names_across_labels() {
    let text =
        "The People's Mojahedin Organization of Iran (PMOI/MEK) met. MEK has been threatened. \
                National Security Advisor John Bolton spoke; Bolton left. The Trump campaign and \
                Donald Trump. Benghazi burned; Benghazi said nothing. Clinton was absent. \
                Hillary Clinton met Bill Clinton.";
    let doc = document(text);
    let tagged = Placer::new(text)
        .tag("People's Mojahedin Organization of Iran", "ORG")
        .tag("PMOI/MEK", "ORG")
        .tag("MEK has", "PER")
        .tag("Security", "ORG")
        .tag("John Bolton", "PER")
        .tag("Bolton", "ORG")
        .tag("Trump campaign", "MISC")
        .tag("Donald Trump", "PER")
        .tag("Benghazi burned", "LOC")
        .tag("Benghazi", "PER")
        .tag("Hillary Clinton", "PER")
        .tag("Bill Clinton", "PER")
        .tag("Clinton", "ORG")
        .done();
    // The placer tags whole phrases; cut "MEK has", "Trump campaign" and "Benghazi burned" down to
    // their names, as the model would tag them.
    let mentions: Vec<Mention> = tagged
        .into_iter()
        .map(|mut m| {
            let t = &text[m.span.range()];
            if let Some(name) = ["MEK", "Trump", "Benghazi"]
                .iter()
                .find(|n| t.starts_with(*n))
            {
                m.span = Span::new(m.span.start, m.span.start + name.len());
            }
            m
        })
        .collect();
    let mentions = name_mentions(&doc, mentions);
    assert!(
        !mentions.iter().any(|m| &text[m.span.range()] == "Security"),
        "a title word alone is no mention"
    );
    let entities = merge(&doc, &mentions);
    check_invariants(&entities, mentions.len());
    let of = |needle: &str, nth: usize| entity_at(text, &mentions, &entities, needle, nth);
    assert_eq!(of("MEK", 0).id, of("PMOI/MEK", 0).id);
    assert_eq!(of("MEK", 0).label, EntityLabel::Org);
    assert_eq!(of("Bolton", 0).id, of("John Bolton", 0).id);
    assert_eq!(of("Bolton", 0).label, EntityLabel::Per);
    assert_eq!(of("Trump", 0).id, of("Donald Trump", 0).id);
    assert_eq!(of("Benghazi", 0).id, of("Benghazi", 1).id);
    let clinton = of("Clinton", 0);
    assert_eq!(clinton.canonical, "Clinton");
    assert!(clinton.ambiguous, "fits Hillary and Bill Clinton");
    assert!(!of("Hillary Clinton", 0).ambiguous);
    assert_ne!(of("Hillary Clinton", 0).id, of("Bill Clinton", 0).id);
}

#[test]
fn title_only_mentions_are_dropped_but_countries_stay() {
    let text = "Mr. met Rep. Smith in the US with President.";
    let doc = document(text);
    let mentions = Placer::new(text)
        .tag("Mr.", "PER")
        .tag("Rep. Smith", "PER")
        .tag("US", "LOC")
        .tag("President", "PER")
        .done();
    let kept: Vec<&str> = name_mentions(&doc, mentions)
        .iter()
        .map(|m| &text[m.span.range()])
        .collect();
    assert_eq!(kept, ["Rep. Smith", "US"]);
}

/// `Jr.` tagged apart in "William F. Buckley, Jr." was a person of its own with no key, which
/// the entity index then counted under a key of its own making, one person for every `Jr.`.
/// Right after the person it ends his mention; anywhere else ("Jr. left.") it is dropped.
#[test]
fn a_family_suffix_alone_is_no_person_and_every_entity_has_a_key() {
    let text = "William F. Buckley, Jr. met L. Brent Bozell Jr. and Sr. Jones. Jr. left.";
    let doc = document(text);
    let mentions = Placer::new(text)
        .tag("William F. Buckley", "PER")
        .tag("L. Brent Bozell Jr.", "PER")
        .tag("Jr.", "PER")
        .tag("Sr. Jones", "PER")
        .done();
    let kept = name_mentions(&doc, mentions);
    let names: Vec<&str> = kept.iter().map(|m| &text[m.span.range()]).collect();
    assert_eq!(
        names,
        [
            "William F. Buckley, Jr.",
            "L. Brent Bozell Jr.",
            "Sr. Jones"
        ]
    );
    let entities = merge(&doc, &kept);
    assert!(entities
        .entities
        .iter()
        .all(|e| e.ambiguous || e.key.is_some()));
}

/// A title word that is the surname of a full name of the article ("King" beside "Stephen King")
/// is a mention of that person; a title alone ("Major" with no one called Major) is still none.
#[test]
fn a_title_word_that_is_a_surname_stays() {
    let text = "Stephen King spoke. King said so; Mr. King’s son left. Major and President met.";
    let doc = document(text);
    let mentions = Placer::new(text)
        .tag("Stephen King", "PER")
        .tag("Mr. King’s", "PER")
        .tag("King", "PER")
        .tag("Major", "PER")
        .tag("President", "PER")
        .done();
    let mentions = name_mentions(&doc, mentions);
    let kept: Vec<&str> = mentions.iter().map(|m| &text[m.span.range()]).collect();
    assert_eq!(kept, ["Stephen King", "King", "Mr. King’s"]);
    let entities = merge(&doc, &mentions);
    assert_eq!(entities.entities.len(), 1);
    assert_eq!(entities.entities[0].canonical, "Stephen King");
}

/// "Jr.[Donald] Trump" with the "[" tagged into the name before it: "[Donald]" and "Trump" become
/// one mention without taking that "[" too, so that no two mentions overlap.
#[test]
fn a_bracket_inside_the_mention_before_is_not_claimed_again() {
    let text = "William Buckley Jr.[Donald] Trump said no.";
    let doc = document(text);
    let at = |needle: &str| {
        let start = text.find(needle).unwrap();
        Mention {
            span: Span::new(start, start + needle.len()),
            label: EntityLabel::Per,
            score: 0.9,
        }
    };
    let mentions = vec![at("William Buckley Jr.["), at("Donald"), at("Trump")];
    let mentions = name_mentions(&doc, mentions);
    let spans: Vec<&str> = mentions.iter().map(|m| doc.slice(m.span)).collect();
    assert_eq!(spans, ["William Buckley Jr.[", "Donald] Trump"]);
    assert!(mentions
        .windows(2)
        .all(|w| w[0].span.end <= w[1].span.start));
    let entities = merge(&doc, &mentions);
    assert_eq!(entities.entity_of(1).canonical, "Donald Trump");
}

/// Texts for the people tests: each tags the names given, longest first.
fn people_of(text: &str, names: &[&str]) -> (Vec<Mention>, Entities) {
    let mut placer = Placer::new(text);
    for name in names {
        placer = placer.tag(name, "PER");
    }
    let mentions = placer.done();
    let entities = merge(&document(text), &mentions);
    check_invariants(&entities, mentions.len());
    (mentions, entities)
}

/// A son's "Jr." and differing middle initials keep father and son apart; "Trump Jr." is the son,
/// and a later "George Bush" joins the latest George Bush it fits.
#[test]
fn father_and_son_stay_two_people() {
    let text = "Donald Trump Jr. defended his father, Donald Trump. Trump Jr. said so. \
                George H. W. Bush and George W. Bush met; George Bush left.";
    let names = [
        "Donald Trump Jr.",
        "Donald Trump",
        "Trump Jr.",
        "George H. W. Bush",
        "George W. Bush",
        "George Bush",
    ];
    let (mentions, entities) = people_of(text, &names);
    let of = |needle: &str| entity_at(text, &mentions, &entities, needle, 0);
    assert_ne!(of("Donald Trump Jr.").id, of("Donald Trump").id);
    assert_eq!(of("Trump Jr.").id, of("Donald Trump Jr.").id);
    assert_eq!(
        of("Donald Trump Jr.").key.as_deref(),
        Some("donald trump jr")
    );
    assert_eq!(of("Donald Trump").key.as_deref(), Some("donald trump"));
    assert_ne!(of("George H. W. Bush").id, of("George W. Bush").id);
    assert_eq!(of("George Bush").id, of("George W. Bush").id);
}

/// "Mike" is "Michael" (`nicknames.txt`) within an article as in the key: one person, so the bare
/// "Pompeo" is no longer split between two.
#[test]
fn a_short_given_name_is_the_full_one() {
    let text = "Secretary of State Mike Pompeo met reporters. Michael R. Pompeo said talks would \
                go on. Pompeo said so.";
    let names = ["Mike Pompeo", "Michael R. Pompeo", "Pompeo"];
    let (_, entities) = people_of(text, &names);
    assert_eq!(entities.entities.len(), 1);
    let pompeo = &entities.entities[0];
    assert_eq!(pompeo.canonical, "Michael R. Pompeo");
    assert!(!pompeo.ambiguous);
    assert_eq!(pompeo.key.as_deref(), Some("michael pompeo"));
}

/// An initial that fits two people of the article is left apart, marked ambiguous, as a bare
/// surname is: never a silent guess.
#[test]
fn an_initial_that_fits_two_people_is_ambiguous() {
    let text = "John Smith met Jane Smith. J. Smith left; J. Smith returned. Hillary Clinton \
                met Bill Clinton, then H. Clinton left.";
    let names = [
        "John Smith",
        "Jane Smith",
        "J. Smith",
        "Hillary Clinton",
        "Bill Clinton",
        "H. Clinton",
    ];
    let (mentions, entities) = people_of(text, &names);
    let of = |needle: &str, nth: usize| entity_at(text, &mentions, &entities, needle, nth);
    let j = of("J. Smith", 0);
    assert_eq!(j.id, of("J. Smith", 1).id);
    assert!(j.ambiguous && j.key.is_none());
    assert_ne!(j.id, of("John Smith", 0).id);
    assert_ne!(j.id, of("Jane Smith", 0).id);
    assert!(!of("John Smith", 0).ambiguous && !of("Jane Smith", 0).ambiguous);
    assert_eq!(of("H. Clinton", 0).id, of("Hillary Clinton", 0).id);
}

/// A given name alone that fits two people of the article is left apart, marked ambiguous, as
/// a bare surname is; one that fits one person joins that person.
#[test]
fn a_given_name_that_fits_two_people_is_ambiguous() {
    let text = "John Smith and John Brown met Maryam Rajavi. John said the talks failed; Maryam \
                agreed, and John left.";
    let names = [
        "John Smith",
        "John Brown",
        "Maryam Rajavi",
        "John",
        "Maryam",
    ];
    let (mentions, entities) = people_of(text, &names);
    let of = |needle: &str, nth: usize| entity_at(text, &mentions, &entities, needle, nth);
    let john = of("John", 0);
    // It was an entity of its own with ambiguous false and key `john`: every lone John of the
    // dump one entity.
    assert!(john.ambiguous && john.key.is_none(), "{john:?}");
    assert_eq!(john.id, of("John", 1).id);
    assert_ne!(john.id, of("John Smith", 0).id);
    assert_ne!(john.id, of("John Brown", 0).id);
    assert!(!of("John Smith", 0).ambiguous && !of("John Brown", 0).ambiguous);
    assert_eq!(of("Maryam", 0).id, of("Maryam Rajavi", 0).id);
}

/// A surname of several words written alone ("López Obrador", "De Gaulle", "Von der Leyen") is
/// the one person whose longer name ends with it, before or after it in the text.
#[test]
fn a_surname_of_several_words_joins_the_full_name() {
    let text = "President Andrés Manuel López Obrador spoke. López Obrador said so. Charles de \
                Gaulle led France. De Gaulle said so. Von der Leyen arrived; Ursula von der Leyen \
                spoke.";
    let names = [
        "Andrés Manuel López Obrador",
        "López Obrador",
        "Charles de Gaulle",
        "De Gaulle",
        "Ursula von der Leyen",
        "Von der Leyen",
    ];
    let (_, entities) = people_of(text, &names);
    let summary: Vec<(&str, usize)> = entities
        .entities
        .iter()
        .map(|e| (e.canonical.as_str(), e.mentions.len()))
        .collect();
    assert_eq!(
        summary,
        [
            ("Andrés Manuel López Obrador", 2),
            ("Charles de Gaulle", 2),
            ("Ursula von der Leyen", 2)
        ]
    );
    assert_eq!(entities.entities[0].key.as_deref(), Some("andres obrador"));
}

/// A name written with combining accents (NFD) or a zero-width space is the same name: one
/// person, keyed as the precomposed, plainly spaced name.
#[test]
fn decomposed_accents_and_zero_width_spaces_name_the_same_person() {
    let text = "José Martínez arrived. Marti\u{301}nez said so. Angela\u{200B} Merkel met \
                Angela Merkel’s aides; Sande\u{308}r Lleshaj came.";
    let names = [
        "José Martínez",
        "Marti\u{301}nez",
        "Angela\u{200B} Merkel",
        "Angela Merkel",
        "Sande\u{308}r Lleshaj",
    ];
    let (_, entities) = people_of(text, &names);
    let summary: Vec<(&str, usize, Option<&str>)> = entities
        .entities
        .iter()
        .map(|e| (e.canonical.as_str(), e.mentions.len(), e.key.as_deref()))
        .collect();
    assert_eq!(
        summary,
        [
            ("José Martínez", 2, Some("jose martinez")),
            ("Angela Merkel", 2, Some("angela merkel")),
            ("Sande\u{308}r Lleshaj", 1, Some("sander lleshaj")),
        ]
    );
}

/// A soft hyphen or direction mark inside a name is no part of its canonical name, as it is
/// none of its key: the canonical name was `Angela Mer\u{AD}kel`, invisible but another string
/// in the index.
#[test]
fn invisible_characters_inside_a_name_are_not_in_its_canonical_name() {
    let text = "Angela Mer\u{AD}kel arrived. Mer\u{200F}kel said so.";
    let (_, entities) = people_of(text, &["Angela Mer\u{AD}kel", "Mer\u{200F}kel"]);
    let summary: Vec<(&str, usize)> = entities
        .entities
        .iter()
        .map(|e| (e.canonical.as_str(), e.mentions.len()))
        .collect();
    assert_eq!(summary, [("Angela Merkel", 2)]);
}

/// Two organisations whose own initials give one acronym, each defining it, stay two; a later
/// bare acronym joins the nearest definition.
#[test]
fn two_organisations_that_share_an_acronym_stay_two() {
    let text = "The African National Congress (ANC) and the Alberta New Conservatives (ANC) met. \
                The ANC left.";
    let doc = document(text);
    let mentions = Placer::new(text)
        .tag("African National Congress", "ORG")
        .tag("Alberta New Conservatives", "ORG")
        .tag("ANC", "ORG")
        .done();
    let entities = merge(&doc, &mentions);
    check_invariants(&entities, mentions.len());
    let of = |needle: &str, nth: usize| entity_at(text, &mentions, &entities, needle, nth);
    let african = of("African National Congress", 0);
    let alberta = of("Alberta New Conservatives", 0);
    assert_ne!(african.id, alberta.id);
    assert_eq!(of("ANC", 0).id, african.id);
    assert_eq!(of("ANC", 1).id, alberta.id);
    assert_eq!(of("ANC", 2).id, alberta.id, "the nearest definition before");
}

/// "Emirates" tagged ORG is the airline, not the country: an alias that is one word of a
/// country's name names it only as a place; the full name and abbreviations still do as ORG.
#[test]
fn a_company_named_after_a_word_of_a_country_is_no_country() {
    let text = "Emirates cancelled flights to the Emirates. The UAE and the United Arab Emirates \
                agreed.";
    let doc = document(text);
    let mentions = Placer::new(text)
        .tag("United Arab Emirates", "ORG")
        .tag("UAE", "ORG")
        .tag("Emirates cancelled", "ORG")
        .tag("Emirates", "LOC")
        .done();
    let mut mentions = mentions;
    mentions[0].span = Span::new(0, "Emirates".len());
    let entities = merge(&doc, &mentions);
    check_invariants(&entities, mentions.len());
    let s = |x: &str| x.to_string();
    assert_eq!(
        summary(&entities),
        vec![
            (s("Emirates"), s("ORG"), None),
            (s("United Arab Emirates"), s("LOC"), Some("AE")),
        ]
    );
    assert_eq!(entities.entities[1].mentions, vec![1, 2, 3]);
}

/// A place written as an acronym ("USSR") keeps its capitals; a dateline in capitals does not.
#[test]
fn an_acronym_is_not_unshouted() {
    let text = "VIENNA - The UK and the USSR were represented in Vienna.";
    let doc = document(text);
    let mentions = Placer::new(text)
        .tag("VIENNA", "LOC")
        .tag("UK", "LOC")
        .tag("USSR", "LOC")
        .tag("Vienna", "LOC")
        .done();
    let entities = merge(&doc, &mentions);
    let names: Vec<&str> = entities
        .entities
        .iter()
        .map(|e| e.canonical.as_str())
        .collect();
    assert_eq!(names, ["Vienna", "United Kingdom", "USSR"]);
}

/// A company's short name is its registered name without the legal form: one entity, one key,
/// the fuller name canonical; a county ("Washington Co." tagged LOC) is not shortened.
#[test]
fn a_company_without_its_legal_form_is_the_same_company() {
    let text = "Microsoft Corp. reported profit. Microsoft said so. Volkswagen AG cut jobs; \
                Volkswagen said so. Washington Co. and Washington met.";
    let doc = document(text);
    let mentions = Placer::new(text)
        .tag("Microsoft Corp.", "ORG")
        .tag("Microsoft", "ORG")
        .tag("Volkswagen AG", "ORG")
        .tag("Volkswagen", "MISC")
        .tag("Washington Co.", "LOC")
        .tag("Washington", "LOC")
        .done();
    let entities = merge(&doc, &mentions);
    check_invariants(&entities, mentions.len());
    assert_eq!(
        names_and_keys(&entities),
        [
            ("Microsoft Corp.", Some("microsoft")),
            ("Volkswagen AG", Some("volkswagen")),
            ("Washington Co.", Some("washington co")),
            ("Washington", Some("washington")),
        ]
    );
}

/// `AG` after a state or a country is its attorney general, no company's legal form: `Texas AG`
/// keeps its own key, apart from the state's.
#[test]
fn a_places_attorney_general_keeps_its_ag() {
    let text = "Texas AG Ken Paxton sued. Texas is large. NY AG Letitia James agreed.";
    let doc = document(text);
    let mentions = Placer::new(text)
        .tag("Texas AG", "ORG")
        .tag("Texas", "LOC")
        .tag("NY AG", "ORG")
        .done();
    let entities = merge(&doc, &mentions);
    assert_eq!(
        names_and_keys(&entities),
        [
            ("Texas AG", Some("texas ag")),
            ("Texas", Some("texas")),
            ("NY AG", Some("ny ag")),
        ]
    );
}

/// A bare surname joins the person whose surname is it with an Arabic article hyphenated on
/// ("Assad" and "Bashar al-Assad", "Sisi" and "Abdel Fattah el-Sisi").
#[test]
fn a_surname_without_its_arabic_article_is_the_same_person() {
    let text = "Bashar al-Assad spoke. Assad said so. Abdel Fattah el-Sisi met him; Sisi agreed.";
    let names = ["Bashar al-Assad", "Assad", "Abdel Fattah el-Sisi", "Sisi"];
    let (mentions, entities) = people_of(text, &names);
    let of = |needle: &str| entity_at(text, &mentions, &entities, needle, 0);
    assert_eq!(of("Assad").id, of("Bashar al-Assad").id);
    assert_eq!(of("Sisi").id, of("Abdel Fattah el-Sisi").id);
    assert_eq!(entities.entities.len(), 2);
    assert!(entities.entities.iter().all(|e| !e.ambiguous));
}

/// The model tags a law without its year, "Export Control Act" of "the Export Control Act 2002
/// requires": the year is part of the name (the mention ended before it, and two articles'
/// "Export Control Act 2002" and "Export Control Act 2019" were one key). A year after a
/// sentence's end, a person or a word that ends no law's name stays out, and so does one the
/// next mention holds.
#[test]
fn a_laws_year_is_part_of_its_name() {
    let text = "The Export Control Act 2002 requires a licence. Data Protection Regulations \
                2018, he said. Under the Patriot Act. 2001 was long ago. Sam Act 2002 won. The \
                Berlin Summit 2002 met. The Clean Air Act 1990s rules.";
    let tags = [
        ("Export Control Act", "MISC"),
        ("Data Protection Regulations", "MISC"),
        ("Patriot Act", "MISC"),
        ("Sam Act", "PER"),
        ("Berlin Summit", "MISC"),
        ("Clean Air Act", "MISC"),
    ];
    assert_eq!(
        prepared_names(text, &tags),
        [
            "Export Control Act 2002",
            "Data Protection Regulations 2018",
            "Patriot Act",
            "Sam Act",
            "Berlin Summit",
            "Clean Air Act"
        ]
    );
    // A range of years is no law's year (an outside review, session 52).
    let ranges = "The Homeland Security Act 2002-2005 budgets rose. The Clean Air Act 1990 to \
                  1995 rules.";
    let tags = [("Homeland Security Act", "MISC"), ("Clean Air Act", "MISC")];
    assert_eq!(
        prepared_names(ranges, &tags),
        ["Homeland Security Act", "Clean Air Act"]
    );
    let tagged_year = "The Export Control Act 2002 applies.";
    let tags = [("Export Control Act", "MISC"), ("2002", "MISC")];
    assert_eq!(
        prepared_names(tagged_year, &tags),
        ["Export Control Act", "2002"]
    );
}

/// The texts of the mentions [`name_mentions`] makes of a text tagged as [`tagged`] places them.
fn prepared_names<'t>(text: &'t str, tags: &[(&str, &str)]) -> Vec<&'t str> {
    let mentions = name_mentions(&document(text), tagged(text, tags));
    mentions.iter().map(|m| &text[m.span.range()]).collect()
}

/// The model tags "Mohammed" and "Salman" apart in "Mohammed bin Salman": one mention again, one
/// person that "Prince Mohammed" joins; a bare "Salman" is his father, not him.
#[test]
fn a_name_cut_at_its_particle_is_one_person() {
    let text = "Crown Prince Mohammed bin Salman spoke. Prince Mohammed said so. King Salman \
                agreed. Ben Whitfield came; Whitfield left.";
    let doc = document(text);
    let mut mentions = Placer::new(text)
        .tag("Mohammed", "PER")
        .tag("Salman", "PER")
        .tag("Ben Whitfield", "PER")
        .tag("Whitfield", "PER")
        .done();
    // The second is "Prince Mohammed", title and all, as the model tagged it.
    mentions[2].span.start -= "Prince ".len();
    let mentions = name_mentions(&doc, mentions);
    let entities = merge(&doc, &mentions);
    check_invariants(&entities, mentions.len());
    let named: Vec<&str> = mentions.iter().map(|m| &text[m.span.range()]).collect();
    assert_eq!(
        named[..3],
        ["Mohammed bin Salman", "Prince Mohammed", "Salman"]
    );
    let mbs = entities.entity_of(0);
    assert_eq!(mbs.canonical, "Mohammed bin Salman");
    assert_eq!(entities.entity_of(1).id, mbs.id);
    assert_ne!(entities.entity_of(2).id, mbs.id);
    let whitfield = entities.entity_of(4);
    assert_eq!(
        whitfield.id,
        entities.entity_of(3).id,
        "a given name Ben is no particle"
    );
}

/// An honorific tells apart two people who share a surname when one of them alone may be of its
/// gender by the given name; a given name of no known gender ("Jordan") may be either.
#[test]
fn an_honorific_picks_the_one_person_of_its_gender() {
    let text = "John Parker and Mary Parker lost their home. Mrs. Parker said so. Mr. Parker \
                agreed. Jordan Hale and Susan Hale came; Ms. Hale left.";
    let names = [
        "John Parker",
        "Mary Parker",
        "Parker",
        "Jordan Hale",
        "Susan Hale",
        "Hale",
    ];
    let (mentions, entities) = people_of(text, &names);
    let of = |needle: &str, nth: usize| entity_at(text, &mentions, &entities, needle, nth);
    assert_eq!(of("Parker", 0).id, of("Mary Parker", 0).id, "Mrs.");
    assert_eq!(of("Parker", 1).id, of("John Parker", 0).id, "Mr.");
    let hale = of("Hale", 0);
    assert!(hale.ambiguous, "Jordan may be a woman: {hale:?}");
}

/// "Del." before a name is her title (Delegate), which the model tagged a person of its own:
/// an entity "Del." keyed `del` beside "Stacey Plaskett". "Del." of "Dover, Del." is Delaware
/// and stays; tagged with the name, "Del. Mark Ruiz" is "Mark Ruiz" (it was keyed
/// `del mark ruiz`).
#[test]
fn a_title_abbreviation_before_a_name_is_no_person() {
    let text = "\"We will fight this,\" said Del. Stacey Plaskett on Tuesday. Plaskett spoke in \
                Dover, Del. Officials agreed. Del. Mark Ruiz came. Fans of US Ben Shelton cheered.";
    let tags = [
        ("Del. Mark Ruiz", "PER"),
        ("Ben Shelton", "PER"),
        ("US", "LOC"),
        ("Stacey Plaskett", "PER"),
        ("Plaskett", "PER"),
        ("Dover", "LOC"),
        ("Del.", "PER"),
    ];
    assert_eq!(
        prepared_names(text, &tags),
        [
            "Stacey Plaskett",
            "Plaskett",
            "Dover",
            "Del.",
            "Del. Mark Ruiz",
            "US",
            "Ben Shelton"
        ]
    );
    let entities = prepared_and_merged(text, &tags);
    assert_eq!(
        names_and_keys(&entities),
        [
            ("Stacey Plaskett", Some("stacey plaskett")),
            ("Dover", Some("dover")),
            ("Del.", Some("del")),
            ("Mark Ruiz", Some("mark ruiz")),
            ("United States", Some("country:US")),
            ("Ben Shelton", Some("benjamin shelton")),
        ]
    );
}

/// A firm's or a university's name the model cut in two is one mention again: "Johnson" and
/// "Johnson" of "Johnson & Johnson" (tagged PER) were both Boris Johnson, and "George
/// Washington" of "George Washington University" a person "Washington" joined. "Trinidad &
/// Tobago" is the country; "School" opening the next sentence is no part of a name, and two
/// names " & " joins in a phrase ("the Trump & Putin summit", "France & Germany") stay two.
#[test]
fn a_name_cut_at_an_ampersand_or_before_an_organisation_word_is_one() {
    let text = "Boris Johnson spoke. Johnson & Johnson sued. George Washington University hosted \
                it. Trinidad & Tobago agreed. Said Ann Lee. School resumed. The Trump & Putin \
                summit ended in France & Germany.";
    let tags = [
        ("Boris Johnson", "PER"),
        ("Johnson", "PER"),
        ("George Washington", "PER"),
        ("University", "ORG"),
        ("Trinidad", "LOC"),
        ("Tobago", "LOC"),
        ("Ann Lee", "PER"),
        ("School", "ORG"),
        ("Trump", "PER"),
        ("Putin", "PER"),
        ("France", "LOC"),
        ("Germany", "LOC"),
    ];
    let doc = document(text);
    let mentions = name_mentions(&doc, tagged(text, &tags));
    let named: Vec<(&str, EntityLabel)> = mentions
        .iter()
        .map(|m| (&text[m.span.range()], m.label))
        .collect();
    assert_eq!(
        named,
        [
            ("Boris Johnson", EntityLabel::Per),
            ("Johnson & Johnson", EntityLabel::Org),
            ("George Washington University", EntityLabel::Org),
            ("Trinidad & Tobago", EntityLabel::Loc),
            ("Ann Lee", EntityLabel::Per),
            ("School", EntityLabel::Org),
            ("Trump", EntityLabel::Per),
            ("Putin", EntityLabel::Per),
            ("France", EntityLabel::Loc),
            ("Germany", EntityLabel::Loc),
        ]
    );
    let entities = merge(&doc, &mentions);
    check_invariants(&entities, mentions.len());
    assert_ne!(entities.entity_of(0).id, entities.entity_of(1).id);
    assert_eq!(entities.entity_of(3).country_code, Some("TT"));
}

/// A headline writes "&" for "and": "Trump & Putin meet" names two people, no firm (the text's
/// "Johnson & Johnson" is one).
#[test]
fn an_ampersand_in_a_headline_joins_no_names() {
    let text = "Donald Trump and Vladimir Putin met in Helsinki. Johnson & Johnson said nothing.";
    let title = "Trump & Putin meet";
    let doc = Document::new(
        "test".into(),
        title.into(),
        text.into(),
        &clean::clean(text),
    );
    let tags = [
        ("Donald Trump", "PER"),
        ("Vladimir Putin", "PER"),
        ("Trump", "PER"),
        ("Putin", "PER"),
        ("Helsinki", "LOC"),
        ("Johnson", "PER"),
    ];
    let mentions = name_mentions(&doc, tagged(&doc.text, &tags));
    let named: Vec<(&str, EntityLabel)> = mentions
        .iter()
        .map(|m| (&doc.text[m.span.range()], m.label))
        .collect();
    assert_eq!(
        named,
        [
            ("Trump", EntityLabel::Per),
            ("Putin", EntityLabel::Per),
            ("Donald Trump", EntityLabel::Per),
            ("Vladimir Putin", EntityLabel::Per),
            ("Helsinki", EntityLabel::Loc),
            ("Johnson & Johnson", EntityLabel::Org),
        ]
    );
}

/// A lawmaker's party-state tag ("R-Colo", "D-N.Y", tagged PER or ORG) is no entity, so that the
/// speaker of "Rep. Lauren Boebert, R-Colo., said" is her; "D-Day" is no tag.
#[test]
fn a_party_state_tag_is_no_name() {
    let text = "Rep. Lauren Boebert, R-Colo., said no. Sen. Chuck Schumer, D-N.Y., and Sen. \
                Bernie Sanders, I-Vt., spoke on D-Day.";
    let doc = document(text);
    let mentions = Placer::new(text)
        .tag("Lauren Boebert", "PER")
        .tag("R-Colo", "PER")
        .tag("Chuck Schumer", "PER")
        .tag("D-N.Y", "ORG")
        .tag("Bernie Sanders", "PER")
        .tag("I-Vt.", "PER")
        .tag("D-Day", "MISC")
        .done();
    let kept: Vec<&str> = name_mentions(&doc, mentions)
        .iter()
        .map(|m| &text[m.span.range()])
        .collect();
    assert_eq!(
        kept,
        ["Lauren Boebert", "Chuck Schumer", "Bernie Sanders", "D-Day"]
    );
}

/// A ticker in a parenthesis after a company is no mention and no acronym of it: "Tesla
/// (TSLA.O)" was canonical "TSLA.O", keyed "tslao".
#[test]
fn a_stock_ticker_is_no_name_of_the_company() {
    let text = "Tesla (TSLA.O) cut prices. Brightwave Inc. (NASDAQ: BRWV) announced it; \
                Brightwave said so.";
    let doc = document(text);
    let mentions = Placer::new(text)
        .tag("Tesla", "ORG")
        .tag("TSLA.O", "ORG")
        .tag("Brightwave Inc.", "ORG")
        .tag("NASDAQ", "MISC")
        .tag("BRWV", "ORG")
        .tag("Brightwave", "ORG")
        .done();
    let mentions = name_mentions(&doc, mentions);
    let entities = merge(&doc, &mentions);
    check_invariants(&entities, mentions.len());
    assert_eq!(
        names_and_keys(&entities),
        [
            ("Tesla", Some("tesla")),
            ("Brightwave Inc.", Some("brightwave")),
        ]
    );
}

/// Mentions placed by [`Placer`], one (text, label) pair after the other.
fn tagged(text: &str, tags: &[(&str, &str)]) -> Vec<Mention> {
    let placer = tags
        .iter()
        .fold(Placer::new(text), |p, (needle, label)| p.tag(needle, label));
    placer.done()
}

/// The mentions [`tagged`] places and their entities, invariants checked.
fn tagged_and_merged(text: &str, tags: &[(&str, &str)]) -> (Vec<Mention>, Entities) {
    let mentions = tagged(text, tags);
    let entities = merge(&document(text), &mentions);
    check_invariants(&entities, mentions.len());
    (mentions, entities)
}

/// The entities of the mentions [`name_mentions`] makes of a text tagged as [`tagged`] places
/// them, invariants checked.
fn prepared_and_merged(text: &str, tags: &[(&str, &str)]) -> Entities {
    let doc = document(text);
    let mentions = name_mentions(&doc, tagged(text, tags));
    let entities = merge(&doc, &mentions);
    check_invariants(&entities, mentions.len());
    entities
}

/// Checks (canonical, key) of every entity of a text tagged as [`tagged`] places the names.
fn assert_keyed(text: &str, tags: &[(&str, &str)], expected: &[(&str, Option<&str>)]) {
    let (_, entities) = tagged_and_merged(text, tags);
    assert_eq!(names_and_keys(&entities), expected);
}

/// A company's short name ("Ford", "Goldman", "Deutsche") joins the one registered name it
/// begins ("Ford Motor Co."); "GM" spells "General Motors Co." without its legal form. Names
/// were two entities, and "GM" a third.
#[test]
fn a_company_short_name_joins_its_registered_name() {
    let text = "Ford said so. Ford Motor Co. cut jobs. Goldman Sachs Group Inc. gained; Goldman \
                and Goldman Sachs said so. Deutsche Bank AG fell; Deutsche agreed. General \
                Motors Co. grew; GM said so.";
    assert_keyed(
        text,
        &[
            ("Ford Motor Co.", "ORG"),
            ("Ford", "ORG"),
            ("Goldman Sachs Group Inc.", "ORG"),
            ("Goldman Sachs", "ORG"),
            ("Goldman", "ORG"),
            ("Deutsche Bank AG", "ORG"),
            ("Deutsche", "ORG"),
            ("General Motors Co.", "ORG"),
            ("GM", "ORG"),
        ],
        &[
            ("Ford Motor Co.", Some("ford motor")),
            ("Goldman Sachs Group Inc.", Some("goldman sachs")),
            ("Deutsche Bank AG", Some("deutsche bank")),
            ("General Motors Co.", Some("gm")),
        ],
    );
}

/// A short name stays apart from a registered name it begins when it fits two of them, names a
/// place, a nationality or a title, is no organisation, or the longer name has no legal form.
/// Beside a person of that surname the model's ORG label decides: "Dell" is the company, which
/// keeps its key.
#[test]
fn a_short_name_that_may_be_something_else_stays_apart() {
    let text = "Ford Motor Co. and Ford Credit LLC said so; Ford agreed. New York Times Co. grew \
                in New York. American Airlines Group Inc. flew; American agreed. General Motors \
                Co. grew; General said so. Goldman Sachs rose; Goldman agreed. Apple Inc. sold \
                Apple phones. Dell Technologies Inc. grew; Michael Dell said so; Dell agreed.";
    let doc = document(text);
    let mentions = tagged(
        text,
        &[
            ("Ford Motor Co.", "ORG"),
            ("Ford Credit LLC", "ORG"),
            ("Ford", "ORG"),
            ("New York Times Co.", "ORG"),
            ("New York", "ORG"),
            ("American Airlines Group Inc.", "ORG"),
            ("American", "ORG"),
            ("General Motors Co.", "ORG"),
            ("General", "ORG"),
            ("Goldman Sachs", "ORG"),
            ("Goldman", "ORG"),
            ("Apple Inc.", "ORG"),
            ("Apple", "MISC"),
            ("Dell Technologies Inc.", "ORG"),
            ("Michael Dell", "PER"),
            ("Dell", "ORG"),
        ],
    );
    let entities = merge(&doc, &mentions);
    check_invariants(&entities, mentions.len());
    let of = |needle: &str| entity_at(text, &mentions, &entities, needle, 0).id;
    let dell = entity_at(text, &mentions, &entities, "Dell Technologies Inc.", 0);
    assert_eq!(dell.key.as_deref(), Some("dell technologies"), "{dell:?}");
    for (short, long) in [
        ("Ford", "Ford Motor Co."),
        ("Ford", "Ford Credit LLC"),
        ("New York", "New York Times Co."),
        ("American", "American Airlines Group Inc."),
        ("General", "General Motors Co."),
        ("Goldman", "Goldman Sachs"),
        ("Dell", "Michael Dell"),
    ] {
        assert_ne!(of(short), of(long), "{short} is not {long}");
    }
    assert_eq!(of("Dell"), of("Dell Technologies Inc."));
    assert_eq!(of("Apple"), of("Apple Inc."), "the same name, any label");
}

/// A father's name is no surname in the pass across labels either: "Salman" joined "Mohammed
/// bin Salman" once the article also called him "Bin Salman" (a two-word name, whose "Salman"
/// read as a surname).
#[test]
fn a_fathers_name_is_no_surname_after_a_short_form_either() {
    let text = "Mohammed bin Salman spoke. Bin Salman said so. Salman agreed.";
    assert_keyed(
        text,
        &[
            ("Mohammed bin Salman", "PER"),
            ("Bin Salman", "PER"),
            ("Salman", "PER"),
        ],
        &[
            ("Mohammed bin Salman", Some("mohammed bin salman")),
            ("Salman", Some("salman")),
        ],
    );
}

/// "Donald Trump, Jr." tagged "Donald Trump" is the son, and "Trump, Jr." too: the suffix after
/// the comma was lost, so the son was his father and "Trump, Jr." an ambiguous "Trump".
#[test]
fn a_family_suffix_the_model_left_out_still_counts() {
    let text = "Donald Trump, Jr. spoke. Trump, Jr. said so. Eric Trump agreed. Martin Luther \
                King III came.";
    assert_keyed(
        text,
        &[
            ("Donald Trump", "PER"),
            ("Eric Trump", "PER"),
            ("Trump", "PER"),
            ("Martin Luther King", "PER"),
        ],
        &[
            ("Donald Trump Jr.", Some("donald trump jr")),
            ("Eric Trump", Some("eric trump")),
            ("Martin Luther King III", Some("martin king iii")),
        ],
    );
}

/// A company's short name tagged ORG is the company even beside a person of that surname: "Ford
/// said it would hire 500 workers" went to Henry Ford (the pass across labels took the lone
/// "Ford" for his surname). Tagged otherwise it may be either, so it is nobody's, marked
/// ambiguous ("Lincoln said it would hire" went to Abraham Lincoln), unless an honorific says
/// it is the person ("Mr. Lincoln").
#[test]
fn a_company_short_name_tagged_org_is_the_company_beside_a_namesake() {
    let text = "Ford Motor Co. said sales rose. Ford said it would hire 500 workers. Henry Ford \
                founded the company. Lincoln National Corp. rose. Abraham Lincoln spoke; Lincoln \
                said it would hire; Mr. Lincoln smiled.";
    let (mentions, entities) = tagged_and_merged(
        text,
        &[
            ("Ford Motor Co.", "ORG"),
            ("Henry Ford", "PER"),
            ("Ford", "ORG"),
            ("Lincoln National Corp.", "ORG"),
            ("Abraham Lincoln", "PER"),
            ("Mr. Lincoln", "PER"),
            ("Lincoln", "PER"),
        ],
    );
    let of = |needle: &str| entity_at(text, &mentions, &entities, needle, 0);
    assert_eq!(of("Ford").id, of("Ford Motor Co.").id);
    assert_ne!(of("Ford").id, of("Henry Ford").id);
    assert_eq!(of("Ford").key.as_deref(), Some("ford motor"));
    assert_eq!(of("Henry Ford").key.as_deref(), Some("henry ford"));
    let lincoln = of("Lincoln");
    assert!(lincoln.ambiguous && lincoln.key.is_none(), "{lincoln:?}");
    assert_ne!(lincoln.id, of("Abraham Lincoln").id);
    assert_ne!(lincoln.id, of("Lincoln National Corp.").id);
    assert_eq!(of("Mr. Lincoln").id, of("Abraham Lincoln").id);
    let company = of("Lincoln National Corp.");
    assert_eq!(company.key.as_deref(), Some("lincoln national"));
}

/// A name with a family suffix joins only a person with the same suffix: "Trump Jr." beside
/// "Donald Trump" alone was Donald Trump (the pass across labels read it as a bare "Trump"), and
/// beside no full name at all it was one with a lone "Trump". A bare surname still joins the
/// only person it fits, suffix or not.
#[test]
fn a_family_suffix_never_joins_a_name_without_one() {
    let text = "Donald Trump said he would win. Trump Jr. said the rally was huge. Pence Jr. and \
                Pence met. Martin Luther King Jr. marched; King spoke. Joseph R. Biden Jr. won; \
                Biden spoke.";
    let (mentions, entities) = tagged_and_merged(
        text,
        &[
            ("Donald Trump", "PER"),
            ("Trump Jr.", "PER"),
            ("Pence Jr.", "PER"),
            ("Pence", "PER"),
            ("Martin Luther King Jr.", "PER"),
            ("King", "PER"),
            ("Joseph R. Biden Jr.", "PER"),
            ("Biden", "PER"),
        ],
    );
    let of = |needle: &str| entity_at(text, &mentions, &entities, needle, 0).id;
    assert_ne!(of("Trump Jr."), of("Donald Trump"));
    assert_ne!(of("Pence Jr."), of("Pence"));
    assert_eq!(of("King"), of("Martin Luther King Jr."));
    assert_eq!(of("Biden"), of("Joseph R. Biden Jr."));
}

/// A name without a family suffix that writes the given name as its short form is the son with
/// the suffix, in either order: "Joe Biden" beside "Joseph R. Biden Jr." was a second person
/// (the suffixes differed). The same given name as written ("Hank Williams" beside "Hank
/// Williams Jr.") or the full one ("Donald Trump" beside "Donald Trump Jr.") is still the father;
/// a short form that the elder's name fits as well may be either, and stays apart.
#[test]
fn a_short_given_name_bridges_a_family_suffix() {
    let text = "Joseph R. Biden Jr. won. Joe Biden said so; Biden smiled. Joe Smith met \
                reporters. Joseph Smith Jr. agreed. Hank Williams Jr. sang for Hank Williams. \
                Donald Trump Jr. praised Donald Trump. Joseph P. Kennedy Jr. and Joseph \
                Kennedy Sr. came; Joe Kennedy spoke.";
    let (mentions, entities) = tagged_and_merged(
        text,
        &[
            ("Joseph R. Biden Jr.", "PER"),
            ("Joe Biden", "PER"),
            ("Biden", "PER"),
            ("Joe Smith", "PER"),
            ("Joseph Smith Jr.", "PER"),
            ("Hank Williams Jr.", "PER"),
            ("Hank Williams", "PER"),
            ("Donald Trump Jr.", "PER"),
            ("Donald Trump", "PER"),
            ("Joseph P. Kennedy Jr.", "PER"),
            ("Joseph Kennedy Sr.", "PER"),
            ("Joe Kennedy", "PER"),
        ],
    );
    let of = |needle: &str| entity_at(text, &mentions, &entities, needle, 0);
    let biden = of("Joseph R. Biden Jr.");
    assert_eq!(of("Joe Biden").id, biden.id);
    assert_eq!(of("Biden").id, biden.id);
    // The son papers name with or without his suffix keys without it (`keys`).
    assert_eq!(biden.key.as_deref(), Some("joseph biden"));
    assert_eq!(
        of("Joe Smith").id,
        of("Joseph Smith Jr.").id,
        "short form first"
    );
    assert_eq!(of("Joe Smith").key.as_deref(), Some("joseph smith jr"));
    assert_ne!(of("Hank Williams").id, of("Hank Williams Jr.").id);
    assert_ne!(of("Donald Trump").id, of("Donald Trump Jr.").id);
    assert!(of("Joe Kennedy").ambiguous);
    assert_ne!(of("Joe Kennedy").id, of("Joseph Kennedy Sr.").id);
    assert_ne!(of("Joe Kennedy").id, of("Joseph P. Kennedy Jr.").id);
}

/// Two initials before the surname stay in the key, one does not: "George H.W. Bush" and
/// "George W. Bush" keyed alike as `george bush`, two presidents one count over a dump. In one
/// article they are two people, and "H.W." is "H. W.".
#[test]
fn two_middle_initials_tell_namesakes_apart() {
    let text = "George H.W. Bush and George W. Bush met. George H. W. Bush spoke. H.R. McMaster \
                and Donald J. Trump came.";
    assert_keyed(
        text,
        &[
            ("George H.W. Bush", "PER"),
            ("George W. Bush", "PER"),
            ("George H. W. Bush", "PER"),
            ("H.R. McMaster", "PER"),
            ("Donald J. Trump", "PER"),
        ],
        &[
            ("George H. W. Bush", Some("george h w bush")),
            ("George W. Bush", Some("george bush")),
            ("H.R. McMaster", Some("h r mcmaster")),
            ("Donald J. Trump", Some("donald trump")),
        ],
    );
}

/// An East Asian name written family name first keeps every part in its key and is one person
/// however its given name is split: "Kim Jong Un" keyed `kim un`, and "Kim Jong-un" was another
/// person. "Kim Jong Il" is someone else; a Western name keeps its first and last word.
#[test]
fn a_family_name_first_keeps_all_its_parts() {
    let text = "Kim Jong Un met Kim Jong Il. Kim Jong-un said so; Kim smiled. Lee Harvey Oswald \
                and John Fitzgerald Kennedy.";
    assert_keyed(
        text,
        &[
            ("Kim Jong Un", "PER"),
            ("Kim Jong Il", "PER"),
            ("Kim Jong-un", "PER"),
            ("Kim", "PER"),
            ("Lee Harvey Oswald", "PER"),
            ("John Fitzgerald Kennedy", "PER"),
        ],
        &[
            ("Kim Jong Un", Some("kim jong un")),
            ("Kim Jong Il", Some("kim jong il")),
            ("Kim", None),
            ("Lee Harvey Oswald", Some("lee oswald")),
            ("John Fitzgerald Kennedy", Some("john kennedy")),
        ],
    );
    // A review: any one-vowel word after `Lee` made a name family-first; `Scott` and `Wright`
    // end as no romanised syllable does.
    assert_keyed(
        "Lee Scott Wright spoke. Nguyen Xuan Phuc and Lee Hsien Loong listened.",
        &[
            ("Lee Scott Wright", "PER"),
            ("Nguyen Xuan Phuc", "PER"),
            ("Lee Hsien Loong", "PER"),
        ],
        &[
            ("Lee Scott Wright", Some("lee wright")),
            ("Nguyen Xuan Phuc", Some("nguyen xuan phuc")),
            ("Lee Hsien Loong", Some("lee hsien loong")),
        ],
    );
}

/// A country's name the model tags ORG beside the one longer organisation name it begins is
/// that organisation's short name: "Jordan" (ORG) beside Nike's "Jordan Brand" was the country
/// JO. Tagged LOC ("Iran" beside "Iran Air"), or where the article names the country as a
/// place too ("Jordanian officials"), it stays the country; and the brand is nobody's surname.
#[test]
fn a_countrys_name_tagged_org_that_begins_an_organisation_is_its_short_name() {
    let brand = "Nike said its Jordan Brand grew. Jordan remains Nike's biggest brand. Michael \
                 Jordan signed with Nike in 1984.";
    let (mentions, entities) = tagged_and_merged(
        brand,
        &[
            ("Nike", "ORG"),
            ("Jordan Brand", "ORG"),
            ("Michael Jordan", "PER"),
            ("Jordan", "ORG"),
        ],
    );
    let of = |needle: &str| entity_at(brand, &mentions, &entities, needle, 0);
    assert_eq!(of("Jordan").id, of("Jordan Brand").id);
    assert_eq!(of("Jordan").country_code, None);
    assert_eq!(of("Jordan").key.as_deref(), Some("jordan brand"));
    assert_ne!(of("Jordan").id, of("Michael Jordan").id);
    let places = "Jordan Brand grew. Jordan said so, Jordanian officials added. Iran Air flew; \
                  Iran objected.";
    assert_keyed(
        places,
        &[
            ("Jordan Brand", "ORG"),
            ("Jordanian", "MISC"),
            ("Jordan", "ORG"),
            ("Iran Air", "ORG"),
            ("Iran", "LOC"),
        ],
        &[
            ("Jordan Brand", Some("jordan brand")),
            ("Jordan", Some("country:JO")),
            ("Iran Air", Some("iran air")),
            ("Iran", Some("country:IR")),
        ],
    );
}

/// "Biden Jr." alone beside "Joe Biden", the article's only Biden, was a person of its own: a
/// short given name leaves the son's suffix out, as "Joe Biden" does for "Joseph R. Biden Jr.",
/// and the article's key is then the son's. "Trump Jr." beside "Donald Trump" (no short form)
/// stays apart, and so does "Biden Jr." beside two Bidens.
#[test]
fn a_family_suffix_alone_joins_the_only_person_a_short_given_name_names() {
    let text = "Joe Biden spoke. Biden Jr. said the plan would pass. Donald Trump came; Trump Jr. \
                left. Jill Kennedy and Joe Kennedy met; Kennedy Jr. spoke.";
    let (mentions, entities) = tagged_and_merged(
        text,
        &[
            ("Joe Biden", "PER"),
            ("Biden Jr.", "PER"),
            ("Donald Trump", "PER"),
            ("Trump Jr.", "PER"),
            ("Jill Kennedy", "PER"),
            ("Joe Kennedy", "PER"),
            ("Kennedy Jr.", "PER"),
        ],
    );
    let of = |needle: &str| entity_at(text, &mentions, &entities, needle, 0);
    assert_eq!(of("Biden Jr.").id, of("Joe Biden").id);
    assert_eq!(of("Joe Biden").canonical, "Joe Biden");
    assert_eq!(
        of("Joe Biden").key.as_deref(),
        Some("joseph biden"),
        "as a son"
    );
    assert_ne!(of("Trump Jr.").id, of("Donald Trump").id);
    assert_eq!(of("Donald Trump").key.as_deref(), Some("donald trump"));
    assert_ne!(of("Kennedy Jr.").id, of("Joe Kennedy").id);
}

/// A short given name without a suffix ("Bobby Kennedy") beside a father and a son of its full
/// form ("Robert Kennedy", "Robert F. Kennedy Jr.") may be either: it stays apart, marked
/// ambiguous, in every order. Read in text order it was the son when it came before the
/// father's first mention and the father after it. Beside the son alone it is the son.
#[test]
fn a_short_given_name_beside_father_and_son_joins_neither() {
    let tags = [
        ("Robert F. Kennedy Jr.", "PER"),
        ("Robert Kennedy", "PER"),
        ("Bobby Kennedy", "PER"),
    ];
    for text in [
        "Robert F. Kennedy Jr. spoke. Bobby Kennedy said so. Robert Kennedy died in 1968.",
        "Robert Kennedy died in 1968. Robert F. Kennedy Jr. spoke. Bobby Kennedy said so.",
        "Bobby Kennedy said so. Robert Kennedy died in 1968. Robert F. Kennedy Jr. spoke.",
    ] {
        let (mentions, entities) = tagged_and_merged(text, &tags);
        let of = |needle: &str| entity_at(text, &mentions, &entities, needle, 0);
        let bobby = of("Bobby Kennedy");
        assert!(bobby.ambiguous && bobby.key.is_none(), "{text}: {bobby:?}");
        assert_ne!(bobby.id, of("Robert Kennedy").id, "{text}");
        assert_ne!(bobby.id, of("Robert F. Kennedy Jr.").id, "{text}");
        assert_ne!(
            of("Robert Kennedy").id,
            of("Robert F. Kennedy Jr.").id,
            "{text}"
        );
    }
    let son = "Robert F. Kennedy Jr. spoke. Bobby Kennedy said so.";
    let (mentions, entities) = tagged_and_merged(son, &tags);
    let of = |needle: &str| entity_at(son, &mentions, &entities, needle, 0).id;
    assert_eq!(of("Bobby Kennedy"), of("Robert F. Kennedy Jr."));
}

/// "Biden Jr." written before "Joe Biden" is he as in the other order, canonical "Joe Biden"
/// and keyed as the son: a family suffix counted as a word of the name, so "Biden Jr.",
/// two words as long as "Joe Biden", stayed the canonical name (keyed `biden jr`). Tagged ORG
/// ("the Biden Jr. campaign") it was an entity of its own; "Trump Jr." beside "Donald Trump"
/// stays apart, the son, however tagged.
#[test]
fn a_family_suffix_alone_before_the_full_name_or_tagged_org_joins_it_too() {
    let tags = [("Joe Biden", "PER"), ("Biden Jr.", "PER")];
    for text in [
        "Biden Jr. said the plan would pass. Joe Biden spoke.",
        "Joe Biden spoke. Biden Jr. said the plan would pass.",
    ] {
        assert_keyed(text, &tags, &[("Joe Biden", Some("joseph biden"))]);
    }
    for text in [
        "The Biden Jr. campaign said Joe Biden raised money. Joe Biden thanked donors.",
        "Joe Biden raised money, the Biden Jr. campaign said. Joe Biden thanked donors.",
    ] {
        let tags = [("Joe Biden", "PER"), ("Biden Jr.", "ORG")];
        assert_keyed(text, &tags, &[("Joe Biden", Some("joseph biden"))]);
    }
    let text = "The Trump Jr. campaign said Donald Trump raised money. Trump Jr. spoke.";
    assert_keyed(
        text,
        &[("Donald Trump", "PER"), ("Trump Jr.", "ORG")],
        &[
            ("Trump Jr.", Some("trump jr")),
            ("Donald Trump", Some("donald trump")),
        ],
    );
}

/// "Apple" that starts a sentence in an article that writes "apple" in lower case as well ("the
/// apple harvest") and is tagged other than ORG may be the fruit: it joined "Apple Inc." (the
/// same name without the legal form), and now stays apart, marked ambiguous; so does "apple"
/// tagged in lower case. "Apple" within a sentence, starting one in an article that never
/// writes "apple", or tagged ORG there ("Target said" beside "a price target") is still the
/// company: a first version took every sentence's first "Target" of business news from it.
#[test]
fn a_company_name_that_may_be_a_common_noun_stays_apart() {
    let text = "Apple growers in Washington expect a record apple harvest. Apple Inc. said it \
                would buy local fruit. Shares of Apple rose.";
    for label in ["MISC", "LOC"] {
        let (mentions, entities) =
            tagged_and_merged(text, &[("Apple Inc.", "ORG"), ("Apple", label)]);
        let of = |nth: usize| entity_at(text, &mentions, &entities, "Apple", nth);
        let company = entity_at(text, &mentions, &entities, "Apple Inc.", 0);
        assert_ne!(of(0).id, company.id, "{label}");
        assert!(of(0).ambiguous && of(0).key.is_none(), "{label}");
        assert_eq!(of(1).id, company.id, "{label}");
        assert_eq!(company.key.as_deref(), Some("apple"));
    }
    let lower = "Apple Inc. grew. An apple farmer said so.";
    let (mentions, entities) = tagged_and_merged(lower, &[("Apple Inc.", "ORG"), ("apple", "ORG")]);
    let fruit = entity_at(lower, &mentions, &entities, "apple", 0);
    assert!(fruit.ambiguous);
    assert_ne!(
        fruit.id,
        entity_at(lower, &mentions, &entities, "Apple Inc.", 0).id
    );
    assert_keyed(
        "Apple Inc. grew. Apple said sales rose.",
        &[("Apple Inc.", "ORG"), ("Apple", "ORG")],
        &[("Apple Inc.", Some("apple"))],
    );
    assert_keyed(
        "Target Corp. cut its outlook. Target said sales fell 5%. Analysts lowered their price \
         target.",
        &[("Target Corp.", "ORG"), ("Target", "ORG")],
        &[("Target Corp.", Some("target"))],
    );
}

/// A short given name with a family suffix ("Don Jr.") is the one person whose spelled-out
/// given name and suffix it has: it was an entity of its own beside "Donald Trump Jr.", keyed
/// `don jr`. Beside the father alone it stays apart.
#[test]
fn a_short_given_name_with_a_suffix_joins_the_son() {
    let tags = [
        ("Donald Trump Jr.", "PER"),
        ("Donald Trump", "PER"),
        ("Don Jr.", "PER"),
    ];
    assert_keyed(
        "Don Jr. said the rally was huge. Donald Trump Jr. spoke; Donald Trump smiled.",
        &tags,
        &[
            ("Donald Trump Jr.", Some("donald trump jr")),
            ("Donald Trump", Some("donald trump")),
        ],
    );
    assert_keyed(
        "Don Jr. said the rally was huge. Donald Trump smiled.",
        &tags,
        &[
            ("Don Jr.", Some("don jr")),
            ("Donald Trump", Some("donald trump")),
        ],
    );
}

/// Checks that "Jordan" tagged `label` in a text of Nike's and Michael Jordan's is the brand
/// keyed `jordan brand`, neither the country nor the man.
fn assert_nikes_jordan_brand(text: &str, label: &str) {
    let tags = [
        ("Nike", "ORG"),
        ("Michael Jordan", "PER"),
        ("Jordan", label),
    ];
    let (mentions, entities) = tagged_and_merged(text, &tags);
    let jordan = entity_at(text, &mentions, &entities, "Jordan", 0);
    assert_eq!(jordan.country_code, None, "{label}");
    assert_eq!(jordan.key.as_deref(), Some("jordan brand"), "{label}");
    let michael = entity_at(text, &mentions, &entities, "Michael Jordan", 0);
    assert_ne!(jordan.id, michael.id, "{label}");
}

/// A country's name right before a brand word is the brand's, however tagged: "Jordan" of
/// "Nike's Jordan brand" was the country JO (no "Jordan Brand" beside it to be the short name
/// of). It is no Michael Jordan either, and it is keyed as "Jordan Brand" is, `jordan brand`
/// (it was `jordan`, another key than the same brand's where an article writes it out). The country's name elsewhere stays the country: beside
/// its namesakes Rep. Steve Israel and Rep. Jim Jordan, the Israel Defense Forces and The
/// Jordan Times, tagged ORG or LOC.
#[test]
fn a_countrys_name_before_a_brand_word_is_the_brand() {
    let brand = "Nike's Jordan brand grew 10 percent. Michael Jordan owns a stake.";
    for label in ["ORG", "LOC", "MISC"] {
        assert_nikes_jordan_brand(brand, label);
    }
    let long = "Michael Jordan's Jordan Brand grew. Nike's Jordan brand is its biggest.";
    assert_keyed(
        long,
        &[
            ("Michael Jordan", "PER"),
            ("Jordan Brand", "ORG"),
            ("Nike", "ORG"),
            ("Jordan", "LOC"),
        ],
        &[
            ("Michael Jordan", Some("michael jordan")),
            ("Jordan Brand", Some("jordan brand")),
            ("Nike", Some("nike")),
        ],
    );
    for label in ["ORG", "LOC"] {
        assert_keyed(
            "Rep. Steve Israel said Israel must defend itself, as the Israel Defense Forces \
             moved in.",
            &[
                ("Steve Israel", "PER"),
                ("Israel Defense Forces", "ORG"),
                ("Israel", label),
            ],
            &[
                ("Steve Israel", Some("steven israel")),
                ("Israel", Some("country:IL")),
                ("Israel Defense Forces", Some("israel defense forces")),
            ],
        );
        assert_keyed(
            "Rep. Jim Jordan said Jordan closed its border, The Jordan Times reported.",
            &[
                ("Jim Jordan", "PER"),
                ("Jordan Times", "ORG"),
                ("Jordan", label),
            ],
            &[
                ("Jim Jordan", Some("james jordan")),
                ("Jordan", Some("country:JO")),
                ("Jordan Times", Some("jordan times")),
            ],
        );
    }
}

/// A family suffix the model tagged apart right after a person ends that person's mention:
/// `Trump` (PER) and `Jr.` (ORG or MISC) of "Trump Jr. said" were two mentions, the `Jr.` an
/// organisation of its own keyed `jr` and the person's mention `Trump`; tagged PER, the `Jr.`
/// was dropped and the mention still read `Trump`. Now they are the one mention `Trump Jr.`,
/// Donald Trump Jr. and never Donald Trump, spanning both words (after a comma too: "Hank
/// Williams, Jr.").
#[test]
fn a_family_suffix_tagged_apart_joins_the_person_before_it() {
    let text = "Donald Trump Jr. spoke first. Trump Jr. said the rally was huge. Donald Trump \
                smiled. Hank Williams, Jr. sang.";
    let doc = document(text);
    for label in ["ORG", "MISC", "PER"] {
        let tags = [
            ("Donald Trump Jr.", "PER"),
            ("Donald Trump", "PER"),
            ("Hank Williams", "PER"),
            ("Trump", "PER"),
            ("Jr.", label),
        ];
        let mentions = name_mentions(&doc, tagged(text, &tags));
        let spans: Vec<&str> = mentions.iter().map(|m| doc.slice(m.span)).collect();
        assert_eq!(
            spans,
            [
                "Donald Trump Jr.",
                "Trump Jr.",
                "Donald Trump",
                "Hank Williams, Jr."
            ],
            "{label}"
        );
        assert!(mentions.iter().all(|m| m.label == EntityLabel::Per));
        let entities = merge(&doc, &mentions);
        check_invariants(&entities, mentions.len());
        assert_eq!(
            names_and_keys(&entities),
            [
                ("Donald Trump Jr.", Some("donald trump jr")),
                ("Donald Trump", Some("donald trump")),
                ("Hank Williams Jr.", Some("henry williams jr")),
            ],
            "{label}"
        );
        assert_eq!(entities.of_mention[1], 0, "Trump Jr. is the son, {label}");
    }
}

/// "Apple" that starts every sentence it is in, in an article that writes "apple" in lower case
/// too, names no company even where no "Apple Inc." stands beside it, however tagged: the
/// model's ORG "Apple" of "Apple prices fell as growers picked more apples" was an organisation
/// keyed `apple`, counted with the company over a dump. One mention within a sentence ("Shares
/// of Target rose") shows the name, and an article that never writes the word in lower case
/// says nothing: those stay keyed.
#[test]
fn a_capitalised_common_noun_without_its_company_is_no_company() {
    let fruit = "Apple growers expect a record apple harvest. Apple prices fell as growers \
                 picked more apples.";
    for label in ["MISC", "LOC"] {
        let (mentions, entities) = tagged_and_merged(fruit, &[("Apple", label)]);
        let apple = entity_at(fruit, &mentions, &entities, "Apple", 0);
        assert!(apple.ambiguous && apple.key.is_none(), "{label}: {apple:?}");
        assert_eq!(entities.entities.len(), 1, "{label}");
    }
    // Tagged ORG, a name that only opens sentences stays the company, beside the lower-case
    // word: news of Shell, Delta or Target opens sentences with it, a headline always does.
    assert_keyed(
        "Shell to sell Nigerian assets\n\nShell said on Monday it would sell. The buyer is a \
         shell company.",
        &[("Shell", "ORG")],
        &[("Shell", Some("shell"))],
    );
    assert_keyed(
        "Target said sales fell 5%. Shares of Target rose. Analysts lowered their price target.",
        &[("Target", "ORG")],
        &[("Target", Some("target"))],
    );
    assert_keyed(
        "Apple said sales rose. Apple shares fell.",
        &[("Apple", "ORG")],
        &[("Apple", Some("apple"))],
    );
}

/// Thousands of company names, each a sentence's first word tagged other than ORG and written
/// in lower case elsewhere or not, in one article: each such name scanned the whole text once,
/// a time quadratic in the article (seconds here, minutes for a larger one); the text's
/// lower-case words are now gathered once. No timed assertion: the results are checked.
#[test]
fn many_sentence_opening_company_names_are_looked_up_once() {
    let word = |mut i: usize| {
        let mut w = String::from("Q");
        for _ in 0..4 {
            w.push(char::from(b'a' + (i % 26) as u8));
            i /= 26;
        }
        w
    };
    let companies = 20_000;
    let mut text = String::new();
    let mut mentions = Vec::new();
    let mut tag = |text: &mut String, name: &str, label: &str| {
        let start = text.len();
        text.push_str(name);
        mentions.push(Mention {
            span: Span::new(start, text.len()),
            label: label.parse().unwrap(),
            score: 0.9,
        });
    };
    for i in 0..companies {
        let name = word(i);
        tag(&mut text, &format!("{name} Inc."), "ORG");
        text.push_str(" grew. ");
        tag(&mut text, &name, "MISC");
        text.push_str(" growers met. ");
        if i % 2 == 0 {
            text.push_str(&format!("A {} farmer spoke. ", name.to_lowercase()));
        }
    }
    let doc = document(&text);
    let entities = merge(&doc, &mentions);
    check_invariants(&entities, mentions.len());
    for i in 0..companies {
        let (company, opener) = (entities.entity_of(2 * i), entities.entity_of(2 * i + 1));
        assert_eq!(company.key, Some(word(i).to_lowercase()));
        match i % 2 {
            0 => assert!(opener.ambiguous && opener.id != company.id, "{i}"),
            _ => assert_eq!(opener.id, company.id, "{i}"),
        }
    }
}

/// "Apple" tagged ORG that opens every sentence it is in, in an article that writes the word in
/// lower case as the same noun ("Apple growers" beside "apple growers", or "apples" beside "the
/// apple trade"; a plural alone is no sign: "Target expects" beside "missed its targets"), is the
/// fruit: it was an organisation keyed `apple`, the company's key. A company's sign after one of
/// its mentions ("Apple said", "Apple shares", "Apple's") keeps it the company, and so does the
/// lower-case word used as another noun ("Shell said" and "Shell to sell" beside "a shell
/// company"; "Shell to sell" beside "artillery shells" and "Shell said").
#[test]
fn an_org_tagged_name_written_as_the_same_common_noun_is_no_company() {
    for fruit in [
        "Apple growers expect a record harvest. Apple prices fell as apple growers picked more.",
        "Apple orchards bloomed early. Apple pickers were hired for the apple orchards.",
        "Apple prices fell. Apple exports rose as growers picked more apples for the apple trade.",
    ] {
        let (mentions, entities) = tagged_and_merged(fruit, &[("Apple", "ORG")]);
        let apple = entity_at(fruit, &mentions, &entities, "Apple", 0);
        assert!(apple.ambiguous && apple.key.is_none(), "{fruit}: {apple:?}");
    }
    for company in [
        "Apple said sales rose. Apple shares fell as growers picked more apples.",
        "Apple's sales rose. Apple growers picked more apples.",
        "Shell to sell Nigerian assets\n\nShell said on Monday it would sell. Artillery shells \
         fell nearby.",
        // A plural alone is no sign of the common noun (an outside review, session 52).
        "Apple unveiled a new iPhone on Tuesday. Apple hopes it sells. Shoppers bought apples.",
        "Shell cut its dividend. Shell blamed low prices. Divers collected shells.",
        "Target cut prices. Target expects a loss. It missed its targets.",
    ] {
        let name = company.split([' ', '\'']).next().unwrap();
        let (mentions, entities) = tagged_and_merged(company, &[(name, "ORG")]);
        let entity = entity_at(company, &mentions, &entities, name, 0);
        let key = name.to_lowercase();
        assert_eq!(entity.key.as_deref(), Some(key.as_str()), "{company}");
    }
}

/// A country's name right after an organisation's possessive, tagged ORG or the surname of a
/// person of the article, is the organisation's brand when the article names the country
/// nowhere else as a place: "Nike's Jordan led the gains" (ORG, or LOC beside "Michael Jordan")
/// was the country JO. A market word after it ("Apple's China sales", `market_words.txt`), a
/// place elsewhere ("Jordanian officials"), a person's possessive or a LOC tag on a name that
/// modifies a noun after it ("the EU's Ukraine envoy") keep the country.
#[test]
fn a_countrys_name_an_organisation_owns_is_its_brand() {
    let owned = "Nike's Jordan led the gains. Michael Jordan signed in 1984.";
    for label in ["ORG", "LOC"] {
        assert_nikes_jordan_brand(owned, label);
    }
    assert_keyed(
        "Nike’s Jordan led the gains.",
        &[("Nike", "ORG"), ("Jordan", "ORG")],
        &[("Nike", Some("nike")), ("Jordan", Some("jordan brand"))],
    );
    for (text, tags) in [
        (
            "Apple's China sales fell.",
            &[("Apple", "ORG"), ("China", "ORG")][..],
        ),
        (
            "Nike's Jordan led the gains, Jordanian officials said.",
            &[("Nike", "ORG"), ("Jordanian", "MISC"), ("Jordan", "ORG")][..],
        ),
        (
            "The EU's Ukraine envoy met officials.",
            &[("EU", "ORG"), ("Ukraine", "LOC")][..],
        ),
        (
            "NATO's Afghanistan mission ended, the alliance said.",
            &[("NATO", "ORG"), ("Afghanistan", "LOC")][..],
        ),
        (
            "The EU's Ukraine, Moldova and Georgia envoys met.",
            &[
                ("EU", "ORG"),
                ("Moldova", "LOC"),
                ("Georgia", "LOC"),
                ("Ukraine", "LOC"),
            ][..],
        ),
        (
            "Nike's Jordan-branded shoes sold out.",
            &[("Nike", "ORG"), ("Jordan", "LOC")][..],
        ),
        (
            "Nike's Jordan, which grew, sold out. Amman, Jordan, is hot.",
            &[("Nike", "ORG"), ("Amman", "LOC"), ("Jordan", "LOC")][..],
        ),
        (
            "Michael Jordan's Jordan led the gains. Michael Jordan smiled.",
            &[("Michael Jordan", "PER"), ("Jordan", "ORG")][..],
        ),
    ] {
        let (mentions, entities) = tagged_and_merged(text, tags);
        let country = tags.last().unwrap().0;
        let entity = entity_at(text, &mentions, &entities, country, 0);
        assert!(entity.country_code.is_some(), "{text}: {entity:?}");
    }
}

/// A country's name tagged LOC right after an organisation's possessive is the organisation's
/// brand where it heads its phrase, a punctuation mark or a verb after it, and the article names
/// the country nowhere else as a place: "Nike's Jordan, which grew faster" (the model tags
/// "Jordan" LOC there) was the country JO, keyed `country:JO` (it is `jordan brand`, as where it
/// is tagged ORG). A LOC name before a noun stays the country (see
/// `a_countrys_name_an_organisation_owns_is_its_brand`).
#[test]
fn a_countrys_name_tagged_loc_that_an_organisation_owns_is_its_brand() {
    for (text, label) in [
        (
            "The biggest winner was Nike's Jordan, which grew faster than any other line.",
            "LOC",
        ),
        ("Nike's Jordan led the gains in the quarter.", "LOC"),
        ("Nike's Jordan jumped 9 percent.", "MISC"),
        ("Sales rose at Nike's Jordan.", "LOC"),
    ] {
        assert_keyed(
            text,
            &[("Nike", "ORG"), ("Jordan", label)],
            &[("Nike", Some("nike")), ("Jordan", Some("jordan brand"))],
        );
    }
    // After an owner written as an acronym, a body of states, it stays the country (review,
    // session 53: keyed `afghanistan brand`).
    for (owner, country, code) in [
        ("NATO", "Afghanistan", "country:AF"),
        ("IMF", "Argentina", "country:AR"),
    ] {
        let text = format!("Historians still argue about the {owner}'s {country}, where it lost.");
        assert_keyed(
            &text,
            &[(owner, "ORG"), (country, "LOC")],
            &[(owner, Some(&owner.to_lowercase())), (country, Some(code))],
        );
    }
}

/// The model tags "People's" apart from "Mojahedin Organization of Iran", and "also known as the
/// MEK" named the organisation again: three entities keyed `people`, `pmoi` and `mek`. The two
/// parts are one mention again, its "(PMOI)" defines PMOI, and the MEK the phrase names is the
/// same organisation, later "MEK"s too: one entity, keyed `mek` as the MEK is in every article
/// (`organisation_aliases.tsv`). "Google's YouTube" stays two.
#[test]
fn a_name_cut_after_a_possessive_word_and_its_aliases_are_one_organisation() {
    let text = "The People's Mojahedin Organization of Iran (PMOI), also known as the MEK, held a \
                rally in Paris. Supporters of the MEK waved flags. A PMOI spokesman spoke. \
                Google's YouTube streamed it.";
    let tags = [
        ("People's", "ORG"),
        ("Mojahedin Organization of Iran", "ORG"),
        ("PMOI", "ORG"),
        ("MEK", "ORG"),
        ("Paris", "LOC"),
        ("Google", "ORG"),
        ("YouTube", "ORG"),
    ];
    let entities = prepared_and_merged(text, &tags);
    assert_eq!(
        names_and_keys(&entities),
        [
            ("People's Mojahedin Organization of Iran", Some("mek")),
            ("Paris", Some("paris")),
            ("Google", Some("google")),
            ("YouTube", Some("youtube")),
        ]
    );
    assert_eq!(entities.entities[0].aliases, ["PMOI", "MEK"]);
    // Without the possessive word: the alias phrase alone, and a name in an alias parenthesis.
    assert_keyed(
        "Mujahedin-e Khalq, better known as MEK, met. The MEK left. Islamic State (also known \
         as Daesh) fled.",
        &[
            ("Mujahedin-e Khalq", "ORG"),
            ("MEK", "ORG"),
            ("Islamic State", "ORG"),
            ("Daesh", "ORG"),
        ],
        &[
            ("Mujahedin-e Khalq", Some("mek")),
            ("Islamic State", Some("islamic state")),
        ],
    );
    // A bare "known as" after a comma describes the phrase, and an alias of another label is
    // another thing's name (review, session 53: Congress was keyed as the CHIPS Act, the
    // Senate as the IRA).
    assert_keyed(
        "Subsidies approved by Congress, known as the CHIPS Act, grew. The bill passed by the \
         Senate, also known as the IRA, cut costs. The IRA helped.",
        &[
            ("Congress", "ORG"),
            ("CHIPS Act", "MISC"),
            ("Senate", "ORG"),
            ("IRA", "MISC"),
        ],
        &[
            ("Congress", Some("congress")),
            ("CHIPS Act", Some("chips act")),
            ("Senate", Some("senate")),
            ("IRA", Some("ira")),
        ],
    );
}

/// The possessive that joins a name cut after it is the one [`names::strip_possessive`] reads:
/// "PEOPLE'S" of a headline in capitals too (it stayed an organisation keyed `people`), and no
/// bare apostrophe after a letter other than s ("People' Mojahedin" is no possessive).
#[test]
fn a_possessive_word_in_capitals_joins_the_name_cut_after_it() {
    let shouted = "THE PEOPLE'S MOJAHEDIN ORGANIZATION OF IRAN MET.";
    let tags = [
        ("PEOPLE'S", "ORG"),
        ("MOJAHEDIN ORGANIZATION OF IRAN", "ORG"),
    ];
    assert_eq!(
        prepared_names(shouted, &tags),
        ["PEOPLE'S MOJAHEDIN ORGANIZATION OF IRAN"]
    );
    let quote = "The People' Mojahedin Organization met.";
    let tags = [("People", "ORG"), ("Mojahedin Organization", "ORG")];
    assert_eq!(
        prepared_names(quote, &tags),
        ["People", "Mojahedin Organization"]
    );
}

/// The model cuts "the UN Support Mission in Libya (UNSMIL)" before "in Libya": "UNSMIL" was an
/// entity of its own, apart from "UN Support Mission" (keys `unsmil` and `un support mission`).
/// The acronym spells the name with its place ("UN" giving both its letters), so the mention
/// reaches over the place again and defines it: one entity keyed `unsmil`, canonical "UN
/// Support Mission in Libya" (it was "UN Support Mission", and "Libya" inside it a mention of
/// the country). "TX" spells nothing with "Texas": "Acme Corp" keeps its end, Texas its mention.
#[test]
fn an_acronym_after_the_place_a_name_was_cut_before_is_the_names() {
    let text = "The UN Support Mission in Libya (UNSMIL) said talks would resume. UNSMIL urged \
                calm. The UN Assistance Mission in Afghanistan (UNAMA) agreed. Acme Corp in \
                Texas (TX) closed.";
    let tags = [
        ("UN Support Mission", "ORG"),
        ("UN Assistance Mission", "ORG"),
        ("Acme Corp", "ORG"),
        ("Libya", "LOC"),
        ("Afghanistan", "LOC"),
        ("Texas", "LOC"),
        ("UNSMIL", "ORG"),
        ("UNAMA", "ORG"),
        ("TX", "ORG"),
    ];
    assert_eq!(
        prepared_names(text, &tags),
        [
            "UN Support Mission in Libya",
            "UNSMIL",
            "UNSMIL",
            "UN Assistance Mission in Afghanistan",
            "UNAMA",
            "Acme Corp",
            "Texas",
            "TX",
        ]
    );
    let entities = prepared_and_merged(text, &tags);
    assert_eq!(
        names_and_keys(&entities),
        [
            ("UN Support Mission in Libya", Some("unsmil")),
            ("UN Assistance Mission in Afghanistan", Some("unama")),
            ("Acme Corp", Some("acme")),
            ("Texas", Some("texas")),
            ("TX", Some("tx")),
        ]
    );
    // An acronym word's letters whole spell only a parenthesis right after the name: a bare
    // acronym elsewhere joins no name by them (review, session 53: the US Open was keyed `uso`).
    assert_keyed(
        "The US Open starts Monday. USO volunteers will entertain troops.",
        &[("US Open", "MISC"), ("USO", "ORG")],
        &[("US Open", Some("us open")), ("USO", Some("uso"))],
    );
}

/// A company that opens every sentence, beside the plural and the singular of the common noun
/// ("missed its targets", "a price target"), lost its key: "Target" was nobody's. A verb no
/// target does ("Target cut its forecast", `company_words.txt`) or a stock ticker after it
/// ("Target (NYSE: TGT)") is a company's sign; the fruit stays nobody's.
#[test]
fn a_company_opening_sentences_beside_its_common_noun_keeps_its_key_by_a_stronger_sign() {
    for company in [
        "Target cut its forecast. Target missed its targets, and an analyst set a price target.",
        "Target expects a loss. Target missed its targets; one price target fell.",
        "Target (NYSE: TGT) opened fewer stores. Target missed its targets and a price target.",
        "Target <TGT.N> opened fewer stores. Target missed its targets and a price target.",
    ] {
        let (mentions, entities) = tagged_and_merged(company, &[("Target", "ORG")]);
        let entity = entity_at(company, &mentions, &entities, "Target", 0);
        assert_eq!(entity.key.as_deref(), Some("target"), "{company}");
    }
    for fruit in [
        "Apple growers expect a record harvest. Apple prices fell as apple growers picked more.",
        "Apple prices fell. Apple exports rose as growers picked more apples for the apple trade.",
    ] {
        let (mentions, entities) = tagged_and_merged(fruit, &[("Apple", "ORG")]);
        let apple = entity_at(fruit, &mentions, &entities, "Apple", 0);
        assert!(apple.ambiguous && apple.key.is_none(), "{fruit}: {apple:?}");
    }
}

/// A mention of the `nth` occurrence (from 0) of `needle` in `text`, with `label`.
fn mention_at(text: &str, needle: &str, nth: usize, label: &str) -> Mention {
    let (start, _) = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle} #{nth}"));
    Mention {
        span: Span::new(start, start + needle.len()),
        label: label.parse().unwrap(),
        score: 0.9,
    }
}

/// Checks that mentions `a` and `b` are of one entity, not marked ambiguous.
fn assert_same_sure_entity(entities: &Entities, a: usize, b: usize) {
    assert_eq!(
        entities.entity_of(a).id,
        entities.entity_of(b).id,
        "{entities:?}"
    );
    assert!(!entities.entity_of(a).ambiguous, "{entities:?}");
}

/// The entities of a document's mentions, invariants checked.
fn merged(doc: &Document, mentions: &[Mention]) -> Entities {
    let entities = merge(doc, mentions);
    check_invariants(&entities, mentions.len());
    entities
}

/// A title only people bear makes the surname after it a person, whatever the model tagged it:
/// "Mr. Dell" (tagged ORG or PER) beside "Dell Technologies Inc." and "Michael Dell" is Michael
/// Dell, a person, not the company (it joined the company as its short name, or by its text
/// "Dell"); "Dell shares" stays the company's.
#[test]
fn a_titled_surname_is_a_person_not_the_company_of_its_name() {
    let text = "Dell Technologies Inc. reported higher sales on Tuesday. Michael Dell, its \
                founder, spoke to analysts. \"Demand is strong,\" Mr. Dell said. Dell shares rose.";
    for titled_label in ["ORG", "PER"] {
        let mentions = vec![
            mention_at(text, "Dell Technologies Inc.", 0, "ORG"),
            mention_at(text, "Michael Dell", 0, "PER"),
            mention_at(text, "Dell", 2, titled_label),
            mention_at(text, "Dell", 3, "ORG"),
        ];
        let entities = merged(&document(text), &mentions);
        let [company, michael, mister, shares] = [0, 1, 2, 3].map(|i| entities.entity_of(i));
        assert_eq!(mister.id, michael.id, "{titled_label}: {entities:?}");
        assert_ne!(mister.id, company.id, "{titled_label}");
        assert_eq!(shares.id, company.id, "{titled_label}");
        assert_eq!(michael.label, EntityLabel::Per, "{titled_label}");
        assert_eq!(michael.key.as_deref(), Some("michael dell"));
        assert_eq!(company.key.as_deref(), Some("dell technologies"));
    }
    // "Dow Jones" beside "Mr. Jones" begins with no given name: still the index. "Miss
    // Universe" is a pageant, no title and person, and a title ending the sentence before
    // ("by the President. Iran") is no title of the name after it.
    let text = "The Dow Jones fell. Mr. Jones said so. Miss Universe was held in Mexico. It \
                was decided by the President. Iran rejected it.";
    let mentions = vec![
        mention_at(text, "Dow Jones", 0, "ORG"),
        mention_at(text, "Jones", 1, "PER"),
        mention_at(text, "Miss Universe", 0, "MISC"),
        mention_at(text, "Mexico", 0, "LOC"),
        mention_at(text, "Iran", 0, "LOC"),
    ];
    let entities = merged(&document(text), &mentions);
    assert_eq!(entities.entity_of(0).label, EntityLabel::Org);
    assert_ne!(entities.entity_of(0).id, entities.entity_of(1).id);
    assert_eq!(entities.entity_of(2).label, EntityLabel::Misc);
    assert_eq!(entities.entity_of(2).canonical, "Miss Universe");
    assert_eq!(entities.entity_of(4).country_code, Some("IR"));
}

/// A full name the model tagged ORG stays as tagged beside a titled mention of its surname: "Ralph
/// Lauren shares rose" is the company named after its founder, and "Mr. Lauren" the founder,
/// apart (the full name was made the person, and "Mr. Lauren" joined it).
#[test]
fn a_company_named_after_its_founder_stays_a_company_beside_mr() {
    let text = "Ralph Lauren reported higher quarterly sales on Tuesday, and Ralph Lauren shares \
                rose 4 percent. Mr. Lauren, who founded the company in 1967, did not attend.";
    // Both "Ralph Lauren" (ORG), then "Mr. Lauren" (PER).
    let tags = [("Ralph Lauren", "ORG"), ("Lauren", "PER")];
    let (_, entities) = tagged_and_merged(text, &tags);
    let [company, shares, mister] = [0, 1, 2].map(|i| entities.entity_of(i));
    assert_eq!(shares.id, company.id, "{entities:?}");
    assert_eq!(company.label, EntityLabel::Org, "{entities:?}");
    assert_ne!(mister.id, company.id);
    assert_eq!(mister.label, EntityLabel::Per);
}

/// A title makes a person only written as a title, before a name that is no country's and no
/// organisation's: "The MS Society" (multiple sclerosis, "MS" in capitals) is a charity, "Ms.
/// Marvel" tagged ORG a series apart from Marvel the company, "the Dem. Rep. Congo" ("Rep." for
/// Republic) a country and "Mr. Cooper Group" a company. Each was a person ("Society",
/// "Marvel" joined to the company, "Congo", "Cooper Group").
#[test]
fn a_title_makes_no_person_of_a_charity_a_series_a_country_or_a_company() {
    let text = "The MS Society said funding had fallen. Ms. Marvel drew 10 million viewers, \
                Marvel Studios said. Marvel shares rose. Aid reached the Dem. Rep. Congo on \
                Friday. Mr. Cooper Group reported higher profits.";
    let tags = [
        ("MS Society", "ORG"),
        ("Ms. Marvel", "ORG"),
        ("Marvel Studios", "ORG"),
        ("Marvel", "ORG"),
        ("Congo", "LOC"),
        ("Cooper Group", "ORG"),
    ];
    let (_, entities) = tagged_and_merged(text, &tags);
    let label = |i: usize| entities.entity_of(i).label;
    assert_eq!(label(0), EntityLabel::Org, "{entities:?}");
    assert_eq!(entities.entity_of(0).canonical, "MS Society");
    assert_eq!(label(1), EntityLabel::Org, "{entities:?}");
    assert_ne!(entities.entity_of(1).id, entities.entity_of(3).id);
    assert_eq!(label(4), EntityLabel::Loc, "{entities:?}");
    assert!(entities.entity_of(4).country_code.is_some());
    assert_eq!(label(5), EntityLabel::Org, "{entities:?}");
}

/// A list of names and numbers is a table of scores or votes, no ages: the countries of "China,
/// 40, the United States, 39, and Japan, 20" keep their codes and the clubs of "Liverpool, 84,
/// and Arsenal, 82" stay organisations (each was a person); "Harrison Ford, 81, starred" alone
/// is still a person.
#[test]
fn names_and_numbers_in_a_list_are_no_ages() {
    let text = "The gold medal count stood at China, 40, the United States, 39, and Japan, 20. \
                In the final table Liverpool, 84, and Arsenal, 82, were far ahead. Harrison \
                Ford, 81, starred in the film.";
    let tags = [
        ("China", "LOC"),
        ("United States", "LOC"),
        ("Japan", "LOC"),
        ("Liverpool", "ORG"),
        ("Arsenal", "ORG"),
        ("Harrison Ford", "ORG"),
    ];
    let (_, entities) = tagged_and_merged(text, &tags);
    let of = |i: usize| entities.entity_of(i);
    assert_eq!(
        (of(0).label, of(0).country_code),
        (EntityLabel::Loc, Some("CN"))
    );
    assert_eq!(
        (of(1).label, of(1).country_code),
        (EntityLabel::Loc, Some("US"))
    );
    assert_eq!(
        (of(3).label, of(4).label),
        (EntityLabel::Org, EntityLabel::Org)
    );
    assert_eq!(of(5).label, EntityLabel::Per, "{entities:?}");
}

/// An age in apposition marks a person: "Ford, 81," tagged ORG beside "Ford Motor Co." and
/// "Harrison Ford" is the actor (it joined the company as its short name); a list of scores
/// ("Ford, 81, Toyota, 79") says nothing of people.
#[test]
fn an_age_after_a_name_makes_it_a_person() {
    let text = "Ford Motor Co. said on Monday it would recall 90,000 trucks. Harrison Ford \
                attended a premiere in Los Angeles. Ford, 81, said he had never driven one. \
                Ratings: Ford, 81, Toyota, 79.";
    let mentions = vec![
        mention_at(text, "Ford Motor Co.", 0, "ORG"),
        mention_at(text, "Harrison Ford", 0, "PER"),
        mention_at(text, "Los Angeles", 0, "LOC"),
        mention_at(text, "Ford", 2, "ORG"),
        mention_at(text, "Ford", 3, "ORG"),
        mention_at(text, "Toyota", 0, "ORG"),
    ];
    let entities = merged(&document(text), &mentions);
    let [company, actor, aged, rated] = [0, 1, 3, 4].map(|i| entities.entity_of(i));
    assert_eq!(aged.id, actor.id, "{entities:?}");
    assert_eq!(actor.label, EntityLabel::Per);
    assert_eq!(actor.key.as_deref(), Some("harrison ford"));
    assert_eq!(rated.id, company.id, "a score is no age");
    // Tagged PER, the aged "Ford" was nobody's, marked ambiguous, as the company's short name.
    let mentions = vec![
        mention_at(text, "Ford Motor Co.", 0, "ORG"),
        mention_at(text, "Harrison Ford", 0, "PER"),
        mention_at(text, "Ford", 2, "PER"),
    ];
    assert_same_sure_entity(&merged(&document(text), &mentions), 1, 2);
}

/// "Korea" alone stands for the one Korea the article names ("South Korea": KR), and for none
/// beside both or neither; "the South" and "the North" are the Koreas where the article names
/// both, and a place of their own where it names one ("builds cars in the South"). "Korea" got no
/// code and "the South" was an entity "South".
#[test]
fn korea_and_the_south_follow_the_countries_the_article_names() {
    let with_title = |title: &str, text: &str| {
        Document::new(
            "test".into(),
            title.into(),
            text.into(),
            &clean::clean(text),
        )
    };
    // A headline's "Korea" over an article on South Korea.
    let doc = with_title(
        "Korea exports rise",
        "South Korea's exports rose 5 percent in May, officials in Seoul said.",
    );
    let mentions = vec![
        mention_at(&doc.text, "Korea", 0, "LOC"),
        mention_at(&doc.text, "South Korea", 0, "LOC"),
        mention_at(&doc.text, "Seoul", 0, "LOC"),
    ];
    let entities = merged(&doc, &mentions);
    assert_eq!(
        entities.entity_of(0).country_code,
        Some("KR"),
        "{entities:?}"
    );
    assert_eq!(entities.entity_of(0).id, entities.entity_of(1).id);
    assert_eq!(entities.entity_of(0).canonical, "South Korea");
    // Both Koreas: "Korea" is the peninsula, "the South" and "the North" the two countries.
    let doc = with_title(
        "Korea talks stall",
        "South Korea and North Korea failed to agree on Friday. The South had proposed \
         October, but the North refused.",
    );
    let mentions = vec![
        mention_at(&doc.text, "Korea", 0, "LOC"),
        mention_at(&doc.text, "South Korea", 0, "LOC"),
        mention_at(&doc.text, "North Korea", 0, "LOC"),
        mention_at(&doc.text, "South", 1, "LOC"),
        mention_at(&doc.text, "North", 1, "LOC"),
    ];
    let entities = merged(&doc, &mentions);
    let code = |i: usize| entities.entity_of(i).country_code;
    assert_eq!(code(0), None, "{entities:?}");
    assert_eq!((code(3), code(4)), (Some("KR"), Some("KP")));
    assert_eq!(entities.entity_of(3).id, entities.entity_of(1).id);
    assert_eq!(entities.entity_of(4).id, entities.entity_of(2).id);
    assert_eq!(entities.entities.len(), 3, "{entities:?}");
    // One Korea named: "the South" is the American South, no country.
    let text = "Hyundai, the South Korean carmaker, builds cars in the South.";
    let mentions = vec![
        mention_at(text, "Hyundai", 0, "ORG"),
        mention_at(text, "South Korean", 0, "MISC"),
        mention_at(text, "South", 1, "LOC"),
    ];
    let entities = merge(&document(text), &mentions);
    assert_eq!(entities.entity_of(1).country_code, Some("KR"));
    assert_eq!(entities.entity_of(2).country_code, None);
    // Another country in the sentence: "the South" is the American South, though the article
    // names both Koreas (it was South Korea), and so is "the North" after it (North Korea).
    let text = "South Korea and North Korea met on Monday. Meanwhile in the United States, \
                farmers across the South said the drought had cut yields. The North rejected it.";
    let places = [
        "South Korea",
        "North Korea",
        "United States",
        "South",
        "North",
    ];
    let (_, entities) = tagged_and_merged(text, &places.map(|place| (place, "LOC")));
    assert_eq!(entities.entity_of(3).country_code, None, "{entities:?}");
    assert_eq!(entities.entity_of(4).country_code, None, "{entities:?}");
    // A history: "Korea" beside "the Korean War" is the land, no code (it was South Korea).
    let text = "South Korea's exports rose in May. The Korean War ended in an armistice in \
                1953, and Korea remains divided, historians said.";
    let mentions = vec![
        mention_at(text, "South Korea", 0, "LOC"),
        mention_at(text, "Korean War", 0, "MISC"),
        mention_at(text, "Korea", 2, "LOC"),
    ];
    let entities = merged(&document(text), &mentions);
    assert_eq!(entities.entity_of(2).country_code, None, "{entities:?}");
    // Neither named: "Korea" has no code.
    let text = "Exports from Korea rose.";
    let entities = merge(&document(text), &[mention_at(text, "Korea", 0, "LOC")]);
    assert_eq!(entities.entity_of(0).country_code, None);
}

/// A surname modifying a role a person and a firm alike have is either's where the article
/// names both: "A Johnson spokesman" beside Boris Johnson and Johnson & Johnson is nobody's,
/// marked ambiguous (it was Boris Johnson's). Beside Boris Johnson alone it is his.
#[test]
fn a_surname_before_a_role_is_nobodys_beside_a_person_and_a_firm_of_that_name() {
    let text = "Prime Minister Boris Johnson visited a vaccine plant. Johnson & Johnson said it \
                would deliver 20 million doses. A Johnson spokesman said the prime minister was \
                pleased. Johnson said the rollout was on track.";
    let mentions = vec![
        mention_at(text, "Boris Johnson", 0, "PER"),
        mention_at(text, "Johnson & Johnson", 0, "ORG"),
        mention_at(text, "Johnson", 3, "PER"),
        mention_at(text, "Johnson", 4, "PER"),
    ];
    let entities = merged(&document(text), &mentions);
    let [boris, firm, spokesman, said] = [0, 1, 2, 3].map(|i| entities.entity_of(i));
    assert_ne!(spokesman.id, boris.id, "{entities:?}");
    assert_ne!(spokesman.id, firm.id);
    assert!(spokesman.ambiguous && spokesman.key.is_none());
    assert_eq!(
        said.id, boris.id,
        "\"Johnson said\" is the person, as tagged"
    );
    // Without the firm, the spokesman is Boris Johnson's.
    let text = "Prime Minister Boris Johnson visited a vaccine plant. A Johnson spokesman said \
                he was pleased.";
    let mentions = vec![
        mention_at(text, "Boris Johnson", 0, "PER"),
        mention_at(text, "Johnson", 1, "PER"),
    ];
    assert_same_sure_entity(&merged(&document(text), &mentions), 0, 1);
}

/// The model's "Johnson" (PER) and "& Johnson" (ORG) of "Johnson & Johnson" are the firm's one
/// mention: they were Boris Johnson and an organisation "& Johnson".
#[test]
fn a_firm_cut_before_its_ampersand_is_one_mention() {
    let text = "Boris Johnson spoke. Johnson & Johnson said it would deliver doses.";
    let doc = document(text);
    let mentions = vec![
        mention_at(text, "Boris Johnson", 0, "PER"),
        mention_at(text, "Johnson", 1, "PER"),
        mention_at(text, "& Johnson", 0, "ORG"),
    ];
    let mentions = name_mentions(&doc, mentions);
    let named: Vec<(&str, EntityLabel)> = mentions
        .iter()
        .map(|m| (&text[m.span.range()], m.label))
        .collect();
    assert_eq!(
        named,
        [
            ("Boris Johnson", EntityLabel::Per),
            ("Johnson & Johnson", EntityLabel::Org)
        ]
    );
}

/// The MEK keys `mek` in every article, whichever of its names the article used first (it keyed
/// `mek` after "Mujahedin-e Khalq (MEK)", `pmoi` after "… of Iran (PMOI)" and "PMOI/MEK", and its
/// whole name where the article used no acronym), and its names in one article are one entity,
/// defined or not.
#[test]
fn an_organisation_of_several_names_has_one_key_in_every_article() {
    let articles: [(&str, &[(&str, &str)]); 6] = [
        (
            "Mujahedin-e Khalq (MEK) members rallied. The MEK said so.",
            &[("Mujahedin-e Khalq", "ORG"), ("MEK", "ORG")],
        ),
        (
            "The People's Mojahedin Organization of Iran (PMOI) rallied. The PMOI said so.",
            &[
                ("People's Mojahedin Organization of Iran", "ORG"),
                ("PMOI", "ORG"),
            ],
        ),
        ("Reported by PMOI/MEK", &[("PMOI/MEK", "ORG")]),
        ("The MEK rallied in Berlin.", &[("MEK", "ORG")]),
        (
            "The People's Mojahedin Organization of Iran rallied.",
            &[("People's Mojahedin Organization of Iran", "ORG")],
        ),
        (
            "Mujahedin-e Khalq members rallied. The PMOI said thousands came.",
            &[("Mujahedin-e Khalq", "ORG"), ("PMOI", "ORG")],
        ),
    ];
    for (text, tags) in articles {
        let (_, entities) = tagged_and_merged(text, tags);
        assert_eq!(entities.entities.len(), 1, "{text}: {entities:?}");
        assert_eq!(entities.entities[0].key.as_deref(), Some("mek"), "{text}");
    }
    // The NCRI is another organisation.
    let text = "The National Council of Resistance of Iran (NCRI) met.";
    let (_, entities) =
        tagged_and_merged(text, &[("National Council of Resistance of Iran", "ORG")]);
    assert_eq!(entities.entities[0].key.as_deref(), Some("ncri"));
}

/// A list of people with their ages makes each listed name a person, the first one too: "Ford,
/// 45, Hale, 52, and Moss, 61, were charged" beside Lena Ford, Tom Hale, Rita Moss and Ford
/// Motor Co. is Lena Ford, though the model tagged it ORG (it joined the company, as the list
/// rule kept any age from it). A table of scores beside it stays one ("Ford, 81, Toyota, 79"
/// is Ford Motor Co.'s), and a list whose names are full names with known given names is of
/// people whatever they were tagged.
#[test]
fn a_list_of_people_with_their_ages_makes_each_a_person() {
    let text = "Ford Motor Co. said three former managers had been arrested. Lena Ford, Tom \
                Hale and Rita Moss ran its purchasing office. Ford, 45, Hale, 52, and Moss, 61, \
                were charged with fraud. Ford shares fell. Ratings: Ford, 81, Toyota, 79.";
    let mentions = vec![
        mention_at(text, "Ford Motor Co.", 0, "ORG"),
        mention_at(text, "Lena Ford", 0, "PER"),
        mention_at(text, "Tom Hale", 0, "PER"),
        mention_at(text, "Rita Moss", 0, "PER"),
        mention_at(text, "Ford", 2, "ORG"),
        mention_at(text, "Hale", 1, "PER"),
        mention_at(text, "Moss", 1, "PER"),
        mention_at(text, "Ford", 3, "ORG"),
        mention_at(text, "Ford", 4, "ORG"),
        mention_at(text, "Toyota", 0, "ORG"),
    ];
    let entities = merged(&document(text), &mentions);
    let of = |i: usize| entities.entity_of(i);
    assert_same_sure_entity(&entities, 1, 4);
    assert_eq!(of(1).label, EntityLabel::Per);
    assert_same_sure_entity(&entities, 2, 5);
    assert_same_sure_entity(&entities, 3, 6);
    assert_eq!(of(7).id, of(0).id, "Ford shares: the company");
    assert_eq!(of(8).id, of(0).id, "a score is no age: {entities:?}");
    // Full names with given names, tagged ORG: people all the same.
    let text = "Harrison Ford, 81, Mark Hamill, 72, and Anthony Daniels, 77, signed posters.";
    let (_, entities) = tagged_and_merged(
        text,
        &[
            ("Harrison Ford", "ORG"),
            ("Mark Hamill", "PER"),
            ("Anthony Daniels", "ORG"),
        ],
    );
    let labels: Vec<EntityLabel> = entities.entities.iter().map(|e| e.label).collect();
    assert_eq!(labels, [EntityLabel::Per; 3], "{entities:?}");
}

/// A place with a distance after a list of people with their ages stays a place (session 56's
/// review: "Boston, 40 miles away" was made a person, as any mention a number from 1 to 120
/// followed in a list of people was); so does a place the list itself holds.
#[test]
fn a_place_beside_a_list_of_people_with_ages_stays_a_place() {
    let text = "Lena Ford, 45, and Tom Hale, 52, were flown to Boston, 40 miles away. Anna Berg, \
                34, Paul Stone, 61, and Springfield, 12, were named.";
    let (_, entities) = tagged_and_merged(
        text,
        &[
            ("Lena Ford", "PER"),
            ("Tom Hale", "PER"),
            ("Boston", "LOC"),
            ("Anna Berg", "PER"),
            ("Paul Stone", "PER"),
            ("Springfield", "LOC"),
        ],
    );
    let label_of = |name: &str| {
        let entity = entities.entities.iter().find(|e| e.canonical == name);
        entity.map(|e| e.label)
    };
    assert_eq!(label_of("Boston"), Some(EntityLabel::Loc), "{entities:?}");
    assert_eq!(
        label_of("Springfield"),
        Some(EntityLabel::Loc),
        "{entities:?}"
    );
    assert_eq!(label_of("Tom Hale"), Some(EntityLabel::Per), "{entities:?}");
}

/// A one-word name that a word only firms take follows ("Dell shares", "Dell stock") is the
/// firm, not the person of that surname, though the article never writes the firm's registered
/// name: an organisation "Dell" keyed `dell` beside Michael Dell, whose "Dell said" (tagged ORG)
/// stays his (the firm's mentions joined him, and he voted ORG). Tagged PER ("Dell shares his
/// view") or possessive ("Dell's shares") it stays the person's, and without a person of that
/// name the firm's mentions are one entity with its other mentions, as before.
#[test]
fn a_firm_named_like_a_person_is_the_firm_without_its_registered_name() {
    let text = "Michael Dell told analysts that demand was strong. \"We are only at the start,\" \
                Dell said. Dell shares rose 4 percent, and Dell stock has doubled this year. \
                Dell shares his view. Dell's shares are in a trust.";
    let mentions = vec![
        mention_at(text, "Michael Dell", 0, "PER"),
        mention_at(text, "Dell", 1, "ORG"),
        mention_at(text, "Dell", 2, "ORG"),
        mention_at(text, "Dell", 3, "MISC"),
        mention_at(text, "Dell", 4, "PER"),
        mention_at(text, "Dell's", 0, "ORG"),
    ];
    let entities = merged(&document(text), &mentions);
    let [michael, said, shares, stock, view, own] =
        [0, 1, 2, 3, 4, 5].map(|i| entities.entity_of(i));
    assert_eq!(michael.label, EntityLabel::Per, "{entities:?}");
    assert_eq!(said.id, michael.id);
    assert_eq!(view.id, michael.id);
    assert_eq!(own.id, michael.id);
    assert_eq!(shares.id, stock.id);
    assert_ne!(shares.id, michael.id);
    assert_eq!(
        (shares.label, shares.key.as_deref(), shares.ambiguous),
        (EntityLabel::Org, Some("dell"), false)
    );
    // No person named Dell: the firm's mentions are one.
    let text = "Dell said demand was strong. Dell shares rose.";
    let (_, entities) = tagged_and_merged(text, &[("Dell", "ORG")]);
    assert_eq!(entities.entities.len(), 1, "{entities:?}");
}

/// A firm's name that is the surname of a person of the article, as the speaker of a verb of
/// saying, is told by its clause: "Dell said it would cut 500 jobs" and "Dell said in a
/// statement" (tagged ORG) are the firm, "Dell said he would step down" Michael Dell however
/// tagged, with or without the firm's registered name beside them. Nothing said, the label
/// decides as before: "“…,” Dell said" (ORG) stays his without a registered name, and "Dell
/// said it was time" tagged PER stays his. (All of them went to Michael Dell without "Dell
/// Technologies Inc."; beside it, "Dell said he" went to the company.)
#[test]
fn a_firms_name_as_a_speaker_is_told_by_what_it_says() {
    let text = "Michael Dell founded the company in 1984. Dell said it would cut 500 jobs. Dell \
                said in a statement that sales rose. Dell said he would step down in May. \
                \"We are only at the start,\" Dell said. Dell said it was time for a change.";
    let mentions = vec![
        mention_at(text, "Michael Dell", 0, "PER"),
        mention_at(text, "Dell", 1, "ORG"),
        mention_at(text, "Dell", 2, "ORG"),
        mention_at(text, "Dell", 3, "ORG"),
        mention_at(text, "Dell", 4, "ORG"),
        mention_at(text, "Dell", 5, "PER"),
    ];
    let entities = merged(&document(text), &mentions);
    let [michael, jobs, statement, he, quoted, time] =
        [0, 1, 2, 3, 4, 5].map(|i| entities.entity_of(i));
    assert_eq!(jobs.id, statement.id, "{entities:?}");
    assert_ne!(jobs.id, michael.id, "{entities:?}");
    assert_eq!(
        (jobs.label, jobs.key.as_deref(), jobs.ambiguous),
        (EntityLabel::Org, Some("dell"), false)
    );
    for person in [he, quoted, time] {
        assert_eq!(person.id, michael.id, "{entities:?}");
    }
    assert_eq!(michael.label, EntityLabel::Per, "{entities:?}");
    // Beside the registered name: "Dell said he" (ORG) is the man, "Dell said it" the company.
    let text = "Dell Technologies Inc. reported higher sales. Michael Dell, its founder, spoke \
                to analysts. Dell said he would step down. Dell said it would hire 500 people.";
    let mentions = vec![
        mention_at(text, "Dell Technologies Inc.", 0, "ORG"),
        mention_at(text, "Michael Dell", 0, "PER"),
        mention_at(text, "Dell", 2, "ORG"),
        mention_at(text, "Dell", 3, "ORG"),
    ];
    let entities = merged(&document(text), &mentions);
    let [company, michael, he, it] = [0, 1, 2, 3].map(|i| entities.entity_of(i));
    assert_eq!(he.id, michael.id, "{entities:?}");
    assert_eq!(it.id, company.id, "{entities:?}");
    assert_eq!(
        (michael.label, company.label),
        (EntityLabel::Per, EntityLabel::Org)
    );
}

/// The clause is read past words before the verb ("Dell also said it would …" is the firm), and
/// an empty "it" tells nothing ("Dell said it was an honour to serve", tagged ORG, stays Michael
/// Dell's as "“…,” Dell said" does). Both went the other way before.
#[test]
fn a_firms_name_is_read_past_also_and_not_by_an_empty_it() {
    let text = "Michael Dell founded the company in 1984. Dell also said it would cut 500 jobs. \
                Dell said in a statement that sales rose. Dell said it was an honour to serve.";
    let mentions = vec![
        mention_at(text, "Michael Dell", 0, "PER"),
        mention_at(text, "Dell", 1, "ORG"),
        mention_at(text, "Dell", 2, "ORG"),
        mention_at(text, "Dell", 3, "ORG"),
    ];
    let entities = merged(&document(text), &mentions);
    let [michael, also, statement, honour] = [0, 1, 2, 3].map(|i| entities.entity_of(i));
    assert_eq!(also.id, statement.id, "{entities:?}");
    assert_eq!(also.label, EntityLabel::Org, "{entities:?}");
    assert_eq!(honour.id, michael.id, "{entities:?}");
    assert_eq!(michael.label, EntityLabel::Per, "{entities:?}");
}

/// A surname the model cut off the front of a firm's registered name is the firm's:
/// "Johnson" (PER) and "Controls International plc" (ORG) are "Johnson Controls International
/// plc", no part of Mark Johnson beside it (it was his, and the firm lost its first word); his
/// possessive before a firm's name stays his.
#[test]
fn a_surname_cut_off_a_firms_registered_name_is_the_firms() {
    let text = "Mark Johnson welcomed the plant. Johnson Controls International plc will hire 300 \
                workers. Johnson said he was pleased. Mark Johnson's Acme Holdings Inc. grew.";
    let entities = prepared_and_merged(
        text,
        &[
            ("Mark Johnson", "PER"),
            ("Controls International plc", "ORG"),
            ("Acme Holdings Inc.", "ORG"),
            ("Johnson", "PER"),
        ],
    );
    let named = |canonical: &str| {
        let found = entities.entities.iter().find(|e| e.canonical == canonical);
        found.unwrap_or_else(|| panic!("no {canonical}: {entities:?}"))
    };
    let firm = named("Johnson Controls International plc");
    assert_eq!(firm.label, EntityLabel::Org);
    assert_eq!(firm.key.as_deref(), Some("johnson controls international"));
    let mark = named("Mark Johnson");
    assert_eq!(mark.mentions.len(), 3, "{entities:?}");
    assert_eq!(named("Acme Holdings Inc.").mentions.len(), 1);
    // Two names stay two: a first part ending in a dot, a nationality (however tagged), a
    // first part not tagged a person, a rest without a legal form only a firm takes. (All
    // were joined into one firm's name.)
    for (text, tags) in [
        (
            "Sales in the U.S. Ford Motor Co. said rose.",
            [("U.S.", "PER"), ("Ford Motor Co.", "ORG")],
        ),
        (
            "It was sold to Bosch Corp. Hitachi Ltd. declined to comment.",
            [("Bosch Corp.", "PER"), ("Hitachi Ltd.", "ORG")],
        ),
        (
            "The Israeli Elbit Systems Ltd. won the tender.",
            [("Israeli", "PER"), ("Elbit Systems Ltd.", "ORG")],
        ),
        (
            "Rival British BAE Systems plc lost the tender.",
            [("British", "PER"), ("BAE Systems plc", "ORG")],
        ),
        (
            "The German Siemens AG bid too.",
            [("German", "MISC"), ("Siemens AG", "ORG")],
        ),
        (
            "Shares of Tata Motors Ltd. rose.",
            [("Tata", "ORG"), ("Motors Ltd.", "ORG")],
        ),
        (
            "Johnson Controls Group will hire 300 workers.",
            [("Johnson", "PER"), ("Controls Group", "ORG")],
        ),
    ] {
        let entities = prepared_and_merged(text, &tags);
        let whole = tags.map(|(name, _)| name).join(" ");
        let joined = entities.entities.iter().any(|e| e.canonical == whole);
        assert!(!joined, "{text}: {entities:?}");
    }
}

/// A demonym the model tagged PER is its country where it names no person: "Kosovar" of
/// "Kosovar analysts said" is Kosovo (it was a person "Kosovar"); "French" beside Dawn French
/// and a titled "Mr. German" stay people.
#[test]
fn a_demonym_tagged_a_person_is_its_country_unless_a_person_bears_it() {
    let text = "Drita Krasniqi left the party. Kosovar analysts said the split could bring \
                down the coalition. Kosovo votes in May. Dawn French spoke. French said so. \
                Mr. German agreed.";
    let mentions = vec![
        mention_at(text, "Drita Krasniqi", 0, "PER"),
        mention_at(text, "Kosovar", 0, "PER"),
        mention_at(text, "Kosovo", 0, "LOC"),
        mention_at(text, "Dawn French", 0, "PER"),
        mention_at(text, "French", 1, "PER"),
        mention_at(text, "German", 0, "PER"),
    ];
    let entities = merged(&document(text), &mentions);
    let [_, kosovar, kosovo, dawn, french, german] =
        [0, 1, 2, 3, 4, 5].map(|i| entities.entity_of(i));
    assert_eq!(kosovar.id, kosovo.id, "{entities:?}");
    assert_eq!(kosovo.country_code, Some("XK"));
    assert_eq!(french.id, dawn.id, "{entities:?}");
    assert_eq!(
        (german.label, german.country_code),
        (EntityLabel::Per, None)
    );
    // A person the clause after a verb of saying, or a determiner before, says it is stays a
    // person. (All three became their countries.)
    let text = "Israel opened the trial. The Israeli said he was innocent. France won. French \
                said she was delighted. America voted. Later an American was arrested.";
    let mentions = vec![
        mention_at(text, "Israel", 0, "LOC"),
        mention_at(text, "Israeli", 0, "PER"),
        mention_at(text, "France", 0, "LOC"),
        mention_at(text, "French", 0, "PER"),
        mention_at(text, "America", 0, "LOC"),
        mention_at(text, "American", 0, "PER"),
    ];
    let entities = merged(&document(text), &mentions);
    for (country, person) in [(0, 1), (2, 3), (4, 5)] {
        let (country, person) = (entities.entity_of(country), entities.entity_of(person));
        assert_ne!(country.id, person.id, "{entities:?}");
        assert_eq!(person.label, EntityLabel::Per, "{entities:?}");
    }
    crate::lexicon::check_lists(&[("person_determiners", super::person_determiners())], true);
}

/// "A Johnson spokesman" is nobody's beside Boris Johnson and a firm of his name that the model
/// tagged a place, "Johnson & Johnson" (made ORG as the firm it is) or "Johnson Controls plc"
/// (it was Boris Johnson's), but his beside a place of his name ("Johnson City").
#[test]
fn a_surname_before_a_role_is_nobodys_beside_a_firm_tagged_a_place() {
    let text = "Boris Johnson visited a vaccine plant. Workers at Johnson & Johnson in New \
                Brunswick packed doses. A Johnson spokesman said the deliveries were on time.";
    let entities = prepared_and_merged(
        text,
        &[
            ("Boris Johnson", "PER"),
            ("Johnson & Johnson", "LOC"),
            ("New Brunswick", "LOC"),
            ("Johnson", "PER"),
        ],
    );
    let spokesman = entities.entity_of(3);
    assert_ne!(spokesman.id, entities.entity_of(0).id, "{entities:?}");
    assert!(spokesman.ambiguous && spokesman.key.is_none());
    assert_eq!(entities.entity_of(1).label, EntityLabel::Org);
    let text = "Boris Johnson toured a plant. Johnson Controls plc said it would hire 500 \
                workers. A Johnson spokesman said the jobs were secure.";
    let (_, entities) = tagged_and_merged(
        text,
        &[
            ("Boris Johnson", "PER"),
            ("Johnson Controls plc", "LOC"),
            ("Johnson", "PER"),
        ],
    );
    let spokesman = entities.entity_of(2);
    assert_ne!(spokesman.id, entities.entity_of(0).id, "{entities:?}");
    assert!(spokesman.ambiguous, "{entities:?}");
    let text = "Boris Johnson met executives in Johnson City on Monday. A Johnson spokesman said \
                the talks went well.";
    let (_, entities) = tagged_and_merged(
        text,
        &[
            ("Boris Johnson", "PER"),
            ("Johnson City", "LOC"),
            ("Johnson", "PER"),
        ],
    );
    assert_same_sure_entity(&entities, 0, 2);
}

/// A no-break space (U+00A0) between a mention and the word beside it reads as a space, for
/// every rule that reads that word: the role of "A Johnson\u{a0}spokesman" (it was Boris
/// Johnson's), the organisation's word of "Mr. Cooper\u{a0}Group" (it was a person), the "the"
/// of "The\u{a0}South" (no country), and the honorific of "Mrs.\u{a0}Parker" (ambiguous).
#[test]
fn a_no_break_space_beside_a_mention_reads_as_a_space() {
    let text = "Boris Johnson spoke. Johnson & Johnson said it would deliver doses. A \
                Johnson\u{a0}spokesman said so.";
    let (_, entities) = tagged_and_merged(
        text,
        &[
            ("Boris Johnson", "PER"),
            ("Johnson & Johnson", "ORG"),
            ("Johnson", "PER"),
        ],
    );
    assert!(entities.entity_of(2).ambiguous, "{entities:?}");
    let text = "Mr. Cooper\u{a0}Group reported higher profits.";
    let (_, entities) = tagged_and_merged(text, &[("Cooper", "ORG")]);
    assert_eq!(
        entities.entity_of(0).label,
        EntityLabel::Org,
        "{entities:?}"
    );
    let text = "South Korea and North Korea failed to agree. The\u{a0}South had proposed October.";
    let (_, entities) = tagged_and_merged(
        text,
        &[
            ("South Korea", "LOC"),
            ("North Korea", "LOC"),
            ("South", "LOC"),
        ],
    );
    assert_eq!(
        entities.entity_of(2).country_code,
        Some("KR"),
        "{entities:?}"
    );
    let text = "John Parker and Mary Parker lost their home. Mrs.\u{a0}Parker said so.";
    let (_, entities) = tagged_and_merged(
        text,
        &[
            ("John Parker", "PER"),
            ("Mary Parker", "PER"),
            ("Parker", "PER"),
        ],
    );
    assert_same_sure_entity(&entities, 1, 2);
}
