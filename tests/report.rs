//! `whosaid report`, tested as a reader sees it: runs `extract` with the shipped model, writes
//! the report, parses every page with an HTML parser (scraper, html5ever underneath) and checks
//! that what is highlighted and quoted is exactly what the CSVs say, at the CSVs' offsets; that
//! hostile ids, titles, names, texts and URLs come out as text; and what the command refuses.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use scraper::{ElementRef, Html, Selector};
use whosaid::input::FieldNames;
use whosaid::pipeline::extract;
use whosaid::report::{build, ReportOptions, ReportSummary};

mod common;
use common::{options, read_csv, root, sample_inputs};

/// Runs extract with the shipped model (real entities and quotes to show).
fn run_extract(inputs: Vec<PathBuf>, out: &Path) {
    extract(&options(inputs, out, root().join("models/ner-en"))).unwrap();
}

fn report(out: &Path, html: &Path, inputs: Vec<PathBuf>, max_pages: usize) -> ReportSummary {
    build(&ReportOptions {
        out: out.to_path_buf(),
        html: html.to_path_buf(),
        inputs,
        fields: FieldNames::default(),
        max_pages,
        top: 20,
    })
    .unwrap()
}

/// A page of the report, parsed, and checked to be well-formed HTML.
fn page(path: &Path) -> Html {
    let html = Html::parse_document(&std::fs::read_to_string(path).unwrap());
    assert!(
        html.errors.is_empty(),
        "{}: {:?}",
        path.display(),
        html.errors
    );
    html
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn select<'a>(html: &'a Html, s: &str) -> Vec<ElementRef<'a>> {
    html.select(&sel(s)).collect()
}

fn text(e: &ElementRef) -> String {
    e.text().collect()
}

/// The element's own text, without its children's (a mark's name without its label).
fn own_text(e: &ElementRef) -> String {
    e.children()
        .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
        .collect()
}

/// The file a link on the page at `from` leads to, without its `#fragment`.
fn target(from: &Path, href: &str) -> PathBuf {
    from.parent().unwrap().join(href.split('#').next().unwrap())
}

/// The article text of every id in `inputs`.
fn texts_by_id(inputs: &[PathBuf]) -> HashMap<String, String> {
    whosaid::input::read_inputs(inputs, &Default::default())
        .filter_map(|r| r.ok())
        .map(|a| (a.id, a.text))
        .collect()
}

/// Character ranges covered by each numbered mark (`data-mention`, `data-quote`, `.debris`) of
/// an article's text, and the text itself as a reader reads it (labels and speaker links, which
/// the page adds, left out).
#[derive(Default, Debug)]
struct MarkedText {
    text: String,
    mentions: BTreeMap<usize, Vec<(usize, usize, String)>>,
    quotes: BTreeMap<usize, Vec<(usize, usize, String)>>,
    debris: Vec<(usize, usize, String)>,
}

fn marked_text(html: &Html) -> MarkedText {
    marked_in(html, "div#text")
}

/// [`marked_text`] of the element `selector` finds: `div#text`, or `div#headline`, the title
/// analysed apart from the text.
fn marked_in(html: &Html, selector: &str) -> MarkedText {
    let div = select(html, selector).pop().expect("the article's text");
    let mut m = MarkedText::default();
    let mut at = 0;
    for node in div.descendants() {
        let Some(t) = node.value().as_text() else {
            continue;
        };
        let ancestors: Vec<ElementRef> = node.ancestors().filter_map(ElementRef::wrap).collect();
        let added = ancestors.iter().any(|a| {
            let classes: Vec<&str> = a.value().classes().collect();
            classes.contains(&"ent-label") || classes.contains(&"said-by")
        });
        if added {
            continue;
        }
        let len = t.chars().count();
        let piece = (at, at + len, t.to_string());
        for a in &ancestors {
            let v = a.value();
            if let Some(n) = v.attr("data-mention") {
                m.mentions
                    .entry(n.parse().unwrap())
                    .or_default()
                    .push(piece.clone());
            } else if let Some(n) = v.attr("data-quote") {
                m.quotes
                    .entry(n.parse().unwrap())
                    .or_default()
                    .push(piece.clone());
            } else if v.classes().any(|c| c == "debris") {
                m.debris.push(piece.clone());
            }
        }
        m.text.push_str(t);
        at += len;
    }
    m
}

/// Joins the pieces of one mark: they must follow each other, and give (start, end, text).
fn joined(pieces: &[(usize, usize, String)]) -> (usize, usize, String) {
    for w in pieces.windows(2) {
        assert_eq!(
            w[0].1, w[1].0,
            "pieces of one mark must be contiguous: {pieces:?}"
        );
    }
    let text = pieces.iter().map(|p| p.2.as_str()).collect();
    (pieces[0].0, pieces.last().unwrap().1, text)
}

/// The start, end and text columns of a CSV row, from column `at` on.
fn span_in(row: &csv::StringRecord, at: usize) -> (usize, usize, String) {
    let n = |i: usize| row[i].parse().unwrap();
    (n(at), n(at + 1), row[at + 2].to_string())
}

/// What a CSV's text column says of the characters `start..end` of `text`, shown on the page as
/// `shown`: the text there with its HTML tags taken out (`whosaid::markup::text_without_tags`).
fn column_text(text: &str, start: usize, end: usize, shown: &str) -> String {
    let offsets = whosaid::span::CharOffsets::new(text);
    let (a, b) = (
        offsets.byte_of(start).unwrap(),
        offsets.byte_of(end).unwrap(),
    );
    assert_eq!(&text[a..b], shown, "the page shows the text at the offsets");
    whosaid::markup::text_without_tags(text, a..b).into_owned()
}

/// Article pages by article id, found through the index's links.
fn article_pages(report: &Path) -> HashMap<String, PathBuf> {
    let index = page(&report.join("index.html"));
    let ids = sel("span.meta");
    select(&index, "table#articles tr")
        .into_iter()
        .skip(1)
        .map(|row| {
            let a = row.select(&sel("a")).next().unwrap();
            let id = text(&row.select(&ids).next().unwrap());
            (id, report.join(a.value().attr("href").unwrap()))
        })
        .collect()
}

