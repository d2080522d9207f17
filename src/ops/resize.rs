//! [`resize`]: resample to an exact size with fast_image_resize.

use std::borrow::Cow;
use std::cell::RefCell;

use fast_image_resize as fir;

use crate::{byte_len, Error, Frame, PixelLayout, Result};

/// Resampling filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Filter {
    /// Nearest neighbour (no smoothing; for pixel art and masks).
    Nearest,
    /// Bilinear (triangle) convolution.
    Bilinear,
    /// Catmull-Rom bicubic convolution.
    CatmullRom,
    /// Mitchell–Netravali bicubic convolution (softer than Catmull-Rom).
    Mitchell,
    /// Lanczos with a 3-lobe window: the sharpest, the default.
    #[default]
    Lanczos3,
}

impl Filter {
    fn algorithm(self) -> fir::ResizeAlg {
        use fir::{FilterType, ResizeAlg};
        match self {
            Filter::Nearest => ResizeAlg::Nearest,
            Filter::Bilinear => ResizeAlg::Convolution(FilterType::Bilinear),
            Filter::CatmullRom => ResizeAlg::Convolution(FilterType::CatmullRom),
            Filter::Mitchell => ResizeAlg::Convolution(FilterType::Mitchell),
            Filter::Lanczos3 => ResizeAlg::Convolution(FilterType::Lanczos3),
        }
    }
}

pub use crate::plan::SourceBox;

/// Parameters of [`resize`].
///
/// | field | range | default |
/// | --- | --- | --- |
/// | `width`, `height` | output size, ≥ 1; **0 means the source box's side rounded** (the source's side without a box) | 0 |
/// | `filter` | [`Filter`] | `Lanczos3` |
/// | `linear_light` | resample light rather than sRGB code values (16-bit linear intermediate; slower, [`crate::Config::linear_light`]) | `false` |
/// | `source` | optional [`SourceBox`] inside the source: only that part is resampled, and the filter never reads pixels outside the whole-pixel rectangle around it (a hard cut, as if cropped first) | `None` (whole frame) |
///
/// The default is therefore a copy.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ResizeParams {
    /// Output width (0 = source box width).
    pub width: u32,
    /// Output height (0 = source box height).
    pub height: u32,
    /// Resampling filter.
    pub filter: Filter,
    /// Part of the source to resample.
    pub source: Option<SourceBox>,
    /// Average light, not sRGB code values (`resize/linear.rs`).
    pub linear_light: bool,
}

/// Frees a thread's resizer buffers once they exceed this many bytes after a call. Kept
/// below it, they save thumbnail-sized requests an allocation each; above it, they would
/// stay resident through the encoder that runs next (a 1920×1200 RGBA → 1200 px resize
/// keeps 15 MB, a third of that request's peak), while allocating them again costs little
/// next to a resize that large.
const KEEP_BUFFERS_BELOW: usize = 4 << 20;

thread_local! {
    static RESIZER: RefCell<fir::Resizer> = RefCell::new(fir::Resizer::new());
}

/// Resamples `src` (or its `source` box) to exactly `width × height`, same layout.
///
/// Runs fast_image_resize's SIMD convolution directly on the frame's bytes (U8, U8x2, U8x3,
/// U8x4: no copy, no conversion). Layouts with alpha are weighted by alpha: premultiplied
/// into 16 bits before the convolution and divided after it, so transparent pixels, whatever
/// colour they hold, never bleed a dark fringe into opaque ones, and faint pixels keep their
/// colour (an 8-bit round trip would turn them into noise). It is skipped when all pixels
/// share one alpha value (e.g. an opaque RGBA image), where it would change nothing. One
/// `Resizer` per thread is reused so its scratch buffers are too.
///
/// # Errors
/// [`Error::BadArgument`] for a source box that is not finite, empty or not inside the frame,
/// or an output whose byte count overflows.
///
/// # Allocations
/// The output frame. For alpha layouts, in 16 bits: a window of about 64 rows of the
/// premultiplied source region (made a band at a time, as for [`RowResizer`]), the vertical
/// pass's `region width × output height` and the output, freed before returning. The
/// thread's resizer keeps one intermediate image between calls, freed when it exceeds 4 MiB.
pub fn resize(src: &Frame, p: &ResizeParams) -> Result<Frame> {
    resize_from(Cow::Borrowed(src), p)
}

