//! [`contrast`]: automatic contrast stretch.

use crate::{Error, Frame, Result};

/// Parameters of [`contrast`].
///
/// | field | range | default |
/// | --- | --- | --- |
/// | `clip_percent` | 0–49: share of the darkest and of the brightest pixels ignored when finding each channel's range (so a few outliers cannot pin it) | 0.5 |
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ContrastParams {
    /// Percent of pixels ignored at each end of each channel's histogram.
    pub clip_percent: f32,
}

impl Default for ContrastParams {
    fn default() -> Self {
        ContrastParams { clip_percent: 0.5 }
    }
}

/// Stretches each colour channel linearly so that its range (after ignoring `clip_percent`
/// of the pixels at each end) covers 0–255 (ImageKit `e-contrast`). Channels are stretched
/// independently, like ImageMagick's `-contrast-stretch`. Alpha is kept; only pixels with
/// alpha > 0 are counted. A channel whose range is a single value is left unchanged.
///
/// # Errors
/// [`Error::BadArgument`] for `clip_percent` outside 0–49 or not finite.
///
/// # Allocations
/// The output frame and a 256-entry histogram per channel.
pub fn contrast(src: &Frame, p: &ContrastParams) -> Result<Frame> {
    if !p.clip_percent.is_finite() || !(0.0..=49.0).contains(&p.clip_percent) {
        return Err(Error::BadArgument(format!(
            "contrast clip {} is not in 0-49 %",
            p.clip_percent
        )));
    }
    let c = src.layout().channels();
    let alpha = src.layout().has_alpha();
    let colour = if alpha { c - 1 } else { c };
    let mut hist = vec![[0u64; 256]; colour];
    let mut total = 0u64;
    for px in src.data().chunks_exact(c) {
        if alpha && px[c - 1] == 0 {
            continue;
        }
        total += 1;
        for (h, v) in hist.iter_mut().zip(px) {
            h[usize::from(*v)] += 1;
        }
    }
    let mut out = src.clone();
    if total == 0 {
        return Ok(out);
    }
    // Pixel counts are far below 2^52, so f64 holds them exactly enough.
    let skip = (total as f64 * f64::from(p.clip_percent) / 100.0).floor() as u64;
    let luts: Vec<[u8; 256]> = hist.iter().map(|h| stretch_lut(h, skip)).collect();
    for px in out.data_mut().chunks_exact_mut(c) {
        for (v, lut) in px.iter_mut().zip(&luts) {
            *v = lut[usize::from(*v)];
        }
    }
    Ok(out)
}

/// The stretch table of one channel: its range after skipping `skip` pixels at each end.
fn stretch_lut(h: &[u64; 256], skip: u64) -> [u8; 256] {
    let mut lut = [0u8; 256];
    for (i, v) in lut.iter_mut().enumerate() {
        // i < 256.
        *v = i as u8;
    }
    let mut seen = 0u64;
    let low = h.iter().position(|n| {
        seen += n;
        seen > skip
    });
    seen = 0;
    let high = h.iter().rposition(|n| {
        seen += n;
        seen > skip
    });
    if let (Some(lo), Some(hi)) = (low, high) {
        if hi > lo {
            let span = (hi - lo) as u32;
            for (i, v) in lut.iter_mut().enumerate() {
                let x = (i.clamp(lo, hi) - lo) as u32;
                // x ≤ span, so the result is at most 255.
                *v = ((x * 255 + span / 2) / span) as u8;
            }
        }
    }
    lut
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PixelLayout;

    #[test]
    fn stretches_to_full_range() {
        let data: Vec<u8> = (0..200).map(|i| 50 + (i % 101) as u8).collect();
        let f = Frame::new(200, 1, PixelLayout::Gray8, data).unwrap();
        let out = contrast(&f, &ContrastParams { clip_percent: 0.0 }).unwrap();
        assert_eq!(out.data().iter().min(), Some(&0));
        assert_eq!(out.data().iter().max(), Some(&255));
        assert_eq!(out.data()[50], 128);
    }

    #[test]
    fn clip_ignores_outliers_and_flat_is_unchanged() {
        let mut data = vec![100u8; 1000];
        data[..500].fill(90);
        data[0] = 0;
        data[999] = 255;
        let f = Frame::new(1000, 1, PixelLayout::Gray8, data).unwrap();
        let out = contrast(&f, &ContrastParams::default()).unwrap();
        assert_eq!((out.data()[1], out.data()[998]), (0, 255));
        let flat = Frame::filled(3, 3, PixelLayout::Rgba8, &[9, 9, 9, 9]).unwrap();
        assert_eq!(contrast(&flat, &ContrastParams::default()).unwrap(), flat);
        assert!(contrast(&flat, &ContrastParams { clip_percent: 50.0 }).is_err());
    }
}
