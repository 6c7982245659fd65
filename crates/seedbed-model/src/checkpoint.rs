//! Checkpoints: the whole state of a run as bytes, so a run stopped at a policy date can be
//! continued later, or forked into many what-ifs, exactly as the unbroken run would have gone on.
//!
//! - [`Simulation::checkpoint`] encodes the world after the months simulated so far, with the
//!   scenario (exactly, through the parameter schema), the scenario's TOML text (for people) and
//!   opaque `extra` bytes of the caller (the command line keeps the monthly tables there).
//! - [`Simulation::resume`] continues the checkpointed run unchanged;
//!   [`Simulation::fork`] continues it under another scenario (same industries, packages,
//!   scale and start; any other parameter may differ and applies from the next month on).
//! - [`inspect`] reads a checkpoint's header, scenario and extra bytes without the world.
//!
//! There is no random-number state to save: every draw is keyed by (seed, phase, month, agent),
//! so the world's columns and the month index are all a run needs to go on.
//!
//! # Format (little-endian)
//!
//! ```text
//! magic "SEEDBEDCKPT" (11 bytes) | format u32 | program version (u32 length + UTF-8)
//! | layout hash u64 | body length u64 | body checksum u64 | body
//! body = seed u64 | months done u32 | scenario (schema walk) | scenario TOML (string)
//!      | extra (u64 length + bytes) | world
//! ```
//!
//! Integers and floats are fixed-width little-endian (floats by their bits, so NaN and -0 survive);
//! a `Vec` is its length (u64) then its elements; a string is its UTF-8 bytes as a `Vec<u8>`;
//! enums are a tag byte. The layout hash is a hash of the field names of every encoded structure
//! and of the parameter schema: a checkpoint from a build whose state differs (same version
//! number) is refused rather than misread. The checksum (a 64-bit multiplicative hash over the
//! body) catches damaged files; decoding never panics on bad input, it returns a
//! [`CheckpointError`].
//!
//! # Adding state
//!
//! Every state structure's encoder names its fields in an exhaustive pattern (no `..`): a new
//! field of `World`, `People`, `Firms`, ... is a compile error here until it is added to the
//! lists below (`codec!` and `world_codec!`; scratch buffers go to the skipped list in
//! `world_codec!`). Adding a field changes the layout hash, so older checkpoints are refused.

use std::collections::HashSet;
use std::fmt;
use std::sync::{Mutex, OnceLock};

use crate::config::{Config, Instrument};
use crate::events::{Events, Kind as EventKind};
use crate::frame::{ColType, Column, Data, Frame, Labels};
use crate::phases::observe::{Observation, YearAcc};
use crate::scenario::Scenario;
use crate::schema::{Child, ChildMut, Located, Node, Value, leaves};
use crate::sim::Simulation;
use crate::state::*;
use crate::world::{ComputeMarket, Cumulative, Month, Tally, World};

/// The first bytes of every checkpoint.
pub const MAGIC: &[u8; 11] = b"SEEDBEDCKPT";
/// Version of the container format (header and encoding rules).
pub const FORMAT: u32 = 1;
/// The program version written into checkpoints; only the same version reads them.
pub const PROGRAM_VERSION: &str = env!("CARGO_PKG_VERSION");
/// Longest program version string accepted in a header.
const MAX_VERSION_LEN: usize = 64;

/// Why a checkpoint cannot be read or forked.
#[derive(Clone, Debug, PartialEq)]
pub enum CheckpointError {
    /// The bytes do not start with the checkpoint magic.
    NotACheckpoint,
    /// Written by another program version.
    Version { found: String, this: String },
    /// Another container format (with the same program version: a development build).
    Format { found: u32, this: u32 },
    /// Same version number, but the state's layout differs (a development build).
    Layout,
    /// The file ends before the length its header declares (`expected` 0: inside the header).
    Truncated { len: u64, expected: u64 },
    /// Damaged or invalid content.
    Corrupted(String),
    /// The scenario cannot continue this checkpoint.
    Incompatible(String),
}

impl fmt::Display for CheckpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckpointError::NotACheckpoint => f.write_str("not a Seedbed checkpoint"),
            CheckpointError::Version { found, this } => write!(
                f,
                "checkpoint from Seedbed {found}, this is {this}: a checkpoint can only be continued by the \
                 version that wrote it (rerun the scenario to the checkpoint date with this version)"
            ),
            CheckpointError::Format { found, this } => write!(
                f,
                "checkpoint in format {found}, this Seedbed ({PROGRAM_VERSION}) reads format {this}: rerun the \
                 scenario to the checkpoint date with this version"
            ),
            CheckpointError::Layout => write!(
                f,
                "checkpoint from a different build of Seedbed {PROGRAM_VERSION} (its state layout differs): rerun \
                 the scenario to the checkpoint date with this build"
            ),
            CheckpointError::Truncated { len, expected: 0 } => {
                write!(f, "truncated checkpoint: the file ends inside its header ({len} bytes)")
            }
            CheckpointError::Truncated { len, expected } => {
                write!(f, "truncated checkpoint: the file has {len} bytes, its header promises {expected}")
            }
            CheckpointError::Corrupted(why) => write!(f, "corrupted checkpoint: {why}"),
            CheckpointError::Incompatible(why) => write!(f, "the scenario cannot continue this checkpoint: {why}"),
        }
    }
}

impl std::error::Error for CheckpointError {}

type Result<T> = std::result::Result<T, CheckpointError>;

fn corrupted(why: impl Into<String>) -> CheckpointError {
    CheckpointError::Corrupted(why.into())
}

