//! Markdown documentation of tables, for `docs/outputs.md`.

use seedbed_model::frame::Column;

use crate::columns::type_word;

/// A Markdown section documenting a table: a `## title` heading, then a table with one row
/// per column (name, type, unit, meaning). Empty units and meanings show as `-`; `|` and
/// line breaks in them are escaped so the table stays intact.
///
/// ```
/// # use seedbed_model::frame::{Column, ColType};
/// let cols = [Column { name: "month".into(), ty: ColType::Int, unit: "month", doc: "Simulated month, from 1." }];
/// let md = seedbed_output::describe_columns("city", &cols);
/// assert!(md.contains("| `month` | integer | month | Simulated month, from 1. |"));
/// ```
pub fn describe_columns(title: &str, columns: &[Column]) -> String {
    let mut out = format!("## {title}\n\n| column | type | unit | meaning |\n|---|---|---|---|\n");
    for c in columns {
        out.push_str(&format!("| `{}` | {} | {} | {} |\n", c.name, type_word(c.ty), cell(c.unit), cell(c.doc)));
    }
    out
}

/// A Markdown table cell: `-` when empty, `|` escaped, line breaks as spaces.
fn cell(s: &str) -> String {
    let s = s.trim();
    if s.is_empty() {
        return "-".to_owned();
    }
    s.replace('|', "\\|").replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use seedbed_model::frame::ColType;

    #[test]
    fn markdown_table() {
        let cols = [
            Column { name: "month".into(), ty: ColType::Int, unit: "month", doc: "Simulated month, from 1." },
            Column { name: "gdp".into(), ty: ColType::Real, unit: "bn CNY", doc: "Output | value added." },
            Column { name: "kind".into(), ty: ColType::Text, unit: "", doc: "Event kind:\nentry or exit." },
        ];
        assert_eq!(
            describe_columns("city", &cols),
            "## city\n\n\
             | column | type | unit | meaning |\n\
             |---|---|---|---|\n\
             | `month` | integer | month | Simulated month, from 1. |\n\
             | `gdp` | real | bn CNY | Output \\| value added. |\n\
             | `kind` | text | - | Event kind: entry or exit. |\n"
        );
    }
}
