//! A HEIF still picture: AVIF (AV1 by rav1d, [`super::av1`]) and HEIC (HEVC by libde265,
//! [`super::hevc`], behind the `heic` feature), the container read by pixform
//! ([`super::heif`]), Y′CbCr to RGB here ([`super::yuv`]).
//!
//! - The primary item is one coded item (`av01`, `hvc1`) or a `grid` of them (tiles
//!   assembled as planes, so chroma upsampling runs across tile seams), with its `auxl`
//!   alpha item (itself an item or a grid), premultiplied alpha (`prem`) undone.
//! - 8, 10 and 12 bits, 4:0:0 to 4:4:4, limited or full range; the matrix from the `nclx`
//!   colour box when there is one, else from the codec's own header.
//! - `irot`/`imir` become the orientation the engine applies; `clap` crops (when it is
//!   whole pixels inside the picture, as HEIF requires).
//! - Colour: an ICC `colr` goes to the header as any embedded profile; `nclx` primaries
//!   other than sRGB's (Display P3, BT.2020) become a profile built from the code points.
//! - Budgets before any pixel: the size from `ispe` (or the grid record) against the pixel
//!   limits, each tile's size, the tile count; the codec is held to the item's size (rav1d
//!   by its frame-size limit, libde265 by the sequence parameter sets checked before it
//!   runs); the deadline is checked between tiles.

use super::heif::{Colr, Heif, Item, Property};
use super::planes::{Chroma, Planes, Samples};
use super::yuv::{self, Coding};
use super::*;
use super::{av1, hevc};
use crate::color::Cicp;

/// How one coded item is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Codec {
    Av1,
    Hevc,
}

impl Codec {
    /// The codec of a coded item type; `None` for anything else (grids included).
    fn of(kind: &[u8; 4]) -> Option<Codec> {
        match kind {
            b"av01" => Some(Codec::Av1),
            b"hvc1" => Some(Codec::Hevc),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Codec::Av1 => "AV1",
            Codec::Hevc => "HEVC",
        }
    }
}

/// The parsed file with its primary item checked to be a coded item or a grid.
fn open(f: InputFormat, bytes: &[u8]) -> Result<(Heif<'_>, Item)> {
    let heif = Heif::parse(bytes).map_err(|e| undecodable(f, e))?;
    let primary = heif.primary_item().map_err(|e| undecodable(f, e))?.clone();
    if &primary.kind == b"grid" || Codec::of(&primary.kind).is_some() {
        return Ok((heif, primary));
    }
    Err(undecodable(
        f,
        format!(
            "the primary item is '{}', not AV1 or HEVC",
            String::from_utf8_lossy(&primary.kind)
        ),
    ))
}

/// The stored size of an item: a grid's output size, else its `ispe`.
fn item_size(f: InputFormat, heif: &Heif<'_>, item: &Item) -> Result<(u32, u32)> {
    if &item.kind == b"grid" {
        let g = heif.grid(item).map_err(|e| undecodable(f, e))?;
        return Ok((g.width, g.height));
    }
    heif.ispe(item)
        .ok_or_else(|| undecodable(f, format!("item {} has no size (ispe)", item.id)))
}

/// The size after `clap`, with the crop rectangle when one applies.
fn cropped(heif: &Heif<'_>, item: &Item, w: u32, h: u32) -> ((u32, u32), Option<CropRect>) {
    let rect = heif.properties(item).find_map(|(p, _)| match p {
        Property::Clap(c) => c.rect(w, h),
        _ => None,
    });
    match rect {
        Some(r) if (r.2, r.3) != (w, h) => ((r.2, r.3), Some(r)),
        _ => ((w, h), None),
    }
}

/// `x, y, width, height` of a `clap` crop.
type CropRect = (u32, u32, u32, u32);
/// `nclx` primaries, transfer, matrix.
type Nclx = (u16, u16, u16);

/// The first ICC and the first `nclx` colour box of the item.
fn colr(heif: &Heif<'_>, item: &Item) -> (Option<Vec<u8>>, Option<Nclx>) {
    let mut icc = None;
    let mut nclx = None;
    for (p, _) in heif.properties(item) {
        match p {
            Property::Colr(Colr::Icc(bytes)) if icc.is_none() => icc = Some(bytes.clone()),
            Property::Colr(Colr::Nclx {
                primaries,
                transfer,
                matrix,
                ..
            }) if nclx.is_none() => nclx = Some((*primaries, *transfer, *matrix)),
            _ => {}
        }
    }
    (icc, nclx)
}

