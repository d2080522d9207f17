//! Baseline JPEG encoding in Rust, producing the same bytes as libjpeg-turbo (and mozjpeg
//! with its extras off) given `optimize_coding`: Annex K quantisation tables scaled by
//! libjpeg's quality curve, its fixed-point RGB→YCbCr, its box downsampling with
//! alternating bias, the islow DCT, and libjpeg's optimal Huffman tables.
//!
//! Why not mozjpeg here: without nasm mozjpeg-sys builds its C fallbacks, and encoding a
//! 300×200 thumbnail took about 2 ms — as long as decoding the whole 2.5 MP source on the
//! DC path. This encoder keeps the coefficients of the whole image (i16, zigzag order) for
//! the two Huffman passes, as libjpeg does, but no unquantised copy (mozjpeg keeps one for
//! trellis quantisation even when trellis is off). Progressive output stays with mozjpeg.

mod fdct;
mod huffman;

use std::time::Instant;

use self::fdct::{Quantizer, NATURAL_ORDER};
use self::huffman::{BitWriter, Class, Codes, Table};

/// How chroma is sampled relative to luma.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Chroma {
    /// Full resolution (Y 1×1).
    Full,
    /// Halved horizontally (Y 2×1).
    HalfWidth,
    /// Halved both ways (Y 2×2).
    Quarter,
}

/// The input pixels: tightly packed rows of 8-bit gray or RGB.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pixels<'a> {
    /// Row-major samples, `width × height × channels` bytes.
    pub data: &'a [u8],
    /// Width in pixels, 1–65535.
    pub width: usize,
    /// Height in pixels, 1–65535.
    pub height: usize,
    /// One channel (gray) or three (RGB).
    pub gray: bool,
}

impl Pixels<'_> {
    fn channels(&self) -> usize {
        if self.gray {
            1
        } else {
            3
        }
    }
}

/// Why an encode stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The deadline passed between strips.
    Deadline,
    /// The pixel buffer does not match the stated size.
    BadInput,
}

