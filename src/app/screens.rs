//! The screens' split points (see `crate::lazy`): each screen is its own chunk, fetched the
//! first time the shopper opens it.

use crate::features::kiosk::KioskId;
use crate::lazy::split_point;
use crate::lazy::ChunkError;
use crate::pages::{
    BagPage, CashierPage, ClaimPage, Home, KioskFrame, MePage, MemberPage, NotFound, OrderPage,
    ProductPage, ScanPage, StoreEntrance,
};
use leptos::prelude::*;

split_point! { home:
    pub fn home() -> Result<AnyView, ChunkError> {
        Ok(view! { <Home /> }.into_any())
    }
}

/// The screens of the scan chunk.
pub enum AtTheTill {
    Scanner,
    /// The cashier's side: the scanner's camera and decoder with another ending.
    Cashier,
    /// Her member code, which that till reads.
    MemberCode,
    /// Her history with the brand, a tap from her member code.
    History,
    /// What a kiosk adds around every screen (it scans anyway).
    Kiosk(KioskId),
}

split_point! { scan:
    /// The scanner and the screens around the till share one chunk. They share most of their
    /// code, and every split point that shares code with others cuts the shared code into more
    /// pieces, each of which costs every first load (the loader's list of pieces, each piece's
    /// own header, slots in the main module's function table): as four chunks they were over
    /// 1.5 KB more on the bag page's first load (docs/benchmarks.md).
    pub fn scan(screen: AtTheTill) -> Result<AnyView, ChunkError> {
        Ok(match screen {
            AtTheTill::Scanner => view! { <ScanPage /> }.into_any(),
            AtTheTill::Cashier => view! { <CashierPage /> }.into_any(),
            AtTheTill::MemberCode => view! { <MemberPage /> }.into_any(),
            AtTheTill::History => view! { <MePage /> }.into_any(),
            AtTheTill::Kiosk(id) => view! { <KioskFrame id /> }.into_any(),
        })
    }
}

split_point! { product:
    pub fn product(code: String) -> Result<AnyView, ChunkError> {
        Ok(view! { <ProductPage code /> }.into_any())
    }
}

split_point! { store_entrance:
    pub fn store_entrance(store: String) -> Result<AnyView, ChunkError> {
        Ok(view! { <StoreEntrance store /> }.into_any())
    }
}

split_point! { bag:
    pub fn bag() -> Result<AnyView, ChunkError> {
        Ok(view! { <BagPage /> }.into_any())
    }
}

/// The screens of the order chunk: lines leaving a bag, by an order or for her phone.
pub enum LeavingTheBag {
    Order(String),
    /// A kiosk's bag, claimed on her phone.
    Claim(String),
}

split_point! { order:
    pub fn order(screen: LeavingTheBag) -> Result<AnyView, ChunkError> {
        Ok(match screen {
            LeavingTheBag::Order(number) => view! { <OrderPage number /> }.into_any(),
            LeavingTheBag::Claim(code) => view! { <ClaimPage code /> }.into_any(),
        })
    }
}

split_point! { not_found:
    pub fn not_found() -> Result<AnyView, ChunkError> {
        Ok(view! { <NotFound /> }.into_any())
    }
}
