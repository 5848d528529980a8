//! Reports over evaluated leads: SLAs (and later funnel, diff, doc).

pub mod sla;
