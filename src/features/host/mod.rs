//! The super-app a page may run inside (WeChat, Alipay, Taobao/Tmall, DingTalk): told by the
//! markers of its user agent, with its JS bridge reached by name when it offers one. What the app
//! takes from a host: its native scanner (the scanner screen offers it first; ours stays the
//! fallback) and its word for who the user is (a signed host token, exchanged for a session).
//! The app has no link off its own origin, so nothing leaves for a page the host did not open.

use crate::reflect::{call, get};
use futures::channel::oneshot;
use js_sys::{Array, Object, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    WeChat,
    Alipay,
    /// Taobao and Tmall: one bridge (WindVane).
    Taobao,
    DingTalk,
}

impl Host {
    /// The host a user agent names. DingTalk's and Alipay's agents also carry Alibaba's
    /// generic `AliApp(…)` marker, so they are looked for before Taobao's.
    pub fn from_user_agent(agent: &str) -> Option<Host> {
        if agent.contains("DingTalk") {
            Some(Host::DingTalk)
        } else if agent.contains("MicroMessenger") {
            Some(Host::WeChat)
        } else if agent.contains("AlipayClient") || agent.contains("AliApp(AP") {
            Some(Host::Alipay)
        } else if ["AliApp(TB", "AliApp(TM", "TaoBrowser", "Tmall"]
            .iter()
            .any(|marker| agent.contains(marker))
        {
            Some(Host::Taobao)
        } else {
            None
        }
    }

    /// The host this page runs in, if any.
    pub fn of_this_page() -> Option<Host> {
        let navigator = get(&js_sys::global(), "navigator")?;
        Host::from_user_agent(&get(&navigator, "userAgent")?.as_string()?)
    }

    /// Its name as shoppers know it (the same in both languages here).
    pub fn name(self) -> &'static str {
        match self {
            Host::WeChat => "WeChat",
            Host::Alipay => "Alipay",
            Host::Taobao => "Taobao",
            Host::DingTalk => "DingTalk",
        }
    }

    /// The bridge object its scanner hangs from, when the page has it.
    fn bridge(self) -> Option<JsValue> {
        let global = js_sys::global();
        match self {
            Host::WeChat => get(&global, "wx"),
            Host::Alipay => get(&global, "AlipayJSBridge"),
            Host::Taobao => get(&global, "WindVane"),
            Host::DingTalk => get(&global, "dd")
                .and_then(|dd| get(&dd, "biz"))
                .and_then(|biz| get(&biz, "util")),
        }
    }

    /// Whether the host offers its scanner to this page.
    pub fn has_scanner(self) -> bool {
        self.bridge().is_some()
    }

    /// Opens the host's scanner and answers the code it read.
    pub async fn scan(self) -> Result<String, HostScan> {
        let bridge = self.bridge().ok_or(HostScan::Unavailable)?;
        let (answer, answered) = oneshot::channel::<Result<JsValue, HostScan>>();
        let answer = Rc::new(RefCell::new(Some(answer)));
        // A callback for the bridge: the first one called answers.
        let callback = |outcome: fn(JsValue) -> Result<JsValue, HostScan>| {
            let answer = answer.clone();
            Closure::once_into_js(move |value: JsValue| {
                if let Some(answer) = answer.borrow_mut().take() {
                    let _ = answer.send(outcome(value));
                }
            })
        };
        let read: fn(JsValue) -> Result<JsValue, HostScan> = Ok;
        let failed: fn(JsValue) -> Result<JsValue, HostScan> = |_| Err(HostScan::Failed);
        let both = Array::of2(&"qrCode".into(), &"barCode".into());
        let called = match self {
            Host::WeChat => {
                let options = object(&[
                    ("needResult", 1.into()),
                    ("scanType", both.into()),
                    ("success", callback(read)),
                    ("fail", callback(failed)),
                    ("cancel", callback(|_| Err(HostScan::Cancelled))),
                ]);
                call(&bridge, "scanQRCode", &[options])
            }
            // One callback for every outcome: an `error` field says it failed.
            Host::Alipay => {
                let options = object(&[("scanType", both.into())]);
                call(&bridge, "call", &["scan".into(), options, callback(read)])
            }
            Host::Taobao => {
                let options = object(&[("scanType", both.into())]);
                let (ok, failure) = (callback(read), callback(failed));
                call(
                    &bridge,
                    "call",
                    &["WVScan".into(), "scan".into(), options, ok, failure],
                )
            }
            Host::DingTalk => {
                let options = object(&[
                    ("type", "all".into()),
                    ("onSuccess", callback(read)),
                    ("onFail", callback(failed)),
                ]);
                call(&bridge, "scan", &[options])
            }
        };
        if called.is_none() {
            return Err(HostScan::Failed);
        }
        let result = answered.await.map_err(|_| HostScan::Failed)??;
        if get(&result, "error").is_some() {
            return Err(HostScan::Failed);
        }
        let raw = ["resultStr", "code", "qrCode", "barCode", "content", "text"]
            .iter()
            .find_map(|field| get(&result, field)?.as_string())
            .ok_or(HostScan::Failed)?;
        scanned_text(self, &raw).ok_or(HostScan::Failed)
    }
}

