use super::cursor::READ_CHUNK;
use super::*;
use std::io::{self, BufRead, Read};

/// One APP2 ICC_PROFILE chunk: (sequence number, chunk count, data).
type IccChunk<'a> = (u8, u8, &'a [u8]);

const ICC_PREFIX: &[u8] = b"ICC_PROFILE\0";
const XMP_PREFIX: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";

/// What the marker walk found.
#[derive(Default)]
pub(super) struct Info<'a> {
    pub sof: Option<u8>,
    pub precision: u8,
    pub width: u32,
    pub height: u32,
    /// The APP14 Adobe transform byte, when an Adobe segment is present.
    pub adobe: Option<u8>,
    /// EXIF as TIFF (without `Exif\0\0`).
    pub exif: Option<&'a [u8]>,
    /// XMP packet (without the namespace prefix).
    pub xmp: Option<&'a [u8]>,
    pub icc: Vec<IccChunk<'a>>,
    pub scans: u32,
    /// Components in the frame (1 grey, 3 colour, 4 CMYK/YCCK).
    pub components: u8,
}

impl Info<'_> {
    pub fn progressive(&self) -> bool {
        matches!(self.sof, Some(0xC2 | 0xC6 | 0xCA | 0xCE))
    }

    /// Refuses what libjpeg (as built here) cannot decode, before it is asked to.
    pub fn check_supported(&self) -> Result<()> {
        let f = InputFormat::Jpeg;
        match self.sof {
            Some(0xC0..=0xC2) => {}
            Some(0xC3 | 0xC7 | 0xCB | 0xCF) => {
                return Err(undecodable(f, "lossless JPEG is not supported"))
            }
            Some(0xC9..=0xCA) => {
                return Err(undecodable(f, "arithmetic-coded JPEG is not supported"))
            }
            Some(m) => {
                return Err(undecodable(
                    f,
                    format!("JPEG frame type 0x{m:02X} (hierarchical) is not supported"),
                ))
            }
            None => return Err(undecodable(f, "no frame header (SOF)")),
        }
        if self.precision != 8 {
            return Err(undecodable(
                f,
                format!("{}-bit JPEG is not supported", self.precision),
            ));
        }
        if self.height == 0 {
            return Err(undecodable(
                f,
                "height defined later (DNL) is not supported",
            ));
        }
        Ok(())
    }

    /// The ICC profile reassembled in sequence order, `None` when absent or
    /// inconsistent (missing, duplicated or zero sequence numbers, count mismatch).
    pub fn icc_profile(&self, limits: &DecodeLimits) -> Result<Option<Vec<u8>>> {
        let Some(&(_, count, _)) = self.icc.first() else {
            return Ok(None);
        };
        if count == 0
            || self.icc.len() != usize::from(count)
            || self.icc.iter().any(|c| c.1 != count)
        {
            return Ok(None);
        }
        let total: u64 = self.icc.iter().map(|c| c.2.len() as u64).sum();
        if total > limits.max_metadata_bytes {
            return Err(Error::LimitExceeded {
                limit: Limit::MetadataBytes,
                actual: total,
                max: limits.max_metadata_bytes,
            });
        }
        let mut out = Vec::new();
        for seq in 1..=count {
            let mut found = self.icc.iter().filter(|c| c.0 == seq);
            match (found.next(), found.next()) {
                (Some(c), None) => out.extend_from_slice(c.2),
                _ => return Ok(None),
            }
        }
        Ok(Some(out))
    }
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    let s: [u8; 2] = b.get(at..at.checked_add(2)?)?.try_into().ok()?;
    Some(u16::from_be_bytes(s))
}

fn is_sof(m: u8) -> bool {
    matches!(m, 0xC0..=0xCF) && !matches!(m, 0xC4 | 0xC8 | 0xCC)
}

