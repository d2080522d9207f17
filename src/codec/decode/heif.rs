//! The HEIF container (ISO/IEC 23008-12 over ISOBMFF) that AVIF and HEIC share: the `meta`
//! box's items, their locations, properties and references, read with every length and
//! offset checked against the bytes. Nothing here decodes pixels.
//!
//! What it gives the decoders: the primary item, its coded data (one item, or a `grid` of
//! tiles), the alpha auxiliary item, and the properties that change the picture — `ispe`
//! (size), `colr` (nclx or an ICC profile), `irot`/`imir` (orientation), `clap` (crop),
//! `pixi` (bit depth), `av1C`/`hvcC` (codec configuration).

use std::ops::Range;

/// Most items a file may declare (a guard: real files have a few, grids a few hundred).
pub const MAX_ITEMS: usize = 4096;
/// Most tiles in a grid (ImageKit-size pictures need at most a few hundred).
pub const MAX_GRID_TILES: usize = 4096;
/// Most extents of one item.
const MAX_EXTENTS: usize = 64;
/// Most properties in `ipco`.
const MAX_PROPERTIES: usize = 4096;

/// Why the container cannot be read.
pub type Malformed = String;
type Res<T> = std::result::Result<T, Malformed>;

/// A four-character code.
pub type FourCc = [u8; 4];

/// A bounds-checked big-endian reader over one box's payload.
#[derive(Clone, Copy)]
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }
    fn take(&mut self, n: usize) -> Res<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| "a box ends before its fields".to_string())?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u8(&mut self) -> Res<u8> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Res<u16> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Res<u32> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Res<u64> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_be_bytes(a))
    }
    /// An unsigned integer of 0, 4 or 8 bytes (iloc's sized fields; 0 reads as 0).
    fn sized(&mut self, size: u8) -> Res<u64> {
        match size {
            0 => Ok(0),
            4 => self.u32().map(u64::from),
            8 => self.u64(),
            n => Err(format!("iloc field size {n} is not 0, 4 or 8")),
        }
    }
    fn fourcc(&mut self) -> Res<FourCc> {
        let b = self.take(4)?;
        Ok([b[0], b[1], b[2], b[3]])
    }
    /// A full box's version and flags.
    fn full(&mut self) -> Res<(u8, u32)> {
        let v = self.u32()?;
        Ok(((v >> 24) as u8, v & 0x00FF_FFFF))
    }
    fn rest(&mut self) -> &'a [u8] {
        let s = self.bytes.get(self.pos..).unwrap_or(&[]);
        self.pos = self.bytes.len();
        s
    }
    fn is_empty(&self) -> bool {
        self.pos >= self.bytes.len()
    }
}

/// One box: its type and payload (after the header).
struct Bx<'a> {
    kind: FourCc,
    body: &'a [u8],
}

/// The boxes one after another in `bytes`.
fn boxes(bytes: &[u8]) -> impl Iterator<Item = Res<Bx<'_>>> {
    let mut r = Reader::new(bytes);
    let mut failed = false;
    std::iter::from_fn(move || {
        if failed || r.is_empty() {
            return None;
        }
        let next = (|| {
            let start = r.pos;
            let size = u64::from(r.u32()?);
            let kind = r.fourcc()?;
            let size = match size {
                1 => r.u64()?,
                0 => (r.bytes.len() - start) as u64,
                s => s,
            };
            let header = (r.pos - start) as u64;
            let len = size
                .checked_sub(header)
                .ok_or_else(|| "a box is smaller than its header".to_string())?;
            let len = usize::try_from(len).map_err(|_| "a box is too large".to_string())?;
            let body = r
                .take(len)
                .map_err(|_| "a box runs past the end of its parent".to_string())?;
            Ok(Bx { kind, body })
        })();
        failed = next.is_err();
        Some(next)
    })
}

/// The first child box of type `kind`.
fn child<'a>(bytes: &'a [u8], kind: &FourCc) -> Res<Option<&'a [u8]>> {
    for b in boxes(bytes) {
        let b = b?;
        if &b.kind == kind {
            return Ok(Some(b.body));
        }
    }
    Ok(None)
}