/// Checks one article page against the run's rows of that article and the input text.
fn check_article_page(path: &Path, id: &str, out: &Path, input_text: &str) {
    let html = page(path);
    let m = marked_text(&html);
    assert_eq!(m.text, input_text, "{id}: the page's text is the input's");

    let mentions: Vec<csv::StringRecord> = read_csv(&out.join("mentions.csv"))
        .into_iter()
        .filter(|r| &r[0] == id)
        .collect();
    assert_eq!(
        m.mentions.len(),
        mentions.len(),
        "{id}: one highlight per mention row"
    );
    let marks: Vec<ElementRef> = select(&html, "mark[data-mention]");
    for (i, row) in mentions.iter().enumerate() {
        let (start, end, shown) = joined(&m.mentions[&i]);
        let shown = column_text(input_text, start, end, &shown);
        assert_eq!((start, end, shown), span_in(row, 1), "{id}: mention {i}");
        let pieces: Vec<&ElementRef> = marks
            .iter()
            .filter(|e| e.value().attr("data-mention") == Some(&i.to_string()))
            .collect();
        let last = pieces.last().unwrap();
        let label = last
            .select(&sel("span.ent-label"))
            .next()
            .expect("label after the span");
        assert_eq!(text(&label), &row[4], "{id}: mention {i}'s label");
        assert_eq!(last.value().attr("data-label"), Some(&row[4]));
    }

    let quotes: Vec<csv::StringRecord> = read_csv(&out.join("quotes.csv"))
        .into_iter()
        .filter(|r| &r[0] == id)
        .collect();
    assert_eq!(m.quotes.len(), quotes.len(), "{id}: one mark per quote row");
    for row in &quotes {
        let n: usize = row[1].parse().unwrap();
        let (start, end, shown) = joined(&m.quotes[&n]);
        let shown = column_text(input_text, start, end, &shown);
        assert_eq!((start, end, shown), span_in(row, 3), "{id}: quote {n}");
        let first = select(&html, &format!("span.quote[data-quote=\"{n}\"]"))[0];
        let hover = first.value().attr("title").unwrap();
        assert!(
            hover.contains(&row[6]),
            "{id}: quote {n}'s hover names the cue: {hover}"
        );
        let speaker = if row[13].is_empty() {
            &row[11]
        } else {
            &row[13]
        };
        if !speaker.is_empty() {
            assert!(
                hover.contains(speaker),
                "{id}: quote {n}'s hover names {speaker}: {hover}"
            );
        }
        assert_eq!(first.value().id(), Some(format!("q{n}").as_str()));
    }
    // Faded: exactly the characters of the lines cleaning removed.
    let offsets = whosaid::span::CharOffsets::new(input_text);
    let removed: HashSet<usize> = whosaid::clean::clean(input_text)
        .removed
        .iter()
        .flat_map(|(s, _)| offsets.char_of(s.start)..offsets.char_of(s.end))
        .collect();
    let faded: HashSet<usize> = m.debris.iter().flat_map(|(s, e, _)| *s..*e).collect();
    assert_eq!(faded, removed, "{id}: faded text");

    let table: Vec<ElementRef> = select(&html, "table#quotes tr.quote-row");
    assert_eq!(table.len(), quotes.len());
    for (tr, row) in table.iter().zip(&quotes) {
        let cell = |c: &str| text(&tr.select(&sel(c)).next().unwrap());
        assert_eq!(
            (cell("td.quote-text"), cell("td.cue"), cell("td.kind")),
            (row[5].to_string(), row[6].to_string(), row[14].to_string())
        );
    }
}

/// Every link of every page leads to a file of the report or, for articles' URLs, to the web;
/// a link with a `#fragment` leads to the one element of the target page with that id.
fn check_links(report: &Path) {
    let mut ids: HashMap<PathBuf, Vec<String>> = HashMap::new();
    for entry in walk(report) {
        if entry.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = page(&entry);
        for a in select(&html, "a[href]") {
            let href = a.value().attr("href").unwrap();
            if href.starts_with("https://") || href.starts_with("http://") {
                assert!(a.value().classes().count() == 0 && a.value().attr("rel").is_some());
                continue;
            }
            let to = target(&entry, href);
            assert!(to.is_file(), "{}: broken link {href}", entry.display());
            let to = to.canonicalize().unwrap();
            assert!(
                to.starts_with(report.canonicalize().unwrap()),
                "{href} leaves the report"
            );
            if let Some((_, fragment)) = href.split_once('#') {
                let on_page = ids.entry(to.clone()).or_insert_with(|| {
                    select(&page(&to), "[id]")
                        .iter()
                        .map(|e| e.value().id().unwrap().to_string())
                        .collect()
                });
                let found = on_page.iter().filter(|id| *id == fragment).count();
                assert_eq!(
                    found,
                    1,
                    "{}: link {href}: {found} elements with that id",
                    entry.display()
                );
            }
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files.extend(walk(&p));
        } else {
            files.push(p);
        }
    }
    files
}

/// Extracts the sample into `dir/out`; returns it and where its report goes.
fn sample_run(dir: &Path) -> (PathBuf, PathBuf) {
    let out = dir.join("out");
    run_extract(sample_inputs(), &out);
    (out, dir.join("report"))
}

#[test]
fn sample_report_shows_every_row_at_its_offsets() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, html) = sample_run(tmp.path());
    let summary = report(&out, &html, sample_inputs(), 200);
    assert_eq!(
        (summary.articles, summary.article_pages, summary.with_text),
        (7, 7, 7)
    );

    let texts = texts_by_id(&sample_inputs());
    let pages = article_pages(&html);
    assert_eq!(pages.len(), 7);
    for (id, path) in &pages {
        check_article_page(path, id, &out, &texts[id]);
    }
    check_links(&html);

    // The index's totals are the CSVs' row counts.
    let index = page(&html.join("index.html"));
    let totals: HashMap<String, String> = select(&index, "#totals .total")
        .iter()
        .map(|t| {
            let n = text(&t.select(&sel("b")).next().unwrap());
            (text(t).trim_start_matches(&n).to_string(), n)
        })
        .collect();
    let rows = |f: &str| read_csv(&out.join(f)).len().to_string();
    assert_eq!(totals["articles"], rows("articles.csv"));
    assert_eq!(totals["mentions"], rows("mentions.csv"));
    assert_eq!(totals["quotes"], rows("quotes.csv"));
    assert_eq!(totals["entities (per article)"], rows("entities.csv"));
    assert_eq!(totals["errors"], rows("errors.csv"));

    // The bar chart: quotes per speaker as quotes.csv counts them.
    let mut per_speaker: HashMap<String, usize> = HashMap::new();
    for q in read_csv(&out.join("quotes.csv"))
        .iter()
        .filter(|q| !q[12].is_empty())
    {
        *per_speaker.entry(q[13].to_string()).or_default() += 1;
    }
    let bars = select(&index, "#speakers-chart g");
    assert_eq!(bars.len(), per_speaker.len().min(20));
    for bar in bars {
        let title = text(&bar.select(&sel("title")).next().unwrap());
        let (name, n) = title.rsplit_once(": ").unwrap();
        assert_eq!(format!("{} quotes", per_speaker[name]), n, "{name}");
    }
    assert!(
        select(&index, "svg#timeline rect.column").len() >= 2,
        "two dated months"
    );
    check_speaker_pages(&html, &out);
}

/// Two dumps' article `1`, both quoting Joe Biden: his page lists both quotes, each told apart
/// by its article's key. By id and quote number, both were article `1`'s quote 1, one row.
#[test]
fn a_speakers_quotes_of_two_articles_of_one_id_are_each_their_own() {
    let tmp = tempfile::tempdir().unwrap();
    let mut inputs = Vec::new();
    for (dir, said) in [
        ("a", "We will win the vote"),
        ("b", "We will lose the vote"),
    ] {
        std::fs::create_dir_all(tmp.path().join(dir)).unwrap();
        let text = format!("\"{said},\" Joe Biden said in Rome on Monday.");
        let record = serde_json::json!({ "id": "1", "text": text });
        inputs.push(jsonl(&tmp.path().join(dir).join("news.jsonl"), &[record]));
    }
    let out = tmp.path().join("out");
    run_extract(inputs.clone(), &out);
    let html = tmp.path().join("report");
    report(&out, &html, inputs, 200);
    let quotes = read_csv(&out.join("quotes.csv"));
    assert_eq!(quotes.iter().filter(|q| &q[13] == "Joe Biden").count(), 2);
    check_speaker_pages(&html, &out);
}

/// A headline analysed apart from the text (rows of `field` `title`): the report checks those
/// rows against the record's title, so the page still shows the text, marks the text's rows
/// in it and lists the headline's quote in its table. Read as offsets into the text, the
/// headline's rows made the page refuse the text.
#[test]
fn a_headline_apart_from_the_text_keeps_its_page_text() {
    let tmp = tempfile::tempdir().unwrap();
    let text = "The talks in Vienna ended.\n\n“We tried everything,” Pompeo said.";
    let record = serde_json::json!({
        "id": "h", "title": "Pompeo says talks with Iran failed", "text": text
    });
    let inputs = vec![jsonl(&tmp.path().join("news.jsonl"), &[record])];
    let out = tmp.path().join("out");
    run_extract(inputs.clone(), &out);
    let html = tmp.path().join("report");
    let summary = report(&out, &html, inputs, 200);
    assert_eq!((summary.article_pages, summary.with_text), (1, 1));

    let in_text = |path: &str, field: usize| -> Vec<csv::StringRecord> {
        let rows = read_csv(&out.join(path));
        rows.into_iter().filter(|r| &r[field] == "text").collect()
    };
    let quotes = read_csv(&out.join("quotes.csv"));
    assert!(quotes.iter().any(|q| &q[16] == "title"), "{quotes:?}");
    let page = page(&article_pages(&html)["h"]);
    let m = marked_text(&page);
    assert_eq!(m.text, text);
    assert_eq!(m.mentions.len(), in_text("mentions.csv", 8).len());
    assert_eq!(m.quotes.len(), in_text("quotes.csv", 16).len());
    assert_eq!(
        select(&page, "table#quotes tr.quote-row").len(),
        quotes.len()
    );
    check_links(&html);
}

