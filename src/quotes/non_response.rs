//! A non-response is no statement. `The campaign did not respond to a request for comment.` and
//! `Smith declined to comment on the case.` report that nothing was said; attribution corpora
//! mark some of them (PolNeAR marks about half of its `did not respond` sentences, content `to
//! requests for comment`), and the attribution model learned to read them, but in quotes.csv
//! `a request for comment` reads as the campaign's words. Such a reported statement is dropped:
//!
//! ```text
//! content                                   kept?
//! a request for comment                     no: a request noun (comment_requests.txt) opens it, then `comment`
//! repeated phone calls seeking comment      no: the same, after its modifiers
//! to comment on the case                    no: the object of a refusal (`declined to comment …`)
//! that he could not comment on the letter   yes: a reported statement about commenting
//! “No comment,”                             yes: a direct quote, words said
//! ```

use super::{Quote, QuoteKind};
use crate::lexicon::word_list;
use crate::text::Document;

word_list! {
    /// Nouns of a request for comment.
    fn comment_requests = "lexicon/comment_requests.txt";
}
word_list! {
    /// Words between a request noun and `comment`: `for`, `seeking`.
    fn comment_links = "lexicon/comment_links.txt";
}

/// The most words a request for comment runs to (`a request for comment on the ruling from the
/// governor's office` is 11); a longer content is read as a statement.
const MAX_REQUEST_WORDS: usize = 12;

/// The words before a request noun: `repeated phone calls`, `a recent request`.
const MAX_WORDS_BEFORE_REQUEST: usize = 3;

/// The words between a request noun and `comment`: `asking for` of `emails asking for comment`.
const MAX_LINK_WORDS: usize = 2;

/// The words after `comment`: `on the ruling from the governor's office`.
const MAX_TAIL_WORDS: usize = 7;

/// `quotes` without the reported statements that are non-responses.
pub(super) fn without_non_responses(doc: &Document, mut quotes: Vec<Quote>) -> Vec<Quote> {
    quotes.retain(|q| q.kind == QuoteKind::Direct || !is_non_response(doc.slice(q.span)));
    quotes
}

/// Whether a reported content says only that comment was asked for or refused: a request noun
/// near its start, `comment` at most two linking words after it (`for`, `seeking`, `asking
/// for`), and after that at most a short tail with no verb of its own (`on Friday`, `from
/// the governor's office`) — where `requests for comment should be sent to the press office`
/// and `calls for his resignation over the comments were …` are statements.
fn is_non_response(content: &str) -> bool {
    let words: Vec<String> = content
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    // A that-clause reports words: `that calls for comment went unanswered`.
    if words.is_empty() || words.len() > MAX_REQUEST_WORDS || words[0] == "that" {
        return false;
    }
    let is_comment = |w: &String| w == "comment";
    let (comment, opening) = if words[0] == "to" && words.get(1).is_some_and(is_comment) {
        (1, &words[..0])
    } else {
        let Some(request) = words
            .iter()
            .take(MAX_WORDS_BEFORE_REQUEST + 1)
            .position(|w| comment_requests().contains(&w.as_str()))
        else {
            return false;
        };
        let links = &words[request + 1..];
        let Some(at) = links.iter().take(MAX_LINK_WORDS + 1).position(is_comment) else {
            return false;
        };
        if !links[..at]
            .iter()
            .all(|w| comment_links().contains(&w.as_str()))
        {
            return false;
        }
        (request + 1 + at, &words[..request])
    };
    let tail = &words[comment + 1..];
    let verb = |w: &String| super::attribution::auxiliaries().contains(&w.as_str());
    tail.len() <= MAX_TAIL_WORDS && !tail.iter().chain(opening).any(verb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_for_comment_and_refusals_are_non_responses() {
        for content in [
            "a request for comment",
            "to requests for comment",
            "requests to comment on the subject",
            "repeated phone calls seeking comment",
            "an email seeking comment on Friday",
            "to comment on the case",
            "to comment.",
        ] {
            assert!(is_non_response(content), "{content}");
        }
    }

    #[test]
    fn statements_about_comments_are_statements() {
        for content in [
            "that he could not comment on the letter because he has not seen it",
            "derogatory comments Trump had made about Machado",
            "the agency does not comment on specific transactions",
            "that the request was denied",
            "that calls for comment went unanswered",
            "calls for his resignation over the comments were politically motivated",
            "requests for comment should be sent to the press office",
            "emails seeking comment from voters had flooded her office",
            "phone calls seeking comment from the governor's office about the ruling on Friday",
            "comment",
        ] {
            assert!(!is_non_response(content), "{content}");
        }
    }

    #[test]
    fn only_reported_non_responses_leave_the_list() {
        let text =
            "The campaign did not respond to a request for comment. \"No comment,\" he said.";
        let doc = Document::new(
            "t".into(),
            String::new(),
            text.into(),
            &crate::clean::clean(text),
        );
        let span_of = |s: &str| {
            let start = text.find(s).unwrap();
            crate::text::Span::new(start, start + s.len())
        };
        let quote = |content: &str, kind| Quote {
            span: span_of(content),
            cue: None,
            speaker: None,
            speaker_entity: None,
            kind,
        };
        let kept = without_non_responses(
            &doc,
            vec![
                quote("a request for comment", QuoteKind::Indirect),
                quote("No comment,", QuoteKind::Direct),
            ],
        );
        assert_eq!(kept, [quote("No comment,", QuoteKind::Direct)]);
    }

    #[test]
    fn the_list_loads() {
        crate::lexicon::check_lists(
            &[
                ("comment_requests", comment_requests()),
                ("comment_links", comment_links()),
            ],
            true,
        );
    }
}
