//! `/scan`: the camera scanner, with photo, typed and hardware-scanner fallbacks on the same screen.
//!
//! Every way in ends in [`ScanScreen::hit`]: look the code up, put that exact colour and size in
//! the bag, confirm (screen, announcement, buzz, optional beep) and show the product sheet, from
//! which one tap goes back to scanning. (The screen's state is `ScanScreen`; `Scanner` is the
//! decoder, in `shopbag_scanner`.)

mod fallbacks;
mod hit_sheet;
mod lookalikes;

use crate::api::bag::Intent;
use crate::api::handoff::ClaimCode;
use crate::api::visual::VisualMatch;
use crate::api::{Client, CodeMatch, ScannedCode};
use crate::components::{lang_of, LookupProblem};
use crate::features::bag::{use_bag, Bag};
use crate::features::host::{Host, HostScan};
use crate::features::scan::decoder::Decoder;
use crate::features::scan::{feedback, frames, use_wedge, Cooldown, Viewfinder};
use crate::features::store::{use_here, Here};
use crate::i18n::*;
use crate::navigation::{use_address, Address};
use crate::route::Route;
use fallbacks::Fallbacks;
use hit_sheet::HitSheet;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What the screen shows under the viewfinder after a code came in.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Hit {
    Looking(String),
    Added(Box<CodeMatch>),
    Problem(String, LookupProblem),
    /// A photo with no readable code in it.
    NothingInPhoto,
    /// A shot of a garment on its way to the visual search.
    FindingLookalikes,
    /// The products that look most like it, best first (none when nothing does).
    Lookalikes(Vec<VisualMatch>),
    /// Why there are none to show: offline, no search on this server, no shot taken.
    NoLookalikes(String),
}

/// The scanner screen's state and its one entry point for codes; a `Copy` handle holding the
/// app handles it needs, because codes also arrive from the frame loop, outside any component.
#[derive(Clone, Copy)]
pub(super) struct ScanScreen {
    hit: RwSignal<Option<Hit>>,
    /// Code lookups: several can be in flight (a hardware scanner's burst, a typed code).
    lookup: Action<Lookup, ()>,
    /// The number of the newest lookup or other change of [`Hit`]: only its answer is shown.
    shown: StoredValue<u64>,
    announcement: RwSignal<String>,
    /// The viewfinder's video, for a shot of a garment.
    video: NodeRef<html::Video>,
    cooldown: StoredValue<Cooldown, LocalStorage>,
    client: StoredValue<Client>,
    bag: Bag,
    here: Here,
    address: Address,
    i18n: I18n,
}

/// How a code reached us: camera reads repeat by themselves, the others are deliberate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Source {
    Camera,
    Deliberate,
}

impl ScanScreen {
    fn new() -> ScanScreen {
        ScanScreen {
            hit: RwSignal::new(None),
            lookup: Action::new_local(|lookup: &Lookup| lookup.clone().answer()),
            shown: StoredValue::new(0),
            announcement: RwSignal::new(String::new()),
            video: NodeRef::new(),
            cooldown: StoredValue::new_local(Cooldown::default()),
            client: StoredValue::new(expect_context::<Client>()),
            bag: use_bag(),
            here: use_here(),
            address: use_address(),
            i18n: use_i18n(),
        }
    }

    /// Looks `code` up and adds it to the bag. A camera read of a code added moments ago is
    /// ignored: "add another" is the way to add it again.
    pub(super) fn hit(self, code: String, source: Source) {
        // Deliberate scans start the cooldown too, so the camera does not add the same tag twice.
        let fresh = self.admit(&code);
        if source == Source::Camera && !fresh {
            let i18n = self.i18n;
            self.announcement.set(i18n.scan_already_added().to_string());
            return;
        }
        // A kiosk's "take this bag with you" code, read by our scanner.
        if let Some(claim) = ClaimCode::from_link(&code) {
            self.address.go(&Route::Claim(claim.expose().to_string()));
            return;
        }
        let number = self.show(Some(Hit::Looking(code.clone())));
        self.lookup.dispatch(Lookup {
            scanner: self,
            code,
            number,
        });
    }

    /// Shows `hit` (or nothing) in place of whatever was shown; returns its number.
    fn show(self, hit: Option<Hit>) -> u64 {
        self.hit.set(hit);
        self.shown.update_value(|n| *n += 1);
        self.shown.get_value()
    }

    /// Puts the exact colour and size the code names in the bag, and says so.
    pub(super) fn add(self, found: &CodeMatch) {
        if self.put_in_bag(found) {
            self.confirm(found);
        }
    }

    /// Puts the exact colour and size the code names in the bag; false when it names none.
    fn put_in_bag(self, found: &CodeMatch) -> bool {
        let Some(variant) = found.variant() else {
            return false;
        };
        let store = self.here.store_id();
        let intent = Intent::for_new_line(variant, store.as_ref(), false);
        self.bag.add(&found.product, &variant.sku, store, intent);
        true
    }

