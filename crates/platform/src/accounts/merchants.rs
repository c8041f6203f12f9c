//! Merchants (shop owners) and their staff sub-accounts.

use kaifang_store::args;

use super::{Account, NewAccount, Role, insert};
use crate::{Error, Platform, Result};

/// A merchant's shop (the commerce context adds its catalogue and orders).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Shop {
    /// Id.
    pub id: i64,
    /// The owning merchant's account id.
    pub owner_id: i64,
    /// Shop name.
    pub name: String,
    /// `shopType` (protocol-notes §5.5): 1 flagship … 6 individual, 7 sole proprietor.
    pub shop_type: i64,
}

/// Creates a merchant account and its shop in one transaction.
pub async fn create_merchant(
    p: &Platform,
    login: &str,
    password: &str,
    name: &str,
    shop_name: &str,
) -> Result<(Account, Shop)> {
    let shop_name = shop_name.trim();
    if shop_name.is_empty() || shop_name.chars().count() > 100 {
        return Err(Error::invalid("shop_name must be 1 to 100 characters"));
    }
    let mut tx = p.db.begin().await?;
    let account = insert(
        p,
        &mut tx,
        NewAccount {
            login,
            password,
            name,
            role: Role::Merchant,
            main_account_id: None,
        },
    )
    .await?;
    let shop_type = 6;
    let id = tx
        .scalar(
            "INSERT INTO shops (owner_id, name, shop_type, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            &args![account.id, shop_name, shop_type, p.now()],
        )
        .await?;
    tx.commit().await?;
    let shop = Shop {
        id,
        owner_id: account.id,
        name: shop_name.to_string(),
        shop_type,
    };
    Ok((account, shop))
}

/// The shop a merchant (or a staff account's main merchant) owns.
pub async fn shop_of(p: &Platform, merchant_id: i64) -> Result<Option<Shop>> {
    let r =
        p.db.fetch_optional(
            "SELECT id, owner_id, name, shop_type FROM shops WHERE owner_id = $1",
            &args![merchant_id],
        )
        .await?;
    r.map(|r| {
        Ok(Shop {
            id: r.i64("id")?,
            owner_id: r.i64("owner_id")?,
            name: r.text("name")?,
            shop_type: r.i64("shop_type")?,
        })
    })
    .transpose()
}

/// Creates a staff sub-account under a merchant.
pub async fn create_staff(
    p: &Platform,
    main: &Account,
    login: &str,
    password: &str,
    name: &str,
) -> Result<Account> {
    if main.role != Role::Merchant {
        return Err(Error::forbidden(
            "only a merchant's main account can create staff accounts",
        ));
    }
    let mut tx = p.db.begin().await?;
    let a = insert(
        p,
        &mut tx,
        NewAccount {
            login,
            password,
            name,
            role: Role::Staff,
            main_account_id: Some(main.id),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(a)
}

/// A merchant's staff accounts.
pub async fn list_staff(p: &Platform, main: &Account) -> Result<Vec<Account>> {
    let rows =
        p.db.fetch_all(
            "SELECT id, login, name, role, main_account_id, disabled, created_at FROM accounts
             WHERE main_account_id = $1 ORDER BY id",
            &args![main.id],
        )
        .await?;
    rows.iter().map(Account::from_row).collect()
}

/// Disables or re-enables one of the merchant's staff accounts.
pub async fn set_staff_disabled(
    p: &Platform,
    main: &Account,
    staff_id: i64,
    disabled: bool,
) -> Result<()> {
    let n = p
        .db
        .execute(
            "UPDATE accounts SET disabled = $1 WHERE id = $2 AND main_account_id = $3 AND role = 'staff'",
            &args![disabled, staff_id, main.id],
        )
        .await?;
    if n == 0 {
        return Err(Error::not_found(format!(
            "staff account {staff_id} is not one of yours"
        )));
    }
    // A disabled staff account's tokens stop at once: drop every cached grant.
    p.bump_generation();
    Ok(())
}
