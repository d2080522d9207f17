//! The ops with a 16-bit version, over [`Frame16`]: the same names, parameters and
//! results as their 8-bit siblings, for 16-bit PNG output (16-bit PNG or TIFF input).
//!
//! Only operations that move, place or resample pixels have one; they run the same
//! pixel-size-agnostic kernels as the 8-bit ops (a 16-bit RGB pixel is a 6-byte unit to a
//! crop, a flip or a transpose), so the two depths cannot drift apart. The engine reduces
//! a picture to 8 bits at the first op without a 16-bit version.

use super::crop::crop_pixels;
use super::flip::flip_pixels;
use super::pad::blit_pixels;
use super::rotate::transpose_pixels;
use super::{layout_with_color, CropParams, FlipParams, OrientParams, PadParams, RotateParams};
use crate::frame16::{sample_len, widen};
use crate::{Error, Frame16, Result};

pub use super::resize::resize16 as resize;

/// [`super::crop`] in 16 bits.
///
/// # Errors
/// As [`super::crop`].
pub fn crop(src: &Frame16, p: &CropParams) -> Result<Frame16> {
    let (w, h, bytes) = crop_pixels(src.bytes(), src.width(), src.height(), src.pixel_bytes(), p)?;
    Frame16::new(w, h, src.layout(), samples(&bytes))
}

/// [`super::flip`] in 16 bits, in place.
pub fn flip_in_place(frame: &mut Frame16, p: &FlipParams) {
    let (h, c) = (frame.height(), frame.pixel_bytes());
    flip_pixels(frame.bytes_mut(), h, c, p);
}

/// [`super::flip`] in 16 bits.
///
/// # Errors
/// None in practice; the `Result` keeps the op shape.
pub fn flip(src: &Frame16, p: &FlipParams) -> Result<Frame16> {
    let mut out = src.clone();
    flip_in_place(&mut out, p);
    Ok(out)
}

/// Mirror along the main diagonal.
fn transpose(src: &Frame16) -> Result<Frame16> {
    let bytes = transpose_pixels(src.bytes(), src.width(), src.height(), src.pixel_bytes());
    Frame16::new(src.height(), src.width(), src.layout(), samples(&bytes))
}

/// [`super::orient`] in 16 bits, taking the frame by value (1–4 work in place).
///
/// # Errors
/// [`Error::BadArgument`] for an orientation outside 1–8.
pub fn orient(src: Frame16, p: &OrientParams) -> Result<Frame16> {
    // Each orientation is a transpose or not, then flips (EXIF's definitions).
    let (transposed, horizontal, vertical) = match p.orientation {
        1 => return Ok(src),
        2 => (false, true, false),
        3 => (false, true, true),
        4 => (false, false, true),
        5 => (true, false, false),
        6 => (true, true, false),
        7 => (true, true, true),
        8 => (true, false, true),
        o => {
            return Err(Error::BadArgument(format!(
                "EXIF orientation {o} is not in 1-8"
            )))
        }
    };
    let mut out = if transposed { transpose(&src)? } else { src };
    flip_in_place(
        &mut out,
        &FlipParams {
            horizontal,
            vertical,
        },
    );
    Ok(out)
}

/// [`super::rotate`] in 16 bits, for quarter turns only: `None` for any other angle
/// (which resamples and fills: the 8-bit op's work).
///
/// # Errors
/// As [`super::rotate`] for an angle that is not finite.
pub fn rotate(src: &Frame16, p: &RotateParams) -> Option<Result<Frame16>> {
    let turns = crate::plan::quarter_turns(super::rotate::normalise(p.degrees).ok()?)?;
    // A quarter turn clockwise is EXIF orientation 6; a half turn 3; three quarters 8.
    let orientation = match turns {
        0 => 1,
        1 => 6,
        2 => 3,
        _ => 8,
    };
    Some(orient(src.clone(), &OrientParams { orientation }))
}

