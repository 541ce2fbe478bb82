//! Endpoints of `/api/v1` as async functions returning contract types.

use super::ApiError;
use crate::json;
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use shopbag_api::bag::{BagState, BagToken, OpId, OpsBatch};
use shopbag_api::handoff::{
    ClaimCode, ClaimRequest, HandoffOffer, HandoffRequest, HandoffStatus, OfferedBag,
};
use shopbag_api::looks::{LooksResponse, Sizes};
use shopbag_api::member::{
    CodeRequest, CodeSent, Consent, DeviceRecord, DeviceRegistered, History, HostTokenRequest, Me,
    Profile, Purchase, PurchaseRequest, SignInRequest, Verified, VerifyRequest,
};
use shopbag_api::promotions::Calendar;
use shopbag_api::reminders::{Reminder, ReminderRequest, RemindersResponse};
use shopbag_api::visual::{EnrolledPhoto, PhotoId, ProductPhotos, VisualSearch};
use shopbag_api::{
    CodeMatch, ErrorResponse, Order, OrderRequest, Product, ProductId, ProductSummary, Sku, Store,
    StoreId, API_PREFIX,
};
use wasm_bindgen::JsValue;

/// What a look completes: the product on screen, or the bag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LooksOf {
    Product(ProductId),
    Bag,
}

/// Where the API lives. The app uses its own origin; tests point it at a test server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    base: String,
}

impl Default for Client {
    fn default() -> Self {
        Client::same_origin()
    }
}

impl Client {
    pub fn same_origin() -> Self {
        Client {
            base: API_PREFIX.to_string(),
        }
    }

    /// `origin` like `http://127.0.0.1:8080`, without a trailing slash.
    pub fn with_origin(origin: &str) -> Self {
        Client {
            base: format!("{}{API_PREFIX}", origin.trim_end_matches('/')),
        }
    }

    /// The variant a scanned or typed code names. Codes may be tag URLs, hence the encoding.
    pub async fn code(&self, code: &str) -> Result<CodeMatch, ApiError> {
        self.get(&format!("/codes/{}", encode(code))).await
    }

    /// [`Client::code`], with the answer also as the JSON the API sent: a screen can keep the
    /// product on the device as it came, without writing it back out through our types.
    pub async fn code_with_json(&self, code: &str) -> Result<(CodeMatch, JsValue), ApiError> {
        let request = Request::get(&self.url(&format!("/codes/{}", encode(code))));
        let answer = send_json(request, None::<&()>).await?;
        let found = json::from_value(answer.clone()).map_err(ApiError::Decode)?;
        Ok((found, answer))
    }

    pub async fn product(&self, id: &ProductId) -> Result<Product, ApiError> {
        self.get(&format!("/products/{}", encode(id.as_str())))
            .await
    }

    /// [`Client::product`] as the JSON the API sent, to keep on the device as it came.
    pub async fn product_json(&self, id: &ProductId) -> Result<JsValue, ApiError> {
        let request = Request::get(&self.url(&format!("/products/{}", encode(id.as_str()))));
        send_json(request, None::<&()>).await
    }

    /// Complete the look around a product or the bag, in her remembered `sizes`, with what
    /// `store` has first; with a bag token, nothing the bag holds is suggested. Also answers
    /// the JSON as it came, so an added item's product is kept on the device as the API sent it.
    pub async fn looks(
        &self,
        of: &LooksOf,
        sizes: &Sizes,
        store: Option<&StoreId>,
        token: Option<&BagToken>,
    ) -> Result<(LooksResponse, JsValue), ApiError> {
        let mut path = match of {
            LooksOf::Product(id) => format!("/looks?product={}", encode(id.as_str())),
            LooksOf::Bag => "/looks?bag".to_string(),
        };
        path.push_str(&format!("&sizes={}", encode(&sizes.to_wire())));
        if let Some(store) = store {
            path.push_str(&format!("&store={}", encode(store.as_str())));
        }
        let mut request = Request::get(&self.url(&path));
        if let Some(token) = token {
            request = request.header("Authorization", &bearer(token));
        }
        let answer = send_json(request, None::<&()>).await?;
        let looks = json::from_value(answer.clone()).map_err(ApiError::Decode)?;
        Ok((looks, answer))
    }

    /// The bag's reminders, those whose moment came marked due by the server.
    pub async fn reminders(&self, token: &BagToken) -> Result<RemindersResponse, ApiError> {
        let request = Request::get(&self.url("/reminders")).header("Authorization", &bearer(token));
        send(request, None::<&()>).await
    }