/// [`resize`] taking the source by value, to free it as soon as it has been read: on the
/// alpha path, once its last row has gone into the 16-bit vertical pass, before the
/// horizontal pass and the output are allocated (a 1920×1200 RGBA source is 9 MB).
///
/// # Errors
/// As [`resize`].
pub fn resize_owned(src: Frame, p: &ResizeParams) -> Result<Frame> {
    resize_from(Cow::Owned(src), p)
}

fn resize_from(src: Cow<'_, Frame>, p: &ResizeParams) -> Result<Frame> {
    let setup = Setup::new(src.width(), src.height(), src.layout(), p)?;
    if p.linear_light && p.filter != Filter::Nearest {
        return linear::resize(&src, setup);
    }
    if src.layout().has_alpha() && !uniform_alpha(&src) {
        return resize_premultiplied(src, setup);
    }
    let Setup {
        w,
        h,
        len,
        pixel_type,
        region,
        ref options,
        ..
    } = setup;
    let src_image = fir::images::ImageRef::new(src.width(), src.height(), src.data(), pixel_type)
        .map_err(|e| fir_err(&e))?;
    let Region { cx, cy, cw, ch } = region;
    let view =
        fir::images::CroppedImage::new(&src_image, cx, cy, cw, ch).map_err(|e| fir_err(&e))?;
    let mut out = vec![0u8; len];
    let mut dst_image =
        fir::images::Image::from_slice_u8(w, h, &mut out, pixel_type).map_err(|e| fir_err(&e))?;
    with_resizer(|r| r.resize(&view, &mut dst_image, options)).map_err(|e| fir_err(&e))?;
    drop(dst_image);
    Frame::new(w, h, src.layout(), out)
}

fn fir_err(e: &dyn std::fmt::Display) -> Error {
    Error::BadArgument(format!("resize: {e}"))
}

/// What every resize works out before touching pixels: the output size, the whole-pixel
/// region of the source it reads, and fast_image_resize's options (the box inside that
/// region).
#[derive(Debug)]
struct Setup {
    w: u32,
    h: u32,
    /// Output bytes.
    len: usize,
    layout: PixelLayout,
    pixel_type: fir::PixelType,
    /// Bytes per pixel of `pixel_type`.
    pixel_bytes: usize,
    region: Region,
    /// The source box relative to `region`: left, top, width, height.
    inner: (f64, f64, f64, f64),
    options: fir::ResizeOptions,
}

impl Setup {
    fn new(sw: u32, sh: u32, layout: PixelLayout, p: &ResizeParams) -> Result<Setup> {
        let sb = source_box(sw, sh, p.source)?;
        let w = if p.width == 0 {
            rounded_side(sb.width)
        } else {
            p.width
        };
        let h = if p.height == 0 {
            rounded_side(sb.height)
        } else {
            p.height
        };
        let len = byte_len(w, h, layout)
            .ok_or_else(|| Error::BadArgument(format!("resize target {w}x{h} is too large")))?;
        let pixel_type = match layout {
            PixelLayout::Gray8 => fir::PixelType::U8,
            PixelLayout::GrayAlpha8 => fir::PixelType::U8x2,
            PixelLayout::Rgb8 => fir::PixelType::U8x3,
            PixelLayout::Rgba8 => fir::PixelType::U8x4,
        };
        // Hard cut to the whole pixels the box touches, so that the filter never reaches
        // pixels outside it (crop + resize gives the same result as crop, then resize).
        let (x0, y0) = (sb.left.floor(), sb.top.floor());
        let (x1, y1) = (
            (sb.left + sb.width).ceil().min(f64::from(sw)),
            (sb.top + sb.height).ceil().min(f64::from(sh)),
        );
        // All four lie in 0..=side after `source_box`, so the casts are exact.
        let (cx, cy) = (x0 as u32, y0 as u32);
        let (cw, ch) = ((x1 - x0).max(1.0) as u32, (y1 - y0).max(1.0) as u32);
        let (left, top) = (sb.left - x0, sb.top - y0);
        let inner = (
            left,
            top,
            sb.width.min(f64::from(cw) - left),
            sb.height.min(f64::from(ch) - top),
        );
        let options = fir::ResizeOptions::new()
            .resize_alg(p.filter.algorithm())
            .crop(inner.0, inner.1, inner.2, inner.3)
            // Alpha weighting, where needed, is done here in 16 bits (`resize_premultiplied`).
            .use_alpha(false);
        Ok(Setup {
            w,
            h,
            len,
            layout,
            pixel_type,
            pixel_bytes: layout.channels(),
            region: Region { cx, cy, cw, ch },
            inner,
            options,
        })
    }

