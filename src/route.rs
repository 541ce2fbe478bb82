//! The app's addresses: one type names every screen, so links, redirects and the shell agree.
//!
//! A shopper arrives from outside on `/` (typed or bookmarked), `/p/{code}` (a tag's QR code
//! opened by the phone's camera app), `/s/{store}` (the QR code at a store's entrance) and
//! `/bag`; the rest are reached inside the app.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// What `encodeURIComponent` leaves alone; everything else in a segment is escaped, so a tag URL
/// (with its own slashes and `?`) stays one path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The start page: the code box and the stores.
    Home,
    /// The start page with catalogue search results for the words.
    Search(String),
    /// The camera scanner.
    Scan,
    /// The product a scanned or typed code names (the code as read: digits or a tag URL).
    Product(String),
    /// The QR code at a store's entrance: that store becomes "here".
    StoreEntrance(String),
    Bag,
    /// The confirmation of an order placed from this bag.
    Order(String),
    /// Her member code for the till (or signing in to get one).
    Member,
    /// Her history with the brand, her consent, her data.
    Me,
    /// Store staff: scan member codes, confirm purchases.
    Cashier,
    /// A kiosk's bag offered to her phone: the claim code of the kiosk's QR code, as read.
    Claim(String),
    /// Any address the app does not know (kept, so the screen can say which).
    NotFound(String),
}

impl Route {
    /// The address of the screen, path and query, escaped.
    pub fn href(&self) -> String {
        match self {
            Route::Home => "/".into(),
            Route::Search(words) => format!("/?q={}", escape(words)),
            Route::Scan => "/scan".into(),
            Route::Product(code) => format!("/p/{}", escape(code)),
            Route::StoreEntrance(store) => format!("/s/{}", escape(store)),
            Route::Bag => "/bag".into(),
            Route::Order(number) => format!("/orders/{}", escape(number)),
            Route::Member => "/member".into(),
            Route::Me => "/me".into(),
            Route::Cashier => "/cashier".into(),
            Route::Claim(code) => format!("/claim/{}", escape(code)),
            Route::NotFound(path) => path.clone(),
        }
    }

    /// The screen an address shows: a path with an optional query (`/p/690…`, `/?q=coat`).
    /// A trailing slash is forgiven; an empty parameter is not an address.
    pub fn parse(address: &str) -> Route {
        let (path, query) = address.split_once('?').unwrap_or((address, ""));
        let trimmed = path
            .strip_suffix('/')
            .filter(|p| !p.is_empty())
            .unwrap_or(path);
        let segments: Vec<&str> = trimmed.trim_start_matches('/').split('/').collect();
        let route = match segments.as_slice() {
            [""] => Some(
                match query_value(query, "q").filter(|q| !q.trim().is_empty()) {
                    Some(words) => Route::Search(words),
                    None => Route::Home,
                },
            ),
            ["scan"] => Some(Route::Scan),
            ["bag"] => Some(Route::Bag),
            ["member"] => Some(Route::Member),
            ["me"] => Some(Route::Me),
            ["cashier"] => Some(Route::Cashier),
            ["p", code] => unescape(code).map(Route::Product),
            ["s", store] => unescape(store).map(Route::StoreEntrance),
            ["orders", number] => unescape(number).map(Route::Order),
            ["claim", code] => unescape(code).map(Route::Claim),
            _ => None,
        };
        route.unwrap_or_else(|| Route::NotFound(path.to_string()))
    }
}

fn escape(text: &str) -> String {
    utf8_percent_encode(text, SEGMENT).to_string()
}

/// A decoded path segment or query value; `None` when empty or not valid UTF-8 once decoded.
fn unescape(text: &str) -> Option<String> {
    let decoded = percent_decode_str(text).decode_utf8().ok()?;
    (!decoded.is_empty()).then(|| decoded.into_owned())
}

/// The first value of `key` in a query string (`+` is a space, as forms send it).
pub(crate) fn query_value(query: &str, key: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == key).then(|| unescape(&v.replace('+', " ")).unwrap_or_default())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TAG_URL: &str = "https://tags.example.cn/01/06931234500018?size=M&c=黑";

    fn every_kind() -> Vec<Route> {
        vec![
            Route::Home,
            Route::Search("wool coat".into()),
            Route::Search("羊毛 & 100%".into()),
            Route::Scan,
            Route::Product("6931234500018".into()),
            Route::Product(TAG_URL.into()),
            Route::StoreEntrance("jingan".into()),
            Route::StoreEntrance("a b/c".into()),
            Route::Bag,
            Route::Order("SB-20261111-0042".into()),
            Route::Member,
            Route::Me,
            Route::Cashier,
            Route::Claim("0123456789ABCDEFGHJK".into()),
        ]
    }

    #[test]
    fn every_href_parses_back_to_its_route() {
        for route in every_kind() {
            assert_eq!(Route::parse(&route.href()), route, "{}", route.href());
        }
    }

    #[test]
    fn hrefs_are_what_the_server_and_printed_tags_use() {
        assert_eq!(Route::Home.href(), "/");
        assert_eq!(Route::Scan.href(), "/scan");
        assert_eq!(Route::Bag.href(), "/bag");
        assert_eq!(
            Route::Product("6931234500018".into()).href(),
            "/p/6931234500018"
        );
        assert_eq!(Route::StoreEntrance("jingan".into()).href(), "/s/jingan");
        assert_eq!(Route::Order("SB-1".into()).href(), "/orders/SB-1");
        assert_eq!(Route::Member.href(), "/member");
        assert_eq!(Route::Me.href(), "/me");
        assert_eq!(Route::Cashier.href(), "/cashier");
        assert_eq!(Route::Claim("ABC".into()).href(), "/claim/ABC");
        assert_eq!(Route::Search("wool coat".into()).href(), "/?q=wool%20coat");
    }

    #[test]
    fn a_tag_url_stays_one_segment() {
        let href = Route::Product(TAG_URL.into()).href();
        assert!(
            href.starts_with("/p/https%3A%2F%2Ftags.example.cn%2F01%2F"),
            "{href}"
        );
        assert_eq!(href.matches('/').count(), 2, "{href}");
        assert!(!href.contains('?'), "{href}");
    }

    #[test]
    fn addresses_typed_or_printed_by_others_are_understood() {
        assert_eq!(Route::parse("/bag/"), Route::Bag);
        assert_eq!(Route::parse("/scan?from=kiosk"), Route::Scan);
        assert_eq!(
            Route::parse("/?q=wool+coat"),
            Route::Search("wool coat".into())
        );
        assert_eq!(Route::parse("/?q="), Route::Home);
        assert_eq!(Route::parse("/?lang=en"), Route::Home);
        assert_eq!(Route::parse(""), Route::Home);
        assert_eq!(
            Route::parse("/p/https%3A%2F%2Ftags.example.cn%2F01%2F06931234500018"),
            Route::Product("https://tags.example.cn/01/06931234500018".into())
        );
    }

    #[test]
    fn unknown_and_incomplete_addresses_are_not_found() {
        for path in [
            "/nowhere", "/p", "/p/", "/p/1/2", "/s/", "/orders", "/bags", "/p/%FF", "/claim",
        ] {
            assert_eq!(Route::parse(path), Route::NotFound(path.into()), "{path}");
        }
        assert_eq!(Route::NotFound("/nowhere".into()).href(), "/nowhere");
    }
}
