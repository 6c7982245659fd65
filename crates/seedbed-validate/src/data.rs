//! What the stylized facts need from one run directory, read from its tables
//! (`firms`, `deals`, `events`, `years`, `city`, `industries`) and reduced to a few vectors.

use std::collections::HashMap;
use std::path::Path;

use seedbed_model::{Data, Frame};
use seedbed_output::read_parquet;

/// A column of `f` as reals (integers converted); an error naming the file if missing.
pub fn reals(f: &Frame, name: &str, file: &str) -> Result<Vec<f64>, String> {
    match f.get(name) {
        Some(Data::Real(v)) => Ok(v.clone()),
        Some(Data::Int(v)) => Ok(v.iter().map(|&x| x as f64).collect()),
        Some(Data::Text(_) | Data::Labels(_)) => Err(format!("{file}: column `{name}` is text, not a number")),
        None => Err(format!("{file}: no column `{name}` (written by another version of seedbed?)")),
    }
}

/// An integer column of `f`.
pub fn ints(f: &Frame, name: &str, file: &str) -> Result<Vec<i64>, String> {
    match f.get(name) {
        Some(Data::Int(v)) => Ok(v.clone()),
        Some(Data::Real(v)) => Ok(v.iter().map(|&x| x as i64).collect()),
        _ => Err(format!("{file}: no integer column `{name}`")),
    }
}

/// A text column of `f`.
pub fn texts<'a>(f: &'a Frame, name: &str, file: &str) -> Result<&'a [String], String> {
    match f.get(name) {
        Some(Data::Text(v)) => Ok(v),
        _ => Err(format!("{file}: no text column `{name}`")),
    }
}

/// Outcome of a founder's firm for the serial-founder fact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Listed or acquired.
    Success,
    Failure,
    /// Still operating at the end, without an exit.
    Open,
}

/// One run reduced to what the facts use.
#[derive(Clone, Debug, Default)]
pub struct RunData {
    pub seed: u64,
    /// Months simulated.
    pub months: i64,
    /// Employees of every firm alive at the end.
    pub employees: Vec<f64>,
    /// (sales in the year before the last full one, log growth of sales to the last full
    /// year) of firms alive at the end, founded before the first of the two years, with
    /// positive sales in both.
    pub growth: Vec<(f64, f64)>,
    /// Firms founded during the run: (birth month, duration in years, failed) with failures
    /// from the event log and censoring at the end.
    pub entrants: Vec<(i64, f64, bool)>,
    /// Of the entrants (same order), whether they raised a VC round during the run.
    pub entrant_funded: Vec<bool>,
    /// VC deals of the run made at least three years before its end: (cost, value).
    pub deals: Vec<(f64, f64)>,
    /// The same for the deals of guidance-backed investors (the guidance fund an LP of the GP
    /// fund, or investing directly).
    pub guidance_deals: Vec<(f64, f64)>,
    /// Cost of all the run's deals in the city's firms (CNY m), by investor: purely private GP
    /// funds, GP funds with the guidance fund as an LP, the guidance fund directly.
    pub vc_cost_by_backer: [f64; 3],
    /// Founders with two firms founded during the run, in order: (outcome of the previous
    /// firm or `None` for a first-timer, outcome of this firm).
    pub serial: Vec<(Option<Outcome>, Outcome)>,
    /// Value of each firm's innovations (firms alive at the end), if the run recorded them.
    pub innovation_values: Option<Vec<f64>>,
    /// The yearly headline table.
    pub years: Frame,
}

/// Deals younger than this at the end are left out of the VC facts (still valued near cost).
pub const DEAL_MIN_AGE_MONTHS: i64 = 36;

impl RunData {
    /// Reads the run directory `dir`.
    pub fn load(dir: &Path, seed: u64) -> Result<RunData, String> {
        let read = |name: &str| -> Result<Frame, String> {
            let p = dir.join(format!("{name}.parquet"));
            read_parquet(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))
        };
        let years = read("years")?;
        let firms = read("firms")?;
        let deals = read("deals")?;
        let events = read("events")?;
        let city = read("city")?;
        let months = city.rows() as i64;
        let mut d = RunData { seed, months, years, ..RunData::default() };

