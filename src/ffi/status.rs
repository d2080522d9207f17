//! Status codes, the one `Error` → status mapping, and the thread-local last error.

use std::cell::RefCell;
use std::ffi::c_char;

use crate::error::{Category, Error};
use crate::spec::SignError;

/// The result of every fallible pixform call.
///
/// The numbers are part of the ABI: they never change, new codes are appended, and a
/// retired code stays reserved. `PXF_OK` is 0; every other value is an error, described in
/// detail by `pxf_last_error_message`.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum pxf_status {
    /// Success: the out-pointers were written.
    PXF_OK = 0,
    /// A NULL pointer, text that is not UTF-8, a length that does not fit, or a value out of
    /// range (HTTP 400).
    PXF_INVALID_ARGUMENT = 1,
    /// The transformation string does not parse, or cannot apply to this image (HTTP 400).
    PXF_INVALID_TRANSFORM = 2,
    /// The input is not media pixform transforms (PDF, video, unknown bytes; HTTP 415).
    PXF_UNSUPPORTED_MEDIA = 3,
    /// The input claims a supported format but cannot be decoded (truncated, corrupt; HTTP 422).
    PXF_DECODE_FAILED = 4,
    /// A configured limit would be exceeded (input bytes, pixels, sides, frames; HTTP 413/400).
    PXF_LIMIT_EXCEEDED = 5,
    /// The encoder refused or failed (HTTP 500).
    PXF_ENCODE_FAILED = 6,
    /// The request's deadline passed (HTTP 503).
    PXF_DEADLINE_EXCEEDED = 7,
    /// A bug in pixform: a panic was caught at the boundary. The engine stays usable.
    PXF_PANIC = 8,
    /// A valid key that pixform does not perform (AI, video, text layers; HTTP 501).
    PXF_UNSUPPORTED_TRANSFORM = 9,
    /// A signed URL does not verify: missing, wrong or expired signature (HTTP 401).
    PXF_SIGNATURE_INVALID = 10,
}

impl pxf_status {
    /// Every status, in numeric order.
    pub const ALL: [pxf_status; 11] = [
        pxf_status::PXF_OK,
        pxf_status::PXF_INVALID_ARGUMENT,
        pxf_status::PXF_INVALID_TRANSFORM,
        pxf_status::PXF_UNSUPPORTED_MEDIA,
        pxf_status::PXF_DECODE_FAILED,
        pxf_status::PXF_LIMIT_EXCEEDED,
        pxf_status::PXF_ENCODE_FAILED,
        pxf_status::PXF_DEADLINE_EXCEEDED,
        pxf_status::PXF_PANIC,
        pxf_status::PXF_UNSUPPORTED_TRANSFORM,
        pxf_status::PXF_SIGNATURE_INVALID,
    ];

    /// The status with this number, if there is one.
    pub fn from_code(code: u32) -> Option<pxf_status> {
        pxf_status::ALL.iter().copied().find(|s| *s as u32 == code)
    }

    /// The status name as a NUL-terminated static string.
    pub fn name(self) -> &'static std::ffi::CStr {
        match self {
            pxf_status::PXF_OK => c"PXF_OK",
            pxf_status::PXF_INVALID_ARGUMENT => c"PXF_INVALID_ARGUMENT",
            pxf_status::PXF_INVALID_TRANSFORM => c"PXF_INVALID_TRANSFORM",
            pxf_status::PXF_UNSUPPORTED_MEDIA => c"PXF_UNSUPPORTED_MEDIA",
            pxf_status::PXF_DECODE_FAILED => c"PXF_DECODE_FAILED",
            pxf_status::PXF_LIMIT_EXCEEDED => c"PXF_LIMIT_EXCEEDED",
            pxf_status::PXF_ENCODE_FAILED => c"PXF_ENCODE_FAILED",
            pxf_status::PXF_DEADLINE_EXCEEDED => c"PXF_DEADLINE_EXCEEDED",
            pxf_status::PXF_PANIC => c"PXF_PANIC",
            pxf_status::PXF_UNSUPPORTED_TRANSFORM => c"PXF_UNSUPPORTED_TRANSFORM",
            pxf_status::PXF_SIGNATURE_INVALID => c"PXF_SIGNATURE_INVALID",
        }
    }
}

/// The status for an engine error: the one place categories become C codes.
pub(crate) fn status_of(error: &Error) -> pxf_status {
    match error.category() {
        Category::InvalidTransform => pxf_status::PXF_INVALID_TRANSFORM,
        Category::UnsupportedTransform => pxf_status::PXF_UNSUPPORTED_TRANSFORM,
        Category::UnsupportedMedia => pxf_status::PXF_UNSUPPORTED_MEDIA,
        Category::Undecodable => pxf_status::PXF_DECODE_FAILED,
        Category::LimitExceeded => pxf_status::PXF_LIMIT_EXCEEDED,
        Category::Encode => pxf_status::PXF_ENCODE_FAILED,
        Category::DeadlineExceeded => pxf_status::PXF_DEADLINE_EXCEEDED,
        Category::BadArgument => pxf_status::PXF_INVALID_ARGUMENT,
    }
}

