//! Table tests of the calendar and the price engine.

use super::*;

fn at(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap_or_else(|| panic!("`{text}` does not parse"))
}

fn phase(kind: PhaseKind, starts: &str, ends: &str) -> Phase {
    Phase {
        kind,
        title: Localized::new(kind.as_str(), kind.as_str()),
        starts_at: at(starts),
        ends_at: at(ends),
    }
}

fn rule(id: &str, phase: PhaseKind, offer: Offer) -> PriceRule {
    PriceRule {
        id: id.into(),
        phase,
        title: Localized::new(id, id),
        offer,
    }
}

/// 12.12: a warm-up, the main day, ¥50 off every ¥300 and 10 % off knitwear on the day.
fn double_twelve() -> Promotion {
    Promotion {
        id: "1212".into(),
        name: Localized::new("双十二", "12.12"),
        time_zone: "Asia/Shanghai".into(),
        phases: vec![
            phase(
                PhaseKind::WarmUp,
                "2026-12-08T00:00:00+08:00",
                "2026-12-11T23:59:59+08:00",
            ),
            phase(
                PhaseKind::MainDay,
                "2026-12-12T00:00:00+08:00",
                "2026-12-12T23:59:59+08:00",
            ),
        ],
        rules: vec![
            rule(
                "every-300-off-50",
                PhaseKind::MainDay,
                Offer::Threshold {
                    threshold: Money::yuan(300),
                    discount: Money::yuan(50),
                    repeats: true,
                },
            ),
            rule(
                "1000-off-120",
                PhaseKind::MainDay,
                Offer::Threshold {
                    threshold: Money::yuan(1000),
                    discount: Money::yuan(120),
                    repeats: false,
                },
            ),
            rule(
                "knit-10",
                PhaseKind::MainDay,
                Offer::PercentOff {
                    category: Some(Category::Knitwear),
                    percent: 10,
                },
            ),
        ],
    }
}

/// 11.11 next year: presale with a deposit, final payment, main day inside it.
fn singles_day() -> Promotion {
    Promotion {
        id: "1111".into(),
        name: Localized::new("双11", "11.11"),
        time_zone: "Asia/Shanghai".into(),
        phases: vec![
            phase(
                PhaseKind::Deposit,
                "2027-10-20T20:00:00+08:00",
                "2027-10-31T23:59:59+08:00",
            ),
            phase(
                PhaseKind::FinalPayment,
                "2027-11-10T20:00:00+08:00",
                "2027-11-11T23:59:59+08:00",
            ),
            phase(
                PhaseKind::MainDay,
                "2027-11-11T00:00:00+08:00",
                "2027-11-11T23:59:59+08:00",
            ),
        ],
        rules: vec![rule(
            "deposit-50-150",
            PhaseKind::Deposit,
            Offer::Deposit {
                category: Some(Category::Outerwear),
                deposit: Money::yuan(50),
                worth: Money::yuan(150),
            },
        )],
    }
}

fn calendar() -> Calendar {
    Calendar {
        promotions: vec![double_twelve(), singles_day()],
        event_prices: vec![],
    }
}

fn line<'a>(
    sku: &'a str,
    category: Category,
    yuan: i64,
    event: &'a [EventPrice],
) -> PricedLine<'a> {
    PricedLine {
        // A test's few bytes, kept for as long as the line may be.
        sku: Box::leak(Box::new(sku.into())),
        category,
        list_price: Money::yuan(yuan),
        event_prices: event,
        quantity: 1,
        deposit_paid: false,
    }
}

fn on_now(now: &str) -> Vec<(String, PhaseKind)> {
    calendar()
        .on_now(at(now))
        .into_iter()
        .map(|u| (u.promotion.id.clone(), u.phase.kind))
        .collect()
}

