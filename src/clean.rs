//! Web debris removal that keeps offsets.
//!
//! Scraped articles carry lines that are not the article: ad-slot sizes (`728 x 90`), "Latest News
//! and Articles" footers, share/subscribe buttons, a photo caption printed twice, bylines and
//! photo credits ([`credits`]), cookie banners and newsletter boxes. Cleaning does not rewrite
//! the text; it decides which lines are kept and groups them into paragraphs, as byte spans into
//! the original text, so every later offset still points into the input.
//!
//! ```text
//! Share this article                        page furniture
//! Facebook                                  share button (a network's line after a share heading,
//! WhatsApp                                  share button  or beside another network's line)
//! We use cookies to improve your … By continuing to browse you agree …   cookie or newsletter notice
//! ```

mod credits;

use crate::lexicon::word_list;
use crate::span::Span;

/// What cleaning kept and dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cleaned {
    /// Kept paragraphs, trimmed of surrounding white space, in text order.
    pub paragraphs: Vec<Span>,
    /// Dropped lines and why.
    pub removed: Vec<(Span, &'static str)>,
}

word_list! {
    /// Whole lines (compared case-insensitively, trailing punctuation ignored) that are page furniture.
    fn debris_lines = "clean/debris_lines.txt";
}

word_list! {
    /// Line prefixes of share/subscribe boilerplate, for short lines only.
    fn debris_prefixes = "clean/debris_prefixes.txt";
}

word_list! {
    /// Share buttons printed one per line (`Facebook`, `WhatsApp`), lower case.
    fn share_networks = "clean/share_networks.txt";
}

word_list! {
    /// Phrases of cookie banners and newsletter boxes (`we use cookies`), lower case.
    fn boilerplate_phrases = "clean/boilerplate_phrases.txt";
}

/// The longest line read as a cookie or newsletter notice: a banner is a sentence or two.
const MAX_NOTICE_CHARS: usize = 300;

/// A line compared with the whole-line lists: lower case, trailing punctuation removed.
fn normalized(line: &str) -> String {
    line.trim()
        .trim_end_matches(['.', ':', '!', '»', '>', '›', ' '])
        .to_lowercase()
}

/// A share button's line: `Facebook`, `Email`.
fn is_share_network(line: &str) -> bool {
    share_networks().contains(&normalized(line).as_str())
}

/// Ad-slot sizes: `728 x 90`, `300x250`, `160 × 600`.
fn is_ad_size(line: &str) -> bool {
    let line = line.trim();
    let Some((w, h)) = line.split_once(['x', 'X', '×']) else {
        return false;
    };
    let is_dim = |s: &str| {
        let s = s.trim();
        (2..=4).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    is_dim(w) && is_dim(h)
}

/// A byline's promotion, `Follow Pam Key on Twitter @pamkeyNEN.` (often inside the quote marks
/// of a transcript that ends the article): `Follow`, a capitalized name of at most four words,
/// `on Twitter`, one `@handle`.
fn is_author_promo(line: &str) -> bool {
    let line = line.trim_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '“' | '”' | '.'));
    let Some(rest) = line.strip_prefix("Follow ") else {
        return false;
    };
    let Some((name, handle)) = rest.split_once(" on Twitter ") else {
        return false;
    };
    let words: Vec<&str> = name.split_whitespace().collect();
    (1..=4).contains(&words.len())
        && words.iter().all(|w| w.starts_with(char::is_uppercase))
        && handle.starts_with('@')
        && !handle.contains(char::is_whitespace)
}

/// A site's cookie banner or newsletter box: a phrase of [`boilerplate_phrases`] opening the line
/// or one of its sentences, and no quotation (`“We use cookies to remember what you like,” the
/// retailer's chief executive said` is a story's words).
fn is_site_notice(line: &str) -> bool {
    if line.contains(['"', '“', '”', '«', '»', '„']) {
        return false;
    }
    let lower = line.to_lowercase();
    let opens_sentence = |at: usize| {
        let before = lower[..at].trim_end();
        before.is_empty() || before.ends_with(['.', '!', '?', ':', '|', '•'])
    };
    boilerplate_phrases()
        .iter()
        .any(|p| lower.match_indices(p).any(|(at, _)| opens_sentence(at)))
}

