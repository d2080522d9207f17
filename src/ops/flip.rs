//! [`flip`]: mirror a frame.

use crate::{Frame, Result};

/// Parameters of [`flip`].
///
/// | field | meaning | default |
/// | --- | --- | --- |
/// | `horizontal` | mirror left ↔ right (ImageKit `fl-h`) | false |
/// | `vertical` | mirror top ↔ bottom (`fl-v`) | false |
///
/// Both set is a 180° rotation (`fl-h_v`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FlipParams {
    /// Mirror left ↔ right.
    pub horizontal: bool,
    /// Mirror top ↔ bottom.
    pub vertical: bool,
}

/// Mirrors `src` horizontally, vertically or both.
///
/// # Errors
/// None in practice; the `Result` keeps the op shape.
///
/// # Allocations
/// One copy of the frame. Use [`flip_in_place`] on an owned frame to avoid it.
pub fn flip(src: &Frame, p: &FlipParams) -> Result<Frame> {
    let mut out = src.clone();
    flip_in_place(&mut out, p);
    Ok(out)
}

/// Mirrors `frame` in place.
///
/// # Allocations
/// None.
pub fn flip_in_place(frame: &mut Frame, p: &FlipParams) {
    let c = frame.layout().channels();
    let h = frame.height();
    flip_pixels(frame.data_mut(), h, c, p);
}

/// Mirrors `height` packed rows of pixels of `pixel_bytes` bytes each (1–4 for 8-bit
/// frames, 2–8 for 16-bit ones) in place.
pub(crate) fn flip_pixels(data: &mut [u8], height: u32, pixel_bytes: usize, p: &FlipParams) {
    let h = height as usize;
    let stride = data.len() / h.max(1);
    let c = pixel_bytes;
    if stride == 0 {
        return;
    }
    if p.horizontal {
        for row in data.chunks_exact_mut(stride) {
            mirror_row(row, c);
        }
    }
    if p.vertical {
        for top in 0..h / 2 {
            let bottom = h - 1 - top;
            let (upper, lower) = data.split_at_mut(bottom * stride);
            if let (Some(a), Some(b)) = (
                upper.get_mut(top * stride..(top + 1) * stride),
                lower.get_mut(..stride),
            ) {
                a.swap_with_slice(b);
            }
        }
    }
}

/// Reverses the order of the `c`-byte pixels of one row (c in 1–4, 6, 8).
fn mirror_row(row: &mut [u8], c: usize) {
    match c {
        1 => row.reverse(),
        2 => mirror_typed::<2>(row),
        3 => mirror_typed::<3>(row),
        4 => mirror_typed::<4>(row),
        6 => mirror_typed::<6>(row),
        _ => mirror_typed::<8>(row),
    }
}

fn mirror_typed<const C: usize>(row: &mut [u8]) {
    let n = row.len() / C;
    for i in 0..n / 2 {
        let j = n - 1 - i;
        for k in 0..C {
            row.swap(i * C + k, j * C + k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PixelLayout;

    #[test]
    fn flips_rgb() {
        let f = Frame::new(2, 2, PixelLayout::Rgb8, (0..12).collect()).unwrap();
        let h = flip(
            &f,
            &FlipParams {
                horizontal: true,
                vertical: false,
            },
        )
        .unwrap();
        assert_eq!(h.data(), &[3, 4, 5, 0, 1, 2, 9, 10, 11, 6, 7, 8]);
        let v = flip(
            &f,
            &FlipParams {
                horizontal: false,
                vertical: true,
            },
        )
        .unwrap();
        assert_eq!(v.data(), &[6, 7, 8, 9, 10, 11, 0, 1, 2, 3, 4, 5]);
        let both = flip(
            &f,
            &FlipParams {
                horizontal: true,
                vertical: true,
            },
        )
        .unwrap();
        assert_eq!(both.data(), &[9, 10, 11, 6, 7, 8, 3, 4, 5, 0, 1, 2]);
        assert_eq!(flip(&f, &FlipParams::default()).unwrap(), f);
    }

    #[test]
    fn odd_sizes() {
        let f = Frame::new(3, 3, PixelLayout::Gray8, (0..9).collect()).unwrap();
        let both = flip(
            &f,
            &FlipParams {
                horizontal: true,
                vertical: true,
            },
        )
        .unwrap();
        assert_eq!(both.data(), &[8, 7, 6, 5, 4, 3, 2, 1, 0]);
        let one = Frame::new(1, 1, PixelLayout::Rgba8, vec![1, 2, 3, 4]).unwrap();
        assert_eq!(
            flip(
                &one,
                &FlipParams {
                    horizontal: true,
                    vertical: true
                }
            )
            .unwrap(),
            one
        );
    }
}
