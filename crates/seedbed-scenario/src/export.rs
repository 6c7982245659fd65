//! Writing a whole scenario as a commented TOML file that loads back to the same scenario.

use std::fmt::Write;

use seedbed_model::scenario::Scenario;
use seedbed_model::schema::{Child, Field, Kind, Node, NodeList, Value};

use crate::builtin::{DEFAULT_NAME, builtin_names};

/// The whole scenario as TOML: every section and parameter, each preceded by its doc text,
/// unit and allowed range. `load_str(&to_toml(&s), ..)` gives back `s` exactly.
pub fn to_toml(s: &Scenario) -> String {
    let mut out = String::new();
    write_header(&mut out, s);
    write_body(&mut out, s, "");
    out
}

/// The usage comment and the `base` line.
fn write_header(out: &mut String, s: &Scenario) {
    let base = if builtin_names().iter().any(|(n, _)| *n == s.run.name) { s.run.name.as_str() } else { DEFAULT_NAME };
    comment(out, &format!("Seedbed scenario `{}`: {}", s.run.name, s.run.description));
    out.push_str(concat!(
        "#\n",
        "# Run it with `seedbed run FILE`; check it without running with `seedbed check FILE`.\n",
        "# The file starts from the built-in scenario named by `base` and overrides its parameters.\n",
        "# Every parameter is listed below with its meaning, unit and allowed range; you may delete\n",
        "# the ones you do not change. A list ([[industries]], [[government.packages]]) in the file\n",
        "# replaces the base's list; an item whose id is in the base list starts from that item.\n",
    ));
    let _ = writeln!(out, "base = {}", quote(base));
}

/// Writes a table's leaves (and empty lists as `key = []`), then its sub-tables and lists.
/// `header` is the TOML table path (`policy.pilots`; list items have no id in it).
fn write_body(out: &mut String, node: &dyn Node, header: &str) {
    for f in node.fields() {
        match node.child(f.key) {
            None => write_leaf(out, node, f),
            Some(Child::List(l)) if l.is_empty() => {
                out.push('\n');
                comment(out, f.doc);
                let _ = writeln!(out, "{} = []", f.key);
            }
            Some(_) => {}
        }
    }
    for f in node.fields() {
        let path = if header.is_empty() { f.key.to_string() } else { format!("{header}.{}", f.key) };
        match node.child(f.key) {
            Some(Child::Section(n)) => write_section(out, n, f, &path),
            Some(Child::List(l)) => write_list(out, l, f, &path),
            None => {}
        }
    }
}

/// A `[section]` (the header is left out when it holds only sub-tables).
fn write_section(out: &mut String, node: &dyn Node, f: &Field, path: &str) {
    out.push('\n');
    comment(out, f.doc);
    if node.fields().iter().any(|g| node.child(g.key).is_none()) {
        let _ = writeln!(out, "[{path}]");
    }
    write_body(out, node, path);
}

/// Each item of a list as `[[path]]`.
fn write_list(out: &mut String, list: &dyn NodeList, f: &Field, path: &str) {
    for i in 0..list.len() {
        out.push('\n');
        if i == 0 {
            comment(out, f.doc);
        }
        let _ = writeln!(out, "[[{path}]]");
        write_body(out, list.item(i), path);
    }
}

/// One parameter: its doc, unit and range as comments, then `key = value`.
fn write_leaf(out: &mut String, node: &dyn Node, f: &Field) {
    let Some(v) = node.get(f.key) else { return };
    comment(out, f.doc);
    comment(out, &unit_and_range(f));
    let _ = writeln!(out, "{} = {}", f.key, fmt_value(&v));
}

/// `unit: people/year; allowed: 0 to infinity` (the unit part only when there is one).
pub(crate) fn unit_and_range(f: &Field) -> String {
    let allowed = allowed(f.kind);
    if f.unit.is_empty() { format!("allowed: {allowed}") } else { format!("unit: {}; allowed: {allowed}", f.unit) }
}

/// The allowed values of a kind in words.
pub(crate) fn allowed(kind: Kind) -> String {
    match kind {
        Kind::Text => "any string".into(),
        Kind::RealList { .. } => format!("an array of numbers, each {}", kind.allowed()),
        _ => kind.allowed(),
    }
}

/// Writes `text` as comment lines, one `# ` line per line.
fn comment(out: &mut String, text: &str) {
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            out.push_str("#\n");
        } else {
            let _ = writeln!(out, "# {line}");
        }
    }
}

/// A value as TOML.
pub(crate) fn fmt_value(v: &Value) -> String {
    match v {
        Value::Real(x) => fmt_real(*x),
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Text(s) => quote(s),
        Value::TextList(xs) => format!("[{}]", xs.iter().map(|x| quote(x)).collect::<Vec<_>>().join(", ")),
        Value::RealList(xs) => format!("[{}]", xs.iter().map(|x| fmt_real(*x)).collect::<Vec<_>>().join(", ")),
    }
}

/// A float in the shortest form that parses back to the same `f64`, always with a `.` or an
/// exponent so that it reads as a float.
pub(crate) fn fmt_real(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let s = format!("{x:?}");
    if s.contains(['.', 'e', 'E']) { s } else { format!("{s}.0") }
}

/// A TOML basic string.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reals_round_trip_and_look_like_floats() {
        for x in [0.0, -0.0, 1.0, 350_000.0, 0.0022, 1e-6, 1e16, 1e300, 0.1 + 0.2, -3.5, 7.2e-12] {
            let s = fmt_real(x);
            assert!(s.contains(['.', 'e']), "{s}");
            let back: f64 = s.parse().unwrap();
            assert_eq!(back.to_bits(), x.to_bits(), "{s}");
        }
        assert_eq!(fmt_real(350_000.0), "350000.0");
        assert_eq!(fmt_real(f64::INFINITY), "inf");
    }

    #[test]
    fn strings_are_escaped() {
        assert_eq!(quote("a\"b\\c\n\u{1}"), "\"a\\\"b\\\\c\\n\\u0001\"");
    }

    #[test]
    fn header_and_comments() {
        let t = to_toml(&Scenario::default());
        assert!(t.contains("seedbed run FILE") && t.contains("seedbed check FILE"));
        assert!(t.contains("\nbase = \"hangzhou-2025\"\n"));
        assert!(
            t.contains("# unit: people/year; allowed: 0 to infinity\ngraduates_per_year = 350000.0\n"),
            "graduates comment"
        );
        assert!(
            t.contains("\n[labour]\n") && t.contains("\n[[industries]]\n") && t.contains("\n[[government.packages]]\n")
        );
        assert!(t.contains("\n[policy.compute_vouchers]\n"));
        assert!(!t.contains("\n[policy]\n"));
    }
}
