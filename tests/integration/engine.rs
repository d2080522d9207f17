//! Integration tests: the request path through `Engine` (issue 4 "Must show").
//!
//! Inputs are built here (PNG through `image`, JPEG through `mozjpeg`) except where a corpus
//! photo is required; outputs are decoded back and checked for sizes, pixels, containers
//! and error categories.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::psnr;
use image::ImageEncoder;
use pixform::codec::metadata::exif_orientation;
use pixform::engine::{Config, Engine, Output, OutputFormat, Request};
use pixform::spec::{NamedTransforms, SpecErrorKind};
use pixform::{Category, Error, Limit};

const PHOTOS: &str = "../shared/corpus/photos";

// ---------------------------------------------------------------- inputs

const RED: [u8; 3] = [255, 0, 0];
const GREEN: [u8; 3] = [0, 255, 0];
const BLUE: [u8; 3] = [0, 0, 255];
const WHITE: [u8; 3] = [255, 255, 255];
/// Quadrant colours: top-left, top-right, bottom-left, bottom-right.
const QUAD: [[u8; 3]; 4] = [RED, GREEN, BLUE, WHITE];

/// An RGB picture as rows of pixels.
#[derive(Clone)]
struct Rgb {
    w: u32,
    h: u32,
    px: Vec<[u8; 3]>,
}

impl Rgb {
    fn from_fn(w: u32, h: u32, f: impl Fn(u32, u32) -> [u8; 3]) -> Rgb {
        let mut px = Vec::with_capacity((w * h) as usize);
        for y in 0..h {
            for x in 0..w {
                px.push(f(x, y));
            }
        }
        Rgb { w, h, px }
    }
    fn at(&self, x: u32, y: u32) -> [u8; 3] {
        self.px[(y * self.w + x) as usize]
    }
    fn bytes(&self) -> Vec<u8> {
        self.px.iter().flatten().copied().collect()
    }
}

/// Red / green / blue / white quadrants.
fn quad(w: u32, h: u32) -> Rgb {
    Rgb::from_fn(w, h, |x, y| {
        QUAD[usize::from(x >= w / 2) + 2 * usize::from(y >= h / 2)]
    })
}

/// A picture whose pixel says where it is: R = x/4, G = y/4 (exact for windows).
fn coords(w: u32, h: u32) -> Rgb {
    Rgb::from_fn(w, h, |x, y| [(x / 4) as u8, (y / 4) as u8, 128])
}

fn png_of(w: u32, h: u32, data: &[u8], color: image::ExtendedColorType) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new_with_quality(
        &mut out,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::Sub,
    )
    .write_image(data, w, h, color)
    .unwrap();
    out
}

fn png(p: &Rgb) -> Vec<u8> {
    png_of(p.w, p.h, &p.bytes(), image::ExtendedColorType::Rgb8)
}

fn png_rgba(w: u32, h: u32, f: impl Fn(u32, u32) -> [u8; 4]) -> Vec<u8> {
    let mut data = Vec::with_capacity((w * h * 4) as usize);
    for y in 0..h {
        for x in 0..w {
            data.extend_from_slice(&f(x, y));
        }
    }
    png_of(w, h, &data, image::ExtendedColorType::Rgba8)
}

/// JPEG options for [`jpeg`].
#[derive(Default)]
struct Jpg {
    progressive: bool,
    /// APP1 payload (`Exif\0\0` + TIFF), if any.
    exif: Option<Vec<u8>>,
    /// ICC profile (written as APP2 `ICC_PROFILE` chunks), if any.
    icc: Option<Vec<u8>>,
}

/// Encodes with mozjpeg, 4:4:4, quality 95 (the approach of `codec.rs`).
fn jpeg(p: &Rgb, o: Jpg) -> Vec<u8> {
    let data = p.bytes();
    std::panic::catch_unwind(|| {
        let mut c = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_RGB);
        c.set_fastest_defaults();
        c.set_size(p.w as usize, p.h as usize);
        c.set_quality(95.0);
        if o.progressive {
            c.set_progressive_mode();
        }
        c.set_chroma_sampling_pixel_sizes((1, 1), (1, 1));
        let mut s = c.start_compress(Vec::new()).unwrap();
        if let Some(e) = &o.exif {
            s.write_marker(mozjpeg::Marker::APP(1), e);
        }
        if let Some(icc) = &o.icc {
            // One APP2 chunk, numbered 1 of 1 (mozjpeg's `write_icc_profile` numbers
            // chunks from 0, which readers rightly refuse).
            let mut app2 = b"ICC_PROFILE\0\x01\x01".to_vec();
            app2.extend_from_slice(icc);
            s.write_marker(mozjpeg::Marker::APP(2), &app2);
        }
        s.write_scanlines(&data).unwrap();
        s.finish().unwrap()
    })
    .unwrap()
}

/// `Exif\0\0` + a big-endian TIFF whose IFD0 holds Orientation = `orientation` and,
/// with `gps`, a GPS IFD pointer (0x8825) to a GPS IFD with GPSVersionID 2.3.0.0.
fn exif_app1(orientation: u16, gps: bool) -> Vec<u8> {
    let mut t = b"Exif\0\0MM\0*".to_vec();
    t.extend_from_slice(&8u32.to_be_bytes());
    let entries: u16 = if gps { 2 } else { 1 };
    t.extend_from_slice(&entries.to_be_bytes());
    // Orientation, SHORT, count 1, value left-justified.
    t.extend_from_slice(&0x0112u16.to_be_bytes());
    t.extend_from_slice(&3u16.to_be_bytes());
    t.extend_from_slice(&1u32.to_be_bytes());
    t.extend_from_slice(&orientation.to_be_bytes());
    t.extend_from_slice(&[0, 0]);
    if gps {
        // IFD0 is 2 + 2·12 + 4 = 30 bytes from offset 8: the GPS IFD starts at 38.
        t.extend_from_slice(&0x8825u16.to_be_bytes());
        t.extend_from_slice(&4u16.to_be_bytes()); // LONG
        t.extend_from_slice(&1u32.to_be_bytes());
        t.extend_from_slice(&38u32.to_be_bytes());
    }
    t.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    if gps {
        t.extend_from_slice(&1u16.to_be_bytes());
        t.extend_from_slice(&0x0000u16.to_be_bytes()); // GPSVersionID
        t.extend_from_slice(&1u16.to_be_bytes()); // BYTE
        t.extend_from_slice(&4u32.to_be_bytes());
        t.extend_from_slice(&[2, 3, 0, 0]);
        t.extend_from_slice(&0u32.to_be_bytes());
    }
    t
}

/// A stand-in ICC profile (containers do not parse it).
fn icc_profile() -> Vec<u8> {
    let mut icc: Vec<u8> = (0..600u32).map(|i| (i * 31 % 251) as u8).collect();
    icc[0..4].copy_from_slice(&600u32.to_be_bytes());
    icc[36..40].copy_from_slice(b"acsp");
    icc
}

// ---------------------------------------------------------------- running and reading

fn engine() -> Engine {
    Engine::default()
}

fn run_with(e: &Engine, input: &[u8], t: &str, req: &Request) -> Result<Output, Error> {
    let t = e.parse(t)?;
    e.transform(input, &t, req)
}

fn run(input: &[u8], t: &str) -> Output {
    run_with(&engine(), input, t, &Request::default()).unwrap_or_else(|err| panic!("`{t}`: {err}"))
}

fn fail(input: &[u8], t: &str) -> Error {
    match run_with(&engine(), input, t, &Request::default()) {
        Ok(o) => panic!("`{t}` should fail, gave {}x{}", o.width, o.height),
        Err(e) => e,
    }
}