/// Why a line is debris, if it is.
pub fn debris_reason(line: &str) -> Option<&'static str> {
    let trimmed = line.trim();
    // `<div class="ad">`, `</p>`: a line of HTML tags only.
    if !trimmed.is_empty() && crate::markup::mask_tags(trimmed).trim().is_empty() {
        return Some("markup");
    }
    if is_ad_size(trimmed) {
        return Some("ad size");
    }
    if is_author_promo(trimmed) {
        return Some("author promotion");
    }
    if let Some(reason) = credits::credit_reason(trimmed) {
        return Some(reason);
    }
    let chars = trimmed.chars().count();
    if chars <= MAX_NOTICE_CHARS && is_site_notice(trimmed) {
        return Some("cookie or newsletter notice");
    }
    if chars > 60 {
        return None;
    }
    let norm = normalized(trimmed);
    if debris_lines().contains(&norm.as_str()) {
        return Some("page furniture");
    }
    let lower = trimmed.to_lowercase();
    if debris_prefixes().iter().any(|p| lower.starts_with(p)) {
        return Some("share/subscribe boilerplate");
    }
    None
}

/// Does a line start a paragraph of its own even without a blank line before it?
fn starts_new_paragraph(prev: &str, line: &str) -> bool {
    let prev = prev.trim_end();
    let line = line.trim_start();
    let ends_sentence = prev.ends_with(['.', '!', '?', '”', '"', '’', '…', ':']);
    let opens_quote = line.starts_with(['“', '"', '«', '„', '‘', '—', '-', '•', '*']);
    // `…were full.</p>` then `<p>“We need…`: HTML paragraphs, one per line.
    let tag_edge = crate::markup::tag_len(line).is_some()
        || crate::markup::mask_tags(prev).ends_with(char::is_whitespace);
    let speaker_label = line.split_once(':').is_some_and(|(head, _)| {
        !head.is_empty() && head.len() <= 40 && head.split_whitespace().count() <= 4
    });
    ends_sentence || opens_quote || speaker_label || tag_edge || prev.len() < 40
}

/// Characters that end a line: `\n`, `\r` (with `\r\n` one line end), NEL, and Unicode's
/// line and paragraph separators (U+2028, U+2029), which some exports write in place of `\n`.
const LINE_ENDS: [char; 5] = ['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'];

/// The text's lines, each with its line end: `\n`, `\r\n`, a lone `\r` (old Mac files, some
/// scrapers), which read as no line end at all made a whole article one paragraph, or one of
/// the other [`LINE_ENDS`].
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let from = start;
        start = match text[from..].find(LINE_ENDS) {
            Some(i) if text[from + i..].starts_with("\r\n") => from + i + 2,
            Some(i) => {
                let end = text[from + i..].chars().next().map_or(1, char::len_utf8);
                from + i + end
            }
            None => text.len(),
        };
        Some(&text[from..start])
    })
}

/// Which of the text's lines (trimmed) are share buttons: a network's line in a share block (after
/// a `Share …` heading that is debris, blank lines and other buttons between) or next to another
/// network's line (`Facebook` then `Twitter`: no article writes that).
fn share_buttons(lines: &[&str]) -> Vec<bool> {
    let network: Vec<bool> = lines.iter().map(|l| is_share_network(l)).collect();
    let mut out = vec![false; lines.len()];
    let mut in_block = false;
    for (i, line) in lines.iter().enumerate() {
        if line.is_empty() {
            continue;
        }
        let beside_another = (i > 0 && network[i - 1]) || network.get(i + 1) == Some(&true);
        out[i] = network[i] && (in_block || beside_another);
        in_block =
            out[i] || (normalized(line).starts_with("share") && debris_reason(line).is_some());
    }
    out
}

/// Kept lines grouped into paragraphs as [`clean`] reads them.
struct Paragraphs<'a> {
    out: Cleaned,
    /// The paragraph being built.
    para: Option<Span>,
    /// The last kept line (or part of a line), trimmed.
    prev_kept: Option<&'a str>,
    /// Whether a blank line or a paragraph's end came since the last kept line.
    prev_line_blank: bool,
}

impl<'a> Paragraphs<'a> {
    /// Ends the paragraph being built: a dropped line ends it, as joined over the line the
    /// paragraph would hold it.
    fn end(&mut self) {
        if let Some(p) = self.para.take() {
            self.out.paragraphs.push(p);
        }
    }

