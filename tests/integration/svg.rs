//! SVG input: rendered at its own size or straight at the first step's size, in a sandbox
//! that reads nothing outside the bytes, behind limits on entities, nodes, nesting and
//! `<use>` expansion.

use pixform::format::OutputFormat;
use pixform::{Category, Engine, Error, Limit, Request};

fn run(svg: &[u8], t: &str) -> pixform::Result<pixform::Output> {
    Engine::default().transform_str(svg, t, &Request::default())
}

fn rgba(out: &pixform::Output) -> image::RgbaImage {
    image::load_from_memory(&out.bytes).unwrap().to_rgba8()
}

/// 40×30, left half red, right half transparent.
const HALF: &[u8] = br##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30">
  <rect x="0" y="0" width="20" height="30" fill="#ff0000"/>
</svg>"##;

#[test]
fn an_svg_renders_at_its_own_size_as_png() {
    let out = run(HALF, "").unwrap();
    assert_eq!((out.width, out.height), (40, 30));
    assert_eq!(
        out.format,
        OutputFormat::Png,
        "{}",
        out.report.format_reason
    );
    let img = rgba(&out);
    assert_eq!(img.get_pixel(5, 5).0, [255, 0, 0, 255]);
    assert_eq!(
        img.get_pixel(35, 5).0[3],
        0,
        "transparent where nothing is drawn"
    );
    assert_eq!(out.report.input_mime, "image/svg+xml");
}

#[test]
fn an_upscale_is_drawn_at_the_asked_size_with_sharp_edges() {
    let out = run(HALF, "tr:w-400").unwrap();
    assert_eq!((out.width, out.height), (400, 300));
    let img = rgba(&out);
    // A raster upscale would blur the edge at x = 200 over several pixels.
    assert_eq!(img.get_pixel(199, 150).0, [255, 0, 0, 255]);
    assert_eq!(img.get_pixel(200, 150).0[3], 0);
    // A crop after the render is exact too.
    let out = run(HALF, "tr:w-200,h-200").unwrap();
    assert_eq!((out.width, out.height), (200, 200));
}

#[test]
fn the_view_box_gives_the_size_when_width_and_height_are_absent() {
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 16"><circle cx="8" cy="8" r="8"/></svg>"#;
    let out = run(svg, "f-png").unwrap();
    assert_eq!((out.width, out.height), (64, 16));
    let svgz = {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(svg).unwrap();
        e.finish().unwrap()
    };
    let out = run(&svgz, "f-png").unwrap();
    assert_eq!((out.width, out.height), (64, 16));
}

#[test]
fn references_outside_the_bytes_load_nothing() {
    let dir = std::env::temp_dir().join(format!("pixform-svg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A real, readable PNG on disk: it must still not be drawn.
    let png = dir.join("red.png");
    let red = image::RgbaImage::from_pixel(8, 8, image::Rgba([255, 0, 0, 255]));
    red.save(&png).unwrap();
    let path = png.display().to_string();
    let tiny_png = {
        let mut b = Vec::new();
        red.write_to(&mut std::io::Cursor::new(&mut b), image::ImageFormat::Png)
            .unwrap();
        b
    };
    let b64 = base64_encode(&tiny_png);
    for href in [
        path.clone(),
        format!("file://{path}"),
        "http://127.0.0.1:9/x.png".to_string(),
        format!("data:image/png;base64,{b64}"),
    ] {
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="8" height="8"><image width="8" height="8" href="{href}" xlink:href="{href}"/></svg>"#
        );
        let out = run(svg.as_bytes(), "f-png").unwrap();
        let img = rgba(&out);
        assert!(
            img.pixels().all(|p| p.0[3] == 0),
            "{href}: something was drawn"
        );
    }
    // Text needs fonts; there are none to load, so nothing is drawn.
    let text = br#"<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20"><text x="0" y="15" font-family="DejaVu Sans" font-size="16">Hi</text></svg>"#;
    let img = rgba(&run(text, "f-png").unwrap());
    assert!(img.pixels().all(|p| p.0[3] == 0), "text was drawn");
    std::fs::remove_dir_all(&dir).ok();
}

fn base64_encode(b: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in b.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                s.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

#[test]
fn billion_laughs_and_use_bombs_are_refused() {
    let laughs = br#"<?xml version="1.0"?>
<!DOCTYPE svg [
  <!ENTITY a "lolololololololololol">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&d;</text></svg>"#;
    let e = run(laughs, "f-png").unwrap_err();
    assert_eq!(e.category(), Category::Undecodable, "{e}");
    assert!(e.to_string().contains("entity"), "{e}");

    // Nine levels of ten <use>s each: 10^9 rectangles once expanded.
    let mut svg = String::from(
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10"><defs><rect id="l0" width="1" height="1"/>"#,
    );
    for level in 1..=9 {
        svg.push_str(&format!(r#"<g id="l{level}">"#));
        for _ in 0..10 {
            svg.push_str(&format!(r##"<use xlink:href="#l{}"/>"##, level - 1));
        }
        svg.push_str("</g>");
    }
    svg.push_str(r##"</defs><use xlink:href="#l9"/></svg>"##);
    match run(svg.as_bytes(), "f-png").unwrap_err() {
        Error::LimitExceeded { limit, .. } => assert_eq!(limit, Limit::VectorElements),
        other => panic!("{other}"),
    }

    // A <use> cycle and deep nesting: typed errors, no stack overflow.
    let cycle = br##"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g></svg>"##;
    assert!(run(cycle, "f-png").is_err());
    let deep = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4">{}{}</svg>"#,
        "<g>".repeat(20_000),
        "</g>".repeat(20_000)
    );
    let e = run(deep.as_bytes(), "f-png").unwrap_err();
    assert_eq!(e.category(), Category::Undecodable, "{e}");
}

#[test]
fn a_huge_canvas_is_refused_before_rendering() {
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="60000" height="60000"/>"#;
    match run(svg, "f-png").unwrap_err() {
        Error::LimitExceeded { limit, .. } => assert_eq!(limit, Limit::InputPixels),
        other => panic!("{other}"),
    }
}

#[test]
fn every_svg_in_the_odd_corpus_renders_or_fails_cleanly() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/odd/svg");
    let mut rendered = 0;
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("the shared corpus")
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in &entries {
        let bytes = std::fs::read(path).unwrap();
        match run(&bytes, "tr:w-64,f-png") {
            Ok(out) => {
                assert_eq!(out.width, 64, "{}", path.display());
                let img = rgba(&out);
                assert_eq!((img.width(), img.height()), (out.width, out.height));
                rendered += 1;
            }
            Err(e) => assert!(
                matches!(
                    e.category(),
                    Category::Undecodable | Category::UnsupportedMedia | Category::LimitExceeded
                ),
                "{}: {e}",
                path.display()
            ),
        }
    }
    assert!(
        rendered * 2 > entries.len(),
        "{rendered} of {}",
        entries.len()
    );
}