/// Walks the marker segments. With `full == false` it stops at the first SOS (all
/// header segments are before it); with `full == true` it skips the entropy-coded data
/// of every scan, counting scans, up to EOI. Garbage between segments is skipped as
/// libjpeg does.
pub(super) fn walk(b: &[u8], full: bool) -> Result<Info<'_>> {
    let f = InputFormat::Jpeg;
    if !b.starts_with(&[0xFF, 0xD8]) {
        return Err(undecodable(f, "no SOI marker"));
    }
    let mut info = Info::default();
    let mut pos = 2usize;
    // Next marker: skip to 0xFF, then over fill bytes.
    while let Some(off) = b.get(pos..).and_then(|s| s.iter().position(|&x| x == 0xFF)) {
        pos += off;
        while b.get(pos) == Some(&0xFF) {
            pos += 1;
        }
        let Some(&m) = b.get(pos) else { break };
        pos += 1;
        match m {
            0x00 | 0x01 | 0xD0..=0xD8 => continue,
            0xD9 => break,
            _ => {}
        }
        let Some(len) = be16(b, pos) else { break };
        let len = usize::from(len);
        if len < 2 {
            return Err(undecodable(f, format!("marker 0x{m:02X} has length {len}")));
        }
        let seg_end = pos + len;
        let seg = b.get(pos + 2..seg_end.min(b.len())).unwrap_or(&[]);
        let complete = seg_end <= b.len();
        pos = seg_end;
        match m {
            m if is_sof(m) && info.sof.is_none() => {
                if seg.len() < 6 {
                    return Err(undecodable(f, "truncated frame header"));
                }
                info.sof = Some(m);
                info.precision = seg.first().copied().unwrap_or(0);
                info.height = be16(seg, 1).map(u32::from).unwrap_or(0);
                info.width = be16(seg, 3).map(u32::from).unwrap_or(0);
                info.components = seg.get(5).copied().unwrap_or(0);
            }
            0xE1 if complete => {
                if let Some(rest) = seg.strip_prefix(b"Exif\0") {
                    // "Exif\0\0" is standard; a few writers pad with another byte.
                    if info.exif.is_none() {
                        info.exif = rest.get(1..);
                    }
                } else if let Some(rest) = seg.strip_prefix(XMP_PREFIX) {
                    if info.xmp.is_none() {
                        info.xmp = Some(rest);
                    }
                }
            }
            0xE2 if complete => {
                if let Some(rest) = seg.strip_prefix(ICC_PREFIX) {
                    if let (Some(&seq), Some(&count), Some(data)) =
                        (rest.first(), rest.get(1), rest.get(2..))
                    {
                        if info.icc.len() < 256 {
                            info.icc.push((seq, count, data));
                        }
                    }
                }
            }
            0xEE if complete && seg.starts_with(b"Adobe") => {
                info.adobe = Some(seg.get(11).copied().unwrap_or(0));
            }
            0xDA => {
                if info.sof.is_none() {
                    return Err(undecodable(f, "scan before the frame header"));
                }
                info.scans += 1;
                if !full {
                    break;
                }
                if info.scans > MAX_JPEG_SCANS {
                    return Err(undecodable(f, format!("more than {MAX_JPEG_SCANS} scans")));
                }
                // Skip entropy-coded data: stop at 0xFF followed by a real marker.
                loop {
                    let Some(off) = b.get(pos..).and_then(|s| s.iter().position(|&x| x == 0xFF))
                    else {
                        pos = b.len();
                        break;
                    };
                    pos += off;
                    match b.get(pos + 1) {
                        Some(0x00 | 0xD0..=0xD7) => pos += 2,
                        Some(0xFF) => pos += 1,
                        _ => break,
                    }
                }
            }
            _ => {}
        }
    }
    if info.sof.is_none() {
        return Err(undecodable(f, "no frame header (SOF)"));
    }
    Ok(info)
}

/// A reader over the input that notes when libjpeg asks for bytes past the end (it
/// then inserts a fake EOI and carries on, which would hide truncation).
struct EofReader<'a> {
    data: &'a [u8],
    pos: usize,
    eof: &'a Cell<bool>,
    /// Past this instant the reader reports the end of the data, which libjpeg
    /// answers by finishing quickly with a (gray) fake end.
    deadline: Option<Instant>,
}

impl Read for EofReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(buf.len());
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), avail.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for EofReader<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let rest = self.data.get(self.pos..).unwrap_or(&[]);
        if rest.is_empty() || past(self.deadline) {
            self.eof.set(true);
            return Ok(&[]);
        }
        Ok(rest.get(..READ_CHUNK).unwrap_or(rest))
    }

    fn consume(&mut self, amt: usize) {
        self.pos = self.pos.saturating_add(amt).min(self.data.len());
    }
}

/// CMYK rows as libjpeg returns them → RGB rows. Adobe files store inverted CMYK (255 =
/// no ink), as Firefox and Chrome assume when an Adobe marker is present.
fn cmyk_to_rgb(cmyk: &[u8], rgb: &mut [u8], inverted: bool) {
    for (px, out) in cmyk.chunks_exact(4).zip(rgb.chunks_exact_mut(3)) {
        let &[c, m, y, k] = px else {
            continue;
        };
        let (c, m, y, k) = if inverted {
            (c, m, y, k)
        } else {
            (255 - c, 255 - m, 255 - y, 255 - k)
        };
        // (255 - ink) * (255 - black) / 255 with inverted values = v * k / 255.
        let mul = |v: u8| ((u32::from(v) * u32::from(k) + 127) / 255) as u8;
        out.copy_from_slice(&[mul(c), mul(m), mul(y)]);
    }
}

/// Rows read per libjpeg call, with the deadline checked between calls.
const BAND_ROWS: usize = 64;

