use super::*;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};

const FORMAT: &str = "PNG";
const XMP_KEYWORD: &[u8] = b"XML:com.adobe.xmp";
/// Signature (8) + IHDR chunk (4 length + 4 type + 13 data + 4 CRC).
const AFTER_IHDR: usize = 8 + 25;

pub(super) fn encode(frame: &Frame, opts: &EncodeOptions) -> Result<Vec<u8>> {
    let color = match frame.layout() {
        PixelLayout::Gray8 => ExtendedColorType::L8,
        PixelLayout::GrayAlpha8 => ExtendedColorType::La8,
        PixelLayout::Rgb8 => ExtendedColorType::Rgb8,
        PixelLayout::Rgba8 => ExtendedColorType::Rgba8,
    };
    let size = (frame.width(), frame.height());
    encode_samples(frame.data(), size, color, opts)
}

/// A 16-bit PNG of `frame` (`image` writes the native-endian samples big-endian).
pub(super) fn encode16(frame: &Frame16, opts: &EncodeOptions) -> Result<Vec<u8>> {
    let color = match frame.layout() {
        PixelLayout::Gray8 => ExtendedColorType::L16,
        PixelLayout::GrayAlpha8 => ExtendedColorType::La16,
        PixelLayout::Rgb8 => ExtendedColorType::Rgb16,
        PixelLayout::Rgba8 => ExtendedColorType::Rgba16,
    };
    let size = (frame.width(), frame.height());
    encode_samples(frame.bytes(), size, color, opts)
}

fn encode_samples(
    data: &[u8],
    (width, height): (u32, u32),
    color: ExtendedColorType,
    opts: &EncodeOptions,
) -> Result<Vec<u8>> {
    let (compression, filter) = match opts.png_compression {
        // png's own `Fastest` preset: fdeflate with the Up filter.
        PngCompression::Fastest => (CompressionType::Fast, FilterType::Up),
        PngCompression::Fast => (CompressionType::Fast, FilterType::Adaptive),
        PngCompression::Balanced => (CompressionType::Default, FilterType::Adaptive),
        PngCompression::High => (CompressionType::Best, FilterType::Adaptive),
    };
    let mut out = Vec::with_capacity(data.len() / 2 + 1024);
    let mut enc = PngEncoder::new_with_quality(&mut out, compression, filter);
    let meta = &opts.metadata;
    if let Some(icc) = block(&meta.icc) {
        enc.set_icc_profile(icc.to_vec())
            .map_err(|e| encode_error(FORMAT, e.to_string()))?;
    }
    if let Some(exif) = block(&meta.exif) {
        enc.set_exif_metadata(exif.to_vec())
            .map_err(|e| encode_error(FORMAT, e.to_string()))?;
    }
    // The frame's buffer length matches width × height × channels × sample bytes (the
    // frames' guarantee), which is what write_image asserts.
    enc.write_image(data, width, height, color)
        .map_err(|e| encode_error(FORMAT, e.to_string()))?;
    if let Some(xmp) = block(&meta.xmp) {
        let mut data = Vec::with_capacity(XMP_KEYWORD.len() + 5 + xmp.len());
        data.extend_from_slice(XMP_KEYWORD);
        // NUL, compression flag 0, method 0, empty language tag, empty translated keyword.
        data.extend_from_slice(&[0, 0, 0, 0, 0]);
        data.extend_from_slice(xmp);
        let chunk = png_chunk(*b"iTXt", &data)?;
        if out.get(12..16) != Some(b"IHDR") || out.len() < AFTER_IHDR {
            return Err(encode_error(FORMAT, "encoder output lacks IHDR"));
        }
        out.splice(AFTER_IHDR..AFTER_IHDR, chunk);
    }
    Ok(out)
}

/// One PNG chunk: length, type, data, CRC-32 of type and data.
pub(super) fn png_chunk(kind: [u8; 4], data: &[u8]) -> Result<Vec<u8>> {
    let len = u32::try_from(data.len())
        .ok()
        .filter(|&n| n <= 0x7fff_ffff)
        .ok_or_else(|| encode_error(FORMAT, "chunk larger than 2^31 - 1 bytes"))?;
    let mut crc = flate2::Crc::new();
    crc.update(&kind);
    crc.update(data);
    let mut out = Vec::with_capacity(data.len() + 12);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
    Ok(out)
}
