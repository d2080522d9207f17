//! Integration tests: encode. Every format is decoded back by an independent reader
//! (image for PNG/GIF/WebP, mozjpeg's decompressor for JPEG; AVIF by its container).

use crate::psnr;
use image::ImageDecoder;
use pixform::codec::encode::{
    encode, ChromaSubsampling, EncodeOptions, OutputFormat, PngCompression,
};
use pixform::codec::metadata::Metadata;
use pixform::{Category, Frame, PixelLayout};
use std::io::{Cursor, Read};

// ---------------------------------------------------------------- test images

/// A frame whose channels are smooth gradients of x and y (alpha: a ramp along x).
fn gradient(w: u32, h: u32, layout: PixelLayout) -> Frame {
    let mut data = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let r = (x * 255 / (w - 1).max(1)) as u8;
            let g = (y * 255 / (h - 1).max(1)) as u8;
            let b = ((x + y) * 255 / (w + h - 2).max(1)) as u8;
            let a = (x * 255 / (w - 1).max(1)) as u8;
            match layout {
                PixelLayout::Gray8 => data.push(r / 2 + g / 2),
                PixelLayout::GrayAlpha8 => data.extend_from_slice(&[r / 2 + g / 2, a]),
                PixelLayout::Rgb8 => data.extend_from_slice(&[r, g, b]),
                PixelLayout::Rgba8 => data.extend_from_slice(&[r, g, b, a]),
            }
        }
    }
    Frame::new(w, h, layout, data).unwrap()
}

/// Four flat coloured quadrants: red, green, blue, white.
fn quadrants(w: u32, h: u32) -> Frame {
    let mut data = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let px = match (x < w / 2, y < h / 2) {
                (true, true) => [220, 30, 30],
                (false, true) => [30, 200, 40],
                (true, false) => [20, 40, 210],
                (false, false) => [250, 250, 250],
            };
            data.extend_from_slice(&px);
        }
    }
    Frame::new(w, h, PixelLayout::Rgb8, data).unwrap()
}

/// RGBA: left half fully transparent (with non-zero colour underneath), right half opaque.
fn half_transparent(w: u32, h: u32) -> Frame {
    let mut data = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let c = [(x * 7 % 256) as u8, (y * 5 % 256) as u8, 90];
            let a = if x < w / 2 { 0 } else { 255 };
            data.extend_from_slice(&[c[0], c[1], c[2], a]);
        }
    }
    Frame::new(w, h, PixelLayout::Rgba8, data).unwrap()
}

fn opts(format: OutputFormat) -> EncodeOptions {
    EncodeOptions {
        format,
        avif_speed: 10,
        ..EncodeOptions::default()
    }
}

/// A minimal little-endian TIFF/EXIF block: one IFD entry, Orientation = 1.
fn exif_block() -> Vec<u8> {
    let mut t = b"II*\0".to_vec();
    t.extend_from_slice(&8u32.to_le_bytes());
    t.extend_from_slice(&1u16.to_le_bytes()); // one entry
    t.extend_from_slice(&0x0112u16.to_le_bytes()); // Orientation
    t.extend_from_slice(&3u16.to_le_bytes()); // SHORT
    t.extend_from_slice(&1u32.to_le_bytes()); // count
    t.extend_from_slice(&[1, 0, 0, 0]); // value 1
    t.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    t
}

/// A stand-in ICC profile of `len` bytes (containers do not parse it).
fn icc_block(len: usize) -> Vec<u8> {
    let mut icc: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
    icc[36..40].copy_from_slice(b"acsp");
    icc
}

fn xmp_block() -> Vec<u8> {
    br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>"#.to_vec()
}

fn all_metadata() -> Metadata {
    Metadata {
        exif: Some(exif_block()),
        icc: Some(icc_block(3000)),
        xmp: Some(xmp_block()),
    }
}

// ---------------------------------------------------------------- container readers

/// JPEG segments from SOI up to and including SOS: (marker, payload without length).
fn jpeg_segments(b: &[u8]) -> Vec<(u8, Vec<u8>)> {
    assert_eq!(&b[..2], &[0xFF, 0xD8], "SOI");
    let mut pos = 2;
    let mut out = Vec::new();
    loop {
        assert_eq!(b[pos], 0xFF);
        let marker = b[pos + 1];
        let len = usize::from(u16::from_be_bytes([b[pos + 2], b[pos + 3]]));
        out.push((marker, b[pos + 4..pos + 2 + len].to_vec()));
        pos += 2 + len;
        if marker == 0xDA {
            return out;
        }
    }
}