#[test]
fn times_read_any_offset_and_print_in_the_stores_time() {
    let table = [
        ("2026-12-12T00:00:00+08:00", "2026-12-12T00:00:00+08:00"),
        ("2026-12-11T16:00:00Z", "2026-12-12T00:00:00+08:00"),
        ("2026-12-11T11:00:00-05:00", "2026-12-12T00:00:00+08:00"),
        ("2028-02-29T12:30:05+08:00", "2028-02-29T12:30:05+08:00"),
        ("1999-12-31T23:59:59Z", "2000-01-01T07:59:59+08:00"),
    ];
    for (text, shown) in table {
        assert_eq!(at(text).to_string(), shown, "{text}");
    }
    assert_eq!(at("1970-01-01T00:00:00Z"), Timestamp(0));
    for bad in [
        "2026-12-12",
        "2026-12-12T00:00:00",
        "2026-12-12 00:00:00+08:00",
        "2026-13-01T00:00:00Z",
        "2026-02-29T00:00:00Z",
        "2026-12-12T24:00:00Z",
        "2026-12-12T00:00:00.5Z",
        "2026-12-12T00:00:00+0800",
        "２０26-12-12T00:00:00Z",
    ] {
        assert_eq!(Timestamp::parse(bad), None, "{bad}");
    }
}

#[test]
fn a_phase_ends_with_its_last_second_and_the_next_starts_at_midnight() {
    let table = [
        ("2026-12-07T23:59:59+08:00", vec![]),
        (
            "2026-12-08T00:00:00+08:00",
            vec![("1212", PhaseKind::WarmUp)],
        ),
        (
            "2026-12-11T23:59:59+08:00",
            vec![("1212", PhaseKind::WarmUp)],
        ),
        (
            "2026-12-12T00:00:00+08:00",
            vec![("1212", PhaseKind::MainDay)],
        ),
        (
            "2026-12-12T23:59:59+08:00",
            vec![("1212", PhaseKind::MainDay)],
        ),
        ("2026-12-13T00:00:00+08:00", vec![]),
        // Final payment opens the evening before the main day and runs through it.
        (
            "2027-11-11T00:00:00+08:00",
            vec![
                ("1111", PhaseKind::FinalPayment),
                ("1111", PhaseKind::MainDay),
            ],
        ),
    ];
    for (now, expected) in table {
        let expected: Vec<(String, PhaseKind)> = expected
            .into_iter()
            .map(|(id, k)| (id.to_string(), k))
            .collect();
        assert_eq!(on_now(now), expected, "{now}");
    }
    // The last millisecond of 23:59:59 still counts.
    let last = Timestamp(at("2026-12-12T23:59:59+08:00").0 + 999);
    assert_eq!(calendar().on_now(last).len(), 1);
}

#[test]
fn a_device_set_to_another_time_zone_sees_the_same_phases() {
    // New York, 10:59:59 in the morning of 11 December: 23:59:59 in Shanghai.
    assert_eq!(
        on_now("2026-12-11T10:59:59-05:00"),
        [("1212".to_string(), PhaseKind::WarmUp)]
    );
    assert_eq!(
        on_now("2026-12-11T11:00:00-05:00"),
        [("1212".to_string(), PhaseKind::MainDay)]
    );
    // London, 4 pm: midnight in Shanghai.
    assert_eq!(
        on_now("2026-12-11T16:00:00Z"),
        [("1212".to_string(), PhaseKind::MainDay)]
    );
}

#[test]
fn the_next_phase_and_the_festival_that_matters() {
    let calendar = calendar();
    let next = |now| {
        calendar
            .next(at(now))
            .map(|u| (u.promotion.id.as_str(), u.phase.kind))
    };
    assert_eq!(
        next("2026-12-06T09:00:00+08:00"),
        Some(("1212", PhaseKind::WarmUp))
    );
    assert_eq!(
        next("2026-12-09T09:00:00+08:00"),
        Some(("1212", PhaseKind::MainDay))
    );
    assert_eq!(
        next("2026-12-12T09:00:00+08:00"),
        Some(("1111", PhaseKind::Deposit))
    );
    assert_eq!(next("2027-11-12T00:00:00+08:00"), None);
    let current = |now| calendar.current(at(now)).map(|p| p.id.as_str());
    assert_eq!(current("2026-12-06T09:00:00+08:00"), Some("1212"));
    assert_eq!(current("2026-12-12T23:59:59+08:00"), Some("1212"));
    assert_eq!(current("2026-12-13T00:00:00+08:00"), Some("1111"));
    assert_eq!(current("2027-11-12T00:00:00+08:00"), None);
}

