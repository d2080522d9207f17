//! Engines, their configuration, requests, and the transform calls.

use std::ffi::c_char;
use std::time::{Duration, Instant};

use super::cast::{
    free_arc, free_box, to_arc_mut_ptr, to_boxed_mut_ptr, try_mut, try_opt_str, try_out, try_ref,
    try_slice, try_str, Castable, OwnershipArc, OwnershipBox,
};
use super::output::{pxf_output, OutputHandle};
use super::status::{pxf_status, FfiError, FfiResult};
use crate::engine::{ChromaSubsampling, Config, Engine, PngCompression, Request};
use crate::spec::Quality;

/// A transformation engine: its configuration and limits.
///
/// Opaque and thread-safe: one engine may serve any number of threads at once. Made by
/// `pxf_engine_new` or `pxf_engine_new_with_config`, released by `pxf_engine_free`.
#[allow(non_camel_case_types)]
pub struct pxf_engine {
    _private: [u8; 0],
}

impl Castable for pxf_engine {
    type Ownership = OwnershipArc;
    type RustType = Engine;
}

/// An engine configuration being built: limits, defaults and encoder settings.
///
/// Made by `pxf_config_new` (with pixform's defaults), changed by the `pxf_config_set_*`
/// calls, read (not consumed) by `pxf_engine_new_with_config`, released by
/// `pxf_config_free`. Not thread-safe: use one config from one thread at a time.
#[allow(non_camel_case_types)]
pub struct pxf_config {
    _private: [u8; 0],
}

impl Castable for pxf_config {
    type Ownership = OwnershipBox;
    type RustType = Config;
}

/// Per-request inputs besides the bytes and the transformation: client hints and a
/// deadline.
///
/// Made by `pxf_request_new` (no hints, no deadline), changed by the `pxf_request_set_*`
/// calls, read (not consumed) by `pxf_transform_request`, released by `pxf_request_free`.
/// Not thread-safe: use one request from one thread at a time (a request may be reused
/// for many calls).
#[allow(non_camel_case_types)]
pub struct pxf_request {
    _private: [u8; 0],
}

/// What a `pxf_request` holds. The deadline is relative, and starts when a transform call
/// starts, so one request can be reused.
#[derive(Debug, Clone, Default)]
pub(crate) struct RequestTemplate {
    accept: Option<String>,
    width_hint: Option<u32>,
    dpr_hint: Option<f64>,
    save_data: bool,
    deadline: Option<Duration>,
}

impl RequestTemplate {
    fn to_request(&self, start: Instant) -> Request {
        let mut request = Request::default().save_data(self.save_data);
        if let Some(accept) = &self.accept {
            request = request.accept(accept.as_str());
        }
        if let Some(w) = self.width_hint {
            request = request.width_hint(w);
        }
        if let Some(d) = self.dpr_hint {
            request = request.dpr_hint(d);
        }
        if let Some(limit) = self.deadline.and_then(|d| start.checked_add(d)) {
            request = request.deadline(limit);
        }
        request
    }
}

impl Castable for pxf_request {
    type Ownership = OwnershipBox;
    type RustType = RequestTemplate;
}

/// Creates an engine with pixform's default configuration and limits (40 MB input,
/// 100 MP, 65535 px sides, quality 80, strict parsing).
///
/// On `PXF_OK`, `*engine_out` receives a new engine that the caller owns and must release
/// with `pxf_engine_free`. On error `*engine_out` is not written.
///
/// Returns `PXF_OK`, or `PXF_INVALID_ARGUMENT` when `engine_out` is NULL.
#[no_mangle]
pub extern "C" fn pxf_engine_new(engine_out: *mut *mut pxf_engine) -> pxf_status {
    ffi_boundary! {
        let out = try_out(engine_out, "engine_out")?;
        out.write(to_arc_mut_ptr::<pxf_engine>(Engine::default()));
        Ok(())
    }
}

/// Creates an engine with the configuration in `config`.
///
/// `config` is only read: it stays owned by the caller, who may change it, reuse it for
/// more engines, or free it right away. On `PXF_OK`, `*engine_out` receives a new engine
/// that the caller owns and must release with `pxf_engine_free`. On error `*engine_out` is
/// not written.
///
/// Returns `PXF_OK`, or `PXF_INVALID_ARGUMENT` when a pointer is NULL.
#[no_mangle]
pub extern "C" fn pxf_engine_new_with_config(
    config: *const pxf_config,
    engine_out: *mut *mut pxf_engine,
) -> pxf_status {
    ffi_boundary! {
        let config = try_ref(config, "config")?;
        let out = try_out(engine_out, "engine_out")?;
        out.write(to_arc_mut_ptr::<pxf_engine>(Engine::new(config.clone())));
        Ok(())
    }
}

