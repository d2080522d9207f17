//! Integration tests: sniff.

use pixform::sniff::{
    check_declared, sniff, unknown_json, Family, Kind, MediaType, SNIFF_PREFIX, SVGZ_INFLATE_LIMIT,
};
use std::io::Write as _;
use std::path::PathBuf;

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/odd")
}

fn kind_of(bytes: &[u8]) -> Option<Kind> {
    sniff(bytes).map(|m| m.kind)
}

// ---------------------------------------------------------------------------------------------
// The whole odd corpus.

/// Files whose sniffed kind disagrees with the manifest's format, each with why. The corpus
/// test fails on any other disagreement, and also when one of these starts to agree (so the
/// list never goes stale).
const CORPUS_EXCEPTIONS: &[(&str, &str)] = &[
    (
        "heic/libheif--avif32-mini.heif",
        "an AVIF in a .heif name: ftyp major `mif3`, minor (codec brand) `avif`; sniffed AVIF",
    ),
    (
        "ico/image-rs--tga--testsuite--b5-attrib.tga",
        "a TGA whose first bytes 00 00 02 00 look like CUR, with zero directory entries; not an icon",
    ),
    (
        "jpeg/jpeg-decoder--crashtest--images--empty.jpg",
        "empty file: nothing to sniff",
    ),
    (
        "jpeg/jpeg-decoder--crashtest--images--imagetestsuite--f012a4321f00f12af6b1eee7580ffb9c.jpg",
        "fuzz file: FF then zeros, the SOI marker is destroyed",
    ),
    (
        "jpeg/jpeg-decoder--reftest--images--mozilla--jpg-size-6x6.jpg",
        "a PNG named .jpg (Mozilla reftest); sniffed PNG",
    ),
    (
        "png/pngsuite--xs4n0g01.png",
        "PngSuite: signature byte 3 changed (89 50 4E 67), not a PNG signature",
    ),
    (
        "png/pngsuite--xs7n0g01.png",
        "PngSuite: signature byte 7 changed (0D 0A 20 0A), not a PNG signature",
    ),
    (
        "svg/libvips--truncated.svgz",
        "gzip of a JSON document, not of SVG; sniffed gzip",
    ),
];

/// Kinds that agree with a manifest format.
fn accepted(format: &str) -> Option<&'static [Kind]> {
    Some(match format {
        "png" => &[Kind::Png, Kind::Apng],
        "jpeg" => &[Kind::Jpeg],
        "gif" => &[Kind::Gif],
        "webp" => &[Kind::Webp],
        "bmp" => &[Kind::Bmp],
        "tiff" => &[Kind::Tiff, Kind::BigTiff],
        "ico" => &[Kind::Ico, Kind::Cur],
        "svg" => &[Kind::Svg, Kind::Svgz],
        // The folder holds HEIC and generic-brand HEIF files alike.
        "heic" => &[Kind::Heic, Kind::Heif],
        "avif" => &[Kind::Avif],
        _ => return None,
    })
}

/// For the `other` folder: the kind its extension names, when pixform sniffs that format.
fn other_expected(path: &str) -> Option<Kind> {
    let ext = path.rsplit('.').next()?;
    Some(match ext {
        "ppm" | "pgm" | "pbm" => Kind::Pnm,
        "qoi" => Kind::Qoi,
        "psd" => Kind::Psd,
        "jp2" | "j2k" => Kind::Jpeg2000,
        _ => return None,
    })
}

