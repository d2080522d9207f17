"""Tests for the ctypes binding: python3 examples/python/test_pixform.py [-v]

Set PIXFORM_LIB to the libpixform.so to test (tests/c_abi.rs does). Reads the corpus
photo from ../shared/corpus relative to the repository root.
"""

import os
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pixform  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PHOTO = os.path.join(ROOT, "..", "shared", "corpus", "photos", "storm-1920x1280.jpg")
URL = "https://ik.imagekit.io/demo/sdk-testing-files/future-search.png"
ENDPOINT = "https://ik.imagekit.io/demo/"


def stub(error):
    # PIXFORM-STUB-SKIP: delete this helper and the skipTest calls using it once the
    # engine, the parser and the signer land.
    return "not implemented yet" in error.message


class Errors(unittest.TestCase):
    def test_one_class_per_status(self):
        names = {cls.status: cls.__name__ for cls in pixform.PixformError.__subclasses__()}
        self.assertEqual(len(names), 10)
        self.assertEqual(sorted(names), list(range(1, 11)))
        self.assertTrue(issubclass(pixform.InvalidTransform, pixform.PixformError))

    def test_unknown_transform(self):
        with self.assertRaises(pixform.InvalidTransform) as ctx:
            pixform.canonicalize("zz-1")
        e = ctx.exception
        self.assertEqual((e.status, e.status_name, e.http_status), (2, "PXF_INVALID_TRANSFORM", 400))
        self.assertIn("zz-1", e.message)

    def test_bad_utf8_is_invalid_argument(self):
        with self.assertRaises(pixform.InvalidArgument) as ctx:
            pixform.canonicalize(b"w-\xc3(")
        self.assertEqual(ctx.exception.message, "transform is not valid UTF-8 (at byte 2)")
        with self.assertRaises(TypeError):
            pixform.canonicalize(300)

    def test_config_out_of_range(self):
        with self.assertRaises(pixform.InvalidArgument) as ctx:
            pixform.Engine(default_quality=0)
        self.assertIn("default_quality 0", ctx.exception.message)
        with self.assertRaises(TypeError):
            pixform.Engine(colour="blue")

    def test_sniff_unknown_is_none(self):
        self.assertIsNone(pixform.sniff(b"just text, not an image"))
        self.assertIsNone(pixform.sniff(b""))

    def test_verify_unsigned_url_is_false(self):
        self.assertFalse(pixform.verify_url(URL, ENDPOINT, "dummy-key", now=0))

    def test_version(self):
        self.assertRegex(pixform.version(), r"^\d+\.\d+\.\d+")


class Success(unittest.TestCase):
    """These need the real parser/engine/sniffer/signer; they skip while those are stubs."""

    @classmethod
    def setUpClass(cls):
        with open(PHOTO, "rb") as f:
            cls.photo = f.read()

    def test_canonicalize(self):
        try:
            self.assertEqual(pixform.canonicalize("w-300"), "w-300")
        except pixform.PixformError as e:
            if stub(e):
                self.skipTest(e.message)
            raise

    def test_sniff_jpeg(self):
        mime = pixform.sniff(self.photo)
        if mime is None:
            self.skipTest("sniff stub returns None")  # PIXFORM-STUB-SKIP
        self.assertEqual(mime, "image/jpeg")

    def transform(self, engine, *args, **kwargs):
        try:
            return engine.transform(*args, **kwargs)
        except pixform.PixformError as e:
            if stub(e):
                self.skipTest(e.message)
            raise

    def test_color_management_can_be_turned_off(self):
        with pixform.Engine(color_management=False) as engine:
            out = self.transform(engine, self.photo, "w-300")
            self.assertEqual((out.width, out.height), (300, 200))

    def test_linear_light_resizes_the_same_size(self):
        with pixform.Engine(linear_light=True) as engine:
            out = self.transform(engine, self.photo, "w-300")
            self.assertEqual((out.width, out.height), (300, 200))
            self.assertGreater(out.report["shrink_on_load"], 1)

    def test_transform(self):
        with pixform.Engine() as engine:
            out = self.transform(engine, self.photo, "w-300")
            self.assertEqual((out.width, out.height, out.mime), (300, 200, "image/jpeg"))
            self.assertEqual(out.bytes[:3], b"\xff\xd8\xff")
            self.assertEqual(out.report["input_mime"], "image/jpeg")
            self.assertEqual(out.report["input_size"], [1920, 1280])
            webp = self.transform(engine, self.photo, "w-300", accept="image/webp,*/*")
            self.assertEqual(webp.mime, "image/webp")
            self.assertEqual(webp.bytes[8:12], b"WEBP")

    def test_errors_from_the_engine(self):
        with pixform.Engine() as engine:
            self.transform(engine, self.photo, "w-300")  # skips while the engine is a stub
            with self.assertRaises(pixform.UnsupportedMedia):
                engine.transform(b"not an image at all", "w-300")
            with self.assertRaises(pixform.InvalidTransform):
                engine.transform(self.photo, "w-abc")
        with pixform.Engine(max_input_bytes=1000) as small:
            with self.assertRaises(pixform.LimitExceeded) as ctx:
                small.transform(self.photo, "w-300")
            self.assertEqual(ctx.exception.http_status, 413)

    def test_threads_share_one_engine(self):
        engine = pixform.Engine()
        self.transform(engine, self.photo, "w-100")
        results = {}

        def work(i):
            results[i] = engine.transform(self.photo, "w-%d" % (100 + 20 * (i % 2))).width

        threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(results, {0: 100, 1: 120, 2: 100, 3: 120})
        engine.close()

    def test_sign_and_verify(self):
        try:
            signed = pixform.sign_url(URL, ENDPOINT, "dummy-key")
        except pixform.PixformError as e:
            if stub(e):
                self.skipTest(e.message)
            raise
        self.assertEqual(signed, URL + "?ik-s=32dbbbfc5f945c0403c71b54c38e76896ef2d6b0")
        self.assertTrue(pixform.verify_url(signed, ENDPOINT, "dummy-key"))
        self.assertFalse(pixform.verify_url(signed, ENDPOINT, "other-key"))
        expiring = pixform.sign_url(URL, ENDPOINT, "dummy-key", expires_at=1700000000)
        self.assertTrue(expiring.endswith("?ik-t=1700000000&ik-s=d1e775e43babba53d584f2ea19aaa14939210f6d"))
        self.assertTrue(pixform.verify_url(expiring, ENDPOINT, "dummy-key", now=1600000000))
        self.assertFalse(pixform.verify_url(expiring, ENDPOINT, "dummy-key", now=1700000001))


if __name__ == "__main__":
    unittest.main()
