//! The server's integration tests: a real server (or three) on a real database, over HTTP. One
//! test binary for all of them, so the server and its dependencies are linked once.

mod common;

mod api;
mod assets;
mod bag;
// Run with `--features shopbag-server/fault-injection` (the test script does).
#[cfg(feature = "fault-injection")]
mod faults;
mod handoff;
mod limits;
mod looks;
mod members;
mod orders;
mod reminders;
mod replicas;
mod seed;
mod tls;
mod visual;
