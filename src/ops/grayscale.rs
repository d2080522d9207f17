//! [`grayscale`]: convert to gray.

use crate::{luma, Frame, Result};

/// Parameters of [`grayscale`].
///
/// | field | meaning | default |
/// | --- | --- | --- |
/// | `keep_channels` | false: return a gray layout (Gray8 / GrayAlpha8, smaller to encode); true: keep RGB(A) with r = g = b | false |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GrayscaleParams {
    /// Keep the RGB(A) layout (r = g = b) instead of returning a gray one.
    pub keep_channels: bool,
}

/// Replaces each colour by its Rec.601 luma (ImageKit `e-grayscale`); alpha is kept.
///
/// # Errors
/// None in practice; the `Result` keeps the op shape.
///
/// # Allocations
/// The output frame.
pub fn grayscale(src: &Frame, p: &GrayscaleParams) -> Result<Frame> {
    let layout = src.layout();
    if layout.is_gray() {
        return Ok(src.clone());
    }
    if !p.keep_channels {
        let gray = if layout.has_alpha() {
            crate::PixelLayout::GrayAlpha8
        } else {
            crate::PixelLayout::Gray8
        };
        return Ok(src.to_layout(gray));
    }
    let mut out = src.clone();
    let c = layout.channels();
    for px in out.data_mut().chunks_exact_mut(c) {
        let y = luma(px[0], px[1], px[2]);
        px[..3].fill(y);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PixelLayout;

    #[test]
    fn both_modes() {
        let f = Frame::new(2, 1, PixelLayout::Rgba8, vec![255, 0, 0, 7, 0, 0, 255, 9]).unwrap();
        let g = grayscale(&f, &GrayscaleParams::default()).unwrap();
        assert_eq!(g.layout(), PixelLayout::GrayAlpha8);
        assert_eq!(g.data(), &[76, 7, 29, 9]);
        let k = grayscale(
            &f,
            &GrayscaleParams {
                keep_channels: true,
            },
        )
        .unwrap();
        assert_eq!(k.data(), &[76, 76, 76, 7, 29, 29, 29, 9]);
    }
}