    /// Keeps a trimmed line, or part of one, at `span`: joined to the paragraph being built
    /// unless a blank line came between or it starts a paragraph of its own
    /// ([`starts_new_paragraph`]); a line printed twice in a row is dropped.
    fn keep(&mut self, trimmed: &'a str, span: Span, ends_paragraph: bool) {
        // A caption or headline printed twice in a row: keep the first.
        if self.prev_kept == Some(trimmed) {
            self.out.removed.push((span, "repeated line"));
            self.end();
            return;
        }
        match self.para.as_mut() {
            Some(p)
                if !self.prev_line_blank
                    && !starts_new_paragraph(self.prev_kept.unwrap_or(""), trimmed) =>
            {
                p.end = span.end;
            }
            _ => {
                if let Some(p) = self.para.replace(span) {
                    self.out.paragraphs.push(p);
                }
            }
        }
        self.prev_kept = Some(trimmed);
        self.prev_line_blank = ends_paragraph;
        if ends_paragraph {
            self.end();
        }
    }
}

/// Cleans one article's text.
pub fn clean(text: &str) -> Cleaned {
    let mut kept = Paragraphs {
        out: Cleaned::default(),
        para: None,
        prev_kept: None,
        prev_line_blank: true,
    };
    let raw_lines: Vec<&str> = lines(text).collect();
    let trimmed_lines: Vec<&str> = raw_lines
        .iter()
        .map(|raw| raw.trim_end_matches(LINE_ENDS).trim())
        .collect();
    let share_button = share_buttons(&trimmed_lines);
    let mut offset = 0;
    for (i, raw) in raw_lines.into_iter().enumerate() {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(LINE_ENDS);
        // A paragraph separator ends the paragraph as a blank line does.
        let ends_paragraph = raw.ends_with('\u{2029}');
        let lead = line.len() - line.trim_start().len();
        let trimmed = line.trim();
        let span = Span::new(start + lead, start + lead + trimmed.len());
        if trimmed.is_empty() {
            kept.end();
            kept.prev_line_blank = true;
            continue;
        }
        let reason = if share_button[i] {
            Some("share button")
        } else {
            debris_reason(trimmed)
        };
        if let Some(reason) = reason {
            kept.out.removed.push((span, reason));
            kept.end();
            continue;
        }
        // A photo credit in brackets is dropped wherever it stands in the line (and one without
        // brackets after the line's last sentence), and the text around it kept: `The mayor spoke on Monday. (Photo by Sam Welch/Getty Images) She
        // said …` keeps `The mayor spoke on Monday.` and `She said …`, each a paragraph of its
        // own, as a paragraph joined over the credit would hold it. A credit alone on its line
        // (`(AP Photo/Evan Vucci)`) leaves no paragraph.
        let mut from = 0;
        for (open, close) in credits::credits_in_line(trimmed) {
            let credit = Span::new(span.start + open, span.start + close);
            kept.out.removed.push((credit, "photo credit"));
            keep_part(&mut kept, trimmed, span.start, from..open, true);
            kept.end();
            from = close;
        }
        keep_part(
            &mut kept,
            trimmed,
            span.start,
            from..trimmed.len(),
            ends_paragraph,
        );
    }
    kept.end();
    kept.out
}

/// What stands between a headline and the site's words a scraper kept after it:
/// `Talks failed | Latest News`, `Talks failed - Advertisement`.
const HEADLINE_TAIL_SEPARATORS: [&str; 4] = [" | ", " - ", " – ", " — "];

/// The most parts [`clean_headline`] cuts off a headline's end: a site adds one or two, and
/// each cut looks through the headline again (a 2 MB title of ` | Advertisement` repeated,
/// cut a part at a time to its start, would take quadratic time).
const MAX_HEADLINE_TAILS: usize = 3;

