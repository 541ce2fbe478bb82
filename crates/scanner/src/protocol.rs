//! What the page and the decoder worker say to each other, as plain types, and the page's rules
//! for a worker that may crash or hang.
//!
//! The page posts a [`Request`] beside the picture it names — a transferred `VideoFrame` or
//! `ImageBitmap`, or a `Blob`, which no serialiser can carry — as the two-element array
//! `[request, picture]`; the
//! worker posts [`Answer`]s. Both sides convert with `serde-wasm-bindgen`, so neither builds nor
//! takes apart objects by string keys. [`Watchdog`] is the page's state: which request may go out,
//! which answer is awaited, and what a failure leads to.

use serde::{Deserialize, Serialize};

/// The symbologies found on hang tags and shelf labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Format {
    #[serde(rename = "EAN_13")]
    Ean13,
    #[serde(rename = "EAN_8")]
    Ean8,
    #[serde(rename = "UPC_A")]
    UpcA,
    #[serde(rename = "UPC_E")]
    UpcE,
    #[serde(rename = "CODE_128")]
    Code128,
    #[serde(rename = "QR_CODE")]
    Qr,
}

impl Format {
    /// The name zxing and rxing use, which the `decode` command prints.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Ean13 => "EAN_13",
            Format::Ean8 => "EAN_8",
            Format::UpcA => "UPC_A",
            Format::UpcE => "UPC_E",
            Format::Code128 => "CODE_128",
            Format::Qr => "QR_CODE",
        }
    }
}

/// A code that passed the guard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decoded {
    pub format: Format,
    pub text: String,
}

/// Numbers the page's requests, so a late answer is told from the awaited one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestId(pub u32);

/// What the page asks of the worker about the picture sent beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "lowercase")]
pub enum Request {
    /// One camera frame, taken at `at` on the page's clock (ms): an `ImageBitmap` of the
    /// viewfinder region, or a whole WebCodecs `VideoFrame` to be cut to `crop`.
    Live {
        id: RequestId,
        at: f64,
        crop: Option<Crop>,
    },
    /// A photo the shopper took or chose, read once and thoroughly.
    Thorough { id: RequestId },
}

impl Request {
    pub fn id(&self) -> RequestId {
        match self {
            Request::Live { id, .. } | Request::Thorough { id } => *id,
        }
    }
}

/// The part of a camera frame inside the viewfinder, as shares of the frame's width and height.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Crop {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
}

/// A rectangle of pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rect {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

impl Crop {
    /// The pixels of a `width` × `height` frame inside the crop, on even coordinates: a frame
    /// whose colour is sampled at half resolution (I420, NV12) can only be cut there.
    pub fn pixels(&self, width: u32, height: u32) -> Rect {
        let even = |value: f64, limit: u32| ((value.max(0.0) as u32).min(limit) / 2) * 2;
        let x = even(self.left * f64::from(width), width);
        let y = even(self.top * f64::from(height), height);
        Rect {
            x,
            y,
            width: even(self.width * f64::from(width), width - x),
            height: even(self.height * f64::from(height), height - y),
        }
    }
}

/// What one picture shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    /// Read in this picture alone: "hold still" feedback.
    pub seen: Option<Decoded>,
    /// Passed every gate: in live mode, two frames agreed.
    pub code: Option<Decoded>,
    /// Time spent in the worker, getting the pixels included.
    pub ms: f64,
    /// Of that, getting the picture's luma: a copy, or a canvas readback and conversion.
    pub pixels_ms: f64,
}

/// What the worker says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "lowercase")]
pub enum Answer {
    /// Loaded: requests may come.
    Ready,
    /// It panicked and is about to abort: replace it now rather than at the deadline.
    Crashed {
        message: String,
    },
    Read {
        id: RequestId,
        reading: Reading,
    },
    /// The picture could not be read (a file that is not an image); the worker stays up.
    Failed {
        id: RequestId,
        error: String,
    },
}

