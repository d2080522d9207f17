//! 16-bit input to 16-bit PNG output: 16-bit PNG and TIFF stay 16-bit through resize,
//! crop, pad, quarter turns, flips and the colour conversion; the first op without a
//! 16-bit version, or an output format of 8 bits, reduces them, and the report says where.

use image::codecs::png::{PngDecoder, PngEncoder};
use image::{ColorType, ExtendedColorType, ImageDecoder, ImageEncoder};
use moxcms::{ColorProfile, Layout, TransformOptions};
use pixform::{Config, Engine, Request};

fn ne_bytes(samples: &[u16]) -> Vec<u8> {
    samples.iter().flat_map(|v| v.to_ne_bytes()).collect()
}

/// A 16-bit PNG (image takes native-endian samples), with an ICC profile if given.
fn png16(
    w: u32,
    h: u32,
    color: ExtendedColorType,
    samples: &[u16],
    icc: Option<Vec<u8>>,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = PngEncoder::new(&mut out);
    if let Some(icc) = icc {
        enc.set_icc_profile(icc).unwrap();
    }
    enc.write_image(&ne_bytes(samples), w, h, color).unwrap();
    out
}

/// Decodes a PNG: size, colour type and samples (16-bit ones as `u16`, 8-bit ones widened
/// as they are, so the caller checks the colour type).
fn decoded(png: &[u8]) -> (u32, u32, ColorType, Vec<u16>) {
    let dec = PngDecoder::new(std::io::Cursor::new(png)).unwrap();
    let (w, h) = dec.dimensions();
    let color = dec.color_type();
    let mut buf = vec![0u8; dec.total_bytes() as usize];
    dec.read_image(&mut buf).unwrap();
    let samples = if color.bytes_per_pixel() / color.channel_count() == 2 {
        buf.chunks_exact(2)
            .map(|c| u16::from_ne_bytes([c[0], c[1]]))
            .collect()
    } else {
        buf.iter().map(|&v| u16::from(v)).collect()
    };
    (w, h, color, samples)
}

fn run(input: &[u8], tr: &str) -> pixform::Output {
    Engine::new(Config::default())
        .transform_str(input, tr, &Request::default())
        .unwrap()
}

#[test]
fn resize_crop_and_pad_keep_exact_16_bit_values() {
    let px = [0x1234u16, 0xabcd, 0x0101];
    let samples: Vec<u16> = px.iter().copied().cycle().take(64 * 48 * 3).collect();
    let input = png16(64, 48, ExtendedColorType::Rgb16, &samples, None);
    let out = run(&input, "tr:w-20,h-20,cm-pad_resize,bg-FFFFFF,f-png");
    let (w, h, color, got) = decoded(&out.bytes);
    assert_eq!((w, h, color), (20, 20, ColorType::Rgb16));
    let at = |x: usize, y: usize| &got[(y * 20 + x) * 3..(y * 20 + x) * 3 + 3];
    // 64×48 fits as 20×15, centred: rows 2..17 are the picture, the rest white.
    assert_eq!(at(10, 10), &px[..]);
    assert_eq!(at(0, 2), &px[..]);
    assert_eq!(at(10, 0), &[65535, 65535, 65535][..]);
    assert_eq!(at(19, 19), &[65535, 65535, 65535][..]);
    assert_eq!(
        (out.report.depth.input, out.report.depth.output),
        (Some(16), 16)
    );
    assert_eq!(out.report.depth.note, None);
    let json: serde_json::Value = serde_json::from_str(&out.to_json()).unwrap();
    assert_eq!(
        json["depth"],
        serde_json::json!({"input": 16, "output": 16, "note": null})
    );
}

