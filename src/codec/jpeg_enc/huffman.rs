//! Huffman coding for baseline JPEG: symbol statistics, libjpeg's optimal-table
//! construction (so tables match libjpeg-turbo's `optimize_coding` bit for bit), and the
//! bit writer with 0xFF byte stuffing.

/// Symbol counts for one table.
pub(super) type Counts = [u32; 256];

/// A JPEG Huffman table as written in DHT: code counts per length 1–16, symbols by length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Table {
    /// `bits[k]` symbols have a (k+1)-bit code.
    pub bits: [u8; 16],
    /// Symbols in code order.
    pub values: Vec<u8>,
}

/// Longest code the tree builder may produce before lengths are limited to 16
/// (libjpeg's `MAX_CLEN`).
const MAX_TREE_DEPTH: usize = 32;

impl Table {
    /// The optimal table for `counts`, built exactly as libjpeg's `jpeg_gen_optimal_table`:
    /// repeatedly merge the two least frequent nodes (ties go to the higher symbol), with a
    /// pseudo-symbol 256 of count 1 so no real code is all ones, then move codes longer than
    /// 16 bits up (JPEG K.3). `None` only if a code would exceed 32 bits, which needs
    /// Fibonacci-like counts the size of the image; callers flatten the counts and retry.
    pub(super) fn optimal(counts: &Counts) -> Option<Table> {
        // Ascending symbol order, so "last minimum seen" means "highest symbol".
        let mut freq: Vec<(usize, u64)> = counts
            .iter()
            .enumerate()
            .filter(|&(_, &c)| c > 0)
            .map(|(s, &c)| (s, u64::from(c)))
            .collect();
        freq.push((256, 1));
        let mut code_size = [0usize; 257];
        let mut others = [usize::MAX; 257];
        loop {
            // Smallest nonzero count, ties to the higher symbol; then the next smallest.
            let mut c1: Option<usize> = None;
            for (i, &(_, f)) in freq.iter().enumerate() {
                if f > 0 && c1.is_none_or(|j| f <= freq[j].1) {
                    c1 = Some(i);
                }
            }
            let mut c2: Option<usize> = None;
            for (i, &(_, f)) in freq.iter().enumerate() {
                if f > 0 && Some(i) != c1 && c2.is_none_or(|j| f <= freq[j].1) {
                    c2 = Some(i);
                }
            }
            let (Some(i1), Some(i2)) = (c1, c2) else {
                break;
            };
            freq[i1].1 += freq[i2].1;
            freq[i2].1 = 0;
            let mut s = freq[i1].0;
            code_size[s] += 1;
            while others[s] != usize::MAX {
                s = others[s];
                code_size[s] += 1;
            }
            others[s] = freq[i2].0;
            let mut s = freq[i2].0;
            code_size[s] += 1;
            while others[s] != usize::MAX {
                s = others[s];
                code_size[s] += 1;
            }
        }
        let mut bits = [0usize; MAX_TREE_DEPTH + 1];
        for &size in code_size.iter().filter(|&&s| s > 0) {
            *bits.get_mut(size)? += 1;
        }
        // Lengths over 16: move pairs up, as JPEG Annex K.3 (Figure K.3) does.
        for i in (17..=MAX_TREE_DEPTH).rev() {
            while bits[i] > 0 {
                let mut j = i - 2;
                while bits[j] == 0 {
                    j -= 1;
                }
                bits[i] -= 2;
                bits[i - 1] += 1;
                bits[j + 1] += 2;
                bits[j] -= 1;
            }
        }
        // Drop the pseudo-symbol from the longest length in use.
        if let Some(longest) = (1..=16).rev().find(|&l| bits[l] > 0) {
            bits[longest] -= 1;
        }
        let mut table_bits = [0u8; 16];
        for (t, &b) in table_bits.iter_mut().zip(&bits[1..=16]) {
            // At most 256 real symbols, and a length holding all 256 would need 2^8 codes
            // of 8 bits with nothing else, which the pseudo-symbol rules out.
            *t = u8::try_from(b).ok()?;
        }
        let mut values = Vec::new();
        for len in 1..=MAX_TREE_DEPTH {
            for (sym, _) in code_size[..256]
                .iter()
                .enumerate()
                .filter(|&(_, &s)| s == len)
            {
                values.push(sym as u8);
            }
        }
        Some(Table {
            bits: table_bits,
            values,
        })
    }

