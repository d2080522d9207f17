//! Transformation results.

use std::ffi::{c_char, CStr};

use super::cast::{
    free_box, static_c_str, to_owned_c_string, try_out, try_ref, Castable, OwnershipBox,
};

use super::status::{pxf_status, FfiResult};
use crate::engine::Output;

/// The result of a transformation: encoded bytes, their MIME type, the size, and a report
/// of the decisions taken.
///
/// Opaque. Made by `pxf_transform` / `pxf_transform_request`, owned by the caller,
/// released by `pxf_output_free`. Everything borrowed from it stays valid until then. It
/// may be read from several threads at once.
#[allow(non_camel_case_types)]
pub struct pxf_output {
    _private: [u8; 0],
}

/// What a `pxf_output` holds.
#[derive(Debug)]
pub(crate) struct OutputHandle {
    /// The engine's result.
    pub output: Output,
    /// Its MIME type, NUL-terminated.
    mime: &'static CStr,
}

impl OutputHandle {
    /// Wraps an engine output.
    pub fn new(output: Output) -> FfiResult<OutputHandle> {
        let mime = static_c_str(output.mime())?;
        Ok(OutputHandle { output, mime })
    }
}

impl Castable for pxf_output {
    type Ownership = OwnershipBox;
    type RustType = OutputHandle;
}

/// Returns the encoded bytes and writes their count to `*len_out`.
///
/// The bytes are borrowed from `output`: valid until `pxf_output_free(output)`, never
/// freed by the caller. Returns NULL (and writes 0 to `*len_out` when `len_out` is not
/// NULL) when `output` or `len_out` is NULL.
#[no_mangle]
pub extern "C" fn pxf_output_data(output: *const pxf_output, len_out: *mut usize) -> *const u8 {
    ffi_boundary! {
        let len_out = try_out(len_out, "len_out");
        match (try_ref(output, "output"), len_out) {
            (Ok(handle), Ok(len_out)) => {
                len_out.write(handle.output.bytes.len());
                handle.output.bytes.as_ptr()
            }
            (Err(_), Ok(len_out)) => {
                len_out.write(0);
                std::ptr::null()
            }
            (_, Err(_)) => std::ptr::null(),
        }
    }
}

/// Returns the output's width in pixels, or 0 when `output` is NULL.
#[no_mangle]
pub extern "C" fn pxf_output_width(output: *const pxf_output) -> u32 {
    ffi_boundary! { try_ref(output, "output").map(|h| h.output.width).unwrap_or(0) }
}

/// Returns the output's height in pixels, or 0 when `output` is NULL.
#[no_mangle]
pub extern "C" fn pxf_output_height(output: *const pxf_output) -> u32 {
    ffi_boundary! { try_ref(output, "output").map(|h| h.output.height).unwrap_or(0) }
}

/// Returns the output's MIME type (`"image/jpeg"`, `"image/webp"`…), or NULL when `output`
/// is NULL.
///
/// The string is static (it outlives the output): never free it.
#[no_mangle]
pub extern "C" fn pxf_output_mime(output: *const pxf_output) -> *const c_char {
    ffi_boundary! {
        try_ref(output, "output").map(|h| h.mime.as_ptr()).unwrap_or(std::ptr::null())
    }
}

/// Writes the decisions taken for this output as one line of JSON to `*json_out`.
///
/// The object has, in this order: `input_mime` (string), `input_size` (`[w,h]`), `page`
/// (1-based page or frame decoded), `pages` (count, or `null`),
/// `orientation` (EXIF 1–8 applied), `shrink_on_load` (1, 2, 4 or 8), `steps` (one object
/// per chained step: `input` `[w,h]`, `resize` `[w,h]` or null, `crop`
/// `{"x","y","width","height"}` or null, `pad` `{"canvas":[w,h],"position":[x,y]}` or
/// null, `ops` (strings, in order), `output` `[w,h]`), `format_reason` (string), `quality`
/// (number or null), `metadata` (`"none"`, `"icc"` or `"all"`), `save_data` (bool),
/// `ignored` (keys lenient parsing dropped), `color` (`profile` found or null, `action`:
/// `"untagged"`, `"srgb"`, `"converted"`, `"kept"` or `"ignored"`, `note`), `depth`
/// (`input` bits per sample or null, `output` bits, `note` saying where 16 bits were
/// reduced, or null). The same schema the command-line tool and the bindings print
/// (`Report::to_json` in Rust).
///
/// On `PXF_OK`, `*json_out` receives a new NUL-terminated UTF-8 string that the caller
/// owns and must release with `pxf_string_free`. On error it is not written.
///
/// Returns `PXF_OK`, or `PXF_INVALID_ARGUMENT` when a pointer is NULL.
#[no_mangle]
pub extern "C" fn pxf_output_report_json(
    output: *const pxf_output,
    json_out: *mut *mut c_char,
) -> pxf_status {
    ffi_boundary! {
        let handle = try_ref(output, "output")?;
        let out = try_out(json_out, "json_out")?;
        out.write(to_owned_c_string(handle.output.report.to_json())?);
        Ok(())
    }
}

/// Releases an output and everything borrowed from it. NULL is a no-op; call it once.
#[no_mangle]
pub extern "C" fn pxf_output_free(output: *mut pxf_output) {
    ffi_boundary! { free_box(output) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{OutputFormat, Report};
    use crate::ffi::cast::to_boxed_mut_ptr;
    use crate::ffi::text::pxf_string_free;
    use std::ptr::{null, null_mut};

    #[test]
    fn accessors() {
        let output = Output {
            bytes: vec![1, 2, 3, 4],
            format: OutputFormat::Webp,
            width: 30,
            height: 20,
            report: Report {
                quality: Some(80),
                ..Report::new("image/png", crate::plan::Size::MIN)
            },
        };
        let expected_json = output.report.to_json();
        let p = to_boxed_mut_ptr::<pxf_output>(OutputHandle::new(output).unwrap());
        let mut len = 99;
        let data = pxf_output_data(p, &mut len);
        assert_eq!(
            unsafe { std::slice::from_raw_parts(data, len) },
            &[1, 2, 3, 4]
        );
        assert_eq!((pxf_output_width(p), pxf_output_height(p)), (30, 20));
        let mime = unsafe { CStr::from_ptr(pxf_output_mime(p)) };
        assert_eq!(mime.to_str().unwrap(), "image/webp");
        let mut json = null_mut();
        assert_eq!(pxf_output_report_json(p, &mut json), pxf_status::PXF_OK);
        assert_eq!(
            unsafe { CStr::from_ptr(json) }.to_str().unwrap(),
            expected_json
        );
        pxf_string_free(json);
        assert_eq!(
            pxf_output_report_json(p, null_mut()),
            pxf_status::PXF_INVALID_ARGUMENT
        );
        pxf_output_free(p);

        let mut len = 99;
        assert!(pxf_output_data(null(), &mut len).is_null());
        assert_eq!(len, 0);
        assert!(pxf_output_data(null(), null_mut()).is_null());
        assert_eq!(
            (pxf_output_width(null()), pxf_output_height(null())),
            (0, 0)
        );
        assert!(pxf_output_mime(null()).is_null());
        let mut json = null_mut();
        assert_eq!(
            pxf_output_report_json(null(), &mut json),
            pxf_status::PXF_INVALID_ARGUMENT
        );
        assert!(json.is_null());
        pxf_output_free(null_mut());
    }
}
