//! One HEVC still picture (a HEIC item) decoded into owned planes.
//!
//! The part written here is pure Rust and always built: the `hvcC` configuration record,
//! the item's length-prefixed NAL units, and the sequence parameter sets read far enough to
//! hold the decoder to the item's size, depth and chroma *before* it allocates anything.
//! The decoding itself is libde265's (LGPL-3.0, linked dynamically from the system library)
//! and only exists with the `heic` feature; without it an HEVC item is a clear refusal.
//!
//! pixform links libde265 itself, not libheif, so no build of pixform can pull in an HEVC
//! *encoder* (x265 is GPL-2.0): `tests/integration/heic.rs` checks the linked libraries.

use super::planes::{Chroma, Planes};

/// An `hvcC` box: how NAL units are framed in the item, and the parameter sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Bytes of each NAL unit's length prefix in the item data (1, 2 or 4).
    pub length_size: usize,
    /// The parameter-set (and SEI) NAL units, in the record's order, without prefixes.
    pub nals: Vec<Vec<u8>>,
}

/// Most NAL units one configuration or item may hold (an iPhone tile has four).
const MAX_NALS: usize = 4096;

impl Config {
    /// Parses an `hvcC` payload.
    ///
    /// # Errors
    /// A message when the record is cut short, has a version other than 1, or holds more
    /// than [`MAX_NALS`] units.
    pub fn parse(b: &[u8]) -> Result<Config, String> {
        let short = || "the HEVC configuration (hvcC) is cut short".to_string();
        if *b.first().ok_or_else(short)? != 1 {
            return Err("the HEVC configuration (hvcC) is not version 1".into());
        }
        let length_size = usize::from(b.get(21).ok_or_else(short)? & 3) + 1;
        if length_size == 3 {
            return Err("the HEVC configuration uses 3-byte NAL lengths".into());
        }
        let arrays = *b.get(22).ok_or_else(short)?;
        let mut pos = 23usize;
        let mut nals = Vec::new();
        for _ in 0..arrays {
            // The array's header byte (completeness, NAL type), then its count.
            pos += 1;
            let count = read_be(b, &mut pos, 2).ok_or_else(short)?;
            for _ in 0..count {
                let len = read_be(b, &mut pos, 2).ok_or_else(short)?;
                let nal = b.get(pos..pos + len).ok_or_else(short)?;
                pos += len;
                if nals.len() == MAX_NALS {
                    return Err("the HEVC configuration holds too many NAL units".into());
                }
                nals.push(nal.to_vec());
            }
        }
        Ok(Config { length_size, nals })
    }
}

/// Reads an `n`-byte big-endian value at `pos`, then moves past it.
fn read_be(b: &[u8], pos: &mut usize, n: usize) -> Option<usize> {
    let bytes = b.get(*pos..pos.checked_add(n)?)?;
    *pos += n;
    Some(bytes.iter().fold(0usize, |v, &x| (v << 8) | usize::from(x)))
}

/// The NAL units of an item's data, each with its `length_size`-byte prefix removed.
///
/// # Errors
/// A message when a length runs past the data or there are more than [`MAX_NALS`] units.
pub fn split(data: &[u8], length_size: usize) -> Result<Vec<&[u8]>, String> {
    let mut pos = 0usize;
    let mut out = Vec::new();
    while pos < data.len() {
        let len = read_be(data, &mut pos, length_size)
            .ok_or_else(|| "an HEVC NAL length is cut off".to_string())?;
        let nal = pos
            .checked_add(len)
            .and_then(|end| data.get(pos..end))
            .ok_or_else(|| "an HEVC NAL unit runs past the end of the item".to_string())?;
        if out.len() == MAX_NALS {
            return Err("the HEVC item holds too many NAL units".into());
        }
        pos += len;
        out.push(nal);
    }
    Ok(out)
}

/// The NAL unit type (6 bits after the forbidden bit); `None` for a unit too short to
/// have a header.
fn nal_type(nal: &[u8]) -> Option<u8> {
    nal.first().map(|b| (b >> 1) & 0x3F)
}

/// `SPS_NUT`.
const SPS: u8 = 33;