/// Colour information (`colr`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Colr {
    /// Coding-independent code points (H.273): primaries, transfer, matrix, full range.
    Nclx {
        /// Colour primaries (1 = BT.709/sRGB, 12 = Display P3, 9 = BT.2020, 2 = unspecified).
        primaries: u16,
        /// Transfer characteristics (13 = sRGB, 16 = PQ, 18 = HLG).
        transfer: u16,
        /// Matrix coefficients (0 = identity/GBR, 1 = BT.709, 6 = BT.601, 9 = BT.2020 NCL).
        matrix: u16,
        /// Full-range samples (else limited "video" range).
        full_range: bool,
    },
    /// An ICC profile.
    Icc(Vec<u8>),
}

/// The clean aperture (`clap`) as rationals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clap {
    width: (u32, u32),
    height: (u32, u32),
    horiz_off: (i32, u32),
    vert_off: (i32, u32),
}

impl Clap {
    /// The crop rectangle `(x, y, w, h)` inside a `w × h` picture, when it is whole pixels
    /// and inside the picture (HEIF's rule; anything else is ignored by the caller).
    pub fn rect(&self, w: u32, h: u32) -> Option<(u32, u32, u32, u32)> {
        let ratio = |(n, d): (u32, u32)| (d != 0 && n % d == 0).then(|| n / d);
        let cw = ratio(self.width)?;
        let ch = ratio(self.height)?;
        // The centre is (w - 1)/2 + offset; the left edge is centre - (cw - 1)/2. Both
        // halves are worked in doubled units to stay exact.
        let edge = |size: u32, crop: u32, (n, d): (i32, u32)| -> Option<u32> {
            if d == 0 {
                return None;
            }
            let d = i64::from(d);
            // 2·left = (size - 1) + 2·n/d - (crop - 1) = size - crop + 2n/d
            let twice = (i64::from(size) - i64::from(crop)) * d + 2 * i64::from(n);
            let den = 2 * d;
            (twice % den == 0)
                .then(|| twice / den)
                .filter(|&l| l >= 0 && l + i64::from(crop) <= i64::from(size))
                .and_then(|l| u32::try_from(l).ok())
        };
        if cw == 0 || ch == 0 {
            return None;
        }
        let x = edge(w, cw, self.horiz_off)?;
        let y = edge(h, ch, self.vert_off)?;
        Some((x, y, cw, ch))
    }
}

/// One property from `ipco`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Property {
    /// Image spatial extents.
    Ispe {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// Colour information.
    Colr(Colr),
    /// Anticlockwise rotation in quarter turns (0..=3).
    Irot(u8),
    /// Mirror: axis 0 = about a horizontal axis (top-bottom), 1 = about a vertical axis.
    Imir(u8),
    /// Clean aperture.
    Clap(Clap),
    /// Bits per channel.
    Pixi(Vec<u8>),
    /// Auxiliary type URN (alpha, depth, …).
    AuxC(String),
    /// AV1 codec configuration (the box's payload).
    Av1C(Vec<u8>),
    /// HEVC codec configuration (the box's payload).
    HvcC(Vec<u8>),
    /// Anything else (kept so indices stay right).
    Other(FourCc),
}

/// One item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Its id.
    pub id: u32,
    /// Its type (`av01`, `hvc1`, `grid`, `Exif`, …).
    pub kind: FourCc,
    /// Where its bytes are: ranges of the file, or of `idat`.
    extents: Vec<Range<usize>>,
    /// The extents are inside `idat` (construction method 1).
    in_idat: bool,
    /// Associated properties: index into [`Heif::properties`] and the essential flag.
    props: Vec<(usize, bool)>,
}

/// A reference from one item to others (`dimg`, `auxl`, `prem`, `thmb`, `cdsc`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Reference {
    kind: FourCc,
    from: u32,
    to: Vec<u32>,
}

/// The parsed `meta` box.
#[derive(Debug, Clone)]
pub struct Heif<'a> {
    bytes: &'a [u8],
    idat: &'a [u8],
    /// The primary item's id.
    pub primary: u32,
    items: Vec<Item>,
    properties: Vec<Property>,
    refs: Vec<Reference>,
}

