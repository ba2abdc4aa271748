//! Reading PolNeAR's brat standoff: `text/NAME.txt` and `attributions/NAME_ANNOTATOR.ann`.
//!
//! Every line of an .ann file is an annotation, led by its id and a tab; `T` lines are spans
//! (character offsets, end exclusive, fragments of a discontinuous span joined by `;`) with the
//! text they cover, `E` lines tie spans into one attribution:
//!
//! ```text
//! T1⇥Source 9 22⇥Tomas Berisha
//! T2⇥Cue 23 27⇥said
//! T3⇥Content 28 47;52 59⇥the bridge was safe and is open    (fragments joined by a space)
//! T4⇥Attribution 23 27⇥said
//! E1⇥Attribution:T4 Content:T3 Cue:T2 Source:T1
//! #1⇥AnnotatorNotes T3⇥unsure                                 (A, R, N, # and * lines: read past)
//! ```
//!
//! (⇥: a tab.) A span over a paragraph break keeps the break in its text column, whose lines
//! then follow the `T` line with no id: the text `ab\n\nThe cd` under `T1⇥Content 0 2;4 10⇥ab`
//! continues on an empty line and on `The cd`. Only as many such lines as the span's text has
//! line breaks are read so; any other line without an id is an error, since it is most often
//! an annotation that lost its id (`T7    Content …` with spaces for the tab) and would
//! otherwise be dropped without a word. A byte order mark before line 1 is taken away, and
//! blank lines between annotations are read past.
//!
//! Each span's text column is compared with the text at its offsets (white space runs counted
//! as one space, a discontinuous span as its fragments joined by a space or as the text from
//! its first fragment to its last): offsets into another copy of the text (CRLF line ends add a
//! character to each line) would shift every gold span, and the scores with them, silently.
//! An `E` argument naming no span, a second span under one id, an empty span and an .ann
//! without its .txt are errors too, each naming the .ann file and line; so is a text or .ann
//! that is no regular file (a FIFO is never opened: it waited for a writer for ever). What the scores cannot
//! count is left out and said (`note: 3 gold annotations left out`, naming the first): an
//! event without a Content, an argument of a role other than Content, Cue and Source
//! (`Sorce:T1`), a Content span that no event names.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::{GoldArticle, GoldAttribution};
use crate::eval::CharToByte;
use crate::text::Span;

/// `T12`, `E3`, `#1`, `*`: the first field of every annotation line (a letter or `#` and a
/// number, or the `*` of an equivalence).
fn is_annotation_id(field: &str) -> bool {
    let mut chars = field.chars();
    field == "*"
        || (chars
            .next()
            .is_some_and(|c| c.is_ascii_uppercase() || c == '#')
            && field.len() > 1
            && chars.all(|c| c.is_ascii_digit()))
}

/// A `T` line: its span type, fragments as byte spans, and the text column as the .ann gives
/// it (with its continuation lines).
struct SpanLine<'a> {
    line: usize,
    kind: &'a str,
    pieces: Vec<Span>,
    ann_text: Option<String>,
}

/// An `E` line: its number, id and `(role, id)` arguments.
struct EventLine<'a> {
    line: usize,
    id: &'a str,
    args: Vec<(&'a str, &'a str)>,
}

/// An .ann file read line by line against its text.
struct AnnReader<'a> {
    text: &'a str,
    offsets: CharToByte,
    spans: BTreeMap<&'a str, SpanLine<'a>>,
    events: Vec<EventLine<'a>>,
    /// The last `T` line's id and how many more continuation lines its text may take.
    open: Option<(&'a str, usize)>,
}

impl<'a> AnnReader<'a> {
    fn line(&mut self, n: usize, line: &'a str) -> Result<()> {
        let fields: Vec<&str> = line.splitn(3, '\t').collect();
        if !is_annotation_id(fields[0]) {
            return self.continuation(line);
        }
        self.open = None;
        if line.starts_with('T') {
            self.span_line(n, &fields)
        } else if line.starts_with('E') {
            self.event_line(n, &fields)
        } else {
            Ok(())
        }
    }

    /// A line without an id: the next line of the open span's text, or blank, or an error.
    fn continuation(&mut self, line: &str) -> Result<()> {
        if let Some((id, left @ 1..)) = self.open {
            if let Some(text) = self.spans.get_mut(id).and_then(|s| s.ann_text.as_mut()) {
                text.extend(["\n", line]);
                self.open = Some((id, left - 1));
                return Ok(());
            }
        }
        if line.trim().is_empty() {
            return Ok(());
        }
        bail!(
            "{line:?} is no annotation line (an id such as T1, E1, A1 or #1, then a tab) nor a \
             line of a span's text"
        )
    }