    /// Source rows (relative to the region) output rows `j0..j1` read: their boxes' span,
    /// the filter's reach and a row of slack on each side, clipped to the region.
    fn reads(&self, j0: u32, j1: u32) -> (u32, u32) {
        let (top, height) = (self.inner.1, self.inner.3);
        let scale = height / f64::from(self.h);
        let reach = MAX_SUPPORT * scale.max(1.0) + 1.0;
        let ch = f64::from(self.region.ch);
        let lo = (top + f64::from(j0) * scale - reach).floor().clamp(0.0, ch);
        let hi = (top + f64::from(j1) * scale + reach).ceil().clamp(lo, ch);
        // Both lie in 0..=ch: exact casts.
        (lo as u32, hi as u32)
    }
}

/// Source rows a band of the row-fed resize aims to read (fewer output rows per band when
/// the vertical scale is large, at least one).
const BAND_SOURCE_ROWS: f64 = 64.0;

/// The widest filter reach, in source pixels per output pixel (Lanczos3's three lobes): a
/// band reads at least this far beyond its rows, plus one row for float noise, so every
/// filter window lies inside what it reads exactly as in the whole-frame resize.
const MAX_SUPPORT: f64 = 3.0;

/// [`resize`] for a source that arrives a few rows at a time, top to bottom, as a decoder
/// produces it: the whole source never exists at once.
///
/// The vertical pass runs band by band as soon as a band's source rows are in (fast_image_
/// resize on a window of rows, with the box moved into it, so each output row reads the
/// same rows with the same weights as in [`resize`]); the horizontal pass runs once at the
/// end on the `region width × output height` columns. Memory is that intermediate plus a
/// window of about 64 rows + the filter's reach, against the whole source for [`resize`]:
/// 4224×3168 RGB → 1200×900 holds 12.5 MB instead of 52 MB. Results equal [`resize`]'s to
/// within a level on a few samples (fast_image_resize picks its fixed-point precision from
/// the weights of each call, so a band may round a weight differently).
///
/// Only layouts without alpha (the decoders that stream produce none) and convolution
/// filters: [`RowResizer::new`] returns `None` otherwise.
///
/// Use: [`space`](RowResizer::space) gives room for the next rows, [`filled`](
/// RowResizer::filled) says how many were written, and [`finish`](RowResizer::finish)
/// returns the frame once all `height` rows have come.
#[derive(Debug)]
pub struct RowResizer {
    setup: Setup,
    src_width: u32,
    src_height: u32,
    /// Bytes per source row.
    row_bytes: usize,
    /// Output rows per band.
    band: u32,
    /// Source rows held, from `window_start`: `window_rows` of them.
    window: Vec<u8>,
    window_start: u32,
    window_rows: u32,
    /// Rows `window` can hold.
    capacity: u32,
    /// Source rows received so far.
    received: u32,
    /// Output rows the vertical pass has written.
    done: u32,
    /// The vertical pass's output: `region width × h`.
    columns: Vec<u8>,
}

