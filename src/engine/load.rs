//! Loading: the decode with shrink on load. The first step is planned on the upright
//! header size, so a JPEG is decoded at the smallest DCT scale still big enough — by
//! pixform's own DC-only (1/8) or 2×2 (1/4) paths where they apply, else by libjpeg, whose
//! rows then feed the first step's resize directly (the decoded picture never exists whole).

use std::time::Instant;

use crate::codec::decode::{self, DecodeLimits, DecodeOptions, Decoded, Header, InputFormat};
use crate::codec::jpeg_dc;
use crate::codec::metadata::Metadata;
use crate::engine::Config;
use crate::error::{Error, Result};
use crate::ops;
use crate::plan::{self, Geometry, Resample, Size};

/// What to decode, and for which first step.
pub(crate) struct Load<'a> {
    /// The encoded bytes.
    pub input: &'a [u8],
    /// Their header.
    pub header: &'a Header,
    /// The first step's plan on the upright header size, when it may shrink on load.
    pub first: Option<&'a Geometry>,
    /// The upright header size.
    pub upright: Size,
    /// Collect EXIF/ICC/XMP (their presence rules out pixform's own JPEG paths).
    pub want_metadata: bool,
    /// The request's deadline.
    pub deadline: Option<Instant>,
    /// The page or frame to decode, 0-based (`pg-N`).
    pub page: u32,
    /// Keep 16-bit PNG and TIFF samples at 16 bits (the output will be a PNG).
    pub keep_16bit: bool,
}

/// The decoded picture (stored orientation) and, when the decoder fed the first step's
/// resize, the upright size it fed it from.
pub(crate) fn load(config: &Config, job: &Load<'_>) -> Result<(Decoded, Option<Size>)> {
    let header = job.header;
    let format = header.format;
    let swaps = header.orientation >= 5;
    let stored = Size::new(header.width, header.height);
    // What the first step needs, in stored orientation.
    let needed = job.first.map(|g| {
        let s = g.scaled();
        if swaps {
            s.transposed()
        } else {
            s
        }
    });
    // Where 1/8 still covers what the first step needs, both 1/8 decoders (the DC path,
    // libjpeg's) average whole blocks; otherwise each scaled decoder keeps its margin.
    let dc_covers = |n: Size| stored.is_some_and(|s| plan::shrink_factor(s, n) == 8);
    if let (InputFormat::Jpeg, Some(n), Some(stored), false) =
        (format, needed, stored, job.want_metadata)
    {
        // Own fast paths: DC-only at 1/8, 2×2 per block at 1/4 (baseline files); `None`
        // falls back to libjpeg's scaled decode.
        let options = jpeg_dc::ScaledOptions {
            max_pixels: config.limits.max_input_pixels,
            threads: config.threads,
        };
        let fast = if dc_covers(n) {
            jpeg_dc::decode_dc_with(job.input, &options)?.map(|d| (d, 8))
        } else if plan::shrink_factor(stored, Margin::BlockAverage.around(n)) == 4 {
            jpeg_dc::decode_quarter_with(job.input, &options)?.map(|d| (d, 4))
        } else {
            None
        };
        if let Some((image, scale_denom)) = fast {
            let decoded = Decoded {
                frame: image.frame.into(),
                source_bits: Some(8),
                scale_denom,
                orientation: header.orientation,
                metadata: Metadata::default(),
                profile_applied: false,
            };
            return Ok((decoded, None));
        }
    }
    let min_size = needed.map(|n| {
        if dc_covers(n) {
            n
        } else {
            Margin::ReducedIdct.around(n)
        }
    });
    let options = DecodeOptions {
        min_size: min_size.map(|s| (s.width(), s.height())),
        want_metadata: job.want_metadata,
        deadline: job.deadline,
        cmyk_profile: true,
        page: job.page,
        keep_16bit: job.keep_16bit,
        // A vector picture is drawn at the size the first step resizes it to.
        render_size: match (format, job.first) {
            (InputFormat::Svg, Some(g)) => Some((g.scaled().width(), g.scaled().height())),
            _ => None,
        },
    };
    let limits = decode_limits(config);
    let denom = u32::from(match (stored, min_size) {
        (Some(s), Some(m)) => plan::shrink_factor(s, m),
        _ => 1,
    });
    let shrunk = Size::new(header.width.div_ceil(denom), header.height.div_ceil(denom));
    let fused = match (format, shrunk) {
        // Linear light resizes the decoded picture, not rows as they come.
        (InputFormat::Jpeg, Some(s)) if !config.linear_light => {
            fused_resize(job, s).map(|p| (s, p))
        }
        _ => None,
    };
    let Some((shrunk, resize)) = fused else {
        return Ok((decode::decode(job.input, format, &options, &limits)?, None));
    };
    let rows = decode::decode_jpeg_rows(job.input, &options, &limits, |w, h, layout| {
        if Size::new(w, h) != Some(shrunk) {
            return Err(undecodable(
                format,
                "libjpeg's scaled size is not the planned one",
            ));
        }
        ops::RowResizer::new(w, h, layout, &resize)?
            .ok_or_else(|| undecodable(format, "no row-fed resize for this layout"))
    })?;
    let decoded = Decoded {
        frame: rows.sink.finish()?.into(),
        source_bits: Some(8),
        scale_denom: rows.scale_denom,
        orientation: rows.orientation,
        metadata: rows.metadata,
        profile_applied: rows.profile_applied,
    };
    let fed = if swaps { shrunk.transposed() } else { shrunk };
    Ok((decoded, Some(fed)))
}

