//! Entropy-coded-segment reading for the DC-only decoder: a 64-bit MSB-first bit buffer
//! refilled eight bytes at a time when no `0xFF` is near, byte by byte (undoing `FF 00`
//! stuffing) otherwise, and canonical Huffman tables with a `FAST_BITS` look-ahead.
//!
//! At a marker or at the end of the input the reader appends zero bits, as libjpeg does;
//! [`BitReader::overrun`] tells whether any of those invented bits were consumed.

use crate::error::{Error, Result};

/// Bits looked up at once in the fast Huffman tables.
pub(crate) const FAST_BITS: u32 = 10;
const FAST_SIZE: usize = 1 << FAST_BITS;
/// Bits looked up at once in the multi-symbol AC skip table.
pub(crate) const MULTI_BITS: u32 = 12;
const MULTI_SIZE: usize = 1 << MULTI_BITS;

/// Bits one decode step may consume: a code (≤ 16) plus its extra bits (≤ 15).
const MAX_STEP: u32 = 31;

fn undecodable(reason: &str) -> Error {
    Error::Undecodable {
        format: "jpeg",
        reason: reason.to_string(),
    }
}

/// Whether any byte of `w` is `0xFF`.
#[inline(always)]
pub(crate) fn has_ff(w: u64) -> bool {
    let v = !w;
    (v.wrapping_sub(0x0101_0101_0101_0101) & !v & 0x8080_8080_8080_8080) != 0
}

/// A canonical Huffman table (one DHT entry) with look-up tables for decoding.
#[derive(Clone)]
pub(crate) struct HuffTable {
    /// Indexed by the next `FAST_BITS` bits: `len | symbol << 8` for codes up to
    /// `FAST_BITS` long, 0 for longer codes.
    fast_sym: Box<[u16; FAST_SIZE]>,
    /// AC skipping: indexed by the next `FAST_BITS` bits: `consumed | advance << 5`, where
    /// `consumed` = code length + extra bits and `advance` is how far the coefficient index
    /// moves (0 = end of block); 0 for codes longer than `FAST_BITS`.
    fast_skip: Box<[u16; FAST_SIZE]>,
    /// AC decoding with values: indexed by the next `FAST_BITS` bits: `consumed | r << 8 |
    /// s << 12 | value << 16` (run `r`, size `s`, the sign-extended coefficient) when the
    /// code and its extra bits fit in `FAST_BITS`; 0 otherwise. Saves reading the extra
    /// bits separately for the common short codes.
    fast_ac: Box<[i32; FAST_SIZE]>,
    /// AC skipping, several symbols at once: indexed by the next `MULTI_BITS` bits:
    /// `consumed | check << 4 | eob << 11` for the longest run of whole symbols (code and
    /// extra bits) that fits, where `check` is the coefficient advance (plus one when the
    /// run ends with an end-of-block); 0 when not even one symbol fits.
    multi: Box<[u16; MULTI_SIZE]>,
    /// Largest code of each length (index 1..=16), -1 when none.
    maxcode: [i32; 18],
    /// `values` index of the first code of each length minus that code.
    delta: [i32; 17],
    /// Symbols in code order.
    values: [u8; 256],
}

