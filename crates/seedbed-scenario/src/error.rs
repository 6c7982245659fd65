//! Problems found in a scenario, and the error that carries them with their source text.

use std::fmt;
use std::ops::Range;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};

/// Where a problem is in a scenario file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// Line, counted from 1.
    pub line: usize,
    /// Column in characters, counted from 1.
    pub column: usize,
    /// Byte range in the file, for underlining.
    pub span: Range<usize>,
}

impl Location {
    /// Computes line and column of the start of `span` in `text`.
    /// Out-of-range or mid-character offsets are clamped, never a panic.
    pub fn from_span(text: &str, span: Range<usize>) -> Self {
        let start = floor_boundary(text, span.start);
        let end = floor_boundary(text, span.end).max(start);
        let before = &text[..start];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Location { line, column, span: start..end }
    }
}

/// The largest char boundary of `text` at or below `i`.
fn floor_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One thing wrong with a scenario: the parameter's dotted path, what is wrong and what is
/// allowed, and where it is in the file when the scenario came from one.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// Dotted parameter path (`labour.graduates_per_year`, `industries.general-ai.difficulty`);
    /// empty for problems that concern no parameter (syntax errors, unreadable files).
    pub path: String,
    /// What is wrong, and what is allowed.
    pub message: String,
    /// Where in the file, when known.
    pub location: Option<Location>,
}

impl Problem {
    /// A problem without a location.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem { path: path.into(), message: message.into(), location: None }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() { write!(f, "{}", self.message) } else { write!(f, "{}: {}", self.path, self.message) }
    }
}

/// A scenario that could not be loaded or resolved: every problem found, with the source text
/// so that a `miette` report can underline each offending spot.
///
/// `Display` gives one line per problem: `file:line:column: path: message`.
#[derive(Debug)]
pub struct ScenarioError {
    origin: String,
    source: Option<NamedSource<String>>,
    problems: Vec<Problem>,
}

impl ScenarioError {
    /// An error for `origin` (a file name or scenario name); `text` is the file's content, if any.
    pub fn new(origin: &str, text: Option<&str>, problems: Vec<Problem>) -> Self {
        let source = text.map(|t| NamedSource::new(origin, t.to_string()).with_language("TOML"));
        ScenarioError { origin: origin.to_string(), source, problems }
    }

    /// The file name or scenario name the problems are in.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Every problem found, in file order.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Writes one problem as `origin:line:column: path: message`.
    fn write_problem(&self, f: &mut fmt::Formatter<'_>, p: &Problem) -> fmt::Result {
        match &p.location {
            Some(l) => write!(f, "{}:{}:{}: {p}", self.origin, l.line, l.column),
            None => write!(f, "{}: {p}", self.origin),
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problems.as_slice() {
            [] => write!(f, "{}: invalid scenario", self.origin),
            [one] => self.write_problem(f, one),
            many => {
                write!(f, "{} problems in {}:", many.len(), self.origin)?;
                for p in many {
                    writeln!(f)?;
                    self.write_problem(f, p)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ScenarioError {}

impl Diagnostic for ScenarioError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("seedbed::scenario"))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(
            "`seedbed show` lists every parameter with its unit and allowed range; docs/parameters.md documents them",
        ))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let labels = self.problems.iter().filter_map(|p| {
            let l = p.location.as_ref()?;
            Some(LabeledSpan::new_with_span(Some(short(&p.message).to_string()), l.span.clone()))
        });
        Some(Box::new(labels))
    }
}

/// The first clause of a message, for a label under the source line (the full text is in the header).
fn short(message: &str) -> &str {
    message.split("; ").next().unwrap_or(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_counts_lines_and_characters_from_one() {
        let text = "a = 1\n# é\nbé = 2\n";
        let at = text.find("= 2").unwrap();
        let l = Location::from_span(text, at..at + 3);
        assert_eq!((l.line, l.column), (3, 4));
        assert_eq!(Location::from_span(text, 0..1).line, 1);
    }

    #[test]
    fn location_clamps_bad_offsets() {
        let text = "é";
        let l = Location::from_span(text, 1..99);
        assert_eq!((l.line, l.column, l.span), (1, 1, 0..2));
    }

    #[test]
    fn display_has_file_line_column_path_message() {
        let mut p = Problem::new("labour.x", "unknown key");
        p.location = Some(Location { line: 2, column: 1, span: 8..9 });
        let e = ScenarioError::new("f.toml", Some("[labour]\nx = 1\n"), vec![p.clone(), Problem::new("", "oops")]);
        let text = e.to_string();
        assert!(text.contains("f.toml:2:1: labour.x: unknown key"), "{text}");
        assert!(text.contains("f.toml: oops"), "{text}");
        assert_eq!(e.labels().unwrap().count(), 1);
    }
}
