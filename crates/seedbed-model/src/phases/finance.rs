//! Phase 8, finance (MODEL.md): firms short of runway seek money. GP funds with dry powder and
//! screening capacity examine them by a noisy signal of quality (noise falls with GP skill) and
//! invest by stage; the guidance fund's direct arm does the same with a noisier signal; the bank
//! lends to profitable firms with revenue. In its approval round the guidance fund commits to
//! new GP funds as LP up to its share cap; private LPs supply capital in proportion to recent
//! fund returns, more when a public LP certifies the GP, but a high public share lets weaker GPs
//! raise funds (Brander, Du, Hellmann 2015). Funds call capital as they invest, pay a 2% fee and
//! 20% carry over an 8% hurdle, and pass exit proceeds to their LPs by stake.

use crate::config::{Instrument, stage};
use crate::events::Kind;
use crate::phases::{entrepreneurship::public_level, government};
use crate::rng::{Draw, Phase, Stream, stream};
use crate::state::*;
use crate::world::World;

/// Phase 8.
pub fn finance(w: &mut World) {
    if w.month == 0 {
        open_low_altitude_fund(w);
    }
    fees(w);
    fund_formation(w);
    deals(w);
    outside_deals(w);
    bank(w);
    update_returns(w);
}

fn new_fund(w: &World, sponsor: Sponsor, size: f64, public: f64, skill: f64, mandate: u64) -> Fund {
    Fund::new(w.month, sponsor, size, public, skill, mandate)
}

fn open_low_altitude_fund(w: &mut World) {
    if !w.cfg.on(Instrument::LowAltitudeFund) {
        return;
    }
    let size = w.cfg.s.policy.low_altitude_fund.size_m * w.cfg.scale;
    let mandate = (0..w.cfg.n_ind).filter(|&k| w.cfg.la_fund_elig.admits(k, 0)).fold(0u64, |m, k| m | (1 << k));
    let fund = new_fund(w, Sponsor::City, size, 0.0, 0.0, mandate);
    w.funds.push(fund);
}

/// Calls `amount` from a fund's LPs. Returns false (and calls nothing) when the LPs cannot pay:
/// the commitment is used up, or the city's budget line for its fund is exhausted.
fn call_capital(w: &mut World, fund: usize, amount: f64) -> bool {
    let fd = &w.funds[fund];
    if amount > fd.uncalled() + 1e-9 {
        return false;
    }
    match fd.sponsor {
        Sponsor::City => {
            if government::available(w, Instrument::LowAltitudeFund, true) + 1e-9 < amount {
                return false;
            }
            let paid = government::pay_now(w, Instrument::LowAltitudeFund, amount, true);
            debug_assert!((paid - amount).abs() < 1e-6);
        }
        Sponsor::Guidance => {
            let public = amount * fd.public_share();
            if public > w.gf.cash + 1e-9 {
                return false;
            }
            w.gf.cash -= public;
            w.funds[fund].called_public += public;
            w.sectors.private_lps -= amount - public;
        }
        Sponsor::Private => w.sectors.private_lps -= amount,
    }
    let fd = &mut w.funds[fund];
    fd.called += amount;
    fd.cash += amount;
    true
}

/// Management fees: 2% a year of commitments in the investment period, of invested cost after.
fn fees(w: &mut World) {
    let fin = w.cfg.s.finance.clone();
    let period = (fin.investment_period_years * 12.0) as i32;
    let life = (fin.fund_life_years * 12.0) as i32;
    for i in 0..w.funds.len() {
        let age = w.month - w.funds[i].vintage;
        if age >= life {
            continue;
        }
        let base = if age < period { w.funds[i].committed } else { w.funds[i].invested + w.funds[i].outside_cost };
        let fee = (base * fin.management_fee_per_year / 12.0).min(w.funds[i].uncalled());
        if fee > 0.0 && call_capital(w, i, fee) {
            w.funds[i].cash -= fee;
            w.funds[i].fees_paid += fee;
            w.sectors.households += fee;
            w.m.fees += fee;
        }
    }
}

