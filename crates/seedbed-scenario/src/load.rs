//! Loading a scenario file: the TOML tree is walked against the parameter schema (not serde),
//! so every unknown key, wrong type and out-of-range value is reported with its place in the file.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

use seedbed_model::scenario::Scenario;
use seedbed_model::schema::{
    ChildMut, Field, Kind, Located, Node, NodeList, Value, edit_distance, leaves, nearest, set_path,
};
use toml_edit::{Document, Item, TableLike};

use crate::builtin::{DEFAULT_NAME, builtin, builtin_names};
use crate::error::{Location, Problem, ScenarioError};
use crate::validate::validate;

/// The top-level key that names the built-in scenario a file starts from.
const BASE_KEY: &str = "base";

/// Loads a scenario from TOML text; `origin` names it in messages (usually the file name).
///
/// The file starts from the built-in scenario named by `base` (default `hangzhou-2025`) and
/// overrides it key by key. All problems are collected, then semantic checks ([`validate`]) run.
pub fn load_str(text: &str, origin: &str) -> Result<Scenario, ScenarioError> {
    let mut loader = Loader::new(text);
    let scenario = loader.load();
    let problems = loader.finish(&scenario);
    if problems.is_empty() { Ok(scenario) } else { Err(ScenarioError::new(origin, Some(text), problems)) }
}

/// Loads a scenario file; see [`load_str`].
pub fn load_file(path: &Path) -> Result<Scenario, ScenarioError> {
    let origin = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => load_str(&text, &origin),
        Err(e) => {
            let p = Problem::new("", format!("cannot read the scenario file: {e}"));
            Err(ScenarioError::new(&origin, None, vec![p]))
        }
    }
}

/// A list item's values before the list is replaced: its id and its leaves.
type Snapshot = Vec<(String, Vec<Located>)>;

/// The tables of a TOML array of tables, each with its span.
type ItemTables<'i> = Vec<(&'i dyn TableLike, Option<Range<usize>>)>;

/// Walks one TOML document, collecting problems and the place of every parameter set.
struct Loader<'t> {
    text: &'t str,
    problems: Vec<Problem>,
    /// Byte span of every path the file sets, for locating semantic problems.
    spans: HashMap<String, Range<usize>>,
    /// Name of the base scenario, for problems with values the file does not set.
    base: String,
    /// The text is not valid TOML (then nothing else is checked).
    syntax_error: bool,
}

impl<'t> Loader<'t> {
    fn new(text: &'t str) -> Self {
        Loader {
            text,
            problems: Vec::new(),
            spans: HashMap::new(),
            base: DEFAULT_NAME.to_string(),
            syntax_error: false,
        }
    }

    /// Parses the text and applies it to its base scenario.
    fn load(&mut self) -> Scenario {
        let doc = match Document::parse(self.text) {
            Ok(doc) => doc,
            Err(e) => {
                let message = format!("TOML syntax error: {}", e.message().trim_end());
                self.problem_at("", message, e.span());
                self.syntax_error = true;
                return Scenario::default();
            }
        };
        let root = doc.as_table();
        let mut scenario = self.base(root);
        self.walk_table(&mut scenario, root, "");
        scenario
    }

    /// Problems found while loading, then those of [`validate`], located in the file, in file order.
    fn finish(self, scenario: &Scenario) -> Vec<Problem> {
        let mut problems = self.problems;
        if self.syntax_error {
            return problems;
        }
        let seen: HashSet<String> = problems.iter().map(|p| p.path.clone()).collect();
        for mut p in validate(scenario) {
            if seen.contains(&p.path) {
                continue;
            }
            p.location = locate(&self.spans, &p.path).map(|span| Location::from_span(self.text, span));
            if p.location.is_none() {
                p.message.push_str(&format!(" (not set in this file: from base scenario `{}`)", self.base));
            }
            problems.push(p);
        }
        problems.sort_by_key(|p| p.location.as_ref().map_or(usize::MAX, |l| l.span.start));
        problems
    }

    /// Records a problem at `span` (if known).
    fn problem_at(&mut self, path: &str, message: String, span: Option<Range<usize>>) {
        let location = span.map(|s| Location::from_span(self.text, s));
        self.problems.push(Problem { path: path.to_string(), message, location });
    }

