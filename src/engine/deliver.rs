//! Delivery: the encoding keys of the chain (`f`, `q`, `lo`, `pr`, `md`, `cp`; the last one
//! written wins), the output format (explicit, negotiated from `Accept`, or the input's),
//! flattening for formats without alpha, the metadata kept, and the encode.

use crate::codec::encode::{self, EncodeOptions};
use crate::codec::metadata::{self, Metadata};
use crate::engine::lower::rgba;
use crate::engine::report::{KeptMetadata, Output, Report};
use crate::engine::run::check_deadline;
use crate::engine::{Config, Request};
use crate::error::{Error, Result};
use crate::format::OutputFormat;
use crate::negotiate::{self, Picture, Policy, Wanted};
use crate::ops;
use crate::spec::{Format, Quality, StepParams};
use crate::{Frame16, Pixels};

/// Default colour transparent pixels are flattened onto when the output has no alpha and
/// no `bg` was given: white, as browsers show transparent images on a white page.
pub const DEFAULT_FLATTEN_COLOR: [u8; 4] = [255, 255, 255, 255];

/// Encoding keys gathered from the steps (last one wins).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct EncodingKeys {
    format: Option<Format>,
    quality: Option<Quality>,
    lossless: Option<bool>,
    progressive: Option<bool>,
    metadata: Option<bool>,
    color_profile: Option<bool>,
    /// `e-usm` anywhere rules AVIF out of `f-auto` (reference §3.1).
    unsharp: bool,
}

impl EncodingKeys {
    /// Takes `p`'s keys over the ones seen so far.
    pub(crate) fn absorb(&mut self, p: &StepParams) {
        self.format = p.format.or(self.format);
        self.quality = p.quality.or(self.quality);
        self.lossless = p.lossless.or(self.lossless);
        self.progressive = p.progressive.or(self.progressive);
        self.metadata = p.metadata.or(self.metadata);
        self.color_profile = p.color_profile.or(self.color_profile);
        self.unsharp |= p.unsharp.is_some();
    }

    /// Which metadata the output keeps, `keep_by_default` when neither `md` nor `cp` says.
    pub(crate) fn kept_metadata(&self, keep_by_default: bool) -> KeptMetadata {
        match (self.metadata, self.color_profile) {
            (Some(true), _) => KeptMetadata::All,
            (_, Some(true)) => KeptMetadata::Icc,
            (Some(false), _) | (_, Some(false)) => KeptMetadata::None,
            (None, None) if keep_by_default => KeptMetadata::All,
            (None, None) => KeptMetadata::None,
        }
    }
}

/// The picture after its last step, and what the chain decided about it.
pub(crate) struct Finished {
    /// The pixels (16 bits only when the output may keep them).
    pub frame: Pixels,
    /// The chain's encoding keys.
    pub keys: EncodingKeys,
    /// The colour alpha is flattened onto for JPEG (the last opaque `bg`).
    pub flatten_onto: Option<[u8; 4]>,
    /// Metadata the decoder collected.
    pub metadata: Metadata,
    /// The input's own format, when pixform can write it.
    pub input_format: Option<OutputFormat>,
}

/// Chooses the format, flattens alpha where needed, encodes.
pub(crate) fn deliver(
    config: &Config,
    request: &Request,
    done: Finished,
    mut report: Report,
) -> Result<Output> {
    check_deadline(request.deadline)?;
    let Finished {
        frame,
        keys,
        flatten_onto,
        metadata,
        input_format,
    } = done;
    let wanted = wanted(config, request, &keys)?;
    let keep = keys.kept_metadata(config.keep_metadata);
    let picture = Picture {
        has_alpha: frame.has_transparency(),
        input_format,
    };
    let policy = policy(config, &keys);
    let (format, mut reason) =
        negotiate::choose(wanted, request.accept.as_deref(), picture, policy);
    if keys.format.is_none() && request.format.is_some() {
        reason = format!("{} from the request's format hint", format.extension());
    }
    // 16 bits go out as a 16-bit PNG; every other format takes 8.
    let frame = match frame {
        Pixels::Sixteen(deep) if format == OutputFormat::Png => {
            return deliver_png16(config, request, &deep, metadata, keep, reason, report)
        }
        other => {
            if other.bits() == 16 {
                report.depth.note = Some(format!(
                    "reduced to 8 bits: {} output holds 8",
                    format.extension()
                ));
            }
            other.into_eight()
        }
    };
    let limits = &config.limits;
    if format == OutputFormat::Webp {
        let side = frame.width().max(frame.height());
        if side > limits.max_webp_dimension {
            return Err(Error::Encode {
                format: "webp",
                reason: format!(
                    "WebP sides are limited to {} px, the picture is {}x{}",
                    limits.max_webp_dimension,
                    frame.width(),
                    frame.height()
                ),
            });
        }
    }
    let frame = if format.supports_alpha() || !frame.layout().has_alpha() {
        frame
    } else {
        ops::flatten(
            &frame,
            &ops::FlattenParams {
                background: rgba(flatten_onto.unwrap_or(DEFAULT_FLATTEN_COLOR)),
            },
        )?
    };
    let kept = kept_metadata(metadata, keep);
    let (quality, save_data) = quality(config, request, keys.quality);
    let options = EncodeOptions {
        format,
        quality,
        progressive: keys.progressive.unwrap_or(false),
        lossless: keys.lossless.unwrap_or(false),
        subsampling: config.jpeg_subsampling,
        png_compression: config.png_compression,
        webp_method: config.webp_method,
        avif_speed: config.avif_speed,
        threads: config.threads,
        metadata: kept,
        deadline: request.deadline,
    };
    let bytes = encode::encode(&frame, &options)?;
    let lossy = match format {
        OutputFormat::Jpeg | OutputFormat::Avif => true,
        OutputFormat::Webp => !options.lossless,
        _ => false,
    };
    report.format_reason = reason;
    report.quality = lossy.then_some(quality);
    report.save_data = save_data && lossy;
    report.metadata = keep;
    Ok(Output {
        bytes,
        format,
        width: frame.width(),
        height: frame.height(),
        report,
    })
}

