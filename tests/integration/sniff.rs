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
