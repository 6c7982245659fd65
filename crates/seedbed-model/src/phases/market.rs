//! Phase 7, product market (MODEL.md; K+S, Dosi et al. 2010): each industry's demand is shared
//! by replicator dynamics on competitiveness, f_i' = f_i (1 + chi (E_i - E_mean)), with E the
//! log technology plus a pilot validation bonus, times idiosyncratic demand shocks: discrete
//! events (a customer won or lost) whose standard deviation falls with the size of the business
//! as (units+1)^-beta (Stanley et al. 1996). Sales are capped by capacity (workers x
//! productivity); demand above capacity goes to competitors with spare capacity for the month,
//! while the firm keeps its customers' share (its demand share, not its sales share), so a firm
//! that hires in whole workers does not lose its market to larger firms step by step. Revenue
//! pays bought-in inputs, wages, rent, interest and taxes; profitable bootstrapped and listed
//! firms pay out part of profit. Firms then plan next month's employment.

use crate::config::{Instrument, stage, tier};
use crate::events::Kind;
use crate::par::{self, IndustrySums};
use crate::rng::{Draw, Family, Phase};
use crate::state::*;
use crate::world::{Neumaier, World};

/// One firm's market quantities this month (a row per live firm, in live order). Kept to 32
/// bytes, two rows a cache line: each of the market's passes streams every row, so what a row
/// carries is what the phase moves through memory. Sales, unserved demand and spare capacity
/// follow from demand and capacity ([`Row::sales`]), and the demand shock is drawn in the pass
/// that uses it, so none of them is stored.
#[derive(Clone, Copy, Debug)]
struct Row {
    /// Industry.
    k: u32,
    /// Competitiveness.
    e: f64,
    /// Capacity, CNY m/month.
    cap: f64,
    /// Market share: last month's, then the replicator's (unnormalised), then the demand for the
    /// firm's output this month (its share of the industry's demand, before the capacity cap,
    /// CNY m/month): what it plans employment for.
    share: f64,
}

const _: () = assert!(std::mem::size_of::<Row>() == 32);

impl Row {
    /// Sales before the spill-over: demand capped by capacity (once `share` holds demand).
    #[inline]
    fn sales(&self) -> f64 {
        self.share.min(self.cap)
    }
}

fn row(w: &World, f: usize) -> Row {
    let m = &w.cfg.s.market;
    let k = w.firms.industry[f] as usize;
    let n = f64::from(w.firms.employees[f]) + 1.0;
    let bonus = if w.firms.pilot_until[f] > w.month { m.pilot_competitiveness_bonus } else { 0.0 };
    Row { k: k as u32, e: w.firms.ln_a[f] + bonus, cap: n * w.firms.productivity[f], share: w.firms.share[f] }
}

/// Firm `f`'s log demand shock this month, for a row `r` still holding last month's share.
/// Demand shocks arrive as discrete events (a customer won or lost) with a monthly probability;
/// an event's size falls with the size of the business: last month's demand in whole units of
/// the smallest business's sales (Stanley et al. 1996). The event is a single counter-based
/// draw; the size's stream is seeded only for an event.
fn shock(w: &World, events: Family, sizes: Family, f: usize, r: &Row) -> f64 {
    let m = &w.cfg.s.market;
    let key = w.firms.key(f);
    if events.uniform(key) >= m.shock_events_per_month {
        return 0.0;
    }
    let mut rng = sizes.stream(key);
    let units = (r.share * w.ind.demand[r.k as usize] / m.shock_size_unit_m_per_month).floor().max(0.0);
    let sd = match w.shock_sd_by_size.get(units as usize) {
        Some(&sd) => sd,
        None => m.shock_sd * (units + 1.0).powf(-m.shock_size_exponent),
    };
    sd * rng.normal() - 0.5 * sd * sd
}