/// Decoded output as RGBA (JPEG through mozjpeg, the rest through `image`).
fn pixels(out: &Output) -> image::RgbaImage {
    let img = if out.format == OutputFormat::Jpeg {
        let d = mozjpeg::Decompress::new_mem(&out.bytes).unwrap();
        let mut s = d.rgb().unwrap();
        let (w, h) = (s.width() as u32, s.height() as u32);
        let px: Vec<[u8; 3]> = s.read_scanlines().unwrap();
        s.finish().unwrap();
        let rgb: Vec<u8> = px.into_iter().flatten().collect();
        image::DynamicImage::ImageRgb8(image::RgbImage::from_raw(w, h, rgb).unwrap()).to_rgba8()
    } else {
        image::load_from_memory(&out.bytes).unwrap().to_rgba8()
    };
    assert_eq!(
        (img.width(), img.height()),
        (out.width, out.height),
        "decoded size = reported size"
    );
    img
}

fn rgb_at(img: &image::RgbaImage, x: u32, y: u32) -> [u8; 3] {
    let p = img.get_pixel(x, y).0;
    [p[0], p[1], p[2]]
}

fn near(a: [u8; 3], b: [u8; 3], tol: u8) -> bool {
    a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= tol)
}

fn assert_near(img: &image::RgbaImage, x: u32, y: u32, want: [u8; 3], tol: u8, what: &str) {
    let got = rgb_at(img, x, y);
    assert!(
        near(got, want, tol),
        "{what}: pixel ({x},{y}) is {got:?}, want {want:?}"
    );
}

/// Checks the centre of each quadrant of `img` against `want` (TL, TR, BL, BR).
fn assert_quads(img: &image::RgbaImage, want: [[u8; 3]; 4], tol: u8, what: &str) {
    let (w, h) = (img.width(), img.height());
    let centres = [
        (w / 4, h / 4),
        (3 * w / 4, h / 4),
        (w / 4, 3 * h / 4),
        (3 * w / 4, 3 * h / 4),
    ];
    for (q, (x, y)) in centres.into_iter().enumerate() {
        assert_near(img, x, y, want[q], tol, &format!("{what}, quadrant {q}"));
    }
}

/// JPEG segments from SOI up to and including SOS: (marker, payload).
fn jpeg_segments(b: &[u8]) -> Vec<(u8, Vec<u8>)> {
    assert_eq!(&b[..2], &[0xFF, 0xD8], "SOI");
    let mut pos = 2;
    let mut out = Vec::new();
    loop {
        assert_eq!(b[pos], 0xFF, "marker at {pos}");
        let marker = b[pos + 1];
        let len = usize::from(u16::from_be_bytes([b[pos + 2], b[pos + 3]]));
        out.push((marker, b[pos + 4..pos + 2 + len].to_vec()));
        pos += 2 + len;
        if marker == 0xDA {
            return out;
        }
    }
}

/// APP1 `Exif` payloads (the TIFF part) of a JPEG.
fn jpeg_exif(b: &[u8]) -> Vec<Vec<u8>> {
    jpeg_segments(b)
        .into_iter()
        .filter(|(m, p)| *m == 0xE1 && p.starts_with(b"Exif\0\0"))
        .map(|(_, p)| p[6..].to_vec())
        .collect()
}

/// Whether the JPEG holds exactly [`icc_profile`] as ICC chunk 1 of 1.
fn jpeg_has_icc(b: &[u8]) -> bool {
    let chunks: Vec<Vec<u8>> = jpeg_segments(b)
        .into_iter()
        .filter(|(m, p)| *m == 0xE2 && p.starts_with(b"ICC_PROFILE\0"))
        .map(|(_, p)| p[12..].to_vec())
        .collect();
    match chunks.as_slice() {
        [] => false,
        [one] => {
            assert_eq!(one[..2], [1, 1], "chunk numbering");
            assert_eq!(one[2..], icc_profile()[..], "profile bytes");
            true
        }
        more => panic!("{} ICC chunks for a 600-byte profile", more.len()),
    }
}

fn jpeg_sof(b: &[u8]) -> u8 {
    jpeg_segments(b)
        .into_iter()
        .map(|(m, _)| m)
        .find(|m| matches!(m, 0xC0..=0xC3))
        .expect("SOF")
}

/// PNG chunk types and data.
fn png_chunks(b: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    assert_eq!(&b[..8], b"\x89PNG\r\n\x1a\n");
    let mut pos = 8;
    let mut out = Vec::new();
    while pos < b.len() {
        let len = u32::from_be_bytes(b[pos..pos + 4].try_into().unwrap()) as usize;
        let kind: [u8; 4] = b[pos + 4..pos + 8].try_into().unwrap();
        out.push((kind, b[pos + 8..pos + 8 + len].to_vec()));
        pos += 12 + len;
    }
    out
}

/// WebP RIFF chunks.
fn webp_chunks(b: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    assert_eq!(&b[..4], b"RIFF");
    assert_eq!(&b[8..12], b"WEBP");
    let mut pos = 12;
    let mut out = Vec::new();
    while pos + 8 <= b.len() {
        let kind: [u8; 4] = b[pos..pos + 4].try_into().unwrap();
        let len = u32::from_le_bytes(b[pos + 4..pos + 8].try_into().unwrap()) as usize;
        out.push((kind, b[pos + 8..pos + 8 + len].to_vec()));
        pos += 8 + len + (len & 1);
    }
    out
}

fn rgb_bytes(img: &image::RgbaImage) -> Vec<u8> {
    img.pixels()
        .flat_map(|p| [p.0[0], p.0[1], p.0[2]])
        .collect()
}

// ---------------------------------------------------------------- sizes (§2.8)

#[test]
fn reference_table_1000x600_every_row() {
    let input = png(&coords(1000, 600));
    // (transformation, output size, top-left pixel's source (x, y) for pure windows)
    type Row<'a> = (&'a str, (u32, u32), Option<(u32, u32)>);
    let rows: &[Row] = &[
        ("w-300,h-300", (300, 300), None),
        ("w-300,h-300,c-force", (300, 300), None),
        ("w-300,h-300,c-at_max", (300, 180), None),
        ("w-300,h-300,c-at_max_enlarge", (300, 180), None),
        ("w-300,h-300,c-at_least", (500, 300), None),
        ("w-300,h-300,cm-pad_resize", (300, 300), None),
        ("w-300,h-300,cm-pad_resize,fo-top", (300, 300), None),
        ("w-300,h-300,cm-pad_resize,bg-FFFFFF50", (300, 300), None),
        ("w-300,h-300,cm-extract", (300, 300), Some((350, 150))),
        (
            "w-300,h-300,cm-extract,fo-bottom_right",
            (300, 300),
            Some((700, 300)),
        ),
        (
            "w-300,h-300,cm-extract,x-100,y-50",
            (300, 300),
            Some((100, 50)),
        ),
        ("w-300,h-300,cm-pad_extract", (300, 300), Some((350, 150))),
        ("w-1200,h-800,cm-pad_extract", (1200, 800), None),
        ("w-2000,h-1200,c-at_max", (1000, 600), Some((0, 0))),
        ("w-2000,h-1200,c-at_max_enlarge", (2000, 1200), None),
        ("w-2000,h-1200", (2000, 1200), None),
        ("w-300", (300, 180), None),
        ("h-0.5", (500, 300), None),
        ("w-400,ar-1-1", (400, 400), None),
        ("w-300,dpr-2", (600, 360), None),
    ];
    for &(t, size, window) in rows {
        let t = format!("{t},f-png");
        let out = run(&input, &t);
        assert_eq!((out.width, out.height), size, "`{t}`");
        assert_eq!(out.format, OutputFormat::Png);
        let img = pixels(&out);
        if let Some((x, y)) = window {
            assert_eq!(
                rgb_at(&img, 0, 0),
                [(x / 4) as u8, (y / 4) as u8, 128],
                "`{t}`: window origin"
            );
            assert_eq!(
                rgb_at(&img, size.0 - 1, size.1 - 1),
                [
                    ((x + size.0 - 1) / 4) as u8,
                    ((y + size.1 - 1) / 4) as u8,
                    128
                ],
                "`{t}`: window end"
            );
        }
    }
    // pad_extract 1200×800: original centred, 100 px of black padding each side.
    let out = run(&input, "w-1200,h-800,cm-pad_extract,f-png");
    let img = pixels(&out);
    assert_eq!(rgb_at(&img, 99, 99), [0, 0, 0]);
    assert_eq!(rgb_at(&img, 100, 100), [0, 0, 128]);
    assert_eq!(rgb_at(&img, 1099, 699), [249, 149, 128]);
    assert_eq!(rgb_at(&img, 1100, 700), [0, 0, 0]);

    // The window that would leave the picture is an invalid transformation.
    let err = fail(&input, "w-300,h-300,cm-extract,xc-100,yc-100");
    assert_eq!(err.category(), Category::InvalidTransform, "{err}");
    assert!(matches!(err, Error::Geometry(_)), "{err:?}");
}

