//! Deserialises `(name, value)` string pairs (path parameters) into a struct,
//! parsing numbers and booleans from their text as Express users expect.

use serde::de::value::{Error, MapDeserializer};
use serde::de::{DeserializeOwned, Error as _, IntoDeserializer, Visitor};
use serde::forward_to_deserialize_any;

pub(crate) fn from_pairs<'de, T: DeserializeOwned>(
    pairs: impl Iterator<Item = (&'de str, &'de str)>,
) -> Result<T, Error> {
    T::deserialize(MapDeserializer::new(pairs.map(|(k, v)| (k, StrValue(v)))))
}

#[derive(Clone, Copy)]
struct StrValue<'de>(&'de str);

impl<'de> IntoDeserializer<'de, Error> for StrValue<'de> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

macro_rules! parse_number {
    ($($method:ident => $visit:ident : $ty:ty),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.0.parse::<$ty>() {
                Ok(v) => visitor.$visit(v),
                Err(e) => Err(Error::custom(format_args!("{:?} is not a valid {}: {e}", self.0, stringify!($ty)))),
            }
        }
    )*};
}

impl<'de> serde::Deserializer<'de> for StrValue<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_borrowed_str(self.0)
    }

    parse_number! {
        deserialize_bool => visit_bool: bool,
        deserialize_i8 => visit_i8: i8,
        deserialize_i16 => visit_i16: i16,
        deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64,
        deserialize_u8 => visit_u8: u8,
        deserialize_u16 => visit_u16: u16,
        deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64,
        deserialize_f32 => visit_f32: f32,
        deserialize_f64 => visit_f64: f64,
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.0.is_empty() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.0
            .into_deserializer()
            .deserialize_enum(name, variants, visitor)
    }

    forward_to_deserialize_any! {
        i128 u128 char str string bytes byte_buf unit unit_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct P {
        id: u32,
        name: String,
        flag: Option<bool>,
    }

    #[test]
    fn parses_numbers_from_text() {
        let p: P = super::from_pairs([("id", "7"), ("name", "tom"), ("flag", "true")].into_iter())
            .unwrap();
        assert_eq!(
            p,
            P {
                id: 7,
                name: "tom".into(),
                flag: Some(true)
            }
        );
        let e = super::from_pairs::<P>([("id", "x"), ("name", "tom")].into_iter()).unwrap_err();
        assert!(e.to_string().contains("\"x\" is not a valid u32"), "{e}");
    }
}