    /// The scenario named by the top-level `base` key, or the default one.
    fn base(&mut self, root: &dyn TableLike) -> Scenario {
        let Some((key, item)) = root.get_key_value(BASE_KEY) else {
            return Scenario::default();
        };
        let span = item.span().or_else(|| key.span());
        if let Some(span) = &span {
            self.spans.insert(BASE_KEY.to_string(), span.clone());
        }
        let Some(name) = item.as_str() else {
            let message = format!("expected a string naming a built-in scenario, found {}", item_type(item));
            self.problem_at(BASE_KEY, message, span);
            return Scenario::default();
        };
        match builtin(name) {
            Some(s) => {
                self.base = name.to_string();
                s
            }
            None => {
                self.problem_at(BASE_KEY, unknown_builtin_message(name), span);
                Scenario::default()
            }
        }
    }

    /// Applies every key of `table` to `node`, whose dotted path is `path`.
    fn walk_table(&mut self, node: &mut dyn Node, table: &dyn TableLike, path: &str) {
        for (key, item) in table.iter() {
            if path.is_empty() && key == BASE_KEY {
                continue;
            }
            let key_span = table.key(key).and_then(|k| k.span());
            let item_path = join(path, key);
            let Some(field) = node.fields().iter().find(|f| f.key == key).copied() else {
                let message = unknown_key_message(key, node.fields(), path);
                self.problem_at(&item_path, message, key_span.or_else(|| item.span()));
                continue;
            };
            self.record(&item_path, key_span.clone(), item);
            let span = item.span().or(key_span);
            match field.kind {
                Kind::Section => self.section(node, &field, item, &item_path, span),
                Kind::List => self.list(node, &field, item, &item_path, span),
                _ => self.leaf(node, &field, item, &item_path, span),
            }
        }
    }

    /// Remembers where `path` is set: from its key to the end of its value (or its table header).
    fn record(&mut self, path: &str, key_span: Option<Range<usize>>, item: &Item) {
        let span = match (key_span, item.span(), item) {
            (Some(k), Some(v), Item::Value(_)) if v.end >= k.start => Some(k.start..v.end),
            (_, Some(v), Item::Table(_)) => Some(v),
            // The first `[[list]]` header, not the whole list.
            (k, _, Item::ArrayOfTables(a)) => a.iter().next().and_then(|t| t.span()).or(k),
            (k, v, _) => k.or(v),
        };
        if let Some(span) = span {
            self.spans.entry(path.to_string()).or_insert(span);
        }
    }

    /// Sets a leaf parameter after checking its type and range.
    fn leaf(&mut self, node: &mut dyn Node, field: &Field, item: &Item, path: &str, span: Option<Range<usize>>) {
        let value = match to_value(field.kind, item) {
            Ok(v) => v,
            Err(m) => return self.problem_at(path, m, span),
        };
        if let Err(m) = field.kind.check(&value) {
            return self.problem_at(path, with_unit(m, field.unit), span);
        }
        if let Err(m) = node.set(field.key, value) {
            self.problem_at(path, m, span);
        }
    }

    /// Applies a nested table (`[labour]`, `[policy.pilots]`, or an inline table).
    fn section(&mut self, node: &mut dyn Node, field: &Field, item: &Item, path: &str, span: Option<Range<usize>>) {
        let Some(table) = item.as_table_like() else {
            let message = format!("expected a table (`[{path}]`), found {}", item_type(item));
            return self.problem_at(path, message, span);
        };
        if let Some(ChildMut::Section(child)) = node.child_mut(field.key) {
            self.walk_table(child, table, path);
        }
    }

    /// Replaces a list (`[[industries]]`) with the file's items; an item whose id is in the
    /// base list starts from that item's values, any other from the item type's defaults.
    fn list(&mut self, node: &mut dyn Node, field: &Field, item: &Item, path: &str, span: Option<Range<usize>>) {
        let Some(tables) = self.list_tables(item, path, span) else {
            return;
        };
        let Some(ChildMut::List(list)) = node.child_mut(field.key) else {
            return;
        };
        let base = snapshot(list);
        list.clear();
        let mut ids = HashSet::new();
        for (i, (table, table_span)) in tables.into_iter().enumerate() {
            let id = self.item_id(table, path, i, table_span.clone());
            let item_path = match &id {
                Some(id) => format!("{path}.{id}"),
                None => format!("{path}[{i}]"),
            };
            if let Some(id) = &id
                && !ids.insert(id.clone())
            {
                let id_span = table.get("id").and_then(Item::span);
                let message = format!("duplicate id `{id}`: each item of `[[{path}]]` needs its own id");
                self.problem_at(&format!("{item_path}.id"), message, id_span);
            }
            if let Some(span) = table_span {
                self.spans.entry(item_path.clone()).or_insert(span);
            }
            let new = list.push_default();
            if let Some((_, values)) = id.as_ref().and_then(|id| base.iter().find(|(b, _)| b == id)) {
                for v in values {
                    // Values of the base scenario are valid, so this cannot fail.
                    let _ = set_path(new, &v.path, v.value.clone());
                }
            }
            self.walk_table(new, table, &item_path);
        }
    }

