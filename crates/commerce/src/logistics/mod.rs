//! Logistics: the carrier table and the merchant's return addresses.

pub mod carriers;

use kaifang_platform::Platform;
use kaifang_store::{Row, args};
use serde::Serialize;

use crate::{Error, Result};

/// A merchant's return address (the shop's own contact, not a buyer's personal data).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReturnAddress {
    /// `addressId`.
    pub address_id: i64,
    /// Contact name.
    pub consignee: String,
    /// Contact phone.
    pub mobile: String,
    /// Province.
    pub province: String,
    /// City.
    pub city: String,
    /// District.
    pub district: String,
    /// Street address.
    pub address: String,
    /// The default return address.
    pub default_address: bool,
}

/// What a new return address needs.
#[derive(Debug, Clone)]
pub struct NewReturnAddress<'a> {
    /// Contact name.
    pub consignee: &'a str,
    /// Contact phone.
    pub mobile: &'a str,
    /// Province.
    pub province: &'a str,
    /// City.
    pub city: &'a str,
    /// District.
    pub district: &'a str,
    /// Street address.
    pub address: &'a str,
    /// Make it the default.
    pub default_address: bool,
}

fn from_row(r: &Row) -> Result<ReturnAddress, kaifang_store::Error> {
    Ok(ReturnAddress {
        address_id: r.i64("id")?,
        consignee: r.text("consignee")?,
        mobile: r.text("mobile")?,
        province: r.text("province")?,
        city: r.text("city")?,
        district: r.text("district")?,
        address: r.text("address")?,
        default_address: r.bool("is_default")?,
    })
}

/// Adds a return address to the merchant's list.
pub async fn add_return_address(
    p: &Platform,
    seller_id: i64,
    a: NewReturnAddress<'_>,
) -> Result<ReturnAddress> {
    for (field, v) in [
        ("consignee", a.consignee),
        ("mobile", a.mobile),
        ("province", a.province),
        ("city", a.city),
        ("address", a.address),
    ] {
        if v.trim().is_empty() || v.chars().count() > 200 {
            return Err(Error::invalid(format!(
                "{field} must be 1 to 200 characters"
            )));
        }
    }
    let mut tx = p.db.begin().await?;
    if a.default_address {
        tx.execute(
            "UPDATE return_addresses SET is_default = 0 WHERE seller_id = $1",
            &args![seller_id],
        )
        .await?;
    }
    let id = tx
        .scalar(
            "INSERT INTO return_addresses (seller_id, consignee, mobile, province, city, district, address, is_default, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            &args![seller_id, a.consignee.trim(), a.mobile.trim(), a.province.trim(), a.city.trim(), a.district.trim(), a.address.trim(), a.default_address, p.now()],
        )
        .await?;
    tx.commit().await?;
    get_return_address(p, seller_id, id).await
}

/// The merchant's return addresses.
pub async fn list_return_addresses(p: &Platform, seller_id: i64) -> Result<Vec<ReturnAddress>> {
    let rows =
        p.db.fetch_all(
            "SELECT * FROM return_addresses WHERE seller_id = $1 ORDER BY id",
            &args![seller_id],
        )
        .await?;
    Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
}

/// One of the merchant's return addresses; another merchant's is rejected (21).
pub async fn get_return_address(p: &Platform, seller_id: i64, id: i64) -> Result<ReturnAddress> {
    let r = p
        .db
        .fetch_optional(
            "SELECT * FROM return_addresses WHERE id = $1 AND seller_id = $2",
            &args![id, seller_id],
        )
        .await?
        .ok_or_else(|| {
            Error::rejected(format!(
                "return address {id} does not belong to the authorized merchant: use an addressId from open.address.seller.list"
            ))
        })?;
    Ok(from_row(&r)?)
}
