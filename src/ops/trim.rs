//! [`trim`]: remove a uniform border.

use super::{crop, CropParams};
use crate::{Error, Frame, Result};

/// Parameters of [`trim`].
///
/// | field | range | default |
/// | --- | --- | --- |
/// | `threshold` | 1–99 (ImageKit `t-{n}`; `t-true` = default): the largest per-channel difference, on the 0–255 scale, at which a pixel still counts as background. Higher trims more | 10 |
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrimParams {
    /// Background tolerance, 1–99.
    pub threshold: u8,
}

impl Default for TrimParams {
    fn default() -> Self {
        TrimParams { threshold: 10 }
    }
}

/// The rectangle `(x, y, width, height)` that [`trim`] keeps.
///
/// The background colour is the top-left pixel. A pixel is background when every channel is
/// within `threshold` of it (for layouts with alpha, any two fully transparent pixels also
/// match). When every pixel is background the whole frame is returned: trim never yields an
/// empty image.
///
/// # Errors
/// [`Error::BadArgument`] for a threshold outside 1–99.
pub fn trim_box(src: &Frame, p: &TrimParams) -> Result<(u32, u32, u32, u32)> {
    if !(1..=99).contains(&p.threshold) {
        return Err(Error::BadArgument(format!(
            "trim threshold {} is not in 1-99",
            p.threshold
        )));
    }
    let c = src.layout().channels();
    let alpha = src.layout().has_alpha();
    let t = i16::from(p.threshold);
    let reference: Vec<u8> = src.pixel(0, 0).unwrap_or(&[]).to_vec();
    let is_bg = |px: &[u8]| {
        if alpha && px[c - 1] == 0 && reference.get(c - 1) == Some(&0) {
            return true;
        }
        px.iter()
            .zip(&reference)
            .all(|(a, b)| (i16::from(*a) - i16::from(*b)).abs() <= t)
    };
    let (mut left, mut right, mut top, mut bottom) = (usize::MAX, 0usize, usize::MAX, 0usize);
    for (y, row) in src.data().chunks_exact(src.stride()).enumerate() {
        let mut pixels = row.chunks_exact(c);
        let Some(first) = pixels.position(|px| !is_bg(px)) else {
            continue;
        };
        let last = row
            .chunks_exact(c)
            .rposition(|px| !is_bg(px))
            .unwrap_or(first);
        left = left.min(first);
        right = right.max(last);
        top = top.min(y);
        bottom = y;
    }
    if top == usize::MAX {
        return Ok((0, 0, src.width(), src.height()));
    }
    // All four are pixel indices of the frame, so they fit u32.
    Ok((
        left as u32,
        top as u32,
        (right - left + 1) as u32,
        (bottom - top + 1) as u32,
    ))
}

/// Removes the border of pixels coloured like the top-left one (see [`trim_box`]).
///
/// # Errors
/// [`Error::BadArgument`] for a threshold outside 1–99.
///
/// # Allocations
/// The output frame.
pub fn trim(src: &Frame, p: &TrimParams) -> Result<Frame> {
    let (x, y, width, height) = trim_box(src, p)?;
    crop(
        src,
        &CropParams {
            x,
            y,
            width,
            height,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PixelLayout;

    #[test]
    fn trims_margin_with_tolerance() {
        let mut f = Frame::filled(6, 5, PixelLayout::Gray8, &[200]).unwrap();
        f.data_mut()[6 + 2] = 0;
        f.data_mut()[3 * 6 + 3] = 0;
        f.data_mut()[4 * 6 + 5] = 205; // within tolerance
        assert_eq!(trim_box(&f, &TrimParams::default()).unwrap(), (2, 1, 2, 3));
        assert_eq!(
            trim_box(&f, &TrimParams { threshold: 4 }).unwrap(),
            (2, 1, 4, 4)
        );
        let t = trim(&f, &TrimParams::default()).unwrap();
        assert_eq!((t.width(), t.height()), (2, 3));
        let flat = Frame::filled(3, 3, PixelLayout::Rgb8, &[1, 2, 3]).unwrap();
        assert_eq!(trim(&flat, &TrimParams::default()).unwrap(), flat);
        assert!(trim(&flat, &TrimParams { threshold: 0 }).is_err());
        assert!(trim(&flat, &TrimParams { threshold: 100 }).is_err());
    }

    #[test]
    fn transparent_pixels_match_whatever_colour() {
        let mut f = Frame::filled(3, 1, PixelLayout::Rgba8, &[0, 0, 0, 0]).unwrap();
        f.data_mut()[4..8].copy_from_slice(&[255, 255, 255, 255]);
        f.data_mut()[8..12].copy_from_slice(&[255, 9, 9, 0]);
        assert_eq!(trim_box(&f, &TrimParams::default()).unwrap(), (1, 0, 1, 1));
    }
}
