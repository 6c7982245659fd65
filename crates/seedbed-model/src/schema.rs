//! The parameter schema: every model parameter, with its unit, allowed range and source,
//! reachable by a dotted path (`labour.graduates_per_year`, `industries.general-ai.demand_m_per_month`).
//!
//! Scenario files, `seedbed show`, `seedbed check`, sweeps and the parameter reference are all
//! driven from this one description, so a parameter cannot exist in code without a unit, a
//! range and a source.

use std::fmt;

/// A parameter's value, as read from or written to a scenario.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Real(f64),
    Int(i64),
    Bool(bool),
    Text(String),
    TextList(Vec<String>),
    RealList(Vec<f64>),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Real(x) => write!(f, "{x}"),
            Value::Int(x) => write!(f, "{x}"),
            Value::Bool(x) => write!(f, "{x}"),
            Value::Text(s) => write!(f, "{s:?}"),
            Value::TextList(v) => write!(f, "{v:?}"),
            Value::RealList(v) => write!(f, "{v:?}"),
        }
    }
}

/// What a field holds and which values are allowed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// A real number in `[min, max]`.
    Real {
        min: f64,
        max: f64,
    },
    /// An integer in `[min, max]`.
    Int {
        min: i64,
        max: i64,
    },
    Bool,
    /// Free text (names, descriptions).
    Text,
    /// One of a fixed set of words.
    Choice(&'static [&'static str]),
    /// A list of words; when `of` is not empty, each must be one of them
    /// (industry ids are checked against the scenario's industry list separately).
    TextList,
    /// A list of reals, each in `[min, max]`.
    RealList {
        min: f64,
        max: f64,
    },
    /// A nested table of parameters.
    Section,
    /// An array of tables, each identified by its `id` field.
    List,
}

impl Kind {
    pub fn type_name(&self) -> &'static str {
        match self {
            Kind::Real { .. } => "a number",
            Kind::Int { .. } => "an integer",
            Kind::Bool => "true or false",
            Kind::Text => "a string",
            Kind::Choice(_) => "one of a fixed set of strings",
            Kind::TextList => "an array of strings",
            Kind::RealList { .. } => "an array of numbers",
            Kind::Section => "a table",
            Kind::List => "an array of tables",
        }
    }

    /// The allowed values in words, for error messages and documentation.
    pub fn allowed(&self) -> String {
        match self {
            Kind::Real { min, max } | Kind::RealList { min, max } => {
                format!("{} to {}", fmt_num(*min), fmt_num(*max))
            }
            Kind::Int { min, max } => format!("{min} to {max}"),
            Kind::Choice(words) => words.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(", "),
            other => other.type_name().to_string(),
        }
    }

    /// Checks a value against this kind; the error says what is allowed.
    pub fn check(&self, v: &Value) -> Result<(), String> {
        let out = |x: f64, min: f64, max: f64| -> Result<(), String> {
            if x.is_finite() && x >= min && x <= max {
                Ok(())
            } else {
                Err(format!("{} is out of range: allowed {} to {}", fmt_num(x), fmt_num(min), fmt_num(max)))
            }
        };
        match (self, v) {
            (Kind::Real { min, max }, Value::Real(x)) => out(*x, *min, *max),
            (Kind::Real { min, max }, Value::Int(x)) => out(*x as f64, *min, *max),
            (Kind::Int { min, max }, Value::Int(x)) => {
                if x >= min && x <= max {
                    Ok(())
                } else {
                    Err(format!("{x} is out of range: allowed {min} to {max}"))
                }
            }
            (Kind::Bool, Value::Bool(_)) | (Kind::Text, Value::Text(_)) | (Kind::TextList, Value::TextList(_)) => {
                Ok(())
            }
            (Kind::Choice(words), Value::Text(s)) => {
                if words.contains(&s.as_str()) {
                    Ok(())
                } else {
                    Err(format!("\"{s}\" is not allowed: expected one of {}", self.allowed()))
                }
            }
            (Kind::RealList { min, max }, Value::RealList(xs)) => {
                for (i, x) in xs.iter().enumerate() {
                    out(*x, *min, *max).map_err(|e| format!("element {i}: {e}"))?;
                }
                Ok(())
            }
            (k, v) => Err(format!("expected {}, found {}", k.type_name(), value_type(v))),
        }
    }
}

fn value_type(v: &Value) -> &'static str {
    match v {
        Value::Real(_) => "a number",
        Value::Int(_) => "an integer",
        Value::Bool(_) => "a boolean",
        Value::Text(_) => "a string",
        Value::TextList(_) => "an array of strings",
        Value::RealList(_) => "an array of numbers",
    }
}