#[test]
fn levels_between_8_bit_steps_survive_a_resize() {
    // A ramp of 16 levels a column: 16 columns share each 8-bit level.
    let (w, h) = (512u32, 8u32);
    let samples: Vec<u16> = (0..w * h).map(|i| ((i % w) * 16) as u16).collect();
    let input = png16(w, h, ExtendedColorType::L16, &samples, None);
    let out = run(&input, "tr:w-256,f-png");
    let (ow, oh, color, got) = decoded(&out.bytes);
    assert_eq!((ow, oh, color), (256, 4, ColorType::L16));
    // Output column i covers source columns 2i and 2i+1: the ramp's value there is
    // 16 (2i + 0.5); Lanczos keeps a linear ramp away from the edges.
    for x in 8..248usize {
        let want = 16.0 * (2.0 * x as f64 + 0.5);
        let v = f64::from(got[2 * 256 + x]);
        assert!((v - want).abs() <= 2.0, "column {x}: {v} vs {want}");
    }
    let off_grid = got.iter().filter(|&&v| v % 257 != 0).count();
    assert!(
        off_grid > got.len() / 2,
        "{off_grid} of {} off the 8-bit grid",
        got.len()
    );
}

#[test]
fn quarter_turns_and_flips_move_16_bit_pixels_exactly() {
    // 3×2 gray: 1 2 3 / 4 5 6 (× 1000).
    let samples: Vec<u16> = (1..=6).map(|v| v * 1000 + 7).collect();
    let input = png16(3, 2, ExtendedColorType::L16, &samples, None);
    let out = run(&input, "tr:rt-90,fl-h,f-png");
    let (w, h, color, got) = decoded(&out.bytes);
    assert_eq!((w, h, color), (2, 3, ColorType::L16));
    // rt-90: 4 1 / 5 2 / 6 3; then mirrored: 1 4 / 2 5 / 3 6 (a transpose).
    assert_eq!(got, vec![1007, 4007, 2007, 5007, 3007, 6007]);
    assert_eq!(out.report.steps[0].ops.len(), 2);
}

#[test]
fn an_op_without_a_16_bit_version_reduces_once_with_a_note() {
    let samples: Vec<u16> = (0..32 * 32 * 3).map(|i| (i * 61 % 65536) as u16).collect();
    let input = png16(32, 32, ExtendedColorType::Rgb16, &samples, None);
    let out = run(&input, "tr:w-16,bl-2,f-png");
    let (w, h, color, _) = decoded(&out.bytes);
    assert_eq!((w, h, color), (16, 16, ColorType::Rgb8));
    assert_eq!(
        (out.report.depth.input, out.report.depth.output),
        (Some(16), 8)
    );
    let note = out.report.depth.note.clone().unwrap();
    assert!(note.contains("blur"), "{note}");
}

#[test]
fn a_format_of_8_bits_gets_8_and_says_so_only_when_16_were_carried() {
    let samples = vec![40000u16; 16 * 16 * 3];
    let input = png16(16, 16, ExtendedColorType::Rgb16, &samples, None);
    // JPEG is known before decoding: decoded at 8 bits, nothing to note.
    let jpeg = run(&input, "tr:w-8,f-jpg");
    assert_eq!(jpeg.format, pixform::format::OutputFormat::Jpeg);
    assert_eq!(
        (jpeg.report.depth.input, jpeg.report.depth.output),
        (Some(16), 8)
    );
    assert_eq!(jpeg.report.depth.note, None);
    // No `f`, no Accept: an opaque picture is negotiated to JPEG from the header alone, so
    // it is decoded at 8 bits with nothing to note.
    let auto = run(&input, "tr:w-8");
    assert_eq!(auto.format, pixform::format::OutputFormat::Jpeg);
    assert_eq!(
        (auto.report.depth.output, auto.report.depth.note.clone()),
        (8, None)
    );
    // A transparent one is negotiated to PNG, which keeps the 16 bits.
    let rgba: Vec<u16> = [40000u16, 20000, 10000, 30000]
        .iter()
        .copied()
        .cycle()
        .take(16 * 16 * 4)
        .collect();
    let clear = run(
        &png16(16, 16, ExtendedColorType::Rgba16, &rgba, None),
        "tr:w-8",
    );
    let (_, _, color, got) = decoded(&clear.bytes);
    assert_eq!(color, ColorType::Rgba16);
    // Premultiplied 16-bit samples round-trip to within one level.
    let odd: Vec<&[u16]> = got
        .chunks_exact(4)
        .filter(|p| {
            p[3] != 30000
                || p[0].abs_diff(40000) > 1
                || p[1].abs_diff(20000) > 1
                || p[2].abs_diff(10000) > 1
        })
        .collect();
    assert!(odd.is_empty(), "{odd:?}");
    assert_eq!(clear.report.depth.output, 16);
    // A client that takes WebP gets 8 bits.
    let webp = Engine::new(Config::default())
        .transform_str(
            &input,
            "tr:w-8",
            &Request {
                accept: Some("image/webp".into()),
                ..Request::default()
            },
        )
        .unwrap();
    assert_eq!(webp.format, pixform::format::OutputFormat::Webp);
    assert_eq!(webp.report.depth.output, 8);
}

