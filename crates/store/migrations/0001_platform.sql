-- Platform core: accounts, developers, apps, permission packages, test and authorized users.
-- One text for both dialects: {{id}} is the auto-increment primary key, {{bytes}} a byte string.
-- Times are milliseconds since the epoch (BIGINT); booleans are 0/1.

CREATE TABLE accounts (
    id {{id}},
    login TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,                 -- operator | developer | merchant | staff
    main_account_id BIGINT REFERENCES accounts(id),
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE shops (
    id {{id}},
    owner_id BIGINT NOT NULL UNIQUE REFERENCES accounts(id),
    name TEXT NOT NULL,
    shop_type BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    id {{id}},
    token_hash TEXT NOT NULL UNIQUE,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    id {{id}},
    token_hash TEXT NOT NULL UNIQUE,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE developers (
    id {{id}},
    account_id BIGINT NOT NULL UNIQUE REFERENCES accounts(id),
    email TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,                -- draft | submitted | approved | rejected | cleared
    role TEXT,                          -- third_party | merchant | distributor | affiliate | partner
    agreement_version TEXT,
    agreement_accepted_at BIGINT,
    legal_person_name TEXT,
    legal_person_id_enc {{bytes}},      -- AES-GCM ciphertext
    enterprise_name TEXT,
    licence_number TEXT,
    enterprise_description TEXT,
    admin_name TEXT,
    admin_phone_enc {{bytes}},          -- AES-GCM ciphertext
    admin_email TEXT,
    identity_key TEXT,                  -- keyed hash of licence + administrator phone
    reject_reason TEXT,
    submitted_at BIGINT,
    reviewed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- The same enterprise and administrator may hold several roles, never the same role twice.
CREATE UNIQUE INDEX developers_identity_role ON developers (identity_key, role)
    WHERE state IN ('submitted', 'approved');

CREATE TABLE documents (
    id {{id}},
    owner_id BIGINT NOT NULL REFERENCES accounts(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    data {{bytes}} NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE apps (
    id {{id}},
    developer_id BIGINT NOT NULL REFERENCES developers(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    icon_doc_id BIGINT REFERENCES documents(id),
    category_l1 TEXT NOT NULL,
    category_l2 TEXT NOT NULL,
    callback_url TEXT NOT NULL,
    website TEXT,
    mrd_doc_id BIGINT REFERENCES documents(id),
    prd_doc_id BIGINT REFERENCES documents(id),
    state TEXT NOT NULL,
    app_key TEXT UNIQUE,
    app_secret_enc {{bytes}},
    sign_secret_enc {{bytes}},
    push_key_enc {{bytes}},
    prev_app_secret_enc {{bytes}},      -- the rotated-out secret, valid until the time beside it
    prev_app_secret_until BIGINT,
    prev_sign_secret_enc {{bytes}},
    prev_sign_secret_until BIGINT,
    reject_reason TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    approved_at BIGINT,
    online_at BIGINT
);
CREATE UNIQUE INDEX apps_developer_name ON apps (developer_id, name) WHERE state <> 'deleted';

CREATE TABLE app_scopes (
    id {{id}},
    app_id BIGINT NOT NULL REFERENCES apps(id),
    scope TEXT NOT NULL,
    state TEXT NOT NULL,                -- granted | pending | rejected
    reason TEXT,                        -- why the developer asks
    decision_reason TEXT,               -- why the operator rejected
    requested_at BIGINT NOT NULL,
    decided_at BIGINT,
    UNIQUE (app_id, scope)
);

CREATE TABLE app_users (
    id {{id}},
    app_id BIGINT NOT NULL REFERENCES apps(id),
    user_id BIGINT NOT NULL REFERENCES accounts(id),
    list TEXT NOT NULL,                 -- test | authorized
    added_at BIGINT NOT NULL,
    UNIQUE (app_id, user_id, list)
);

CREATE TABLE reviews (
    id {{id}},
    subject TEXT NOT NULL,              -- developer | app | scope | launch
    subject_id BIGINT NOT NULL,
    decision TEXT NOT NULL,             -- approved | rejected
    reason TEXT,
    operator_id BIGINT NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX reviews_subject ON reviews (subject, subject_id);

CREATE TABLE notifications (
    id {{id}},
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_account ON notifications (account_id, id);
