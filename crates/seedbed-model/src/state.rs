//! The city's state: contiguous columns indexed by agent id (structure of arrays), as in an ECS.
//! Phases are plain functions over these columns. Nothing in the monthly loop allocates per
//! agent: lists of employees and of a firm's investors are intrusive linked lists threaded
//! through the arrays, and pools are reused vectors of ids.

/// "No agent" in an id column.
pub const NONE: u32 = u32::MAX;
/// Employer id of people employed outside the enterprise sector (public sector, self-employed).
pub const OUTSIDE: u32 = u32::MAX - 1;

/// Person states (MODEL.md: employed, unemployed, founder, left the city).
pub mod pstate {
    pub const EMPLOYED: u8 = 0;
    pub const UNEMPLOYED: u8 = 1;
    pub const FOUNDER: u8 = 2;
    pub const LEFT: u8 = 3;
    pub const NAMES: [&str; 4] = ["employed", "unemployed", "founder", "left"];
}

/// Person flags.
pub mod pflag {
    pub const ALUMNUS: u8 = 1;
    pub const GRADUATE: u8 = 2;
}

/// Firm flags.
pub mod fflag {
    pub const PLATFORM: u8 = 1;
    pub const VENTURE: u8 = 2;
    pub const FRONTIER: u8 = 4;
    pub const EVER_FRONTIER: u8 = 8;
    pub const VC_BACKED: u8 = 16;
    pub const STATE_OWNED: u8 = 32;
    pub const SPINOFF: u8 = 64;
}

/// How a firm's technology last changed (recorded with breakthroughs).
pub mod how {
    pub const ENTRY: u8 = 0;
    pub const INNOVATION: u8 = 1;
    pub const RADICAL: u8 = 2;
    pub const IMITATION: u8 = 3;
    pub const NAMES: [&str; 4] = ["entry", "innovation", "radical", "imitation"];
}

/// The part of a person's row that the labour market's moves read and write, as one 32-byte
/// record aligned to 32 bytes: a move touches one cache line per person instead of ten (one
/// per column).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[repr(C, align(32))]
pub struct Person {
    /// `pstate`.
    pub state: u8,
    /// `pflag` bits.
    pub flags: u8,
    pub field: u16,
    /// Firm id, `OUTSIDE`, or `NONE`.
    pub employer: u32,
    /// Wage relative to the city wage index (CNY m/month at index 1).
    pub wage: f32,
    /// Month the person entered the current state (or job).
    pub since: i32,
    /// Employee list links (next/prev colleague at the same employer).
    pub next: u32,
    pub prev: u32,
    /// Position in the unemployed pool of the person's field.
    pub pos: u32,
    /// Skill h (log-normal).
    pub skill: f32,
}

const _: () = assert!(std::mem::size_of::<Person>() == 32);

impl Person {
    /// The record of a person arriving this `month` in `field`, before they enter a state
    /// (`LEFT`, in no list and no pool).
    pub fn arriving(field: usize, skill: f32, flags: u8, month: i32) -> Person {
        Person {
            state: pstate::LEFT,
            flags,
            field: field as u16,
            employer: NONE,
            wage: 0.0,
            since: month,
            next: NONE,
            prev: NONE,
            pos: NONE,
            skill,
        }
    }
}

/// The labour force, one slot per person; slots of people who left are reused by arrivals.
#[derive(Clone, Debug, Default)]
pub struct People {
    /// What moves touch, a record per person.
    pub hot: Vec<Person>,
    /// Entrepreneurial propensity (hazard multiplier, mean 1).
    pub propensity: Vec<f32>,
    /// Wage before founding, for founder insurance.
    pub prev_wage: Vec<f32>,
    /// Last month of founder-insurance benefit (exclusive), or i32::MIN.
    pub insured_until: Vec<i32>,
    pub founded: Vec<u8>,
    pub failed: Vec<u8>,
    pub exited: Vec<u8>,
    /// Free slots (people who left), reused last-in first-out.
    pub free: Vec<u32>,
    /// Unemployed people by field.
    pub pools: Vec<Vec<u32>>,
    /// People currently employed outside the enterprise sector.
    pub outside_count: u64,
    /// People by state.
    pub count: [u64; 4],
}

