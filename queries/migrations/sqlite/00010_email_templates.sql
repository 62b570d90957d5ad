-- Admins' overrides of the default email templates, one row per kind; an
-- empty part keeps the default.

-- +goose Up
CREATE TABLE email_templates (
    kind       TEXT     NOT NULL PRIMARY KEY,
    subject    TEXT     NOT NULL,
    text_body  TEXT     NOT NULL,
    html_body  TEXT     NOT NULL,
    updated_by BIGINT   NOT NULL,
    updated_at DATETIME NOT NULL
);

-- +goose Down
DROP TABLE email_templates;
