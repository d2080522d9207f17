//! [`blur`]: Gaussian blur approximated by three box blurs.

use crate::{Error, Frame, Result};

/// Parameters of [`blur`].
///
/// | field | range | default |
/// | --- | --- | --- |
/// | `sigma` | standard deviation in pixels, 0–1000 (0 and values below ~0.6 leave the frame unchanged) | 1.0 |
///
/// ImageKit's `bl-{radius}` (1–100) maps to a sigma with [`sigma_from_imagekit_radius`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BlurParams {
    /// Gaussian standard deviation in pixels.
    pub sigma: f32,
}

impl Default for BlurParams {
    fn default() -> Self {
        BlurParams { sigma: 1.0 }
    }
}

/// The largest sigma accepted.
const MAX_SIGMA: f32 = 1000.0;

/// Sigma for ImageKit's blur radius: `1 + radius / 2` (the relation sharp documents between
/// a mask radius and its sigma), so `bl-1` → 1.5 and `bl-100` → 51. Negative radii count as 0.
pub fn sigma_from_imagekit_radius(radius: f32) -> f32 {
    1.0 + radius.max(0.0) / 2.0
}

/// Blurs `src` with a Gaussian of `sigma`, approximated by three successive box blurs in each
/// direction (box widths from Kovesi's formula, so the variance matches). Each pass is a
/// running sum: the cost is linear in the pixel count and does not grow with sigma.
///
/// Works on 8.8 fixed-point values; layouts with alpha are premultiplied first and divided
/// afterwards, so transparent pixels do not darken their neighbours. Edges repeat the border
/// pixel, so a constant frame stays constant. The layout is kept.
///
/// # Errors
/// [`Error::BadArgument`] for a sigma that is negative, not finite, or above 1000.
///
/// # Allocations
/// A `u16` working copy (2 bytes per channel per pixel), two scratch lines, and the output.
pub fn blur(src: &Frame, p: &BlurParams) -> Result<Frame> {
    let radii = box_radii(p.sigma)?;
    if radii.iter().all(|r| *r == 0) {
        return Ok(src.clone());
    }
    let c = src.layout().channels();
    let alpha = src.layout().has_alpha();
    let (w, h) = (src.width() as usize, src.height() as usize);
    let mut work = to_fixed(src.data(), c, alpha);
    blur_fixed(&mut work, w, h, c, &radii);
    let mut out = src.clone();
    from_fixed(&work, out.data_mut(), c, alpha);
    Ok(out)
}

/// The three box radii for `sigma` (Kovesi, "Fast almost-Gaussian filtering").
pub(crate) fn box_radii(sigma: f32) -> Result<[usize; 3]> {
    if !sigma.is_finite() || !(0.0..=MAX_SIGMA).contains(&sigma) {
        return Err(Error::BadArgument(format!(
            "blur sigma {sigma} is not in 0-{MAX_SIGMA}"
        )));
    }
    let s = f64::from(sigma);
    let n = 3.0;
    let w_ideal = (12.0 * s * s / n + 1.0).sqrt();
    // sigma ≤ 1000 keeps w_ideal below 1200, so the cast is exact.
    let mut wl = w_ideal.floor() as i64;
    if wl % 2 == 0 {
        wl -= 1;
    }
    let wu = wl + 2;
    let wlf = wl as f64;
    let m = ((12.0 * s * s - n * wlf * wlf - 4.0 * n * wlf - 3.0 * n) / (-4.0 * wlf - 4.0)).round();
    let mut out = [0usize; 3];
    for (i, r) in out.iter_mut().enumerate() {
        let width = if (i as f64) < m { wl } else { wu };
        // width is odd and ≥ 1.
        *r = usize::try_from((width - 1) / 2).unwrap_or(0);
    }
    Ok(out)
}

/// Bytes → 8.8 fixed point, premultiplied when `alpha`.
pub(crate) fn to_fixed(data: &[u8], c: usize, alpha: bool) -> Vec<u16> {
    let mut out = Vec::with_capacity(data.len());
    if !alpha {
        out.extend(data.iter().map(|v| u16::from(*v) << 8));
        return out;
    }
    for px in data.chunks_exact(c) {
        let a = u32::from(px[c - 1]);
        for v in px.iter().take(c - 1) {
            // v·a·256/255 ≤ 65280.
            out.push(((u32::from(*v) * a * 256 + 127) / 255) as u16);
        }
        out.push((a << 8) as u16);
    }
    out
}

/// 8.8 fixed point (premultiplied when `alpha`) → bytes.
pub(crate) fn from_fixed(work: &[u16], out: &mut [u8], c: usize, alpha: bool) {
    if !alpha {
        for (o, v) in out.iter_mut().zip(work) {
            // (v + 128) >> 8 ≤ 255 for v ≤ 65280.
            *o = ((u32::from(*v) + 128) >> 8).min(255) as u8;
        }
        return;
    }
    for (o, px) in out.chunks_exact_mut(c).zip(work.chunks_exact(c)) {
        let a = u32::from(px[c - 1]);
        for (ov, v) in o.iter_mut().zip(px).take(c - 1) {
            // A zero alpha (no division possible) leaves colour 0.
            *ov = (u32::from(*v) * 255 + a / 2)
                .checked_div(a)
                .map_or(0, |x| x.min(255) as u8);
        }
        o[c - 1] = ((a + 128) >> 8).min(255) as u8;
    }
}