    fn span_line(&mut self, n: usize, fields: &[&'a str]) -> Result<()> {
        let [id, typed, ..] = fields[..] else {
            bail!("expected `T<TAB>Type start end<TAB>text`")
        };
        let (kind, ranges) = typed
            .split_once(' ')
            .context("expected `T<TAB>Type start end<TAB>text`")?;
        let mut pieces = Vec::new();
        for range in ranges.split(';') {
            let mut nums = range.split_whitespace().map(str::parse::<usize>);
            let (Some(Ok(s)), Some(Ok(e)), None) = (nums.next(), nums.next(), nums.next()) else {
                bail!("bad span {range:?}")
            };
            if s == e {
                bail!("{id}: empty span {range:?}");
            }
            pieces.push(self.offsets.span(s, e).with_context(|| id.to_string())?);
        }
        let ann_text = fields.get(2).map(|t| t.to_string());
        if ann_text.is_some() {
            let covered = &self.text[covering(&pieces)];
            self.open = Some((id, covered.matches('\n').count()));
        }
        let span = SpanLine {
            line: n,
            kind,
            pieces,
            ann_text,
        };
        if let Some(first) = self.spans.insert(id, span) {
            bail!("{id} is defined twice (first on line {})", first.line);
        }
        Ok(())
    }

    fn event_line(&mut self, n: usize, fields: &[&'a str]) -> Result<()> {
        let [id, args, ..] = fields[..] else {
            bail!("expected `E<TAB>Role:T…`")
        };
        if let Some(first) = self.events.iter().find(|e| e.id == id) {
            bail!("{id} is defined twice (first on line {})", first.line);
        }
        let args = args
            .split_whitespace()
            .map(|a| {
                a.split_once(':')
                    .with_context(|| format!("{id}: {a:?} is no Role:Id"))
            })
            .collect::<Result<_>>()?;
        self.events.push(EventLine { line: n, id, args });
        Ok(())
    }

    /// Each span's text column checked against the text; the attributions, in text order.
    fn finish(self, id: &str) -> Result<GoldArticle> {
        // In line order, so the error names the first span that moved.
        let mut in_order: Vec<(&&str, &SpanLine)> = self.spans.iter().collect();
        in_order.sort_by_key(|(_, span)| span.line);
        for (tid, span) in in_order {
            check_span_text(self.text, tid, span).with_context(|| format!("line {}", span.line))?;
        }
        let mut attributions = Vec::new();
        let mut left_out = self.unlinked_contents();
        for event in &self.events {
            let mut a = GoldAttribution::default();
            // The first argument is the event's type and trigger (`Attribution:T4`).
            for (k, (role, tid)) in event.args.iter().enumerate() {
                let role_name = role.trim_end_matches(|c: char| c.is_ascii_digit());
                let Some(span) = self.spans.get(tid) else {
                    let scored = matches!(role_name, "Content" | "Cue" | "Source");
                    if self.events.iter().any(|e| e.id == *tid) {
                        // An event as the argument of a role the scorer reads was skipped,
                        // and the quote then said to have "no Content".
                        if scored {
                            bail!(
                                "line {}: {} gives the role {role} to {tid}, which is an event, \
                                 not a text span (a {role_name} names a T line)",
                                event.line,
                                event.id
                            );
                        }
                        continue; // an event as an argument: no span of its own
                    }
                    bail!(
                        "line {}: {} names {tid}, which no line defines",
                        event.line,
                        event.id
                    );
                };
                match role_name {
                    "Content" => a.content.extend(&span.pieces),
                    "Cue" => a.cue.extend(&span.pieces),
                    "Source" => a.source.extend(&span.pieces),
                    _ if k == 0 => {}
                    _ => left_out.push(format!(
                        "line {}: {} gives {tid} the role {role:?}, none of Content, Cue, Source",
                        event.line, event.id
                    )),
                }
            }
            if a.content.is_empty() {
                left_out.push(format!("line {}: {} has no Content", event.line, event.id));
            } else {
                a.content.sort();
                attributions.push(a);
            }
        }
        attributions.sort_by_key(|a| a.content[0]);
        Ok(GoldArticle {
            id: id.to_string(),
            text: self.text.to_string(),
            attributions,
            entities: Vec::new(),
            left_out,
        })
    }
}

impl AnnReader<'_> {
    /// A `Content` span no event names: a quote whose event the annotator forgot, left out of
    /// the gold (the quote found there counts as spurious), so said.
    fn unlinked_contents(&self) -> Vec<String> {
        let named = |tid: &str| {
            self.events
                .iter()
                .any(|e| e.args.iter().any(|a| a.1 == tid))
        };
        let mut unlinked: Vec<(&&str, &SpanLine)> = self
            .spans
            .iter()
            .filter(|(tid, span)| span.kind == "Content" && !named(tid))
            .collect();
        unlinked.sort_by_key(|(_, span)| span.line);
        unlinked
            .iter()
            .map(|(tid, span)| format!("line {}: Content {tid} is in no event", span.line))
            .collect()
    }
}

/// Whether a `T` line's text column is the text at its offsets: its fragments joined by a space
/// (brat) or the text from the first to the last (PolNeAR over a paragraph break), white space
/// runs counted as one space.
fn check_span_text(text: &str, tid: &str, span: &SpanLine) -> Result<()> {
    let Some(ann_text) = &span.ann_text else {
        return Ok(());
    };
    let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let joined: Vec<&str> = span.pieces.iter().map(|p| &text[p.range()]).collect();
    let joined = joined.join(" ");
    let covered = &text[covering(&span.pieces)];
    let said = squeeze(ann_text);
    if said == squeeze(&joined) || said == squeeze(covered) {
        return Ok(());
    }
    bail!(
        "{tid} ({}) says {ann_text:?} but the text holds {joined:?} there (offsets into another \
         copy of the text, such as one with CRLF line ends?)",
        span.kind
    )
}

/// Parses one brat .ann file against its text (`id` names the article and, as `ID.ann`, the
/// file in errors).
pub fn parse_brat(id: &str, text: &str, ann: &str) -> Result<GoldArticle> {
    parse_ann(id, &format!("{id}.ann"), text, ann)
}

/// [`parse_brat`], errors naming the .ann as `source`.
fn parse_ann(id: &str, source: &str, text: &str, ann: &str) -> Result<GoldArticle> {
    let mut reader = AnnReader {
        text,
        offsets: CharToByte::new(text),
        spans: BTreeMap::new(),
        events: Vec::new(),
        open: None,
    };
    // A byte order mark (an editor's) would hide line 1's id, and the span on it.
    let ann = ann.strip_prefix('\u{feff}').unwrap_or(ann);
    for (n, line) in ann.lines().enumerate() {
        reader
            .line(n + 1, line)
            .with_context(|| format!("{source}: line {}", n + 1))?;
    }
    let mut article = reader.finish(id).with_context(|| source.to_string())?;
    for why in &mut article.left_out {
        *why = format!("{source}: {why}");
    }
    Ok(article)
}

/// Loads a brat folder (`text/*.txt`, `attributions/*_ANNOTATOR.ann`), one annotation per
/// article: the first annotator in sorted order. A text without any .ann is an error.
pub fn load_brat_dir(dir: &Path) -> Result<Vec<GoldArticle>> {
    load_brat_annotations(dir, false)
}

/// Reads a brat folder's annotations: with `every_annotator`, one [`GoldArticle`] per .ann file
/// (several per article where several annotators labelled it: training data), else the first
/// annotator's only, as [`load_brat_dir`]. `NAME_ANNOTATOR.ann` annotates `text/NAME.txt` (the
/// name up to the last `_`; the whole name when it has none); an .ann without that text, or a
/// text without any .ann, is an error.
pub fn load_brat_annotations(dir: &Path, every_annotator: bool) -> Result<Vec<GoldArticle>> {
    let text_dir = dir.join("text");
    let anns = ann_files(&dir.join("attributions"), every_annotator)?;
    refuse_texts_without_ann(&text_dir, &anns)?;
    let mut out = Vec::new();
    for (article, ann_path) in anns {
        let text_path = text_dir.join(format!("{article}.txt"));
        if !text_path.exists() {
            bail!(
                "{}: no text {} for it (NAME_ANNOTATOR.ann annotates text/NAME.txt)",
                ann_path.display(),
                text_path.display()
            );
        }
        let text = read_brat_file(&text_path)?;
        let ann = read_brat_file(&ann_path)?;
        out.push(parse_ann(
            &article,
            &ann_path.display().to_string(),
            &text,
            &ann,
        )?);
    }
    Ok(out)
}

/// The text of a file of a brat folder, which must be a regular file (through links): a FIFO
/// named `text/NAME.txt` was opened and waited for a writer for ever, as `extract` never opens
/// one of a folder it reads.
fn read_brat_file(path: &Path) -> Result<String> {
    crate::paths::read_regular_text(path).with_context(|| format!("cannot read {}", path.display()))
}

/// A `text/NAME.txt` without any `attributions/NAME_ANNOTATOR.ann` is an error, as an .ann
/// without its text is: skipped, its article vanished from the scores without a word (the
/// quotes found in it never counted spurious), as one whose .ann was misnamed (`NAME_a1.ANN`).
fn refuse_texts_without_ann(text_dir: &Path, anns: &[(String, PathBuf)]) -> Result<()> {
    let listing = std::fs::read_dir(text_dir)
        .with_context(|| format!("cannot list {}", text_dir.display()))?;
    let annotated = |name: &str| anns.iter().any(|(article, _)| article == name);
    for entry in listing {
        let path = entry
            .with_context(|| format!("cannot list {}", text_dir.display()))?
            .path();
        let stem = path.file_stem().and_then(|s| s.to_str());
        match stem {
            Some(name) if path.extension().is_some_and(|e| e == "txt") && !annotated(name) => {
                bail!(
                    "{}: no attributions/{name}_ANNOTATOR.ann for it (text/NAME.txt is annotated \
                     by attributions/NAME_ANNOTATOR.ann)",
                    path.display()
                )
            }
            _ => {}
        }
    }
    Ok(())
}

/// The .ann files of an `attributions` folder with their articles, in order of article and
/// annotator: all of them, or the first annotator's of each article.
fn ann_files(ann_dir: &Path, every_annotator: bool) -> Result<Vec<(String, PathBuf)>> {
    let listing =
        std::fs::read_dir(ann_dir).with_context(|| format!("cannot list {}", ann_dir.display()))?;
    let mut ann_paths = Vec::new();
    for entry in listing {
        let entry = entry.with_context(|| format!("cannot list {}", ann_dir.display()))?;
        ann_paths.push(entry.path());
    }
    // Sorted, so the first annotator of each article comes first.
    ann_paths.sort();
    let mut anns: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for path in ann_paths {
        if path.extension().is_none_or(|e| e != "ann") {
            continue;
        }
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            bail!("{}: the name is not UTF-8", path.display());
        };
        let article = stem.rsplit_once('_').map_or(stem, |(a, _)| a).to_string();
        let paths = anns.entry(article).or_default();
        if every_annotator || paths.is_empty() {
            paths.push(path);
        }
    }
    Ok(anns
        .into_iter()
        .flat_map(|(a, paths)| paths.into_iter().map(move |p| (a.clone(), p)))
        .collect())
}

