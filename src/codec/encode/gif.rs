use super::*;
use image::codecs::gif::GifEncoder;
use image::ExtendedColorType;

const FORMAT: &str = "GIF";
/// NeuQuant sampling: 1 is best and slowest, 30 fastest; 10 is gif's suggested balance.
const SPEED: i32 = 10;

pub(super) fn encode(frame: &Frame) -> Result<Vec<u8>> {
    let (data, color) = match frame.layout() {
        PixelLayout::Rgb8 => (frame.data().to_vec(), ExtendedColorType::Rgb8),
        PixelLayout::Gray8 => (
            frame.to_layout(PixelLayout::Rgb8).into_data(),
            ExtendedColorType::Rgb8,
        ),
        PixelLayout::GrayAlpha8 | PixelLayout::Rgba8 => {
            let mut rgba = frame.to_layout(PixelLayout::Rgba8).into_data();
            // GIF has one transparent index: alpha < 128 becomes it, the rest is opaque.
            for px in rgba.chunks_exact_mut(4) {
                if px[3] < 128 {
                    px.copy_from_slice(&[0, 0, 0, 0]);
                } else {
                    px[3] = 255;
                }
            }
            (rgba, ExtendedColorType::Rgba8)
        }
    };
    let run = || -> Result<Vec<u8>> {
        let mut out = Vec::new();
        {
            let mut enc = GifEncoder::new_with_speed(&mut out, SPEED);
            enc.encode(&data, frame.width(), frame.height(), color)
                .map_err(|e| encode_error(FORMAT, e.to_string()))?;
        }
        Ok(out)
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
        .unwrap_or_else(|payload| Err(encode_error(FORMAT, panic_message(payload.as_ref()))))
}