/// JPEG Annex K.1 luminance table, natural order.
const LUMA_QUANT: [u16; 64] = [
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
    92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

/// JPEG Annex K.1 chrominance table, natural order.
const CHROMA_QUANT: [u16; 64] = [
    17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
    47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];

/// libjpeg's quality curve: percentage scaling of the Annex K tables.
fn scale_factor(quality: u8) -> u32 {
    let q = f32::from(quality.clamp(1, 100));
    if q < 50.0 {
        (5000.0 / q) as u32
    } else {
        (200.0 - q * 2.0) as u32
    }
}

/// `base` scaled by `factor` percent, rounded, limited to 1–32767 (not to 255: like
/// mozjpeg's `set_quality`, very low qualities get 16-bit tables and an SOF1 frame).
fn scaled_table(base: &[u16; 64], factor: u32) -> [u16; 64] {
    let mut out = [0u16; 64];
    for (o, &b) in out.iter_mut().zip(base) {
        *o = ((u32::from(b) * factor + 50) / 100).clamp(1, 32767) as u16;
    }
    out
}

/// One colour component's geometry and coefficients.
struct Component {
    /// JPEG component id (1 = Y, 2 = Cb, 3 = Cr).
    id: u8,
    /// Sampling factors.
    h: usize,
    v: usize,
    /// Quantisation and Huffman table number (0 luma, 1 chroma).
    table: usize,
    /// Blocks covering the component's samples (libjpeg's `width_in_blocks`, …).
    blocks_w: usize,
    blocks_h: usize,
    /// Blocks per row including the dummy blocks that complete the last MCU.
    stride: usize,
    /// Quantised coefficients, 64 per block, zigzag order, `stride × rows` blocks.
    coefs: Vec<i16>,
}

impl Component {
    fn block(&self, bx: usize, by: usize) -> &[i16] {
        let start = (by * self.stride + bx) * 64;
        self.coefs.get(start..start + 64).unwrap_or(&[])
    }
}

/// The frame geometry: MCU size and count.
struct Layout {
    max_h: usize,
    max_v: usize,
    mcus_across: usize,
    mcu_rows: usize,
}

/// Encodes `pixels` as a baseline JPEG at `quality` (1–100) with the given APPn segments
/// (`(marker byte, payload)`, written after the JFIF header).
pub(crate) fn encode(
    pixels: Pixels<'_>,
    quality: u8,
    chroma: Chroma,
    segments: &[(u8, &[u8])],
    deadline: Option<Instant>,
) -> Result<Vec<u8>, Stop> {
    let channels = pixels.channels();
    let Pixels {
        data,
        width,
        height,
        gray,
    } = pixels;
    if width == 0
        || height == 0
        || width > 65_535
        || height > 65_535
        || Some(data.len())
            != width
                .checked_mul(height)
                .and_then(|n| n.checked_mul(channels))
    {
        return Err(Stop::BadInput);
    }
    let (max_h, max_v) = match (gray, chroma) {
        (true, _) | (false, Chroma::Full) => (1, 1),
        (false, Chroma::HalfWidth) => (2, 1),
        (false, Chroma::Quarter) => (2, 2),
    };
    let layout = Layout {
        max_h,
        max_v,
        mcus_across: width.div_ceil(8 * max_h),
        mcu_rows: height.div_ceil(8 * max_v),
    };
    let sampling: &[(u8, usize, usize, usize)] = if gray {
        &[(1, 1, 1, 0)]
    } else {
        &[(1, max_h, max_v, 0), (2, 1, 1, 1), (3, 1, 1, 1)]
    };
    let mut components: Vec<Component> = sampling
        .iter()
        .map(|&(id, h, v, table)| {
            let stride = layout.mcus_across * h;
            let rows = layout.mcu_rows * v;
            Component {
                id,
                h,
                v,
                table,
                blocks_w: (width * h).div_ceil(8 * max_h),
                blocks_h: (height * v).div_ceil(8 * max_v),
                stride,
                coefs: vec![0; stride * rows * 64],
            }
        })
        .collect();

    let factor = scale_factor(quality);
    let tables = [
        scaled_table(&LUMA_QUANT, factor),
        scaled_table(&CHROMA_QUANT, factor),
    ];
    let quantizers = [Quantizer::new(&tables[0]), Quantizer::new(&tables[1])];

    transform(pixels, &layout, &mut components, &quantizers, deadline)?;

    // Pass 1: symbol statistics per table; pass 2: the entropy-coded data.
    let mut dc_counts = [[0u32; 256]; 2];
    let mut ac_counts = [[0u32; 256]; 2];
    for_each_block(&layout, &components, |c, block, diff| {
        let (dc, ac) = (&mut dc_counts[c.table], &mut ac_counts[c.table]);
        huffman::for_each_symbol(block, diff, |class, sym, _, _| match class {
            Class::Dc => dc[usize::from(sym)] += 1,
            Class::Ac => ac[usize::from(sym)] += 1,
        });
    });
    let used = if gray { 1 } else { 2 };
    let dc_tables: Vec<Table> = dc_counts[..used].iter().map(Table::for_counts).collect();
    let ac_tables: Vec<Table> = ac_counts[..used].iter().map(Table::for_counts).collect();

    let mut out = Vec::with_capacity(data.len() / 10 + 1024);
    write_headers(
        &mut out,
        width,
        height,
        &tables[..used],
        &components,
        segments,
    );
    write_huffman_tables(&mut out, &dc_tables, &ac_tables);
    write_scan_header(&mut out, &components);

    let dc_codes: Vec<Codes> = dc_tables.iter().map(Codes::new).collect();
    let ac_codes: Vec<Codes> = ac_tables.iter().map(Codes::new).collect();
    let mut writer = BitWriter::new(out);
    for_each_block(&layout, &components, |c, block, diff| {
        let (dc, ac) = (&dc_codes[c.table], &ac_codes[c.table]);
        huffman::for_each_symbol(block, diff, |class, sym, v, size| {
            let (code, len) = match class {
                Class::Dc => dc.get(sym),
                Class::Ac => ac.get(sym),
            };
            writer.put((code << size) | huffman::extra_bits(v, size), len + size);
        });
    });
    let mut out = writer.finish();
    out.extend_from_slice(&[0xFF, 0xD9]);
    Ok(out)
}

/// Visits every block in scan order with its component and DC difference: MCU by MCU,
/// components in order, each component's `h × v` blocks row by row. A lone component is
/// a non-interleaved scan of just its real blocks.
fn for_each_block(
    layout: &Layout,
    components: &[Component],
    mut visit: impl FnMut(&Component, &[i16], i32),
) {
    let mut previous_dc = [0i32; 3];
    if let [c] = components {
        for by in 0..c.blocks_h {
            for bx in 0..c.blocks_w {
                let block = c.block(bx, by);
                let dc = i32::from(block.first().copied().unwrap_or(0));
                visit(c, block, dc - previous_dc[0]);
                previous_dc[0] = dc;
            }
        }
        return;
    }
    for my in 0..layout.mcu_rows {
        for mx in 0..layout.mcus_across {
            for (c, prev) in components.iter().zip(previous_dc.iter_mut()) {
                for y in 0..c.v {
                    for x in 0..c.h {
                        let block = c.block(mx * c.h + x, my * c.v + y);
                        let dc = i32::from(block.first().copied().unwrap_or(0));
                        visit(c, block, dc - *prev);
                        *prev = dc;
                    }
                }
            }
        }
    }
}

/// Fixed-point BT.601 full-range RGB→YCbCr with libjpeg's constants and rounding
/// (16 fraction bits; Cb/Cr round with 0.5 − ε).
#[inline(always)]
fn ycc(r: u8, g: u8, b: u8) -> (u8, u8, u8) {
    let (r, g, b) = (i32::from(r), i32::from(g), i32::from(b));
    const HALF: i32 = 1 << 15;
    const OFFSET: i32 = 128 << 16;
    let y = (19595 * r + 38470 * g + 7471 * b + HALF) >> 16;
    let cb = (-11059 * r - 21709 * g + 32768 * b + OFFSET + HALF - 1) >> 16;
    let cr = (32768 * r - 27439 * g - 5329 * b + OFFSET + HALF - 1) >> 16;
    (y as u8, cb as u8, cr as u8)
}

/// Colour-converts, downsamples and transforms the image one MCU row (strip) at a time,
/// filling every component's coefficients, dummy blocks included.
fn transform(
    pixels: Pixels<'_>,
    layout: &Layout,
    components: &mut [Component],
    quantizers: &[Quantizer; 2],
    deadline: Option<Instant>,
) -> Result<(), Stop> {
    let padded_w = layout.mcus_across * layout.max_h * 8;
    // Rows of the full-resolution image after libjpeg's padding to whole row groups.
    let rows_padded = pixels.height.div_ceil(layout.max_v) * layout.max_v;
    // Full-resolution Y/Cb/Cr of one row group (`max_v` rows), then each component's strip.
    let mut group_planes = [
        vec![0u8; padded_w * layout.max_v],
        vec![0u8; padded_w * layout.max_v],
        vec![0u8; padded_w * layout.max_v],
    ];
    let mut strips: Vec<Vec<u8>> = components
        .iter()
        .map(|c| vec![0u8; c.stride * 8 * c.v * 8])
        .collect();
    for m in 0..layout.mcu_rows {
        if deadline.is_some_and(|d| Instant::now() > d) {
            return Err(Stop::Deadline);
        }
        // A strip is eight row groups: `max_v` image rows each, one row per `v` in each
        // component.
        for group in 0..8 {
            let y0 = (m * 8 + group) * layout.max_v;
            if y0 >= rows_padded {
                repeat_last_rows(components, &mut strips, group);
                continue;
            }
            convert_row_group(&pixels, y0, layout.max_v, &mut group_planes)?;
            for ((c, strip), plane) in components.iter().zip(&mut strips).zip(&group_planes) {
                downsample_row_group(c, layout, group, plane, strip);
            }
        }
        for (c, strip) in components.iter_mut().zip(&strips) {
            transform_strip(c, strip, m, layout.mcus_across, &quantizers[c.table]);
        }
    }
    Ok(())
}

/// Below the image: each component's rows of row group `group` repeat its last real row.
fn repeat_last_rows(components: &[Component], strips: &mut [Vec<u8>], group: usize) {
    for (c, strip) in components.iter().zip(strips) {
        let w = c.stride * 8;
        for k in 0..c.v {
            let row = group * c.v + k;
            if row > 0 {
                strip.copy_within((row - 1) * w..row * w, row * w);
            }
        }
    }
}

/// Fills `planes` (one row of `padded_w` per image row, per Y/Cb/Cr) with the `rows` image
/// rows from `y0` on, colour-converted, the last column repeated to the padded width and
/// rows past the bottom repeating the last (libjpeg's edge rules).
fn convert_row_group(
    pixels: &Pixels<'_>,
    y0: usize,
    rows: usize,
    planes: &mut [Vec<u8>; 3],
) -> Result<(), Stop> {
    let channels = pixels.channels();
    let (width, height) = (pixels.width, pixels.height);
    let padded_w = planes[0].len() / rows;
    for k in 0..rows {
        let src = (y0 + k).min(height - 1);
        let line = pixels
            .data
            .get(src * width * channels..(src + 1) * width * channels)
            .ok_or(Stop::BadInput)?;
        let at = k * padded_w..(k + 1) * padded_w;
        if pixels.gray {
            let yrow = &mut planes[0][at];
            yrow[..width].copy_from_slice(line);
            let last = line[width - 1];
            yrow[width..].fill(last);
            continue;
        }
        let [fy, fcb, fcr] = planes;
        let (yrow, cbrow, crrow) = (&mut fy[at.clone()], &mut fcb[at.clone()], &mut fcr[at]);
        for (((px, y), cb), cr) in line
            .chunks_exact(3)
            .zip(yrow.iter_mut())
            .zip(cbrow.iter_mut())
            .zip(crrow.iter_mut())
        {
            (*y, *cb, *cr) = ycc(px[0], px[1], px[2]);
        }
        for row in [yrow, cbrow, crrow] {
            let last = row[width - 1];
            row[width..].fill(last);
        }
    }
    Ok(())
}

/// Writes component `c`'s rows of row group `group` into its strip from the full-resolution
/// `plane`, averaging 2×1 or 2×2 samples where the component is subsampled (libjpeg's box
/// filter, with its alternating rounding bias).
fn downsample_row_group(
    c: &Component,
    layout: &Layout,
    group: usize,
    plane: &[u8],
    strip: &mut [u8],
) {
    let w = c.stride * 8;
    let padded_w = layout.mcus_across * layout.max_h * 8;
    let (hf, vf) = (layout.max_h / c.h, layout.max_v / c.v);
    for k in 0..c.v {
        let row = group * c.v + k;
        let out = &mut strip[row * w..(row + 1) * w];
        let first = &plane[k * vf * padded_w..][..padded_w];
        match (hf, vf) {
            (1, 1) => out.copy_from_slice(&first[..w]),
            (2, 1) => {
                for (x, (o, p)) in out.iter_mut().zip(first.chunks_exact(2)).enumerate() {
                    let bias = (x & 1) as u16;
                    *o = ((u16::from(p[0]) + u16::from(p[1]) + bias) >> 1) as u8;
                }
            }
            _ => {
                let second = &plane[(k * vf + 1) * padded_w..][..padded_w];
                for (x, ((o, p), q)) in out
                    .iter_mut()
                    .zip(first.chunks_exact(2))
                    .zip(second.chunks_exact(2))
                    .enumerate()
                {
                    let bias = 1 + (x & 1) as u16;
                    let sum = u16::from(p[0]) + u16::from(p[1]) + u16::from(q[0]) + u16::from(q[1]);
                    *o = ((sum + bias) >> 2) as u8;
                }
            }
        }
    }
}

/// Transforms and quantises component `c`'s blocks of MCU row `m` from its `strip`, then
/// fills the dummy blocks: those completing the last MCU of a row carry the row's last real
/// DC, and a dummy block row below the image carries the DC of the block above at each
/// MCU's last column (libjpeg's rules).
fn transform_strip(
    c: &mut Component,
    strip: &[u8],
    m: usize,
    mcus_across: usize,
    quant: &Quantizer,
) {
    let w = c.stride * 8;
    let mut block: fdct::Block = [[0; 8]; 8];
    for br in 0..c.v {
        let by = m * c.v + br;
        if by >= c.blocks_h {
            for mx in 0..mcus_across {
                let above = ((by - 1) * c.stride + mx * c.h + c.h - 1) * 64;
                let dc = c.coefs[above];
                for x in 0..c.h {
                    c.coefs[(by * c.stride + mx * c.h + x) * 64] = dc;
                }
            }
            continue;
        }
        for bx in 0..c.blocks_w {
            // Loaded transposed (block[x][y]): the DCT's first pass wants lanes to be rows.
            let rows = strip[br * 8 * w..].chunks(w).take(8);
            for (y, row) in rows.enumerate() {
                for (column, &s) in block.iter_mut().zip(&row[bx * 8..bx * 8 + 8]) {
                    column[y] = i32::from(s) - 128;
                }
            }
            fdct::forward(&mut block);
            let at = (by * c.stride + bx) * 64;
            quant.quantize(&block, &mut c.coefs[at..at + 64]);
        }
        let last_dc = c.coefs[(by * c.stride + c.blocks_w - 1) * 64];
        for bx in c.blocks_w..c.stride {
            c.coefs[(by * c.stride + bx) * 64] = last_dc;
        }
    }
}

/// SOI, JFIF APP0, the caller's APPn segments, DQT and SOF0 (SOF1 with 16-bit tables).
fn write_headers(
    out: &mut Vec<u8>,
    width: usize,
    height: usize,
    tables: &[[u16; 64]],
    components: &[Component],
    segments: &[(u8, &[u8])],
) {
    out.extend_from_slice(&[0xFF, 0xD8]);
    // JFIF 1.01, no density units, 1:1 aspect, no thumbnail.
    out.extend_from_slice(&[0xFF, 0xE0, 0, 16]);
    out.extend_from_slice(b"JFIF\0");
    out.extend_from_slice(&[1, 1, 0, 0, 1, 0, 1, 0, 0]);
    for (marker, payload) in segments {
        out.extend_from_slice(&[0xFF, *marker]);
        out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(payload);
    }
    let mut extended = false;
    for (i, table) in tables.iter().enumerate() {
        let wide = table.iter().any(|&q| q > 255);
        extended |= wide;
        let len = 2 + 1 + if wide { 128 } else { 64 };
        out.extend_from_slice(&[0xFF, 0xDB]);
        out.extend_from_slice(&(len as u16).to_be_bytes());
        out.push((u8::from(wide) << 4) | i as u8);
        for &k in &NATURAL_ORDER {
            if wide {
                out.extend_from_slice(&table[k].to_be_bytes());
            } else {
                out.push(table[k] as u8);
            }
        }
    }
    out.extend_from_slice(&[0xFF, if extended { 0xC1 } else { 0xC0 }]);
    out.extend_from_slice(&((8 + 3 * components.len()) as u16).to_be_bytes());
    out.push(8);
    out.extend_from_slice(&(height as u16).to_be_bytes());
    out.extend_from_slice(&(width as u16).to_be_bytes());
    out.push(components.len() as u8);
    for c in components {
        out.extend_from_slice(&[c.id, ((c.h as u8) << 4) | c.v as u8, c.table as u8]);
    }
}

/// One DHT segment per table, in libjpeg's order: DC 0, AC 0, DC 1, AC 1.
fn write_huffman_tables(out: &mut Vec<u8>, dc: &[Table], ac: &[Table]) {
    for (i, (d, a)) in dc.iter().zip(ac).enumerate() {
        for (class, t) in [(0u8, d), (1u8, a)] {
            out.extend_from_slice(&[0xFF, 0xC4]);
            out.extend_from_slice(&((2 + 1 + 16 + t.values.len()) as u16).to_be_bytes());
            out.push((class << 4) | i as u8);
            out.extend_from_slice(&t.bits);
            out.extend_from_slice(&t.values);
        }
    }
}

/// SOS for one scan over all components, spectral range 0–63.
fn write_scan_header(out: &mut Vec<u8>, components: &[Component]) {
    out.extend_from_slice(&[0xFF, 0xDA]);
    out.extend_from_slice(&((6 + 2 * components.len()) as u16).to_be_bytes());
    out.push(components.len() as u8);
    for c in components {
        out.extend_from_slice(&[c.id, ((c.table as u8) << 4) | c.table as u8]);
    }
    out.extend_from_slice(&[0, 63, 0]);
}
