//! Integration tests: sniff.
