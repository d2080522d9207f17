//! Y′CbCr planes (8–12 bit, 4:0:0 to 4:4:4) to 8-bit RGB(A) rows.
//!
//! - Matrices by their H.273 code: identity (GBR), BT.709, BT.601 (and unspecified, as
//!   libavif and browsers take it), BT.2020 non-constant luminance, SMPTE 240M, FCC and
//!   YCgCo; limited ("video") or full range.
//! - Subsampled chroma is upsampled with the triangle filter (weights 3/4 and 1/4 per axis,
//!   chroma centred between luma samples), as libjpeg's "fancy" upsampling and libavif do,
//!   not by repeating samples.
//! - Each plane goes through a lookup table made once per picture (at most 4096 entries),
//!   so the per-pixel work is a few multiply-adds in `f32`.

#[cfg(test)]
use super::planes::Samples;
use super::planes::{Chroma, Planes};
use crate::{Error, Frame, PixelLayout, Result};

/// How the samples map to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coding {
    /// H.273 matrix coefficients.
    pub matrix: u16,
    /// Full-range samples.
    pub full_range: bool,
}

/// `Kr`, `Kb` of a luma/chroma matrix; `None` for identity and YCgCo.
fn weights(matrix: u16) -> Option<(f32, f32)> {
    match matrix {
        0 | 8 => None,
        1 => Some((0.2126, 0.0722)),
        4 => Some((0.30, 0.11)),
        7 => Some((0.212, 0.087)),
        9 | 10 => Some((0.2627, 0.0593)),
        // 5, 6 (BT.601) and unspecified or unknown codes.
        _ => Some((0.299, 0.114)),
    }
}

/// Sample → normalised value tables for luma (0..1) and chroma (−0.5..0.5).
fn tables(depth: u8, full_range: bool) -> (Vec<f32>, Vec<f32>) {
    let n = 1usize << depth;
    let max = (n - 1) as f32;
    let shift = f32::from(1u16 << (depth - 8));
    let half = (n / 2) as f32;
    let (y_off, y_range, c_range) = if full_range {
        (0.0, max, max)
    } else {
        (16.0 * shift, 219.0 * shift, 224.0 * shift)
    };
    let luma = (0..n).map(|v| (v as f32 - y_off) / y_range).collect();
    let chroma = (0..n).map(|v| (v as f32 - half) / c_range).collect();
    (luma, chroma)
}

/// One row of chroma upsampled to luma width: `near` is the chroma row closest to the luma
/// row and `far` its other neighbour (the same row for 4:2:2 and 4:4:4).
fn upsample_row(near: &[f32], far: &[f32], vertical: bool, horizontal: bool, out: &mut [f32]) {
    let mixed = |i: usize| {
        if vertical {
            0.75 * near[i] + 0.25 * far[i]
        } else {
            near[i]
        }
    };
    if !horizontal {
        for (x, o) in out.iter_mut().enumerate() {
            *o = mixed(x);
        }
        return;
    }
    let last = near.len() - 1;
    for (x, o) in out.iter_mut().enumerate() {
        let c = (x / 2).min(last);
        let other = if x % 2 == 0 {
            c.saturating_sub(1)
        } else {
            (c + 1).min(last)
        };
        *o = 0.75 * mixed(c) + 0.25 * mixed(other);
    }
}

/// Clamps a 0..1 value to 0..=255.
#[inline]
fn byte(v: f32) -> u8 {
    (v * 255.0 + 0.5).clamp(0.0, 255.0) as u8
}