#[test]
fn documented_640x865_numbers() {
    let input = png(&quad(640, 865));
    for (t, size) in [
        ("h-200", (148, 200)),
        ("h-1000", (740, 1000)),
        ("w-300", (300, 405)),
    ] {
        let out = run(&input, &format!("{t},f-png"));
        assert_eq!((out.width, out.height), size, "`{t}`");
        pixels(&out);
    }
}

// ---------------------------------------------------------------- pixel facts

#[test]
fn pad_resize_pads_with_bg_or_black() {
    let input = png(&quad(200, 100));
    for (t, pad) in [
        ("w-100,h-100,cm-pad_resize,bg-00FF00,f-png", GREEN),
        ("w-100,h-100,cm-pad_resize,f-png", [0, 0, 0]),
    ] {
        let out = run(&input, t);
        let img = pixels(&out);
        assert_eq!((out.width, out.height), (100, 100));
        for (x, y) in [(0, 0), (99, 0), (0, 99), (99, 99), (50, 10), (50, 89)] {
            assert_eq!(rgb_at(&img, x, y), pad, "`{t}` pad at ({x},{y})");
        }
        // The picture (100×50) sits at y 25..75 with its quadrants intact.
        assert_near(&img, 20, 35, RED, 2, t);
        assert_near(&img, 80, 35, GREEN, 2, t);
        assert_near(&img, 20, 65, BLUE, 2, t);
        assert_near(&img, 80, 65, WHITE, 2, t);
    }
}

#[test]
fn extract_keeps_the_chosen_quadrant() {
    let input = png(&quad(200, 100));
    for (t, colour) in [
        ("w-50,h-50,cm-extract,fo-top_left", RED),
        ("w-50,h-50,cm-extract,fo-bottom_right", WHITE),
        ("w-50,h-50,cm-extract,x-150,y-0", GREEN),
        ("w-50,h-50,cm-extract,x-0,y-50", BLUE),
    ] {
        let out = run(&input, &format!("{t},f-png"));
        assert_eq!((out.width, out.height), (50, 50));
        let img = pixels(&out);
        for y in 0..50 {
            for x in 0..50 {
                assert_eq!(rgb_at(&img, x, y), colour, "`{t}` at ({x},{y})");
            }
        }
    }
}

#[test]
fn maintain_ratio_focus_left_keeps_the_left_half() {
    let out = run(&png(&quad(200, 100)), "w-200,h-600,fo-left,f-png");
    assert_eq!((out.width, out.height), (200, 600));
    let img = pixels(&out);
    // Scaled ×6 to 1200×600, the left 200 columns kept: red over blue, no green or white.
    for x in [0, 100, 199] {
        assert_near(&img, x, 10, RED, 2, "top");
        assert_near(&img, x, 150, RED, 2, "top");
        assert_near(&img, x, 450, BLUE, 2, "bottom");
        assert_near(&img, x, 590, BLUE, 2, "bottom");
    }
    // Centre crop instead keeps the middle: red left of green.
    let img = pixels(&run(&png(&quad(200, 100)), "w-200,h-600,f-png"));
    assert_near(&img, 10, 10, RED, 2, "centre crop left");
    assert_near(&img, 190, 10, GREEN, 2, "centre crop right");
}

#[test]
fn rotate_and_flip_move_the_quadrants() {
    let input = png(&quad(200, 100));
    let out = run(&input, "rt-90,f-png");
    assert_eq!((out.width, out.height), (100, 200));
    // 90° clockwise: TL→TR, TR→BR, BR→BL, BL→TL.
    assert_quads(&pixels(&out), [BLUE, RED, WHITE, GREEN], 0, "rt-90");
    let out = run(&input, "rt-270,f-png");
    assert_quads(&pixels(&out), [GREEN, WHITE, RED, BLUE], 0, "rt-270");
    let out = run(&input, "rt-180,f-png");
    assert_eq!((out.width, out.height), (200, 100));
    assert_quads(&pixels(&out), [WHITE, BLUE, GREEN, RED], 0, "rt-180");
    let out = run(&input, "fl-h,f-png");
    assert_eq!((out.width, out.height), (200, 100));
    assert_quads(&pixels(&out), [GREEN, RED, WHITE, BLUE], 0, "fl-h");
    let out = run(&input, "fl-v,f-png");
    assert_quads(&pixels(&out), [BLUE, WHITE, RED, GREEN], 0, "fl-v");
    let out = run(&input, "fl-h_v,f-png");
    assert_quads(&pixels(&out), [WHITE, BLUE, GREEN, RED], 0, "fl-h_v");
}

// ---------------------------------------------------------------- EXIF orientation

/// The stored picture that orientation `n` turns into `upright`: for each display pixel
/// (dx, dy), the stored pixel the viewer takes it from.
fn stored_for(upright: &Rgb, n: u16) -> Rgb {
    let (uw, uh) = (upright.w, upright.h);
    let (sw, sh) = if n >= 5 { (uh, uw) } else { (uw, uh) };
    let mut s = Rgb {
        w: sw,
        h: sh,
        px: vec![[0; 3]; (sw * sh) as usize],
    };
    for dy in 0..uh {
        for dx in 0..uw {
            let (sx, sy) = match n {
                1 => (dx, dy),
                2 => (sw - 1 - dx, dy),
                3 => (sw - 1 - dx, sh - 1 - dy),
                4 => (dx, sh - 1 - dy),
                5 => (dy, dx),
                6 => (dy, sh - 1 - dx),
                7 => (sw - 1 - dy, sh - 1 - dx),
                8 => (sw - 1 - dy, dx),
                _ => unreachable!(),
            };
            s.px[(sy * sw + sx) as usize] = upright.at(dx, dy);
        }
    }
    s
}

#[test]
fn every_exif_orientation_comes_out_upright() {
    let upright = quad(64, 48);
    for n in 1..=8u16 {
        let stored = stored_for(&upright, n);
        let j = jpeg(
            &stored,
            Jpg {
                exif: Some(exif_app1(n, false)),
                ..Jpg::default()
            },
        );
        for t in ["f-png", "w-32,f-png"] {
            let out = run(&j, t);
            let want = if t == "f-png" { (64, 48) } else { (32, 24) };
            assert_eq!((out.width, out.height), want, "orientation {n}, `{t}`");
            assert_eq!(out.report.orientation, n as u8, "orientation {n}");
            assert_eq!(out.report.input_size, (stored.w, stored.h));
            assert_quads(&pixels(&out), QUAD, 12, &format!("orientation {n}, `{t}`"));
        }
    }
}

