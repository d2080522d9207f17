//! Decoded Y′CbCr planes, codec-neutral: what the AV1 and HEVC decoders hand to the HEIF
//! reader (grids, clean aperture) and to [`super::yuv`].

/// Chroma layout of the decoded planes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chroma {
    /// Luma only.
    Mono,
    /// Chroma halved both ways.
    Yuv420,
    /// Chroma halved horizontally.
    Yuv422,
    /// Full-resolution chroma.
    Yuv444,
}

impl Chroma {
    /// Chroma plane size for a `w × h` luma plane.
    pub fn chroma_size(self, w: usize, h: usize) -> (usize, usize) {
        match self {
            Chroma::Mono => (0, 0),
            Chroma::Yuv420 => (w.div_ceil(2), h.div_ceil(2)),
            Chroma::Yuv422 => (w.div_ceil(2), h),
            Chroma::Yuv444 => (w, h),
        }
    }
}

/// One plane's samples, tightly packed: bytes for 8-bit pictures, `u16` above.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Samples {
    /// 8-bit samples.
    U8(Vec<u8>),
    /// 10- and 12-bit samples.
    U16(Vec<u16>),
}

impl Samples {
    /// `len` zero samples of the same width as `self`, or an error when memory runs out.
    pub fn zeroed_like(&self, len: usize) -> Result<Samples, String> {
        fn zeroed<T: Clone + Default>(len: usize) -> Result<Vec<T>, String> {
            let mut v = Vec::new();
            v.try_reserve_exact(len)
                .map_err(|_| "no memory for the decoded planes".to_string())?;
            v.resize(len, T::default());
            Ok(v)
        }
        Ok(match self {
            Samples::U8(_) => Samples::U8(zeroed(len)?),
            Samples::U16(_) => Samples::U16(zeroed(len)?),
        })
    }

    /// `dst.len()` samples from `start`, each looked up in `lut` (samples outside the
    /// table, or a range outside the plane, read as 0.0).
    pub fn lookup_into(&self, start: usize, lut: &[f32], dst: &mut [f32]) {
        let at = |v: usize| lut.get(v).copied().unwrap_or(0.0);
        let n = dst.len();
        match self {
            Samples::U8(v) => match v.get(start..start + n) {
                Some(src) => {
                    for (d, &s) in dst.iter_mut().zip(src) {
                        *d = at(usize::from(s));
                    }
                }
                None => dst.fill(0.0),
            },
            Samples::U16(v) => match v.get(start..start + n) {
                Some(src) => {
                    for (d, &s) in dst.iter_mut().zip(src) {
                        *d = at(usize::from(s));
                    }
                }
                None => dst.fill(0.0),
            },
        }
    }

    /// An empty plane of bytes, or of `u16` when `wide`.
    pub fn empty(wide: bool) -> Samples {
        if wide {
            Samples::U16(Vec::new())
        } else {
            Samples::U8(Vec::new())
        }
    }

    /// A `w × h` plane filled from a decoder's rows: `row(y)` gives row `y` as `w` samples
    /// of native-endian bytes (two per sample when `wide`); a short row leaves the rest 0.
    ///
    /// # Errors
    /// A message when memory for the plane runs out.
    pub fn from_rows<'a>(
        wide: bool,
        w: usize,
        h: usize,
        mut row: impl FnMut(usize) -> &'a [u8],
    ) -> Result<Samples, String> {
        let mut out = Samples::empty(wide).zeroed_like(w * h)?;
        if w == 0 {
            return Ok(out);
        }
        match &mut out {
            Samples::U16(v) => {
                for (y, dst) in v.chunks_exact_mut(w).enumerate() {
                    for (d, c) in dst.iter_mut().zip(row(y).chunks_exact(2)) {
                        *d = u16::from_ne_bytes([c[0], c[1]]);
                    }
                }
            }
            Samples::U8(v) => {
                for (y, dst) in v.chunks_exact_mut(w).enumerate() {
                    let src = row(y);
                    let n = src.len().min(w);
                    if let (Some(d), Some(s)) = (dst.get_mut(..n), src.get(..n)) {
                        d.copy_from_slice(s);
                    }
                }
            }
        }
        Ok(out)
    }

    /// Copies `n` samples of `src` from `from` to `at` (same sample width; a mismatch or a
    /// range outside either plane copies nothing).
    pub fn copy_from(&mut self, at: usize, src: &Samples, from: usize, n: usize) {
        match (self, src) {
            (Samples::U8(d), Samples::U8(s)) => {
                if let (Some(d), Some(s)) = (d.get_mut(at..at + n), s.get(from..from + n)) {
                    d.copy_from_slice(s);
                }
            }
            (Samples::U16(d), Samples::U16(s)) => {
                if let (Some(d), Some(s)) = (d.get_mut(at..at + n), s.get(from..from + n)) {
                    d.copy_from_slice(s);
                }
            }
            _ => {}
        }
    }
}

/// A decoded picture's planes, tightly packed.
#[derive(Debug, Clone)]
pub struct Planes {
    /// Luma width.
    pub width: usize,
    /// Luma height.
    pub height: usize,
    /// Bits per sample: 8, 10 or 12.
    pub depth: u8,
    /// The chroma layout.
    pub chroma: Chroma,
    /// Y, then U and V (empty for [`Chroma::Mono`]).
    pub planes: [Samples; 3],
    /// The sequence header's matrix coefficients (H.273 code).
    pub matrix: u16,
    /// Full-range samples.
    pub full_range: bool,
}
