//! Integration tests: codec (decode side).

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::ImageEncoder;
use pixform::codec::decode::*;
use pixform::codec::metadata::{exif_orientation, reset_orientation};
use pixform::{Error, Frame, Limit, PixelLayout};

const CORPUS: &str = "../shared/corpus";

fn corpus_dir(sub: &str) -> PathBuf {
    Path::new(CORPUS).join(sub)
}

/// Files of a corpus folder, sorted (the folder is a random half of a larger set, so tests
/// select by name pattern, never by one fixed name).
fn corpus_files(sub: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(corpus_dir(sub))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn file_name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

fn opts() -> DecodeOptions {
    DecodeOptions::default()
}

fn lim() -> DecodeLimits {
    DecodeLimits::default()
}

fn dec(bytes: &[u8], format: InputFormat) -> Decoded {
    decode(bytes, format, &opts(), &lim()).unwrap()
}

/// Four flat quadrants (red, green, blue, white) of `w × h`, as RGB8.
const QUAD: [[u8; 3]; 4] = [[220, 30, 40], [30, 200, 60], [40, 50, 210], [250, 250, 250]];

fn quad_rgb(w: usize, h: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(w * h * 3);
    for y in 0..h {
        for x in 0..w {
            let q = usize::from(x >= w / 2) + 2 * usize::from(y >= h / 2);
            v.extend_from_slice(&QUAD[q]);
        }
    }
    v
}

/// Checks the centre of each quadrant against QUAD within `tol`.
fn assert_quads(f: &Frame, tol: u8) {
    let (w, h) = (f.width(), f.height());
    let centres = [
        (w / 4, h / 4),
        (3 * w / 4, h / 4),
        (w / 4, 3 * h / 4),
        (3 * w / 4, 3 * h / 4),
    ];
    for (q, (x, y)) in centres.into_iter().enumerate() {
        let p = f.pixel(x, y).unwrap();
        for c in 0..3 {
            let d = p[c].abs_diff(QUAD[q][c]);
            assert!(d <= tol, "quadrant {q} at {x},{y}: {p:?} vs {:?}", QUAD[q]);
        }
    }
}

struct Jpeg {
    progressive: bool,
    /// Chroma pixel size: (1,1) = 4:4:4, (2,2) = 4:2:0.
    chroma: (u8, u8),
    gray: bool,
}

fn encode_jpeg(w: usize, h: usize, rgb: &[u8], o: Jpeg) -> Vec<u8> {
    std::panic::catch_unwind(|| {
        let cs = if o.gray {
            mozjpeg::ColorSpace::JCS_GRAYSCALE
        } else {
            mozjpeg::ColorSpace::JCS_RGB
        };
        let mut c = mozjpeg::Compress::new(cs);
        // libjpeg-turbo defaults: baseline, standard tables.
        c.set_fastest_defaults();
        c.set_size(w, h);
        c.set_quality(95.0);
        if o.progressive {
            c.set_progressive_mode();
        }
        if !o.gray {
            c.set_chroma_sampling_pixel_sizes(o.chroma, o.chroma);
        }
        let mut s = c.start_compress(Vec::new()).unwrap();
        if o.gray {
            let g: Vec<u8> = rgb
                .chunks(3)
                .map(|p| pixform::luma(p[0], p[1], p[2]))
                .collect();
            s.write_scanlines(&g).unwrap();
        } else {
            s.write_scanlines(rgb).unwrap();
        }
        s.finish().unwrap()
    })
    .unwrap()
}

fn baseline(chroma: (u8, u8)) -> Jpeg {
    Jpeg {
        progressive: false,
        chroma,
        gray: false,
    }
}

#[test]
fn jpeg_baseline_444_and_420_decode_size_and_pixels() {
    for chroma in [(1, 1), (2, 2)] {
        let j = encode_jpeg(64, 48, &quad_rgb(64, 48), baseline(chroma));
        let h = read_header(&j, InputFormat::Jpeg, &lim()).unwrap();
        assert_eq!((h.width, h.height, h.progressive), (64, 48, false));
        assert_eq!(
            (h.orientation, h.has_alpha, h.frame_count),
            (1, false, Some(1))
        );
        let d = dec(&j, InputFormat::Jpeg);
        assert_eq!(d.scale_denom, 1);
        assert_eq!(d.frame.layout(), PixelLayout::Rgb8);
        assert_eq!((d.frame.width(), d.frame.height()), (64, 48));
        assert_quads(d.frame.as_eight().unwrap(), 6);
        assert!(d.metadata.is_empty());
    }
}

#[test]
fn jpeg_progressive_decodes() {
    let j = encode_jpeg(
        80,
        64,
        &quad_rgb(80, 64),
        Jpeg {
            progressive: true,
            chroma: (2, 2),
            gray: false,
        },
    );
    let h = read_header(&j, InputFormat::Jpeg, &lim()).unwrap();
    assert!(h.progressive);
    let d = dec(&j, InputFormat::Jpeg);
    assert_eq!((d.frame.width(), d.frame.height()), (80, 64));
    assert_quads(d.frame.as_eight().unwrap(), 6);
}

#[test]
fn jpeg_grayscale_stays_gray8() {
    let j = encode_jpeg(
        48,
        32,
        &quad_rgb(48, 32),
        Jpeg {
            progressive: false,
            chroma: (1, 1),
            gray: true,
        },
    );
    let d = dec(&j, InputFormat::Jpeg);
    assert_eq!(d.frame.layout(), PixelLayout::Gray8);
    assert_eq!((d.frame.width(), d.frame.height()), (48, 32));
    let want = QUAD.map(|c| pixform::luma(c[0], c[1], c[2]));
    for (q, (x, y)) in [(12, 8), (36, 8), (12, 24), (36, 24)]
        .into_iter()
        .enumerate()
    {
        let got = d.frame.as_eight().unwrap().pixel(x, y).unwrap()[0];
        assert!(got.abs_diff(want[q]) <= 3, "{q}: {got} vs {}", want[q]);
    }
}

#[test]
fn jpeg_shrink_on_load_picks_scale_and_size() {
    // Odd size, so ceil matters: 203 / 8 = 25.4 → 26.
    let (w, h) = (203u32, 157u32);
    for progressive in [false, true] {
        let j = encode_jpeg(
            w as usize,
            h as usize,
            &quad_rgb(w as usize, h as usize),
            Jpeg {
                progressive,
                chroma: (2, 2),
                gray: false,
            },
        );
        let cases = [
            (None, 1u8),
            (Some((10, 10)), 8),
            (Some((26, 20)), 8),
            (Some((27, 20)), 4),
            (Some((51, 40)), 4),
            (Some((52, 10)), 2),
            (Some((100, 79)), 2),
            (Some((103, 79)), 1),
            (Some((300, 300)), 1),
        ];
        for (min_size, want) in cases {
            let o = DecodeOptions {
                min_size,
                want_metadata: false,
                ..DecodeOptions::default()
            };
            let d = decode(&j, InputFormat::Jpeg, &o, &lim()).unwrap();
            assert_eq!(d.scale_denom, want, "{min_size:?}");
            let dd = u32::from(want);
            let (ew, eh) = (w.div_ceil(dd), h.div_ceil(dd));
            assert!(d.frame.width().abs_diff(ew) <= 1 && d.frame.height().abs_diff(eh) <= 1);
            if let Some((mw, mh)) = min_size {
                assert!(want == 1 || (d.frame.width() >= mw && d.frame.height() >= mh));
            }
            assert_quads(d.frame.as_eight().unwrap(), 10);
        }
    }
}

#[test]
fn jpeg_with_restart_markers_decodes() {
    let files: Vec<_> = corpus_files("odd/jpeg")
        .into_iter()
        .filter(|p| {
            let n = file_name(p);
            n.contains("restart") && !n.contains("arith")
        })
        .collect();
    assert!(
        !files.is_empty(),
        "no restart-marker JPEG in the corpus half"
    );
    for p in &files {
        let b = std::fs::read(p).unwrap();
        // The file really uses restart intervals (a DRI marker).
        assert!(b.windows(2).any(|w| w == [0xFF, 0xDD]), "{p:?} has no DRI");
        let h = read_header(&b, InputFormat::Jpeg, &lim()).unwrap();
        let d = dec(&b, InputFormat::Jpeg);
        assert_eq!((d.frame.width(), d.frame.height()), (h.width, h.height));
        // Not a flat fill (which is what libjpeg leaves where data is missing).
        let first = d.frame.as_eight().unwrap().pixel(0, 0).unwrap().to_vec();
        assert!(d
            .frame
            .as_eight()
            .unwrap()
            .data()
            .chunks(3)
            .any(|p| p != first.as_slice()));
    }
}

#[test]
fn corpus_photo_headers_are_exact() {
    // Size from the file name; coding from the corpus README.
    let progressive = ["dragonfly", "elephants", "wine", "seeding"];
    let mut seen = 0;
    for p in corpus_files("photos") {
        let n = file_name(&p);
        if !n.ends_with(".jpg") {
            continue;
        }
        let dims = n.trim_end_matches(".jpg").rsplit('-').next().unwrap();
        let (w, h) = dims.split_once('x').unwrap();
        let (w, h): (u32, u32) = (w.parse().unwrap(), h.parse().unwrap());
        let b = std::fs::read(&p).unwrap();
        let hd = read_header(&b, InputFormat::Jpeg, &lim()).unwrap();
        assert_eq!((hd.width, hd.height), (w, h), "{n}");
        let prog = progressive.iter().any(|s| n.starts_with(s));
        assert_eq!(hd.progressive, prog, "{n}");
        let want_orientation = if n.starts_with("wood-exif-orient6") {
            6
        } else {
            1
        };
        assert_eq!(hd.orientation, want_orientation, "{n}");
        seen += 1;
    }
    assert!(seen >= 6, "photos corpus missing ({seen} files)");
}

#[test]
fn corpus_photo_shrinks_and_carries_exif() {
    let b = std::fs::read(corpus_dir("photos/wood-exif-orient6-2560x1920.jpg")).unwrap();
    let o = DecodeOptions {
        min_size: Some((300, 300)),
        want_metadata: true,
        ..DecodeOptions::default()
    };
    let d = decode(&b, InputFormat::Jpeg, &o, &lim()).unwrap();
    // 2560/8 = 320 but 1920/8 = 240 < 300, so 1/4.
    assert_eq!(d.scale_denom, 4);
    assert_eq!((d.frame.width(), d.frame.height()), (640, 480));
    assert_eq!(d.orientation, 6);
    let mut exif = d.metadata.exif.clone().expect("EXIF");
    assert!(exif.starts_with(b"II*\0") || exif.starts_with(b"MM\0*"));
    assert_eq!(exif_orientation(&exif), Some(6));
    assert!(reset_orientation(&mut exif));
    assert_eq!(exif_orientation(&exif), Some(1));
    // The same EXIF block (the file has a 64 KB APP1) over a small limit.
    let small = DecodeLimits {
        max_metadata_bytes: 1000,
        ..lim()
    };
    match decode(&b, InputFormat::Jpeg, &o, &small) {
        Err(Error::LimitExceeded {
            limit: Limit::MetadataBytes,
            actual,
            max: 1000,
        }) => assert_eq!(actual, d.metadata.exif.as_ref().unwrap().len() as u64),
        other => panic!("{other:?}"),
    }
    // Without metadata the limit does not matter.
    let o2 = DecodeOptions {
        want_metadata: false,
        ..o
    };
    assert!(decode(&b, InputFormat::Jpeg, &o2, &small).is_ok());
}

#[test]
fn corpus_orientation_files_report_their_orientation() {
    let mut checked = 0;
    for (sub, format) in [
        ("odd/jpeg", InputFormat::Jpeg),
        ("odd/webp", InputFormat::Webp),
    ] {
        for p in corpus_files(sub) {
            let n = file_name(&p);
            if n.starts_with("derived--arith") {
                continue;
            }
            // pillow--hopper_orientation_N.* and libvips--rotation--N.jpg
            let digit = if let Some(rest) = n.split("orientation_").nth(1) {
                rest.chars().next()
            } else if let Some(rest) = n.split("rotation--").nth(1) {
                rest.chars().next()
            } else {
                continue;
            };
            let Some(want) = digit.and_then(|c| c.to_digit(10)) else {
                continue; // e.g. pillow--orientation_rectangle.jpg
            };
            let want = want as u8;
            let b = std::fs::read(&p).unwrap();
            let h = read_header(&b, format, &lim()).unwrap();
            assert_eq!(h.orientation, want, "{n}");
            let with_md = DecodeOptions {
                min_size: None,
                want_metadata: true,
                ..DecodeOptions::default()
            };
            let d = decode(&b, format, &with_md, &lim()).unwrap();
            assert_eq!(d.orientation, want, "{n}");
            if format != InputFormat::Tiff {
                // The EXIF block comes back as bare TIFF (Pillow's WebP `Exif\0\0` prefix
                // stripped).
                let exif = d.metadata.exif.as_deref().unwrap();
                assert!(
                    exif.starts_with(b"II*\0") || exif.starts_with(b"MM\0*"),
                    "{n}"
                );
            }
            assert_eq!((d.frame.width(), d.frame.height()), (h.width, h.height));
            checked += 1;
        }
    }
    assert!(checked >= 5, "only {checked} orientation files found");
}

#[test]
fn cmyk_and_ycck_jpegs_decode_to_plausible_rgb() {
    let mut checked = 0;
    for p in corpus_files("odd/jpeg") {
        let n = file_name(&p);
        if !(n.contains("cmyk") || n.contains("ycck")) || n.contains("arith") {
            continue;
        }
        let b = std::fs::read(&p).unwrap();
        let d = dec(&b, InputFormat::Jpeg);
        assert_eq!(d.frame.layout(), PixelLayout::Rgb8, "{n}");
        checked += 1;
        if n.ends_with("jpg-cmyk-2.jpg") {
            // Coloured words on white: the corners are white (inverted Adobe CMYK read
            // the wrong way round would give black).
            for (x, y) in [(2, 2), (253, 2), (2, 253), (253, 253)] {
                assert!(
                    d.frame
                        .as_eight()
                        .unwrap()
                        .pixel(x, y)
                        .unwrap()
                        .iter()
                        .all(|&v| v >= 240),
                    "{n}"
                );
            }
            // The word "yellow" (about x 125..185, y 70..88) has yellow ink: blue low, red
            // and green high.
            let px = (125..185)
                .flat_map(|x| (70..88).map(move |y| (x, y)))
                .map(|(x, y)| d.frame.as_eight().unwrap().pixel(x, y).unwrap())
                .min_by_key(|p| p[2])
                .unwrap();
            assert!(px[2] < 120 && px[0] > 180 && px[1] > 180, "{n}: {px:?}");
        }
        if n.ends_with("ycck.jpg") {
            // A park photo: the lawn at the lower left is green.
            let (mut r, mut g, mut bl) = (0u64, 0u64, 0u64);
            for y in 230..280 {
                for x in 20..120 {
                    let p = d.frame.as_eight().unwrap().pixel(x, y).unwrap();
                    r += u64::from(p[0]);
                    g += u64::from(p[1]);
                    bl += u64::from(p[2]);
                }
            }
            assert!(g > r + r / 4 && g > 2 * bl, "{n}: {r} {g} {bl}");
        }
    }
    assert!(checked >= 1, "no CMYK JPEG in the corpus half");
}

#[test]
fn truncated_jpeg_is_undecodable() {
    for progressive in [false, true] {
        let j = encode_jpeg(
            64,
            64,
            &quad_rgb(64, 64),
            Jpeg {
                progressive,
                chroma: (2, 2),
                gray: false,
            },
        );
        // Every cut that removes part of the entropy-coded data.
        let sos = j.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
        for cut in (sos + 16..j.len() - 2).step_by(7) {
            match decode(&j[..cut], InputFormat::Jpeg, &opts(), &lim()) {
                Err(Error::Undecodable { format: "jpeg", .. }) => {}
                other => panic!("cut {cut} of {}: {other:?}", j.len()),
            }
        }
        // Cuts inside the header never panic either.
        for cut in 0..sos + 16 {
            let _ = read_header(&j[..cut], InputFormat::Jpeg, &lim());
            assert!(decode(&j[..cut], InputFormat::Jpeg, &opts(), &lim()).is_err());
        }
    }
    for p in corpus_files("odd/jpeg") {
        let n = file_name(&p);
        if n.contains("truncated_jpeg") || n.ends_with(".truncated.jpeg") {
            let b = std::fs::read(&p).unwrap();
            let r = decode(&b, InputFormat::Jpeg, &opts(), &lim());
            assert!(matches!(r, Err(Error::Undecodable { .. })), "{n}: {r:?}");
        }
    }
}

#[test]
fn jpeg_icc_profile_reassembled_and_bounded() {
    // 70000 bytes need two APP2 chunks.
    let icc: Vec<u8> = (0..70_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let j = std::panic::catch_unwind(|| {
        let mut c = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_RGB);
        c.set_fastest_defaults();
        c.set_size(16, 16);
        let mut s = c.start_compress(Vec::new()).unwrap();
        // mozjpeg 0.10.13's write_icc_profile numbers chunks from 0, which the ICC spec
        // (and libjpeg's reader) reject, so write the APP2 chunks by hand, numbered from 1.
        let chunks: Vec<&[u8]> = icc.chunks(65519).collect();
        for (i, chunk) in chunks.iter().enumerate() {
            let mut m = b"ICC_PROFILE\0".to_vec();
            m.extend_from_slice(&[i as u8 + 1, chunks.len() as u8]);
            m.extend_from_slice(chunk);
            s.write_marker(mozjpeg::Marker::APP(2), &m);
        }
        s.write_scanlines(&quad_rgb(16, 16)).unwrap();
        s.finish().unwrap()
    })
    .unwrap();
    let o = DecodeOptions {
        min_size: None,
        want_metadata: true,
        ..DecodeOptions::default()
    };
    let d = decode(&j, InputFormat::Jpeg, &o, &lim()).unwrap();
    assert_eq!(d.metadata.icc.as_deref(), Some(&icc[..]));
    assert_eq!(d.metadata.exif, None);
    let small = DecodeLimits {
        max_metadata_bytes: 69_999,
        ..lim()
    };
    assert!(matches!(
        decode(&j, InputFormat::Jpeg, &o, &small),
        Err(Error::LimitExceeded {
            limit: Limit::MetadataBytes,
            actual: 70_000,
            max: 69_999
        })
    ));
    // Broken chunk sequences (corpus: count mismatch, duplicate or zero sequence number)
    // drop the profile but still decode.
    for p in corpus_files("odd/jpeg") {
        let n = file_name(&p);
        if n.contains("icc_chunk") {
            let b = std::fs::read(&p).unwrap();
            let d = decode(&b, InputFormat::Jpeg, &o, &lim()).unwrap();
            assert_eq!(d.metadata.icc, None, "{n}");
        }
    }
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
}

#[test]
fn png_bomb_header_is_refused_by_read_header() {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    png_chunk(&mut png, b"IHDR", &ihdr);
    png_chunk(
        &mut png,
        b"IDAT",
        &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    png_chunk(&mut png, b"IEND", &[]);
    // Side limit first.
    assert_eq!(
        read_header(&png, InputFormat::Png, &lim()),
        Err(Error::LimitExceeded {
            limit: Limit::Dimension,
            actual: 100_000,
            max: 65_535
        })
    );
    // Pixel limit when sides are allowed: 10^10 pixels (40 GB of RGBA), refused from the
    // header alone.
    let wide = DecodeLimits {
        max_dimension: 1 << 20,
        ..lim()
    };
    assert_eq!(
        read_header(&png, InputFormat::Png, &wide),
        Err(Error::LimitExceeded {
            limit: Limit::InputPixels,
            actual: 10_000_000_000,
            max: 100_000_000
        })
    );
    assert!(matches!(
        decode(&png, InputFormat::Png, &opts(), &wide),
        Err(Error::LimitExceeded {
            limit: Limit::InputPixels,
            ..
        })
    ));
}

fn png_bytes(
    w: u32,
    h: u32,
    data: &[u8],
    color: image::ExtendedColorType,
    icc: Option<Vec<u8>>,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut e = image::codecs::png::PngEncoder::new(&mut out);
    if let Some(icc) = icc {
        e.set_icc_profile(icc).unwrap();
    }
    e.write_image(data, w, h, color).unwrap();
    out
}

#[test]
fn png_layouts_and_16_bit() {
    // RGBA8 with real alpha, exact.
    let rgba: Vec<u8> = (0..6 * 4 * 4).map(|i| (i * 11 % 256) as u8).collect();
    let p = png_bytes(6, 4, &rgba, image::ExtendedColorType::Rgba8, None);
    let h = read_header(&p, InputFormat::Png, &lim()).unwrap();
    assert_eq!(
        (h.width, h.height, h.has_alpha, h.frame_count),
        (6, 4, true, Some(1))
    );
    let d = dec(&p, InputFormat::Png);
    assert_eq!(d.frame.layout(), PixelLayout::Rgba8);
    assert_eq!(d.frame.as_eight().unwrap().data(), &rgba[..]);
    // Gray + alpha.
    let la = [0u8, 255, 100, 0, 200, 128, 50, 7];
    let d = dec(
        &png_bytes(2, 2, &la, image::ExtendedColorType::La8, None),
        InputFormat::Png,
    );
    assert_eq!(
        (d.frame.layout(), d.frame.as_eight().unwrap().data()),
        (PixelLayout::GrayAlpha8, &la[..])
    );
    // 16-bit RGB → 8-bit, rounded.
    let vals: [u16; 6] = [0, 65535, 257 * 100, 257 * 100 + 128, 300, 65000];
    // image's encoder takes native-endian 16-bit samples.
    let ne: Vec<u8> = vals.iter().flat_map(|v| v.to_ne_bytes()).collect();
    let d = dec(
        &png_bytes(2, 1, &ne, image::ExtendedColorType::Rgb16, None),
        InputFormat::Png,
    );
    assert_eq!(d.frame.layout(), PixelLayout::Rgb8);
    assert_eq!(
        d.frame.as_eight().unwrap().data(),
        &[0, 255, 100, 100, 1, 253]
    );
}

#[test]
fn png_icc_and_truncation() {
    let icc: Vec<u8> = (0..3000u32).map(|i| (i % 256) as u8).collect();
    let rgb = quad_rgb(32, 32);
    let p = png_bytes(
        32,
        32,
        &rgb,
        image::ExtendedColorType::Rgb8,
        Some(icc.clone()),
    );
    let o = DecodeOptions {
        min_size: None,
        want_metadata: true,
        ..DecodeOptions::default()
    };
    let d = decode(&p, InputFormat::Png, &o, &lim()).unwrap();
    assert_eq!(d.metadata.icc.as_deref(), Some(&icc[..]));
    assert_eq!(d.frame.as_eight().unwrap().data(), &rgb[..]);
    let small = DecodeLimits {
        max_metadata_bytes: 2999,
        ..lim()
    };
    assert!(matches!(
        decode(&p, InputFormat::Png, &o, &small),
        Err(Error::LimitExceeded {
            limit: Limit::MetadataBytes,
            actual: 3000,
            ..
        })
    ));
    // Truncated anywhere after the header: undecodable, never a panic.
    for cut in (40..p.len() - 12).step_by(13) {
        let r = decode(&p[..cut], InputFormat::Png, &opts(), &lim());
        assert!(
            matches!(r, Err(Error::Undecodable { format: "png", .. })),
            "cut {cut}: {r:?}"
        );
    }
}

#[test]
fn png_suite_interlaced_equals_non_interlaced_and_palettes_expand() {
    let files = corpus_files("odd/png");
    let names: Vec<String> = files.iter().map(|p| file_name(p)).collect();
    let mut pairs = 0;
    for n in &names {
        // pngsuite--XXXiYYY.png ↔ pngsuite--XXXnYYY.png (Adam7 vs not).
        let Some(stem) = n.strip_prefix("pngsuite--") else {
            continue;
        };
        if stem.len() != 12 || stem.as_bytes()[3] != b'i' {
            continue;
        }
        let twin = format!("pngsuite--{}n{}", &stem[..3], &stem[4..]);
        if !names.contains(&twin) {
            continue;
        }
        let a = std::fs::read(corpus_dir("odd/png").join(n)).unwrap();
        let b = std::fs::read(corpus_dir("odd/png").join(&twin)).unwrap();
        let (da, db) = (dec(&a, InputFormat::Png), dec(&b, InputFormat::Png));
        assert_eq!(da.frame, db.frame, "{n} vs {twin}");
        pairs += 1;
    }
    assert!(
        pairs >= 1,
        "no interlaced/plain PngSuite pair in this corpus half"
    );
    // Palette files (colour type 3) decode to RGB(A) 8-bit; tRNS gives alpha.
    for n in names
        .iter()
        .filter(|n| n.starts_with("pngsuite--") && n.contains("3p"))
    {
        if n.starts_with("pngsuite--x") {
            continue;
        }
        let b = std::fs::read(corpus_dir("odd/png").join(n)).unwrap();
        let d = dec(&b, InputFormat::Png);
        let has_trns = b.windows(4).any(|w| w == b"tRNS");
        let want = if has_trns {
            PixelLayout::Rgba8
        } else {
            PixelLayout::Rgb8
        };
        assert_eq!(d.frame.layout(), want, "{n}");
    }
}

#[test]
fn gif_first_frame_and_frame_count() {
    let red = image::RgbaImage::from_pixel(5, 3, image::Rgba([255, 0, 0, 255]));
    let mut second = image::RgbaImage::from_pixel(5, 3, image::Rgba([0, 0, 255, 255]));
    second.put_pixel(0, 0, image::Rgba([0, 255, 0, 255]));
    let mut out = Vec::new();
    {
        let mut e = image::codecs::gif::GifEncoder::new(&mut out);
        e.encode_frames(vec![image::Frame::new(red), image::Frame::new(second)])
            .unwrap();
    }
    let h = read_header(&out, InputFormat::Gif, &lim()).unwrap();
    assert_eq!((h.width, h.height, h.frame_count), (5, 3, Some(2)));
    let d = dec(&out, InputFormat::Gif);
    assert_eq!(d.frame.layout(), PixelLayout::Rgba8);
    assert!(d
        .frame
        .as_eight()
        .unwrap()
        .data()
        .chunks(4)
        .all(|p| p == [255, 0, 0, 255]));
    let one_frame = DecodeLimits {
        max_frames: 1,
        ..lim()
    };
    assert!(matches!(
        read_header(&out, InputFormat::Gif, &one_frame),
        Err(Error::LimitExceeded {
            limit: Limit::Frames,
            actual: 2,
            max: 1
        })
    ));
}

#[test]
fn bmp_tiff_webp_ico_round_trip() {
    let rgb = quad_rgb(10, 6);
    // BMP.
    let mut bmp = Vec::new();
    image::codecs::bmp::BmpEncoder::new(&mut bmp)
        .write_image(&rgb, 10, 6, image::ExtendedColorType::Rgb8)
        .unwrap();
    let d = dec(&bmp, InputFormat::Bmp);
    assert_eq!(
        (d.frame.layout(), d.frame.as_eight().unwrap().data()),
        (PixelLayout::Rgb8, &rgb[..])
    );
    // TIFF, 8 and 16 bit.
    let mut tif = Cursor::new(Vec::new());
    image::codecs::tiff::TiffEncoder::new(&mut tif)
        .write_image(&rgb, 10, 6, image::ExtendedColorType::Rgb8)
        .unwrap();
    let d = dec(tif.get_ref(), InputFormat::Tiff);
    assert_eq!(
        (d.frame.layout(), d.frame.as_eight().unwrap().data()),
        (PixelLayout::Rgb8, &rgb[..])
    );
    let rgb16: Vec<u8> = rgb
        .iter()
        .flat_map(|&v| (u16::from(v) * 257).to_ne_bytes())
        .collect();
    let mut tif16 = Cursor::new(Vec::new());
    image::codecs::tiff::TiffEncoder::new(&mut tif16)
        .write_image(&rgb16, 10, 6, image::ExtendedColorType::Rgb16)
        .unwrap();
    let d = dec(tif16.get_ref(), InputFormat::Tiff);
    assert_eq!(
        (d.frame.layout(), d.frame.as_eight().unwrap().data()),
        (PixelLayout::Rgb8, &rgb[..])
    );
    // WebP lossless with alpha.
    let rgba: Vec<u8> = rgb
        .chunks(3)
        .enumerate()
        .flat_map(|(i, p)| [p[0], p[1], p[2], (i * 4) as u8])
        .collect();
    let mut webp = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut webp)
        .write_image(&rgba, 10, 6, image::ExtendedColorType::Rgba8)
        .unwrap();
    let h = read_header(&webp, InputFormat::Webp, &lim()).unwrap();
    assert_eq!(
        (h.width, h.height, h.has_alpha, h.frame_count),
        (10, 6, true, Some(1))
    );
    let d = dec(&webp, InputFormat::Webp);
    assert_eq!(
        (d.frame.layout(), d.frame.as_eight().unwrap().data()),
        (PixelLayout::Rgba8, &rgba[..])
    );
    // ICO with two entries: the larger one is decoded.
    let small = image::RgbaImage::from_pixel(16, 16, image::Rgba([1, 2, 3, 255]));
    let big = image::RgbaImage::from_pixel(48, 48, image::Rgba([9, 8, 7, 255]));
    let frames = [
        image::codecs::ico::IcoFrame::as_png(
            small.as_raw(),
            16,
            16,
            image::ExtendedColorType::Rgba8,
        )
        .unwrap(),
        image::codecs::ico::IcoFrame::as_png(big.as_raw(), 48, 48, image::ExtendedColorType::Rgba8)
            .unwrap(),
    ];
    let mut ico = Vec::new();
    image::codecs::ico::IcoEncoder::new(&mut ico)
        .encode_images(&frames)
        .unwrap();
    let d = dec(&ico, InputFormat::Ico);
    assert_eq!((d.frame.width(), d.frame.height()), (48, 48));
    assert_eq!(
        d.frame.as_eight().unwrap().pixel(20, 20),
        Some(&[9u8, 8, 7, 255][..])
    );
}

#[test]
fn animated_webp_first_frame_and_count() {
    let mut seen = 0;
    for p in corpus_files("odd/webp") {
        let n = file_name(&p);
        if !n.contains("animated") {
            continue;
        }
        let b = std::fs::read(&p).unwrap();
        let h = read_header(&b, InputFormat::Webp, &lim()).unwrap();
        assert!(h.frame_count.unwrap() > 1, "{n}: {h:?}");
        let d = dec(&b, InputFormat::Webp);
        assert_eq!((d.frame.width(), d.frame.height()), (h.width, h.height));
        seen += 1;
    }
    assert!(seen >= 1);
}

/// Every odd/broken corpus file in a decodable format either decodes or returns a typed
/// error, under tight limits.
#[test]
fn odd_corpus_never_panics() {
    let tight = DecodeLimits {
        max_pixels: 16_000_000,
        max_dimension: 16_384,
        max_metadata_bytes: 1 << 20,
        max_frames: 500,
    };
    let o = DecodeOptions {
        min_size: None,
        want_metadata: true,
        ..DecodeOptions::default()
    };
    let mut n = 0;
    for (sub, format) in [
        ("odd/jpeg", InputFormat::Jpeg),
        ("odd/png", InputFormat::Png),
        ("odd/gif", InputFormat::Gif),
        ("odd/webp", InputFormat::Webp),
        ("odd/bmp", InputFormat::Bmp),
        ("odd/tiff", InputFormat::Tiff),
        ("odd/ico", InputFormat::Ico),
    ] {
        for p in corpus_files(sub) {
            let b = std::fs::read(&p).unwrap();
            let h = read_header(&b, format, &tight);
            let d = decode(&b, format, &o, &tight);
            if let Ok(d) = &d {
                assert!(d.frame.width() <= 16_384 && d.frame.height() <= 16_384);
                // A decodable file has a readable header of the same size.
                let h = h.as_ref().unwrap();
                assert_eq!(
                    (d.frame.width(), d.frame.height()),
                    (h.width, h.height),
                    "{p:?}"
                );
            }
            if std::env::var_os("PIXFORM_CORPUS_LOG").is_some() {
                eprintln!(
                    "{}: {:?}",
                    file_name(&p),
                    d.as_ref().map(|d| d.frame.clone())
                );
            }
            if let Err(e) = &d {
                assert!(
                    matches!(e, Error::Undecodable { .. } | Error::LimitExceeded { .. }),
                    "{p:?}: {e:?}"
                );
            }
            n += 1;
        }
    }
    assert!(n > 500, "corpus incomplete: {n} files");
}

/// A deadline stops a decode that is already running: the readers and the row loops check
/// it, so a slow decode ends with `DeadlineExceeded` rather than running on. Without those
/// checks `decode` has no deadline at all and these full decodes (tens to hundreds of
/// milliseconds each) would succeed.
#[test]
fn deadline_stops_a_decode_in_progress() {
    use std::time::{Duration, Instant};
    let photos = Path::new(CORPUS).join("photos");
    for (name, format) in [
        ("elephants-painting-3840x2160.jpg", InputFormat::Jpeg), // progressive
        ("kleiber-nuthatch-6028x3391.jpg", InputFormat::Jpeg),   // baseline
        ("gulp-alpha-1920x1200.png", InputFormat::Png),
    ] {
        let bytes = std::fs::read(photos.join(name)).unwrap();
        let o = DecodeOptions {
            deadline: Some(Instant::now() + Duration::from_millis(5)),
            ..DecodeOptions::default()
        };
        let err = decode(&bytes, format, &o, &lim()).unwrap_err();
        assert_eq!(err, Error::DeadlineExceeded, "{name}");
        // The same decode with time to spare succeeds.
        let o = DecodeOptions {
            deadline: Some(Instant::now() + Duration::from_secs(600)),
            ..DecodeOptions::default()
        };
        assert!(decode(&bytes, format, &o, &lim()).is_ok(), "{name}");
    }
    // A deadline already past stops every decoder before it starts.
    let past = Instant::now().checked_sub(Duration::from_secs(1));
    let o = DecodeOptions {
        deadline: past,
        ..DecodeOptions::default()
    };
    for (name, format) in [
        ("storm-1920x1280.jpg", InputFormat::Jpeg),
        ("gulp-alpha-1920x1200.png", InputFormat::Png),
    ] {
        let bytes = std::fs::read(photos.join(name)).unwrap();
        let err = decode(&bytes, format, &o, &lim()).unwrap_err();
        assert_eq!(err, Error::DeadlineExceeded, "{name}");
    }
}