/// What a checkpoint holds besides the world.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckpointInfo {
    /// Program version that wrote it.
    pub version: String,
    /// The run's master seed.
    pub seed: u64,
    /// Months simulated when it was written (the next month to simulate has this index).
    pub months_done: u32,
    /// The scenario of the checkpointed run, exactly (every parameter, bit for bit).
    pub scenario: Scenario,
    /// The scenario's text as the caller stored it (usually TOML), for display.
    pub scenario_toml: String,
    /// The caller's extra bytes.
    pub extra: Vec<u8>,
}

// ---------------------------------------------------------------------------------------------
// Encoder and decoder

/// Appends little-endian values to a buffer.
#[derive(Default)]
pub struct Encoder {
    buf: Vec<u8>,
}

impl Encoder {
    pub fn new() -> Encoder {
        Encoder::default()
    }
    /// Raw bytes, no length.
    #[inline]
    pub fn raw(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }
    /// A byte string: its length (u64) then the bytes.
    pub fn bytes(&mut self, b: &[u8]) {
        (b.len() as u64).encode(self);
        self.raw(b);
    }
    pub fn len(&self) -> usize {
        self.buf.len()
    }
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }
}

/// Reads little-endian values from a slice; running out of bytes is an error, never a panic.
pub struct Decoder<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Decoder<'a> {
    pub fn new(buf: &'a [u8]) -> Decoder<'a> {
        Decoder { buf, pos: 0 }
    }
    /// The next `n` raw bytes.
    #[inline]
    pub fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.remaining() {
            return Err(corrupted(format!(
                "data ends early: {n} bytes wanted at byte {} of {}",
                self.pos,
                self.buf.len()
            )));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    #[inline]
    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    /// A byte string written by [`Encoder::bytes`].
    pub fn bytes(&mut self) -> Result<&'a [u8]> {
        let n = self.len_prefix(1)?;
        self.take(n)
    }
    /// A length prefix for `n` items of at least `min_size` bytes each, checked against the
    /// bytes left (so a damaged length cannot make us allocate a huge buffer).
    pub fn len_prefix(&mut self, min_size: usize) -> Result<usize> {
        let n = u64::decode(self)?;
        let left = self.remaining() as u64;
        if n.saturating_mul(min_size.max(1) as u64) > left {
            return Err(corrupted(format!("a length of {n} at byte {} exceeds the {left} bytes left", self.pos)));
        }
        Ok(n as usize)
    }
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }
    pub fn position(&self) -> usize {
        self.pos
    }
    /// Checks that every byte was read.
    pub fn finish(self) -> Result<()> {
        if self.remaining() == 0 {
            Ok(())
        } else {
            Err(corrupted(format!("{} unexpected bytes at the end", self.remaining())))
        }
    }
}

/// A value that can be written to a checkpoint.
pub trait Encode {
    fn encode(&self, e: &mut Encoder);
}

/// A value that can be read back from a checkpoint.
pub trait Decode: Sized {
    fn decode(d: &mut Decoder<'_>) -> Result<Self>;
    /// Fewest bytes one value takes (for checking length prefixes).
    const MIN_SIZE: usize = 1;
}

/// Encodes `x` alone into a new buffer.
pub fn to_bytes<T: Encode + ?Sized>(x: &T) -> Vec<u8> {
    let mut e = Encoder::new();
    x.encode(&mut e);
    e.into_bytes()
}

/// Decodes a `T` that must take all of `bytes`.
pub fn from_bytes<T: Decode>(bytes: &[u8]) -> Result<T> {
    let mut d = Decoder::new(bytes);
    let x = T::decode(&mut d)?;
    d.finish()?;
    Ok(x)
}

macro_rules! primitive {
    ($($t:ty),*) => {$(
        impl Encode for $t {
            #[inline]
            fn encode(&self, e: &mut Encoder) {
                e.raw(&self.to_le_bytes());
            }
        }
        impl Decode for $t {
            const MIN_SIZE: usize = std::mem::size_of::<$t>();
            #[inline]
            fn decode(d: &mut Decoder<'_>) -> Result<Self> {
                Ok(<$t>::from_le_bytes(d.array()?))
            }
        }
    )*};
}
primitive!(u8, u16, u32, u64, i32, i64);

impl Encode for f64 {
    #[inline]
    fn encode(&self, e: &mut Encoder) {
        self.to_bits().encode(e);
    }
}
impl Decode for f64 {
    const MIN_SIZE: usize = 8;
    #[inline]
    fn decode(d: &mut Decoder<'_>) -> Result<Self> {
        Ok(f64::from_bits(u64::decode(d)?))
    }
}
impl Encode for f32 {
    #[inline]
    fn encode(&self, e: &mut Encoder) {
        self.to_bits().encode(e);
    }
}
impl Decode for f32 {
    const MIN_SIZE: usize = 4;
    #[inline]
    fn decode(d: &mut Decoder<'_>) -> Result<Self> {
        Ok(f32::from_bits(u32::decode(d)?))
    }
}
impl Encode for bool {
    #[inline]
    fn encode(&self, e: &mut Encoder) {
        u8::from(*self).encode(e);
    }
}
impl Decode for bool {
    #[inline]
    fn decode(d: &mut Decoder<'_>) -> Result<Self> {
        match u8::decode(d)? {
            0 => Ok(false),
            1 => Ok(true),
            x => Err(corrupted(format!("{x} is not a boolean (byte {})", d.position() - 1))),
        }
    }
}

impl Encode for str {
    fn encode(&self, e: &mut Encoder) {
        e.bytes(self.as_bytes());
    }
}
impl Encode for String {
    fn encode(&self, e: &mut Encoder) {
        self.as_str().encode(e);
    }
}
impl Decode for String {
    const MIN_SIZE: usize = 8;
    fn decode(d: &mut Decoder<'_>) -> Result<Self> {
        let b = d.bytes()?;
        String::from_utf8(b.to_vec()).map_err(|_| corrupted(format!("invalid UTF-8 before byte {}", d.position())))
    }
}
impl Encode for &'static str {
    fn encode(&self, e: &mut Encoder) {
        (**self).encode(e);
    }
}
/// Static strings (column units and docs, event details, headline names) are interned: each
/// distinct text is allocated once per process, whatever the number of checkpoints read.
impl Decode for &'static str {
    const MIN_SIZE: usize = 8;
    fn decode(d: &mut Decoder<'_>) -> Result<Self> {
        Ok(intern(String::decode(d)?))
    }
}