#[test]
fn every_corpus_file_sniffs_as_its_manifest_format() {
    let dir = corpus();
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    let mut mismatches: Vec<(String, String)> = Vec::new();
    let mut checked = 0usize;
    for line in manifest.lines().skip(1) {
        let mut cols = line.split('\t');
        let (Some(path), Some(format)) = (cols.next(), cols.next()) else {
            panic!("bad manifest line {line:?}");
        };
        let bytes = std::fs::read(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        let found = sniff(&bytes);
        checked += 1;
        let got = found.map_or("none".to_string(), |m| format!("{:?} {}", m.kind, m.mime));
        let ok = match (accepted(format), other_expected(path)) {
            (Some(kinds), _) => found.is_some_and(|m| kinds.contains(&m.kind)),
            // Files outside the target set: their own kind when pixform knows it, and
            // never a kind pixform would try to decode.
            (None, Some(kind)) => found.is_some_and(|m| m.kind == kind),
            (None, None) => !found.is_some_and(|m| m.decodable),
        };
        if !ok {
            mismatches.push((path.to_string(), got));
        }
        // Consistency of every answer.
        if let Some(m) = found {
            assert_eq!(m.decodable, m.kind.is_decodable(), "{path}");
            if m.kind != Kind::Other {
                assert_eq!(m.family, m.kind.family(), "{path}");
            }
        }
    }
    assert_eq!(checked, 983, "the manifest lists 983 files");
    let unexpected: Vec<_> = mismatches
        .iter()
        .filter(|(p, _)| !CORPUS_EXCEPTIONS.iter().any(|(e, _)| e == p))
        .collect();
    let stale: Vec<_> = CORPUS_EXCEPTIONS
        .iter()
        .filter(|(e, _)| !mismatches.iter().any(|(p, _)| p == e))
        .collect();
    assert!(
        unexpected.is_empty() && stale.is_empty(),
        "new mismatches: {unexpected:#?}\nexceptions that now agree: {stale:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Samples built here.

fn rgba(w: u32, h: u32, seed: u32) -> Vec<u8> {
    // A small xorshift noise so encoders cannot shrink frames to nothing.
    let mut x = seed.wrapping_mul(2_654_435_761).max(1);
    (0..w * h * 4)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

fn png_still() -> Vec<u8> {
    use image::ImageEncoder as _;
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&rgba(4, 4, 1), 4, 4, image::ExtendedColorType::Rgba8)
        .expect("png");
    out
}

fn chunk(ty: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut crc = flate2::Crc::new();
    crc.update(ty);
    crc.update(data);
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(ty);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
    out
}

/// Splits a PNG into its chunks (type, data), after the signature.
fn png_chunks(png: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    let mut out = Vec::new();
    let mut i = 8;
    while i + 8 <= png.len() {
        let len = u32::from_be_bytes(png[i..i + 4].try_into().unwrap()) as usize;
        let ty: [u8; 4] = png[i + 4..i + 8].try_into().unwrap();
        out.push((ty, png[i + 8..i + 8 + len].to_vec()));
        i += 12 + len;
    }
    out
}

fn fctl(seq: u32) -> Vec<u8> {
    let mut d = Vec::new();
    for v in [seq, 4, 4, 0, 0] {
        d.extend_from_slice(&v.to_be_bytes());
    }
    d.extend_from_slice(&[0, 1, 0, 10, 0, 0]); // delay 1/10 s, dispose none, blend source
    d
}

/// A two-frame APNG built from a still PNG (acTL and fcTL before IDAT, fdAT after), or with
/// `actl_after_idat` an APNG-looking file whose acTL comes too late to count.
fn apng(actl_after_idat: bool) -> Vec<u8> {
    let still = png_still();
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut actl = 2u32.to_be_bytes().to_vec();
    actl.extend_from_slice(&0u32.to_be_bytes());
    for (ty, data) in png_chunks(&still) {
        match &ty {
            b"IDAT" => {
                if !actl_after_idat {
                    out.extend(chunk(b"acTL", &actl));
                    out.extend(chunk(b"fcTL", &fctl(0)));
                }
                out.extend(chunk(b"IDAT", &data));
                if actl_after_idat {
                    out.extend(chunk(b"acTL", &actl));
                }
                out.extend(chunk(b"fcTL", &fctl(1)));
                let mut fdat = 2u32.to_be_bytes().to_vec();
                fdat.extend_from_slice(&data);
                out.extend(chunk(b"fdAT", &fdat));
            }
            _ => out.extend(chunk(&ty, &data)),
        }
    }
    out
}

fn gif(frames: u32, w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = image::codecs::gif::GifEncoder::new(&mut out);
        for i in 0..frames {
            let buf = image::RgbaImage::from_raw(w, h, rgba(w, h, i + 1)).expect("buffer");
            enc.encode_frame(image::Frame::new(buf)).expect("gif frame");
        }
    }
    out
}

fn bmp() -> Vec<u8> {
    use image::ImageEncoder as _;
    let mut out = Vec::new();
    image::codecs::bmp::BmpEncoder::new(&mut out)
        .write_image(&rgba(4, 4, 2), 4, 4, image::ExtendedColorType::Rgba8)
        .expect("bmp");
    out
}

fn tiff() -> Vec<u8> {
    use image::ImageEncoder as _;
    let mut out = std::io::Cursor::new(Vec::new());
    image::codecs::tiff::TiffEncoder::new(&mut out)
        .write_image(&rgba(4, 4, 3), 4, 4, image::ExtendedColorType::Rgba8)
        .expect("tiff");
    out.into_inner()
}

fn ico() -> Vec<u8> {
    use image::ImageEncoder as _;
    let mut out = Vec::new();
    image::codecs::ico::IcoEncoder::new(&mut out)
        .write_image(&rgba(4, 4, 4), 4, 4, image::ExtendedColorType::Rgba8)
        .expect("ico");
    out
}

fn cur() -> Vec<u8> {
    let mut out = ico();
    out[2] = 2; // resource type 2: cursor (the hotspot fields replace planes/bit count)
    out
}

fn bigtiff() -> Vec<u8> {
    // Header: byte order, 43, offset size 8, 0, first IFD at 16; one IFD with no entries.
    let mut out = b"II+\0\x08\0\0\0".to_vec();
    out.extend_from_slice(&16u64.to_le_bytes());
    out.extend_from_slice(&0u64.to_le_bytes()); // entry count
    out.extend_from_slice(&0u64.to_le_bytes()); // next IFD
    out
}

fn webp_lossy() -> Vec<u8> {
    webp::Encoder::from_rgb(&rgba(8, 8, 5)[..8 * 8 * 3], 8, 8)
        .encode(75.0)
        .to_vec()
}

fn webp_lossless() -> Vec<u8> {
    webp::Encoder::from_rgba(&rgba(8, 8, 6), 8, 8)
        .encode_lossless()
        .to_vec()
}

fn webp_lossy_alpha() -> Vec<u8> {
    // Lossy with alpha: VP8X + ALPH + VP8, no animation flag.
    webp::Encoder::from_rgba(&rgba(8, 8, 7), 8, 8)
        .encode(75.0)
        .to_vec()
}

fn webp_animated() -> Vec<u8> {
    let config = webp::WebPConfig::new().expect("config");
    let a = rgba(8, 8, 8);
    let b = rgba(8, 8, 9);
    let mut enc = webp::AnimEncoder::new(8, 8, &config);
    enc.add_frame(webp::AnimFrame::from_rgba(&a, 8, 8, 0));
    enc.add_frame(webp::AnimFrame::from_rgba(&b, 8, 8, 100));
    enc.try_encode().expect("animated webp").to_vec()
}

/// An ISO-BMFF `ftyp` box followed by an empty `meta` box.
fn ftyp(major: &[u8; 4], minor: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
    let size = 16 + 4 * compatible.len() as u32;
    let mut out = size.to_be_bytes().to_vec();
    out.extend_from_slice(b"ftyp");
    out.extend_from_slice(major);
    out.extend_from_slice(minor);
    for b in compatible {
        out.extend_from_slice(*b);
    }
    out.extend_from_slice(&8u32.to_be_bytes());
    out.extend_from_slice(b"meta");
    out
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).expect("gzip");
    enc.finish().expect("gzip")
}

const SVG: &[u8] = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>"#;

/// Every prolog construct before the root: BOM, whitespace, declaration, comment, PI, doctype
/// with an internal subset whose entity value contains `>`.
const SVG_PROLOG: &[u8] = b"\xEF\xBB\xBF \n\t<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- a <html> comment -->\n<?xml-stylesheet href=\"a.css\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\" [\n  <!ENTITY e \"a > b\">\n]>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><text>&e;</text></svg>";

fn zip_entry(name: &str, data: &[u8]) -> Vec<u8> {
    let mut crc = flate2::Crc::new();
    crc.update(data);
    let mut out = b"PK\x03\x04".to_vec();
    out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // version, flags, stored, time, date
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&(name.len() as u16).to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(data);
    out
}

fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    entries
        .iter()
        .flat_map(|(n, d)| zip_entry(n, d))
        .chain(b"PK\x05\x06".iter().copied().chain([0; 18]))
        .collect()
}