impl RowResizer {
    /// A row-fed resize of a `src_width × src_height` source in `layout` with `p`.
    ///
    /// Returns `Ok(None)` where streaming does not apply: layouts with alpha, the
    /// `Nearest` filter.
    ///
    /// # Errors
    /// As [`resize`]: a source box that is not finite, empty or inside the source, or an
    /// output whose byte count overflows.
    ///
    /// # Allocations
    /// The window (about 64 + 7 × the vertical scale rows of the source) and the vertical
    /// pass's output (`region width × output height`).
    pub fn new(
        src_width: u32,
        src_height: u32,
        layout: PixelLayout,
        p: &ResizeParams,
    ) -> Result<Option<RowResizer>> {
        if layout.has_alpha() || p.filter == Filter::Nearest {
            return Ok(None);
        }
        let setup = Setup::new(src_width, src_height, layout, p)?;
        RowResizer::from_setup(src_width, src_height, setup).map(Some)
    }

    /// The 16-bit resize of [`resize_premultiplied`]: `setup`'s resize, with its source
    /// region given as premultiplied `U16x2`/`U16x4` rows (alpha layouts).
    fn wide(setup: Setup) -> Result<RowResizer> {
        let pixel_type = if setup.pixel_bytes == 2 {
            fir::PixelType::U16x2
        } else {
            fir::PixelType::U16x4
        };
        let Region { cw, ch, .. } = setup.region;
        let wide = Setup {
            len: setup
                .len
                .checked_mul(2)
                .ok_or_else(|| Error::BadArgument("resize: target too large".into()))?,
            pixel_type,
            pixel_bytes: setup.pixel_bytes * 2,
            region: Region {
                cx: 0,
                cy: 0,
                cw,
                ch,
            },
            ..setup
        };
        RowResizer::from_setup(cw, ch, wide)
    }

    fn from_setup(src_width: u32, src_height: u32, setup: Setup) -> Result<RowResizer> {
        let scale = setup.inner.3 / f64::from(setup.h);
        // ≥ 1 and whole: an exact cast.
        let band = (BAND_SOURCE_ROWS / scale.max(1.0)).floor().max(1.0) as u32;
        // The window holds the most rows any band reads.
        let capacity = (0..setup.h)
            .step_by(band as usize)
            .map(|j0| {
                let (lo, hi) = setup.reads(j0, (j0 + band).min(setup.h));
                hi - lo
            })
            .max()
            .unwrap_or(1)
            .max(1);
        let too_large = || Error::BadArgument("resize: source rows too large".into());
        let row_bytes = usize::try_from(src_width)
            .ok()
            .and_then(|w| w.checked_mul(setup.pixel_bytes))
            .ok_or_else(too_large)?;
        let window_len = row_bytes
            .checked_mul(capacity as usize)
            .ok_or_else(too_large)?;
        let columns_len = (setup.region.cw as usize)
            .checked_mul(setup.h as usize)
            .and_then(|n| n.checked_mul(setup.pixel_bytes))
            .ok_or_else(too_large)?;
        Ok(RowResizer {
            src_width,
            src_height,
            row_bytes,
            band,
            window: vec![0; window_len],
            window_start: 0,
            window_rows: 0,
            capacity,
            received: 0,
            done: 0,
            columns: vec![0; columns_len],
            setup,
        })
    }

    /// Room for the next source rows: whole rows, at least one. Rows after the last one
    /// the resize needs are accepted and ignored.
    ///
    /// # Errors
    /// [`Error::BadArgument`] when all `src_height` rows have already come.
    pub fn space(&mut self) -> Result<&mut [u8]> {
        if self.received >= self.src_height {
            return Err(Error::BadArgument(
                "resize: more source rows than the source has".into(),
            ));
        }
        self.run_bands()?;
        let free = self.free_rows();
        let from = self.window_rows as usize * self.row_bytes;
        let to = from + free as usize * self.row_bytes;
        // A full window always holds a whole band, which `run_bands` has consumed.
        self.window
            .get_mut(from..to)
            .filter(|room| !room.is_empty())
            .ok_or_else(|| Error::BadArgument("resize: window overflow".into()))
    }