impl People {
    pub fn len(&self) -> usize {
        self.hot.len()
    }
    pub fn is_empty(&self) -> bool {
        self.hot.is_empty()
    }
    /// People in the city (every state but `LEFT`).
    pub fn population(&self) -> u64 {
        self.count[0] + self.count[1] + self.count[2]
    }
    /// Asks for person `i`'s rows early (a hint, without effect on results): the record and
    /// the columns an arrival or a founding writes. Sequential loops over scattered people call
    /// it a few people ahead, so that their cache misses overlap.
    #[inline]
    pub fn prefetch(&self, i: usize) {
        if i < self.hot.len() {
            crate::par::prefetch(&self.hot[i]);
            crate::par::prefetch(&self.propensity[i]);
            crate::par::prefetch(&self.prev_wage[i]);
            crate::par::prefetch(&self.insured_until[i]);
            crate::par::prefetch(&self.founded[i]);
            crate::par::prefetch(&self.failed[i]);
            crate::par::prefetch(&self.exited[i]);
        }
    }
    /// Asks for person `i`'s record alone early (a hint).
    #[inline]
    pub fn prefetch_record(&self, i: usize) {
        if let Some(x) = self.hot.get(i) {
            crate::par::prefetch(x);
        }
    }
    /// The slots `n` arrivals take, in order, as [`crate::world::World::add_person`] would
    /// give them one by one: free slots, the last freed first, then new slots at the end (the
    /// columns grow to hold them, with rows the caller overwrites).
    pub fn take_slots(&mut self, n: usize) -> Vec<u32> {
        let reused = n.min(self.free.len());
        let mut slots: Vec<u32> = self.free.drain(self.free.len() - reused..).rev().collect();
        let start = self.grow(n - reused);
        slots.extend(start..start + (n - reused) as u32);
        slots
    }
    /// Adds `n` slots at the end, with the rows of a person not yet arrived; returns the first.
    pub fn grow(&mut self, n: usize) -> u32 {
        let start = self.hot.len();
        let len = start + n;
        self.hot.resize(len, Person::arriving(0, 0.0, 0, 0));
        self.propensity.resize(len, 0.0);
        self.prev_wage.resize(len, 0.0);
        self.insured_until.resize(len, i32::MIN);
        self.founded.resize(len, 0);
        self.failed.resize(len, 0);
        self.exited.resize(len, 0);
        start as u32
    }
}

/// Firms, one slot per firm alive or dead since the last compaction ([`crate::compact`]).
/// A slot is where a firm's row sits now; its id, the name the outputs use and the key of its
/// random draws, is fixed at founding and never reused. Slots keep the order of ids, so a pass
/// over the live slots visits firms in id order whether or not the slots were compacted.
#[derive(Clone, Debug, Default)]
pub struct Firms {
    /// Firm id by slot: ascending (founding order), never reused.
    pub id: Vec<u32>,
    /// Firms founded so far: the next firm's id.
    pub next_id: u32,
    pub alive: Vec<bool>,
    pub industry: Vec<u16>,
    pub stage: Vec<u8>,
    pub tiers: Vec<u8>,
    pub flags: Vec<u8>,
    pub birth: Vec<i32>,
    pub founder: Vec<u32>,
    /// The founder's skill (1 when there is none). A founder of a live firm neither retires
    /// nor changes skill, so the R&D pass reads it here instead of from the person's row.
    pub founder_skill: Vec<f32>,
    pub employees: Vec<u32>,
    pub skill_sum: Vec<f64>,
    /// Sum of employees' relative wages (wage bill = this x wage index).
    pub wage_sum: Vec<f64>,
    /// First employee of the intrusive list (most recent hire).
    pub head: Vec<u32>,
    /// Log productivity ln A.
    pub ln_a: Vec<f64>,
    /// Labour productivity, CNY m per worker-month: the industry's output per worker times
    /// exp(ln A - the industry's reference ln A). Both industry factors are fixed when the city
    /// is built, so it is computed whenever `ln_a` is written ([`crate::world::World::productivity_at`]),
    /// not every month.
    pub productivity: Vec<f64>,
    pub how: Vec<u8>,
    pub cash: Vec<f64>,
    pub debt: Vec<f64>,
    /// Monthly principal instalment of the current loan.
    pub debt_step: Vec<f64>,
    /// Market share in the industry.
    pub share: Vec<f64>,
    /// Sales this month, CNY m.
    pub revenue: Vec<f64>,
    pub revenue_prev: Vec<f64>,
    /// R&D spending this month (including compute), CNY m.
    pub rd: Vec<f64>,
    /// Compute bill this month, CNY m.
    pub compute_bill: Vec<f64>,
    /// Compute bought this month, EFLOPS-months.
    pub compute_used: Vec<f64>,
    /// Compute budget this month (the firm's own money, before vouchers), CNY m.
    pub compute_budget: Vec<f64>,
    /// Profit after tax this month.
    pub profit: Vec<f64>,
    /// Desired employment.
    pub desired: Vec<f32>,
    pub valuation: Vec<f64>,
    pub last_round: Vec<i32>,
    /// Last round's amount (sets the burn rate).
    pub last_round_m: Vec<f64>,
    pub raised: Vec<f64>,
    pub pilot_until: Vec<i32>,
    pub contract_until: Vec<i32>,
    pub high_tech_until: Vec<i32>,
    pub rev_ytd: Vec<f64>,
    pub rd_ytd: Vec<f64>,
    pub rev_last_year: Vec<f64>,
    pub rd_last_year: Vec<f64>,
    pub rev_year_before: Vec<f64>,
    pub voucher_ytd: Vec<f64>,
    pub grant_ytd: Vec<f64>,
    pub support_ytd: Vec<f64>,
    /// First holding of the firm's cap table (intrusive list in `Holdings`).
    pub holdings: Vec<u32>,
    /// Uniform draw fixed at founding: the firm has platform access when it is below openness.
    pub platform_u: Vec<f32>,
    /// R&D propensity: multiplies the industry's R&D share (log-normal, mean 1).
    pub rd_mult: Vec<f32>,
    pub frontier_month: Vec<i32>,
    /// Recorded, never read by the model: the value of the firm's innovations so far, each
    /// success's rise of ln A times the firm's annual sales at the time (CNY m).
    pub innovation_value: Vec<f64>,
    /// Firms alive, ascending ids (compacted every month).
    pub live: Vec<u32>,
}