    /// The tables of an array of tables (`[[x]]` or `x = [{...}, ...]`), with their spans.
    fn list_tables<'i>(&mut self, item: &'i Item, path: &str, span: Option<Range<usize>>) -> Option<ItemTables<'i>> {
        match item {
            Item::ArrayOfTables(a) => Some(a.iter().map(|t| (t as &dyn TableLike, t.span())).collect()),
            Item::Value(toml_edit::Value::Array(a)) => {
                let mut out = Vec::new();
                for (i, v) in a.iter().enumerate() {
                    match v.as_inline_table() {
                        Some(t) => out.push((t as &dyn TableLike, v.span())),
                        None => {
                            let message = format!("element {i}: expected a table, found {}", value_type(v));
                            self.problem_at(path, message, v.span());
                        }
                    }
                }
                Some(out)
            }
            other => {
                let message = format!("expected an array of tables (`[[{path}]]`), found {}", item_type(other));
                self.problem_at(path, message, span);
                None
            }
        }
    }

    /// The `id` of a list item; a missing id is a problem (a wrong type is reported by the walk).
    fn item_id(&mut self, table: &dyn TableLike, path: &str, i: usize, span: Option<Range<usize>>) -> Option<String> {
        match table.get("id") {
            Some(item) => item.as_str().map(str::to_string),
            None => {
                let message = format!("item {i} of `[[{path}]]` has no `id`: every item needs `id = \"...\"`");
                self.problem_at(&format!("{path}[{i}]"), message, span);
                None
            }
        }
    }
}

/// Each item of a list as its id and its leaf values (paths relative to the item).
fn snapshot(list: &dyn NodeList) -> Snapshot {
    (0..list.len())
        .map(|i| {
            let item = list.item(i);
            let id = match item.get("id") {
                Some(Value::Text(s)) => s,
                _ => String::new(),
            };
            let mut values = Vec::new();
            leaves(item, "", &mut values);
            (id, values)
        })
        .collect()
}

/// The span of `path`, or else of the nearest enclosing path the file sets.
fn locate(spans: &HashMap<String, Range<usize>>, path: &str) -> Option<Range<usize>> {
    let mut p = path;
    loop {
        if let Some(s) = spans.get(p) {
            return Some(s.clone());
        }
        p = &p[..p.rfind('.')?];
    }
}

/// `prefix.key`, or `key` at the root.
fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() { key.to_string() } else { format!("{prefix}.{key}") }
}

/// Appends the unit to a range message: `... allowed 0 to 1 (share)`.
fn with_unit(message: String, unit: &str) -> String {
    if unit.is_empty() { message } else { format!("{message} ({unit})") }
}

/// Converts a TOML item to a schema value of `kind` (integers are accepted for reals,
/// whole floats for integers); the error says what was expected and found.
fn to_value(kind: Kind, item: &Item) -> Result<Value, String> {
    let wrong = || format!("expected {}, found {}", expected(kind), item_type(item));
    let v = item.as_value().ok_or_else(wrong)?;
    use toml_edit::Value as T;
    match (kind, v) {
        (Kind::Real { .. }, T::Integer(i)) => Ok(Value::Int(*i.value())),
        (Kind::Real { .. }, T::Float(x)) => Ok(Value::Real(*x.value())),
        (Kind::Int { .. }, T::Integer(i)) => Ok(Value::Int(*i.value())),
        (Kind::Int { .. }, T::Float(x)) => whole(*x.value()).map(Value::Int).ok_or_else(wrong),
        (Kind::Bool, T::Boolean(b)) => Ok(Value::Bool(*b.value())),
        (Kind::Text | Kind::Choice(_), T::String(s)) => Ok(Value::Text(s.value().clone())),
        (Kind::TextList, T::Array(a)) => {
            a.iter().enumerate().map(|(i, e)| text_element(i, e)).collect::<Result<_, _>>().map(Value::TextList)
        }
        (Kind::RealList { .. }, T::Array(a)) => {
            a.iter().enumerate().map(|(i, e)| real_element(i, e)).collect::<Result<_, _>>().map(Value::RealList)
        }
        _ => Err(wrong()),
    }
}

/// `x` as an integer if it is a whole number that fits.
fn whole(x: f64) -> Option<i64> {
    (x.is_finite() && x.fract() == 0.0 && x.abs() < 9.0e15).then_some(x as i64)
}

/// One string of an array of strings.
fn text_element(i: usize, v: &toml_edit::Value) -> Result<String, String> {
    v.as_str().map(str::to_string).ok_or_else(|| format!("element {i}: expected a string, found {}", value_type(v)))
}