fn app_payloads(b: &[u8], marker: u8, prefix: &[u8]) -> Vec<Vec<u8>> {
    jpeg_segments(b)
        .into_iter()
        .filter(|(m, p)| *m == marker && p.starts_with(prefix))
        .map(|(_, p)| p[prefix.len()..].to_vec())
        .collect()
}

/// The SOF segment: (marker, per-component sampling byte).
fn jpeg_sof(b: &[u8]) -> (u8, Vec<u8>) {
    let (m, p) = jpeg_segments(b)
        .into_iter()
        .find(|(m, _)| matches!(m, 0xC0..=0xC3))
        .expect("SOF");
    let n = usize::from(p[5]);
    (m, (0..n).map(|i| p[6 + 3 * i + 1]).collect())
}

/// Decodes a JPEG with mozjpeg: (width, height, components, pixels).
fn decode_jpeg(b: &[u8]) -> (usize, usize, usize, Vec<u8>) {
    let d = mozjpeg::Decompress::new_mem(b).unwrap();
    let gray = d.color_space() == mozjpeg::ColorSpace::JCS_GRAYSCALE;
    let mut s = if gray {
        d.grayscale().unwrap()
    } else {
        d.rgb().unwrap()
    };
    let (w, h) = (s.width(), s.height());
    let px: Vec<u8> = s.read_scanlines().unwrap();
    s.finish().unwrap();
    (w, h, if gray { 1 } else { 3 }, px)
}

/// PNG chunks: (type, data).
fn png_chunks(b: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    assert_eq!(&b[..8], b"\x89PNG\r\n\x1a\n");
    let mut pos = 8;
    let mut out = Vec::new();
    while pos < b.len() {
        let len = u32::from_be_bytes(b[pos..pos + 4].try_into().unwrap()) as usize;
        let kind: [u8; 4] = b[pos + 4..pos + 8].try_into().unwrap();
        let data = b[pos + 8..pos + 8 + len].to_vec();
        let mut crc = flate2::Crc::new();
        crc.update(&b[pos + 4..pos + 8 + len]);
        let stored = u32::from_be_bytes(b[pos + 8 + len..pos + 12 + len].try_into().unwrap());
        assert_eq!(
            crc.sum(),
            stored,
            "CRC of {}",
            String::from_utf8_lossy(&kind)
        );
        out.push((kind, data));
        pos += 12 + len;
    }
    out
}

/// WebP chunks: (fourcc, data); checks the RIFF size and even padding.
fn webp_chunks(b: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    assert_eq!(&b[..4], b"RIFF");
    assert_eq!(&b[8..12], b"WEBP");
    let riff = u32::from_le_bytes(b[4..8].try_into().unwrap()) as usize;
    assert_eq!(riff + 8, b.len(), "RIFF size");
    let mut pos = 12;
    let mut out = Vec::new();
    while pos < b.len() {
        let kind: [u8; 4] = b[pos..pos + 4].try_into().unwrap();
        let len = u32::from_le_bytes(b[pos + 4..pos + 8].try_into().unwrap()) as usize;
        out.push((kind, b[pos + 8..pos + 8 + len].to_vec()));
        pos += 8 + len + (len & 1);
    }
    assert_eq!(pos, b.len());
    out
}

fn fourccs(chunks: &[([u8; 4], Vec<u8>)]) -> Vec<String> {
    chunks
        .iter()
        .map(|(k, _)| String::from_utf8_lossy(k).into_owned())
        .collect()
}

fn decode_image(b: &[u8]) -> image::DynamicImage {
    image::load_from_memory(b).unwrap()
}

// ---------------------------------------------------------------- JPEG

#[test]
fn jpeg_round_trip_q80_keeps_size_and_psnr() {
    for frame in [gradient(97, 61, PixelLayout::Rgb8), quadrants(96, 64)] {
        let bytes = encode(&frame, &opts(OutputFormat::Jpeg)).unwrap();
        let (w, h, c, px) = decode_jpeg(&bytes);
        assert_eq!(
            (w, h, c),
            (frame.width() as usize, frame.height() as usize, 3)
        );
        let p = psnr(frame.data(), &px);
        assert!(p > 30.0, "PSNR {p:.2} dB");
    }
}