/// Releases an engine. NULL is a no-op.
///
/// Call it once, after every call using the engine (in every thread) has returned.
/// Outputs made by the engine stay valid: free them separately.
#[no_mangle]
pub extern "C" fn pxf_engine_free(engine: *mut pxf_engine) {
    ffi_boundary! { free_arc(engine.cast_const()) }
}

/// The shared body of the two transform calls.
fn transform(
    engine: *const pxf_engine,
    input: *const u8,
    input_len: usize,
    transform: *const c_char,
    request: Request,
    output_out: *mut *mut pxf_output,
) -> FfiResult {
    let engine = try_ref(engine, "engine")?;
    let input = try_slice(input, input_len, "input")?;
    let text = try_str(transform, "transform")?;
    let out = try_out(output_out, "output_out")?;
    // The engine's own parse: the same identity for an empty transformation and the
    // same length limit as a Rust caller gets.
    let transform = engine.parse(text)?;
    let output = engine.transform(input, &transform, &request)?;
    out.write(to_boxed_mut_ptr::<pxf_output>(OutputHandle::new(output)?));
    Ok(())
}

/// Transforms an image.
///
/// - `engine`: from `pxf_engine_new`; may be shared by many threads at once.
/// - `input`, `input_len`: the encoded image, borrowed for the call only. `input` may be
///   NULL only when `input_len` is 0.
/// - `transform`: NUL-terminated UTF-8 ImageKit transformation, in path (`tr:w-300`),
///   query (`tr=w-300`) or bare (`w-300,h-200:rt-90`) form; borrowed for the call.
/// - `accept`: the client's HTTP `Accept` header for `f-auto`, or NULL for none.
/// - `output_out`: on `PXF_OK` receives a new output that the caller owns and must release
///   with `pxf_output_free`. On error it is not written.
///
/// Returns `PXF_OK`, `PXF_INVALID_ARGUMENT` (NULL pointer, text not UTF-8),
/// `PXF_INVALID_TRANSFORM`, `PXF_UNSUPPORTED_TRANSFORM`, `PXF_UNSUPPORTED_MEDIA`,
/// `PXF_DECODE_FAILED`, `PXF_LIMIT_EXCEEDED`, `PXF_ENCODE_FAILED` or `PXF_PANIC`; on error
/// `pxf_last_error_message` says what happened.
#[no_mangle]
pub extern "C" fn pxf_transform(
    engine: *const pxf_engine,
    input: *const u8,
    input_len: usize,
    transform: *const c_char,
    accept: *const c_char,
    output_out: *mut *mut pxf_output,
) -> pxf_status {
    ffi_boundary! {
        let mut request = Request::default();
        if let Some(accept) = try_opt_str(accept, "accept")? {
            request = request.accept(accept);
        }
        self::transform(engine, input, input_len, transform, request, output_out)
    }
}

/// Transforms an image with the client hints and deadline in `request`.
///
/// As `pxf_transform`, with `request` (from `pxf_request_new`, only read; NULL means no
/// hints and no deadline) in place of `accept`. The request's deadline counts from the
/// start of this call. Can also return `PXF_DEADLINE_EXCEEDED`.
#[no_mangle]
pub extern "C" fn pxf_transform_request(
    engine: *const pxf_engine,
    input: *const u8,
    input_len: usize,
    transform: *const c_char,
    request: *const pxf_request,
    output_out: *mut *mut pxf_output,
) -> pxf_status {
    ffi_boundary! {
        let start = Instant::now();
        let request = if request.is_null() {
            Request::default()
        } else {
            try_ref(request, "request")?.to_request(start)
        };
        self::transform(engine, input, input_len, transform, request, output_out)
    }
}

// ---------------------------------------------------------------------------------------
// Configuration

/// Creates a configuration holding pixform's defaults.
///
/// On `PXF_OK`, `*config_out` receives a new config that the caller owns and must release
/// with `pxf_config_free`. On error it is not written.
///
/// Returns `PXF_OK`, or `PXF_INVALID_ARGUMENT` when `config_out` is NULL.
#[no_mangle]
pub extern "C" fn pxf_config_new(config_out: *mut *mut pxf_config) -> pxf_status {
    ffi_boundary! {
        let out = try_out(config_out, "config_out")?;
        out.write(to_boxed_mut_ptr::<pxf_config>(Config::default()));
        Ok(())
    }
}

