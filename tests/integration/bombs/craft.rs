//! Hand-made hostile files: tiny inputs whose headers claim huge pictures, compressed
//! metadata that inflates to 100 MB, animations with 10,000 frames. Shared by the
//! `integration` binary (outcomes) and `tests/bombs_alloc.rs` (allocation bounds).

#![allow(dead_code)]

use std::io::Write;

use flate2::write::ZlibEncoder;
use flate2::Compression;

/// Big-endian u32.
fn be32(v: u32) -> [u8; 4] {
    v.to_be_bytes()
}

/// zlib of `n` zero bytes, streamed (never holds the `n` bytes). 100 MB gives ~100 KB.
pub fn zlib_zeros(n: usize) -> Vec<u8> {
    let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
    let block = [0u8; 64 * 1024];
    let mut left = n;
    while left > 0 {
        let k = left.min(block.len());
        z.write_all(&block[..k]).unwrap();
        left -= k;
    }
    z.finish().unwrap()
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

/// One PNG chunk with a valid CRC.
pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 12);
    out.extend_from_slice(&be32(data.len() as u32));
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&be32(crc.sum()));
    out
}

/// IHDR of an 8-bit picture: colour type 0 (gray) or 6 (RGBA).
fn ihdr(width: u32, height: u32, color: u8) -> Vec<u8> {
    let mut d = Vec::new();
    d.extend_from_slice(&be32(width));
    d.extend_from_slice(&be32(height));
    // 8-bit, deflate, adaptive filtering, no interlace.
    d.extend_from_slice(&[8, color, 0, 0, 0]);
    png_chunk(b"IHDR", &d)
}

/// A PNG: IHDR `width × height` (8-bit gray), the `extra` chunks, then an IDAT holding
/// `rows` rows of mid-gray (all rows when `rows` is `None`) and IEND.
pub fn png_with(width: u32, height: u32, extra: &[Vec<u8>], rows: Option<u32>) -> Vec<u8> {
    png_typed(width, height, 0, extra, rows)
}

/// As [`png_with`], in colour type `color` (0 gray, 6 RGBA).
pub fn png_typed(
    width: u32,
    height: u32,
    color: u8,
    extra: &[Vec<u8>],
    rows: Option<u32>,
) -> Vec<u8> {
    let channels = if color == 6 { 4 } else { 1 };
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(ihdr(width, height, color));
    for c in extra {
        out.extend_from_slice(c);
    }
    let rows = rows.unwrap_or(height).min(height);
    let mut raw = Vec::new();
    for _ in 0..rows {
        raw.push(0); // filter: none
        raw.extend(std::iter::repeat_n(128u8, width as usize * channels));
    }
    out.extend(png_chunk(b"IDAT", &zlib(&raw)));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

/// A valid `width × height` mid-gray PNG.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    png_with(width, height, &[], None)
}

/// IHDR 100000 × 100000 (valid CRC) with one row of data.
pub fn png_huge() -> Vec<u8> {
    png_with(100_000, 100_000, &[], Some(0))
}

/// An 8×8 PNG with a zTXt chunk inflating to `n` zero bytes.
pub fn png_ztxt_bomb(n: usize) -> Vec<u8> {
    let mut d = b"Comment\0\0".to_vec();
    d.extend(zlib_zeros(n));
    png_with(8, 8, &[png_chunk(b"zTXt", &d)], None)
}

/// An 8×8 PNG with a compressed iTXt chunk inflating to `n` zero bytes.
pub fn png_itxt_bomb(n: usize) -> Vec<u8> {
    // keyword \0, compressed = 1, method = 0, language \0, translated keyword \0.
    let mut d = b"XML:com.adobe.xmp\0\x01\x00\0\0".to_vec();
    d.extend(zlib_zeros(n));
    png_with(8, 8, &[png_chunk(b"iTXt", &d)], None)
}

/// An 8×8 RGBA PNG (as ICO wants) with an iCCP chunk inflating to `n` zero bytes.
pub fn png_iccp_bomb(n: usize) -> Vec<u8> {
    let mut d = b"bomb\0\0".to_vec();
    d.extend(zlib_zeros(n));
    png_typed(8, 8, 6, &[png_chunk(b"iCCP", &d)], None)
}