        d.employees = reals(&firms, "employees", "firms")?;
        let before = reals(&firms, "revenue_year_before_m", "firms")?;
        let last = reals(&firms, "revenue_last_year_m", "firms")?;
        let birth = ints(&firms, "birth_month_index", "firms")?;
        // Only firms alive through both calendar years: the year before the last full one starts
        // 24 months before the January of the run's last calendar year.
        let cal = ints(&city, "year", "city")?;
        let last_year = cal.last().copied().unwrap_or(0);
        let january = cal.iter().position(|&y| y == last_year).unwrap_or(0) as i64;
        d.growth = (0..before.len())
            .filter(|&i| before[i] > 0.0 && last[i] > 0.0 && birth[i] <= january - 24)
            .map(|i| (before[i], (last[i] / before[i]).ln()))
            .collect();
        if firms.get("innovation_value_m").is_some() {
            d.innovation_values = Some(reals(&firms, "innovation_value_m", "firms")?);
        }

        let dm = ints(&deals, "month_index", "deals")?;
        let cost = reals(&deals, "cost_m", "deals")?;
        let value = reals(&deals, "value_m", "deals")?;
        let guidance = ints(&deals, "guidance", "deals")?;
        let investor = ints(&deals, "investor", "deals")?;
        for i in 0..dm.len() {
            if dm[i] < 0 {
                continue; // the start-of-run portfolio
            }
            let backer = if investor[i] < 0 {
                2
            } else if guidance[i] != 0 {
                1
            } else {
                0
            };
            d.vc_cost_by_backer[backer] += cost[i];
            if dm[i] <= months - DEAL_MIN_AGE_MONTHS && cost[i] > 0.0 {
                d.deals.push((cost[i], value[i]));
                if guidance[i] != 0 {
                    d.guidance_deals.push((cost[i], value[i]));
                }
            }
        }

        let kind = texts(&events, "event", "events")?;
        let month = ints(&events, "month_index", "events")?;
        let firm = ints(&events, "firm", "events")?;
        let person = ints(&events, "person", "events")?;
        let mut born: HashMap<i64, (i64, i64)> = HashMap::new(); // firm -> (month, founder)
        let mut end: HashMap<i64, (i64, Outcome)> = HashMap::new();
        let mut funded: HashMap<i64, bool> = HashMap::new();
        let mut order: Vec<i64> = Vec::new();
        let mut owner: HashMap<i64, i64> = HashMap::new(); // firm -> founder, from exits
        for i in 0..kind.len() {
            match kind[i].as_str() {
                "founded" => {
                    born.insert(firm[i], (month[i], person[i]));
                    order.push(firm[i]);
                }
                "failed" => {
                    end.entry(firm[i]).or_insert((month[i], Outcome::Failure));
                    owner.entry(firm[i]).or_insert(person[i]);
                }
                "listed" | "acquired" => {
                    end.entry(firm[i]).or_insert((month[i], Outcome::Success));
                    owner.entry(firm[i]).or_insert(person[i]);
                }
                "funded" => {
                    funded.insert(firm[i], true);
                }
                _ => {}
            }
        }
        for f in &order {
            let (b, _) = born[f];
            let (dur, failed) = match end.get(f) {
                Some((m, Outcome::Failure)) => (m - b, true),
                _ => (months - b, false),
            };
            d.entrants.push((b, dur as f64 / 12.0, failed));
            d.entrant_funded.push(funded.get(f).copied().unwrap_or(false));
        }
        // Serial founders: each founder's firms in order of founding: those founded in the run,
        // and firms from before the start that ended in it (the founder is named by the exit
        // event). The outcome of the previous firm counts only if known when the next is founded.
        let mut by_person: HashMap<i64, Vec<i64>> = HashMap::new();
        let mut earlier: Vec<(&i64, &i64)> = owner.iter().filter(|(f, p)| !born.contains_key(f) && **p >= 0).collect();
        earlier.sort();
        for (f, p) in earlier {
            by_person.entry(*p).or_default().push(*f);
        }
        for f in &order {
            let p = born[f].1;
            if p >= 0 {
                by_person.entry(p).or_default().push(*f);
            }
        }
        let outcome = |f: i64| end.get(&f).map_or(Outcome::Open, |e| e.1);
        let mut people: Vec<&i64> = by_person.keys().collect();
        people.sort();
        for p in people {
            let firms = &by_person[p];
            for (j, &f) in firms.iter().enumerate() {
                if !born.contains_key(&f) {
                    continue; // founded before the start: only a previous firm
                }
                let prev = if j == 0 {
                    None
                } else {
                    let g = firms[j - 1];
                    match end.get(&g) {
                        Some((m, o)) if *m <= born[&f].0 => Some(*o),
                        _ => Some(Outcome::Open),
                    }
                };
                d.serial.push((prev, outcome(f)));
            }
        }
        Ok(d)
    }
}
