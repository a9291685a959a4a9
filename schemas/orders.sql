-- Target tables of the example 'orders' pipeline (see orders.schema.json and
-- docs/transforms.md). Unqualified on purpose, like events.sql.
--
-- orders: one row per order, upserted by order_id (the latest version of an order wins); the
-- nested customer is split into columns and its address kept as jsonb.
CREATE TABLE IF NOT EXISTS orders (
    order_id       text        PRIMARY KEY,
    placed_at      timestamptz NOT NULL,
    status         text        NOT NULL DEFAULT 'placed',
    customer_id    bigint      NOT NULL,
    customer_email varchar(200) NOT NULL,
    address        jsonb,
    tags           text[],
    -- Filled by the order-lines transform; NULL when a pipeline maps orders without it.
    line_count     integer,
    total          numeric(14, 2) CHECK (total >= 0)
);

-- order_lines: one row per line item, written by the order-lines transform.
CREATE TABLE IF NOT EXISTS order_lines (
    order_id   text          NOT NULL,
    line_no    integer       NOT NULL,
    sku        varchar(32)   NOT NULL,
    quantity   integer       NOT NULL CHECK (quantity > 0),
    unit_price numeric(12, 2) NOT NULL,
    PRIMARY KEY (order_id, line_no)
);
