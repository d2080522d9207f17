//! [`border`]: add a coloured border on every side.

use super::{pad, PadParams, Rgba};
use crate::{Error, Frame, Result};

/// Parameters of [`border`].
///
/// | field | range | default |
/// | --- | --- | --- |
/// | `width` | border width in pixels added on **each** side, so the frame grows by `2·width` (ImageKit `b-{width}_{color}`; 0 = no border) | 0 |
/// | `color` | border colour, straight alpha | opaque black |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BorderParams {
    /// Width on each side.
    pub width: u32,
    /// Border colour.
    pub color: Rgba,
}

/// Surrounds `src` with a `width`-pixel border of `color`: the output is
/// `(w + 2·width) × (h + 2·width)`, layout by the module colour rule.
///
/// # Errors
/// [`Error::BadArgument`] when the grown size overflows `u32` or memory arithmetic.
///
/// # Allocations
/// The output frame (plus a converted copy when the layout changes).
pub fn border(src: &Frame, p: &BorderParams) -> Result<Frame> {
    let grow = |side: u32| {
        p.width
            .checked_mul(2)
            .and_then(|b| side.checked_add(b))
            .ok_or_else(|| Error::BadArgument(format!("border {} is too wide", p.width)))
    };
    let pp = PadParams {
        width: grow(src.width())?,
        height: grow(src.height())?,
        x: i64::from(p.width),
        y: i64::from(p.width),
        background: p.color,
    };
    pad(src, &pp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PixelLayout;

    #[test]
    fn grows_and_colours() {
        let f = Frame::filled(3, 1, PixelLayout::Rgb8, &[1, 2, 3]).unwrap();
        let out = border(
            &f,
            &BorderParams {
                width: 2,
                color: Rgba::opaque(9, 9, 9),
            },
        )
        .unwrap();
        assert_eq!((out.width(), out.height()), (7, 5));
        assert_eq!(out.pixel(1, 1), Some(&[9, 9, 9][..]));
        assert_eq!(out.pixel(2, 2), Some(&[1, 2, 3][..]));
        assert_eq!(out.pixel(4, 2), Some(&[1, 2, 3][..]));
        assert_eq!(out.pixel(5, 2), Some(&[9, 9, 9][..]));
        assert!(border(
            &f,
            &BorderParams {
                width: u32::MAX / 2,
                ..Default::default()
            }
        )
        .is_err());
        assert_eq!(border(&f, &BorderParams::default()).unwrap(), f);
    }
}