#[test]
fn a_percent_off_rounds_to_the_nearest_fen_halves_up() {
    let table = [
        (19_999, 15, 16_999), // 169.9915 → 169.99
        (10, 15, 9),          // 0.085 → 0.09
        (33, 15, 28),         // 0.2805 → 0.28
        (29_900, 10, 26_910),
        (100, 100, 0),
        (100, 0, 100),
    ];
    for (fen, percent, expected) in table {
        assert_eq!(
            percent_off(Money(fen), percent),
            Money(expected),
            "{fen} fen −{percent} %"
        );
    }
}

#[test]
fn one_price_per_item_the_lowest_of_list_event_and_percent_off() {
    let event: Vec<EventPrice> = ["A", "B", "C"]
        .into_iter()
        .map(|sku| EventPrice {
            sku: sku.into(),
            promotion: "1212".into(),
            phase: PhaseKind::MainDay,
            price: Money::yuan(250),
        })
        .collect();
    let other_festival = [EventPrice {
        sku: "D".into(),
        promotion: "1111".into(),
        phase: PhaseKind::MainDay,
        price: Money::yuan(10),
    }];
    let promotion = double_twelve();
    let day = at("2026-12-12T12:00:00+08:00");
    let eve = at("2026-12-11T12:00:00+08:00");
    let table = [
        (
            line("A", Category::Tops, 300, &event),
            day,
            Money::yuan(250),
        ),
        (
            line("A", Category::Tops, 300, &event),
            eve,
            Money::yuan(300),
        ),
        // 10 % off knitwear gives 270, the event price 250: the lower one, never both.
        (
            line("B", Category::Knitwear, 300, &event),
            day,
            Money::yuan(250),
        ),
        (
            line("B", Category::Knitwear, 300, &[]),
            day,
            Money::yuan(270),
        ),
        // An event price above the list price changes nothing.
        (
            line("C", Category::Tops, 200, &event),
            day,
            Money::yuan(200),
        ),
        (
            line("D", Category::Tops, 300, &other_festival),
            day,
            Money::yuan(300),
        ),
    ];
    for (line, now, expected) in table {
        assert_eq!(
            unit_price(Some(&promotion), &line, now),
            expected,
            "{} at {now}",
            line.sku
        );
    }
}

fn total(lines: &[PricedLine], coupons: &[Coupon], now: &str) -> (Money, Vec<(SavingKind, Money)>) {
    let quote = quote(&calendar(), lines, coupons, at(now));
    let savings = quote.savings.iter().map(|s| (s.kind, s.amount)).collect();
    (quote.total, savings)
}

#[test]
fn a_threshold_counts_each_full_step_of_the_goods_price() {
    let day = "2026-12-12T10:00:00+08:00";
    let table = [
        (29_999, 29_999, vec![]),
        (
            30_000,
            25_000,
            vec![(SavingKind::Threshold, Money::yuan(50))],
        ),
        (
            59_999,
            54_999,
            vec![(SavingKind::Threshold, Money::yuan(50))],
        ),
        (
            60_000,
            50_000,
            vec![(SavingKind::Threshold, Money::yuan(100))],
        ),
        // At ¥1,000 "¥120 off ¥1,000" (once) loses to three steps of ¥50 (¥150).
        (
            100_000,
            85_000,
            vec![(SavingKind::Threshold, Money::yuan(150))],
        ),
    ];
    for (fen, expected, savings) in table {
        let lines = [PricedLine {
            list_price: Money(fen),
            ..line("A", Category::Tops, 0, &[])
        }];
        assert_eq!(
            total(&lines, &[], day),
            (Money(expected), savings),
            "{fen} fen"
        );
    }
    // The day before, no threshold.
    let lines = [line("A", Category::Tops, 300, &[])];
    assert_eq!(
        total(&lines, &[], "2026-12-11T23:59:59+08:00").0,
        Money::yuan(300)
    );
}

