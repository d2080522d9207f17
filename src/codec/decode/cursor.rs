//! The reader every `image` decoder reads the input through: it ends the data early once
//! the request's deadline passes, and can show other bytes in place of the file's first
//! ones (how `pg-N` points a TIFF's header at page N without copying the file).

use std::io::{self, BufRead, Cursor, Read, Seek};
use std::time::Instant;

use super::page::HeaderOverlay;
use super::past;

/// The most bytes a reader hands a decoder at once: the deadline is checked this often.
pub(super) const READ_CHUNK: usize = 64 * 1024;

/// A cursor over the input that fails with an I/O error once the deadline passes, so
/// decoders that only stop on bad data stop on time too.
pub(super) struct DeadlineCursor<'a> {
    inner: Cursor<&'a [u8]>,
    deadline: Option<Instant>,
    /// Read in place of the input's first bytes.
    overlay: Option<HeaderOverlay>,
}

impl<'a> DeadlineCursor<'a> {
    /// A reader of `bytes`, whose first bytes read as `overlay`'s.
    pub(super) fn new(
        bytes: &'a [u8],
        deadline: Option<Instant>,
        overlay: Option<HeaderOverlay>,
    ) -> Self {
        DeadlineCursor {
            inner: Cursor::new(bytes),
            deadline,
            overlay,
        }
    }

    fn check(&self) -> io::Result<()> {
        if past(self.deadline) {
            Err(io::Error::new(io::ErrorKind::TimedOut, "deadline exceeded"))
        } else {
            Ok(())
        }
    }

    /// The overlay's bytes from `position` on (empty past its end).
    fn overlaid(overlay: &Option<HeaderOverlay>, position: u64) -> &[u8] {
        let at = usize::try_from(position).unwrap_or(usize::MAX);
        overlay
            .as_ref()
            .and_then(|o| o.bytes().get(at..))
            .unwrap_or(&[])
    }
}

impl Read for DeadlineCursor<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.check()?;
        let over = Self::overlaid(&self.overlay, self.inner.position());
        if !over.is_empty() {
            let n = over.len().min(buf.len());
            if let (Some(dst), Some(src)) = (buf.get_mut(..n), over.get(..n)) {
                dst.copy_from_slice(src);
            }
            self.inner.consume(n);
            return Ok(n);
        }
        let n = buf.len().min(READ_CHUNK);
        match buf.get_mut(..n) {
            Some(head) => self.inner.read(head),
            None => Ok(0),
        }
    }
}

impl BufRead for DeadlineCursor<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.check()?;
        if !Self::overlaid(&self.overlay, self.inner.position()).is_empty() {
            return Ok(Self::overlaid(&self.overlay, self.inner.position()));
        }
        let rest = self.inner.fill_buf()?;
        Ok(rest.get(..READ_CHUNK).unwrap_or(rest))
    }

    fn consume(&mut self, amt: usize) {
        self.inner.consume(amt);
    }
}

impl Seek for DeadlineCursor<'_> {
    fn seek(&mut self, pos: io::SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlay_replaces_the_first_bytes_only() {
        let data = b"abcdefgh";
        let mut c = DeadlineCursor::new(data, None, Some(HeaderOverlay::new(b"XY").unwrap()));
        let mut all = Vec::new();
        c.read_to_end(&mut all).unwrap();
        assert_eq!(all, b"XYcdefgh");
        // Seeking into the overlay reads the overlay from there; buffered reads agree.
        c.seek(io::SeekFrom::Start(1)).unwrap();
        assert_eq!(c.fill_buf().unwrap(), b"Y");
        c.consume(1);
        assert_eq!(c.fill_buf().unwrap(), b"cdefgh");
        let mut one = [0u8; 1];
        c.seek(io::SeekFrom::Start(0)).unwrap();
        c.read_exact(&mut one).unwrap();
        assert_eq!(&one, b"X");
    }

    #[test]
    fn a_passed_deadline_fails_reads() {
        let mut c = DeadlineCursor::new(b"abc", Some(Instant::now()), None);
        let mut buf = [0u8; 3];
        assert_eq!(
            c.read(&mut buf).unwrap_err().kind(),
            io::ErrorKind::TimedOut
        );
    }
}
