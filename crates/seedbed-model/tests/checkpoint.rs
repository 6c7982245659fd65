//! Checkpoints: a run stopped, written and read back continues bit for bit as the unbroken run;
//! damaged files, other versions and other files give errors, never panics.

mod common;
use std::sync::OnceLock;

use common::*;
use proptest::prelude::*;
use seedbed_model::checkpoint::{
    self, CheckpointError, PROGRAM_VERSION, check_fork, from_bytes, inspect, scenario_changes, shock_sd_table, to_bytes,
};
use seedbed_model::schema::{Value, set_path};
use seedbed_model::{Observation, Scenario, Simulation};

/// Every month's tables and the end-of-run tables, as text with exact float bits.
fn trace(obs: &[Observation], sim: &Simulation) -> Vec<String> {
    let mut v: Vec<String> = obs
        .iter()
        .enumerate()
        .map(|(i, o)| {
            format!("month {i}\n{}{}{}", fingerprint(&o.city), fingerprint(&o.industries), fingerprint(&o.events))
        })
        .collect();
    v.push(format!("firms\n{}", fingerprint(&sim.firms_frame())));
    v.push(format!("deals\n{}", fingerprint(&sim.deals_frame())));
    v.push(format!("years\n{}", fingerprint(&sim.years_frame())));
    v
}

fn assert_same(a: &[String], b: &[String]) {
    assert_eq!(a.len(), b.len(), "different numbers of tables");
    for (x, y) in a.iter().zip(b) {
        assert!(x == y, "differs: {}", x.lines().next().unwrap_or(""));
    }
}

/// Steps `sim` to the end, returning the observations.
fn finish(sim: &mut Simulation) -> Vec<Observation> {
    let mut obs = Vec::new();
    while !sim.done() {
        obs.push(sim.step());
    }
    obs
}

#[test]
fn resumed_run_matches_the_unbroken_run_bit_for_bit() {
    let s = small(0.005, 30);
    let (whole, whole_obs) = run(&s, 7);
    let expected = trace(&whole_obs, &whole);

    let mut sim = Simulation::new(&s, 7).unwrap();
    let mut obs: Vec<Observation> = (0..12).map(|_| sim.step()).collect();
    let bytes = sim.checkpoint("# the scenario's text", b"extra bytes");
    drop(sim);

    let (mut resumed, info) = Simulation::resume(&bytes).expect("resumes");
    assert_eq!(info.seed, 7);
    assert_eq!(info.months_done, 12);
    assert_eq!(info.version, PROGRAM_VERSION);
    assert_eq!(info.scenario, s);
    assert_eq!(info.scenario_toml, "# the scenario's text");
    assert_eq!(info.extra, b"extra bytes");
    assert_eq!(resumed.months_done(), 12);
    resumed.check_identities().expect("identities hold after resuming");
    // Writing the resumed state again gives the same bytes.
    assert!(resumed.checkpoint("# the scenario's text", b"extra bytes") == bytes, "re-encoding differs");

    while !resumed.done() {
        obs.push(resumed.step());
        resumed.check_identities().expect("identities hold");
    }
    assert_same(&expected, &trace(&obs, &resumed));
}

