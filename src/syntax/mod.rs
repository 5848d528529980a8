//! Surface syntax: the AST, the pest parser, the lossless lexer and the formatter.

pub mod ast;
pub mod format;
pub mod lexer;
mod normalize;
pub mod parser;
pub mod words;

pub use normalize::same_ignoring_spans;
pub use parser::parse_file;
