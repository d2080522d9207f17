//! [`colorize`]: tint towards a colour.

use super::{in_layout, to_u8, Rgba};
use crate::{Error, Frame, PixelLayout, Result};

/// Parameters of [`colorize`] (ImageKit `e-colorize[-co-{color}][_in-{0..100}]`).
///
/// | field | range | default |
/// | --- | --- | --- |
/// | `color` | tint colour; its alpha is ignored | gray `808080` |
/// | `intensity` | 0–100 (0 unchanged, 100 full tint) | 100 |
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColorizeParams {
    /// Tint colour (alpha ignored).
    pub color: Rgba,
    /// Strength, 0–100.
    pub intensity: u8,
}

impl Default for ColorizeParams {
    fn default() -> Self {
        ColorizeParams {
            color: Rgba::opaque(128, 128, 128),
            intensity: 100,
        }
    }
}

/// Tints `src`: each pixel keeps its luma (BT.601 Y) and takes the colour's chroma (Cb, Cr);
/// the result is mixed with the original by `intensity / 100`. A gray colour at 100 therefore
/// gives a grayscale image. Alpha is kept; a gray source becomes RGB(A) unless the colour is
/// gray.
///
/// # Errors
/// [`Error::BadArgument`] for an intensity above 100.
///
/// # Allocations
/// The output frame.
pub fn colorize(src: &Frame, p: &ColorizeParams) -> Result<Frame> {
    if p.intensity > 100 {
        return Err(Error::BadArgument(format!(
            "colorize intensity {} is not in 0-100",
            p.intensity
        )));
    }
    let layout = if src.layout().is_gray() && !p.color.is_gray() {
        if src.layout().has_alpha() {
            PixelLayout::Rgba8
        } else {
            PixelLayout::Rgb8
        }
    } else {
        src.layout()
    };
    let mut out = in_layout(src, layout).into_owned();
    if layout.is_gray() || p.intensity == 0 {
        // Gray colour on gray pixels: Y is unchanged and there is no chroma to add.
        return Ok(out);
    }
    let (r, g, b) = (
        f32::from(p.color.r),
        f32::from(p.color.g),
        f32::from(p.color.b),
    );
    let cb = -0.168_736 * r - 0.331_264 * g + 0.5 * b;
    let cr = 0.5 * r - 0.418_688 * g - 0.081_312 * b;
    let tint = [1.402 * cr, -0.344_136 * cb - 0.714_136 * cr, 1.772 * cb];
    let k = f32::from(p.intensity) / 100.0;
    let c = layout.channels();
    for px in out.data_mut().chunks_exact_mut(c) {
        let y = 0.299 * f32::from(px[0]) + 0.587 * f32::from(px[1]) + 0.114 * f32::from(px[2]);
        for (v, t) in px.iter_mut().zip(tint) {
            let orig = f32::from(*v);
            *v = to_u8(orig + (y + t - orig) * k);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gray_tint_desaturates_and_red_tints() {
        let f = Frame::filled(2, 2, PixelLayout::Rgb8, &[0, 0, 255]).unwrap();
        let g = colorize(&f, &ColorizeParams::default()).unwrap();
        assert_eq!(g.pixel(1, 1), Some(&[29, 29, 29][..]));
        let gray = Frame::filled(1, 1, PixelLayout::Gray8, &[128]).unwrap();
        let red = ColorizeParams {
            color: Rgba::opaque(255, 0, 0),
            intensity: 100,
        };
        let r = colorize(&gray, &red).unwrap();
        assert_eq!(r.layout(), PixelLayout::Rgb8);
        let px = r.pixel(0, 0).unwrap();
        assert!(px[0] > 200 && px[1] < 128 && px[2] < 128, "{px:?}");
        let none = ColorizeParams {
            intensity: 0,
            ..red
        };
        assert_eq!(colorize(&f, &none).unwrap(), f);
        assert!(colorize(
            &f,
            &ColorizeParams {
                intensity: 101,
                ..red
            }
        )
        .is_err());
    }
}
