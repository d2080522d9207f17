//! [`Frame`]: a decoded picture in one of four 8-bit pixel layouts.
//!
//! Frames hold **straight** (non-premultiplied) alpha. Operations that must weight colour
//! by alpha (resize, blur) premultiply internally and divide again before returning, so
//! transparent edges get no dark halo.

use crate::error::{Error, Result};

/// Pixel layouts pixform works in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PixelLayout {
    /// One byte of luma.
    Gray8,
    /// Luma and alpha.
    GrayAlpha8,
    /// Red, green, blue.
    Rgb8,
    /// Red, green, blue, alpha (straight).
    Rgba8,
}

impl PixelLayout {
    /// Bytes per pixel.
    pub fn channels(self) -> usize {
        match self {
            PixelLayout::Gray8 => 1,
            PixelLayout::GrayAlpha8 => 2,
            PixelLayout::Rgb8 => 3,
            PixelLayout::Rgba8 => 4,
        }
    }

    /// Whether the layout carries alpha.
    pub fn has_alpha(self) -> bool {
        matches!(self, PixelLayout::GrayAlpha8 | PixelLayout::Rgba8)
    }

    /// Whether the layout is gray.
    pub fn is_gray(self) -> bool {
        matches!(self, PixelLayout::Gray8 | PixelLayout::GrayAlpha8)
    }

    /// The same layout with alpha added.
    pub fn with_alpha(self) -> PixelLayout {
        match self {
            PixelLayout::Gray8 | PixelLayout::GrayAlpha8 => PixelLayout::GrayAlpha8,
            PixelLayout::Rgb8 | PixelLayout::Rgba8 => PixelLayout::Rgba8,
        }
    }

    /// The same layout without alpha.
    pub fn without_alpha(self) -> PixelLayout {
        match self {
            PixelLayout::Gray8 | PixelLayout::GrayAlpha8 => PixelLayout::Gray8,
            PixelLayout::Rgb8 | PixelLayout::Rgba8 => PixelLayout::Rgb8,
        }
    }
}

/// A picture: width × height pixels of one [`PixelLayout`], rows packed top to bottom.
///
/// # Guarantees
/// `width ≥ 1`, `height ≥ 1`, and `data().len() == width × height × channels` (checked
/// when built, so indexing inside that range never panics).
#[derive(Clone, PartialEq, Eq)]
pub struct Frame {
    width: u32,
    height: u32,
    layout: PixelLayout,
    data: Vec<u8>,
}

impl std::fmt::Debug for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Frame")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("layout", &self.layout)
            .finish_non_exhaustive()
    }
}

/// Bytes needed for `width × height` pixels of `layout`, or `None` on overflow.
pub fn byte_len(width: u32, height: u32, layout: PixelLayout) -> Option<usize> {
    let n = u64::from(width)
        .checked_mul(u64::from(height))?
        .checked_mul(layout.channels() as u64)?;
    usize::try_from(n).ok()
}

impl Frame {
    /// Wraps pixel bytes.
    ///
    /// # Errors
    /// [`Error::BadArgument`] for a zero side or a buffer of the wrong length.
    pub fn new(width: u32, height: u32, layout: PixelLayout, data: Vec<u8>) -> Result<Self> {
        if width == 0 || height == 0 {
            return Err(Error::BadArgument(format!(
                "frame size {width}x{height} has a zero side"
            )));
        }
        match byte_len(width, height, layout) {
            Some(n) if n == data.len() => Ok(Frame {
                width,
                height,
                layout,
                data,
            }),
            _ => Err(Error::BadArgument(format!(
                "frame {width}x{height} {layout:?} needs {:?} bytes, got {}",
                byte_len(width, height, layout),
                data.len()
            ))),
        }
    }

    /// A frame filled with one pixel value (`pixel.len()` must equal the layout's channels).
    ///
    /// # Errors
    /// [`Error::BadArgument`] for a zero side, a pixel of the wrong length or a size whose
    /// byte count overflows.
    pub fn filled(width: u32, height: u32, layout: PixelLayout, pixel: &[u8]) -> Result<Self> {
        if pixel.len() != layout.channels() {
            return Err(Error::BadArgument(format!(
                "fill pixel has {} channels, layout {layout:?} needs {}",
                pixel.len(),
                layout.channels()
            )));
        }
        let len = byte_len(width, height, layout)
            .ok_or_else(|| Error::BadArgument(format!("frame {width}x{height} is too large")))?;
        let data = pixel.iter().copied().cycle().take(len).collect();
        Frame::new(width, height, layout, data)
    }