fn ebml(doc_type: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1A, 0x45, 0xDF, 0xA3, 0x80 | (3 + doc_type.len() as u8)];
    out.extend_from_slice(&[0x42, 0x82, 0x80 | doc_type.len() as u8]);
    out.extend_from_slice(doc_type);
    out.extend_from_slice(&[0x18, 0x53, 0x80, 0x67]); // Segment
    out
}

fn riff(form: &[u8; 4], first_chunk: &[u8; 4]) -> Vec<u8> {
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&28u32.to_le_bytes());
    out.extend_from_slice(form);
    out.extend_from_slice(first_chunk);
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&[0; 16]);
    out
}

/// (name, bytes, expected kind, expected animated flag).
fn samples() -> Vec<(&'static str, Vec<u8>, Kind, Option<bool>)> {
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
    jpeg.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0\xFF\xD9");
    let mut jxl_container = b"\0\0\0\x0CJXL \r\n\x87\n".to_vec();
    jxl_container.extend(ftyp(b"jxl ", b"\0\0\0\0", &[b"jxl "]));
    let mut jp2 = b"\0\0\0\x0CjP  \r\n\x87\n".to_vec();
    jp2.extend(ftyp(b"jp2 ", b"\0\0\0\0", &[b"jp2 "]));
    let mut qoi = b"qoif".to_vec();
    qoi.extend_from_slice(&[0, 0, 0, 4, 0, 0, 0, 4, 4, 0]);
    let mut psd = b"8BPS\0\x01".to_vec();
    psd.extend_from_slice(&[0; 20]);
    let mut mp3 = b"ID3\x04\0\0\0\0\0\0".to_vec();
    mp3.extend_from_slice(&[0xFF, 0xFB, 0x90, 0x64]);
    vec![
        ("jpeg", jpeg, Kind::Jpeg, Some(false)),
        ("png", png_still(), Kind::Png, Some(false)),
        ("apng", apng(false), Kind::Apng, Some(true)),
        ("png-actl-after-idat", apng(true), Kind::Png, Some(false)),
        ("gif-still", gif(1, 4, 4), Kind::Gif, Some(false)),
        ("gif-animated", gif(3, 4, 4), Kind::Gif, Some(true)),
        ("webp-lossy", webp_lossy(), Kind::Webp, Some(false)),
        ("webp-lossless", webp_lossless(), Kind::Webp, Some(false)),
        (
            "webp-lossy-alpha",
            webp_lossy_alpha(),
            Kind::Webp,
            Some(false),
        ),
        ("webp-animated", webp_animated(), Kind::Webp, Some(true)),
        (
            "avif",
            ftyp(b"avif", b"\0\0\0\0", &[b"avif", b"mif1", b"miaf"]),
            Kind::Avif,
            Some(false),
        ),
        (
            "avifs",
            ftyp(b"avis", b"\0\0\0\0", &[b"avif", b"avis", b"msf1", b"iso8"]),
            Kind::Avif,
            Some(true),
        ),
        (
            "avif-mif3",
            ftyp(b"mif3", b"avif", &[]),
            Kind::Avif,
            Some(false),
        ),
        (
            "heic",
            ftyp(b"heic", b"\0\0\0\0", &[b"mif1", b"heic"]),
            Kind::Heic,
            Some(false),
        ),
        (
            "heic-mif1-major",
            ftyp(b"mif1", b"\0\0\0\0", &[b"mif1", b"heic"]),
            Kind::Heic,
            Some(false),
        ),
        (
            "heic-sequence",
            ftyp(b"hevc", b"\0\0\0\0", &[b"msf1", b"hevc"]),
            Kind::Heic,
            Some(true),
        ),
        (
            "heic-mif3",
            ftyp(b"mif3", b"heic", &[]),
            Kind::Heic,
            Some(false),
        ),
        (
            "heif",
            ftyp(b"mif1", b"\0\0\0\0", &[b"mif1", b"heif"]),
            Kind::Heif,
            Some(false),
        ),
        (
            "heif-mif2-unif",
            ftyp(b"mif1", b"\0\0\0\0", &[b"mif1", b"mif2", b"unif"]),
            Kind::Heif,
            Some(false),
        ),
        (
            "jxl-codestream",
            vec![0xFF, 0x0A, 0xFA, 0x11],
            Kind::Jxl,
            None,
        ),
        ("jxl-container", jxl_container, Kind::Jxl, None),
        ("bmp", bmp(), Kind::Bmp, Some(false)),
        ("tiff", tiff(), Kind::Tiff, Some(false)),
        ("bigtiff", bigtiff(), Kind::BigTiff, Some(false)),
        ("ico", ico(), Kind::Ico, Some(false)),
        ("cur", cur(), Kind::Cur, Some(false)),
        ("svg", SVG.to_vec(), Kind::Svg, None),
        ("svg-prolog", SVG_PROLOG.to_vec(), Kind::Svg, None),
        ("svgz", gz(SVG_PROLOG), Kind::Svgz, None),
        (
            "pdf",
            b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj".to_vec(),
            Kind::Pdf,
            None,
        ),
        ("psd", psd, Kind::Psd, Some(false)),
        ("qoi", qoi, Kind::Qoi, Some(false)),
        (
            "pnm",
            b"P6\n# c\n4 4\n255\n".to_vec(),
            Kind::Pnm,
            Some(false),
        ),
        ("jp2", jp2, Kind::Jpeg2000, Some(false)),
        (
            "mp4",
            ftyp(
                b"isom",
                b"\0\0\x02\0",
                &[b"isom", b"iso2", b"avc1", b"mp41"],
            ),
            Kind::Mp4,
            None,
        ),
        (
            "mov",
            ftyp(b"qt  ", b"\0\0\x02\0", &[b"qt  "]),
            Kind::Mov,
            None,
        ),
        (
            "m4a",
            ftyp(b"M4A ", b"\0\0\x02\0", &[b"M4A ", b"mp42"]),
            Kind::M4a,
            None,
        ),
        ("webm", ebml(b"webm"), Kind::Webm, None),
        ("mkv", ebml(b"matroska"), Kind::Mkv, None),
        ("avi", riff(b"AVI ", b"LIST"), Kind::Avi, None),
        ("wav", riff(b"WAVE", b"fmt "), Kind::Wav, None),
        ("mp3", mp3, Kind::Mp3, None),
        (
            "ogg",
            b"OggS\0\x02\0\0\0\0\0\0\0\0".to_vec(),
            Kind::Ogg,
            None,
        ),
        ("flac", b"fLaC\0\0\0\x22".to_vec(), Kind::Flac, None),
        ("zip", zip(&[("a.txt", b"hello")]), Kind::Zip, None),
        (
            "docx",
            zip(&[
                ("[Content_Types].xml", b"<Types/>"),
                ("word/document.xml", b"<w/>"),
            ]),
            Kind::Docx,
            None,
        ),
        (
            "xlsx",
            zip(&[("xl/workbook.xml", b"<w/>")]),
            Kind::Xlsx,
            None,
        ),
        (
            "pptx",
            zip(&[("ppt/presentation.xml", b"<p/>")]),
            Kind::Pptx,
            None,
        ),
        ("gzip", gz(b"just some text, not svg"), Kind::Gzip, None),
        (
            "html",
            b"<!DOCTYPE html><html><body><svg></svg></body></html>".to_vec(),
            Kind::Html,
            None,
        ),
        (
            "xml",
            b"<?xml version=\"1.0\"?>\n<rss version=\"2.0\"/>".to_vec(),
            Kind::Xml,
            None,
        ),
        ("php", b"<?php echo 'hi'; ?>".to_vec(), Kind::Php, None),
    ]
}