#[test]
fn jpeg_gray_frame_is_a_grayscale_jpeg() {
    let frame = gradient(40, 30, PixelLayout::Gray8);
    let bytes = encode(&frame, &opts(OutputFormat::Jpeg)).unwrap();
    let (_, sampling) = jpeg_sof(&bytes);
    assert_eq!(sampling, vec![0x11], "one component");
    let (w, h, c, px) = decode_jpeg(&bytes);
    assert_eq!((w, h, c), (40, 30, 1));
    assert!(psnr(frame.data(), &px) > 30.0);
}

#[test]
fn jpeg_drops_alpha_defensively() {
    let frame = gradient(33, 17, PixelLayout::Rgba8);
    let bytes = encode(&frame, &opts(OutputFormat::Jpeg)).unwrap();
    let (w, h, c, px) = decode_jpeg(&bytes);
    assert_eq!((w, h, c), (33, 17, 3));
    let rgb = frame.to_layout(PixelLayout::Rgb8);
    assert!(psnr(rgb.data(), &px) > 30.0);
    let ga = gradient(33, 17, PixelLayout::GrayAlpha8);
    let (_, _, c, _) = decode_jpeg(&encode(&ga, &opts(OutputFormat::Jpeg)).unwrap());
    assert_eq!(c, 1);
}

#[test]
fn jpeg_progressive_writes_sof2_baseline_sof0() {
    let frame = gradient(64, 48, PixelLayout::Rgb8);
    let base = encode(&frame, &opts(OutputFormat::Jpeg)).unwrap();
    let prog = encode(
        &frame,
        &EncodeOptions {
            progressive: true,
            ..opts(OutputFormat::Jpeg)
        },
    )
    .unwrap();
    assert_eq!(jpeg_sof(&base).0, 0xC0);
    assert_eq!(jpeg_sof(&prog).0, 0xC2);
    // Both decode to the same size.
    assert_eq!(decode_jpeg(&prog).0, 64);
}

#[test]
fn jpeg_subsampling_shows_in_sof_factors() {
    let frame = quadrants(64, 48);
    let cases = [
        (ChromaSubsampling::Yuv420, vec![0x22, 0x11, 0x11]),
        (ChromaSubsampling::Yuv422, vec![0x21, 0x11, 0x11]),
        (ChromaSubsampling::Yuv444, vec![0x11, 0x11, 0x11]),
    ];
    for (subsampling, expected) in cases {
        let bytes = encode(
            &frame,
            &EncodeOptions {
                subsampling,
                ..opts(OutputFormat::Jpeg)
            },
        )
        .unwrap();
        assert_eq!(jpeg_sof(&bytes).1, expected, "{subsampling:?}");
    }
}

#[test]
fn jpeg_embeds_exactly_the_given_metadata() {
    let frame = quadrants(32, 32);
    let meta = all_metadata();
    let with = encode(
        &frame,
        &EncodeOptions {
            metadata: meta.clone(),
            ..opts(OutputFormat::Jpeg)
        },
    )
    .unwrap();
    assert_eq!(app_payloads(&with, 0xE1, b"Exif\0\0"), vec![exif_block()]);
    assert_eq!(
        app_payloads(&with, 0xE1, b"http://ns.adobe.com/xap/1.0/\0"),
        vec![xmp_block()]
    );
    let icc = app_payloads(&with, 0xE2, b"ICC_PROFILE\0");
    assert_eq!(icc.len(), 1);
    assert_eq!(&icc[0][..2], &[1, 1]);
    assert_eq!(&icc[0][2..], meta.icc.as_deref().unwrap());
    assert_eq!(decode_jpeg(&with).0, 32);

    let without = encode(&frame, &opts(OutputFormat::Jpeg)).unwrap();
    let apps: Vec<u8> = jpeg_segments(&without)
        .into_iter()
        .map(|(m, _)| m)
        .filter(|m| (0xE1..=0xEF).contains(m))
        .collect();
    assert!(apps.is_empty(), "APPn besides JFIF: {apps:x?}");

    // Only ICC given: only ICC written.
    let icc_only = encode(
        &frame,
        &EncodeOptions {
            metadata: meta.icc_only(),
            ..opts(OutputFormat::Jpeg)
        },
    )
    .unwrap();
    assert!(app_payloads(&icc_only, 0xE1, b"").is_empty());
    assert_eq!(app_payloads(&icc_only, 0xE2, b"ICC_PROFILE\0").len(), 1);
}