/// One number of an array of numbers.
fn real_element(i: usize, v: &toml_edit::Value) -> Result<f64, String> {
    match v {
        toml_edit::Value::Integer(n) => Ok(*n.value() as f64),
        toml_edit::Value::Float(x) => Ok(*x.value()),
        other => Err(format!("element {i}: expected a number, found {}", value_type(other))),
    }
}

/// What a value of `kind` looks like, in words.
fn expected(kind: Kind) -> String {
    match kind {
        Kind::Choice(_) => format!("one of {}", kind.allowed()),
        Kind::Real { .. } => "a number".into(),
        other => other.type_name().into(),
    }
}

/// What a TOML item is, in words.
fn item_type(item: &Item) -> &'static str {
    match item {
        Item::None => "nothing",
        Item::Value(v) => value_type(v),
        Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
    }
}

/// What a TOML value is, in words.
fn value_type(v: &toml_edit::Value) -> &'static str {
    use toml_edit::Value as T;
    match v {
        T::String(_) => "a string",
        T::Integer(_) => "an integer",
        T::Float(_) => "a decimal number",
        T::Boolean(_) => "a boolean",
        T::Datetime(_) => "a date-time",
        T::Array(_) => "an array",
        T::InlineTable(_) => "a table",
    }
}

/// "unknown key" with the nearest valid keys and where to see them all.
fn unknown_key_message(key: &str, fields: &[Field], table: &str) -> String {
    let mut names: Vec<&str> = fields.iter().map(|f| f.key).collect();
    if table.is_empty() {
        names.push(BASE_KEY);
    }
    let close = close_names(key, &names);
    let mut m = format!("unknown key `{key}`");
    if !close.is_empty() {
        let list: Vec<String> = close.iter().map(|c| format!("`{c}`")).collect();
        m.push_str(&format!("; did you mean {}?", list.join(" or ")));
    }
    if table.is_empty() {
        m.push_str(" (`seedbed show` lists the valid sections and keys)");
    } else {
        m.push_str(&format!(" (`seedbed show` lists the valid keys of `{table}`)"));
    }
    m
}

/// The candidates close to `word` (edit distance, or one containing the other), best first, at most two.
pub(crate) fn close_names<'a>(word: &str, candidates: &[&'a str]) -> Vec<&'a str> {
    let limit = (word.chars().count() / 3).max(2);
    let lower = word.to_lowercase();
    nearest(&lower, candidates.iter().copied(), candidates.len())
        .into_iter()
        .filter(|c| {
            edit_distance(&lower, c) <= limit || (lower.len() >= 4 && (c.contains(lower.as_str()) || lower.contains(c)))
        })
        .take(2)
        .collect()
}

/// The message for a name that is not a built-in scenario.
pub(crate) fn unknown_builtin_message(name: &str) -> String {
    let names: Vec<&str> = builtin_names().iter().map(|(n, _)| *n).collect();
    let m = unknown_name_message("built-in scenario", name, &names);
    format!("{m} (default `{DEFAULT_NAME}`)")
}

/// `unknown WHAT `name`; did you mean `x`? Allowed: a, b, c` (the suggestion only when one is close).
pub(crate) fn unknown_name_message(what: &str, name: &str, valid: &[&str]) -> String {
    let list = if valid.is_empty() { "(none)".to_string() } else { valid.join(", ") };
    match close_names(name, valid).first() {
        Some(best) => format!("unknown {what} `{name}`; did you mean `{best}`? Allowed: {list}"),
        None => format!("unknown {what} `{name}`; allowed: {list}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_suggests_typos_and_prefixes() {
        let names = ["graduates_per_year", "migrants_per_year", "quit_hazard"];
        assert_eq!(close_names("graduates_per_yer", &names), vec!["graduates_per_year"]);
        assert_eq!(close_names("graduates", &names), vec!["graduates_per_year"]);
        assert!(close_names("zzzzzzzz", &names).is_empty());
    }

    #[test]
    fn whole_floats_become_integers() {
        assert_eq!(whole(120.0), Some(120));
        assert_eq!(whole(120.5), None);
        assert_eq!(whole(f64::INFINITY), None);
        assert_eq!(whole(1e300), None);
    }

    #[test]
    fn locate_falls_back_to_enclosing_path() {
        let mut spans = HashMap::new();
        spans.insert("finance".to_string(), 3..10);
        assert_eq!(locate(&spans, "finance.round_min_m"), Some(3..10));
        assert_eq!(locate(&spans, "labour.quit_hazard"), None);
    }
}