    /// "Remind me": kept by the server for the bag (asking twice keeps one).
    pub async fn remind(
        &self,
        token: &BagToken,
        reminder: &ReminderRequest,
    ) -> Result<Reminder, ApiError> {
        let request =
            Request::post(&self.url("/reminders")).header("Authorization", &bearer(token));
        send(request, Some(reminder)).await
    }

    /// She was told about a due reminder.
    pub async fn reminder_seen(&self, token: &BagToken, id: i64) -> Result<Reminder, ApiError> {
        let request = Request::post(&self.url(&format!("/reminders/{id}/seen")))
            .header("Authorization", &bearer(token));
        send(request, None::<&()>).await
    }

    /// The shopping festivals' calendar, with the event prices of `skus`.
    pub async fn promotions(&self, skus: &[Sku]) -> Result<Calendar, ApiError> {
        let skus: Vec<&str> = skus.iter().map(Sku::as_str).collect();
        let path = format!("/promotions?skus={}", encode(&skus.join(",")));
        let answer = send_json(Request::get(&self.url(&path)), None::<&()>).await?;
        super::calendar::read(&answer)
            .ok_or_else(|| ApiError::Decode("the calendar is not the expected JSON".into()))
    }

    pub async fn search(&self, query: &str) -> Result<Vec<ProductSummary>, ApiError> {
        self.get(&format!("/products?q={}&limit=24", encode(query)))
            .await
    }

    pub async fn stores(&self) -> Result<Vec<Store>, ApiError> {
        self.get("/stores").await
    }

    /// The bag this token addresses, as the server merged it.
    pub async fn bag(&self, token: &BagToken) -> Result<BagState, ApiError> {
        let request = Request::get(&self.url("/bag")).header("Authorization", &bearer(token));
        send(request, None::<&()>).await
    }

    /// Sends operations (again, after a failure: their ids make a retry harmless).
    pub async fn push_ops(&self, token: &BagToken, batch: &OpsBatch) -> Result<BagState, ApiError> {
        let request = Request::post(&self.url("/bag/ops")).header("Authorization", &bearer(token));
        send(request, Some(batch)).await
    }

    /// Places an order; the same key answers the same order, so a retry never orders twice.
    pub async fn place_order(
        &self,
        token: &BagToken,
        key: &OpId,
        order: &OrderRequest,
    ) -> Result<Order, ApiError> {
        let request = Request::post(&self.url("/orders"))
            .header("Authorization", &bearer(token))
            .header("Idempotency-Key", key.as_str());
        send(request, Some(order)).await
    }

    pub async fn order(&self, token: &BagToken, number: &str) -> Result<Order, ApiError> {
        let request = Request::get(&self.url(&format!("/orders/{}", encode(number))))
            .header("Authorization", &bearer(token));
        send(request, None::<&()>).await
    }

    /// Pays for the order (the reference server's payment is this call): confirmed, or
    /// `order_expired` once its deadline passed. Paying twice is paying once.
    pub async fn confirm_order(&self, token: &BagToken, number: &str) -> Result<Order, ApiError> {
        let path = format!("/orders/{}/confirm", encode(number));
        let request = Request::post(&self.url(&path)).header("Authorization", &bearer(token));
        send(request, None::<&()>).await
    }

    // A kiosk's bag taken along (`shopbag_api::handoff`): the code only ever travels in bodies.

    /// The kiosk offers its lines under a new claim code.
    pub async fn offer_handoff(
        &self,
        token: &BagToken,
        request: &HandoffRequest,
    ) -> Result<HandoffOffer, ApiError> {
        let request_builder =
            Request::post(&self.url("/handoffs")).header("Authorization", &bearer(token));
        send(request_builder, Some(request)).await
    }

    /// What became of the kiosk's latest offer.
    pub async fn handoff_status(&self, token: &BagToken) -> Result<HandoffStatus, ApiError> {
        let request =
            Request::get(&self.url("/handoffs/latest")).header("Authorization", &bearer(token));
        send(request, None::<&()>).await
    }

    /// The lines a claim code offers.
    pub async fn open_claim(&self, code: &ClaimCode) -> Result<OfferedBag, ApiError> {
        let body = ClaimRequest {
            code: code.expose().to_string(),
        };
        send(Request::post(&self.url("/handoffs/open")), Some(&body)).await
    }

