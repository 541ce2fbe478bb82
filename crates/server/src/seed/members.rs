//! The loyalty programme's demo members and the coupons in their wallets.

use super::insert_rows;
use shopbag_api::Localized;
use sqlx::{Any, Transaction};

#[derive(Debug, Clone)]
pub struct Member {
    pub id: &'static str,
    pub phone_masked: &'static str,
    pub display_name: &'static str,
    pub tier: &'static str,
    pub points: i64,
    pub joined_on: &'static str,
}

impl Member {
    /// The number a demo member signs in with: her masked number, hidden digits 0000.
    pub fn demo_phone(&self) -> String {
        self.phone_masked.replace("****", "0000")
    }
}

#[derive(Debug, Clone)]
pub struct Coupon {
    pub code: String,
    pub member_id: &'static str,
    pub title: Localized,
    pub discount_fen: i64,
    pub min_spend_fen: i64,
    pub valid_from: &'static str,
    pub valid_until: &'static str,
}

pub(super) fn members() -> Vec<Member> {
    let member = |id, phone_masked, display_name, tier, points, joined_on| Member {
        id,
        phone_masked,
        display_name,
        tier,
        points,
        joined_on,
    };
    vec![
        member(
            "M0001",
            "138****2046",
            "林小雨",
            "gold",
            12_480,
            "2023-03-18",
        ),
        member(
            "M0002",
            "139****8812",
            "陈思远",
            "silver",
            2_310,
            "2025-09-02",
        ),
        member(
            "M0003",
            "186****5530",
            "王佳怡",
            "platinum",
            48_900,
            "2021-11-11",
        ),
        member(
            "M0004",
            "135****0917",
            "张一鸣",
            "silver",
            560,
            "2026-08-27",
        ),
        member("M0005", "158****3364", "刘晓", "gold", 9_120, "2024-05-20"),
        member(
            "M0006",
            "177****7281",
            "Sophie Zhou",
            "platinum",
            31_050,
            "2022-06-18",
        ),
    ]
}

pub(super) fn coupons(members: &[Member]) -> Vec<Coupon> {
    // (suffix, zh, en, discount, min spend, from, until); which members get which is below.
    type Kind = (
        &'static str,
        &'static str,
        &'static str,
        i64,
        i64,
        &'static str,
        &'static str,
    );
    const WELCOME: Kind = (
        "W20",
        "新人礼：满199减20",
        "Welcome: ¥20 off ¥199",
        2_000,
        19_900,
        "2026-09-01T00:00:00+08:00",
        "2026-12-31T23:59:59+08:00",
    );
    const SINGLES_DAY: Kind = (
        "S60",
        "双11专享：满500减60",
        "11.11 exclusive: ¥60 off ¥500",
        6_000,
        50_000,
        "2026-10-20T20:00:00+08:00",
        "2026-11-11T23:59:59+08:00",
    );
    const MEMBER_DAY: Kind = (
        "D150",
        "会员日：满1000减150",
        "Member day: ¥150 off ¥1,000",
        15_000,
        100_000,
        "2026-11-01T00:00:00+08:00",
        "2026-11-11T23:59:59+08:00",
    );
    const BIRTHDAY: Kind = (
        "B50",
        "生日礼：50元无门槛",
        "Birthday gift: ¥50 off",
        5_000,
        0,
        "2026-10-01T00:00:00+08:00",
        "2026-12-31T23:59:59+08:00",
    );
    let grants: [&[Kind]; 6] = [
        &[SINGLES_DAY, BIRTHDAY],
        &[WELCOME, SINGLES_DAY],
        &[SINGLES_DAY, MEMBER_DAY, BIRTHDAY],
        &[WELCOME],
        &[SINGLES_DAY, MEMBER_DAY],
        &[MEMBER_DAY, SINGLES_DAY],
    ];
    members
        .iter()
        .zip(grants)
        .flat_map(|(member, kinds)| {
            kinds.iter().map(move |k| Coupon {
                code: format!("{}-{}", member.id, k.0),
                member_id: member.id,
                title: Localized::new(k.1, k.2),
                discount_fen: k.3,
                min_spend_fen: k.4,
                valid_from: k.5,
                valid_until: k.6,
            })
        })
        .collect()
}

/// Writes the members, then their coupons.
pub(super) async fn write(
    tx: &mut Transaction<'_, Any>,
    members: &[Member],
    coupons: &[Coupon],
) -> Result<(), sqlx::Error> {
    insert_rows(
        tx,
        "INSERT INTO members (id, phone_masked, phone, display_name, tier, points, joined_on) ",
        members,
        |row, m| {
            row.bind(m.id)
                .bind(m.phone_masked)
                .bind(m.demo_phone())
                .bind(m.display_name)
                .bind(m.tier)
                .bind(m.points)
                .bind(m.joined_on);
        },
    )
    .await?;
    insert_rows(
        tx,
        "INSERT INTO coupons (code, member_id, title_zh, title_en, discount_fen, min_spend_fen, \
         valid_from, valid_until) ",
        coupons,
        |row, c| {
            row.bind(c.code.clone())
                .bind(c.member_id)
                .bind(c.title.zh.clone())
                .bind(c.title.en.clone())
                .bind(c.discount_fen)
                .bind(c.min_spend_fen)
                .bind(c.valid_from)
                .bind(c.valid_until);
        },
    )
    .await
}
