//! [`crop`]: extract a rectangle.

use crate::{Error, Frame, Result};

/// Parameters of [`crop`].
///
/// | field | range | default |
/// | --- | --- | --- |
/// | `x`, `y` | top-left corner, inside the frame | 0 |
/// | `width`, `height` | ≥ 1 and `x + width ≤ frame width` (same for y); **0 means "up to the right / bottom edge"** | 0 |
///
/// The default is therefore the whole frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CropParams {
    /// Left edge in pixels.
    pub x: u32,
    /// Top edge in pixels.
    pub y: u32,
    /// Width in pixels (0 = to the right edge).
    pub width: u32,
    /// Height in pixels (0 = to the bottom edge).
    pub height: u32,
}

/// Copies the rectangle `p` out of `src` (same layout).
///
/// # Errors
/// [`Error::BadArgument`] when the rectangle does not lie inside the frame (or is empty).
///
/// # Allocations
/// The output buffer (`width × height × channels` bytes); rows are copied with `memcpy`.
pub fn crop(src: &Frame, p: &CropParams) -> Result<Frame> {
    let (w, h, out) = crop_pixels(
        src.data(),
        src.width(),
        src.height(),
        src.layout().channels(),
        p,
    )?;
    Frame::new(w, h, src.layout(), out)
}

/// Crops packed `width × height` pixels of `pixel_bytes` bytes each (either depth):
/// the output's width, height and bytes.
pub(crate) fn crop_pixels(
    data: &[u8],
    width: u32,
    height: u32,
    pixel_bytes: usize,
    p: &CropParams,
) -> Result<(u32, u32, Vec<u8>)> {
    let (x, y, w, h) = resolve(width, height, p)?;
    let stride = width as usize * pixel_bytes;
    let row_len = w as usize * pixel_bytes;
    let mut out = Vec::with_capacity(row_len * h as usize);
    for row in y..y + h {
        let start = row as usize * stride + x as usize * pixel_bytes;
        let bytes = data
            .get(start..start + row_len)
            .ok_or_else(|| Error::BadArgument("crop row outside the frame".into()))?;
        out.extend_from_slice(bytes);
    }
    Ok((w, h, out))
}

/// The checked rectangle `(x, y, width, height)` of `p` inside a `sw × sh` frame.
fn resolve(sw: u32, sh: u32, p: &CropParams) -> Result<(u32, u32, u32, u32)> {
    let bad = || {
        Error::BadArgument(format!(
            "crop {}x{} at ({}, {}) does not fit a {sw}x{sh} frame",
            p.width, p.height, p.x, p.y,
        ))
    };
    let w = if p.width == 0 {
        sw.checked_sub(p.x).ok_or_else(bad)?
    } else {
        p.width
    };
    let h = if p.height == 0 {
        sh.checked_sub(p.y).ok_or_else(bad)?
    } else {
        p.height
    };
    let right = p.x.checked_add(w).ok_or_else(bad)?;
    let bottom = p.y.checked_add(h).ok_or_else(bad)?;
    if w == 0 || h == 0 || right > sw || bottom > sh {
        return Err(bad());
    }
    Ok((p.x, p.y, w, h))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Category, PixelLayout};

    fn numbered(w: u32, h: u32) -> Frame {
        let data = (0..w * h).map(|i| i as u8).collect();
        Frame::new(w, h, PixelLayout::Gray8, data).unwrap()
    }

    #[test]
    fn crops_exact_pixels() {
        let f = numbered(4, 3);
        let p = CropParams {
            x: 1,
            y: 1,
            width: 2,
            height: 2,
        };
        let c = crop(&f, &p).unwrap();
        assert_eq!((c.width(), c.height()), (2, 2));
        assert_eq!(c.data(), &[5, 6, 9, 10]);
    }

    #[test]
    fn zero_means_to_the_edge() {
        let f = numbered(4, 3);
        let c = crop(
            &f,
            &CropParams {
                x: 3,
                y: 2,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!((c.width(), c.height()), (1, 1));
        assert_eq!(c.data(), &[11]);
        assert_eq!(crop(&f, &CropParams::default()).unwrap(), f);
    }

    #[test]
    fn outside_is_bad_argument() {
        let f = numbered(4, 3);
        for p in [
            CropParams {
                x: 4,
                ..Default::default()
            },
            CropParams {
                x: 1,
                width: 4,
                ..Default::default()
            },
            CropParams {
                y: 1,
                height: 3,
                ..Default::default()
            },
            CropParams {
                x: u32::MAX,
                width: 2,
                ..Default::default()
            },
        ] {
            let e = crop(&f, &p).unwrap_err();
            assert_eq!(e.category(), Category::BadArgument, "{p:?}");
        }
    }
}