#[test]
fn jpeg_large_icc_splits_into_numbered_chunks_and_reassembles() {
    let icc = icc_block(150_000);
    let bytes = encode(
        &quadrants(16, 16),
        &EncodeOptions {
            metadata: Metadata {
                icc: Some(icc.clone()),
                ..Metadata::default()
            },
            ..opts(OutputFormat::Jpeg)
        },
    )
    .unwrap();
    let chunks = app_payloads(&bytes, 0xE2, b"ICC_PROFILE\0");
    assert_eq!(chunks.len(), 3); // 150000 / 65519 → 3
    let mut whole = Vec::new();
    for (i, c) in chunks.iter().enumerate() {
        assert_eq!(c[0] as usize, i + 1, "sequence number");
        assert_eq!(c[1], 3, "chunk count");
        assert!(c.len() - 2 <= 65_519);
        whole.extend_from_slice(&c[2..]);
    }
    assert_eq!(whole, icc);
    // libjpeg's own reader reassembles the same profile.
    let d = mozjpeg::Decompress::with_markers(mozjpeg::ALL_MARKERS)
        .from_mem(&bytes)
        .unwrap();
    let mut seen = Vec::new();
    for m in d.markers() {
        if m.marker == mozjpeg::Marker::APP(2) {
            seen.extend_from_slice(&m.data[14..]);
        }
    }
    assert_eq!(seen, icc);
}

#[test]
fn jpeg_refuses_oversized_metadata_and_sides() {
    let frame = quadrants(8, 8);
    let big_xmp = EncodeOptions {
        metadata: Metadata {
            xmp: Some(vec![b'x'; 70_000]),
            ..Metadata::default()
        },
        ..opts(OutputFormat::Jpeg)
    };
    assert_eq!(
        encode(&frame, &big_xmp).unwrap_err().category(),
        Category::Encode
    );
    let big_exif = EncodeOptions {
        metadata: Metadata {
            exif: Some(vec![0; 65_530]),
            ..Metadata::default()
        },
        ..opts(OutputFormat::Jpeg)
    };
    assert_eq!(
        encode(&frame, &big_exif).unwrap_err().category(),
        Category::Encode
    );
    let wide = Frame::filled(65_501, 1, PixelLayout::Gray8, &[7]).unwrap();
    assert_eq!(
        encode(&wide, &opts(OutputFormat::Jpeg))
            .unwrap_err()
            .category(),
        Category::Encode
    );
}

// ---------------------------------------------------------------- PNG

#[test]
fn png_is_bit_exact_for_all_layouts_and_levels() {
    let layouts = [
        (PixelLayout::Gray8, image::ColorType::L8),
        (PixelLayout::GrayAlpha8, image::ColorType::La8),
        (PixelLayout::Rgb8, image::ColorType::Rgb8),
        (PixelLayout::Rgba8, image::ColorType::Rgba8),
    ];
    let levels = [
        PngCompression::Fastest,
        PngCompression::Fast,
        PngCompression::Balanced,
        PngCompression::High,
    ];
    for (layout, color) in layouts {
        let frame = gradient(53, 29, layout);
        for png_compression in levels {
            let bytes = encode(
                &frame,
                &EncodeOptions {
                    png_compression,
                    ..opts(OutputFormat::Png)
                },
            )
            .unwrap();
            let img = decode_image(&bytes);
            assert_eq!((img.width(), img.height()), (53, 29));
            assert_eq!(img.color(), color, "{layout:?}");
            assert_eq!(
                img.as_bytes(),
                frame.data(),
                "{layout:?} {png_compression:?}"
            );
        }
    }
}

