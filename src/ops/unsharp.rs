//! [`unsharp`]: unsharp mask, ImageMagick style.

use super::{blur, to_u8, BlurParams};
use crate::{Error, Frame, Result};

/// Parameters of [`unsharp`] (ImageKit `e-usm-{radius}-{sigma}-{amount}-{threshold}`, the
/// same four numbers as ImageMagick's `-unsharp RxS+A+T`).
///
/// | field | range | default |
/// | --- | --- | --- |
/// | `radius` | ≥ 0 px; accepted for compatibility, the kernel extent follows `sigma` (≈ 3σ); when `sigma` is 0 a positive radius gives `sigma = radius / 2` | 0 |
/// | `sigma` | 0–1000 px; 0 (with radius 0) leaves the frame unchanged | 1.0 |
/// | `amount` | gain, 0–100 | 1.0 |
/// | `threshold` | 0–1, fraction of the full range below which a difference is left alone | 0.05 |
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnsharpParams {
    /// Kernel radius in pixels (0 = from sigma).
    pub radius: f32,
    /// Gaussian sigma in pixels.
    pub sigma: f32,
    /// Gain applied to the difference.
    pub amount: f32,
    /// Threshold as a fraction of 255.
    pub threshold: f32,
}

impl Default for UnsharpParams {
    fn default() -> Self {
        UnsharpParams {
            radius: 0.0,
            sigma: 1.0,
            amount: 1.0,
            threshold: 0.05,
        }
    }
}

/// Sharpens `src`: for each colour channel, `d = v − blur(v)`; when `|2d| < threshold·255`
/// the value is kept, otherwise it becomes `v + amount·d` (ImageMagick's rule). Alpha is kept;
/// the blur is premultiplied so transparent pixels do not leak into edges. Layout is kept.
///
/// # Errors
/// [`Error::BadArgument`] for a parameter outside its range or not finite.
///
/// # Allocations
/// The blurred frame (reused as the output) and the blur's working buffer.
pub fn unsharp(src: &Frame, p: &UnsharpParams) -> Result<Frame> {
    let ok = |v: f32, max: f32| v.is_finite() && (0.0..=max).contains(&v);
    if !ok(p.radius, 2000.0)
        || !ok(p.sigma, 1000.0)
        || !ok(p.amount, 100.0)
        || !ok(p.threshold, 1.0)
    {
        return Err(Error::BadArgument(format!(
            "unsharp parameters out of range: {p:?}"
        )));
    }
    let sigma = if p.sigma == 0.0 {
        p.radius / 2.0
    } else {
        p.sigma
    };
    apply(src, sigma, p.amount, p.threshold)
}

/// The unsharp mask with checked numbers.
pub(crate) fn apply(src: &Frame, sigma: f32, amount: f32, threshold: f32) -> Result<Frame> {
    let mut out = blur(src, &BlurParams { sigma })?;
    let c = src.layout().channels();
    let colour = if src.layout().has_alpha() { c - 1 } else { c };
    let limit = threshold * 255.0;
    for (o, s) in out
        .data_mut()
        .chunks_exact_mut(c)
        .zip(src.data().chunks_exact(c))
    {
        for k in 0..c {
            let v = f32::from(s[k]);
            o[k] = if k >= colour {
                s[k]
            } else {
                let d = v - f32::from(o[k]);
                if (2.0 * d).abs() < limit {
                    s[k]
                } else {
                    to_u8(v + amount * d)
                }
            };
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PixelLayout;

    #[test]
    fn steepens_edges_and_keeps_flat() {
        let mut data = vec![100u8; 20];
        data[10..].fill(150);
        let f = Frame::new(20, 1, PixelLayout::Gray8, data).unwrap();
        let out = unsharp(
            &f,
            &UnsharpParams {
                sigma: 2.0,
                threshold: 0.0,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(
            out.data()[9] < 100 && out.data()[10] > 150,
            "{:?}",
            out.data()
        );
        assert_eq!(out.data()[0], 100);
        assert_eq!(out.data()[19], 150);
        let high = UnsharpParams {
            sigma: 2.0,
            threshold: 0.5,
            ..Default::default()
        };
        assert_eq!(unsharp(&f, &high).unwrap(), f);
        assert!(unsharp(
            &f,
            &UnsharpParams {
                amount: -1.0,
                ..Default::default()
            }
        )
        .is_err());
    }
}
