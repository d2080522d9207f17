//! One AV1 still picture decoded by rav1d (the Rust port of dav1d) into owned planes.
//!
//! rav1d's only public interface is dav1d's C API, so this is the one place with `unsafe`
//! in the decoders: a context is opened per picture with two frame contexts, no logger and a
//! frame-size limit, the coded bytes are copied into rav1d's own buffer, and the planes are
//! copied out before the picture is released. Every pointer and stride rav1d returns is
//! checked against the size it reports before a slice is made.

use std::mem::MaybeUninit;
use std::ptr::NonNull;

use rav1d::include::dav1d::data::Dav1dData;
use rav1d::include::dav1d::dav1d::{Dav1dContext, Dav1dSettings};
use rav1d::include::dav1d::headers::{
    DAV1D_PIXEL_LAYOUT_I400, DAV1D_PIXEL_LAYOUT_I420, DAV1D_PIXEL_LAYOUT_I422,
};
use rav1d::include::dav1d::picture::Dav1dPicture;
use rav1d::src::lib as dav1d;

use super::planes::{Chroma, Planes, Samples};

/// An open rav1d context, closed on drop.
struct Context(Option<Dav1dContext>);

impl Drop for Context {
    fn drop(&mut self) {
        if self.0.is_some() {
            // SAFETY: the context came from `dav1d_open` and is closed once, here.
            unsafe { dav1d::dav1d_close(Some(NonNull::from(&mut self.0))) };
        }
    }
}

/// A picture rav1d handed out, released on drop.
struct Picture(Dav1dPicture);

impl Drop for Picture {
    fn drop(&mut self) {
        // SAFETY: the picture was filled by `dav1d_get_picture` (or is still default) and is
        // released once, here.
        unsafe { dav1d::dav1d_picture_unref(Some(NonNull::from(&mut self.0))) };
    }
}

/// rav1d's `-EAGAIN`.
const EAGAIN: i32 = -11;

/// Decodes the one picture of `obus` (an AV1 item's data: a temporal unit starting with
/// the sequence header), refusing frames of more than `max_pixels`.
///
/// # Errors
/// A message for data rav1d refuses or that yields no picture, an unsupported bit depth,
/// or planes that do not match the size rav1d reports.
pub fn decode(obus: &[u8], max_pixels: u64) -> Result<Planes, String> {
    check_obus(obus)?;
    let mut settings = MaybeUninit::<Dav1dSettings>::uninit();
    // SAFETY: `dav1d_default_settings` writes every field of the settings.
    let mut settings = unsafe {
        dav1d::dav1d_default_settings(NonNull::new_unchecked(settings.as_mut_ptr()));
        settings.assume_init()
    };
    // Two frame contexts: rav1d 1.1 aborts the process on any decode error with a single
    // one (memorysafety/rav1d#1497: its error path unwraps a frame header it already
    // dropped, inside an `extern "C"` function, so the panic cannot unwind). With two the
    // error takes the other path and comes back as a status. A still picture is one frame,
    // so the second context only costs its allocation and a worker thread.
    settings.n_threads = 2;
    settings.max_frame_delay = 2;
    settings.all_layers = 0;
    settings.frame_size_limit = u32::try_from(max_pixels).unwrap_or(u32::MAX);
    // No logger (rav1d's default prints to stderr). rav1d does not export the logger's
    // constructor; the logger is two nullable pointers (cookie, callback), all zeroes is
    // "none".
    // SAFETY: the field is plain old data of nullable pointers, written whole.
    unsafe {
        let logger = std::ptr::addr_of_mut!(settings.logger);
        std::ptr::write_bytes(logger.cast::<u8>(), 0, std::mem::size_of_val(&*logger));
    }

    let mut ctx = Context(None);
    // SAFETY: both pointers are valid for the call.
    let r = unsafe {
        dav1d::dav1d_open(
            Some(NonNull::from(&mut ctx.0)),
            Some(NonNull::from(&mut settings)),
        )
    };
    if r.0 != 0 || ctx.0.is_none() {
        return Err(format!("the AV1 decoder did not start ({})", r.0));
    }

    let mut data = Dav1dData::default();
    // SAFETY: `data` is valid to write; rav1d allocates `obus.len()` bytes it owns.
    let buf = unsafe { dav1d::dav1d_data_create(Some(NonNull::from(&mut data)), obus.len()) };
    if buf.is_null() {
        return Err("no memory for the AV1 data".into());
    }
    // SAFETY: `buf` points at `obus.len()` writable bytes just allocated by rav1d.
    unsafe { std::ptr::copy_nonoverlapping(obus.as_ptr(), buf, obus.len()) };

    let mut pic = Picture(Dav1dPicture::default());
    let mut got = false;
    // Feed until the data is consumed, taking the picture as soon as one is out; then
    // drain. Each turn either consumes data or ends, so the loop is bounded.
    for _ in 0..64 {
        if data.sz > 0 {
            // SAFETY: the context is open; `data` came from `dav1d_data_create`.
            let r = unsafe { dav1d::dav1d_send_data(ctx.0, Some(NonNull::from(&mut data))) };
            if r.0 != 0 && r.0 != EAGAIN {
                // SAFETY: `data` is ours to release.
                unsafe { dav1d::dav1d_data_unref(Some(NonNull::from(&mut data))) };
                return Err(format!("the AV1 data is invalid ({})", r.0));
            }
        }
        // SAFETY: the context is open; `pic` is valid to write.
        let r = unsafe { dav1d::dav1d_get_picture(ctx.0, Some(NonNull::from(&mut pic.0))) };
        if r.0 == 0 {
            got = true;
            break;
        }
        if r.0 != EAGAIN {
            // SAFETY: as above.
            unsafe { dav1d::dav1d_data_unref(Some(NonNull::from(&mut data))) };
            return Err(format!("the AV1 data does not decode ({})", r.0));
        }
        if data.sz == 0 {
            // Everything sent: the next calls drain the frame threads (each blocks until a
            // frame is out or there is none).
            for _ in 0..4 {
                // SAFETY: as above.
                let r = unsafe { dav1d::dav1d_get_picture(ctx.0, Some(NonNull::from(&mut pic.0))) };
                if r.0 != EAGAIN {
                    got = r.0 == 0;
                    break;
                }
            }
            break;
        }
    }
    // SAFETY: releasing whatever rav1d did not consume (a no-op when all was).
    unsafe { dav1d::dav1d_data_unref(Some(NonNull::from(&mut data))) };
    if !got {
        return Err("the AV1 data holds no picture".into());
    }
    // The picture is reference-counted apart from the context: closing the context first
    // frees the frame threads' coefficient buffers before the planes are copied.
    drop(ctx);
    copy_planes(&pic.0)
}

