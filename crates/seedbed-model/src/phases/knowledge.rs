//! Phase 2, knowledge (MODEL.md): each field's public pool grows with university research and a
//! share of firms' R&D (spillover), and decays (Hall, Jaffe, Trajtenberg 2005).

use crate::world::World;

/// Phase 2: K <- K (1 - delta/12) + research + spillover x last month's R&D.
pub fn knowledge(w: &mut World) {
    let k = &w.cfg.s.knowledge;
    let decay = k.decay_per_year / 12.0;
    for i in 0..w.cfg.n_ind {
        w.ind.knowledge[i] = w.ind.knowledge[i] * (1.0 - decay)
            + w.cfg.ind.research_m_per_month[i]
            + k.spillover_share * w.ind.rd_total[i];
    }
}
