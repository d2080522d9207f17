//! The format table: for every image kind sniff recognises, whether and how pixform
//! decodes it, which output format it maps to, and what it can carry. Sniff
//! ([`crate::sniff::Kind::is_decodable`]), the engine (which decoder to open, what "keep
//! the input's format" means) and negotiate all read this one table, so they cannot
//! disagree. A new input format is one decoder file in `codec/decode/` plus one row here.

use crate::sniff::Kind;

/// Input formats pixform decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InputFormat {
    /// JPEG (baseline and progressive, Huffman-coded, 8-bit).
    Jpeg,
    /// PNG (and the first frame of APNG).
    Png,
    /// GIF (first frame).
    Gif,
    /// WebP (lossy, lossless, alpha; first frame of an animation).
    Webp,
    /// BMP.
    Bmp,
    /// TIFF (first page).
    Tiff,
    /// ICO (the largest entry).
    Ico,
    /// SVG and SVGZ, rasterised by resvg in a sandbox.
    Svg,
    /// AVIF (still; AV1 by rav1d, 8–12 bit, alpha, grids, irot/imir/clap).
    Avif,
    /// JPEG XL (jxl-oxide; the first frame of an animation).
    Jxl,
    /// HEIC and HEIF (still; HEVC by libde265 with the `heic` feature, AV1 items as for
    /// AVIF). Never an output: no HEVC encoder is linked.
    Heic,
}

impl InputFormat {
    /// A short lowercase name (`"jpeg"`, `"png"`, …), used in error messages.
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Jpeg => "jpeg",
            InputFormat::Png => "png",
            InputFormat::Gif => "gif",
            InputFormat::Webp => "webp",
            InputFormat::Bmp => "bmp",
            InputFormat::Tiff => "tiff",
            InputFormat::Ico => "ico",
            InputFormat::Svg => "svg",
            InputFormat::Avif => "avif",
            InputFormat::Jxl => "jxl",
            InputFormat::Heic => "heic",
        }
    }

    /// The MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            InputFormat::Jpeg => "image/jpeg",
            InputFormat::Png => "image/png",
            InputFormat::Gif => "image/gif",
            InputFormat::Webp => "image/webp",
            InputFormat::Bmp => "image/bmp",
            InputFormat::Tiff => "image/tiff",
            InputFormat::Ico => "image/x-icon",
            InputFormat::Svg => "image/svg+xml",
            InputFormat::Avif => "image/avif",
            InputFormat::Jxl => "image/jxl",
            InputFormat::Heic => "image/heic",
        }
    }
}

/// Output formats pixform encodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OutputFormat {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
    /// WebP.
    Webp,
    /// AVIF.
    Avif,
    /// GIF.
    Gif,
}

impl OutputFormat {
    /// The MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            OutputFormat::Jpeg => "image/jpeg",
            OutputFormat::Png => "image/png",
            OutputFormat::Webp => "image/webp",
            OutputFormat::Avif => "image/avif",
            OutputFormat::Gif => "image/gif",
        }
    }
    /// The canonical file extension.
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Jpeg => "jpg",
            OutputFormat::Png => "png",
            OutputFormat::Webp => "webp",
            OutputFormat::Avif => "avif",
            OutputFormat::Gif => "gif",
        }
    }
    /// Whether the format stores alpha.
    pub fn supports_alpha(self) -> bool {
        !matches!(self, OutputFormat::Jpeg)
    }
}

/// How pixform treats a kind as input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// Decoded by this decoder.
    Decodes(InputFormat),
    /// Recognised, not decoded by this build (a decoder may come later).
    NotYet,
    /// Recognised and deliberately refused, with the reason users see.
    Refused(&'static str),
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// What sniff calls it.
    pub kind: Kind,
    /// Whether and how it decodes.
    pub input: Input,
    /// The output format "keep the input's format" writes, if pixform encodes it.
    pub output: Option<OutputFormat>,
    /// Whether the format can carry an alpha channel.
    pub alpha: bool,
    /// Whether the format can carry an animation.
    pub animation: bool,
}

const fn row(
    kind: Kind,
    input: Input,
    output: Option<OutputFormat>,
    alpha: bool,
    animation: bool,
) -> Row {
    Row {
        kind,
        input,
        output,
        alpha,
        animation,
    }
}

use Input::{Decodes, NotYet};

/// HEIC decodes when libde265 is linked in.
const HEIC: Input = if cfg!(feature = "heic") {
    Decodes(InputFormat::Heic)
} else {
    NotYet
};

