//! libde265 through its C API (`libde265/de265.h`), linked dynamically from the system
//! library so that users may swap it, as its LGPL-3.0 licence asks.
//!
//! A decoder context per picture, no worker threads, the parameter sets and the item's NAL
//! units pushed whole, then bounded `de265_decode` calls until a picture comes out. The
//! planes are copied before any other libde265 call (its pictures live only until then),
//! and every pointer, size and stride it returns is checked against the parameter set
//! already read by pixform before a slice is made.

use std::ffi::{c_char, c_int, c_void, CStr};

use super::super::planes::{Chroma, Planes, Samples};
use super::{Config, Sps};

/// `struct de265_image`, opaque.
#[repr(C)]
struct Image {
    _private: [u8; 0],
}

#[link(name = "de265")]
extern "C" {
    fn de265_new_decoder() -> *mut c_void;
    fn de265_free_decoder(ctx: *mut c_void) -> c_int;
    fn de265_push_NAL(
        ctx: *mut c_void,
        data: *const c_void,
        length: c_int,
        pts: i64,
        user_data: *mut c_void,
    ) -> c_int;
    fn de265_flush_data(ctx: *mut c_void) -> c_int;
    fn de265_decode(ctx: *mut c_void, more: *mut c_int) -> c_int;
    fn de265_get_next_picture(ctx: *mut c_void) -> *const Image;
    fn de265_get_image_width(img: *const Image, channel: c_int) -> c_int;
    fn de265_get_image_height(img: *const Image, channel: c_int) -> c_int;
    fn de265_get_chroma_format(img: *const Image) -> c_int;
    fn de265_get_bits_per_pixel(img: *const Image, channel: c_int) -> c_int;
    fn de265_get_image_plane(img: *const Image, channel: c_int, stride: *mut c_int) -> *const u8;
    fn de265_get_image_full_range_flag(img: *const Image) -> c_int;
    fn de265_get_image_matrix_coefficients(img: *const Image) -> c_int;
    fn de265_get_error_text(err: c_int) -> *const c_char;
    fn de265_isOK(err: c_int) -> c_int;
}

/// `DE265_ERROR_IMAGE_BUFFER_FULL`.
const IMAGE_BUFFER_FULL: c_int = 9;
/// `DE265_ERROR_WAITING_FOR_INPUT_DATA`.
const WAITING_FOR_INPUT_DATA: c_int = 13;

/// A decoder context, freed on drop.
struct Decoder(*mut c_void);

impl Drop for Decoder {
    fn drop(&mut self) {
        // SAFETY: the context came from `de265_new_decoder` and is freed once, here.
        unsafe { de265_free_decoder(self.0) };
    }
}

/// libde265's text for an error code.
fn error_text(err: c_int) -> String {
    // SAFETY: libde265 returns a static NUL-terminated string for every code.
    let text = unsafe { de265_get_error_text(err) };
    if text.is_null() {
        return format!("libde265 error {err}");
    }
    // SAFETY: non-null, static and NUL-terminated (above).
    unsafe { CStr::from_ptr(text) }
        .to_string_lossy()
        .into_owned()
}

/// Decodes the picture of an item whose parameter sets pixform has checked (`sps`).
pub fn decode(config: &Config, nals: &[&[u8]], sps: Sps) -> Result<Planes, String> {
    // SAFETY: no preconditions; a null context is handled below.
    let ctx = Decoder(unsafe { de265_new_decoder() });
    if ctx.0.is_null() {
        return Err("the HEVC decoder did not start".into());
    }
    let all = || {
        config
            .nals
            .iter()
            .map(Vec::as_slice)
            .chain(nals.iter().copied())
    };
    for nal in all() {
        let len = c_int::try_from(nal.len()).map_err(|_| "an HEVC NAL unit is too long")?;
        // SAFETY: the context is open; `nal` is valid for `len` bytes, which libde265
        // copies before returning.
        let err =
            unsafe { de265_push_NAL(ctx.0, nal.as_ptr().cast(), len, 0, std::ptr::null_mut()) };
        // SAFETY: a pure function of the code.
        if unsafe { de265_isOK(err) } == 0 {
            return Err(format!("the HEVC data is refused: {}", error_text(err)));
        }
    }
    // SAFETY: the context is open.
    unsafe { de265_flush_data(ctx.0) };
    // Each call decodes at least one NAL unit or reports that it is done, so a few calls
    // per unit bound the loop.
    let turns = 16 + 4 * all().count();
    for _ in 0..turns {
        let mut more: c_int = 0;
        // SAFETY: the context is open; `more` is valid to write.
        let err = unsafe { de265_decode(ctx.0, &mut more) };
        // SAFETY: the context is open.
        let img = unsafe { de265_get_next_picture(ctx.0) };
        if !img.is_null() {
            // SAFETY: a picture just returned, used before any other call on the context.
            return unsafe { copy_planes(img, sps) };
        }
        // SAFETY: a pure function of the code.
        let ok = unsafe { de265_isOK(err) } != 0;
        if !ok && err != WAITING_FOR_INPUT_DATA && err != IMAGE_BUFFER_FULL {
            return Err(format!(
                "the HEVC data does not decode: {}",
                error_text(err)
            ));
        }
        if more == 0 {
            break;
        }
    }
    Err("the HEVC data holds no picture".into())
}

