//! Firm-slot compaction: a data-layout step, not a mechanism of the model.
//!
//! A firm that dies keeps its slot until the next compaction, so that this month's events and
//! claims can still name it. Over ten years about two firms in five die; left in place, their
//! rows would stay in every firm column for the rest of the run, between the live ones. At the
//! start of a month, once dead slots are more than [`DEAD_SHARE`] of all slots, the live rows
//! move down in id order and every reference to a slot (a person's employer, the live list) is
//! renamed. What this saves is mostly memory (a fifth of the peak at full scale); the monthly
//! passes over the live firms gain little (BENCHMARKS.md, change 36).
//!
//! Results do not change: a firm's id (its name in the outputs, its key in the random streams,
//! its place in every ordered pass) stays; only the slot where its row sits changes. Holdings
//! name their firm by id. The decision depends only on the state, so a resumed or forked run
//! compacts in the same months as an uninterrupted one.

use crate::state::{Firms, NONE, OUTSIDE};
use crate::world::World;

/// Compact when dead slots exceed this share of all firm slots. A compaction moves every live
/// row and renames every person's employer once (about 80 ms at full scale); at this share the
/// default city compacts about six times in ten years, and the columns hold at most one dead
/// row in eight.
pub const DEAD_SHARE: f64 = 0.125;

/// Compacts the firm slots when the dead ones exceed [`DEAD_SHARE`]; returns whether it did.
/// Called at the start of a month, when no event or claim of the month names a slot yet.
pub fn compact_if_due(w: &mut World) -> bool {
    let slots = w.firms.len();
    let dead = slots - w.firms.live.len();
    if (dead as f64) <= DEAD_SHARE * slots as f64 {
        return false;
    }
    compact(w);
    true
}

/// Moves the live firms' rows to slots `0..live`, in id order, and renames every slot
/// reference: people's employers (employees and founders) and the live list.
pub fn compact(w: &mut World) {
    let slots = w.firms.len();
    let live = std::mem::take(&mut w.firms.live);
    let mut new_slot = vec![NONE; slots];
    for (j, &f) in live.iter().enumerate() {
        new_slot[f as usize] = j as u32;
    }
    // People name their employer (or their own firm) by slot.
    {
        use rayon::prelude::*;
        w.people.hot.par_iter_mut().for_each(|p| {
            if p.employer != NONE && p.employer != OUTSIDE {
                p.employer = new_slot[p.employer as usize];
            }
        });
    }
    move_rows(&mut w.firms, &live);
    w.firms.live = (0..live.len() as u32).collect();
}

/// Moves every named column of `$f` with [`keep`], each column its own task. The pattern names
/// every field of `Firms`, so a column added to `Firms` and not listed here is a compile error.
macro_rules! move_columns {
    ($f:expr, $live:expr; $($c:ident),* $(,)?) => {{
        let Firms { next_id: _, live: _, $($c),* } = $f;
        rayon::scope(|s| {
            $( s.spawn(|_| keep($c, $live)); )*
        });
    }};
}

/// Keeps the rows of `live` (ascending slots), moved down to slots `0..live.len()`.
fn move_rows(f: &mut Firms, live: &[u32]) {
    move_columns!(f, live;
        id, alive, industry, stage, tiers, flags, birth, founder, founder_skill, employees,
        skill_sum, wage_sum, head, ln_a, productivity, how, cash, debt, debt_step, share, revenue,
        revenue_prev, rd, compute_bill, compute_used, compute_budget, profit, desired, valuation,
        last_round, last_round_m, raised, pilot_until, contract_until, high_tech_until, rev_ytd,
        rd_ytd, rev_last_year, rd_last_year, rev_year_before, voucher_ytd, grant_ytd, support_ytd,
        holdings, platform_u, rd_mult, frontier_month, innovation_value,
    );
}

/// `col[j] = col[live[j]]` for each j, then the column is cut to `live.len()` rows. In place:
/// `live` ascends, so `live[j] >= j` and a row is read before it is overwritten.
fn keep<T: Copy>(col: &mut Vec<T>, live: &[u32]) {
    for (j, &f) in live.iter().enumerate() {
        col[j] = col[f as usize];
    }
    col.truncate(live.len());
}

#[cfg(test)]
mod tests {
    use super::keep;

    #[test]
    fn keep_moves_the_listed_rows_down_in_order() {
        let mut col = vec![10, 11, 12, 13, 14, 15];
        keep(&mut col, &[1, 2, 4]);
        assert_eq!(col, vec![11, 12, 14]);
        let mut col = vec![1.0, 2.0];
        keep(&mut col, &[]);
        assert!(col.is_empty());
        let mut col = vec![5u8, 6, 7];
        keep(&mut col, &[0, 1, 2]);
        assert_eq!(col, vec![5, 6, 7]);
    }
}