/// What a sequence parameter set says about the pictures it governs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sps {
    /// Coded luma width (before the conformance window).
    pub coded_width: u32,
    /// Coded luma height.
    pub coded_height: u32,
    /// Luma width inside the conformance window (what a decoder outputs).
    pub width: u32,
    /// Luma height inside the conformance window.
    pub height: u32,
    /// The picture's chroma layout.
    pub chroma: Chroma,
    /// Luma bit depth.
    pub depth: u8,
    /// Chroma bit depth.
    pub chroma_depth: u8,
}

/// MSB-first reader over an RBSP (emulation-prevention bytes already removed).
struct Bits<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Bits<'_> {
    fn bit(&mut self) -> Option<u32> {
        let byte = *self.b.get(self.pos / 8)?;
        let v = (byte >> (7 - self.pos % 8)) & 1;
        self.pos += 1;
        Some(u32::from(v))
    }

    fn bits(&mut self, n: u32) -> Option<u32> {
        (0..n).try_fold(0u32, |v, _| Some((v << 1) | self.bit()?))
    }

    fn skip(&mut self, n: usize) -> Option<()> {
        self.pos = self.pos.checked_add(n)?;
        (self.pos <= self.b.len() * 8).then_some(())
    }

    /// `ue(v)`, Exp-Golomb; codes longer than 32 bits are malformed.
    fn ue(&mut self) -> Option<u32> {
        let mut zeros = 0u32;
        while self.bit()? == 0 {
            zeros += 1;
            if zeros > 31 {
                return None;
            }
        }
        let rest = self.bits(zeros)?;
        ((1u64 << zeros) - 1 + u64::from(rest)).try_into().ok()
    }
}

/// The RBSP of a NAL unit: its 2-byte header dropped, `00 00 03` emulation-prevention bytes
/// removed (only the first `max` bytes are needed for the fields read here).
fn rbsp(nal: &[u8], max: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(max.min(nal.len()));
    let mut zeros = 0;
    for &b in nal.iter().skip(2) {
        if zeros >= 2 && b == 3 {
            zeros = 0;
            continue;
        }
        zeros = if b == 0 { zeros + 1 } else { 0 };
        out.push(b);
        if out.len() == max {
            break;
        }
    }
    out
}

