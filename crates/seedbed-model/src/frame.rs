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
    /// Text of few distinct values (an event's kind, an industry id) as codes into a list of
    /// names: written exactly as the same `Text` column, but built without a string per row.
    Labels(Labels),
}

/// A text column stored as codes into `names`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Labels {
    pub names: Vec<String>,
    pub codes: Vec<u32>,
}

impl Labels {
    /// Codes `values` against the distinct values in order of first appearance. Rows of a
    /// value usually come in runs, so the last value found is tried first.
    pub fn from_values(values: &[&str]) -> Labels {
        let mut names: Vec<&str> = Vec::new();
        let mut last = 0;
        let codes = values
            .iter()
            .map(|&v| {
                if names.get(last) != Some(&v) {
                    last = names.iter().position(|&n| n == v).unwrap_or_else(|| {
                        names.push(v);
                        names.len() - 1
                    });
                }
                last as u32
            })
            .collect();
        Labels { names: names.into_iter().map(String::from).collect(), codes }
    }
    /// The text at `row`.
    pub fn get(&self, row: usize) -> &str {
        &self.names[self.codes[row] as usize]
    }
    /// The texts of the rows, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.rows(0..self.codes.len())
    }
    /// The texts of rows `rows`, in order.
    pub fn rows(&self, rows: std::ops::Range<usize>) -> impl Iterator<Item = &str> {
        self.codes[rows].iter().map(|&c| self.names[c as usize].as_str())
    }
}

impl Data {
    pub fn len(&self) -> usize {
        match self {
            Data::Int(v) => v.len(),
            Data::Real(v) => v.len(),
            Data::Text(v) => v.len(),
            Data::Labels(l) => l.codes.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The text at `row` of a text column (`Text` or `Labels`); `None` for numbers.
    pub fn text(&self, row: usize) -> Option<&str> {
        match self {
            Data::Text(v) => v.get(row).map(String::as_str),
            Data::Labels(l) => (row < l.codes.len()).then(|| l.get(row)),
            Data::Int(_) | Data::Real(_) => None,
        }
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
    pub fn labels(&mut self, name: impl Into<String>, unit: &'static str, doc: &'static str, v: Labels) -> &mut Self {
        self.push(Column { name: name.into(), ty: ColType::Text, unit, doc }, Data::Labels(v))
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
            Data::Text(_) | Data::Labels(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_code_each_distinct_value_once_and_read_back_the_values() {
        let values = ["a", "a", "b", "", "a", "b", "c", "c"];
        let l = Labels::from_values(&values);
        assert_eq!(l.names, ["a", "b", "", "c"]);
        assert_eq!(l.codes, [0, 0, 1, 2, 0, 1, 3, 3]);
        assert!(l.iter().eq(values.iter().copied()));
        let d = Data::Labels(l);
        assert_eq!(d.len(), 8);
        assert_eq!(d.text(6), Some("c"));
        assert_eq!(d.text(8), None);
        assert_eq!(Labels::from_values(&[]).codes.len(), 0);
    }
}
