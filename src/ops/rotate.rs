//! [`rotate`]: rotate clockwise by any angle.

use super::{flip_in_place, in_layout, layout_with_color, to_u8, FlipParams, Rgba};
use crate::{Error, Frame, Result};

/// Parameters of [`rotate`].
///
/// | field | range | default |
/// | --- | --- | --- |
/// | `degrees` | any finite number; clockwise (negative = counter-clockwise, ImageKit `rt-N40`); taken modulo 360 | 0 |
/// | `background` | colour of the corners exposed by a non-right angle | transparent black |
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RotateParams {
    /// Clockwise angle in degrees.
    pub degrees: f64,
    /// Fill for the exposed corners (ignored for multiples of 90°).
    pub background: Rgba,
}

impl Default for RotateParams {
    fn default() -> Self {
        RotateParams {
            degrees: 0.0,
            background: Rgba::TRANSPARENT,
        }
    }
}

/// The angle modulo 360 in `[0, 360)`, or an error for NaN/infinity.
pub(crate) fn normalise(degrees: f64) -> Result<f64> {
    if !degrees.is_finite() {
        return Err(Error::BadArgument(format!(
            "rotation angle {degrees} is not finite"
        )));
    }
    let d = degrees.rem_euclid(360.0);
    // rem_euclid can return 360.0 for tiny negative inputs.
    Ok(if d >= 360.0 { 0.0 } else { d })
}

/// The output size of [`rotate`] for a `width × height` frame.
///
/// Multiples of 90° swap or keep the sides exactly. Any other angle gives the bounding box of
/// the rotated rectangle, each side rounded **up** (`ceil(w·|cos θ| + h·|sin θ|)`, with a
/// 1e-6 px tolerance so that float noise does not add a pixel).
///
/// # Errors
/// [`Error::BadArgument`] for a non-finite angle or a side that overflows `u32`.
pub fn rotated_size(width: u32, height: u32, degrees: f64) -> Result<(u32, u32)> {
    let size = crate::plan::Size::new(width, height)
        .ok_or_else(|| Error::BadArgument(format!("cannot rotate a {width}x{height} frame")))?;
    let out = crate::plan::rotated_size(size, normalise(degrees)?)?;
    Ok((out.width(), out.height()))
}

/// Rotates `src` clockwise by `p.degrees`.
///
/// Multiples of 90° are exact pixel moves (a tiled, cache-friendly transpose followed by a
/// flip), keep the layout and ignore `background`. Other angles sample the source
/// bilinearly (premultiplied when there is alpha) around the centre onto a canvas of
/// [`rotated_size`]; samples outside the source take `background`, so the edges are
/// anti-aliased. The result layout then follows the module colour rule.
///
/// # Errors
/// [`Error::BadArgument`] for a non-finite angle or an output whose size overflows.
///
/// # Allocations
/// The output frame; for arbitrary angles also a converted copy of the source when the
/// layout changes (e.g. RGB on a transparent background).
pub fn rotate(src: &Frame, p: &RotateParams) -> Result<Frame> {
    let d = normalise(p.degrees)?;
    match crate::plan::quarter_turns(d) {
        Some(0) => Ok(src.clone()),
        Some(1) => rotate90(src),
        Some(2) => {
            let mut out = src.clone();
            flip_in_place(
                &mut out,
                &FlipParams {
                    horizontal: true,
                    vertical: true,
                },
            );
            Ok(out)
        }
        Some(_) => rotate270(src),
        None => rotate_any(src, d, p.background),
    }
}

/// 90° clockwise: transpose, then mirror left ↔ right.
pub(crate) fn rotate90(src: &Frame) -> Result<Frame> {
    let mut out = transpose(src)?;
    flip_in_place(
        &mut out,
        &FlipParams {
            horizontal: true,
            vertical: false,
        },
    );
    Ok(out)
}

/// 270° clockwise: transpose, then mirror top ↔ bottom.
pub(crate) fn rotate270(src: &Frame) -> Result<Frame> {
    let mut out = transpose(src)?;
    flip_in_place(
        &mut out,
        &FlipParams {
            horizontal: false,
            vertical: true,
        },
    );
    Ok(out)
}

/// Mirror along the main diagonal: pixel (x, y) moves to (y, x).
pub(crate) fn transpose(src: &Frame) -> Result<Frame> {
    let out = transpose_pixels(
        src.data(),
        src.width(),
        src.height(),
        src.layout().channels(),
    );
    Frame::new(src.height(), src.width(), src.layout(), out)
}

