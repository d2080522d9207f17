//! [`pad`]: place a frame on a canvas filled with a colour.

use super::{in_layout, layout_with_color, Rgba};
use crate::{byte_len, Error, Frame, PixelLayout, Result};

/// Parameters of [`pad`].
///
/// | field | range | default |
/// | --- | --- | --- |
/// | `width`, `height` | canvas size, ≥ 1; **0 means the source's side** | 0 |
/// | `x`, `y` | where the source's top-left corner lands; any value, parts outside the canvas are clipped | 0 |
/// | `background` | canvas colour (straight alpha) | opaque black |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PadParams {
    /// Canvas width (0 = source width).
    pub width: u32,
    /// Canvas height (0 = source height).
    pub height: u32,
    /// Left offset of the source on the canvas (may be negative).
    pub x: i64,
    /// Top offset of the source on the canvas (may be negative).
    pub y: i64,
    /// Canvas colour.
    pub background: Rgba,
}

/// Draws `src` at (`x`, `y`) on a `width × height` canvas filled with `background`.
///
/// The source pixels are copied as they are (no compositing: a transparent source pixel stays
/// transparent). The result layout follows the module rule: alpha if the source has alpha or
/// the colour is not opaque; gray only if the source is gray and the colour is gray.
///
/// # Errors
/// [`Error::BadArgument`] when the canvas byte count overflows.
///
/// # Allocations
/// The canvas; plus one converted copy of the source when its layout differs from the
/// result's (e.g. gray source on a red canvas).
pub fn pad(src: &Frame, p: &PadParams) -> Result<Frame> {
    let cw = if p.width == 0 { src.width() } else { p.width };
    let ch = if p.height == 0 {
        src.height()
    } else {
        p.height
    };
    let layout = layout_with_color(src.layout(), p.background);
    let mut out = canvas(cw, ch, layout, p.background)?;
    let src = in_layout(src, layout);
    blit(&src, &mut out, p.x, p.y);
    Ok(out)
}

/// A `w × h` frame of `layout` filled with `color`.
pub(crate) fn canvas(w: u32, h: u32, layout: PixelLayout, color: Rgba) -> Result<Frame> {
    let (px, n) = color.to_pixel(layout);
    let pixel = px.get(..n).unwrap_or(&[]);
    byte_len(w, h, layout)
        .ok_or_else(|| Error::BadArgument(format!("canvas {w}x{h} is too large")))?;
    let row: Vec<u8> = pixel.repeat(w as usize);
    Frame::new(w, h, layout, row.repeat(h as usize))
}

/// Copies `src` (same layout as `dst`) onto `dst` at (`x`, `y`), clipping.
pub(crate) fn blit(src: &Frame, dst: &mut Frame, x: i64, y: i64) {
    if src.layout() != dst.layout() {
        return;
    }
    let c = dst.layout().channels();
    let src_size = (src.width(), src.height());
    let dst_size = (dst.width(), dst.height());
    blit_pixels(src.data(), src_size, dst.data_mut(), dst_size, c, (x, y));
}

/// Copies packed pixels of `pixel_bytes` bytes each (either depth) from a `src_size` picture
/// onto a `dst_size` one with its top-left corner at `at`, clipping.
pub(crate) fn blit_pixels(
    src: &[u8],
    src_size: (u32, u32),
    dst: &mut [u8],
    dst_size: (u32, u32),
    pixel_bytes: usize,
    at: (i64, i64),
) {
    let c = pixel_bytes;
    let (x, y) = at;
    let (sw, sh) = (i64::from(src_size.0), i64::from(src_size.1));
    let (dw, dh) = (i64::from(dst_size.0), i64::from(dst_size.1));
    // Intersection in canvas coordinates.
    let x0 = x.max(0);
    let y0 = y.max(0);
    let x1 = x.saturating_add(sw).min(dw);
    let y1 = y.saturating_add(sh).min(dh);
    if x0 >= x1 || y0 >= y1 {
        return;
    }
    // All four lie within 0..=u32::MAX (clipped to the frames), so the casts are exact.
    let len = (x1 - x0) as usize * c;
    let sx = (x0 - x) as usize;
    let dst_stride = dst_size.0 as usize * c;
    let src_stride = src_size.0 as usize * c;
    for cy in y0..y1 {
        let sy = (cy - y) as usize;
        let s = sy * src_stride + sx * c;
        let d = cy as usize * dst_stride + x0 as usize * c;
        if let (Some(from), Some(to)) = (src.get(s..s + len), dst.get_mut(d..d + len)) {
            to.copy_from_slice(from);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_and_fills() {
        let src = Frame::filled(2, 2, PixelLayout::Gray8, &[200]).unwrap();
        let p = PadParams {
            width: 5,
            height: 4,
            x: 2,
            y: 1,
            background: Rgba::opaque(255, 0, 0),
        };
        let out = pad(&src, &p).unwrap();
        assert_eq!(out.layout(), PixelLayout::Rgb8);
        assert_eq!((out.width(), out.height()), (5, 4));
        assert_eq!(out.pixel(0, 0), Some(&[255, 0, 0][..]));
        assert_eq!(out.pixel(4, 3), Some(&[255, 0, 0][..]));
        assert_eq!(out.pixel(2, 1), Some(&[200, 200, 200][..]));
        assert_eq!(out.pixel(3, 2), Some(&[200, 200, 200][..]));
        assert_eq!(out.pixel(4, 2), Some(&[255, 0, 0][..]));
    }

    #[test]
    fn clips_negative_offsets_and_keeps_gray() {
        let src = Frame::new(2, 2, PixelLayout::Gray8, vec![1, 2, 3, 4]).unwrap();
        let p = PadParams {
            width: 2,
            height: 2,
            x: -1,
            y: -1,
            background: Rgba::WHITE,
        };
        let out = pad(&src, &p).unwrap();
        assert_eq!(out.layout(), PixelLayout::Gray8);
        assert_eq!(out.data(), &[4, 255, 255, 255]);
        let far = PadParams { x: i64::MAX, ..p };
        assert_eq!(pad(&src, &far).unwrap().data(), &[255; 4]);
    }

    #[test]
    fn transparent_background_adds_alpha() {
        let src = Frame::filled(1, 1, PixelLayout::Rgb8, &[9, 8, 7]).unwrap();
        let p = PadParams {
            width: 2,
            height: 1,
            background: Rgba::TRANSPARENT,
            ..Default::default()
        };
        let out = pad(&src, &p).unwrap();
        assert_eq!(out.layout(), PixelLayout::Rgba8);
        assert_eq!(out.data(), &[9, 8, 7, 255, 0, 0, 0, 0]);
    }
}
