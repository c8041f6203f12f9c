//! The app lifecycle state machine (seed 002, ARCHITECTURE.md).
//!
//! ```text
//! in_review --approve--> developing --start_scan--> scanning --scan_passed--> launch_review
//!   |   ^                   ^  ^                       |                        |      |
//! reject resubmit           |  +------scan_failed------+                approve_launch |
//!   v   |                   +-----------------reject_launch-------------------+ |      |
//! rejected                                                                     v       |
//!                                       offline <--take_offline-- online <-----+
//!                                          +-------bring_online------^
//! any state but online --delete--> deleted
//! ```

use crate::{Error, Result};

/// Where an app is in its life.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AppState {
    /// Created, waiting for an operator's review of its information.
    InReview,
    /// The review asked for changes; edit and resubmit.
    Rejected,
    /// Approved: has credentials, may be called by test users.
    Developing,
    /// The security scan of the callback URL is running.
    Scanning,
    /// The scan passed; waiting for an operator to approve the launch.
    LaunchReview,
    /// Launched: callable by its authorized users or subscribers.
    Online,
    /// Taken offline; calls are refused.
    Offline,
    /// Deleted; kept for history.
    Deleted,
}

/// What can happen to an app.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AppEvent {
    /// Operator approves the app's information.
    Approve,
    /// Operator rejects the app's information.
    Reject,
    /// Developer resubmits after a rejection.
    Resubmit,
    /// Developer starts the security scan.
    StartScan,
    /// The scan found nothing.
    ScanPassed,
    /// The scan found problems.
    ScanFailed,
    /// Operator approves the launch.
    ApproveLaunch,
    /// Operator rejects the launch.
    RejectLaunch,
    /// Developer or operator takes the app offline.
    TakeOffline,
    /// Operator brings an offline app back online.
    BringOnline,
    /// Developer deletes the app.
    Delete,
}

impl AppState {
    /// Every state.
    pub const ALL: [AppState; 8] = [
        AppState::InReview,
        AppState::Rejected,
        AppState::Developing,
        AppState::Scanning,
        AppState::LaunchReview,
        AppState::Online,
        AppState::Offline,
        AppState::Deleted,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AppState::InReview => "in_review",
            AppState::Rejected => "rejected",
            AppState::Developing => "developing",
            AppState::Scanning => "scanning",
            AppState::LaunchReview => "launch_review",
            AppState::Online => "online",
            AppState::Offline => "offline",
            AppState::Deleted => "deleted",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Whether the app has credentials (approved at least once and not deleted).
    pub fn has_credentials(self) -> bool {
        !matches!(
            self,
            AppState::InReview | AppState::Rejected | AppState::Deleted
        )
    }

    /// Whether the app's information may be edited now.
    pub fn editable(self) -> bool {
        matches!(self, AppState::Rejected | AppState::Developing)
    }

    /// The state after `event`, or an error saying why not and what to do instead.
    pub fn on(self, event: AppEvent) -> Result<AppState> {
        use AppEvent::*;
        use AppState::*;
        Ok(match (self, event) {
            (InReview, Approve) => Developing,
            (InReview, Reject) => Rejected,
            (Rejected, Resubmit) => InReview,
            (Developing, StartScan) => Scanning,
            (Scanning, ScanPassed) => LaunchReview,
            (Scanning, ScanFailed) => Developing,
            (LaunchReview, ApproveLaunch) => Online,
            (LaunchReview, RejectLaunch) => Developing,
            (Online, TakeOffline) => Offline,
            (Offline, BringOnline) => Online,
            (Online, Delete) => {
                return Err(Error::state(
                    "an online app cannot be deleted; take it offline first",
                ));
            }
            (Deleted, _) => return Err(Error::state("the app is deleted")),
            (_, Delete) => Deleted,
            (s, e) => {
                let hint = match e {
                    Approve | Reject => "only an app in review can be reviewed",
                    Resubmit => "only a rejected app can be resubmitted",
                    StartScan => "the security scan starts from the developing state",
                    ScanPassed | ScanFailed => "no security scan is running",
                    ApproveLaunch | RejectLaunch => {
                        "only an app waiting for launch review can be launched"
                    }
                    TakeOffline => "only an online app can be taken offline",
                    BringOnline => "only an offline app can be brought back online",
                    Delete => unreachable!("handled above"),
                };
                return Err(Error::state(format!("{hint}; this app is {}", s.as_str())));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::AppEvent::*;
    use super::AppState::*;

    #[test]
    fn happy_path_to_online_and_back() {
        let mut s = InReview;
        for e in [
            Approve,
            StartScan,
            ScanPassed,
            ApproveLaunch,
            TakeOffline,
            BringOnline,
        ] {
            s = s.on(e).unwrap();
        }
        assert_eq!(s, Online);
    }

    #[test]
    fn illegal_transitions_say_why() {
        let err = Developing.on(ApproveLaunch).unwrap_err();
        assert!(
            err.message.contains("launch review") && err.message.contains("developing"),
            "{}",
            err.message
        );
        assert!(Online.on(Delete).is_err());
        assert!(Deleted.on(Resubmit).is_err());
        assert_eq!(Rejected.on(Resubmit).unwrap(), InReview);
        assert_eq!(Scanning.on(ScanFailed).unwrap(), Developing);
    }

    #[test]
    fn every_state_answers_every_event_without_panicking() {
        use super::AppEvent;
        let events = [
            AppEvent::Approve,
            Reject,
            Resubmit,
            StartScan,
            ScanPassed,
            ScanFailed,
            ApproveLaunch,
            RejectLaunch,
            TakeOffline,
            BringOnline,
            Delete,
        ];
        for s in super::AppState::ALL {
            for e in events {
                let _ = s.on(e);
            }
        }
    }
}