    /// The first `rows` rows of the last [`space`](RowResizer::space) now hold pixels.
    ///
    /// # Errors
    /// [`Error::BadArgument`] for more rows than that space had.
    pub fn filled(&mut self, rows: usize) -> Result<()> {
        let free = self.free_rows();
        let rows = u32::try_from(rows)
            .ok()
            .filter(|&r| r <= free)
            .ok_or_else(|| Error::BadArgument("resize: filled more rows than given".into()))?;
        self.window_rows += rows;
        self.received += rows;
        Ok(())
    }

    /// Rows [`space`](RowResizer::space) offers: the window's free rows, at most the
    /// rows still to come.
    fn free_rows(&self) -> u32 {
        (self.capacity - self.window_rows).min(self.src_height - self.received)
    }

    /// The resized frame, once every source row has come.
    ///
    /// # Errors
    /// [`Error::BadArgument`] when rows are missing.
    pub fn finish(self) -> Result<Frame> {
        let (w, h, layout) = (self.setup.w, self.setup.h, self.setup.layout);
        let out = self.finish_bytes()?;
        Frame::new(w, h, layout, out)
    }

    /// The output's bytes (in the setup's pixel type).
    fn finish_bytes(mut self) -> Result<Vec<u8>> {
        if self.received < self.src_height {
            return Err(Error::BadArgument(format!(
                "resize: {} of {} source rows came",
                self.received, self.src_height
            )));
        }
        self.run_bands()?;
        drop(std::mem::take(&mut self.window));
        let Setup {
            w,
            h,
            len,
            pixel_type,
            region,
            inner,
            ..
        } = self.setup;
        let cw = region.cw;
        if (inner.0, inner.2) == (0.0, f64::from(cw)) && w == cw {
            return Ok(self.columns);
        }
        let src = fir::images::ImageRef::new(cw, h, &self.columns, pixel_type)
            .map_err(|e| fir_err(&e))?;
        let mut out = vec![0u8; len];
        let mut dst = fir::images::Image::from_slice_u8(w, h, &mut out, pixel_type)
            .map_err(|e| fir_err(&e))?;
        let options = fir::ResizeOptions::new()
            .resize_alg(self.setup.options.algorithm)
            .crop(inner.0, 0.0, inner.2, f64::from(h))
            .use_alpha(false);
        with_resizer(|r| r.resize(&src, &mut dst, &options)).map_err(|e| fir_err(&e))?;
        drop(dst);
        Ok(out)
    }

    /// Runs every band whose rows are all in, then drops the rows no later band reads.
    fn run_bands(&mut self) -> Result<()> {
        let (h, cy) = (self.setup.h, self.setup.region.cy);
        while self.done < h {
            let (j0, j1) = (self.done, (self.done + self.band).min(h));
            let (lo, hi) = self.setup.reads(j0, j1);
            if self.window_start + self.window_rows < cy + hi {
                break;
            }
            self.vertical(j0, j1, lo, hi)?;
            self.done = j1;
        }
        let keep_from = if self.done < h {
            cy + self.setup.reads(self.done, self.done + 1).0
        } else {
            u32::MAX
        };
        let drop_rows = keep_from
            .saturating_sub(self.window_start)
            .min(self.window_rows);
        if drop_rows > 0 {
            let from = drop_rows as usize * self.row_bytes;
            let to = self.window_rows as usize * self.row_bytes;
            self.window.copy_within(from..to, 0);
            self.window_start += drop_rows;
            self.window_rows -= drop_rows;
        }
        Ok(())
    }

