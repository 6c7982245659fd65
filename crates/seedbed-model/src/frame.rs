//! Column tables: what the model hands to writers (Parquet, CSV, JSON) without knowing them.

/// The type of a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColType {
    Int,
    Real,
    Text,
}

/// A column's name, type, unit and meaning; the writers document outputs from these.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub name: String,
    pub ty: ColType,
    pub unit: &'static str,
    pub doc: &'static str,
}

/// The values of one column.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    Int(Vec<i64>),
    Real(Vec<f64>),
    Text(Vec<String>),
}

impl Data {
    pub fn len(&self) -> usize {
        match self {
            Data::Int(v) => v.len(),
            Data::Real(v) => v.len(),
            Data::Text(v) => v.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A table: named, typed, documented columns of equal length.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Frame {
    pub columns: Vec<Column>,
    pub data: Vec<Data>,
}

impl Frame {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn rows(&self) -> usize {
        self.data.first().map_or(0, Data::len)
    }
    pub fn int(&mut self, name: impl Into<String>, unit: &'static str, doc: &'static str, v: Vec<i64>) -> &mut Self {
        self.push(Column { name: name.into(), ty: ColType::Int, unit, doc }, Data::Int(v))
    }
    pub fn real(&mut self, name: impl Into<String>, unit: &'static str, doc: &'static str, v: Vec<f64>) -> &mut Self {
        self.push(Column { name: name.into(), ty: ColType::Real, unit, doc }, Data::Real(v))
    }
    pub fn text(
        &mut self,
        name: impl Into<String>,
        unit: &'static str,
        doc: &'static str,
        v: Vec<String>,
    ) -> &mut Self {
        self.push(Column { name: name.into(), ty: ColType::Text, unit, doc }, Data::Text(v))
    }
    fn push(&mut self, c: Column, d: Data) -> &mut Self {
        debug_assert!(
            self.data.is_empty() || d.len() == self.rows(),
            "column {} has {} rows, frame {}",
            c.name,
            d.len(),
            self.rows()
        );
        self.columns.push(c);
        self.data.push(d);
        self
    }
    /// The column named `name`.
    pub fn get(&self, name: &str) -> Option<&Data> {
        self.columns.iter().position(|c| c.name == name).map(|i| &self.data[i])
    }
    /// A real or integer value at `row` of column `name`, as f64.
    pub fn value(&self, name: &str, row: usize) -> Option<f64> {
        match self.get(name)? {
            Data::Int(v) => v.get(row).map(|&x| x as f64),
            Data::Real(v) => v.get(row).copied(),
            Data::Text(_) => None,
        }
    }
}