/// Three box passes horizontally, then three vertically, on a `w × h × c` buffer.
pub(crate) fn blur_fixed(work: &mut [u16], w: usize, h: usize, c: usize, radii: &[usize; 3]) {
    let mut a: Vec<u16> = Vec::new();
    let mut b: Vec<u16> = Vec::new();
    let mut sums: Vec<u32> = Vec::new();
    let stride = w * c;
    // Horizontal: one row at a time.
    for row in work.chunks_exact_mut(stride) {
        a.clear();
        a.extend_from_slice(row);
        b.resize(stride, 0);
        three_passes(&mut a, &mut b, w, c, radii, &mut sums);
        row.copy_from_slice(&a);
    }
    // Vertical: strips of up to 16 columns, gathered so that each pass reads contiguously.
    const STRIP: usize = 16;
    let mut x0 = 0;
    while x0 < w {
        let cols = STRIP.min(w - x0);
        let lanes = cols * c;
        a.clear();
        for row in work.chunks_exact(stride) {
            a.extend_from_slice(row.get(x0 * c..x0 * c + lanes).unwrap_or(&[]));
        }
        b.resize(a.len(), 0);
        three_passes(&mut a, &mut b, h, lanes, radii, &mut sums);
        for (row, seg) in work.chunks_exact_mut(stride).zip(a.chunks_exact(lanes)) {
            if let Some(dst) = row.get_mut(x0 * c..x0 * c + lanes) {
                dst.copy_from_slice(seg);
            }
        }
        x0 += cols;
    }
}

/// Runs the three box passes, leaving the result in `a`.
fn three_passes(
    a: &mut Vec<u16>,
    b: &mut Vec<u16>,
    n: usize,
    lanes: usize,
    radii: &[usize; 3],
    sums: &mut Vec<u32>,
) {
    for &r in radii {
        if r == 0 {
            continue;
        }
        box_pass(a, b, n, lanes, r, sums);
        std::mem::swap(a, b);
    }
}

/// One box blur of radius `r` along `n` elements of `lanes` interleaved values each
/// (element `i`, lane `l` at `i·lanes + l`), edges clamped.
fn box_pass(src: &[u16], dst: &mut [u16], n: usize, lanes: usize, r: usize, sums: &mut Vec<u32>) {
    if n == 0 || lanes == 0 {
        return;
    }
    let elem = |i: usize| src.get(i * lanes..(i + 1) * lanes).unwrap_or(&[]);
    // 2r + 1 ≤ 2001 for sigma ≤ 1000, and 2001 · 65280 < 2^32.
    let win = (2 * r + 1) as u32;
    let half = win / 2;
    sums.clear();
    sums.extend(elem(0).iter().map(|v| u32::from(*v) * (r as u32 + 1)));
    let inside = r.min(n - 1);
    for k in 1..=inside {
        for (s, v) in sums.iter_mut().zip(elem(k)) {
            *s += u32::from(*v);
        }
    }
    // Window positions beyond the last element repeat it.
    let extra = (r - inside) as u32;
    if extra > 0 {
        for (s, v) in sums.iter_mut().zip(elem(n - 1)) {
            *s += u32::from(*v) * extra;
        }
    }
    for (i, out) in dst.chunks_exact_mut(lanes).take(n).enumerate() {
        for (o, s) in out.iter_mut().zip(sums.iter()) {
            // The sum of `win` values ≤ 65280 divided by `win` fits u16.
            *o = ((*s + half) / win) as u16;
        }
        let add = elem((i + r + 1).min(n - 1));
        let sub = elem(i.saturating_sub(r));
        for ((s, a), d) in sums.iter_mut().zip(add).zip(sub) {
            *s = *s + u32::from(*a) - u32::from(*d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PixelLayout;

    #[test]
    fn radii_match_variance() {
        for sigma in [1.0f32, 2.5, 10.0, 51.0] {
            let r = box_radii(sigma).unwrap();
            // Variance of a box of width w is (w² − 1) / 12.
            let var: f64 = r
                .iter()
                .map(|r| ((2 * r + 1).pow(2) - 1) as f64 / 12.0)
                .sum();
            let s = f64::from(sigma);
            assert!(
                (var.sqrt() - s).abs() < 0.35 * s.max(1.0),
                "{sigma} {r:?} {var}"
            );
        }
        assert_eq!(box_radii(0.0).unwrap(), [0, 0, 0]);
        assert!(box_radii(-1.0).is_err());
        assert!(box_radii(f32::NAN).is_err());
        assert!(box_radii(1001.0).is_err());
    }

    #[test]
    fn box_pass_sums() {
        let src = [0u16, 0, 300, 0, 0];
        let mut dst = [0u16; 5];
        box_pass(&src, &mut dst, 5, 1, 1, &mut Vec::new());
        assert_eq!(dst, [0, 100, 100, 100, 0]);
        // Radius larger than the line: every value is the clamped mean.
        let src = [90u16, 0];
        let mut dst = [0u16; 2];
        box_pass(&src, &mut dst, 2, 1, 5, &mut Vec::new());
        // window of 11: first = 6·90 + 5·0 → 49; second = 5·90 + 6·0 → 41.
        assert_eq!(dst, [49, 41]);
    }

    #[test]
    fn constant_stays_and_edge_spreads() {
        let f = Frame::filled(9, 7, PixelLayout::Rgba8, &[10, 200, 30, 128]).unwrap();
        assert_eq!(blur(&f, &BlurParams { sigma: 3.0 }).unwrap(), f);
        let mut data = vec![0u8; 20];
        data[10..].fill(255);
        let edge = Frame::new(20, 1, PixelLayout::Gray8, data).unwrap();
        let b = blur(&edge, &BlurParams { sigma: 2.0 }).unwrap();
        assert!(b.data()[8] > 0 && b.data()[11] < 255, "{:?}", b.data());
        assert!(b.data().windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(b.data()[0], 0);
        assert_eq!(b.data()[19], 255);
    }
}
