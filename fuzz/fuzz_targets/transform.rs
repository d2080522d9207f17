//! The whole pipeline on any bytes. Input: the first byte is the length of a
//! transformation string, the next that many bytes are the string (lossy UTF-8), the rest
//! is the image. The engine has small limits (4 MP in and out, 1 MB input); every run must
//! end in `Ok` within them or a typed error, and no panic may leave `Engine::transform`.
#![no_main]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pixform::engine::{Config, Engine, Request};
use pixform::Category;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        // libfuzzer-sys aborts on every panic, even one pixform catches inside a
        // decoder and turns into a typed error (the contract). Keep quiet about caught
        // panics; an escaping one is turned into an abort below. Set
        // PIXFORM_FUZZ_ALL_PANICS=1 to keep libfuzzer's hook and see the caught ones too.
        if std::env::var_os("PIXFORM_FUZZ_ALL_PANICS").is_none() {
            std::panic::set_hook(Box::new(|_| {}));
        }
        let mut config = Config::default();
        config.limits.max_input_pixels = 4_000_000;
        config.limits.max_output_pixels = 4_000_000;
        config.limits.max_input_bytes = 1 << 20;
        config.threads = 1;
        Engine::new(config)
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&n, rest)) = data.split_first() else {
        return;
    };
    let n = usize::from(n).min(rest.len());
    let (text, image) = rest.split_at(n);
    let text = String::from_utf8_lossy(text);
    let engine = engine();
    let r = catch_unwind(AssertUnwindSafe(|| {
        engine.transform_str(image, &text, &Request::default())
    }));
    match r {
        Err(_) => {
            eprintln!("panic escaped Engine::transform for `{text}`");
            std::process::abort();
        }
        Ok(Ok(out)) => {
            let l = &engine.config().limits;
            assert!(u64::from(out.width) * u64::from(out.height) <= l.max_output_pixels);
            assert!(out.width.max(out.height) <= l.max_dimension);
            assert!(!out.bytes.is_empty());
        }
        Ok(Err(e)) => assert_ne!(e.category(), Category::BadArgument, "{e}"),
    }
});