/// A failed call: the status to return and the message to record.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FfiError {
    /// What the call returns.
    pub status: pxf_status,
    /// What `pxf_last_error_message` reports.
    pub message: String,
    /// The HTTP status a host would answer with.
    pub http: u16,
}

impl FfiError {
    /// `PXF_INVALID_ARGUMENT` with this message.
    pub fn invalid(message: impl Into<String>) -> FfiError {
        FfiError {
            status: pxf_status::PXF_INVALID_ARGUMENT,
            message: message.into(),
            http: 400,
        }
    }

    /// `PXF_SIGNATURE_INVALID` for a URL that does not verify.
    pub fn signature(error: &SignError) -> FfiError {
        FfiError {
            status: pxf_status::PXF_SIGNATURE_INVALID,
            message: error.to_string(),
            http: 401,
        }
    }

    /// `PXF_PANIC`.
    pub fn panic() -> FfiError {
        FfiError {
            status: pxf_status::PXF_PANIC,
            message: "internal panic".into(),
            http: 500,
        }
    }
}

impl From<Error> for FfiError {
    fn from(error: Error) -> FfiError {
        FfiError {
            status: status_of(&error),
            message: error.to_string(),
            http: error.http_status(),
        }
    }
}

/// The body of a status-returning entry point.
pub(crate) type FfiResult<T = ()> = Result<T, FfiError>;

struct LastError {
    message: String,
    http: u16,
}

thread_local! {
    static LAST_ERROR: RefCell<Option<LastError>> = const { RefCell::new(None) };
}

/// Records `error` as this thread's last error.
pub(crate) fn set_last_error(error: &FfiError) {
    // `try_with`: during thread teardown the slot may be gone; losing the text is harmless.
    let _ = LAST_ERROR.try_with(|slot| {
        *slot.borrow_mut() = Some(LastError {
            message: error.message.clone(),
            http: error.http,
        });
    });
}

/// Clears this thread's last error (a status-returning call succeeded).
pub(crate) fn clear_last_error() {
    let _ = LAST_ERROR.try_with(|slot| *slot.borrow_mut() = None);
}

/// This thread's last error message ("" when the last call succeeded).
pub(crate) fn last_error_message() -> String {
    LAST_ERROR
        .try_with(|slot| {
            slot.borrow()
                .as_ref()
                .map(|e| e.message.clone())
                .unwrap_or_default()
        })
        .unwrap_or_default()
}

fn last_error_http() -> u16 {
    LAST_ERROR
        .try_with(|slot| slot.borrow().as_ref().map(|e| e.http).unwrap_or(0))
        .unwrap_or(0)
}

/// Turns a body's result into the status returned to C, recording or clearing the last error.
pub(crate) fn finish(result: FfiResult) -> pxf_status {
    match result {
        Ok(()) => {
            clear_last_error();
            pxf_status::PXF_OK
        }
        Err(error) => {
            set_last_error(&error);
            error.status
        }
    }
}

/// Returns the name of a status as a static NUL-terminated string, e.g. `"PXF_DECODE_FAILED"`.
///
/// Any integer is accepted: a number that is not a known status gives `"PXF_UNKNOWN"`.
/// The string is static: never free it.
#[no_mangle]
pub extern "C" fn pxf_status_name(status: pxf_status_code) -> *const c_char {
    ffi_boundary! {
        match pxf_status::from_code(status.0) {
            Some(s) => s.name().as_ptr(),
            None => c"PXF_UNKNOWN".as_ptr(),
        }
    }
}

/// A `pxf_status` as received from C, where any integer may arrive.
///
/// The header names this type `pxf_status` (see `cbindgen.toml`): Rust must not receive an
/// enum it does not know, so entry points that take a status take this.
#[allow(non_camel_case_types)]
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct pxf_status_code(pub u32);

/// Copies this thread's last error message into `buf`, cut to fit and NUL-terminated.
///
/// The message describes the most recent status-returning pixform call made on this thread
/// that failed; a call that returns `PXF_OK` clears it (to the empty string). It carries
/// the details a status cannot: byte offset and token of a bad transformation, the limit and
/// the value found, the decoder's reason.
///
/// When `buf` is NULL or `buf_len` is 0 nothing is written (use that to ask for the
/// length). Otherwise `buf` must have room for `buf_len` bytes: at most
/// `buf_len - 1` bytes are copied, never splitting a UTF-8 character, followed by a NUL.
///
/// Returns the full length of the message in bytes, without the NUL: when it is
/// `>= buf_len` the copy was cut. Returns 0 when there is no error.
#[no_mangle]
pub extern "C" fn pxf_last_error_message(buf: *mut c_char, buf_len: usize) -> usize {
    ffi_boundary! {
        let message = last_error_message();
        if !buf.is_null() && buf_len > 0 {
            let mut take = message.len().min(buf_len - 1);
            while !message.is_char_boundary(take) {
                take -= 1;
            }
            let bytes = message.as_bytes().get(..take).unwrap_or_default();
            // SAFETY: the caller promises `buf` has room for `buf_len` bytes;
            // `take + 1 <= buf_len`.
            unsafe {
                std::ptr::copy_nonoverlapping(bytes.as_ptr(), buf.cast::<u8>(), take);
                *buf.add(take) = 0;
            }
        }
        message.len()
    }
}

