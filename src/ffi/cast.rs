//! Casting between C handles and Rust values, through one trait.
//!
//! Each opaque C type implements [`Castable`], naming the Rust value behind it and how it is
//! owned. The helpers below only compile for the fitting ownership, so a `Box` handle cannot
//! be freed as an `Arc` by mistake. Incoming pointers, strings and slices are checked here
//! (NULL, UTF-8, length) before anything dereferences them.

use std::collections::HashMap;
use std::ffi::{c_char, CStr, CString};
use std::sync::{Arc, Mutex, OnceLock};

use super::status::{FfiError, FfiResult};

/// One owner, mutable (`Box`); `_free` drops it.
pub(crate) struct OwnershipBox;
/// Shared and immutable (`Arc`); `_free` drops one reference.
pub(crate) struct OwnershipArc;

/// A C handle type and the Rust value it stands for.
pub(crate) trait Castable {
    /// How the handle is owned: [`OwnershipBox`] or [`OwnershipArc`].
    type Ownership;
    /// The Rust value behind the handle.
    type RustType;
}

/// Hands `value` to C as a new `Box` handle.
pub(crate) fn to_boxed_mut_ptr<C>(value: C::RustType) -> *mut C
where
    C: Castable<Ownership = OwnershipBox>,
{
    Box::into_raw(Box::new(value)).cast::<C>()
}

/// Hands `value` to C as a new `Arc` handle holding one reference.
pub(crate) fn to_arc_mut_ptr<C>(value: C::RustType) -> *mut C
where
    C: Castable<Ownership = OwnershipArc>,
{
    Arc::into_raw(Arc::new(value)).cast_mut().cast::<C>()
}

/// Borrows the value behind a handle; NULL is `PXF_INVALID_ARGUMENT` naming `what`.
///
/// The caller (an entry point) relies on C's promise that a non-NULL handle came from the
/// matching constructor and has not been freed; the borrow lasts for the call.
pub(crate) fn try_ref<'a, C: Castable>(ptr: *const C, what: &str) -> FfiResult<&'a C::RustType> {
    // SAFETY: non-NULL handles point to a live `RustType` made by `to_*_ptr` (the ABI
    // contract); both Box and Arc keep the value at the address they hand out.
    unsafe { ptr.cast::<C::RustType>().as_ref() }
        .ok_or_else(|| FfiError::invalid(format!("{what} is NULL")))
}

/// Mutably borrows the value behind a `Box` handle; NULL is `PXF_INVALID_ARGUMENT`.
pub(crate) fn try_mut<'a, C>(ptr: *mut C, what: &str) -> FfiResult<&'a mut C::RustType>
where
    C: Castable<Ownership = OwnershipBox>,
{
    // SAFETY: as in `try_ref`; a Box handle has one owner, who is calling us.
    unsafe { ptr.cast::<C::RustType>().as_mut() }
        .ok_or_else(|| FfiError::invalid(format!("{what} is NULL")))
}

/// Frees a `Box` handle; NULL is a no-op.
pub(crate) fn free_box<C>(ptr: *mut C)
where
    C: Castable<Ownership = OwnershipBox>,
{
    if !ptr.is_null() {
        // SAFETY: made by `to_boxed_mut_ptr` and freed once (the ABI contract).
        drop(unsafe { Box::from_raw(ptr.cast::<C::RustType>()) });
    }
}

/// Drops one reference of an `Arc` handle; NULL is a no-op.
pub(crate) fn free_arc<C>(ptr: *const C)
where
    C: Castable<Ownership = OwnershipArc>,
{
    if !ptr.is_null() {
        // SAFETY: made by `to_arc_mut_ptr`, and this reference is released once.
        drop(unsafe { Arc::from_raw(ptr.cast::<C::RustType>()) });
    }
}

/// An out-pointer checked for NULL, written only on success.
pub(crate) struct OutPtr<T>(*mut T);

impl<T> OutPtr<T> {
    /// Writes the result. Call last, once everything else succeeded.
    pub fn write(self, value: T) {
        // SAFETY: checked non-NULL in `try_out`; C promises it points to writable storage
        // for a `T` (which may be uninitialised, hence `write`, not assignment).
        unsafe { self.0.write(value) }
    }
}

/// Checks an out-pointer; NULL is `PXF_INVALID_ARGUMENT` naming `what`.
pub(crate) fn try_out<T>(ptr: *mut T, what: &str) -> FfiResult<OutPtr<T>> {
    if ptr.is_null() {
        Err(FfiError::invalid(format!("{what} is NULL")))
    } else {
        Ok(OutPtr(ptr))
    }
}

