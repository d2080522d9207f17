//! [`Frame16`]: a picture with 16 bits per sample, and [`Pixels`], the engine's picture of
//! either depth.
//!
//! 16-bit PNG and TIFF input stays 16-bit through the operations that only move or
//! resample pixels (crop, resize, pad, quarter turns, flips, orientation) and the colour
//! conversion, so that a 16-bit PNG output keeps its depth (`ops::deep`). Every other
//! operation works in 8 bits: the picture is reduced once, at the first of them.

use crate::error::{Error, Result};
use crate::frame::{Frame, PixelLayout};

/// A picture: width × height pixels of one [`PixelLayout`]'s channels, each a `u16`
/// (0 = none, 65535 = full), rows packed top to bottom. Alpha is straight, as in
/// [`Frame`].
///
/// # Guarantees
/// `width ≥ 1`, `height ≥ 1`, and `data().len() == width × height × channels`.
#[derive(Clone, PartialEq, Eq)]
pub struct Frame16 {
    width: u32,
    height: u32,
    layout: PixelLayout,
    data: Vec<u16>,
}

impl std::fmt::Debug for Frame16 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Frame16")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("layout", &self.layout)
            .finish_non_exhaustive()
    }
}

/// Samples needed for `width × height` pixels of `layout`, or `None` on overflow.
pub fn sample_len(width: u32, height: u32, layout: PixelLayout) -> Option<usize> {
    crate::frame::byte_len(width, height, layout)
}

/// A 16-bit sample from an 8-bit one (exact: 255 becomes 65535).
#[inline]
pub fn widen(v: u8) -> u16 {
    u16::from(v) * 257
}

/// The nearest 8-bit sample to a 16-bit one.
#[inline]
pub fn narrow(v: u16) -> u8 {
    // (v + 128) / 257 is round(v / 257) for every v, and at most 255.
    ((u32::from(v) + 128) / 257) as u8
}

impl Frame16 {
    /// Wraps samples.
    ///
    /// # Errors
    /// [`Error::BadArgument`] for a zero side or a buffer of the wrong length.
    pub fn new(width: u32, height: u32, layout: PixelLayout, data: Vec<u16>) -> Result<Self> {
        if width == 0 || height == 0 {
            return Err(Error::BadArgument(format!(
                "frame size {width}x{height} has a zero side"
            )));
        }
        match sample_len(width, height, layout) {
            Some(n) if n == data.len() => Ok(Frame16 {
                width,
                height,
                layout,
                data,
            }),
            _ => Err(Error::BadArgument(format!(
                "16-bit frame {width}x{height} {layout:?} needs {:?} samples, got {}",
                sample_len(width, height, layout),
                data.len()
            ))),
        }
    }

    /// A frame filled with one pixel value (`pixel.len()` must equal the layout's channels).
    ///
    /// # Errors
    /// [`Error::BadArgument`] for a zero side, a pixel of the wrong length or a size whose
    /// sample count overflows.
    pub fn filled(width: u32, height: u32, layout: PixelLayout, pixel: &[u16]) -> Result<Self> {
        if pixel.len() != layout.channels() {
            return Err(Error::BadArgument(format!(
                "fill pixel has {} channels, layout {layout:?} needs {}",
                pixel.len(),
                layout.channels()
            )));
        }
        let len = sample_len(width, height, layout)
            .ok_or_else(|| Error::BadArgument(format!("frame {width}x{height} is too large")))?;
        let data = pixel.iter().copied().cycle().take(len).collect();
        Frame16::new(width, height, layout, data)
    }

    /// Widens an 8-bit frame (exactly: `v × 257`).
    pub fn from_frame(frame: &Frame) -> Frame16 {
        Frame16 {
            width: frame.width(),
            height: frame.height(),
            layout: frame.layout(),
            data: frame.data().iter().map(|&v| widen(v)).collect(),
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

    /// The pixel layout (its channel count and meaning; each sample is 16 bits here).
    pub fn layout(&self) -> PixelLayout {
        self.layout
    }

    /// The samples, rows packed.
    pub fn data(&self) -> &[u16] {
        &self.data
    }

    /// The samples, mutable (the length cannot change).
    pub fn data_mut(&mut self) -> &mut [u16] {
        &mut self.data
    }

    /// The samples as native-endian bytes, two a sample.
    pub fn bytes(&self) -> &[u8] {
        bytemuck::cast_slice(&self.data)
    }

    /// The samples as native-endian bytes, mutable.
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        bytemuck::cast_slice_mut(&mut self.data)
    }

    /// Bytes per pixel (two a channel).
    pub fn pixel_bytes(&self) -> usize {
        self.layout.channels() * 2
    }

    /// One pixel's samples, or `None` outside the frame.
    pub fn pixel(&self, x: u32, y: u32) -> Option<&[u16]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let c = self.layout.channels();
        let start = (y as usize * self.width as usize + x as usize) * c;
        self.data.get(start..start + c)
    }

    /// Whether any pixel is not fully opaque (false for layouts without alpha).
    pub fn has_transparency(&self) -> bool {
        match self.layout {
            PixelLayout::GrayAlpha8 => self.data.chunks_exact(2).any(|p| p[1] != u16::MAX),
            PixelLayout::Rgba8 => self.data.chunks_exact(4).any(|p| p[3] != u16::MAX),
            _ => false,
        }
    }