/// New GP funds: the guidance fund's approvals (LP mode) and purely private funds.
fn fund_formation(w: &mut World) {
    let fin = w.cfg.s.finance.clone();
    let gfp = w.cfg.s.policy.guidance_fund.clone();
    let scale = w.cfg.scale;
    let lp_mode = w.cfg.on(Instrument::GuidanceFund) && !w.cfg.gf_direct_mode;
    let s = if lp_mode { gfp.share_cap } else { 0.0 };
    let cert = 1.0 + gfp.certification_effect * s.min(gfp.moderate_share);
    let monthly = fin.private_lp_supply_m_per_year / 12.0
        * scale
        * w.fund_tvpi
            .max(1e-6)
            .powf(fin.lp_return_elasticity)
            .clamp(fin.lp_return_factor_min, fin.lp_return_factor_max.max(fin.lp_return_factor_min))
        * cert;
    // Money offered but not committed waits up to a year (so a small city still forms whole funds).
    let mut supply = (w.lp_pool + monthly).min(12.0 * monthly);
    let mut rng = stream(w.seed, Phase::FundFormation, w.month as u32, 0);
    let sd = fin.gp_skill_sd;
    let min_size = 0.25 * fin.fund_size_median_m;
    let future_mask = (0..w.cfg.n_ind).filter(|&k| w.cfg.ind.class[k].is_future()).fold(0u64, |m, k| m | (1 << k));
    if lp_mode && s > 0.0 {
        w.gf_pipeline = (w.gf_pipeline + gfp.approval_capacity_m_per_year / 12.0 * scale)
            .min(gfp.approval_capacity_m_per_year * scale);
        let bar = (gfp.gp_skill_bar - gfp.selection_loss * (s - gfp.moderate_share).max(0.0)) * sd;
        for _ in 0..200 {
            let remaining = w.gf.size * (1.0 - gfp.direct_share) - w.gf.committed;
            let skill = sd * rng.normal();
            let size = fin.fund_size_median_m * (fin.fund_size_log_sd * rng.normal()).exp();
            let mandate = if rng.unif() < gfp.future_mandate_share { future_mask } else { u64::MAX };
            // A fund is approved once the year's capacity, the fund's own capital and private LPs cover it.
            if size > w.gf_pipeline || s * size > remaining || (1.0 - s) * size > supply {
                break;
            }
            if skill < bar {
                continue;
            }
            let public = s * size;
            let fund = new_fund(w, Sponsor::Guidance, size, public, skill, mandate);
            w.funds.push(fund);
            supply -= size - public;
            w.gf_pipeline -= size;
            w.gf.approved += size;
            w.gf.leveraged += size - public;
            w.gf.committed += public;
            w.gf.approved_this_year += size;
        }
    }
    let bar = gfp.gp_skill_bar * sd;
    for _ in 0..200 {
        let skill = sd * rng.normal();
        let size = (fin.fund_size_median_m * (fin.fund_size_log_sd * rng.normal()).exp()).max(min_size);
        if size > supply {
            break;
        }
        if skill < bar {
            continue;
        }
        let fund = new_fund(w, Sponsor::Private, size, 0.0, skill, u64::MAX);
        w.funds.push(fund);
        supply -= size;
    }
    w.lp_pool = supply;
}

/// A firm's quality as investors see it, before noise.
fn quality(w: &World, f: usize) -> f64 {
    let k = w.firms.industry[f] as usize;
    let sd = w.cfg.s.entrepreneurship.entrant_technology_sd.max(1e-6);
    let mut q = (w.firms.ln_a[f] - public_level(w, k)) / sd;
    if w.firms.pilot_until[f] > w.month {
        q += w.cfg.s.policy.pilots.signal_bonus;
    }
    let founder = w.firms.founder[f];
    if founder != NONE {
        q += w.cfg.s.entrepreneurship.serial_success_bonus / sd * f64::from(w.people.exited[founder as usize]);
    }
    q
}

