//! Notifications: every review outcome is stored in-app, in the same transaction as the
//! decision, and sent by e-mail when SMTP is configured.

use kaifang_store::{Tx, args};
use lettre::message::Mailbox;
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncTransport, Message, Tokio1Executor};

use crate::{Error, Platform, Result};

/// A stored notification.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Notification {
    /// Id.
    pub id: i64,
    /// What it is about, e.g. `developer.approved`.
    pub kind: String,
    /// One line.
    pub title: String,
    /// The details, including any rejection reason.
    pub body: String,
    /// When, in ms.
    pub created_at: i64,
    /// When it was marked read, if it was.
    pub read_at: Option<i64>,
}

/// A notification to deliver after the deciding transaction commits.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// Recipient account.
    pub account_id: i64,
    /// Kind.
    pub kind: &'static str,
    /// Title.
    pub title: String,
    /// Body.
    pub body: String,
}

/// Stores a notification inside the caller's transaction (so a decision and its notice land
/// together) and returns it for e-mail delivery after commit.
pub async fn store(tx: &mut Tx, now: i64, n: Outgoing) -> Result<Outgoing> {
    tx.execute(
        "INSERT INTO notifications (account_id, kind, title, body, created_at) VALUES ($1, $2, $3, $4, $5)",
        &args![n.account_id, n.kind, n.title.as_str(), n.body.as_str(), now],
    )
    .await?;
    Ok(n)
}

/// Sends the e-mail copy of a committed notification, if SMTP is configured. Failures are
/// logged, never fatal: the in-app copy is the record.
pub async fn email(p: &Platform, n: &Outgoing) {
    let Some(mailer) = &p.mailer else { return };
    let to = match p
        .db
        .fetch_optional(
            "SELECT COALESCE(d.admin_email, d.email, a.login) AS address FROM accounts a
             LEFT JOIN developers d ON d.account_id = a.id WHERE a.id = $1",
            &args![n.account_id],
        )
        .await
    {
        Ok(Some(r)) => r.text("address").unwrap_or_default(),
        _ => return,
    };
    if let Err(e) = mailer.send(&to, &n.title, &n.body).await {
        tracing::warn!(kind = n.kind, error = %e, "notification e-mail not sent");
    }
}

/// An account's notifications, newest first.
pub async fn list(p: &Platform, account_id: i64) -> Result<Vec<Notification>> {
    let rows =
        p.db.fetch_all(
            "SELECT id, kind, title, body, created_at, read_at FROM notifications
             WHERE account_id = $1 ORDER BY id DESC LIMIT 200",
            &args![account_id],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Notification {
                id: r.i64("id")?,
                kind: r.text("kind")?,
                title: r.text("title")?,
                body: r.text("body")?,
                created_at: r.i64("created_at")?,
                read_at: r.opt_i64("read_at")?,
            })
        })
        .collect()
}

/// Marks one of the account's notifications read.
pub async fn mark_read(p: &Platform, account_id: i64, id: i64) -> Result<()> {
    let n = p
        .db
        .execute(
            "UPDATE notifications SET read_at = $1 WHERE id = $2 AND account_id = $3 AND read_at IS NULL",
            &args![p.now(), id, account_id],
        )
        .await?;
    if n == 0 {
        let exists =
            p.db.fetch_optional(
                "SELECT id FROM notifications WHERE id = $1 AND account_id = $2",
                &args![id, account_id],
            )
            .await?;
        if exists.is_none() {
            return Err(Error::not_found(format!(
                "notification {id} does not exist"
            )));
        }
    }
    Ok(())
}

/// Sends mail through an SMTP relay.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Mailer(..)")
    }
}

impl Mailer {
    /// A mailer from an SMTP URL (`smtp://host:25`, `smtps://user:pass@host`) and a sender.
    pub fn new(smtp_url: &str, from: &str) -> Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| Error::invalid(format!("smtp url is not usable: {e}")))?
            .build();
        let from = from.parse().map_err(|_| {
            Error::invalid(format!("mail sender {from:?} is not an e-mail address"))
        })?;
        Ok(Mailer { transport, from })
    }

    async fn send(&self, to: &str, subject: &str, body: &str) -> Result<()> {
        let to: Mailbox = to
            .parse()
            .map_err(|_| Error::invalid(format!("{to:?} is not an e-mail address")))?;
        let msg = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .body(body.to_string())
            .map_err(Error::internal)?;
        self.transport.send(msg).await.map_err(Error::internal)?;
        Ok(())
    }
}
