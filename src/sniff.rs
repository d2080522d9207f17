//! `sniff`: what a byte string really is, from its bytes alone.
//!
//! [`sniff`] looks at magic bytes and a little structure (PNG chunks, GIF blocks, WebP
//! chunks, ISO-BMFF `ftyp` brands, the XML prolog of SVG, the gzip stream of svgz, the first
//! ZIP entries) and returns a [`MediaType`] with a typed [`Kind`]. The declared name or MIME type
//! of an upload never decides anything; [`check_declared`] compares a declaration with the
//! bytes so a host can refuse a disguised upload (PHP named `photo.jpg`, SVG named `.png`).
//!
//! # Bounded work
//!
//! Only the first [`SNIFF_PREFIX`] bytes are read, whatever the input length; every walk
//! (PNG chunks, GIF blocks, WebP chunks, ZIP entries, the XML prolog) stays inside that prefix.
//! svgz is inflated into a fixed stack buffer of [`SVGZ_INFLATE_LIMIT`] bytes. Nothing
//! allocates in proportion to the input (the inflater's state is of constant size), and no
//! input can make the sniffer panic.
//!
//! # Animation
//!
//! `animated` is `Some(true)` for a GIF with a second image descriptor, a PNG with `acTL`
//! (more than one frame) before the first `IDAT`, a WebP with the VP8X animation flag or an
//! `ANIM`/`ANMF` chunk, an AVIF/HEIF whose major brand is a sequence brand (`avis`, `msf1`,
//! `hevc`, …). It is `Some(false)` when the structure shows a still image (GIF trailer after one
//! image, `IDAT` first, `VP8 `/`VP8L` first, no sequence brand at all). It is `None` when the
//! deciding part lies beyond the prefix (a GIF whose first frame is larger than the prefix:
//! `None`, not `Some(false)`), when a sequence brand is only among the compatible brands (a
//! still item may sit next to the sequence), for JPEG XL and SVG, and for non-image kinds.
//!
//! # Order
//!
//! Binary signatures at offset 0 come first (JPEG, PNG, GIF, RIFF, ISO-BMFF, JPEG XL, TIFF,
//! BMP, ICO/CUR, …). Bytes that match none of them are then searched for a PHP open tag
//! (`<?php` anywhere in the prefix, or `<?=` at the start): such bytes are [`Kind::Php`], even if
//! they also look like HTML or SVG. Then the markup prolog decides SVG, HTML or XML. Last,
//! `infer` names the long tail (executables, fonts, other audio and video) as [`Kind::Other`],
//! or maps to one of the kinds above; its answers for the image and markup kinds sniffed here
//! are ignored, since this module's own checks already refused those bytes.

/// How many leading bytes [`sniff`] reads at most (64 KiB). Animation flags and container
/// details that lie beyond it are reported as unknown (`animated: None`).
pub const SNIFF_PREFIX: usize = 64 * 1024;

/// How many bytes of a gzip stream are inflated at most to tell svgz from other gzip data
/// (4 KiB). An SVG whose root element starts later than that is reported as plain gzip.
pub const SVGZ_INFLATE_LIMIT: usize = 4 * 1024;

/// Broad families of media.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// Raster images.
    Image,
    /// Vector images (SVG).
    Vector,
    /// Video.
    Video,
    /// Audio.
    Audio,
    /// Documents (PDF, office files).
    Document,
    /// Archives.
    Archive,
    /// Anything else.
    Other,
}

impl Family {
    /// Lower-case name used in JSON: `image`, `vector`, `video`, `audio`, `document`,
    /// `archive` or `other`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Family::Image => "image",
            Family::Vector => "vector",
            Family::Video => "video",
            Family::Audio => "audio",
            Family::Document => "document",
            Family::Archive => "archive",
            Family::Other => "other",
        }
    }
}

/// The typed kind of a byte string; the engine matches on it to pick a decoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// JPEG (SOI marker `FF D8`, usually followed by `FF`).
    Jpeg,
    /// PNG without an `acTL` chunk before the first `IDAT`.
    Png,
    /// Animated PNG: `acTL` before the first `IDAT` (MIME still `image/png`).
    Apng,
    /// GIF 87a/89a.
    Gif,
    /// WebP (`RIFF` … `WEBP`).
    Webp,
    /// AVIF (ISO-BMFF brands `avif`/`avis`, or `mif3` with minor version `avif`).
    Avif,
    /// HEIC: HEIF with HEVC brands (`heic`, `heix`, `hevc`, `hevx`, `heim`, `heis`, …).
    Heic,
    /// HEIF with generic brands only (`mif1`, `mif2`, `mif3`, `msf1`, `heif`, `miaf`, `unif`).
    Heif,
    /// JPEG XL, bare codestream (`FF 0A`) or ISO-BMFF container.
    Jxl,
    /// Windows bitmap with a validated header.
    Bmp,
    /// Classic TIFF (`II*\0` / `MM\0*`).
    Tiff,
    /// BigTIFF (`II+\0` / `MM\0+` with 8-byte offsets).
    BigTiff,
    /// Windows icon (`00 00 01 00`, at least one entry).
    Ico,
    /// Windows cursor (`00 00 02 00`, at least one entry).
    Cur,
    /// SVG: XML text whose root element is `<svg>`.
    Svg,
    /// Gzip-compressed SVG.
    Svgz,
    /// PDF (`%PDF-`).
    Pdf,
    /// Photoshop document (`8BPS`, PSD or PSB).
    Psd,
    /// Quite OK Image (`qoif`).
    Qoi,
    /// Netpbm PBM/PGM/PPM/PAM (`P1`…`P7` and whitespace).
    Pnm,
    /// JPEG 2000, JP2 container or bare J2K codestream.
    Jpeg2000,
    /// MP4 and other ISO-BMFF video brands.
    Mp4,
    /// QuickTime movie.
    Mov,
    /// WebM (Matroska with DocType `webm`).
    Webm,
    /// Matroska.
    Mkv,
    /// AVI (`RIFF` … `AVI `).
    Avi,
    /// MP3 (ID3 tag or MPEG layer III frame sync).
    Mp3,
    /// WAVE (`RIFF` … `WAVE`).
    Wav,
    /// Ogg container.
    Ogg,
    /// FLAC.
    Flac,
    /// MPEG-4 audio (ISO-BMFF brand `M4A `).
    M4a,
    /// ZIP archive that is not one of the office kinds below.
    Zip,
    /// Gzip data that is not svgz.
    Gzip,
    /// Word document (ZIP with `word/` entries).
    Docx,
    /// Excel workbook (ZIP with `xl/` entries).
    Xlsx,
    /// PowerPoint presentation (ZIP with `ppt/` entries).
    Pptx,
    /// HTML (HTML doctype or an HTML root element).
    Html,
    /// XML with a declaration and a root that is neither `svg` nor `html`.
    Xml,
    /// Text containing a PHP open tag.
    Php,
    /// Something `infer` knows; see [`MediaType::mime`] for what.
    Other,
}