pub fn fmt_num(x: f64) -> String {
    if x == f64::INFINITY {
        "infinity".into()
    } else if x == x.trunc() && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// One field of a parameter table.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub key: &'static str,
    pub kind: Kind,
    /// Unit of the value (`CNY m/month`, `share`, `people/year`, ...); empty for words.
    pub unit: &'static str,
    /// What the parameter means and where its default comes from.
    pub doc: &'static str,
}

/// A child of a table: a nested table or an array of tables.
pub enum Child<'a> {
    Section(&'a dyn Node),
    List(&'a dyn NodeList),
}
pub enum ChildMut<'a> {
    Section(&'a mut dyn Node),
    List(&'a mut dyn NodeList),
}

/// A table of parameters, walked by key.
pub trait Node {
    /// The table's own description (first line of its doc comment).
    fn doc(&self) -> &'static str;
    fn fields(&self) -> &'static [Field];
    /// The value of a leaf field; `None` for sections, lists and unknown keys.
    fn get(&self, key: &str) -> Option<Value>;
    /// Sets a leaf field. The value must already have passed `Kind::check`.
    fn set(&mut self, key: &str, v: Value) -> Result<(), String>;
    fn child(&self, key: &str) -> Option<Child<'_>>;
    fn child_mut(&mut self, key: &str) -> Option<ChildMut<'_>>;
}

/// An array of parameter tables, each with an `id`.
pub trait NodeList {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn item(&self, i: usize) -> &dyn Node;
    fn item_mut(&mut self, i: usize) -> &mut dyn Node;
    /// Appends an item with default values and returns it.
    fn push_default(&mut self) -> &mut dyn Node;
    fn clear(&mut self);
    /// The fields of an item (also when the list is empty).
    fn item_fields(&self) -> &'static [Field];
    fn item_doc(&self) -> &'static str;
}

/// A leaf or nested parameter type, used by the `params!` macro.
pub trait Param {
    const KIND: Kind;
    fn to_value(&self) -> Option<Value>;
    #[allow(clippy::wrong_self_convention)]
    fn from_value(&mut self, v: Value) -> Result<(), String>;
    fn as_child(&self) -> Option<Child<'_>> {
        None
    }
    fn as_child_mut(&mut self) -> Option<ChildMut<'_>> {
        None
    }
}

impl Param for f64 {
    const KIND: Kind = Kind::Real { min: f64::NEG_INFINITY, max: f64::INFINITY };
    fn to_value(&self) -> Option<Value> {
        Some(Value::Real(*self))
    }
    fn from_value(&mut self, v: Value) -> Result<(), String> {
        match v {
            Value::Real(x) => *self = x,
            Value::Int(x) => *self = x as f64,
            other => return Err(format!("expected a number, found {}", value_type(&other))),
        }
        Ok(())
    }
}

macro_rules! int_param {
    ($($t:ty),*) => {$(
        impl Param for $t {
            const KIND: Kind = Kind::Int { min: <$t>::MIN as i64, max: <$t>::MAX as i64 };
            fn to_value(&self) -> Option<Value> {
                Some(Value::Int(*self as i64))
            }
            fn from_value(&mut self, v: Value) -> Result<(), String> {
                match v {
                    Value::Int(x) => *self = <$t>::try_from(x).map_err(|_| format!("{x} does not fit"))?,
                    other => return Err(format!("expected an integer, found {}", value_type(&other))),
                }
                Ok(())
            }
        }
    )*};
}
int_param!(u32, i32, u64);

impl Param for bool {
    const KIND: Kind = Kind::Bool;
    fn to_value(&self) -> Option<Value> {
        Some(Value::Bool(*self))
    }
    fn from_value(&mut self, v: Value) -> Result<(), String> {
        match v {
            Value::Bool(x) => *self = x,
            other => return Err(format!("expected true or false, found {}", value_type(&other))),
        }
        Ok(())
    }
}

impl Param for String {
    const KIND: Kind = Kind::Text;
    fn to_value(&self) -> Option<Value> {
        Some(Value::Text(self.clone()))
    }
    fn from_value(&mut self, v: Value) -> Result<(), String> {
        match v {
            Value::Text(x) => *self = x,
            other => return Err(format!("expected a string, found {}", value_type(&other))),
        }
        Ok(())
    }
}

impl Param for Vec<String> {
    const KIND: Kind = Kind::TextList;
    fn to_value(&self) -> Option<Value> {
        Some(Value::TextList(self.clone()))
    }
    fn from_value(&mut self, v: Value) -> Result<(), String> {
        match v {
            Value::TextList(x) => *self = x,
            other => return Err(format!("expected an array of strings, found {}", value_type(&other))),
        }
        Ok(())
    }
}

