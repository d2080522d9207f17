//! The panic boundary: no unwinding ever leaves an `extern "C"` function.
//!
//! Every entry point's body sits inside [`ffi_boundary!`]. The body evaluates either to the
//! function's return value, or (for functions returning [`pxf_status`]) to an
//! [`FfiResult`](super::status::FfiResult), which [`IntoReturn`] turns into the status and
//! the thread's last error. A caught panic records "internal panic" and returns
//! [`PanicOrDefault::value`].

use std::ffi::c_char;

use super::status::{finish, pxf_status, set_last_error, FfiError, FfiResult};

/// What an entry point returns when its body panicked.
pub(crate) trait PanicOrDefault {
    /// `PXF_PANIC` for statuses, NULL for pointers, 0 for numbers.
    fn value() -> Self;
}

impl PanicOrDefault for pxf_status {
    fn value() -> Self {
        pxf_status::PXF_PANIC
    }
}

impl<T> PanicOrDefault for *const T {
    fn value() -> Self {
        std::ptr::null()
    }
}

impl<T> PanicOrDefault for *mut T {
    fn value() -> Self {
        std::ptr::null_mut()
    }
}

impl PanicOrDefault for () {
    fn value() -> Self {}
}

impl PanicOrDefault for u16 {
    fn value() -> Self {
        0
    }
}

impl PanicOrDefault for u32 {
    fn value() -> Self {
        0
    }
}

impl PanicOrDefault for usize {
    fn value() -> Self {
        0
    }
}

/// Turns what a body evaluated to into what the entry point returns.
pub(crate) trait IntoReturn<R> {
    /// The value handed to C.
    fn into_return(self) -> R;
}

impl IntoReturn<pxf_status> for FfiResult {
    fn into_return(self) -> pxf_status {
        finish(self)
    }
}

macro_rules! plain_return {
    ($($t:ty),*) => {$(
        impl IntoReturn<$t> for $t {
            fn into_return(self) -> $t {
                self
            }
        }
    )*};
}

plain_return!((), u16, u32, usize, *const c_char, *const u8);

/// Records the panic and gives the fallback value.
pub(crate) fn caught_panic<R: PanicOrDefault>() -> R {
    set_last_error(&FfiError::panic());
    R::value()
}

/// Runs an entry point's body, catching any panic.
///
/// The body may use `?` on [`FfiResult`](super::status::FfiResult)s when the function
/// returns `pxf_status`.
macro_rules! ffi_boundary {
    ($($body:tt)*) => {{
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(
            || { $($body)* },
        )) {
            ::std::result::Result::Ok(value) => $crate::ffi::panic::IntoReturn::into_return(value),
            ::std::result::Result::Err(_) => $crate::ffi::panic::caught_panic(),
        }
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panicking_status(boom: bool) -> pxf_status {
        ffi_boundary! {
            if boom {
                panic!("boom");
            }
            Ok(())
        }
    }

    fn panicking_ptr() -> *const c_char {
        ffi_boundary! {
            if std::hint::black_box(true) {
                panic!("boom");
            }
            c"x".as_ptr()
        }
    }

    #[test]
    fn panics_become_statuses_and_nulls() {
        // The panic messages below are expected on stderr.
        let status = panicking_status(true);
        let ptr = panicking_ptr();
        assert_eq!(status, pxf_status::PXF_PANIC);
        assert!(ptr.is_null());
        assert_eq!(super::super::status::last_error_message(), "internal panic");
        assert_eq!(panicking_status(false), pxf_status::PXF_OK);
        assert_eq!(super::super::status::last_error_message(), "");
    }
}