/// The first step's resize for a JPEG decoded to `decoded` (stored orientation), when the
/// decoder's rows can feed it: only downscales, which then hold less than the decoded
/// picture.
fn fused_resize(job: &Load<'_>, decoded: Size) -> Option<ops::ResizeParams> {
    let g = job.first?;
    let orientation = job.header.orientation;
    let upright = if orientation >= 5 {
        decoded.transposed()
    } else {
        decoded
    };
    match plan::resample(upright, job.upright, g) {
        Resample::Resize { size, source } if size.pixels() < upright.pixels() => {
            let (size, source) = plan::stored_resize(size, source, upright, orientation);
            Some(ops::ResizeParams {
                width: size.width(),
                height: size.height(),
                source: Some(source),
                ..ops::ResizeParams::default()
            })
        }
        _ => None,
    }
}

/// The decoder's share of the engine's limits.
pub(crate) fn decode_limits(config: &Config) -> DecodeLimits {
    let l = &config.limits;
    DecodeLimits {
        max_pixels: l.max_input_pixels,
        max_dimension: l.max_dimension,
        max_metadata_bytes: l.max_metadata_bytes,
        max_frames: l.max_frames,
    }
}

pub(crate) fn undecodable(format: InputFormat, reason: &str) -> Error {
    Error::Undecodable {
        format: format.name(),
        reason: reason.to_string(),
    }
}

impl decode::RowSink for ops::RowResizer {
    fn space(&mut self) -> Result<&mut [u8]> {
        ops::RowResizer::space(self)
    }

    fn filled(&mut self, rows: usize) -> Result<()> {
        ops::RowResizer::filled(self, rows)
    }
}

/// How much larger than the first step's need a DCT-scaled decode at 1/2 or 1/4 must stay.
///
/// Those scales drop detail in a way the following resize cannot undo when little resizing
/// is left, so each keeps a margin, measured per decoder (webp1200 and crop300 SSIM against
/// a float Lanczos of the full image). The 1/8 decoders need none: they serve thumbnails,
/// where they are the whole speed advantage, and a block's average is a box filter.
#[derive(Clone, Copy)]
enum Margin {
    /// 1.5×, pixform's 1/4 path, whose samples are means of 4×4 pixels (a box filter).
    /// kleiber 6028→1200 via 1/4 at 1.26× scored 0.9851 against 0.9859 from the full image;
    /// at 1.5–1.7× it costs 0.0003–0.0007 (storm 300 px, wood's 300×300 crop, kleiber 1000
    /// and 900 px).
    BlockAverage,
    /// 2× (libvips' rule), libjpeg's reduced inverse DCTs, which cut the frequencies above
    /// the new Nyquist limit abruptly: elephants 3840→1200 via 1/2 (1.6×) scored 0.9632
    /// against 0.9684 from the full image, its 300×300 crop via 1/4 (1.8×) 0.9558 against
    /// 0.9588 via 1/2; wine 2560→1200 via 1/2 (1.07×) 0.9926 against 0.9993 before encoding.
    ReducedIdct,
}

impl Margin {
    /// `needed` grown by the margin (saturating).
    fn around(self, needed: Size) -> Size {
        let grow = |v: u32| match self {
            Margin::BlockAverage => v.saturating_add(v.div_ceil(2)),
            Margin::ReducedIdct => v.saturating_mul(2),
        };
        Size::new(grow(needed.width()), grow(needed.height())).unwrap_or(needed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::SourceBox;
    use crate::Frame;

    /// A stored frame whose every pixel is distinct.
    fn numbered(w: u32, h: u32) -> Frame {
        let data = (0..w * h)
            .flat_map(|i| [(i % 251) as u8, (i / 251) as u8, (i * 7 % 256) as u8])
            .collect();
        Frame::new(w, h, crate::PixelLayout::Rgb8, data).unwrap()
    }

    fn orient(f: &Frame, orientation: u8) -> Frame {
        ops::orient(f, &ops::OrientParams { orientation }).unwrap()
    }

    fn params(size: Size, source: SourceBox) -> ops::ResizeParams {
        ops::ResizeParams {
            width: size.width(),
            height: size.height(),
            source: Some(source),
            ..ops::ResizeParams::default()
        }
    }

    #[test]
    fn stored_resize_then_orient_is_orient_then_resize() {
        let stored = numbered(11, 7);
        for orientation in 1..=8u8 {
            let upright = orient(&stored, orientation);
            let upright_size = Size::new(upright.width(), upright.height()).unwrap();
            // A window (same size out: a copy, so any misplaced pixel shows) and a downscale.
            for (source, w, h) in [
                ((2.0, 1.0, 5.0, 3.0), 5, 3),
                ((1.0, 2.0, 4.0, 4.0), 4, 4),
                ((0.5, 1.25, 6.0, 4.5), 3, 2),
            ] {
                // Inside both 11×7 and 7×11.
                let (left, top, width, height) = source;
                let size = Size::new(w, h).unwrap();
                let b = SourceBox {
                    left,
                    top,
                    width,
                    height,
                };
                let expected = ops::resize(&upright, &params(size, b)).unwrap();
                let (qs, qb) = plan::stored_resize(size, b, upright_size, orientation);
                let got = orient(&ops::resize(&stored, &params(qs, qb)).unwrap(), orientation);
                assert_eq!(
                    (got.width(), got.height()),
                    (expected.width(), expected.height()),
                    "orientation {orientation}"
                );
                // The two orders round the two passes differently: a level at most.
                let worst = got
                    .data()
                    .iter()
                    .zip(expected.data())
                    .map(|(a, b)| a.abs_diff(*b))
                    .max();
                let exact = source.2 as u32 == w;
                let allowed = if exact { 0 } else { 1 };
                assert!(
                    worst <= Some(allowed),
                    "orientation {orientation} box {source:?}: off by {worst:?}"
                );
            }
        }
    }
}
