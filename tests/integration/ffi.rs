//! Integration tests: ffi.