#[test]
fn offers_stack_item_price_then_threshold_then_coupon() {
    let event = [EventPrice {
        sku: "COAT".into(),
        promotion: "1212".into(),
        phase: PhaseKind::MainDay,
        price: Money::yuan(280),
    }];
    let coupon = |code: &str, discount, min_spend| Coupon {
        code: code.into(),
        title: Localized::new(code, code),
        discount: Money::yuan(discount),
        min_spend: Money::yuan(min_spend),
        valid_from: at("2026-12-01T00:00:00+08:00"),
        valid_until: at("2026-12-31T23:59:59+08:00"),
    };
    // Two coats at ¥320 list, ¥280 on the day: goods ¥560, one step of ¥300 → −¥50 → ¥510.
    // The ¥60-off-¥550 coupon no longer qualifies after the threshold (¥510); ¥20 off ¥500 does.
    let lines = [PricedLine {
        quantity: 2,
        ..line("COAT", Category::Outerwear, 320, &event)
    }];
    let coupons = [coupon("C60", 60, 550), coupon("C20", 20, 500)];
    let (paid, savings) = total(&lines, &coupons, "2026-12-12T20:00:00+08:00");
    assert_eq!(paid, Money::yuan(640 - 80 - 50 - 20));
    assert_eq!(
        savings,
        [
            (SavingKind::ItemPrice, Money::yuan(80)),
            (SavingKind::Threshold, Money::yuan(50)),
            (SavingKind::Coupon, Money::yuan(20)),
        ]
    );
    // An expired coupon does nothing; a coupon worth more than the bag leaves it at zero.
    let (paid, _) = total(&lines, &coupons, "2027-01-01T00:00:00+08:00");
    assert_eq!(paid, Money::yuan(640));
    let small = [line("SOCKS", Category::Accessories, 15, &[])];
    let (paid, _) = total(&small, &[coupon("C50", 50, 0)], "2026-12-12T20:00:00+08:00");
    assert_eq!(paid, Money(0));
}

#[test]
fn a_paid_deposit_counts_for_more_once_final_payment_opens() {
    let coat = PricedLine {
        deposit_paid: true,
        ..line("COAT", Category::Outerwear, 800, &[])
    };
    let shirt = PricedLine {
        deposit_paid: true,
        ..line("SHIRT", Category::Tops, 200, &[])
    };
    let lines = [coat, shirt];
    // During the deposit window the deposit is paid, nothing is taken off yet.
    assert_eq!(
        total(&lines, &[], "2027-10-25T12:00:00+08:00").0,
        Money::yuan(1000)
    );
    // Final payment: ¥50 paid counts as ¥150, so ¥100 more off the coat; the shirt has no offer.
    let (paid, savings) = total(&lines, &[], "2027-11-10T20:00:00+08:00");
    assert_eq!(paid, Money::yuan(900));
    assert_eq!(savings, [(SavingKind::Deposit, Money::yuan(100))]);
    // Unpaid, no bonus.
    let unpaid = [line("COAT", Category::Outerwear, 800, &[])];
    assert_eq!(
        total(&unpaid, &[], "2027-11-10T20:00:00+08:00").0,
        Money::yuan(800)
    );
}

