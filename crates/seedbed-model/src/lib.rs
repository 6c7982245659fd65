//! Seedbed's simulation core: the agents of MODEL.md in contiguous columns, the twelve monthly
//! phases as plain functions over them, the policy instruments and the accounting identities.
//! No I/O: runs hand `Frame`s to whoever writes them.
pub mod checkpoint;
pub mod compact;
pub mod config;
pub mod events;
pub mod frame;
pub mod par;
pub mod phases;
pub mod rng;
pub mod scenario;
pub mod schema;
pub mod sim;
pub mod state;
pub mod world;

pub use frame::{ColType, Column, Data, Frame, Labels};
pub use phases::observe::Observation;
pub use scenario::Scenario;
pub use sim::Simulation;