/// Releases a configuration. NULL is a no-op. Engines made from it are not affected.
#[no_mangle]
pub extern "C" fn pxf_config_free(config: *mut pxf_config) {
    ffi_boundary! { free_box(config) }
}

/// Applies `set` to the config behind `config` (NULL is `PXF_INVALID_ARGUMENT`).
/// Applies `set` to a copy, checks the copy with [`Config::validate`] (the one place value
/// ranges are checked), and only then stores it: a refused value leaves the config as it was.
fn with_config(config: *mut pxf_config, set: impl FnOnce(&mut Config) -> FfiResult) -> FfiResult {
    let config = try_mut(config, "config")?;
    let mut next = config.clone();
    set(&mut next)?;
    next.validate().map_err(|e| match e {
        crate::Error::BadArgument(message) => FfiError::invalid(message),
        other => FfiError::from(other),
    })?;
    *config = next;
    Ok(())
}

/// A C integer narrowed to the config's field type; a value that does not fit becomes the
/// type's maximum, which [`Config::validate`] then refuses with the field's range.
fn narrow(value: u32) -> u8 {
    u8::try_from(value).unwrap_or(u8::MAX)
}

/// Sets the largest input accepted, in bytes (default 40 MiB; must be above 0).
///
/// Returns `PXF_OK`, or `PXF_INVALID_ARGUMENT` for a NULL config or a 0.
#[no_mangle]
pub extern "C" fn pxf_config_set_max_input_bytes(config: *mut pxf_config, max: u64) -> pxf_status {
    ffi_boundary! {
        with_config(config, |c| {
            c.limits.max_input_bytes = max;
            Ok(())
        })
    }
}

/// Sets the largest input and output picture, width × height in pixels (default 100 MP;
/// must be above 0). Sets both the input and the output pixel limit.
///
/// Returns `PXF_OK`, or `PXF_INVALID_ARGUMENT` for a NULL config or a 0.
#[no_mangle]
pub extern "C" fn pxf_config_set_max_pixels(config: *mut pxf_config, max: u64) -> pxf_status {
    ffi_boundary! {
        with_config(config, |c| {
            c.limits.max_input_pixels = max;
            c.limits.max_output_pixels = max;
            Ok(())
        })
    }
}

/// Sets the largest side of any picture, in pixels (default 65535; must be above 0).
///
/// Returns `PXF_OK`, or `PXF_INVALID_ARGUMENT` for a NULL config or a 0.
#[no_mangle]
pub extern "C" fn pxf_config_set_max_dimension(config: *mut pxf_config, max: u32) -> pxf_status {
    ffi_boundary! {
        with_config(config, |c| {
            c.limits.max_dimension = max;
            Ok(())
        })
    }
}

/// Sets the most frames read from an animation (default 1000; must be above 0).
///
/// Returns `PXF_OK`, or `PXF_INVALID_ARGUMENT` for a NULL config or a 0.
#[no_mangle]
pub extern "C" fn pxf_config_set_max_frames(config: *mut pxf_config, max: u32) -> pxf_status {
    ffi_boundary! {
        with_config(config, |c| {
            c.limits.max_frames = max;
            Ok(())
        })
    }
}

/// Sets the quality used when the transformation has no `q` (1–100, default 80).
///
/// Returns `PXF_OK`, or `PXF_INVALID_ARGUMENT` for a NULL config or a value outside 1–100.
#[no_mangle]
pub extern "C" fn pxf_config_set_default_quality(
    config: *mut pxf_config,
    quality: u32,
) -> pxf_status {
    ffi_boundary! {
        with_config(config, |c| {
            c.default_quality = u8::try_from(quality)
                .ok()
                .and_then(Quality::new)
                .ok_or_else(|| FfiError::invalid(format!("default_quality {quality} is not in 1–100")))?;
            Ok(())
        })
    }
}

/// Chooses the best format for the client when the transformation has no `f` (default
/// true).
///
/// Returns `PXF_OK`, or `PXF_INVALID_ARGUMENT` for a NULL config.
#[no_mangle]
pub extern "C" fn pxf_config_set_auto_format(config: *mut pxf_config, on: bool) -> pxf_status {
    ffi_boundary! { with_config(config, |c| { c.auto_format = on; Ok(()) }) }
}

/// Lets automatic format choice pick AVIF when the client accepts it (default false).
///
/// Returns `PXF_OK`, or `PXF_INVALID_ARGUMENT` for a NULL config.
#[no_mangle]
pub extern "C" fn pxf_config_set_auto_avif(config: *mut pxf_config, on: bool) -> pxf_status {
    ffi_boundary! { with_config(config, |c| { c.auto_avif = on; Ok(()) }) }
}