    /// The optimal table for `counts`, halving the counts (keeping every used symbol) in
    /// the practically unreachable case that the tree is deeper than 32.
    pub(super) fn for_counts(counts: &Counts) -> Table {
        let mut counts = *counts;
        loop {
            if let Some(t) = Table::optimal(&counts) {
                return t;
            }
            for c in counts.iter_mut().filter(|c| **c > 0) {
                *c = (*c / 2).max(1);
            }
        }
    }
}

/// A table turned into (code, length) per symbol.
pub(super) struct Codes {
    /// Per symbol: the code in the low bits, its length in bits 24–31 (0 = unused).
    packed: [u32; 256],
}

impl Codes {
    /// Canonical codes for `table` (JPEG C.2).
    pub(super) fn new(table: &Table) -> Codes {
        let mut packed = [0u32; 256];
        let mut code = 0u32;
        let mut values = table.values.iter();
        for (len, &count) in (1u32..).zip(table.bits.iter()) {
            for _ in 0..count {
                if let Some(&sym) = values.next() {
                    packed[usize::from(sym)] = (len << 24) | code;
                }
                code += 1;
            }
            code <<= 1;
        }
        Codes { packed }
    }

    /// `(code, length)` of `symbol`.
    #[inline(always)]
    pub(super) fn get(&self, symbol: u8) -> (u32, u32) {
        let p = self.packed[usize::from(symbol)];
        (p & 0x00ff_ffff, p >> 24)
    }
}

/// Number of bits of `|v|` (JPEG's magnitude category SSSS).
#[inline(always)]
pub(super) fn category(v: i32) -> u32 {
    32 - v.unsigned_abs().leading_zeros()
}

/// The SSSS extra bits of `v`: the value itself if positive, `v - 1` in `size` bits if not.
#[inline(always)]
pub(super) fn extra_bits(v: i32, size: u32) -> u32 {
    let adjusted = if v < 0 { v - 1 } else { v };
    (adjusted as u32) & ((1u32 << size) - 1)
}

/// Which table a symbol is coded with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    Dc,
    Ac,
}

/// Visits the symbols of one block (zigzag order) against the previous DC as
/// `(class, symbol, value, size)`: the DC category with the difference, then one AC
/// run/size symbol per nonzero coefficient, with ZRL (0xF0) and EOB (0x00) carrying no
/// value bits.
#[inline(always)]
pub(super) fn for_each_symbol(
    block: &[i16],
    dc_diff: i32,
    mut emit: impl FnMut(Class, u8, i32, u32),
) {
    let dc_size = category(dc_diff);
    emit(Class::Dc, dc_size as u8, dc_diff, dc_size);
    let mut nonzero = 0u64;
    for (k, &c) in block.iter().enumerate().skip(1) {
        nonzero |= u64::from(c != 0) << k;
    }
    let mut previous = 0u32;
    while nonzero != 0 {
        let k = nonzero.trailing_zeros();
        nonzero &= nonzero - 1;
        let mut run = k - previous - 1;
        while run > 15 {
            emit(Class::Ac, 0xF0, 0, 0);
            run -= 16;
        }
        let v = i32::from(block.get(k as usize).copied().unwrap_or(0));
        let size = category(v);
        emit(Class::Ac, ((run << 4) | size) as u8, v, size);
        previous = k;
    }
    if previous < 63 {
        emit(Class::Ac, 0x00, 0, 0);
    }
}

/// Writes Huffman-coded bits MSB first, stuffing a zero byte after every 0xFF.
pub(super) struct BitWriter {
    out: Vec<u8>,
    /// Pending bits, right-aligned; only the low `count` bits are meaningful.
    acc: u64,
    count: u32,
}

impl BitWriter {
    /// A writer appending to `out`.
    pub(super) fn new(out: Vec<u8>) -> BitWriter {
        BitWriter {
            out,
            acc: 0,
            count: 0,
        }
    }

    /// Appends the low `len` bits of `bits` (`len` ≤ 32).
    #[inline(always)]
    pub(super) fn put(&mut self, bits: u32, len: u32) {
        self.acc = (self.acc << len) | u64::from(bits);
        self.count += len;
        if self.count >= 32 {
            self.count -= 32;
            let word = (self.acc >> self.count) as u32;
            self.write_word(word);
        }
    }