/// The headline analysed apart is drawn above the text with its marks, as the text is: its rows
/// (field `title`) were listed in the tables but marked nowhere on the page. A record of only a
/// headline shows the headline alone.
#[test]
fn a_headline_apart_from_the_text_is_drawn_with_its_marks() {
    let tmp = tempfile::tempdir().unwrap();
    let title = "Pompeo says talks with Iran failed";
    let text = "The talks in Vienna ended.\n\n“We tried everything,” Pompeo said.";
    let records = [
        serde_json::json!({"id": "h", "title": title, "text": text}),
        serde_json::json!({"id": "o", "title": title, "text": ""}),
    ];
    let inputs = vec![jsonl(&tmp.path().join("news.jsonl"), &records)];
    let out = tmp.path().join("out");
    run_extract(inputs.clone(), &out);
    let html = tmp.path().join("report");
    let summary = report(&out, &html, inputs, 200);
    assert_eq!((summary.article_pages, summary.with_text), (2, 2));
    let pages = article_pages(&html);
    for id in ["h", "o"] {
        let page = page(&pages[id]);
        let m = marked_in(&page, "div#headline");
        assert_eq!(m.text, title, "{id}");
        let of = |file: &str| -> Vec<csv::StringRecord> {
            let rows = read_csv(&out.join(file));
            rows.into_iter().filter(|r| &r[0] == id).collect()
        };
        // Each mark is numbered by its row among the article's rows, at the row's offsets.
        let mentions = of("mentions.csv");
        let in_title: Vec<(usize, &csv::StringRecord)> = mentions
            .iter()
            .enumerate()
            .filter(|(_, r)| &r[8] == "title")
            .collect();
        assert!(!in_title.is_empty(), "{id}: {mentions:?}");
        assert_eq!(m.mentions.len(), in_title.len(), "{id}");
        for (i, row) in in_title {
            assert_eq!(
                joined(&m.mentions[&i]),
                span_in(row, 1),
                "{id}: mention {i}"
            );
        }
        let quotes = of("quotes.csv");
        let in_title: Vec<&csv::StringRecord> =
            quotes.iter().filter(|q| &q[16] == "title").collect();
        assert_eq!(in_title.len(), 1, "{id}: {quotes:?}");
        assert_eq!(m.quotes.len(), 1, "{id}");
        let n: usize = in_title[0][1].parse().unwrap();
        assert_eq!(joined(&m.quotes[&n]), span_in(in_title[0], 3), "{id}");
        // A speaker page's link to the quote lands on its mark in the headline.
        let first = select(
            &page,
            &format!("div#headline span.quote[data-quote=\"{n}\"]"),
        )[0];
        assert_eq!(first.value().id(), Some(format!("q{n}").as_str()));
        let text_shown = select(&page, "div#text").len();
        assert_eq!(
            text_shown,
            usize::from(id == "h"),
            "{id}: no text to draw for o"
        );
    }
    check_links(&html);
}

/// Each speaker page lists exactly the quotes.csv rows of that speaker, linked to the quote.
fn check_speaker_pages(report: &Path, out: &Path) {
    let quotes = read_csv(&out.join("quotes.csv"));
    // By article_key and quote_id: ids may repeat in a run.
    let by_id: HashMap<(String, String), &csv::StringRecord> = quotes
        .iter()
        .map(|q| ((q[15].to_string(), q[1].to_string()), q))
        .collect();
    let speaker_pages: Vec<PathBuf> = walk(&report.join("speakers"));
    assert!(!speaker_pages.is_empty());
    let mut listed = HashSet::new();
    for path in speaker_pages {
        let html = page(&path);
        let name = own_text(&select(&html, "h1 mark bdi")[0]);
        let rows = select(&html, "tr.quote-row");
        let of_speaker = quotes
            .iter()
            .filter(|q| !q[12].is_empty() && q[13] == name)
            .count();
        assert_eq!(rows.len(), of_speaker, "{name}");
        for tr in rows {
            let key = (
                tr.value().attr("data-article-key").unwrap().to_string(),
                tr.value().attr("data-quote").unwrap().to_string(),
            );
            let q = by_id[&key];
            assert_eq!(q[13], name, "{name} lists a quote of {}", &q[13]);
            assert_eq!(
                text(&tr.select(&sel("td.quote-text")).next().unwrap()),
                &q[5]
            );
            let href = tr
                .select(&sel("a"))
                .next()
                .unwrap()
                .value()
                .attr("href")
                .unwrap();
            let (_, fragment) = href.split_once('#').unwrap();
            let article = page(&target(&path, href));
            assert_eq!(select(&article, &format!("span.quote#{fragment}")).len(), 1);
            listed.insert(key);
        }
    }
    assert_eq!(
        listed.len(),
        quotes.iter().filter(|q| !q[12].is_empty()).count()
    );
}

/// Writes `records` as a JSON lines input.
fn jsonl(path: &Path, records: &[serde_json::Value]) -> PathBuf {
    let lines: Vec<String> = records.iter().map(|r| r.to_string() + "\n").collect();
    std::fs::write(path, lines.concat()).unwrap();
    path.to_path_buf()
}

/// Nothing on any page runs or loads anything: no script, no embedded element, no event
/// handler attribute, no link that is not a page of the report or a web address.
fn check_inert(report: &Path) {
    for file in walk(report) {
        let name = file
            .strip_prefix(report)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        // Letters and digits of any script, lower-case, with their marks: no `%`, space,
        // control or format character.
        let plain = |c: char| {
            let letter = c.is_alphanumeric() && !c.is_uppercase();
            letter || unicode_normalization::char::is_combining_mark(c) || "-./".contains(c)
        };
        assert!(
            name.chars().all(plain) && name.chars().count() < 80 && name.len() < 255,
            "file name {name:?}"
        );
        if !name.ends_with(".html") {
            continue;
        }
        let html = page(&file);
        for bad in [
            "script", "img", "iframe", "object", "embed", "link", "base", "form",
        ] {
            assert!(select(&html, bad).is_empty(), "{name}: a <{bad}> element");
        }
        for e in select(&html, "*") {
            for (attr, value) in e.value().attrs() {
                assert!(!attr.starts_with("on"), "{name}: {attr}={value:?}");
                assert!(
                    !value.to_lowercase().contains("javascript:") || attr == "title",
                    "{name}: {attr}={value:?}"
                );
            }
        }
        let csp = select(&html, "meta[http-equiv=Content-Security-Policy]");
        assert!(csp[0]
            .value()
            .attr("content")
            .unwrap()
            .contains("default-src 'none'"));
    }
    check_links(report);
}

