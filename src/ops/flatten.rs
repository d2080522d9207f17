//! [`flatten`]: composite alpha onto an opaque colour.

use super::{in_layout, layout_with_color, mul255, Rgba};
use crate::{Frame, Result};

/// Parameters of [`flatten`].
///
/// | field | range | default |
/// | --- | --- | --- |
/// | `background` | the colour under the picture; its alpha is ignored (treated as opaque) | opaque white |
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlattenParams {
    /// Colour under the picture (alpha ignored).
    pub background: Rgba,
}

impl Default for FlattenParams {
    fn default() -> Self {
        FlattenParams {
            background: Rgba::WHITE,
        }
    }
}

/// Composites `src` onto `background` and drops the alpha channel.
///
/// `out = (c·a + bg·(255 − a)) / 255`, rounded, in sRGB. Frames without alpha are returned
/// unchanged. The result is gray only when the source is gray and the colour is gray.
///
/// # Errors
/// None in practice; the `Result` keeps the op shape.
///
/// # Allocations
/// The output frame (plus a converted copy of a gray source on a coloured background).
pub fn flatten(src: &Frame, p: &FlattenParams) -> Result<Frame> {
    if !src.layout().has_alpha() {
        return Ok(src.clone());
    }
    let bg = Rgba {
        a: 255,
        ..p.background
    };
    let with_alpha = layout_with_color(src.layout(), bg).with_alpha();
    let out_layout = with_alpha.without_alpha();
    let src = in_layout(src, with_alpha);
    let (bgp, n) = bg.to_pixel(out_layout);
    let c = with_alpha.channels();
    let mut out = Vec::with_capacity(src.data().len() / c * n);
    for px in src.data().chunks_exact(c) {
        let a = u32::from(px[c - 1]);
        for (v, b) in px.iter().take(n).zip(bgp) {
            // c·a + bg·(255 − a) ≤ 255·255, so the sum stays a byte after the division.
            out.push((mul255(u32::from(*v), a) + mul255(u32::from(b), 255 - a)).min(255) as u8);
        }
    }
    Frame::new(src.width(), src.height(), out_layout, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PixelLayout;

    #[test]
    fn half_black_on_white() {
        let f = Frame::filled(1, 1, PixelLayout::Rgba8, &[0, 0, 0, 128]).unwrap();
        let out = flatten(&f, &FlattenParams::default()).unwrap();
        assert_eq!(out.layout(), PixelLayout::Rgb8);
        assert_eq!(out.data(), &[127, 127, 127]);
    }

    #[test]
    fn gray_alpha_layouts() {
        let f = Frame::new(2, 1, PixelLayout::GrayAlpha8, vec![200, 255, 10, 0]).unwrap();
        let gray = flatten(
            &f,
            &FlattenParams {
                background: Rgba::opaque(50, 50, 50),
            },
        )
        .unwrap();
        assert_eq!(gray.layout(), PixelLayout::Gray8);
        assert_eq!(gray.data(), &[200, 50]);
        let red = flatten(
            &f,
            &FlattenParams {
                background: Rgba::new(255, 0, 0, 0),
            },
        )
        .unwrap();
        assert_eq!(red.layout(), PixelLayout::Rgb8);
        assert_eq!(red.data(), &[200, 200, 200, 255, 0, 0]);
        let rgb = Frame::filled(1, 1, PixelLayout::Rgb8, &[1, 2, 3]).unwrap();
        assert_eq!(flatten(&rgb, &FlattenParams::default()).unwrap(), rgb);
    }
}
