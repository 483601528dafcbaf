//! The `/` filter's matching: case-insensitive, and for an ASCII filter without allocating
//! per entry (it runs over 10,000 rows on every key).

/// A filter, matched case-insensitively without allocating per entry when it is ASCII.
pub struct Needle {
    lower: String,
    ascii: bool,
}

impl Needle {
    pub fn new(filter: &str) -> Self {
        Needle {
            lower: filter.to_lowercase(),
            ascii: filter.is_ascii(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.lower.is_empty()
    }

    pub fn matches(&self, hay: &str) -> bool {
        if self.ascii {
            let n = self.lower.as_bytes();
            hay.as_bytes()
                .windows(n.len())
                .any(|w| w.eq_ignore_ascii_case(n))
        } else {
            hay.to_lowercase().contains(&self.lower)
        }
    }

    pub fn any(&self, hays: &[&str]) -> bool {
        self.is_empty() || hays.iter().any(|h| self.matches(h))
    }
}
