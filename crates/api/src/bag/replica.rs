//! A device's copy of the bag and the rules of its sync with the server, in plain Rust: which
//! token the device's tabs agree on, what to send next, what an answer means, and what the
//! shopper is told. The app keeps only fetching, timers and storage around these.

use super::{BagState, BagToken, Line, Op, OpId, OpLog, MAX_OPS_PER_BATCH};
use crate::{ErrorCode, MAX_BODY_BYTES};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Operations' bytes one request may carry: a quarter of the server's body limit is left for the
/// envelope (`{"ops":[…]}`) and as margin, so a batch is never refused for its size.
pub const MAX_BATCH_BYTES: usize = MAX_BODY_BYTES / 4 * 3;

/// What a device keeps of its bag: the operations it knows and, for the bag its token names, the
/// ones that bag's server has confirmed or refused. Merging two replicas (two tabs) never loses
/// an operation.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Replica {
    /// Hex form of the bag token (kept as text so serde never prints a `BagToken`).
    pub token: Option<String>,
    pub log: OpLog,
    /// Operations the token's bag has confirmed; the rest are waiting to be sent.
    pub synced: BTreeSet<OpId>,
    /// Operations the token's bag refused for good (say, a variant no longer sold): kept, not
    /// sent again, and left out of the lines.
    pub rejected: BTreeSet<OpId>,
}

impl Replica {
    pub fn token(&self) -> Option<BagToken> {
        self.token.as_deref().and_then(BagToken::parse)
    }

    fn is_pending(&self, op: &Op) -> bool {
        !self.synced.contains(&op.id) && !self.rejected.contains(&op.id)
    }

    /// Whether any operation is still waiting to be sent.
    pub fn has_pending(&self) -> bool {
        self.log.ops().any(|op| self.is_pending(op))
    }

    /// Operations not yet confirmed, oldest first (the server sees them in the order made).
    pub fn pending(&self) -> Vec<&Op> {
        let mut ops: Vec<&Op> = self.log.ops().filter(|op| self.is_pending(op)).collect();
        ops.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
        ops
    }

    /// The bag's lines, without refused operations.
    pub fn lines(&self) -> Vec<Line> {
        if self.rejected.is_empty() {
            return self.log.lines();
        }
        let mut kept = OpLog::new();
        for op in self.log.ops().filter(|op| !self.rejected.contains(&op.id)) {
            kept.insert(op.clone());
        }
        kept.lines()
    }

    /// Takes in another copy of this device's bag (another tab's).
    ///
    /// Operations are a union. Two tabs that started before either stored a token each made
    /// one; every tab keeps the smaller, so they all end on the same bag — and what the other
    /// token's bag confirmed or refused says nothing about this one's: those sets go with their
    /// token, and its operations are sent again, to the bag that stays.
    pub fn merge(&mut self, other: Replica) {
        self.log.merge(&other.log);
        match (&self.token, &other.token) {
            (Some(ours), Some(theirs)) if ours != theirs => {
                if theirs < ours {
                    self.token = other.token;
                    self.synced = other.synced;
                    self.rejected = other.rejected;
                }
            }
            _ => {
                if self.token.is_none() {
                    self.token = other.token;
                }
                self.synced.extend(other.synced);
                self.rejected.extend(other.rejected);
            }
        }
    }

    /// The bag `token` names answered `sent` with its merged state. Its operations join the log;
    /// they count as confirmed only if `token` is still this device's (another tab's token may
    /// have won meanwhile).
    pub fn confirm(&mut self, token: &str, sent: &[Op], server: BagState) {
        let ours = self.token.as_deref() == Some(token);
        for op in server.ops {
            if ours {
                self.synced.insert(op.id.clone());
                self.log.adopt(op);
            } else {
                self.log.insert(op);
            }
        }
        if ours {
            self.synced.extend(sent.iter().map(|op| op.id.clone()));
        }
    }

    /// The bag `token` names refused `ops` for good.
    pub fn refuse(&mut self, token: &str, ops: &[Op]) {
        if self.token.as_deref() == Some(token) {
            self.rejected.extend(ops.iter().map(|op| op.id.clone()));
        }
    }
}

/// How the device's copy relates to the server's: derived from the replica, whether a request
/// is on its way and whether the device stored the last write, never set by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncStatus {
    /// Written on this device; waiting to be sent (offline, or the server did not answer).
    SavedOnDevice,
    /// Waiting to be sent, and the device would not store it (storage full or disabled): only
    /// this page holds it until the server does. Lasts until one or the other has it all.
    OnlyOnThisPage,
    Syncing,
    /// The server holds every change this device made.
    Synced,
}