#[test]
fn png_embeds_exactly_the_given_metadata() {
    let frame = gradient(20, 10, PixelLayout::Rgba8);
    let meta = all_metadata();
    let with = encode(
        &frame,
        &EncodeOptions {
            metadata: meta.clone(),
            ..opts(OutputFormat::Png)
        },
    )
    .unwrap();
    let chunks = png_chunks(&with);
    let kinds = fourccs(&chunks);
    assert_eq!(kinds.first().map(String::as_str), Some("IHDR"));
    assert_eq!(kinds.last().map(String::as_str), Some("IEND"));
    let first_idat = kinds.iter().position(|k| k == "IDAT").unwrap();
    for k in ["iCCP", "eXIf", "iTXt"] {
        let at = kinds
            .iter()
            .position(|x| x == k)
            .unwrap_or_else(|| panic!("{k}"));
        assert!(at < first_idat, "{k} before IDAT");
    }
    let exif = &chunks.iter().find(|(k, _)| k == b"eXIf").unwrap().1;
    assert_eq!(exif, &exif_block());
    // iCCP: name, NUL, method 0, zlib stream.
    let iccp = &chunks.iter().find(|(k, _)| k == b"iCCP").unwrap().1;
    let nul = iccp.iter().position(|&b| b == 0).unwrap();
    assert_eq!(iccp[nul + 1], 0);
    let mut icc = Vec::new();
    flate2::read::ZlibDecoder::new(&iccp[nul + 2..])
        .read_to_end(&mut icc)
        .unwrap();
    assert_eq!(Some(icc), meta.icc);
    let itxt = &chunks.iter().find(|(k, _)| k == b"iTXt").unwrap().1;
    assert!(itxt.starts_with(b"XML:com.adobe.xmp\0\0\0\0\0"));
    assert!(itxt.ends_with(&xmp_block()));

    // image's decoder reads all three back and the pixels are intact.
    let mut dec = image::codecs::png::PngDecoder::new(Cursor::new(&with)).unwrap();
    assert_eq!(dec.icc_profile().unwrap(), meta.icc);
    assert_eq!(dec.exif_metadata().unwrap(), meta.exif);
    assert_eq!(dec.xmp_metadata().unwrap(), meta.xmp);
    assert_eq!(decode_image(&with).as_bytes(), frame.data());

    let without = encode(&frame, &opts(OutputFormat::Png)).unwrap();
    let kinds = fourccs(&png_chunks(&without));
    for k in ["iCCP", "eXIf", "iTXt"] {
        assert!(!kinds.iter().any(|x| x == k), "{k} without metadata");
    }
}

// ---------------------------------------------------------------- WebP

#[test]
fn webp_lossless_is_bit_exact_including_alpha() {
    let lossless = EncodeOptions {
        lossless: true,
        ..opts(OutputFormat::Webp)
    };
    // Colour under alpha = 0 must survive too.
    for frame in [
        half_transparent(45, 27),
        gradient(45, 27, PixelLayout::Rgba8),
    ] {
        let img = decode_image(&encode(&frame, &lossless).unwrap());
        assert_eq!((img.width(), img.height()), (45, 27));
        assert_eq!(img.to_rgba8().as_raw(), frame.data());
    }
    let rgb = gradient(45, 27, PixelLayout::Rgb8);
    let img = decode_image(&encode(&rgb, &lossless).unwrap());
    assert_eq!(img.to_rgb8().as_raw(), rgb.data());
    // Gray expands to RGB(A).
    let ga = gradient(45, 27, PixelLayout::GrayAlpha8);
    let img = decode_image(&encode(&ga, &lossless).unwrap());
    assert_eq!(
        img.to_rgba8().as_raw(),
        ga.to_layout(PixelLayout::Rgba8).data()
    );
}

#[test]
fn webp_lossy_keeps_alpha_and_colour() {
    let frame = half_transparent(64, 32);
    let bytes = encode(&frame, &opts(OutputFormat::Webp)).unwrap();
    let img = decode_image(&bytes).to_rgba8();
    assert_eq!(img.dimensions(), (64, 32));
    for (x, _, px) in img.enumerate_pixels() {
        let expected = if x < 32 { 0 } else { 255 };
        assert_eq!(px[3], expected, "alpha at x={x}");
    }
    let g = gradient(96, 64, PixelLayout::Rgb8);
    let img = decode_image(&encode(&g, &opts(OutputFormat::Webp)).unwrap()).to_rgb8();
    assert_eq!(img.dimensions(), (96, 64));
    let p = psnr(g.data(), img.as_raw());
    assert!(p > 30.0, "PSNR {p:.2} dB");
    // Hard saturated edges lose chroma at 4:2:0, but each quadrant's centre keeps its colour.
    let q = quadrants(64, 48);
    let img = decode_image(&encode(&q, &opts(OutputFormat::Webp)).unwrap()).to_rgb8();
    for (x, y) in [(16, 12), (48, 12), (16, 36), (48, 36)] {
        let (src, out) = (q.pixel(x, y).unwrap(), img.get_pixel(x, y).0);
        for c in 0..3 {
            assert!(src[c].abs_diff(out[c]) <= 8, "({x},{y}) {src:?} vs {out:?}");
        }
    }
}