/// Every image kind sniff knows, in sniff's order. MIME type and extension are the kind's
/// own ([`Kind::mime`], [`Kind::extension`]).
pub const TABLE: &[Row] = &[
    row(
        Kind::Jpeg,
        Decodes(InputFormat::Jpeg),
        Some(OutputFormat::Jpeg),
        false,
        false,
    ),
    row(
        Kind::Png,
        Decodes(InputFormat::Png),
        Some(OutputFormat::Png),
        true,
        false,
    ),
    // APNG: the first frame today (animation issue).
    row(
        Kind::Apng,
        Decodes(InputFormat::Png),
        Some(OutputFormat::Png),
        true,
        true,
    ),
    row(
        Kind::Gif,
        Decodes(InputFormat::Gif),
        Some(OutputFormat::Gif),
        true,
        true,
    ),
    row(
        Kind::Webp,
        Decodes(InputFormat::Webp),
        Some(OutputFormat::Webp),
        true,
        true,
    ),
    row(
        Kind::Avif,
        Decodes(InputFormat::Avif),
        Some(OutputFormat::Avif),
        true,
        true,
    ),
    // HEIC needs the `heic` feature (libde265); "keep the format" is negotiate's choice.
    row(Kind::Heic, HEIC, None, true, true),
    row(Kind::Heif, HEIC, None, true, true),
    row(Kind::Jxl, Decodes(InputFormat::Jxl), None, true, true),
    row(Kind::Bmp, Decodes(InputFormat::Bmp), None, true, false),
    row(Kind::Tiff, Decodes(InputFormat::Tiff), None, true, false),
    // The `tiff` crate reads 8-byte offsets too.
    row(Kind::BigTiff, Decodes(InputFormat::Tiff), None, true, false),
    row(Kind::Ico, Decodes(InputFormat::Ico), None, true, false),
    // `image`'s ICO decoder ignores the resource-type field, so it reads cursors.
    row(Kind::Cur, Decodes(InputFormat::Ico), None, true, false),
    // Rasterised; "keep the format" writes PNG (negotiate's choice for a picture without
    // an output format of its own).
    row(Kind::Svg, Decodes(InputFormat::Svg), None, true, false),
    row(Kind::Svgz, Decodes(InputFormat::Svg), None, true, false),
    row(Kind::Psd, NotYet, None, true, false),
    row(Kind::Qoi, NotYet, None, true, false),
    row(Kind::Pnm, NotYet, None, true, false),
    row(Kind::Jpeg2000, NotYet, None, true, false),
];

/// The row of `kind`; `None` for kinds that are not images (video, documents, …).
pub const fn lookup(kind: Kind) -> Option<Row> {
    let mut i = 0;
    while i < TABLE.len() {
        if TABLE[i].kind as u8 == kind as u8 {
            return Some(TABLE[i]);
        }
        i += 1;
    }
    None
}

/// The decoder for `kind`, if pixform decodes it.
pub const fn decoder(kind: Kind) -> Option<InputFormat> {
    match lookup(kind) {
        Some(Row {
            input: Decodes(format),
            ..
        }) => Some(format),
        _ => None,
    }
}

/// The output format that keeps `kind` as it is, if pixform writes it.
pub const fn output(kind: Kind) -> Option<OutputFormat> {
    match lookup(kind) {
        Some(row) => row.output,
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_at_most_one_row() {
        for (i, a) in TABLE.iter().enumerate() {
            assert!(
                TABLE[i + 1..].iter().all(|b| b.kind != a.kind),
                "{:?}",
                a.kind
            );
            assert!(
                a.kind.family() == crate::sniff::Family::Image
                    || a.kind.family() == crate::sniff::Family::Vector,
                "{:?} is not an image",
                a.kind
            );
        }
    }

    #[test]
    fn sniff_and_the_table_agree() {
        for row in TABLE {
            assert_eq!(
                row.kind.is_decodable(),
                matches!(row.input, Decodes(_)),
                "{:?}",
                row.kind
            );
        }
        assert_eq!(decoder(Kind::BigTiff), Some(InputFormat::Tiff));
        assert_eq!(decoder(Kind::Cur), Some(InputFormat::Ico));
        assert_eq!(decoder(Kind::Svg), Some(InputFormat::Svg));
        assert_eq!(decoder(Kind::Svgz), Some(InputFormat::Svg));
        assert_eq!(decoder(Kind::Mp4), None);
        assert!(!Kind::Mp4.is_decodable());
        assert_eq!(output(Kind::Apng), Some(OutputFormat::Png));
        assert_eq!(output(Kind::Tiff), None);
    }

    #[test]
    fn output_formats_agree_with_their_kinds() {
        for row in TABLE {
            if let Some(out) = row.output {
                assert_eq!(out.mime(), row.kind.mime(), "{:?}", row.kind);
                assert_eq!(out.extension(), row.kind.extension(), "{:?}", row.kind);
                assert_eq!(out.supports_alpha(), row.alpha, "{:?}", row.kind);
            }
        }
    }
}
