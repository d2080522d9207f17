//! The wave-2 decoders straight, without sniffing in front: the first byte picks AVIF,
//! HEIC, JPEG XL or SVG, the rest is handed to that decoder's header reader and, when it
//! accepts, to its decoder, under small limits. Every run must end in a picture within the
//! limits or a typed error (HEIC without the `heic` feature is a refusal; build with
//! `cargo fuzz run decoders --features heic` to reach libde265).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pixform::codec::decode::{decode, read_header, DecodeLimits, DecodeOptions, InputFormat};
use pixform::Category;

const FORMATS: [InputFormat; 4] = [
    InputFormat::Avif,
    InputFormat::Heic,
    InputFormat::Jxl,
    InputFormat::Svg,
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let format = FORMATS[usize::from(pick) % FORMATS.len()];
    let limits = DecodeLimits {
        max_pixels: 4_000_000,
        max_dimension: 8192,
        ..DecodeLimits::default()
    };
    let check = |e: &pixform::Error| assert_ne!(e.category(), Category::BadArgument, "{e}");
    match read_header(bytes, format, &limits) {
        Err(e) => check(&e),
        Ok(_) => match decode(bytes, format, &DecodeOptions::default(), &limits) {
            Err(e) => check(&e),
            Ok(d) => {
                let (w, h) = (d.frame.width(), d.frame.height());
                assert!(u64::from(w) * u64::from(h) <= limits.max_pixels);
            }
        },
    }
});
