//! Integration tests: decompression bombs and hostile headers.
