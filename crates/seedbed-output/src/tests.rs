//! Tests of `TableWriter` and `read_parquet` together.

use std::fs::{self, File};
use std::path::Path;

use parquet::basic::Compression;
use parquet::file::reader::{FileReader, SerializedFileReader};
use seedbed_model::frame::{ColType, Column, Data, Frame, Labels};

use crate::test_util::TestDir;
use crate::{Error, Format, TableOptions, TableWriter, read_parquet};

/// An `industries`-like frame of `rows` rows starting at `first`.
fn frame(first: usize, rows: usize) -> Frame {
    let ids: Vec<usize> = (first..first + rows).collect();
    let mut f = Frame::new();
    f.int("firm", "", "Firm id.", ids.iter().map(|&i| i as i64 * 7 - 3).collect())
        .real(
            "revenue",
            "thousand CNY per month",
            "Revenue this month.",
            ids.iter().map(|&i| i as f64 / 3.0 - 10.0).collect(),
        )
        .text(
            "industry",
            "",
            "Industry id.",
            ids.iter()
                .map(|&i| ["general-ai", "robotics", "e-commerce, \"retail\"", "杭州"][i % 4].to_owned())
                .collect(),
        );
    f
}

/// The frames concatenated into one.
fn concat(frames: &[Frame]) -> Frame {
    let mut out = Frame { columns: frames[0].columns.clone(), data: Vec::new() };
    for (i, _) in out.columns.iter().enumerate() {
        let mut d = match &frames[0].data[i] {
            Data::Int(_) => Data::Int(vec![]),
            Data::Real(_) => Data::Real(vec![]),
            Data::Text(_) | Data::Labels(_) => Data::Text(vec![]),
        };
        for f in frames {
            match (&mut d, &f.data[i]) {
                (Data::Int(a), Data::Int(b)) => a.extend_from_slice(b),
                (Data::Real(a), Data::Real(b)) => a.extend_from_slice(b),
                (Data::Text(a), Data::Text(b)) => a.extend_from_slice(b),
                (Data::Text(a), Data::Labels(b)) => a.extend(b.iter().map(String::from)),
                _ => unreachable!(),
            }
        }
        out.data.push(d);
    }
    out
}

fn write_all(path: &Path, format: Format, frames: &[Frame], options: TableOptions) {
    let mut w = TableWriter::create_with_options(path, format, None, options).unwrap();
    for f in frames {
        w.write(f).unwrap();
    }
    w.finish().unwrap();
}

fn parquet_reader(path: &Path) -> SerializedFileReader<File> {
    SerializedFileReader::new(File::open(path).unwrap()).unwrap()
}

#[test]
fn parquet_round_trip_across_row_groups() {
    let dir = TestDir::new("pq-roundtrip");
    let path = dir.path().join("firms.parquet");
    let sizes = [0, 1, 700, 2500, 3, 796];
    let mut first = 0;
    let frames: Vec<Frame> = sizes
        .iter()
        .map(|&n| {
            first += n;
            frame(first - n, n)
        })
        .collect();
    let total: usize = sizes.iter().sum(); // 4000
    let options = TableOptions { row_group_rows: 1000 };

    let mut w = TableWriter::create_with_options(&path, Format::Parquet, None, options).unwrap();
    for f in &frames[..4] {
        w.write(f).unwrap();
    }
    // 3201 rows written: three full row groups are already on disk, not held in memory.
    assert_eq!(w.rows_written(), 3201);
    assert_eq!(w.flushed_row_groups(), 3);
    for f in &frames[4..] {
        w.write(f).unwrap();
    }
    w.finish().unwrap();

    let back = read_parquet(&path).unwrap();
    assert_eq!(back.rows(), total);
    assert_eq!(back, concat(&frames));

    let reader = parquet_reader(&path);
    let meta = reader.metadata();
    assert_eq!(meta.num_row_groups(), 4);
    assert!(meta.row_groups().iter().all(|rg| rg.num_rows() == 1000));
    for rg in meta.row_groups() {
        assert!(rg.columns().iter().all(|c| c.compression() == Compression::SNAPPY));
    }
}

#[test]
fn parquet_default_options_split_a_large_frame() {
    let dir = TestDir::new("pq-large");
    let path = dir.path().join("firms.parquet");
    let big = frame(0, 150_000);
    write_all(&path, Format::Parquet, std::slice::from_ref(&big), TableOptions::default());
    let reader = parquet_reader(&path);
    let rows: Vec<i64> = reader.metadata().row_groups().iter().map(|rg| rg.num_rows()).collect();
    assert_eq!(rows, [65_536, 65_536, 150_000 - 2 * 65_536]);
    assert_eq!(read_parquet(&path).unwrap(), big);
}

