//! Benchmarks of `pixform::sniff::sniff` on each format (`sniff/<format>`), on small
//! in-memory samples, a few corpus files (`sniff/<format>-corpus`) and the worst cases the
//! prefix bound allows (`sniff/worst-*`).

use criterion::{criterion_group, criterion_main, Criterion};
use pixform::sniff::{sniff, SNIFF_PREFIX};
use std::hint::black_box;
use std::io::Write as _;

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

fn png(animated: bool) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
    out.extend(chunk(b"gAMA", &[0, 0, 177, 143]));
    if animated {
        out.extend(chunk(b"acTL", &[0, 0, 0, 2, 0, 0, 0, 0]));
    }
    out.extend(chunk(b"IDAT", &[0x78, 0x9C, 0x63, 0x60, 0, 0, 0, 2, 0, 1]));
    out.extend(chunk(b"IEND", &[]));
    out
}

/// A GIF with a global colour table, a loop extension and `frames` 1x1 images.
fn gif(frames: usize) -> Vec<u8> {
    let mut out = b"GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xFF\xFF\xFF".to_vec();
    out.extend_from_slice(b"\x21\xFF\x0BNETSCAPE2.0\x03\x01\0\0\0");
    for _ in 0..frames {
        out.extend_from_slice(b"\x21\xF9\x04\0\x0A\0\0\0");
        out.extend_from_slice(b"\x2C\0\0\0\0\x01\0\x01\0\0\x02\x02\x44\x01\0");
    }
    out.push(0x3B);
    out
}

fn webp(animated: bool) -> Vec<u8> {
    let mut out = b"RIFF\x24\0\0\0WEBPVP8X\x0A\0\0\0".to_vec();
    out.extend_from_slice(&[
        if animated { 0x12 } else { 0x10 },
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
    ]);
    out.extend_from_slice(b"VP8L\x05\0\0\0\x2F\0\0\0\0\0");
    out
}

fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
    let mut out = (16 + 4 * compatible.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(b"ftyp");
    out.extend_from_slice(major);
    out.extend_from_slice(&[0; 4]);
    for b in compatible {
        out.extend_from_slice(*b);
    }
    out.extend_from_slice(b"\0\0\0\x08meta");
    out
}

fn bmp() -> Vec<u8> {
    let mut out = b"BM\x3A\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0".to_vec();
    out.extend_from_slice(&[1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 24, 0]);
    out.extend_from_slice(&[0; 28]);
    out
}

fn ico(kind: u8) -> Vec<u8> {
    let mut out = vec![0, 0, kind, 0, 1, 0, 1, 1, 0, 0, 1, 0, 32, 0];
    out.extend_from_slice(&48u32.to_le_bytes());
    out.extend_from_slice(&22u32.to_le_bytes());
    out.extend_from_slice(&[0; 48]);
    out
}

const SVG: &[u8] = b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- drawn by hand -->\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>";

fn gz(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

fn zip(name: &str) -> Vec<u8> {
    let mut out = b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0".to_vec();
    out.extend_from_slice(&(name.len() as u16).to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(name.as_bytes());
    out
}

fn corpus(path: &str) -> Vec<u8> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/odd");
    std::fs::read(dir.join(path)).unwrap_or_else(|e| panic!("corpus file {path}: {e}"))
}

fn samples() -> Vec<(&'static str, Vec<u8>)> {
    let mut big_gif_frame = b"GIF89a\x10\0\x10\0\0\0\0\x2C\0\0\0\0\x10\0\x10\0\0\x08".to_vec();
    for _ in 0..(SNIFF_PREFIX / 256 + 1) {
        big_gif_frame.push(255);
        big_gif_frame.extend_from_slice(&[0x55; 255]);
    }
    let mut v = vec![
        (
            "jpeg",
            b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0".to_vec(),
        ),
        ("png", png(false)),
        ("apng", png(true)),
        ("gif", gif(1)),
        ("gif-animated", gif(2)),
        ("webp", webp(false)),
        ("webp-animated", webp(true)),
        ("avif", ftyp(b"avif", &[b"avif", b"mif1", b"miaf", b"MA1B"])),
        ("heic", ftyp(b"heic", &[b"mif1", b"heic"])),
        ("heif", ftyp(b"mif1", &[b"mif1", b"heif"])),
        ("jxl", b"\xFF\x0A\xFA\x11\x00\x00".to_vec()),
        ("bmp", bmp()),
        ("tiff", b"II*\0\x08\0\0\0\0\0".to_vec()),
        ("bigtiff", b"II+\0\x08\0\0\0\x10\0\0\0\0\0\0\0".to_vec()),
        ("ico", ico(1)),
        ("cur", ico(2)),
        ("svg", SVG.to_vec()),
        ("svgz", gz(SVG)),
        ("pdf", b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec()),
        ("psd", b"8BPS\0\x01\0\0\0\0\0\0\0\x03".to_vec()),
        ("mp4", ftyp(b"isom", &[b"isom", b"iso2", b"avc1", b"mp41"])),
        ("docx", zip("word/document.xml")),
        (
            "html",
            b"<!DOCTYPE html>\n<html><head><title>x</title></head></html>".to_vec(),
        ),
        ("php", b"<?php echo 'hello'; ?>".to_vec()),
        (
            "unknown",
            b"just some plain text that is nothing in particular".to_vec(),
        ),
        // Worst cases: the whole prefix is walked.
        ("worst-text-64k", vec![b' '; SNIFF_PREFIX + 1]),
        ("worst-gif-64k", big_gif_frame),
    ];
    for (name, path) in [
        ("jpeg-corpus", "jpeg/libjpeg-turbo--testorig.jpg"),
        (
            "gif-corpus",
            "gif/image-gif--samples--gifplayer-muybridge.gif",
        ),
        ("webp-corpus", "webp/image-webp--gallery1--2.webp"),
        (
            "webp-animated-corpus",
            "webp/image-webp--animated--random_lossy.webp",
        ),
        ("heic-corpus", "heic/libheif--rainbow-451x461.heic"),
        ("svg-corpus", "svg/libvips--logo.svg"),
    ] {
        v.push((name, corpus(path)));
    }
    v
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("sniff");
    for (name, bytes) in samples() {
        group.bench_function(name, |b| b.iter(|| sniff(black_box(&bytes))));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