thread_local! {
    /// The market's per-firm rows, reused by the thread that runs the phase.
    static BUFFERS: std::cell::RefCell<Vec<Row>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Frees the reused buffers (at the end of a run, before the end-of-run tables are built).
pub fn release_buffers() {
    BUFFERS.with(|b| *b.borrow_mut() = Vec::new());
}

/// Phase 7. Three parallel passes over a row per firm, each folding the per-industry sums the
/// next one needs (in fixed chunks, so the sums do not depend on the thread count), then one
/// parallel pass that reads the rows, books the accounts and tallies the month.
pub fn product_market(w: &mut World) {
    let n_ind = w.cfg.n_ind;
    // Buffers are kept from month to month: a million rows are not allocated and zeroed anew.
    let mut rows = BUFFERS.with(|b| std::mem::take(&mut *b.borrow_mut()));
    // Replicator: shares move with competitiveness relative to the share-weighted mean.
    let parts = {
        let wr: &World = w;
        par::fill_fold(
            &wr.firms.live,
            &mut rows,
            || IndustrySums::<2>::new(n_ind),
            |_, f, s| {
                let r = row(wr, f);
                s.add(r.k as usize, [r.share * r.e, r.share]);
                r
            },
        )
    };
    let s = IndustrySums::combine(n_ind, &parts);
    let (se, sf) = (s.get(0), s.get(1));
    let mean_e: Vec<f64> = (0..n_ind).map(|k| if sf[k] > 0.0 { se[k] / sf[k] } else { 0.0 }).collect();
    let chi = w.cfg.s.market.replicator_chi;
    let total = {
        let wr: &World = w;
        let month = wr.month as u32;
        let (events, sizes) =
            (Family::new(wr.seed, Phase::MarketShock, month), Family::new(wr.seed, Phase::Market, month));
        par::for_each_sum::<_, 1>(&mut rows, &wr.firms.live, n_ind, |r, f, s| {
            let k = r.k as usize;
            let shock = shock(wr, events, sizes, f, r);
            let moved = (r.share * (1.0 + chi * (r.e - mean_e[k]))).max(0.0);
            // exp(0) is 1: most firms have no shock this month and skip the exponential.
            r.share = if shock == 0.0 { moved } else { moved * shock.exp() };
            s.add(k, [r.share]);
        })
        .get(0)
    };
    // Sales capped by capacity; unserved demand goes to firms with spare capacity.
    let demand = &w.ind.demand;
    let s = par::for_each_sum::<_, 2>(&mut rows, &w.firms.live, n_ind, |r, _, s| {
        let k = r.k as usize;
        r.share = if total[k] > 0.0 { r.share / total[k] * demand[k] } else { 0.0 };
        let sales = r.sales();
        // Unserved demand and spare capacity.
        s.add(k, [r.share - sales, r.cap - sales]);
    });
    let (unserved, spare) = (s.get(0), s.get(1));
    // The spill-over of unserved demand and each firm's accounts are booked in the last pass.
    book_and_tally(w, Some(Market { rows: &rows, unserved: &unserved, spare: &spare }));
    BUFFERS.with(|b| *b.borrow_mut() = rows);
}

/// What the product market's last pass needs to book the month: the rows, and each
/// industry's unserved demand and spare capacity for the spill-over.
struct Market<'a> {
    rows: &'a [Row],
    unserved: &'a [f64],
    spare: &'a [f64],
}

/// Parameters of the accounts, read once a month.
struct AccountCtx {
    g: crate::scenario::Government,
    payout_share: f64,
    buffer: f64,
    burn_months: f64,
    rd_burn: f64,
    r_month: f64,
    wage_index: f64,
    support: Option<crate::scenario::ManufacturingSupport>,
}

impl AccountCtx {
    fn new(w: &World) -> AccountCtx {
        AccountCtx {
            g: w.cfg.s.government.clone(),
            payout_share: w.cfg.s.market.payout_share,
            buffer: w.cfg.s.market.employment_buffer,
            burn_months: w.cfg.s.innovation.burn_months,
            rd_burn: w.cfg.s.innovation.rd_share_of_burn,
            r_month: w.cfg.s.finance.loan_rate_per_year / 12.0,
            wage_index: w.wage_index,
            support: w.cfg.on(Instrument::ManufacturingSupport).then(|| w.cfg.s.policy.manufacturing_support.clone()),
        }
    }
}

/// One firm's sales this month, after the spill-over, and what it plans employment from.
#[derive(Clone, Copy, Debug)]
struct Sold {
    k: usize,
    sales: f64,
    /// Demand for the firm's output (before the capacity cap), CNY m/month.
    demand: f64,
    /// Labour productivity, CNY m per worker-month.
    prod: f64,
}