/// The profile the header carries: an embedded ICC, else one made from `nclx` code points
/// that are not sRGB's.
fn profile(heif: &Heif<'_>, item: &Item, limits: &DecodeLimits) -> Option<Vec<u8>> {
    let (icc, nclx) = colr(heif, item);
    if let Some(icc) = icc {
        return check_metadata(Some(icc), limits).ok().flatten();
    }
    let (primaries, transfer, _) = nclx?;
    Cicp {
        primaries,
        transfer,
    }
    .icc()
}

pub(super) fn read_header(f: InputFormat, bytes: &[u8], limits: &DecodeLimits) -> Result<Header> {
    let (heif, primary) = open(f, bytes)?;
    let (w, h) = item_size(f, &heif, &primary)?;
    check_size(f, w, h, limits)?;
    let ((width, height), _) = cropped(&heif, &primary, w, h);
    Ok(Header {
        format: f,
        width,
        height,
        orientation: heif.orientation(&primary),
        has_alpha: heif.alpha_of(primary.id).is_some(),
        frame_count: Some(1),
        progressive: false,
        icc: profile(&heif, &primary, limits),
        cmyk: false,
    })
}

/// Decodes one item (a coded item or a grid of them) to planes of its stored size.
fn decode_item(
    f: InputFormat,
    heif: &Heif<'_>,
    item: &Item,
    opts: &DecodeOptions,
    limits: &DecodeLimits,
) -> Result<Planes> {
    let (w, h) = item_size(f, heif, item)?;
    check_size(f, w, h, limits)?;
    if &item.kind == b"grid" {
        return decode_grid(f, heif, item, opts, limits);
    }
    let codec = Codec::of(&item.kind).ok_or_else(|| {
        undecodable(
            f,
            format!(
                "item {} is '{}', not AV1 or HEVC",
                item.id,
                String::from_utf8_lossy(&item.kind)
            ),
        )
    })?;
    let data = heif
        .data(item, heif_max(limits))
        .map_err(|e| undecodable(f, e))?;
    let planes = match codec {
        Codec::Av1 => av1::decode(&data, limits.max_pixels),
        Codec::Hevc => {
            hevc_config(heif, item).and_then(|config| hevc::decode(&config, &data, (w, h)))
        }
    }
    .map_err(|e| undecodable(f, e))?;
    if (planes.width, planes.height) != (w as usize, h as usize) {
        return Err(undecodable(
            f,
            format!(
                "the {} picture is {}x{} but the item says {w}x{h}",
                codec.name(),
                planes.width,
                planes.height
            ),
        ));
    }
    Ok(planes)
}

/// The parsed `hvcC` of an HEVC item.
fn hevc_config(heif: &Heif<'_>, item: &Item) -> Result<hevc::Config, String> {
    let body = heif
        .properties(item)
        .find_map(|(p, _)| match p {
            Property::HvcC(b) => Some(b),
            _ => None,
        })
        .ok_or_else(|| format!("HEVC item {} has no configuration (hvcC)", item.id))?;
    hevc::Config::parse(body)
}

/// Most bytes one coded item may have (a guard for `idat` items; file extents are bounded
/// by the file).
fn heif_max(limits: &DecodeLimits) -> usize {
    usize::try_from(limits.max_pixels.saturating_mul(8)).unwrap_or(usize::MAX)
}

