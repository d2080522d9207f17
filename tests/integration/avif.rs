//! AVIF input: round trips through pixform's own AVIF encoder, the odd corpus's AVIF files
//! against Pillow 13 (libavif) block means, orientation from irot/imir, alpha, a grid
//! assembled from tiles, and hostile containers refused with typed errors.

use image::GenericImageView;
use pixform::format::OutputFormat;
use pixform::{Category, Config, Engine, Error, Limit, Request};

use super::odd::odd_dir;

fn run(bytes: &[u8], t: &str) -> pixform::Result<pixform::Output> {
    Engine::default().transform_str(bytes, t, &Request::default())
}

fn rgba(out: &pixform::Output) -> image::RgbaImage {
    image::load_from_memory(&out.bytes).unwrap().to_rgba8()
}

fn corpus(name: &str) -> Vec<u8> {
    std::fs::read(odd_dir().join("avif").join(name)).unwrap()
}

/// A smooth RGB(A) test picture as PNG bytes.
fn png(w: u32, h: u32, alpha: bool) -> (Vec<u8>, image::RgbaImage) {
    let img = image::RgbaImage::from_fn(w, h, |x, y| {
        let a = if alpha {
            if x < w / 2 {
                255
            } else {
                0
            }
        } else {
            255
        };
        image::Rgba([
            (x * 255 / (w - 1)) as u8,
            (y * 255 / (h - 1)) as u8,
            ((x + y) * 127 / (w + h)) as u8 + 64,
            a,
        ])
    });
    let mut bytes = Vec::new();
    if alpha {
        image::DynamicImage::ImageRgba8(img.clone())
    } else {
        image::DynamicImage::ImageRgb8(image::DynamicImage::ImageRgba8(img.clone()).to_rgb8())
    }
    .write_to(
        &mut std::io::Cursor::new(&mut bytes),
        image::ImageFormat::Png,
    )
    .unwrap();
    (bytes, img)
}

fn to_avif(png: &[u8]) -> Vec<u8> {
    let mut config = Config::default();
    config.avif_speed = 10;
    let out = Engine::new(config)
        .transform_str(png, "tr:f-avif,q-95", &Request::default())
        .unwrap();
    assert_eq!(out.format, OutputFormat::Avif);
    out.bytes
}

fn psnr_rgb(a: &image::RgbaImage, b: &image::RgbaImage) -> f64 {
    let strip = |i: &image::RgbaImage| -> Vec<u8> {
        i.pixels().flat_map(|p| [p.0[0], p.0[1], p.0[2]]).collect()
    };
    super::psnr(&strip(a), &strip(b))
}

#[test]
fn an_avif_round_trips_through_pixform() {
    let (src, img) = png(96, 64, false);
    let avif = to_avif(&src);
    let out = run(&avif, "tr:f-png").unwrap();
    assert_eq!((out.width, out.height), (96, 64));
    assert_eq!(out.report.input_mime, "image/avif");
    let back = rgba(&out);
    let db = psnr_rgb(&img, &back);
    assert!(db > 38.0, "round trip at q95: {db:.1} dB");
    // Resized on the way: exact output size.
    let out = run(&avif, "tr:w-48").unwrap();
    assert_eq!((out.width, out.height), (48, 32));
    let out = run(&avif, "tr:w-48,f-orig").unwrap();
    assert_eq!(out.format, OutputFormat::Avif, "f-orig keeps AVIF");
}

#[test]
fn avif_alpha_survives_and_stays_sharp() {
    let (src, _) = png(64, 32, true);
    let avif = to_avif(&src);
    let out = run(&avif, "tr:f-png").unwrap();
    let back = rgba(&out);
    assert_eq!(back.get_pixel(5, 5).0[3], 255);
    assert_eq!(back.get_pixel(60, 5).0[3], 0);
    assert!(back.get_pixel(20, 20).0[0] > 60, "colour kept where opaque");
}