impl Param for Vec<f64> {
    const KIND: Kind = Kind::RealList { min: f64::NEG_INFINITY, max: f64::INFINITY };
    fn to_value(&self) -> Option<Value> {
        Some(Value::RealList(self.clone()))
    }
    fn from_value(&mut self, v: Value) -> Result<(), String> {
        match v {
            Value::RealList(x) => *self = x,
            Value::Real(_) | Value::Int(_) => return Err("expected an array of numbers, found a single number".into()),
            other => return Err(format!("expected an array of numbers, found {}", value_type(&other))),
        }
        Ok(())
    }
}

/// Marker for tables that appear as arrays (`[[industries]]`): they are identified by `id`.
pub trait Keyed {
    fn id(&self) -> &str;
}

impl<T: Node + Default + Keyed + 'static> NodeList for Vec<T> {
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn item(&self, i: usize) -> &dyn Node {
        &self[i]
    }
    fn item_mut(&mut self, i: usize) -> &mut dyn Node {
        &mut self[i]
    }
    fn push_default(&mut self) -> &mut dyn Node {
        self.push(T::default());
        self.last_mut().expect("just pushed")
    }
    fn clear(&mut self) {
        Vec::clear(self)
    }
    fn item_fields(&self) -> &'static [Field] {
        T::default().fields()
    }
    fn item_doc(&self) -> &'static str {
        T::default().doc()
    }
}

impl<T: Node + Default + Keyed + 'static> Param for Vec<T> {
    const KIND: Kind = Kind::List;
    fn to_value(&self) -> Option<Value> {
        None
    }
    fn from_value(&mut self, _v: Value) -> Result<(), String> {
        Err("expected an array of tables".into())
    }
    fn as_child(&self) -> Option<Child<'_>> {
        Some(Child::List(self))
    }
    fn as_child_mut(&mut self) -> Option<ChildMut<'_>> {
        Some(ChildMut::List(self))
    }
}

/// Range helpers for the `params!` macro.
pub const fn real(min: f64, max: f64) -> Kind {
    Kind::Real { min, max }
}
pub const fn int(min: i64, max: i64) -> Kind {
    Kind::Int { min, max }
}
pub const fn reals(min: f64, max: f64) -> Kind {
    Kind::RealList { min, max }
}
/// A share: a real in [0, 1].
pub const SHARE: Kind = Kind::Real { min: 0.0, max: 1.0 };
/// A non-negative real.
pub const NONNEG: Kind = Kind::Real { min: 0.0, max: f64::INFINITY };
pub const BOOL: Kind = Kind::Bool;
pub const TEXT: Kind = Kind::Text;
pub const TEXTS: Kind = Kind::TextList;
pub const SECTION: Kind = Kind::Section;
pub const LIST: Kind = Kind::List;

/// Declares a parameter table: the struct, its defaults, and its schema.
///
/// ```ignore
/// params! {
///     /// Labour market.
///     pub struct Labour {
///         /// Young graduates arriving a year. Source: Hangzhou 2020-24 (350 k a year).
///         graduates_per_year: f64 = 350_000.0, NONNEG, "people/year";
///     }
/// }
/// ```
#[macro_export]
macro_rules! params {
    ($(
        $(#[doc = $sdoc:literal])*
        pub struct $name:ident {
            $(
                $(#[doc = $doc:literal])*
                $field:ident : $ty:ty = $default:expr , $kind:expr , $unit:literal ;
            )*
        }
    )*) => {$(
        $(#[doc = $sdoc])*
        #[derive(Clone, Debug, PartialEq)]
        pub struct $name {
            $( $(#[doc = $doc])* pub $field: $ty, )*
        }

        impl Default for $name {
            fn default() -> Self {
                Self { $( $field: $default, )* }
            }
        }

        impl $name {
            pub const FIELDS: &'static [$crate::schema::Field] = &[
                $( $crate::schema::Field {
                    key: stringify!($field),
                    kind: $kind,
                    unit: $unit,
                    doc: concat!($($doc, "\n"),*),
                }, )*
            ];
        }

        impl $crate::schema::Node for $name {
            fn doc(&self) -> &'static str {
                concat!($($sdoc, "\n"),*)
            }
            fn fields(&self) -> &'static [$crate::schema::Field] {
                Self::FIELDS
            }
            fn get(&self, key: &str) -> Option<$crate::schema::Value> {
                match key {
                    $( stringify!($field) => $crate::schema::Param::to_value(&self.$field), )*
                    _ => None,
                }
            }
            fn set(&mut self, key: &str, v: $crate::schema::Value) -> Result<(), String> {
                match key {
                    $( stringify!($field) => $crate::schema::Param::from_value(&mut self.$field, v), )*
                    _ => Err(format!("unknown key `{key}`")),
                }
            }
            fn child(&self, key: &str) -> Option<$crate::schema::Child<'_>> {
                match key {
                    $( stringify!($field) => $crate::schema::Param::as_child(&self.$field), )*
                    _ => None,
                }
            }
            fn child_mut(&mut self, key: &str) -> Option<$crate::schema::ChildMut<'_>> {
                match key {
                    $( stringify!($field) => $crate::schema::Param::as_child_mut(&mut self.$field), )*
                    _ => None,
                }
            }
        }

        impl $crate::schema::Param for $name {
            const KIND: $crate::schema::Kind = $crate::schema::Kind::Section;
            fn to_value(&self) -> Option<$crate::schema::Value> {
                None
            }
            fn from_value(&mut self, _v: $crate::schema::Value) -> Result<(), String> {
                Err("expected a table".into())
            }
            fn as_child(&self) -> Option<$crate::schema::Child<'_>> {
                Some($crate::schema::Child::Section(self))
            }
            fn as_child_mut(&mut self) -> Option<$crate::schema::ChildMut<'_>> {
                Some($crate::schema::ChildMut::Section(self))
            }
        }
    )*};
}

