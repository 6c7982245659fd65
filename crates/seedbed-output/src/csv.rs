//! CSV: a header row, then one line per row, `\n` line endings.
//!
//! Integers are printed as is. Reals use Rust's shortest round-trip formatting (`{:?}`): the
//! fewest digits that parse back to the same `f64`, always with a `.` or an exponent so that
//! a real column stays real in tools that guess types (`1.0`, `0.1`, `1e-7`, `2.5e16`);
//! non-finite values print as `NaN`, `inf`, `-inf`. Text (and header names) is quoted when
//! it contains a comma, a double quote, a line break, or starts or ends with a space;
//! quotes inside are doubled (RFC 4180).

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use seedbed_model::frame::{Column, Data, Frame};

use crate::error::{Error, Result};

/// A CSV file being streamed.
pub(crate) struct CsvSink {
    out: BufWriter<File>,
    /// One line, reused between rows.
    line: String,
}

impl CsvSink {
    /// A sink on the open `file`.
    pub(crate) fn new(file: File) -> Self {
        CsvSink { out: BufWriter::with_capacity(1 << 16, file), line: String::new() }
    }

    /// Writes the header row.
    pub(crate) fn start(&mut self, path: &Path, columns: &[Column]) -> Result<()> {
        self.line.clear();
        for (i, c) in columns.iter().enumerate() {
            if i > 0 {
                self.line.push(',');
            }
            push_text(&mut self.line, &c.name);
        }
        self.line.push('\n');
        self.out.write_all(self.line.as_bytes()).map_err(|e| Error::io(path, e))
    }

    /// Writes the rows of a checked frame.
    pub(crate) fn write(&mut self, path: &Path, frame: &Frame) -> Result<()> {
        for row in 0..frame.rows() {
            self.line.clear();
            for (i, d) in frame.data.iter().enumerate() {
                if i > 0 {
                    self.line.push(',');
                }
                push_value(&mut self.line, d, row);
            }
            self.line.push('\n');
            self.out.write_all(self.line.as_bytes()).map_err(|e| Error::io(path, e))?;
        }
        Ok(())
    }

    /// Flushes the buffer to the file.
    pub(crate) fn finish(mut self, path: &Path) -> Result<()> {
        self.out.flush().map_err(|e| Error::io(path, e))
    }
}

/// Appends the value at `row` of `data`.
fn push_value(line: &mut String, data: &Data, row: usize) {
    match data {
        Data::Int(v) => write!(line, "{}", v[row]).expect("writing to a String"),
        Data::Real(v) => push_real(line, v[row]),
        Data::Text(v) => push_text(line, &v[row]),
        Data::Labels(l) => push_text(line, l.get(row)),
    }
}

/// Appends a real in shortest round-trip form.
pub(crate) fn push_real(line: &mut String, x: f64) {
    write!(line, "{x:?}").expect("writing to a String");
}

/// Appends a text field, quoted when needed.
pub(crate) fn push_text(line: &mut String, s: &str) {
    if needs_quotes(s) {
        line.push('"');
        for ch in s.chars() {
            if ch == '"' {
                line.push('"');
            }
            line.push(ch);
        }
        line.push('"');
    } else {
        line.push_str(s);
    }
}

/// Whether a text field must be quoted.
fn needs_quotes(s: &str) -> bool {
    s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn real(x: f64) -> String {
        let mut s = String::new();
        push_real(&mut s, x);
        s
    }

    fn text(t: &str) -> String {
        let mut s = String::new();
        push_text(&mut s, t);
        s
    }

    #[test]
    fn reals_are_shortest_round_trip() {
        assert_eq!(real(1.0), "1.0");
        assert_eq!(real(0.1), "0.1");
        assert_eq!(real(-2.5), "-2.5");
        assert_eq!(real(1e-7), "1e-7");
        assert_eq!(real(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(real(f64::NAN), "NaN");
        for x in [std::f64::consts::PI, 1.0 / 3.0, 123456.789e10, f64::MIN_POSITIVE, f64::MAX, -0.0] {
            assert_eq!(real(x).parse::<f64>().unwrap().to_bits(), x.to_bits(), "{x}");
        }
    }

    #[test]
    fn text_is_quoted_when_needed() {
        assert_eq!(text("plain"), "plain");
        assert_eq!(text(""), "");
        assert_eq!(text("a,b"), "\"a,b\"");
        assert_eq!(text("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(text("two\nlines"), "\"two\nlines\"");
        assert_eq!(text(" padded"), "\" padded\"");
        assert_eq!(text("杭州"), "杭州");
    }
}