/// Keeps metadata when the transformation has no `md`/`cp` (default false: stripped).
///
/// Returns `PXF_OK`, or `PXF_INVALID_ARGUMENT` for a NULL config.
#[no_mangle]
pub extern "C" fn pxf_config_set_keep_metadata(config: *mut pxf_config, on: bool) -> pxf_status {
    ffi_boundary! { with_config(config, |c| { c.keep_metadata = on; Ok(()) }) }
}

/// Refuses unknown transformation keys (true, the default) or ignores them (false).
///
/// Returns `PXF_OK`, or `PXF_INVALID_ARGUMENT` for a NULL config.
#[no_mangle]
pub extern "C" fn pxf_config_set_strict(config: *mut pxf_config, on: bool) -> pxf_status {
    ffi_boundary! { with_config(config, |c| { c.strict = on; Ok(()) }) }
}

/// Converts pictures with an embedded ICC profile (or CICP colour) to sRGB (true, the
/// default, as browsers show them), or takes every picture's numbers as sRGB (false).
/// CMYK JPEGs go through their CMYK profile either way.
///
/// Returns `PXF_OK`, or `PXF_INVALID_ARGUMENT` for a NULL config.
#[no_mangle]
pub extern "C" fn pxf_config_set_color_management(config: *mut pxf_config, on: bool) -> pxf_status {
    ffi_boundary! { with_config(config, |c| { c.color_management = on; Ok(()) }) }
}

/// Resizes in linear light (true) rather than on sRGB code values (false, the default):
/// fine patterns and bright detail on dark ground keep their brightness when shrunk, at the
/// cost of 16-bit work on what the resize reads (after shrink-on-load).
///
/// Returns `PXF_OK`, or `PXF_INVALID_ARGUMENT` for a NULL config.
#[no_mangle]
pub extern "C" fn pxf_config_set_linear_light(config: *mut pxf_config, on: bool) -> pxf_status {
    ffi_boundary! { with_config(config, |c| { c.linear_light = on; Ok(()) }) }
}

/// Sets the threads one request may use (0 = one per core, the default; 1 = the caller's
/// only). Today a second thread decodes half of a baseline JPEG on the 1/8 and 1/4 paths,
/// taken from a process-wide helper pool that creating an engine starts (unless this is 1);
/// set 1 when many requests already keep every core busy.
///
/// Returns `PXF_OK`, or `PXF_INVALID_ARGUMENT` for a NULL config.
#[no_mangle]
pub extern "C" fn pxf_config_set_threads(config: *mut pxf_config, threads: usize) -> pxf_status {
    ffi_boundary! { with_config(config, |c| { c.threads = threads; Ok(()) }) }
}

/// Sets JPEG chroma subsampling: 444, 422 or 420 (the default).
///
/// Returns `PXF_OK`, or `PXF_INVALID_ARGUMENT` for a NULL config or another value.
#[no_mangle]
pub extern "C" fn pxf_config_set_jpeg_subsampling(
    config: *mut pxf_config,
    subsampling: u32,
) -> pxf_status {
    ffi_boundary! {
        with_config(config, |c| {
            c.jpeg_subsampling = match subsampling {
                444 => ChromaSubsampling::Yuv444,
                422 => ChromaSubsampling::Yuv422,
                420 => ChromaSubsampling::Yuv420,
                other => {
                    return Err(FfiError::invalid(format!(
                        "jpeg_subsampling {other} is not 444, 422 or 420"
                    )))
                }
            };
            Ok(())
        })
    }
}

/// Sets PNG compression effort: 0 fastest, 1 fast (the default), 2 balanced, 3 smallest.
///
/// Returns `PXF_OK`, or `PXF_INVALID_ARGUMENT` for a NULL config or another value.
#[no_mangle]
pub extern "C" fn pxf_config_set_png_compression(
    config: *mut pxf_config,
    level: u32,
) -> pxf_status {
    ffi_boundary! {
        with_config(config, |c| {
            c.png_compression = match level {
                0 => PngCompression::Fastest,
                1 => PngCompression::Fast,
                2 => PngCompression::Balanced,
                3 => PngCompression::High,
                other => {
                    return Err(FfiError::invalid(format!("png_compression {other} is not 0–3")))
                }
            };
            Ok(())
        })
    }
}

/// Sets the WebP encoder method, 0 (fast) – 6 (small); default 4.
///
/// Returns `PXF_OK`, or `PXF_INVALID_ARGUMENT` for a NULL config or a value above 6.
#[no_mangle]
pub extern "C" fn pxf_config_set_webp_method(config: *mut pxf_config, method: u32) -> pxf_status {
    ffi_boundary! {
        with_config(config, |c| {
            c.webp_method = narrow(method);
            Ok(())
        })
    }
}