impl HuffTable {
    /// Builds a table from the 16 code-length counts and the symbols of a DHT entry.
    ///
    /// # Errors
    /// [`Error::Undecodable`] when the counts overflow the code space or exceed 256, or
    /// when a DC table (`is_dc`) holds a symbol above 15.
    pub(crate) fn new(counts: &[u8; 16], symbols: &[u8], is_dc: bool) -> Result<Self> {
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        if total > 256 || total != symbols.len() {
            return Err(undecodable("bad Huffman table"));
        }
        if is_dc && symbols.iter().any(|&s| s > 15) {
            return Err(undecodable("bad DC Huffman table"));
        }
        let mut values = [0u8; 256];
        values[..total].copy_from_slice(symbols);
        let mut fast_sym = Box::new([0u16; FAST_SIZE]);
        let mut fast_skip = Box::new([0u16; FAST_SIZE]);
        let mut fast_ac = Box::new([0i32; FAST_SIZE]);
        let mut maxcode = [-1i32; 18];
        let mut delta = [0i32; 17];
        let mut code: u32 = 0;
        let mut k: usize = 0;
        for len in 1..=16u32 {
            let n = u32::from(counts[(len - 1) as usize]);
            // Index of the first symbol of this length minus its code.
            delta[len as usize] = k as i32 - code as i32;
            for _ in 0..n {
                let sym = values[k];
                if len <= FAST_BITS {
                    let shift = FAST_BITS - len;
                    let lo = (code << shift) as usize;
                    let hi = ((code + 1) << shift) as usize;
                    let sym16 = u16::from(sym);
                    let s = sym16 & 15;
                    let r = sym16 >> 4;
                    let skip = if s == 0 {
                        if r == 15 {
                            len as u16 | (16 << 5)
                        } else {
                            len as u16
                        }
                    } else {
                        (len as u16 + s) | ((r + 1) << 5)
                    };
                    for i in lo..hi.min(FAST_SIZE) {
                        fast_sym[i] = len as u16 | (sym16 << 8);
                        fast_skip[i] = skip;
                        fast_ac[i] = fast_ac_entry(i as u32, len, u32::from(sym));
                    }
                }
                code += 1;
                k += 1;
            }
            if n > 0 {
                maxcode[len as usize] = code as i32 - 1;
            }
            // The codes of `len` bits must fit in `len` bits without the all-ones code
            // (libjpeg rejects such tables too).
            if code >= (1 << len) {
                return Err(undecodable("bad Huffman table"));
            }
            code <<= 1;
        }
        maxcode[17] = i32::MAX;
        let multi = build_multi(&fast_sym);
        Ok(HuffTable {
            fast_sym,
            fast_skip,
            fast_ac,
            multi,
            maxcode,
            delta,
            values,
        })
    }

    /// Decodes a code longer than `FAST_BITS` from the top 16 bits of `acc`: returns
    /// (length, symbol). A bit pattern that is no code gives (16, 0), libjpeg's choice.
    #[cold]
    #[inline(never)]
    fn slow(&self, acc: u64) -> (u32, u32) {
        let top = (acc >> 48) as i32;
        for len in (FAST_BITS + 1)..=16 {
            let code = top >> (16 - len);
            let max = self.maxcode.get(len as usize).copied().unwrap_or(-1);
            if code <= max {
                let d = self.delta.get(len as usize).copied().unwrap_or(0);
                let idx = (code + d) as usize & 255;
                return (len, u32::from(self.values.get(idx).copied().unwrap_or(0)));
            }
        }
        (16, 0)
    }
}

/// JPEG's EXTEND: the `s` (1..=15) extra bits `v` after a symbol as a signed value (a
/// leading 0 bit means negative).
#[inline(always)]
fn sign_extend(v: i32, s: u32) -> i32 {
    if v < (1 << (s - 1)) {
        v - (1 << s) + 1
    } else {
        v
    }
}

/// The [`HuffTable::fast_ac`] entry for look-ahead bits `bits` starting with the code of
/// `sym`, `len` bits long: 0 unless the code and its extra bits fit in `FAST_BITS`.
fn fast_ac_entry(bits: u32, len: u32, sym: u32) -> i32 {
    let (r, s) = (sym >> 4, sym & 15);
    if len + s > FAST_BITS {
        return 0;
    }
    let value = if s == 0 {
        0
    } else {
        sign_extend(((bits >> (FAST_BITS - len - s)) & ((1 << s) - 1)) as i32, s)
    };
    (len + s) as i32 | (r << 8) as i32 | (s << 12) as i32 | (value << 16)
}

/// Builds the multi-symbol AC skip table from the single-symbol one.
fn build_multi(fast_sym: &[u16; FAST_SIZE]) -> Box<[u16; MULTI_SIZE]> {
    let mut multi = Box::new([0u16; MULTI_SIZE]);
    for (pattern, slot) in multi.iter_mut().enumerate() {
        let mut used = 0u32;
        let mut check = 0u32;
        let mut eob = false;
        while used < MULTI_BITS && !eob {
            // The next FAST_BITS bits of the pattern after `used` (zero-filled).
            let rest = ((pattern as u32) << used) & ((1 << MULTI_BITS) - 1);
            let idx = (rest >> (MULTI_BITS - FAST_BITS)) as usize;
            let e = fast_sym.get(idx).copied().unwrap_or(0);
            if e == 0 {
                break;
            }
            let len = u32::from(e & 31);
            let sym = u32::from(e >> 8);
            let (r, s) = (sym >> 4, sym & 15);
            if used + len + s > MULTI_BITS {
                break;
            }
            let add = if s == 0 {
                if r == 15 {
                    16
                } else {
                    eob = true;
                    1
                }
            } else {
                r + 1
            };
            if check + add > 64 {
                eob = false;
                break;
            }
            used += len + s;
            check += add;
        }
        if used > 0 {
            *slot = (used | check << 4 | u32::from(eob) << 11) as u16;
        }
    }
    multi
}

