//! `ffi`: the C ABI over `engine`, `spec` and `sniff`. Converts and delegates only.
