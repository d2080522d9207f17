//! `ffi`: the C ABI over `engine`, `spec` and `sniff`. Converts and delegates only.
//!
//! The header `include/pixform.h` is generated from these items by cbindgen
//! (`tests/header.rs` checks it is current). Conventions, as in rustls-ffi:
//!
//! - every fallible call returns a [`pxf_status`]; out-pointers are written only on
//!   `PXF_OK`, and on error `pxf_last_error_message` says what happened (thread-local);
//! - every body runs inside `ffi_boundary!`: a panic becomes `PXF_PANIC`, never an abort;
//! - NULL pointers, text that is not UTF-8 and lengths that do not fit are
//!   `PXF_INVALID_ARGUMENT`, never a crash;
//! - handles are opaque; `pxf_engine` is shared (`Arc`, thread-safe), `pxf_output`,
//!   `pxf_config` and `pxf_request` have one owner (`Box`); each has one `_free`, which
//!   accepts NULL;
//! - strings handed out are static (`const char *`, never freed) or owned (`char *`, freed
//!   with `pxf_string_free`).

// Entry points are safe `extern "C" fn`s, as in rustls-ffi: they are called from C, where
// `unsafe` means nothing, and the pointer contract they rely on is written in each doc
// comment (and so in the header). Pointers are dereferenced only in `cast.rs` helpers
// after the NULL check, and in the few places marked SAFETY.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

#[macro_use]
mod panic;
mod cast;
mod engine;
mod output;
mod status;
mod text;

pub use engine::{
    pxf_config, pxf_config_free, pxf_config_new, pxf_config_set_auto_avif,
    pxf_config_set_auto_format, pxf_config_set_avif_speed, pxf_config_set_default_quality,
    pxf_config_set_jpeg_subsampling, pxf_config_set_keep_metadata, pxf_config_set_max_dimension,
    pxf_config_set_max_frames, pxf_config_set_max_input_bytes, pxf_config_set_max_pixels,
    pxf_config_set_png_compression, pxf_config_set_strict, pxf_config_set_threads,
    pxf_config_set_webp_method, pxf_engine, pxf_engine_free, pxf_engine_new,
    pxf_engine_new_with_config, pxf_request, pxf_request_free, pxf_request_new,
    pxf_request_set_accept, pxf_request_set_deadline_ms, pxf_request_set_dpr_hint,
    pxf_request_set_save_data, pxf_request_set_width_hint, pxf_transform, pxf_transform_request,
};
pub use output::{
    pxf_output, pxf_output_data, pxf_output_free, pxf_output_height, pxf_output_mime,
    pxf_output_report_json, pxf_output_width,
};
pub use status::{
    pxf_last_error_http_status, pxf_last_error_message, pxf_status, pxf_status_code,
    pxf_status_name,
};
pub use text::{
    pxf_canonicalize, pxf_sign_url, pxf_sniff, pxf_string_free, pxf_verify_url, pxf_version,
};