/// Pillow 13.0 (libavif) decoded each file, applied its EXIF orientation (which Pillow
/// derives from irot/imir) and took 4×4 block means of RGBA: (name, width, height, means
/// row by row). Produced by `ImageOps.exif_transpose(Image.open(f)).convert("RGBA")`.
const PILLOW: &[(&str, u32, u32, [[u8; 4]; 16])] = &[
    (
        "pillow--avif--exif.avif",
        512,
        512,
        [
            [133, 129, 130, 255],
            [145, 140, 142, 255],
            [145, 141, 143, 255],
            [132, 128, 130, 255],
            [145, 141, 143, 255],
            [158, 154, 156, 255],
            [157, 154, 155, 255],
            [146, 142, 143, 255],
            [146, 141, 143, 255],
            [157, 154, 155, 255],
            [157, 153, 155, 255],
            [146, 142, 144, 255],
            [133, 129, 131, 255],
            [145, 141, 143, 255],
            [146, 141, 143, 255],
            [133, 128, 130, 255],
        ],
    ),
    (
        "pillow--avif--hopper-missing-pixi.avif",
        128,
        128,
        [
            [51, 49, 85, 255],
            [90, 76, 75, 255],
            [88, 96, 122, 255],
            [72, 112, 183, 255],
            [53, 47, 74, 255],
            [184, 119, 89, 255],
            [169, 123, 116, 255],
            [101, 138, 198, 255],
            [73, 38, 45, 255],
            [142, 92, 67, 255],
            [118, 96, 99, 255],
            [93, 121, 170, 255],
            [52, 44, 44, 255],
            [57, 54, 59, 255],
            [50, 39, 48, 255],
            [42, 37, 53, 255],
        ],
    ),
    (
        "pillow--avif--icc_profile_none.avif",
        57,
        57,
        [
            [233, 220, 207, 255],
            [188, 171, 159, 255],
            [183, 166, 154, 255],
            [233, 220, 207, 255],
            [246, 240, 231, 255],
            [98, 74, 68, 255],
            [88, 63, 57, 255],
            [246, 240, 231, 255],
            [237, 215, 205, 255],
            [189, 161, 152, 255],
            [163, 147, 138, 255],
            [229, 219, 208, 255],
            [223, 197, 179, 255],
            [220, 183, 167, 255],
            [208, 190, 172, 255],
            [216, 198, 180, 255],
        ],
    ),
    (
        "pillow--avif--rot0mir0.avif",
        640,
        427,
        [
            [188, 210, 218, 255],
            [171, 195, 201, 255],
            [168, 194, 201, 255],
            [164, 191, 200, 255],
            [113, 126, 59, 255],
            [120, 128, 76, 255],
            [148, 147, 74, 255],
            [147, 145, 69, 255],
            [86, 92, 50, 255],
            [116, 113, 63, 255],
            [143, 138, 72, 255],
            [140, 142, 52, 255],
            [53, 61, 43, 255],
            [102, 103, 58, 255],
            [114, 104, 71, 255],
            [121, 115, 57, 255],
        ],
    ),
    (
        "pillow--avif--rot1mir0.avif",
        640,
        427,
        [
            [187, 211, 218, 255],
            [171, 194, 202, 255],
            [168, 193, 202, 255],
            [164, 191, 201, 255],
            [112, 126, 59, 255],
            [120, 129, 77, 255],
            [148, 146, 75, 255],
            [147, 145, 69, 255],
            [86, 93, 49, 255],
            [116, 113, 63, 255],
            [141, 137, 67, 255],
            [140, 142, 51, 255],
            [54, 60, 44, 255],
            [102, 103, 58, 255],
            [114, 105, 70, 255],
            [121, 115, 55, 255],
        ],
    ),
    (
        "pillow--avif--rot1mir1.avif",
        640,
        427,
        [
            [188, 211, 218, 255],
            [170, 194, 201, 255],
            [168, 194, 201, 255],
            [164, 191, 201, 255],
            [112, 126, 59, 255],
            [120, 129, 78, 255],
            [147, 145, 70, 255],
            [147, 144, 69, 255],
            [86, 92, 51, 255],
            [116, 113, 63, 255],
            [141, 137, 68, 255],
            [140, 141, 52, 255],
            [54, 61, 44, 255],
            [103, 102, 57, 255],
            [115, 105, 71, 255],
            [120, 116, 56, 255],
        ],
    ),
    (
        "pillow--avif--rot2mir0.avif",
        640,
        427,
        [
            [187, 211, 218, 255],
            [170, 194, 202, 255],
            [168, 193, 202, 255],
            [163, 191, 202, 255],
            [112, 126, 59, 255],
            [119, 129, 78, 255],
            [149, 147, 74, 255],
            [148, 144, 69, 255],
            [87, 93, 50, 255],
            [116, 113, 63, 255],
            [142, 138, 70, 255],
            [141, 141, 50, 255],
            [53, 61, 43, 255],
            [102, 103, 58, 255],
            [116, 104, 70, 255],
            [119, 117, 54, 255],
        ],
    ),
    (
        "pillow--avif--transparency.avif",
        64,
        64,
        [
            [254, 113, 1, 255],
            [187, 242, 1, 255],
            [34, 255, 31, 246],
            [3, 244, 182, 250],
            [181, 244, 1, 255],
            [18, 255, 41, 64],
            [1, 255, 71, 63],
            [8, 122, 235, 231],
            [28, 255, 37, 247],
            [1, 246, 90, 48],
            [4, 214, 92, 48],
            [98, 30, 234, 229],
            [2, 238, 196, 252],
            [10, 103, 254, 255],
            [106, 5, 254, 255],
            [238, 0, 196, 255],
        ],
    ),
];

