-- The wire view of every order: the JSON object of `orderList[]` (open.order.cursor.list) and
-- of `data` (open.order.detail), rendered in the transaction of every change to the order or
-- its items, refunds, packages and notes (commerce/src/orders/view.rs). A page of 50 orders is
-- then one narrow read instead of a join over five tables and ~4000 JSON values built per call.
-- `order_id` is the table's row id on SQLite ({{row_key}}), so a view is one B-tree descent.
CREATE TABLE order_views (
    order_id {{row_key}} REFERENCES orders(id),
    body TEXT NOT NULL
);
-- The page filters (status, cpsType) answered from the index, without reading the wide order
-- rows: a page reads only these indexes and order_views.
DROP INDEX orders_seller_create;
CREATE INDEX orders_seller_create ON orders (seller_id, create_time, id, status, cps_type);
DROP INDEX orders_seller_update;
CREATE INDEX orders_seller_update ON orders (seller_id, update_time, id, status, cps_type);
-- Orders written before this migration get their views at the next start
-- (commerce/src/orders/view.rs, `backfill`): this row remembers the last order id rendered, so
-- an interrupted start resumes, and is deleted when all are done.
CREATE TABLE order_views_backfill (after_id BIGINT NOT NULL);
INSERT INTO order_views_backfill (after_id) VALUES (0);