/// Firms looking for a round this month, ascending ids.
fn seekers(w: &World) -> Vec<u32> {
    let fin = &w.cfg.s.finance;
    let burn = w.cfg.s.innovation.burn_months;
    let max_age = (w.cfg.s.tiers.unicorn_max_age_years * 12.0) as i32;
    let gap = fin.months_between_rounds as i32;
    crate::par::select_live(&w.firms.live, |fi, out| {
        let st = w.firms.stage[fi];
        if w.firms.flags[fi] & fflag::VENTURE == 0 || st >= stage::LISTED || w.firms.age(fi, w.month) > max_age {
            return;
        }
        if w.month - w.firms.last_round[fi] < gap {
            return;
        }
        let next = (st + 1).min(stage::GROWTH) as usize - 1;
        let costs = (w.firms.revenue[fi] - w.firms.profit[fi]).max(0.0);
        let planned = costs.max(fin.round_min_m[next] / burn);
        if w.firms.cash[fi] < fin.runway_trigger_months * planned {
            out.push(fi as u32);
        }
    })
}

/// Stage, amount and dilution of a firm's next round, or None when the firm's traction does not
/// support it. The investor buys the stage's share of the firm at a pre-money valuation: a seed
/// round is priced within the seed range; later rounds at the larger of the revenue multiple and
/// 80% of the last post-money, so rounds grow only with traction, and a round worth less than
/// half the stage's smallest is not done.
fn next_round(w: &World, f: usize, r: &mut Stream) -> Option<(u8, f64, f64)> {
    let fin = &w.cfg.s.finance;
    let st = (w.firms.stage[f] + 1).min(stage::GROWTH);
    let i = st as usize - 1;
    let (lo, hi) = (fin.round_min_m[i].max(1e-6), fin.round_max_m[i].max(1e-6));
    let dil = fin.dilution[i];
    if st == stage::SEED {
        return Some((st, (lo.ln() + (hi.ln() - lo.ln()).max(0.0) * r.unif()).exp(), dil));
    }
    let k = w.firms.industry[f] as usize;
    let by_revenue = w.cfg.ind.revenue_multiple[k] * 12.0 * w.firms.revenue[f];
    let pre = by_revenue.max(0.8 * w.firms.valuation[f]) * (0.3 * r.normal()).exp();
    let amount = dil / (1.0 - dil) * pre;
    if amount < 0.5 * lo {
        return None;
    }
    Some((st, amount.clamp(lo, hi.max(lo)), dil))
}

