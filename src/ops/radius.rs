//! [`radius`]: round the corners.

use super::{in_layout, to_u8};
use crate::{Frame, Result};

/// Parameters of [`radius`] (ImageKit `r-{n}`, `r-{tl}_{tr}_{br}_{bl}`, `r-max`).
///
/// | field | range | default |
/// | --- | --- | --- |
/// | `corners` | radii in pixels for top-left, top-right, bottom-right, bottom-left; each is clamped to half the shorter side | `[0; 4]` |
/// | `max` | true: ignore `corners`, make the whole frame an ellipse (a circle when square) | false |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RadiusParams {
    /// Radius of each corner: top-left, top-right, bottom-right, bottom-left.
    pub corners: [u32; 4],
    /// Inscribed ellipse instead of per-corner radii.
    pub max: bool,
}

/// Makes the pixels outside rounded corners transparent, with anti-aliased edges: each
/// corner pixel's alpha is multiplied by its coverage (from the signed distance of its centre
/// to the arc, over a one-pixel ramp). Colour is kept. The result always has alpha
/// (Gray8 → GrayAlpha8, Rgb8 → Rgba8), even when every radius is 0.
///
/// # Errors
/// None in practice; the `Result` keeps the op shape.
///
/// # Allocations
/// The output frame.
pub fn radius(src: &Frame, p: &RadiusParams) -> Result<Frame> {
    let layout = src.layout().with_alpha();
    let mut out = in_layout(src, layout).into_owned();
    let (w, h) = (f64::from(src.width()), f64::from(src.height()));
    let limit = w.min(h) / 2.0;
    // (rx, ry) per corner: top-left, top-right, bottom-right, bottom-left.
    let radii: [(f64, f64); 4] = if p.max {
        [(w / 2.0, h / 2.0); 4]
    } else {
        p.corners.map(|r| {
            let r = f64::from(r).min(limit);
            (r, r)
        })
    };
    let c = layout.channels();
    let width = src.width() as usize;
    for (y, row) in out.data_mut().chunks_exact_mut(width * c).enumerate() {
        let py = y as f64 + 0.5;
        for (x, px) in row.chunks_exact_mut(c).enumerate() {
            let px_x = x as f64 + 0.5;
            let (corner, dx, dy) = match (px_x < w / 2.0, py < h / 2.0) {
                (true, true) => (0, px_x, py),
                (false, true) => (1, w - px_x, py),
                (false, false) => (2, w - px_x, h - py),
                (true, false) => (3, px_x, h - py),
            };
            let (rx, ry) = radii[corner];
            if rx <= 0.0 || ry <= 0.0 || dx >= rx || dy >= ry {
                continue;
            }
            let cov = coverage(rx - dx, ry - dy, rx, ry);
            if cov < 1.0 {
                let a = &mut px[c - 1];
                *a = to_u8(f32::from(*a) * cov);
            }
        }
    }
    Ok(out)
}

/// Coverage in [0, 1] of a pixel whose centre is at (`ex`, `ey`) from an ellipse's centre.
fn coverage(ex: f64, ey: f64, rx: f64, ry: f64) -> f32 {
    let (nx, ny) = (ex / rx, ey / ry);
    let f = (nx * nx + ny * ny).sqrt();
    if f == 0.0 {
        return 1.0;
    }
    // Signed distance ≈ (f − 1) / |∇f|, exact for circles.
    let gx = ex / (rx * rx * f);
    let gy = ey / (ry * ry * f);
    let g = (gx * gx + gy * gy).sqrt();
    let sd = if g > 0.0 { (f - 1.0) / g } else { f - 1.0 };
    // In [0, 1]; f32 precision is plenty for an alpha factor.
    (0.5 - sd).clamp(0.0, 1.0) as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PixelLayout;

    #[test]
    fn corners_transparent_centre_opaque() {
        let f = Frame::filled(40, 20, PixelLayout::Rgb8, &[1, 2, 3]).unwrap();
        let out = radius(
            &f,
            &RadiusParams {
                corners: [8, 0, 100, 8],
                max: false,
            },
        )
        .unwrap();
        assert_eq!(out.layout(), PixelLayout::Rgba8);
        assert_eq!(out.pixel(0, 0), Some(&[1, 2, 3, 0][..]));
        assert_eq!(out.pixel(39, 0), Some(&[1, 2, 3, 255][..]));
        assert_eq!(out.pixel(39, 19), Some(&[1, 2, 3, 0][..]));
        assert_eq!(out.pixel(0, 19), Some(&[1, 2, 3, 0][..]));
        assert_eq!(out.pixel(20, 10), Some(&[1, 2, 3, 255][..]));
        // r = 100 is clamped to 10: the arc touches the right edge at mid-height.
        assert!(out.pixel(39, 10).unwrap()[3] > 240);
        assert!(out.pixel(35, 19).unwrap()[3] < 60);
        // Anti-aliased: some pixel on the arc is partly transparent.
        assert!(out.data().chunks_exact(4).any(|p| p[3] > 0 && p[3] < 255));
    }

    #[test]
    fn max_is_an_ellipse() {
        let f = Frame::filled(21, 11, PixelLayout::GrayAlpha8, &[5, 255]).unwrap();
        let out = radius(
            &f,
            &RadiusParams {
                max: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(out.pixel(0, 0).map(|p| p[1]), Some(0));
        assert_eq!(out.pixel(10, 5).map(|p| p[1]), Some(255));
        assert_eq!(out.pixel(10, 0).map(|p| p[1]), Some(255));
        assert_eq!(out.pixel(0, 5).map(|p| p[1]), Some(255));
        assert_eq!(out.pixel(1, 1).map(|p| p[1]), Some(0));
        let edge = out.pixel(3, 1).unwrap()[1];
        assert!(edge > 0 && edge < 255, "anti-aliased edge {edge}");
        let one = Frame::filled(1, 1, PixelLayout::Gray8, &[5]).unwrap();
        assert!(radius(
            &one,
            &RadiusParams {
                max: true,
                ..Default::default()
            }
        )
        .is_ok());
    }
}