    /// The vertical pass of output rows `j0..j1`, reading region rows `lo..hi` (all held).
    fn vertical(&mut self, j0: u32, j1: u32, lo: u32, hi: u32) -> Result<()> {
        let s = &self.setup;
        let (top, height) = (s.inner.1, s.inner.3);
        let scale = height / f64::from(s.h);
        let Region { cx, cy, cw, .. } = s.region;
        let first = (cy + lo - self.window_start) as usize * self.row_bytes;
        let last = (cy + hi - self.window_start) as usize * self.row_bytes;
        let rows = self
            .window
            .get(first..last)
            .ok_or_else(|| Error::BadArgument("resize: band outside the window".into()))?;
        let src = fir::images::ImageRef::new(self.src_width, hi - lo, rows, s.pixel_type)
            .map_err(|e| fir_err(&e))?;
        let view =
            fir::images::CroppedImage::new(&src, cx, 0, cw, hi - lo).map_err(|e| fir_err(&e))?;
        let out_row = cw as usize * s.pixel_bytes;
        let out = self
            .columns
            .get_mut(j0 as usize * out_row..j1 as usize * out_row)
            .ok_or_else(|| Error::BadArgument("resize: band outside the output".into()))?;
        let mut dst = fir::images::Image::from_slice_u8(cw, j1 - j0, out, s.pixel_type)
            .map_err(|e| fir_err(&e))?;
        let band_top = top + f64::from(j0) * scale - f64::from(lo);
        let band_height = (f64::from(j1 - j0) * scale).min(f64::from(hi - lo) - band_top);
        let options = fir::ResizeOptions::new()
            .resize_alg(s.options.algorithm)
            .crop(0.0, band_top, f64::from(cw), band_height)
            .use_alpha(false);
        with_resizer(|r| r.resize(&view, &mut dst, &options)).map_err(|e| fir_err(&e))
    }
}

/// The whole-pixel rectangle of the source a resize reads.
#[derive(Debug, Clone, Copy)]
struct Region {
    cx: u32,
    cy: u32,
    cw: u32,
    ch: u32,
}

/// Runs `f` with this thread's resizer, then drops its buffers if they grew past
/// [`KEEP_BUFFERS_BELOW`].
fn with_resizer<T>(f: impl FnOnce(&mut fir::Resizer) -> T) -> T {
    let run = |r: &mut fir::Resizer| {
        let res = f(r);
        if r.size_of_internal_buffers() > KEEP_BUFFERS_BELOW {
            r.reset_internal_buffers();
        }
        res
    };
    RESIZER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut r) => run(&mut r),
        // Only reachable if resize were re-entered on this thread: use a fresh resizer.
        Err(_) => run(&mut fir::Resizer::new()),
    })
}

/// Resize with alpha weighting in 16 bits: premultiply into u16, convolve, divide back.
///
/// Premultiplying in 8 bits (fast_image_resize's `use_alpha` on U8 pixels) quantises a
/// colour at alpha `a` to `a + 1` levels, so dividing back turns faint pixels into noise
/// (±25 levels at alpha 5). Invisible once composited, but it is what lossy encoders then
/// spend their bytes on: a 1920×1200 PNG with a soft alpha edge went to WebP at 756 KB
/// this way against 495 KB from ImageMagick. At 16 bits the colour survives to within a
/// level down to alpha 1.
fn resize_premultiplied(src: Cow<'_, Frame>, setup: Setup) -> Result<Frame> {
    let layout = src.layout();
    let channels = layout.channels();
    let (w, h, region) = (setup.w, setup.h, setup.region);
    let Region { cx, cy, cw, ch } = region;
    // The 16-bit copy is made a band of rows at a time, straight into a row-fed resize,
    // so the whole region never exists in 16 bits (1920×1200 RGBA: 18 MB).
    let mut rows = RowResizer::wide(setup)?;
    let (cx, cw) = (cx as usize, cw as usize);
    // Premultiplied u16 (native byte order): c · a · 257 / 255 = c16 · a16 / 65535.
    let row_len = cw * channels * 2;
    let mut y = cy;
    while y < cy + ch {
        let room = rows.space()?;
        let mut n = 0;
        for (yy, dst) in (y..cy + ch).zip(room.chunks_exact_mut(row_len)) {
            premultiply_row(&src, yy, cx, cw, dst);
            n += 1;
        }
        rows.filled(n as usize)?;
        y += n;
    }
    drop(src);
    let wide_out = rows.finish_bytes()?;
    let wide_len = wide_out.len();
    let mut out = vec![0u8; wide_len / 2];
    for (px, o) in wide_out
        .chunks_exact(channels * 2)
        .zip(out.chunks_exact_mut(channels))
    {
        let value = |i: usize| {
            px.get(2 * i..2 * i + 2)
                .map_or(0, |b| u32::from(u16::from_ne_bytes([b[0], b[1]])))
        };
        let a16 = value(channels - 1);
        let (color, alpha) = o.split_at_mut(channels - 1);
        for (i, c) in color.iter_mut().enumerate() {
            // Ringing can leave a premultiplied colour above its alpha: clamp.
            let v = (value(i) * 255 + a16 / 2).checked_div(a16).unwrap_or(0);
            *c = v.min(255) as u8;
        }
        if let Some(a) = alpha.first_mut() {
            *a = ((a16 + 128) / 257) as u8;
        }
    }
    Frame::new(w, h, layout, out)
}