/// Reads bits from one entropy-coded segment.
#[derive(Clone)]
pub(crate) struct BitReader<'a> {
    data: &'a [u8],
    /// Next byte to load.
    pos: usize,
    /// Valid bits, left-aligned; bits below `nbits` are zero.
    acc: u64,
    nbits: u32,
    /// Zero bits appended after the data ended (a marker or the end of input); they sit
    /// at the end of `acc`'s valid bits.
    fake: u64,
    /// The reader stopped at a marker or at the end of input.
    stopped: bool,
}

impl<'a> BitReader<'a> {
    /// A reader starting at `pos` of `data`.
    pub(crate) fn new(data: &'a [u8], pos: usize) -> Self {
        BitReader {
            data,
            pos,
            acc: 0,
            nbits: 0,
            fake: 0,
            stopped: false,
        }
    }

    /// The next byte not yet loaded into the bit buffer.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// The position of the next unread bit in the raw data (stuffed `00` bytes counted), in
    /// bits from the start of `data`; `None` once the reader stopped at a marker or the end.
    ///
    /// Two readers over the same data at the same raw bit position are in the same state
    /// whatever their buffering, which is what lets a speculative decoder find where it
    /// meets the one that started at the beginning.
    pub(crate) fn raw_bit_pos(&self) -> Option<u64> {
        if self.stopped {
            return None;
        }
        // The buffered bits are the last `nbits` de-stuffed bits before `pos`: walk back
        // over the raw bytes, a stuffed `00` (one after `FF`) holding no bits.
        let mut need = self.nbits;
        let mut p = self.pos;
        while need > 0 {
            p = p.checked_sub(1)?;
            let b = *self.data.get(p)?;
            if b == 0 && p > 0 && self.data.get(p - 1) == Some(&0xFF) {
                continue;
            }
            if need <= 8 {
                return Some(p as u64 * 8 + u64::from(8 - need));
            }
            need -= 8;
        }
        Some(p as u64 * 8)
    }

    /// Whether bits that were not in the data have been consumed.
    #[inline(always)]
    pub(crate) fn overrun(&self) -> bool {
        self.fake > u64::from(self.nbits)
    }

    /// Forgets buffered bits and moves to `pos` (after a restart marker).
    pub(crate) fn reset(&mut self, pos: usize) {
        self.pos = pos;
        self.acc = 0;
        self.nbits = 0;
        self.fake = 0;
        self.stopped = false;
    }

    #[inline(always)]
    fn ensure(&mut self) {
        if self.nbits < MAX_STEP + 1 {
            self.refill();
        }
    }

    #[inline(always)]
    fn refill(&mut self) {
        if !self.stopped {
            if let Some(chunk) = self.data.get(self.pos..).and_then(|s| s.first_chunk::<8>()) {
                let w = u64::from_be_bytes(*chunk);
                if !has_ff(w) {
                    // nbits < 32 here, so 4..=7 whole bytes fit.
                    let take = (63 - self.nbits) / 8;
                    let bits = take * 8;
                    self.acc |= (w >> (64 - bits)) << (64 - bits - self.nbits);
                    self.nbits += bits;
                    self.pos += take as usize;
                    return;
                }
            }
        }
        self.refill_slow();
    }

    /// [`Self::ensure`] for a bit buffer a hot loop keeps in locals (`acc`, `nbits`).
    #[inline(always)]
    fn refill_into(&mut self, acc: &mut u64, nbits: &mut u32) {
        if *nbits <= MAX_STEP {
            self.acc = *acc;
            self.nbits = *nbits;
            self.refill();
            *acc = self.acc;
            *nbits = self.nbits;
        }
    }