/// VC screening and investment, then the guidance fund's direct deals.
fn deals(w: &mut World) {
    let fin = w.cfg.s.finance.clone();
    let list = seekers(w);
    if list.is_empty() {
        return;
    }
    let period = (fin.investment_period_years * 12.0) as i32;
    let mut rng = stream(w.seed, Phase::Finance, w.month as u32, 0);
    for fund in 0..w.funds.len() {
        if w.month - w.funds[fund].vintage >= period || w.funds[fund].uncalled() < fin.round_min_m[0] {
            continue;
        }
        let capacity = rng.round_stochastic(fin.screening_capacity_per_month);
        let noise = fin.dd_noise_sd * (-w.funds[fund].skill).exp();
        for _ in 0..capacity {
            let f = list[(rng.unif() * list.len() as f64) as usize % list.len()];
            let fi = f as usize;
            let k = w.firms.industry[fi] as usize;
            if w.firms.last_round[fi] == w.month || w.funds[fund].mandate & (1 << k) == 0 {
                continue;
            }
            let signal = quality(w, fi) + noise * rng.normal();
            if signal < fin.investment_bar {
                continue;
            }
            let Some((st, amount, dil)) = next_round(w, fi, &mut rng) else { continue };
            if call_capital(w, fund, amount) {
                w.funds[fund].cash -= amount;
                invest(w, f, Investor::Fund(fund as u32), amount, dil, st);
            }
        }
    }
    // The guidance fund's direct arm (all of it in "direct" mode).
    if w.cfg.on(Instrument::GuidanceFund) {
        let g = w.cfg.s.policy.guidance_fund.clone();
        let budget = if w.cfg.gf_direct_mode { w.gf.size } else { w.gf.size * g.direct_share };
        let capacity = rng.round_stochastic(g.direct_screening_per_month * w.cfg.scale);
        let noise = fin.dd_noise_sd * g.direct_noise_multiple;
        for _ in 0..capacity {
            let f = list[(rng.unif() * list.len() as f64) as usize % list.len()];
            let fi = f as usize;
            if w.firms.last_round[fi] == w.month {
                continue;
            }
            let signal = quality(w, fi) + noise * rng.normal();
            if signal < fin.investment_bar {
                continue;
            }
            let Some((st, amount, dil)) = next_round(w, fi, &mut rng) else { continue };
            if w.gf.direct_invested + amount > budget || amount > w.gf.cash {
                continue;
            }
            w.gf.cash -= amount;
            w.gf.direct_invested += amount;
            w.gf.invested += amount;
            w.m.gf_direct += amount;
            invest(w, f, Investor::GuidanceDirect, amount, dil, st);
        }
    }
}

/// Adds a round to firm `f`'s cap table: earlier stakes are diluted, the new investor holds
/// `dilution` of the firm; stage, valuation and the firm's funding history follow.
fn record_round(w: &mut World, f: u32, investor: Investor, amount: f64, dilution: f64, st: u8, month: i32) {
    let fi = f as usize;
    let mut h = w.firms.holdings[fi];
    while h != NONE {
        w.holdings[h as usize].stake *= 1.0 - dilution;
        h = w.holdings[h as usize].next;
    }
    let id = w.holdings.len() as u32;
    let next = w.firms.holdings[fi];
    w.holdings.push(Holding {
        firm: w.firms.id[fi],
        investor,
        stake: dilution,
        cost: amount,
        month,
        proceeds: 0.0,
        open: true,
        next,
    });
    let fm = &mut w.firms;
    fm.holdings[fi] = id;
    fm.stage[fi] = st;
    fm.flags[fi] |= fflag::VC_BACKED;
    fm.last_round_m[fi] = amount;
    fm.raised[fi] += amount;
    fm.valuation[fi] = amount / dilution;
    if let Investor::Fund(id) = investor {
        let fd = &mut w.funds[id as usize];
        fd.invested += amount;
        fd.deals += 1;
    }
}

/// Records a round: the firm gets the cash (already drawn from the investor), earlier stakes
/// are diluted, the investor's stake joins the cap table.
pub fn invest(w: &mut World, f: u32, investor: Investor, amount: f64, dilution: f64, st: u8) {
    let fi = f as usize;
    let k = w.firms.industry[fi] as usize;
    w.firms.cash[fi] += amount;
    record_round(w, f, investor, amount, dilution, st, w.month);
    w.firms.last_round[fi] = w.month;
    if let Investor::Fund(id) = investor
        && w.funds[id as usize].sponsor == Sponsor::Guidance
    {
        w.gf.invested += amount;
    }
    w.m.vc_invested += amount;
    w.m.vc_deals += 1;
    w.m.vc_by_ind[k] += amount;
    let slot = (w.month.rem_euclid(12)) as usize;
    w.ind.vc_ring[k][slot] += amount;
    let founder = w.firms.founder[fi];
    let person = Some(founder).filter(|&p| p != NONE);
    w.events.push(Kind::Funded, f, person, Some(investor.code()), k as u16, amount, stage::NAMES[st as usize]);
}

