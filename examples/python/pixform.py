"""pixform for Python, over the C ABI with ctypes (no third-party packages).

    import pixform
    engine = pixform.Engine()
    out = engine.transform(open("photo.jpg", "rb").read(), "w-300,h-300", accept="image/webp,*/*")
    out.bytes, out.mime, out.width, out.height, out.report   # report: dict of decisions

The shared library is found through $PIXFORM_LIB (a path to libpixform.so), then next
to this file, then in ../../target/{release,debug}/ of the repository, then by the
system loader. Errors raise a subclass of PixformError, one per C status.
"""

import ctypes
import ctypes.util
import json
import os
import time
from ctypes import POINTER, byref, c_bool, c_char_p, c_double, c_int, c_int64, c_size_t, c_uint16, c_uint32, c_uint64, c_void_p

__all__ = [
    "Engine", "Output", "PixformError", "InvalidArgument", "InvalidTransform", "UnsupportedMedia",
    "DecodeFailed", "LimitExceeded", "EncodeFailed", "DeadlineExceeded", "Panic",
    "UnsupportedTransform", "SignatureInvalid", "sniff", "canonicalize", "sign_url", "verify_url",
    "version",
]


def _find_library():
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [os.environ.get("PIXFORM_LIB"), os.path.join(here, "libpixform.so")]
    repo = os.path.dirname(os.path.dirname(here))
    for profile in ("release", "debug"):
        candidates.append(os.path.join(repo, "target", profile, "libpixform.so"))
    for path in candidates:
        if path and os.path.exists(path):
            return path
    found = ctypes.util.find_library("pixform")
    if found:
        return found
    raise OSError("libpixform not found: build it (cargo build --release) or set PIXFORM_LIB")


_lib = ctypes.CDLL(_find_library())


# ---------------------------------------------------------------------------------------
# Errors: one class per pxf_status.

class PixformError(Exception):
    """A pixform call failed. `status` is the C status number, `status_name` its name,
    `message` pixform's detailed message, `http_status` what a server would answer."""

    status = None

    def __init__(self, message, status, status_name, http_status):
        super().__init__(message)
        self.message = message
        self.status = status
        self.status_name = status_name
        self.http_status = http_status

    def __str__(self):
        return f"{self.status_name}: {self.message}"


class InvalidArgument(PixformError, ValueError):
    """A NULL, text that is not UTF-8, or a value out of range (PXF_INVALID_ARGUMENT)."""
    status = 1


class InvalidTransform(PixformError, ValueError):
    """The transformation does not parse or cannot apply (PXF_INVALID_TRANSFORM)."""
    status = 2


class UnsupportedMedia(PixformError):
    """The input is not media pixform transforms (PXF_UNSUPPORTED_MEDIA)."""
    status = 3


class DecodeFailed(PixformError):
    """The input cannot be decoded (PXF_DECODE_FAILED)."""
    status = 4


class LimitExceeded(PixformError):
    """A configured limit would be exceeded (PXF_LIMIT_EXCEEDED)."""
    status = 5


class EncodeFailed(PixformError):
    """The encoder failed (PXF_ENCODE_FAILED)."""
    status = 6


class DeadlineExceeded(PixformError, TimeoutError):
    """The request's deadline passed (PXF_DEADLINE_EXCEEDED)."""
    status = 7


class Panic(PixformError):
    """An internal error in pixform (PXF_PANIC)."""
    status = 8


class UnsupportedTransform(PixformError):
    """A valid key pixform does not perform (PXF_UNSUPPORTED_TRANSFORM)."""
    status = 9


class SignatureInvalid(PixformError):
    """A signed URL does not verify (PXF_SIGNATURE_INVALID)."""
    status = 10


_ERRORS = {cls.status: cls for cls in PixformError.__subclasses__()}


# ---------------------------------------------------------------------------------------
# Prototypes.

def _proto(name, restype, *argtypes):
    fn = getattr(_lib, name)
    fn.restype = restype
    fn.argtypes = list(argtypes)
    return fn


_u8p = POINTER(ctypes.c_uint8)
_status = c_int
_version = _proto("pxf_version", c_char_p)
_status_name = _proto("pxf_status_name", c_char_p, c_int)
_last_error_message = _proto("pxf_last_error_message", c_size_t, c_void_p, c_size_t)
_last_error_http_status = _proto("pxf_last_error_http_status", c_uint16)
_engine_new = _proto("pxf_engine_new", _status, POINTER(c_void_p))
_engine_new_with_config = _proto("pxf_engine_new_with_config", _status, c_void_p, POINTER(c_void_p))
_engine_free = _proto("pxf_engine_free", None, c_void_p)
_config_new = _proto("pxf_config_new", _status, POINTER(c_void_p))
_config_free = _proto("pxf_config_free", None, c_void_p)
_request_new = _proto("pxf_request_new", _status, POINTER(c_void_p))
_request_free = _proto("pxf_request_free", None, c_void_p)
_transform_request = _proto("pxf_transform_request", _status, c_void_p, c_char_p, c_size_t, c_char_p,
                            c_void_p, POINTER(c_void_p))