/// An APNG whose acTL claims `frames` frames (only the default image is present).
pub fn apng_frames(frames: u32) -> Vec<u8> {
    let mut actl = be32(frames).to_vec();
    actl.extend_from_slice(&be32(0));
    png_with(4, 4, &[png_chunk(b"acTL", &actl)], None)
}

fn le16(v: u16) -> [u8; 2] {
    v.to_le_bytes()
}

/// GIF header + logical screen `w × h` with a 2-colour global table.
fn gif_head(w: u16, h: u16) -> Vec<u8> {
    let mut g = b"GIF89a".to_vec();
    g.extend_from_slice(&le16(w));
    g.extend_from_slice(&le16(h));
    g.extend_from_slice(&[0x80, 0, 0]); // GCT of 2 entries
    g.extend_from_slice(&[0, 0, 0, 255, 255, 255]);
    g
}

/// An image descriptor at (0,0) of `w × h` with LZW data `lzw` (min code size 2).
fn gif_frame(w: u16, h: u16, lzw: &[u8]) -> Vec<u8> {
    let mut g = vec![0x2C, 0, 0, 0, 0];
    g.extend_from_slice(&le16(w));
    g.extend_from_slice(&le16(h));
    g.push(0);
    g.push(2);
    g.push(lzw.len() as u8);
    g.extend_from_slice(lzw);
    g.push(0);
    g
}

/// LZW (min code size 2): clear, EOI — no pixels.
const LZW_EMPTY: &[u8] = &[0x2C];
/// LZW (min code size 2): clear, index 0, EOI — one pixel.
const LZW_ONE: &[u8] = &[0x44, 0x01];

/// Logical screen and image descriptor of 65535 × 65535.
pub fn gif_huge() -> Vec<u8> {
    let mut g = gif_head(65535, 65535);
    g.extend(gif_frame(65535, 65535, LZW_EMPTY));
    g.push(0x3B);
    g
}

/// A 16 × 16 canvas whose only frame claims `w × h`.
pub fn gif_frame_beyond_canvas(w: u16, h: u16) -> Vec<u8> {
    let mut g = gif_head(16, 16);
    g.extend(gif_frame(w, h, LZW_EMPTY));
    g.push(0x3B);
    g
}

/// A 1 × 1 animation of `n` frames.
pub fn gif_frames(n: u32) -> Vec<u8> {
    let mut g = gif_head(1, 1);
    // NETSCAPE2.0 loop extension.
    g.extend_from_slice(b"\x21\xFF\x0BNETSCAPE2.0\x03\x01\0\0\0");
    for _ in 0..n {
        g.extend(gif_frame(1, 1, LZW_ONE));
    }
    g.push(0x3B);
    g
}

fn le24(v: u32) -> [u8; 3] {
    let b = v.to_le_bytes();
    [b[0], b[1], b[2]]
}

fn riff_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = kind.to_vec();
    c.extend_from_slice(&(data.len() as u32).to_le_bytes());
    c.extend_from_slice(data);
    if data.len() % 2 == 1 {
        c.push(0);
    }
    c
}

fn riff_webp(chunks: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = chunks.concat();
    let mut w = b"RIFF".to_vec();
    w.extend_from_slice(&((body.len() + 4) as u32).to_le_bytes());
    w.extend_from_slice(b"WEBP");
    w.extend(body);
    w
}

fn vp8x(flags: u8, w: u32, h: u32) -> Vec<u8> {
    let mut d = vec![flags, 0, 0, 0];
    d.extend_from_slice(&le24(w - 1));
    d.extend_from_slice(&le24(h - 1));
    riff_chunk(b"VP8X", &d)
}

/// A VP8L bitstream header for `w × h` followed by a few junk bytes.
fn vp8l_header(w: u32, h: u32) -> Vec<u8> {
    let bits: u32 = (w - 1) | ((h - 1) << 14);
    let mut d = vec![0x2F];
    d.extend_from_slice(&bits.to_le_bytes());
    d.extend_from_slice(&[0; 8]);
    riff_chunk(b"VP8L", &d)
}