/// A `grid` item's layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grid {
    /// Tile rows.
    pub rows: u32,
    /// Tile columns.
    pub columns: u32,
    /// The assembled picture's width (tiles beyond it are cropped).
    pub width: u32,
    /// The assembled picture's height.
    pub height: u32,
}

impl<'a> Heif<'a> {
    /// Parses the top-level `meta` box of `bytes`.
    ///
    /// # Errors
    /// A message when there is no `meta`, a box or field runs out of bounds, or a count is
    /// above its guard.
    pub fn parse(bytes: &'a [u8]) -> Res<Heif<'a>> {
        let meta = child(bytes, b"meta")?.ok_or_else(|| {
            "no meta box (an image sequence without a still picture?)".to_string()
        })?;
        let mut r = Reader::new(meta);
        r.full()?;
        let meta = r.rest();
        let mut heif = Heif {
            bytes,
            idat: &[],
            primary: 0,
            items: Vec::new(),
            properties: Vec::new(),
            refs: Vec::new(),
        };
        let mut have_primary = false;
        let mut locations: Vec<Location> = Vec::new();
        let mut types: Vec<(u32, FourCc)> = Vec::new();
        let mut associations: Vec<Association> = Vec::new();
        for b in boxes(meta) {
            let b = b?;
            match &b.kind {
                b"pitm" => {
                    let mut r = Reader::new(b.body);
                    let (v, _) = r.full()?;
                    heif.primary = if v == 0 {
                        u32::from(r.u16()?)
                    } else {
                        r.u32()?
                    };
                    have_primary = true;
                }
                b"iloc" => locations = iloc(b.body, bytes.len())?,
                b"iinf" => types = iinf(b.body)?,
                b"iref" => heif.refs = iref(b.body)?,
                b"iprp" => {
                    if let Some(ipco) = child(b.body, b"ipco")? {
                        heif.properties = ipco_properties(ipco)?;
                    }
                    for bb in boxes(b.body) {
                        let bb = bb?;
                        if &bb.kind == b"ipma" {
                            associations.extend(ipma(bb.body)?);
                        }
                    }
                }
                b"idat" => heif.idat = b.body,
                _ => {}
            }
        }
        if !have_primary {
            return Err("no primary item (pitm)".into());
        }
        for (id, kind) in types {
            let (in_idat, extents) = locations
                .iter()
                .find(|(i, ..)| *i == id)
                .map(|(_, idat, e)| (*idat, e.clone()))
                .unwrap_or((false, Vec::new()));
            let props = associations
                .iter()
                .filter(|(i, _)| *i == id)
                .flat_map(|(_, p)| p.iter().copied())
                .collect();
            heif.items.push(Item {
                id,
                kind,
                extents,
                in_idat,
                props,
            });
        }
        for item in &heif.items {
            for &(index, _) in &item.props {
                if index >= heif.properties.len() {
                    return Err(format!(
                        "item {} names property {} of {}",
                        item.id,
                        index + 1,
                        heif.properties.len()
                    ));
                }
            }
        }
        Ok(heif)
    }

    /// The item with id `id`.
    pub fn item(&self, id: u32) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// The primary item.
    ///
    /// # Errors
    /// When `pitm` names an item that `iinf` does not declare.
    pub fn primary_item(&self) -> Res<&Item> {
        self.item(self.primary)
            .ok_or_else(|| format!("the primary item {} is not declared", self.primary))
    }

    /// The item's properties in association order, with their essential flags.
    pub fn properties(&self, item: &Item) -> impl Iterator<Item = (&Property, bool)> + '_ {
        let props = item.props.clone();
        props
            .into_iter()
            .filter_map(move |(i, essential)| self.properties.get(i).map(|p| (p, essential)))
    }

