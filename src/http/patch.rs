//! `PATCH` bodies distinguish a field that is absent (leave it) from one sent
//! as `null` (clear it). Use `#[serde(default, deserialize_with = "nullable")]`
//! on an `Option<Option<T>>` field.

use serde::{Deserialize, Deserializer};

pub fn nullable<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