/// VP8X canvas 16384 × 16384, then a VP8L of the same size.
pub fn webp_vp8x_huge() -> Vec<u8> {
    riff_webp(&[vp8x(0, 16384, 16384), vp8l_header(16384, 16384)])
}

/// A simple-format lossless WebP whose VP8L header says 16383 × 16383 (image-webp 0.2
/// reads the format's largest, 16384, as 0: that gives a zero-side refusal instead).
pub fn webp_vp8l_huge() -> Vec<u8> {
    riff_webp(&[vp8l_header(16383, 16383)])
}

/// An animated 1 × 1 WebP with `n` ANMF chunks.
pub fn webp_frames(n: u32) -> Vec<u8> {
    let mut chunks = vec![vp8x(0x02, 1, 1), riff_chunk(b"ANIM", &[0, 0, 0, 0, 0, 0])];
    let mut anmf = Vec::new();
    anmf.extend_from_slice(&le24(0));
    anmf.extend_from_slice(&le24(0));
    anmf.extend_from_slice(&le24(0));
    anmf.extend_from_slice(&le24(0));
    anmf.extend_from_slice(&le24(100));
    anmf.push(0);
    anmf.extend(vp8l_header(1, 1));
    let frame = riff_chunk(b"ANMF", &anmf);
    for _ in 0..n {
        chunks.push(frame.clone());
    }
    riff_webp(&chunks)
}

/// A baseline JPEG header whose SOF0 claims `w × h` (3 components), one scan, EOI.
pub fn jpeg_sof(w: u16, h: u16) -> Vec<u8> {
    let mut j = vec![0xFF, 0xD8];
    // DQT: one table of 1s.
    j.extend_from_slice(&[0xFF, 0xDB, 0, 67, 0]);
    j.extend(std::iter::repeat_n(1u8, 64));
    j.extend_from_slice(&[0xFF, 0xC0, 0, 17, 8]);
    j.extend_from_slice(&h.to_be_bytes());
    j.extend_from_slice(&w.to_be_bytes());
    j.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 0, 3, 0x11, 0]);
    j.extend_from_slice(&[0xFF, 0xDA, 0, 12, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0]);
    j.extend_from_slice(&[0x12, 0x34, 0x56]);
    j.extend_from_slice(&[0xFF, 0xD9]);
    j
}

/// `jpeg` with `segments` extra APPn segments of `len` payload bytes each (payload starts
/// with `prefix`) inserted after SOI.
pub fn jpeg_with_app(
    jpeg: &[u8],
    marker: u8,
    segments: usize,
    make: impl Fn(usize) -> Vec<u8>,
) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    for i in 0..segments {
        let payload = make(i);
        assert!(payload.len() <= 65533);
        out.extend_from_slice(&[0xFF, marker]);
        out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        out.extend(payload);
    }
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// An EXIF APP1 payload of `len` bytes: `Exif\0\0`, a little-endian TIFF header with an
/// empty IFD, zero padding.
pub fn exif_payload(len: usize) -> Vec<u8> {
    let mut p = b"Exif\0\0II*\0\x08\0\0\0\0\0\0\0\0\0".to_vec();
    p.resize(len, 0);
    p
}

/// One ICC_PROFILE APP2 chunk `seq` of `count`, `len` bytes in all.
pub fn icc_payload(seq: u8, count: u8, len: usize) -> Vec<u8> {
    let mut p = b"ICC_PROFILE\0".to_vec();
    p.push(seq);
    p.push(count);
    p.resize(len, 0);
    p
}

