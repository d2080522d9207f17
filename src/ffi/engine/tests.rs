use super::*;
use crate::ffi::status::last_error_message;
use crate::spec::ParseOptions;
use crate::Output;
use std::ffi::CStr;
use std::ptr::{null, null_mut};

fn engine() -> *mut pxf_engine {
    let mut e = null_mut();
    assert_eq!(pxf_engine_new(&mut e), pxf_status::PXF_OK);
    assert!(!e.is_null());
    e
}

#[test]
fn engine_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Engine>();
}

#[test]
fn null_arguments() {
    assert_eq!(pxf_engine_new(null_mut()), pxf_status::PXF_INVALID_ARGUMENT);
    assert_eq!(last_error_message(), "engine_out is NULL");
    let mut e = null_mut();
    assert_eq!(
        pxf_engine_new_with_config(null(), &mut e),
        pxf_status::PXF_INVALID_ARGUMENT
    );
    assert!(e.is_null());
    let engine = engine();
    let sentinel = std::ptr::dangling_mut::<pxf_output>();
    let mut out = sentinel;
    let t = c"w-300".as_ptr();
    let cases: [(pxf_status, &str); 4] = [
        (
            pxf_transform(null(), null(), 0, t, null(), &mut out),
            "engine is NULL",
        ),
        (
            pxf_transform(engine, null(), 5, t, null(), &mut out),
            "input is NULL but input_len is 5",
        ),
        (
            pxf_transform(engine, b"x".as_ptr(), 1, null(), null(), &mut out),
            "transform is NULL",
        ),
        (
            pxf_transform(engine, b"x".as_ptr(), 1, t, null(), null_mut()),
            "output_out is NULL",
        ),
    ];
    for (status, message) in cases {
        assert_eq!(status, pxf_status::PXF_INVALID_ARGUMENT, "{message}");
    }
    assert_eq!(last_error_message(), "output_out is NULL");
    let bad = b"w-\xc3\0";
    assert_eq!(
        pxf_transform(
            engine,
            b"x".as_ptr(),
            1,
            bad.as_ptr().cast(),
            null(),
            &mut out
        ),
        pxf_status::PXF_INVALID_ARGUMENT
    );
    assert_eq!(
        last_error_message(),
        "transform is not valid UTF-8 (at byte 2)"
    );
    assert_eq!(
        pxf_transform(engine, b"x".as_ptr(), 1, t, bad.as_ptr().cast(), &mut out),
        pxf_status::PXF_INVALID_ARGUMENT
    );
    assert_eq!(
        last_error_message(),
        "accept is not valid UTF-8 (at byte 2)"
    );
    assert_eq!(out, sentinel, "out-pointer untouched on error");
    pxf_engine_free(engine);
    pxf_engine_free(null_mut());
}

#[test]
fn transform_matches_the_rust_api() {
    // Holds with the stubs (both fail the same way) and with the real engine.
    let bytes = std::fs::read("../shared/corpus/photos/storm-1920x1280.jpg").unwrap();
    let engine = engine();
    let mut out = null_mut();
    let status = pxf_transform(
        engine,
        bytes.as_ptr(),
        bytes.len(),
        c"w-300".as_ptr(),
        null(),
        &mut out,
    );
    let rust = crate::spec::parse("w-300", &ParseOptions::default())
        .map_err(crate::Error::from)
        .and_then(|t| Engine::default().transform(&bytes, &t, &Request::default()));
    match rust {
        Ok(expected) => {
            assert_eq!(status, pxf_status::PXF_OK);
            let got = unsafe { &(*out.cast::<OutputHandle>()).output };
            assert_eq!(got.bytes, expected.bytes);
            assert_eq!((got.width, got.height), (300, 200));
            super::super::output::pxf_output_free(out);
        }
        Err(e) => {
            assert_eq!(status, super::super::status::status_of(&e));
            assert_eq!(last_error_message(), e.to_string());
            assert!(out.is_null());
        }
    }
    pxf_engine_free(engine);
}