    #[inline(always)]
    fn write_word(&mut self, word: u32) {
        let bytes = word.to_be_bytes();
        // A byte is 0xFF exactly when it is all ones: test the four at once.
        let has_ff = (!word).wrapping_sub(0x0101_0101) & word & 0x8080_8080 != 0;
        if has_ff {
            for b in bytes {
                self.out.push(b);
                if b == 0xFF {
                    self.out.push(0);
                }
            }
        } else {
            self.out.extend_from_slice(&bytes);
        }
    }

    /// Pads the last byte with one bits (as libjpeg does) and returns the output.
    pub(super) fn finish(mut self) -> Vec<u8> {
        let pad = (8 - self.count % 8) % 8;
        self.acc = (self.acc << pad) | ((1u64 << pad) - 1);
        self.count += pad;
        while self.count >= 8 {
            self.count -= 8;
            let b = (self.acc >> self.count) as u8;
            self.out.push(b);
            if b == 0xFF {
                self.out.push(0);
            }
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_and_extra_bits_follow_table_f1() {
        assert_eq!(category(0), 0);
        assert_eq!(category(1), 1);
        assert_eq!(category(-1), 1);
        assert_eq!(category(-3), 2);
        assert_eq!(category(1023), 10);
        assert_eq!(category(-2047), 11);
        assert_eq!(extra_bits(-1, 1), 0);
        assert_eq!(extra_bits(-3, 2), 0);
        assert_eq!(extra_bits(-2, 2), 1);
        assert_eq!(extra_bits(5, 3), 5);
    }

    #[test]
    fn stuffing_and_padding() {
        let mut w = BitWriter::new(Vec::new());
        w.put(0xFF, 8);
        w.put(0x1, 1);
        w.put(0xFFFF_FFFF, 32);
        let out = w.finish();
        // 0xFF, then 1 + 31 ones + 0 ... → 0xFF, 0xFF,0xFF,0xFF, then the 32nd one + 7 pad ones.
        assert_eq!(
            out,
            vec![0xFF, 0, 0xFF, 0, 0xFF, 0, 0xFF, 0, 0xFF, 0, 0xFF, 0]
        );
        let mut w = BitWriter::new(Vec::new());
        w.put(0b101, 3);
        assert_eq!(w.finish(), vec![0b1011_1111]);
    }

    #[test]
    fn optimal_table_is_a_complete_prefix_code_within_16_bits() {
        // Fibonacci counts force a deep tree that must be flattened to 16 bits.
        let mut counts = [0u32; 256];
        let (mut a, mut b) = (1u32, 1u32);
        for c in counts.iter_mut().take(30) {
            *c = a;
            (a, b) = (b, a + b);
        }
        let table = Table::for_counts(&counts);
        let total: usize = table.bits.iter().map(|&b| usize::from(b)).sum();
        assert_eq!(total, 30);
        assert_eq!(table.values.len(), 30);
        // Kraft sum of the real codes stays below 1 (the all-ones code is reserved).
        let kraft: f64 = (1..=16)
            .map(|l| f64::from(table.bits[l - 1]) / f64::from(1u32 << l))
            .sum();
        assert!(kraft < 1.0, "{kraft}");
        // A more frequent symbol never gets a longer code.
        let mut length = [0usize; 256];
        let mut values = table.values.iter();
        for (len, &n) in (1..).zip(table.bits.iter()) {
            for _ in 0..n {
                length[usize::from(*values.next().unwrap())] = len;
            }
        }
        for a in 0..30 {
            for b in 0..30 {
                if counts[a] > counts[b] {
                    assert!(
                        length[a] <= length[b],
                        "{a}: {} vs {b}: {}",
                        length[a],
                        length[b]
                    );
                }
            }
        }
        assert!(length[..30].iter().all(|&l| (1..=16).contains(&l)));
    }

    #[test]
    fn symbols_of_a_block() {
        let mut block = [0i16; 64];
        block[0] = 5;
        block[1] = -3;
        block[20] = 1;
        let mut seen = Vec::new();
        for_each_symbol(&block, -2, |class, sym, v, size| {
            seen.push((class, sym, v, size))
        });
        assert_eq!(
            seen,
            vec![
                (Class::Dc, 2, -2, 2),
                (Class::Ac, 0x02, -3, 2),
                (Class::Ac, 0xF0, 0, 0),
                (Class::Ac, 0x21, 1, 1),
                (Class::Ac, 0x00, 0, 0)
            ]
        );
    }
}
