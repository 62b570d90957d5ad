-- The whole platform's schema. Ids and amounts are 64-bit integers (amounts
-- in minor units), times are UTC DATETIMEs to the second, JSON is TEXT. The
-- MySQL migration of the same number has the same tables and columns.

-- +goose Up
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT     NOT NULL UNIQUE,
    password_hash TEXT     NOT NULL DEFAULT '',
    role          TEXT     NOT NULL DEFAULT 'customer',
    status        TEXT     NOT NULL DEFAULT 'active',
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);

CREATE TABLE profiles (
    user_id     BIGINT  NOT NULL PRIMARY KEY REFERENCES users (id),
    name        TEXT    NOT NULL DEFAULT '',
    company     TEXT    NOT NULL DEFAULT '',
    phone       TEXT    NOT NULL DEFAULT '',
    address     TEXT    NOT NULL DEFAULT '',
    city        TEXT    NOT NULL DEFAULT '',
    region      TEXT    NOT NULL DEFAULT '',
    postal      TEXT    NOT NULL DEFAULT '',
    country     TEXT    NOT NULL DEFAULT '',
    vat_id      TEXT    NOT NULL DEFAULT '',
    tax_exempt  BOOLEAN NOT NULL DEFAULT FALSE,
    admin_notes TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE roles (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE permissions (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE role_permissions (
    role_id       BIGINT NOT NULL REFERENCES roles (id),
    permission_id BIGINT NOT NULL REFERENCES permissions (id),
    PRIMARY KEY (role_id, permission_id)
);

CREATE TABLE user_roles (
    user_id BIGINT NOT NULL REFERENCES users (id),
    role_id BIGINT NOT NULL REFERENCES roles (id),
    PRIMARY KEY (user_id, role_id)
);

CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    at              DATETIME NOT NULL,
    actor_id        BIGINT,
    impersonator_id BIGINT,
    action          TEXT     NOT NULL,
    resource_type   TEXT     NOT NULL DEFAULT '',
    resource_id     TEXT     NOT NULL DEFAULT '',
    ip              TEXT     NOT NULL DEFAULT '',
    user_agent      TEXT     NOT NULL DEFAULT '',
    before_json     TEXT     NOT NULL DEFAULT '',
    after_json      TEXT     NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
CREATE INDEX audit_log_resource ON audit_log (resource_type, resource_id, at);
CREATE INDEX audit_log_action ON audit_log (action, at);

CREATE TABLE plans (
    id            INTEGER PRIMARY KEY,
    code          TEXT     NOT NULL UNIQUE,
    name          TEXT     NOT NULL,
    service_type  TEXT     NOT NULL,
    status        TEXT     NOT NULL,
    features_json TEXT     NOT NULL DEFAULT '{}',
    stock         BIGINT,
    trial_days    BIGINT   NOT NULL DEFAULT 0,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);

CREATE TABLE plan_prices (
    id        INTEGER PRIMARY KEY,
    plan_id   BIGINT NOT NULL REFERENCES plans (id),
    currency  TEXT   NOT NULL,
    cycle     TEXT   NOT NULL,
    amount    BIGINT NOT NULL,
    setup_fee BIGINT NOT NULL DEFAULT 0,
    UNIQUE (plan_id, currency, cycle)
);

CREATE TABLE plan_upgrades (
    plan_id        BIGINT NOT NULL REFERENCES plans (id),
    target_plan_id BIGINT NOT NULL REFERENCES plans (id),
    PRIMARY KEY (plan_id, target_plan_id)
);

CREATE TABLE config_options (
    id        INTEGER PRIMARY KEY,
    plan_id   BIGINT NOT NULL REFERENCES plans (id),
    code      TEXT   NOT NULL,
    name      TEXT   NOT NULL,
    unit      TEXT   NOT NULL DEFAULT '',
    min_units BIGINT NOT NULL DEFAULT 0,
    max_units BIGINT NOT NULL,
    UNIQUE (plan_id, code)
);

CREATE TABLE config_option_prices (
    id          INTEGER PRIMARY KEY,
    option_id   BIGINT NOT NULL REFERENCES config_options (id),
    currency    TEXT   NOT NULL,
    cycle       TEXT   NOT NULL,
    unit_amount BIGINT NOT NULL,
    UNIQUE (option_id, currency, cycle)
);

CREATE TABLE coupons (
    id                   INTEGER PRIMARY KEY,
    code                 TEXT     NOT NULL UNIQUE,
    kind                 TEXT     NOT NULL,
    percent_ppm          BIGINT   NOT NULL DEFAULT 0,
    amounts_off_json     TEXT     NOT NULL DEFAULT '{}',
    plan_ids_json        TEXT     NOT NULL DEFAULT '[]',
    max_uses             BIGINT   NOT NULL DEFAULT 0,
    times_used           BIGINT   NOT NULL DEFAULT 0,
    once_per_customer    BOOLEAN  NOT NULL DEFAULT FALSE,
    expires_at           DATETIME,
    duration             TEXT     NOT NULL,
    duration_cycles      BIGINT   NOT NULL DEFAULT 0,
    trial_extension_days BIGINT   NOT NULL DEFAULT 0,
    active               BOOLEAN  NOT NULL DEFAULT TRUE,
    created_at           DATETIME NOT NULL
);

CREATE TABLE subscriptions (
    id                   INTEGER PRIMARY KEY,
    customer_id          BIGINT   NOT NULL REFERENCES users (id),
    plan_id              BIGINT   NOT NULL REFERENCES plans (id),
    currency             TEXT     NOT NULL,
    cycle                TEXT     NOT NULL,
    status               TEXT     NOT NULL,
    options_json         TEXT     NOT NULL DEFAULT '[]',
    anchor_at            DATETIME NOT NULL,
    current_period_start DATETIME NOT NULL,
    current_period_end   DATETIME NOT NULL,
    invoiced_through     DATETIME NOT NULL,
    trial_end            DATETIME,
    cancel_at_period_end BOOLEAN  NOT NULL DEFAULT FALSE,
    cancel_reason        TEXT     NOT NULL DEFAULT '',
    cancelled_at         DATETIME,
    suspend_hold         BOOLEAN  NOT NULL DEFAULT FALSE,
    coupon_id            BIGINT REFERENCES coupons (id),
    coupon_cycles_left   BIGINT   NOT NULL DEFAULT 0,
    suspended_at         DATETIME,
    created_at           DATETIME NOT NULL,
    updated_at           DATETIME NOT NULL
);
CREATE INDEX subscriptions_renewal ON subscriptions (status, invoiced_through);
CREATE INDEX subscriptions_customer ON subscriptions (customer_id);

CREATE TABLE coupon_redemptions (
    id              INTEGER PRIMARY KEY,
    coupon_id       BIGINT   NOT NULL REFERENCES coupons (id),
    customer_id     BIGINT   NOT NULL REFERENCES users (id),
    subscription_id BIGINT REFERENCES subscriptions (id),
    -- once_key is the customer id for once-per-customer coupons and NULL
    -- otherwise, so the unique index enforces "once" only where it applies.
    once_key        BIGINT,
    created_at      DATETIME NOT NULL,
    UNIQUE (coupon_id, once_key)
);

CREATE TABLE invoices (
    id                 INTEGER PRIMARY KEY,
    number             TEXT UNIQUE,
    kind               TEXT     NOT NULL,
    billing_reason     TEXT     NOT NULL,
    customer_id        BIGINT   NOT NULL REFERENCES users (id),
    subscription_id    BIGINT REFERENCES subscriptions (id),
    related_invoice_id BIGINT REFERENCES invoices (id),
    currency           TEXT     NOT NULL,
    status             TEXT     NOT NULL,
    subtotal           BIGINT   NOT NULL,
    tax                BIGINT   NOT NULL,
    total              BIGINT   NOT NULL,
    amount_paid        BIGINT   NOT NULL DEFAULT 0,
    tax_rate_ppm       BIGINT   NOT NULL DEFAULT 0,
    tax_name           TEXT     NOT NULL DEFAULT '',
    tax_inclusive      BOOLEAN  NOT NULL DEFAULT FALSE,
    reverse_charge     BOOLEAN  NOT NULL DEFAULT FALSE,
    period_start       DATETIME,
    period_end         DATETIME,
    customer_json      TEXT     NOT NULL,
    company_json       TEXT     NOT NULL,
    plan_change_json   TEXT     NOT NULL DEFAULT '',
    issued_at          DATETIME,
    due_at             DATETIME,
    paid_at            DATETIME,
    voided_at          DATETIME,
    created_at         DATETIME NOT NULL,
    -- renewal_key names the subscription period a renewal invoice bills;
    -- unique, so a period is invoiced once whatever races, and cleared when
    -- the invoice is voided so the period can be invoiced again (after a
    -- plan change, say).
    renewal_key        TEXT UNIQUE
);
CREATE INDEX invoices_customer ON invoices (customer_id, created_at);
CREATE INDEX invoices_status_due ON invoices (status, due_at);

CREATE TABLE invoice_items (
    id           INTEGER PRIMARY KEY,
    invoice_id   BIGINT NOT NULL REFERENCES invoices (id),
    position     BIGINT NOT NULL,
    kind         TEXT   NOT NULL,
    description  TEXT   NOT NULL,
    quantity     BIGINT NOT NULL,
    unit_amount  BIGINT NOT NULL,
    amount       BIGINT NOT NULL,
    tax_amount   BIGINT NOT NULL,
    period_start DATETIME,
    period_end   DATETIME
);
CREATE INDEX invoice_items_invoice ON invoice_items (invoice_id, position);

CREATE TABLE invoice_sequences (
    scope      TEXT   NOT NULL PRIMARY KEY,
    seq_value BIGINT NOT NULL
);

CREATE TABLE payment_methods (
    id                  INTEGER PRIMARY KEY,
    customer_id         BIGINT   NOT NULL REFERENCES users (id),
    gateway             TEXT     NOT NULL,
    gateway_customer_id TEXT     NOT NULL,
    gateway_method_id   TEXT     NOT NULL,
    brand               TEXT     NOT NULL DEFAULT '',
    last4               TEXT     NOT NULL DEFAULT '',
    exp_month           BIGINT   NOT NULL DEFAULT 0,
    exp_year            BIGINT   NOT NULL DEFAULT 0,
    is_default          BOOLEAN  NOT NULL DEFAULT FALSE,
    created_at          DATETIME NOT NULL,
    UNIQUE (gateway, gateway_method_id)
);

CREATE TABLE payment_transactions (
    id              INTEGER PRIMARY KEY,
    invoice_id      BIGINT REFERENCES invoices (id),
    customer_id     BIGINT   NOT NULL REFERENCES users (id),
    gateway         TEXT     NOT NULL,
    gateway_id      TEXT     NOT NULL,
    kind            TEXT     NOT NULL,
    amount          BIGINT   NOT NULL,
    currency        TEXT     NOT NULL,
    fee             BIGINT   NOT NULL DEFAULT 0,
    status          TEXT     NOT NULL,
    method          TEXT     NOT NULL DEFAULT '',
    failure_message TEXT     NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL,
    -- A gateway's payment is recorded once, whichever path reports it.
    UNIQUE (gateway, gateway_id)
);
CREATE INDEX payment_transactions_invoice ON payment_transactions (invoice_id);

CREATE TABLE gateway_events (
    id           INTEGER PRIMARY KEY,
    gateway      TEXT     NOT NULL,
    event_id     TEXT     NOT NULL,
    event_type   TEXT     NOT NULL,
    payload      TEXT     NOT NULL,
    received_at  DATETIME NOT NULL,
    processed_at DATETIME,
    UNIQUE (gateway, event_id)
);

CREATE TABLE credit_ledger (
    id          INTEGER PRIMARY KEY,
    customer_id BIGINT   NOT NULL REFERENCES users (id),
    currency    TEXT     NOT NULL,
    amount      BIGINT   NOT NULL,
    reason      TEXT     NOT NULL,
    invoice_id  BIGINT REFERENCES invoices (id),
    created_at  DATETIME NOT NULL
);
CREATE INDEX credit_ledger_customer ON credit_ledger (customer_id, currency);

CREATE TABLE tax_rates (
    id          INTEGER PRIMARY KEY,
    country     TEXT     NOT NULL,
    region      TEXT     NOT NULL DEFAULT '',
    name        TEXT     NOT NULL,
    rate_ppm    BIGINT   NOT NULL,
    valid_from  DATETIME NOT NULL,
    valid_until DATETIME
);
CREATE INDEX tax_rates_place ON tax_rates (country, region);

CREATE TABLE mrr_events (
    id              INTEGER PRIMARY KEY,
    at              DATETIME NOT NULL,
    subscription_id BIGINT   NOT NULL REFERENCES subscriptions (id),
    customer_id     BIGINT   NOT NULL,
    plan_id         BIGINT   NOT NULL,
    currency        TEXT     NOT NULL,
    before_amount   BIGINT   NOT NULL,
    after_amount    BIGINT   NOT NULL
);
CREATE INDEX mrr_events_at ON mrr_events (at);

CREATE TABLE dunning_steps (
    invoice_id BIGINT   NOT NULL REFERENCES invoices (id),
    step_key   TEXT     NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (invoice_id, step_key)
);

CREATE TABLE services (
    id              INTEGER PRIMARY KEY,
    subscription_id BIGINT REFERENCES subscriptions (id),
    customer_id     BIGINT   NOT NULL REFERENCES users (id),
    plan_id         BIGINT   NOT NULL REFERENCES plans (id),
    service_type    TEXT     NOT NULL,
    platform        TEXT     NOT NULL,
    external_id     TEXT     NOT NULL DEFAULT '',
    status          TEXT     NOT NULL,
    hostname        TEXT     NOT NULL DEFAULT '',
    ipv4            TEXT     NOT NULL DEFAULT '',
    ipv6            TEXT     NOT NULL DEFAULT '',
    credentials_enc TEXT     NOT NULL DEFAULT '',
    auto_renew      BOOLEAN  NOT NULL DEFAULT TRUE,
    provisioned_at  DATETIME,
    suspended_at    DATETIME,
    terminated_at   DATETIME,
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL
);
CREATE INDEX services_customer ON services (customer_id);
CREATE INDEX services_subscription ON services (subscription_id);

CREATE TABLE provisioning_log (
    id              INTEGER PRIMARY KEY,
    service_id      BIGINT   NOT NULL REFERENCES services (id),
    action          TEXT     NOT NULL,
    request_summary TEXT     NOT NULL DEFAULT '',
    response        TEXT     NOT NULL DEFAULT '',
    error           TEXT     NOT NULL DEFAULT '',
    duration_ms     BIGINT   NOT NULL DEFAULT 0,
    admin_id        BIGINT,
    created_at      DATETIME NOT NULL
);
CREATE INDEX provisioning_log_service ON provisioning_log (service_id, created_at);

CREATE TABLE bandwidth_usage (
    id           INTEGER PRIMARY KEY,
    service_id   BIGINT   NOT NULL REFERENCES services (id),
    period_start DATETIME NOT NULL,
    period_end   DATETIME NOT NULL,
    bytes_in     BIGINT   NOT NULL DEFAULT 0,
    bytes_out    BIGINT   NOT NULL DEFAULT 0,
    updated_at   DATETIME NOT NULL,
    UNIQUE (service_id, period_start)
);

CREATE TABLE support_tickets (
    id            INTEGER PRIMARY KEY,
    external_id   TEXT     NOT NULL UNIQUE,
    customer_id   BIGINT REFERENCES users (id),
    subject       TEXT     NOT NULL,
    status        TEXT     NOT NULL,
    priority      TEXT     NOT NULL DEFAULT '',
    department    TEXT     NOT NULL DEFAULT '',
    last_reply_at DATETIME,
    updated_at    DATETIME NOT NULL
);
CREATE INDEX support_tickets_customer ON support_tickets (customer_id, updated_at);

CREATE TABLE announcements (
    id           INTEGER PRIMARY KEY,
    title        TEXT     NOT NULL,
    body         TEXT     NOT NULL,
    published_at DATETIME,
    created_at   DATETIME NOT NULL
);

CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT     NOT NULL,
    dedupe_key   TEXT UNIQUE,
    payload      TEXT     NOT NULL,
    status       TEXT     NOT NULL DEFAULT 'pending',
    attempts     BIGINT   NOT NULL DEFAULT 0,
    max_attempts BIGINT   NOT NULL DEFAULT 10,
    run_at       DATETIME NOT NULL,
    locked_by    TEXT     NOT NULL DEFAULT '',
    locked_until DATETIME,
    last_error   TEXT     NOT NULL DEFAULT '',
    created_at   DATETIME NOT NULL,
    finished_at  DATETIME
);
CREATE INDEX jobs_ready ON jobs (status, run_at);

CREATE TABLE schedule_leases (
    name       TEXT     NOT NULL PRIMARY KEY,
    holder     TEXT     NOT NULL,
    expires_at DATETIME NOT NULL
);

CREATE TABLE settings (
    name       TEXT     NOT NULL PRIMARY KEY,
    value      TEXT     NOT NULL,
    updated_at DATETIME NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE schedule_leases;
DROP TABLE jobs;
DROP TABLE announcements;
DROP TABLE support_tickets;
DROP TABLE bandwidth_usage;
DROP TABLE provisioning_log;
DROP TABLE services;
DROP TABLE dunning_steps;
DROP TABLE mrr_events;
DROP TABLE tax_rates;
DROP TABLE credit_ledger;
DROP TABLE gateway_events;
DROP TABLE payment_transactions;
DROP TABLE payment_methods;
DROP TABLE invoice_sequences;
DROP TABLE invoice_items;
DROP TABLE invoices;
DROP TABLE coupon_redemptions;
DROP TABLE subscriptions;
DROP TABLE coupons;
DROP TABLE config_option_prices;
DROP TABLE config_options;
DROP TABLE plan_upgrades;
DROP TABLE plan_prices;
DROP TABLE plans;
DROP TABLE audit_log;
DROP TABLE user_roles;
DROP TABLE role_permissions;
DROP TABLE permissions;
DROP TABLE roles;
DROP TABLE profiles;
DROP TABLE users;
