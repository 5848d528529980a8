//! Surface syntax: the AST, the pest parser and (later) the lossless lexer and formatter.

pub mod ast;
pub mod parser;
pub mod words;

pub use parser::parse_file;