fn intern(s: String) -> &'static str {
    static TABLE: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut t = TABLE.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&x) = t.get(s.as_str()) {
        return x;
    }
    let x: &'static str = Box::leak(s.into_boxed_str());
    t.insert(x);
    x
}

impl<T: Encode> Encode for Vec<T> {
    fn encode(&self, e: &mut Encoder) {
        (self.len() as u64).encode(e);
        for x in self {
            x.encode(e);
        }
    }
}
impl<T: Decode> Decode for Vec<T> {
    const MIN_SIZE: usize = 8;
    fn decode(d: &mut Decoder<'_>) -> Result<Self> {
        let n = d.len_prefix(T::MIN_SIZE)?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(T::decode(d)?);
        }
        Ok(v)
    }
}
impl<T: Encode, const N: usize> Encode for [T; N] {
    fn encode(&self, e: &mut Encoder) {
        for x in self {
            x.encode(e);
        }
    }
}
impl<T: Decode + Default + Copy, const N: usize> Decode for [T; N] {
    const MIN_SIZE: usize = N * T::MIN_SIZE;
    fn decode(d: &mut Decoder<'_>) -> Result<Self> {
        let mut a = [T::default(); N];
        for x in &mut a {
            *x = T::decode(d)?;
        }
        Ok(a)
    }
}

macro_rules! tuple {
    ($($n:tt $t:ident),*) => {
        impl<$($t: Encode),*> Encode for ($($t,)*) {
            fn encode(&self, e: &mut Encoder) {
                $( self.$n.encode(e); )*
            }
        }
        impl<$($t: Decode),*> Decode for ($($t,)*) {
            const MIN_SIZE: usize = 0 $( + <$t as Decode>::MIN_SIZE )*;
            fn decode(d: &mut Decoder<'_>) -> Result<Self> {
                Ok(($($t::decode(d)?,)*))
            }
        }
    };
}
tuple!(0 A, 1 B);
tuple!(0 A, 1 B, 2 C);
tuple!(0 A, 1 B, 2 C, 3 D);

// Enums: a tag byte.

impl Encode for Investor {
    fn encode(&self, e: &mut Encoder) {
        match self {
            Investor::Fund(f) => {
                0u8.encode(e);
                f.encode(e);
            }
            Investor::GuidanceDirect => 1u8.encode(e),
        }
    }
}
impl Decode for Investor {
    fn decode(d: &mut Decoder<'_>) -> Result<Self> {
        match u8::decode(d)? {
            0 => Ok(Investor::Fund(u32::decode(d)?)),
            1 => Ok(Investor::GuidanceDirect),
            x => Err(corrupted(format!("investor tag {x}"))),
        }
    }
}

const SPONSORS: [Sponsor; 3] = [Sponsor::Private, Sponsor::Guidance, Sponsor::City];
impl Encode for Sponsor {
    fn encode(&self, e: &mut Encoder) {
        let tag = match self {
            Sponsor::Private => 0u8,
            Sponsor::Guidance => 1,
            Sponsor::City => 2,
        };
        tag.encode(e);
    }
}
impl Decode for Sponsor {
    fn decode(d: &mut Decoder<'_>) -> Result<Self> {
        let x = u8::decode(d)?;
        SPONSORS.get(x as usize).copied().ok_or_else(|| corrupted(format!("sponsor tag {x}")))
    }
}

const EVENT_KINDS: [EventKind; 9] = [
    EventKind::Founded,
    EventKind::Failed,
    EventKind::Funded,
    EventKind::PilotAwarded,
    EventKind::Certified,
    EventKind::Listed,
    EventKind::Acquired,
    EventKind::Breakthrough,
    EventKind::Loan,
];
impl Encode for EventKind {
    fn encode(&self, e: &mut Encoder) {
        (*self as u8).encode(e);
    }
}
impl Decode for EventKind {
    fn decode(d: &mut Decoder<'_>) -> Result<Self> {
        let x = u8::decode(d)?;
        EVENT_KINDS.get(x as usize).copied().ok_or_else(|| corrupted(format!("event kind {x}")))
    }
}

impl Encode for ColType {
    fn encode(&self, e: &mut Encoder) {
        let tag = match self {
            ColType::Int => 0u8,
            ColType::Real => 1,
            ColType::Text => 2,
        };
        tag.encode(e);
    }
}
impl Decode for ColType {
    fn decode(d: &mut Decoder<'_>) -> Result<Self> {
        match u8::decode(d)? {
            0 => Ok(ColType::Int),
            1 => Ok(ColType::Real),
            2 => Ok(ColType::Text),
            x => Err(corrupted(format!("column type {x}"))),
        }
    }
}