impl Firms {
    pub fn len(&self) -> usize {
        self.alive.len()
    }
    pub fn is_empty(&self) -> bool {
        self.alive.is_empty()
    }
    pub fn age(&self, f: usize, month: i32) -> i32 {
        month - self.birth[f]
    }
    /// The key of slot `f`'s random draws: its firm id, so draws do not depend on where the
    /// firm's row sits.
    #[inline]
    pub fn key(&self, f: usize) -> u64 {
        u64::from(self.id[f])
    }
    /// The slot of the firm with id `id`, if its row is still kept (it is alive or died since
    /// the last compaction). Ids ascend with slots, so this is a binary search.
    pub fn slot_of(&self, id: u32) -> Option<usize> {
        self.id.binary_search(&id).ok()
    }
}

/// Who holds a stake.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Investor {
    Fund(u32),
    /// The guidance fund's direct investments.
    GuidanceDirect,
}

impl Investor {
    /// Investor id in outputs: the fund id, or -1 for the guidance fund's direct deals.
    pub fn code(self) -> i64 {
        match self {
            Investor::Fund(f) => i64::from(f),
            Investor::GuidanceDirect => -1,
        }
    }
}

/// One line of a cap table.
#[derive(Clone, Copy, Debug)]
pub struct Holding {
    /// The firm's id (not its slot: holdings outlive their firm's row).
    pub firm: u32,
    pub investor: Investor,
    pub stake: f64,
    pub cost: f64,
    pub month: i32,
    /// Cash received from this holding (exits, liquidation).
    pub proceeds: f64,
    pub open: bool,
    pub next: u32,
}

/// Who is a fund's LP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sponsor {
    Private,
    /// A GP fund with the guidance fund as one LP.
    Guidance,
    /// The low-altitude industrial fund: the city is the only LP.
    City,
}

/// A GP fund (VC fund).
#[derive(Clone, Debug)]
pub struct Fund {
    pub vintage: i32,
    pub sponsor: Sponsor,
    pub committed: f64,
    /// Of which the guidance fund's commitment.
    pub committed_public: f64,
    pub called: f64,
    pub called_public: f64,
    pub cash: f64,
    /// Invested in the city's firms, at cost.
    pub invested: f64,
    /// Invested outside the city and not yet returned, at cost.
    pub outside_cost: f64,
    pub distributed: f64,
    pub distributed_public: f64,
    pub fees_paid: f64,
    pub carry_paid: f64,
    pub skill: f64,
    /// Industries in mandate: bit k set for industry k (up to 64 industries); all ones = any.
    pub mandate: u64,
    pub deals: u32,
}

impl Fund {
    /// A new fund of `size` committed at `vintage`, `public` of it by the guidance fund.
    pub fn new(vintage: i32, sponsor: Sponsor, size: f64, public: f64, skill: f64, mandate: u64) -> Fund {
        Fund {
            vintage,
            sponsor,
            committed: size,
            committed_public: public,
            called: 0.0,
            called_public: 0.0,
            cash: 0.0,
            invested: 0.0,
            outside_cost: 0.0,
            distributed: 0.0,
            distributed_public: 0.0,
            fees_paid: 0.0,
            carry_paid: 0.0,
            skill,
            mandate,
            deals: 0,
        }
    }
    pub fn uncalled(&self) -> f64 {
        self.committed - self.called
    }
    pub fn public_share(&self) -> f64 {
        if self.committed > 0.0 { self.committed_public / self.committed } else { 0.0 }
    }
}