    #[inline(never)]
    fn refill_slow(&mut self) {
        while self.nbits <= 56 {
            if !self.stopped {
                match self.data.get(self.pos) {
                    Some(&0xFF) => {
                        if self.data.get(self.pos + 1) == Some(&0) {
                            self.pos += 2;
                            self.acc |= 0xFF << (56 - self.nbits);
                            self.nbits += 8;
                            continue;
                        }
                        self.stopped = true;
                    }
                    Some(&b) => {
                        self.pos += 1;
                        self.acc |= u64::from(b) << (56 - self.nbits);
                        self.nbits += 8;
                        continue;
                    }
                    None => self.stopped = true,
                }
            }
            // Past the data: zeros (libjpeg does the same and warns).
            self.fake += u64::from(64 - self.nbits);
            self.nbits = 64;
        }
    }

    #[inline(always)]
    fn consume(&mut self, n: u32) {
        // n ≤ MAX_STEP < 64 and n ≤ nbits after `ensure`.
        self.acc <<= n & 63;
        self.nbits = self.nbits.saturating_sub(n);
    }

    /// Reads `n` (≤ 16) raw bits.
    #[inline(always)]
    pub(crate) fn bits(&mut self, n: u32) -> u32 {
        self.ensure();
        let n = n & 31;
        if n == 0 {
            return 0;
        }
        let v = (self.acc >> (64 - n)) as u32;
        self.consume(n);
        v
    }

    /// Decodes one Huffman symbol; `ensure` must have been called.
    #[inline(always)]
    fn symbol(&mut self, t: &HuffTable) -> u32 {
        let e = t.fast_sym[(self.acc >> (64 - FAST_BITS)) as usize];
        let (len, sym) = if e != 0 {
            (u32::from(e & 31), u32::from(e >> 8))
        } else {
            t.slow(self.acc)
        };
        self.consume(len);
        sym
    }

    /// Reads the `s` (1..=15) extra bits after a symbol and sign-extends them (JPEG's
    /// EXTEND); the `ensure` before the symbol provided them.
    #[inline(always)]
    fn extend(&mut self, s: u32) -> i32 {
        let v = (self.acc >> (64 - s)) as i32;
        self.consume(s);
        sign_extend(v, s)
    }

    /// Decodes one DC difference (symbol + extra bits, sign-extended).
    #[inline(always)]
    pub(crate) fn dc_diff(&mut self, t: &HuffTable) -> i32 {
        self.ensure();
        // DC symbols are at most 15 (checked when the table was built).
        let s = self.symbol(t) & 15;
        if s == 0 {
            return 0;
        }
        self.extend(s)
    }

    /// Decodes the AC coefficients of one baseline block up to zigzag index `last` and
    /// returns the sum of `value × w[k]` over its non-zero coefficients (index `k`), having
    /// skipped the rest of the block with the fast skip tables.
    ///
    /// The bit buffer lives in locals for the block (as in [`Self::skip_ac_from`]): through
    /// `&mut self` every symbol would store and reload it.
    #[inline(always)]
    pub(crate) fn ac_accumulate(
        &mut self,
        t: &HuffTable,
        w: &[[f32; 4]; 64],
        last: usize,
    ) -> [f32; 4] {
        let mut sum = [0f32; 4];
        let mut k = 1usize;
        let mut acc = self.acc;
        let mut nbits = self.nbits;
        while k < 64 {
            if k > last {
                self.acc = acc;
                self.nbits = nbits;
                self.skip_ac_from(t, k as u32);
                return sum;
            }
            self.refill_into(&mut acc, &mut nbits);
            let e = t.fast_ac[(acc >> (64 - FAST_BITS)) as usize];
            let (r, s, v) = if e != 0 {
                // consumed ≤ FAST_BITS < MAX_STEP < nbits.
                let used = (e & 31) as u32;
                acc <<= used;
                nbits -= used;
                (((e >> 8) & 15) as usize, (e >> 12) & 15, e >> 16)
            } else {
                // A long code: the general path (rare).
                self.acc = acc;
                self.nbits = nbits;
                let sym = self.symbol(t);
                let s = sym & 15;
                // A code plus its extra bits fit the MAX_STEP bits the refill provided.
                let v = if s == 0 { 0 } else { self.extend(s) };
                acc = self.acc;
                nbits = self.nbits;
                ((sym >> 4) as usize, s as i32, v)
            };
            if s == 0 {
                if r == 15 {
                    k += 16;
                    continue;
                }
                break;
            }
            k += r;
            if let Some(wk) = w.get(k) {
                let v = v as f32;
                for (a, wi) in sum.iter_mut().zip(wk) {
                    *a += v * wi;
                }
            }
            k += 1;
        }
        self.acc = acc;
        self.nbits = nbits;
        sum
    }

