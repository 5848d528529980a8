//! Lints of SPEC §9 over the IR: warn only where the claim is proven.
