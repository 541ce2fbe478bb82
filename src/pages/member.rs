//! `/member`: her member code for the till, with her points and the coupons it brings; or, before
//! she signed in on this device, signing in with her phone number and a one-time code.

use crate::api::member::{CouponStatus, Me};
use crate::api::{ApiError, Client, ErrorCode};
use crate::components::{use_lang, Price};
use crate::features::bag::use_bag;
use crate::features::host::{self, Host};
use crate::features::kiosk;
use crate::features::member::{CodeCard, DraftProblem, MemberStyle, Membership, SignInDraft};
use crate::i18n::*;
use crate::navigation::use_address;
use crate::reflect::get;
use crate::route::Route;
use leptos::prelude::*;

#[component]
pub fn MemberPage() -> impl IntoView {
    let i18n = use_i18n();
    let membership = RwSignal::new(Membership::load());
    // Only signing in or out changes the screen; her points or her device's code redraw parts.
    let signed = Memo::new(move |_| membership.with(Option::is_some));
    view! {
        <section class="page member">
            <MemberStyle />
            <h1>{move || i18n.member_title()}</h1>
            {move || {
                if signed.get() {
                    view! { <Signed membership /> }.into_any()
                } else if kiosk::this_device().is_some() {
                    // A kiosk is shared by strangers: nobody signs in on it.
                    view! { <p class="notice">{move || i18n.kiosk_no_sign_in()}</p> }.into_any()
                } else {
                    view! { <SignIn membership /> }.into_any()
                }
            }}
        </section>
    }
}

