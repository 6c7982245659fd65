//! Checks on frames and column lists, shared by the Parquet and CSV writers.
//!
//! `Frame`'s fields are public, so a frame can be inconsistent (columns of unequal length,
//! data of another type than declared). Writers check every frame and report such a frame
//! as an error instead of panicking or writing a corrupt file.

use seedbed_model::frame::{ColType, Column, Data, Frame};

/// The type a `Data` holds.
pub(crate) fn data_type(d: &Data) -> ColType {
    match d {
        Data::Int(_) => ColType::Int,
        Data::Real(_) => ColType::Real,
        Data::Text(_) | Data::Labels(_) => ColType::Text,
    }
}

/// A word for a column type, as used in messages and documentation.
pub(crate) fn type_word(ty: ColType) -> &'static str {
    match ty {
        ColType::Int => "integer",
        ColType::Real => "real",
        ColType::Text => "text",
    }
}

/// Checks that a column list can be a table schema: at least one column, names unique
/// and not empty.
pub(crate) fn check_columns(columns: &[Column]) -> Result<(), String> {
    if columns.is_empty() {
        return Err("a table needs at least one column".into());
    }
    for (i, c) in columns.iter().enumerate() {
        if c.name.is_empty() {
            return Err(format!("column {i} has an empty name"));
        }
        if columns[..i].iter().any(|p| p.name == c.name) {
            return Err(format!("column {:?} appears twice", c.name));
        }
    }
    Ok(())
}

/// Checks that a frame is internally consistent: one `Data` per column, of the declared type,
/// all of the same length.
pub(crate) fn check_frame(frame: &Frame) -> Result<(), String> {
    if frame.columns.len() != frame.data.len() {
        return Err(format!("frame has {} columns but {} data vectors", frame.columns.len(), frame.data.len()));
    }
    let rows = frame.rows();
    for (c, d) in frame.columns.iter().zip(&frame.data) {
        if data_type(d) != c.ty {
            return Err(format!(
                "column {:?} is declared {} but holds {} data",
                c.name,
                type_word(c.ty),
                type_word(data_type(d))
            ));
        }
        if d.len() != rows {
            return Err(format!("column {:?} has {} rows, the frame {rows}", c.name, d.len()));
        }
    }
    Ok(())
}

/// Checks that `got` (a later frame's columns) equals `expected` (the table's schema):
/// same names, in the same order, with the same type, unit and doc.
pub(crate) fn check_same_columns(expected: &[Column], got: &[Column]) -> Result<(), String> {
    let names = |cs: &[Column]| cs.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ");
    if expected.len() != got.len() || expected.iter().zip(got).any(|(e, g)| e.name != g.name) {
        return Err(format!("frame columns [{}] differ from the table's columns [{}]", names(got), names(expected)));
    }
    for (e, g) in expected.iter().zip(got) {
        if e.ty != g.ty {
            return Err(format!(
                "column {:?} is {} in this frame but {} in the table",
                e.name,
                type_word(g.ty),
                type_word(e.ty)
            ));
        }
        if e.unit != g.unit || e.doc != g.doc {
            return Err(format!("column {:?} changed its unit or description", e.name));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(name: &str, ty: ColType) -> Column {
        Column { name: name.into(), ty, unit: "", doc: "" }
    }

    #[test]
    fn rejects_bad_column_lists() {
        assert!(check_columns(&[]).is_err());
        assert!(check_columns(&[col("a", ColType::Int), col("a", ColType::Real)]).is_err());
        assert!(check_columns(&[col("", ColType::Int)]).is_err());
        assert!(check_columns(&[col("a", ColType::Int), col("b", ColType::Real)]).is_ok());
    }

    #[test]
    fn rejects_inconsistent_frames() {
        let mut f = Frame::new();
        f.int("a", "", "", vec![1, 2]).real("b", "", "", vec![1.0, 2.0]);
        assert!(check_frame(&f).is_ok());
        let mut wrong_type = f.clone();
        wrong_type.columns[1].ty = ColType::Text;
        assert!(check_frame(&wrong_type).is_err());
        let mut short = f.clone();
        short.data[1] = Data::Real(vec![1.0]);
        assert!(check_frame(&short).is_err());
        let mut missing = f.clone();
        missing.data.pop();
        assert!(check_frame(&missing).is_err());
    }

    #[test]
    fn compares_columns() {
        let a = [col("a", ColType::Int), col("b", ColType::Real)];
        assert!(check_same_columns(&a, &a).is_ok());
        assert!(check_same_columns(&a, &a[..1]).is_err());
        assert!(check_same_columns(&a, &[col("a", ColType::Int), col("c", ColType::Real)]).is_err());
        assert!(check_same_columns(&a, &[col("a", ColType::Real), col("b", ColType::Real)]).is_err());
        let mut unit = a.clone();
        unit[1].unit = "CNY";
        assert!(check_same_columns(&a, &unit).is_err());
    }
}