/// A firm's cash and debt before this month's accounts (read from the columns the booking
/// pass writes).
#[derive(Clone, Copy, Debug)]
struct Balance {
    cash: f64,
    debt: f64,
    debt_step: f64,
}

/// One firm's monthly accounts: costs, taxes, payout, support claim and employment plan.
#[derive(Clone, Copy, Debug)]
struct Account {
    inputs: f64,
    wages: f64,
    rent: f64,
    interest: f64,
    principal: f64,
    vat: f64,
    tax: f64,
    profit: f64,
    /// Payout to owners (households, or the acquirer for acquired firms).
    payout: f64,
    support_claim: f64,
    desired: f32,
}

/// Revenue pays bought-in inputs, wages, rent, interest and VAT; profit is taxed (15% for
/// high-tech enterprises); profitable bootstrapped, listed and acquired firms pay out a share;
/// the firm plans employment for expected sales at its productivity (or what a round pays for).
fn account(w: &World, c: &AccountCtx, f: usize, r: &Sold, b: Balance) -> Account {
    let fm = &w.firms;
    let k = r.k;
    let rev = r.sales;
    let n = f64::from(fm.employees[f]);
    let inputs = (1.0 - w.cfg.ind.va_share[k]) * rev;
    let wages = fm.wage_sum[f] * c.wage_index;
    let rent = w.cfg.ind.rent[k] * (n + 1.0);
    let interest = b.debt * c.r_month;
    let principal = b.debt_step.min(b.debt);
    let vat = c.g.vat_rate * (rev - inputs);
    let pre_tax = rev - inputs - wages - rent - interest - fm.rd[f] - vat;
    let rate = if fm.tiers[f] & tier::HIGH_TECH != 0 { c.g.high_tech_tax_rate } else { c.g.profit_tax_rate };
    let tax = rate * pre_tax.max(0.0);
    let profit = pre_tax - tax;
    let cash = b.cash + rev - inputs - wages - rent - interest - principal - vat - tax;
    let st = fm.stage[f];
    let payout = if profit > 0.0 && cash > 0.0 && matches!(st, stage::BOOTSTRAPPED | stage::LISTED | stage::ACQUIRED) {
        (c.payout_share * profit).min(cash)
    } else {
        0.0
    };
    let support_claim = match &c.support {
        Some(s) if n >= s.min_employees && w.cfg.support_elig.admits(k, 0) => {
            (s.rate * rent).min((s.cap_m_per_firm_year - fm.support_ytd[f]).max(0.0))
        }
        _ => 0.0,
    };
    // Employment is planned for the demand the firm faces, not for sales its capacity capped:
    // otherwise a firm short of workers sells less, plans fewer workers, and spirals down.
    let expected = r.demand.max(rev);
    let mut desired = if r.prod > 0.0 { expected * (1.0 + c.buffer) / r.prod - 1.0 } else { 0.0 };
    if (stage::SEED..=stage::GROWTH).contains(&st)
        && f64::from(w.month - fm.last_round[f]) < c.burn_months
        && cash > 0.0
    {
        let funded = fm.last_round_m[f] / c.burn_months * (1.0 - c.rd_burn) / (w.cfg.ind.wage[k] * c.wage_index);
        desired = desired.max(funded);
    }
    Account {
        inputs,
        wages,
        rent,
        interest,
        principal,
        vat,
        tax,
        profit,
        payout,
        support_claim,
        desired: desired.max(0.0) as f32,
    }
}

/// The firm columns the booking and tally pass writes, taken out of the world for the pass so
/// that it can read everything else through a shared borrow.
macro_rules! written {
    ($($c:ident: $t:ty),* $(,)?) => {
        #[derive(Default)]
        struct Written {
            $($c: Vec<$t>,)*
        }
        /// Views of the taken columns that a parallel pass writes firm by firm.
        struct Cols<'a> {
            $($c: par::Col<'a, $t>,)*
        }
        impl Written {
            fn take(fm: &mut Firms) -> Written {
                Written { $($c: std::mem::take(&mut fm.$c)),* }
            }
            fn put(self, fm: &mut Firms) {
                $(fm.$c = self.$c;)*
            }
            fn cols(&mut self) -> Cols<'_> {
                Cols { $($c: par::Col::new(&mut self.$c)),* }
            }
        }
    };
}