/// Sets the AVIF encoder speed, 1 (slow, small) – 10 (fast); default 8.
///
/// Returns `PXF_OK`, or `PXF_INVALID_ARGUMENT` for a NULL config or a value outside 1–10.
#[no_mangle]
pub extern "C" fn pxf_config_set_avif_speed(config: *mut pxf_config, speed: u32) -> pxf_status {
    ffi_boundary! {
        with_config(config, |c| {
            c.avif_speed = narrow(speed);
            Ok(())
        })
    }
}

// ---------------------------------------------------------------------------------------
// Requests

/// Creates a request with no client hints and no deadline.
///
/// On `PXF_OK`, `*request_out` receives a new request that the caller owns and must release
/// with `pxf_request_free`. On error it is not written.
///
/// Returns `PXF_OK`, or `PXF_INVALID_ARGUMENT` when `request_out` is NULL.
#[no_mangle]
pub extern "C" fn pxf_request_new(request_out: *mut *mut pxf_request) -> pxf_status {
    ffi_boundary! {
        let out = try_out(request_out, "request_out")?;
        out.write(to_boxed_mut_ptr::<pxf_request>(RequestTemplate::default()));
        Ok(())
    }
}

/// Releases a request. NULL is a no-op.
#[no_mangle]
pub extern "C" fn pxf_request_free(request: *mut pxf_request) {
    ffi_boundary! { free_box(request) }
}

fn with_request(
    request: *mut pxf_request,
    set: impl FnOnce(&mut RequestTemplate) -> FfiResult,
) -> FfiResult {
    set(try_mut(request, "request")?)
}

/// Sets the client's HTTP `Accept` header, for `f-auto` (NUL-terminated UTF-8, copied;
/// NULL clears it).
///
/// Returns `PXF_OK`, or `PXF_INVALID_ARGUMENT` for a NULL request or text not UTF-8.
#[no_mangle]
pub extern "C" fn pxf_request_set_accept(
    request: *mut pxf_request,
    accept: *const c_char,
) -> pxf_status {
    ffi_boundary! {
        with_request(request, |r| {
            r.accept = try_opt_str(accept, "accept")?.map(str::to_owned);
            Ok(())
        })
    }
}

/// Sets the `Sec-CH-Width` client hint in pixels, for `w-auto` (0 clears it).
///
/// Returns `PXF_OK`, or `PXF_INVALID_ARGUMENT` for a NULL request.
#[no_mangle]
pub extern "C" fn pxf_request_set_width_hint(request: *mut pxf_request, width: u32) -> pxf_status {
    ffi_boundary! {
        with_request(request, |r| {
            r.width_hint = (width > 0).then_some(width);
            Ok(())
        })
    }
}

/// Sets the `Sec-CH-DPR` client hint, for `dpr-auto` (0 clears it).
///
/// Returns `PXF_OK`, or `PXF_INVALID_ARGUMENT` for a NULL request or a value that is
/// negative, infinite or NaN.
#[no_mangle]
pub extern "C" fn pxf_request_set_dpr_hint(request: *mut pxf_request, dpr: f64) -> pxf_status {
    ffi_boundary! {
        with_request(request, |r| {
            if !dpr.is_finite() || dpr < 0.0 {
                return Err(FfiError::invalid(format!("dpr_hint {dpr} is not a finite number ≥ 0")));
            }
            r.dpr_hint = (dpr > 0.0).then_some(dpr);
            Ok(())
        })
    }
}

/// Sets the `Save-Data: on` client hint (default false).
///
/// Returns `PXF_OK`, or `PXF_INVALID_ARGUMENT` for a NULL request.
#[no_mangle]
pub extern "C" fn pxf_request_set_save_data(request: *mut pxf_request, on: bool) -> pxf_status {
    ffi_boundary! { with_request(request, |r| { r.save_data = on; Ok(()) }) }
}

/// Sets a deadline in milliseconds, counted from the start of each transform call using
/// this request (0 = none, the default). Work still running at the deadline stops with
/// `PXF_DEADLINE_EXCEEDED`.
///
/// Returns `PXF_OK`, or `PXF_INVALID_ARGUMENT` for a NULL request.
#[no_mangle]
pub extern "C" fn pxf_request_set_deadline_ms(
    request: *mut pxf_request,
    deadline_ms: u64,
) -> pxf_status {
    ffi_boundary! {
        with_request(request, |r| {
            r.deadline = (deadline_ms > 0).then(|| Duration::from_millis(deadline_ms));
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests;
