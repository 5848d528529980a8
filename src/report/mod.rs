//! Reports over evaluated leads: SLAs, the impact of a rule change (diff).

pub mod diff;
pub mod sla;