/// RGBA with every kind of alpha: a fully transparent band, a binary disc with soft edges,
/// a translucent ramp and pseudo-random translucency (an incompressible patch).
fn mixed_alpha(w: u32, h: u32) -> Frame {
    let mut data = Vec::new();
    let mut seed = 0x2545_f491u32;
    for y in 0..h {
        for x in 0..w {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let (dx, dy) = (x as f32 - w as f32 * 0.7, y as f32 - h as f32 * 0.5);
            let r = (dx * dx + dy * dy).sqrt();
            let a = if x < w / 8 {
                0
            } else if x < w / 3 {
                (y * 255 / (h - 1).max(1)) as u8
            } else if y < h / 4 {
                (seed >> 24) as u8
            } else {
                (255.0 * (h as f32 * 0.3 - r).clamp(0.0, 1.0)) as u8
            };
            data.extend_from_slice(&[(x * 3) as u8, (y * 2) as u8, (seed >> 8) as u8, a]);
        }
    }
    Frame::new(w, h, PixelLayout::Rgba8, data).unwrap()
}

#[test]
fn webp_lossy_alpha_is_lossless_beside_libwebps_own_colour() {
    let frame = mixed_alpha(333, 217);
    let alpha: Vec<u8> = frame.data().chunks(4).map(|p| p[3]).collect();
    let helper = encode(&frame, &opts(OutputFormat::Webp)).unwrap();
    let alone = encode(
        &frame,
        &EncodeOptions {
            threads: 1,
            ..opts(OutputFormat::Webp)
        },
    )
    .unwrap();
    assert!(helper == alone, "the helper thread changed the output");

    let chunks = webp_chunks(&helper);
    assert_eq!(fourccs(&chunks), ["VP8X", "ALPH", "VP8 "]);
    assert_eq!(chunks[0].1[0], 0x10, "VP8X flags: alpha only");
    assert_eq!(chunks[1].1[0], 1, "ALPH header: lossless, no filter");

    // The colour is libwebp's own lossy encoding of the same RGBA picture.
    let mut config = webp::WebPConfig::new().unwrap();
    config.method = 4;
    config.quality = 80.0;
    let theirs = webp::Encoder::from_rgba(frame.data(), 333, 217)
        .encode_advanced(&config)
        .unwrap()
        .to_vec();
    let their_vp8 = webp_chunks(&theirs)
        .into_iter()
        .find(|(k, _)| k == b"VP8 ")
        .unwrap();
    assert!(
        chunks[2].1 == their_vp8.1,
        "VP8 stream differs from libwebp's"
    );

    // The alpha survives exactly, read by image-webp and by libwebp.
    let img = decode_image(&helper).to_rgba8();
    let decoded: Vec<u8> = img.pixels().map(|p| p[3]).collect();
    assert!(decoded == alpha, "image-webp: alpha differs");
    let libwebp = webp::Decoder::new(&helper).decode().unwrap();
    assert!(libwebp.is_alpha());
    let decoded: Vec<u8> = libwebp.chunks(4).map(|p| p[3]).collect();
    assert!(decoded == alpha, "libwebp: alpha differs");
}

#[test]
fn webp_lossy_alpha_survives_tiny_and_odd_sizes() {
    for (w, h) in [(1, 1), (1, 9), (9, 1), (2, 2), (17, 3), (3, 31)] {
        let frame = mixed_alpha(w, h);
        let alpha: Vec<u8> = frame.data().chunks(4).map(|p| p[3]).collect();
        let bytes = encode(&frame, &opts(OutputFormat::Webp)).unwrap();
        let has_alph = fourccs(&webp_chunks(&bytes)).iter().any(|k| k == "ALPH");
        assert_eq!(has_alph, alpha.iter().any(|&a| a != 255), "{w}x{h}");
        let img = decode_image(&bytes).to_rgba8();
        assert_eq!(img.dimensions(), (w, h));
        let decoded: Vec<u8> = img.pixels().map(|p| p[3]).collect();
        assert_eq!(decoded, alpha, "image-webp, {w}x{h}");
        let libwebp = webp::Decoder::new(&bytes).decode().unwrap();
        let decoded: Vec<u8> = if libwebp.is_alpha() {
            libwebp.chunks(4).map(|p| p[3]).collect()
        } else {
            vec![255; alpha.len()]
        };
        assert_eq!(decoded, alpha, "libwebp, {w}x{h}");
    }
}

#[test]
fn webp_opaque_rgba_has_no_alpha_chunk() {
    let rgb = gradient(64, 40, PixelLayout::Rgb8);
    let rgba = rgb.to_layout(PixelLayout::Rgba8);
    let bytes = encode(&rgba, &opts(OutputFormat::Webp)).unwrap();
    assert_eq!(fourccs(&webp_chunks(&bytes)), ["VP8 "]);
    assert!(bytes == encode(&rgb, &opts(OutputFormat::Webp)).unwrap());
}

