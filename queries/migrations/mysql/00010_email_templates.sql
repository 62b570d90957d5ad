-- Admins' overrides of the default email templates, one row per kind; an
-- empty part keeps the default.

-- +goose Up
CREATE TABLE email_templates (
    kind       VARCHAR(64)     NOT NULL PRIMARY KEY,
    subject    MEDIUMTEXT     NOT NULL,
    text_body  MEDIUMTEXT     NOT NULL,
    html_body  MEDIUMTEXT     NOT NULL,
    updated_by BIGINT   NOT NULL,
    updated_at DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose Down
DROP TABLE email_templates;