#[test]
fn every_sample_sniffs_as_built() {
    for (name, bytes, kind, animated) in samples() {
        let found = sniff(&bytes).unwrap_or_else(|| panic!("{name}: not recognised"));
        assert_eq!(found.kind, kind, "{name}");
        assert_eq!(found.animated, animated, "{name}");
        assert_eq!(found.decodable, kind.is_decodable(), "{name}");
        assert_eq!(found.family, kind.family(), "{name}");
    }
}

/// Kinds a proper prefix of a sample of `kind` may also honestly be: the prolog of an SVG is
/// XML until the root shows up, the start of svgz is gzip until the SVG root inflates, a
/// PNG is a PNG until an `acTL` shows up, and an office file is a ZIP until its `word/`,
/// `xl/` or `ppt/` entry shows up.
fn partial_ok(kind: Kind, got: Kind) -> bool {
    got == kind
        || matches!(
            (kind, got),
            (Kind::Svg, Kind::Xml)
                | (Kind::Svgz, Kind::Gzip)
                | (Kind::Apng, Kind::Png)
                | (Kind::Docx | Kind::Xlsx | Kind::Pptx, Kind::Zip)
        )
}

#[test]
fn truncated_samples_never_panic_nor_claim_a_wrong_type() {
    for (name, bytes, kind, animated) in samples() {
        // Every prefix up to the whole sample for small ones, the first 600 bytes otherwise.
        for len in 0..=bytes.len().min(600) {
            let prefix = &bytes[..len];
            let Some(found) = sniff(prefix) else { continue };
            assert!(
                partial_ok(kind, found.kind),
                "{name}: a {len}-byte prefix sniffs as {:?}",
                found.kind
            );
            if found.kind == kind {
                assert!(
                    found.animated.is_none() || found.animated == animated,
                    "{name}: a {len}-byte prefix claims animated {:?}",
                    found.animated
                );
            }
        }
    }
}