    /// The item's bytes (its extents joined), within `max` bytes.
    ///
    /// # Errors
    /// When an extent lies outside the file or `idat`, the item is constructed from other
    /// items (construction method 2), or the data is above `max`.
    pub fn data(&self, item: &Item, max: usize) -> Res<Vec<u8>> {
        let source = if item.in_idat { self.idat } else { self.bytes };
        let total: usize = item.extents.iter().map(|e| e.len()).sum();
        if total > max {
            return Err(format!("item {} has {total} bytes, above {max}", item.id));
        }
        let mut out = Vec::with_capacity(total);
        for e in &item.extents {
            let s = source
                .get(e.clone())
                .ok_or_else(|| format!("item {} lies outside the file", item.id))?;
            out.extend_from_slice(s);
        }
        if out.is_empty() {
            return Err(format!("item {} has no data", item.id));
        }
        Ok(out)
    }

    /// The items `from` refers to with a reference of type `kind`, in order.
    pub fn references(&self, kind: &FourCc, from: u32) -> Vec<u32> {
        self.refs
            .iter()
            .filter(|r| &r.kind == kind && r.from == from)
            .flat_map(|r| r.to.iter().copied())
            .collect()
    }

    /// Items that refer to `to` with a reference of type `kind` (e.g. the `auxl` alpha of
    /// the primary item).
    pub fn referrers(&self, kind: &FourCc, to: u32) -> Vec<u32> {
        self.refs
            .iter()
            .filter(|r| &r.kind == kind && r.to.contains(&to))
            .map(|r| r.from)
            .collect()
    }

    /// The alpha plane's item for `master`: an `auxl` referrer whose `auxC` names alpha.
    pub fn alpha_of(&self, master: u32) -> Option<&Item> {
        self.referrers(b"auxl", master)
            .into_iter()
            .filter_map(|id| self.item(id))
            .find(|item| {
                self.properties(item).any(|(p, _)| {
                    matches!(p, Property::AuxC(urn)
                        if urn == "urn:mpeg:mpegB:cicp:systems:auxiliary:alpha"
                            || urn == "urn:mpeg:hevc:2015:auxid:1")
                })
            })
    }

    /// The item's size from `ispe`.
    pub fn ispe(&self, item: &Item) -> Option<(u32, u32)> {
        self.properties(item).find_map(|(p, _)| match p {
            Property::Ispe { width, height } => Some((*width, *height)),
            _ => None,
        })
    }

    /// A `grid` item's layout, read from its data.
    ///
    /// # Errors
    /// A short or unknown-version grid record, or more tiles than [`MAX_GRID_TILES`].
    pub fn grid(&self, item: &Item) -> Res<Grid> {
        let data = self.data(item, 64)?;
        let mut r = Reader::new(&data);
        let version = r.u8()?;
        if version != 0 {
            return Err(format!("grid version {version} is unknown"));
        }
        let flags = r.u8()?;
        let rows = u32::from(r.u8()?) + 1;
        let columns = u32::from(r.u8()?) + 1;
        let (width, height) = if flags & 1 == 0 {
            (u32::from(r.u16()?), u32::from(r.u16()?))
        } else {
            (r.u32()?, r.u32()?)
        };
        if (rows * columns) as usize > MAX_GRID_TILES {
            return Err(format!(
                "a {columns}x{rows} grid has more than {MAX_GRID_TILES} tiles"
            ));
        }
        Ok(Grid {
            rows,
            columns,
            width,
            height,
        })
    }

    /// The EXIF orientation (1..=8) that the item's `irot` and `imir` amount to, applied
    /// in the order HEIF prescribes (rotation, then mirror).
    pub fn orientation(&self, item: &Item) -> u8 {
        let mut rot = 0u8;
        let mut mir: Option<u8> = None;
        for (p, _) in self.properties(item) {
            match p {
                Property::Irot(a) => rot = *a & 3,
                Property::Imir(axis) => mir = Some(*axis & 1),
                _ => {}
            }
        }
        orientation(rot, mir)
    }
}

/// EXIF orientation from an anticlockwise rotation (quarter turns) followed by an optional
/// mirror: axis 0 flips top to bottom, axis 1 left to right (the axis is the line mirrored
/// about, as HEIF's second edition and libavif define it; Pillow maps it the same way).
pub fn orientation(rot: u8, mir: Option<u8>) -> u8 {
    match (rot & 3, mir) {
        (0, None) => 1,
        (1, None) => 8,
        (2, None) => 3,
        (3, None) => 6,
        (0, Some(1)) | (2, Some(0)) => 2,
        (0, Some(_)) | (2, Some(_)) => 4,
        (1, Some(1)) | (3, Some(0)) => 7,
        _ => 5,
    }
}

