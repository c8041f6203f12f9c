//! The developer onboarding state machine (seed 004, protocol-notes §6.2).
//!
//! ```text
//! draft --submit--> submitted --approve--> approved --clear--> cleared
//!                       |  ^
//!                  reject  submit (after editing)
//!                       v  |
//!                     rejected
//! ```

use crate::{Error, Result};

/// Where a developer is in onboarding.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DeveloperState {
    /// Filling in the agreement, role and qualification data.
    Draft,
    /// Waiting for an operator's review.
    Submitted,
    /// May create apps.
    Approved,
    /// Must edit and resubmit; the reason says what to fix.
    Rejected,
    /// Removed by the operating rules.
    Cleared,
}

/// What can happen to a developer application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeveloperEvent {
    /// The developer submits for review.
    Submit,
    /// An operator approves.
    Approve,
    /// An operator rejects with a reason.
    Reject,
    /// The operating rules clear the developer.
    Clear,
}

impl DeveloperState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeveloperState::Draft => "draft",
            DeveloperState::Submitted => "submitted",
            DeveloperState::Approved => "approved",
            DeveloperState::Rejected => "rejected",
            DeveloperState::Cleared => "cleared",
        }
    }

    /// Parses a stored or query name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "draft" => DeveloperState::Draft,
            "submitted" => DeveloperState::Submitted,
            "approved" => DeveloperState::Approved,
            "rejected" => DeveloperState::Rejected,
            "cleared" => DeveloperState::Cleared,
            _ => return None,
        })
    }

    /// Whether the qualification data may still be edited.
    pub fn editable(self) -> bool {
        matches!(self, DeveloperState::Draft | DeveloperState::Rejected)
    }

    /// The state after `event`, or an error that says why it cannot happen now.
    pub fn on(self, event: DeveloperEvent) -> Result<Self> {
        use DeveloperEvent::*;
        use DeveloperState::*;
        match (self, event) {
            (Draft | Rejected, Submit) => Ok(Submitted),
            (Submitted, Approve) => Ok(Approved),
            (Submitted, Reject) => Ok(Rejected),
            (Approved, Clear) => Ok(Cleared),
            (Submitted, Submit) => Err(Error::state(
                "the application is already submitted; wait for the review",
            )),
            (Approved, Submit) => Err(Error::state(
                "the developer is already approved; nothing to submit",
            )),
            (s, Approve | Reject) => Err(Error::state(format!(
                "only a submitted application can be reviewed; this one is {}",
                s.as_str()
            ))),
            (s, e) => Err(Error::state(format!(
                "a {} developer cannot {:?}",
                s.as_str(),
                e
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DeveloperEvent::*;
    use super::DeveloperState::*;

    #[test]
    fn review_cycle() {
        assert_eq!(Draft.on(Submit).unwrap(), Submitted);
        assert_eq!(Submitted.on(Reject).unwrap(), Rejected);
        assert_eq!(Rejected.on(Submit).unwrap(), Submitted);
        assert_eq!(Submitted.on(Approve).unwrap(), Approved);
        assert!(Approved.on(Submit).is_err());
        assert!(Draft.on(Approve).is_err());
        assert!(Cleared.on(Submit).is_err());
        assert!(
            Draft.editable()
                && Rejected.editable()
                && !Submitted.editable()
                && !Approved.editable()
        );
    }
}
