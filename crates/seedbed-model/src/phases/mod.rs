//! The monthly phases, in MODEL.md's order. Each is a plain function over the world.
pub mod calendar;
pub mod compute;
pub mod entrepreneurship;
pub mod exit;
pub mod finance;
pub mod government;
pub mod knowledge;
pub mod labour;
pub mod market;
pub mod observe;
pub mod pilots;
pub mod rd;
pub mod tiers;