pub(super) fn decode<S: RowSink>(
    bytes: &[u8],
    opts: &DecodeOptions,
    limits: &DecodeLimits,
    make_sink: impl FnOnce(u32, u32, PixelLayout) -> Result<S>,
) -> Result<DecodedRows<S>> {
    let f = InputFormat::Jpeg;
    let info = walk(bytes, true)?;
    info.check_supported()?;
    let (w, h) = (info.width, info.height);
    check_size(f, w, h, limits)?;
    let orientation = info.exif.and_then(exif_orientation).unwrap_or(1);
    let metadata = if opts.want_metadata {
        Metadata {
            exif: check_metadata(info.exif.map(<[u8]>::to_vec), limits)?,
            icc: info.icc_profile(limits)?,
            xmp: check_metadata(info.xmp.map(<[u8]>::to_vec), limits)?,
        }
    } else {
        Metadata::default()
    };
    let denom = shrink_denom(w, h, opts.min_size);
    let (ow, oh) = (w.div_ceil(u32::from(denom)), h.div_ceil(u32::from(denom)));
    let inverted = info.adobe.is_some();
    // A CMYK profile converts the rows as they leave libjpeg; an unusable one falls back
    // to the naive formula (the engine reports why from the header's copy).
    let profile = if opts.cmyk_profile && info.components == 4 {
        info.icc_profile(limits)
            .ok()
            .flatten()
            .and_then(|icc| crate::color::Profile::parse(&icc).ok())
            .and_then(|p| crate::color::CmykToSrgb::new(&p).ok())
    } else {
        None
    };
    let profile_applied = profile.is_some();

    let eof = Cell::new(false);
    let run = || -> Result<(S, bool)> {
        let io_err = |e: io::Error| undecodable(f, e.to_string());
        let reader = EofReader {
            data: bytes,
            pos: 0,
            eof: &eof,
            deadline: opts.deadline,
        };
        let mut d = mozjpeg::Decompress::builder()
            .from_reader(reader)
            .map_err(io_err)?;
        d.scale(8 / denom);
        use mozjpeg::ColorSpace as Cs;
        let (out_cs, layout, cmyk) = match d.color_space() {
            Cs::JCS_GRAYSCALE => (Cs::JCS_GRAYSCALE, PixelLayout::Gray8, false),
            Cs::JCS_CMYK | Cs::JCS_YCCK => (Cs::JCS_CMYK, PixelLayout::Rgb8, true),
            _ => (Cs::JCS_RGB, PixelLayout::Rgb8, false),
        };
        let mut s = d.to_colorspace(out_cs).map_err(io_err)?;
        if (s.width(), s.height()) != (ow as usize, oh as usize) {
            return Err(undecodable(
                f,
                format!(
                    "libjpeg output {}x{} differs from the expected {ow}x{oh}",
                    s.width(),
                    s.height()
                ),
            ));
        }
        let mut sink = make_sink(ow, oh, layout)?;
        let row = ow as usize * layout.channels();
        // libjpeg writes CMYK (4 bytes a pixel) here first, converted into the sink.
        let mut cmyk_rows = if cmyk {
            alloc(ow as usize * 4 * BAND_ROWS)?
        } else {
            Vec::new()
        };
        let mut done = 0usize;
        while done < oh as usize {
            if past(opts.deadline) {
                return Err(Error::DeadlineExceeded);
            }
            let room = sink.space()?;
            let rows = (room.len() / row.max(1))
                .min(BAND_ROWS)
                .min(oh as usize - done);
            let (Some(dst), true) = (room.get_mut(..rows * row), rows > 0) else {
                return Err(Error::BadArgument(
                    "the row sink gave no room for a row".into(),
                ));
            };
            if cmyk {
                let src = cmyk_rows
                    .get_mut(..rows * ow as usize * 4)
                    .unwrap_or_default();
                s.read_scanlines_into(src).map_err(io_err)?;
                match &profile {
                    Some(t) => t.rows(src, dst, inverted).map_err(|e| undecodable(f, e))?,
                    None => cmyk_to_rgb(src, dst, inverted),
                }
            } else {
                s.read_scanlines_into(dst).map_err(io_err)?;
            }
            sink.filled(rows)?;
            done += rows;
        }
        let truncated = eof.get();
        s.finish().map_err(io_err)?;
        Ok((sink, truncated))
    };
    let (sink, truncated) = match catch_unwind(AssertUnwindSafe(run)) {
        Ok(r) => r?,
        Err(p) => return Err(undecodable(f, panic_message(p.as_ref()))),
    };
    if truncated && past(opts.deadline) {
        return Err(Error::DeadlineExceeded);
    }
    if truncated {
        return Err(undecodable(f, "data ends before the image is complete"));
    }
    Ok(DecodedRows {
        sink,
        scale_denom: denom,
        orientation,
        metadata,
        profile_applied,
    })
}
