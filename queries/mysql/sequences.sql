-- name: SequenceAdd :exec
-- Adds n to a sequence, creating it on first use. The row stays locked until
-- the transaction ends, so concurrent finalisations queue on it and a
-- rollback returns the numbers: the sequence stays gapless.
INSERT INTO invoice_sequences (scope, seq_value) VALUES (?, ?)
ON DUPLICATE KEY UPDATE seq_value = seq_value + ?;

-- name: SequenceGet :one
SELECT seq_value FROM invoice_sequences WHERE scope = ?;