pub(super) fn block_means(img: &image::RgbaImage) -> Vec<[u8; 4]> {
    let (w, h) = img.dimensions();
    let mut out = Vec::new();
    for by in 0..4 {
        for bx in 0..4 {
            let (x0, y0) = (bx * w / 4, by * h / 4);
            let view = img.view(x0, y0, (bx + 1) * w / 4 - x0, (by + 1) * h / 4 - y0);
            let n = f64::from(view.width() * view.height());
            let mut sum = [0f64; 4];
            for (_, _, p) in view.pixels() {
                for (s, v) in sum.iter_mut().zip(p.0) {
                    *s += f64::from(v);
                }
            }
            out.push(sum.map(|s| (s / n).round() as u8));
        }
    }
    out
}

#[test]
fn corpus_avifs_match_libavif_and_stand_upright() {
    for (name, w, h, means) in PILLOW {
        let out = run(&corpus(name), "tr:f-png").unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((out.width, out.height), (*w, *h), "{name}");
        let got = block_means(&rgba(&out));
        for (i, (g, want)) in got.iter().zip(means.iter()).enumerate() {
            for c in 0..4 {
                let d = (i32::from(g[c]) - i32::from(want[c])).abs();
                assert!(
                    d <= 3,
                    "{name} block {i} channel {c}: {g:?} vs Pillow {want:?}"
                );
            }
        }
    }
}

#[test]
fn irot_and_imir_turn_the_same_picture_upright() {
    // The three rotated/mirrored files hold the same photograph stored differently.
    let base = rgba(&run(&corpus("pillow--avif--rot0mir0.avif"), "tr:f-png").unwrap());
    let flipped = image::imageops::flip_vertical(&base);
    let mirrored = image::imageops::flip_horizontal(&base);
    for name in [
        "pillow--avif--rot1mir0.avif",
        "pillow--avif--rot1mir1.avif",
        "pillow--avif--rot2mir0.avif",
    ] {
        let img = rgba(&run(&corpus(name), "tr:f-png").unwrap());
        assert_eq!(img.dimensions(), base.dimensions(), "{name}");
        // Each file is its own lossy encode (16 KB for 640x427), so they are alike, not
        // equal; the wrong turn is far further off.
        let db = psnr_rgb(&img, &base);
        let wrong = psnr_rgb(&img, &flipped).max(psnr_rgb(&img, &mirrored));
        assert!(
            db > 22.0 && db > wrong + 8.0,
            "{name}: {db:.1} dB from rot0mir0, {wrong:.1} dB from its mirror images"
        );
    }
    // The header reports the stored orientation; `rt-` and crops follow the upright one.
    let out = run(
        &corpus("pillow--avif--rot1mir0.avif"),
        "tr:w-320,h-100,c-force",
    )
    .unwrap();
    assert_eq!((out.width, out.height), (320, 100));
}

