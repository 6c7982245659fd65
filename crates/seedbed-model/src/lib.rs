//! Seedbed's simulation core.
pub mod frame;
pub mod scenario;
pub mod schema;
