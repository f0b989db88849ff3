//! Fingerprints: a 128-bit hash of everything a piece of work reads.
//!
//! In: the inputs of a Markdown render or a page render (texts, numbers, and any
//! serializable view, fed in a fixed order). Out: a `u128` (xxh3-128). Two builds
//! that compute the same fingerprint for a page produce the same bytes for it, so
//! [`crate::build::BuildCache`] can reuse the earlier result. Every string is
//! prefixed with its length, so `("ab", "c")` and `("a", "bc")` differ; a
//! serializable value goes in through a small serde serializer that writes a type
//! tag before each value and an end mark after each list, map and struct, so
//! values of different shape never write the same bytes.

use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

/// A fingerprint being computed.
pub(crate) struct Fingerprint(Xxh3);

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint(Xxh3::new())
    }
}

impl Fingerprint {
    /// An empty fingerprint.
    pub(crate) fn new() -> Fingerprint {
        Fingerprint::default()
    }

    /// Adds a string.
    pub(crate) fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }

    /// Adds bytes.
    pub(crate) fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.0.update(&(b.len() as u64).to_le_bytes());
        self.0.update(b);
        self
    }

    /// Adds a number.
    pub(crate) fn num(&mut self, n: u128) -> &mut Self {
        self.0.update(&n.to_le_bytes());
        self
    }

    /// Adds a value as serde sees it (what a template sees of it): every field
    /// name, string, number and the shape of each list and map, in a compact,
    /// unambiguous binary form, hashed in one pass.
    pub(crate) fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> &mut Self {
        let mut sink = Sink {
            buf: Vec::with_capacity(4096),
            hasher: &mut self.0,
        };
        // Nothing here can fail; a value whose own `Serialize` fails still ends
        // the fingerprint differently from one that does not.
        if value.serialize(&mut sink).is_err() {
            sink.put(b"\0unserializable");
        }
        sink.flush();
        self
    }

    /// The fingerprint.
    pub(crate) fn finish(&self) -> u128 {
        self.0.digest128()
    }
}

/// A serde serializer that writes each value as a type tag and its bytes
/// (strings with their length) into a buffer that is hashed when it fills.
struct Sink<'a> {
    buf: Vec<u8>,
    hasher: &'a mut Xxh3,
}

/// The type tags: one byte before each value, so no two different values write
/// the same bytes.
mod tag {
    pub(crate) const NONE: u8 = 0;
    pub(crate) const SOME: u8 = 1;
    pub(crate) const UNIT: u8 = 2;
    pub(crate) const FALSE: u8 = 3;
    pub(crate) const TRUE: u8 = 4;
    pub(super) const INT: u8 = 5;
    pub(crate) const UINT: u8 = 6;
    pub(crate) const FLOAT: u8 = 7;
    pub(crate) const STR: u8 = 8;
    pub(crate) const BYTES: u8 = 9;
    pub(crate) const SEQ: u8 = 10;
    pub(crate) const MAP: u8 = 11;
    pub(crate) const STRUCT: u8 = 12;
    pub(crate) const VARIANT: u8 = 13;
    pub(super) const END: u8 = 14;
    pub(crate) const CHAR: u8 = 15;
}

impl Sink<'_> {
    fn put(&mut self, b: &[u8]) {
        if self.buf.len() + b.len() > self.buf.capacity() {
            self.flush();
            if b.len() > self.buf.capacity() {
                self.hasher.update(b);
                return;
            }
        }
        self.buf.extend_from_slice(b);
    }

    fn tag(&mut self, t: u8) {
        self.put(&[t]);
    }

    fn len(&mut self, n: usize) {
        self.put(&(n as u64).to_le_bytes());
    }

    fn text(&mut self, t: u8, b: &[u8]) {
        self.tag(t);
        self.len(b.len());
        self.put(b);
    }

    fn flush(&mut self) {
        self.hasher.update(&self.buf);
        self.buf.clear();
    }
}

/// Serializing into a hash cannot fail.
#[derive(Debug)]
struct Never(String);

impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Never {}

impl serde::ser::Error for Never {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Never(msg.to_string())
    }
}