/// Transposes `w × h` pixels of `pixel_bytes` bytes each (1–4 for 8-bit frames, 2–8 for
/// 16-bit ones): the one kernel behind every quarter turn of either depth.
pub(crate) fn transpose_pixels(data: &[u8], w: u32, h: u32, pixel_bytes: usize) -> Vec<u8> {
    let (w, h) = (w as usize, h as usize);
    let mut out = vec![0u8; data.len()];
    match pixel_bytes {
        1 => transpose_typed::<1>(data, w, h, &mut out),
        2 => transpose_typed::<2>(data, w, h, &mut out),
        3 => transpose_typed::<3>(data, w, h, &mut out),
        4 => transpose_typed::<4>(data, w, h, &mut out),
        6 => transpose_typed::<6>(data, w, h, &mut out),
        _ => transpose_typed::<8>(data, w, h, &mut out),
    }
    out
}

/// Tiled transpose of `C`-byte pixels: 32 × 32 blocks keep both sides in cache.
fn transpose_typed<const C: usize>(src: &[u8], w: usize, h: usize, dst: &mut [u8]) {
    const B: usize = 32;
    for by in (0..h).step_by(B) {
        let ey = (by + B).min(h);
        for bx in (0..w).step_by(B) {
            let ex = (bx + B).min(w);
            for y in by..ey {
                let row = src.get(y * w * C..(y + 1) * w * C).unwrap_or(&[]);
                for x in bx..ex {
                    let d = (x * h + y) * C;
                    if let (Some(from), Some(to)) =
                        (row.get(x * C..x * C + C), dst.get_mut(d..d + C))
                    {
                        to.copy_from_slice(from);
                    }
                }
            }
        }
    }
}

/// Bilinear rotation by a non-right angle `d` (degrees, clockwise, in `[0, 360)`).
fn rotate_any(src: &Frame, d: f64, bg: Rgba) -> Result<Frame> {
    let (ow, oh) = rotated_size(src.width(), src.height(), d)?;
    let layout = layout_with_color(src.layout(), bg);
    let src = in_layout(src, layout);
    let c = layout.channels();
    let alpha = layout.has_alpha();
    let len = crate::byte_len(ow, oh, layout)
        .ok_or_else(|| Error::BadArgument(format!("rotated frame {ow}x{oh} is too large")))?;
    let mut out = vec![0u8; len];

    let (bg_px, _) = bg.to_pixel(layout);
    let mut bg_pre = [0f32; 4];
    for (k, v) in bg_pre.iter_mut().enumerate().take(c) {
        *v = f32::from(bg_px.get(k).copied().unwrap_or(0));
    }
    if alpha {
        premultiply(&mut bg_pre, c);
    }

    let t = d.to_radians();
    let (sin, cos) = (t.sin(), t.cos());
    let (sw, sh) = (i64::from(src.width()), i64::from(src.height()));
    let (scx, scy) = (f64::from(src.width()) / 2.0, f64::from(src.height()) / 2.0);
    let (ocx, ocy) = (f64::from(ow) / 2.0, f64::from(oh) / 2.0);
    let data = src.data();
    let stride = src.stride();

    let fetch = |x: i64, y: i64| -> [f32; 4] {
        if x < 0 || y < 0 || x >= sw || y >= sh {
            return bg_pre;
        }
        // 0 ≤ x < width and 0 ≤ y < height, both fit usize.
        let i = y as usize * stride + x as usize * c;
        let mut v = [0f32; 4];
        if let Some(px) = data.get(i..i + c) {
            for (o, b) in v.iter_mut().zip(px) {
                *o = f32::from(*b);
            }
        }
        if alpha {
            premultiply(&mut v, c);
        }
        v
    };

    for (oy, row) in out.chunks_exact_mut(ow as usize * c).enumerate() {
        let dy = oy as f64 + 0.5 - ocy;
        for (ox, px) in row.chunks_exact_mut(c).enumerate() {
            let dx = ox as f64 + 0.5 - ocx;
            // Inverse of a clockwise rotation (y points down).
            let sx = dx * cos + dy * sin + scx - 0.5;
            let sy = -dx * sin + dy * cos + scy - 0.5;
            let (x0, y0) = (sx.floor(), sy.floor());
            let (fx, fy) = ((sx - x0) as f32, (sy - y0) as f32);
            // |sx|, |sy| are below 2^34 (bounded by the frame sides), the cast is exact.
            let (x0, y0) = (x0 as i64, y0 as i64);
            let p00 = fetch(x0, y0);
            let p10 = fetch(x0 + 1, y0);
            let p01 = fetch(x0, y0 + 1);
            let p11 = fetch(x0 + 1, y0 + 1);
            let mut v = [0f32; 4];
            for k in 0..c {
                let top = p00[k] + (p10[k] - p00[k]) * fx;
                let bottom = p01[k] + (p11[k] - p01[k]) * fx;
                v[k] = top + (bottom - top) * fy;
            }
            if alpha {
                unpremultiply(&mut v, c);
            }
            for (o, val) in px.iter_mut().zip(v) {
                *o = to_u8(val);
            }
        }
    }
    Frame::new(ow, oh, layout, out)
}