/// Transforms `bytes` through the C entry point; the status and, on success, the output.
fn c_transform(engine: *const pxf_engine, bytes: &[u8], t: &CStr) -> (pxf_status, Option<Output>) {
    let mut out = null_mut();
    let status = pxf_transform(
        engine,
        bytes.as_ptr(),
        bytes.len(),
        t.as_ptr(),
        null(),
        &mut out,
    );
    if out.is_null() {
        return (status, None);
    }
    let output = unsafe { &(*out.cast::<OutputHandle>()).output }.clone();
    super::super::output::pxf_output_free(out);
    (status, Some(output))
}

#[test]
fn an_empty_transform_is_the_identity_as_in_rust() {
    let bytes = std::fs::read("../shared/corpus/photos/storm-1920x1280.jpg").unwrap();
    let engine = engine();
    let rust = Engine::default()
        .transform_str(&bytes, "", &Request::default())
        .unwrap();
    for text in [c"", c"   "] {
        let (status, output) = c_transform(engine, &bytes, text);
        assert_eq!(
            status,
            pxf_status::PXF_OK,
            "{text:?}: {}",
            last_error_message()
        );
        let output = output.unwrap();
        assert_eq!((output.width, output.height), (1920, 1280), "{text:?}");
        assert_eq!(output.bytes, rust.bytes, "{text:?}");
    }
    pxf_engine_free(engine);
}

#[test]
fn the_transform_length_limit_holds_through_c() {
    let bytes = std::fs::read("../shared/corpus/photos/storm-1920x1280.jpg").unwrap();
    let mut c = null_mut();
    assert_eq!(pxf_config_new(&mut c), pxf_status::PXF_OK);
    unsafe { &mut *c.cast::<Config>() }.limits.max_transform_len = 16;
    let mut engine = null_mut();
    assert_eq!(
        pxf_engine_new_with_config(c, &mut engine),
        pxf_status::PXF_OK
    );
    pxf_config_free(c);
    let (status, _) = c_transform(engine, &bytes, c"w-300,h-200,q-80,bl-1");
    assert_eq!(
        status,
        pxf_status::PXF_LIMIT_EXCEEDED,
        "{}",
        last_error_message()
    );
    let (status, output) = c_transform(engine, &bytes, c"w-300");
    assert_eq!(status, pxf_status::PXF_OK);
    assert_eq!(output.map(|o| (o.width, o.height)), Some((300, 200)));
    pxf_engine_free(engine);
}

#[test]
fn a_refused_setting_leaves_the_config_as_it_was() {
    let mut c = null_mut();
    assert_eq!(pxf_config_new(&mut c), pxf_status::PXF_OK);
    assert_eq!(pxf_config_set_webp_method(c, 2), pxf_status::PXF_OK);
    assert_eq!(
        pxf_config_set_webp_method(c, 7),
        pxf_status::PXF_INVALID_ARGUMENT
    );
    assert_eq!(last_error_message(), "webp_method 7 is not in 0–6");
    assert_eq!(
        pxf_config_set_max_frames(c, 0),
        pxf_status::PXF_INVALID_ARGUMENT
    );
    let config = unsafe { &*c.cast::<Config>() };
    assert_eq!((config.webp_method, config.limits.max_frames), (2, 1000));
    pxf_config_free(c);
}