#[test]
fn webp_metadata_builds_a_vp8x_container() {
    let meta = all_metadata();
    for (frame, lossless, alpha) in [
        (quadrants(30, 20), false, false),
        (half_transparent(30, 20), false, true),
        (half_transparent(30, 20), true, true),
        (gradient(30, 20, PixelLayout::Rgb8), true, false),
    ] {
        let bytes = encode(
            &frame,
            &EncodeOptions {
                lossless,
                metadata: meta.clone(),
                ..opts(OutputFormat::Webp)
            },
        )
        .unwrap();
        let chunks = webp_chunks(&bytes);
        let kinds = fourccs(&chunks);
        let image_chunk = if lossless { "VP8L" } else { "VP8 " };
        let mut expected = vec!["VP8X", "ICCP"];
        if alpha && !lossless {
            expected.push("ALPH");
        }
        expected.extend([image_chunk, "EXIF", "XMP "]);
        assert_eq!(kinds, expected, "lossless={lossless} alpha={alpha}");
        let vp8x = &chunks[0].1;
        let flags = 0x20 | 0x08 | 0x04 | if alpha { 0x10 } else { 0 };
        assert_eq!(vp8x[0], flags);
        let w = u32::from_le_bytes([vp8x[4], vp8x[5], vp8x[6], 0]) + 1;
        let h = u32::from_le_bytes([vp8x[7], vp8x[8], vp8x[9], 0]) + 1;
        assert_eq!((w, h), (30, 20));

        let mut dec = image::codecs::webp::WebPDecoder::new(Cursor::new(&bytes)).unwrap();
        assert_eq!(dec.icc_profile().unwrap(), meta.icc);
        assert_eq!(dec.exif_metadata().unwrap(), meta.exif);
        assert_eq!(dec.xmp_metadata().unwrap(), meta.xmp);
        let img = decode_image(&bytes);
        assert_eq!((img.width(), img.height()), (30, 20));
        assert_eq!(img.color().has_alpha(), alpha);
        if lossless {
            assert_eq!(img.as_bytes(), frame.data());
        }
    }
}

#[test]
fn webp_without_metadata_has_no_metadata_chunks() {
    for frame in [quadrants(30, 20), half_transparent(30, 20)] {
        let bytes = encode(&frame, &opts(OutputFormat::Webp)).unwrap();
        let kinds = fourccs(&webp_chunks(&bytes));
        for k in ["ICCP", "EXIF", "XMP "] {
            assert!(!kinds.iter().any(|x| x == k), "{k}");
        }
        if let Some(vp8x) = webp_chunks(&bytes).iter().find(|(k, _)| k == b"VP8X") {
            assert_eq!(vp8x.1[0] & (0x20 | 0x08 | 0x04), 0);
        }
    }
}

#[test]
fn webp_refuses_sides_over_16383() {
    let wide = Frame::filled(16_384, 1, PixelLayout::Rgb8, &[1, 2, 3]).unwrap();
    let err = encode(&wide, &opts(OutputFormat::Webp)).unwrap_err();
    assert_eq!(err.category(), Category::Encode);
    let ok = Frame::filled(16_383, 1, PixelLayout::Rgb8, &[1, 2, 3]).unwrap();
    let img = decode_image(&encode(&ok, &opts(OutputFormat::Webp)).unwrap());
    assert_eq!((img.width(), img.height()), (16_383, 1));
}

// ---------------------------------------------------------------- GIF

#[test]
fn gif_round_trips_few_colours_exactly() {
    let frame = quadrants(40, 30);
    let img = decode_image(&encode(&frame, &opts(OutputFormat::Gif)).unwrap()).to_rgb8();
    assert_eq!(img.dimensions(), (40, 30));
    assert_eq!(img.as_raw(), frame.data());
    let gray = gradient(40, 30, PixelLayout::Gray8);
    let img = decode_image(&encode(&gray, &opts(OutputFormat::Gif)).unwrap()).to_rgb8();
    assert_eq!(img.dimensions(), (40, 30));
}

#[test]
fn gif_alpha_below_128_becomes_transparent() {
    // Four colours, alpha ramp along x.
    let (w, h) = (64u32, 8u32);
    let mut data = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let c = [[200, 0, 0], [0, 200, 0], [0, 0, 200], [90, 90, 90]][(y % 4) as usize];
            data.extend_from_slice(&[c[0], c[1], c[2], (x * 4) as u8]);
        }
    }
    let frame = Frame::new(w, h, PixelLayout::Rgba8, data).unwrap();
    let img = decode_image(&encode(&frame, &opts(OutputFormat::Gif)).unwrap()).to_rgba8();
    assert_eq!(img.dimensions(), (w, h));
    for (x, y, px) in img.enumerate_pixels() {
        let src = frame.pixel(x, y).unwrap();
        if src[3] < 128 {
            assert_eq!(px[3], 0, "({x},{y}) transparent");
        } else {
            assert_eq!(&px.0, &[src[0], src[1], src[2], 255], "({x},{y})");
        }
    }
}