#[test]
fn parquet_keeps_units_and_docs_and_special_values() {
    let dir = TestDir::new("pq-meta");
    let path = dir.path().join("city.parquet");
    let mut f = Frame::new();
    f.int("month", "month", "Simulated month, from 1.", vec![1, i64::MIN, i64::MAX])
        .real("gdp", "bn CNY", "Value added.", vec![-0.0, f64::INFINITY, 1e-300])
        .text("note", "", "", vec![String::new(), "a\nb".into(), "x".repeat(1000)]);
    write_all(&path, Format::Parquet, std::slice::from_ref(&f), TableOptions::default());
    let back = read_parquet(&path).unwrap();
    assert_eq!(back, f);
    assert_eq!(back.columns[0].unit, "month");
    assert_eq!(back.columns[1].doc, "Value added.");
    let Data::Real(gdp) = &back.data[1] else { panic!() };
    assert!(gdp[0].is_sign_negative());
}

#[test]
fn parquet_bytes_are_deterministic() {
    let dir = TestDir::new("pq-determinism");
    let frames: Vec<Frame> = (0..12).map(|m| frame(m * 50, 50 + m)).collect();
    let options = TableOptions { row_group_rows: 200 };
    let a = dir.path().join("a.parquet");
    let b = dir.path().join("b.parquet");
    write_all(&a, Format::Parquet, &frames, options);
    write_all(&b, Format::Parquet, &frames, options);
    let (a, b) = (fs::read(&a).unwrap(), fs::read(&b).unwrap());
    assert!(a.len() > 1000);
    assert!(a == b, "the same frames gave different Parquet bytes");
}

/// `frame` with its text column coded as labels.
fn labelled(f: &Frame) -> Frame {
    let mut g = f.clone();
    for d in &mut g.data {
        if let Data::Text(v) = d {
            let values: Vec<&str> = v.iter().map(String::as_str).collect();
            *d = Data::Labels(Labels::from_values(&values));
        }
    }
    g
}

#[test]
fn labels_are_written_exactly_as_text() {
    let dir = TestDir::new("labels");
    let frames = [frame(0, 9), frame(9, 0), frame(9, 2600)];
    let coded: Vec<Frame> = frames.iter().map(labelled).collect();
    assert!(matches!(coded[0].data[2], Data::Labels(_)));
    for (format, name) in [(Format::Parquet, "t.parquet"), (Format::Csv, "t.csv")] {
        let (a, b) = (dir.path().join(format!("text-{name}")), dir.path().join(format!("labels-{name}")));
        let options = TableOptions { row_group_rows: 1000 };
        write_all(&a, format, &frames, options);
        write_all(&b, format, &coded, options);
        assert_eq!(fs::read(&a).unwrap(), fs::read(&b).unwrap(), "{name}");
    }
    assert_eq!(read_parquet(&dir.path().join("labels-t.parquet")).unwrap(), concat(&frames));
}

#[test]
fn csv_output() {
    let dir = TestDir::new("csv");
    let path = dir.path().join("industries.csv");
    let mut f = Frame::new();
    f.int("month", "", "", vec![1, -2])
        .real("share, %", "", "", vec![0.1, 1.0])
        .real("tiny", "", "", vec![1e-7, 0.1 + 0.2])
        .text("name", "", "", vec!["general-ai".into(), "say \"hi\", then\nleave".into()]);
    let mut g = Frame::new();
    g.int("month", "", "", vec![3]).real("share, %", "", "", vec![2.5e16]).real("tiny", "", "", vec![-0.0]).text(
        "name",
        "",
        "",
        vec![" x".into()],
    );
    write_all(&path, Format::Csv, &[f, g], TableOptions::default());
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "month,\"share, %\",tiny,name\n\
         1,0.1,1e-7,general-ai\n\
         -2,1.0,0.30000000000000004,\"say \"\"hi\"\", then\nleave\"\n\
         3,2.5e16,-0.0,\" x\"\n"
    );
}

