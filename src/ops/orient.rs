//! [`orient`]: apply an EXIF orientation.

use super::rotate::{rotate270, rotate90, transpose};
use super::{flip_in_place, FlipParams};
use crate::{Error, Frame, Result};

/// Parameters of [`orient`].
///
/// | field | range | default |
/// | --- | --- | --- |
/// | `orientation` | EXIF Orientation tag, 1–8 | 1 (identity) |
///
/// 1 identity, 2 flip horizontal, 3 rotate 180°, 4 flip vertical, 5 transpose (mirror along
/// the top-left/bottom-right diagonal), 6 rotate 90° clockwise, 7 transverse (mirror along
/// the other diagonal), 8 rotate 270° clockwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrientParams {
    /// EXIF orientation, 1–8.
    pub orientation: u8,
}

impl Default for OrientParams {
    fn default() -> Self {
        OrientParams { orientation: 1 }
    }
}

/// Turns a frame stored with EXIF orientation `p.orientation` the way a person sees it.
///
/// # Errors
/// [`Error::BadArgument`] for an orientation outside 1–8.
///
/// # Allocations
/// One output frame. [`orient_owned`] avoids it for 1–4.
pub fn orient(src: &Frame, p: &OrientParams) -> Result<Frame> {
    match p.orientation {
        5..=8 => orient_swapping(src, p.orientation),
        _ => orient_owned(src.clone(), p),
    }
}

/// [`orient`] taking the frame by value: orientations 1–4 work in place (no allocation),
/// 5–8 allocate the transposed frame.
///
/// # Errors
/// [`Error::BadArgument`] for an orientation outside 1–8.
///
/// # Allocations
/// None for 1–4; one output frame for 5–8.
pub fn orient_owned(mut src: Frame, p: &OrientParams) -> Result<Frame> {
    let (horizontal, vertical) = match p.orientation {
        1 => return Ok(src),
        2 => (true, false),
        3 => (true, true),
        4 => (false, true),
        5..=8 => return orient_swapping(&src, p.orientation),
        o => {
            return Err(Error::BadArgument(format!(
                "EXIF orientation {o} is not in 1-8"
            )))
        }
    };
    flip_in_place(
        &mut src,
        &FlipParams {
            horizontal,
            vertical,
        },
    );
    Ok(src)
}

/// Orientations 5–8, which swap width and height.
fn orient_swapping(src: &Frame, o: u8) -> Result<Frame> {
    match o {
        5 => transpose(src),
        6 => rotate90(src),
        7 => {
            let mut out = transpose(src)?;
            flip_in_place(
                &mut out,
                &FlipParams {
                    horizontal: true,
                    vertical: true,
                },
            );
            Ok(out)
        }
        _ => rotate270(src),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PixelLayout;

    #[test]
    fn all_eight() {
        // 0 1 2
        // 3 4 5
        let f = Frame::new(3, 2, PixelLayout::Gray8, (0..6).collect()).unwrap();
        let expect: [&[u8]; 8] = [
            &[0, 1, 2, 3, 4, 5],
            &[2, 1, 0, 5, 4, 3],
            &[5, 4, 3, 2, 1, 0],
            &[3, 4, 5, 0, 1, 2],
            &[0, 3, 1, 4, 2, 5],
            &[3, 0, 4, 1, 5, 2],
            &[5, 2, 4, 1, 3, 0],
            &[2, 5, 1, 4, 0, 3],
        ];
        for (i, e) in expect.iter().enumerate() {
            let o = i as u8 + 1;
            let out = orient(&f, &OrientParams { orientation: o }).unwrap();
            assert_eq!(out.data(), *e, "orientation {o}");
            let owned = orient_owned(f.clone(), &OrientParams { orientation: o }).unwrap();
            assert_eq!(owned, out);
            let w = if o >= 5 { 2 } else { 3 };
            assert_eq!(out.width(), w);
        }
        assert!(orient(&f, &OrientParams { orientation: 0 }).is_err());
        assert!(orient(&f, &OrientParams { orientation: 9 }).is_err());
    }
}