/// A grid: every tile decoded (same size, depth and chroma) and placed, then the whole
/// cropped to the grid's output size.
fn decode_grid(
    f: InputFormat,
    heif: &Heif<'_>,
    item: &Item,
    opts: &DecodeOptions,
    limits: &DecodeLimits,
) -> Result<Planes> {
    let grid = heif.grid(item).map_err(|e| undecodable(f, e))?;
    let tiles = heif.references(b"dimg", item.id);
    let count = (grid.rows * grid.columns) as usize;
    if tiles.len() != count {
        return Err(undecodable(
            f,
            format!(
                "a {}x{} grid has {} tiles",
                grid.columns,
                grid.rows,
                tiles.len()
            ),
        ));
    }
    let mut out: Option<Planes> = None;
    let (gw, gh) = (grid.width as usize, grid.height as usize);
    for (i, id) in tiles.iter().enumerate() {
        if past(opts.deadline) {
            return Err(Error::DeadlineExceeded);
        }
        let tile_item = heif
            .item(*id)
            .ok_or_else(|| undecodable(f, format!("grid tile {id} is not declared")))?;
        if Codec::of(&tile_item.kind).is_none() {
            return Err(undecodable(f, "a grid tile is not an AV1 or HEVC item"));
        }
        let tile = decode_item(f, heif, tile_item, opts, limits)?;
        let canvas = match &mut out {
            Some(c) => c,
            None => {
                let (tw, th) = (tile.width, tile.height);
                let full_w = tw * grid.columns as usize;
                let full_h = th * grid.rows as usize;
                if full_w < gw || full_h < gh {
                    return Err(undecodable(f, "the grid's tiles do not cover its size"));
                }
                check_size(
                    f,
                    full_w as u32,
                    full_h as u32,
                    &DecodeLimits {
                        max_pixels: limits.max_pixels.saturating_mul(2),
                        max_dimension: u32::MAX,
                        ..*limits
                    },
                )?;
                let (cw, ch) = tile.chroma.chroma_size(full_w, full_h);
                let planes = [
                    tile.planes[0]
                        .zeroed_like(full_w * full_h)
                        .map_err(|e| undecodable(f, e))?,
                    tile.planes[1]
                        .zeroed_like(cw * ch)
                        .map_err(|e| undecodable(f, e))?,
                    tile.planes[2]
                        .zeroed_like(cw * ch)
                        .map_err(|e| undecodable(f, e))?,
                ];
                out.insert(Planes {
                    width: full_w,
                    height: full_h,
                    depth: tile.depth,
                    chroma: tile.chroma,
                    planes,
                    matrix: tile.matrix,
                    full_range: tile.full_range,
                })
            }
        };
        let tw = canvas.width / grid.columns as usize;
        let th = canvas.height / grid.rows as usize;
        if (tile.width, tile.height, tile.depth, tile.chroma)
            != (tw, th, canvas.depth, canvas.chroma)
        {
            return Err(undecodable(f, "grid tiles differ in size, depth or chroma"));
        }
        let (col, row) = (i % grid.columns as usize, i / grid.columns as usize);
        place(canvas, &tile, col * tw, row * th);
    }
    let canvas = out.ok_or_else(|| undecodable(f, "an empty grid"))?;
    crop(f, canvas, 0, 0, gw, gh)
}

/// Copies `tile`'s planes into `canvas` at luma position (`x`, `y`).
fn place(canvas: &mut Planes, tile: &Planes, x: usize, y: usize) {
    let (sx, sy) = subsampling(tile.chroma);
    for n in 0..3 {
        let (tw, th, cw, ox, oy) = if n == 0 {
            (tile.width, tile.height, canvas.width, x, y)
        } else {
            let (tw, th) = tile.chroma.chroma_size(tile.width, tile.height);
            let (cw, _) = canvas.chroma.chroma_size(canvas.width, canvas.height);
            (tw, th, cw, x >> sx, y >> sy)
        };
        if tw == 0 {
            continue;
        }
        for r in 0..th {
            canvas.planes[n].copy_from((oy + r) * cw + ox, &tile.planes[n], r * tw, tw);
        }
    }
}

fn subsampling(chroma: Chroma) -> (u32, u32) {
    match chroma {
        Chroma::Yuv420 => (1, 1),
        Chroma::Yuv422 => (1, 0),
        _ => (0, 0),
    }
}

/// The `w × h` region at (`x`, `y`) (even offsets when chroma is subsampled).
fn crop(f: InputFormat, p: Planes, x: usize, y: usize, w: usize, h: usize) -> Result<Planes> {
    if (x, y, w, h) == (0, 0, p.width, p.height) {
        return Ok(p);
    }
    let (sx, sy) = subsampling(p.chroma);
    let (pcw, _) = p.chroma.chroma_size(p.width, p.height);
    let (ow, oh) = p.chroma.chroma_size(w, h);
    let cut = |n: usize| -> Result<Samples> {
        let (pw, ox, oy, ow, oh) = if n == 0 {
            (p.width, x, y, w, h)
        } else {
            (pcw, x >> sx, y >> sy, ow, oh)
        };
        let mut out = p.planes[n]
            .zeroed_like(ow * oh)
            .map_err(|e| undecodable(f, e))?;
        for r in 0..oh {
            out.copy_from(r * ow, &p.planes[n], (oy + r) * pw + ox, ow);
        }
        Ok(out)
    };
    let planes = [cut(0)?, cut(1)?, cut(2)?];
    Ok(Planes {
        width: w,
        height: h,
        planes,
        ..p
    })
}

