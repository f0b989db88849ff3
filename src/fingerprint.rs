//! Fingerprints: a 128-bit hash of everything a piece of work reads.
//!
//! In: the inputs of a Markdown render or a page render (texts, numbers, and any
//! serializable view, fed in a fixed order). Out: a `u128` (xxh3-128). Two builds
//! that compute the same fingerprint for a page produce the same bytes for it, so
//! [`crate::site::BuildCache`] can reuse the earlier result. Every string is
//! prefixed with its length, so `("ab", "c")` and `("a", "bc")` differ.

use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

/// A fingerprint being computed.
pub struct Fingerprint(Xxh3);

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint(Xxh3::new())
    }
}

impl Fingerprint {
    /// An empty fingerprint.
    pub fn new() -> Fingerprint {
        Fingerprint::default()
    }

    /// Adds a string.
    pub fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }

    /// Adds bytes.
    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.0.update(&(b.len() as u64).to_le_bytes());
        self.0.update(b);
        self
    }

    /// Adds a number.
    pub fn num(&mut self, n: u128) -> &mut Self {
        self.0.update(&n.to_le_bytes());
        self
    }

    /// Adds a value as its JSON serialization (what a template sees of it).
    pub fn json<T: Serialize + ?Sized>(&mut self, value: &T) -> &mut Self {
        let mut w = JsonSink(&mut self.0, 0);
        // Serializing into a hasher cannot fail on I/O; a value that cannot be
        // serialized (never the case for the views) still ends the fingerprint
        // differently from a value that can.
        if serde_json::to_writer(&mut w, value).is_err() {
            w.0.update(b"\0unserializable");
        }
        let n = w.1;
        self.0.update(&n.to_le_bytes());
        self
    }

    /// The fingerprint.
    pub fn finish(&self) -> u128 {
        self.0.digest128()
    }
}

/// Feeds serialized JSON straight into the hasher, counting bytes.
struct JsonSink<'a>(&'a mut Xxh3, u64);

impl std::io::Write for JsonSink<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        self.1 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_and_order_matter() {
        let a = Fingerprint::new().str("ab").str("c").finish();
        let b = Fingerprint::new().str("a").str("bc").finish();
        let c = Fingerprint::new().str("c").str("ab").finish();
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a, Fingerprint::new().str("ab").str("c").finish());
    }

    #[test]
    fn json_sees_every_field() {
        #[derive(Serialize)]
        struct V {
            title: &'static str,
            n: u32,
        }
        let one = Fingerprint::new().json(&V { title: "t", n: 1 }).finish();
        let two = Fingerprint::new().json(&V { title: "t", n: 2 }).finish();
        assert_ne!(one, two);
    }
}
