//! The refund (after-sales) status machine (protocol-notes §5.3).
//!
//! ```text
//! refund only (handlingWay 10):   10 --approve--> 60 refunded
//! return + refund (1):            11 --returngoods.approve--> 30 --buyer ships--> 40 --confirm.receipt--> 60
//! exchange (3):                   11 --returngoods.approve--> 30 --buyer ships--> 40 --confirm.receipt--> 45
//! reject (from 10, 11 or 40):     --> 70 (negotiateStatus 3)
//! approve is also accepted at 40 (return received, refund now).
//! ```
//!
//! 20/21/22 (platform intervention) and 50 (refund executing) are valid stored values the
//! platform side may set; no seller action starts from them. 60 and 70 are final.

use kaifang_wire::errors::ApiError;

use crate::{Error, Result};

/// A refund's `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundStatus {
    /// 10: buyer asked for a refund only.
    RefundRequested,
    /// 11: buyer asked to return the goods (return + refund, or exchange).
    ReturnRequested,
    /// 20: platform intervened.
    PlatformIntervened,
    /// 21: platform intervened (second stage).
    PlatformReviewing,
    /// 22: platform confirmed the return.
    PlatformConfirmedReturn,
    /// 30: waiting for the buyer's return waybill.
    AwaitingReturn,
    /// 40: waiting for the seller to confirm the returned goods.
    AwaitingSellerReceipt,
    /// 45: exchange shipped, waiting for the buyer to receive it.
    AwaitingBuyerReceipt,
    /// 50: refund executing.
    Executing,
    /// 60: refunded (final).
    Refunded,
    /// 70: refund failed or rejected (final).
    Failed,
}

/// A seller or buyer step on a refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundAction {
    /// `open.seller.order.refund.approve`.
    Approve,
    /// `open.seller.order.refund.returngoods.approve`.
    ApproveReturn,
    /// `open.refund.reject`.
    Reject,
    /// The buyer sends the goods back.
    BuyerReturn,
    /// `open.seller.order.refund.confirm.receipt`.
    ConfirmReceipt,
}

/// `eventType` of `kwaishop_aftersales_updateRefund` (the platform's values are unknown; these
/// are Kaifang's, one per action).
pub fn event_type(action: RefundAction) -> i64 {
    match action {
        RefundAction::Approve => 1,
        RefundAction::ApproveReturn => 2,
        RefundAction::Reject => 3,
        RefundAction::BuyerReturn => 4,
        RefundAction::ConfirmReceipt => 5,
    }
}

impl RefundStatus {
    /// The wire code.
    pub fn code(self) -> i64 {
        use RefundStatus as S;
        match self {
            S::RefundRequested => 10,
            S::ReturnRequested => 11,
            S::PlatformIntervened => 20,
            S::PlatformReviewing => 21,
            S::PlatformConfirmedReturn => 22,
            S::AwaitingReturn => 30,
            S::AwaitingSellerReceipt => 40,
            S::AwaitingBuyerReceipt => 45,
            S::Executing => 50,
            S::Refunded => 60,
            S::Failed => 70,
        }
    }

    /// From a stored code.
    pub fn from_code(c: i64) -> Result<Self> {
        use RefundStatus as S;
        Ok(match c {
            10 => S::RefundRequested,
            11 => S::ReturnRequested,
            20 => S::PlatformIntervened,
            21 => S::PlatformReviewing,
            22 => S::PlatformConfirmedReturn,
            30 => S::AwaitingReturn,
            40 => S::AwaitingSellerReceipt,
            45 => S::AwaitingBuyerReceipt,
            50 => S::Executing,
            60 => S::Refunded,
            70 => S::Failed,
            other => {
                return Err(Error::internal(format!(
                    "unknown stored refund status {other}"
                )));
            }
        })
    }

    /// Final: nothing more happens.
    pub fn is_final(self) -> bool {
        matches!(self, RefundStatus::Refunded | RefundStatus::Failed)
    }

    /// The status after `action` on a refund handled `handling_way`, or why not.
    pub fn next(
        self,
        refund_id: i64,
        handling_way: i64,
        action: RefundAction,
    ) -> Result<RefundStatus> {
        use RefundAction as A;
        use RefundStatus as S;
        let to = match (self, action) {
            (S::RefundRequested, A::Approve) => Some(S::Refunded),
            (S::AwaitingSellerReceipt, A::Approve) if handling_way == 1 => Some(S::Refunded),
            (S::ReturnRequested, A::ApproveReturn) => Some(S::AwaitingReturn),
            (S::RefundRequested | S::ReturnRequested | S::AwaitingSellerReceipt, A::Reject) => {
                Some(S::Failed)
            }
            (S::AwaitingReturn, A::BuyerReturn) => Some(S::AwaitingSellerReceipt),
            (S::AwaitingSellerReceipt, A::ConfirmReceipt) => Some(if handling_way == 3 {
                S::AwaitingBuyerReceipt
            } else {
                S::Refunded
            }),
            _ => None,
        };
        to.ok_or_else(|| {
            let what = match action {
                A::Approve => "approve the refund (needs status 10, or 40 for a return + refund)",
                A::ApproveReturn => "approve the return (needs status 11, a return request)",
                A::Reject => "reject it (needs status 10, 11 or 40)",
                A::BuyerReturn => "record the buyer's return (needs status 30)",
                A::ConfirmReceipt => "confirm receipt of the returned goods (needs status 40)",
            };
            let state = if self.is_final() {
                "closed"
            } else {
                "in progress"
            };
            Error::new(
                ApiError::RefundStatusError,
                format!(
                    "refund {refund_id} is {state} with status {}: cannot {what}",
                    self.code()
                ),
            )
        })
    }
}