/// Multiplies the colour channels of a `c`-channel pixel (alpha last) by alpha / 255.
fn premultiply(v: &mut [f32; 4], c: usize) {
    let a = v[c - 1] / 255.0;
    for x in v.iter_mut().take(c - 1) {
        *x *= a;
    }
}

/// Divides the colour channels of a premultiplied `c`-channel pixel by alpha / 255.
fn unpremultiply(v: &mut [f32; 4], c: usize) {
    let a = v[c - 1];
    if a <= 0.0 {
        for x in v.iter_mut().take(c - 1) {
            *x = 0.0;
        }
        return;
    }
    let k = 255.0 / a;
    for x in v.iter_mut().take(c - 1) {
        *x *= k;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PixelLayout;

    fn numbered(w: u32, h: u32) -> Frame {
        Frame::new(
            w,
            h,
            PixelLayout::Gray8,
            (0..w * h).map(|i| i as u8).collect(),
        )
        .unwrap()
    }

    fn rot(f: &Frame, degrees: f64) -> Frame {
        rotate(
            f,
            &RotateParams {
                degrees,
                ..Default::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn right_angles_are_exact() {
        // 0 1 2
        // 3 4 5
        let f = numbered(3, 2);
        let r90 = rot(&f, 90.0);
        assert_eq!((r90.width(), r90.height()), (2, 3));
        assert_eq!(r90.data(), &[3, 0, 4, 1, 5, 2]);
        let r270 = rot(&f, -90.0);
        assert_eq!(r270.data(), &[2, 5, 1, 4, 0, 3]);
        assert_eq!(rot(&f, 180.0).data(), &[5, 4, 3, 2, 1, 0]);
        assert_eq!(rot(&f, 720.0), f);
        assert_eq!(transpose(&f).unwrap().data(), &[0, 3, 1, 4, 2, 5]);
    }

    #[test]
    fn big_transpose_matches_naive() {
        let (w, h) = (70u32, 45u32);
        let f = Frame::new(
            w,
            h,
            PixelLayout::Rgb8,
            (0..w * h * 3).map(|i| (i % 251) as u8).collect(),
        )
        .unwrap();
        let t = transpose(&f).unwrap();
        for y in 0..h {
            for x in 0..w {
                assert_eq!(t.pixel(y, x), f.pixel(x, y));
            }
        }
    }

    #[test]
    fn arbitrary_angle_size_and_fill() {
        assert_eq!(rotated_size(100, 50, 45.0).unwrap(), (107, 107));
        assert_eq!(rotated_size(100, 50, 30.0).unwrap(), (112, 94));
        assert_eq!(rotated_size(1, 1, 45.0).unwrap(), (2, 2));
        assert!(rotated_size(1, 1, f64::NAN).is_err());
        let f = Frame::filled(40, 20, PixelLayout::Rgb8, &[0, 0, 255]).unwrap();
        let p = RotateParams {
            degrees: 45.0,
            background: Rgba::opaque(0, 255, 0),
        };
        let r = rotate(&f, &p).unwrap();
        assert_eq!(r.layout(), PixelLayout::Rgb8);
        assert_eq!((r.width(), r.height()), (43, 43));
        assert_eq!(r.pixel(0, 0), Some(&[0, 255, 0][..]));
        assert_eq!(r.pixel(21, 21), Some(&[0, 0, 255][..]));
        let t = rotate(
            &f,
            &RotateParams {
                degrees: -10.0,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(t.layout(), PixelLayout::Rgba8);
        assert_eq!(t.pixel(0, 0), Some(&[0, 0, 0, 0][..]));
        // Half-covered edge pixels keep the colour and get partial alpha: no dark fringe.
        for px in t.data().chunks_exact(4) {
            if px[3] > 0 {
                assert!(px[2] >= 250 && px[0] <= 5, "{px:?}");
            }
        }
    }

    #[test]
    fn tiny_frames() {
        let one = Frame::filled(1, 1, PixelLayout::GrayAlpha8, &[9, 200]).unwrap();
        for d in [1.0, 45.0, 90.0, 359.0, -0.000001, 1e300] {
            let r = rot(&one, d);
            assert!(r.width() >= 1 && r.height() >= 1);
        }
        let thin = Frame::filled(1000, 1, PixelLayout::Gray8, &[9]).unwrap();
        let r = rot(&thin, 89.0);
        assert_eq!((r.width(), r.height()), (19, 1000));
    }
}
