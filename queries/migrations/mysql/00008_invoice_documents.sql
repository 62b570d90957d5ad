-- Rendered invoice PDFs, stored once so the file a customer was sent is
-- the file they download later, even after the templates change. The same
-- as the SQLite migration 00008.

-- +goose Up
CREATE TABLE invoice_documents (
    invoice_id BIGINT     NOT NULL PRIMARY KEY,
    pdf        MEDIUMBLOB NOT NULL,
    created_at DATETIME   NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose Down
DROP TABLE invoice_documents;
