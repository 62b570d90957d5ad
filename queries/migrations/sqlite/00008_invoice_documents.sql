-- Rendered invoice PDFs, stored once so the file a customer was sent is
-- the file they download later, even after the templates change.

-- +goose Up
CREATE TABLE invoice_documents (
    invoice_id BIGINT   NOT NULL PRIMARY KEY REFERENCES invoices (id),
    pdf        BLOB     NOT NULL,
    created_at DATETIME NOT NULL
);

-- +goose Down
DROP TABLE invoice_documents;