/// Copies the planes of `img`, checking its geometry against `sps` first.
///
/// # Safety
/// `img` is a picture libde265 just returned, with no libde265 call on its context since.
unsafe fn copy_planes(img: *const Image, sps: Sps) -> Result<Planes, String> {
    let chroma = match de265_get_chroma_format(img) {
        0 => Chroma::Mono,
        1 => Chroma::Yuv420,
        2 => Chroma::Yuv422,
        _ => Chroma::Yuv444,
    };
    if chroma != sps.chroma {
        return Err("the HEVC picture's chroma differs from its parameter set".into());
    }
    let size = |c: c_int| -> Result<(usize, usize), String> {
        let w = usize::try_from(de265_get_image_width(img, c));
        let h = usize::try_from(de265_get_image_height(img, c));
        match (w, h) {
            (Ok(w), Ok(h)) => Ok((w, h)),
            _ => Err("libde265 reports a negative picture size".into()),
        }
    };
    let (w, h) = size(0)?;
    if w == 0 || h == 0 || w > sps.coded_width as usize || h > sps.coded_height as usize {
        return Err(format!(
            "the HEVC picture is {w}x{h}, outside its {}x{} coded size",
            sps.coded_width, sps.coded_height
        ));
    }
    let depth = de265_get_bits_per_pixel(img, 0);
    if depth != c_int::from(sps.depth) {
        return Err("the HEVC picture's depth differs from its parameter set".into());
    }
    let depth = sps.depth;
    let bytes = if depth > 8 { 2 } else { 1 };
    let (cw, ch) = chroma.chroma_size(w, h);
    let mut planes = Vec::with_capacity(3);
    for c in 0..3usize {
        let (pw, ph) = if c == 0 { (w, h) } else { (cw, ch) };
        if pw == 0 {
            planes.push(Samples::empty(bytes == 2));
            continue;
        }
        let channel = c as c_int;
        if size(channel)? != (pw, ph)
            || de265_get_bits_per_pixel(img, channel) != c_int::from(depth)
        {
            return Err(format!(
                "HEVC plane {c} does not have the expected size or depth"
            ));
        }
        let mut stride: c_int = 0;
        let ptr = de265_get_image_plane(img, channel, &mut stride);
        let stride = usize::try_from(stride).unwrap_or(0);
        let row_bytes = pw * bytes;
        if ptr.is_null() || stride < row_bytes {
            return Err(format!("HEVC plane {c} is missing or its stride is short"));
        }
        let out = Samples::from_rows(bytes == 2, pw, ph, |y| {
            // SAFETY: libde265 holds `ph` rows of `stride` bytes from `ptr` for this
            // channel, each at least `row_bytes` long (checked above).
            std::slice::from_raw_parts(ptr.add(stride * y), row_bytes)
        })?;
        planes.push(out);
    }
    let [y, u, v]: [Samples; 3] = planes
        .try_into()
        .map_err(|_| "HEVC planes are missing".to_string())?;
    Ok(Planes {
        width: w,
        height: h,
        depth,
        chroma,
        planes: [y, u, v],
        matrix: u16::try_from(de265_get_image_matrix_coefficients(img)).unwrap_or(2),
        full_range: de265_get_image_full_range_flag(img) != 0,
    })
}
