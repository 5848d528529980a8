//! Reports over a rule set and evaluated leads: SLAs, the impact of a rule change (diff), the
//! glossary (doc), and the meeting's report (funnel).

pub mod diff;
pub mod doc;
pub mod funnel;
pub mod sla;