/// Reads a NUL-terminated UTF-8 string; NULL or bad UTF-8 is `PXF_INVALID_ARGUMENT`.
pub(crate) fn try_str<'a>(ptr: *const c_char, what: &str) -> FfiResult<&'a str> {
    try_opt_str(ptr, what)?.ok_or_else(|| FfiError::invalid(format!("{what} is NULL")))
}

/// Reads an optional NUL-terminated UTF-8 string (NULL → `None`).
pub(crate) fn try_opt_str<'a>(ptr: *const c_char, what: &str) -> FfiResult<Option<&'a str>> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: non-NULL, and C promises a NUL-terminated string alive for the call.
    let cstr = unsafe { CStr::from_ptr(ptr) };
    cstr.to_str().map(Some).map_err(|e| {
        FfiError::invalid(format!(
            "{what} is not valid UTF-8 (at byte {})",
            e.valid_up_to()
        ))
    })
}

/// Reads `len` bytes at `ptr`. NULL with 0 is empty; NULL with more is
/// `PXF_INVALID_ARGUMENT`, and so is a length above `isize::MAX`.
pub(crate) fn try_slice<'a>(ptr: *const u8, len: usize, what: &str) -> FfiResult<&'a [u8]> {
    if len > isize::MAX as usize {
        return Err(FfiError::invalid(format!(
            "{what}_len {len} does not fit in memory"
        )));
    }
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(FfiError::invalid(format!(
                "{what} is NULL but {what}_len is {len}"
            )))
        };
    }
    // SAFETY: non-NULL, len ≤ isize::MAX, and C promises `len` readable bytes alive for the
    // call.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Hands a string to C as an owned `char *` (freed by `pxf_string_free`).
pub(crate) fn to_owned_c_string(s: String) -> FfiResult<*mut c_char> {
    CString::new(s).map(CString::into_raw).map_err(|e| {
        FfiError::invalid(format!(
            "result contains a NUL at byte {}",
            e.nul_position()
        ))
    })
}

/// A NUL-terminated copy of a static string, made once and kept for the life of the
/// process (the set of static strings pixform hands out — MIME types — is small and fixed).
pub(crate) fn static_c_str(s: &'static str) -> FfiResult<&'static CStr> {
    static INTERNED: OnceLock<Mutex<HashMap<&'static str, &'static CStr>>> = OnceLock::new();
    let map = INTERNED.get_or_init(Default::default);
    let mut map = map.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(c) = map.get(s) {
        return Ok(c);
    }
    let owned = CString::new(s)
        .map_err(|_| FfiError::invalid(format!("static string {s:?} contains a NUL")))?;
    let leaked: &'static CStr = Box::leak(owned.into_boxed_c_str());
    map.insert(s, leaked);
    Ok(leaked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::status::pxf_status;

    #[test]
    fn slices() {
        assert_eq!(
            try_slice(std::ptr::null(), 0, "input").unwrap(),
            &[] as &[u8]
        );
        let e = try_slice(std::ptr::null(), 3, "input").unwrap_err();
        assert_eq!(e.status, pxf_status::PXF_INVALID_ARGUMENT);
        assert_eq!(e.message, "input is NULL but input_len is 3");
        let data = [1u8, 2, 3];
        let e = try_slice(data.as_ptr(), usize::MAX, "input").unwrap_err();
        assert_eq!(e.status, pxf_status::PXF_INVALID_ARGUMENT);
        assert_eq!(try_slice(data.as_ptr(), 2, "input").unwrap(), &[1, 2]);
    }

    #[test]
    fn strings() {
        assert_eq!(try_str(c"w-300".as_ptr(), "t").unwrap(), "w-300");
        assert_eq!(
            try_str(std::ptr::null(), "t").unwrap_err().message,
            "t is NULL"
        );
        assert_eq!(try_opt_str(std::ptr::null(), "t").unwrap(), None);
        let bad = b"w-\xff\0";
        let e = try_str(bad.as_ptr().cast(), "t").unwrap_err();
        assert_eq!(e.status, pxf_status::PXF_INVALID_ARGUMENT);
        assert_eq!(e.message, "t is not valid UTF-8 (at byte 2)");
        let a = static_c_str("image/png").unwrap();
        let b = static_c_str("image/png").unwrap();
        assert_eq!(a.as_ptr(), b.as_ptr(), "interned once");
        assert_eq!(a.to_str().unwrap(), "image/png");
        assert!(to_owned_c_string("a\0b".into()).is_err());
    }

    #[test]
    fn out_pointer_written_once() {
        let mut slot: *mut u8 = std::ptr::dangling_mut();
        assert!(try_out(std::ptr::null_mut::<*mut u8>(), "out").is_err());
        try_out(&mut slot, "out")
            .unwrap()
            .write(std::ptr::null_mut());
        assert!(slot.is_null());
    }
}