#[test]
fn calendars_travel_as_shanghai_times() {
    let json = serde_json::to_value(calendar()).unwrap();
    let phase = &json["promotions"][0]["phases"][1];
    assert_eq!(phase["kind"], "main_day");
    assert_eq!(phase["starts_at"], "2026-12-12T00:00:00+08:00");
    let rule = &json["promotions"][0]["rules"][0]["offer"];
    assert_eq!(rule["threshold"]["discount"], 5_000);
    let back: Calendar = serde_json::from_value(json).unwrap();
    assert_eq!(back, calendar());
    let bad = serde_json::json!({"kind": "main_day", "title": {"zh": "", "en": ""},
        "starts_at": "tomorrow", "ends_at": "2026-12-12T23:59:59+08:00"});
    assert!(serde_json::from_value::<Phase>(bad)
        .unwrap_err()
        .to_string()
        .contains("tomorrow"));
}

#[test]
fn the_banner_shows_the_phase_on_else_the_next_and_the_prompt_only_when_ordering_pays() {
    let calendar = calendar();
    let moment = |now| match calendar.moment(at(now)) {
        Some(Moment::On(u)) => Some(("on", u.promotion.id.clone(), u.phase.kind)),
        Some(Moment::Next(u)) => Some(("next", u.promotion.id.clone(), u.phase.kind)),
        None => None,
    };
    let prompt = |now| calendar.time_to_order(at(now)).map(|u| u.phase.kind);
    assert_eq!(
        moment("2026-12-07T23:59:59+08:00"),
        Some(("next", "1212".into(), PhaseKind::WarmUp))
    );
    assert_eq!(
        moment("2026-12-08T00:00:00+08:00"),
        Some(("on", "1212".into(), PhaseKind::WarmUp))
    );
    assert_eq!(prompt("2026-12-11T23:59:59+08:00"), None);
    assert_eq!(
        prompt("2026-12-12T00:00:00+08:00"),
        Some(PhaseKind::MainDay)
    );
    // Inside final payment the main day is what is on, and what the prompt is about.
    assert_eq!(
        moment("2027-11-11T08:00:00+08:00"),
        Some(("on", "1111".into(), PhaseKind::MainDay))
    );
    assert_eq!(
        prompt("2027-11-10T20:00:00+08:00"),
        Some(PhaseKind::FinalPayment)
    );
    assert_eq!(
        prompt("2027-11-11T08:00:00+08:00"),
        Some(PhaseKind::MainDay)
    );
    assert_eq!(moment("2027-11-12T00:00:00+08:00"), None);
}

#[test]
fn time_to_order_is_about_the_lines_the_festival_lowers_or_all_of_them_under_a_threshold() {
    let calendar = Calendar {
        event_prices: vec![EventPrice {
            sku: "COAT".into(),
            promotion: "1111".into(),
            phase: PhaseKind::FinalPayment,
            price: Money::yuan(700),
        }],
        ..calendar()
    };
    let lines = [
        line("COAT", Category::Outerwear, 800, &calendar.event_prices),
        line("SHIRT", Category::Tops, 200, &calendar.event_prices),
    ];
    // 11.11 final payment, no threshold: only the coat is cheaper.
    assert_eq!(
        lowered_now(&calendar, &lines, at("2027-11-10T21:00:00+08:00")),
        [&Sku::from("COAT")]
    );
    // 12.12 main day: "¥50 off every ¥300" is on, so ordering now saves on every line.
    assert_eq!(
        lowered_now(&calendar, &lines, at("2026-12-12T10:00:00+08:00")),
        [&Sku::from("COAT"), &Sku::from("SHIRT")]
    );
    // Before any festival price: nothing.
    assert!(lowered_now(&calendar, &lines, at("2026-12-09T10:00:00+08:00")).is_empty());
    // Prices measured on the main day until it starts, then now.
    let (festival, at_) = calendar
        .festival_prices(at("2026-12-09T10:00:00+08:00"))
        .unwrap();
    assert_eq!(
        (festival.id.as_str(), at_),
        ("1212", at("2026-12-12T00:00:00+08:00"))
    );
    let during = at("2026-12-12T10:00:00+08:00");
    assert_eq!(calendar.festival_prices(during).unwrap().1, during);
}
