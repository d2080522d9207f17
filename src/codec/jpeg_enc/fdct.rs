//! The forward DCT and quantiser: libjpeg's "islow" integer DCT (Loeffler–Ligtenberg–
//! Moschytz, 13-bit constants, two extra bits of precision between the passes) and its
//! round-half-away-from-zero quantisation, so a block codes to exactly the coefficients
//! libjpeg-turbo and mozjpeg produce.

/// Fraction bits of the multiplier constants.
const CONST_BITS: u32 = 13;
/// Extra precision kept between the row and the column pass.
const PASS1_BITS: u32 = 2;

/// `round(x · 2^13)` for the rotation constants of the LL&M factorisation.
const F_0_298: i32 = 2446;
const F_0_390: i32 = 3196;
const F_0_541: i32 = 4433;
const F_0_765: i32 = 6270;
const F_0_899: i32 = 7373;
const F_1_175: i32 = 9633;
const F_1_501: i32 = 12299;
const F_1_847: i32 = 15137;
const F_1_961: i32 = 16069;
const F_2_053: i32 = 16819;
const F_2_562: i32 = 20995;
const F_3_072: i32 = 25172;

/// Zigzag position → natural (row-major) position.
pub(super) const NATURAL_ORDER: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/// Eight lanes: one value from each of eight rows (or columns) processed together.
type Lanes = [i32; 8];
/// An 8×8 block as eight lane vectors.
pub(super) type Block = [Lanes; 8];

/// `(x + 2^(n-1)) >> n`, an arithmetic shift with rounding.
#[inline(always)]
fn descale(x: i32, n: u32) -> i32 {
    (x + (1 << (n - 1))) >> n
}

/// One 1-D LL&M pass over eight lanes at once: `d[k][lane]` is input `k` of transform
/// `lane`, and receives output `k`. Written as a loop over lanes whose body reads each
/// `d[k]` contiguously, so the compiler turns it into vector code. The first (row) pass
/// keeps `PASS1_BITS` extra bits; the second removes them.
// Indexing by lane is the point: each `d[k][lane]` stream is what becomes a vector.
#[allow(clippy::needless_range_loop)]
#[inline(always)]
fn pass(d: &mut Block, first: bool) {
    let shift = if first {
        CONST_BITS - PASS1_BITS
    } else {
        CONST_BITS + PASS1_BITS
    };
    for lane in 0..8 {
        let at = |k: usize| d[k][lane];
        let (tmp0, tmp7) = (at(0) + at(7), at(0) - at(7));
        let (tmp1, tmp6) = (at(1) + at(6), at(1) - at(6));
        let (tmp2, tmp5) = (at(2) + at(5), at(2) - at(5));
        let (tmp3, tmp4) = (at(3) + at(4), at(3) - at(4));

        let (tmp10, tmp13) = (tmp0 + tmp3, tmp0 - tmp3);
        let (tmp11, tmp12) = (tmp1 + tmp2, tmp1 - tmp2);
        let (out0, out4) = if first {
            ((tmp10 + tmp11) << PASS1_BITS, (tmp10 - tmp11) << PASS1_BITS)
        } else {
            (
                descale(tmp10 + tmp11, PASS1_BITS),
                descale(tmp10 - tmp11, PASS1_BITS),
            )
        };
        let z1 = (tmp12 + tmp13) * F_0_541;
        let out2 = descale(z1 + tmp13 * F_0_765, shift);
        let out6 = descale(z1 - tmp12 * F_1_847, shift);

        let z1 = tmp4 + tmp7;
        let z2 = tmp5 + tmp6;
        let z3 = tmp4 + tmp6;
        let z4 = tmp5 + tmp7;
        let z5 = (z3 + z4) * F_1_175;
        let tmp4 = tmp4 * F_0_298;
        let tmp5 = tmp5 * F_2_053;
        let tmp6 = tmp6 * F_3_072;
        let tmp7 = tmp7 * F_1_501;
        let z1 = z1 * -F_0_899;
        let z2 = z2 * -F_2_562;
        let z3 = z3 * -F_1_961 + z5;
        let z4 = z4 * -F_0_390 + z5;
        d[0][lane] = out0;
        d[1][lane] = descale(tmp7 + z1 + z4, shift);
        d[2][lane] = out2;
        d[3][lane] = descale(tmp6 + z2 + z3, shift);
        d[4][lane] = out4;
        d[5][lane] = descale(tmp5 + z2 + z4, shift);
        d[6][lane] = out6;
        d[7][lane] = descale(tmp4 + z1 + z3, shift);
    }
}