/// The guidance fund (state fund-of-funds).
#[derive(Clone, Debug, Default)]
pub struct GuidanceFund {
    /// Capital not yet paid out (state capital), CNY m.
    pub cash: f64,
    pub size: f64,
    /// Commitments to GP funds (its own share).
    pub committed: f64,
    /// Total size of the GP funds it committed to (approved).
    pub approved: f64,
    /// Private LPs' commitments in those funds (social capital leveraged).
    pub leveraged: f64,
    /// Capital drawn and invested in firms by those funds plus direct deals.
    pub invested: f64,
    pub direct_invested: f64,
    pub direct_proceeds: f64,
    pub distributions_received: f64,
    pub approved_this_year: f64,
}

/// Balances of the named outside sectors (MODEL.md money identity). Each starts at zero;
/// a sector that pays out runs negative.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sectors {
    /// Customers and suppliers outside the model: the source of sales, the sink of bought-in inputs.
    pub outside: f64,
    /// Households: wages, owner draws, benefits, subsidies; founders' savings come from here.
    pub households: f64,
    pub bank: f64,
    pub government: f64,
    pub compute_providers: f64,
    /// Private LPs (social capital).
    pub private_lps: f64,
    /// Public markets and acquirers: pay for stakes at IPO and in acquisitions.
    pub acquirers: f64,
    /// State capital injected into the guidance fund.
    pub state_capital: f64,
    /// Firms outside the city that GP funds invest in: they receive the investments and pay the
    /// proceeds back.
    pub ventures_outside: f64,
}

impl Sectors {
    /// Every sector's balance.
    pub fn balances(&self) -> [f64; 9] {
        [
            self.outside,
            self.households,
            self.bank,
            self.government,
            self.compute_providers,
            self.private_lps,
            self.acquirers,
            self.state_capital,
            self.ventures_outside,
        ]
    }
}

/// Per-industry state that changes over time.
#[derive(Clone, Debug, Default)]
pub struct IndustryState {
    pub demand: Vec<f64>,
    pub frontier: Vec<f64>,
    /// Reference log productivity: productivity = y x exp(ln A - reference).
    pub reference: Vec<f64>,
    /// Output per worker at the reference technology, CNY m/month.
    pub output_per_worker: Vec<f64>,
    pub knowledge: Vec<f64>,
    pub knowledge_start: Vec<f64>,
    pub best_ln_a: Vec<f64>,
    /// VC invested in the industry over the last 12 months (ring buffer by month).
    pub vc_ring: Vec<[f64; 12]>,
    /// Number of alive firms (updated by the market pass and by births and deaths).
    pub firms: Vec<u64>,
    /// Mean share of an alive firm (1 / firms), for entrants.
    pub rd_total: Vec<f64>,
}

impl IndustryState {
    pub fn vc_last_year(&self, k: usize) -> f64 {
        self.vc_ring[k].iter().sum()
    }
}

/// Claims on one instrument this month, paid pro rata in the government phase.
#[derive(Clone, Debug, Default)]
pub struct Claims {
    /// (firm id, amount, is future industry); firm id NONE for payments to households.
    pub items: Vec<(u32, f64, bool)>,
}

/// Budget lines of the year: per package and per instrument.
#[derive(Clone, Debug, Default)]
pub struct Budget {
    pub year: i32,
    pub annual_total: f64,
    pub package_budget: Vec<f64>,
    pub package_spent: Vec<f64>,
    pub line_spent: Vec<f64>,
    /// Part of each industrial instrument's budget reserved for future industries, still unspent.
    pub future_pot: Vec<f64>,
    /// Spending of industrial instruments this year: total and to future industries.
    pub industrial_spent: f64,
    pub industrial_future: f64,
    /// Payout ratio of the last payment of each instrument (expected by claimants).
    pub payout_ratio: Vec<f64>,
    /// Spending this month by package and by instrument.
    pub month_package: Vec<f64>,
    pub month_line: Vec<f64>,
    /// Spending since the start, by package.
    pub total_package: Vec<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrivals_take_the_last_freed_slots_first_then_new_ones() {
        let mut p = People::default();
        p.grow(5);
        p.free = vec![1, 3];
        assert_eq!(p.take_slots(4), vec![3, 1, 5, 6]);
        assert!(p.free.is_empty());
        let lens = [p.propensity.len(), p.prev_wage.len(), p.insured_until.len(), p.founded.len(), p.failed.len()];
        assert_eq!((p.hot.len(), lens, p.exited.len()), (7, [7; 5], 7));
        assert_eq!(p.hot[6].state, pstate::LEFT);
        p.free = vec![0, 2, 4];
        assert_eq!(p.take_slots(2), vec![4, 2]);
        assert_eq!(p.free, vec![0]);
        assert_eq!(p.hot.len(), 7);
        assert!(p.take_slots(0).is_empty());
    }
}
