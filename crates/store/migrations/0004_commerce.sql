-- Commerce: items and SKUs, orders, logistics packages, refunds, the personal-data decrypt
-- ledger and the event outbox. One text for both dialects ({{id}}, {{bytes}}); money in fen,
-- times in ms. Ids of items, SKUs, orders and refunds are chosen by the application (they look
-- like the platform's long ids), so those tables use plain BIGINT keys.

CREATE TABLE items (
    id BIGINT PRIMARY KEY,              -- kwaiItemId (11 digits, 2xxxxxxxxxx)
    seller_id BIGINT NOT NULL REFERENCES accounts(id),
    rel_item_id TEXT,                   -- the merchant's own id, unique per merchant
    category_id BIGINT NOT NULL,        -- a leaf of the category tree
    title TEXT NOT NULL,
    details TEXT NOT NULL,
    image_urls TEXT NOT NULL,           -- JSON array
    detail_image_urls TEXT NOT NULL,    -- JSON array
    express_template_id BIGINT NOT NULL DEFAULT 0,
    purchase_limit BIGINT NOT NULL DEFAULT 0,
    limit_count BIGINT NOT NULL DEFAULT 0,
    item_remark TEXT NOT NULL DEFAULT '',
    shelf_status BIGINT NOT NULL,       -- 0 off, 1 on
    audit_status BIGINT NOT NULL,       -- 0 pending, 1 needs fix, 2 passed, 3 rejected
    item_status BIGINT NOT NULL,        -- 1 normal, 2 deleted by seller, 3 deleted by system
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (seller_id, rel_item_id)
);
CREATE INDEX items_seller ON items (seller_id, item_status, id);

CREATE TABLE skus (
    id BIGINT PRIMARY KEY,              -- kwaiSkuId (11 digits, 3xxxxxxxxxx)
    item_id BIGINT NOT NULL REFERENCES items(id),
    seller_id BIGINT NOT NULL,
    rel_sku_id TEXT,
    sku_nick TEXT NOT NULL DEFAULT '',
    specification TEXT NOT NULL DEFAULT '',
    price BIGINT NOT NULL,              -- skuSalePrice, fen
    market_price BIGINT NOT NULL DEFAULT 0,
    stock BIGINT NOT NULL,              -- skuStock
    reserved BIGINT NOT NULL DEFAULT 0, -- reserveStock: held by unpaid orders
    volume BIGINT NOT NULL DEFAULT 0,   -- units sold
    image_url TEXT NOT NULL DEFAULT '',
    gtin_code TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK (reserved >= 0 AND stock >= reserved)
);
CREATE INDEX skus_item ON skus (item_id, id);

CREATE TABLE orders (
    id BIGINT PRIMARY KEY,              -- oid (16 digits, 26xxxxxxxxxxxxxx)
    seller_id BIGINT NOT NULL REFERENCES accounts(id),
    buyer_id BIGINT NOT NULL,
    buyer_nick TEXT NOT NULL,
    status BIGINT NOT NULL,             -- 10, 30, 40, 50, 70, 80
    total_fee BIGINT NOT NULL,          -- paid by the buyer, fen (items + freight - discount)
    express_fee BIGINT NOT NULL,
    discount_fee BIGINT NOT NULL,
    remark TEXT NOT NULL DEFAULT '',    -- buyer's remark
    pay_type BIGINT NOT NULL DEFAULT 0,
    cps_type BIGINT NOT NULL DEFAULT 1, -- 1 normal, 2 distribution
    create_time BIGINT NOT NULL,
    update_time BIGINT NOT NULL,
    pay_time BIGINT,
    send_time BIGINT,
    recv_time BIGINT,
    success_time BIGINT,
    close_time BIGINT,
    -- personal data: sealed (AES-GCM) and desensitised only; never plaintext
    consignee_enc {{bytes}} NOT NULL,
    mobile_enc {{bytes}} NOT NULL,
    address_enc {{bytes}} NOT NULL,
    consignee_masked TEXT NOT NULL,
    mobile_masked TEXT NOT NULL,
    address_masked TEXT NOT NULL,
    province TEXT NOT NULL,
    province_code BIGINT NOT NULL,
    city TEXT NOT NULL,
    city_code BIGINT NOT NULL,
    district TEXT NOT NULL,
    district_code BIGINT NOT NULL,
    town TEXT NOT NULL DEFAULT '',
    town_code BIGINT NOT NULL DEFAULT 0,
    flag BIGINT NOT NULL DEFAULT 0      -- seller's flag colour (0 none, 1 red, …)
);
-- open.order.cursor.list: keyset pagination by create or update time within one seller.
CREATE INDEX orders_seller_create ON orders (seller_id, create_time, id);
CREATE INDEX orders_seller_update ON orders (seller_id, update_time, id);
CREATE INDEX orders_seller_status_create ON orders (seller_id, status, create_time, id);

CREATE TABLE order_items (
    id {{id}},                          -- orderItemId
    order_id BIGINT NOT NULL REFERENCES orders(id),
    item_id BIGINT NOT NULL,
    sku_id BIGINT NOT NULL,
    rel_item_id TEXT,
    rel_sku_id TEXT,
    item_title TEXT NOT NULL,
    sku_desc TEXT NOT NULL,
    sku_nick TEXT NOT NULL,
    item_pic_url TEXT NOT NULL,
    num BIGINT NOT NULL,
    original_price BIGINT NOT NULL,
    price BIGINT NOT NULL,
    discount_fee BIGINT NOT NULL
);
CREATE INDEX order_items_order ON order_items (order_id, id);

-- Logistics packages of shipped orders (orderLogisticsInfo; logisticsId = id).
CREATE TABLE order_logistics (
    id {{id}},
    order_id BIGINT NOT NULL REFERENCES orders(id),
    seller_id BIGINT NOT NULL,
    express_code BIGINT NOT NULL,
    express_no TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX order_logistics_order ON order_logistics (order_id, id);
CREATE INDEX order_logistics_waybill ON order_logistics (express_no, express_code);

CREATE TABLE order_notes (
    id {{id}},
    order_id BIGINT NOT NULL REFERENCES orders(id),
    seller_id BIGINT NOT NULL,
    note TEXT NOT NULL,
    staff_id BIGINT NOT NULL DEFAULT 0,
    flag BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX order_notes_order ON order_notes (order_id, id);

-- A merchant's return addresses (open.address.seller.list; returnAddressId, addressId).
CREATE TABLE return_addresses (
    id {{id}},
    seller_id BIGINT NOT NULL REFERENCES accounts(id),
    consignee TEXT NOT NULL,            -- the shop's own contact, not a buyer's personal data
    mobile TEXT NOT NULL,
    province TEXT NOT NULL,
    city TEXT NOT NULL,
    district TEXT NOT NULL,
    address TEXT NOT NULL,
    is_default BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX return_addresses_seller ON return_addresses (seller_id, id);

CREATE TABLE refunds (
    id BIGINT PRIMARY KEY,              -- refundId (16 digits, 27xxxxxxxxxxxxxx)
    order_id BIGINT NOT NULL REFERENCES orders(id),
    seller_id BIGINT NOT NULL,
    buyer_id BIGINT NOT NULL,
    item_id BIGINT NOT NULL,
    sku_id BIGINT NOT NULL,
    rel_item_id TEXT,
    rel_sku_id TEXT,
    sku_nick TEXT NOT NULL,
    product_num BIGINT NOT NULL,
    handling_way BIGINT NOT NULL,       -- 1 return+refund, 10 refund only, 3 exchange
    negotiate_status BIGINT NOT NULL,   -- 1 pending, 2 agreed, 3 rejected
    status BIGINT NOT NULL,             -- 10 … 70 (refunds::RefundStatus)
    refund_fee BIGINT NOT NULL,
    refund_reason BIGINT NOT NULL,
    refund_reason_desc TEXT NOT NULL,
    refund_desc TEXT NOT NULL,
    refund_type BIGINT NOT NULL,        -- 1 buyer, 2 seller
    receipt_status BIGINT NOT NULL,     -- 1 not received, 2 received
    return_express_code BIGINT,
    return_express_no TEXT,
    return_address_id BIGINT,
    reject_reason_code BIGINT,
    reject_desc TEXT,
    submit_time BIGINT NOT NULL,
    expire_time BIGINT NOT NULL,
    end_time BIGINT,
    create_time BIGINT NOT NULL,
    update_time BIGINT NOT NULL
);
CREATE INDEX refunds_seller_create ON refunds (seller_id, create_time, id);
CREATE INDEX refunds_seller_update ON refunds (seller_id, update_time, id);
CREATE INDEX refunds_order ON refunds (order_id, status);

-- Per-merchant commerce settings; no row = defaults (vault::DEFAULT_DAILY_DECRYPT_QUOTA).
CREATE TABLE merchant_commerce_settings (
    seller_id BIGINT PRIMARY KEY REFERENCES accounts(id),
    daily_decrypt_quota BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- One row per order and day the order was decrypted: the quota counts each order once a day.
CREATE TABLE decrypt_usage (
    seller_id BIGINT NOT NULL,
    day BIGINT NOT NULL,                -- day number in the quota time zone (+08:00)
    order_id BIGINT NOT NULL,
    charged BIGINT NOT NULL,            -- 0 = free (an after-sales case was open)
    created_at BIGINT NOT NULL,
    PRIMARY KEY (seller_id, day, order_id)
);

-- Every decryption: who, through which app, which order and field, when.
CREATE TABLE decrypt_audit (
    id {{id}},
    seller_id BIGINT NOT NULL,
    app_id BIGINT,
    operator_id BIGINT,
    order_id BIGINT NOT NULL,
    field TEXT NOT NULL,                -- consignee | mobile | address
    charged BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX decrypt_audit_app ON decrypt_audit (app_id, created_at);
CREATE INDEX decrypt_audit_seller ON decrypt_audit (seller_id, created_at);

-- Events written in the same transaction as the change they describe; the push worker
-- (a later issue) fans them out and marks them dispatched.
CREATE TABLE outbox (
    id {{id}},
    event TEXT NOT NULL,                -- e.g. kwaishop_order_paySuccess
    scope TEXT NOT NULL,                -- merchant_order | merchant_refund | merchant_item
    biz_id BIGINT NOT NULL,             -- order, refund or item id
    seller_id BIGINT NOT NULL,
    buyer_id BIGINT,                    -- for buyerOpenId, filled per app at delivery
    info TEXT NOT NULL,                 -- the event's info JSON (openId fields left empty)
    created_at BIGINT NOT NULL,
    dispatched_at BIGINT                -- set by the push worker once fanned out
);
CREATE INDEX outbox_pending ON outbox (dispatched_at, id);
CREATE INDEX outbox_biz ON outbox (biz_id, id);