/// Why a picture got no reading; unless it is [`Trouble::Picture`], the worker is being replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trouble {
    Crashed,
    /// No answer before the deadline.
    Hung,
    /// No worker will come: it cannot be loaded (offline before it was ever fetched, blocked),
    /// failed to start too often, or the scanner was closed.
    Unavailable,
    /// The worker is fine; the picture was not.
    Picture(String),
}

/// Whether a request may go out now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    Go,
    /// The worker is still loading.
    WaitForReady,
    /// One picture at a time: another is being read.
    WaitForAnswer,
    Closed,
}

/// What follows a worker's failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Start a fresh worker.
    Restart,
    /// It failed to start [`Watchdog::MAX_FAILED_STARTS`] times in a row: no more workers.
    GiveUp,
}

/// The page's side of the worker's life, without the browser: the page's glue feeds it what
/// happens and does what it answers.
#[derive(Debug, Default)]
pub struct Watchdog {
    ready: bool,
    awaiting: Option<RequestId>,
    sent: u32,
    failed_starts: u32,
    closed: bool,
    restarts: u32,
}

impl Watchdog {
    /// A worker that dies this many times in a row before it is even ready will not come up.
    pub const MAX_FAILED_STARTS: u32 = 3;
    /// A camera frame takes milliseconds; no answer in this long means the worker is stuck.
    pub const FRAME_DEADLINE_MS: u32 = 2000;
    /// A photo is read thoroughly (turned, inverted, several scales): slow phones need longer.
    pub const PHOTO_DEADLINE_MS: u32 = 10_000;

    pub fn turn(&self) -> Turn {
        if self.closed {
            Turn::Closed
        } else if !self.ready {
            Turn::WaitForReady
        } else if self.awaiting.is_some() {
            Turn::WaitForAnswer
        } else {
            Turn::Go
        }
    }

    /// A request goes out; its answer is awaited from now on. Only when [`Watchdog::turn`] is
    /// [`Turn::Go`].
    pub fn send(&mut self) -> RequestId {
        debug_assert_eq!(self.turn(), Turn::Go);
        self.sent += 1;
        let id = RequestId(self.sent);
        self.awaiting = Some(id);
        id
    }

    /// The worker said it is ready: it started, so earlier failed starts no longer count.
    pub fn ready(&mut self) {
        self.ready = true;
        self.failed_starts = 0;
    }

    /// An answer to `id` arrived, or the request could not be posted: true when it was the
    /// awaited one, which then no longer is. Answers to requests given up on are ignored.
    pub fn settled(&mut self, id: RequestId) -> bool {
        let awaited = self.awaiting == Some(id);
        if awaited {
            self.awaiting = None;
        }
        awaited
    }

    /// The deadline of `id` passed: true when it is still awaited, so the worker hangs.
    pub fn overdue(&self, id: RequestId) -> bool {
        self.awaiting == Some(id)
    }

    /// The worker crashed or hung and has been ended; the awaited request (if any) is failed by
    /// the caller. A failure before the worker was ever ready counts towards giving up.
    pub fn failed(&mut self) -> Fate {
        if !self.ready {
            self.failed_starts += 1;
        }
        self.ready = false;
        self.awaiting = None;
        if self.closed || self.failed_starts >= Self::MAX_FAILED_STARTS {
            self.closed = true;
            Fate::GiveUp
        } else {
            self.restarts += 1;
            Fate::Restart
        }
    }

    /// The scanner closed: nothing more goes out or is awaited.
    pub fn shut_down(&mut self) {
        self.closed = true;
        self.ready = false;
        self.awaiting = None;
    }