/// The start-of-run portfolio: a round of `amount` by fund `fund` into firm `f`, paid by the
/// fund's private LPs before the run (the cash is in the firm's opening balance already).
pub fn invest_initial(w: &mut World, f: u32, fund: u32, amount: f64, dilution: f64, st: u8) {
    record_round(w, f, Investor::Fund(fund), amount, dilution, st, -1);
    w.firms.last_round[f as usize] = -1 - (w.cfg.s.finance.months_between_rounds as i32);
    w.funds[fund as usize].called += amount;
}

/// Pays `amount` of proceeds from the holding `h` to its investor; funds pass it on to LPs
/// after carry (20% of profits once LPs have their capital back with the hurdle).
pub fn pay_holding(w: &mut World, h: usize, amount: f64) {
    w.holdings[h].proceeds += amount;
    match w.holdings[h].investor {
        Investor::GuidanceDirect => {
            w.gf.cash += amount;
            w.gf.direct_proceeds += amount;
        }
        Investor::Fund(id) => {
            w.funds[id as usize].cash += amount;
            distribute(w, id as usize);
        }
    }
}

/// Distributes a fund's cash: carry to the GP, the rest to LPs by paid-in capital; the guidance
/// fund cedes part of its profit to private LPs (profit concession).
fn distribute(w: &mut World, i: usize) {
    let fin = &w.cfg.s.finance;
    let concession = w.cfg.s.policy.guidance_fund.profit_concession;
    let fd = &w.funds[i];
    let cash = fd.cash;
    if cash <= 0.0 {
        return;
    }
    let years = f64::from((w.month - fd.vintage).max(0)) / 12.0;
    let hurdle = fd.called * (1.0 + fin.hurdle_per_year).powf(years);
    let after = fd.distributed + cash;
    let carry_due = if after > hurdle { fin.carry * (after - fd.called).max(0.0) } else { 0.0 };
    let carry = (carry_due - fd.carry_paid).clamp(0.0, cash);
    let to_lps = cash - carry;
    let public_share = if fd.called > 0.0 { fd.called_public / fd.called } else { 0.0 };
    let mut public = to_lps * public_share;
    let sponsor = fd.sponsor;
    if sponsor == Sponsor::Guidance {
        let before = w.funds[i].distributed_public;
        let profit = (before + public - w.funds[i].called_public.max(before)).max(0.0).min(public);
        let ceded = profit * concession;
        public -= ceded;
    }
    let fd = &mut w.funds[i];
    fd.cash = 0.0;
    fd.carry_paid += carry;
    fd.distributed += cash;
    fd.distributed_public += public;
    w.sectors.households += carry;
    w.m.distributions += to_lps;
    match sponsor {
        Sponsor::City => w.sectors.government += to_lps,
        Sponsor::Guidance => {
            w.gf.cash += public;
            w.gf.distributions_received += public;
            w.sectors.private_lps += to_lps - public;
        }
        Sponsor::Private => w.sectors.private_lps += to_lps,
    }
}

/// What a GP fund of `committed` should have invested `months` after its vintage: the
/// deployable share of its commitments, evenly over the deployment years.
pub fn deployment_due(fin: &crate::scenario::Finance, committed: f64, months: f64) -> f64 {
    fin.deploy_share * committed * (months / (fin.deployment_years * 12.0).max(1.0)).min(1.0)
}