#[test]
fn fork_with_the_same_scenario_is_resume_and_a_changed_one_differs() {
    let s = small(0.004, 20);
    let (whole, whole_obs) = run(&s, 3);
    let mut sim = Simulation::new(&s, 3).unwrap();
    let mut obs: Vec<Observation> = (0..8).map(|_| sim.step()).collect();
    let bytes = sim.checkpoint("", &[]);

    let (mut same, _) = Simulation::fork(&bytes, &s).unwrap();
    let mut same_obs = obs.clone();
    same_obs.extend(finish(&mut same));
    assert_same(&trace(&whole_obs, &whole), &trace(&same_obs, &same));

    // A policy change applies from the next month; the months before are the checkpoint's.
    let mut v = s.clone();
    set_path(&mut v, "policy.rd_grants.enabled", Value::Bool(false)).unwrap();
    set_path(&mut v, "run.months", Value::Int(24)).unwrap();
    let (mut fork, info) = Simulation::fork(&bytes, &v).unwrap();
    assert_eq!(info.scenario, s);
    assert_eq!(fork.world.cfg.s, v);
    assert_eq!(fork.months_total(), 24);
    obs.extend(finish(&mut fork));
    assert_eq!(obs.len(), 24);
    let spend = |o: &[Observation]| total(&o[8..20], "policy_spend_m");
    assert_ne!(spend(&obs).to_bits(), spend(&whole_obs).to_bits(), "the fork's policy made no difference");
    let changes = scenario_changes(&s, &v);
    let paths: Vec<&str> = changes.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(paths, ["run.months", "policy.rd_grants.enabled"]);
}

#[test]
fn forks_must_keep_industries_packages_scale_and_start() {
    let s = small(0.004, 20);
    let incompatible = |v: &Scenario, done: u32, what: &str| match check_fork(&s, v, done) {
        Err(CheckpointError::Incompatible(m)) => assert!(m.contains(what), "{m}"),
        other => panic!("expected an incompatibility about {what}, got {other:?}"),
    };
    let mut v = s.clone();
    v.run.scale = 0.005;
    incompatible(&v, 8, "run.scale");
    let mut v = s.clone();
    v.industries.swap(0, 1);
    incompatible(&v, 8, "industries");
    let mut v = s.clone();
    v.government.packages.pop();
    incompatible(&v, 8, "packages");
    let mut v = s.clone();
    v.run.start_month = if v.run.start_month == 1 { 2 } else { 1 };
    incompatible(&v, 8, "start");
    incompatible(&s, 20, "run.months");
    assert!(check_fork(&s, &s, 19).is_ok());

    // Through the checkpoint too, before decoding the world.
    let mut sim = Simulation::new(&small(0.002, 4), 1).unwrap();
    sim.step();
    let bytes = sim.checkpoint("", &[]);
    let mut v = small(0.002, 4);
    v.run.scale = 0.003;
    assert!(matches!(Simulation::fork(&bytes, &v), Err(CheckpointError::Incompatible(_))));
    // A fork that changes the demand shocks gets the matching shock table.
    let mut v = small(0.002, 4);
    v.market.shock_sd *= 2.0;
    let (f, _) = Simulation::fork(&bytes, &v).unwrap();
    let want = shock_sd_table(&v, f.world.shock_sd_by_size.len());
    assert!(f.world.shock_sd_by_size.iter().zip(&want).all(|(a, b)| a.to_bits() == b.to_bits()));
}

#[test]
fn the_shock_table_matches_the_worlds() {
    let s = small(0.002, 2);
    let sim = Simulation::new(&s, 5).unwrap();
    let t = shock_sd_table(&s, sim.world.shock_sd_by_size.len());
    assert!(!t.is_empty());
    assert!(t.iter().zip(&sim.world.shock_sd_by_size).all(|(a, b)| a.to_bits() == b.to_bits()));
}

#[test]
fn observations_round_trip() {
    let (_, obs) = run(&small(0.002, 3), 9);
    let back: Vec<Observation> = from_bytes(&to_bytes(&obs)).unwrap();
    for (a, b) in obs.iter().zip(&back) {
        assert_eq!(fingerprint(&a.city), fingerprint(&b.city));
        assert_eq!(fingerprint(&a.industries), fingerprint(&b.industries));
        assert_eq!(fingerprint(&a.events), fingerprint(&b.events));
        assert_eq!(a.city.columns, b.city.columns);
        assert_eq!(a.events.columns, b.events.columns);
        assert_eq!(a.events.data, b.events.data);
    }
    assert_eq!(back.len(), obs.len());
    // Trailing bytes and short input are errors.
    let mut bytes = to_bytes(&obs);
    bytes.push(0);
    assert!(from_bytes::<Vec<Observation>>(&bytes).is_err());
    bytes.truncate(bytes.len() - 2);
    assert!(from_bytes::<Vec<Observation>>(&bytes).is_err());
}

