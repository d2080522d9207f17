use super::*;
use ::webp::{Encoder, WebPConfig};

const FORMAT: &str = "WebP";
const FLAG_ICC: u8 = 0x20;
const FLAG_ALPHA: u8 = 0x10;
const FLAG_EXIF: u8 = 0x08;
const FLAG_XMP: u8 = 0x04;

pub(super) fn encode(frame: &Frame, quality: u8, opts: &EncodeOptions) -> Result<Vec<u8>> {
    let (w, h) = (frame.width(), frame.height());
    if w > WEBP_MAX_DIMENSION || h > WEBP_MAX_DIMENSION {
        return Err(encode_error(
            FORMAT,
            format!("{w}x{h} exceeds WebP's maximum side of {WEBP_MAX_DIMENSION}"),
        ));
    }
    let rgb = &*rgb8_or_rgba8(frame);
    if !opts.lossless && rgb.layout() == PixelLayout::Rgba8 && has_transparency(rgb.data()) {
        return lossy_with_alpha(rgb, quality, opts);
    }
    let simple = run_libwebp(rgb, &config(quality, opts)?)?;
    if block_count(&opts.metadata) == 0 {
        return Ok(simple);
    }
    container(&simple, w, h, &opts.metadata)
}

fn new_config() -> Result<WebPConfig> {
    WebPConfig::new().map_err(|()| encode_error(FORMAT, "libwebp version mismatch"))
}

/// libwebp's settings for `opts`.
fn config(quality: u8, opts: &EncodeOptions) -> Result<WebPConfig> {
    let mut config = new_config()?;
    config.method = i32::from(opts.webp_method.min(6));
    if opts.lossless {
        config.lossless = 1;
        // Keep the colour under fully transparent pixels: lossless means bit-exact.
        config.exact = 1;
        config.quality = 75.0;
        config.alpha_compression = 0;
    } else {
        config.quality = f32::from(quality);
        config.alpha_compression = 1;
        config.alpha_quality = 100;
    }
    Ok(config)
}

/// Encodes an RGB or RGBA frame in one libwebp call; the simple file it returns.
fn run_libwebp(rgb: &Frame, config: &WebPConfig) -> Result<Vec<u8>> {
    let (w, h) = (rgb.width(), rgb.height());
    let run = || {
        let encoder = if rgb.layout() == PixelLayout::Rgba8 {
            Encoder::from_rgba(rgb.data(), w, h)
        } else {
            Encoder::from_rgb(rgb.data(), w, h)
        };
        encoder
            .encode_advanced(config)
            .map(|mem| mem.to_vec())
            .map_err(|e| format!("{e:?}"))
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) => Err(encode_error(FORMAT, e)),
        Err(payload) => Err(encode_error(FORMAT, panic_message(payload.as_ref()))),
    }
}

fn has_transparency(rgba: &[u8]) -> bool {
    rgba.chunks_exact(4)
        .any(|p| p.get(3).is_some_and(|&a| a != 255))
}

/// Lossy colour with a losslessly compressed alpha plane, the two encoded side by
/// side: the alpha on a pool helper (when `opts.threads` allows one) while the caller
/// encodes the colour.
///
/// libwebp encodes the alpha itself, before the colour and on the same thread (the
/// vendored build has no threads): on a 1200×750 picture translucent almost everywhere
/// that took longer than the colour (~265 against ~105 ms) and gave a larger stream
/// than its own lossless encoder gives for the same plane stored as a green image (an
/// ALPH chunk holds exactly such a stream, without the VP8L header): 251 against
/// 214 KB. So the colour is encoded with the alpha left uncompressed (its VP8 stream
/// is the same, transparent areas are still cleaned up) and its raw ALPH chunk is
/// dropped for ours.
fn lossy_with_alpha(rgba: &Frame, quality: u8, opts: &EncodeOptions) -> Result<Vec<u8>> {
    let (w, h) = (rgba.width(), rgba.height());
    let alpha: Vec<u8> = rgba
        .data()
        .chunks_exact(4)
        .map(|p| p.get(3).copied().unwrap_or(255))
        .collect();
    let plane = crate::pool::offer(move || alpha_chunk(&alpha, w, h), opts.threads != 1);
    let mut colour_config = config(quality, opts)?;
    colour_config.alpha_compression = 0;
    let colour = run_libwebp(rgba, &colour_config)?;
    let vp8 = chunk(&colour, b"VP8 ")?
        .ok_or_else(|| encode_error(FORMAT, "libwebp wrote no VP8 chunk"))?;
    let alph = match plane.join() {
        Ok(result) => result?,
        Err(payload) => return Err(encode_error(FORMAT, panic_message(payload.as_ref()))),
    };
    assemble(
        &[(*b"ALPH", alph.as_slice()), (*b"VP8 ", vp8)],
        FLAG_ALPHA,
        (w, h),
        &opts.metadata,
    )
}

