//! Metadata blocks carried from input to output (EXIF, ICC, XMP) and EXIF orientation.

/// Raw metadata blocks of a picture. Each is bounded by `Limits::max_metadata_bytes` when read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Metadata {
    /// The EXIF block as a TIFF structure (starting `II*\0` or `MM\0*`, without `Exif\0\0`).
    pub exif: Option<Vec<u8>>,
    /// The ICC profile.
    pub icc: Option<Vec<u8>>,
    /// The XMP packet (XML text).
    pub xmp: Option<Vec<u8>>,
}

impl Metadata {
    /// Whether no block is present.
    pub fn is_empty(&self) -> bool {
        self.exif.is_none() && self.icc.is_none() && self.xmp.is_none()
    }

    /// Only the ICC profile (what `cp-true` keeps).
    pub fn icc_only(&self) -> Metadata {
        Metadata {
            icc: self.icc.clone(),
            ..Metadata::default()
        }
    }
}

/// The prefix of an EXIF block inside JPEG APP1 (and, wrongly, some WebP `EXIF` chunks).
pub const EXIF_PREFIX: &[u8] = b"Exif\0\0";

/// The EXIF orientation tag.
const TAG_ORIENTATION: u16 = 0x0112;

/// The most IFD0 entries looked at (a real IFD0 has a few dozen).
const MAX_IFD_ENTRIES: usize = 1024;

/// `tiff` without a leading `Exif\0\0` (PNG eXIf and WebP EXIF blocks sometimes carry it,
/// as Pillow writes them).
pub fn strip_exif_prefix(tiff: &[u8]) -> &[u8] {
    tiff.strip_prefix(EXIF_PREFIX).unwrap_or(tiff)
}

/// Byte order of a TIFF structure.
#[derive(Clone, Copy)]
enum Order {
    Little,
    Big,
}

impl Order {
    fn u16(self, b: &[u8], at: usize) -> Option<u16> {
        let s: [u8; 2] = b.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(match self {
            Order::Little => u16::from_le_bytes(s),
            Order::Big => u16::from_be_bytes(s),
        })
    }

    fn u32(self, b: &[u8], at: usize) -> Option<u32> {
        let s: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(match self {
            Order::Little => u32::from_le_bytes(s),
            Order::Big => u32::from_be_bytes(s),
        })
    }
}

/// Where IFD0's orientation entry keeps its value: (order, value offset, field type).
fn locate_orientation(tiff: &[u8]) -> Option<(Order, usize, u16)> {
    let order = match tiff.get(0..4)? {
        [0x49, 0x49, 0x2A, 0x00] => Order::Little,
        [0x4D, 0x4D, 0x00, 0x2A] => Order::Big,
        _ => return None,
    };
    let ifd = usize::try_from(order.u32(tiff, 4)?).ok()?;
    let count = usize::from(order.u16(tiff, ifd)?).min(MAX_IFD_ENTRIES);
    let first = ifd.checked_add(2)?;
    for i in 0..count {
        let entry = first.checked_add(i.checked_mul(12)?)?;
        let tag = order.u16(tiff, entry)?;
        if tag != TAG_ORIENTATION {
            continue;
        }
        let kind = order.u16(tiff, entry.checked_add(2)?)?;
        let n = order.u32(tiff, entry.checked_add(4)?)?;
        // SHORT (3) is what the standard says; LONG (4) is tolerated. The value sits
        // inline in the entry's 4-byte value field in both cases.
        if n != 1 || !(kind == 3 || kind == 4) {
            return None;
        }
        return Some((order, entry.checked_add(8)?, kind));
    }
    None
}

/// The EXIF orientation (1..=8) of a TIFF-structured EXIF block (`II*\0…` or `MM\0*…`;
/// a leading `Exif\0\0` is tolerated), or `None` when absent or out of range.
///
/// Only IFD0 is read; every offset is bounds-checked, so any input is safe.
pub fn exif_orientation(tiff: &[u8]) -> Option<u8> {
    let tiff = strip_exif_prefix(tiff);
    let (order, at, kind) = locate_orientation(tiff)?;
    let v = match kind {
        3 => u32::from(order.u16(tiff, at)?),
        _ => order.u32(tiff, at)?,
    };
    match v {
        1..=8 => u8::try_from(v).ok(),
        _ => None,
    }
}

