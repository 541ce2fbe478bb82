//! The bag over HTTP: token access, idempotent batches, all-or-nothing validation, concurrency.

use crate::common::{add, all_skus, assert_error, op, token, Fixture};
use serde_json::json;
use shopbag_api::bag::{
    BagState, Change, Op, OpId, CLOCK_ALLOWANCE_MS, COMPACTION_HORIZON_MS, MAX_KEPT_OPS, MAX_LINES,
    MAX_NOTE_CHARS, MAX_OPS_PER_BATCH,
};
use shopbag_api::{Sku, StoreId};
use std::collections::HashSet;

fn ids(state: &BagState) -> HashSet<OpId> {
    state.ops.iter().map(|op| op.id.clone()).collect()
}

async fn stored_ops(f: &Fixture) -> i64 {
    let pool = f.db().await;
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM bag_ops")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    n
}

#[tokio::test]
async fn a_new_token_has_an_empty_bag() {
    let f = Fixture::new().await;
    let bag = f.server.bag(&token()).await;
    assert_eq!(bag, BagState::default());
}

#[tokio::test]
async fn operations_come_back_as_lines_and_ops() {
    let f = Fixture::new().await;
    let skus = all_skus();
    let shopper = token();
    let coat = add(&skus[0], 1);
    let scarf = add(&skus[7], 2);
    let more = op(
        coat.at + 10,
        Change::SetQuantity {
            sku: skus[0].clone(),
            quantity: 3,
        },
    );
    let note = op(
        coat.at + 20,
        Change::SetNote {
            sku: skus[7].clone(),
            note: Some("送妈妈的".into()),
        },
    );
    let sent = [coat, scarf, more, note];
    let answered = f.server.apply(&shopper, &sent).await;
    assert_eq!(f.server.bag(&shopper).await, answered);
    assert_eq!(ids(&answered), sent.iter().map(|o| o.id.clone()).collect());
    assert_eq!(answered.lines.len(), 2);
    let line = |sku: &Sku| answered.lines.iter().find(|l| l.sku == *sku).unwrap();
    assert_eq!(line(&skus[0]).quantity, 3);
    assert_eq!(
        line(&skus[0]).store.as_ref().map(StoreId::as_str),
        Some("sh-jingan")
    );
    assert_eq!(line(&skus[7]).quantity, 2);
    assert_eq!(line(&skus[7]).note.as_deref(), Some("送妈妈的"));

    // A removal of what this device saw, then an undo of it.
    let removal = op(
        sent[0].at + 30,
        Change::Remove {
            sku: skus[0].clone(),
            observed: vec![sent[0].id.clone()],
        },
    );
    let after = f
        .server
        .apply(&shopper, std::slice::from_ref(&removal))
        .await;
    assert_eq!(after.lines.len(), 1);
    let undo = op(
        sent[0].at + 40,
        Change::Restore {
            removal: removal.id.clone(),
        },
    );
    assert_eq!(f.server.apply(&shopper, &[undo]).await.lines.len(), 2);
}

#[tokio::test]
async fn a_replayed_batch_changes_nothing() {
    let f = Fixture::new().await;
    let skus = all_skus();
    let shopper = token();
    let batch: Vec<Op> = (0..5).map(|i| add(&skus[i * 3], 1)).collect();
    let first = f.server.apply(&shopper, &batch).await;
    let again = f.server.apply(&shopper, &batch).await;
    assert_eq!(again, first);
    // Also when the replay comes mixed with new operations, and with a repeat inside one batch.
    let new = add(&skus[40], 4);
    let mixed: Vec<Op> = batch
        .iter()
        .cloned()
        .chain([new.clone(), new.clone()])
        .collect();
    let merged = f.server.apply(&shopper, &mixed).await;
    assert_eq!(merged.ops.len(), 6);
    assert_eq!(merged.lines.len(), 6);
    assert_eq!(stored_ops(&f).await, 6);
}

