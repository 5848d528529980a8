//! Evaluators: the reference interpreter (and later the cranelift JIT) and explanations.