/// The DCT of one block of level-shifted samples given **transposed** (`t[x][y]`, as the
/// caller's loads naturally produce), returning natural order (`F[v][u]`). Outputs are 8×
/// the orthonormal coefficients (the quantiser divides by 8·q).
#[inline(always)]
pub(super) fn forward(t: &mut Block) {
    // Lanes are rows: one pass transforms all eight rows.
    pass(t, true);
    // Now t[u][y]; transpose so lanes are columns.
    let mut c: Block = [[0; 8]; 8];
    for (u, row) in t.iter().enumerate() {
        for (y, &v) in row.iter().enumerate() {
            c[y][u] = v;
        }
    }
    pass(&mut c, false);
    *t = c;
}

/// Divisors for one quantisation table, ready for [`Quantizer::quantize`]: libjpeg-turbo's
/// reciprocal scheme, exact division in 16-bit arithmetic.
#[derive(Clone)]
pub(super) struct Quantizer {
    /// Per natural position: the rounding term (d/2, plus one where the reciprocal was
    /// rounded down).
    correction: [u16; 64],
    /// Per natural position: `2^r / d` rounded so that the product lands exactly.
    reciprocal: [u16; 64],
    /// Per natural position: `2^(32 − r)`, applied as a second high multiply.
    scale: [u16; 64],
}

/// The largest |DCT output| for 8-bit samples is 8 · 8 · 128 = 8192 (a flat block); with
/// the correction (< 2^15) the dividend stays below 2^16, which the scheme needs.
const MAX_MAGNITUDE: u32 = 8192;

impl Quantizer {
    /// Divisors for `table` (natural order, entries 1–8191; larger are clamped).
    pub(super) fn new(table: &[u16; 64]) -> Quantizer {
        let mut q = Quantizer {
            correction: [0; 64],
            reciprocal: [0; 64],
            scale: [0; 64],
        };
        for (i, &entry) in table.iter().enumerate() {
            let d = u32::from(entry.clamp(1, 8191)) * 8;
            let b = 31 - d.leading_zeros();
            let mut r = 16 + b;
            let mut fq = (1u64 << r) / u64::from(d);
            let fr = (1u64 << r) % u64::from(d);
            let mut c = d / 2;
            if fr == 0 {
                fq >>= 1;
                r -= 1;
            } else if fr <= u64::from(d / 2) {
                c += 1;
            } else {
                fq += 1;
            }
            q.correction[i] = c as u16;
            q.reciprocal[i] = fq as u16;
            q.scale[i] = (1u32 << (32 - r)) as u16;
        }
        q
    }

    /// `floor((n · reciprocal) / 2^r)` as two 16-bit high multiplies.
    #[inline(always)]
    fn divide(&self, i: usize, magnitude: u16) -> u16 {
        let n = magnitude + self.correction[i];
        let t = ((u32::from(n) * u32::from(self.reciprocal[i])) >> 16) as u16;
        ((u32::from(t) * u32::from(self.scale[i])) >> 16) as u16
    }