pub(super) fn decode(
    f: InputFormat,
    bytes: &[u8],
    opts: &DecodeOptions,
    limits: &DecodeLimits,
) -> Result<Decoded> {
    let (heif, primary) = open(f, bytes)?;
    let color = decode_item(f, &heif, &primary, opts, limits)?;
    let alpha_item = heif.alpha_of(primary.id).cloned();
    let alpha = match &alpha_item {
        Some(item) => {
            if past(opts.deadline) {
                return Err(Error::DeadlineExceeded);
            }
            Some(decode_item(f, &heif, item, opts, limits)?)
        }
        None => None,
    };
    let premultiplied = alpha_item
        .as_ref()
        .is_some_and(|a| heif.references(b"prem", primary.id).contains(&a.id));
    let matrix = match colr(&heif, &primary).1 {
        Some((_, _, m)) => m,
        None => color.matrix,
    };
    let ((w, h), rect) = cropped(&heif, &primary, color.width as u32, color.height as u32);
    let (color, alpha) = match rect {
        // Subsampled chroma can only be cut at even luma positions.
        Some((x, y, ..))
            if {
                let (sx, sy) = subsampling(color.chroma);
                x % (1 << sx) == 0 && y % (1 << sy) == 0
            } =>
        {
            let (x, y, w, h) = (x as usize, y as usize, w as usize, h as usize);
            let alpha = match alpha {
                Some(a) => Some(crop(f, a, x, y, w, h)?),
                None => None,
            };
            (crop(f, color, x, y, w, h)?, alpha)
        }
        Some(_) => {
            return Err(undecodable(
                f,
                "the clean aperture starts inside a chroma sample",
            ));
        }
        None => (color, alpha),
    };
    // Shrink-on-load: the planes are averaged before the conversion to RGB. Not with
    // alpha, whose straight colour would average in the hidden colour of clear pixels.
    let denom = match alpha {
        None => shrink_denom(color.width as u32, color.height as u32, opts.min_size),
        Some(_) => 1,
    };
    let color = shrink::shrink(color, usize::from(denom)).map_err(|e| undecodable(f, e))?;
    let coding = Coding {
        matrix,
        full_range: color.full_range,
    };
    let frame = yuv::to_frame(
        &color,
        coding,
        alpha.as_ref().map(|a| (a, a.full_range)),
        premultiplied,
    )?;
    let metadata = if opts.want_metadata {
        metadata(&heif, &primary, limits)?
    } else {
        Metadata::default()
    };
    Ok(Decoded {
        frame: frame.into(),
        source_bits: None,
        scale_denom: denom,
        orientation: heif.orientation(&primary),
        metadata,
        profile_applied: false,
    })
}

/// The embedded ICC profile and the EXIF item describing the primary item (its TIFF
/// structure, after the item's 4-byte header offset).
fn metadata(heif: &Heif<'_>, primary: &Item, limits: &DecodeLimits) -> Result<Metadata> {
    let max = usize::try_from(limits.max_metadata_bytes).unwrap_or(usize::MAX);
    let exif = heif
        .referrers(b"cdsc", primary.id)
        .into_iter()
        .filter_map(|id| heif.item(id))
        .find(|item| &item.kind == b"Exif")
        .and_then(|item| heif.data(item, max.saturating_add(4)).ok())
        .and_then(|data| {
            let offset = u32::from_be_bytes(data.get(..4)?.try_into().ok()?) as usize;
            data.get(4usize.checked_add(offset)?..).map(<[u8]>::to_vec)
        })
        .filter(|tiff| tiff.starts_with(b"II*\0") || tiff.starts_with(b"MM\0*"));
    Ok(Metadata {
        exif: check_metadata(exif, limits)?,
        icc: check_metadata(colr(heif, primary).0, limits)?,
        xmp: None,
    })
}
