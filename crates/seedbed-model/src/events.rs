//! The event log: one row per founding, failure, funding round, pilot, certification, listing,
//! acquisition and breakthrough. Buffers are reused month to month.

use crate::frame::{Frame, Labels};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    Founded = 0,
    Failed,
    Funded,
    PilotAwarded,
    Certified,
    Listed,
    Acquired,
    Breakthrough,
    Loan,
}

impl Kind {
    pub const NAMES: [&'static str; 9] =
        ["founded", "failed", "funded", "pilot_awarded", "certified", "listed", "acquired", "breakthrough", "loan"];
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// Events of the current month, as columns.
#[derive(Clone, Debug, Default)]
pub struct Events {
    pub kind: Vec<Kind>,
    pub firm: Vec<u32>,
    pub person: Vec<i64>,
    pub investor: Vec<i64>,
    pub industry: Vec<u16>,
    pub amount: Vec<f64>,
    pub detail: Vec<&'static str>,
}

impl Events {
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        kind: Kind,
        firm: u32,
        person: Option<u32>,
        investor: Option<i64>,
        industry: u16,
        amount: f64,
        detail: &'static str,
    ) {
        self.kind.push(kind);
        self.firm.push(firm);
        self.person.push(person.map_or(-1, i64::from));
        self.investor.push(investor.unwrap_or(-2));
        self.industry.push(industry);
        self.amount.push(amount);
        self.detail.push(detail);
    }
    pub fn len(&self) -> usize {
        self.kind.len()
    }
    pub fn is_empty(&self) -> bool {
        self.kind.is_empty()
    }
    pub fn clear(&mut self) {
        self.kind.clear();
        self.firm.clear();
        self.person.clear();
        self.investor.clear();
        self.industry.clear();
        self.amount.clear();
        self.detail.clear();
    }
    pub fn count(&self, k: Kind) -> usize {
        self.kind.iter().filter(|&&x| x == k).count()
    }

    /// This month's events as a table; `firm_ids` gives each firm slot's id (the events name
    /// firms by slot while the month runs).
    pub fn frame(&self, month: i64, year: i64, cal_month: i64, industry_ids: &[String], firm_ids: &[u32]) -> Frame {
        let n = self.len();
        let mut f = Frame::new();
        f.int("month_index", "month", "Months since the start (0 = first simulated month)", vec![month; n])
            .int("year", "year", "Calendar year", vec![year; n])
            .int("month", "month", "Calendar month 1-12", vec![cal_month; n])
            .labels(
                "event",
                "",
                "founded, failed, funded, pilot_awarded, certified, listed, acquired, breakthrough, loan",
                Labels {
                    names: Kind::NAMES.iter().map(|&n| n.to_string()).collect(),
                    codes: self.kind.iter().map(|&k| k as u32).collect(),
                },
            )
            .int("firm", "id", "Firm id", self.firm.iter().map(|&x| i64::from(firm_ids[x as usize])).collect())
            .int("person", "id", "Person id (founder), -1 if none", self.person.clone())
            .int("investor", "id", "GP fund id; -1 the guidance fund directly; -2 none", self.investor.clone())
            .labels(
                "industry",
                "",
                "Industry id of the firm",
                Labels { names: industry_ids.to_vec(), codes: self.industry.iter().map(|&k| u32::from(k)).collect() },
            )
            .real(
                "amount_m",
                "CNY m",
                "Money involved: round size, loan, award, contract, exit value; 0 if none",
                self.amount.clone(),
            )
            .labels(
                "detail",
                "",
                "Stage of a round, tier certified, how a breakthrough happened, why a firm failed",
                Labels::from_values(&self.detail),
            );
        f
    }
}