    /// Skips the 63 AC coefficients of one baseline block.
    #[inline(always)]
    pub(crate) fn skip_ac(&mut self, t: &HuffTable) {
        self.skip_ac_from(t, 1);
    }

    /// Skips the AC coefficients of a baseline block from zigzag index `start` (1..=63) on.
    #[inline(always)]
    pub(crate) fn skip_ac_from(&mut self, t: &HuffTable, start: u32) {
        let multi: &[u16; MULTI_SIZE] = &t.multi;
        let single: &[u16; FAST_SIZE] = &t.fast_skip;
        let mut k: u32 = start;
        let mut acc = self.acc;
        let mut nbits = self.nbits;
        loop {
            self.refill_into(&mut acc, &mut nbits);
            let e = u32::from(multi[(acc >> (64 - MULTI_BITS)) as usize]);
            let check = (e >> 4) & 127;
            if e != 0 && k + check <= 64 {
                let n = e & 15;
                acc <<= n;
                nbits -= n;
                k += check + ((e >> 5) & 64);
                if k >= 64 {
                    break;
                }
                continue;
            }
            // One symbol (`k` is near the end of the block, or a long code).
            let e = single[(acc >> (64 - FAST_BITS)) as usize];
            let (n, adv) = if e != 0 {
                (u32::from(e & 31), u32::from(e >> 5))
            } else {
                let (len, sym) = t.slow(acc);
                let (r, s) = (sym >> 4, sym & 15);
                let adv = match (r, s) {
                    (15, 0) => 16,
                    (_, 0) => 0,
                    _ => r + 1,
                };
                (len + s, adv)
            };
            // n ≤ 31 < nbits.
            acc <<= n & 63;
            nbits = nbits.saturating_sub(n);
            if adv == 0 {
                break;
            }
            k += adv;
            if k >= 64 {
                break;
            }
        }
        self.acc = acc;
        self.nbits = nbits;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ff_detection() {
        assert!(has_ff(0x00FF_0000_0000_0000));
        assert!(has_ff(0x0000_0000_0000_00FF));
        assert!(!has_ff(0xFEFE_FEFE_FEFE_FEFE));
        assert!(!has_ff(0));
    }

    #[test]
    fn reads_through_stuffing_and_pads_at_marker() {
        let data = [0xAB, 0xFF, 0x00, 0x12, 0xFF, 0xD9];
        let mut r = BitReader::new(&data, 0);
        assert_eq!(r.bits(8), 0xAB);
        assert_eq!(r.bits(8), 0xFF);
        assert_eq!(r.bits(8), 0x12);
        assert!(!r.overrun());
        assert_eq!(r.bits(8), 0);
        assert!(r.overrun());
        assert!(r.stopped);
        assert_eq!(r.pos(), 4);
    }

    #[test]
    fn long_fast_refill_matches_bytes() {
        let data: Vec<u8> = (0u8..40).collect();
        let mut r = BitReader::new(&data, 0);
        for b in 0u32..40 {
            assert_eq!(r.bits(4), b >> 4);
            assert_eq!(r.bits(4), b & 15);
        }
        assert!(!r.overrun());
        assert_eq!(r.bits(1), 0);
        assert!(r.overrun());
    }

    /// JPEG Annex K.3.3.2: the example luminance AC table.
    fn annex_k_luma_ac() -> HuffTable {
        let counts = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D];
        let mut symbols = vec![
            0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51,
            0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xA1, 0x08, 0x23, 0x42, 0xB1, 0xC1,
            0x15, 0x52, 0xD1, 0xF0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0A,
        ];
        // The 125 codes of 16 bits: every run/size pair not listed above (sizes 1..=10).
        for r in 0..16u8 {
            for size in 1..=10u8 {
                let sym = r << 4 | size;
                if !symbols.contains(&sym) {
                    symbols.push(sym);
                }
            }
        }
        assert_eq!(symbols.len(), 162);
        match HuffTable::new(&counts, &symbols, false) {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn fast_ac_entries_agree_with_symbol_and_extend() {
        let t = annex_k_luma_ac();
        let mut with_entry = 0;
        for pattern in 0..FAST_SIZE as u32 {
            let e = t.fast_ac[pattern as usize];
            if e == 0 {
                continue;
            }
            with_entry += 1;
            // The pattern, then zeros (stuffed where a byte is FF): a decode of it must
            // agree with the entry.
            let word = u64::from(pattern) << (64 - FAST_BITS);
            let mut bytes = Vec::new();
            for b in word.to_be_bytes() {
                bytes.push(b);
                if b == 0xFF {
                    bytes.push(0);
                }
            }
            let mut r = BitReader::new(&bytes, 0);
            r.ensure();
            let before = r.nbits;
            let sym = r.symbol(&t);
            let s = sym & 15;
            let value = if s == 0 { 0 } else { r.extend(s) };
            assert_eq!(
                (e & 31) as u32,
                before - r.nbits,
                "length of {pattern:010b}"
            );
            assert_eq!((e >> 8) & 15, (sym >> 4) as i32, "run of {pattern:010b}");
            assert_eq!((e >> 12) & 15, s as i32, "size of {pattern:010b}");
            assert_eq!(e >> 16, value, "value of {pattern:010b}");
        }
        // Codes of ≤ 10 bits whose extra bits also fit: most of the look-ahead space.
        assert!(with_entry > FAST_SIZE / 2, "{with_entry}");
    }

    #[test]
    fn canonical_codes_decode() {
        // Lengths: one 1-bit code (sym 0), one 2-bit (sym 3), two 12-bit (syms 5, 7).
        let mut counts = [0u8; 16];
        counts[0] = 1;
        counts[1] = 1;
        counts[11] = 2;
        let t = HuffTable::new(&counts, &[0, 3, 5, 7], true);
        let t = match t {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        };
        // 0 | 10 101 | 110000000000 11111 | 110000000001 0000000 -> diffs 0, 5, 31, -127
        // Code 0 -> sym 0; code 10 -> sym 3 then bits 101 = 5; code 1100 0000 0000 -> sym 5
        // (bits 11111 = 31); code 1100 0000 0001 -> sym 7 (bits 0000000 = -127).
        let bits = [
            "0",
            "10",
            "101",
            "110000000000",
            "11111",
            "110000000001",
            "0000000",
        ]
        .concat();
        let mut bytes = Vec::new();
        let mut padded = bits;
        while padded.len() % 8 != 0 {
            padded.push('1');
        }
        for i in (0..padded.len()).step_by(8) {
            bytes.push(u8::from_str_radix(&padded[i..i + 8], 2).unwrap_or(0));
        }
        let mut r = BitReader::new(&bytes, 0);
        assert_eq!(r.dc_diff(&t), 0);
        assert_eq!(r.dc_diff(&t), 5);
        assert_eq!(r.dc_diff(&t), 31);
        assert_eq!(r.dc_diff(&t), -127);
        assert!(!r.overrun());
    }

    #[test]
    fn raw_bit_pos_counts_stuffed_bytes_whatever_the_buffering() {
        // Bytes: 12 FF 00 34 56 ... ; bit 8 of the de-stuffed stream is raw bit 8 (the FF),
        // bit 16 is raw bit 24 (the 34, after the stuffed 00).
        let mut data = vec![0x12, 0xFF, 0x00, 0x34, 0x56];
        data.extend(std::iter::repeat_n(0x11u8, 20));
        let mut a = BitReader::new(&data, 0);
        assert_eq!(a.raw_bit_pos(), Some(0));
        a.bits(3);
        assert_eq!(a.raw_bit_pos(), Some(3));
        a.bits(5);
        assert_eq!(a.raw_bit_pos(), Some(8));
        a.bits(8);
        assert_eq!(a.raw_bit_pos(), Some(24));
        a.bits(4);
        assert_eq!(a.raw_bit_pos(), Some(28));
        // A reader started at the 34 reaches the same raw positions.
        let mut b = BitReader::new(&data, 3);
        assert_eq!(b.raw_bit_pos(), Some(24));
        b.bits(4);
        assert_eq!(b.raw_bit_pos(), a.raw_bit_pos());
        for _ in 0..10 {
            a.bits(7);
            b.bits(7);
            assert_eq!(b.raw_bit_pos(), a.raw_bit_pos());
        }
    }

    #[test]
    fn rejects_overfull_table() {
        let mut counts = [0u8; 16];
        counts[0] = 3;
        assert!(HuffTable::new(&counts, &[0, 1, 2], false).is_err());
    }
}