impl Encode for Data {
    fn encode(&self, e: &mut Encoder) {
        match self {
            Data::Int(v) => {
                0u8.encode(e);
                v.encode(e);
            }
            Data::Real(v) => {
                1u8.encode(e);
                v.encode(e);
            }
            Data::Text(v) => {
                2u8.encode(e);
                v.encode(e);
            }
            Data::Labels(l) => {
                3u8.encode(e);
                l.names.encode(e);
                l.codes.encode(e);
            }
        }
    }
}
impl Decode for Data {
    fn decode(d: &mut Decoder<'_>) -> Result<Self> {
        match u8::decode(d)? {
            0 => Ok(Data::Int(Decode::decode(d)?)),
            1 => Ok(Data::Real(Decode::decode(d)?)),
            2 => Ok(Data::Text(Decode::decode(d)?)),
            3 => {
                let l = Labels { names: Decode::decode(d)?, codes: Decode::decode(d)? };
                match l.codes.iter().find(|&&c| c as usize >= l.names.len()) {
                    Some(c) => Err(corrupted(format!("label code {c} of {} names", l.names.len()))),
                    None => Ok(Data::Labels(l)),
                }
            }
            x => Err(corrupted(format!("column data tag {x}"))),
        }
    }
}

/// Encoders for structures, each listing every field in an exhaustive pattern, and the
/// structures' layout (their field names) for the layout hash.
macro_rules! codec {
    ($($ty:ident { $($f:ident),* $(,)? })*) => {
        $(
            impl Encode for $ty {
                fn encode(&self, e: &mut Encoder) {
                    let $ty { $($f),* } = self;
                    $( Encode::encode($f, e); )*
                }
            }
            impl Decode for $ty {
                fn decode(d: &mut Decoder<'_>) -> Result<Self> {
                    $( let $f = Decode::decode(d)?; )*
                    Ok($ty { $($f),* })
                }
            }
        )*
        const STRUCT_LAYOUT: &str = concat!($( stringify!($ty), "{", $( stringify!($f), ",", )* "}", )*);
    };
}

codec! {
    People {
        hot, propensity, prev_wage, insured_until, founded, failed, exited, free, pools, outside_count, count,
    }
    Person { state, flags, field, employer, wage, since, next, prev, pos, skill }
    Firms {
        id, next_id, alive, industry, stage, tiers, flags, birth, founder, founder_skill, employees, skill_sum, wage_sum, head,
        ln_a, productivity, how, cash, debt, debt_step, share, revenue, revenue_prev, rd, compute_bill,
        compute_used, compute_budget, profit, desired, valuation, last_round, last_round_m, raised,
        pilot_until, contract_until, high_tech_until, rev_ytd, rd_ytd, rev_last_year, rd_last_year,
        rev_year_before, voucher_ytd, grant_ytd, support_ytd, holdings, platform_u, rd_mult,
        frontier_month, innovation_value, live,
    }
    Holding { firm, investor, stake, cost, month, proceeds, open, next }
    Fund {
        vintage, sponsor, committed, committed_public, called, called_public, cash, invested,
        outside_cost, distributed, distributed_public, fees_paid, carry_paid, skill, mandate, deals,
    }
    GuidanceFund {
        cash, size, committed, approved, leveraged, invested, direct_invested, direct_proceeds,
        distributions_received, approved_this_year,
    }
    Sectors {
        outside, households, bank, government, compute_providers, private_lps, acquirers, state_capital,
        ventures_outside,
    }
    IndustryState {
        demand, frontier, reference, output_per_worker, knowledge, knowledge_start, best_ln_a,
        vc_ring, firms, rd_total,
    }
    Claims { items }
    Budget {
        year, annual_total, package_budget, package_spent, line_spent, future_pot, industrial_spent,
        industrial_future, payout_ratio, month_package, month_line, total_package,
    }
    ComputeMarket { capacity, baseline, price, used_firms, utilisation, rationed }
    Month {
        arrivals, graduates, departures, retirements, quits, hires, layoffs, births, deaths,
        closures, spinoffs, vc_invested, vc_outside, vc_deals, gf_direct, loans, taxes, vat, wages, value_added,
        revenue, rd, new_frontier, listings, acquisitions, pilots_awarded, vacancies, insured,
        founding_capped, bank_losses, fees, distributions, births_by_ind, deaths_by_ind, vc_by_ind,
    }
    Tally {
        firms, employment, revenue, value_added, rd, compute, compute_eligible, frontier, unicorns,
        high_tech, mean_ln_a, tier_counts, listed, acquired, vc_backed, pilots_active, cash, debt,
        unicorns_total, frontier_total,
    }
    Cumulative { births, deaths, breakthroughs, vc_invested, spend, taxes, arrivals, departures }
    YearAcc {
        births, deaths, gdp, rd, vc, spend, taxes, arrivals, graduates, breakthroughs, listings,
        pilots, loans,
    }
    Events { kind, firm, person, investor, industry, amount, detail }
    Column { name, ty, unit, doc }
    Frame { columns, data }
    Observation { city, industries, events }
}