/// [`super::pad`] in 16 bits: the canvas colour's 8-bit channels widened exactly
/// (`v × 257`), the result layout by the same rule as the 8-bit op.
///
/// # Errors
/// As [`super::pad`].
pub fn pad(src: &Frame16, p: &PadParams) -> Result<Frame16> {
    let cw = if p.width == 0 { src.width() } else { p.width };
    let ch = if p.height == 0 {
        src.height()
    } else {
        p.height
    };
    let layout = layout_with_color(src.layout(), p.background);
    let (px, n) = p.background.to_pixel(layout);
    let pixel: Vec<u16> = px.iter().take(n).map(|&v| widen(v)).collect();
    sample_len(cw, ch, layout)
        .ok_or_else(|| Error::BadArgument(format!("canvas {cw}x{ch} is too large")))?;
    let mut out = Frame16::filled(cw, ch, layout, &pixel)?;
    let src = if src.layout() == layout {
        std::borrow::Cow::Borrowed(src)
    } else {
        std::borrow::Cow::Owned(src.to_layout(layout))
    };
    let c = out.pixel_bytes();
    let dst_size = (cw, ch);
    blit_pixels(
        src.bytes(),
        (src.width(), src.height()),
        out.bytes_mut(),
        dst_size,
        c,
        (p.x, p.y),
    );
    Ok(out)
}

/// Native-endian byte pairs back to samples.
fn samples(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks_exact(2)
        .map(|b| u16::from_ne_bytes([b[0], b[1]]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{self, Rgba};
    use crate::{Frame, PixelLayout};

    /// A 16-bit frame whose every sample is distinct, and its 8-bit twin (samples × 257 of
    /// a byte pattern), so every op can be checked against its 8-bit sibling exactly.
    fn twins(w: u32, h: u32, layout: PixelLayout) -> (Frame, Frame16) {
        let n = (w * h) as usize * layout.channels();
        let data: Vec<u8> = (0..n).map(|i| (i * 7 % 256) as u8).collect();
        let eight = Frame::new(w, h, layout, data).unwrap();
        let sixteen = Frame16::from_frame(&eight);
        (eight, sixteen)
    }

    #[test]
    fn move_ops_match_their_8_bit_siblings_exactly() {
        for layout in [
            PixelLayout::Gray8,
            PixelLayout::GrayAlpha8,
            PixelLayout::Rgb8,
            PixelLayout::Rgba8,
        ] {
            let (e, s) = twins(5, 3, layout);
            let c = CropParams {
                x: 1,
                y: 1,
                width: 3,
                height: 2,
            };
            assert_eq!(crop(&s, &c).unwrap().to_frame(), ops::crop(&e, &c).unwrap());
            for o in 1..=8 {
                let p = OrientParams { orientation: o };
                assert_eq!(
                    orient(s.clone(), &p).unwrap().to_frame(),
                    ops::orient(&e, &p).unwrap(),
                    "{layout:?} orientation {o}"
                );
            }
            for degrees in [0.0, 90.0, 180.0, 270.0, -90.0] {
                let p = RotateParams {
                    degrees,
                    ..RotateParams::default()
                };
                assert_eq!(
                    rotate(&s, &p).unwrap().unwrap().to_frame(),
                    ops::rotate(&e, &p).unwrap(),
                    "{layout:?} {degrees}"
                );
            }
            let f = FlipParams {
                horizontal: true,
                vertical: true,
            };
            assert_eq!(flip(&s, &f).unwrap().to_frame(), ops::flip(&e, &f).unwrap());
            for background in [Rgba::WHITE, Rgba::opaque(200, 10, 3), Rgba::TRANSPARENT] {
                let p = PadParams {
                    width: 9,
                    height: 4,
                    x: 3,
                    y: -1,
                    background,
                };
                let padded = pad(&s, &p).unwrap();
                assert_eq!(padded.to_frame(), ops::pad(&e, &p).unwrap(), "{layout:?}");
            }
        }
    }

    #[test]
    fn quarter_turns_only_and_16_bit_values_kept() {
        let s = Frame16::new(2, 1, PixelLayout::Gray8, vec![1, 65534]).unwrap();
        let turned = rotate(
            &s,
            &RotateParams {
                degrees: 90.0,
                ..RotateParams::default()
            },
        )
        .unwrap()
        .unwrap();
        assert_eq!((turned.width(), turned.height()), (1, 2));
        assert_eq!(turned.data(), &[1, 65534]);
        let any = RotateParams {
            degrees: 30.0,
            ..RotateParams::default()
        };
        assert!(rotate(&s, &any).is_none());
        let padded = pad(
            &s,
            &PadParams {
                width: 3,
                height: 1,
                x: 1,
                y: 0,
                background: Rgba::opaque(1, 1, 1),
            },
        )
        .unwrap();
        assert_eq!(padded.data(), &[257, 1, 65534]);
    }
}
