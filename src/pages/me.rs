//! `/me`: her history with the brand — orders, purchases at the till, points, coupons — her
//! consent to follow-up, her data to take away, and erasing her account.

use crate::api::member::{Consent, CouponStatus, History, MemberCoupon};
use crate::api::{Client, Fetch, Timestamp};
use crate::components::{use_lang, Price, Skeleton};
use crate::features::member::{MemberStyle, Membership};
use crate::i18n::*;
use crate::route::Route;
use leptos::prelude::*;

#[component]
pub fn MePage() -> impl IntoView {
    let i18n = use_i18n();
    let membership = RwSignal::new(Membership::load());
    let signed = Memo::new(move |_| membership.with(Option::is_some));
    view! {
        <section class="page me">
            <MemberStyle />
            <h1>{move || i18n.me_title()}</h1>
            {move || {
                if signed.get() {
                    view! { <Mine membership /> }.into_any()
                } else {
                    view! {
                        <p>
                            <a href=Route::Member.href()>{move || i18n.me_sign_in_first()}</a>
                        </p>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

/// "12/6 14:05".
fn when(i18n: I18n, at: Timestamp) -> String {
    let c = at.in_store();
    i18n.me_when(c.month, c.day, format!("{:02}:{:02}", c.hour, c.minute))
        .to_string()
}

#[component]
fn Mine(membership: RwSignal<Option<Membership>>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let client = expect_context::<Client>();
    let history_client = client.clone();
    let history = Fetch::new(move || {
        let client = history_client.clone();
        async move { client.history().await }
    });
    let profile = move || membership.with(|m| m.as_ref().map(|m| m.me.profile.clone()));
    let consent = Action::new_local(move |follow_up: &bool| {
        let (client, follow_up) = (client.clone(), *follow_up);
        async move {
            if let Ok(profile) = client.set_consent(Consent { follow_up }).await {
                membership.update(|m| {
                    if let Some(m) = m {
                        m.me.profile = profile;
                        let _ = m.save();
                    }
                });
            }
        }
    });
    let coupons = move || membership.with(|m| m.as_ref().map(|m| m.me.coupons.clone()));

    view! {
        {move || profile().map(|p| view! {
            <p class="greeting">{i18n.member_greeting(p.display_name.clone())}</p>
            <p class="points">{i18n.member_points(p.points)}</p>
            <label class="check consent">
                <input
                    type="checkbox"
                    prop:checked=p.follow_up
                    on:change=move |ev| {
                        consent.dispatch(event_target_checked(&ev));
                    }
                />
                <span>{move || i18n.me_consent()}</span>
            </label>
        })}
        <h2>{move || i18n.member_coupons_title()}</h2>
        <ul class="coupons">
            {move || coupons().unwrap_or_default().into_iter().map(|c| {
                view! { <CouponRow coupon=c lang=lang() /> }
            }).collect_view()}
        </ul>
        <h2>{move || i18n.me_history_title()}</h2>
        {move || history.with(|answer| match answer {
            None => view! { <Skeleton lines=4 /> }.into_any(),
            Some(Err(_)) => view! { <p class="hint">{move || i18n.me_history_offline()}</p> }.into_any(),
            Some(Ok(history)) => view! { <HistoryList history=history.clone() /> }.into_any(),
        })}
        <MyData />
    }
}

/// Her data: a copy to download, or all of it erased (after a second tap).
#[component]
fn MyData() -> impl IntoView {
    let i18n = use_i18n();
    let client = expect_context::<Client>();
    let export = client.export_href();
    let confirming = RwSignal::new(false);
    let erase_problem = RwSignal::new(None::<String>);
    let erase = move |_| {
        let client = client.clone();
        leptos::task::spawn_local(async move {
            match client.erase_me().await {
                Ok(()) => {
                    crate::storage::forget_shopper();
                }
                Err(_) => erase_problem.set(Some(i18n.me_erase_failed().to_string())),
            }
        });
    };
    view! {
        <h2>{move || i18n.me_data_title()}</h2>
        <p>
            <a href=export download="shopbag-my-data.json">{move || i18n.me_export()}</a>
        </p>
        {move || if confirming.get() {
            view! {
                <div class="confirm" role="alert">
                    <p>{move || i18n.me_erase_warning()}</p>
                    <button type="button" class="button danger" on:click=erase.clone()>
                        {move || i18n.me_erase_confirm()}
                    </button>
                    <button type="button" class="button" on:click=move |_| confirming.set(false)>
                        {move || i18n.cancel()}
                    </button>
                </div>
            }.into_any()
        } else {
            view! {
                <button type="button" class="button" on:click=move |_| confirming.set(true)>
                    {move || i18n.me_erase()}
                </button>
            }.into_any()
        }}
        <p class="problem" role="alert">{move || erase_problem.get()}</p>
    }
}

#[component]
fn CouponRow(coupon: MemberCoupon, lang: crate::api::Lang) -> impl IntoView {
    let i18n = use_i18n();
    let status = match coupon.status {
        CouponStatus::Usable => i18n.coupon_usable(),
        CouponStatus::NotYet => i18n.coupon_not_yet(),
        CouponStatus::Redeemed => i18n.coupon_redeemed(),
        CouponStatus::Expired => i18n.coupon_expired(),
    }
    .to_string();
    view! {
        <li>
            <span>{coupon.title.get(lang).to_string()}</span>
            " "
            <Price amount=coupon.discount />
            " · "
            <span class="status">{status}</span>
        </li>
    }
}

#[component]
fn HistoryList(history: History) -> impl IntoView {
    let i18n = use_i18n();
    let History {
        orders,
        purchases,
        points,
    } = history;
    let empty = orders.is_empty() && purchases.is_empty();
    view! {
        <ul class="history">
            {purchases.into_iter().map(|p| view! {
                <li>
                    <span>{i18n.me_purchase(p.number.clone(), when(i18n, p.at))}</span>
                    " "
                    <Price amount=p.total />
                    " · "
                    <span>{i18n.me_points_added(p.points_added)}</span>
                </li>
            }).collect_view()}
            {orders.into_iter().map(|o| view! {
                <li>
                    <a href=Route::Order(o.number.clone()).href()>
                        {i18n.me_order(o.number.clone(), when(i18n, o.created_at))}
                    </a>
                    " "
                    <Price amount=o.total />
                </li>
            }).collect_view()}
        </ul>
        {empty.then(|| view! { <p class="hint">{move || i18n.me_history_empty()}</p> })}
        <h3>{move || i18n.me_points_title()}</h3>
        <ul class="points-history">
            {points.into_iter().map(|e| view! {
                <li>{i18n.me_points_change(e.change, when(i18n, e.at))}</li>
            }).collect_view()}
        </ul>
    }
}
