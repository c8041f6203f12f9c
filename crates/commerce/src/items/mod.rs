//! Items and SKUs (`merchant_item`): create, edit, delete, shelf, stock, price, and the queries
//! shaped like `open.item.get` / `open.item.list.get` (protocol-notes §5.2).
//!
//! Stock rules: `skuStock` is the units on hand, `reserveStock` the units held by unpaid orders.
//! Stock never drops below reserved (FAQ K1001: result 21 `当前库存不足，请减少预留数量`).
//! New items pass audit at once (auditStatus 2; Kaifang has no manual item review) and go on
//! the shelf.

pub mod categories;

use kaifang_platform::Platform;
use kaifang_store::{Row, Tx, args};
use kaifang_wire::errors::ApiError;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::outbox::{self, Event};
use crate::{Error, Result, ids};

/// Shelf status: off.
pub const SHELF_OFF: i64 = 0;
/// Shelf status: on.
pub const SHELF_ON: i64 = 1;
/// Audit status: passed.
pub const AUDIT_PASSED: i64 = 2;
/// Item status: normal.
pub const ITEM_NORMAL: i64 = 1;
/// Item status: deleted by the seller.
pub const ITEM_DELETED: i64 = 2;
/// Largest stock change in one call (exclusive), as documented.
pub const MAX_STOCK_CHANGE: i64 = 9_999_999;

/// One SKU of `open.item.new` / `open.item.edit` (`skuList[]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SkuInput {
    /// `kwaiSkuId` of an existing SKU (edit only).
    #[serde(default)]
    pub kwai_sku_id: Option<i64>,
    /// The merchant's SKU id.
    #[serde(default)]
    pub rel_sku_id: Option<String>,
    /// Units in stock.
    pub sku_stock: i64,
    /// Price, fen.
    pub sku_sale_price: i64,
    /// The merchant's SKU code / nickname.
    #[serde(default)]
    pub sku_nick: String,
    /// Specification text, e.g. `颜色:红色;尺码:M`.
    #[serde(default)]
    pub specification: String,
    /// Market price, fen.
    #[serde(default)]
    pub sku_market_price: i64,
    /// GTIN / barcode.
    #[serde(default)]
    pub gtin_code: String,
    /// Image.
    #[serde(default)]
    pub image_url: String,
}

/// `open.item.new` parameters (the ones Kaifang stores; others are accepted and ignored).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewItem {
    /// Title (1–60 characters).
    pub title: String,
    /// The merchant's item id, unique per merchant.
    #[serde(default)]
    pub rel_item_id: Option<String>,
    /// A leaf category.
    pub category_id: i64,
    /// Main images (1–9).
    pub image_urls: Vec<String>,
    /// SKUs (1–600).
    pub sku_list: Vec<SkuInput>,
    /// Description.
    #[serde(default)]
    pub details: String,
    /// Detail images.
    #[serde(default)]
    pub detail_image_urls: Vec<String>,
    /// Freight template.
    #[serde(default)]
    pub express_template_id: i64,
    /// Purchase limit on/off.
    #[serde(default)]
    pub purchase_limit: bool,
    /// Units per buyer when limited.
    #[serde(default)]
    pub limit_count: i64,
    /// Seller's remark.
    #[serde(default)]
    pub item_remark: String,
}

/// `open.item.edit` parameters: the item plus any field to change.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EditItem {
    /// New title.
    pub title: Option<String>,
    /// New leaf category.
    pub category_id: Option<i64>,
    /// New main images.
    pub image_urls: Option<Vec<String>>,
    /// New description.
    pub details: Option<String>,
    /// New detail images.
    pub detail_image_urls: Option<Vec<String>>,
    /// SKUs to update (with `kwaiSkuId`) or add (without).
    pub sku_list: Option<Vec<SkuInput>>,
    /// New freight template.
    pub express_template_id: Option<i64>,
    /// New remark.
    pub item_remark: Option<String>,
}

fn check_title(t: &str) -> Result<()> {
    let n = t.trim().chars().count();
    if n == 0 || n > 60 {
        return Err(Error::invalid("title must be 1 to 60 characters"));
    }
    Ok(())
}