/// Row `y` of `src`, pixels `cx..cx + cw`, premultiplied into u16 at `dst`.
fn premultiply_row(src: &Frame, y: u32, cx: usize, cw: usize, dst: &mut [u8]) {
    let channels = src.layout().channels();
    let row = src.row(y).unwrap_or_default();
    let pixels = row
        .get(cx * channels..(cx + cw) * channels)
        .unwrap_or_default();
    for (px, out) in pixels
        .chunks_exact(channels)
        .zip(dst.chunks_exact_mut(channels * 2))
    {
        let (color, alpha) = px.split_at(channels - 1);
        let a = u32::from(alpha.first().copied().unwrap_or(255));
        let (color_out, alpha_out) = out.split_at_mut((channels - 1) * 2);
        for (&c, o) in color.iter().zip(color_out.chunks_exact_mut(2)) {
            let v = (u32::from(c) * a * 257 + 127) / 255;
            o.copy_from_slice(&(v as u16).to_ne_bytes());
        }
        alpha_out.copy_from_slice(&((a * 257) as u16).to_ne_bytes());
    }
}

/// Whether every pixel has the same alpha: then weighting by alpha changes nothing and the
/// premultiply/divide round trip (which costs a pass and can move a colour by one level at low
/// alpha) is skipped. Stops at the first differing pixel.
fn uniform_alpha(src: &Frame) -> bool {
    let c = src.layout().channels();
    let mut alphas = src.data().chunks_exact(c).map(|p| p[c - 1]);
    match alphas.next() {
        Some(first) => alphas.all(|a| a == first),
        None => true,
    }
}

/// A source side rounded to a whole number of output pixels, at least 1.
fn rounded_side(v: f64) -> u32 {
    // `v` is in (0, u32::MAX] after `source_box`; the clamp keeps the cast in range.
    v.round().clamp(1.0, f64::from(u32::MAX)) as u32
}

/// The checked source box (the whole frame when `None`).
fn source_box(width: u32, height: u32, b: Option<SourceBox>) -> Result<SourceBox> {
    let (sw, sh) = (f64::from(width), f64::from(height));
    let Some(b) = b else {
        return Ok(SourceBox {
            left: 0.0,
            top: 0.0,
            width: sw,
            height: sh,
        });
    };
    let finite = [b.left, b.top, b.width, b.height]
        .iter()
        .all(|v| v.is_finite());
    // A tolerance of 1e-9 px absorbs float noise from the caller's arithmetic.
    const EPS: f64 = 1e-9;
    if !finite
        || b.left < 0.0
        || b.top < 0.0
        || b.width <= 0.0
        || b.height <= 0.0
        || b.left + b.width > sw + EPS
        || b.top + b.height > sh + EPS
    {
        return Err(Error::BadArgument(format!(
            "source box {b:?} is not inside the {width}x{height} frame"
        )));
    }
    let (width, height) = (b.width.min(sw - b.left), b.height.min(sh - b.top));
    if width <= 0.0 || height <= 0.0 {
        return Err(Error::BadArgument(format!(
            "source box {b:?} is empty inside the frame"
        )));
    }
    Ok(SourceBox {
        left: b.left,
        top: b.top,
        width,
        height,
    })
}

mod deep;
mod linear;
pub use deep::resize16;
#[cfg(test)]
mod tests;
