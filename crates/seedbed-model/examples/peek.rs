use seedbed_model::{Scenario, Simulation};
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let scale: f64 = args.get(1).map_or(0.01, |s| s.parse().unwrap());
    let months: u32 = args.get(2).map_or(120, |s| s.parse().unwrap());
    let mut s = Scenario::default();
    s.run.scale = scale;
    s.run.months = months;
    let t = std::time::Instant::now();
    let mut sim = Simulation::new(&s, 1).unwrap();
    eprintln!(
        "built in {:?}: {} people, {} firms",
        t.elapsed(),
        sim.world.people.population(),
        sim.world.firms.live.len()
    );
    let cols = [
        "population",
        "unemployed",
        "employed_firms",
        "firms",
        "births",
        "deaths",
        "frontier_firms",
        "unicorns",
        "high_tech",
        "tech_smes",
        "little_giants",
        "leading",
        "listed",
        "vc_invested_m",
        "vc_deals",
        "gdp_m",
        "rd_intensity",
        "compute_utilisation",
        "compute_price_m",
        "policy_spend_m",
        "gf_approved_m",
        "gf_invested_m",
        "money_residual_m",
        "mean_wage_m",
        "vacancies",
        "hires",
    ];
    while !sim.done() {
        let o = sim.step();
        let m = sim.months_done();
        if m % 12 == 0 || m == 1 {
            let line: Vec<String> = cols.iter().map(|c| format!("{}={:.4}", c, o.city.value(c, 0).unwrap())).collect();
            println!("m{m}: {}", line.join(" "));
        }
    }
    eprintln!("total {:?}", t.elapsed());
}