#[test]
fn corpus_orientation_6_photo_is_upright() {
    let bytes = std::fs::read(format!("{PHOTOS}/wood-exif-orient6-2560x1920.jpg")).unwrap();
    let out = run(&bytes, "w-300");
    assert_eq!((out.width, out.height), (300, 400));
    assert_eq!(out.report.orientation, 6);
    assert_eq!(out.report.input_size, (2560, 1920));
    assert_eq!(out.format, OutputFormat::Jpeg);
    pixels(&out);
}

// ---------------------------------------------------------------- alpha

#[test]
fn downscaled_transparent_edge_has_no_dark_fringe() {
    let input = png_rgba(100, 40, |x, _| {
        if x < 50 {
            [255, 0, 0, 255]
        } else {
            [0, 0, 0, 0]
        }
    });
    for t in [
        "w-50,f-png",
        "w-37,f-png",
        "w-50,h-50,cm-pad_resize,bg-00000000,f-png",
    ] {
        let out = run(&input, t);
        let img = pixels(&out);
        let mut seen_partial = false;
        for p in img.pixels() {
            let [r, g, b, a] = p.0;
            if a > 0 {
                assert!(
                    r >= 250 && g <= 5 && b <= 5,
                    "`{t}`: fringe pixel {:?}",
                    p.0
                );
                seen_partial |= a < 255;
            }
        }
        if t == "w-37,f-png" {
            assert!(seen_partial, "a 37/100 scale blends the edge");
        }
    }
}

// ---------------------------------------------------------------- metadata

fn metadata_jpeg() -> Vec<u8> {
    jpeg(
        &quad(48, 32),
        Jpg {
            exif: Some(exif_app1(6, true)),
            icc: Some(icc_profile()),
            ..Jpg::default()
        },
    )
}

/// Whether a TIFF block still holds the GPS IFD pointer in IFD0.
fn has_gps_pointer(tiff: &[u8]) -> bool {
    tiff.windows(2).any(|w| w == [0x88, 0x25]) || tiff.windows(2).any(|w| w == [0x25, 0x88])
}

#[test]
fn jpeg_output_metadata_policy() {
    let input = metadata_jpeg();
    // Default: stripped (privacy default: no GPS leaves).
    let out = run(&input, "w-24");
    assert_eq!(out.format, OutputFormat::Jpeg);
    assert_eq!((out.width, out.height), (24, 36), "oriented 6");
    assert!(jpeg_exif(&out.bytes).is_empty(), "default keeps no EXIF");
    assert!(!jpeg_has_icc(&out.bytes), "default keeps no ICC");
    assert_eq!(out.report.metadata, "none");

    // md-true: everything, orientation reset to 1 (the pixels are upright).
    let out = run(&input, "w-24,md-true");
    let exif = jpeg_exif(&out.bytes);
    assert_eq!(exif.len(), 1, "one APP1 Exif");
    assert_eq!(exif_orientation(&exif[0]), Some(1));
    assert!(has_gps_pointer(&exif[0]), "md-true keeps all EXIF");
    assert!(jpeg_has_icc(&out.bytes));
    assert_eq!(out.report.metadata, "all");
    assert_eq!((out.width, out.height), (24, 36));

    // cp-true: only the colour profile.
    let out = run(&input, "w-24,cp-true");
    assert!(jpeg_exif(&out.bytes).is_empty(), "cp-true drops EXIF");
    assert!(jpeg_has_icc(&out.bytes), "cp-true keeps ICC");
    assert_eq!(out.report.metadata, "icc");
}

#[test]
fn png_output_metadata_policy() {
    let input = metadata_jpeg();
    let kinds = |out: &Output| -> Vec<[u8; 4]> {
        png_chunks(&out.bytes).into_iter().map(|(k, _)| k).collect()
    };
    let out = run(&input, "f-png");
    assert!(!kinds(&out).contains(b"eXIf"));
    assert!(!kinds(&out).contains(b"iCCP"));

    let out = run(&input, "f-png,md-true");
    let chunks = png_chunks(&out.bytes);
    let exif = &chunks.iter().find(|(k, _)| k == b"eXIf").expect("eXIf").1;
    assert_eq!(exif_orientation(exif), Some(1));
    assert!(has_gps_pointer(exif));
    assert!(kinds(&out).contains(b"iCCP"));

    let out = run(&input, "f-png,cp-true");
    assert!(!kinds(&out).contains(b"eXIf"));
    assert!(kinds(&out).contains(b"iCCP"));
}

#[test]
fn webp_output_metadata_policy() {
    let input = metadata_jpeg();
    // VP8X flags: ICC 0x20, EXIF 0x08.
    let flags = |out: &Output| -> (u8, Vec<[u8; 4]>) {
        let chunks = webp_chunks(&out.bytes);
        let f = chunks
            .iter()
            .find(|(k, _)| k == b"VP8X")
            .map_or(0, |(_, d)| d[0]);
        (f, chunks.into_iter().map(|(k, _)| k).collect())
    };
    let out = run(&input, "f-webp");
    let (f, kinds) = flags(&out);
    assert_eq!(f & 0x28, 0);
    assert!(!kinds.contains(b"EXIF") && !kinds.contains(b"ICCP"));

    let out = run(&input, "f-webp,md-true");
    let (f, kinds) = flags(&out);
    assert_eq!(f & 0x28, 0x28, "VP8X flags {f:#x}");
    assert!(kinds.contains(b"EXIF") && kinds.contains(b"ICCP"));
    let chunks = webp_chunks(&out.bytes);
    let exif = &chunks.iter().find(|(k, _)| k == b"EXIF").unwrap().1;
    assert_eq!(exif_orientation(exif), Some(1));

    let out = run(&input, "f-webp,cp-true");
    let (f, kinds) = flags(&out);
    assert_eq!(f & 0x28, 0x20, "VP8X flags {f:#x}");
    assert!(!kinds.contains(b"EXIF") && kinds.contains(b"ICCP"));
}

#[test]
fn progressive_key_picks_the_sof() {
    let input = png(&quad(64, 48));
    let out = run(&input, "f-jpg,pr-true");
    assert_eq!(jpeg_sof(&out.bytes), 0xC2);
    let out = run(&input, "f-jpg");
    assert!(matches!(jpeg_sof(&out.bytes), 0xC0 | 0xC1));
    let out = run(&input, "f-jpg,pr-false");
    assert!(matches!(jpeg_sof(&out.bytes), 0xC0 | 0xC1));
    assert_quads(&pixels(&out), QUAD, 12, "f-jpg");
}

// ---------------------------------------------------------------- format choice

const CHROME: &str = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8";