#[test]
fn a_large_phone_avif_decodes_with_its_orientation() {
    let bytes = corpus("libvips--avif-orientation-6.avif");
    let out = run(&bytes, "tr:w-300").unwrap();
    assert_eq!(out.width, 300);
    assert_eq!(out.height, 400, "3024x4032 upright");
}

#[test]
fn a_thumbnail_averages_the_planes_on_load_and_matches_a_full_decode() {
    // 4032x3024 stored, orientation 6: w-300 needs 400x300 stored, which 1/8 (504x378)
    // still covers.
    let bytes = corpus("libvips--avif-orientation-6.avif");
    let thumb = run(&bytes, "tr:w-300,f-png").unwrap();
    assert_eq!(thumb.report.shrink_on_load, 8);
    assert_eq!((thumb.width, thumb.height), (300, 400));
    let full = run(&bytes, "tr:f-png").unwrap();
    assert_eq!(full.report.shrink_on_load, 1);
    let reference = run(&full.bytes, "tr:w-300,f-png").unwrap();
    assert_eq!((reference.width, reference.height), (300, 400));
    let db = psnr_rgb(&rgba(&thumb), &rgba(&reference));
    assert!(
        db > 36.0,
        "shrunk on load vs resized from full size: {db:.1} dB"
    );
    // A crop in the first step is planned on the full size and scaled with the frame.
    let cropped = run(&bytes, "tr:w-200,h-200,c-maintain_ratio,fo-top").unwrap();
    assert_eq!((cropped.width, cropped.height), (200, 200));
    assert!(cropped.report.shrink_on_load > 1);
}

#[test]
fn an_image_sequence_gives_its_still_or_a_clear_error() {
    match run(&corpus("pillow--avif--star.avifs"), "tr:f-png") {
        Ok(out) => assert_eq!((out.width, out.height), (159, 159)),
        Err(e) => {
            assert_eq!(e.category(), Category::Undecodable, "{e}");
            assert!(e.to_string().contains("sequence"), "{e}");
        }
    }
}

#[test]
fn hostile_containers_are_refused_with_typed_errors() {
    let (src, _) = png(32, 32, false);
    let good = to_avif(&src);
    // Truncated at every 7th byte: never a panic, always a typed error or a picture.
    for cut in (0..good.len()).step_by(7) {
        if let Err(e) = run(&good[..cut], "tr:f-png") {
            assert!(
                matches!(
                    e.category(),
                    Category::Undecodable | Category::UnsupportedMedia | Category::LimitExceeded
                ),
                "cut at {cut}: {e}"
            );
        }
    }
    // ispe claiming a huge picture is refused before decoding.
    let mut big = good.clone();
    let at = big
        .windows(4)
        .position(|w| w == b"ispe")
        .expect("an ispe box");
    big[at + 8..at + 12].copy_from_slice(&60_000u32.to_be_bytes());
    big[at + 12..at + 16].copy_from_slice(&60_000u32.to_be_bytes());
    match run(&big, "tr:w-100") {
        Err(Error::LimitExceeded { limit, .. }) => assert_eq!(limit, Limit::InputPixels),
        other => panic!("expected the pixel limit, got {other:?}"),
    }
    // Flipped bits through the coded data: typed errors only.
    for i in (good.len() / 2..good.len()).step_by(11) {
        let mut bad = good.clone();
        bad[i] ^= 0x5A;
        if let Err(e) = run(&bad, "tr:f-png") {
            assert!(
                matches!(
                    e.category(),
                    Category::Undecodable | Category::LimitExceeded
                ),
                "flip at {i}: {e}"
            );
        }
    }
}