#[test]
fn config_setters() {
    let mut c = null_mut();
    assert_eq!(pxf_config_new(&mut c), pxf_status::PXF_OK);
    let ok = pxf_status::PXF_OK;
    let bad = pxf_status::PXF_INVALID_ARGUMENT;
    assert_eq!(pxf_config_set_max_input_bytes(c, 10), ok);
    assert_eq!(pxf_config_set_max_input_bytes(c, 0), bad);
    assert_eq!(last_error_message(), "max_input_bytes must be above 0");
    assert_eq!(pxf_config_set_max_pixels(c, 1_000), ok);
    assert_eq!(pxf_config_set_max_dimension(c, 64), ok);
    assert_eq!(pxf_config_set_max_frames(c, 2), ok);
    assert_eq!(pxf_config_set_default_quality(c, 55), ok);
    assert_eq!(pxf_config_set_default_quality(c, 0), bad);
    assert_eq!(pxf_config_set_default_quality(c, 356), bad);
    assert_eq!(pxf_config_set_auto_format(c, false), ok);
    assert_eq!(pxf_config_set_auto_avif(c, true), ok);
    assert_eq!(pxf_config_set_keep_metadata(c, true), ok);
    assert_eq!(pxf_config_set_strict(c, false), ok);
    assert_eq!(pxf_config_set_color_management(c, false), ok);
    assert_eq!(pxf_config_set_linear_light(c, true), ok);
    assert_eq!(pxf_config_set_threads(c, 2), ok);
    assert_eq!(pxf_config_set_jpeg_subsampling(c, 444), ok);
    assert_eq!(pxf_config_set_jpeg_subsampling(c, 411), bad);
    assert_eq!(pxf_config_set_png_compression(c, 3), ok);
    assert_eq!(pxf_config_set_png_compression(c, 4), bad);
    assert_eq!(pxf_config_set_webp_method(c, 6), ok);
    assert_eq!(pxf_config_set_webp_method(c, 7), bad);
    assert_eq!(pxf_config_set_avif_speed(c, 10), ok);
    assert_eq!(pxf_config_set_avif_speed(c, 0), bad);
    assert_eq!(pxf_config_set_strict(null_mut(), true), bad);
    assert_eq!(last_error_message(), "config is NULL");
    let config = unsafe { &*c.cast::<Config>() };
    let l = &config.limits;
    assert_eq!(
        (
            l.max_input_bytes,
            l.max_input_pixels,
            l.max_output_pixels,
            l.max_dimension,
            l.max_frames
        ),
        (10, 1_000, 1_000, 64, 2)
    );
    assert_eq!(config.default_quality.get(), 55);
    assert!(!config.auto_format && config.auto_avif && config.keep_metadata && !config.strict);
    assert!(!config.color_management);
    assert!(config.linear_light);
    assert_eq!(config.threads, 2);
    assert_eq!(config.jpeg_subsampling, ChromaSubsampling::Yuv444);
    assert_eq!(config.png_compression, PngCompression::High);
    assert_eq!((config.webp_method, config.avif_speed), (6, 10));
    let expected = config.clone();
    let mut e = null_mut();
    assert_eq!(pxf_engine_new_with_config(c, &mut e), ok);
    pxf_config_free(c);
    assert_eq!(unsafe { &*e.cast::<Engine>() }.config(), &expected);
    pxf_engine_free(e);
}

#[test]
fn request_setters() {
    let mut r = null_mut();
    assert_eq!(pxf_request_new(&mut r), pxf_status::PXF_OK);
    let ok = pxf_status::PXF_OK;
    assert_eq!(pxf_request_set_accept(r, c"image/webp,*/*".as_ptr()), ok);
    assert_eq!(pxf_request_set_width_hint(r, 640), ok);
    assert_eq!(pxf_request_set_dpr_hint(r, 2.0), ok);
    assert_eq!(
        pxf_request_set_dpr_hint(r, f64::NAN),
        pxf_status::PXF_INVALID_ARGUMENT
    );
    assert_eq!(pxf_request_set_save_data(r, true), ok);
    assert_eq!(pxf_request_set_deadline_ms(r, 1500), ok);
    let start = Instant::now();
    let request = unsafe { &*r.cast::<RequestTemplate>() }.to_request(start);
    assert_eq!(request.accept.as_deref(), Some("image/webp,*/*"));
    assert_eq!(request.width_hint, Some(640));
    assert_eq!(request.dpr_hint, Some(2.0));
    assert!(request.save_data);
    assert_eq!(request.deadline, Some(start + Duration::from_millis(1500)));
    assert_eq!(pxf_request_set_accept(r, null()), ok);
    assert_eq!(pxf_request_set_width_hint(r, 0), ok);
    assert_eq!(pxf_request_set_deadline_ms(r, 0), ok);
    let request = unsafe { &*r.cast::<RequestTemplate>() }.to_request(start);
    assert_eq!(
        (request.accept, request.width_hint, request.deadline),
        (None, None, None)
    );
    assert_eq!(
        pxf_request_set_save_data(null_mut(), true),
        pxf_status::PXF_INVALID_ARGUMENT
    );
    pxf_request_free(r);
    pxf_request_free(null_mut());
}