#[test]
fn hostile_ids_titles_texts_and_urls_render_as_text() {
    let tmp = tempfile::tempdir().unwrap();
    let hostile = "Minister warns of <script>alert(1)</script> attacks\n\n\
        “<img src=x onerror=alert(2)> is not a picture,” said Elena Marković, the minister of \
        Valmora.\n\nMarković said the <a href=\"javascript:alert(3)\">link</a> was harmless \
        and \"><svg onload=alert(5)> too.";
    let long_id = "ж".repeat(300) + "/../../x";
    let input = jsonl(
        &tmp.path().join("hostile.jsonl"),
        &[
            serde_json::json!({"id": "../../escape/<script>alert(1)</script>",
                "title": "\"><img src=x onerror=alert(1)>", "url": "javascript:alert(document.cookie)",
                "source": "<b>Evil</b>", "published": "2024-01-02", "text": hostile}),
            serde_json::json!({"id": long_id, "title": "", "url": " https://example.org/x",
                "text": "“We will not go,” said Tomás Ferreira in Valmora."}),
            serde_json::json!({"id": "a/b\\c", "title": "</title><script>alert(6)</script>",
                "url": "https://example.org/\"><script>alert(7)</script>",
                "text": "“Fine,” said Elena Marković."}),
        ],
    );
    let out = tmp.path().join("out");
    run_extract(vec![input.clone()], &out);
    assert!(
        read_csv(&out.join("quotes.csv")).len() >= 3,
        "the model finds the quotes"
    );
    let html = tmp.path().join("report");
    report(&out, &html, vec![input.clone()], 200);
    check_inert(&html);

    let texts = texts_by_id(&[input]);
    let pages = article_pages(&html);
    assert_eq!(pages.len(), 3);
    for (id, path) in &pages {
        check_article_page(path, id, &out, &texts[id]);
        assert!(path.starts_with(html.join("articles")));
    }
    let first = page(&pages["../../escape/<script>alert(1)</script>"]);
    assert_eq!(
        text(&select(&first, "h1")[0]),
        "\"><img src=x onerror=alert(1)>"
    );
    assert_eq!(
        text(&select(&first, ".unlinked-url")[0]),
        "javascript:alert(document.cookie)"
    );
    assert!(text(&select(&first, "p.meta")[0]).contains("<b>Evil</b>"));
    // An id in another script keeps its letters in the page's file name, cut at 40 (it was
    // `page-N.html`), and the links to it resolve (`check_inert`).
    let second_file = pages[&long_id].file_name().unwrap().to_str().unwrap();
    let expected_slug = "ж".repeat(40) + "-";
    assert!(second_file.starts_with(&expected_slug), "{second_file}");
    let second = page(&pages[&long_id]);
    assert_eq!(
        text(&select(&second, ".unlinked-url")[0]),
        " https://example.org/x"
    );
    let third = page(&pages["a/b\\c"]);
    let link = select(&third, "p.meta a")[0];
    assert_eq!(
        link.value().attr("href"),
        Some("https://example.org/\"><script>alert(7)</script>")
    );
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        3,
        "only the input, out and report"
    );
}

/// Writes a run's five CSVs by hand (rows as given, the header from whosaid itself; columns a
/// row leaves out at its end are empty).
fn write_run(out: &Path, rows: [&[&[&str]]; 5]) {
    std::fs::create_dir_all(out).unwrap();
    for (i, table) in rows.iter().enumerate() {
        let mut w = csv::Writer::from_path(out.join(whosaid::checkpoint::FILES[i])).unwrap();
        let header = whosaid::output::HEADERS[i];
        w.write_record(header).unwrap();
        for r in *table {
            let mut cells = r.to_vec();
            cells.resize(cells.len().max(header.len()), "");
            w.write_record(&cells).unwrap();
        }
        w.flush().unwrap();
    }
}

/// A run with hostile entity names, which no model would produce.
fn hostile_names_run(dir: &Path) -> (PathBuf, PathBuf) {
    let name = "<img src=x onerror=alert(1)>";
    let quote = "<script>alert(2)</script>,";
    let text = format!("“{quote}” said {name}.");
    let at = |s: &str| text[..text.find(s).unwrap()].chars().count();
    let (qs, ns) = (at(quote), at(name));
    let (qe, ne) = (
        (qs + quote.chars().count()).to_string(),
        (ns + name.chars().count()).to_string(),
    );
    let (qs, ns) = (qs.to_string(), ns.to_string());
    // The text columns as whosaid writes them: the text at the offsets without its tags (the
    // names and entities keep theirs).
    let column = |s: &str| {
        let at = text.find(s).unwrap();
        whosaid::markup::text_without_tags(&text, at..at + s.len()).into_owned()
    };
    let (name_text, quote_text) = (column(name), column(quote));
    let chars = text.chars().count().to_string();
    let label = "PER";
    let out = dir.join("out");
    write_run(
        &out,
        [
            &[&["x", "t", &chars, "1", "1", "ok", "javascript:x", "", ""]],
            &[&["x", &ns, &ne, &name_text, label, "0.9", "1"]],
            &[&["x", "1", name, label, "", "1", &ns, "false"]],
            &[&[
                "x",
                "1",
                "1",
                &qs,
                &qe,
                &quote_text,
                "said",
                "",
                "",
                &ns,
                &ne,
                &name_text,
                "1",
                name,
                "direct",
            ]],
            &[&["<script>in.jsonl", "line 9", "<img src=x onerror=alert(4)>"]],
        ],
    );
    let input = jsonl(
        &dir.join("in.jsonl"),
        &[serde_json::json!({"id": "x", "text": text})],
    );
    (out, input)
}

#[test]
fn hostile_names_are_escaped_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, input) = hostile_names_run(tmp.path());
    let html = tmp.path().join("report");
    report(&out, &html, vec![input.clone()], 200);
    check_inert(&html);
    let pages = article_pages(&html);
    check_article_page(&pages["x"], "x", &out, &texts_by_id(&[input])["x"]);
    let article = page(&pages["x"]);
    let mark = select(&article, "mark[data-mention]")[0];
    assert_eq!(mark.value().attr("class"), Some("ent ent-per"));
    let speakers = walk(&html.join("speakers"));
    assert_eq!(speakers.len(), 1);
    let speaker = page(&speakers[0]);
    assert_eq!(
        own_text(&select(&speaker, "h1 mark bdi")[0]),
        "<img src=x onerror=alert(1)>"
    );
    let index = page(&html.join("index.html"));
    assert_eq!(
        text(&select(&index, "#errors td")[2]),
        "<img src=x onerror=alert(4)>"
    );
}

/// A cell far longer than any quote (a run made with a huge `--max-bytes`) is shown cut, its
/// length said: a 50 MB quote cell was written whole, escaped, into its speaker's page and its
/// article's (150 MB each), and took the report 22 s. A speaker's page is named after the name
/// with its Latin letters' marks dropped, not the letters: `Łukasz` was `ukasz-…`.
#[test]
fn a_huge_cell_is_shown_cut_and_a_latin_name_keeps_its_letters() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let quote = "ab".repeat(500_000);
    let end = (2 + quote.len()).to_string();
    let name = "Łukasz Nowak";
    write_run(
        &out,
        [
            &[&["x", "t", "2000100", "1", "1", "ok", "", "", ""]],
            &[&["x", "2000010", "2000022", name, "PER", "0.9", "1"]],
            &[&["x", "1", name, "PER", "", "1", "2000010", "false"]],
            &[&[
                "x", "1", "1", "2", &end, &quote, "said", "", "", "2000010", "2000022", name, "1",
                name, "direct",
            ]],
            &[],
        ],
    );
    let html = tmp.path().join("report");
    report(&out, &html, vec![], 200);
    let speakers = walk(&html.join("speakers"));
    let names: Vec<_> = speakers.iter().map(|p| p.file_name().unwrap()).collect();
    assert_eq!(names, ["lukasz-nowak-0.html"]);
    for page_path in [&speakers[0], &article_pages(&html)["x"]] {
        let size = std::fs::metadata(page_path).unwrap().len();
        assert!(size < 100_000, "{}: {size} bytes", page_path.display());
        let shown = std::fs::read_to_string(page_path).unwrap();
        assert!(
            shown.contains("… (998000 more characters)"),
            "{}",
            page_path.display()
        );
    }
}