written!(
    share: f64,
    revenue_prev: f64,
    revenue: f64,
    cash: f64,
    debt: f64,
    debt_step: f64,
    profit: f64,
    rev_ytd: f64,
    desired: f32,
    valuation: f64,
    flags: u8,
    frontier_month: i32,
);

/// One chunk's share of the month's bookings and tallies (combined in chunk order).
struct Part {
    outside: Neumaier,
    households: Neumaier,
    bank: Neumaier,
    gov: Neumaier,
    acquirers: Neumaier,
    taxes: f64,
    vat: f64,
    wages: f64,
    revenue: f64,
    value_added: f64,
    rd: f64,
    support: Vec<(u32, f64, bool)>,
    firms: Vec<u64>,
    employment: Vec<u64>,
    frontier: Vec<u64>,
    unicorns: Vec<u64>,
    high_tech: Vec<u64>,
    ind_revenue: Vec<f64>,
    ind_value_added: Vec<f64>,
    ind_rd: Vec<f64>,
    ind_compute: Vec<f64>,
    sum_ln_a: Vec<f64>,
    best: Vec<f64>,
    tier_counts: [u64; 5],
    listed: u64,
    acquired: u64,
    vc_backed: u64,
    pilots_active: u64,
    compute_eligible: f64,
    cash: Neumaier,
    debt: f64,
    breakthroughs: Vec<u32>,
}

impl Part {
    fn new(n: usize) -> Part {
        Part {
            outside: Neumaier::default(),
            households: Neumaier::default(),
            bank: Neumaier::default(),
            gov: Neumaier::default(),
            acquirers: Neumaier::default(),
            taxes: 0.0,
            vat: 0.0,
            wages: 0.0,
            revenue: 0.0,
            value_added: 0.0,
            rd: 0.0,
            support: Vec::new(),
            firms: vec![0; n],
            employment: vec![0; n],
            frontier: vec![0; n],
            unicorns: vec![0; n],
            high_tech: vec![0; n],
            ind_revenue: vec![0.0; n],
            ind_value_added: vec![0.0; n],
            ind_rd: vec![0.0; n],
            ind_compute: vec![0.0; n],
            sum_ln_a: vec![0.0; n],
            best: vec![f64::NEG_INFINITY; n],
            tier_counts: [0; 5],
            listed: 0,
            acquired: 0,
            vc_backed: 0,
            pilots_active: 0,
            compute_eligible: 0.0,
            cash: Neumaier::default(),
            debt: 0.0,
            breakthroughs: Vec::new(),
        }
    }
}

/// Books firm `f`'s sales and accounts: revenue, cash, debt, profit, next month's desired
/// employment, and the flows to the outside sectors.
fn book(w: &World, c: &Cols, f: usize, r: &Sold, a: &Account, p: &mut Part) {
    let k = r.k;
    let rev = r.sales;
    // The share carried to next month is of demand (the firm's customers), not of sales.
    c.share.set(f, if w.ind.demand[k] > 0.0 { r.demand / w.ind.demand[k] } else { 0.0 });
    c.revenue_prev.set(f, c.revenue.get(f));
    c.revenue.set(f, rev);
    c.cash.set(
        f,
        c.cash.get(f) + rev - a.inputs - a.wages - a.rent - a.interest - a.principal - a.vat - a.tax - a.payout,
    );
    let debt = c.debt.get(f) - a.principal;
    if debt <= 1e-12 {
        c.debt.set(f, 0.0);
        c.debt_step.set(f, 0.0);
    } else {
        c.debt.set(f, debt);
    }
    c.profit.set(f, a.profit);
    c.rev_ytd.set(f, c.rev_ytd.get(f) + rev);
    c.desired.set(f, a.desired);
    p.outside.add(a.inputs + a.rent - rev);
    p.households.add(a.wages);
    p.bank.add(a.interest + a.principal);
    p.gov.add(a.vat + a.tax);
    if w.firms.stage[f] == stage::ACQUIRED {
        p.acquirers.add(a.payout);
    } else {
        p.households.add(a.payout);
    }
    p.taxes += a.vat + a.tax;
    p.vat += a.vat;
    p.wages += a.wages;
    p.revenue += rev;
    p.value_added += rev - a.inputs;
    p.rd += w.firms.rd[f];
    if a.support_claim > 0.0 {
        p.support.push((f as u32, a.support_claim, w.cfg.ind.class[k].is_future()));
    }
}

