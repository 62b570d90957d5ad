-- name: SequenceReserve :one
-- Adds n to a sequence, creating it on first use, and returns the last value
-- handed out. Runs inside the transaction that uses the numbers, so a
-- rollback returns them and the sequence stays gapless.
INSERT INTO invoice_sequences (scope, seq_value) VALUES (?, ?)
ON CONFLICT (scope) DO UPDATE SET seq_value = seq_value + excluded.seq_value
RETURNING seq_value;