#[test]
fn format_choice_by_accept_and_alpha() {
    let opaque_jpeg = jpeg(&quad(32, 32), Jpg::default());
    let opaque_png = png(&quad(32, 32));
    let clear_png = png_rgba(32, 32, |x, _| {
        if x < 16 {
            [255, 0, 0, 255]
        } else {
            [0, 0, 0, 0]
        }
    });
    let mut avif_config = Config::default();
    avif_config.auto_avif = true;
    avif_config.avif_speed = 10;
    let avif = Engine::new(avif_config);
    let plain = engine();
    // "w-32" is a no-op step without `f` (the inputs are 32 wide).
    type Row<'a> = (
        &'a str,
        &'a [u8],
        &'a str,
        Option<&'a str>,
        &'a Engine,
        OutputFormat,
    );
    let rows: &[Row] = &[
        (
            "opaque jpeg, Chrome",
            &opaque_jpeg,
            "w-32",
            Some(CHROME),
            &plain,
            OutputFormat::Webp,
        ),
        (
            "opaque jpeg, Chrome, f-auto",
            &opaque_jpeg,
            "f-auto",
            Some(CHROME),
            &plain,
            OutputFormat::Webp,
        ),
        (
            "opaque jpeg, no Accept",
            &opaque_jpeg,
            "w-32",
            None,
            &plain,
            OutputFormat::Jpeg,
        ),
        (
            "opaque jpeg, */*",
            &opaque_jpeg,
            "f-auto",
            Some("*/*"),
            &plain,
            OutputFormat::Jpeg,
        ),
        (
            "opaque png, no Accept",
            &opaque_png,
            "w-32",
            None,
            &plain,
            OutputFormat::Jpeg,
        ),
        (
            "transparent png, no Accept",
            &clear_png,
            "w-32",
            None,
            &plain,
            OutputFormat::Png,
        ),
        (
            "transparent png, image/jpeg",
            &clear_png,
            "f-auto",
            Some("image/jpeg"),
            &plain,
            OutputFormat::Png,
        ),
        (
            "transparent png, Chrome",
            &clear_png,
            "w-32",
            Some(CHROME),
            &plain,
            OutputFormat::Webp,
        ),
        (
            "avif+webp, auto_avif",
            &opaque_jpeg,
            "f-auto",
            Some("image/avif,image/webp"),
            &avif,
            OutputFormat::Avif,
        ),
        (
            "avif+webp, auto_avif off",
            &opaque_jpeg,
            "f-auto",
            Some("image/avif,image/webp"),
            &plain,
            OutputFormat::Webp,
        ),
        (
            "transparent, avif",
            &clear_png,
            "w-32",
            Some("image/avif,image/webp"),
            &avif,
            OutputFormat::Avif,
        ),
        (
            "e-usm excludes avif",
            &opaque_jpeg,
            "e-usm-2-1-0.8-0.02,f-auto",
            Some("image/avif,image/webp"),
            &avif,
            OutputFormat::Webp,
        ),
        (
            "e-usm in an earlier step",
            &opaque_jpeg,
            "e-usm-2-1-0.8-0.02:w-16",
            Some("image/avif,image/webp"),
            &avif,
            OutputFormat::Webp,
        ),
        (
            "cp-true excludes avif",
            &opaque_jpeg,
            "cp-true",
            Some("image/avif,image/webp"),
            &avif,
            OutputFormat::Webp,
        ),
        (
            "webp q=0",
            &opaque_jpeg,
            "w-32",
            Some("image/webp;q=0"),
            &plain,
            OutputFormat::Jpeg,
        ),
    ];
    for &(what, input, t, accept, e, want) in rows {
        let mut req = Request::default();
        if let Some(a) = accept {
            req = req.accept(a);
        }
        let out = run_with(e, input, t, &req).unwrap_or_else(|err| panic!("{what}: {err}"));
        assert_eq!(out.format, want, "{what}: {}", out.report.format_reason);
        assert!(!out.report.format_reason.is_empty());
        if want != OutputFormat::Avif {
            let img = pixels(&out);
            if input == clear_png.as_slice() {
                assert!(img.get_pixel(31, 16).0[3] < 16, "{what}: alpha kept");
            }
        } else {
            assert_eq!(&out.bytes[4..8], b"ftyp", "{what}");
        }
    }
}

#[test]
fn jpeg_output_flattens_alpha_onto_white_or_bg() {
    let clear_png = png_rgba(32, 32, |x, _| {
        if x < 16 {
            [255, 0, 0, 255]
        } else {
            [0, 0, 0, 0]
        }
    });
    let out = run(&clear_png, "f-jpg");
    assert_eq!(out.format, OutputFormat::Jpeg);
    let img = pixels(&out);
    assert_near(&img, 28, 16, WHITE, 6, "flattened onto white");
    assert_near(&img, 4, 16, RED, 12, "opaque part kept");
    let out = run(&clear_png, "f-jpg,bg-0000FF");
    let img = pixels(&out);
    assert_near(&img, 28, 16, BLUE, 12, "flattened onto bg");
    assert_near(&img, 4, 16, RED, 12, "opaque part kept");
    // bg in an earlier step and f-jpg in a later one.
    let out = run(&clear_png, "bg-0000FF:w-16,f-jpg");
    assert_near(&pixels(&out), 14, 8, BLUE, 12, "bg from step 1");
}

// ---------------------------------------------------------------- shrink on load

/// The same transformation from the JPEG (shrunk on load) and from a PNG of its full
/// decode: close enough.
fn shrink_on_load_matches_full_decode(name: &str, t: &str, size: (u32, u32)) {
    let bytes = std::fs::read(format!("{PHOTOS}/{name}")).unwrap();
    let out = run(&bytes, t);
    assert_eq!((out.width, out.height), size, "{name}");
    assert!(
        out.report.shrink_on_load > 1,
        "{name}: shrink {}",
        out.report.shrink_on_load
    );
    let fast = pixels(&out);

    let d = mozjpeg::Decompress::new_mem(&bytes).unwrap();
    let mut s = d.rgb().unwrap();
    let (w, h) = (s.width() as u32, s.height() as u32);
    let px: Vec<[u8; 3]> = s.read_scanlines().unwrap();
    s.finish().unwrap();
    let full: Vec<u8> = px.into_iter().flatten().collect();
    let reference = png_of(w, h, &full, image::ExtendedColorType::Rgb8);
    let slow = run(&reference, t);
    assert_eq!(slow.report.shrink_on_load, 1);
    assert_eq!((slow.width, slow.height), size);
    let p = psnr(&rgb_bytes(&fast), &rgb_bytes(&pixels(&slow)));
    assert!(p > 35.0, "{name}: PSNR {p:.1} dB");
}

#[test]
fn shrink_on_load_baseline_storm() {
    shrink_on_load_matches_full_decode("storm-1920x1280.jpg", "w-300,f-png", (300, 200));
}

#[test]
fn shrink_on_load_progressive_wine() {
    shrink_on_load_matches_full_decode("wine-portrait-2560x3837.jpg", "w-300,f-png", (300, 450));
}

// ---------------------------------------------------------------- limits

/// A PNG header claiming `w × h` with no decodable pixel data.
fn png_header_only(w: u32, h: u32) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    // An IDAT that is not a zlib stream (readers stop their header scan at the first IDAT).
    let mut chunk = |kind: &[u8; 4], data: &[u8]| {
        b.extend_from_slice(&(data.len() as u32).to_be_bytes());
        b.extend_from_slice(kind);
        b.extend_from_slice(data);
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        b.extend_from_slice(&crc.sum().to_be_bytes());
    };
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &[0xDE, 0xAD, 0xBE, 0xEF]);
    chunk(b"IEND", &[]);
    b
}

#[test]
fn input_limits_refuse_before_decoding() {
    let mut config = Config::default();
    config.limits.max_input_pixels = 1000;
    let small = Engine::new(config);
    let req = Request::default();

    // A header that claims 100×100 with no data: the limit answers before any decoding.
    let hollow = png_header_only(100, 100);
    match run_with(&small, &hollow, "w-10", &req) {
        Err(Error::LimitExceeded {
            limit: Limit::InputPixels,
            actual: 10_000,
            max: 1000,
        }) => {}
        other => panic!("{other:?}"),
    }
    // The default engine gets past the limit and then cannot decode it.
    let err = run_with(&engine(), &hollow, "w-10", &req).unwrap_err();
    assert_eq!(err.category(), Category::Undecodable, "{err}");

    // Real pictures: under the limit passes, over it is refused.
    let ok = run_with(&small, &png(&quad(40, 25)), "f-png", &req).unwrap();
    assert_eq!((ok.width, ok.height), (40, 25));
    let err = run_with(&small, &png(&quad(40, 26)), "f-png", &req).unwrap_err();
    assert_eq!(err.category(), Category::LimitExceeded);

    // Bytes.
    let input = png(&quad(64, 64));
    let mut config = Config::default();
    config.limits.max_input_bytes = input.len() as u64 - 1;
    match run_with(&Engine::new(config), &input, "w-10", &req) {
        Err(Error::LimitExceeded {
            limit: Limit::InputBytes,
            actual,
            ..
        }) => assert_eq!(actual, input.len() as u64),
        other => panic!("{other:?}"),
    }
    let mut config = Config::default();
    config.limits.max_input_bytes = input.len() as u64;
    assert!(run_with(&Engine::new(config), &input, "w-10", &req).is_ok());
}