/// Values from the articles sit in isolating elements (`code`, `bdi`, links), so a right-to-left
/// override (U+202E) in an id or a source reorders nothing after it: before, the article page's
/// line `id, published 2024-03-04, source` showed its own date and counts reversed.
#[test]
fn text_from_the_articles_is_bidi_isolated() {
    let tmp = tempfile::tempdir().unwrap();
    let rlo = "\u{202e}";
    let (id, source) = (format!("{rlo}evil"), format!("{rlo}Wire"));
    let body = "Oslo is cold.";
    let out = tmp.path().join("out");
    write_run(
        &out,
        [
            &[&[&id, "t", "13", "0", "0", "ok", "", "2024-03-04", &source]],
            &[],
            &[],
            &[],
            &[],
        ],
    );
    let input = jsonl(
        &tmp.path().join("in.jsonl"),
        &[serde_json::json!({"id": id, "text": body, "source": source})],
    );
    let html = tmp.path().join("report");
    report(&out, &html, vec![input], 200);
    let pages = article_pages(&html);
    let article = page(&pages[&id]);
    let metas = select(&article, "p.meta");
    assert!(!metas.is_empty());
    for meta in metas {
        assert!(!own_text(&meta).contains(rlo), "{}", meta.html());
        for e in meta.children().filter_map(ElementRef::wrap) {
            let isolating = matches!(e.value().name(), "code" | "bdi" | "a");
            assert!(isolating || !text(&e).contains(rlo), "{}", e.html());
        }
    }
    let css = text(&select(&article, "style")[0]);
    assert!(css.contains("code, a, bdi, .unlinked-url { unicode-bidi: isolate; }"));
}

/// An old report that cannot be moved aside (here immutable, `chattr +i`; on a cluster a busy
/// mount) fails the run with no hidden copy of the new site left beside it (one stayed per try);
/// an old report that cannot be removed once the new one is in place is a warning, not a
/// failure (the run exited 1 with its report written).
#[test]
fn a_report_that_cannot_swap_leaves_no_hidden_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, html) = sample_run(tmp.path());
    report(&out, &html, vec![], 200);
    let chattr = |flag: &str, path: &Path| {
        std::process::Command::new("chattr")
            .arg(flag)
            .arg(path)
            .status()
            .is_ok_and(|s| s.success())
    };
    if !chattr("+i", &html) {
        eprintln!("SKIPPED: chattr +i is not available here");
        return;
    }
    let options = ReportOptions {
        out: out.clone(),
        html: html.clone(),
        inputs: vec![],
        fields: FieldNames::default(),
        max_pages: 200,
        top: 20,
    };
    let failed = build(&options);
    chattr("-i", &html);
    assert!(failed.is_err());
    let hidden = |dir: &Path| {
        std::fs::read_dir(dir)
            .unwrap()
            .filter(|e| {
                let name = e.as_ref().unwrap().file_name();
                name.to_string_lossy().starts_with(".whosaid-report-")
            })
            .count()
    };
    assert_eq!(
        hidden(tmp.path()),
        0,
        "a hidden copy of the new site was left"
    );
    // The old report's folder cannot be removed: the new one is published all the same.
    let articles = html.join("articles");
    assert!(chattr("+i", &articles));
    let published = build(&options);
    let old: Vec<PathBuf> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".old"))
        .collect();
    for dir in &old {
        chattr("-i", &dir.join("articles"));
    }
    assert!(published.is_ok(), "{:?}", published.err());
    assert!(html.join("index.html").exists());
}

#[test]
fn max_pages_bounds_the_pages_and_leaves_no_broken_link() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, html) = sample_run(tmp.path());
    let summary = report(&out, &html, vec![], 2);
    assert_eq!(
        (
            summary.article_pages,
            summary.speaker_pages,
            summary.with_text
        ),
        (2, 2, 0)
    );
    assert_eq!(walk(&html.join("articles")).len(), 2);
    assert_eq!(walk(&html.join("speakers")).len(), 2);
    check_links(&html);
    // Without --inputs the pages say how to see the text.
    for path in article_pages(&html).values() {
        let p = page(path);
        assert!(select(&p, "div#text").is_empty());
        assert!(text(&select(&p, "#no-text")[0]).contains("--inputs"));
    }
}

/// HTML left in an article (session 50): the CSVs' text columns leave its tags out
/// (`Mayor Clara Fenwick` for the speaker at `Mayor Clara <i>Fenwick`), and the report still
/// takes the input for the text the run saw and shows it, tags as text, at the same offsets.
#[test]
fn an_article_with_html_tags_shows_its_text() {
    let tmp = tempfile::tempdir().unwrap();
    let text = "<p>Mayor Clara <i>Fenwick</i> said the plan would work.<br/>She left early.</p>";
    let input = jsonl(
        &tmp.path().join("in.jsonl"),
        &[serde_json::json!({"id": "a", "text": text})],
    );
    let out = tmp.path().join("out");
    run_extract(vec![input.clone()], &out);
    let quotes = read_csv(&out.join("quotes.csv"));
    assert!(
        quotes.iter().any(|q| &q[11] == "Mayor Clara Fenwick"),
        "{quotes:?}"
    );
    let html = tmp.path().join("report");
    assert_eq!(report(&out, &html, vec![input.clone()], 200).with_text, 1);
    check_article_page(&article_pages(&html)["a"], "a", &out, text);
    // A whosaid before session 50 wrote the text at the offsets as it stands, tags and all:
    // its runs still show their texts.
    let older = tmp.path().join("older");
    std::fs::create_dir(&older).unwrap();
    for entry in std::fs::read_dir(&out).unwrap() {
        let from = entry.unwrap().path();
        let to = older.join(from.file_name().unwrap());
        let bytes = std::fs::read(&from).unwrap();
        let bytes = if from.ends_with("quotes.csv") {
            let csv = String::from_utf8(bytes).unwrap();
            assert!(csv.contains(",Mayor Clara Fenwick,"), "{csv}");
            csv.replace(",Mayor Clara Fenwick,", ",Mayor Clara <i>Fenwick,")
                .into_bytes()
        } else {
            bytes
        };
        std::fs::write(to, bytes).unwrap();
    }
    let html = tmp.path().join("report-older");
    assert_eq!(report(&older, &html, vec![input], 200).with_text, 1);
}

#[test]
fn an_input_changed_since_the_run_shows_no_text() {
    let tmp = tempfile::tempdir().unwrap();
    let input = jsonl(
        &tmp.path().join("in.jsonl"),
        &[
            serde_json::json!({"id": "a", "text": "“We will not go,” said Tomás Ferreira in Valmora."}),
        ],
    );
    let out = tmp.path().join("out");
    run_extract(vec![input.clone()], &out);
    jsonl(
        &input,
        &[
            serde_json::json!({"id": "a", "text": "“We will not go,” said Tomas Ferreira in Valmora."}),
        ],
    );
    let html = tmp.path().join("report");
    assert_eq!(report(&out, &html, vec![input], 200).with_text, 0);
    let p = page(&article_pages(&html)["a"]);
    assert!(select(&p, "div#text").is_empty());
    assert!(
        text(&select(&p, "#no-text")[0]).contains("do not hold the text"),
        "{}",
        text(&select(&p, "#no-text")[0])
    );
    // The speaker page's link to the quote leads to its row of the table.
    check_links(&html);
}

