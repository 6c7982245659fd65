//! The compute market's clearing (MODEL.md phase 5 and clarification "Compute market"): the
//! supply price rises steeply with utilisation, p(u) = p0 (1 + s u / (1 - u)); demand is the
//! firms' compute budgets (grossed up by expected vouchers) divided by the price. The market
//! clears where p(u) u C = D; beyond the highest utilisation demand is rationed pro rata.

/// Outcome of clearing: price, utilisation of the firms' capacity, and the rationing factor
/// (quantity delivered / quantity demanded at that price, 1 when not rationed).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Clearing {
    pub price: f64,
    pub utilisation: f64,
    pub ration: f64,
}

pub fn supply_price(p0: f64, steepness: f64, u: f64) -> f64 {
    p0 * (1.0 + steepness * u / (1.0 - u).max(1e-9))
}

/// Clears a market of `capacity` (EFLOPS) against `spend` (CNY m a month at any price: demand is
/// unit-elastic in money).
pub fn clear(spend: f64, capacity: f64, p0: f64, steepness: f64, u_max: f64) -> Clearing {
    if spend <= 0.0 || capacity <= 0.0 {
        return Clearing { price: p0, utilisation: 0.0, ration: if capacity <= 0.0 { 0.0 } else { 1.0 } };
    }
    let excess = |u: f64| supply_price(p0, steepness, u) * u * capacity - spend;
    if excess(u_max) < 0.0 {
        let price = supply_price(p0, steepness, u_max);
        let demanded = spend / price;
        return Clearing { price, utilisation: u_max, ration: (u_max * capacity / demanded).min(1.0) };
    }
    let (mut lo, mut hi) = (0.0, u_max);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if excess(mid) < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let u = 0.5 * (lo + hi);
    Clearing { price: supply_price(p0, steepness, u), utilisation: u, ration: 1.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clears_where_spend_buys_the_capacity_used() {
        let c = clear(500.0, 50.0, 20.0, 0.25, 0.97);
        assert!((c.price * c.utilisation * 50.0 - 500.0).abs() < 1e-6);
        assert_eq!(c.ration, 1.0);
    }

    #[test]
    fn price_rises_with_demand() {
        let a = clear(200.0, 50.0, 20.0, 0.25, 0.97);
        let b = clear(800.0, 50.0, 20.0, 0.25, 0.97);
        assert!(b.price > a.price && b.utilisation > a.utilisation);
    }

    #[test]
    fn excess_demand_is_rationed() {
        let c = clear(1e9, 10.0, 20.0, 0.25, 0.9);
        assert!(c.ration < 1.0);
        assert!((c.utilisation - 0.9).abs() < 1e-12);
        // delivered quantity equals the highest utilisation
        let delivered = 1e9 / c.price * c.ration;
        assert!((delivered - 9.0).abs() < 1e-6);
    }
}