_output_data = _proto("pxf_output_data", _u8p, c_void_p, POINTER(c_size_t))
_output_width = _proto("pxf_output_width", c_uint32, c_void_p)
_output_height = _proto("pxf_output_height", c_uint32, c_void_p)
_output_mime = _proto("pxf_output_mime", c_char_p, c_void_p)
_output_report_json = _proto("pxf_output_report_json", _status, c_void_p, POINTER(c_void_p))
_output_free = _proto("pxf_output_free", None, c_void_p)
_sniff = _proto("pxf_sniff", _status, c_char_p, c_size_t, POINTER(c_char_p))
_canonicalize = _proto("pxf_canonicalize", _status, c_char_p, POINTER(c_void_p))
_string_free = _proto("pxf_string_free", None, c_void_p)
_sign_url = _proto("pxf_sign_url", _status, c_char_p, c_char_p, c_char_p, c_int64, POINTER(c_void_p))
_verify_url = _proto("pxf_verify_url", _status, c_char_p, c_char_p, c_char_p, c_uint64)

_CONFIG_SETTERS = {
    # keyword: (C function, argument type)
    "max_input_bytes": ("pxf_config_set_max_input_bytes", c_uint64),
    "max_pixels": ("pxf_config_set_max_pixels", c_uint64),
    "max_dimension": ("pxf_config_set_max_dimension", c_uint32),
    "max_frames": ("pxf_config_set_max_frames", c_uint32),
    "default_quality": ("pxf_config_set_default_quality", c_uint32),
    "auto_format": ("pxf_config_set_auto_format", c_bool),
    "auto_avif": ("pxf_config_set_auto_avif", c_bool),
    "keep_metadata": ("pxf_config_set_keep_metadata", c_bool),
    "strict": ("pxf_config_set_strict", c_bool),
    "color_management": ("pxf_config_set_color_management", c_bool),
    "linear_light": ("pxf_config_set_linear_light", c_bool),
    "threads": ("pxf_config_set_threads", c_size_t),
    "jpeg_subsampling": ("pxf_config_set_jpeg_subsampling", c_uint32),
    "png_compression": ("pxf_config_set_png_compression", c_uint32),
    "webp_method": ("pxf_config_set_webp_method", c_uint32),
    "avif_speed": ("pxf_config_set_avif_speed", c_uint32),
}
_CONFIG_SETTERS = {k: (_proto(name, _status, c_void_p, t), t) for k, (name, t) in _CONFIG_SETTERS.items()}

_request_set_accept = _proto("pxf_request_set_accept", _status, c_void_p, c_char_p)
_request_set_width_hint = _proto("pxf_request_set_width_hint", _status, c_void_p, c_uint32)
_request_set_dpr_hint = _proto("pxf_request_set_dpr_hint", _status, c_void_p, c_double)
_request_set_save_data = _proto("pxf_request_set_save_data", _status, c_void_p, c_bool)
_request_set_deadline_ms = _proto("pxf_request_set_deadline_ms", _status, c_void_p, c_uint64)


def _error(status):
    """The exception for a failed call, with this thread's last error message."""
    size = _last_error_message(None, 0)
    buf = ctypes.create_string_buffer(size + 1)
    _last_error_message(buf, size + 1)
    name = _status_name(status).decode()
    cls = _ERRORS.get(status, PixformError)
    return cls(buf.value.decode("utf-8", "replace"), status, name, _last_error_http_status())


def _check(status):
    if status != 0:
        raise _error(status)


def _text(value, what):
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    raise TypeError(f"{what} must be str, not {type(value).__name__}")


def _take_string(ptr):
    """Copies an owned char * into a str and frees it."""
    try:
        return ctypes.string_at(ptr.value).decode("utf-8")
    finally:
        _string_free(ptr)


# ---------------------------------------------------------------------------------------
# Public API.

def version():
    """pixform's version, e.g. "0.1.0"."""
    return _version().decode()