/// `whosaid report ARGS`: exit status and stderr.
fn whosaid_report(args: &[&Path]) -> (i32, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_whosaid"));
    cmd.arg("report").arg(args[0]).arg("--html").arg(args[1]);
    if args.len() > 2 {
        cmd.arg("--inputs").args(&args[2..]);
    }
    let o = cmd.output().unwrap();
    (
        o.status.code().unwrap(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// `whosaid index RUNS... --out OUT`: its exit status and stderr.
fn whosaid_index(runs: &[&Path], out: &Path) -> (i32, String) {
    let mut args: Vec<&std::ffi::OsStr> = vec!["index".as_ref()];
    args.extend(runs.iter().map(|r| r.as_os_str()));
    args.extend(["--out".as_ref(), out.as_os_str()]);
    whosaid(&args)
}

/// The names in the directory `dir`.
fn names_in(dir: &Path) -> HashSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// A table whose last row has lost its line end was cut short: a cut inside the last field
/// (`paris` → `pa`, the entity key) read as a good row, and `index` counted the cut key.
#[test]
fn a_table_cut_inside_its_last_row_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, _) = hostile_names_run(tmp.path());
    let (code, err) = whosaid_index(&[&out], &tmp.path().join("whole.csv"));
    assert_eq!(code, 0, "{err}");
    let entities = out.join("entities.csv");
    let bytes = std::fs::read(&entities).unwrap();
    std::fs::write(&entities, &bytes[..bytes.len() - 3]).unwrap();
    let (code, err) = whosaid_index(&[&out], &tmp.path().join("cut.csv"));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("cut short"), "{err}");
    let (code, err) = whosaid_report(&[&out, &tmp.path().join("r")]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("cut short"), "{err}");
}

/// Two reports writing one REPORT_DIR at once moved each other's pages. The second is refused,
/// exit 1 as a second `extract` into one `--out` is, while the first holds the lock file beside
/// REPORT_DIR (held here as a report holds it), and the earlier report is left as it was.
#[test]
fn a_report_into_a_directory_another_report_is_writing_is_refused() {
    use std::os::unix::io::AsRawFd;
    let tmp = tempfile::tempdir().unwrap();
    let (out, _) = hostile_names_run(tmp.path());
    let html = tmp.path().join("r");
    let (code, err) = whosaid_report(&[&out, &html]);
    assert_eq!(code, 0, "{err}");
    assert!(
        !tmp.path().join(".r.whosaid-lock").exists(),
        "removed at the end"
    );
    let before = std::fs::read_to_string(html.join("index.html")).unwrap();
    let lock = std::fs::File::create(tmp.path().join(".r.whosaid-lock")).unwrap();
    // SAFETY: flock on a file this test keeps open.
    assert_eq!(
        unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) },
        0
    );
    let (code, err) = whosaid_report(&[&out, &html]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("another whosaid report is writing"), "{err}");
    assert_eq!(
        std::fs::read_to_string(html.join("index.html")).unwrap(),
        before
    );
    drop(lock);
    let (code, err) = whosaid_report(&[&out, &html]);
    assert_eq!(code, 0, "{err}");
}

/// `--inputs` takes any path `extract` takes: a name that is not UTF-8 was refused with clap's
/// "invalid UTF-8", which named no argument.
#[test]
fn inputs_whose_names_are_not_utf8_are_read() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let (out, input) = hostile_names_run(tmp.path());
    let latin1 = tmp
        .path()
        .join(std::ffi::OsStr::from_bytes(b"caf\xe9.jsonl"));
    std::fs::rename(&input, &latin1).unwrap();
    let html = tmp.path().join("r");
    let (code, err) = whosaid_report(&[&out, &html, &latin1]);
    assert_eq!(code, 0, "{err}");
    let pages = article_pages(&html);
    let text = std::fs::read_to_string(&pages["x"]).unwrap();
    assert!(
        !text.contains("The text is not shown"),
        "the article's text is on its page"
    );
}

#[test]
fn bad_runs_and_report_directories_are_refused_saying_why() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, input) = hostile_names_run(tmp.path());
    let (code, err) = whosaid_report(&[&out, &out]);
    assert_eq!(code, 1);
    assert!(err.contains("OUT_DIR"), "{err}");
    let (code, err) = whosaid_report(&[&out, tmp.path(), &input]);
    assert_eq!(code, 1);
    assert!(err.contains("holds"), "{err}");

    // A usage error, as `--max-pages 0` is (it exited 1 once the run had been checked).
    let (code, err) = whosaid_report(&[&out, &tmp.path().join("r"), Path::new("-")]);
    assert_eq!(code, 2);
    assert!(err.contains("stdin cannot be read again"), "{err}");

    let foreign = tmp.path().join("notes");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("mine.txt"), "keep").unwrap();
    let (code, err) = whosaid_report(&[&out, &foreign]);
    assert_eq!(code, 1);
    assert!(err.contains("not an earlier report"), "{err}");
    assert_eq!(
        std::fs::read_to_string(foreign.join("mine.txt")).unwrap(),
        "keep"
    );
    // The same directories through a missing one and `..` (which the OS resolves only once the
    // missing one exists): the report used to replace them, deleting what they held.
    let sneaky = |name: &str| tmp.path().join("nosuchdir").join("..").join(name);
    let (code, err) = whosaid_report(&[&out, &sneaky("notes")]);
    assert_eq!(code, 1);
    assert!(err.contains("not an earlier report"), "{err}");
    let (code, err) = whosaid_report(&[&out, &sneaky("out")]);
    assert_eq!(code, 1);
    assert!(err.contains("OUT_DIR"), "{err}");
    assert_eq!(
        std::fs::read_to_string(foreign.join("mine.txt")).unwrap(),
        "keep"
    );
    assert!(out.join("entities.csv").is_file());

    let report_dir = tmp.path().join("report");
    let entities = std::fs::read_to_string(out.join("entities.csv")).unwrap();
    let hostile_label = entities.replace(",PER,", ",\"\"\"><svg onload=alert(3)>\",");
    std::fs::write(out.join("entities.csv"), hostile_label).unwrap();
    let (code, err) = whosaid_report(&[&out, &report_dir]);
    assert_eq!(code, 1);
    assert!(
        err.contains("entities.csv: line 2: bad row") && err.contains("unknown entity type"),
        "{err}"
    );
    std::fs::write(out.join("entities.csv"), entities).unwrap();

    std::fs::write(out.join("quotes.csv"), "article_id,quote_id\n").unwrap();
    let (code, err) = whosaid_report(&[&out, &report_dir]);
    assert_eq!(code, 1);
    assert!(
        err.contains("quotes.csv: not a whosaid quotes.csv") && err.contains("speaker_canonical"),
        "{err}"
    );
    std::fs::remove_file(out.join("quotes.csv")).unwrap();
    let (code, err) = whosaid_report(&[&out, &report_dir]);
    assert_eq!(code, 1);
    assert!(err.contains("quotes.csv is missing"), "{err}");
    let left: HashSet<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        left,
        HashSet::from(["out".into(), "in.jsonl".into(), "notes".into()]),
        "no report, no temporary directory"
    );
}

/// A run of articles with one quote each (no entity), published on the days given.
fn dated_run(out: &Path, days: &[&str]) {
    let ids: Vec<String> = (0..days.len()).map(|i| format!("a{i}")).collect();
    let articles: Vec<Vec<&str>> = ids
        .iter()
        .zip(days)
        .map(|(id, day)| vec![id.as_str(), "t", "9", "0", "1", "ok", "", day])
        .collect();
    let quotes: Vec<Vec<&str>> = ids
        .iter()
        .map(|id| vec![id.as_str(), "1", "1", "0", "3", "We", "said"])
        .collect();
    let articles: Vec<&[&str]> = articles.iter().map(Vec::as_slice).collect();
    let quotes: Vec<&[&str]> = quotes.iter().map(Vec::as_slice).collect();
    write_run(out, [articles.as_slice(), &[], &[], quotes.as_slice(), &[]]);
}