/// Cleans a title analysed as the headline, as [`clean`] cleans a text: nothing is rewritten,
/// the kept headline is a span of the title as written (so the headline's offsets stay those
/// of the title). Each last part after a separator ([`HEADLINE_TAIL_SEPARATORS`]) that is
/// debris as a whole line of a text would be ([`headline_debris_reason`]), what a site adds to
/// its titles, is dropped, up to [`MAX_HEADLINE_TAILS`] of them; so is what is left when it is
/// such debris whole.
/// A part that is no debris (`- Reuters`, `| AP News`) is kept: the text cleaner keeps such a
/// line too. A title of several lines is kept whole, as a paragraph of the text is.
///
/// ```text
/// Pompeo says talks failed | Latest News     Pompeo says talks failed     (page furniture)
/// Talks failed - Share this article          Talks failed                 (page furniture)
/// Advertisement                              (nothing)                    (page furniture)
/// Talks failed - Reuters                     Talks failed - Reuters
/// ```
pub fn clean_headline(title: &str) -> Cleaned {
    let mut out = Cleaned::default();
    let start = title.len() - title.trim_start().len();
    let mut end = start + title.trim().len();
    if title[start..end].contains(LINE_ENDS) {
        out.paragraphs.push(Span::new(start, end));
        return out;
    }
    for _ in 0..MAX_HEADLINE_TAILS {
        let kept = &title[start..end];
        let tail = HEADLINE_TAIL_SEPARATORS
            .iter()
            .filter_map(|sep| kept.rfind(sep).map(|at| (at, sep.len())))
            .max();
        let Some((at, reason)) = tail.and_then(|(at, len)| {
            let reason = headline_debris_reason(&kept[at + len..])?;
            kept[..at]
                .contains(char::is_alphanumeric)
                .then_some((at, reason))
        }) else {
            break;
        };
        // The separator goes with the part it brings in.
        let cut = start + kept[..at].trim_end().len();
        out.removed.push((Span::new(cut, end), reason));
        end = cut;
    }
    match headline_debris_reason(&title[start..end]) {
        Some(reason) => out.removed.push((Span::new(start, end), reason)),
        None => out.paragraphs.push(Span::new(start, end)),
    }
    out.removed.reverse();
    out
}

/// Why a headline's part is debris: only for a line a page repeats whole (`Latest News`,
/// `Advertisement`), markup or an ad's size. The other rules of [`debris_reason`] read a page's
/// short lines by their first words or their kind (`Subscribe to …`, `Sign up for …`, `Read
/// more: …`, a newsletter notice), and such words open real headlines: `Subscribe to Netflix?
/// Prices rise again, Reed Hastings says` lost every name to them.
fn headline_debris_reason(part: &str) -> Option<&'static str> {
    debris_reason(part).filter(|reason| ["markup", "ad size", "page furniture"].contains(reason))
}

