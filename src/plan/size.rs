//! [`Size`], [`Rect`] and [`SourceBox`]: the one vocabulary of sizes and rectangles used
//! from `plan` down to the engine's report.

// ---------------------------------------------------------------------------------------
// Size and Rect
// ---------------------------------------------------------------------------------------

/// A picture size.
///
/// # Guarantees
/// Both sides are at least 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Size {
    pub(super) width: u32,
    pub(super) height: u32,
}

impl Size {
    /// The smallest size, 1×1.
    pub const MIN: Size = Size {
        width: 1,
        height: 1,
    };

    /// A size, or `None` when a side is 0.
    pub fn new(width: u32, height: u32) -> Option<Self> {
        (width > 0 && height > 0).then_some(Size { width, height })
    }

    /// Width in pixels (≥ 1).
    pub fn width(self) -> u32 {
        self.width
    }

    /// Height in pixels (≥ 1).
    pub fn height(self) -> u32 {
        self.height
    }

    /// Width × height, without overflow.
    pub fn pixels(self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }

    /// Width / height.
    pub fn aspect_ratio(self) -> f64 {
        f64::from(self.width) / f64::from(self.height)
    }

    /// The same size with the sides swapped.
    pub fn transposed(self) -> Self {
        Size {
            width: self.height,
            height: self.width,
        }
    }

    /// Whether `other` fits inside this size on both axes.
    pub fn contains(self, other: Size) -> bool {
        other.width <= self.width && other.height <= self.height
    }
}

impl std::fmt::Display for Size {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}×{}", self.width, self.height)
    }
}

/// A rectangle in pixel coordinates.
///
/// # Guarantees
/// Width and height are at least 1, and `x + width`, `y + height` fit in `u32`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rect {
    pub(super) x: u32,
    pub(super) y: u32,
    pub(super) width: u32,
    pub(super) height: u32,
}

impl Rect {
    /// A rectangle, or `None` for a zero side or a right/bottom edge beyond `u32::MAX`.
    pub fn new(x: u32, y: u32, width: u32, height: u32) -> Option<Self> {
        if width == 0 || height == 0 {
            return None;
        }
        x.checked_add(width)?;
        y.checked_add(height)?;
        Some(Rect {
            x,
            y,
            width,
            height,
        })
    }

    /// The rectangle at the origin covering `size`.
    pub fn from_size(size: Size) -> Self {
        Rect {
            x: 0,
            y: 0,
            width: size.width,
            height: size.height,
        }
    }

    /// Left edge.
    pub fn x(self) -> u32 {
        self.x
    }

    /// Top edge.
    pub fn y(self) -> u32 {
        self.y
    }

    /// Width (≥ 1).
    pub fn width(self) -> u32 {
        self.width
    }

    /// Height (≥ 1).
    pub fn height(self) -> u32 {
        self.height
    }

    /// Right edge (exclusive), `x + width`.
    pub fn right(self) -> u32 {
        // Guaranteed by the constructor not to overflow.
        self.x.saturating_add(self.width)
    }

    /// Bottom edge (exclusive), `y + height`.
    pub fn bottom(self) -> u32 {
        self.y.saturating_add(self.height)
    }

    /// The rectangle's size.
    pub fn size(self) -> Size {
        Size {
            width: self.width,
            height: self.height,
        }
    }

    /// Whether the rectangle lies inside a picture of `size` (origin at 0,0).
    pub fn is_inside(self, size: Size) -> bool {
        self.right() <= size.width && self.bottom() <= size.height
    }
}

impl PartialEq<(u32, u32)> for Size {
    /// Compares with a `(width, height)` pair.
    fn eq(&self, other: &(u32, u32)) -> bool {
        (self.width, self.height) == *other
    }
}

/// A source rectangle in (fractional) source pixels, so a crop and a resize run as one pass.
///
/// # Guarantees
/// None by itself; `ops::resize` checks that it is finite, non-empty and inside the source.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SourceBox {
    /// Left edge.
    pub left: f64,
    /// Top edge.
    pub top: f64,
    /// Width (> 0).
    pub width: f64,
    /// Height (> 0).
    pub height: f64,
}