impl Kind {
    /// The canonical MIME type (PNM and JPEG 2000 media types may be more precise).
    pub const fn mime(self) -> &'static str {
        match self {
            Kind::Jpeg => "image/jpeg",
            Kind::Png | Kind::Apng => "image/png",
            Kind::Gif => "image/gif",
            Kind::Webp => "image/webp",
            Kind::Avif => "image/avif",
            Kind::Heic => "image/heic",
            Kind::Heif => "image/heif",
            Kind::Jxl => "image/jxl",
            Kind::Bmp => "image/bmp",
            Kind::Tiff | Kind::BigTiff => "image/tiff",
            Kind::Ico => "image/vnd.microsoft.icon",
            Kind::Cur => "image/x-win-bitmap",
            Kind::Svg | Kind::Svgz => "image/svg+xml",
            Kind::Pdf => "application/pdf",
            Kind::Psd => "image/vnd.adobe.photoshop",
            Kind::Qoi => "image/qoi",
            Kind::Pnm => "image/x-portable-anymap",
            Kind::Jpeg2000 => "image/jp2",
            Kind::Mp4 => "video/mp4",
            Kind::Mov => "video/quicktime",
            Kind::Webm => "video/webm",
            Kind::Mkv => "video/x-matroska",
            Kind::Avi => "video/x-msvideo",
            Kind::Mp3 => "audio/mpeg",
            Kind::Wav => "audio/wav",
            Kind::Ogg => "audio/ogg",
            Kind::Flac => "audio/flac",
            Kind::M4a => "audio/mp4",
            Kind::Zip => "application/zip",
            Kind::Gzip => "application/gzip",
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Kind::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            Kind::Html => "text/html",
            Kind::Xml => "application/xml",
            Kind::Php => "application/x-httpd-php",
            Kind::Other => "application/octet-stream",
        }
    }

    /// The canonical extension, without a dot.
    pub const fn extension(self) -> &'static str {
        match self {
            Kind::Jpeg => "jpg",
            Kind::Png | Kind::Apng => "png",
            Kind::Gif => "gif",
            Kind::Webp => "webp",
            Kind::Avif => "avif",
            Kind::Heic => "heic",
            Kind::Heif => "heif",
            Kind::Jxl => "jxl",
            Kind::Bmp => "bmp",
            Kind::Tiff | Kind::BigTiff => "tiff",
            Kind::Ico => "ico",
            Kind::Cur => "cur",
            Kind::Svg => "svg",
            Kind::Svgz => "svgz",
            Kind::Pdf => "pdf",
            Kind::Psd => "psd",
            Kind::Qoi => "qoi",
            Kind::Pnm => "pnm",
            Kind::Jpeg2000 => "jp2",
            Kind::Mp4 => "mp4",
            Kind::Mov => "mov",
            Kind::Webm => "webm",
            Kind::Mkv => "mkv",
            Kind::Avi => "avi",
            Kind::Mp3 => "mp3",
            Kind::Wav => "wav",
            Kind::Ogg => "ogg",
            Kind::Flac => "flac",
            Kind::M4a => "m4a",
            Kind::Zip => "zip",
            Kind::Gzip => "gz",
            Kind::Docx => "docx",
            Kind::Xlsx => "xlsx",
            Kind::Pptx => "pptx",
            Kind::Html => "html",
            Kind::Xml => "xml",
            Kind::Php => "php",
            Kind::Other => "bin",
        }
    }

    /// The family.
    pub const fn family(self) -> Family {
        match self {
            Kind::Jpeg
            | Kind::Png
            | Kind::Apng
            | Kind::Gif
            | Kind::Webp
            | Kind::Avif
            | Kind::Heic
            | Kind::Heif
            | Kind::Jxl
            | Kind::Bmp
            | Kind::Tiff
            | Kind::BigTiff
            | Kind::Ico
            | Kind::Cur
            | Kind::Psd
            | Kind::Qoi
            | Kind::Pnm
            | Kind::Jpeg2000 => Family::Image,
            Kind::Svg | Kind::Svgz => Family::Vector,
            Kind::Mp4 | Kind::Mov | Kind::Webm | Kind::Mkv | Kind::Avi => Family::Video,
            Kind::Mp3 | Kind::Wav | Kind::Ogg | Kind::Flac | Kind::M4a => Family::Audio,
            Kind::Pdf | Kind::Docx | Kind::Xlsx | Kind::Pptx | Kind::Html | Kind::Xml => {
                Family::Document
            }
            Kind::Zip | Kind::Gzip => Family::Archive,
            Kind::Php | Kind::Other => Family::Other,
        }
    }

    /// Whether pixform decodes this kind, as the format table ([`crate::format::TABLE`])
    /// says: the engine opens the decoder the same row names.
    pub const fn is_decodable(self) -> bool {
        crate::format::decoder(self).is_some()
    }
}

/// What the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MediaType {
    /// MIME type, e.g. `image/png`.
    pub mime: &'static str,
    /// Canonical extension without a dot, e.g. `png`.
    pub extension: &'static str,
    /// Family.
    pub family: Family,
    /// Whether the file is animated, when cheap to tell (`None`: not known, e.g. because the
    /// deciding structure lies beyond [`SNIFF_PREFIX`] or the kind is not an image).
    pub animated: Option<bool>,
    /// Whether pixform can decode it ([`Kind::is_decodable`]).
    pub decodable: bool,
    /// The typed kind.
    pub kind: Kind,
}

impl MediaType {
    /// The media type of `kind` with its canonical MIME type and extension, animation unknown.
    pub const fn of(kind: Kind) -> Self {
        MediaType {
            mime: kind.mime(),
            extension: kind.extension(),
            family: kind.family(),
            animated: None,
            decodable: kind.is_decodable(),
            kind,
        }
    }

