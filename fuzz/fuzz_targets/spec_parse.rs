//! Parses any string (strict and lenient); whatever parses must print to a string that parses
//! back to the same value and prints identically.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pixform::spec::{parse, ParseOptions};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    for opts in [ParseOptions::default(), ParseOptions::lenient()] {
        if let Ok(t) = parse(s, &opts) {
            let printed = t.to_string();
            let again = match parse(&printed, &opts) {
                Ok(a) => a,
                Err(e) => panic!("canonical form `{printed}` of `{s}` does not parse: {e}"),
            };
            assert_eq!(again, t, "round trip of `{s}` via `{printed}`");
            assert_eq!(again.to_string(), printed);
        }
    }
});
