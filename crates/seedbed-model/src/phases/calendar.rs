//! Phase 1, calendar (MODEL.md): demand and the global frontier grow; wages follow the city's
//! wage index; compute capacity and drone infrastructure are built; in January the new annual
//! budget is set, firms' annual accounts roll over and the guidance fund opens an approval round.

use crate::config::Instrument;
use crate::phases::government;
use crate::world::{Month, World};

/// Phase 1.
pub fn calendar(w: &mut World) {
    let n_ind = w.cfg.n_ind;
    let keep = std::mem::take(&mut w.m);
    w.m = Month {
        births_by_ind: reset(keep.births_by_ind, n_ind),
        deaths_by_ind: reset(keep.deaths_by_ind, n_ind),
        vc_by_ind: keep.vc_by_ind.into_iter().map(|_| 0.0).collect(),
        ..Month::default()
    };
    if w.m.vc_by_ind.len() != n_ind {
        w.m.vc_by_ind = vec![0.0; n_ind];
    }
    w.events.clear();
    for c in &mut w.claims {
        c.items.clear();
    }
    // Housekeeping, not a mechanism: dead firms' rows leave the columns once they pile up.
    crate::compact::compact_if_due(w);
    let (year, month) = w.calendar(w.month);
    if w.month > 0 {
        for k in 0..n_ind {
            w.ind.demand[k] *= 1.0 + w.cfg.ind.demand_growth_per_month[k];
            w.ind.frontier[k] += w.cfg.ind.frontier_growth_per_month[k];
        }
        w.wage_index *= (1.0 + w.cfg.s.labour.wage_growth_per_year).powf(1.0 / 12.0);
    }
    if month == 1 || w.month == 0 {
        government::open_year(w, year);
        if w.month > 0 {
            roll_accounts(w);
        }
        w.gf.approved_this_year = 0.0;
    }
    infrastructure(w, year, month);
    w.openness = if w.cfg.on(Instrument::PlatformOpenness) {
        w.cfg.s.policy.platform_openness.openness.max(w.cfg.s.platforms.baseline_openness)
    } else {
        w.cfg.s.platforms.baseline_openness
    };
}

fn reset(mut v: Vec<u64>, n: usize) -> Vec<u64> {
    v.clear();
    v.resize(n, 0);
    v
}

/// Firms' calendar-year accounts: this year becomes last year (tiers use last year's accounts).
fn roll_accounts(w: &mut World) {
    let f = &mut w.firms;
    for &id in &f.live {
        let i = id as usize;
        f.rev_year_before[i] = f.rev_last_year[i];
        f.rev_last_year[i] = f.rev_ytd[i];
        f.rd_last_year[i] = f.rd_ytd[i];
        f.rev_ytd[i] = 0.0;
        f.rd_ytd[i] = 0.0;
        f.voucher_ytd[i] = 0.0;
        f.grant_ytd[i] = 0.0;
        f.support_ytd[i] = 0.0;
    }
}

/// Compute capacity (baseline market growth plus public investment toward the year-end targets)
/// and drone sites and routes; low-altitude demand scales with (sites/sites0)^e1 (routes/routes0)^e2.
fn infrastructure(w: &mut World, year: i32, month: i32) {
    let c = &w.cfg.s.compute;
    let growth = (1.0 + c.baseline_growth_per_year).powf(1.0 / 12.0);
    let prev = w.compute.capacity;
    if w.month > 0 {
        w.compute.baseline *= growth;
    }
    let mut capacity = w.compute.baseline.max(prev * if w.month > 0 { growth } else { 1.0 });
    let y = (year - w.cfg.s.run.start_year as i32) as usize;
    if w.cfg.on(Instrument::ComputeCapacity) {
        let cc = w.cfg.s.policy.compute_capacity.clone();
        if let Some(&target) = cc.target_eflops_by_year_end.get(y) {
            let target = target * w.cfg.scale;
            let months_left = f64::from(13 - month);
            let wanted = prev + (target - prev).max(0.0) / months_left;
            if wanted > capacity {
                let cost = (wanted - capacity) * cc.subsidy_m_per_eflops;
                let paid = government::pay_now(w, Instrument::ComputeCapacity, cost, false);
                w.sectors.compute_providers += paid;
                if cc.subsidy_m_per_eflops > 0.0 {
                    capacity += paid / cc.subsidy_m_per_eflops;
                } else {
                    capacity = wanted;
                }
            }
        }
    }
    w.compute.capacity = capacity;
    if w.cfg.on(Instrument::DroneInfrastructure) {
        let d = w.cfg.s.policy.drone_infrastructure.clone();
        let sites = d.sites_added_by_year.get(y).copied().unwrap_or(0.0) / 12.0;
        let routes = d.routes_added_by_year.get(y).copied().unwrap_or(0.0) / 12.0;
        let cost = (sites * d.cost_m_per_site + routes * d.cost_m_per_route) * w.cfg.scale;
        if cost > 0.0 {
            let paid = government::pay_now(w, Instrument::DroneInfrastructure, cost, true);
            w.sectors.outside += paid;
            let built = paid / cost;
            w.sites += sites * built;
            w.routes += routes * built;
        }
    }
    if let Some(la) = w.cfg.low_altitude {
        let l = &w.cfg.s.low_altitude;
        let base = w.cfg.ind.demand_m_per_month[la] * (1.0 + w.cfg.ind.demand_growth_per_month[la]).powi(w.month);
        w.ind.demand[la] = base
            * (w.sites / l.sites_start).powf(l.site_elasticity)
            * (w.routes / l.routes_start).powf(l.route_elasticity);
    }
}
