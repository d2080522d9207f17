//! Shrink-on-load for Y′CbCr planes (AVIF, HEIC): each plane is box-averaged by 2, 4 or 8
//! before the conversion to RGB, so a thumbnail converts an eighth or less of the pixels.
//!
//! The factor follows the one rule JPEG's DCT scaling uses ([`crate::plan::shrink_factor`]
//! on the decoder's `min_size`), so the planned first step sees the same kind of frame.
//! Luma and chroma are averaged by the same factor: a chroma sample of a 4:2:0 picture
//! covers the same two shrunk luma samples it covered before, and the chroma plane's size
//! stays what the shrunk luma size calls for (`⌈⌈w/2⌉/d⌉ = ⌈⌈w/d⌉/2⌉`).

use super::planes::{Planes, Samples};

/// The planes averaged over `denom × denom` blocks (the blocks at the right and bottom
/// edges average the samples they have). `denom` 1 gives the planes back.
///
/// # Errors
/// A message when memory for the shrunk planes runs out.
pub(super) fn shrink(planes: Planes, denom: usize) -> Result<Planes, String> {
    if denom <= 1 || planes.width == 0 || planes.height == 0 {
        return Ok(planes);
    }
    let (w, h) = (planes.width, planes.height);
    let (cw, ch) = planes.chroma.chroma_size(w, h);
    let [y, u, v] = &planes.planes;
    let shrunk = [
        shrink_plane(y, w, h, denom)?,
        shrink_plane(u, cw, ch, denom)?,
        shrink_plane(v, cw, ch, denom)?,
    ];
    Ok(Planes {
        width: w.div_ceil(denom),
        height: h.div_ceil(denom),
        planes: shrunk,
        ..planes
    })
}

/// One `w × h` plane averaged over `d × d` blocks. An empty plane (no chroma) stays empty;
/// a plane shorter than `w × h` averages the samples it has.
fn shrink_plane(plane: &Samples, w: usize, h: usize, d: usize) -> Result<Samples, String> {
    if w == 0 || h == 0 {
        return plane.zeroed_like(0);
    }
    let (ow, oh) = (w.div_ceil(d), h.div_ceil(d));
    let mut out = plane.zeroed_like(ow * oh)?;
    match (plane, &mut out) {
        (Samples::U8(src), Samples::U8(dst)) => average(src, dst, w, d, |v| v as u8),
        (Samples::U16(src), Samples::U16(dst)) => average(src, dst, w, d, |v| v as u16),
        _ => {}
    }
    Ok(out)
}

/// Box-averages `src` (rows of `w`) into `dst` (rows of `⌈w/d⌉`), rounding to nearest.
/// `narrow` takes an average back to a sample: it is at most the largest sample averaged,
/// so it always fits.
fn average<T: Copy + Into<u32>>(
    src: &[T],
    dst: &mut [T],
    w: usize,
    d: usize,
    narrow: impl Fn(u32) -> T,
) {
    let ow = w.div_ceil(d);
    let mut sums = vec![0u32; ow];
    for (band, out_row) in src.chunks(w * d).zip(dst.chunks_exact_mut(ow)) {
        sums.fill(0);
        let mut rows = 0u32;
        for row in band.chunks(w) {
            rows += 1;
            for (sum, block) in sums.iter_mut().zip(row.chunks(d)) {
                *sum += block.iter().map(|&v| v.into()).sum::<u32>();
            }
        }
        for (x, (o, &sum)) in out_row.iter_mut().zip(&sums).enumerate() {
            let cols = (w - x * d).min(d) as u32;
            let count = cols * rows;
            *o = narrow((sum + count / 2) / count);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::planes::Chroma;
    use super::*;

    fn planes(w: usize, h: usize, chroma: Chroma, y: Vec<u8>, u: Vec<u8>, v: Vec<u8>) -> Planes {
        Planes {
            width: w,
            height: h,
            depth: 8,
            chroma,
            planes: [Samples::U8(y), Samples::U8(u), Samples::U8(v)],
            matrix: 1,
            full_range: true,
        }
    }

    #[test]
    fn blocks_average_and_edges_use_the_samples_they_have() {
        // 5×3 luma, 4:2:0 chroma 3×2, shrunk by 2: luma 3×2, chroma 2×1.
        let y: Vec<u8> = (0..15).map(|i| i * 10).collect();
        let p = planes(
            5,
            3,
            Chroma::Yuv420,
            y,
            vec![0, 10, 20, 30, 40, 51],
            vec![7; 6],
        );
        let s = shrink(p, 2).unwrap();
        assert_eq!((s.width, s.height), (3, 2));
        // Rows 0–1: (0+10+50+60)/4 = 30, (20+30+70+80)/4 = 50, (40+90)/2 = 65;
        // row 2 alone: (100+110)/2 = 105, (120+130)/2 = 125, 140.
        assert_eq!(s.planes[0], Samples::U8(vec![30, 50, 65, 105, 125, 140]));
        // Chroma 3×2 → 2×1: (0+10+30+40)/4 = 20, (20+51)/2 = 35.5 → 36.
        assert_eq!(s.planes[1], Samples::U8(vec![20, 36]));
        assert_eq!(s.planes[2], Samples::U8(vec![7, 7]));
        assert_eq!(s.chroma.chroma_size(s.width, s.height), (2, 1));
    }

    #[test]
    fn ten_bit_samples_and_mono_planes() {
        let p = Planes {
            width: 8,
            height: 8,
            depth: 10,
            chroma: Chroma::Mono,
            planes: [
                Samples::U16((0..64).map(|i| if i % 2 == 0 { 1023 } else { 0 }).collect()),
                Samples::U16(Vec::new()),
                Samples::U16(Vec::new()),
            ],
            matrix: 1,
            full_range: true,
        };
        let s = shrink(p, 8).unwrap();
        assert_eq!((s.width, s.height), (1, 1));
        // 32 × 1023 / 64 = 511.5 → 512.
        assert_eq!(s.planes[0], Samples::U16(vec![512]));
        assert_eq!(s.planes[1], Samples::U16(Vec::new()));
    }

    #[test]
    fn a_factor_of_one_gives_the_planes_back() {
        let p = planes(2, 1, Chroma::Yuv444, vec![1, 2], vec![3, 4], vec![5, 6]);
        let s = shrink(p.clone(), 1).unwrap();
        assert_eq!(s.planes, p.planes);
    }
}