fn check_category(id: i64) -> Result<()> {
    if !categories::is_leaf(id) {
        return Err(Error::invalid(format!(
            "categoryId {id} is not a leaf category: pick a leaf from open.item.category"
        )));
    }
    Ok(())
}

fn check_images(urls: &[String], field: &str, min: usize, max: usize) -> Result<()> {
    if urls.len() < min || urls.len() > max {
        return Err(Error::invalid(format!(
            "{field} must hold {min} to {max} URLs"
        )));
    }
    Ok(())
}

fn check_sku(s: &SkuInput) -> Result<()> {
    if s.sku_stock < 0 || s.sku_stock >= MAX_STOCK_CHANGE {
        return Err(Error::invalid("skuStock must be 0 to 9999998"));
    }
    if s.sku_sale_price <= 0 {
        return Err(Error::invalid(
            "skuSalePrice must be a positive amount in fen",
        ));
    }
    Ok(())
}

/// What `open.item.new` / `open.item.edit` answer.
pub fn created_view(
    item_id: i64,
    rel_item_id: Option<&str>,
    skus: &[(i64, Option<String>, String)],
) -> Value {
    json!({
        "kwaiItemId": item_id,
        "relItemId": rel_item_id,
        "skuIdMapping": skus.iter().map(|(id, rel, nick)| json!({"kwaiSkuId": id, "relSkuId": rel, "skuNick": nick})).collect::<Vec<_>>(),
    })
}

async fn fresh_id(tx: &mut Tx, sql: &'static str, gen_id: fn() -> i64) -> Result<i64> {
    for _ in 0..ids::ID_ATTEMPTS {
        let id = gen_id();
        if tx.fetch_optional(sql, &args![id]).await?.is_none() {
            return Ok(id);
        }
    }
    Err(Error::internal("could not find a free id; retry"))
}

async fn insert_sku(
    tx: &mut Tx,
    seller_id: i64,
    item_id: i64,
    s: &SkuInput,
    now: i64,
) -> Result<i64> {
    let id = fresh_id(tx, "SELECT id FROM skus WHERE id = $1", ids::sku_id).await?;
    tx.execute(
        "INSERT INTO skus (id, item_id, seller_id, rel_sku_id, sku_nick, specification, price, market_price, stock, reserved, volume, image_url, gtin_code, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, 0, $10, $11, $12, $12)",
        &args![id, item_id, seller_id, s.rel_sku_id.clone(), s.sku_nick.clone(), s.specification.clone(), s.sku_sale_price, s.sku_market_price, s.sku_stock, s.image_url.clone(), s.gtin_code.clone(), now],
    )
    .await?;
    Ok(id)
}

