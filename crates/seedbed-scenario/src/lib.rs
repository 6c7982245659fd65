//! Seedbed scenarios: loading TOML scenario files against the parameter schema with precise,
//! spanned errors; semantic validation; the built-in scenarios; and documented export
//! (a commented TOML file and a Markdown parameter reference).
//!
//! ```
//! let s = seedbed_scenario::load_str("base = \"no-pilots\"\n[labour]\ngraduates_per_year = 400000\n", "x.toml").unwrap();
//! assert_eq!(s.labour.graduates_per_year, 400_000.0);
//! assert!(!s.policy.pilots.enabled);
//! ```

mod builtin;
mod error;
mod export;
mod load;
mod reference;
mod validate;

pub use builtin::{DEFAULT_NAME, builtin, builtin_names, resolve};
pub use error::{Location, Problem, ScenarioError};
pub use export::to_toml;
pub use load::{load_file, load_str};
pub use reference::parameter_reference;
pub use seedbed_model::scenario::Scenario;
pub use validate::{CLASSES, SHARE_TOLERANCE, STAGES, TIERS, validate};