/// GP funds invest across China, not only in the city's firms: a fund invests
/// `deploy_share` of its commitments evenly over `deployment_years`, and whatever part of that
/// pace the city's deal flow did not take it invests outside the city (Hangzhou's sub-funds must
/// put only a multiple of the city's contribution into the city). Those investments are held
/// at cost and come back at the end of the fund's life at a multiple drawn for the fund.
/// The city's own low-altitude fund invests only in the city.
fn outside_deals(w: &mut World) {
    let fin = w.cfg.s.finance.clone();
    let period = (fin.investment_period_years * 12.0) as i32;
    let life = (fin.fund_life_years * 12.0) as i32;
    for i in 0..w.funds.len() {
        if w.funds[i].sponsor == Sponsor::City {
            continue;
        }
        let age = w.month - w.funds[i].vintage;
        if age == life && w.funds[i].outside_cost > 0.0 {
            let mut r = stream(w.seed, Phase::OutsideDeals, w.month as u32, i as u64);
            let multiple = fin.outside_multiple_median * (fin.outside_multiple_log_sd * r.normal()).exp();
            let proceeds = w.funds[i].outside_cost * multiple;
            w.funds[i].outside_cost = 0.0;
            w.sectors.ventures_outside -= proceeds;
            w.funds[i].cash += proceeds;
            distribute(w, i);
            continue;
        }
        if age < 0 || age >= period {
            continue;
        }
        let fd = &w.funds[i];
        let due = deployment_due(&fin, fd.committed, f64::from(age + 1));
        let amount = (due - fd.invested - fd.outside_cost).min(fd.uncalled());
        if amount > 0.0 && call_capital(w, i, amount) {
            let fd = &mut w.funds[i];
            fd.cash -= amount;
            fd.outside_cost += amount;
            w.sectors.ventures_outside += amount;
            w.m.vc_outside += amount;
            if fd.sponsor == Sponsor::Guidance {
                w.gf.invested += amount;
            }
        }
    }
}

/// Bank loans to profitable firms with revenue and a short runway.
fn bank(w: &mut World) {
    let fin = w.cfg.s.finance.clone();
    let min_age = fin.loan_min_age_months as i32;
    // Who borrows how much: a parallel scan; loans are then booked in id order.
    let wr: &World = w;
    let loans = crate::par::select_live(&wr.firms.live, |fi, out| {
        let fm = &wr.firms;
        if fm.revenue[fi] <= 0.0
            || fm.profit[fi] <= 0.0
            || fm.age(fi, wr.month) < min_age
            || fm.last_round[fi] == wr.month
        {
            return;
        }
        let costs = (fm.revenue[fi] - fm.profit[fi]).max(0.0);
        if fm.cash[fi] >= fin.runway_trigger_months * costs {
            return;
        }
        let loan = (fin.loan_to_monthly_revenue * fm.revenue[fi]).min(fin.loan_max_m - fm.debt[fi]);
        if loan >= 0.01 {
            out.push((fi as u32, loan));
        }
    });
    for (f, loan) in loans {
        let fi = f as usize;
        let fm = &mut w.firms;
        fm.cash[fi] += loan;
        fm.debt[fi] += loan;
        fm.debt_step[fi] = fm.debt[fi] / fin.loan_term_months;
        w.sectors.bank -= loan;
        w.m.loans += loan;
        let k = fm.industry[fi];
        w.events.push(Kind::Loan, f, None, None, k, loan, "");
    }
}

/// Dry powder and the TVPI of funds in their life (for LP supply and founding capital).
fn update_returns(w: &mut World) {
    let fin = &w.cfg.s.finance;
    let period = (fin.investment_period_years * 12.0) as i32;
    let life = (fin.fund_life_years * 12.0) as i32;
    w.dry_powder = w.funds.iter().filter(|f| w.month - f.vintage < period).map(Fund::uncalled).sum();
    if w.month % 12 != 11 {
        return;
    }
    let mut nav = vec![0.0; w.funds.len()];
    for h in &w.holdings {
        // An open holding's firm is alive (a firm's holdings close when it dies), so its row is kept.
        if let (true, Investor::Fund(id), Some(f)) = (h.open, h.investor, w.firms.slot_of(h.firm)) {
            nav[id as usize] += h.stake * w.firms.valuation[f];
        }
    }
    let (mut value, mut paid) = (0.0, 0.0);
    for (i, f) in w.funds.iter().enumerate() {
        let age = w.month - f.vintage;
        if age < life && age >= 24 && f.called > 0.0 {
            value += f.distributed + nav[i] + f.outside_cost;
            paid += f.called;
        }
    }
    if paid > 0.0 {
        w.fund_tvpi = value / paid;
    }
}
