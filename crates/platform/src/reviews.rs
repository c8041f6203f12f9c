//! Operators' decisions on developers, apps, launches and permission packages: each is an
//! approval or a rejection with a reason, and each is kept in the review history.

use kaifang_store::{Tx, args};

use crate::accounts::Account;
use crate::{Error, Result};

/// A validated decision: an operator approves, or rejects with a reason that tells the
/// developer what to fix.
#[derive(Debug, Clone, Copy)]
pub struct Decision<'a> {
    approve: bool,
    reason: Option<&'a str>,
}

impl<'a> Decision<'a> {
    /// Checks that `operator` is one and that a rejection carries a reason.
    pub fn new(operator: &Account, approve: bool, reason: Option<&'a str>) -> Result<Self> {
        operator.require_operator()?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if !approve && reason.is_none() {
            return Err(Error::invalid(
                "a rejection needs a reason that tells the developer what to fix",
            ));
        }
        Ok(Decision { approve, reason })
    }

    /// Whether it approves.
    pub fn approved(&self) -> bool {
        self.approve
    }

    /// The reason, if one was given.
    pub fn reason(&self) -> Option<&'a str> {
        self.reason
    }

    /// The reason when rejecting (what the subject stores as its rejection reason).
    pub fn rejection_reason(&self) -> Option<&'a str> {
        self.reason.filter(|_| !self.approve)
    }

    /// "approved" or "rejected".
    pub fn verdict(&self) -> &'static str {
        if self.approve { "approved" } else { "rejected" }
    }
}

/// Appends a decision to the review history, inside the deciding transaction.
pub(crate) async fn record(
    tx: &mut Tx,
    subject: &str,
    subject_id: i64,
    d: Decision<'_>,
    operator_id: i64,
    now: i64,
) -> Result<()> {
    tx.execute(
        "INSERT INTO reviews (subject, subject_id, decision, reason, operator_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        &args![subject, subject_id, d.verdict(), d.reason(), operator_id, now],
    )
    .await?;
    Ok(())
}