/// An item's id, whether it lives in `idat`, and its extents.
type Location = (u32, bool, Vec<Range<usize>>);
/// An item's id and its (property index, essential) pairs.
type Association = (u32, Vec<(usize, bool)>);

/// `iloc`: each item's extents, as ranges of the file (or of `idat`).
fn iloc(body: &[u8], file_len: usize) -> Res<Vec<Location>> {
    let mut r = Reader::new(body);
    let (version, _) = r.full()?;
    if version > 2 {
        return Err(format!("iloc version {version} is unknown"));
    }
    let sizes = r.u16()?;
    let offset_size = (sizes >> 12) as u8;
    let length_size = ((sizes >> 8) & 15) as u8;
    let base_size = ((sizes >> 4) & 15) as u8;
    let index_size = if version >= 1 { (sizes & 15) as u8 } else { 0 };
    let count = if version < 2 {
        u32::from(r.u16()?)
    } else {
        r.u32()?
    } as usize;
    if count > MAX_ITEMS {
        return Err(format!("iloc lists {count} items, above {MAX_ITEMS}"));
    }
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let id = if version < 2 {
            u32::from(r.u16()?)
        } else {
            r.u32()?
        };
        let method = if version >= 1 { r.u16()? & 15 } else { 0 };
        let _data_reference_index = r.u16()?;
        let base = r.sized(base_size)?;
        let extents = usize::from(r.u16()?);
        if extents > MAX_EXTENTS {
            return Err(format!("item {id} has {extents} extents"));
        }
        let mut ranges = Vec::with_capacity(extents);
        for _ in 0..extents {
            r.sized(index_size)?;
            let offset = r.sized(offset_size)?;
            let length = r.sized(length_size)?;
            let start = base
                .checked_add(offset)
                .ok_or_else(|| format!("item {id}'s offset overflows"))?;
            // Length 0: to the end of the source (the file; idat is checked when read).
            let end = if length == 0 {
                file_len as u64
            } else {
                start
                    .checked_add(length)
                    .ok_or_else(|| format!("item {id}'s length overflows"))?
            };
            let range = usize::try_from(start)
                .ok()
                .zip(usize::try_from(end).ok())
                .filter(|(s, e)| s <= e)
                .map(|(s, e)| s..e)
                .ok_or_else(|| format!("item {id} lies outside the file"))?;
            ranges.push(range);
        }
        match method {
            0 | 1 => out.push((id, method == 1, ranges)),
            // Built from other items: not used by AVIF/HEIC encoders; such items read as
            // having no data.
            _ => out.push((id, false, Vec::new())),
        }
    }
    Ok(out)
}

/// `iinf`: item ids and types (`infe` version 2 and 3; older entries carry no type).
fn iinf(body: &[u8]) -> Res<Vec<(u32, FourCc)>> {
    let mut r = Reader::new(body);
    let (version, _) = r.full()?;
    let count = if version == 0 {
        u32::from(r.u16()?)
    } else {
        r.u32()?
    } as usize;
    if count > MAX_ITEMS {
        return Err(format!("iinf lists {count} items, above {MAX_ITEMS}"));
    }
    let mut out = Vec::with_capacity(count);
    for b in boxes(r.rest()) {
        let b = b?;
        if &b.kind != b"infe" {
            continue;
        }
        let mut e = Reader::new(b.body);
        let (v, _) = e.full()?;
        if v < 2 {
            continue;
        }
        let id = if v == 2 {
            u32::from(e.u16()?)
        } else {
            e.u32()?
        };
        let _protection = e.u16()?;
        out.push((id, e.fourcc()?));
        if out.len() > MAX_ITEMS {
            return Err(format!("iinf holds more than {MAX_ITEMS} items"));
        }
    }
    Ok(out)
}