    /// The nearest 8-bit frame.
    pub fn to_frame(&self) -> Frame {
        let data = self.data.iter().map(|&v| narrow(v)).collect();
        // Same size and layout, so the length matches.
        Frame::same_shape(self.width, self.height, self.layout, data)
    }

    /// The frame converted to `layout`, as [`Frame::to_layout`] (gray by Rec.601 luma).
    pub fn to_layout(&self, layout: PixelLayout) -> Frame16 {
        if layout == self.layout {
            return self.clone();
        }
        let n = self.width as usize * self.height as usize;
        let mut out = Vec::with_capacity(n * layout.channels());
        let max = u16::MAX;
        for p in self.data.chunks_exact(self.layout.channels()) {
            let (r, g, b, a) = match self.layout {
                PixelLayout::Gray8 => (p[0], p[0], p[0], max),
                PixelLayout::GrayAlpha8 => (p[0], p[0], p[0], p[1]),
                PixelLayout::Rgb8 => (p[0], p[1], p[2], max),
                PixelLayout::Rgba8 => (p[0], p[1], p[2], p[3]),
            };
            match layout {
                PixelLayout::Gray8 => out.push(luma16(r, g, b)),
                PixelLayout::GrayAlpha8 => out.extend_from_slice(&[luma16(r, g, b), a]),
                PixelLayout::Rgb8 => out.extend_from_slice(&[r, g, b]),
                PixelLayout::Rgba8 => out.extend_from_slice(&[r, g, b, a]),
            }
        }
        Frame16 {
            width: self.width,
            height: self.height,
            layout,
            data: out,
        }
    }
}

/// Rec.601 luma of 16-bit samples, rounded (the weights of [`crate::luma`]).
fn luma16(r: u16, g: u16, b: u16) -> u16 {
    let y = (299 * u64::from(r) + 587 * u64::from(g) + 114 * u64::from(b) + 500) / 1000;
    // The weights sum to 1000, so y ≤ 65535.
    y.min(65535) as u16
}

/// A picture of either depth, as the engine carries it from the decoder to the encoder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pixels {
    /// 8 bits a sample: every decoder but 16-bit PNG and TIFF, and every operation.
    Eight(Frame),
    /// 16 bits a sample: kept for a 16-bit PNG output.
    Sixteen(Frame16),
}

impl From<Frame> for Pixels {
    fn from(f: Frame) -> Self {
        Pixels::Eight(f)
    }
}

impl From<Frame16> for Pixels {
    fn from(f: Frame16) -> Self {
        Pixels::Sixteen(f)
    }
}

impl Pixels {
    /// Width in pixels.
    pub fn width(&self) -> u32 {
        match self {
            Pixels::Eight(f) => f.width(),
            Pixels::Sixteen(f) => f.width(),
        }
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        match self {
            Pixels::Eight(f) => f.height(),
            Pixels::Sixteen(f) => f.height(),
        }
    }

    /// The layout.
    pub fn layout(&self) -> PixelLayout {
        match self {
            Pixels::Eight(f) => f.layout(),
            Pixels::Sixteen(f) => f.layout(),
        }
    }

    /// Bits per sample: 8 or 16.
    pub fn bits(&self) -> u8 {
        match self {
            Pixels::Eight(_) => 8,
            Pixels::Sixteen(_) => 16,
        }
    }

    /// Whether any pixel is not fully opaque.
    pub fn has_transparency(&self) -> bool {
        match self {
            Pixels::Eight(f) => f.has_transparency(),
            Pixels::Sixteen(f) => f.has_transparency(),
        }
    }

    /// The 8-bit frame, if the picture is 8-bit.
    pub fn as_eight(&self) -> Option<&Frame> {
        match self {
            Pixels::Eight(f) => Some(f),
            Pixels::Sixteen(_) => None,
        }
    }

    /// The picture in 8 bits (the nearest value of each 16-bit sample).
    pub fn into_eight(self) -> Frame {
        match self {
            Pixels::Eight(f) => f,
            Pixels::Sixteen(f) => f.to_frame(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widen_and_narrow_round_trip_every_byte() {
        for v in 0..=255u8 {
            assert_eq!(narrow(widen(v)), v);
        }
        assert_eq!(narrow(128), 0);
        assert_eq!(narrow(129), 1);
        assert_eq!(narrow(65535), 255);
        // round(v / 257) for every 16-bit value.
        for v in (0..=u16::MAX).step_by(7) {
            assert_eq!(u32::from(narrow(v)), (f64::from(v) / 257.0).round() as u32);
        }
    }

    #[test]
    fn new_checks_length_and_layout_conversion() {
        assert!(Frame16::new(2, 1, PixelLayout::Rgb8, vec![0; 6]).is_ok());
        assert!(Frame16::new(2, 1, PixelLayout::Rgb8, vec![0; 5]).is_err());
        let f = Frame16::filled(2, 1, PixelLayout::Gray8, &[1000]).unwrap();
        let rgba = f.to_layout(PixelLayout::Rgba8);
        assert_eq!(rgba.pixel(1, 0), Some(&[1000, 1000, 1000, 65535][..]));
        assert!(!rgba.has_transparency());
        assert_eq!(rgba.to_layout(PixelLayout::Gray8).data(), &[1000, 1000]);
        assert_eq!(f.to_frame().data(), &[4, 4]);
        assert_eq!(f.bytes().len(), 4);
    }
}