/// Firm `f`'s valuation (the last round's post-money while recent, else a revenue multiple),
/// frontier status, and its part of the month's aggregates by industry.
fn tally_firm(w: &World, c: &Cols, unicorn_age: i32, f: usize, p: &mut Part) {
    let fm = &w.firms;
    let tiers = &w.cfg.s.tiers;
    let k = fm.industry[f] as usize;
    let st = fm.stage[f];
    let revenue = c.revenue.get(f);
    let mut valuation = c.valuation.get(f);
    if st != stage::BOOTSTRAPPED {
        let by_rev = w.cfg.ind.revenue_multiple[k] * 12.0 * revenue;
        let recent = w.month - fm.last_round[f] < 24;
        valuation = if recent { valuation.max(by_rev) } else { by_rev.max(0.5 * valuation) };
        c.valuation.set(f, valuation);
    }
    let is_unicorn = st != stage::BOOTSTRAPPED
        && st != stage::LISTED
        && st != stage::ACQUIRED
        && valuation >= tiers.unicorn_min_valuation_m
        && fm.age(f, w.month) < unicorn_age;
    let mut flags = c.flags.get(f);
    if w.cfg.ind.class[k].is_future() && fm.ln_a[f] >= w.ind.frontier[k] {
        flags |= fflag::FRONTIER;
        p.frontier[k] += 1;
        if flags & fflag::EVER_FRONTIER == 0 {
            flags |= fflag::EVER_FRONTIER;
            c.frontier_month.set(f, w.month);
            p.breakthroughs.push(f as u32);
        }
    } else {
        flags &= !fflag::FRONTIER;
    }
    c.flags.set(f, flags);
    let tiers = fm.tiers[f];
    p.firms[k] += 1;
    p.employment[k] += u64::from(fm.employees[f]);
    p.ind_revenue[k] += revenue;
    p.ind_value_added[k] += revenue * w.cfg.ind.va_share[k];
    p.ind_rd[k] += fm.rd[f];
    p.ind_compute[k] += fm.compute_used[f];
    if w.cfg.voucher_elig.admits(k, tiers) {
        p.compute_eligible += fm.compute_used[f];
    }
    p.sum_ln_a[k] += fm.ln_a[f];
    if is_unicorn {
        p.unicorns[k] += 1;
    }
    if tiers & tier::HIGH_TECH != 0 {
        p.high_tech[k] += 1;
    }
    for (i, (bit, _)) in tier::NAMES.iter().enumerate() {
        if tiers & bit != 0 {
            p.tier_counts[i] += 1;
        }
    }
    match st {
        stage::LISTED => p.listed += 1,
        stage::ACQUIRED => p.acquired += 1,
        _ => {}
    }
    if flags & fflag::VC_BACKED != 0 {
        p.vc_backed += 1;
    }
    if fm.contract_until[f] > w.month {
        p.pilots_active += 1;
    }
    p.cash.add(c.cash.get(f));
    p.debt += c.debt.get(f);
    p.best[k] = p.best[k].max(fm.ln_a[f]);
}

/// Valuations, frontier status, breakthroughs and the month's aggregates by industry (when the
/// city is built; every month the market's last pass does this).
pub fn tally(w: &mut World) {
    book_and_tally(w, None);
}