/// Keeps the part `range` of a trimmed line that starts at byte `line_start` of the text, itself
/// trimmed; nothing when only white space is left, or, beside a credit, only punctuation (the
/// `.` of `… on Monday. (Photo by Sam Welch/Getty Images).`).
fn keep_part<'a>(
    kept: &mut Paragraphs<'a>,
    line: &'a str,
    line_start: usize,
    range: std::ops::Range<usize>,
    ends_paragraph: bool,
) {
    let whole_line = range == (0..line.len());
    let part = &line[range.clone()];
    let trimmed = part.trim();
    if trimmed.is_empty() || !(whole_line || trimmed.contains(char::is_alphanumeric)) {
        return;
    }
    let start = line_start + range.start + (part.len() - part.trim_start().len());
    kept.keep(
        trimmed,
        Span::new(start, start + trimmed.len()),
        ends_paragraph,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debris_lists_load() {
        crate::lexicon::check_lists(
            &[
                ("debris_lines", debris_lines()),
                ("debris_prefixes", debris_prefixes()),
                ("share_networks", share_networks()),
                ("boilerplate_phrases", boilerplate_phrases()),
            ],
            true,
        );
        // A quoted entry keeps its trailing space: "share on " is no prefix of "share online".
        assert!(debris_prefixes().contains(&"share on "));
        assert_eq!(debris_reason("Share on Facebook"), Some("page furniture"));
        assert_eq!(debris_reason("Share online banking tips"), None);
    }

    #[test]
    fn an_authors_twitter_promotion_is_debris_a_sentence_about_following_is_not() {
        for line in [
            "Follow Pam Key on Twitter @pamkeyNEN.",
            "\"Follow Pam Key on Twitter @pamkeyNEN.\"",
            "Follow John Nolte on Twitter @NolteNC",
        ] {
            assert_eq!(debris_reason(line), Some("author promotion"), "{line}");
        }
        for line in [
            "Follow the money on Twitter @ your own risk.",
            "Follow Pam Key on Twitter",
            "Follow Pam Key, who wrote it, on Twitter @pamkeyNEN.",
            "Voters follow Pam Key on Twitter @pamkeyNEN.",
        ] {
            assert_eq!(debris_reason(line), None, "{line}");
        }
    }

    fn kept(text: &str) -> Vec<&str> {
        clean(text)
            .paragraphs
            .iter()
            .map(|p| &text[p.range()])
            .collect()
    }

    #[test]
    fn drops_debris_and_repeated_captions_keeping_offsets() {
        let text = "728 x 90\n\nHeadline here\n\nSandër Lleshaj, Minister\nSandër Lleshaj, Minister\n\nBody text.\n\n\nLatest News and Articles\n";
        let c = clean(text);
        assert_eq!(
            kept(text),
            vec!["Headline here", "Sandër Lleshaj, Minister", "Body text."]
        );
        let reasons: Vec<&str> = c.removed.iter().map(|(_, r)| *r).collect();
        assert_eq!(reasons, vec!["ad size", "repeated line", "page furniture"]);
        assert_eq!(&text[c.removed[0].0.range()], "728 x 90");
    }

    #[test]
    fn hard_wrapped_lines_join_but_transcript_lines_split() {
        let text = "The minister spoke at length about the expulsion of the two\ndiplomats from Tirana.\nReporter: Why now?\nLleshaj: Security.";
        assert_eq!(
            kept(text),
            vec![
                "The minister spoke at length about the expulsion of the two\ndiplomats from Tirana.",
                "Reporter: Why now?",
                "Lleshaj: Security."
            ]
        );
    }

    #[test]
    fn a_dropped_line_ends_the_paragraph() {
        // Found by tests/fuzz.rs: joined over the ad line, the paragraph's span held it.
        let text = "The minister spoke at length about the expulsion of the two\n728 x 90\ndiplomats from Tirana.";
        let c = clean(text);
        assert_eq!(
            kept(text),
            vec![
                "The minister spoke at length about the expulsion of the two",
                "diplomats from Tirana."
            ]
        );
        assert!(c.paragraphs.iter().all(|p| !p.overlaps(c.removed[0].0)));
    }

    /// `Title\r\r"We are ready," said …` with lone carriage returns was one paragraph, and the
    /// title was read into the quote.
    #[test]
    fn lone_carriage_returns_end_lines_too() {
        let text = "Title\r\r\"We are ready,\" he said.\r\nNext: line\nLast";
        assert_eq!(
            kept(text),
            vec!["Title", "\"We are ready,\" he said.", "Next: line", "Last"]
        );
    }

    /// Unicode's separators end lines as `\n` does, and U+2029 a paragraph as a blank line
    /// does: `Angela\u{2029}Merkel` was one paragraph, and a mention ran over the break.
    #[test]
    fn unicode_line_and_paragraph_separators_end_lines_and_paragraphs() {
        let text = "Angela\u{2029}Merkel spoke to the assembled reporters at length and\u{2028}\
                    then left.\u{85}Later\u{2029}\u{2029}she returned";
        let with_newlines = text
            .replace(['\u{2028}', '\u{85}'], "\n")
            .replace('\u{2029}', "\n\n");
        let kept_here = kept(text);
        assert_eq!(kept_here.len(), 4, "{kept_here:?}");
        assert_eq!(kept_here[0], "Angela");
        let lines: Vec<String> = kept_here
            .iter()
            .map(|p| p.replace(['\u{2028}', '\u{85}'], "\n"))
            .collect();
        assert_eq!(lines, kept(&with_newlines));
    }

    fn removed(text: &str) -> Vec<(&str, &'static str)> {
        clean(text)
            .removed
            .iter()
            .map(|(s, r)| (&text[s.range()], *r))
            .collect()
    }

    /// An outside check: the byline and credit footer of wire copy made its journalists PER
    /// entities of the article.
    #[test]
    fn bylines_and_staff_credits_are_debris() {
        let text = "By Jane Holloway, Reuters\n\nLISBON (Reuters) - The port grew.\n\n\
                    Reporting by Dana Pellor; Editing by Rick Hanlow";
        assert_eq!(kept(text), vec!["LISBON (Reuters) - The port grew."]);
        assert_eq!(
            removed(text),
            vec![
                ("By Jane Holloway, Reuters", "byline"),
                (
                    "Reporting by Dana Pellor; Editing by Rick Hanlow",
                    "staff or photo credit"
                )
            ]
        );
        let text = "By Monday, the council said it would vote.";
        assert_eq!(kept(text), vec![text]);
    }

    /// An outside check: `(Photo by Sam Welch/Getty Images)` became the PER `Sam Welch/Getty
    /// Images`.
    #[test]
    fn photo_credits_are_debris_their_caption_is_kept() {
        let text = "A firefighter sprays water on August 3. (Photo by Sam Welch/Getty Images)\n\
                    Photo: Kevin Marsh/Reuters\n\nFire chief Dana Ruiz said it was contained.";
        assert_eq!(
            kept(text),
            vec![
                "A firefighter sprays water on August 3.",
                "Fire chief Dana Ruiz said it was contained."
            ]
        );
        assert_eq!(
            removed(text),
            vec![
                ("(Photo by Sam Welch/Getty Images)", "photo credit"),
                ("Photo: Kevin Marsh/Reuters", "staff or photo credit")
            ]
        );
        // The credit ends the caption's paragraph: the next line is not joined over it.
        let c =
            clean("A long caption of the fire in the hills at dusk. (AP Photo/Evan Vucci)\nmore");
        assert!(c.paragraphs.iter().all(|p| !p.overlaps(c.removed[0].0)));
    }

    /// A credit in brackets inside a line was kept, only one ending its line was dropped: `Sam
    /// Welch/Getty Images` became a person of the article. The text on each side is kept, at
    /// its offsets in the raw text, each side a paragraph of its own.
    #[test]
    fn a_photo_credit_inside_a_line_is_debris_the_text_around_it_is_kept() {
        let text = "The mayor spoke on Monday. (Photo by Sam Welch/Getty Images) She said the \
                    city would rebuild.\n\n(Kevin Marsh/AFP via Getty Images) Crews came \
                    (AP Photo/Evan Vucci).\nSam Welch/Getty Images\nThe end (in May).\n\nSmoke \
                    rose. [Photo: Sam Welch/Getty Images] It cleared. Evan Vucci/AP";
        assert_eq!(
            kept(text),
            vec![
                "The mayor spoke on Monday.",
                "She said the city would rebuild.",
                "Crews came",
                "The end (in May).",
                "Smoke rose.",
                "It cleared."
            ]
        );
        assert_eq!(
            removed(text),
            vec![
                ("(Photo by Sam Welch/Getty Images)", "photo credit"),
                ("(Kevin Marsh/AFP via Getty Images)", "photo credit"),
                ("(AP Photo/Evan Vucci)", "photo credit"),
                ("Sam Welch/Getty Images", "staff or photo credit"),
                ("[Photo: Sam Welch/Getty Images]", "photo credit"),
                ("Evan Vucci/AP", "photo credit"),
            ]
        );
        let c = clean(text);
        for (credit, _) in &c.removed {
            assert!(c.paragraphs.iter().all(|p| !p.overlaps(*credit)));
        }
    }

    /// An outside check: the buttons under "Share this article" became ORG entities.
    #[test]
    fn share_buttons_are_debris_after_a_share_heading_or_in_a_run() {
        let text = "Body.\n\nShare this article\nFacebook\nTwitter\nWhatsApp\nLinkedIn\nEmail\n\n\
                    Facebook\n\nThe end.\n\nTwitter\n\nFacebook\nX";
        assert_eq!(kept(text), vec!["Body.", "The end.", "Twitter"]);
        let reasons: Vec<&str> = removed(text).iter().map(|(_, r)| *r).collect();
        assert_eq!(reasons[0], "page furniture");
        assert_eq!(reasons[1..], ["share button"; 8]);
    }

    /// A review: a story quoting a banner's words lost the paragraph, its speaker and her quote;
    /// and a credit alone on its line left an empty paragraph between two quotes.
    #[test]
    fn a_quoted_banner_is_a_story_and_a_credit_alone_leaves_no_paragraph() {
        let text = "“We use cookies to remember what you like,” the retailer's chief executive, \
                    Dana Ruiz, said on Tuesday.\n\nShe said the site that uses cookies would \
                    change.";
        assert_eq!(kept(text).len(), 2, "{:?}", removed(text));
        let c = clean("“One,” she said.\n\n(AP Photo/Evan Vucci)\n\n“Two.”");
        assert_eq!(c.paragraphs.len(), 2, "{:?}", c.paragraphs);
        assert!(c.paragraphs.iter().all(|p| !p.is_empty()));
        assert_eq!(c.removed.len(), 1);
    }

    /// An outside check: a cookie banner's "you agree to our use of cookies" became a quote.
    #[test]
    fn cookie_banners_and_newsletter_boxes_are_debris() {
        let text = "We use cookies to improve your experience. By continuing to browse you agree \
                    to our use of cookies.\n\nAccept all cookies\n\nSign up to our newsletter\n\
                    Enter your email address\n\nThe mayor said cookies were a treat.";
        assert_eq!(kept(text), vec!["The mayor said cookies were a treat."]);
        assert!(removed(text)
            .iter()
            .all(|(_, r)| *r == "cookie or newsletter notice"));
    }

    /// An outside check: HTML paragraphs one per line were joined into one paragraph, and a line of
    /// tags only was text.
    #[test]
    fn html_lines_are_paragraphs_and_tag_only_lines_debris() {
        let text =
            "<div class=\"story\">\n<p>Health Minister Rosa Delgado said on Monday that hospitals \
                    were full.</p>\n<p>\"We need more nurses,\" Delgado said.</p>\n</div>";
        assert_eq!(
            kept(text),
            vec![
                "<p>Health Minister Rosa Delgado said on Monday that hospitals were full.</p>",
                "<p>\"We need more nurses,\" Delgado said.</p>"
            ]
        );
        assert_eq!(removed(text).len(), 2);
        assert!(removed(text).iter().all(|(_, r)| *r == "markup"));
    }

    /// What a site adds after its titles, debris as a text's line, is cut off a headline with
    /// its separator, part after part; the headline kept is a span of the title as written.
    #[test]
    fn a_headline_loses_the_debris_after_it() {
        fn cleaned(title: &str) -> (Vec<&str>, Vec<(&str, &'static str)>) {
            let c = clean_headline(title);
            let kept: Vec<&str> = c.paragraphs.iter().map(|s| &title[s.range()]).collect();
            let removed: Vec<(&str, &str)> = c
                .removed
                .iter()
                .map(|(s, r)| (&title[s.range()], *r))
                .collect();
            (kept, removed)
        }
        assert_eq!(
            cleaned("Pompeo says talks failed | Latest News"),
            (
                vec!["Pompeo says talks failed"],
                vec![(" | Latest News", "page furniture")]
            )
        );
        assert_eq!(
            cleaned("  Talks failed – Share this article | Advertisement "),
            (
                vec!["Talks failed"],
                vec![
                    (" – Share this article", "page furniture"),
                    (" | Advertisement", "page furniture")
                ]
            )
        );
        assert_eq!(
            cleaned("Advertisement"),
            (vec![], vec![("Advertisement", "page furniture")])
        );
        // No debris: kept whole, a site's name, what precedes a separator, several lines alike.
        for title in [
            "Talks failed - Reuters",
            "Latest News - Talks failed",
            "Talks failed\n| Latest News",
            "Iran talks",
            // Words that open a page's share or subscribe lines open headlines too (review,
            // session 53: these lost every name).
            "Subscribe to Netflix? Prices rise again, Reed Hastings says",
            "Read more: Biden wins Ohio",
            "Health exchange opens Monday - sign up for coverage by Dec. 15, Xavier Becerra says",
        ] {
            assert_eq!(cleaned(title), (vec![title], vec![]), "{title:?}");
        }
        // Three parts at most: a title of debris repeated is no quadratic work.
        let long = format!("Talks failed{}", " | Advertisement".repeat(100_000));
        let (kept, removed) = cleaned(&long);
        assert_eq!(removed.len(), 3);
        assert_eq!(kept[0].len(), long.len() - 3 * " | Advertisement".len());
    }

    #[test]
    fn ad_sizes() {
        assert!(is_ad_size("728 x 90"));
        assert!(is_ad_size("300x250"));
        assert!(is_ad_size("160 × 600"));
        assert!(!is_ad_size("2 x 4 lumber"));
        assert!(!is_ad_size("x"));
    }
}