/// Converts `planes` (and an alpha plane of the same size) to a frame: Gray8/GrayAlpha8 for
/// monochrome, else Rgb8/Rgba8. Premultiplied alpha is undone.
///
/// # Errors
/// [`Error::Undecodable`] when the alpha plane's size differs, or memory runs out.
pub fn to_frame(
    planes: &Planes,
    coding: Coding,
    alpha: Option<(&Planes, bool)>,
    premultiplied: bool,
) -> Result<Frame> {
    let (w, h) = (planes.width, planes.height);
    let bad = |reason: &str| Error::Undecodable {
        format: "avif",
        reason: reason.to_string(),
    };
    if let Some((a, _)) = alpha {
        if (a.width, a.height) != (w, h) {
            return Err(bad("the alpha plane's size differs from the picture's"));
        }
    }
    let mono = planes.chroma == Chroma::Mono;
    let layout = match (mono, alpha.is_some()) {
        (true, false) => PixelLayout::Gray8,
        (true, true) => PixelLayout::GrayAlpha8,
        (false, false) => PixelLayout::Rgb8,
        (false, true) => PixelLayout::Rgba8,
    };
    let channels = layout.channels();
    let len = w
        .checked_mul(h)
        .and_then(|p| p.checked_mul(channels))
        .ok_or_else(|| bad("the picture is too large"))?;
    let mut out = Vec::new();
    out.try_reserve_exact(len)
        .map_err(|_| bad("no memory for the picture"))?;
    out.resize(len, 0);

    let (luma, chroma) = tables(planes.depth, coding.full_range);
    let alpha_lut = alpha.map(|(a, full)| tables(a.depth, full).0);
    let [yp, up, vp] = &planes.planes;
    let (cw, ch) = planes.chroma.chroma_size(w, h);
    let vertical = planes.chroma == Chroma::Yuv420;
    let horizontal = matches!(planes.chroma, Chroma::Yuv420 | Chroma::Yuv422);
    let k = weights(coding.matrix);

    let mut near_u = vec![0f32; cw];
    let mut far_u = vec![0f32; cw];
    let mut near_v = vec![0f32; cw];
    let mut far_v = vec![0f32; cw];
    let mut u_row = vec![0f32; w];
    let mut v_row = vec![0f32; w];
    let mut luma_row = vec![0f32; w];
    let mut alpha_row = vec![0f32; if alpha.is_some() { w } else { 0 }];
    for (y, row) in out.chunks_exact_mut(w * channels).enumerate() {
        yp.lookup_into(y * w, &luma, &mut luma_row);
        if !mono {
            let (cy, other) = if vertical {
                let c = (y / 2).min(ch - 1);
                let o = if y % 2 == 0 {
                    c.saturating_sub(1)
                } else {
                    (c + 1).min(ch - 1)
                };
                (c, o)
            } else {
                (y, y)
            };
            up.lookup_into(cy * cw, &chroma, &mut near_u);
            up.lookup_into(other * cw, &chroma, &mut far_u);
            vp.lookup_into(cy * cw, &chroma, &mut near_v);
            vp.lookup_into(other * cw, &chroma, &mut far_v);
            upsample_row(&near_u, &far_u, vertical, horizontal, &mut u_row);
            upsample_row(&near_v, &far_v, vertical, horizontal, &mut v_row);
        }
        if let (Some((a, _)), Some(lut)) = (alpha, alpha_lut.as_deref()) {
            a.planes[0].lookup_into(y * w, lut, &mut alpha_row);
        }
        for x in 0..w {
            let px = &mut row[x * channels..(x + 1) * channels];
            let yv = luma_row[x];
            if mono {
                px[0] = byte(yv);
            } else {
                let (cb, cr) = (u_row[x], v_row[x]);
                let (r, g, b) = match (k, coding.matrix) {
                    (Some((kr, kb)), _) => {
                        let kg = 1.0 - kr - kb;
                        let r = yv + 2.0 * (1.0 - kr) * cr;
                        let b = yv + 2.0 * (1.0 - kb) * cb;
                        (r, (yv - kr * r - kb * b) / kg, b)
                    }
                    // YCgCo: Cb carries Cg, Cr carries Co.
                    (None, 8) => {
                        let t = yv - cb;
                        (t + cr, yv + cb, t - cr)
                    }
                    // Identity: G in Y, B in U, R in V (full-range numbers as stored).
                    _ => (cr + 0.5, yv, cb + 0.5),
                };
                px[0] = byte(r);
                px[1] = byte(g);
                px[2] = byte(b);
            }
            if alpha.is_some() {
                let a = byte(alpha_row[x]);
                let last = channels - 1;
                px[last] = a;
                if premultiplied && a < 255 {
                    for c in &mut px[..last] {
                        *c = if a == 0 {
                            0
                        } else {
                            ((u32::from(*c) * 255 + u32::from(a) / 2) / u32::from(a)).min(255) as u8
                        };
                    }
                }
            }
        }
    }
    Frame::new(w as u32, h as u32, layout, out).map_err(|e| bad(&e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planes(depth: u8, chroma: Chroma, w: usize, h: usize, yuv: [u16; 3]) -> Planes {
        let (cw, ch) = chroma.chroma_size(w, h);
        Planes {
            width: w,
            height: h,
            depth,
            chroma,
            planes: [
                Samples::U16(vec![yuv[0]; w * h]),
                Samples::U16(vec![yuv[1]; cw * ch]),
                Samples::U16(vec![yuv[2]; cw * ch]),
            ],
            matrix: 1,
            full_range: false,
        }
    }

    #[test]
    fn limited_range_bt709_primaries_are_exact() {
        // BT.709 limited-range codes of pure red, green, blue, white and black.
        let cases = [
            ([63, 102, 240], [255, 0, 0]),
            ([173, 42, 26], [0, 255, 0]),
            ([32, 240, 118], [0, 0, 255]),
            ([235, 128, 128], [255, 255, 255]),
            ([16, 128, 128], [0, 0, 0]),
        ];
        for (yuv, rgb) in cases {
            let p = planes(8, Chroma::Yuv420, 3, 3, yuv);
            let coding = Coding {
                matrix: 1,
                full_range: false,
            };
            let f = to_frame(&p, coding, None, false).expect("converts");
            assert_eq!(f.layout(), PixelLayout::Rgb8);
            for (got, want) in f.pixel(2, 2).expect("inside").iter().zip(rgb) {
                assert!(
                    (i32::from(*got) - want).abs() <= 2,
                    "{yuv:?} -> {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn ten_bit_full_range_grey_and_alpha() {
        let p = planes(10, Chroma::Yuv444, 2, 2, [512, 512, 512]);
        let a = planes(10, Chroma::Mono, 2, 2, [1023, 0, 0]);
        let coding = Coding {
            matrix: 6,
            full_range: true,
        };
        let f = to_frame(&p, coding, Some((&a, true)), false).expect("converts");
        assert_eq!(f.layout(), PixelLayout::Rgba8);
        assert_eq!(f.pixel(1, 1), Some(&[128u8, 128, 128, 255][..]));
        // Premultiplied half-transparent grey comes back to full value.
        let p = planes(8, Chroma::Yuv444, 1, 1, [64, 128, 128]);
        let a = planes(8, Chroma::Mono, 1, 1, [128, 0, 0]);
        let f = to_frame(
            &p,
            Coding {
                matrix: 6,
                full_range: true,
            },
            Some((&a, true)),
            true,
        )
        .expect("converts");
        assert_eq!(f.pixel(0, 0), Some(&[128u8, 128, 128, 128][..]));
    }

    #[test]
    fn chroma_is_interpolated_not_repeated() {
        // A 4:2:0 picture whose left chroma column is red-ish and right blue-ish: the
        // luma columns between them blend, the outer ones do not.
        let mut p = planes(8, Chroma::Yuv420, 4, 2, [128, 128, 128]);
        p.planes[2] = Samples::U8(vec![200, 56]);
        p.planes[1] = Samples::U8(vec![128, 128]);
        p.planes[0] = Samples::U8(vec![128; 8]);
        let f = to_frame(
            &p,
            Coding {
                matrix: 1,
                full_range: true,
            },
            None,
            false,
        )
        .expect("ok");
        let red = |x| f.pixel(x, 0).expect("inside")[0];
        assert!(
            red(0) > red(1) && red(1) > red(2) && red(2) > red(3),
            "{:?}",
            f.data()
        );
        let mono = planes(8, Chroma::Mono, 2, 1, [235, 0, 0]);
        let g = to_frame(
            &mono,
            Coding {
                matrix: 1,
                full_range: false,
            },
            None,
            false,
        )
        .expect("ok");
        assert_eq!(g.layout(), PixelLayout::Gray8);
        assert_eq!(g.data(), &[255, 255]);
    }
}
