//! Sample depths: `image`'s colour types to pixform's layouts, reduced to 8 bits, or kept
//! at 16 bits when the output can hold them ([`super::DecodeOptions::keep_16bit`]).

use image::ColorType;

use super::InputFormat;
use crate::{Frame, Frame16, PixelLayout, Pixels};

/// The layout of `image`'s colour type, and its bits per sample.
pub(super) fn layout_of(color: ColorType) -> Option<(PixelLayout, u8)> {
    Some(match color {
        ColorType::L8 => (PixelLayout::Gray8, 8),
        ColorType::La8 => (PixelLayout::GrayAlpha8, 8),
        ColorType::Rgb8 => (PixelLayout::Rgb8, 8),
        ColorType::Rgba8 => (PixelLayout::Rgba8, 8),
        ColorType::L16 => (PixelLayout::Gray8, 16),
        ColorType::La16 => (PixelLayout::GrayAlpha8, 16),
        ColorType::Rgb16 => (PixelLayout::Rgb8, 16),
        ColorType::Rgba16 => (PixelLayout::Rgba8, 16),
        ColorType::Rgb32F => (PixelLayout::Rgb8, 32),
        ColorType::Rgba32F => (PixelLayout::Rgba8, 32),
        _ => return None,
    })
}

/// A decoded buffer at 8 bits: 16-bit (native endian, as `image` writes them) and float
/// samples reduced to the nearest byte. 16-bit samples that are kept are read by
/// [`read_16bit`] instead, without this buffer.
///
/// # Errors
/// Why the buffer does not make a picture, for [`crate::Error::Undecodable`].
pub(super) fn to_8bit(
    color: ColorType,
    buf: Vec<u8>,
    (width, height): (u32, u32),
) -> Result<Frame, String> {
    let (layout, bits) =
        layout_of(color).ok_or_else(|| format!("unsupported colour type {color:?}"))?;
    let data = match bits {
        8 => buf,
        16 => from16(&buf),
        _ => from32f(&buf),
    };
    Frame::new(width, height, layout, data).map_err(|e| e.to_string())
}

/// Reads 16-bit samples straight into their `u16` storage (`read` fills its bytes, native
/// endian), so a 16-bit picture is never held twice while it is decoded.
///
/// # Errors
/// What `read` returns, or [`crate::Error::Undecodable`] when the samples do not make a
/// `width × height` picture.
pub(super) fn read_16bit(
    format: InputFormat,
    layout: PixelLayout,
    (width, height): (u32, u32),
    total_bytes: usize,
    read: impl FnOnce(&mut [u8]) -> crate::Result<()>,
) -> crate::Result<Pixels> {
    if !total_bytes.is_multiple_of(2) {
        return Err(super::undecodable(
            format,
            format!("{total_bytes} bytes of 16-bit samples is an odd count"),
        ));
    }
    let mut samples: Vec<u16> = super::alloc(total_bytes / 2)?;
    read(bytemuck::cast_slice_mut(&mut samples))?;
    let frame = Frame16::new(width, height, layout, samples)
        .map_err(|e| super::undecodable(format, e.to_string()))?;
    Ok(Pixels::Sixteen(frame))
}

/// Native-endian 16-bit samples to the nearest bytes.
fn from16(b: &[u8]) -> Vec<u8> {
    b.chunks_exact(2)
        .map(|c| crate::frame16::narrow(u16::from_ne_bytes([c[0], c[1]])))
        .collect()
}

/// Native-endian f32 samples (0–1) to bytes.
fn from32f(b: &[u8]) -> Vec<u8> {
    b.chunks_exact(4)
        .map(|c| {
            let v = f32::from_ne_bytes([c[0], c[1], c[2], c[3]]);
            // Clamped to 0..=255 first, so the cast cannot truncate (NaN becomes 0).
            (v.clamp(0.0, 1.0) * 255.0).round() as u8
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_bits_kept_or_reduced() {
        let samples = [0u16, 0x1234, 65535];
        let buf: Vec<u8> = samples.iter().flat_map(|v| v.to_ne_bytes()).collect();
        let kept = read_16bit(InputFormat::Png, PixelLayout::Rgb8, (1, 1), 6, |b| {
            b.copy_from_slice(&buf);
            Ok(())
        })
        .unwrap();
        match kept {
            Pixels::Sixteen(f) => assert_eq!(f.data(), &samples),
            other => panic!("{other:?}"),
        }
        let reduced = to_8bit(ColorType::Rgb16, buf, (1, 1)).unwrap();
        assert_eq!(reduced.data(), &[0, 18, 255]);
        let eight = to_8bit(ColorType::L8, vec![9, 8], (2, 1)).unwrap();
        assert_eq!(eight.data(), &[9, 8]);
        assert!(to_8bit(ColorType::L8, vec![9], (2, 1)).is_err());
        let odd = read_16bit(InputFormat::Png, PixelLayout::Gray8, (1, 1), 3, |_| Ok(()));
        assert!(odd.is_err());
        let short = read_16bit(InputFormat::Png, PixelLayout::Rgb8, (2, 1), 6, |_| Ok(()));
        assert!(short.is_err());
    }
}
