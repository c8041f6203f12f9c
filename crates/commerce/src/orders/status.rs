//! The order status machine (protocol-notes §4.4):
//!
//! ```text
//! 10 awaiting payment --pay--> 30 paid --ship--> 40 shipped --receive--> 50 received --complete--> 70 success
//!    |                           |
//!    +--cancel / close--> 80     +--refund of the whole order before shipping--> 80 failed
//! ```
//!
//! Every other move is an error (21) that names the order's current status and what the
//! action needs.

use crate::{Error, Result};

/// An order's `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum OrderStatus {
    /// 10: awaiting payment.
    AwaitingPayment,
    /// 30: paid, to be shipped.
    Paid,
    /// 40: shipped.
    Shipped,
    /// 50: received (signed for) by the buyer.
    Received,
    /// 70: trade succeeded.
    Success,
    /// 80: trade failed or cancelled.
    Failed,
}

/// Something that moves an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderAction {
    /// The buyer pays.
    Pay,
    /// The seller ships.
    Ship,
    /// The buyer receives the parcel.
    Receive,
    /// The trade completes (buyer confirms or the platform auto-confirms).
    Complete,
    /// The buyer cancels an unpaid order.
    Cancel,
    /// The seller closes an unpaid order (`open.seller.order.close`).
    Close,
    /// A refund of the whole order was granted before shipping.
    RefundClose,
}

impl OrderAction {
    fn describe(self) -> &'static str {
        match self {
            OrderAction::Pay => "pay for it (needs status 10, awaiting payment)",
            OrderAction::Ship => "ship it (needs status 30, paid)",
            OrderAction::Receive => "mark it received (needs status 40, shipped)",
            OrderAction::Complete => "complete it (needs status 50, received)",
            OrderAction::Cancel => "cancel it (needs status 10, awaiting payment)",
            OrderAction::Close => {
                "close it (only unpaid orders, status 10, can be closed; paid orders go through a refund)"
            }
            OrderAction::RefundClose => {
                "close it after a refund (needs status 30, paid and not shipped)"
            }
        }
    }
}

impl OrderStatus {
    /// The wire code.
    pub fn code(self) -> i64 {
        match self {
            OrderStatus::AwaitingPayment => 10,
            OrderStatus::Paid => 30,
            OrderStatus::Shipped => 40,
            OrderStatus::Received => 50,
            OrderStatus::Success => 70,
            OrderStatus::Failed => 80,
        }
    }

    /// From a stored or wire code.
    pub fn from_code(code: i64) -> Result<Self> {
        Ok(match code {
            10 => OrderStatus::AwaitingPayment,
            30 => OrderStatus::Paid,
            40 => OrderStatus::Shipped,
            50 => OrderStatus::Received,
            70 => OrderStatus::Success,
            80 => OrderStatus::Failed,
            other => {
                return Err(Error::internal(format!(
                    "unknown stored order status {other}"
                )));
            }
        })
    }

    /// A short English name.
    pub fn name(self) -> &'static str {
        match self {
            OrderStatus::AwaitingPayment => "awaiting payment",
            OrderStatus::Paid => "paid",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Received => "received",
            OrderStatus::Success => "completed",
            OrderStatus::Failed => "closed",
        }
    }

    /// The status after `action`, or why the action is not allowed now.
    pub fn next(self, oid: i64, action: OrderAction) -> Result<OrderStatus> {
        use OrderAction as A;
        use OrderStatus as S;
        match (self, action) {
            (S::AwaitingPayment, A::Pay) => Ok(S::Paid),
            (S::AwaitingPayment, A::Cancel | A::Close) => Ok(S::Failed),
            (S::Paid, A::Ship) => Ok(S::Shipped),
            (S::Paid, A::RefundClose) => Ok(S::Failed),
            (S::Shipped, A::Receive) => Ok(S::Received),
            (S::Received, A::Complete) => Ok(S::Success),
            _ => Err(Error::rejected(format!(
                "order {oid} is {} (status {}): cannot {}",
                self.name(),
                self.code(),
                action.describe()
            ))),
        }
    }
}

/// `orderViewStatus` of `open.order.cursor.list`: the status range it selects.
pub fn view_status_range(view: i64) -> Result<(i64, i64)> {
    Ok(match view {
        1 => (0, 1000),
        2 => (10, 10),
        3 => (30, 30),
        4 => (40, 40),
        5 => (50, 50),
        6 => (70, 70),
        7 => (80, 80),
        _ => {
            return Err(Error::invalid(
                "orderViewStatus must be 1 (all), 2 (unpaid), 3 (to ship), 4 (shipped), 5 (received), 6 (success) or 7 (closed)",
            ));
        }
    })
}