/// The world's encoder: every field but the configuration (rebuilt from the scenario) and the
/// scratch buffers (cleared before each use).
macro_rules! world_codec {
    (skip { $($s:ident),* $(,)? } fields { $($f:ident),* $(,)? }) => {
        const WORLD_LAYOUT: &str = concat!("World{", $( stringify!($f), ",", )* "}");
        fn encode_world(w: &World, e: &mut Encoder) {
            let World { cfg: _, $($s: _,)* $($f),* } = w;
            $( Encode::encode($f, e); )*
        }
        fn decode_world(d: &mut Decoder<'_>, cfg: Config) -> Result<World> {
            $( let $f = Decode::decode(d)?; )*
            Ok(World { cfg, $($s: Default::default(),)* $($f),* })
        }
    };
}

world_codec! {
    skip { scratch_f64, labour_work }
    fields {
        seed, month, people, firms, holdings, funds, gf, sectors, ind, budget, claims, compute,
        wage_index, sites, routes, openness, events, m, tally, insured, mean_wage, vacancy_rate,
        dry_powder_start, dry_powder, fund_tvpi, cumulative, year_acc, years, outside_share_start,
        gf_pipeline, lp_pool, shock_sd_by_size,
    }
}

// ---------------------------------------------------------------------------------------------
// The scenario, through the parameter schema

impl Encode for Value {
    fn encode(&self, e: &mut Encoder) {
        match self {
            Value::Real(x) => {
                0u8.encode(e);
                x.encode(e);
            }
            Value::Int(x) => {
                1u8.encode(e);
                x.encode(e);
            }
            Value::Bool(x) => {
                2u8.encode(e);
                x.encode(e);
            }
            Value::Text(x) => {
                3u8.encode(e);
                x.encode(e);
            }
            Value::TextList(x) => {
                4u8.encode(e);
                x.encode(e);
            }
            Value::RealList(x) => {
                5u8.encode(e);
                x.encode(e);
            }
        }
    }
}
impl Decode for Value {
    fn decode(d: &mut Decoder<'_>) -> Result<Self> {
        Ok(match u8::decode(d)? {
            0 => Value::Real(Decode::decode(d)?),
            1 => Value::Int(Decode::decode(d)?),
            2 => Value::Bool(Decode::decode(d)?),
            3 => Value::Text(Decode::decode(d)?),
            4 => Value::TextList(Decode::decode(d)?),
            5 => Value::RealList(Decode::decode(d)?),
            x => return Err(corrupted(format!("parameter value tag {x}"))),
        })
    }
}

/// Every parameter of a table, depth first in schema order; lists as their length then items.
fn encode_node(n: &dyn Node, e: &mut Encoder) {
    for f in n.fields() {
        match n.child(f.key) {
            Some(Child::Section(c)) => encode_node(c, e),
            Some(Child::List(l)) => {
                (l.len() as u64).encode(e);
                for i in 0..l.len() {
                    encode_node(l.item(i), e);
                }
            }
            // Every leaf of the schema has a value; an absent one is written as an empty text
            // (and would fail to decode, which is the safe outcome).
            None => n.get(f.key).unwrap_or(Value::Text(String::new())).encode(e),
        }
    }
}

fn decode_node(n: &mut dyn Node, d: &mut Decoder<'_>, depth: usize) -> Result<()> {
    if depth > 16 {
        return Err(corrupted("scenario nested too deeply"));
    }
    for f in n.fields() {
        match n.child_mut(f.key) {
            Some(ChildMut::Section(c)) => decode_node(c, d, depth + 1)?,
            Some(ChildMut::List(l)) => {
                let len = d.len_prefix(1)?;
                l.clear();
                for _ in 0..len {
                    decode_node(l.push_default(), d, depth + 1)?;
                }
            }
            None => {
                let v = Value::decode(d)?;
                n.set(f.key, v).map_err(|e| corrupted(format!("scenario parameter `{}`: {e}", f.key)))?;
            }
        }
    }
    Ok(())
}

impl Encode for Scenario {
    fn encode(&self, e: &mut Encoder) {
        encode_node(self, e);
    }
}
impl Decode for Scenario {
    fn decode(d: &mut Decoder<'_>) -> Result<Self> {
        let mut s = Scenario::default();
        decode_node(&mut s, d, 0)?;
        Ok(s)
    }
}

/// The schema's shape (keys, nesting), for the layout hash.
fn schema_layout(n: &dyn Node, out: &mut String) {
    for f in n.fields() {
        out.push_str(f.key);
        match n.child(f.key) {
            Some(Child::Section(c)) => {
                out.push('{');
                schema_layout(c, out);
                out.push('}');
            }
            Some(Child::List(l)) => {
                out.push('[');
                for g in l.item_fields() {
                    out.push_str(g.key);
                    out.push(',');
                }
                out.push(']');
            }
            None => out.push_str(f.kind.type_name()),
        }
        out.push(',');
    }
}

/// Hash of everything that decides how a checkpoint's body is read.
pub fn layout_hash() -> u64 {
    static HASH: OnceLock<u64> = OnceLock::new();
    *HASH.get_or_init(|| {
        let mut s = String::new();
        s.push_str(STRUCT_LAYOUT);
        s.push_str(WORLD_LAYOUT);
        schema_layout(&Scenario::default(), &mut s);
        s.push_str(&format!("{}{}", EVENT_KINDS.len(), Instrument::COUNT));
        checksum(s.as_bytes())
    })
}

/// A 64-bit hash of `bytes`: per 8-byte word `h = (rotl(h, 5) ^ w) * K` (each step is a
/// bijection of `h` and of `w`, so any damage confined to one word always changes the result),
/// then a final mix.
pub fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = 0x5EED_BED0_C4EC_4B01 ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut b = [0u8; 8];
        b.copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(b)).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut b = [0u8; 8];
        b[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(b)).wrapping_mul(K);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h
}