    /// Takes the offered lines into this device's bag (hers when signed in).
    pub async fn claim(&self, token: &BagToken, code: &ClaimCode) -> Result<BagState, ApiError> {
        let body = ClaimRequest {
            code: code.expose().to_string(),
        };
        let request =
            Request::post(&self.url("/handoffs/claim")).header("Authorization", &bearer(token));
        send(request, Some(&body)).await
    }

    // Members. The session is an HttpOnly cookie the browser sends to our own origin by itself.

    /// A sign-in code for `phone` (the demo server writes it to its log).
    pub async fn ask_sign_in_code(&self, phone: &str) -> Result<CodeSent, ApiError> {
        let request = CodeRequest {
            phone: phone.to_string(),
        };
        send(Request::post(&self.url("/auth/code")), Some(&request)).await
    }

    /// Signs in; with the device's bag token its bag joins hers.
    pub async fn sign_in(
        &self,
        request: &SignInRequest,
        bag: Option<&BagToken>,
    ) -> Result<Me, ApiError> {
        let mut builder = Request::post(&self.url("/auth/sign-in"));
        if let Some(token) = bag {
            builder = builder.header("Authorization", &bearer(token));
        }
        send(builder, Some(request)).await
    }

    /// Signs in with a super-app host's token for its user; with the bag token as above.
    pub async fn host_sign_in(&self, token: &str, bag: Option<&BagToken>) -> Result<Me, ApiError> {
        let mut builder = Request::post(&self.url("/auth/host-token"));
        if let Some(bag) = bag {
            builder = builder.header("Authorization", &bearer(bag));
        }
        let request = HostTokenRequest {
            token: token.to_string(),
        };
        send(builder, Some(&request)).await
    }

    pub async fn sign_out(&self) -> Result<(), ApiError> {
        send_json(Request::post(&self.url("/auth/sign-out")), None::<&()>)
            .await
            .map(drop)
    }

    pub async fn me(&self) -> Result<Me, ApiError> {
        self.get("/me").await
    }

    pub async fn history(&self) -> Result<History, ApiError> {
        self.get("/me/history").await
    }

    pub async fn set_consent(&self, consent: Consent) -> Result<Profile, ApiError> {
        send(Request::put(&self.url("/me/consent")), Some(&consent)).await
    }

    /// Where her data downloads from (the browser sends the session with it).
    pub fn export_href(&self) -> String {
        self.url("/me/export")
    }

    pub async fn erase_me(&self) -> Result<(), ApiError> {
        send_json(Request::delete(&self.url("/me")), None::<&()>)
            .await
            .map(drop)
    }

    /// This device may show her member code: its number and secret.
    pub async fn register_device(&self) -> Result<DeviceRegistered, ApiError> {
        send(Request::post(&self.url("/member/devices")), None::<&()>).await
    }

    /// Pauses (or resumes) the codes of one of her devices.
    pub async fn pause_device(&self, device: u32, paused: bool) -> Result<DeviceRecord, ApiError> {
        let action = if paused { "pause" } else { "resume" };
        let path = format!("/member/devices/{device}/{action}");
        send(Request::post(&self.url(&path)), None::<&()>).await
    }

    /// The till: whose member code this is.
    pub async fn verify_member_code(
        &self,
        cashier_key: &str,
        request: &VerifyRequest,
    ) -> Result<Verified, ApiError> {
        let builder = Request::post(&self.url("/pos/member-code/verify"))
            .header("X-Cashier-Key", cashier_key);
        send(builder, Some(request)).await
    }

    /// The till: her purchase went through (the same verification again changes nothing).
    pub async fn confirm_purchase(
        &self,
        cashier_key: &str,
        request: &PurchaseRequest,
    ) -> Result<Purchase, ApiError> {
        let builder =
            Request::post(&self.url("/pos/purchases")).header("X-Cashier-Key", cashier_key);
        send(builder, Some(request)).await
    }

    /// The catalogue's products that look most like a photo of the garment (a small JPEG).
    pub async fn visual_search(&self, photo: &web_sys::Blob) -> Result<VisualSearch, ApiError> {
        send_photo(Request::post(&self.url("/visual-search")), photo).await
    }

    /// Where an enrolled photo is, for an `<img>`.
    pub fn photo_url(&self, photo: PhotoId) -> String {
        self.url(&format!("/product-photos/{}", photo.0))
    }

