//! Reading an [`Op`] from its JSON, `{"id", "at", "type": "add", "sku", …}`, in one pass.
//!
//! The derived reader for this shape (`#[serde(flatten)]` over an internally tagged enum)
//! buffers every field into an intermediate tree first; in the browser app that was the largest
//! single piece of the bag's code. This reads the same JSON straight into the fields. The
//! writer stays derived; the tests check the two agree.

use super::{Change, Intent, Op, OpId};
use crate::{Sku, StoreId};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;

impl<'de> Deserialize<'de> for Op {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Op, D::Error> {
        deserializer.deserialize_map(OpVisitor)
    }
}

/// Every field any kind of operation has.
#[derive(Default)]
struct Fields {
    id: Option<OpId>,
    at: Option<i64>,
    kind: Option<String>,
    sku: Option<Sku>,
    quantity: Option<u8>,
    store: Option<StoreId>,
    note: Option<String>,
    intent: Option<Intent>,
    observed: Option<Vec<OpId>>,
    removal: Option<OpId>,
}

struct OpVisitor;

impl<'de> Visitor<'de> for OpVisitor {
    type Value = Op;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a bag operation")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Op, A::Error> {
        let mut f = Fields::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "id" => f.id = Some(map.next_value()?),
                "at" => f.at = Some(map.next_value()?),
                "type" => f.kind = Some(map.next_value()?),
                "sku" => f.sku = Some(map.next_value()?),
                "quantity" => f.quantity = Some(map.next_value()?),
                "store" => f.store = map.next_value()?,
                "note" => f.note = map.next_value()?,
                "intent" => f.intent = map.next_value()?,
                "observed" => f.observed = Some(map.next_value()?),
                "removal" => f.removal = Some(map.next_value()?),
                // Fields a newer client may add are not ours to refuse.
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        let missing = |name| de::Error::missing_field(name);
        let sku = |f: &mut Fields| f.sku.take().ok_or_else(|| missing("sku"));
        let quantity = |f: &Fields| f.quantity.ok_or_else(|| missing("quantity"));
        let change = match f.kind.as_deref().ok_or_else(|| missing("type"))? {
            "add" => Change::Add {
                sku: sku(&mut f)?,
                quantity: quantity(&f)?,
                store: f.store.take(),
                note: f.note.take(),
                intent: f.intent,
            },
            "set_quantity" => Change::SetQuantity {
                sku: sku(&mut f)?,
                quantity: quantity(&f)?,
            },
            "set_note" => Change::SetNote {
                sku: sku(&mut f)?,
                note: f.note.take(),
            },
            "remove" => Change::Remove {
                sku: sku(&mut f)?,
                observed: f.observed.take().ok_or_else(|| missing("observed"))?,
            },
            "restore" => Change::Restore {
                removal: f.removal.take().ok_or_else(|| missing("removal"))?,
            },
            other => {
                return Err(de::Error::unknown_variant(
                    other,
                    &["add", "set_quantity", "set_note", "remove", "restore"],
                ))
            }
        };
        Ok(Op {
            id: f.id.ok_or_else(|| missing("id"))?,
            at: f.at.ok_or_else(|| missing("at"))?,
            change,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_kind() -> Vec<Op> {
        let op = |n: u128, change| Op {
            id: OpId::from_bits(n),
            at: 1_793_000_000_000 + n as i64,
            change,
        };
        vec![
            op(
                1,
                Change::Add {
                    sku: "P0001-BLK-M".into(),
                    quantity: 2,
                    store: Some("sh-jingan".into()),
                    note: Some("for Mum".into()),
                    intent: Some(Intent::WaitForPromotion),
                },
            ),
            op(
                2,
                Change::Add {
                    sku: "P0001-BLK-L".into(),
                    quantity: 1,
                    store: None,
                    note: None,
                    intent: None,
                },
            ),
            op(
                3,
                Change::SetQuantity {
                    sku: "P0001-BLK-M".into(),
                    quantity: 5,
                },
            ),
            op(
                4,
                Change::SetNote {
                    sku: "P0001-BLK-M".into(),
                    note: None,
                },
            ),
            op(
                5,
                Change::Remove {
                    sku: "P0001-BLK-M".into(),
                    observed: vec![OpId::from_bits(1)],
                },
            ),
            op(
                6,
                Change::Restore {
                    removal: OpId::from_bits(5),
                },
            ),
        ]
    }

    #[test]
    fn reads_back_every_kind_the_derived_writer_writes() {
        for op in every_kind() {
            let json = serde_json::to_string(&op).unwrap();
            assert_eq!(serde_json::from_str::<Op>(&json).unwrap(), op, "{json}");
        }
    }

    #[test]
    fn reads_fields_in_any_order_and_skips_unknown_ones() {
        let json = r#"{"quantity":1,"future":{"x":[1,2]},"sku":"P1-A-S","type":"add",
            "at":5,"id":"0000000000000000000000000000000a"}"#;
        let op: Op = serde_json::from_str(json).unwrap();
        assert_eq!(op.id, OpId::from_bits(10));
        assert!(matches!(
            op.change,
            Change::Add {
                quantity: 1,
                store: None,
                ..
            }
        ));
    }

    #[test]
    fn refuses_what_is_not_an_operation() {
        for (json, says) in [
            (
                r#"{"id":"0000000000000000000000000000000a","at":5,"type":"add","quantity":1}"#,
                "sku",
            ),
            (
                r#"{"id":"0000000000000000000000000000000a","at":5,"sku":"x","quantity":1}"#,
                "type",
            ),
            (
                r#"{"id":"0000000000000000000000000000000a","at":5,"type":"explode"}"#,
                "explode",
            ),
            (
                r#"{"id":"nope","at":5,"type":"restore","removal":"0000000000000000000000000000000a"}"#,
                "32",
            ),
            (
                r#"{"id":"0000000000000000000000000000000a","type":"set_note","sku":"x"}"#,
                "at",
            ),
        ] {
            let error = serde_json::from_str::<Op>(json).unwrap_err().to_string();
            assert!(error.contains(says), "{json}: {error}");
        }
    }
}