    const fn animated(mut self, animated: Option<bool>) -> Self {
        self.animated = animated;
        self
    }

    const fn still(self) -> Self {
        self.animated(Some(false))
    }

    const fn named(mut self, mime: &'static str, extension: &'static str) -> Self {
        self.mime = mime;
        self.extension = extension;
        self
    }

    /// One-line JSON, e.g.
    /// `{"mime":"image/png","extension":"png","family":"image","animated":false,"decodable":true}`
    /// (`animated` is `null` when unknown).
    pub fn to_json(&self) -> String {
        /// The JSON shape, in print order.
        #[derive(serde::Serialize)]
        struct Json<'a> {
            mime: &'a str,
            extension: &'a str,
            family: &'a str,
            animated: Option<bool>,
            decodable: bool,
        }
        let json = Json {
            mime: self.mime,
            extension: self.extension,
            family: self.family.as_str(),
            animated: self.animated,
            decodable: self.decodable,
        };
        // Serialising borrowed strings and bools to a String cannot fail.
        serde_json::to_string(&json).unwrap_or_default()
    }
}

/// The JSON printed for bytes that [`sniff`] does not recognise:
/// `{"mime":null,"extension":null,"family":null,"animated":null,"decodable":false}`.
pub fn unknown_json() -> &'static str {
    r#"{"mime":null,"extension":null,"family":null,"animated":null,"decodable":false}"#
}

/// Sniffs `bytes`: what they are, from at most the first [`SNIFF_PREFIX`] bytes.
/// `None` when nothing is recognised (including empty input).
pub fn sniff(bytes: &[u8]) -> Option<MediaType> {
    let head = bytes.get(..SNIFF_PREFIX).unwrap_or(bytes);
    if head.is_empty() {
        return None;
    }
    binary(head)
        .or_else(|| php(head))
        .or_else(|| markup(head).map(MediaType::of))
        .or_else(|| weak_binary(head))
        .or_else(|| via_infer(head))
}

// ---------------------------------------------------------------------------------------------
// Byte helpers (all bounds-checked).

fn at<const N: usize>(h: &[u8], i: usize) -> Option<[u8; N]> {
    let end = i.checked_add(N)?;
    h.get(i..end)?.try_into().ok()
}

fn be32(h: &[u8], i: usize) -> Option<u32> {
    at::<4>(h, i).map(u32::from_be_bytes)
}

fn le32(h: &[u8], i: usize) -> Option<u32> {
    at::<4>(h, i).map(u32::from_le_bytes)
}

fn le16(h: &[u8], i: usize) -> Option<u16> {
    at::<2>(h, i).map(u16::from_le_bytes)
}

fn be16(h: &[u8], i: usize) -> Option<u16> {
    at::<2>(h, i).map(u16::from_be_bytes)
}