#[test]
fn schema_mismatch_is_an_error() {
    let dir = TestDir::new("mismatch");
    for format in [Format::Parquet, Format::Csv] {
        let path = dir.path().join(format!("t.{}", format.extension()));
        let mut w = TableWriter::create(&path, format).unwrap();
        w.write(&frame(0, 3)).unwrap();

        let mut renamed = frame(3, 3);
        renamed.columns[0].name = "firm_id".into();
        let err = w.write(&renamed).unwrap_err();
        assert!(matches!(err, Error::Schema { .. }), "{err}");
        assert!(err.to_string().contains("firm_id"), "{err}");

        let mut retyped = frame(3, 3);
        retyped.columns[0].ty = ColType::Real;
        retyped.data[0] = Data::Real(vec![1.0; 3]);
        assert!(matches!(w.write(&retyped), Err(Error::Schema { .. })));

        let mut fewer = frame(3, 3);
        fewer.columns.pop();
        fewer.data.pop();
        assert!(matches!(w.write(&fewer), Err(Error::Schema { .. })));

        let mut ragged = frame(3, 3);
        ragged.data[1] = Data::Real(vec![1.0]);
        assert!(matches!(w.write(&ragged), Err(Error::Schema { .. })));

        // The writer is still usable and the file holds only the good rows.
        w.write(&frame(3, 2)).unwrap();
        assert_eq!(w.rows_written(), 5);
        w.finish().unwrap();
        if format == Format::Parquet {
            assert_eq!(read_parquet(&path).unwrap(), frame(0, 5));
        } else {
            assert_eq!(fs::read_to_string(&path).unwrap().lines().count(), 6);
        }
    }
}

#[test]
fn empty_table_with_known_columns() {
    let dir = TestDir::new("empty");
    let columns = vec![
        Column { name: "month".into(), ty: ColType::Int, unit: "month", doc: "When." },
        Column { name: "kind".into(), ty: ColType::Text, unit: "", doc: "What happened." },
        Column { name: "amount".into(), ty: ColType::Real, unit: "CNY", doc: "How much." },
    ];
    let empty_frame =
        Frame { columns: columns.clone(), data: vec![Data::Int(vec![]), Data::Text(vec![]), Data::Real(vec![])] };

    let pq = dir.path().join("events.parquet");
    let mut w = TableWriter::create_with_columns(&pq, Format::Parquet, &columns).unwrap();
    w.write(&empty_frame).unwrap();
    w.write(&Frame::new()).unwrap(); // no columns at all: nothing to write
    w.finish().unwrap();
    let back = read_parquet(&pq).unwrap();
    assert_eq!(back.rows(), 0);
    assert_eq!(back, empty_frame);

    // Never written to at all.
    let pq2 = dir.path().join("events2.parquet");
    TableWriter::create_with_columns(&pq2, Format::Parquet, &columns).unwrap().finish().unwrap();
    assert_eq!(read_parquet(&pq2).unwrap(), empty_frame);

    let csv = dir.path().join("events.csv");
    TableWriter::create_with_columns(&csv, Format::Csv, &columns).unwrap().finish().unwrap();
    assert_eq!(fs::read_to_string(&csv).unwrap(), "month,kind,amount\n");

    // A zero-row frame is enough to fix the schema, too.
    let pq3 = dir.path().join("events3.parquet");
    let mut w = TableWriter::create(&pq3, Format::Parquet).unwrap();
    w.write(&empty_frame).unwrap();
    w.finish().unwrap();
    assert_eq!(read_parquet(&pq3).unwrap(), empty_frame);
}

#[test]
fn unknown_schema_at_finish_is_an_error() {
    let dir = TestDir::new("no-schema");
    let path = dir.path().join("events.parquet");
    let w = TableWriter::create(&path, Format::Parquet).unwrap();
    assert!(matches!(w.finish(), Err(Error::Schema { .. })));
    assert!(!path.exists(), "the schema-less file is removed");
}

#[test]
fn bad_column_lists_are_refused_up_front() {
    let dir = TestDir::new("bad-columns");
    let path = dir.path().join("t.parquet");
    let c = Column { name: "a".into(), ty: ColType::Int, unit: "", doc: "" };
    assert!(matches!(
        TableWriter::create_with_columns(&path, Format::Parquet, &[c.clone(), c]),
        Err(Error::Schema { .. })
    ));
    assert!(matches!(TableWriter::create_with_columns(&path, Format::Parquet, &[]), Err(Error::Schema { .. })));
}

#[test]
fn read_errors_name_the_file() {
    let dir = TestDir::new("read-errors");
    let missing = dir.path().join("missing.parquet");
    assert!(matches!(read_parquet(&missing), Err(Error::Io { .. })));
    let junk = dir.path().join("junk.parquet");
    fs::write(&junk, "not parquet").unwrap();
    let err = read_parquet(&junk).unwrap_err();
    assert!(matches!(err, Error::Parquet { .. }));
    assert!(err.to_string().contains("junk.parquet"), "{err}");
}