#[test]
fn truncated_corpus_headers_never_claim_a_wrong_type() {
    // A few real files of every corpus format: each prefix of the first 300 bytes.
    let dir = corpus();
    let picks = [
        ("jpeg/libjpeg-turbo--testorig.jpg", Kind::Jpeg),
        ("avif/pillow--avif--star.avifs", Kind::Avif),
        ("heic/libheif--rainbow-451x461.heic", Kind::Heic),
        ("svg/libvips--logo.svg", Kind::Svg),
        ("ico/libvips--sample.cur", Kind::Cur),
        ("ico/libvips--favicon.ico", Kind::Ico),
    ];
    for (path, kind) in picks {
        let bytes = std::fs::read(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(kind_of(&bytes), Some(kind), "{path}");
        for len in 0..=bytes.len().min(300) {
            if let Some(got) = kind_of(&bytes[..len]) {
                assert!(
                    partial_ok(kind, got),
                    "{path}: {len} bytes sniff as {got:?}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Edge cases.

#[test]
fn empty_and_unknown_input() {
    assert_eq!(sniff(b""), None);
    assert_eq!(sniff(&[0u8; 64]), None);
    assert_eq!(sniff(b"hello world"), None);
    assert_eq!(
        unknown_json(),
        r#"{"mime":null,"extension":null,"family":null,"animated":null,"decodable":false}"#
    );
}

#[test]
fn json_of_sniffed_media() {
    let png = sniff(&png_still()).expect("png");
    assert_eq!(
        png.to_json(),
        r#"{"mime":"image/png","extension":"png","family":"image","animated":false,"decodable":true}"#
    );
    let gif = sniff(&gif(2, 2, 2)).expect("gif");
    assert_eq!(
        gif.to_json(),
        r#"{"mime":"image/gif","extension":"gif","family":"image","animated":true,"decodable":true}"#
    );
    let svgz = sniff(&gz(SVG)).expect("svgz");
    assert_eq!(
        svgz.to_json(),
        r#"{"mime":"image/svg+xml","extension":"svgz","family":"vector","animated":null,"decodable":true}"#
    );
}

#[test]
fn svg_prolog_variants() {
    let cases: &[(&[u8], Option<Kind>)] = &[
        (
            b"\xEF\xBB\xBF<svg xmlns='http://www.w3.org/2000/svg'/>",
            Some(Kind::Svg),
        ),
        (b"  \r\n<svg>", Some(Kind::Svg)),
        (b"<!-- made by hand --><svg/>", Some(Kind::Svg)),
        (b"<!-- unterminated comment <svg>", None),
        (b"<!DOCTYPE svg><svg>", Some(Kind::Svg)),
        (
            b"<?xml version='1.0'?><!-- c --><svg:svg xmlns:svg='http://www.w3.org/2000/svg'/>",
            Some(Kind::Svg),
        ),
        (b"<svgfoo>", None),
        (b"<svg", None),
        // SVG-looking HTML is HTML.
        (
            b"<html><body><svg xmlns='http://www.w3.org/2000/svg'/></body></html>",
            Some(Kind::Html),
        ),
        (
            b"<!DOCTYPE html>\n<svg xmlns='http://www.w3.org/2000/svg'/>",
            Some(Kind::Html),
        ),
        (b"<!doctype HTML><svg/>", Some(Kind::Html)),
        (b"<!-- x --><div><svg/></div>", Some(Kind::Html)),
        (
            b"<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'><svg/></html>",
            Some(Kind::Html),
        ),
        // Other XML stays XML, even if an svg element follows.
        (b"<?xml version='1.0'?><doc><svg/></doc>", Some(Kind::Xml)),
        // PHP anywhere in text wins over the markup.
        (b"<svg><?php system($_GET['c']); ?></svg>", Some(Kind::Php)),
        (b"<?= $x ?>", Some(Kind::Php)),
    ];
    for (bytes, kind) in cases {
        assert_eq!(
            kind_of(bytes),
            *kind,
            "{:?}",
            String::from_utf8_lossy(bytes)
        );
    }
}

#[test]
fn svgz_is_inflated_only_as_far_as_needed() {
    assert_eq!(kind_of(&gz(SVG)), Some(Kind::Svgz));
    assert_eq!(kind_of(&gz(b"<html><svg/></html>")), Some(Kind::Gzip));
    // A root beyond the inflate limit is not seen: plain gzip.
    let mut late = vec![b' '; SVGZ_INFLATE_LIMIT];
    late.extend_from_slice(SVG);
    assert_eq!(kind_of(&gz(&late)), Some(Kind::Gzip));
    // A truncated stream still inflates its start.
    let whole = gz(SVG_PROLOG);
    assert_eq!(kind_of(&whole[..whole.len() - 12]), Some(Kind::Svgz));
    // A gzip header with the optional name and comment fields.
    let mut named = vec![0x1F, 0x8B, 0x08, 0x18, 0, 0, 0, 0, 0, 3];
    named.extend_from_slice(b"a.svg\0a comment\0");
    let body = gz(SVG);
    named.extend_from_slice(&body[10..]);
    assert_eq!(kind_of(&named), Some(Kind::Svgz));
}

#[test]
fn iso_bmff_brands() {
    let cases: &[(Vec<u8>, Option<Kind>, Option<bool>)] = &[
        // AVIF listed among the compatible brands of a generic major.
        (
            ftyp(b"mif1", b"\0\0\0\0", &[b"mif1", b"avif"]),
            Some(Kind::Avif),
            Some(false),
        ),
        // Major brand decides over compatible ones.
        (
            ftyp(b"heic", b"\0\0\0\0", &[b"avif"]),
            Some(Kind::Heic),
            Some(false),
        ),
        (
            ftyp(b"heix", b"\0\0\0\0", &[]),
            Some(Kind::Heic),
            Some(false),
        ),
        (
            ftyp(b"msf1", b"\0\0\0\0", &[b"heif"]),
            Some(Kind::Heif),
            Some(true),
        ),
        // A sequence brand only among the compatible ones: animation unknown.
        (
            ftyp(b"mif1", b"\0\0\0\0", &[b"mif1", b"heic", b"hevc"]),
            Some(Kind::Heic),
            None,
        ),
        // Blank major (libheif fuzz files).
        (
            ftyp(b"    ", b"    ", &[b"    ", b"heic"]),
            Some(Kind::Heic),
            Some(false),
        ),
        (
            ftyp(b"    ", b"\0\0\0\0", &[b"mif1", b"    "]),
            Some(Kind::Heif),
            Some(false),
        ),
        (ftyp(b"mif3", b"xxxx", &[]), Some(Kind::Heif), Some(false)),
        (
            ftyp(b"crx ", b"\0\0\0\x01", &[b"crx ", b"isom"]),
            Some(Kind::Mp4),
            None,
        ),
        (ftyp(b"zzzz", b"\0\0\0\0", &[b"yyyy"]), None, None),
    ];
    for (bytes, kind, animated) in cases {
        let found = sniff(bytes);
        assert_eq!(found.map(|m| m.kind), *kind, "{:?}", &bytes[..16]);
        assert_eq!(
            found.and_then(|m| m.animated),
            *animated,
            "{:?}",
            &bytes[..16]
        );
    }
    // A compatible-brand list longer than the box is cut at the box end.
    let mut lying = ftyp(b"mif1", b"\0\0\0\0", &[b"mif1"]);
    lying.extend_from_slice(b"heicavif"); // after the box: not brands
    assert_eq!(kind_of(&lying), Some(Kind::Heif));
}

#[test]
fn gif_animation_beyond_the_prefix_is_unknown() {
    // One noisy 300x300 frame is bigger than the prefix; the second descriptor is not seen.
    let big = gif(2, 300, 300);
    assert!(big.len() > SNIFF_PREFIX, "sample too small: {}", big.len());
    let found = sniff(&big).expect("gif");
    assert_eq!((found.kind, found.animated), (Kind::Gif, None));
    // The same with one frame: the trailer is not seen either.
    assert_eq!(sniff(&gif(1, 300, 300)).expect("gif").animated, None);
    // Small ones decide.
    assert_eq!(sniff(&gif(2, 8, 8)).expect("gif").animated, Some(true));
}

#[test]
fn png_animation_beyond_the_prefix_is_unknown() {
    let still = png_still();
    let mut out = still[..8].to_vec();
    let chunks = png_chunks(&still);
    out.extend(chunk(&chunks[0].0, &chunks[0].1)); // IHDR
    out.extend(chunk(b"tEXt", &vec![b'a'; SNIFF_PREFIX]));
    for (ty, data) in &chunks[1..] {
        out.extend(chunk(ty, data));
    }
    let found = sniff(&out).expect("png");
    assert_eq!((found.kind, found.animated), (Kind::Png, None));
}

#[test]
fn only_the_prefix_is_read() {
    let mut late_svg = vec![b' '; SNIFF_PREFIX];
    late_svg.extend_from_slice(SVG);
    assert_eq!(sniff(&late_svg), None);
    let mut late_php = vec![b'a'; SNIFF_PREFIX];
    late_php.extend_from_slice(b"<?php");
    assert_eq!(sniff(&late_php), None);
    let mut early_php = vec![b'a'; SNIFF_PREFIX - 5];
    early_php.extend_from_slice(b"<?php");
    assert_eq!(kind_of(&early_php), Some(Kind::Php));
}

#[test]
fn weak_magic_is_validated() {
    // Text starting with BM is not a bitmap.
    assert_eq!(kind_of(b"BMW drivers are the best drivers in town"), None);
    // A BMP whose DIB header size is unknown is refused, a valid one accepted.
    let mut bad = bmp();
    bad[14] = 41;
    assert_eq!(kind_of(&bad), None);
    // A file-size field smaller than the headers is implausible (0 is allowed).
    let mut small = bmp();
    small[2..6].copy_from_slice(&20u32.to_le_bytes());
    assert_eq!(kind_of(&small), None);
    small[2..6].copy_from_slice(&0u32.to_le_bytes());
    assert_eq!(kind_of(&small), Some(Kind::Bmp));
    // ICO/CUR with no entries, or an entry pointing into the directory, is refused.
    let mut none = ico();
    none[4] = 0;
    assert_eq!(kind_of(&none), None);
    let mut inside = ico();
    inside[18..22].copy_from_slice(&4u32.to_le_bytes());
    assert_eq!(kind_of(&inside), None);
    // The classic polyglot is PHP, not GIF.
    assert_eq!(
        kind_of(b"GIF89a<?php system($_GET['c']); ?>"),
        Some(Kind::Php)
    );
    // RIFF needs WEBP at 8; WEBP alone is not enough.
    assert_eq!(kind_of(b"XXXX\0\0\0\0WEBPVP8 "), None);
    // BigTIFF needs offset size 8.
    assert_eq!(kind_of(b"II+\0\x04\0\0\0\0\0\0\0"), None);
    // PNM needs whitespace and a number after the magic.
    assert_eq!(kind_of(b"P6 is a paper size"), None);
    // A Canon CR2 is TIFF-shaped but not decoded as TIFF.
    let cr2 = sniff(b"II*\0\x10\0\0\0CR\x02\0").expect("cr2");
    assert_eq!(
        (cr2.kind, cr2.mime, cr2.decodable),
        (Kind::Other, "image/x-canon-cr2", false)
    );
}

fn elf() -> Vec<u8> {
    let mut elf = b"\x7FELF\x02\x01\x01".to_vec();
    elf.resize(64, 0);
    elf
}

#[test]
fn long_tail_comes_from_infer() {
    let elf = sniff(&elf()).expect("elf");
    assert_eq!(
        (elf.kind, elf.mime, elf.family, elf.decodable),
        (
            Kind::Other,
            "application/x-executable",
            Family::Other,
            false
        )
    );
    let woff2 = sniff(b"wOF2\0\x01\0\0\0\0\0\0\0\0\0\0").expect("woff2");
    assert_eq!(woff2.extension, "woff2");
}

#[test]
fn declared_types_are_checked_against_the_bytes() {
    let png = png_still();
    let jpeg_like = {
        let mut j = vec![0xFF, 0xD8, 0xFF, 0xE0];
        j.extend_from_slice(&[0; 16]);
        j
    };
    let agree: &[(&str, &[u8])] = &[
        ("image/png", &png),
        ("IMAGE/PNG; charset=binary", &png),
        (".png", &png),
        ("photo.PNG", &png),
        ("apng", &png),
        ("jpg", &jpeg_like),
        ("jpeg", &jpeg_like),
        (".jpe", &jpeg_like),
        ("jfif", &jpeg_like),
        ("image/jpeg", &jpeg_like),
        ("svg", SVG),
        ("svgz", SVG),
        ("image/svg+xml", SVG),
    ];
    for (declared, bytes) in agree {
        let d = check_declared(declared, bytes);
        assert!(d.agrees, "{declared}: {}", d.message);
    }
    let svgz = gz(SVG);
    assert!(check_declared("drawing.svg", &svgz).agrees);
    assert!(check_declared(".tif", &tiff()).agrees);
    assert!(check_declared("tiff", &bigtiff()).agrees);
    assert!(
        check_declared(
            "image/heic",
            &ftyp(b"mif1", b"\0\0\0\0", &[b"mif1", b"heif"])
        )
        .agrees
    );
    assert!(check_declared("application/x-executable", &elf()).agrees);
    assert!(check_declared("elf", &elf()).agrees);

    // Disguised uploads.
    let php = check_declared("photo.jpg", b"<?php system($_GET['c']); ?>");
    assert!(!php.agrees);
    assert_eq!(php.expected, Some(Kind::Jpeg));
    assert_eq!(php.actual.map(|m| m.kind), Some(Kind::Php));
    assert_eq!(
        php.message,
        "declared 'photo.jpg' (image/jpeg) but the bytes are application/x-httpd-php (php)"
    );
    let svg = check_declared(".png", SVG);
    assert!(!svg.agrees);
    assert_eq!(
        svg.message,
        "declared '.png' (image/png) but the bytes are image/svg+xml (svg)"
    );
    assert!(!check_declared("image/svg+xml", b"<html><svg/></html>").agrees);
    assert!(!check_declared("ico", &cur()).agrees);

    let ok = check_declared("image/png", &png);
    assert_eq!(
        ok.message,
        "declared 'image/png' agrees with the bytes: image/png (png)"
    );
    assert_eq!(ok.actual.map(|m| m.kind), Some(Kind::Png));

    let unknown_bytes = check_declared("png", b"plain text");
    assert!(!unknown_bytes.agrees);
    assert_eq!(unknown_bytes.actual, None);
    assert_eq!(
        unknown_bytes.message,
        "declared 'png' but the bytes match no known format"
    );

    let unknown_decl = check_declared("image/x-foo", &png);
    assert!(!unknown_decl.agrees);
    assert_eq!(unknown_decl.expected, None);
    assert_eq!(
        unknown_decl.message,
        "declared 'image/x-foo' is not a type pixform knows; the bytes are image/png (png)"
    );
}

#[test]
fn decodable_claims_for_cursors_and_bigtiff_hold() {
    // CUR and BigTIFF are claimed decodable: the decoders pixform uses accept their headers.
    use image::ImageDecoder as _;
    let dec = image::codecs::ico::IcoDecoder::new(std::io::Cursor::new(cur())).expect("cur");
    assert_eq!(dec.dimensions(), (4, 4));
    for path in ["ico/libvips--sample.cur", "ico/pillow--deerstalker.cur"] {
        let bytes = std::fs::read(corpus().join(path)).expect("corpus cur");
        assert_eq!(kind_of(&bytes), Some(Kind::Cur), "{path}");
        let dec = image::codecs::ico::IcoDecoder::new(std::io::Cursor::new(bytes)).expect(path);
        assert_eq!(dec.dimensions(), (32, 32), "{path}");
    }
    let dir = corpus().join("tiff");
    let mut bigtiffs = 0;
    for entry in std::fs::read_dir(&dir).expect("tiff dir") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("tiff");
        if kind_of(&bytes) == Some(Kind::BigTiff)
            && image::codecs::tiff::TiffDecoder::new(std::io::Cursor::new(bytes)).is_ok()
        {
            bigtiffs += 1;
        }
    }
    assert!(
        bigtiffs >= 1,
        "no corpus BigTIFF opened with image's TiffDecoder"
    );
}

#[test]
fn arbitrary_bytes_never_panic() {
    // Deterministic noise with every signature spliced in at the start.
    let heads: Vec<Vec<u8>> = samples()
        .into_iter()
        .map(|(_, b, _, _)| b[..b.len().min(24)].to_vec())
        .collect();
    for (n, head) in heads.iter().enumerate() {
        for seed in 0..50u32 {
            let mut bytes = head.clone();
            bytes.extend(rgba(16, 16, seed * 31 + n as u32));
            let _ = sniff(&bytes);
            let _ = check_declared("png", &bytes);
        }
    }
}

/// Sanity for the API shape the engine uses.
#[test]
fn media_type_of_kind() {
    let m = MediaType::of(Kind::BigTiff);
    assert_eq!(
        (m.mime, m.extension, m.family, m.decodable),
        ("image/tiff", "tiff", Family::Image, true)
    );
    assert!(MediaType::of(Kind::Avif).decodable);
    assert!(!MediaType::of(Kind::Heic).decodable);
    assert!(MediaType::of(Kind::Svg).decodable);
}
