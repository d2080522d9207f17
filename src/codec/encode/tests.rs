use super::*;

/// A frame mixing a photo-like part (the bundled sample, decoded at 1/8 and tiled),
/// gradients and xorshift noise, so every Huffman symbol class and edge case shows up.
fn test_frame(width: u32, height: u32, gray: bool, seed: u32) -> Frame {
    let sample = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/data/seeding-cc0-1600x900.jpg"),
    )
    .unwrap_or_default();
    let photo = crate::codec::jpeg_dc::decode_dc_with(
        &sample,
        &crate::codec::jpeg_dc::ScaledOptions {
            max_pixels: u64::MAX,
            threads: 1,
        },
    )
    .ok()
    .flatten()
    .map(|d| d.frame);
    let channels = if gray { 1 } else { 3 };
    let mut state = seed | 1;
    let mut data = Vec::with_capacity((width * height) as usize * channels);
    for y in 0..height {
        for x in 0..width {
            for ch in 0..channels {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                let v = match (x * 3 / width.max(1), &photo) {
                    (0, Some(p)) => {
                        let px = p.pixel(x % p.width(), y % p.height()).unwrap_or(&[0, 0, 0]);
                        px[ch.min(px.len() - 1)]
                    }
                    (1, _) => ((x * 7 + y * 3 + ch as u32 * 40) % 256) as u8,
                    _ => (state >> 24) as u8,
                };
                data.push(v);
            }
        }
    }
    let layout = if gray {
        PixelLayout::Gray8
    } else {
        PixelLayout::Rgb8
    };
    Frame::new(width, height, layout, data).unwrap()
}

/// pixform's baseline encoder writes exactly mozjpeg's bytes (libjpeg-turbo's islow
/// DCT, quantisation, sampling and optimal Huffman tables) across sizes that leave
/// partial blocks and MCUs and dummy blocks, every subsampling, gray, qualities whose
/// tables go 16-bit, and with APP segments.
#[test]
fn baseline_matches_mozjpeg_byte_for_byte() {
    let sizes = [
        (1, 1),
        (7, 9),
        (8, 8),
        (15, 17),
        (16, 16),
        (17, 33),
        (33, 17),
        (300, 200),
        (301, 199),
        (64, 130),
    ];
    let mut cases = 0;
    for (i, &(w, h)) in sizes.iter().enumerate() {
        for gray in [false, true] {
            let frame = test_frame(w, h, gray, 0x9e37_79b9 ^ i as u32);
            for subsampling in [
                ChromaSubsampling::Yuv420,
                ChromaSubsampling::Yuv422,
                ChromaSubsampling::Yuv444,
            ] {
                if gray && subsampling != ChromaSubsampling::Yuv420 {
                    continue;
                }
                for quality in [1u8, 10, 24, 50, 80, 95, 100] {
                    let mut opts = EncodeOptions {
                        quality,
                        subsampling,
                        ..EncodeOptions::default()
                    };
                    if i == 3 {
                        opts.metadata.exif = Some(b"MM\0*\0\0\0\x08\0\0".to_vec());
                        opts.metadata.icc = Some(vec![7; 70_000]);
                    }
                    let ours = jpeg::baseline(&frame, quality, &opts).unwrap();
                    let theirs = jpeg::with_mozjpeg(&frame, quality, &opts).unwrap();
                    assert!(
                        ours == theirs,
                        "{w}x{h} gray {gray} {subsampling:?} q{quality}: {} vs {} bytes, \
                         first difference at {:?}",
                        ours.len(),
                        theirs.len(),
                        ours.iter().zip(&theirs).position(|(a, b)| a != b)
                    );
                    cases += 1;
                }
            }
        }
    }
    assert_eq!(cases, 10 * 4 * 7);
}

#[test]
fn baseline_stops_at_a_passed_deadline() {
    let frame = test_frame(64, 64, false, 5);
    let opts = EncodeOptions {
        deadline: Some(Instant::now()),
        ..EncodeOptions::default()
    };
    std::thread::sleep(std::time::Duration::from_millis(2));
    assert!(matches!(
        jpeg::baseline(&frame, 80, &opts),
        Err(Error::DeadlineExceeded)
    ));
}
