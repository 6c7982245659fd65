//! Identities: the scenario hash and the program version recorded with every run.

use std::sync::OnceLock;

use seedbed_model::Scenario;
use seedbed_scenario::to_toml;
use sha2::{Digest, Sha256};

/// SHA-256 (hex) of the scenario's TOML text (`seedbed show` format, which round-trips
/// exactly): two scenarios with the same hash run the same model.
pub fn scenario_hash(s: &Scenario) -> String {
    hex(&Sha256::digest(to_toml(s).as_bytes()))
}

/// The program version: the package version and the first 12 hex digits of the SHA-256 of the
/// running executable, e.g. `0.1.0+3f2a9c81d4e0`. Any rebuild that changes the program changes
/// it, so a catalogued run is only reused by the very program that computed it. Falls back to
/// the package version alone if the executable cannot be read.
pub fn program_version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        let pkg = env!("CARGO_PKG_VERSION");
        match std::env::current_exe().and_then(hash_file) {
            Ok(h) => format!("{pkg}+{}", &h[..12]),
            Err(_) => pkg.to_string(),
        }
    })
}

fn hash_file(path: std::path::PathBuf) -> std::io::Result<String> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex(&h.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_follow_the_scenario() {
        let a = Scenario::default();
        let mut b = a.clone();
        assert_eq!(scenario_hash(&a), scenario_hash(&b));
        assert_eq!(scenario_hash(&a).len(), 64);
        b.run.months = 7;
        assert_ne!(scenario_hash(&a), scenario_hash(&b));
        let v = program_version();
        assert!(v.starts_with(env!("CARGO_PKG_VERSION")) && v.len() == env!("CARGO_PKG_VERSION").len() + 13, "{v}");
    }
}
