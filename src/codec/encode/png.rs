use super::*;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};

const FORMAT: &str = "PNG";
const XMP_KEYWORD: &[u8] = b"XML:com.adobe.xmp";
/// Signature (8) + IHDR chunk (4 length + 4 type + 13 data + 4 CRC).
const AFTER_IHDR: usize = 8 + 25;

pub(super) fn encode(frame: &Frame, opts: &EncodeOptions) -> Result<Vec<u8>> {
    let (compression, filter) = match opts.png_compression {
        // png's own `Fastest` preset: fdeflate with the Up filter.
        PngCompression::Fastest => (CompressionType::Fast, FilterType::Up),
        PngCompression::Fast => (CompressionType::Fast, FilterType::Adaptive),
        PngCompression::Balanced => (CompressionType::Default, FilterType::Adaptive),
        PngCompression::High => (CompressionType::Best, FilterType::Adaptive),
    };
    let color = match frame.layout() {
        PixelLayout::Gray8 => ExtendedColorType::L8,
        PixelLayout::GrayAlpha8 => ExtendedColorType::La8,
        PixelLayout::Rgb8 => ExtendedColorType::Rgb8,
        PixelLayout::Rgba8 => ExtendedColorType::Rgba8,
    };
    let mut out = Vec::with_capacity(frame.data().len() / 2 + 1024);
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
    // The frame's buffer length matches width × height × channels (Frame's guarantee),
    // which is what write_image asserts.
    enc.write_image(frame.data(), frame.width(), frame.height(), color)
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
