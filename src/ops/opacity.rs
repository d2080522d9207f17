//! [`opacity`]: multiply alpha by a percentage.

use super::{in_layout, mul255};
use crate::{Error, Frame, Result};

/// Parameters of [`opacity`].
///
/// | field | range | default |
/// | --- | --- | --- |
/// | `percent` | 0–100 (ImageKit `o`): 0 fully transparent, 100 unchanged | 100 |
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpacityParams {
    /// Opacity in percent, 0–100.
    pub percent: u8,
}

impl Default for OpacityParams {
    fn default() -> Self {
        OpacityParams { percent: 100 }
    }
}

/// Multiplies every pixel's alpha by `percent / 100` (existing transparency is multiplied).
/// The result always has an alpha channel (Gray8 → GrayAlpha8, Rgb8 → Rgba8).
///
/// # Errors
/// [`Error::BadArgument`] for `percent > 100`.
///
/// # Allocations
/// The output frame.
pub fn opacity(src: &Frame, p: &OpacityParams) -> Result<Frame> {
    if p.percent > 100 {
        return Err(Error::BadArgument(format!(
            "opacity {} is not in 0-100",
            p.percent
        )));
    }
    let layout = src.layout().with_alpha();
    let mut out = in_layout(src, layout).into_owned();
    // percent ≤ 100, so the factor is a byte.
    let k = (u32::from(p.percent) * 255 + 50) / 100;
    let c = layout.channels();
    if k != 255 {
        for px in out.data_mut().chunks_exact_mut(c) {
            let a = &mut px[c - 1];
            // mul255 of two bytes is a byte.
            *a = mul255(u32::from(*a), k) as u8;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PixelLayout;

    #[test]
    fn multiplies_and_adds_alpha() {
        let f = Frame::filled(2, 1, PixelLayout::Rgb8, &[1, 2, 3]).unwrap();
        let out = opacity(&f, &OpacityParams { percent: 50 }).unwrap();
        assert_eq!(out.layout(), PixelLayout::Rgba8);
        assert_eq!(out.data(), &[1, 2, 3, 128, 1, 2, 3, 128]);
        let half = Frame::filled(1, 1, PixelLayout::GrayAlpha8, &[7, 100]).unwrap();
        assert_eq!(
            opacity(&half, &OpacityParams { percent: 50 })
                .unwrap()
                .data(),
            &[7, 50]
        );
        assert_eq!(
            opacity(&half, &OpacityParams { percent: 0 })
                .unwrap()
                .data(),
            &[7, 0]
        );
        assert_eq!(opacity(&half, &OpacityParams::default()).unwrap(), half);
        assert!(opacity(&half, &OpacityParams { percent: 101 }).is_err());
    }
}