/// Creates an item with its SKUs (`open.item.new`); writes `kwaishop_item_addItem`.
pub async fn new_item(p: &Platform, seller_id: i64, req: &NewItem) -> Result<Value> {
    check_title(&req.title)?;
    check_category(req.category_id)?;
    check_images(&req.image_urls, "imageUrls", 1, 9)?;
    check_images(&req.detail_image_urls, "detailImageUrls", 0, 50)?;
    if req.sku_list.is_empty() || req.sku_list.len() > 600 {
        return Err(Error::invalid("skuList must hold 1 to 600 SKUs"));
    }
    if req.details.chars().count() > 1000 {
        return Err(Error::invalid("details must be at most 1000 characters"));
    }
    req.sku_list.iter().try_for_each(check_sku)?;
    let now = p.now();
    let rel = req
        .rel_item_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let mut tx = p.db.begin().await?;
    if let Some(rel) = rel
        && tx
            .fetch_optional(
                "SELECT id FROM items WHERE seller_id = $1 AND rel_item_id = $2",
                &args![seller_id, rel],
            )
            .await?
            .is_some()
    {
        return Err(Error::invalid(format!(
            "relItemId {rel:?} is already used by another of your items: send a unique relItemId"
        )));
    }
    let id = fresh_id(&mut tx, "SELECT id FROM items WHERE id = $1", ids::item_id).await?;
    tx.execute(
        "INSERT INTO items (id, seller_id, rel_item_id, category_id, title, details, image_urls, detail_image_urls, express_template_id, purchase_limit, limit_count, item_remark, shelf_status, audit_status, item_status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)",
        &args![id, seller_id, rel, req.category_id, req.title.trim(), req.details.clone(), serde_json::to_string(&req.image_urls)?, serde_json::to_string(&req.detail_image_urls)?, req.express_template_id, req.purchase_limit, req.limit_count, req.item_remark.clone(), SHELF_ON, AUDIT_PASSED, ITEM_NORMAL, now],
    )
    .await?;
    let mut mapping = Vec::new();
    for s in &req.sku_list {
        let sku = insert_sku(&mut tx, seller_id, id, s, now).await?;
        mapping.push((sku, s.rel_sku_id.clone(), s.sku_nick.clone()));
    }
    outbox::emit(
        &mut tx,
        Event {
            name: outbox::ITEM_ADD,
            biz_id: id,
            seller_id,
            buyer_id: None,
            info: json!({"itemId": id, "sellerId": seller_id, "relItemId": rel, "createTime": now}),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(created_view(id, rel, &mapping))
}

/// The item row, locked for the change, when it is the merchant's and not deleted.
async fn own_item(tx: &mut Tx, seller_id: i64, item_id: i64) -> Result<Row> {
    let r = tx
        .fetch_optional("SELECT * FROM items WHERE id = $1", &args![item_id])
        .await?;
    match r {
        Some(r) if r.i64("seller_id")? == seller_id && r.i64("item_status")? == ITEM_NORMAL => {
            Ok(r)
        }
        _ => Err(item_rejected(item_id)),
    }
}

fn item_rejected(item_id: i64) -> Error {
    Error::rejected(format!(
        "item {item_id} does not exist, was deleted, or does not belong to the authorized merchant"
    ))
}

async fn emit_item(
    tx: &mut Tx,
    name: &'static str,
    item_id: i64,
    seller_id: i64,
    info: Value,
    now: i64,
) -> Result<()> {
    outbox::emit(
        tx,
        Event {
            name,
            biz_id: item_id,
            seller_id,
            buyer_id: None,
            info,
        },
        now,
    )
    .await
}

/// Edits an item (`open.item.edit`); writes `kwaishop_item_updateItem`.
pub async fn edit_item(
    p: &Platform,
    seller_id: i64,
    item_id: i64,
    req: &EditItem,
) -> Result<Value> {
    if let Some(t) = &req.title {
        check_title(t)?;
    }
    if let Some(c) = req.category_id {
        check_category(c)?;
    }
    if let Some(i) = &req.image_urls {
        check_images(i, "imageUrls", 1, 9)?;
    }
    if let Some(i) = &req.detail_image_urls {
        check_images(i, "detailImageUrls", 0, 50)?;
    }
    if let Some(list) = &req.sku_list {
        list.iter().try_for_each(check_sku)?;
    }
    let now = p.now();
    let mut tx = p.db.begin().await?;
    let item = own_item(&mut tx, seller_id, item_id).await?;
    let title = req.title.clone().unwrap_or(item.text("title")?);
    let category = req.category_id.unwrap_or(item.i64("category_id")?);
    let images = match &req.image_urls {
        Some(i) => serde_json::to_string(i)?,
        None => item.text("image_urls")?,
    };
    let details = req.details.clone().unwrap_or(item.text("details")?);
    let detail_images = match &req.detail_image_urls {
        Some(i) => serde_json::to_string(i)?,
        None => item.text("detail_image_urls")?,
    };
    let template = req
        .express_template_id
        .unwrap_or(item.i64("express_template_id")?);
    let remark = req.item_remark.clone().unwrap_or(item.text("item_remark")?);
    tx.execute(
        "UPDATE items SET title = $2, category_id = $3, image_urls = $4, details = $5, detail_image_urls = $6, express_template_id = $7, item_remark = $8, updated_at = $9 WHERE id = $1",
        &args![item_id, title.trim(), category, images, details, detail_images, template, remark, now],
    )
    .await?;
    for s in req.sku_list.iter().flatten() {
        match s.kwai_sku_id {
            Some(sku) => {
                let r = tx
                    .fetch_optional(
                        "SELECT reserved FROM skus WHERE id = $1 AND item_id = $2",
                        &args![sku, item_id],
                    )
                    .await?
                    .ok_or_else(|| {
                        Error::invalid(format!("kwaiSkuId {sku} is not a SKU of item {item_id}"))
                    })?;
                if s.sku_stock < r.i64("reserved")? {
                    return Err(stock_below_reserved(sku, s.sku_stock, r.i64("reserved")?));
                }
                tx.execute(
                    "UPDATE skus SET rel_sku_id = $2, sku_nick = $3, specification = $4, price = $5, market_price = $6, stock = $7, gtin_code = $8, image_url = $9, updated_at = $10 WHERE id = $1",
                    &args![sku, s.rel_sku_id.clone(), s.sku_nick.clone(), s.specification.clone(), s.sku_sale_price, s.sku_market_price, s.sku_stock, s.gtin_code.clone(), s.image_url.clone(), now],
                )
                .await?;
            }
            None => {
                insert_sku(&mut tx, seller_id, item_id, s, now).await?;
            }
        }
    }
    emit_item(
        &mut tx,
        outbox::ITEM_UPDATE,
        item_id,
        seller_id,
        json!({"itemId": item_id, "sellerId": seller_id, "updateTime": now}),
        now,
    )
    .await?;
    let skus = tx
        .fetch_all(
            "SELECT id, rel_sku_id, sku_nick FROM skus WHERE item_id = $1 ORDER BY id",
            &args![item_id],
        )
        .await?;
    let mapping = skus
        .iter()
        .map(|r| Ok((r.i64("id")?, r.opt_text("rel_sku_id")?, r.text("sku_nick")?)))
        .collect::<Result<Vec<_>, kaifang_store::Error>>()?;
    let rel = item.opt_text("rel_item_id")?;
    tx.commit().await?;
    Ok(created_view(item_id, rel.as_deref(), &mapping))
}

fn stock_below_reserved(sku: i64, stock: i64, reserved: i64) -> Error {
    Error::new(
        ApiError::OperationRejected,
        format!(
            "当前库存不足，请减少预留数量: SKU {sku} would have {stock} in stock but {reserved} are reserved by unpaid orders; stock cannot drop below the reserved stock"
        ),
    )
}

/// Deletes an item (`open.item.delete`): it leaves every list; writes `kwaishop_item_deleteItem`.
pub async fn delete_item(p: &Platform, seller_id: i64, item_id: i64) -> Result<()> {
    let now = p.now();
    let mut tx = p.db.begin().await?;
    own_item(&mut tx, seller_id, item_id).await?;
    let reserved = tx
        .scalar(
            "SELECT CAST(COALESCE(SUM(reserved), 0) AS BIGINT) FROM skus WHERE item_id = $1",
            &args![item_id],
        )
        .await?;
    if reserved > 0 {
        return Err(Error::rejected(format!(
            "item {item_id} has {reserved} units reserved by unpaid orders: wait until they are paid or cancelled, then delete it"
        )));
    }
    tx.execute(
        "UPDATE items SET item_status = $2, shelf_status = 0, updated_at = $3 WHERE id = $1",
        &args![item_id, ITEM_DELETED, now],
    )
    .await?;
    emit_item(
        &mut tx,
        outbox::ITEM_DELETE,
        item_id,
        seller_id,
        json!({"itemId": item_id, "sellerId": seller_id, "updateTime": now}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Puts an item on (1) or off (0) the shelf (`open.item.shelf.status.update`).
pub async fn set_shelf_status(
    p: &Platform,
    seller_id: i64,
    item_id: i64,
    shelf_status: i64,
) -> Result<()> {
    if shelf_status != SHELF_ON && shelf_status != SHELF_OFF {
        return Err(Error::invalid("shelfStatus must be 0 (off) or 1 (on)"));
    }
    let now = p.now();
    let mut tx = p.db.begin().await?;
    let item = own_item(&mut tx, seller_id, item_id).await?;
    if shelf_status == SHELF_ON && item.i64("audit_status")? != AUDIT_PASSED {
        return Err(Error::rejected(format!(
            "item {item_id} has not passed audit: it can go on the shelf once auditStatus is 2"
        )));
    }
    if item.i64("shelf_status")? == shelf_status {
        return Ok(());
    }
    tx.execute(
        "UPDATE items SET shelf_status = $2, updated_at = $3 WHERE id = $1",
        &args![item_id, shelf_status, now],
    )
    .await?;
    emit_item(&mut tx, outbox::ITEM_SHELF_CHANGE, item_id, seller_id, json!({"itemId": item_id, "sellerId": seller_id, "shelfStatus": shelf_status, "updateTime": now}), now).await?;
    tx.commit().await?;
    Ok(())
}

/// Stock change direction of `open.item.sku.stock.update`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StockChange {
    /// `changeType` 1.
    Add,
    /// `changeType` 2.
    Reduce,
}

impl StockChange {
    /// From the wire's `changeType`.
    pub fn from_code(c: i64) -> Result<Self> {
        match c {
            1 => Ok(StockChange::Add),
            2 => Ok(StockChange::Reduce),
            _ => Err(Error::invalid("changeType must be 1 (add) or 2 (reduce)")),
        }
    }
}

/// Changes a SKU's stock by a delta (`open.item.sku.stock.update`); never below reserved (K1001).
pub async fn update_stock(
    p: &Platform,
    seller_id: i64,
    item_id: i64,
    sku_id: i64,
    delta: i64,
    change: StockChange,
) -> Result<()> {
    if delta <= 0 || delta >= MAX_STOCK_CHANGE {
        return Err(Error::invalid(
            "skuChangeStock must be between 1 and 9999998",
        ));
    }
    let now = p.now();
    let mut tx = p.db.begin().await?;
    own_item(&mut tx, seller_id, item_id).await?;
    let sku = tx
        .fetch_optional(
            "SELECT stock, reserved FROM skus WHERE id = $1 AND item_id = $2",
            &args![sku_id, item_id],
        )
        .await?
        .ok_or_else(|| Error::invalid(format!("skuId {sku_id} is not a SKU of item {item_id}")))?;
    let (stock, reserved) = (sku.i64("stock")?, sku.i64("reserved")?);
    let new = match change {
        StockChange::Add => stock + delta,
        StockChange::Reduce => stock - delta,
    };
    if new >= MAX_STOCK_CHANGE {
        return Err(Error::invalid("skuStock cannot exceed 9999998"));
    }
    if new < reserved {
        return Err(stock_below_reserved(sku_id, new, reserved));
    }
    tx.execute(
        "UPDATE skus SET stock = $2, updated_at = $3 WHERE id = $1",
        &args![sku_id, new, now],
    )
    .await?;
    tx.execute(
        "UPDATE items SET updated_at = $2 WHERE id = $1",
        &args![item_id, now],
    )
    .await?;
    emit_item(&mut tx, outbox::ITEM_STOCK_CHANGE, item_id, seller_id, json!({"itemId": item_id, "sellerId": seller_id, "skuId": sku_id, "skuStock": new, "reserveStock": reserved, "updateTime": now}), now).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a SKU's price in fen (`open.item.sku.price.update`).
pub async fn update_price(
    p: &Platform,
    seller_id: i64,
    item_id: i64,
    sku_id: i64,
    price: i64,
) -> Result<()> {
    if price <= 0 {
        return Err(Error::invalid("price must be a positive amount in fen"));
    }
    let now = p.now();
    let mut tx = p.db.begin().await?;
    own_item(&mut tx, seller_id, item_id).await?;
    let before = tx
        .fetch_optional(
            "SELECT price FROM skus WHERE id = $1 AND item_id = $2",
            &args![sku_id, item_id],
        )
        .await?
        .ok_or_else(|| Error::invalid(format!("skuId {sku_id} is not a SKU of item {item_id}")))?
        .i64("price")?;
    tx.execute(
        "UPDATE skus SET price = $2, updated_at = $3 WHERE id = $1",
        &args![sku_id, price, now],
    )
    .await?;
    tx.execute(
        "UPDATE items SET updated_at = $2 WHERE id = $1",
        &args![item_id, now],
    )
    .await?;
    emit_item(&mut tx, outbox::ITEM_PRICE_CHANGE, item_id, seller_id, json!({"itemId": item_id, "sellerId": seller_id, "skuId": sku_id, "price": price, "beforePrice": before, "updateTime": now}), now).await?;
    tx.commit().await?;
    Ok(())
}

fn sku_view(r: &Row) -> Result<Value, kaifang_store::Error> {
    Ok(json!({
        "kwaiSkuId": r.i64("id")?,
        "relSkuId": r.opt_text("rel_sku_id")?,
        "skuStock": r.i64("stock")?,
        "imageUrl": r.text("image_url")?,
        "skuSalePrice": r.i64("price")?,
        "skuMarketPrice": r.i64("market_price")?,
        "volume": r.i64("volume")?,
        "isValid": 1,
        "specification": r.text("specification")?,
        "skuNick": r.text("sku_nick")?,
        "skuProp": [],
        "gtinCode": r.text("gtin_code")?,
        "reserveStock": r.i64("reserved")?,
        "goodsId": null,
        "goodsCode": [],
    }))
}

async fn skus_of(db: &kaifang_store::Db, item_id: i64) -> Result<Vec<Value>> {
    let rows = db
        .fetch_all(
            "SELECT * FROM skus WHERE item_id = $1 ORDER BY id",
            &args![item_id],
        )
        .await?;
    Ok(rows.iter().map(sku_view).collect::<Result<_, _>>()?)
}

fn json_list(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Array(vec![]))
}

/// `open.item.get`: one of the merchant's items with its SKUs.
pub async fn get_item(p: &Platform, seller_id: i64, item_id: i64) -> Result<Value> {
    let r =
        p.db.fetch_optional("SELECT * FROM items WHERE id = $1", &args![item_id])
            .await?
            .filter(|r| {
                r.i64("seller_id").ok() == Some(seller_id)
                    && r.i64("item_status").ok() == Some(ITEM_NORMAL)
            })
            .ok_or_else(|| item_rejected(item_id))?;
    let cat = r.i64("category_id")?;
    let node = categories::find(cat);
    let skus = skus_of(&p.db, item_id).await?;
    Ok(json!({
        "itemId": item_id,
        "relItemId": r.opt_text("rel_item_id")?,
        "categoryId": cat,
        "categoryName": node.map(|c| c.category_name),
        "parentCategoryId": node.map(|c| c.category_pid),
        "rootCategoryId": categories::root_of(cat),
        "title": r.text("title")?,
        "details": r.text("details")?,
        "imageUrls": json_list(&r.text("image_urls")?),
        "detailImageUrls": json_list(&r.text("detail_image_urls")?),
        "skuInfos": skus,
        "serviceRule": {},
        "auditStatus": r.i64("audit_status")?,
        "auditReason": "",
        "onOfflineStatus": r.i64("shelf_status")?,
        "itemPropValues": [],
        "expressTemplateId": r.i64("express_template_id")?,
        "purchaseLimit": r.bool("purchase_limit")?,
        "limitCount": r.i64("limit_count")?,
        "linkUrl": "",
        "timeOfSale": 0,
        "itemRemark": r.text("item_remark")?,
        "duplicationStatus": 0,
        "multipleStock": false,
        "shortTitle": "",
        "sellingPoint": "",
        "spuId": 0,
        "createdTime": r.i64("created_at")?,
        "updateTime": r.i64("updated_at")?,
    }))
}

/// `open.item.list.get` parameters.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemListParams {
    /// Only this item.
    pub kwai_item_id: Option<i64>,
    /// Only the item with this merchant id.
    pub rel_item_id: Option<String>,
    /// 1 normal (the default; deleted items are never listed).
    pub item_status: Option<i64>,
    /// 1-based page.
    pub page_number: Option<i64>,
    /// 10–100, default 100.
    pub page_size: Option<i64>,
    /// Only 1 (on shelf) is accepted as a filter.
    pub on_offline_status: Option<i64>,
}

/// `open.item.list.get`: the merchant's items, newest first, paged.
pub async fn list_items(p: &Platform, seller_id: i64, q: &ItemListParams) -> Result<Value> {
    let page_size = q.page_size.unwrap_or(100);
    if !(10..=100).contains(&page_size) {
        return Err(Error::invalid("pageSize must be 10 to 100"));
    }
    let page = q.page_number.unwrap_or(1).max(1);
    if let Some(s) = q.item_status
        && s != ITEM_NORMAL
    {
        return Ok(
            json!({"totalItemCount": 0, "currentPageItemCount": 0, "currentPageNumber": page, "totalPage": 0, "items": []}),
        );
    }
    let shelf = match q.on_offline_status {
        None => -1,
        Some(1) => SHELF_ON,
        Some(_) => return Err(Error::invalid("onOfflineStatus only accepts 1 (on shelf)")),
    };
    let only_id = q.kwai_item_id.unwrap_or(0);
    let only_rel = q.rel_item_id.clone().unwrap_or_default();
    let filter = args![seller_id, ITEM_NORMAL, shelf, only_id, only_rel.clone()];
    let total = p
        .db
        .scalar(
            "SELECT COUNT(*) FROM items WHERE seller_id = $1 AND item_status = $2 AND ($3 < 0 OR shelf_status = $3) AND ($4 = 0 OR id = $4) AND ($5 = '' OR rel_item_id = $5)",
            &filter,
        )
        .await?;
    let rows = p
        .db
        .fetch_all(
            "SELECT * FROM items WHERE seller_id = $1 AND item_status = $2 AND ($3 < 0 OR shelf_status = $3) AND ($4 = 0 OR id = $4) AND ($5 = '' OR rel_item_id = $5) ORDER BY created_at DESC, id DESC LIMIT ($6 + 0) OFFSET ($7 + 0)",
            &args![seller_id, ITEM_NORMAL, shelf, only_id, only_rel, page_size, (page - 1) * page_size],
        )
        .await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in &rows {
        let id = r.i64("id")?;
        let skus = skus_of(&p.db, id).await?;
        let price = skus
            .iter()
            .filter_map(|s| s["skuSalePrice"].as_i64())
            .min()
            .unwrap_or(0);
        let volume: i64 = skus.iter().filter_map(|s| s["volume"].as_i64()).sum();
        let images = json_list(&r.text("image_urls")?);
        let cat = r.i64("category_id")?;
        items.push(json!({
            "kwaiItemId": id,
            "relItemId": r.opt_text("rel_item_id")?,
            "title": r.text("title")?,
            "mainImageUrl": images.get(0).cloned().unwrap_or(Value::Null),
            "imageUrls": images,
            "categoryId": cat,
            "categoryName": categories::find(cat).map(|c| c.category_name),
            "price": price,
            "volume": volume,
            "skuList": skus,
            "auditStatus": r.i64("audit_status")?,
            "shelfStatus": r.i64("shelf_status")?,
            "itemStatus": r.i64("item_status")?,
            "itemType": 1,
            "expressTemplateId": r.i64("express_template_id")?,
            "createTime": r.i64("created_at")?,
            "updateTime": r.i64("updated_at")?,
        }));
    }
    Ok(json!({
        "totalItemCount": total,
        "currentPageItemCount": items.len(),
        "currentPageNumber": page,
        "totalPage": (total + page_size - 1) / page_size,
        "items": items,
    }))
}

/// `open.item.category`: the whole tree as `[{categoryId, categoryName, categoryPid}]`.
pub fn category_list() -> Value {
    serde_json::to_value(categories::CATEGORIES).unwrap_or(Value::Array(vec![]))
}