/// Reads a LEB128 value (at most 8 bytes, as AV1 allows).
fn leb128(b: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for i in 0..8 {
        let byte = *b.get(*pos)?;
        *pos += 1;
        v |= u64::from(byte & 0x7F) << (7 * i);
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// The OBU framing checked before rav1d sees it: every OBU inside the data with its
/// forbidden bit clear and a known type, a sequence header first (after temporal
/// delimiters) and a frame after it. Cheap, and it keeps the most common damage (a cut
/// file, a broken header) away from rav1d's error paths.
fn check_obus(b: &[u8]) -> Result<(), String> {
    let mut pos = 0usize;
    let mut seen_seq = false;
    let mut seen_frame = false;
    while pos < b.len() {
        let header = b[pos];
        pos += 1;
        if header & 0x80 != 0 {
            return Err("an AV1 OBU has its forbidden bit set".into());
        }
        let kind = (header >> 3) & 15;
        if header & 0x04 != 0 {
            pos += 1; // extension header
        }
        let size = if header & 0x02 != 0 {
            leb128(b, &mut pos).ok_or_else(|| "an AV1 OBU size is cut off".to_string())?
        } else {
            // No size field: the OBU runs to the end of the data.
            b.len().saturating_sub(pos) as u64
        };
        let end = (pos as u64)
            .checked_add(size)
            .filter(|&e| e <= b.len() as u64)
            .ok_or_else(|| "an AV1 OBU runs past the end of the item".to_string())?;
        match kind {
            1 => seen_seq = true,
            2 | 5 | 15 => {}
            3 | 4 | 6 | 7 => {
                if !seen_seq {
                    return Err("the AV1 data has no sequence header before its frame".into());
                }
                seen_frame = true;
            }
            8 => {}
            n => return Err(format!("AV1 OBU type {n} is reserved")),
        }
        pos = end as usize;
    }
    if !seen_frame {
        return Err("the AV1 data holds no frame".into());
    }
    Ok(())
}

/// Copies the planes of a picture rav1d returned, checking its geometry first.
fn copy_planes(pic: &Dav1dPicture) -> Result<Planes, String> {
    let w = usize::try_from(pic.p.w).map_err(|_| "negative AV1 width".to_string())?;
    let h = usize::try_from(pic.p.h).map_err(|_| "negative AV1 height".to_string())?;
    if w == 0 || h == 0 {
        return Err("the AV1 picture is empty".into());
    }
    let depth = match pic.p.bpc {
        8 => 8u8,
        10 => 10,
        12 => 12,
        n => return Err(format!("{n}-bit AV1 is not supported")),
    };
    let chroma = match pic.p.layout {
        DAV1D_PIXEL_LAYOUT_I400 => Chroma::Mono,
        DAV1D_PIXEL_LAYOUT_I420 => Chroma::Yuv420,
        DAV1D_PIXEL_LAYOUT_I422 => Chroma::Yuv422,
        _ => Chroma::Yuv444,
    };
    let (cw, ch) = chroma.chroma_size(w, h);
    let bytes = if depth > 8 { 2 } else { 1 };
    let plane = |i: usize, pw: usize, ph: usize, stride: isize| -> Result<Samples, String> {
        if pw == 0 {
            return Ok(Samples::empty(bytes == 2));
        }
        let ptr = pic.data[i].ok_or_else(|| format!("AV1 plane {i} is missing"))?;
        let row_bytes = pw * bytes;
        if stride.unsigned_abs() < row_bytes {
            return Err(format!("AV1 plane {i}'s stride is shorter than a row"));
        }
        Samples::from_rows(bytes == 2, pw, ph, |y| {
            // SAFETY: rav1d allocated `ph` rows of `|stride|` bytes from `ptr` (the stride
            // may be negative: rows then run backwards), each at least `row_bytes` long.
            unsafe {
                let start = ptr.as_ptr().cast::<u8>().offset(stride * y as isize);
                std::slice::from_raw_parts(start, row_bytes)
            }
        })
    };
    let y = plane(0, w, h, pic.stride[0])?;
    let u = plane(1, cw, ch, pic.stride[1])?;
    let v = plane(2, cw, ch, pic.stride[1])?;
    let seq = pic
        .seq_hdr
        .ok_or_else(|| "the AV1 picture has no sequence header".to_string())?;
    // SAFETY: the sequence header lives as long as the picture, which `pic` still holds.
    let seq = unsafe { seq.as_ref() };
    Ok(Planes {
        width: w,
        height: h,
        depth,
        chroma,
        planes: [y, u, v],
        matrix: seq.mtrx as u16,
        full_range: seq.color_range != 0,
    })
}