#[test]
fn output_limits() {
    let input = png(&quad(20, 20));
    match fail(&input, "w-20000,h-20000,c-force") {
        Error::LimitExceeded {
            limit: Limit::OutputPixels,
            actual,
            ..
        } => assert_eq!(actual, 400_000_000),
        other => panic!("{other:?}"),
    }
    // A later step's output is checked too.
    let err = fail(&input, "w-10:w-20000,h-20000,c-force");
    assert_eq!(err.category(), Category::LimitExceeded, "{err}");
    // A small output limit applies to every step.
    let mut config = Config::default();
    config.limits.max_output_pixels = 100;
    let e = Engine::new(config);
    assert!(run_with(&e, &input, "w-10,h-10,f-png", &Request::default()).is_ok());
    let err = run_with(&e, &input, "w-11,h-10,f-png", &Request::default()).unwrap_err();
    assert_eq!(err.category(), Category::LimitExceeded, "{err}");

    // WebP cannot hold a side over 16383 px.
    let err = fail(&input, "w-16384,h-4,c-force,f-webp");
    assert_eq!(err.category(), Category::Encode, "{err}");
    let out = run(&input, "w-16383,h-4,c-force,f-webp");
    assert_eq!((out.width, out.height), (16383, 4));
    // The same picture as PNG is fine.
    let out = run(&input, "w-16384,h-4,c-force,f-png");
    assert_eq!((out.width, out.height), (16384, 4));
}

// ---------------------------------------------------------------- errors

#[test]
fn error_categories() {
    let input = png(&quad(32, 32));
    let err = fail(&input, "zz-12");
    assert_eq!(err.category(), Category::InvalidTransform);
    assert!(
        matches!(&err, Error::InvalidTransform(s) if s.kind == SpecErrorKind::UnknownKey),
        "{err:?}"
    );

    // AI keys are refused by the language (SpecErrorKind::AiOnly) → invalid transformation.
    let err = fail(&input, "e-bgremove");
    assert_eq!(err.category(), Category::InvalidTransform);
    match &err {
        Error::InvalidTransform(s) => {
            assert_eq!(s.kind, SpecErrorKind::AiOnly);
            assert!(s.reason.contains("AI"), "{}", s.reason);
        }
        other => panic!("{other:?}"),
    }

    let err = fail(&input, "l-text,i-hi,l-end");
    assert_eq!(err.category(), Category::UnsupportedTransform, "{err}");

    let err = fail(b"this is not a picture, just some words", "w-10");
    assert_eq!(err.category(), Category::UnsupportedMedia, "{err}");

    let j = jpeg(&quad(64, 64), Jpg::default());
    let err = fail(&j[..j.len() / 2], "w-10");
    assert_eq!(err.category(), Category::Undecodable, "{err}");
    let p = png(&quad(64, 64));
    let err = fail(&p[..p.len() / 2], "w-10");
    assert_eq!(err.category(), Category::Undecodable, "{err}");

    let past = Instant::now()
        .checked_sub(Duration::from_secs(1))
        .unwrap_or_else(Instant::now);
    let e = engine();
    let req = Request::default().deadline(past);
    let err = run_with(&e, &input, "w-10", &req).unwrap_err();
    assert_eq!(err, Error::DeadlineExceeded);
    let far = Request::default().deadline(Instant::now() + Duration::from_secs(3600));
    assert!(run_with(&e, &input, "w-10", &far).is_ok());
}

#[test]
fn empty_transformation_runs() {
    let input = png(&quad(32, 24));
    let e = engine();
    let t = e.parse("").unwrap();
    assert!(t.steps.is_empty());
    let out = e.transform(&input, &t, &Request::default()).unwrap();
    assert_eq!((out.width, out.height), (32, 24));
    assert_eq!(out.format, OutputFormat::Jpeg, "opaque, no Accept");
    let out = e.transform_str(&input, "", &Request::default()).unwrap();
    assert_eq!((out.width, out.height), (32, 24));
}

// ---------------------------------------------------------------- chains

#[test]
fn chains_run_in_order() {
    let input = png(&quad(1000, 600));
    let out = run(&input, "w-400,h-300:rt-90,f-png");
    assert_eq!((out.width, out.height), (300, 400));
    assert_eq!(out.report.steps.len(), 2);
    assert_eq!(out.report.steps[0].output, (400, 300));
    let out = run(&input, "rt-90:w-400,h-300,f-png");
    assert_eq!((out.width, out.height), (400, 300));
    assert_eq!(out.report.steps[0].output, (600, 1000));
    // Each step's input is the previous step's output.
    for pair in out.report.steps.windows(2) {
        assert_eq!(pair[0].output, pair[1].input);
    }
}

#[test]
fn conditional_branches_on_the_current_width() {
    let t = "if-w_gt_500,w-100,if-else,w-50,if-end";
    let wide = run(&png(&quad(1000, 600)), t);
    assert_eq!((wide.width, wide.height), (100, 60));
    let narrow = run(&png(&quad(400, 200)), t);
    assert_eq!((narrow.width, narrow.height), (50, 25));
    // Without else, a false condition leaves the picture alone.
    let same = run(&png(&quad(400, 200)), "if-w_gt_500,w-100,if-end:f-png");
    assert_eq!((same.width, same.height), (400, 200));
}

#[test]
fn named_transformations_expand() {
    let mut named = NamedTransforms::new();
    named.insert("thumb", "w-120,h-80").unwrap();
    named.insert("turn", "rt-90:n-thumb").unwrap();
    let named = Arc::new(named);
    let e = engine();
    let req = Request::default().named(named);
    let input = png(&quad(300, 300));
    let out = run_with(&e, &input, "n-thumb", &req).unwrap();
    assert_eq!((out.width, out.height), (120, 80));
    let out = run_with(&e, &input, "n-thumb,f-png", &req).unwrap();
    assert_eq!(out.format, OutputFormat::Png);
    let out = run_with(&e, &input, "n-turn", &req).unwrap();
    assert_eq!((out.width, out.height), (120, 80));
    assert_eq!(out.report.steps.len(), 2);
    // Not in the registry (or no registry): an invalid transformation.
    let err = run_with(&e, &input, "n-missing", &req).unwrap_err();
    assert_eq!(err.category(), Category::InvalidTransform, "{err}");
    let err = run_with(&e, &input, "n-thumb", &Request::default()).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidTransform(s) if s.kind == SpecErrorKind::UnknownName),
        "{err:?}"
    );
}

// ---------------------------------------------------------------- report

/// A reported size as `(width, height)`.
fn wh(s: pixform::plan::Size) -> (u32, u32) {
    (s.width(), s.height())
}