/// A parameter found by path.
pub struct Located {
    pub path: String,
    pub field: Field,
    pub value: Value,
}

/// Every leaf parameter below `node`, depth first, with its dotted path.
/// Items of a list are addressed by their `id`: `industries.general-ai.demand_m_per_month`.
pub fn leaves(node: &dyn Node, prefix: &str, out: &mut Vec<Located>) {
    for f in node.fields() {
        let path = if prefix.is_empty() { f.key.to_string() } else { format!("{prefix}.{}", f.key) };
        match node.child(f.key) {
            Some(Child::Section(n)) => leaves(n, &path, out),
            Some(Child::List(l)) => {
                for i in 0..l.len() {
                    let item = l.item(i);
                    let id = match item.get("id") {
                        Some(Value::Text(s)) => s,
                        _ => i.to_string(),
                    };
                    leaves(item, &format!("{path}.{id}"), out);
                }
            }
            None => {
                if let Some(value) = node.get(f.key) {
                    out.push(Located { path, field: *f, value });
                }
            }
        }
    }
}

/// Reads a leaf by dotted path.
pub fn get_path(root: &dyn Node, path: &str) -> Option<(Field, Value)> {
    let mut node = root;
    let parts: Vec<&str> = path.split('.').collect();
    let mut i = 0;
    while i < parts.len() {
        let key = parts[i];
        let field = *node.fields().iter().find(|f| f.key == key)?;
        match node.child(key) {
            Some(Child::Section(n)) => node = n,
            Some(Child::List(l)) => {
                let id = *parts.get(i + 1)?;
                let idx = (0..l.len()).find(|&j| matches!(l.item(j).get("id"), Some(Value::Text(s)) if s == id))?;
                node = l.item(idx);
                i += 1;
            }
            None => {
                return if i + 1 == parts.len() { node.get(key).map(|v| (field, v)) } else { None };
            }
        }
        i += 1;
    }
    None
}

/// Sets a leaf by dotted path, checking its kind and range.
pub fn set_path(root: &mut dyn Node, path: &str, v: Value) -> Result<(), String> {
    let parts: Vec<&str> = path.split('.').collect();
    set_parts(root, &parts, v, path)
}

fn set_parts(node: &mut dyn Node, parts: &[&str], v: Value, path: &str) -> Result<(), String> {
    let key = parts[0];
    let field =
        *node.fields().iter().find(|f| f.key == key).ok_or_else(|| format!("unknown parameter path `{path}`"))?;
    match node.child_mut(key) {
        Some(ChildMut::Section(n)) => {
            if parts.len() < 2 {
                return Err(format!("`{path}` is a table, not a parameter"));
            }
            set_parts(n, &parts[1..], v, path)
        }
        Some(ChildMut::List(l)) => {
            let id = parts.get(1).ok_or_else(|| format!("`{path}` is a list; add an item id"))?;
            let idx = (0..l.len())
                .find(|&j| matches!(l.item(j).get("id"), Some(Value::Text(s)) if s == *id))
                .ok_or_else(|| format!("no item with id `{id}` in `{path}`"))?;
            if parts.len() < 3 {
                return Err(format!("`{path}` is a table, not a parameter"));
            }
            set_parts(l.item_mut(idx), &parts[2..], v, path)
        }
        None => {
            if parts.len() != 1 {
                return Err(format!("unknown parameter path `{path}`"));
            }
            field.kind.check(&v).map_err(|e| format!("`{path}`: {e}"))?;
            node.set(key, v)
        }
    }
}

/// The closest names to `word` among `candidates` (Levenshtein distance), best first.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>, n: usize) -> Vec<&'a str> {
    let mut scored: Vec<(usize, &str)> = candidates.into_iter().map(|c| (edit_distance(word, c), c)).collect();
    scored.sort();
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}