/// An impossible `published` day (2024-02-30) used to count as a date but fall between the
/// timeline's columns, which are real days: its quotes were on no column and not undated.
#[test]
fn an_impossible_date_counts_as_undated_and_every_quote_is_on_the_timeline() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    dated_run(
        &out,
        &[
            "2024-02-28",
            "2024-02-30",
            "2024-03-01",
            "2024-02-31T10:00",
            "",
        ],
    );
    let html = tmp.path().join("report");
    report(&out, &html, vec![], 200);
    let index = page(&html.join("index.html"));
    let columns: Vec<(String, u64)> = select(&index, "svg#timeline g title")
        .iter()
        .map(|t| {
            let t = text(t);
            let (label, n) = t.split_once(": ").unwrap();
            (label.into(), n.trim_end_matches(" quotes").parse().unwrap())
        })
        .collect();
    let labels: Vec<&str> = columns.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(labels, ["2024-02-28", "2024-02-29", "2024-03-01"]);
    let meta = text(&select(&index, "svg#timeline + p.meta")[0]);
    let undated: u64 = meta
        .split(" quotes. ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(undated, 3, "{meta}");
    let dated: u64 = columns.iter().map(|c| c.1).sum();
    assert_eq!(
        dated + undated,
        5,
        "every quote is on the timeline or undated"
    );
}

/// One placeholder date (`0001-01-01`) among dates of 2024 made a per-year timeline of 2,024
/// columns, 0.28 px each. The chart keeps to the century holding the most dated articles and
/// says under it what it leaves out.
#[test]
fn a_placeholder_date_leaves_the_timeline_readable_and_is_said() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    dated_run(
        &out,
        &["0001-01-01", "2024-03-01", "2024-03-03", "9999-12-31T00:00"],
    );
    let html = tmp.path().join("report");
    report(&out, &html, vec![], 200);
    let index = page(&html.join("index.html"));
    let labels: Vec<String> = select(&index, "svg#timeline g title")
        .iter()
        .map(|t| text(t).split_once(": ").unwrap().0.to_string())
        .collect();
    assert_eq!(labels, ["2024-03-01", "2024-03-02", "2024-03-03"]);
    let note = select(&index, "p#timeline-left-out");
    assert_eq!(note.len(), 1);
    let note = text(&note[0]);
    assert!(
        note.contains("The chart shows 2024-03-01 to 2024-03-03")
            && note.contains("1 article (1 quote) dated earlier, the earliest 0001-01-01")
            && note.contains("1 article (1 quote) dated later, the latest 9999-12-31"),
        "{note}"
    );
}

/// Hostile ids: a long id repeated (rows 0 and 1), and an id spelled like the key the report
/// used to give the repeated one (`ID\0ROW`), so that two articles shared one page file; and an
/// ambiguous `Clinton` in each of the two articles with one id, which used to count as one
/// speaker (`ambiguous:ID#1`).
#[test]
fn articles_and_ambiguous_entities_never_share_a_page_whatever_their_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let long = "a".repeat(41);
    let spelled = format!("{long}\u{0}1");
    let quote = |id: &str| {
        vec![
            id.to_string(),
            "1".into(),
            "1".into(),
            "0".into(),
            "3".into(),
            "Yes".into(),
            "said".into(),
            "".into(),
            "".into(),
            "".into(),
            "".into(),
            "Clinton".into(),
            "1".into(),
            "Clinton".into(),
            "direct".into(),
        ]
    };
    let (q0, q1) = (quote(&long), quote(&long));
    let q0: Vec<&str> = q0.iter().map(String::as_str).collect();
    let q1: Vec<&str> = q1.iter().map(String::as_str).collect();
    let e0 = [long.as_str(), "1", "Clinton", "PER", "", "0", "0", "true"];
    write_run(
        &out,
        [
            &[
                &[long.as_str(), "first", "9", "1", "1", "ok"],
                &[long.as_str(), "second", "9", "1", "1", "ok"],
                &[spelled.as_str(), "third", "9", "0", "0", "ok"],
            ],
            &[],
            &[&e0, &e0],
            &[&q0, &q1],
            &[],
        ],
    );
    let html = tmp.path().join("report");
    let summary = report(&out, &html, vec![], 200);
    assert_eq!(summary.article_pages, 3);
    // Two ambiguous Clintons: two speakers of one quote each.
    assert_eq!(summary.speaker_pages, 2);
    assert_eq!(walk(&html.join("articles")).len(), 3, "three page files");
    // The NUL of an id is no parse error (page() checks): it is written as U+FFFD.
    check_links(&html);
    let index = page(&html.join("index.html"));
    let titles: HashSet<String> = select(&index, "table#articles tr a")
        .iter()
        .map(|a| {
            let to = target(&html.join("index.html"), a.value().attr("href").unwrap());
            text(&select(&page(&to), "h1")[0])
        })
        .collect();
    assert_eq!(
        titles,
        HashSet::from(["first".into(), "second".into(), "third".into()]),
        "each article's link leads to its own page"
    );
    for path in walk(&html.join("speakers")) {
        assert_eq!(select(&page(&path), "tr.quote-row").len(), 1);
    }
}

/// `whosaid ARGS`: exit status and stderr.
fn whosaid(args: &[&std::ffi::OsStr]) -> (i32, String) {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_whosaid"))
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    (
        o.status.code().unwrap(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// `report --max-pages 0` used to be accepted (a report of no page); `--top 0` never was.
#[test]
fn zero_max_pages_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, _) = hostile_names_run(tmp.path());
    let html = tmp.path().join("report");
    let (code, err) = whosaid(&[
        "report".as_ref(),
        out.as_os_str(),
        "--html".as_ref(),
        html.as_os_str(),
        "--max-pages".as_ref(),
        "0".as_ref(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--max-pages"), "{err}");
    assert!(!html.exists());
}

/// An input that cannot be opened at all exits 3, naming it, as `extract`'s does: the run's
/// directory (`report` and `index` used to exit 1), and any file of `--inputs` (a typo after the
/// input holding every text was never opened: exit 0, a report looking complete). Nothing is
/// written.
#[test]
fn a_run_or_input_that_cannot_be_opened_exits_3_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, input) = hostile_names_run(tmp.path());
    let html = tmp.path().join("report");
    let missing = tmp.path().join("no-such-run");
    let (code, err) = whosaid_report(&[&missing, &html]);
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains(&format!("the run {}: cannot open", missing.display())),
        "{err}"
    );
    let typo = tmp.path().join("typo.jsonl");
    let (code, err) = whosaid_report(&[&out, &html, &input, &typo]);
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains(&format!("--inputs {}: cannot open", typo.display())),
        "{err}"
    );
    let unknown = tmp.path().join("in.xml");
    std::fs::write(&unknown, "<a/>").unwrap();
    let (code, err) = whosaid_report(&[&out, &html, &input, &unknown]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("unsupported input format"), "{err}");
    assert!(!html.exists());
    // A run that opens but lacks a table is another error.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let (code, err) = whosaid_report(&[&empty, &html]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("is missing"), "{err}");

    let index = tmp.path().join("index.csv");
    let (code, err) = whosaid(&[
        "index".as_ref(),
        out.as_os_str(),
        missing.as_os_str(),
        "--out".as_ref(),
        index.as_os_str(),
    ]);
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains(&format!("the run {}: cannot open", missing.display())),
        "{err}"
    );
    assert!(!index.exists());
}

/// `index --out DIR` failed only at the final rename, and left `DIR.csv.tmp` behind.
#[test]
fn index_into_a_directory_is_refused_leaving_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, _) = hostile_names_run(tmp.path());
    let dir = tmp.path().join("taken");
    std::fs::create_dir(&dir).unwrap();
    let (code, err) = whosaid(&[
        "index".as_ref(),
        out.as_os_str(),
        "--out".as_ref(),
        dir.as_os_str(),
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("is a directory"), "{err}");
    let left: HashSet<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        left,
        HashSet::from(["out".into(), "in.jsonl".into(), "taken".into()])
    );
}

