//! The names the shop gives its things: a variant's sku, a product's id, a colour's code, a
//! store's id. Each is plain text on the wire and in the database; in the code each is its own
//! type, so a store's id is never taken for a sku.
//!
//! In the OpenAPI document they stay plain strings: a field of one of these types says
//! `schema(value_type = String)`.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(text: String) -> $name {
                $name(text)
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> $name {
                $name(text.to_string())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id! {
    /// One colour in one size of a product, as its tag and a bag line name it:
    /// `<product id>-<colour code>-<size>`, e.g. `P0001-BLK-M`
    /// (see [`product_id_of`](crate::product_id_of)).
    Sku
}

id! {
    /// A product, every colour and size of it, e.g. `P0001`.
    ProductId
}

id! {
    /// A colour of a product, as its skus spell it, e.g. `BLK` (see [`Colour`](crate::Colour)).
    ColourCode
}

id! {
    /// A store of the group: a stable slug, e.g. `sh-jingan`; also what its entrance QR names.
    StoreId
}