impl Sps {
    /// Reads a sequence parameter set NAL unit (with its header) up to the bit depths.
    ///
    /// # Errors
    /// A message when the unit is not an SPS or is cut short or malformed.
    pub fn parse(nal: &[u8]) -> Result<Sps, String> {
        let bad = || "an HEVC sequence parameter set is malformed".to_string();
        if nal_type(nal) != Some(SPS) {
            return Err("not an HEVC sequence parameter set".into());
        }
        let rbsp = rbsp(nal, 256);
        let mut r = Bits { b: &rbsp, pos: 0 };
        r.bits(4).ok_or_else(bad)?; // sps_video_parameter_set_id
        let sub_layers = r.bits(3).ok_or_else(bad)? as usize; // max_sub_layers_minus1
        r.bit().ok_or_else(bad)?; // temporal_id_nesting
                                  // profile_tier_level: the general profile (88 bits) and level (8 bits) ...
        r.skip(96).ok_or_else(bad)?;
        // ... then which sub-layers carry a profile and a level ...
        let mut present = Vec::with_capacity(sub_layers);
        for _ in 0..sub_layers {
            let profile = r.bit().ok_or_else(bad)? == 1;
            let level = r.bit().ok_or_else(bad)? == 1;
            present.push((profile, level));
        }
        if sub_layers > 0 {
            r.skip(2 * (8 - sub_layers)).ok_or_else(bad)?;
        }
        // ... and those.
        for (profile, level) in present {
            r.skip(if profile { 88 } else { 0 } + if level { 8 } else { 0 })
                .ok_or_else(bad)?;
        }
        r.ue().ok_or_else(bad)?; // sps_seq_parameter_set_id
        let chroma = match r.ue().ok_or_else(bad)? {
            0 => Chroma::Mono,
            1 => Chroma::Yuv420,
            2 => Chroma::Yuv422,
            3 => {
                if r.bit().ok_or_else(bad)? == 1 {
                    return Err("HEVC with separate colour planes is not supported".into());
                }
                Chroma::Yuv444
            }
            n => return Err(format!("HEVC chroma format {n} is invalid")),
        };
        let coded_width = r.ue().ok_or_else(bad)?;
        let coded_height = r.ue().ok_or_else(bad)?;
        let (mut width, mut height) = (coded_width, coded_height);
        if r.bit().ok_or_else(bad)? == 1 {
            // Offsets in chroma samples: left, right, top, bottom.
            let (sx, sy) = match chroma {
                Chroma::Yuv420 => (2, 2),
                Chroma::Yuv422 => (2, 1),
                _ => (1, 1),
            };
            let mut offset = || -> Result<u32, String> { r.ue().ok_or_else(bad) };
            let across = offset()?.saturating_add(offset()?).saturating_mul(sx);
            let down = offset()?.saturating_add(offset()?).saturating_mul(sy);
            width = coded_width
                .checked_sub(across)
                .ok_or("an HEVC conformance window is wider than the picture")?;
            height = coded_height
                .checked_sub(down)
                .ok_or("an HEVC conformance window is taller than the picture")?;
        }
        let depth = |r: &mut Bits<'_>| -> Result<u8, String> {
            let d = r.ue().ok_or_else(bad)?;
            u8::try_from(d)
                .ok()
                .and_then(|d| d.checked_add(8))
                .ok_or_else(bad)
        };
        let depth_luma = depth(&mut r)?;
        let chroma_depth = depth(&mut r)?;
        Ok(Sps {
            coded_width,
            coded_height,
            width,
            height,
            chroma,
            depth: depth_luma,
            chroma_depth,
        })
    }

    /// Checks the set against the item it decodes: `(w, h)` from `ispe` (already held to
    /// the pixel limits), 8–12 bit with equal luma and chroma depth.
    ///
    /// # Errors
    /// A message saying which bound the set breaks.
    pub fn check(&self, (w, h): (u32, u32)) -> Result<(), String> {
        // Coded sizes are whole coding blocks (at most 64 px) around the picture, so they
        // may exceed the item's size by less than a block on each side.
        const PAD: u32 = 128;
        let (cw, ch) = (self.coded_width, self.coded_height);
        if cw == 0 || ch == 0 {
            return Err("an HEVC sequence parameter set has an empty picture".into());
        }
        if cw > w.saturating_add(PAD) || ch > h.saturating_add(PAD) {
            return Err(format!(
                "the HEVC stream codes {cw}x{ch} pictures for a {w}x{h} item"
            ));
        }
        if !(8..=12).contains(&self.depth) || self.depth != self.chroma_depth {
            return Err(format!(
                "{}-bit luma with {}-bit chroma HEVC is not supported",
                self.depth, self.chroma_depth
            ));
        }
        Ok(())
    }
}

/// Every sequence parameter set in the configuration and the item's own NAL units, checked
/// against the item; at least one must be present.
fn check_parameter_sets(config: &Config, nals: &[&[u8]], size: (u32, u32)) -> Result<Sps, String> {
    let mut first = None;
    for nal in config
        .nals
        .iter()
        .map(Vec::as_slice)
        .chain(nals.iter().copied())
    {
        if nal_type(nal) == Some(SPS) {
            let sps = Sps::parse(nal)?;
            sps.check(size)?;
            first.get_or_insert(sps);
        }
    }
    first.ok_or_else(|| "the HEVC item has no sequence parameter set".into())
}

/// Decodes the one picture of an HEVC item of `size` (its `ispe`, already held to the pixel
/// limits), refusing streams whose parameter sets disagree with it.
///
/// # Errors
/// A message for malformed framing or parameter sets, data libde265 refuses or that yields
/// no picture, and (without the `heic` feature) for any HEVC item at all.
pub fn decode(config: &Config, data: &[u8], size: (u32, u32)) -> Result<Planes, String> {
    let nals = split(data, config.length_size)?;
    let sps = check_parameter_sets(config, &nals, size)?;
    decode_checked(config, &nals, sps)
}

#[cfg(not(feature = "heic"))]
fn decode_checked(_: &Config, _: &[&[u8]], _: Sps) -> Result<Planes, String> {
    Err("HEVC (HEIC) decoding is not in this build: it needs pixform's `heic` feature".into())
}

#[cfg(feature = "heic")]
fn decode_checked(config: &Config, nals: &[&[u8]], sps: Sps) -> Result<Planes, String> {
    de265::decode(config, nals, sps)
}

#[cfg(feature = "heic")]
mod de265;

#[cfg(test)]
mod tests;