/// The bytes from a span's first fragment to its last: fragments may be listed in any order
/// (PolNeAR lists some backwards).
fn covering(pieces: &[Span]) -> std::ops::Range<usize> {
    let start = pieces.iter().map(|p| p.start).min().unwrap_or(0);
    let end = pieces.iter().map(|p| p.end).max().unwrap_or(0);
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An event without a Content (PolNeAR has a few) is left out of the gold and said to be,
    /// naming its file and line: before, it vanished without a word.
    #[test]
    fn an_event_without_a_content_is_left_out_and_named() {
        let text = "Ana said no.";
        let ann = "T1\tSource 0 3\tAna\nT2\tCue 4 8\tsaid\nT3\tContent 9 11\tno\n\
                   E1\tAttribution:T2 Cue:T2 Source:T1\nE2\tAttribution:T2 Content:T3 Cue:T2\n";
        let a = parse_ann("a", "a_x.ann", text, ann).unwrap();
        assert_eq!(a.attributions.len(), 1);
        assert_eq!(a.left_out, ["a_x.ann: line 4: E1 has no Content"]);
    }

    /// An event given as an argument of Content (or Cue, Source) is an error saying so: it was
    /// skipped, and its quote left out as one that "has no Content", though it named one.
    #[test]
    fn an_event_as_a_content_is_an_error_saying_so() {
        let text = "Ana said no.";
        let ann = "T2\tCue 4 8\tsaid\nT3\tContent 9 11\tno\nE1\tAttribution:T2 Content:T3\n\
                   E2\tAttribution:T2 Content:E1 Cue:T2\n";
        let e = format!("{:#}", parse_ann("a", "a_x.ann", text, ann).unwrap_err());
        assert!(
            e.contains(
                "line 4: E2 gives the role Content to E1, which is an event, not a text span"
            ),
            "{e}"
        );
    }

    /// A text without any .ann is an error naming it, as an .ann without its text is; it was
    /// skipped without a word.
    #[test]
    fn a_text_without_an_ann_is_an_error_naming_it() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        for sub in ["text", "attributions"] {
            std::fs::create_dir(dir.join(sub)).unwrap();
        }
        std::fs::write(dir.join("text/a.txt"), "Ana said no.").unwrap();
        let ann = "T2\tCue 4 8\tsaid\nT3\tContent 9 11\tno\nE1\tAttribution:T2 Content:T3\n";
        std::fs::write(dir.join("attributions/a_x.ann"), ann).unwrap();
        assert_eq!(load_brat_dir(dir).unwrap().len(), 1);
        std::fs::write(dir.join("text/b.txt"), "Bo said yes.").unwrap();
        std::fs::write(dir.join("attributions/b_x.ANN"), ann).unwrap();
        let e = format!("{:#}", load_brat_dir(dir).unwrap_err());
        assert!(e.contains("b.txt: no attributions/b_ANNOTATOR.ann"), "{e}");
    }

    /// A FIFO at a text's or an .ann's name is refused, naming it, never opened: the scorer
    /// waited for a writer for ever.
    #[cfg(unix)]
    #[test]
    fn a_fifo_in_a_brat_folder_is_refused_not_opened() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        for sub in ["text", "attributions"] {
            std::fs::create_dir(dir.join(sub)).unwrap();
        }
        let ann = "T2\tCue 4 8\tsaid\nT3\tContent 9 11\tno\nE1\tAttribution:T2 Content:T3\n";
        std::fs::write(dir.join("attributions/a_x.ann"), ann).unwrap();
        crate::paths::special::make_fifo(&dir.join("text/a.txt"));
        let owned = dir.to_path_buf();
        let e = crate::paths::special::at_once(move || {
            format!("{:#}", load_brat_dir(&owned).unwrap_err())
        });
        assert!(e.contains("a.txt") && e.contains("FIFO"), "{e}");
        std::fs::remove_file(dir.join("text/a.txt")).unwrap();
        std::fs::write(dir.join("text/a.txt"), b"Ana said \xffo.").unwrap();
        let e = format!("{:#}", load_brat_dir(dir).unwrap_err());
        assert!(e.contains("a.txt: invalid UTF-8 at byte 9"), "{e}");
    }

    /// A Content span no event links and an argument of a role the scorer does not know are
    /// left out and named, where they vanished without a word.
    #[test]
    fn an_unlinked_content_and_an_unknown_role_are_left_out_and_named() {
        let text = "Ana said no. Bo said yes.";
        let ann = "T1\tSource 0 3\tAna\nT2\tCue 4 8\tsaid\nT3\tContent 9 11\tno\n\
                   T4\tContent 21 24\tyes\nT5\tSource 13 15\tBo\n\
                   E1\tAttribution:T2 Content:T3 Cue:T2 Sorce:T1\n";
        let a = parse_ann("a", "a_x.ann", text, ann).unwrap();
        assert_eq!(a.attributions.len(), 1);
        assert!(a.attributions[0].source.is_empty());
        assert_eq!(
            a.left_out,
            [
                "a_x.ann: line 4: Content T4 is in no event",
                "a_x.ann: line 6: E1 gives T1 the role \"Sorce\", none of Content, Cue, Source",
            ]
        );
    }

    #[test]
    fn a_span_text_continues_on_as_many_lines_as_it_has_breaks_and_other_ids_are_read_past() {
        let text = "ab\n\nThe cd";
        let event = "E1\tAttribution:T1 Content:T1\n";
        let two = format!("T1\tContent 0 2;4 10\tab\n\nThe cd\n{event}");
        assert_eq!(parse_brat("x", text, &two).unwrap().attributions.len(), 1);
        let three = format!("T1\tContent 0 2;4 10\tab\n\nThe cd\nmore\n{event}");
        let e = format!("{:#}", parse_brat("x", text, &three).unwrap_err());
        assert!(
            e.contains("x.ann: line 4") && e.contains("no annotation line"),
            "{e}"
        );
        let others = format!(
            "T1\tContent 0 2\tab\n#1\tAnnotatorNotes T1\tsure\nA1\tNegated E1\n\
             R1\tRel Arg1:T1 Arg2:T1\n*\tEquiv T1 T1\n{event}\n\n"
        );
        assert_eq!(
            parse_brat("x", text, &others).unwrap().attributions.len(),
            1
        );
    }
}