// ---------------------------------------------------------------- AVIF

#[cfg(feature = "avif")]
fn ftyp_brand(b: &[u8]) -> &[u8] {
    assert_eq!(&b[4..8], b"ftyp");
    &b[8..12]
}

#[cfg(feature = "avif")]
#[test]
fn avif_writes_an_avif_file_for_every_layout() {
    for layout in [
        PixelLayout::Gray8,
        PixelLayout::GrayAlpha8,
        PixelLayout::Rgb8,
        PixelLayout::Rgba8,
    ] {
        let frame = gradient(48, 32, layout);
        let bytes = encode(&frame, &opts(OutputFormat::Avif)).unwrap();
        assert!(bytes.len() > 100, "{layout:?}: {} bytes", bytes.len());
        assert_eq!(ftyp_brand(&bytes), b"avif", "{layout:?}");
        // An alpha plane is an auxiliary image item (auxC box with the alpha URN).
        let has_alpha_item = bytes
            .windows(28)
            .any(|w| w == b"urn:mpeg:mpegB:cicp:systems:");
        assert_eq!(has_alpha_item, layout.has_alpha(), "{layout:?}");
    }
}

#[cfg(feature = "avif")]
#[test]
fn avif_embeds_exif_when_given() {
    let frame = quadrants(32, 32);
    let with = encode(
        &frame,
        &EncodeOptions {
            metadata: all_metadata(),
            ..opts(OutputFormat::Avif)
        },
    )
    .unwrap();
    let exif = exif_block();
    assert!(with.windows(exif.len()).any(|w| w == exif.as_slice()));
    let without = encode(&frame, &opts(OutputFormat::Avif)).unwrap();
    assert!(!without.windows(exif.len()).any(|w| w == exif.as_slice()));
    assert!(!without.windows(4).any(|w| w == b"Exif"));
}

// ---------------------------------------------------------------- all formats

#[test]
fn higher_quality_gives_larger_files() {
    let frame = gradient(96, 64, PixelLayout::Rgb8);
    let mut formats = vec![OutputFormat::Jpeg, OutputFormat::Webp];
    if cfg!(feature = "avif") {
        formats.push(OutputFormat::Avif);
    }
    for format in formats {
        let at = |quality| {
            encode(
                &frame,
                &EncodeOptions {
                    quality,
                    ..opts(format)
                },
            )
            .unwrap()
            .len()
        };
        let (low, high) = (at(20), at(95));
        assert!(low < high, "{format:?}: q20 {low} B, q95 {high} B");
    }
}

#[test]
fn out_of_range_quality_is_clamped() {
    let frame = gradient(16, 16, PixelLayout::Rgb8);
    for format in [OutputFormat::Jpeg, OutputFormat::Webp] {
        let q0 = encode(
            &frame,
            &EncodeOptions {
                quality: 0,
                ..opts(format)
            },
        )
        .unwrap();
        let q1 = encode(
            &frame,
            &EncodeOptions {
                quality: 1,
                ..opts(format)
            },
        )
        .unwrap();
        assert_eq!(q0, q1, "{format:?}");
        let q255 = encode(
            &frame,
            &EncodeOptions {
                quality: 255,
                ..opts(format)
            },
        )
        .unwrap();
        let q100 = encode(
            &frame,
            &EncodeOptions {
                quality: 100,
                ..opts(format)
            },
        )
        .unwrap();
        assert_eq!(q255, q100, "{format:?}");
    }
}

#[test]
fn every_format_round_trips_a_one_pixel_frame() {
    let px = Frame::filled(1, 1, PixelLayout::Rgba8, &[10, 200, 30, 255]).unwrap();
    for format in [OutputFormat::Png, OutputFormat::Webp, OutputFormat::Gif] {
        let img = decode_image(&encode(&px, &opts(format)).unwrap());
        assert_eq!((img.width(), img.height()), (1, 1), "{format:?}");
    }
    let (w, h, _, _) = decode_jpeg(&encode(&px, &opts(OutputFormat::Jpeg)).unwrap());
    assert_eq!((w, h), (1, 1));
}