#[test]
fn report_records_the_geometry() {
    let input = png(&quad(1000, 600));
    let out = run(&input, "w-300,h-300,cm-pad_resize,f-png");
    let r = &out.report;
    assert_eq!(r.input_mime, "image/png");
    assert_eq!(r.input_size, (1000, 600));
    assert_eq!(r.orientation, 1);
    assert_eq!(r.shrink_on_load, 1);
    assert_eq!(r.steps.len(), 1);
    let s = &r.steps[0];
    assert_eq!(s.input, (1000, 600));
    assert_eq!(s.resize.map(wh), Some((300, 180)));
    assert_eq!(
        s.pad.map(|p| (wh(p.canvas), p.position)),
        Some(((300, 300), (0, 60)))
    );
    assert_eq!(s.output, (300, 300));
    assert_eq!(s.output, (out.width, out.height));
    assert_eq!(r.metadata, "none");
    assert_eq!(r.quality, None, "PNG has no quality");

    let out = run(&input, "w-300,h-300");
    let s = &out.report.steps[0];
    assert_eq!(s.resize.map(wh), Some((500, 300)));
    assert_eq!(
        s.crop.map(|c| (c.x(), c.y(), c.width(), c.height())),
        Some((100, 0, 300, 300))
    );
    assert_eq!(out.report.quality, Some(80));

    let json = out.to_json();
    assert!(json.starts_with("{\"width\":300,"), "{json}");
    assert!(json.ends_with('}'), "{json}");
    assert!(
        json.contains("\"format\":\"jpg\"") || json.contains("\"format\":\"jpeg\""),
        "{json}"
    );
    let json = run(&input, "w-30,f-png").to_json();
    assert!(json.starts_with("{\"width\":"), "{json}");
    assert!(json.contains("\"format\":\"png\""), "{json}");
    assert!(json.contains("\"steps\":[{\"input\":[1000,600]"), "{json}");
    assert_eq!(
        json.matches('{').count(),
        json.matches('}').count(),
        "{json}"
    );
    assert_eq!(
        json.matches('[').count(),
        json.matches(']').count(),
        "{json}"
    );
}

#[test]
fn shrunk_first_step_reports_sizes() {
    // A JPEG shrunk on load still reports the original size and a chain of sizes that
    // joins up.
    let j = jpeg(&quad(800, 480), Jpg::default());
    let out = run(&j, "w-100:rt-90,f-png");
    assert!(
        out.report.shrink_on_load > 1,
        "{}",
        out.report.shrink_on_load
    );
    assert_eq!(out.report.input_size, (800, 480));
    assert_eq!((out.width, out.height), (60, 100));
    assert_eq!(out.report.steps[0].output, (100, 60));
    assert_eq!(out.report.steps[1].input, (100, 60));
    assert_quads(
        &pixels(&out),
        [BLUE, RED, WHITE, GREEN],
        12,
        "shrunk + rotated",
    );
}

#[test]
fn shrink_on_load_keeps_every_geometry_exact() {
    // A smooth picture: any misplaced crop or pad after shrinking on load shows as a shift.
    let w = 800;
    let h = 480;
    let smooth = Rgb::from_fn(w, h, |x, y| {
        [
            (x * 255 / (w - 1)) as u8,
            (y * 255 / (h - 1)) as u8,
            ((x + 2 * y) * 255 / (w + 2 * h)) as u8,
        ]
    });
    let j = jpeg(&smooth, Jpg::default());
    let d = mozjpeg::Decompress::new_mem(&j).unwrap();
    let mut s = d.rgb().unwrap();
    let px: Vec<[u8; 3]> = s.read_scanlines().unwrap();
    s.finish().unwrap();
    let full = png_of(
        w,
        h,
        &px.into_iter().flatten().collect::<Vec<u8>>(),
        image::ExtendedColorType::Rgb8,
    );
    for (t, size) in [
        ("w-100,f-png", (100, 60)),
        // Fill 200×80: scaled 200×120, which libjpeg's 1/2 scale (400×240) holds with the
        // 2× margin its reduced IDCT keeps.
        ("w-200,h-80,f-png", (200, 80)),
        ("w-90,h-90,fo-right,f-png", (90, 90)),
        (
            "w-100,h-100,cm-pad_resize,fo-bottom,bg-FF00FF,f-png",
            (100, 100),
        ),
        ("w-150,h-150,c-at_max,f-png", (150, 90)),
        ("w-200,h-50,c-force,f-png", (200, 50)),
        (
            "w-200:w-100,h-100,cm-extract,fo-top_right,f-png",
            (100, 100),
        ),
    ] {
        let fast = run(&j, t);
        assert!(fast.report.shrink_on_load > 1, "`{t}`");
        let (sw, sh) = wh(fast.report.steps[0].input);
        let k = u32::from(fast.report.shrink_on_load);
        assert_eq!(
            (sw, sh),
            (w.div_ceil(k), h.div_ceil(k)),
            "`{t}`: decoded size"
        );
        let slow = run(&full, t);
        assert_eq!((fast.width, fast.height), size, "`{t}`");
        assert_eq!((slow.width, slow.height), size, "`{t}`");
        assert_eq!(
            fast.report.steps.last().unwrap().pad,
            slow.report.steps.last().unwrap().pad
        );
        assert_eq!(
            fast.report.steps[0].crop, slow.report.steps[0].crop,
            "`{t}`"
        );
        let p = psnr(&rgb_bytes(&pixels(&fast)), &rgb_bytes(&pixels(&slow)));
        assert!(p > 35.0, "`{t}`: PSNR {p:.1} dB");
    }
}

#[test]
fn pad_placement_and_translucent_pad() {
    let input = png(&quad(200, 100));
    // fo-top: the picture at the top, all padding (50 px) below.
    let img = pixels(&run(
        &input,
        "w-100,h-100,cm-pad_resize,fo-top,bg-00FF00,f-png",
    ));
    assert_near(&img, 20, 0, RED, 2, "fo-top: picture at the top");
    assert_near(&img, 80, 49, WHITE, 2, "fo-top: picture ends at 50");
    assert_eq!(rgb_at(&img, 50, 50), GREEN, "fo-top: padding below");
    // An 8-digit bg pads with a translucent colour in an alpha-capable output.
    let img = pixels(&run(&input, "w-100,h-100,cm-pad_resize,bg-FFFFFF50,f-png"));
    // `50` is decimal opacity 0.50 (not hex alpha 0x50): round(0.50 × 255) = 128.
    assert_eq!(img.get_pixel(0, 0).0, [255, 255, 255, 128]);
    assert_eq!(img.get_pixel(20, 35).0, [255, 0, 0, 255]);
}

#[test]
fn transparency_made_by_a_step_rules_out_jpeg() {
    let opaque_jpeg = jpeg(&quad(64, 48), Jpg::default());
    for t in ["w-64,h-64,cm-pad_resize,bg-00000000", "r-max"] {
        let out = run(&opaque_jpeg, t);
        assert_eq!(
            out.format,
            OutputFormat::Png,
            "`{t}`: {}",
            out.report.format_reason
        );
        assert_eq!(
            pixels(&out).get_pixel(0, 0).0[3],
            0,
            "`{t}`: corner transparent"
        );
    }
}

#[test]
fn oversized_dimension_is_dropped_not_refused() {
    // §2.1: values above 65535 are ignored.
    let out = run(&png(&quad(20, 10)), "w-70000,f-png");
    assert_eq!((out.width, out.height), (20, 10));
    let out = run(&png(&quad(20, 10)), "w-70000,h-5,f-png");
    assert_eq!((out.width, out.height), (10, 5));
}

#[test]
fn original_returns_the_bytes_untouched() {
    let input = png(&quad(20, 10));
    let out = run(&input, "w-5,orig-true");
    assert_eq!(out.bytes, input);
    assert_eq!(out.format, OutputFormat::Png);
    assert_eq!((out.width, out.height), (20, 10));
}