/// Little-endian TIFF, 8-bit gray, one strip, claiming `w × h`.
pub fn tiff(w: u32, h: u32) -> Vec<u8> {
    let entries: [(u16, u16, u32); 9] = [
        (256, 4, w),  // ImageWidth, LONG
        (257, 4, h),  // ImageLength, LONG
        (258, 3, 8),  // BitsPerSample
        (259, 3, 1),  // Compression: none
        (262, 3, 1),  // Photometric: black is zero
        (273, 4, 0),  // StripOffsets (patched below)
        (277, 3, 1),  // SamplesPerPixel
        (278, 4, h),  // RowsPerStrip
        (279, 4, 16), // StripByteCounts
    ];
    let mut t = b"II*\0\x08\0\0\0".to_vec();
    t.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    let data_at = 8 + 2 + entries.len() as u32 * 12 + 4;
    for (tag, ty, v) in entries {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&ty.to_le_bytes());
        t.extend_from_slice(&1u32.to_le_bytes());
        let v = if tag == 273 { data_at } else { v };
        if ty == 3 {
            t.extend_from_slice(&(v as u16).to_le_bytes());
            t.extend_from_slice(&[0, 0]);
        } else {
            t.extend_from_slice(&v.to_le_bytes());
        }
    }
    t.extend_from_slice(&[0; 4]);
    t.extend_from_slice(&[128; 16]);
    t
}

/// A 24-bit BMP claiming `w × h`, with 16 bytes of pixel data.
pub fn bmp(w: i32, h: i32) -> Vec<u8> {
    let mut b = b"BM".to_vec();
    b.extend_from_slice(&(14u32 + 40 + 16).to_le_bytes());
    b.extend_from_slice(&[0; 4]);
    b.extend_from_slice(&54u32.to_le_bytes());
    b.extend_from_slice(&40u32.to_le_bytes());
    b.extend_from_slice(&w.to_le_bytes());
    b.extend_from_slice(&h.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&24u16.to_le_bytes());
    b.extend_from_slice(&[0; 24]); // BI_RGB, sizes, resolution, palette counts
    b.extend_from_slice(&[0x80; 16]);
    b
}

/// An ICO whose one entry says 256 × 256 and embeds `png`.
pub fn ico_with_png(png: &[u8]) -> Vec<u8> {
    ico_entry(png, 0, 0)
}

/// An ICO whose one entry says `w × h` (0 = 256) and embeds `png`.
pub fn ico_entry(png: &[u8], w: u8, h: u8) -> Vec<u8> {
    let mut i = vec![0, 0, 1, 0, 1, 0];
    i.extend_from_slice(&[w, h, 0, 0, 1, 0, 32, 0]);
    i.extend_from_slice(&(png.len() as u32).to_le_bytes());
    i.extend_from_slice(&22u32.to_le_bytes());
    i.extend_from_slice(png);
    i
}

/// Every crafted bomb with its name (sizes as the issue lists them).
pub fn all() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("png IHDR 100000x100000", png_huge()),
        ("gif 65535x65535", gif_huge()),
        ("webp VP8X 16384x16384", webp_vp8x_huge()),
        ("webp VP8L 16383x16383", webp_vp8l_huge()),
        (
            "webp VP8L 16384x16384",
            riff_webp(&[vp8l_header(16384, 16384)]),
        ),
        ("jpeg SOF 65500x65500", jpeg_sof(65500, 65500)),
        ("tiff 100000x100000", tiff(100_000, 100_000)),
        ("bmp 100000x100000", bmp(100_000, 100_000)),
        (
            "ico 256 entry with png 100000x100000",
            ico_with_png(&png_huge()),
        ),
        ("png zTXt 100 MB", png_ztxt_bomb(100 << 20)),
        ("png iTXt 100 MB", png_itxt_bomb(100 << 20)),
        ("png iCCP 100 MB", png_iccp_bomb(100 << 20)),
        (
            "ico with png iCCP 100 MB",
            ico_with_png(&png_iccp_bomb(100 << 20)),
        ),
        (
            "gif frame 65535x65535 on 16x16",
            gif_frame_beyond_canvas(65535, 65535),
        ),
        (
            "gif frame 12000x12000 on 16x16",
            gif_frame_beyond_canvas(12000, 12000),
        ),
        ("gif 10000 frames", gif_frames(10_000)),
        ("webp 10000 frames", webp_frames(10_000)),
        ("apng acTL 10000 frames", apng_frames(10_000)),
    ]
}
