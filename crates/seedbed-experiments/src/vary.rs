//! Varied parameters: `--vary PATH=LO..HI` parsed and checked against a scenario's schema.

use seedbed_model::Scenario;
use seedbed_model::schema::{Kind, Value, fmt_num, get_path, leaves, nearest, set_path};

/// A numeric parameter varied over `lo..=hi`.
#[derive(Clone, Debug, PartialEq)]
pub struct Lever {
    /// Dotted parameter path, e.g. `labour.graduates_per_year`.
    pub path: String,
    pub lo: f64,
    pub hi: f64,
    /// An integer parameter: values are rounded to the nearest integer.
    pub integer: bool,
    /// The parameter's unit.
    pub unit: &'static str,
}

impl Lever {
    /// The parameter value at unit coordinate `u` in [0, 1].
    pub fn value(&self, u: f64) -> f64 {
        let x = self.lo + u * (self.hi - self.lo);
        if self.integer { x.round() } else { x }
    }

    /// Sets the parameter in `s` (the value must be within the checked range).
    pub fn set(&self, s: &mut Scenario, x: f64) -> Result<(), String> {
        let v = if self.integer { Value::Int(x as i64) } else { Value::Real(x) };
        set_path(s, &self.path, v)
    }
}

/// Splits `PATH=LO..HI` into its parts.
pub fn parse_vary(spec: &str) -> Result<(String, f64, f64), String> {
    let example = "expected PATH=LO..HI, e.g. --vary labour.graduates_per_year=300000..400000";
    let (path, range) = spec.split_once('=').ok_or_else(|| format!("`{spec}`: no `=`; {example}"))?;
    let path = path.trim();
    if path.is_empty() {
        return Err(format!("`{spec}`: no parameter path before `=`; {example}"));
    }
    let (lo, hi) = range.split_once("..").ok_or_else(|| format!("`{spec}`: no `..` in the range; {example}"))?;
    let number = |s: &str, which: &str| -> Result<f64, String> {
        let t = s.trim();
        match t.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(x),
            _ => Err(format!("`{spec}`: {which} bound `{t}` is not a number; {example}")),
        }
    };
    Ok((path.to_string(), number(lo, "lower")?, number(hi, "upper")?))
}

/// Every numeric (real or integer) parameter path of `s`.
pub fn numeric_paths(s: &Scenario) -> Vec<String> {
    let mut all = Vec::new();
    leaves(s, "", &mut all);
    all.into_iter().filter(|l| matches!(l.field.kind, Kind::Real { .. } | Kind::Int { .. })).map(|l| l.path).collect()
}

/// Checks `--vary` specifications against `base`: known numeric paths, numbers within the
/// parameter's allowed range, LO ≤ HI (LO < HI if `need_span`), integers for integer
/// parameters, each path at most once. The error is one precise message.
pub fn levers(base: &Scenario, specs: &[String], need_span: bool) -> Result<Vec<Lever>, String> {
    let mut out: Vec<Lever> = Vec::new();
    for spec in specs {
        let (path, lo, hi) = parse_vary(spec)?;
        let Some((field, value)) = get_path(base, &path) else {
            let paths = numeric_paths(base);
            let close = nearest(&path, paths.iter().map(String::as_str), 5);
            let list = close.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ");
            return Err(format!(
                "unknown parameter path `{path}` in --vary {spec}; the closest valid paths: {list} \
                 (`seedbed show SCENARIO` lists every parameter)"
            ));
        };
        let integer = match field.kind {
            Kind::Real { .. } => false,
            Kind::Int { .. } => true,
            other => {
                return Err(format!(
                    "`{path}` is {} (now {value}), not a number: only numeric parameters can be varied",
                    other.type_name()
                ));
            }
        };
        for (x, which) in [(lo, "lower"), (hi, "upper")] {
            if integer && x.fract() != 0.0 {
                return Err(format!(
                    "--vary {spec}: `{path}` is an integer parameter; the {which} bound must be whole"
                ));
            }
            let v = if integer { Value::Int(x as i64) } else { Value::Real(x) };
            field
                .kind
                .check(&v)
                .map_err(|e| format!("--vary {spec}: the {which} bound of `{path}`: {e} ({})", field.unit))?;
        }
        if lo > hi {
            return Err(format!(
                "--vary {spec}: the lower bound {} is above the upper bound {}",
                fmt_num(lo),
                fmt_num(hi)
            ));
        }
        if need_span && lo == hi {
            return Err(format!("--vary {spec}: the range is a single value; sensitivity needs LO < HI"));
        }
        if out.iter().any(|l| l.path == path) {
            return Err(format!("`{path}` is varied twice; give each parameter one --vary"));
        }
        out.push(Lever { path, lo, hi, integer, unit: field.unit });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specs(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_ranges() {
        assert_eq!(parse_vary("a.b=1..2.5").unwrap(), ("a.b".to_string(), 1.0, 2.5));
        assert_eq!(parse_vary(" a = -1e3 .. 4 ").unwrap(), ("a".to_string(), -1000.0, 4.0));
        assert!(parse_vary("a.b").unwrap_err().contains("no `=`"));
        assert!(parse_vary("a.b=1-2").unwrap_err().contains("no `..`"));
        assert!(parse_vary("a.b=x..2").unwrap_err().contains("lower bound `x` is not a number"));
        assert!(parse_vary("=1..2").unwrap_err().contains("no parameter path"));
        assert!(parse_vary("a=1..inf").unwrap_err().contains("upper bound"));
    }

    #[test]
    fn checks_paths_kinds_and_ranges() {
        let s = Scenario::default();
        let l = levers(&s, &specs(&["labour.graduates_per_year=300000..400000"]), true).unwrap();
        assert_eq!(l[0].lo, 300000.0);
        assert!(!l[0].integer);
        let e = levers(&s, &specs(&["labour.graduates_per_yer=1..2"]), false).unwrap_err();
        assert!(e.contains("unknown parameter path `labour.graduates_per_yer`"), "{e}");
        assert!(e.contains("`labour.graduates_per_year`"), "{e}");
        let e = levers(&s, &specs(&["run.name=1..2"]), false).unwrap_err();
        assert!(e.contains("not a number"), "{e}");
        let e = levers(&s, &specs(&["run.months=0..12"]), false).unwrap_err();
        assert!(e.contains("out of range") && e.contains("1 to 1200"), "{e}");
        let e = levers(&s, &specs(&["run.months=1.5..12"]), false).unwrap_err();
        assert!(e.contains("integer"), "{e}");
        let m = levers(&s, &specs(&["run.months=6..12"]), false).unwrap();
        assert!(m[0].integer);
        assert_eq!(m[0].value(0.4), 8.0);
        let e = levers(&s, &specs(&["run.months=12..6"]), false).unwrap_err();
        assert!(e.contains("above the upper bound"), "{e}");
        let e = levers(&s, &specs(&["run.months=6..6"]), true).unwrap_err();
        assert!(e.contains("single value"), "{e}");
        let e = levers(&s, &specs(&["run.months=6..7", "run.months=8..9"]), false).unwrap_err();
        assert!(e.contains("twice"), "{e}");
    }

    #[test]
    fn sets_values() {
        let mut s = Scenario::default();
        let l = &levers(&s, &specs(&["run.months=6..12"]), false).unwrap()[0];
        l.set(&mut s, l.value(1.0)).unwrap();
        assert_eq!(s.run.months, 12);
    }
}