/// `index --out run/.whosaid-checkpoint.json` used to be written (only the CSVs and the index
/// were refused), after which report and index refused the run as "stopped while renaming its
/// files"; `--out run/.whosaid-lock` and `run/articles.csv.tmp` were written too, and `report
/// --html run/.whosaid-checkpoint.json` made a folder of that name. Every name the run owns is
/// refused, also through a link to the run, and the run still reads afterwards.
#[test]
fn index_and_report_write_no_name_the_run_owns() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, _) = hostile_names_run(tmp.path());
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(&out, &link).unwrap();
    let owned = [
        out.join(".whosaid-checkpoint.json"),
        out.join(".whosaid-checkpoint.json.tmp"),
        out.join(".whosaid-lock"),
        out.join("articles.csv.tmp"),
        out.join(".entity_index.csv.Xa3k9Q.tmp"),
        out.join("quotes"),
        link.join(".whosaid-checkpoint.json"),
        out.join("entity_index.csv"),
    ];
    let before = names_in(&out);
    for path in &owned {
        let (code, err) = whosaid_index(&[&out], path);
        assert_eq!(code, 1, "index --out {path:?}: {err}");
        assert!(err.contains("is a file of the run"), "{err}");
        let (code, err) = whosaid_report(&[&out, path]);
        assert_eq!(code, 1, "report --html {path:?}: {err}");
        assert!(err.contains("is a file of the run"), "{err}");
    }
    assert_eq!(names_in(&out), before, "nothing was written in the run");
    // Names the run does not own are fine, inside the run folder too.
    let (code, err) = whosaid_index(&[&out], &out.join("index-of-all.csv"));
    assert_eq!(code, 0, "{err}");
    let (code, err) = whosaid_report(&[&out, &out.join("report")]);
    assert_eq!(code, 0, "{err}");
}

/// `cp -al run snap; whosaid index run snap` counted every entity twice: the runs were told
/// apart by their folders, and a hard-linked copy (an `rsync --link-dest` snapshot) is another
/// folder holding the same files.
#[test]
fn a_hard_linked_copy_of_a_run_is_the_same_run() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, _) = hostile_names_run(tmp.path());
    let snap = tmp.path().join("snap");
    let copy = tmp.path().join("copy");
    std::fs::create_dir(&snap).unwrap();
    std::fs::create_dir(&copy).unwrap();
    for entry in std::fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        std::fs::hard_link(&path, snap.join(path.file_name().unwrap())).unwrap();
        std::fs::copy(&path, copy.join(path.file_name().unwrap())).unwrap();
    }
    let index = tmp.path().join("index.csv");
    let (code, err) = whosaid_index(&[&out, &snap], &index);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("are the same run"), "{err}");
    assert!(!index.exists());
    // A copy with files of its own is a second run: the index counts what it is given.
    let (code, err) = whosaid_index(&[&out, &copy], &index);
    assert_eq!(code, 0, "{err}");
    let rows = std::fs::read_to_string(&index).unwrap();
    assert!(rows.lines().nth(1).unwrap().ends_with(",2,2,2"), "{rows}");
}

/// A named pipe given as `--inputs` was opened twice: once to check it (reading its first
/// record), once for the texts, which waited for a writer forever (or, with the writer still
/// there, found the first record eaten and showed the page without its text). It is refused
/// as `-` is, before anything is opened or written.
#[test]
fn a_named_pipe_as_input_is_a_usage_error_not_a_hang() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, _) = hostile_names_run(tmp.path());
    let fifo = tmp.path().join("dump.jsonl");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let html = tmp.path().join("report");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_whosaid"))
        .arg("report")
        .arg(&out)
        .arg("--html")
        .arg(&html)
        .arg("--inputs")
        .arg(&fifo)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(20) {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("report with a named pipe as --inputs still running after 20 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("--inputs {}: not a regular file", fifo.display())),
        "{err}"
    );
    assert!(!html.exists());
}

/// A report killed by a signal left its hidden `.whosaid-report-XXXXXX` directory beside
/// REPORT_DIR, one more per kill. The next report into the same place removes those that are
/// certainly a killed report's, and nothing else.
#[test]
fn the_next_report_removes_what_killed_reports_left_and_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, _) = hostile_names_run(tmp.path());
    let place = tmp.path().join("reports");
    let put = |path: &str, contents: &str| {
        let path = place.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    };
    // What killed reports leave: a half-written site, and an earlier report moved aside.
    put(".whosaid-report-Ab12Cd/index.html", "half");
    put(".whosaid-report-Ab12Cd/articles/x-1.html", "half");
    put(".whosaid-report-Zz99Yy.old/.whosaid-report", "old");
    put(".whosaid-report-Zz99Yy.old/speakers/sam-1.html", "old");
    std::fs::create_dir_all(place.join(".whosaid-report-Em0pty")).unwrap();
    // Not certainly a report's: a file no report writes, a name no report gives, a file.
    put(".whosaid-report-Qq11Ww/notes.txt", "mine");
    put(".whosaid-report-mine/index.html", "mine");
    put(".whosaid-report-Ff22Gg", "mine");
    let (code, err) = whosaid_report(&[&out, &place.join("report")]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        names_in(&place),
        HashSet::from([
            "report".into(),
            ".whosaid-report-Qq11Ww".into(),
            ".whosaid-report-mine".into(),
            ".whosaid-report-Ff22Gg".into(),
        ])
    );
}

/// A NUL (or another control character) anywhere in the dump used to reach the page as it was:
/// a parse error for every HTML parser (`page` checks), which browsers each mend their own way.
#[test]
fn nul_and_control_characters_become_replacement_characters() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    write_run(
        &out,
        [
            &[&["n\0ul", "t\u{1}\0", "9", "0", "0", "ok", "", "", "<\0>"]],
            &[],
            &[],
            &[],
            &[&["in\0.jsonl", "line 1", "bad\u{7f}"]],
        ],
    );
    let html = tmp.path().join("report");
    report(&out, &html, vec![], 200);
    check_inert(&html);
    let pages = article_pages(&html);
    let article = page(&pages["n\u{FFFD}ul"]);
    assert_eq!(text(&select(&article, "h1")[0]), "t\u{FFFD}\u{FFFD}");
    let index = page(&html.join("index.html"));
    assert_eq!(text(&select(&index, "#errors td")[2]), "bad\u{FFFD}");
}

/// Two inputs each hold id `dup` on their line 1, with texts of one length that differ only
/// outside every span. Matched by id alone, the page of a.jsonl's article showed b.jsonl's text
/// when `--inputs` named b first, and b's own page then found no text at all.
#[test]
fn articles_with_one_id_get_their_own_inputs_text() {
    let tmp = tempfile::tempdir().unwrap();
    let record = |title: &str, day: &str| {
        serde_json::json!({"id": "dup", "title": title,
            "text": format!("Angela Merkel spoke in Berlin on {day}. \"We are ready,\" Merkel said.")})
    };
    let a = jsonl(&tmp.path().join("a.jsonl"), &[record("A story", "Monday")]);
    let b = jsonl(&tmp.path().join("b.jsonl"), &[record("B story", "Friday")]);
    let out = tmp.path().join("run");
    run_extract(vec![a.clone(), b.clone()], &out);
    let html = tmp.path().join("report");
    report(&out, &html, vec![b, a], 10);
    let mut seen = Vec::new();
    for path in walk(&html.join("articles")) {
        let page = std::fs::read_to_string(&path).unwrap();
        let (day, other) = match () {
            _ if page.contains("<h1>A story</h1>") => ("Monday", "Friday"),
            _ if page.contains("<h1>B story</h1>") => ("Friday", "Monday"),
            _ => continue,
        };
        assert!(
            page.contains(day) && !page.contains(other),
            "{}",
            path.display()
        );
        seen.push(day);
    }
    seen.sort();
    assert_eq!(seen, ["Friday", "Monday"]);
}