/// What the chain and the request ask for: an explicit format, negotiation, or the input's.
///
/// # Errors
/// [`Error::UnsupportedTransform`] for `f-svg`.
fn wanted(config: &Config, request: &Request, keys: &EncodingKeys) -> Result<Wanted> {
    Ok(match (keys.format, request.format) {
        (Some(Format::Auto), _) => Wanted::Auto,
        (Some(Format::Orig), _) => Wanted::Original,
        (Some(Format::Jpeg), _) => Wanted::Exact(OutputFormat::Jpeg),
        (Some(Format::Png), _) => Wanted::Exact(OutputFormat::Png),
        (Some(Format::Webp), _) => Wanted::Exact(OutputFormat::Webp),
        (Some(Format::Avif), _) => Wanted::Exact(OutputFormat::Avif),
        (Some(Format::Gif), _) => Wanted::Exact(OutputFormat::Gif),
        (Some(Format::Svg), _) => {
            return Err(Error::UnsupportedTransform {
                key: "f-svg".into(),
                reason: "pixform does not vectorise raster pictures".into(),
            })
        }
        (None, Some(hint)) => Wanted::Exact(hint),
        (None, None) if config.auto_format => Wanted::Auto,
        (None, None) => Wanted::Original,
    })
}

/// Whether the output will be a PNG, so that 16-bit input is worth decoding and carrying at
/// 16 bits: `f-png`, a PNG format hint, a PNG input delivered in its own format, or
/// negotiation choosing PNG for a picture with the header's alpha (if the pixels turn out
/// opaque and negotiation then picks another format, [`deliver`] reduces them, noted).
pub(crate) fn keeps_16bit(
    config: &Config,
    request: &Request,
    keys: &EncodingKeys,
    input_format: Option<OutputFormat>,
    has_alpha: bool,
) -> bool {
    let Ok(wanted) = wanted(config, request, keys) else {
        return false;
    };
    let picture = Picture {
        has_alpha,
        input_format,
    };
    let policy = policy(config, keys);
    let (format, _) = negotiate::choose(wanted, request.accept.as_deref(), picture, policy);
    format == OutputFormat::Png
}

/// What `f-auto` may choose from, for this chain.
fn policy(config: &Config, keys: &EncodingKeys) -> Policy {
    Policy {
        auto_avif: config.auto_avif,
        // `e-usm` (reference §3.1) and a kept profile rule AVIF out.
        avif_excluded: keys.unsharp || keys.color_profile == Some(true),
    }
}

/// A 16-bit picture as a 16-bit PNG, with the metadata kept.
fn deliver_png16(
    config: &Config,
    request: &Request,
    frame: &Frame16,
    metadata: Metadata,
    keep: KeptMetadata,
    reason: String,
    mut report: Report,
) -> Result<Output> {
    let options = EncodeOptions {
        format: OutputFormat::Png,
        png_compression: config.png_compression,
        threads: config.threads,
        metadata: kept_metadata(metadata, keep),
        deadline: request.deadline,
        ..EncodeOptions::default()
    };
    let bytes = encode::encode_png16(frame, &options)?;
    report.format_reason = reason;
    report.quality = None;
    report.metadata = keep;
    report.depth.output = 16;
    Ok(Output {
        bytes,
        format: OutputFormat::Png,
        width: frame.width(),
        height: frame.height(),
        report,
    })
}

/// The metadata blocks the output keeps, the orientation tag reset.
fn kept_metadata(metadata: Metadata, keep: KeptMetadata) -> Metadata {
    let mut kept = match keep {
        KeptMetadata::None => Metadata::default(),
        KeptMetadata::Icc => metadata.icc_only(),
        KeptMetadata::All => metadata,
    };
    if let Some(exif) = kept.exif.as_mut() {
        // The pixels are upright now; a kept orientation tag would rotate them twice.
        metadata::reset_orientation(exif);
    }
    kept
}

/// The quality to encode at, and whether `Save-Data` lowered it: an explicit `q` wins; else
/// [`Config::save_data_quality`] when the client asked to save data, never above the
/// default; else [`Config::default_quality`].
fn quality(config: &Config, request: &Request, asked: Option<Quality>) -> (u8, bool) {
    let default = config.default_quality.get();
    match (asked, config.save_data_quality) {
        (Some(q), _) => (q.get(), false),
        (None, Some(saver)) if request.save_data && saver.get() < default => (saver.get(), true),
        _ => (default, false),
    }
}
