//! A snapshot of a small fixed-seed run's yearly headline figures: an accidental change of
//! behaviour shows up in review as a change of `tests/snapshots/small-run.txt`.
//! After an intended change: `UPDATE_SNAPSHOTS=1 cargo test -p seedbed-model --test snapshot`.

mod common;
use common::*;
use seedbed_model::Data;

#[test]
fn small_run_summary_matches_the_snapshot() {
    let (sim, _) = run(&small(0.005, 24), 2025);
    let years = sim.years_frame();
    let mut text = String::new();
    for (c, d) in years.columns.iter().zip(&years.data) {
        let values: Vec<String> = match d {
            Data::Int(v) => v.iter().map(|x| x.to_string()).collect(),
            Data::Real(v) => v.iter().map(|x| format!("{x:.6e}")).collect(),
            Data::Text(v) => v.clone(),
            Data::Labels(l) => l.iter().map(String::from).collect(),
        };
        text += &format!("{:28} {}\n", c.name, values.join("  "));
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/small-run.txt");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing {}; run with UPDATE_SNAPSHOTS=1 to create it", path.display()));
    assert!(
        expected == text,
        "summary changed; review and run with UPDATE_SNAPSHOTS=1 if intended.\n--- expected\n{expected}\n--- got\n{text}"
    );
}