/// libwebp lossless settings for the alpha plane (as a green image). Against the
/// ALPH chunks libwebp writes itself at method 4, method 3 at quality 25 gave
/// 15–20 % smaller streams on translucent planes (the shared alpha photo at two sizes),
/// 39 % on a gradient, 0–2 % on cut-outs and 3 % larger on one gallery image
/// (whose plane gains from libwebp's alpha prediction filter). Quality 25 is also the
/// highest at which libwebp's lossless encoder keeps its colour cache off, as libwebp's
/// own alpha encoder does for the sake of old decoders.
const ALPHA_METHOD: i32 = 3;
const ALPHA_QUALITY: f32 = 25.0;

/// The payload of an ALPH chunk: a header byte (no preprocessing, no filter, lossless)
/// and the plane's lossless image stream — a VP8L bitstream minus its 5-byte header,
/// the dimensions being the image's.
fn alpha_chunk(alpha: &[u8], w: u32, h: u32) -> Result<Vec<u8>> {
    let green: Vec<u8> = alpha.iter().flat_map(|&a| [0, a, 0]).collect();
    let plane = Frame::new(w, h, PixelLayout::Rgb8, green)?;
    let mut config = new_config()?;
    config.lossless = 1;
    config.method = ALPHA_METHOD;
    config.quality = ALPHA_QUALITY;
    let file = run_libwebp(&plane, &config)?;
    let bad = || {
        encode_error(
            FORMAT,
            "libwebp's lossless alpha stream was not as expected",
        )
    };
    let vp8l = chunk(&file, b"VP8L")?.ok_or_else(bad)?;
    if vp8l_header(vp8l).map(|(pw, ph, _)| (pw, ph)) != Some((w, h)) {
        return Err(bad());
    }
    let stream = vp8l.get(5..).ok_or_else(bad)?;
    let mut out = Vec::with_capacity(stream.len() + 1);
    out.push(1); // Compression 1 (lossless); filtering and preprocessing 0.
    out.extend_from_slice(stream);
    Ok(out)
}

fn block_count(m: &Metadata) -> usize {
    [&m.exif, &m.icc, &m.xmp]
        .into_iter()
        .filter(|b| block(b).is_some())
        .count()
}

/// The chunks of a RIFF/WEBP file: (fourcc, payload).
pub(super) fn chunks(file: &[u8]) -> Result<Vec<([u8; 4], &[u8])>> {
    let bad = || encode_error(FORMAT, "libwebp returned a malformed RIFF container");
    if file.get(0..4) != Some(b"RIFF") || file.get(8..12) != Some(b"WEBP") {
        return Err(bad());
    }
    let mut pos = 12usize;
    let mut out = Vec::new();
    while pos < file.len() {
        let head = file.get(pos..pos + 8).ok_or_else(bad)?;
        let mut kind = [0u8; 4];
        kind.copy_from_slice(head.get(0..4).ok_or_else(bad)?);
        let mut len = [0u8; 4];
        len.copy_from_slice(head.get(4..8).ok_or_else(bad)?);
        let len = usize::try_from(u32::from_le_bytes(len)).map_err(|_| bad())?;
        let start = pos + 8;
        let end = start.checked_add(len).ok_or_else(bad)?;
        out.push((kind, file.get(start..end).ok_or_else(bad)?));
        // Chunks are padded to an even length.
        pos = end + (len & 1);
    }
    Ok(out)
}

