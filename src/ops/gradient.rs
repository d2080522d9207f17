//! [`gradient`]: linear two-colour gradient drawn over the image.

use super::{in_layout, to_u8, Rgba};
use crate::{Error, Frame, PixelLayout, Result};

/// Parameters of [`gradient`] (ImageKit `e-gradient-ld-{deg}_from-{c}_to-{c}_sp-{v}`).
///
/// | field | range | default |
/// | --- | --- | --- |
/// | `direction` | degrees, any finite value: the direction the gradient runs towards, 0 = top, 90 = right, clockwise (CSS `linear-gradient` angles) | 180 (towards the bottom) |
/// | `from` | colour at the start | opaque white |
/// | `to` | colour at the end | transparent black |
/// | `stop` | (0, 1]: fraction of the gradient line where `to` reaches full strength; a stop given in pixels is `px / gradient_length(..)` | 1.0 |
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GradientParams {
    /// Direction in degrees (0 = towards the top, clockwise).
    pub direction: f64,
    /// Start colour.
    pub from: Rgba,
    /// End colour.
    pub to: Rgba,
    /// Stop point as a fraction of the gradient line.
    pub stop: f64,
}

impl Default for GradientParams {
    fn default() -> Self {
        GradientParams {
            direction: 180.0,
            from: Rgba::WHITE,
            to: Rgba::TRANSPARENT,
            stop: 1.0,
        }
    }
}

/// Length in pixels of the gradient line for a `width × height` frame and a direction (CSS
/// rule: `|w·sin θ| + |h·cos θ|`, so the gradient exactly spans the frame's corners).
pub fn gradient_length(width: u32, height: u32, direction: f64) -> f64 {
    let t = direction.to_radians();
    (f64::from(width) * t.sin()).abs() + (f64::from(height) * t.cos()).abs()
}

/// Draws a linear gradient from `from` to `to` over `src` ("over" compositing, straight alpha).
///
/// The colour is interpolated in premultiplied space (so fading to transparent black does not
/// darken) and is constant past `stop`. The result keeps the source's alpha channel (or lack of
/// it); it is gray only when the source and both colours are gray.
///
/// # Errors
/// [`Error::BadArgument`] for a non-finite direction or a stop outside (0, 1].
///
/// # Allocations
/// The output frame.
pub fn gradient(src: &Frame, p: &GradientParams) -> Result<Frame> {
    if !p.direction.is_finite() || !p.stop.is_finite() || p.stop <= 0.0 || p.stop > 1.0 {
        return Err(Error::BadArgument(format!(
            "gradient direction {} / stop {} out of range",
            p.direction, p.stop
        )));
    }
    let gray = src.layout().is_gray() && p.from.is_gray() && p.to.is_gray();
    let base = if gray {
        PixelLayout::Gray8
    } else {
        PixelLayout::Rgb8
    };
    let layout = if src.layout().has_alpha() {
        base.with_alpha()
    } else {
        base
    };
    let mut out = in_layout(src, layout).into_owned();
    let c = layout.channels();
    let colour = if layout.has_alpha() { c - 1 } else { c };
    let pre = |k: Rgba| {
        let a = f32::from(k.a) / 255.0;
        let v = if gray {
            [f32::from(k.r), f32::from(k.r), f32::from(k.r)]
        } else {
            [f32::from(k.r), f32::from(k.g), f32::from(k.b)]
        };
        [v[0] * a, v[1] * a, v[2] * a, a]
    };
    let (f, t) = (pre(p.from), pre(p.to));
    let theta = p.direction.to_radians();
    let (dx, dy) = (theta.sin(), -theta.cos());
    let len = gradient_length(src.width(), src.height(), p.direction).max(1e-9);
    let (cx, cy) = (f64::from(src.width()) / 2.0, f64::from(src.height()) / 2.0);
    let width = src.width() as usize;
    for (y, row) in out.data_mut().chunks_exact_mut(width * c).enumerate() {
        let py = y as f64 + 0.5 - cy;
        for (x, px) in row.chunks_exact_mut(c).enumerate() {
            let pos = ((x as f64 + 0.5 - cx) * dx + py * dy) / len + 0.5;
            // In [0, 1]; f32 is enough for a blend factor.
            let s = (pos / p.stop).clamp(0.0, 1.0) as f32;
            let g: [f32; 4] = std::array::from_fn(|i| f[i] + (t[i] - f[i]) * s);
            let ga = g[3];
            let da = if layout.has_alpha() {
                f32::from(px[c - 1]) / 255.0
            } else {
                1.0
            };
            let oa = ga + da * (1.0 - ga);
            if oa <= 0.0 {
                continue;
            }
            for k in 0..colour {
                let gv = g[k.min(2)];
                let v = (gv + f32::from(px[k]) * da * (1.0 - ga)) / oa;
                px[k] = to_u8(v);
            }
            if layout.has_alpha() {
                px[c - 1] = to_u8(oa * 255.0);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_fades_white_downwards() {
        let f = Frame::filled(4, 100, PixelLayout::Rgb8, &[0, 0, 0]).unwrap();
        let out = gradient(&f, &GradientParams::default()).unwrap();
        assert_eq!(out.layout(), PixelLayout::Rgb8);
        let top = out.pixel(0, 0).unwrap()[0];
        let mid = out.pixel(0, 50).unwrap()[0];
        let bottom = out.pixel(0, 99).unwrap()[0];
        assert!(
            top >= 250 && (120..=135).contains(&mid) && bottom <= 5,
            "{top} {mid} {bottom}"
        );
        assert!(out
            .data()
            .chunks_exact(3)
            .all(|p| p[0] == p[1] && p[1] == p[2]));
    }

    #[test]
    fn direction_stop_and_alpha() {
        let f = Frame::filled(100, 2, PixelLayout::GrayAlpha8, &[0, 0]).unwrap();
        let p = GradientParams {
            direction: 90.0,
            from: Rgba::opaque(255, 0, 0),
            to: Rgba::opaque(0, 0, 255),
            stop: 0.5,
        };
        let out = gradient(&f, &p).unwrap();
        assert_eq!(out.layout(), PixelLayout::Rgba8);
        assert_eq!(out.pixel(0, 0), Some(&[252, 0, 3, 255][..]));
        assert_eq!(out.pixel(60, 1), Some(&[0, 0, 255, 255][..]));
        assert!(gradient(&f, &GradientParams { stop: 0.0, ..p }).is_err());
        assert!((gradient_length(100, 50, 45.0) - 106.066).abs() < 1e-3);
    }
}
