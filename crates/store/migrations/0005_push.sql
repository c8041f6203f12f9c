-- Message push (protocol-notes §4): per-app settings, one message per (outbox event, app) with
-- its delivery state, and every attempt. One text for both dialects; times in ms.

-- An app's push channel. `paused_at` is set by the heartbeat after consecutive failures; while
-- set, deliveries wait (they are not dropped).
CREATE TABLE push_settings (
    app_id BIGINT PRIMARY KEY REFERENCES apps(id),
    enabled BIGINT NOT NULL,                -- the push switch (0/1)
    url TEXT,
    events TEXT NOT NULL,                   -- comma-separated subscribed event names
    paused_at BIGINT,
    heartbeat_failures BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL
);

-- One message per (outbox event, app). status: pending | delivered | failed | dropped.
-- A dropped message records the K4001 filter that stopped it (drop_reason) and is never sent.
-- lease_until: a claimed message belongs to the node that claimed it until then (conditional
-- UPDATE claim; see kaifang_push::worker).
CREATE TABLE push_messages (
    id {{id}},
    app_id BIGINT NOT NULL REFERENCES apps(id),
    outbox_id BIGINT NOT NULL,
    event_id TEXT NOT NULL,
    event TEXT NOT NULL,
    biz_id BIGINT NOT NULL,
    seller_id BIGINT NOT NULL,
    payload TEXT NOT NULL,                  -- the envelope JSON, encrypted at send time
    status TEXT NOT NULL,
    drop_reason TEXT,
    attempts BIGINT NOT NULL DEFAULT 0,     -- every attempt, manual re-pushes included
    step BIGINT NOT NULL DEFAULT 0,         -- failures in the current retry schedule
    next_attempt_at BIGINT,
    lease_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,             -- the event's time (outbox.created_at)
    updated_at BIGINT NOT NULL,
    delivered_at BIGINT,
    UNIQUE (outbox_id, app_id)
);
CREATE INDEX push_messages_due ON push_messages (status, next_attempt_at);
CREATE INDEX push_messages_app ON push_messages (app_id, created_at);

CREATE TABLE push_attempts (
    id {{id}},
    message_id BIGINT NOT NULL REFERENCES push_messages(id),
    at BIGINT NOT NULL,
    http_status BIGINT,                     -- NULL when no HTTP answer came
    latency_ms BIGINT NOT NULL,
    ok BIGINT NOT NULL,
    reason TEXT,                            -- why it failed
    manual BIGINT NOT NULL DEFAULT 0        -- a console re-push
);
CREATE INDEX push_attempts_message ON push_attempts (message_id, id);