/// A small checkpoint shared by the damage tests.
fn sample() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let mut sim = Simulation::new(&small(0.002, 6), 4).unwrap();
        for _ in 0..3 {
            sim.step();
        }
        sim.checkpoint("text", b"extra")
    })
}

/// Offset of the program version in the header: magic, format, version length.
const VERSION_AT: usize = 11 + 4 + 4;

fn with_version(bytes: &[u8], version: &str) -> Vec<u8> {
    let n = u32::from_le_bytes(bytes[15..19].try_into().unwrap()) as usize;
    let mut out = bytes[..15].to_vec();
    out.extend_from_slice(&(version.len() as u32).to_le_bytes());
    out.extend_from_slice(version.as_bytes());
    out.extend_from_slice(&bytes[VERSION_AT + n..]);
    out
}

#[test]
fn another_version_is_refused_with_both_versions_named() {
    let bytes = with_version(sample(), "9.9.9");
    let e = Simulation::resume(&bytes).err().expect("refused");
    assert_eq!(e, CheckpointError::Version { found: "9.9.9".into(), this: PROGRAM_VERSION.into() });
    let text = e.to_string();
    assert!(text.starts_with(&format!("checkpoint from Seedbed 9.9.9, this is {PROGRAM_VERSION}")), "{text}");
    assert!(matches!(inspect(&bytes), Err(CheckpointError::Version { .. })));
    // The sample itself is fine.
    assert!(inspect(sample()).is_ok());
    assert_eq!(with_version(sample(), PROGRAM_VERSION), sample());
}

#[test]
fn other_files_are_not_checkpoints() {
    for bytes in [&b""[..], b"hello, world", b"PAR1\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"] {
        let e = Simulation::resume(bytes).err().expect("refused");
        assert_eq!(e, CheckpointError::NotACheckpoint);
        assert_eq!(e.to_string(), "not a Seedbed checkpoint");
    }
    assert!(matches!(Simulation::resume(b"SEEDB"), Err(CheckpointError::Truncated { .. })));
}

#[test]
fn a_truncated_file_says_so() {
    let b = sample();
    for cut in [11, 20, 40, b.len() / 2, b.len() - 1] {
        let e = Simulation::resume(&b[..cut]).err().expect("refused");
        assert!(matches!(e, CheckpointError::Truncated { .. }), "cut at {cut}: {e:?}");
        assert!(e.to_string().starts_with("truncated checkpoint"), "{e}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn any_truncation_is_an_error(cut in 0usize..1_000_000_000) {
        let b = sample();
        let cut = cut % b.len();
        prop_assert!(Simulation::resume(&b[..cut]).is_err());
        prop_assert!(inspect(&b[..cut]).is_err());
    }

    #[test]
    fn any_byte_flip_is_an_error(at in 0usize..1_000_000_000, mask in 1u8..=255) {
        let mut b = sample().to_vec();
        let at = at % b.len();
        b[at] ^= mask;
        prop_assert!(Simulation::resume(&b).is_err());
    }

    /// Damage that a forger hid from the checksum still never makes decoding panic.
    #[test]
    fn decoding_damaged_content_never_panics(flips in proptest::collection::vec((0usize..1_000_000_000, 1u8..=255), 1..8)) {
        let mut b = sample().to_vec();
        let header = VERSION_AT + PROGRAM_VERSION.len() + 24;
        let body_len = b.len() - header;
        for (at, mask) in flips {
            b[header + at % body_len] ^= mask;
        }
        let sum = checkpoint::checksum(&b[header..]);
        b[header - 8..header].copy_from_slice(&sum.to_le_bytes());
        let _ = Simulation::resume(&b);
        let _ = inspect(&b);
    }
}