fn find(h: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let hay = h.get(from..)?;
    hay.windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn starts_ci(h: &[u8], prefix: &[u8]) -> bool {
    h.get(..prefix.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(prefix))
}

// ---------------------------------------------------------------------------------------------
// Strong binary signatures at offset 0.

fn binary(h: &[u8]) -> Option<MediaType> {
    let first = *h.first()?;
    match first {
        0xFF => jpeg(h).or_else(|| jxl_codestream(h)).or_else(|| j2k(h)),
        0x89 => png(h),
        b'G' => gif(h),
        b'R' => riff(h),
        b'I' | b'M' => tiff(h),
        b'B' => bmp(h),
        0x00 => ico(h).or_else(|| jxl_container(h)).or_else(|| jp2(h)),
        b'8' => psd(h),
        b'%' => pdf(h),
        b'q' => qoi(h),
        0x1F => gzip(h),
        b'P' => zip(h).or_else(|| pnm(h)),
        0x1A => ebml(h),
        b'O' => (h.get(..4)? == b"OggS").then(|| MediaType::of(Kind::Ogg)),
        b'f' => (h.get(..4)? == b"fLaC").then(|| MediaType::of(Kind::Flac)),
        _ => None,
    }
    .or_else(|| iso_bmff(h))
}

/// JPEG: the SOI marker `FF D8` and at least one more byte. The WHATWG pattern is
/// `FF D8 FF`, but libjpeg (pixform's decoder) only requires SOI and skips garbage before the
/// next marker, so damaged files whose third byte is not `FF` still go to the JPEG decoder,
/// which accepts them or fails with a clean error.
fn jpeg(h: &[u8]) -> Option<MediaType> {
    (h.get(..2)? == [0xFF, 0xD8] && h.len() >= 3).then(|| MediaType::of(Kind::Jpeg).still())
}

fn jxl_codestream(h: &[u8]) -> Option<MediaType> {
    (h.get(..2)? == [0xFF, 0x0A]).then(|| MediaType::of(Kind::Jxl))
}

fn jxl_container(h: &[u8]) -> Option<MediaType> {
    (h.get(..12)? == b"\0\0\0\x0CJXL \r\n\x87\n").then(|| MediaType::of(Kind::Jxl))
}

fn jp2(h: &[u8]) -> Option<MediaType> {
    (h.get(..12)? == b"\0\0\0\x0CjP  \r\n\x87\n").then(|| MediaType::of(Kind::Jpeg2000).still())
}

fn j2k(h: &[u8]) -> Option<MediaType> {
    (h.get(..4)? == [0xFF, 0x4F, 0xFF, 0x51]).then(|| {
        MediaType::of(Kind::Jpeg2000)
            .named("image/x-jp2-codestream", "j2k")
            .still()
    })
}

/// PNG: walk the chunks inside the prefix until `acTL` (APNG) or `IDAT`/`IEND` (still).
fn png(h: &[u8]) -> Option<MediaType> {
    if h.get(..8)? != b"\x89PNG\r\n\x1a\n" {
        return None;
    }
    let unknown = MediaType::of(Kind::Png);
    let mut i = 8usize;
    loop {
        let (Some(len), Some(ty)) = (be32(h, i), at::<4>(h, i + 4)) else {
            return Some(unknown);
        };
        match &ty {
            b"IDAT" | b"IEND" => return Some(unknown.still()),
            b"acTL" => {
                let frames = be32(h, i + 8);
                return Some(MediaType::of(Kind::Apng).animated(frames.map(|n| n > 1)));
            }
            _ => {}
        }
        if len > 0x7FFF_FFFF {
            return Some(unknown); // corrupt length: the decoder will say more
        }
        // 12 = length + type + CRC; `len` < 2^31 fits usize on every supported target.
        i = i.checked_add(12)?.checked_add(len as usize)?;
    }
}

/// GIF: walk the block structure until the trailer or a second image descriptor.
fn gif(h: &[u8]) -> Option<MediaType> {
    let sig = h.get(..6)?;
    if sig != b"GIF87a" && sig != b"GIF89a" {
        return None;
    }
    let unknown = MediaType::of(Kind::Gif);
    let Some(&packed) = h.get(10) else {
        return Some(unknown);
    };
    let mut i = 13usize + color_table_len(packed);
    let start = i;
    let mut images = 0u32;
    loop {
        let Some(&block) = h.get(i) else {
            return Some(unknown);
        };
        match block {
            0x3B => return Some(unknown.still()),
            0x21 => match sub_blocks(h, i + 2) {
                Some(next) => i = next,
                None => return Some(unknown),
            },
            0x2C => {
                images += 1;
                if images >= 2 {
                    return Some(unknown.animated(Some(true)));
                }
                let Some(&packed) = h.get(i + 9) else {
                    return Some(unknown);
                };
                // descriptor (10) + local colour table + LZW minimum code size (1)
                match sub_blocks(h, i + 10 + color_table_len(packed) + 1) {
                    Some(next) => i = next,
                    None => return Some(unknown),
                }
            }
            // Not a block at all where the first one must start: not a GIF (e.g. a
            // `GIF89a<?php …` polyglot). Garbage later: the decoder decides.
            _ if i == start => return None,
            _ => return Some(unknown),
        }
    }
}

fn color_table_len(packed: u8) -> usize {
    if packed & 0x80 != 0 {
        3usize << ((packed & 7) + 1)
    } else {
        0
    }
}

/// Skips GIF data sub-blocks starting at `i`; the index after the terminator.
fn sub_blocks(h: &[u8], mut i: usize) -> Option<usize> {
    loop {
        let n = usize::from(*h.get(i)?);
        i += 1;
        if n == 0 {
            return Some(i);
        }
        i += n;
    }
}

/// RIFF: WebP (with the animation flag), AVI, WAVE.
fn riff(h: &[u8]) -> Option<MediaType> {
    if h.get(..4)? != b"RIFF" {
        return None;
    }
    match &at::<4>(h, 8)? {
        b"WEBP" => Some(webp(h)),
        b"AVI " => Some(MediaType::of(Kind::Avi)),
        b"WAVE" => Some(MediaType::of(Kind::Wav)),
        _ => None,
    }
}

fn webp(h: &[u8]) -> MediaType {
    let unknown = MediaType::of(Kind::Webp);
    match at::<4>(h, 12).as_ref() {
        Some(b"VP8 " | b"VP8L") => unknown.still(),
        Some(b"VP8X") => {
            let Some(&flags) = h.get(20) else {
                return unknown;
            };
            if flags & 0x02 != 0 {
                return unknown.animated(Some(true));
            }
            // No animation flag: an ANIM/ANMF chunk before the image data still counts.
            let mut i = 12usize;
            while let (Some(ty), Some(len)) = (at::<4>(h, i), le32(h, i + 4)) {
                match &ty {
                    b"ANIM" | b"ANMF" => return unknown.animated(Some(true)),
                    b"VP8 " | b"VP8L" => return unknown.still(),
                    _ => {}
                }
                // Chunks are padded to even length; u32 fits usize on supported targets.
                let Some(next) = (len as usize)
                    .checked_add(len as usize & 1)
                    .and_then(|l| l.checked_add(8 + i))
                else {
                    break;
                };
                i = next;
            }
            unknown.still()
        }
        _ => unknown,
    }
}

/// TIFF, BigTIFF and Canon CR2 (a TIFF that pixform does not treat as one).
fn tiff(h: &[u8]) -> Option<MediaType> {
    let sig = at::<4>(h, 0)?;
    match &sig {
        b"II*\0" | b"MM\0*" => {
            if h.get(8..10) == Some(b"CR") && h.get(10) == Some(&2) {
                return Some(
                    MediaType::of(Kind::Other)
                        .named("image/x-canon-cr2", "cr2")
                        .still(),
                );
            }
            Some(MediaType::of(Kind::Tiff).still())
        }
        b"II+\0" | b"MM\0+" => {
            let (size, zero) = if sig[0] == b'I' {
                (le16(h, 4)?, le16(h, 6)?)
            } else {
                (be16(h, 4)?, be16(h, 6)?)
            };
            (size == 8 && zero == 0).then(|| MediaType::of(Kind::BigTiff).still())
        }
        _ => None,
    }
}

/// BMP: `BM`, a plausible file-size field and a known DIB header size.
fn bmp(h: &[u8]) -> Option<MediaType> {
    if h.get(..2)? != b"BM" {
        return None;
    }
    let file_size = le32(h, 2)?;
    let dib = le32(h, 14)?;
    // 12 core, 16/64 OS/2 2.x, 40 info, 52/56 Adobe bit-field variants, 108 V4, 124 V5.
    let known_dib = matches!(dib, 12 | 16 | 40 | 52 | 56 | 64 | 108 | 124);
    // Writers may leave the size at 0; otherwise it must at least cover both headers.
    let plausible_size = file_size == 0 || file_size >= 14 + dib;
    (known_dib && plausible_size).then(|| MediaType::of(Kind::Bmp).still())
}

/// ICO / CUR: reserved 0, type 1 or 2, at least one directory entry whose data lies after
/// the directory (when that entry is inside the prefix).
fn ico(h: &[u8]) -> Option<MediaType> {
    let head = at::<4>(h, 0)?;
    let kind = match head {
        [0, 0, 1, 0] => Kind::Ico,
        [0, 0, 2, 0] => Kind::Cur,
        _ => return None,
    };
    let count = le16(h, 4)?;
    if count == 0 {
        return None;
    }
    if let (Some(size), Some(offset)) = (le32(h, 14), le32(h, 18)) {
        let directory_end = 6 + 16 * u32::from(count);
        if size == 0 || offset < directory_end {
            return None;
        }
    }
    Some(MediaType::of(kind).still())
}

fn psd(h: &[u8]) -> Option<MediaType> {
    if h.get(..4)? != b"8BPS" {
        return None;
    }
    match be16(h, 4)? {
        1 => Some(MediaType::of(Kind::Psd).still()),
        2 => Some(
            MediaType::of(Kind::Psd)
                .named(Kind::Psd.mime(), "psb")
                .still(),
        ),
        _ => None,
    }
}

fn pdf(h: &[u8]) -> Option<MediaType> {
    (h.get(..5)? == b"%PDF-").then(|| MediaType::of(Kind::Pdf))
}

fn qoi(h: &[u8]) -> Option<MediaType> {
    (h.get(..4)? == b"qoif").then(|| MediaType::of(Kind::Qoi).still())
}

/// Netpbm: `P1`…`P7`, whitespace, then a digit, a comment or (PAM) a header keyword.
fn pnm(h: &[u8]) -> Option<MediaType> {
    let [p, n, ws] = at::<3>(h, 0)?;
    if p != b'P' || !ws.is_ascii_whitespace() {
        return None;
    }
    let (mime, ext) = match n {
        b'1' | b'4' => ("image/x-portable-bitmap", "pbm"),
        b'2' | b'5' => ("image/x-portable-graymap", "pgm"),
        b'3' | b'6' => ("image/x-portable-pixmap", "ppm"),
        b'7' => ("image/x-portable-arbitrarymap", "pam"),
        _ => return None,
    };
    let rest = h.get(3..)?;
    let next = rest.iter().find(|b| !b.is_ascii_whitespace())?;
    let ok = next.is_ascii_digit() || *next == b'#' || (n == b'7' && next.is_ascii_uppercase());
    ok.then(|| MediaType::of(Kind::Pnm).named(mime, ext).still())
}

/// Matroska / WebM: EBML magic, then the DocType in the first bytes.
fn ebml(h: &[u8]) -> Option<MediaType> {
    if h.get(..4)? != [0x1A, 0x45, 0xDF, 0xA3] {
        return None;
    }
    let window = h.get(..64).unwrap_or(h);
    if find(window, b"webm", 4).is_some() {
        Some(MediaType::of(Kind::Webm))
    } else if find(window, b"matroska", 4).is_some() {
        Some(MediaType::of(Kind::Mkv))
    } else {
        None
    }
}

/// ISO-BMFF starting with `ftyp`: AVIF / HEIC / HEIF / JPEG XL-free image brands first,
/// then video and audio brands. Legacy QuickTime without `ftyp` too.
fn iso_bmff(h: &[u8]) -> Option<MediaType> {
    let ty = at::<4>(h, 4)?;
    if &ty != b"ftyp" {
        // QuickTime files from before `ftyp` start with one of these atoms.
        return match &ty {
            b"moov" | b"mdat" | b"wide" | b"pnot" if be32(h, 0)? >= 8 => {
                Some(MediaType::of(Kind::Mov))
            }
            _ => None,
        };
    }
    let size = be32(h, 0)?;
    let (header, end) = match size {
        0 => (8usize, h.len()),
        1 => {
            let large = at::<8>(h, 8).map(u64::from_be_bytes)?;
            (16, usize::try_from(large).unwrap_or(usize::MAX))
        }
        2..=15 => return None,
        n => (8, usize::try_from(n).unwrap_or(usize::MAX)),
    };
    let major = at::<4>(h, header)?;
    let minor = at::<4>(h, header + 4);
    let compat_end = end.min(h.len());
    let compat: &[u8] = h.get(header + 8..compat_end).unwrap_or(&[]);
    let compatible = || compat.chunks_exact(4);
    let has = |set: &[&[u8; 4]]| compatible().any(|b| set.iter().any(|s| b == s.as_slice()));
    let is = |b: &[u8; 4], set: &[&[u8; 4]]| set.contains(&b);

    const AVIF: &[&[u8; 4]] = &[b"avif", b"avis"];
    const HEVC: &[&[u8; 4]] = &[
        b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs",
    ];
    const GENERIC: &[&[u8; 4]] = &[
        b"mif1", b"mif2", b"mif3", b"msf1", b"heif", b"miaf", b"unif",
    ];
    const SEQUENCE: &[&[u8; 4]] = &[b"avis", b"msf1", b"hevc", b"hevx", b"hevm", b"hevs"];

    // `mif3` (low-overhead `mini` files) names the codec brand in the minor version.
    let mif3_codec = if &major == b"mif3" {
        Some(minor?) // the codec is not known before the minor version is
    } else {
        None
    };
    // When the prefix ends inside the box, later compatible brands are unknown: only the
    // major brand (with the `mif3` minor) and an AVIF brand (the strongest) decide.
    let complete = end <= h.len();
    let image_kind = if is(&major, AVIF) {
        Some(Kind::Avif)
    } else if is(&major, HEVC) {
        Some(Kind::Heic)
    } else if let Some(codec) = mif3_codec.filter(|c| is(c, AVIF) || is(c, HEVC)) {
        Some(if is(&codec, AVIF) {
            Kind::Avif
        } else {
            Kind::Heic
        })
    } else if has(AVIF) {
        Some(Kind::Avif)
    } else if !complete {
        return None;
    } else if has(HEVC) {
        Some(Kind::Heic)
    } else if is(&major, GENERIC) || has(GENERIC) {
        Some(Kind::Heif)
    } else {
        None
    };
    if let Some(kind) = image_kind {
        // A sequence brand as major brand: an image sequence. Only among the compatible
        // brands: the file may carry a still item next to a sequence, so unknown.
        let animated = if is(&major, SEQUENCE) {
            Some(true)
        } else if has(SEQUENCE) || !complete {
            None
        } else {
            Some(false)
        };
        return Some(MediaType::of(kind).animated(animated));
    }
    if &major == b"qt  " {
        return Some(MediaType::of(Kind::Mov));
    }
    if matches!(&major, b"M4A " | b"M4B " | b"M4P ") {
        return Some(MediaType::of(Kind::M4a));
    }
    let video = |b: &[u8]| {
        b.starts_with(b"iso")
            || b.starts_with(b"mp4")
            || b.starts_with(b"3gp")
            || b.starts_with(b"3g2")
            || b.starts_with(b"avc")
            || b.starts_with(b"M4V")
            || matches!(b, b"dash" | b"mmp4" | b"f4v " | b"MSNV" | b"XAVC" | b"NDAS")
    };
    if video(&major) || compatible().any(video) {
        return Some(MediaType::of(Kind::Mp4));
    }
    None
}

/// Gzip: svgz when the first inflated bytes are an SVG document, else gzip.
fn gzip(h: &[u8]) -> Option<MediaType> {
    if h.get(..3)? != [0x1F, 0x8B, 0x08] || h.len() < 10 {
        return None;
    }
    let gz = MediaType::of(Kind::Gzip);
    let Some(payload) = gzip_payload(h) else {
        return Some(gz);
    };
    let mut out = [0u8; SVGZ_INFLATE_LIMIT];
    let mut inflater = flate2::Decompress::new(false);
    // Errors (a truncated or corrupt stream) still leave the bytes inflated so far.
    let _ = inflater.decompress(payload, &mut out, flate2::FlushDecompress::None);
    let produced = usize::try_from(inflater.total_out()).unwrap_or(usize::MAX);
    let text = out.get(..produced).unwrap_or(&out);
    if markup(text) == Some(Kind::Svg) {
        Some(MediaType::of(Kind::Svgz))
    } else {
        Some(gz)
    }
}

/// The deflate stream after a gzip member header (RFC 1952), if the header fits in `h`.
fn gzip_payload(h: &[u8]) -> Option<&[u8]> {
    let flags = *h.get(3)?;
    let mut i = 10usize;
    if flags & 0x04 != 0 {
        i = i.checked_add(2 + usize::from(le16(h, i)?))?;
    }
    for bit in [0x08u8, 0x10] {
        if flags & bit != 0 {
            i = find(h, &[0], i)? + 1;
        }
    }
    if flags & 0x02 != 0 {
        i += 2;
    }
    h.get(i..)
}

/// ZIP, and the office formats among ZIPs, from the local file headers in the prefix.
fn zip(h: &[u8]) -> Option<MediaType> {
    match &at::<4>(h, 0)? {
        b"PK\x03\x04" => {}
        b"PK\x05\x06" | b"PK\x07\x08" => return Some(MediaType::of(Kind::Zip)),
        _ => return None,
    }
    let mut i = 0usize;
    while at::<4>(h, i).as_ref() == Some(b"PK\x03\x04") {
        let (Some(flags), Some(csize), Some(name_len), Some(extra_len)) = (
            le16(h, i + 6),
            le32(h, i + 18),
            le16(h, i + 26),
            le16(h, i + 28),
        ) else {
            break;
        };
        let name_start = i + 30;
        let Some(name) = h.get(name_start..name_start + usize::from(name_len)) else {
            break;
        };
        if name.starts_with(b"word/") {
            return Some(MediaType::of(Kind::Docx));
        }
        if name.starts_with(b"xl/") {
            return Some(MediaType::of(Kind::Xlsx));
        }
        if name.starts_with(b"ppt/") {
            return Some(MediaType::of(Kind::Pptx));
        }
        if flags & 0x08 != 0 {
            break; // sizes are in a data descriptor after the data: stop walking
        }
        // u32 fits usize on supported targets; overflow ends the walk.
        let Some(next) = (name_start + usize::from(name_len) + usize::from(extra_len))
            .checked_add(csize as usize)
        else {
            break;
        };
        i = next;
    }
    Some(MediaType::of(Kind::Zip))
}

// ---------------------------------------------------------------------------------------------
// Text: PHP, then the markup prolog.

fn php(h: &[u8]) -> Option<MediaType> {
    let body = h.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(h);
    let trimmed = skip_ws(body, 0);
    let short_tag = body.get(trimmed..).is_some_and(|t| t.starts_with(b"<?="));
    (short_tag || has_php_open_tag(h)).then(|| MediaType::of(Kind::Php))
}

/// Whether `<?php` (any case) occurs in `h`; jumps from `<` to `<`.
fn has_php_open_tag(h: &[u8]) -> bool {
    let mut rest = h;
    while let Some(p) = rest.iter().position(|&b| b == b'<') {
        let Some(tail) = rest.get(p..) else {
            return false;
        };
        if starts_ci(tail, b"<?php") {
            return true;
        }
        rest = tail.get(1..).unwrap_or(&[]);
    }
    false
}

/// The index of the first non-whitespace byte at or after `i` (`h.len()` if none).
fn skip_ws(h: &[u8], i: usize) -> usize {
    match h.get(i..) {
        Some(rest) => rest
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map_or(h.len(), |p| i + p),
        None => i,
    }
}

/// HTML elements that, as the first element of a document, make it HTML.
const HTML_ROOTS: &[&[u8]] = &[
    b"html",
    b"head",
    b"body",
    b"script",
    b"iframe",
    b"div",
    b"p",
    b"a",
    b"table",
    b"title",
    b"style",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"br",
    b"b",
    b"i",
    b"font",
    b"meta",
    b"link",
    b"span",
    b"img",
    b"form",
    b"input",
    b"ul",
    b"ol",
    b"li",
    b"pre",
    b"center",
    b"frameset",
    b"noscript",
    b"base",
    b"section",
    b"article",
    b"header",
    b"nav",
    b"main",
    b"footer",
    b"button",
    b"template",
    b"object",
    b"embed",
];

/// Classifies markup from its prolog: skips a UTF-8 BOM, whitespace, the XML declaration,
/// processing instructions, comments and a doctype (with an internal subset), then reads the
/// root element's name. `svg` (or `prefix:svg`) is SVG, an HTML doctype or HTML element is
/// HTML, anything else after an XML declaration is XML. When the prefix ends before the
/// answer, the answer is XML if a declaration was seen, else none.
fn markup(h: &[u8]) -> Option<Kind> {
    let h = h.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(h);
    let mut declared = false;
    let mut i = 0usize;
    let undecided = |declared: bool| declared.then_some(Kind::Xml);
    loop {
        i = skip_ws(h, i);
        let Some(rest) = h.get(i..).filter(|r| !r.is_empty()) else {
            return undecided(declared);
        };
        if rest.first() != Some(&b'<') {
            return undecided(declared);
        }
        if rest.starts_with(b"<?") {
            if rest.starts_with(b"<?xml") && rest.get(5).is_some_and(|b| b.is_ascii_whitespace()) {
                declared = true;
            }
            match find(h, b"?>", i + 2) {
                Some(end) => i = end + 2,
                None => return undecided(declared),
            }
        } else if rest.starts_with(b"<!--") {
            match find(h, b"-->", i + 4) {
                Some(end) => i = end + 3,
                None => return undecided(declared),
            }
        } else if starts_ci(rest, b"<!DOCTYPE") {
            let name_start = skip_ws(h, i + 9);
            let name = name_at(h, name_start);
            if name.is_some_and(|n| n.eq_ignore_ascii_case(b"html")) {
                return Some(Kind::Html);
            }
            match doctype_end(h, name_start) {
                Some(end) => i = end,
                None => return undecided(declared),
            }
        } else {
            let Some(name) = name_at(h, i + 1) else {
                return undecided(declared);
            };
            if name == b"svg" || name.ends_with(b":svg") {
                return Some(Kind::Svg);
            }
            if HTML_ROOTS.iter().any(|t| name.eq_ignore_ascii_case(t)) {
                return Some(Kind::Html);
            }
            return undecided(declared);
        }
    }
}

/// An element or doctype name at `i`, only if it is terminated inside `h` (a name cut by the
/// end of the prefix is not known yet).
fn name_at(h: &[u8], i: usize) -> Option<&[u8]> {
    let rest = h.get(i..)?;
    let first = *rest.first()?;
    if !(first.is_ascii_alphabetic() || first == b'_' || first == b':') {
        return None;
    }
    let len = rest
        .iter()
        .position(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/' | b'['))?;
    rest.get(..len)
}

/// The index after the `>` that closes a doctype, honouring quotes and an internal subset.
fn doctype_end(h: &[u8], from: usize) -> Option<usize> {
    let mut depth = 0u32;
    let mut quote: Option<u8> = None;
    for (offset, &b) in h.get(from..)?.iter().enumerate() {
        match (quote, b) {
            (Some(q), b) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'[') => depth += 1,
            (None, b']') => depth = depth.saturating_sub(1),
            (None, b'>') if depth == 0 => return Some(from + offset + 1),
            _ => {}
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Weak signatures, tried after the text checks.

fn weak_binary(h: &[u8]) -> Option<MediaType> {
    if h.starts_with(b"ID3") {
        return Some(MediaType::of(Kind::Mp3));
    }
    // MPEG audio frame sync: 11 set bits, version not reserved, layer III.
    let [a, b] = at::<2>(h, 0)?;
    let mpeg_layer3 = a == 0xFF && b & 0xE0 == 0xE0 && (b >> 3) & 3 != 1 && (b >> 1) & 3 == 1;
    mpeg_layer3.then(|| MediaType::of(Kind::Mp3))
}

fn via_infer(h: &[u8]) -> Option<MediaType> {
    let found = infer::get(h)?;
    let mime = found.mime_type();
    let kind = match mime {
        // Kinds this module checks itself: its checks refused these bytes.
        "image/jpeg"
        | "image/png"
        | "image/gif"
        | "image/webp"
        | "image/tiff"
        | "image/bmp"
        | "image/vnd.microsoft.icon"
        | "image/heif"
        | "image/avif"
        | "image/jxl"
        | "image/vnd.adobe.photoshop"
        | "image/x-canon-cr2"
        | "image/jp2"
        | "text/html"
        | "text/xml"
        | "application/pdf"
        | "application/gzip"
        | "application/zip" => return None,
        "video/mp4" => Kind::Mp4,
        "video/quicktime" => Kind::Mov,
        "video/x-matroska" => Kind::Mkv,
        "video/webm" => Kind::Webm,
        "video/x-msvideo" => Kind::Avi,
        "audio/mpeg" => Kind::Mp3,
        "audio/ogg" => Kind::Ogg,
        "audio/x-flac" => Kind::Flac,
        "audio/x-wav" => Kind::Wav,
        "audio/m4a" => Kind::M4a,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => Kind::Docx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => Kind::Xlsx,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation" => Kind::Pptx,
        _ => {
            let family = match found.matcher_type() {
                infer::MatcherType::Image => Family::Image,
                infer::MatcherType::Video => Family::Video,
                infer::MatcherType::Audio => Family::Audio,
                infer::MatcherType::Archive => Family::Archive,
                infer::MatcherType::Book | infer::MatcherType::Doc => Family::Document,
                _ => Family::Other,
            };
            let mut other = MediaType::of(Kind::Other).named(mime, found.extension());
            other.family = family;
            return Some(other);
        }
    };
    Some(MediaType::of(kind))
}

// ---------------------------------------------------------------------------------------------
// Declared type versus bytes.

/// The outcome of [`check_declared`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    /// Whether the declaration and the bytes agree.
    pub agrees: bool,
    /// The kind the declaration names (`None`: a declaration pixform does not know).
    pub expected: Option<Kind>,
    /// What the bytes really are (`None`: not recognised).
    pub actual: Option<MediaType>,
    /// One sentence for a log or an HTTP error body.
    pub message: String,
}

/// Compares a declared type with the bytes. `declared` is a MIME type (`image/png`,
/// parameters such as `; charset=utf-8` ignored), an extension (`.jpg`, `jpeg`) or a file
/// name (`photo.jpg`: the part after the last dot); case does not matter. Aliases agree with
/// each other: jpg/jpeg/jpe/jfif, tif/tiff (also BigTIFF), svg/svgz, png/apng, heic/heif,
/// webm/mkv (WebM is Matroska), pnm/pbm/pgm/ppm/pam. A host should refuse the upload when
/// `agrees` is false.
pub fn check_declared(declared: &str, bytes: &[u8]) -> Declared {
    let actual = sniff(bytes);
    let normalized = normalize_declared(declared);
    let accepted = declared_kinds(&normalized);
    let expected = accepted.and_then(|k| k.first().copied());
    let agrees = match (accepted, actual) {
        (Some(kinds), Some(found)) => kinds.contains(&found.kind),
        (None, Some(found)) => {
            found.kind == Kind::Other && (normalized == found.mime || normalized == found.extension)
        }
        (_, None) => false,
    };
    let shown = declared.trim();
    let message = match (agrees, actual) {
        (true, Some(found)) => format!(
            "declared '{shown}' agrees with the bytes: {} ({})",
            found.mime, found.extension
        ),
        (false, Some(found)) => match expected {
            Some(kind) => format!(
                "declared '{shown}' ({}) but the bytes are {} ({})",
                kind.mime(),
                found.mime,
                found.extension
            ),
            None => format!(
                "declared '{shown}' is not a type pixform knows; the bytes are {} ({})",
                found.mime, found.extension
            ),
        },
        (_, None) => format!("declared '{shown}' but the bytes match no known format"),
    };
    Declared {
        agrees,
        expected,
        actual,
        message,
    }
}

/// Lower case, without parameters, without a leading dot or a file name before the last dot.
fn normalize_declared(declared: &str) -> String {
    let base = declared.split(';').next().unwrap_or(declared).trim();
    let lower = base.to_ascii_lowercase();
    if lower.contains('/') {
        return lower;
    }
    match lower.rsplit_once('.') {
        Some((_, ext)) => ext.to_string(),
        None => lower,
    }
}

fn declared_kinds(d: &str) -> Option<&'static [Kind]> {
    use Kind::*;
    let kinds: &'static [Kind] = match d {
        "jpg" | "jpeg" | "jpe" | "jfif" | "pjpeg" | "pjp" | "image/jpeg" | "image/jpg"
        | "image/pjpeg" => &[Jpeg],
        "png" | "apng" | "image/png" | "image/apng" | "image/x-png" | "image/vnd.mozilla.apng" => {
            &[Png, Apng]
        }
        "gif" | "image/gif" => &[Gif],
        "webp" | "image/webp" => &[Webp],
        "avif" | "avifs" | "image/avif" | "image/avif-sequence" => &[Avif],
        "heic"
        | "heics"
        | "heif"
        | "heifs"
        | "hif"
        | "image/heic"
        | "image/heif"
        | "image/heic-sequence"
        | "image/heif-sequence" => &[Heic, Heif],
        "jxl" | "image/jxl" => &[Jxl],
        "bmp" | "dib" | "image/bmp" | "image/x-bmp" | "image/x-ms-bmp" => &[Bmp],
        "tif" | "tiff" | "image/tiff" | "image/tiff-fx" => &[Tiff, BigTiff],
        "ico" | "image/x-icon" | "image/vnd.microsoft.icon" => &[Ico],
        "cur" | "image/x-win-bitmap" | "application/x-win-bitmap" => &[Cur],
        "svg" | "svgz" | "image/svg+xml" => &[Svg, Svgz],
        "pdf" | "application/pdf" => &[Pdf],
        "psd"
        | "psb"
        | "image/vnd.adobe.photoshop"
        | "application/x-photoshop"
        | "image/x-photoshop"
        | "image/psd" => &[Psd],
        "qoi" | "image/qoi" => &[Qoi],
        "pnm"
        | "pbm"
        | "pgm"
        | "ppm"
        | "pam"
        | "image/x-portable-anymap"
        | "image/x-portable-bitmap"
        | "image/x-portable-graymap"
        | "image/x-portable-pixmap"
        | "image/x-portable-arbitrarymap" => &[Pnm],
        "jp2"
        | "j2k"
        | "j2c"
        | "jpf"
        | "jpx"
        | "image/jp2"
        | "image/jpx"
        | "image/x-jp2-codestream" => &[Jpeg2000],
        "mp4" | "m4v" | "video/mp4" | "video/x-m4v" => &[Mp4],
        "mov" | "qt" | "video/quicktime" => &[Mov],
        "webm" | "video/webm" => &[Webm],
        "mkv" | "video/x-matroska" => &[Mkv, Webm],
        "avi" | "video/x-msvideo" | "video/avi" => &[Avi],
        "mp3" | "audio/mpeg" | "audio/mp3" => &[Mp3],
        "wav" | "wave" | "audio/wav" | "audio/x-wav" | "audio/wave" | "audio/vnd.wave" => &[Wav],
        "ogg" | "oga" | "ogv" | "opus" | "audio/ogg" | "video/ogg" | "application/ogg"
        | "audio/opus" => &[Ogg],
        "flac" | "audio/flac" | "audio/x-flac" => &[Flac],
        "m4a" | "audio/mp4" | "audio/m4a" | "audio/x-m4a" => &[M4a],
        "zip" | "application/zip" | "application/x-zip-compressed" => &[Zip],
        "gz" | "gzip" | "application/gzip" | "application/x-gzip" => &[Gzip],
        "docx" | "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
            &[Docx]
        }
        "xlsx" | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => &[Xlsx],
        "pptx" | "application/vnd.openxmlformats-officedocument.presentationml.presentation" => {
            &[Pptx]
        }
        "html" | "htm" | "xhtml" | "text/html" | "application/xhtml+xml" => &[Html],
        "xml" | "text/xml" | "application/xml" => &[Xml],
        "php" | "phtml" | "application/x-httpd-php" | "application/x-php" | "text/x-php" => &[Php],
        _ => return None,
    };
    Some(kinds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shapes() {
        let png = MediaType::of(Kind::Png).still();
        assert_eq!(
            png.to_json(),
            r#"{"mime":"image/png","extension":"png","family":"image","animated":false,"decodable":true}"#
        );
        let svg = MediaType::of(Kind::Svg);
        assert_eq!(
            svg.to_json(),
            r#"{"mime":"image/svg+xml","extension":"svg","family":"vector","animated":null,"decodable":true}"#
        );
        let mp4 = MediaType::of(Kind::Mp4);
        assert_eq!(
            mp4.to_json(),
            r#"{"mime":"video/mp4","extension":"mp4","family":"video","animated":null,"decodable":false}"#
        );
    }

    #[test]
    fn markup_prolog() {
        assert_eq!(markup(b"<svg"), None, "name cut by the prefix");
        assert_eq!(markup(b"<svg>"), Some(Kind::Svg));
        assert_eq!(markup(b"<svg:svg xmlns:svg='x'>"), Some(Kind::Svg));
        assert_eq!(markup(b"<?xml version='1.0'?><rss>"), Some(Kind::Xml));
        assert_eq!(markup(b"<?xml version='1.0'?>"), Some(Kind::Xml));
        assert_eq!(markup(b"<!doctype html><svg>"), Some(Kind::Html));
        assert_eq!(
            markup(b"<!DOCTYPE svg [<!ENTITY a '>'>]><svg>"),
            Some(Kind::Svg)
        );
        assert_eq!(markup(b"<SVG>"), None, "XML names are case-sensitive");
        assert_eq!(markup(b"hello <svg>"), None);
    }

    #[test]
    fn normalize() {
        assert_eq!(normalize_declared(" Photo.JPG "), "jpg");
        assert_eq!(normalize_declared(".jpeg"), "jpeg");
        assert_eq!(
            normalize_declared("image/SVG+xml; charset=utf-8"),
            "image/svg+xml"
        );
    }
}
