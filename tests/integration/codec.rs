//! Integration tests: codec.
