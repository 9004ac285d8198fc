//! JSON text columns read into their types. A row whose column does not
//! decode fails its query (the store answers `Internal`, the log names the
//! type and the cause): a corrupt column is an error, never a silent `[]`.
//! The model is vaultwarden's `impl_FromToSqlText!`, done with diesel's
//! `deserialize_as` so that it works on both engines of `AnyConnection`:
//!
//! ```ignore
//! #[diesel(deserialize_as = String)]
//! pub images: Json<Vec<Image>>,
//! #[diesel(deserialize_as = Option<String>)]
//! pub cover_image: Json<Option<Image>>,
//! ```

use std::fmt;
use std::ops::Deref;

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A value stored as JSON text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Json<T>(pub T);

/// A stored JSON column that did not decode into its type.
#[derive(Debug)]
pub struct JsonColumnError {
    type_name: &'static str,
    cause: serde_json::Error,
}

impl fmt::Display for JsonColumnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a stored JSON column is not a {}: {}", self.type_name, self.cause)
    }
}

impl std::error::Error for JsonColumnError {}

fn decode<T: DeserializeOwned>(text: &str) -> Result<T, JsonColumnError> {
    serde_json::from_str(text).map_err(|cause| JsonColumnError {
        type_name: std::any::type_name::<T>(),
        cause,
    })
}

impl<T: DeserializeOwned> TryFrom<String> for Json<T> {
    type Error = JsonColumnError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        decode(&text).map(Json)
    }
}

/// A nullable column: SQL `NULL` is `None`.
impl<T: DeserializeOwned> TryFrom<Option<String>> for Json<Option<T>> {
    type Error = JsonColumnError;

    fn try_from(text: Option<String>) -> Result<Self, Self::Error> {
        text.as_deref().map(decode).transpose().map(Json)
    }
}

impl<T> Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Serialize> Json<T> {
    /// The text to store again (what a row's columns become when it is
    /// copied into the columns of a write).
    pub fn text(&self) -> String {
        // Our column types are structs and lists of them: nothing in them
        // can fail to serialise.
        serde_json::to_string(&self.0).expect("a stored JSON value serialises")
    }
}

impl<T: Serialize> Json<Option<T>> {
    /// The text to store again; `None` for an absent value.
    pub fn text_or_null(&self) -> Option<String> {
        self.0
            .as_ref()
            .map(|v| serde_json::to_string(v).expect("a stored JSON value serialises"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_that_does_not_decode_is_an_error_not_an_empty_list() {
        let broken = Json::<Vec<u32>>::try_from("[1, 2".to_string()).unwrap_err();
        assert!(broken.to_string().contains("alloc::vec::Vec<u32>"), "{broken}");
        assert!(Json::<Vec<u32>>::try_from("{}".to_string()).is_err());
        assert_eq!(Json::<Vec<u32>>::try_from("[1,2]".to_string()).unwrap().0, vec![1, 2]);
        assert_eq!(Json::<Option<u32>>::try_from(None::<String>).unwrap().0, None);
        assert_eq!(Json::<Option<u32>>::try_from(Some("7".to_string())).unwrap().0, Some(7));
        assert!(Json::<Option<u32>>::try_from(Some("x".to_string())).is_err());
    }
}