#[test]
fn alpha_weighted_16_bit_resize_does_not_bleed_hidden_colour() {
    // Left half: fully transparent red; right half: opaque green.
    let mut samples = Vec::new();
    for _y in 0..8 {
        for x in 0..16 {
            if x < 8 {
                samples.extend_from_slice(&[65535, 0, 0, 0]);
            } else {
                samples.extend_from_slice(&[0, 50000, 0, 65535]);
            }
        }
    }
    let input = png16(16, 8, ExtendedColorType::Rgba16, &samples, None);
    let out = run(&input, "tr:w-8,f-png");
    let (w, _, color, got) = decoded(&out.bytes);
    assert_eq!((w, color), (8, ColorType::Rgba16));
    for p in got.chunks_exact(4).filter(|p| p[3] > 0) {
        assert_eq!(p[0], 0, "red leaked into {p:?}");
    }
    // The last column's kernel sees only green (its edge pixels ring, as Lanczos does).
    for row in got.chunks_exact(8 * 4) {
        let p = &row[7 * 4..];
        assert_eq!(p[3], 65535, "{p:?}");
        assert!(p[1].abs_diff(50000) <= 2, "{p:?}");
    }
}

#[test]
fn the_colour_conversion_runs_in_16_bits() {
    let adobe = ColorProfile::new_adobe_rgb();
    let (w, h) = (24u32, 16u32);
    let samples: Vec<u16> = (0..w * h * 3).map(|i| (i * 977 % 65536) as u16).collect();
    let input = png16(
        w,
        h,
        ExtendedColorType::Rgb16,
        &samples,
        Some(adobe.encode().unwrap()),
    );
    let out = run(&input, "tr:f-png");
    assert_eq!(
        out.report.color.action,
        pixform::color::ColorAction::Converted
    );
    let (_, _, color, got) = decoded(&out.bytes);
    assert_eq!(color, ColorType::Rgb16);
    // The profile as the engine sees it: parsed back from the bytes the PNG carries.
    let embedded = ColorProfile::new_from_slice(&adobe.encode().unwrap()).unwrap();
    let t = embedded
        .create_transform_16bit(
            Layout::Rgb,
            &ColorProfile::new_srgb(),
            Layout::Rgb,
            TransformOptions::default(),
        )
        .unwrap();
    let mut want = vec![0u16; samples.len()];
    t.transform(&samples, &mut want).unwrap();
    assert_eq!(got, want);
    assert!(got.iter().any(|&v| v % 257 != 0));
}

#[test]
fn a_16_bit_tiff_becomes_a_16_bit_png() {
    let samples: Vec<u16> = (0..10 * 6).map(|i| 300 + i as u16 * 1001).collect();
    let mut tiff = std::io::Cursor::new(Vec::new());
    image::codecs::tiff::TiffEncoder::new(&mut tiff)
        .write_image(&ne_bytes(&samples), 10, 6, ExtendedColorType::L16)
        .unwrap();
    let out = run(tiff.get_ref(), "tr:cm-extract,x-2,y-1,w-5,h-3,f-png");
    let (w, h, color, got) = decoded(&out.bytes);
    assert_eq!((w, h, color), (5, 3, ColorType::L16));
    let want: Vec<u16> = (1..4)
        .flat_map(|y| (2..7).map(move |x| 300 + (y * 10 + x) as u16 * 1001))
        .collect();
    assert_eq!(got, want);
}