/// Rewrites IFD0's orientation tag to 1 in place (for output that is already upright, so
/// viewers do not rotate it again). Returns whether a tag was rewritten. A leading
/// `Exif\0\0` is tolerated.
pub fn reset_orientation(tiff: &mut [u8]) -> bool {
    let skip = if tiff.starts_with(EXIF_PREFIX) {
        EXIF_PREFIX.len()
    } else {
        0
    };
    let Some(tiff) = tiff.get_mut(skip..) else {
        return false;
    };
    let Some((order, at, kind)) = locate_orientation(tiff) else {
        return false;
    };
    let bytes: Vec<u8> = match (order, kind) {
        (Order::Little, 3) => 1u16.to_le_bytes().to_vec(),
        (Order::Big, 3) => 1u16.to_be_bytes().to_vec(),
        (Order::Little, _) => 1u32.to_le_bytes().to_vec(),
        (Order::Big, _) => 1u32.to_be_bytes().to_vec(),
    };
    match at
        .checked_add(bytes.len())
        .and_then(|end| tiff.get_mut(at..end))
    {
        Some(dst) => {
            dst.copy_from_slice(&bytes);
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal EXIF block: header, IFD0 with `entries` (tag, type, count, value bytes).
    fn tiff(big: bool, entries: &[(u16, u16, u32, [u8; 4])]) -> Vec<u8> {
        let w16 = |v: u16| {
            if big {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let w32 = |v: u32| {
            if big {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let mut t = if big {
            b"MM\0\x2A".to_vec()
        } else {
            b"II\x2A\0".to_vec()
        };
        t.extend_from_slice(&w32(8));
        t.extend_from_slice(&w16(entries.len() as u16));
        for &(tag, kind, n, v) in entries {
            t.extend_from_slice(&w16(tag));
            t.extend_from_slice(&w16(kind));
            t.extend_from_slice(&w32(n));
            t.extend_from_slice(&v);
        }
        t.extend_from_slice(&[0; 4]);
        t
    }

    fn short(big: bool, v: u16) -> [u8; 4] {
        let b = if big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        [b[0], b[1], 0, 0]
    }

    #[test]
    fn reads_all_orientations_both_byte_orders() {
        for big in [false, true] {
            for o in 1..=8u16 {
                let t = tiff(
                    big,
                    &[(0x010F, 2, 4, *b"abc\0"), (0x0112, 3, 1, short(big, o))],
                );
                assert_eq!(exif_orientation(&t), Some(o as u8), "big={big} o={o}");
                let mut prefixed = EXIF_PREFIX.to_vec();
                prefixed.extend_from_slice(&t);
                assert_eq!(exif_orientation(&prefixed), Some(o as u8));
            }
        }
    }

    #[test]
    fn out_of_range_absent_and_garbage_give_none() {
        assert_eq!(
            exif_orientation(&tiff(false, &[(0x0112, 3, 1, short(false, 9))])),
            None
        );
        assert_eq!(
            exif_orientation(&tiff(false, &[(0x0112, 3, 1, short(false, 0))])),
            None
        );
        assert_eq!(
            exif_orientation(&tiff(true, &[(0x010F, 2, 4, *b"abc\0")])),
            None
        );
        assert_eq!(exif_orientation(b""), None);
        assert_eq!(exif_orientation(b"II*\0\xff\xff\xff\xff"), None);
        // An entry count that runs past the end.
        let mut t = tiff(false, &[(0x0112, 3, 1, short(false, 6))]);
        t[8] = 0xFF;
        t[9] = 0xFF;
        t.truncate(14);
        assert_eq!(exif_orientation(&t), None);
    }

    #[test]
    fn every_truncation_is_safe() {
        let t = tiff(
            true,
            &[(0x010F, 2, 4, *b"abc\0"), (0x0112, 3, 1, short(true, 6))],
        );
        for n in 0..t.len() {
            let mut cut = t[..n].to_vec();
            let _ = exif_orientation(&cut);
            let _ = reset_orientation(&mut cut);
        }
        assert_eq!(exif_orientation(&t), Some(6));
    }

    #[test]
    fn reset_rewrites_in_place() {
        for big in [false, true] {
            let mut t = tiff(big, &[(0x0112, 3, 1, short(big, 6))]);
            let len = t.len();
            assert!(reset_orientation(&mut t));
            assert_eq!(t.len(), len);
            assert_eq!(exif_orientation(&t), Some(1));
        }
        let mut prefixed = EXIF_PREFIX.to_vec();
        prefixed.extend_from_slice(&tiff(false, &[(0x0112, 3, 1, short(false, 8))]));
        assert!(reset_orientation(&mut prefixed));
        assert_eq!(exif_orientation(&prefixed), Some(1));
        let mut none = tiff(false, &[(0x010F, 2, 4, *b"abc\0")]);
        assert!(!reset_orientation(&mut none));
    }
}
