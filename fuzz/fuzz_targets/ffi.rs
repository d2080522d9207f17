//! The C ABI on any bytes: `pxf_sniff`, `pxf_canonicalize` and `pxf_transform` with an
//! engine of small limits built through `pxf_config_*`. Input as for `transform`: the first
//! byte is the length of the transformation text, then the text, then the image. No call
//! may return `PXF_PANIC` (a panic reached the boundary) or crash; every output handed out
//! is read and freed.
#![no_main]

use std::ffi::{c_char, CString};
use std::ptr;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pixform::ffi::*;

/// The engine pointer, made once (`pxf_engine` is shareable across threads).
struct Shared(*mut pxf_engine);
// SAFETY: the C ABI documents the engine handle as shareable across threads.
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}

fn engine() -> *const pxf_engine {
    static ENGINE: OnceLock<Shared> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            // See transform.rs: panics caught inside pixform are not crashes.
            if std::env::var_os("PIXFORM_FUZZ_ALL_PANICS").is_none() {
                std::panic::set_hook(Box::new(|_| {}));
            }
            let mut config = ptr::null_mut();
            assert_eq!(pxf_config_new(&mut config), pxf_status::PXF_OK);
            assert_eq!(
                pxf_config_set_max_pixels(config, 4_000_000),
                pxf_status::PXF_OK
            );
            assert_eq!(
                pxf_config_set_max_input_bytes(config, 1 << 20),
                pxf_status::PXF_OK
            );
            assert_eq!(pxf_config_set_threads(config, 1), pxf_status::PXF_OK);
            let mut engine = ptr::null_mut();
            assert_eq!(
                pxf_engine_new_with_config(config, &mut engine),
                pxf_status::PXF_OK
            );
            pxf_config_free(config);
            Shared(engine)
        })
        .0
        .cast_const()
}

fn not_panic(what: &str, s: pxf_status) {
    if s == pxf_status::PXF_PANIC {
        let mut buf = [0 as c_char; 512];
        pxf_last_error_message(buf.as_mut_ptr(), buf.len());
        // SAFETY: pxf_last_error_message NUL-terminates within the buffer.
        let msg = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) };
        panic!("{what}: PXF_PANIC: {msg:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&n, rest)) = data.split_first() else {
        return;
    };
    let n = usize::from(n).min(rest.len());
    let (text, image) = rest.split_at(n);
    let engine = engine();

    let mut mime: *const c_char = ptr::null();
    not_panic("sniff", pxf_sniff(image.as_ptr(), image.len(), &mut mime));

    // Text with an inner NUL is cut there, as C would see it.
    let text =
        CString::new(text.split(|&b| b == 0).next().unwrap_or(&[]).to_vec()).unwrap_or_default();
    let mut canonical: *mut c_char = ptr::null_mut();
    let s = pxf_canonicalize(text.as_ptr(), &mut canonical);
    not_panic("canonicalize", s);
    if s == pxf_status::PXF_OK {
        assert!(!canonical.is_null());
        pxf_string_free(canonical);
    }

    let mut output = ptr::null_mut();
    let s = pxf_transform(
        engine,
        image.as_ptr(),
        image.len(),
        text.as_ptr(),
        c"image/webp,image/avif,*/*".as_ptr(),
        &mut output,
    );
    not_panic("transform", s);
    if s == pxf_status::PXF_OK {
        assert!(!output.is_null());
        let mut len = 0usize;
        let data = pxf_output_data(output, &mut len);
        assert!(!data.is_null() && len > 0);
        let (w, h) = (pxf_output_width(output), pxf_output_height(output));
        assert!(u64::from(w) * u64::from(h) <= 4_000_000);
        assert!(!pxf_output_mime(output).is_null());
        let mut json: *mut c_char = ptr::null_mut();
        if pxf_output_report_json(output, &mut json) == pxf_status::PXF_OK {
            pxf_string_free(json);
        }
        pxf_output_free(output);
    } else {
        assert!(output.is_null(), "output written on error");
        let mut buf = [0 as c_char; 64];
        assert!(pxf_last_error_message(buf.as_mut_ptr(), buf.len()) > 0);
    }
});