/// Returns the HTTP status a server would answer for this thread's last error (400, 401,
/// 413, 415, 422, 500, 501, 503…), or 0 when the last status-returning call succeeded.
#[no_mangle]
pub extern "C" fn pxf_last_error_http_status() -> u16 {
    ffi_boundary! { last_error_http() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Limit;

    #[test]
    fn numbers_are_fixed() {
        for (i, s) in pxf_status::ALL.iter().enumerate() {
            assert_eq!(*s as u32 as usize, i);
            assert_eq!(pxf_status::from_code(i as u32), Some(*s));
        }
        assert_eq!(pxf_status::PXF_SIGNATURE_INVALID as u32, 10);
        assert_eq!(pxf_status::from_code(11), None);
    }

    #[test]
    fn names() {
        let name = |c: u32| {
            // SAFETY: pxf_status_name returns a static NUL-terminated string.
            unsafe { std::ffi::CStr::from_ptr(pxf_status_name(pxf_status_code(c))) }
                .to_str()
                .unwrap()
                .to_owned()
        };
        assert_eq!(name(0), "PXF_OK");
        assert_eq!(name(4), "PXF_DECODE_FAILED");
        assert_eq!(name(10), "PXF_SIGNATURE_INVALID");
        assert_eq!(name(11), "PXF_UNKNOWN");
        assert_eq!(name(u32::MAX), "PXF_UNKNOWN");
    }

    #[test]
    fn categories_map_once() {
        let cases = [
            (
                Error::DeadlineExceeded,
                pxf_status::PXF_DEADLINE_EXCEEDED,
                503,
            ),
            (
                Error::BadArgument("x".into()),
                pxf_status::PXF_INVALID_ARGUMENT,
                400,
            ),
            (
                Error::UnsupportedMedia("pdf".into()),
                pxf_status::PXF_UNSUPPORTED_MEDIA,
                415,
            ),
            (
                Error::Undecodable {
                    format: "jpeg",
                    reason: "eof".into(),
                },
                pxf_status::PXF_DECODE_FAILED,
                422,
            ),
            (
                Error::LimitExceeded {
                    limit: Limit::InputBytes,
                    actual: 9,
                    max: 3,
                },
                pxf_status::PXF_LIMIT_EXCEEDED,
                413,
            ),
            (
                Error::Encode {
                    format: "webp",
                    reason: "too wide".into(),
                },
                pxf_status::PXF_ENCODE_FAILED,
                500,
            ),
            (
                Error::UnsupportedTransform {
                    key: "e-bgremove".into(),
                    reason: "AI".into(),
                },
                pxf_status::PXF_UNSUPPORTED_TRANSFORM,
                501,
            ),
            (
                Error::InvalidTransform(crate::spec::SpecError::new(
                    crate::spec::SpecErrorKind::InvalidValue,
                    2,
                    "abc",
                    "not a number",
                )),
                pxf_status::PXF_INVALID_TRANSFORM,
                400,
            ),
        ];
        for (error, status, http) in cases {
            let message = error.to_string();
            let e = FfiError::from(error);
            assert_eq!(e.status, status);
            assert_eq!(e.http, http);
            assert_eq!(e.message, message);
        }
    }

    #[test]
    fn last_error_is_cut_on_char_boundaries_and_per_thread() {
        set_last_error(&FfiError::invalid("héllo"));
        assert_eq!(pxf_last_error_message(std::ptr::null_mut(), 0), 6);
        let mut buf = [0x7f as c_char; 8];
        // 'h' + first byte of 'é' would split the character: only "h" is copied.
        assert_eq!(pxf_last_error_message(buf.as_mut_ptr(), 3), 6);
        assert_eq!(buf[0] as u8, b'h');
        assert_eq!(buf[1], 0);
        assert_eq!(buf[3], 0x7f, "nothing written past buf_len");
        assert_eq!(pxf_last_error_message(buf.as_mut_ptr(), 8), 6);
        let got = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) };
        assert_eq!(got.to_str().unwrap(), "héllo");
        assert_eq!(pxf_last_error_http_status(), 400);
        std::thread::spawn(|| assert_eq!(pxf_last_error_message(std::ptr::null_mut(), 0), 0))
            .join()
            .unwrap();
        assert_eq!(finish(Ok(())), pxf_status::PXF_OK);
        assert_eq!(pxf_last_error_message(buf.as_mut_ptr(), 8), 0);
        assert_eq!(buf[0], 0);
        assert_eq!(pxf_last_error_http_status(), 0);
    }
}
