-- The whole platform's schema for MySQL 8 and MariaDB 10.11: the same tables
-- and columns as the SQLite migration of the same number. Indexed strings are
-- VARCHAR(191) (the utf8mb4 index limit of older servers); long text has no
-- DEFAULT because MySQL refuses literal defaults on TEXT, so every insert
-- names every column. Binary collation keeps comparisons as exact as SQLite's.

-- +goose Up
CREATE TABLE users (
    id            BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email         VARCHAR(191)     NOT NULL UNIQUE,
    password_hash TEXT     NOT NULL,
    role          VARCHAR(191)     NOT NULL DEFAULT 'customer',
    status        VARCHAR(191)     NOT NULL DEFAULT 'active',
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE profiles (
    user_id     BIGINT  NOT NULL PRIMARY KEY REFERENCES users (id),
    name        VARCHAR(191)    NOT NULL DEFAULT '',
    company     VARCHAR(191)    NOT NULL DEFAULT '',
    phone       VARCHAR(191)    NOT NULL DEFAULT '',
    address     TEXT    NOT NULL,
    city        VARCHAR(191)    NOT NULL DEFAULT '',
    region      VARCHAR(191)    NOT NULL DEFAULT '',
    postal      VARCHAR(191)    NOT NULL DEFAULT '',
    country     VARCHAR(191)    NOT NULL DEFAULT '',
    vat_id      VARCHAR(191)    NOT NULL DEFAULT '',
    tax_exempt  BOOLEAN NOT NULL DEFAULT FALSE,
    admin_notes TEXT    NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE roles (
    id   BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(191) NOT NULL UNIQUE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE permissions (
    id   BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(191) NOT NULL UNIQUE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE role_permissions (
    role_id       BIGINT NOT NULL REFERENCES roles (id),
    permission_id BIGINT NOT NULL REFERENCES permissions (id),
    PRIMARY KEY (role_id, permission_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE user_roles (
    user_id BIGINT NOT NULL REFERENCES users (id),
    role_id BIGINT NOT NULL REFERENCES roles (id),
    PRIMARY KEY (user_id, role_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE audit_log (
    id              BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    at              DATETIME NOT NULL,
    actor_id        BIGINT,
    impersonator_id BIGINT,
    action          VARCHAR(191)     NOT NULL,
    resource_type   VARCHAR(191)     NOT NULL DEFAULT '',
    resource_id     VARCHAR(191)     NOT NULL DEFAULT '',
    ip              VARCHAR(191)     NOT NULL DEFAULT '',
    user_agent      TEXT     NOT NULL,
    before_json     TEXT     NOT NULL,
    after_json      TEXT     NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
CREATE INDEX audit_log_resource ON audit_log (resource_type, resource_id, at);
CREATE INDEX audit_log_action ON audit_log (action, at);

CREATE TABLE plans (
    id            BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    code          VARCHAR(191)     NOT NULL UNIQUE,
    name          VARCHAR(191)     NOT NULL,
    service_type  VARCHAR(191)     NOT NULL,
    status        VARCHAR(191)     NOT NULL,
    features_json TEXT     NOT NULL,
    stock         BIGINT,
    trial_days    BIGINT   NOT NULL DEFAULT 0,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE plan_prices (
    id        BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    plan_id   BIGINT NOT NULL REFERENCES plans (id),
    currency  VARCHAR(191)   NOT NULL,
    cycle     VARCHAR(191)   NOT NULL,
    amount    BIGINT NOT NULL,
    setup_fee BIGINT NOT NULL DEFAULT 0,
    UNIQUE (plan_id, currency, cycle)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE plan_upgrades (
    plan_id        BIGINT NOT NULL REFERENCES plans (id),
    target_plan_id BIGINT NOT NULL REFERENCES plans (id),
    PRIMARY KEY (plan_id, target_plan_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE config_options (
    id        BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    plan_id   BIGINT NOT NULL REFERENCES plans (id),
    code      VARCHAR(191)   NOT NULL,
    name      VARCHAR(191)   NOT NULL,
    unit      VARCHAR(191)   NOT NULL DEFAULT '',
    min_units BIGINT NOT NULL DEFAULT 0,
    max_units BIGINT NOT NULL,
    UNIQUE (plan_id, code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE config_option_prices (
    id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    option_id   BIGINT NOT NULL REFERENCES config_options (id),
    currency    VARCHAR(191)   NOT NULL,
    cycle       VARCHAR(191)   NOT NULL,
    unit_amount BIGINT NOT NULL,
    UNIQUE (option_id, currency, cycle)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE coupons (
    id                   BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    code                 VARCHAR(191)     NOT NULL UNIQUE,
    kind                 VARCHAR(191)     NOT NULL,
    percent_ppm          BIGINT   NOT NULL DEFAULT 0,
    amounts_off_json     TEXT     NOT NULL,
    plan_ids_json        TEXT     NOT NULL,
    max_uses             BIGINT   NOT NULL DEFAULT 0,
    times_used           BIGINT   NOT NULL DEFAULT 0,
    once_per_customer    BOOLEAN  NOT NULL DEFAULT FALSE,
    expires_at           DATETIME,
    duration             VARCHAR(191)     NOT NULL,
    duration_cycles      BIGINT   NOT NULL DEFAULT 0,
    trial_extension_days BIGINT   NOT NULL DEFAULT 0,
    active               BOOLEAN  NOT NULL DEFAULT TRUE,
    created_at           DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE subscriptions (
    id                   BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    customer_id          BIGINT   NOT NULL REFERENCES users (id),
    plan_id              BIGINT   NOT NULL REFERENCES plans (id),
    currency             VARCHAR(191)     NOT NULL,
    cycle                VARCHAR(191)     NOT NULL,
    status               VARCHAR(191)     NOT NULL,
    options_json         TEXT     NOT NULL,
    anchor_at            DATETIME NOT NULL,
    current_period_start DATETIME NOT NULL,
    current_period_end   DATETIME NOT NULL,
    invoiced_through     DATETIME NOT NULL,
    trial_end            DATETIME,
    cancel_at_period_end BOOLEAN  NOT NULL DEFAULT FALSE,
    cancel_reason        TEXT     NOT NULL,
    cancelled_at         DATETIME,
    suspend_hold         BOOLEAN  NOT NULL DEFAULT FALSE,
    coupon_id            BIGINT REFERENCES coupons (id),
    coupon_cycles_left   BIGINT   NOT NULL DEFAULT 0,
    suspended_at         DATETIME,
    created_at           DATETIME NOT NULL,
    updated_at           DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX subscriptions_renewal ON subscriptions (status, invoiced_through);
CREATE INDEX subscriptions_customer ON subscriptions (customer_id);

CREATE TABLE coupon_redemptions (
    id              BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    coupon_id       BIGINT   NOT NULL REFERENCES coupons (id),
    customer_id     BIGINT   NOT NULL REFERENCES users (id),
    subscription_id BIGINT REFERENCES subscriptions (id),
    -- once_key is the customer id for once-per-customer coupons and NULL
    -- otherwise, so the unique index enforces "once" only where it applies.
    once_key        BIGINT,
    created_at      DATETIME NOT NULL,
    UNIQUE (coupon_id, once_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE invoices (
    id                 BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    number             VARCHAR(191) UNIQUE,
    kind               VARCHAR(191)     NOT NULL,
    billing_reason     VARCHAR(191)     NOT NULL,
    customer_id        BIGINT   NOT NULL REFERENCES users (id),
    subscription_id    BIGINT REFERENCES subscriptions (id),
    related_invoice_id BIGINT REFERENCES invoices (id),
    currency           VARCHAR(191)     NOT NULL,
    status             VARCHAR(191)     NOT NULL,
    subtotal           BIGINT   NOT NULL,
    tax                BIGINT   NOT NULL,
    total              BIGINT   NOT NULL,
    amount_paid        BIGINT   NOT NULL DEFAULT 0,
    tax_rate_ppm       BIGINT   NOT NULL DEFAULT 0,
    tax_name           VARCHAR(191)     NOT NULL DEFAULT '',
    tax_inclusive      BOOLEAN  NOT NULL DEFAULT FALSE,
    reverse_charge     BOOLEAN  NOT NULL DEFAULT FALSE,
    period_start       DATETIME,
    period_end         DATETIME,
    customer_json      TEXT     NOT NULL,
    company_json       TEXT     NOT NULL,
    plan_change_json   TEXT     NOT NULL,
    issued_at          DATETIME,
    due_at             DATETIME,
    paid_at            DATETIME,
    voided_at          DATETIME,
    created_at         DATETIME NOT NULL,
    -- renewal_key names the subscription period a renewal invoice bills;
    -- unique, so a period is invoiced once whatever races, and cleared when
    -- the invoice is voided so the period can be invoiced again (after a
    -- plan change, say).
    renewal_key        VARCHAR(191) UNIQUE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX invoices_customer ON invoices (customer_id, created_at);
CREATE INDEX invoices_status_due ON invoices (status, due_at);

CREATE TABLE invoice_items (
    id           BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    invoice_id   BIGINT NOT NULL REFERENCES invoices (id),
    position     BIGINT NOT NULL,
    kind         VARCHAR(191)   NOT NULL,
    description  TEXT   NOT NULL,
    quantity     BIGINT NOT NULL,
    unit_amount  BIGINT NOT NULL,
    amount       BIGINT NOT NULL,
    tax_amount   BIGINT NOT NULL,
    period_start DATETIME,
    period_end   DATETIME
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX invoice_items_invoice ON invoice_items (invoice_id, position);

CREATE TABLE invoice_sequences (
    scope      VARCHAR(191)   NOT NULL PRIMARY KEY,
    seq_value BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE payment_methods (
    id                  BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    customer_id         BIGINT   NOT NULL REFERENCES users (id),
    gateway             VARCHAR(191)     NOT NULL,
    gateway_customer_id VARCHAR(191)     NOT NULL,
    gateway_method_id   VARCHAR(191)     NOT NULL,
    brand               VARCHAR(191)     NOT NULL DEFAULT '',
    last4               VARCHAR(191)     NOT NULL DEFAULT '',
    exp_month           BIGINT   NOT NULL DEFAULT 0,
    exp_year            BIGINT   NOT NULL DEFAULT 0,
    is_default          BOOLEAN  NOT NULL DEFAULT FALSE,
    created_at          DATETIME NOT NULL,
    UNIQUE (gateway, gateway_method_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE payment_transactions (
    id              BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    invoice_id      BIGINT REFERENCES invoices (id),
    customer_id     BIGINT   NOT NULL REFERENCES users (id),
    gateway         VARCHAR(191)     NOT NULL,
    gateway_id      VARCHAR(191)     NOT NULL,
    kind            VARCHAR(191)     NOT NULL,
    amount          BIGINT   NOT NULL,
    currency        VARCHAR(191)     NOT NULL,
    fee             BIGINT   NOT NULL DEFAULT 0,
    status          VARCHAR(191)     NOT NULL,
    method          VARCHAR(191)     NOT NULL DEFAULT '',
    failure_message TEXT     NOT NULL,
    created_at      DATETIME NOT NULL,
    -- A gateway's payment is recorded once, whichever path reports it.
    UNIQUE (gateway, gateway_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX payment_transactions_invoice ON payment_transactions (invoice_id);

CREATE TABLE gateway_events (
    id           BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    gateway      VARCHAR(191)     NOT NULL,
    event_id     VARCHAR(191)     NOT NULL,
    event_type   VARCHAR(191)     NOT NULL,
    payload      TEXT     NOT NULL,
    received_at  DATETIME NOT NULL,
    processed_at DATETIME,
    UNIQUE (gateway, event_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE credit_ledger (
    id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    customer_id BIGINT   NOT NULL REFERENCES users (id),
    currency    VARCHAR(191)     NOT NULL,
    amount      BIGINT   NOT NULL,
    reason      TEXT     NOT NULL,
    invoice_id  BIGINT REFERENCES invoices (id),
    created_at  DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX credit_ledger_customer ON credit_ledger (customer_id, currency);

CREATE TABLE tax_rates (
    id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    country     VARCHAR(191)     NOT NULL,
    region      VARCHAR(191)     NOT NULL DEFAULT '',
    name        VARCHAR(191)     NOT NULL,
    rate_ppm    BIGINT   NOT NULL,
    valid_from  DATETIME NOT NULL,
    valid_until DATETIME
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX tax_rates_place ON tax_rates (country, region);

CREATE TABLE mrr_events (
    id              BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    at              DATETIME NOT NULL,
    subscription_id BIGINT   NOT NULL REFERENCES subscriptions (id),
    customer_id     BIGINT   NOT NULL,
    plan_id         BIGINT   NOT NULL,
    currency        VARCHAR(191)     NOT NULL,
    before_amount   BIGINT   NOT NULL,
    after_amount    BIGINT   NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX mrr_events_at ON mrr_events (at);

CREATE TABLE dunning_steps (
    invoice_id BIGINT   NOT NULL REFERENCES invoices (id),
    step_key   VARCHAR(191)     NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (invoice_id, step_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE services (
    id              BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    subscription_id BIGINT REFERENCES subscriptions (id),
    customer_id     BIGINT   NOT NULL REFERENCES users (id),
    plan_id         BIGINT   NOT NULL REFERENCES plans (id),
    service_type    VARCHAR(191)     NOT NULL,
    platform        VARCHAR(191)     NOT NULL,
    external_id     VARCHAR(191)     NOT NULL DEFAULT '',
    status          VARCHAR(191)     NOT NULL,
    hostname        VARCHAR(191)     NOT NULL DEFAULT '',
    ipv4            VARCHAR(191)     NOT NULL DEFAULT '',
    ipv6            VARCHAR(191)     NOT NULL DEFAULT '',
    credentials_enc TEXT     NOT NULL,
    auto_renew      BOOLEAN  NOT NULL DEFAULT TRUE,
    provisioned_at  DATETIME,
    suspended_at    DATETIME,
    terminated_at   DATETIME,
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX services_customer ON services (customer_id);
CREATE INDEX services_subscription ON services (subscription_id);

CREATE TABLE provisioning_log (
    id              BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    service_id      BIGINT   NOT NULL REFERENCES services (id),
    action          VARCHAR(191)     NOT NULL,
    request_summary TEXT     NOT NULL,
    response        TEXT     NOT NULL,
    error           TEXT     NOT NULL,
    duration_ms     BIGINT   NOT NULL DEFAULT 0,
    admin_id        BIGINT,
    created_at      DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX provisioning_log_service ON provisioning_log (service_id, created_at);

CREATE TABLE bandwidth_usage (
    id           BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    service_id   BIGINT   NOT NULL REFERENCES services (id),
    period_start DATETIME NOT NULL,
    period_end   DATETIME NOT NULL,
    bytes_in     BIGINT   NOT NULL DEFAULT 0,
    bytes_out    BIGINT   NOT NULL DEFAULT 0,
    updated_at   DATETIME NOT NULL,
    UNIQUE (service_id, period_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE support_tickets (
    id            BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    external_id   VARCHAR(191)     NOT NULL UNIQUE,
    customer_id   BIGINT REFERENCES users (id),
    subject       TEXT     NOT NULL,
    status        VARCHAR(191)     NOT NULL,
    priority      VARCHAR(191)     NOT NULL DEFAULT '',
    department    VARCHAR(191)     NOT NULL DEFAULT '',
    last_reply_at DATETIME,
    updated_at    DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX support_tickets_customer ON support_tickets (customer_id, updated_at);

CREATE TABLE announcements (
    id           BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    title        TEXT     NOT NULL,
    body         TEXT     NOT NULL,
    published_at DATETIME,
    created_at   DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE jobs (
    id           BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    kind         VARCHAR(191)     NOT NULL,
    dedupe_key   VARCHAR(191) UNIQUE,
    payload      TEXT     NOT NULL,
    status       VARCHAR(191)     NOT NULL DEFAULT 'pending',
    attempts     BIGINT   NOT NULL DEFAULT 0,
    max_attempts BIGINT   NOT NULL DEFAULT 10,
    run_at       DATETIME NOT NULL,
    locked_by    VARCHAR(191)     NOT NULL DEFAULT '',
    locked_until DATETIME,
    last_error   TEXT     NOT NULL,
    created_at   DATETIME NOT NULL,
    finished_at  DATETIME
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX jobs_ready ON jobs (status, run_at);

CREATE TABLE schedule_leases (
    name       VARCHAR(191)     NOT NULL PRIMARY KEY,
    holder     VARCHAR(191)     NOT NULL,
    expires_at DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE settings (
    name       VARCHAR(191)     NOT NULL PRIMARY KEY,
    value      TEXT     NOT NULL,
    updated_at DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

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