// ---------------------------------------------------------------------------------------------
// Header

/// Splits a checkpoint into its header fields and the checksummed body.
fn open(bytes: &[u8]) -> Result<&[u8]> {
    if bytes.len() < MAGIC.len() {
        return if !bytes.is_empty() && MAGIC.starts_with(bytes) {
            Err(CheckpointError::Truncated { len: bytes.len() as u64, expected: MAGIC.len() as u64 })
        } else {
            Err(CheckpointError::NotACheckpoint)
        };
    }
    if &bytes[..MAGIC.len()] != MAGIC {
        return Err(CheckpointError::NotACheckpoint);
    }
    let mut d = Decoder::new(&bytes[MAGIC.len()..]);
    let truncated = |_| CheckpointError::Truncated { len: bytes.len() as u64, expected: 0 };
    let format = u32::decode(&mut d).map_err(truncated)?;
    if format != FORMAT {
        return Err(CheckpointError::Format { found: format, this: FORMAT });
    }
    let n = u32::decode(&mut d).map_err(truncated)? as usize;
    if n > MAX_VERSION_LEN {
        return Err(corrupted("the program version in the header is too long"));
    }
    let version = d.take(n).map_err(truncated)?;
    let version = std::str::from_utf8(version).map_err(|_| corrupted("the program version is not text"))?;
    if version != PROGRAM_VERSION {
        return Err(CheckpointError::Version { found: version.to_string(), this: PROGRAM_VERSION.to_string() });
    }
    let layout = u64::decode(&mut d).map_err(truncated)?;
    if layout != layout_hash() {
        return Err(CheckpointError::Layout);
    }
    let len = u64::decode(&mut d).map_err(truncated)?;
    let sum = u64::decode(&mut d).map_err(truncated)?;
    let header = MAGIC.len() + d.position();
    let expected = (header as u64).saturating_add(len);
    if (bytes.len() as u64) < expected {
        return Err(CheckpointError::Truncated { len: bytes.len() as u64, expected });
    }
    if bytes.len() as u64 > expected {
        return Err(corrupted(format!("{} bytes after the end the header declares", bytes.len() as u64 - expected)));
    }
    let body = &bytes[header..];
    if checksum(body) != sum {
        return Err(corrupted("checksum mismatch: the file was altered or damaged"));
    }
    Ok(body)
}

/// The body's leading part: everything but the world. Leaves `d` at the world.
fn read_meta(d: &mut Decoder<'_>) -> Result<CheckpointInfo> {
    let seed = u64::decode(d)?;
    let months_done = u32::decode(d)?;
    let scenario = Scenario::decode(d)?;
    let scenario_toml = String::decode(d)?;
    let extra = d.bytes()?.to_vec();
    Ok(CheckpointInfo { version: PROGRAM_VERSION.to_string(), seed, months_done, scenario, scenario_toml, extra })
}

/// Reads a checkpoint's header, scenario and extra bytes (checking the whole file's checksum),
/// without decoding the world.
pub fn inspect(bytes: &[u8]) -> Result<CheckpointInfo> {
    let body = open(bytes)?;
    read_meta(&mut Decoder::new(body))
}

impl Simulation {
    /// The run's whole state after the months simulated so far, with the scenario, its text
    /// `scenario_toml` (kept for display) and the caller's `extra` bytes.
    pub fn checkpoint(&self, scenario_toml: &str, extra: &[u8]) -> Vec<u8> {
        let w = &self.world;
        // One buffer, sized from the population so it is not reallocated: the header with the
        // body's length and checksum left as zeros, the body, then the two patched in.
        let estimate = 64 * w.people.len() + 384 * w.firms.len() + 64 * w.holdings.len() + extra.len() + (1 << 20);
        let mut e = Encoder { buf: Vec::with_capacity(estimate) };
        e.raw(MAGIC);
        FORMAT.encode(&mut e);
        (PROGRAM_VERSION.len() as u32).encode(&mut e);
        e.raw(PROGRAM_VERSION.as_bytes());
        layout_hash().encode(&mut e);
        let sizes_at = e.len();
        0u64.encode(&mut e);
        0u64.encode(&mut e);
        let body_at = e.len();
        w.seed.encode(&mut e);
        (w.month as u32).encode(&mut e);
        w.cfg.s.encode(&mut e);
        scenario_toml.encode(&mut e);
        e.bytes(extra);
        encode_world(w, &mut e);
        let mut out = e.into_bytes();
        let len = (out.len() - body_at) as u64;
        let sum = checksum(&out[body_at..]);
        out[sizes_at..sizes_at + 8].copy_from_slice(&len.to_le_bytes());
        out[sizes_at + 8..body_at].copy_from_slice(&sum.to_le_bytes());
        out
    }

    /// Continues a checkpointed run exactly: stepping it gives what the unbroken run would have.
    pub fn resume(bytes: &[u8]) -> Result<(Simulation, CheckpointInfo)> {
        Self::load(bytes, None)
    }

    /// Continues a checkpointed run under `scenario`: same industries and packages (ids and
    /// order), scale and start month as the checkpoint, and more months than were simulated.
    /// Every parameter the monthly loop reads applies from the next month on; parameters only
    /// read when the city is built (the start population, firm counts, the guidance fund's size,
    /// ...) have no effect, and the current year's package budgets stay as they were opened in
    /// January. With the checkpoint's own scenario this is [`Simulation::resume`].
    pub fn fork(bytes: &[u8], scenario: &Scenario) -> Result<(Simulation, CheckpointInfo)> {
        Self::load(bytes, Some(scenario))
    }