    /// Quantises the DCT output `d` (natural order, `d[v][u]`) into `out` (zigzag order):
    /// `sign(x) · floor((|x| + d/2) / d)`, libjpeg's rounding.
    #[inline(always)]
    pub(super) fn quantize(&self, d: &Block, out: &mut [i16]) {
        let mut natural = [0i16; 64];
        for (v, row) in d.iter().enumerate() {
            for (u, &x) in row.iter().enumerate() {
                let i = v * 8 + u;
                let magnitude = x.unsigned_abs().min(MAX_MAGNITUDE) as u16;
                let q = self.divide(i, magnitude) as i16;
                natural[i] = if x < 0 { -q } else { q };
            }
        }
        for (o, &k) in out.iter_mut().zip(NATURAL_ORDER.iter()) {
            *o = natural[k];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `samples` (row-major) loaded transposed, as the encoder does, then transformed.
    fn transform(samples: &[i32; 64]) -> [i32; 64] {
        let mut t: Block = [[0; 8]; 8];
        for y in 0..8 {
            for x in 0..8 {
                t[x][y] = samples[y * 8 + x];
            }
        }
        forward(&mut t);
        let mut out = [0; 64];
        for v in 0..8 {
            for u in 0..8 {
                out[v * 8 + u] = t[v][u];
            }
        }
        out
    }

    /// The orthonormal 2-D DCT-II in f64, scaled by 8 like `forward`'s output.
    fn reference(samples: &[i32; 64]) -> [f64; 64] {
        let c = |k: usize| if k == 0 { (0.5f64).sqrt() } else { 1.0 };
        let mut out = [0.0; 64];
        for v in 0..8 {
            for u in 0..8 {
                let mut s = 0.0;
                for y in 0..8 {
                    for x in 0..8 {
                        s += f64::from(samples[y * 8 + x])
                            * ((2 * x + 1) as f64 * u as f64 * std::f64::consts::PI / 16.0).cos()
                            * ((2 * y + 1) as f64 * v as f64 * std::f64::consts::PI / 16.0).cos();
                    }
                }
                out[v * 8 + u] = 8.0 * 0.25 * c(u) * c(v) * s;
            }
        }
        out
    }

    #[test]
    fn islow_tracks_the_exact_dct() {
        let mut seed = 0x2545_f491_u32;
        for _ in 0..200 {
            let mut block = [0i32; 64];
            for v in block.iter_mut() {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                *v = (seed % 256) as i32 - 128;
            }
            let want = reference(&block);
            for (got, want) in transform(&block).iter().zip(want.iter()) {
                // 13-bit constants and two rounding steps: within a few units of 8×.
                assert!((f64::from(*got) - want).abs() <= 4.0, "{got} vs {want}");
            }
        }
    }

    #[test]
    fn flat_block_has_only_dc() {
        let block = transform(&[100 - 128; 64]);
        assert_eq!(block[0], 8 * 8 * (100 - 128));
        assert!(block[1..].iter().all(|&c| c == 0));
        // The extremes stay within the quantiser's range.
        assert_eq!(transform(&[-128; 64])[0], -(MAX_MAGNITUDE as i32));
    }

    #[test]
    fn quantizer_divides_exactly_with_libjpeg_rounding() {
        // Every table entry, every magnitude the DCT can produce.
        for q in 1u16..=8191 {
            let quant = Quantizer::new(&[q; 64]);
            let d = u32::from(q) * 8;
            for n in 0..=MAX_MAGNITUDE {
                let want = (n + d / 2) / d;
                assert_eq!(u32::from(quant.divide(0, n as u16)), want, "n {n} q {q}");
            }
        }
        let quant = Quantizer::new(&[3; 64]);
        let mut block: Block = [[0; 8]; 8];
        block[0][0] = -36;
        block[0][1] = 36;
        block[0][2] = -11;
        let mut out = [0i16; 64];
        quant.quantize(&block, &mut out);
        assert_eq!(&out[..3], &[-2, 2, 0]);
    }

    #[test]
    fn quantizer_writes_zigzag_order() {
        let quant = Quantizer::new(&[1; 64]);
        let mut block: Block = [[0; 8]; 8];
        for (i, v) in block.iter_mut().flatten().enumerate() {
            *v = i as i32 * 8;
        }
        let mut out = [0i16; 64];
        quant.quantize(&block, &mut out);
        for (z, &n) in NATURAL_ORDER.iter().enumerate() {
            assert_eq!(out[z], n as i16);
        }
    }
}
