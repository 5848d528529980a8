//! Reports over a rule set and evaluated leads: SLAs, the impact of a rule change (diff), the
//! glossary (doc).

pub mod diff;
pub mod doc;
pub mod sla;