    /// Staff: the photos a product is found by.
    pub async fn product_photos(
        &self,
        cashier_key: &str,
        product: &ProductId,
    ) -> Result<ProductPhotos, ApiError> {
        let path = format!("/staff/products/{}/photos", encode(product.as_str()));
        send(
            Request::get(&self.url(&path)).header("X-Cashier-Key", cashier_key),
            None::<&()>,
        )
        .await
    }

    /// Staff: one more photo to find a product by.
    pub async fn enrol_photo(
        &self,
        cashier_key: &str,
        product: &ProductId,
        photo: &web_sys::Blob,
    ) -> Result<EnrolledPhoto, ApiError> {
        let path = format!("/staff/products/{}/photos", encode(product.as_str()));
        let builder = Request::post(&self.url(&path)).header("X-Cashier-Key", cashier_key);
        send_photo(builder, photo).await
    }

    /// Staff: a product is no longer found by this photo.
    pub async fn forget_photo(
        &self,
        cashier_key: &str,
        product: &ProductId,
        photo: PhotoId,
    ) -> Result<(), ApiError> {
        let path = format!(
            "/staff/products/{}/photos/{}",
            encode(product.as_str()),
            photo.0
        );
        let builder = Request::delete(&self.url(&path)).header("X-Cashier-Key", cashier_key);
        send_json(builder, None::<&()>).await.map(drop)
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        send(Request::get(&self.url(path)), None::<&()>).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

fn bearer(token: &BagToken) -> String {
    format!("Bearer {}", token.expose())
}

/// Sends a request (with a JSON body when given) and reads the answer or the error shape.
async fn send<B: Serialize, T: DeserializeOwned>(
    request: RequestBuilder,
    body: Option<&B>,
) -> Result<T, ApiError> {
    json::from_value(send_json(request, body).await?).map_err(ApiError::Decode)
}

/// [`send`], answering the JSON as it came.
async fn send_json<B: Serialize>(
    request: RequestBuilder,
    body: Option<&B>,
) -> Result<JsValue, ApiError> {
    let body = body
        .map(|body| json::to_text(body).map_err(ApiError::Decode))
        .transpose()?;
    fetch(request, |request| match body {
        Some(body) => request
            .header("Content-Type", "application/json")
            .body(body),
        None => request.build(),
    })
    .await
}

/// Sends a photo (a JPEG) and reads the answer or the error shape.
async fn send_photo<T: DeserializeOwned>(
    request: RequestBuilder,
    photo: &web_sys::Blob,
) -> Result<T, ApiError> {
    let answer = fetch(request, |request| {
        request
            .header("Content-Type", "image/jpeg")
            .body(photo.clone())
    })
    .await?;
    json::from_value(answer).map_err(ApiError::Decode)
}

/// Sends the request `build` finishes and reads the answer.
async fn fetch(
    request: RequestBuilder,
    build: impl FnOnce(RequestBuilder) -> Result<Request, gloo_net::Error>,
) -> Result<JsValue, ApiError> {
    // Dropping the future cancels the request (a sync request past its deadline; `Fetch` lets its
    // requests finish and ignores stale answers instead).
    let abort = AbortOnDrop::new();
    let request = build(request.abort_signal(abort.signal().as_ref()))
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    let response = request
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    read(response).await
}

async fn read(response: Response) -> Result<JsValue, ApiError> {
    let status = response.status();
    // A body cut off on its way is a network failure, worth a retry.
    let text = response
        .text()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if response.ok() {
        // No content (204): nothing to read.
        if text.is_empty() {
            return Ok(JsValue::NULL);
        }
        return js_sys::JSON::parse(&text).map_err(|_| {
            ApiError::Decode(format!("HTTP {status} with an answer that is not JSON"))
        });
    }
    match json::from_text::<ErrorResponse>(&text) {
        Ok(body) => Err(ApiError::Server {
            status,
            body: body.error,
        }),
        Err(_) => Err(ApiError::Decode(format!(
            "HTTP {status} without an error body"
        ))),
    }
}

fn encode(segment: &str) -> String {
    js_sys::encode_uri_component(segment).into()
}

/// Aborts the fetch it guards when dropped.
struct AbortOnDrop(Option<web_sys::AbortController>);

impl AbortOnDrop {
    fn new() -> Self {
        AbortOnDrop(web_sys::AbortController::new().ok())
    }

    fn signal(&self) -> Option<web_sys::AbortSignal> {
        self.0.as_ref().map(|c| c.signal())
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(controller) = &self.0 {
            controller.abort();
        }
    }
}