    /// How many times a worker has been replaced.
    pub fn restarts(&self) -> u32 {
        self.restarts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_request_at_a_time_and_only_to_a_ready_worker() {
        let mut watchdog = Watchdog::default();
        assert_eq!(watchdog.turn(), Turn::WaitForReady);
        watchdog.ready();
        assert_eq!(watchdog.turn(), Turn::Go);
        let first = watchdog.send();
        assert_eq!(watchdog.turn(), Turn::WaitForAnswer);
        assert!(watchdog.settled(first));
        let second = watchdog.send();
        assert_ne!(first, second);
        assert_eq!(watchdog.turn(), Turn::WaitForAnswer);
    }

    #[test]
    fn a_late_answer_or_deadline_for_another_request_changes_nothing() {
        let mut watchdog = Watchdog::default();
        watchdog.ready();
        let first = watchdog.send();
        assert!(watchdog.settled(first));
        let second = watchdog.send();
        assert!(!watchdog.settled(first));
        assert!(!watchdog.overdue(first));
        assert!(watchdog.overdue(second));
        assert!(watchdog.settled(second));
        assert!(!watchdog.overdue(second));
    }

    #[test]
    fn a_crash_or_hang_after_start_restarts_every_time() {
        let mut watchdog = Watchdog::default();
        for round in 1..=5 {
            watchdog.ready();
            let id = watchdog.send();
            assert!(watchdog.overdue(id));
            assert_eq!(watchdog.failed(), Fate::Restart);
            assert_eq!(watchdog.turn(), Turn::WaitForReady);
            assert!(
                !watchdog.settled(id),
                "the failed request is no longer awaited"
            );
            assert_eq!(watchdog.restarts(), round);
        }
    }

    #[test]
    fn a_worker_that_never_starts_is_given_up_after_three_tries() {
        let mut watchdog = Watchdog::default();
        assert_eq!(watchdog.failed(), Fate::Restart);
        assert_eq!(watchdog.failed(), Fate::Restart);
        assert_eq!(watchdog.failed(), Fate::GiveUp);
        assert_eq!(watchdog.turn(), Turn::Closed);
    }

    #[test]
    fn starting_once_forgives_earlier_failed_starts() {
        let mut watchdog = Watchdog::default();
        watchdog.failed();
        watchdog.failed();
        watchdog.ready();
        assert_eq!(watchdog.failed(), Fate::Restart);
        assert_eq!(watchdog.failed(), Fate::Restart);
        assert_eq!(watchdog.turn(), Turn::WaitForReady);
    }

    #[test]
    fn after_shut_down_nothing_goes_out_or_restarts() {
        let mut watchdog = Watchdog::default();
        watchdog.ready();
        let id = watchdog.send();
        watchdog.shut_down();
        assert_eq!(watchdog.turn(), Turn::Closed);
        assert!(!watchdog.overdue(id));
        assert_eq!(watchdog.failed(), Fate::GiveUp);
    }

    #[test]
    fn a_crop_lands_on_even_pixels_inside_the_frame() {
        let viewfinder = Crop {
            left: 0.1,
            top: 0.18,
            width: 0.8,
            height: 0.64,
        };
        assert_eq!(
            viewfinder.pixels(1280, 720),
            Rect {
                x: 128,
                y: 128,
                width: 1024,
                height: 460
            }
        );
        let too_wide = Crop {
            left: 0.5,
            top: -1.0,
            width: 2.0,
            height: 9.0,
        };
        assert_eq!(
            too_wide.pixels(641, 480),
            Rect {
                x: 320,
                y: 0,
                width: 320,
                height: 480
            }
        );
    }

    #[test]
    fn messages_keep_their_shape_on_the_wire() {
        let request = Request::Live {
            id: RequestId(7),
            at: 12.5,
            crop: None,
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            serde_json::json!({"mode": "live", "id": 7, "at": 12.5, "crop": null})
        );
        let answer = Answer::Read {
            id: RequestId(7),
            reading: Reading {
                seen: Some(Decoded {
                    format: Format::UpcA,
                    text: "036000291452".into(),
                }),
                code: None,
                ms: 1.5,
                pixels_ms: 0.5,
            },
        };
        let wire = serde_json::to_value(&answer).unwrap();
        assert_eq!(wire["answer"], "read");
        assert_eq!(wire["reading"]["seen"]["format"], "UPC_A");
        assert_eq!(serde_json::from_value::<Answer>(wire).unwrap(), answer);
    }
}
