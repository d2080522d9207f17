//! HEIC input. Without the `heic` feature a HEIC file is a clear refusal; with it, the odd
//! corpus's HEIC files match libheif 1.15's decode (`heif-convert`) in 4×4 block means, a
//! grid and a `clap` come out at their header sizes, hostile variants give typed errors,
//! and the build links libde265 but no GPL code (x265) and no libheif.

use pixform::{Category, Engine, Request};

use super::odd::odd_dir;

fn run(bytes: &[u8], t: &str) -> pixform::Result<pixform::Output> {
    Engine::default().transform_str(bytes, t, &Request::default())
}

fn corpus(name: &str) -> Vec<u8> {
    std::fs::read(odd_dir().join("heic").join(name)).unwrap()
}

#[cfg(not(feature = "heic"))]
#[test]
fn without_the_feature_heic_is_refused_clearly() {
    let err = run(&corpus("libheif--rainbow-451x461.heic"), "tr:w-100").unwrap_err();
    assert_eq!(err.category(), Category::UnsupportedMedia, "{err}");
    assert!(err.to_string().contains("heic"), "{err}");
}

#[cfg(feature = "heic")]
mod decoding {
    use super::*;
    use crate::avif::block_means;
    use pixform::format::OutputFormat;

    fn rgba(out: &pixform::Output) -> image::RgbaImage {
        image::load_from_memory(&out.bytes).unwrap().to_rgba8()
    }

    /// `heif-convert` (libheif 1.15.1 with libde265 1.0.11) block means of each file.
    const LIBHEIF: &[(&str, u32, u32, [[u8; 4]; 16])] = &[
        (
            // A 1280x854 grid of HEVC tiles.
            "libheif--example.heic",
            1280,
            854,
            [
                [136, 157, 187, 255],
                [161, 207, 252, 255],
                [142, 192, 243, 255],
                [127, 168, 214, 255],
                [143, 146, 150, 255],
                [181, 186, 189, 255],
                [143, 140, 128, 255],
                [146, 123, 78, 255],
                [79, 68, 48, 255],
                [101, 90, 69, 255],
                [118, 105, 73, 255],
                [127, 112, 79, 255],
                [67, 72, 68, 255],
                [66, 63, 47, 255],
                [114, 97, 53, 255],
                [113, 100, 62, 255],
            ],
        ),
        (
            // An ICC profile and XMP.
            "libheif--rainbow-451x461.heic",
            451,
            461,
            [
                [197, 93, 255, 255],
                [168, 137, 255, 255],
                [141, 181, 255, 255],
                [113, 222, 254, 255],
                [253, 154, 235, 255],
                [244, 209, 249, 255],
                [221, 244, 250, 255],
                [160, 255, 225, 255],
                [255, 143, 173, 255],
                [255, 214, 203, 255],
                [235, 254, 209, 255],
                [156, 255, 165, 255],
                [255, 125, 97, 255],
                [255, 207, 140, 255],
                [236, 253, 152, 255],
                [152, 255, 94, 255],
            ],
        ),
        (
            // A 64x64 item cut to 32x32 by its clean aperture, nclx colour.
            "libheif--hevc32.heif",
            32,
            32,
            [
                [197, 92, 253, 255],
                [168, 139, 250, 255],
                [145, 180, 252, 255],
                [115, 221, 253, 255],
                [252, 154, 234, 255],
                [243, 211, 246, 255],
                [222, 244, 250, 255],
                [160, 253, 225, 255],
                [253, 142, 175, 255],
                [253, 215, 205, 255],
                [233, 254, 210, 255],
                [157, 254, 166, 255],
                [254, 125, 96, 255],
                [254, 207, 141, 255],
                [235, 253, 151, 255],
                [155, 253, 94, 255],
            ],
        ),
    ];

    #[test]
    fn corpus_heics_match_libheif() {
        for (name, w, h, means) in LIBHEIF {
            let out = run(&corpus(name), "tr:f-png").unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!((out.width, out.height), (*w, *h), "{name}");
            let got = block_means(&rgba(&out));
            for (i, (g, want)) in got.iter().zip(means.iter()).enumerate() {
                for c in 0..4 {
                    let d = (i32::from(g[c]) - i32::from(want[c])).abs();
                    // libheif 1.15 repeats chroma samples; pixform interpolates them.
                    assert!(d <= 3, "{name} block {i} channel {c}: {g:?} vs {want:?}");
                }
            }
        }
    }

    #[test]
    fn a_heic_thumbnail_is_never_delivered_as_heic() {
        let bytes = corpus("libheif--example.heic");
        let out = run(&bytes, "tr:w-300").unwrap();
        assert_eq!((out.width, out.height), (300, 200));
        let req = Request {
            accept: Some("image/heic,image/avif,image/webp,*/*".into()),
            ..Request::default()
        };
        let auto = Engine::default()
            .transform_str(&bytes, "tr:w-300,f-auto", &req)
            .unwrap();
        assert!(
            matches!(
                auto.format,
                OutputFormat::Avif | OutputFormat::Webp | OutputFormat::Jpeg
            ),
            "{:?}",
            auto.format
        );
        // "Keep the format" of a HEIC photo is a format browsers show.
        let kept = run(&bytes, "tr:w-100").unwrap();
        assert!(
            matches!(kept.format, OutputFormat::Jpeg | OutputFormat::Png),
            "{:?}",
            kept.format
        );
    }

    #[test]
    fn broken_and_foreign_heifs_give_typed_errors() {
        for (name, says) in [
            ("libheif--github_50.heic", "iinf"),
            ("libheif--uncompressed_comp_RGB.heic", "'unci'"),
        ] {
            let err = run(&corpus(name), "tr:f-png").unwrap_err();
            assert_eq!(err.category(), Category::Undecodable, "{name}: {err}");
            assert!(err.to_string().contains(says), "{name}: {err}");
        }
    }

    #[test]
    fn mutated_heics_never_crash_libde265() {
        // Cuts and flipped bytes through the coded data reach libde265 (C code): each run
        // must end in a picture or a typed error, never a crash of this process.
        for name in ["libheif--hevc32.heif", "libheif--rainbow-451x461.heic"] {
            let good = corpus(name);
            for cut in (0..good.len()).step_by(97) {
                if let Err(e) = run(&good[..cut], "tr:f-png") {
                    assert!(
                        matches!(
                            e.category(),
                            Category::Undecodable | Category::UnsupportedMedia
                        ),
                        "{name} cut at {cut}: {e}"
                    );
                }
            }
            let mut seed = 0x2545_F491_4F6C_DD1Du64;
            for _ in 0..300 {
                let mut bad = good.clone();
                for _ in 0..4 {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    let at = (seed as usize) % bad.len();
                    bad[at] ^= (seed >> 32) as u8 | 1;
                }
                if let Err(e) = run(&bad, "tr:f-png") {
                    assert!(
                        matches!(
                            e.category(),
                            Category::Undecodable
                                | Category::UnsupportedMedia
                                | Category::LimitExceeded
                        ),
                        "{name}: {e}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_build_links_libde265_and_no_gpl_code() {
        let exe = std::env::current_exe().unwrap();
        let out = std::process::Command::new("ldd")
            .arg(&exe)
            .output()
            .unwrap();
        let libs = String::from_utf8_lossy(&out.stdout);
        assert!(libs.contains("libde265"), "{libs}");
        for banned in ["libx265", "libheif", "libx264"] {
            assert!(!libs.contains(banned), "{banned} is linked:\n{libs}");
        }
    }
}