/// Every fast path on every shared photo: the thumbnails of the benchmark tasks, from the
/// JPEG (shrink-on-load: DC-only 1/8 for progressive and baseline files, libjpeg's DCT
/// scaling at 1/2 and 1/4), against the same transformation of a full decode stored as
/// PNG (no shrink). The stated bound: PSNR > 35 dB on every photo and task.
#[test]
fn fast_paths_stay_close_to_a_full_decode_on_every_photo() {
    let mut photos: Vec<_> = std::fs::read_dir(PHOTOS)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jpg"))
        .collect();
    photos.sort();
    assert!(photos.len() >= 7, "shared photos missing");
    let mut scales = std::collections::BTreeSet::new();
    for path in &photos {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(path).unwrap();
        // The reference: a full libjpeg decode, turned upright, as PNG.
        let d = mozjpeg::Decompress::new_mem(&bytes).unwrap();
        let mut s = d.rgb().unwrap();
        let (w, h) = (s.width() as u32, s.height() as u32);
        let px: Vec<[u8; 3]> = s.read_scanlines().unwrap();
        s.finish().unwrap();
        let full: Vec<u8> = px.into_iter().flatten().collect();
        let mut img =
            image::DynamicImage::ImageRgb8(image::RgbImage::from_raw(w, h, full).unwrap());
        let header = pixform::codec::decode::read_header(
            &bytes,
            pixform::codec::decode::InputFormat::Jpeg,
            &Default::default(),
        )
        .unwrap();
        img.apply_orientation(image::metadata::Orientation::from_exif(header.orientation).unwrap());
        let rgb = img.to_rgb8();
        let reference = png_of(
            rgb.width(),
            rgb.height(),
            rgb.as_raw(),
            image::ExtendedColorType::Rgb8,
        );
        for t in [
            "w-300,h-300,c-at_max,f-png",
            "w-300,h-300,f-png",
            "w-1200,f-png",
        ] {
            let fast = run(&bytes, t);
            let slow = run(&reference, t);
            assert_eq!(slow.report.shrink_on_load, 1);
            assert_eq!(
                (fast.width, fast.height),
                (slow.width, slow.height),
                "{name} `{t}`"
            );
            scales.insert(fast.report.shrink_on_load);
            let p = psnr(&rgb_bytes(&pixels(&fast)), &rgb_bytes(&pixels(&slow)));
            println!(
                "{name:40} {t:28} 1/{} {p:.1} dB",
                fast.report.shrink_on_load
            );
            assert!(
                p > 35.0,
                "{name} `{t}` (1/{}): PSNR {p:.1} dB",
                fast.report.shrink_on_load
            );
        }
    }
    // Every shrink scale was exercised (1 = no shrink, for the 1200 px outputs of the
    // smaller photos).
    for k in [2, 4, 8] {
        assert!(scales.contains(&k), "scale 1/{k} not exercised: {scales:?}");
    }
}

/// DCT-scaled decodes (1/2, 1/4) are used only while the decoded image keeps a margin over
/// what the first step needs: 1.5× for pixform's own 1/4 path (4×4 block averages), 2× for
/// libjpeg's reduced inverse DCTs (1/2, and 1/4 where the own path does not apply). The
/// 1/8 DC path is taken whenever 1/8 still covers the target.
#[test]
fn scaled_decodes_keep_their_margin_the_dc_path_does_not() {
    let (w, h) = (800, 480);
    let smooth = Rgb::from_fn(w, h, |x, y| [(x % 256) as u8, (y % 256) as u8, 90]);
    let baseline = jpeg(&smooth, Jpg::default());
    let progressive = jpeg(
        &smooth,
        Jpg {
            progressive: true,
            ..Jpg::default()
        },
    );
    for (j, kind, t, shrink) in [
        // 100 wide: 1/8 is exactly 100, the DC path (baseline and progressive alike).
        (&baseline, "baseline", "w-100,f-png", 8),
        (&progressive, "progressive", "w-100,f-png", 8),
        // 130 wide: the own 1/4 path (200) keeps 1.5× (195).
        (&baseline, "baseline", "w-130,f-png", 4),
        // A progressive file goes to libjpeg, whose 1/4 would need 260: 1/2 (400) instead.
        (&progressive, "progressive", "w-130,f-png", 2),
        // 200 wide: libjpeg's 1/2 (400) keeps 2× exactly.
        (&baseline, "baseline", "w-200,f-png", 2),
        (&progressive, "progressive", "w-200,f-png", 2),
        // 201 wide would need 402: only the full image.
        (&baseline, "baseline", "w-201,f-png", 1),
        (&progressive, "progressive", "w-201,f-png", 1),
    ] {
        let out = run(j, t);
        assert_eq!(out.report.shrink_on_load, shrink, "{kind} `{t}`");
        assert_eq!(out.width, t[2..5].parse::<u32>().unwrap(), "{kind} `{t}`");
    }
}

/// Where libjpeg feeds the first step's resize row by row (progressive input, so neither
/// of pixform's own scaled decoders applies), the output matches the same request on the
/// same upright pixels given as a PNG (decoded whole, then resized), for every
/// orientation and for plain, cropping and padding steps (sizes for which the JPEG is
/// decoded at full size): same size, same step report (input: the decoded size), and
/// samples within a level (the fed resize's bands may round a weight differently) — for
/// orientations 5–8, which resample the stored picture sideways, close on average.
#[test]
fn resize_fed_by_the_jpeg_decoder_matches_the_whole_picture_path() {
    use pixform::codec::decode::{decode, DecodeLimits, DecodeOptions, InputFormat};
    use pixform::ops::{orient, OrientParams};
    let picture = Rgb::from_fn(640, 480, |x, y| {
        let noise = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) >> 27;
        [
            (x / 3) as u8,
            (y / 2) as u8,
            ((x + y) as u8 / 2).wrapping_add(noise as u8),
        ]
    });
    for orientation in [1u16, 3, 6, 8] {
        let input = jpeg(
            &picture,
            Jpg {
                progressive: true,
                exif: Some(exif_app1(orientation, false)),
                ..Jpg::default()
            },
        );
        let stored = decode(
            &input,
            InputFormat::Jpeg,
            &DecodeOptions::default(),
            &DecodeLimits::default(),
        )
        .unwrap();
        let upright = orient(
            stored.frame.as_eight().unwrap(),
            &OrientParams {
                orientation: stored.orientation,
            },
        )
        .unwrap();
        let as_png = png_of(
            upright.width(),
            upright.height(),
            upright.data(),
            image::ExtendedColorType::Rgb8,
        );
        for t in [
            "w-200,f-png",
            "w-200,h-200,f-png",
            "w-170,h-170,c-at_max,f-png",
            "w-200,h-200,cm-pad_resize,bg-FF0000,f-png",
            "w-320,h-90,fo-top,f-png",
        ] {
            let fed = run(&input, t);
            let whole = run(&as_png, t);
            let what = format!("orientation {orientation}, `{t}`");
            assert_eq!(
                (fed.width, fed.height),
                (whole.width, whole.height),
                "{what}"
            );
            assert_eq!(fed.report.shrink_on_load, 1, "{what}");
            assert_eq!(fed.report.steps, whole.report.steps, "{what}");
            let (a, b) = (pixels(&fed), pixels(&whole));
            let worst = a
                .as_raw()
                .iter()
                .zip(b.as_raw())
                .map(|(x, y)| x.abs_diff(*y))
                .max()
                .unwrap();
            let n = a.as_raw().len();
            let over = a
                .as_raw()
                .iter()
                .zip(b.as_raw())
                .filter(|(x, y)| x.abs_diff(**y) > 1)
                .count();
            let total: u64 = a
                .as_raw()
                .iter()
                .zip(b.as_raw())
                .map(|(x, y)| u64::from(x.abs_diff(*y)))
                .sum();
            if orientation <= 4 {
                assert!(worst <= 1, "{what}: off by {worst}");
            } else {
                // Resampled sideways, the two 8-bit passes run in the other order, so
                // their rounding and clipping differ: measured mean 0.06-0.11 levels, at
                // most 5 on 0.04 % of samples (at the picture's hard edges).
                assert!(worst <= 6, "{what}: off by {worst}");
                assert!(over * 1000 <= n, "{what}: {over} of {n} off by more than 1");
                assert!(total * 5 <= n as u64, "{what}: mean difference {total}/{n}");
            }
        }
    }
}
