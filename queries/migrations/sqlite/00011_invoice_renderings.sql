-- An invoice's PDF is kept once per state it was rendered in: the open
-- invoice's file is the one emailed, and a download after payment shows
-- the PAID stamp. Rows of the first table were rendered while open.

-- +goose Up
CREATE TABLE invoice_renderings (
    invoice_id BIGINT   NOT NULL,
    status     TEXT NOT NULL,
    pdf        BLOB NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (invoice_id, status)
);
INSERT INTO invoice_renderings (invoice_id, status, pdf, created_at)
SELECT invoice_id, 'open', pdf, created_at FROM invoice_documents;
DROP TABLE invoice_documents;

-- +goose Down
CREATE TABLE invoice_documents (
    invoice_id BIGINT   NOT NULL PRIMARY KEY,
    pdf        BLOB NOT NULL,
    created_at DATETIME NOT NULL
);
INSERT INTO invoice_documents (invoice_id, pdf, created_at)
SELECT invoice_id, pdf, created_at FROM invoice_renderings WHERE status = 'open';
DROP TABLE invoice_renderings;