class Output:
    """A transformation result: `bytes`, `mime`, `width`, `height`, `report` (a dict)."""

    __slots__ = ("bytes", "mime", "width", "height", "report")

    def __init__(self, data, mime, width, height, report):
        self.bytes = data
        self.mime = mime
        self.width = width
        self.height = height
        self.report = report

    def __repr__(self):
        return f"<pixform.Output {self.width}x{self.height} {self.mime} {len(self.bytes)} bytes>"


class Engine:
    """A transformation engine; safe to share between threads.

    Keyword arguments configure it (omitted ones keep pixform's defaults): max_input_bytes,
    max_pixels, max_dimension, max_frames, default_quality, auto_format, auto_avif,
    keep_metadata, strict, threads, jpeg_subsampling (444/422/420), png_compression (0-3),
    webp_method (0-6), avif_speed (1-10).
    """

    _ptr = None

    def __init__(self, **config):
        unknown = set(config) - set(_CONFIG_SETTERS)
        if unknown:
            raise TypeError(f"unknown Engine option(s): {', '.join(sorted(unknown))}")
        handle = c_void_p()
        if not config:
            _check(_engine_new(byref(handle)))
        else:
            cfg = c_void_p()
            _check(_config_new(byref(cfg)))
            try:
                for key, value in config.items():
                    setter, ctype = _CONFIG_SETTERS[key]
                    _check(setter(cfg, ctype(value)))
                _check(_engine_new_with_config(cfg, byref(handle)))
            finally:
                _config_free(cfg)
        self._ptr = handle

    def close(self):
        """Releases the engine now (also done when it is garbage-collected)."""
        if self._ptr is not None:
            _engine_free(self._ptr)
            self._ptr = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    def transform(self, data, transform, *, accept=None, width_hint=None, dpr_hint=None,
                  save_data=False, deadline=None):
        """Transforms encoded image bytes by an ImageKit transformation ("w-300,h-200").

        accept: the client's Accept header (for f-auto); width_hint, dpr_hint, save_data:
        client hints; deadline: seconds (float) before giving up with DeadlineExceeded.
        Returns an Output; raises a PixformError subclass.
        """
        if self._ptr is None:
            raise ValueError("engine is closed")
        data = bytes(data)
        request = c_void_p()
        _check(_request_new(byref(request)))
        out = c_void_p()
        try:
            if accept is not None:
                _check(_request_set_accept(request, _text(accept, "accept")))
            if width_hint is not None:
                _check(_request_set_width_hint(request, width_hint))
            if dpr_hint is not None:
                _check(_request_set_dpr_hint(request, float(dpr_hint)))
            if save_data:
                _check(_request_set_save_data(request, True))
            if deadline is not None:
                _check(_request_set_deadline_ms(request, max(1, int(deadline * 1000))))
            _check(_transform_request(self._ptr, data, len(data), _text(transform, "transform"),
                                      request, byref(out)))
        finally:
            _request_free(request)
        try:
            size = c_size_t()
            ptr = _output_data(out, byref(size))
            payload = ctypes.string_at(ptr, size.value)
            json_ptr = c_void_p()
            _check(_output_report_json(out, byref(json_ptr)))
            report = json.loads(_take_string(json_ptr))
            return Output(payload, _output_mime(out).decode(), _output_width(out),
                          _output_height(out), report)
        finally:
            _output_free(out)


def sniff(data):
    """The MIME type of `data` from its bytes ("image/jpeg"), or None when unrecognised."""
    data = bytes(data)
    mime = c_char_p()
    status = _sniff(data, len(data), byref(mime))
    if status == UnsupportedMedia.status:
        return None
    _check(status)
    return mime.value.decode()


def canonicalize(transform):
    """The canonical form of a transformation; raises InvalidTransform."""
    out = c_void_p()
    _check(_canonicalize(_text(transform, "transform"), byref(out)))
    return _take_string(out)


def sign_url(url, endpoint, private_key, expires_at=None):
    """Signs an ImageKit URL; expires_at is Unix seconds (None: never)."""
    out = c_void_p()
    _check(_sign_url(_text(url, "url"), _text(endpoint, "endpoint"), _text(private_key, "private_key"),
                     int(expires_at or 0), byref(out)))
    return _take_string(out)


def verify_url(url, endpoint, private_key, now=None):
    """True when the signed URL verifies at `now` (Unix seconds; default: the current time),
    False when its signature is missing, wrong or expired."""
    now = int(time.time()) if now is None else int(now)
    status = _verify_url(_text(url, "url"), _text(endpoint, "endpoint"), _text(private_key, "private_key"), now)
    if status == SignatureInvalid.status:
        return False
    _check(status)
    return True