    fn load(bytes: &[u8], scenario: Option<&Scenario>) -> Result<(Simulation, CheckpointInfo)> {
        let body = open(bytes)?;
        let mut d = Decoder::new(body);
        let info = read_meta(&mut d)?;
        let scenario = match scenario {
            Some(s) => {
                check_fork(&info.scenario, s, info.months_done)?;
                s
            }
            None => &info.scenario,
        };
        let cfg = Config::new(scenario);
        let mut world = decode_world(&mut d, cfg)?;
        d.finish()?;
        if world.seed != info.seed || world.month != info.months_done as i32 {
            return Err(corrupted("the header's seed or month disagrees with the world's"));
        }
        validate(&world)?;
        refresh_derived(&mut world, &info.scenario);
        Ok((Simulation { world, phase_seconds: [0.0; 12], timing: false }, info))
    }
}

/// Checks that `new` can continue a run of `old` after `done` months.
pub fn check_fork(old: &Scenario, new: &Scenario, done: u32) -> Result<()> {
    let bad = |m: String| Err(CheckpointError::Incompatible(m));
    let ids = |s: &Scenario| s.industries.iter().map(|i| i.id.clone()).collect::<Vec<_>>();
    if ids(old) != ids(new) {
        return bad(format!(
            "the industries must be the checkpoint's, in the same order: [{}], not [{}]",
            ids(old).join(", "),
            ids(new).join(", ")
        ));
    }
    let pkgs = |s: &Scenario| s.government.packages.iter().map(|p| p.id.clone()).collect::<Vec<_>>();
    if pkgs(old) != pkgs(new) {
        return bad(format!(
            "the policy packages must be the checkpoint's, in the same order: [{}], not [{}]",
            pkgs(old).join(", "),
            pkgs(new).join(", ")
        ));
    }
    if old.run.scale.to_bits() != new.run.scale.to_bits() {
        return bad(format!(
            "run.scale must be the checkpoint's ({}), not {}: the city was built at that scale",
            old.run.scale, new.run.scale
        ));
    }
    if (old.run.start_year, old.run.start_month) != (new.run.start_year, new.run.start_month) {
        return bad(format!(
            "the run must start when the checkpoint's did ({}-{:02}), not {}-{:02}",
            old.run.start_year, old.run.start_month, new.run.start_year, new.run.start_month
        ));
    }
    if new.run.months <= done {
        return bad(format!(
            "run.months is {} but the checkpoint has simulated {done} months already: continuing needs \
             run.months > {done}",
            new.run.months
        ));
    }
    Ok(())
}

/// Parameters that differ between two scenarios: (path, old value, new value), in schema order;
/// list items present in only one of them show as a missing value.
pub fn scenario_changes(old: &Scenario, new: &Scenario) -> Vec<(String, Option<Value>, Option<Value>)> {
    let mut a: Vec<Located> = Vec::new();
    let mut b: Vec<Located> = Vec::new();
    leaves(old, "", &mut a);
    leaves(new, "", &mut b);
    let mut out = Vec::new();
    for x in &a {
        match b.iter().find(|y| y.path == x.path) {
            Some(y) if same_value(&x.value, &y.value) => {}
            Some(y) => out.push((x.path.clone(), Some(x.value.clone()), Some(y.value.clone()))),
            None => out.push((x.path.clone(), Some(x.value.clone()), None)),
        }
    }
    for y in &b {
        if !a.iter().any(|x| x.path == y.path) {
            out.push((y.path.clone(), None, Some(y.value.clone())));
        }
    }
    out
}

/// Equal values, reals compared by their bits (NaN equals NaN).
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Real(x), Value::Real(y)) => x.to_bits() == y.to_bits(),
        (Value::RealList(x), Value::RealList(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| p.to_bits() == q.to_bits())
        }
        _ => a == b,
    }
}

/// Tables the world derives from parameters when it is built: recomputed when a fork changes
/// their parameters (kept bit for bit otherwise).
fn refresh_derived(w: &mut World, old: &Scenario) {
    let (a, b) = (&old.market, &w.cfg.s.market);
    if a.shock_sd.to_bits() != b.shock_sd.to_bits()
        || a.shock_size_exponent.to_bits() != b.shock_size_exponent.to_bits()
    {
        w.shock_sd_by_size = shock_sd_table(&w.cfg.s, w.shock_sd_by_size.len());
    }
}

/// The demand-shock sd by firm size, as `World::new` builds it.
pub fn shock_sd_table(s: &Scenario, len: usize) -> Vec<f64> {
    let m = &s.market;
    (0..len as u32).map(|n| m.shock_sd * f64::from(n + 1).powf(-m.shock_size_exponent)).collect()
}

