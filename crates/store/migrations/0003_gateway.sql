-- API gateway: per-app traffic settings, persisted daily usage, call statistics.
-- One text for both dialects ({{id}}, {{bytes}}); times are ms, days are day numbers since
-- 1970-01-01 in the quota time zone (rules.traffic.day_offset, +08:00 by default).

-- Operator-set tiers and the developer's sign-debug switch. No row = defaults.
CREATE TABLE app_gateway (
    app_id BIGINT PRIMARY KEY REFERENCES apps(id),
    daily_tier BIGINT,                  -- in 万 (10 000) calls/day; NULL = default for the app's state
    qps_tier BIGINT,                    -- per-API QPS; NULL = 100
    sign_debug BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL
);

-- Daily counters, flushed from memory in batches. subject: '' = the app's total,
-- 'u:<user>' = a test user, 'u:<user>:<method>' = a user's per-API daily cap.
CREATE TABLE traffic_usage (
    app_id BIGINT NOT NULL,
    subject TEXT NOT NULL,
    day BIGINT NOT NULL,
    used BIGINT NOT NULL,
    resets BIGINT NOT NULL DEFAULT 0,   -- "reset today" uses (app total only)
    PRIMARY KEY (app_id, subject, day)
);

-- Calls per app x method x day x outcome (result code), with a latency histogram.
CREATE TABLE call_stats (
    app_id BIGINT NOT NULL,
    method TEXT NOT NULL,
    day BIGINT NOT NULL,
    outcome BIGINT NOT NULL,
    calls BIGINT NOT NULL,
    latency_us_sum BIGINT NOT NULL,
    le_1ms BIGINT NOT NULL,
    le_5ms BIGINT NOT NULL,
    le_25ms BIGINT NOT NULL,
    le_100ms BIGINT NOT NULL,
    le_500ms BIGINT NOT NULL,
    gt_500ms BIGINT NOT NULL,
    PRIMARY KEY (app_id, method, day, outcome)
);

-- The most recent failed calls per app (trimmed to the last 100 on every flush).
CREATE TABLE call_failures (
    id {{id}},
    app_id BIGINT NOT NULL,
    method TEXT NOT NULL,
    code BIGINT NOT NULL,
    message TEXT NOT NULL,
    request_id TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX call_failures_app ON call_failures (app_id, id);