#[tokio::test]
async fn two_tokens_never_see_each_other() {
    let f = Fixture::new().await;
    let skus = all_skus();
    let (anna, bella) = (token(), token());
    f.server.apply(&anna, &[add(&skus[1], 1)]).await;
    assert_eq!(f.server.bag(&bella).await, BagState::default());
    let bella_bag = f.server.apply(&bella, &[add(&skus[2], 1)]).await;
    let anna_bag = f.server.bag(&anna).await;
    assert_eq!(
        anna_bag
            .lines
            .iter()
            .map(|l| l.sku.as_str())
            .collect::<Vec<_>>(),
        [skus[1].as_str()]
    );
    assert_eq!(
        bella_bag
            .lines
            .iter()
            .map(|l| l.sku.as_str())
            .collect::<Vec<_>>(),
        [skus[2].as_str()]
    );
    // The same operation id in two bags is two operations.
    let shared = add(&skus[3], 1);
    f.server.apply(&anna, std::slice::from_ref(&shared)).await;
    assert_eq!(f.server.apply(&bella, &[shared]).await.lines.len(), 2);
}

#[tokio::test]
async fn a_missing_or_malformed_token_is_401() {
    let f = Fixture::new().await;
    let skus = all_skus();
    let good = token();
    let headers = [
        None,
        Some(String::new()),
        Some("Bearer".to_string()),
        Some("Bearer abc".to_string()),
        Some(format!("Basic {}", good.expose())),
        Some(format!("Bearer {}", good.expose().to_uppercase())),
        Some(format!("Bearer {}0", good.expose())),
        Some(format!("Bearer {}", &good.expose()[1..])),
        Some(format!("Bearer {} extra", good.expose())),
    ];
    let client = &f.server.client;
    for header in &headers {
        for post in [false, true] {
            let mut request = if post {
                client
                    .post(f.server.url("/api/v1/bag/ops"))
                    .json(&json!({ "ops": [add(&skus[0], 1)] }))
            } else {
                client.get(f.server.url("/api/v1/bag"))
            };
            if let Some(value) = header {
                request = request.header("authorization", value);
            }
            let response = request.send().await.unwrap();
            assert_eq!(
                response.headers().get("www-authenticate").unwrap(),
                "Bearer",
                "{header:?}"
            );
            assert_error(response, 401, "unauthorized").await;
        }
    }
    assert_eq!(stored_ops(&f).await, 0);
    // The scheme is case-insensitive, as HTTP says.
    let response = client
        .get(f.server.url("/api/v1/bag"))
        .header("authorization", format!("bearer {}", good.expose()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn bad_batches_are_refused_and_apply_nothing() {
    let f = Fixture::new().await;
    let skus = all_skus();
    let shopper = token();
    let before = f
        .server
        .apply(&shopper, &[add(&skus[0], 1), add(&skus[1], 2)])
        .await;
    let good = add(&skus[2], 1);
    let nowhere = Sku::from("P9999-NOPE-M");
    let cases: Vec<(Vec<Op>, &str)> = vec![
        (vec![good.clone(), add(&nowhere, 1)], "unknown_variant"),
        (
            vec![
                good.clone(),
                op(
                    1,
                    Change::SetQuantity {
                        sku: nowhere.clone(),
                        quantity: 1,
                    },
                ),
            ],
            "unknown_variant",
        ),
        (
            vec![op(
                1,
                Change::Remove {
                    sku: nowhere.clone(),
                    observed: vec![],
                },
            )],
            "unknown_variant",
        ),
        (vec![good.clone(), add(&skus[3], 0)], "invalid_operation"),
        (vec![good.clone(), add(&skus[3], 100)], "invalid_operation"),
        (vec![good.clone(), add(&"".into(), 1)], "invalid_operation"),
        (
            vec![
                good.clone(),
                op(
                    1,
                    Change::SetNote {
                        sku: skus[0].clone(),
                        note: Some("长".repeat(MAX_NOTE_CHARS + 1)),
                    },
                ),
            ],
            "invalid_operation",
        ),
        (
            // A store id of 10,000 bytes: every text field has a limit, not only the note.
            vec![
                good.clone(),
                op(
                    1,
                    Change::Add {
                        sku: skus[4].clone(),
                        quantity: 1,
                        store: Some("s".repeat(10_000).into()),
                        note: None,
                        intent: None,
                    },
                ),
            ],
            "invalid_operation",
        ),
        (
            // A removal naming 1,000 adds (the bag has two).
            vec![op(
                1,
                Change::Remove {
                    sku: skus[0].clone(),
                    observed: (0..1_000).map(OpId::from_bits).collect(),
                },
            )],
            "invalid_operation",
        ),
        (
            // 199 new lines on top of the 2 in the bag.
            (0..MAX_LINES - 1).map(|i| add(&skus[10 + i], 1)).collect(),
            "bag_full",
        ),
        (
            (0..=MAX_OPS_PER_BATCH)
                .map(|_| {
                    op(
                        1,
                        Change::Restore {
                            removal: OpId::from_bits(1),
                        },
                    )
                })
                .collect(),
            "invalid_operation",
        ),
    ];
    for (batch, code) in cases {
        let response = f.server.send_ops(&shopper, &batch).await;
        assert_eq!(response.status(), 422, "{code}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], code, "{body}");
        if code == "unknown_variant" {
            let message = body["error"]["message"].as_str().unwrap();
            assert!(message.contains(nowhere.as_str()), "{message}");
        }
        assert_eq!(f.server.bag(&shopper).await, before, "{code}");
    }
    // The wire format refuses a malformed operation id before any rule runs.
    let response = f
        .server
        .with_token(f.server.client.post(f.server.url("/api/v1/bag/ops")), &shopper)
        .json(&json!({"ops": [{"id": "nope", "at": 1, "type": "add", "sku": skus[0], "quantity": 1}]}))
        .send()
        .await
        .unwrap();
    assert_error(response, 422, "invalid_json").await;
    // Over the body limit: 413, as for every endpoint.
    let big: Vec<Op> = (0..MAX_OPS_PER_BATCH)
        .map(|_| {
            op(
                1,
                Change::SetNote {
                    sku: skus[0].clone(),
                    note: Some("x".repeat(MAX_NOTE_CHARS)),
                },
            )
        })
        .collect();
    assert_error(
        f.server.send_ops(&shopper, &big).await,
        413,
        "payload_too_large",
    )
    .await;
    assert_eq!(f.server.bag(&shopper).await, before);
    assert_eq!(stored_ops(&f).await, 2);
}

#[tokio::test]
async fn a_bag_holds_at_most_200_lines() {
    let f = Fixture::new().await;
    let skus = all_skus();
    let shopper = token();
    let too_many: Vec<Op> = (0..=MAX_LINES).map(|i| add(&skus[i], 1)).collect();
    assert_error(
        f.server.send_ops(&shopper, &too_many).await,
        422,
        "bag_full",
    )
    .await;
    assert_eq!(f.server.bag(&shopper).await, BagState::default());
    let full = f.server.apply(&shopper, &too_many[..MAX_LINES]).await;
    assert_eq!(full.lines.len(), MAX_LINES);
    assert_error(
        f.server
            .send_ops(&shopper, &[add(&skus[MAX_LINES], 1)])
            .await,
        422,
        "bag_full",
    )
    .await;
    // Changing a line that is there is still fine.
    f.server.apply(&shopper, &[add(&skus[0], 5)]).await;
    assert_eq!(f.server.bag(&shopper).await.lines.len(), MAX_LINES);
}

#[tokio::test]
async fn concurrent_batches_on_one_bag_keep_every_operation() {
    let f = Fixture::new().await;
    let skus = all_skus();
    let shopper = token();
    let mut tasks = Vec::new();
    let mut sent = HashSet::new();
    for device in 0..2 {
        let batches: Vec<Vec<Op>> = (0..20)
            .map(|i| {
                vec![
                    add(&skus[device * 50 + i], 1),
                    op(
                        2_000_000_000_000 + i as i64,
                        Change::SetQuantity {
                            sku: skus[device * 50 + i].clone(),
                            quantity: 2,
                        },
                    ),
                ]
            })
            .collect();
        sent.extend(batches.iter().flatten().map(|o| o.id.clone()));
        let server = (f.server.base.clone(), f.server.client.clone());
        let shopper = shopper.clone();
        tasks.push(tokio::spawn(async move {
            for batch in batches {
                let response = server
                    .1
                    .post(format!("{}/api/v1/bag/ops", server.0))
                    .header("authorization", format!("Bearer {}", shopper.expose()))
                    .json(&json!({ "ops": batch }))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 200);
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let bag = f.server.bag(&shopper).await;
    assert_eq!(ids(&bag), sent);
    assert_eq!(bag.lines.len(), 40);
    assert!(bag.lines.iter().all(|l| l.quantity == 2));
}

#[tokio::test]
async fn concurrent_batches_cannot_overfill_a_bag_together() {
    let f = Fixture::new().await;
    let skus = all_skus();
    let shopper = token();
    // Each fits alone; both together would make 202 lines.
    let halves: Vec<Vec<Op>> = (0..2)
        .map(|h| (0..101).map(|i| add(&skus[h * 101 + i], 1)).collect())
        .collect();
    let (a, b) = tokio::join!(
        f.server.send_ops(&shopper, &halves[0]),
        f.server.send_ops(&shopper, &halves[1])
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 422]);
    assert_eq!(f.server.bag(&shopper).await.lines.len(), 101);
}

#[tokio::test]
async fn a_batch_refused_in_a_shared_commit_leaves_the_others_committed() {
    // Batches that queue together share one transaction: a refusal must undo its own batch only.
    let f = Fixture::new().await;
    let skus = all_skus();
    let full = token();
    let adds: Vec<Op> = (0..MAX_LINES).map(|i| add(&skus[i], 1)).collect();
    for part in adds.chunks(100) {
        f.server.apply(&full, part).await;
    }
    let shoppers: Vec<_> = (0..30).map(|_| token()).collect();
    let over = [add(&skus[MAX_LINES], 1)];
    let sends = shoppers.iter().enumerate().map(|(n, shopper)| {
        let (server, skus) = (&f.server, &skus);
        let (full, over) = (&full, &over);
        async move {
            if n % 3 == 0 {
                (None, server.send_ops(full, over).await)
            } else {
                let op = add(&skus[n], 1);
                (
                    Some((shopper, op.id.clone())),
                    server.send_ops(shopper, &[op]).await,
                )
            }
        }
    });
    for (taken, response) in futures::future::join_all(sends).await {
        match taken {
            None => assert_eq!(response.status(), 422),
            Some((shopper, id)) => {
                assert_eq!(response.status(), 200);
                assert_eq!(ids(&f.server.bag(shopper).await), HashSet::from([id]));
            }
        }
    }
    assert_eq!(f.server.bag(&full).await.lines.len(), MAX_LINES);
    assert_eq!(stored_ops(&f).await, (MAX_LINES + 20) as i64);
}

#[cfg(not(feature = "fault-injection"))]
#[tokio::test]
async fn a_normal_build_has_no_fault_switch() {
    let f = Fixture::new().await;
    let response = f
        .server
        .client
        .post(f.server.url("/api/v1/test/faults"))
        .json(&json!({ "fail_next": 1 }))
        .send()
        .await
        .unwrap();
    assert_error(response, 404, "not_found").await;
    let (_, doc) = f.server.get_json("/api/v1/openapi.json").await;
    assert!(doc["paths"]["/api/v1/test/faults"].is_null());
}

#[tokio::test]
async fn the_bag_is_in_the_openapi_document() {
    let f = Fixture::new().await;
    let (_, doc) = f.server.get_json("/api/v1/openapi.json").await;
    assert!(doc["paths"]["/api/v1/bag"]["get"].is_object());
    assert!(doc["paths"]["/api/v1/bag/ops"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/orders"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/orders/{number}"]["get"].is_object());
    for schema in [
        "OpsBatch",
        "BagState",
        "Op",
        "Change",
        "Line",
        "OrderRequest",
        "Order",
        "Fulfilment",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "{schema} missing"
        );
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bag_token"]["scheme"],
        "bearer"
    );
}

#[tokio::test]
async fn an_operation_id_sent_again_with_other_content_is_a_conflict() {
    let f = Fixture::new().await;
    let skus = all_skus();
    let shopper = token();
    let first = add(&skus[0], 1);
    f.server.apply(&shopper, std::slice::from_ref(&first)).await;
    // The same id, another variant: taking it silently would leave device and server with two
    // different bags for good.
    let mut other = add(&skus[1], 2);
    other.id = first.id.clone();
    assert_error(
        f.server.send_ops(&shopper, &[other]).await,
        409,
        "operation_conflict",
    )
    .await;
    assert_eq!(f.server.bag(&shopper).await.lines.len(), 1);
    assert_eq!(stored_ops(&f).await, 1);
}

#[tokio::test]
async fn a_clock_a_year_ahead_does_not_win_every_later_change() {
    let f = Fixture::new().await;
    let skus = all_skus();
    let shopper = token();
    let year_ms = 365 * 24 * 3600 * 1000;
    // One device's clock runs a year ahead; the other's is right, and changes the line once the
    // allowance has passed (its time as it will be then).
    let ahead = op(
        shopbag_server::now_ms() + year_ms,
        Change::Add {
            sku: skus[0].clone(),
            quantity: 5,
            store: None,
            note: None,
            intent: None,
        },
    );
    let taken = f.server.apply(&shopper, std::slice::from_ref(&ahead)).await;
    let stored_at = taken.ops[0].at;
    assert!(stored_at <= shopbag_server::now_ms() + CLOCK_ALLOWANCE_MS);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let later = op(
        shopbag_server::now_ms() + CLOCK_ALLOWANCE_MS + 1,
        Change::SetQuantity {
            sku: skus[0].clone(),
            quantity: 2,
        },
    );
    let bag = f.server.apply(&shopper, &[later]).await;
    assert_eq!(bag.lines[0].quantity, 2, "the later change wins");
    // The fast device sends its operation again (its answer was lost): still the same one.
    let again = f.server.apply(&shopper, &[ahead]).await;
    assert_eq!(again, bag);
}

#[tokio::test]
async fn a_confirmed_commit_is_on_disk_before_the_answer() {
    // WAL with synchronous=NORMAL can lose, on a power cut, a commit already answered "done";
    // FULL syncs the log at every commit. Every connection of the server's pool is opened so.
    // PostgreSQL: a commit waits for its WAL flush unless `synchronous_commit` is turned off.
    let f = Fixture::new().await;
    let pool = f.db().await;
    if f.database.is_postgres() {
        let (setting,): (String,) = sqlx::query_as("SHOW synchronous_commit")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(setting, "on");
        return;
    }
    let mut levels = Vec::new();
    let mut conns = Vec::new();
    for _ in 0..3 {
        let mut conn = pool.acquire().await.unwrap();
        let (level,): (i64,) = sqlx::query_as("PRAGMA synchronous")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        levels.push(level);
        conns.push(conn);
    }
    assert_eq!(levels, [2, 2, 2], "2 is FULL");
}

#[tokio::test]
async fn no_cache_keeps_an_api_answer() {
    let f = Fixture::new().await;
    let shopper = token();
    f.server.apply(&shopper, &[add(&all_skus()[0], 1)]).await;
    for response in [
        f.server.send_ops(&shopper, &[]).await,
        f.server.get("/api/v1/stores").await,
        f.server.get("/api/v1/nothing-here").await,
    ] {
        assert_eq!(
            response.headers()["cache-control"],
            "no-store",
            "{}",
            response.url()
        );
    }
}

#[tokio::test]
async fn a_bag_forgets_what_a_month_old_churn_no_longer_needs() {
    let f = Fixture::new().await;
    let skus = all_skus();
    let shopper = token();
    let long_ago = shopbag_server::now_ms() - COMPACTION_HORIZON_MS - 24 * 3600 * 1000;
    // Six weeks ago she put a coat in and took it out 200 times, and changed a scarf's quantity
    // 99 times; the scarf is still in the bag.
    let mut churn = Vec::new();
    for n in 0..200 {
        let coat = op(
            long_ago + 2 * n,
            Change::Add {
                sku: skus[0].clone(),
                quantity: 1,
                store: None,
                note: None,
                intent: None,
            },
        );
        let removal = op(
            long_ago + 2 * n + 1,
            Change::Remove {
                sku: skus[0].clone(),
                observed: vec![coat.id.clone()],
            },
        );
        churn.extend([coat, removal]);
    }
    let scarf = op(long_ago, add(&skus[7], 1).change);
    churn.push(scarf.clone());
    for n in 1..=99 {
        churn.push(op(
            long_ago + n,
            Change::SetQuantity {
                sku: skus[7].clone(),
                quantity: (n % 5 + 1) as u8,
            },
        ));
    }
    for batch in churn.chunks(MAX_OPS_PER_BATCH / 2) {
        f.server.apply(&shopper, batch).await;
    }
    let kept = f.server.bag(&shopper).await;
    // The removal markers stay (a phone may still send one of those adds again), the scarf's add
    // and its last quantity stay, the rest is gone from the database file.
    assert_eq!(kept.ops.len(), 200 + 2);
    assert_eq!(stored_ops(&f).await, 202);
    assert_eq!(kept.lines.len(), 1);
    assert_eq!(kept.lines[0].quantity, 99 % 5 + 1);
    // A phone sends one of the old adds again: it stays removed.
    let again = f.server.apply(&shopper, &churn[..1]).await;
    assert_eq!(again.lines, kept.lines);
}

#[tokio::test]
async fn a_bag_that_changes_without_end_is_refused_before_it_slows_everyone() {
    let f = Fixture::new().await;
    let skus = all_skus();
    let shopper = token();
    let start = shopbag_server::now_ms();
    f.server
        .apply(&shopper, &[op(start, add(&skus[0], 1).change)])
        .await;
    let notes = |from: usize| -> Vec<Op> {
        (from..from + MAX_OPS_PER_BATCH)
            .map(|n| {
                op(
                    start + n as i64,
                    Change::SetNote {
                        sku: skus[0].clone(),
                        note: Some(format!("{n}")),
                    },
                )
            })
            .collect()
    };
    // Recent changes are all kept, up to the bound.
    let full = (MAX_KEPT_OPS - 1) / MAX_OPS_PER_BATCH;
    for batch in 0..full {
        f.server
            .apply(&shopper, &notes(batch * MAX_OPS_PER_BATCH))
            .await;
    }
    let room = MAX_KEPT_OPS - 1 - full * MAX_OPS_PER_BATCH;
    let over = notes(full * MAX_OPS_PER_BATCH);
    assert_error(
        f.server.send_ops(&shopper, &over[..room + 1]).await,
        422,
        "bag_full",
    )
    .await;
    f.server.apply(&shopper, &over[..room]).await;
    assert_eq!(stored_ops(&f).await, MAX_KEPT_OPS as i64);
    // Replays are still answered (a device whose answer was lost is not stuck).
    f.server.apply(&shopper, &over[..room]).await;
}