impl SyncStatus {
    pub fn of(has_pending: bool, sending: bool, stored: bool) -> SyncStatus {
        match (has_pending, sending, stored) {
            (false, _, _) => SyncStatus::Synced,
            (true, true, _) => SyncStatus::Syncing,
            (true, false, true) => SyncStatus::SavedOnDevice,
            (true, false, false) => SyncStatus::OnlyOnThisPage,
        }
    }
}

/// What came back for a batch (or a pull).
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The bag as the server merged it.
    Merged(BagState),
    /// The batch was larger than the server reads.
    TooLarge,
    /// The server will never take the batch as it is (an invalid operation, a variant no longer
    /// sold, a full bag, an operation id it knows with other content).
    Refused,
    /// No answer, or one worth trying again (a 5xx, a proxy's page, too many requests).
    Unreachable,
}

impl Answer {
    /// What a failed request means, from its HTTP status and error code (`None` when there was no
    /// answer or it could not be read). Only a few answers mean "never": dropping a shopper's
    /// change on a misunderstanding would lose a line.
    pub fn of_failure(status: Option<u16>, code: Option<ErrorCode>) -> Answer {
        match (status, code) {
            (Some(413), _) | (_, Some(ErrorCode::PayloadTooLarge)) => Answer::TooLarge,
            (
                _,
                Some(
                    ErrorCode::InvalidOperation
                    | ErrorCode::UnknownVariant
                    | ErrorCode::BagFull
                    | ErrorCode::OperationConflict,
                ),
            ) => Answer::Refused,
            _ => Answer::Unreachable,
        }
    }
}

/// How long the sync waits before its next round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Operations are waiting and the server is answering: go on.
    Now,
    /// Nothing to send: ask for other devices' changes now and then.
    Quiet,
    /// The server did not answer: try again after this many milliseconds.
    Retry(u32),
}

pub const FIRST_RETRY_MS: u32 = 1_000;
pub const LONGEST_RETRY_MS: u32 = 30_000;

/// What the sync carries from one round to the next: how many operations a batch may hold, and
/// how long to back off.
///
/// A batch the server refuses — too large, or holding an operation it will never take — is
/// halved until the batch goes through or is the one operation to refuse; each batch that goes
/// through lets the next be twice as large again. So one bad operation costs a few requests,
/// not one per pending operation, and nothing ever stalls the operations behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outbox {
    cap: usize,
    retry_ms: u32,
}

impl Default for Outbox {
    fn default() -> Self {
        Outbox {
            cap: MAX_OPS_PER_BATCH,
            retry_ms: FIRST_RETRY_MS,
        }
    }
}

impl Outbox {
    /// The next batch: the oldest pending operations, at most the current count and
    /// [`MAX_BATCH_BYTES`]. Empty when nothing is pending (the round is a pull).
    pub fn batch(&self, replica: &Replica) -> Vec<Op> {
        let mut batch = Vec::new();
        let mut bytes = 0;
        for op in replica.pending() {
            let size = op.json_bytes_bound() + 1;
            if batch.len() == self.cap || (!batch.is_empty() && bytes + size > MAX_BATCH_BYTES) {
                break;
            }
            bytes += size;
            batch.push(op.clone());
        }
        batch
    }

    /// Takes in the answer to `sent` (empty for a pull) from the bag `token` names, and says
    /// when the next round is.
    pub fn answered(
        &mut self,
        replica: &mut Replica,
        token: &str,
        sent: &[Op],
        answer: Answer,
    ) -> Wait {
        match answer {
            Answer::Merged(state) => {
                replica.confirm(token, sent, state);
                self.retry_ms = FIRST_RETRY_MS;
                self.cap = (self.cap * 2).min(MAX_OPS_PER_BATCH);
            }
            Answer::TooLarge | Answer::Refused if sent.len() > 1 => {
                self.cap = sent.len() / 2;
            }
            Answer::TooLarge | Answer::Refused if sent.len() == 1 => {
                replica.refuse(token, sent);
            }
            Answer::TooLarge | Answer::Refused | Answer::Unreachable => {
                let wait = self.retry_ms;
                self.retry_ms = (self.retry_ms * 2).min(LONGEST_RETRY_MS);
                return Wait::Retry(wait);
            }
        }
        if replica.has_pending() {
            Wait::Now
        } else {
            Wait::Quiet
        }
    }
}

#[cfg(test)]
mod tests;