    /// A frame from samples known to fit: `data.len()` is `width × height × channels` with
    /// both sides ≥ 1, because they come from a [`crate::Frame16`] of that shape.
    pub(crate) fn same_shape(width: u32, height: u32, layout: PixelLayout, data: Vec<u8>) -> Frame {
        debug_assert_eq!(byte_len(width, height, layout), Some(data.len()));
        Frame {
            width,
            height,
            layout,
            data,
        }
    }

    /// Width in pixels (≥ 1).
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels (≥ 1).
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The pixel layout.
    pub fn layout(&self) -> PixelLayout {
        self.layout
    }

    /// The pixel bytes, rows packed.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The pixel bytes, mutable (the length cannot change).
    pub fn data_mut(&mut self) -> &mut [u8] {
        &mut self.data
    }

    /// Takes the pixel bytes.
    pub fn into_data(self) -> Vec<u8> {
        self.data
    }

    /// Bytes per row.
    pub fn stride(&self) -> usize {
        self.width as usize * self.layout.channels()
    }

    /// One pixel's bytes, or `None` outside the frame.
    pub fn pixel(&self, x: u32, y: u32) -> Option<&[u8]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let c = self.layout.channels();
        let start = (y as usize * self.width as usize + x as usize) * c;
        self.data.get(start..start + c)
    }

    /// One row's bytes, or `None` outside the frame.
    pub fn row(&self, y: u32) -> Option<&[u8]> {
        if y >= self.height {
            return None;
        }
        let s = self.stride();
        self.data.get(y as usize * s..(y as usize + 1) * s)
    }

    /// Whether any pixel is not fully opaque (false for layouts without alpha).
    pub fn has_transparency(&self) -> bool {
        match self.layout {
            PixelLayout::GrayAlpha8 => self.data.chunks_exact(2).any(|p| p[1] != 255),
            PixelLayout::Rgba8 => self.data.chunks_exact(4).any(|p| p[3] != 255),
            _ => false,
        }
    }

    /// The frame converted to `layout` (gray uses Rec.601 luma; dropping alpha keeps the
    /// colour as is — flatten first with `ops::flatten` to composite onto a background).
    pub fn to_layout(&self, layout: PixelLayout) -> Frame {
        if layout == self.layout {
            return self.clone();
        }
        let n = self.width as usize * self.height as usize;
        let mut out = Vec::with_capacity(n * layout.channels());
        let src_c = self.layout.channels();
        for p in self.data.chunks_exact(src_c) {
            let (r, g, b, a) = match self.layout {
                PixelLayout::Gray8 => (p[0], p[0], p[0], 255),
                PixelLayout::GrayAlpha8 => (p[0], p[0], p[0], p[1]),
                PixelLayout::Rgb8 => (p[0], p[1], p[2], 255),
                PixelLayout::Rgba8 => (p[0], p[1], p[2], p[3]),
            };
            match layout {
                PixelLayout::Gray8 => out.push(luma(r, g, b)),
                PixelLayout::GrayAlpha8 => out.extend_from_slice(&[luma(r, g, b), a]),
                PixelLayout::Rgb8 => out.extend_from_slice(&[r, g, b]),
                PixelLayout::Rgba8 => out.extend_from_slice(&[r, g, b, a]),
            }
        }
        Frame {
            width: self.width,
            height: self.height,
            layout,
            data: out,
        }
    }
}

/// Rec.601 luma of an sRGB triple, rounded.
pub fn luma(r: u8, g: u8, b: u8) -> u8 {
    // Weights sum to 1000, so the result is at most 255.
    let y = (299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b) + 500) / 1000;
    y.min(255) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_checks_length_and_zero_sides() {
        assert!(Frame::new(2, 2, PixelLayout::Rgb8, vec![0; 12]).is_ok());
        assert!(Frame::new(2, 2, PixelLayout::Rgb8, vec![0; 11]).is_err());
        assert!(Frame::new(0, 2, PixelLayout::Rgb8, vec![]).is_err());
    }

    #[test]
    fn layout_conversion_round_trip() {
        let f = Frame::filled(3, 2, PixelLayout::Rgba8, &[10, 20, 30, 40]).unwrap();
        assert_eq!(
            f.to_layout(PixelLayout::Rgb8).pixel(2, 1),
            Some(&[10, 20, 30][..])
        );
        assert_eq!(
            f.to_layout(PixelLayout::GrayAlpha8).pixel(0, 0),
            Some(&[18, 40][..])
        );
        assert!(f.has_transparency());
        assert_eq!(f.pixel(3, 0), None);
    }
}