/// One parallel pass over the live firms: books the month's accounts (when the market ran)
/// and tallies; then combines the chunks' parts in order, writes the tally, pays the sectors,
/// and records breakthroughs and support claims in firm-id order.
fn book_and_tally(w: &mut World, market: Option<Market>) {
    let n_ind = w.cfg.n_ind;
    let unicorn_age = (w.cfg.s.tiers.unicorn_max_age_years * 12.0) as i32;
    let mut written = Written::take(&mut w.firms);
    let parts = {
        let cols = written.cols();
        let wr: &World = w;
        let ctx = AccountCtx::new(wr);
        par::fold_live(
            &wr.firms.live,
            || Part::new(n_ind),
            |j, f, p| {
                if let Some(m) = &market {
                    let row = &m.rows[j];
                    let k = row.k as usize;
                    let mut sales = row.sales();
                    if m.unserved[k] > 0.0 && m.spare[k] > 0.0 {
                        // Unserved demand is shared by spare capacity.
                        sales += m.unserved[k].min(m.spare[k]) * (row.cap - sales) / m.spare[k];
                    }
                    let r = Sold { k, sales, demand: row.share, prod: wr.firms.productivity[f] };
                    let b =
                        Balance { cash: cols.cash.get(f), debt: cols.debt.get(f), debt_step: cols.debt_step.get(f) };
                    book(wr, &cols, f, &r, &account(wr, &ctx, f, &r, b), p);
                }
                tally_firm(wr, &cols, unicorn_age, f, p);
            },
        )
    };
    written.put(&mut w.firms);
    let t = &mut w.tally;
    for v in [&mut t.firms, &mut t.employment, &mut t.frontier, &mut t.unicorns, &mut t.high_tech] {
        v.clear();
        v.resize(n_ind, 0);
    }
    for v in [&mut t.revenue, &mut t.value_added, &mut t.rd, &mut t.compute, &mut t.mean_ln_a] {
        v.clear();
        v.resize(n_ind, 0.0);
    }
    t.tier_counts = [0; 5];
    (t.listed, t.acquired, t.vc_backed, t.pilots_active) = (0, 0, 0, 0);
    t.compute_eligible = 0.0;
    let (mut cash, mut debt) = (Neumaier::default(), 0.0);
    let mut best = vec![f64::NEG_INFINITY; n_ind];
    let mut sectors = [Neumaier::default(); 5];
    for p in &parts {
        for k in 0..n_ind {
            t.firms[k] += p.firms[k];
            t.employment[k] += p.employment[k];
            t.frontier[k] += p.frontier[k];
            t.unicorns[k] += p.unicorns[k];
            t.high_tech[k] += p.high_tech[k];
            t.revenue[k] += p.ind_revenue[k];
            t.value_added[k] += p.ind_value_added[k];
            t.rd[k] += p.ind_rd[k];
            t.compute[k] += p.ind_compute[k];
            t.mean_ln_a[k] += p.sum_ln_a[k];
            best[k] = best[k].max(p.best[k]);
        }
        for i in 0..5 {
            t.tier_counts[i] += p.tier_counts[i];
        }
        t.listed += p.listed;
        t.acquired += p.acquired;
        t.vc_backed += p.vc_backed;
        t.pilots_active += p.pilots_active;
        t.compute_eligible += p.compute_eligible;
        cash.merge(&p.cash);
        debt += p.debt;
        for (s, x) in sectors.iter_mut().zip([&p.outside, &p.households, &p.bank, &p.gov, &p.acquirers]) {
            s.merge(x);
        }
        let mm = &mut w.m;
        mm.taxes += p.taxes;
        mm.vat += p.vat;
        mm.wages += p.wages;
        mm.revenue += p.revenue;
        mm.value_added += p.value_added;
        mm.rd += p.rd;
    }
    for k in 0..n_ind {
        if t.firms[k] > 0 {
            t.mean_ln_a[k] /= t.firms[k] as f64;
        }
        w.ind.firms[k] = t.firms[k];
    }
    t.unicorns_total = t.unicorns.iter().sum();
    t.frontier_total = t.frontier.iter().sum();
    t.cash = cash.sum();
    t.debt = debt;
    w.ind.best_ln_a = best;
    if market.is_some() {
        w.sectors.outside += sectors[0].sum();
        w.sectors.households += sectors[1].sum();
        w.sectors.bank += sectors[2].sum();
        w.sectors.government += sectors[3].sum();
        w.sectors.acquirers += sectors[4].sum();
    }
    for p in parts {
        w.claims[Instrument::ManufacturingSupport as usize].items.extend_from_slice(&p.support);
        for f in p.breakthroughs {
            let fi = f as usize;
            let fm = &w.firms;
            w.m.new_frontier += 1;
            let h = crate::state::how::NAMES[fm.how[fi] as usize];
            let (founder, k) = (Some(fm.founder[fi]).filter(|&p| p != NONE), fm.industry[fi]);
            w.events.push(Kind::Breakthrough, f, founder, None, k, 0.0, h);
        }
    }
}