/// Structural checks on a decoded world, so a damaged checkpoint that passed the checksum
/// cannot make the monthly loop index out of bounds: column lengths, ids within range.
fn validate(w: &World) -> Result<()> {
    let n_ind = w.cfg.n_ind;
    let np = w.cfg.packages.len();
    let bad = |what: &str| Err(corrupted(format!("inconsistent state: {what}")));
    let p = &w.people;
    let np_people = p.hot.len();
    let people_cols =
        [p.propensity.len(), p.prev_wage.len(), p.insured_until.len(), p.founded.len(), p.failed.len(), p.exited.len()];
    if people_cols.iter().any(|&l| l != np_people) {
        return bad("people's columns differ in length");
    }
    if p.pools.len() != n_ind {
        return bad("job-seeker pools");
    }
    let f = &w.firms;
    let nf = f.alive.len();
    let firm_cols = [
        f.id.len(),
        f.industry.len(),
        f.stage.len(),
        f.tiers.len(),
        f.flags.len(),
        f.birth.len(),
        f.founder.len(),
        f.founder_skill.len(),
        f.employees.len(),
        f.skill_sum.len(),
        f.wage_sum.len(),
        f.head.len(),
        f.ln_a.len(),
        f.productivity.len(),
        f.how.len(),
        f.cash.len(),
        f.debt.len(),
        f.debt_step.len(),
        f.share.len(),
        f.revenue.len(),
        f.revenue_prev.len(),
        f.rd.len(),
        f.compute_bill.len(),
        f.compute_used.len(),
        f.compute_budget.len(),
        f.profit.len(),
        f.desired.len(),
        f.valuation.len(),
        f.last_round.len(),
        f.last_round_m.len(),
        f.raised.len(),
        f.pilot_until.len(),
        f.contract_until.len(),
        f.high_tech_until.len(),
        f.rev_ytd.len(),
        f.rd_ytd.len(),
        f.rev_last_year.len(),
        f.rd_last_year.len(),
        f.rev_year_before.len(),
        f.voucher_ytd.len(),
        f.grant_ytd.len(),
        f.support_ytd.len(),
        f.holdings.len(),
        f.platform_u.len(),
        f.rd_mult.len(),
        f.frontier_month.len(),
        f.innovation_value.len(),
    ];
    if firm_cols.iter().any(|&l| l != nf) {
        return bad("firms' columns differ in length");
    }
    let person = |x: u32| x == NONE || (x as usize) < np_people;
    let firm_or = |x: u32| x == NONE || x == OUTSIDE || (x as usize) < nf;
    let holding = |x: u32| x == NONE || (x as usize) < w.holdings.len();
    let pos_ok =
        |h: &Person| h.pos == NONE || p.pools.get(h.field as usize).is_some_and(|q| (h.pos as usize) < q.len());
    if !p.hot.iter().all(|h| {
        firm_or(h.employer)
            && person(h.next)
            && person(h.prev)
            && (h.field as usize) < n_ind
            && h.state <= pstate::LEFT
            && pos_ok(h)
    }) || !p.free.iter().all(|&x| (x as usize) < np_people)
        || !p.free.iter().all(|&x| (x as usize) < np_people)
        || !p.pools.iter().flatten().all(|&x| (x as usize) < np_people)
        || !w.insured.iter().all(|&x| (x as usize) < np_people)
    {
        return bad("a person id or field out of range");
    }
    if !f.live.iter().all(|&x| (x as usize) < nf)
        || !f.id.windows(2).all(|p| p[0] < p[1])
        || f.id.last().is_some_and(|&x| x >= f.next_id)
        || !f.founder.iter().all(|&x| person(x))
        || !f.head.iter().all(|&x| person(x))
        || !f.holdings.iter().all(|&x| holding(x))
        || !f.industry.iter().all(|&k| (k as usize) < n_ind)
    {
        return bad("a firm's reference out of range");
    }
    for h in &w.holdings {
        let investor_ok = match h.investor {
            Investor::Fund(i) => (i as usize) < w.funds.len(),
            Investor::GuidanceDirect => true,
        };
        if h.firm >= f.next_id || !holding(h.next) || !investor_ok {
            return bad("a holding's reference out of range");
        }
    }
    let i = &w.ind;
    let ind_cols = [
        i.demand.len(),
        i.frontier.len(),
        i.reference.len(),
        i.output_per_worker.len(),
        i.knowledge.len(),
        i.knowledge_start.len(),
        i.best_ln_a.len(),
        i.vc_ring.len(),
        i.firms.len(),
        i.rd_total.len(),
        w.m.births_by_ind.len(),
        w.m.deaths_by_ind.len(),
        w.m.vc_by_ind.len(),
        w.tally.firms.len(),
        w.tally.employment.len(),
        w.tally.revenue.len(),
        w.tally.value_added.len(),
        w.tally.rd.len(),
        w.tally.compute.len(),
        w.tally.frontier.len(),
        w.tally.unicorns.len(),
        w.tally.high_tech.len(),
        w.tally.mean_ln_a.len(),
    ];
    if ind_cols.iter().any(|&l| l != n_ind) {
        return bad("per-industry columns do not match the industries");
    }
    let b = &w.budget;
    if [b.package_budget.len(), b.package_spent.len(), b.month_package.len(), b.total_package.len()]
        .iter()
        .any(|&l| l != np)
        || [b.line_spent.len(), b.future_pot.len(), b.payout_ratio.len(), b.month_line.len(), w.claims.len()]
            .iter()
            .any(|&l| l != Instrument::COUNT)
    {
        return bad("budget lines do not match the packages and instruments");
    }
    for c in &w.claims {
        if !c.items.iter().all(|&(x, _, _)| x == NONE || (x as usize) < nf) {
            return bad("a claim's firm out of range");
        }
    }
    let e = &w.events;
    let ne = e.kind.len();
    if [e.firm.len(), e.person.len(), e.investor.len(), e.industry.len(), e.amount.len(), e.detail.len()]
        .iter()
        .any(|&l| l != ne)
        || !e.industry.iter().all(|&k| (k as usize) < n_ind)
        || !e.firm.iter().all(|&x| (x as usize) < nf)
    {
        return bad("this month's events");
    }
    if w.month < 0 {
        return bad("negative month");
    }
    Ok(())
}