/// Her code, her points and coupons, her history, signing out.
#[component]
fn Signed(membership: RwSignal<Option<Membership>>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let client = expect_context::<Client>();
    // A device signed in but not registered yet (offline at the time): registered now.
    if membership.with_untracked(|m| m.as_ref().is_some_and(|m| m.device.is_none())) {
        register(client.clone(), membership);
    }
    // What she has now, when the server can say: points and coupons change at the till.
    let refresh = client.clone();
    leptos::task::spawn_local(async move {
        if let Ok(me) = refresh.me().await {
            keep(membership, me);
        }
    });
    let me = move || membership.with(|m| m.as_ref().map(|m| m.me.clone()));
    let sign_out = move |_| {
        let client = client.clone();
        leptos::task::spawn_local(async move {
            // Offline, the server's session simply runs out; the device forgets her either way.
            let _ = client.sign_out().await;
            crate::storage::forget_shopper();
        });
    };
    view! {
        <CodeCard membership />
        {move || me().map(|me| {
            let usable: Vec<_> = me
                .coupons
                .into_iter()
                .filter(|c| c.status == CouponStatus::Usable)
                .collect();
            view! {
                <p class="greeting">{i18n.member_greeting(me.profile.display_name.clone())}</p>
                <p class="points">{i18n.member_points(me.profile.points)}</p>
                <h2>{move || i18n.member_coupons_title()}</h2>
                {if usable.is_empty() {
                    view! { <p class="hint">{move || i18n.member_no_coupons()}</p> }.into_any()
                } else {
                    view! {
                        <ul class="coupons">
                            {usable.into_iter().map(|c| view! {
                                <li>
                                    <span>{c.title.get(lang()).to_string()}</span>
                                    " "
                                    <Price amount=c.discount />
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            }
        })}
        <p class="links">
            <a href=Route::Me.href()>{move || i18n.member_history_link()}</a>
        </p>
        <button type="button" class="button" on:click=sign_out>{move || i18n.sign_out()}</button>
    }
}

/// Keeps the server's word on who she is.
fn keep(membership: RwSignal<Option<Membership>>, me: Me) {
    membership.update(|m| {
        if let Some(m) = m {
            m.me = me;
            let _ = m.save();
        }
    });
}

/// Gets this device its member-code secret, and keeps it.
fn register(client: Client, membership: RwSignal<Option<Membership>>) {
    leptos::task::spawn_local(async move {
        let Ok(device) = client.register_device().await else {
            return;
        };
        membership.update(|m| {
            if let Some(m) = m {
                m.device = Some(device);
                m.paused = false;
                let _ = m.save();
            }
        });
    });
}

/// Signed in: her membership is kept on this device, her bag syncs as hers, and she is shown
/// signed in, which registers this device for her code.
fn keep_signed_in(membership: RwSignal<Option<Membership>>) -> Callback<Me> {
    let bag = use_bag();
    Callback::new(move |me: Me| {
        let signed = Membership {
            me,
            device: None,
            paused: false,
        };
        let _ = signed.save();
        bag.wake_sync();
        membership.set(Some(signed));
    })
}

/// Phone number, "send code", the code, "sign in".
#[component]
fn SignIn(membership: RwSignal<Option<Membership>>) -> impl IntoView {
    let i18n = use_i18n();
    let client = expect_context::<Client>();
    let bag = use_bag();
    let draft = RwSignal::new(SignInDraft::default());
    let problem = RwSignal::new(None::<String>);
    let sent_to = RwSignal::new(None::<String>);
    let say = move |error: &ApiError| sign_in_problem(i18n, error);
    let ask_client = client.clone();
    let ask = Action::new_local(move |phone: &String| {
        let (client, phone) = (ask_client.clone(), phone.clone());
        async move {
            match client.ask_sign_in_code(&phone).await {
                Ok(sent) => sent_to.set(Some(sent.phone_masked)),
                Err(error) => problem.set(Some(say(&error))),
            }
        }
    });
    let signed_in = keep_signed_in(membership);
    let sign_in = Action::new_local(move |request: &crate::api::member::SignInRequest| {
        let (client, request) = (client.clone(), request.clone());
        async move {
            // The bag on this device joins hers (a new, empty one for a device without).
            let token = bag.lasting_token();
            match client.sign_in(&request, token.as_ref()).await {
                Ok(me) => signed_in.run(me),
                Err(error) => problem.set(Some(say(&error))),
            }
        }
    });
    let send_code = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        problem.set(None);
        match draft.with_untracked(SignInDraft::phone) {
            Ok(phone) => {
                ask.dispatch(phone.digits().to_string());
            }
            Err(_) => problem.set(Some(i18n.sign_in_bad_phone().to_string())),
        }
    };
    let submit = move |()| {
        problem.set(None);
        match draft.with_untracked(SignInDraft::request) {
            Ok(request) => {
                sign_in.dispatch(request);
            }
            Err(DraftProblem::Phone) => problem.set(Some(i18n.sign_in_bad_phone().to_string())),
            Err(DraftProblem::Code) => problem.set(Some(i18n.sign_in_bad_code().to_string())),
        }
    };
    view! {
        <HostSignIn signed_in problem />
        <p>{move || i18n.sign_in_intro()}</p>
        <form class="sign-in" on:submit=send_code>
            <label for="phone">{move || i18n.sign_in_phone()}</label>
            <input
                id="phone"
                type="tel"
                inputmode="tel"
                autocomplete="tel"
                prop:value=move || draft.with(|d| d.phone.clone())
                on:input=move |ev| draft.update(|d| d.phone = event_target_value(&ev))
            />
            <button type="submit" class="button" disabled=move || ask.pending().get()>
                {move || i18n.sign_in_send_code()}
            </button>
        </form>
        {move || sent_to.get().map(|masked| view! {
            <CodeForm masked draft submit=Callback::new(submit) busy=sign_in.pending() />
        })}
        <p class="problem" role="alert">{move || problem.get()}</p>
    }
}

/// The code sent to her phone, typed in.
#[component]
fn CodeForm(
    masked: String,
    draft: RwSignal<SignInDraft>,
    submit: Callback<()>,
    busy: Memo<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit.run(());
    };
    view! {
        <form class="sign-in" on:submit=submit>
            <p role="status">{i18n.sign_in_code_sent(masked)}</p>
            <label for="code">{move || i18n.sign_in_code()}</label>
            <input
                id="code"
                inputmode="numeric"
                autocomplete="one-time-code"
                prop:value=move || draft.with(|d| d.code.clone())
                on:input=move |ev| draft.update(|d| d.code = event_target_value(&ev))
            />
            <button type="submit" class="button primary" disabled=move || busy.get()>
                {move || i18n.sign_in()}
            </button>
        </form>
    }
}

/// A super-app that opened this page with its token for its user (see `features::host`) signs
/// her in through that token.
#[component]
fn HostSignIn(signed_in: Callback<Me>, problem: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let client = expect_context::<Client>();
    let bag = use_bag();
    let host_name = Host::of_this_page().map_or("shopbag", Host::name);
    let address = use_address();
    let host_sign_in = Action::new_local(move |token: &String| {
        let (client, token) = (client.clone(), token.clone());
        async move {
            // The token goes from the address once used (a reload must not replay it).
            address.replace(&Route::Member);
            match client
                .host_sign_in(&token, bag.lasting_token().as_ref())
                .await
            {
                Ok(me) => signed_in.run(me),
                Err(error) if error.code() == Some(ErrorCode::SignInFailed) => {
                    problem.set(Some(i18n.sign_in_host_failed(host_name)));
                }
                Err(error) => problem.set(Some(sign_in_problem(i18n, &error))),
            }
        }
    });
    let fragment = get(&window().location().into(), "hash").and_then(|h| h.as_string());
    if let Some(token) = fragment.as_deref().and_then(host::token_in) {
        host_sign_in.dispatch(token);
    }
    view! {
        <Show when=move || host_sign_in.pending().get()>
            <p role="status">{move || i18n.sign_in_with_host(host_name)}</p>
        </Show>
    }
}

fn sign_in_problem(i18n: I18n, error: &ApiError) -> String {
    match error.code() {
        Some(ErrorCode::InvalidPhone) => i18n.sign_in_bad_phone().to_string(),
        Some(ErrorCode::SignInFailed) => i18n.sign_in_failed().to_string(),
        Some(ErrorCode::TooManyRequests) => i18n.error_too_many_requests().to_string(),
        _ => i18n.sign_in_offline().to_string(),
    }
}