/// The payload of the first `kind` chunk of a RIFF/WEBP file.
fn chunk<'a>(file: &'a [u8], kind: &[u8; 4]) -> Result<Option<&'a [u8]>> {
    Ok(chunks(file)?
        .into_iter()
        .find(|(k, _)| k == kind)
        .map(|(_, data)| data))
}

/// A VP8L chunk's header: byte 0 is the signature 0x2f, then 14 bits width − 1,
/// 14 bits height − 1 and the alpha_is_used bit. `(width, height, alpha)`, or `None`
/// when the signature is wrong or the chunk too short.
fn vp8l_header(data: &[u8]) -> Option<(u32, u32, bool)> {
    let head: [u8; 5] = data.get(..5)?.try_into().ok()?;
    if head[0] != 0x2f {
        return None;
    }
    let bits = u32::from_le_bytes([head[1], head[2], head[3], head[4]]);
    Some((
        (bits & 0x3fff) + 1,
        ((bits >> 14) & 0x3fff) + 1,
        (bits >> 28) & 1 == 1,
    ))
}

fn push_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) -> Result<()> {
    let len = u32::try_from(data.len())
        .map_err(|_| encode_error(FORMAT, "metadata chunk larger than 4 GiB"))?;
    out.extend_from_slice(kind);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
    Ok(())
}

/// Rebuilds the simple encoder's output as an extended (VP8X) file carrying `meta`.
fn container(simple: &[u8], w: u32, h: u32, meta: &Metadata) -> Result<Vec<u8>> {
    let mut flags = 0u8;
    let mut image = Vec::new();
    for (kind, data) in chunks(simple)? {
        match &kind {
            b"ALPH" => {
                flags |= FLAG_ALPHA;
                image.push((kind, data));
            }
            b"VP8L" => {
                if vp8l_header(data).is_some_and(|(_, _, alpha)| alpha) {
                    flags |= FLAG_ALPHA;
                }
                image.push((kind, data));
            }
            b"VP8 " => image.push((kind, data)),
            // The encoder's own VP8X (written for lossy alpha) is replaced by ours.
            _ => {}
        }
    }
    assemble(&image, flags, (w, h), meta)
}

/// An extended (VP8X) file: `image` (the image chunks, in file order) with `flags`
/// (alpha) and the metadata chunks of `meta`.
fn assemble(
    image: &[([u8; 4], &[u8])],
    mut flags: u8,
    (w, h): (u32, u32),
    meta: &Metadata,
) -> Result<Vec<u8>> {
    let image_len: usize = image.iter().map(|(_, d)| d.len() + 9).sum();
    let mut body = Vec::with_capacity(image_len + 64);
    body.extend_from_slice(b"WEBP");
    let icc = block(&meta.icc);
    let exif = block(&meta.exif);
    let xmp = block(&meta.xmp);
    if icc.is_some() {
        flags |= FLAG_ICC;
    }
    if exif.is_some() {
        flags |= FLAG_EXIF;
    }
    if xmp.is_some() {
        flags |= FLAG_XMP;
    }
    let mut vp8x = [0u8; 10];
    vp8x[0] = flags;
    // Sides are 1..=16383 (checked by the caller), so side − 1 fits in 24 bits.
    vp8x[4..7].copy_from_slice(&(w - 1).to_le_bytes()[..3]);
    vp8x[7..10].copy_from_slice(&(h - 1).to_le_bytes()[..3]);
    push_chunk(&mut body, b"VP8X", &vp8x)?;
    if let Some(icc) = icc {
        push_chunk(&mut body, b"ICCP", icc)?;
    }
    for (kind, data) in image {
        push_chunk(&mut body, kind, data)?;
    }
    if let Some(exif) = exif {
        push_chunk(&mut body, b"EXIF", exif)?;
    }
    if let Some(xmp) = xmp {
        push_chunk(&mut body, b"XMP ", xmp)?;
    }
    let size = u32::try_from(body.len())
        .ok()
        .filter(|&n| n < u32::MAX - 1)
        .ok_or_else(|| encode_error(FORMAT, "file larger than 4 GiB"))?;
    let mut out = Vec::with_capacity(body.len() + 8);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&body);
    Ok(out)
}
