//! `docs/parameters.md` must be the output of `parameter_reference()`.
//! Regenerate with `UPDATE_DOCS=1 cargo test -p seedbed-scenario --test docs`.

use std::path::PathBuf;

#[test]
fn parameter_reference_is_up_to_date() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/parameters.md");
    let expected = seedbed_scenario::parameter_reference();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(path.parent().expect("docs dir")).expect("create docs/");
        std::fs::write(&path, &expected).expect("write docs/parameters.md");
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default().replace("\r\n", "\n");
    assert!(
        actual == expected,
        "docs/parameters.md is out of date with the parameter schema; regenerate it with\n    \
         UPDATE_DOCS=1 cargo test -p seedbed-scenario --test docs"
    );
}