impl<'s, 'a> serde::Serializer for &'s mut Sink<'a> {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = &'s mut Sink<'a>;
    type SerializeTuple = &'s mut Sink<'a>;
    type SerializeTupleStruct = &'s mut Sink<'a>;
    type SerializeTupleVariant = &'s mut Sink<'a>;
    type SerializeMap = &'s mut Sink<'a>;
    type SerializeStruct = &'s mut Sink<'a>;
    type SerializeStructVariant = &'s mut Sink<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Never> {
        self.tag(if v { tag::TRUE } else { tag::FALSE });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Never> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Never> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Never> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Never> {
        self.serialize_i128(v.into())
    }
    fn serialize_i128(self, v: i128) -> Result<(), Never> {
        self.tag(tag::INT);
        self.put(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Never> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Never> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Never> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Never> {
        self.serialize_u128(v.into())
    }
    fn serialize_u128(self, v: u128) -> Result<(), Never> {
        self.tag(tag::UINT);
        self.put(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Never> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Never> {
        self.tag(tag::FLOAT);
        self.put(&v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Never> {
        self.tag(tag::CHAR);
        self.put(&u32::from(v).to_le_bytes());
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Never> {
        self.text(tag::STR, v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Never> {
        self.text(tag::BYTES, v);
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Never> {
        self.tag(tag::NONE);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Never> {
        self.tag(tag::SOME);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Never> {
        self.tag(tag::UNIT);
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Never> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Never> {
        self.text(tag::VARIANT, variant.as_bytes());
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Never> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Never> {
        self.text(tag::VARIANT, variant.as_bytes());
        value.serialize(self)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self, Never> {
        self.tag(tag::SEQ);
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, Never> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Self, Never> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self, Never> {
        self.text(tag::VARIANT, variant.as_bytes());
        self.tag(tag::SEQ);
        Ok(self)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self, Never> {
        self.tag(tag::MAP);
        Ok(self)
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self, Never> {
        self.tag(tag::STRUCT);
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self, Never> {
        self.text(tag::VARIANT, variant.as_bytes());
        self.tag(tag::STRUCT);
        Ok(self)
    }
}

/// Lists, maps and structs end with [`tag::END`], so where one ends is part of
/// what is hashed.
macro_rules! compound {
    ($trait:ident, $method:ident) => {
        impl serde::ser::$trait for &mut Sink<'_> {
            type Ok = ();
            type Error = Never;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Never> {
                value.serialize(&mut **self)
            }
            fn end(self) -> Result<(), Never> {
                self.tag(tag::END);
                Ok(())
            }
        }
    };
}

compound!(SerializeSeq, serialize_element);
compound!(SerializeTuple, serialize_element);
compound!(SerializeTupleStruct, serialize_field);
compound!(SerializeTupleVariant, serialize_field);

impl serde::ser::SerializeMap for &mut Sink<'_> {
    type Ok = ();
    type Error = Never;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Never> {
        key.serialize(&mut **self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Never> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), Never> {
        self.tag(tag::END);
        Ok(())
    }
}

macro_rules! fields {
    ($trait:ident) => {
        impl serde::ser::$trait for &mut Sink<'_> {
            type Ok = ();
            type Error = Never;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Never> {
                self.text(tag::STR, key.as_bytes());
                value.serialize(&mut **self)
            }
            fn skip_field(&mut self, key: &'static str) -> Result<(), Never> {
                // A skipped field still marks its place: `None` and a skipped
                // field are told apart.
                self.text(tag::UNIT, key.as_bytes());
                Ok(())
            }
            fn end(self) -> Result<(), Never> {
                self.tag(tag::END);
                Ok(())
            }
        }
    };
}

fields!(SerializeStruct);
fields!(SerializeStructVariant);

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
    fn values_are_told_apart_by_shape_and_type() {
        let fp = |v: &serde_json::Value| Fingerprint::new().value(v).finish();
        let values = [
            serde_json::json!(null),
            serde_json::json!(""),
            serde_json::json!("1"),
            serde_json::json!(1),
            serde_json::json!(1.0),
            serde_json::json!(true),
            serde_json::json!([]),
            serde_json::json!([[]]),
            serde_json::json!([[], []]),
            serde_json::json!(["a", "b"]),
            serde_json::json!(["ab"]),
            serde_json::json!([["a"], "b"]),
            serde_json::json!(["a", ["b"]]),
            serde_json::json!({}),
            serde_json::json!({"a": "b"}),
            serde_json::json!({"ab": ""}),
            serde_json::json!({"a": {"b": null}}),
            serde_json::json!({"a": null, "b": null}),
        ];
        let prints: std::collections::HashSet<u128> = values.iter().map(fp).collect();
        assert_eq!(prints.len(), values.len(), "two values hashed alike");
        assert_eq!(fp(&values[9]), fp(&serde_json::json!(["a", "b"])));
    }

    #[test]
    fn a_long_value_is_hashed_whole() {
        let long = "x".repeat(10_000);
        let other = format!("{}y", "x".repeat(9_999));
        assert_ne!(
            Fingerprint::new().value(&long).finish(),
            Fingerprint::new().value(&other).finish()
        );
    }

    #[test]
    fn a_struct_is_seen_field_by_field() {
        #[derive(Serialize)]
        struct V {
            title: &'static str,
            n: u32,
        }
        let one = Fingerprint::new().value(&V { title: "t", n: 1 }).finish();
        let two = Fingerprint::new().value(&V { title: "t", n: 2 }).finish();
        assert_ne!(one, two);
    }
}