/// Why the host's scanner gave no code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostScan {
    Unavailable,
    /// She closed it: nothing to say.
    Cancelled,
    Failed,
}

/// The code in what a host's scanner answered. WeChat puts a barcode's symbology in front
/// (`EAN_13,6931234500018`); a QR code's text comes as it is, commas and all.
pub fn scanned_text(host: Host, raw: &str) -> Option<String> {
    let raw = raw.trim();
    let text = match (host, raw.split_once(',')) {
        (Host::WeChat, Some((kind, code)))
            if kind.starts_with("EAN_")
                || kind.starts_with("UPC_")
                || kind.starts_with("CODE_") =>
        {
            code
        }
        _ => raw,
    };
    (!text.is_empty()).then(|| text.to_string())
}

/// The host token a host passes when it opens a page: `#host-token=<token>` in the address's
/// fragment, which no server and no log ever sees.
pub fn token_in(fragment: &str) -> Option<String> {
    let token = fragment
        .trim_start_matches('#')
        .split('&')
        .find_map(|pair| pair.strip_prefix("host-token="))?;
    (!token.is_empty()).then(|| token.to_string())
}

fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in fields {
        let _ = Reflect::set(&object, &(*key).into(), value);
    }
    object.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_told_by_their_user_agents() {
        let cases = [
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN", Some(Host::WeChat)),
            ("Mozilla/5.0 (Linux; Android 13; V2227A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/98.0.4758.101 Mobile Safari/537.36 MMWEBID/6789 MicroMessenger/8.0.40.2420(0x28002837) WeChat/arm64 Weixin NetType/5G Language/zh_CN ABI/arm64 wxwork/4.1.10", Some(Host::WeChat)),
            ("Mozilla/5.0 (Linux; U; Android 12; zh-CN; M2012K11AC) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/69.0.3497.100 UWS/3.22.2.59 Mobile Safari/537.36 UCBS/3.22.2.59_230515183022 ChannelId(1) NebulaSDK/1.8.100112 Nebula AlipayDefined(nt:WIFI,ws:393|0|2.75) AliApp(AP/10.5.16.6000) AlipayClient/10.5.16.6000 Language/zh-Hans", Some(Host::Alipay)),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 AliApp(TB/10.26.20) WindVane/8.7.2 1170x2532", Some(Host::Taobao)),
            ("Mozilla/5.0 (Linux; Android 11) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/87.0 Mobile Safari/537.36 AliApp(TM/14.7.0) WindVane/8.7.2", Some(Host::Taobao)),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 AliApp(DingTalk/7.0.40) com.laiwang.DingTalk/31103366 Channel/201200 language/zh-Hans-CN UT4Aplus/0.0.6 WK", Some(Host::DingTalk)),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1", None),
            ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36", None),
        ];
        for (agent, host) in cases {
            assert_eq!(Host::from_user_agent(agent), host, "{agent}");
        }
    }

    #[test]
    fn a_hosts_answer_gives_the_code_read() {
        assert_eq!(
            scanned_text(Host::WeChat, "EAN_13,6931234500018").as_deref(),
            Some("6931234500018")
        );
        assert_eq!(
            scanned_text(Host::WeChat, "CODE_128,ABC-1").as_deref(),
            Some("ABC-1")
        );
        // A QR code's text is the code, commas and all.
        let url = "https://tags.example.cn/01/06931234500018?c=黑,M";
        assert_eq!(scanned_text(Host::WeChat, url).as_deref(), Some(url));
        assert_eq!(
            scanned_text(Host::DingTalk, "EAN_13,6931234500018").as_deref(),
            Some("EAN_13,6931234500018")
        );
        assert_eq!(scanned_text(Host::Alipay, "  "), None);
    }

    #[test]
    fn the_host_token_comes_from_the_fragment() {
        assert_eq!(
            token_in("#host-token=v1.abc.def").as_deref(),
            Some("v1.abc.def")
        );
        assert_eq!(
            token_in("#a=1&host-token=v1.x.y").as_deref(),
            Some("v1.x.y")
        );
        assert_eq!(token_in("#host-token="), None);
        assert_eq!(token_in(""), None);
        assert_eq!(token_in("#other=1"), None);
    }
}
