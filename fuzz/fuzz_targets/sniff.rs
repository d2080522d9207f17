//! Sniffs any bytes: never panics, and what it says is self-consistent.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(m) = pixform::sniff::sniff(data) {
        assert!(!m.mime.is_empty());
        // Sniffing depends on the bytes alone: the same answer twice.
        assert_eq!(pixform::sniff::sniff(data), Some(m));
    }
    // Any declared name/MIME against any bytes.
    let _ = pixform::sniff::check_declared("image/png", data);
    let _ = pixform::sniff::check_declared("photo.jpg", data);
});
