//! Unit tests of the glossary model.
