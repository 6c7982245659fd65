//! Arbitrary text and random mutations of a valid file never make the loader panic.

use proptest::prelude::*;
use seedbed_scenario::{Scenario, load_str, to_toml};
use std::sync::OnceLock;

/// A valid, fully written scenario file.
fn valid() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| to_toml(&Scenario::default()))
}

/// Loads `text`; on error, formats the error both ways (neither may panic).
fn load(text: &str) {
    if let Err(e) = load_str(text, "fuzz.toml") {
        let _ = e.to_string();
        let mut out = String::new();
        let _ = miette::GraphicalReportHandler::new().render_report(&mut out, &e);
    }
}

/// A small edit: replace `len` bytes at `at` (a fraction of the text) by `with`.
fn splice(text: &str, at: f64, len: usize, with: &str) -> String {
    let mut start = ((text.len() as f64) * at) as usize;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + len).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{}{}", &text[..start], with, &text[end..])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_ascii_never_panics(text in "[ -~\n\t]{0,300}") {
        load(&text);
    }

    #[test]
    fn toml_like_noise_never_panics(text in "(\\[{1,2}[a-z_.]{0,12}\\]{1,2}\n|[a-z_]{1,10} = (-?[0-9.e]{1,8}|\"[a-z-]{0,8}\"|\\[[0-9., \"a-z]{0,12}\\]|true|\\{[a-z =0-9,]{0,12}\\})\n){0,12}") {
        load(&text);
    }

    #[test]
    fn mutated_valid_file_never_panics(
        edits in proptest::collection::vec((0.0..1.0f64, 0usize..40, "[ -~\n]{0,12}"), 1..6)
    ) {
        let mut text = valid().to_string();
        for (at, len, with) in &edits {
            text = splice(&text, *at, *len, with);
        }
        load(&text);
    }

    #[test]
    fn mutated_values_are_reported_not_panicked(
        line in 0usize..2000,
        value in prop_oneof![
            Just("-1".to_string()), Just("1e999".to_string()), Just("\"x\"".to_string()),
            Just("[]".to_string()), Just("{}".to_string()), Just("nan".to_string()),
            Just("99999999999999999999".to_string()), Just("-inf".to_string()),
            Just("1979-05-27".to_string()), Just("[1, \"a\"]".to_string()),
        ]
    ) {
        let lines: Vec<&str> = valid().lines().collect();
        let i = line % lines.len();
        let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        if let Some((key, _)) = lines[i].split_once(" = ") {
            out[i] = format!("{key} = {value}");
        }
        load(&out.join("\n"));
    }
}

#[test]
fn the_valid_file_loads() {
    assert_eq!(load_str(valid(), "valid.toml").unwrap(), Scenario::default());
}
