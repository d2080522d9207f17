use super::*;

#[cfg(feature = "avif")]
pub(super) fn encode(frame: &Frame, quality: u8, opts: &EncodeOptions) -> Result<Vec<u8>> {
    use image::codecs::avif::AvifEncoder;
    use image::{ExtendedColorType, ImageEncoder};

    const FORMAT: &str = "AVIF";
    let rgb = &*rgb8_or_rgba8(frame);
    let color = if rgb.layout() == PixelLayout::Rgba8 {
        ExtendedColorType::Rgba8
    } else {
        ExtendedColorType::Rgb8
    };
    let speed = opts.avif_speed.clamp(1, 10);
    let exif = block(&opts.metadata.exif).map(<[u8]>::to_vec);
    let run = || -> Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut enc = AvifEncoder::new_with_speed_quality(&mut out, speed, quality);
        if let Some(exif) = exif {
            enc.set_exif_metadata(exif)
                .map_err(|e| encode_error(FORMAT, e.to_string()))?;
        }
        enc.write_image(rgb.data(), rgb.width(), rgb.height(), color)
            .map_err(|e| encode_error(FORMAT, e.to_string()))?;
        Ok(out)
    };
    // rav1e asserts internally; never let that unwind into the host.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
        .unwrap_or_else(|payload| Err(encode_error(FORMAT, panic_message(payload.as_ref()))))
}

#[cfg(not(feature = "avif"))]
pub(super) fn encode(_frame: &Frame, _quality: u8, _opts: &EncodeOptions) -> Result<Vec<u8>> {
    Err(encode_error("AVIF", "AVIF support not compiled in"))
}