    /// Tells her the line is in: on screen, to a screen reader, by a buzz and (if she wants) a beep.
    fn confirm(self, found: &CodeMatch) {
        let i18n = self.i18n;
        let name = found
            .product
            .name
            .get(lang_of(i18n.locale_untracked()))
            .to_string();
        self.announcement.set(i18n.scan_added(name).to_string());
        feedback::vibrate();
        if feedback::beep_wanted() {
            feedback::beep();
        }
    }

    /// Whether the cooldown lets `code` through now.
    fn admit(self, code: &str) -> bool {
        let mut admitted = false;
        self.cooldown
            .update_value(|c| admitted = c.admit(code, frames::now()));
        admitted
    }

    /// A photo was read and held no code.
    pub(super) fn nothing_in_photo(self) {
        self.show(Some(Hit::NothingInPhoto));
    }

    pub(super) fn scan_next(self) {
        self.show(None);
        self.announcement.set(String::new());
    }
}

/// One code being looked up, numbered in the order the codes came in.
#[derive(Clone)]
struct Lookup {
    scanner: ScanScreen,
    code: String,
    number: u64,
}

impl Lookup {
    /// Every code found goes in the bag (each was a real scan, however late its answer); the
    /// screen shows the answer only if no newer code came in meanwhile.
    async fn answer(self) {
        let Lookup {
            scanner,
            code,
            number,
        } = self;
        let looked_up = match ScannedCode::parse(&code) {
            Err(e) => Err(LookupProblem::Malformed(e)),
            Ok(_) => {
                let client = scanner.client.get_value();
                client.code(&code).await.map_err(LookupProblem::Api)
            }
        };
        if scanner.shown.get_value() != number {
            if let Ok(found) = &looked_up {
                scanner.put_in_bag(found);
            }
            return;
        }
        match looked_up {
            Ok(found) => {
                scanner.add(&found);
                scanner.hit.set(Some(Hit::Added(Box::new(found))));
            }
            Err(problem) => scanner.hit.set(Some(Hit::Problem(code, problem))),
        }
    }
}

#[component]
pub fn ScanPage() -> impl IntoView {
    let i18n = use_i18n();
    let scanner = ScanScreen::new();
    let typing = RwSignal::new(false);
    let reading = RwSignal::new(false);
    let decoder = StoredValue::new_local(Decoder::start());
    let restarts = decoder.with_value(Decoder::restarts);

    // Hardware-scanner bursts, whether they opened this screen or arrived while it was open.
    let wedge = use_wedge();
    Effect::new(move |_| {
        if let Some(code) = wedge.take_new() {
            scanner.hit(code, Source::Deliberate);
        }
    });

    on_cleanup(move || decoder.with_value(Decoder::shut_down));

    // In a super-app with its own scanner, that scanner opens first; ours is a tap away.
    let host = Host::of_this_page().filter(|host| host.has_scanner());
    let own_camera = RwSignal::new(host.is_none());
    let scan_with_host = move |host: Host| {
        spawn_local(async move {
            match host.scan().await {
                Ok(code) => scanner.hit(code, Source::Deliberate),
                Err(HostScan::Cancelled) => {}
                Err(_) => {
                    let i18n = scanner.i18n;
                    scanner.announcement.set(i18n.scan_host_failed(host.name()));
                    own_camera.set(true);
                }
            }
        });
    };
    if let Some(host) = host {
        scan_with_host(host);
    }

    view! {
        <section class="page scan">
            <h1>{move || i18n.scan_title()}</h1>
            {host.map(|host| view! {
                <div class="host-scan">
                    <button type="button" class="button primary" on:click=move |_| scan_with_host(host)>
                        {move || i18n.scan_with_host(host.name())}
                    </button>
                    <Show when=move || !own_camera.get()>
                        <button type="button" class="button" on:click=move |_| own_camera.set(true)>
                            {move || i18n.scan_own_camera()}
                        </button>
                    </Show>
                </div>
            })}
            <Show when=move || own_camera.get()>
                <Viewfinder
                    on_code=Callback::new(move |code| scanner.hit(code, Source::Camera))
                    decoder
                    paused=Signal::derive(move || {
                        scanner.hit.with(Option::is_some) || typing.get() || reading.get()
                    })
                    restarts
                    video=scanner.video
                />
            </Show>
            <p class="scan-announcement" role="status" aria-live="polite">
                {move || scanner.announcement.get()}
            </p>
            {move || match scanner.hit.get() {
                Some(hit) => view! { <HitSheet hit scanner /> }.into_any(),
                None => view! { <Fallbacks scanner decoder typing reading /> }.into_any(),
            }}
        </section>
    }
}