/// `iref`: typed references between items.
fn iref(body: &[u8]) -> Res<Vec<Reference>> {
    let mut r = Reader::new(body);
    let (version, _) = r.full()?;
    let mut out = Vec::new();
    let mut total = 0usize;
    for b in boxes(r.rest()) {
        let b = b?;
        let mut e = Reader::new(b.body);
        let id = |e: &mut Reader<'_>| -> Res<u32> {
            if version == 0 {
                e.u16().map(u32::from)
            } else {
                e.u32()
            }
        };
        let from = id(&mut e)?;
        let n = usize::from(e.u16()?);
        total += n;
        if total > MAX_ITEMS * 4 {
            return Err("iref holds too many references".into());
        }
        let mut to = Vec::with_capacity(n);
        for _ in 0..n {
            to.push(id(&mut e)?);
        }
        out.push(Reference {
            kind: b.kind,
            from,
            to,
        });
    }
    Ok(out)
}

/// `ipco`'s properties in order (index 0 is property 1).
fn ipco_properties(body: &[u8]) -> Res<Vec<Property>> {
    let mut out = Vec::new();
    for b in boxes(body) {
        let b = b?;
        if out.len() >= MAX_PROPERTIES {
            return Err(format!("ipco holds more than {MAX_PROPERTIES} properties"));
        }
        let mut r = Reader::new(b.body);
        let p = match &b.kind {
            b"ispe" => {
                r.full()?;
                Property::Ispe {
                    width: r.u32()?,
                    height: r.u32()?,
                }
            }
            b"colr" => match &r.fourcc()? {
                b"nclx" => {
                    let primaries = r.u16()?;
                    let transfer = r.u16()?;
                    let matrix = r.u16()?;
                    let full_range = r.u8()? & 0x80 != 0;
                    Property::Colr(Colr::Nclx {
                        primaries,
                        transfer,
                        matrix,
                        full_range,
                    })
                }
                b"rICC" | b"prof" => Property::Colr(Colr::Icc(r.rest().to_vec())),
                other => Property::Other(*other),
            },
            b"irot" => Property::Irot(r.u8()? & 3),
            b"imir" => Property::Imir(r.u8()? & 1),
            b"clap" => {
                let mut pair = || -> Res<(u32, u32)> { Ok((r.u32()?, r.u32()?)) };
                let width = pair()?;
                let height = pair()?;
                let (ho, hd) = pair()?;
                let (vo, vd) = pair()?;
                Property::Clap(Clap {
                    width,
                    height,
                    horiz_off: (ho as i32, hd),
                    vert_off: (vo as i32, vd),
                })
            }
            b"pixi" => {
                r.full()?;
                let n = usize::from(r.u8()?);
                Property::Pixi(r.take(n)?.to_vec())
            }
            b"auxC" => {
                r.full()?;
                let rest = r.rest();
                let end = rest.iter().position(|&c| c == 0).unwrap_or(rest.len());
                Property::AuxC(String::from_utf8_lossy(&rest[..end]).into_owned())
            }
            b"av1C" => Property::Av1C(b.body.to_vec()),
            b"hvcC" => Property::HvcC(b.body.to_vec()),
            other => Property::Other(*other),
        };
        out.push(p);
    }
    Ok(out)
}

/// `ipma`: which properties each item has (1-based indices made 0-based; index 0, "no
/// property", is dropped).
fn ipma(body: &[u8]) -> Res<Vec<Association>> {
    let mut r = Reader::new(body);
    let (version, flags) = r.full()?;
    let count = r.u32()? as usize;
    if count > MAX_ITEMS {
        return Err(format!("ipma lists {count} items, above {MAX_ITEMS}"));
    }
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let id = if version < 1 {
            u32::from(r.u16()?)
        } else {
            r.u32()?
        };
        let n = usize::from(r.u8()?);
        let mut props = Vec::with_capacity(n);
        for _ in 0..n {
            let (essential, index) = if flags & 1 != 0 {
                let v = r.u16()?;
                (v & 0x8000 != 0, usize::from(v & 0x7FFF))
            } else {
                let v = r.u8()?;
                (v & 0x80 != 0, usize::from(v & 0x7F))
            };
            if index > 0 {
                props.push((index - 1, essential));
            }
        }
        out.push((id, props));
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
