package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/sqlstore/internal/dbsqlc"
	"ezscale.cloud/platform/billing"
)

// DBTX is what queries run on: a *sql.DB or a *sql.Tx.
type DBTX interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
	PrepareContext(context.Context, string) (*sql.Stmt, error)
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

// Dialect is what differs between the SQL engines.
type Dialect interface {
	// Name is "sqlite" or "mysql".
	Name() string
	// ReserveSequence adds n to the named sequence, creating it at zero
	// first, and returns the new value. It runs inside a transaction.
	ReserveSequence(ctx context.Context, tx DBTX, scope string, n int64) (int64, error)
	// IsUniqueViolation reports whether err is a unique-key violation.
	IsUniqueViolation(err error) bool
	// IsRetryable reports whether err is a transient conflict (a deadlock
	// or a lock timeout) after which the whole transaction may be retried.
	IsRetryable(err error) bool
	// TxOptions are the options every transaction begins with: whatever
	// makes a read-then-write transaction safe against a concurrent one.
	TxOptions() *sql.TxOptions
	// HitRateLimit counts one hit in a rate-limit window, creating the
	// window on the first, and returns the window's hits. It runs inside a
	// transaction.
	HitRateLimit(ctx context.Context, tx DBTX, key string, window time.Time) (int64, error)
	// ClaimableJobs returns the ids of up to a batch of jobs due at now (or
	// whose lease ran out), locking them for the transaction where the
	// engine can skip rows other workers hold.
	ClaimableJobs(ctx context.Context, tx DBTX, now time.Time) ([]int64, error)
}

// Store implements billing.Store over SQL.
type Store struct {
	writer  *sql.DB
	dialect Dialect
	// writes holds the statements prepared on the writer pool; q is what
	// this store reads with: the reader pool's statements outside a
	// transaction, the transaction's inside one.
	writes *dbsqlc.Queries
	reads  *dbsqlc.Queries
	tx     *sql.Tx
	q      *dbsqlc.Queries
}

var _ billing.Store = (*Store)(nil)

// New returns a store that writes through writer and reads outside
// transactions through reader (the same pool where the engine has no reason
// to split them). It prepares every shared statement on both pools.
func New(ctx context.Context, writer, reader *sql.DB, dialect Dialect) (*Store, error) {
	writes, err := dbsqlc.Prepare(ctx, writer)
	if err != nil {
		return nil, err
	}
	reads := writes
	if reader != writer {
		if reads, err = dbsqlc.Prepare(ctx, reader); err != nil {
			writes.Close()
			return nil, err
		}
	}
	return &Store{writer: writer, dialect: dialect, writes: writes, reads: reads, q: reads}, nil
}

// Close releases the prepared statements; the caller closes the pools.
func (s *Store) Close() error {
	err := s.writes.Close()
	if s.reads != s.writes {
		err = errors.Join(err, s.reads.Close())
	}
	return err
}

// Dialect returns the store's SQL dialect.
func (s *Store) Dialect() Dialect { return s.dialect }

// maxTxAttempts bounds how often InTx reruns a transaction that hit a
// deadlock; MySQL resolves deadlocks by aborting one side, which is then
// expected to retry.
const maxTxAttempts = 8

// InTx runs fn in a transaction; see billing.Store.
func (s *Store) InTx(ctx context.Context, fn func(tx billing.Store) error) error {
	return s.inTx(ctx, func(tx *Store) error { return fn(tx) })
}

// inTx runs fn in a transaction, or inside the current one when s is
// already transactional, retrying the whole transaction after a deadlock.
func (s *Store) inTx(ctx context.Context, fn func(tx *Store) error) error {
	if s.tx != nil {
		return fn(s)
	}
	var err error
	for attempt := 1; attempt <= maxTxAttempts; attempt++ {
		err = s.runTx(ctx, fn)
		if err == nil || !s.dialect.IsRetryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt*attempt) * 5 * time.Millisecond):
		}
	}
	return err
}

func (s *Store) runTx(ctx context.Context, fn func(tx *Store) error) (err error) {
	tx, err := s.writer.BeginTx(ctx, s.dialect.TxOptions())
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	inner := &Store{writer: s.writer, dialect: s.dialect, writes: s.writes, reads: s.reads, tx: tx, q: s.writes.WithTx(tx)}
	if err = fn(inner); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// writeQ returns the queries to run a write on: the transaction's, or the
// writer pool's outside a transaction.
func (s *Store) writeQ() *dbsqlc.Queries {
	if s.tx != nil {
		return s.q
	}
	return s.writes
}

// translate maps driver errors to platform errors at the adapter's edge.
func (s *Store) translate(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return platform.Errorf(platform.ENOTFOUND, "%s not found", what)
	case s.dialect.IsUniqueViolation(err):
		return &platform.Error{Code: platform.ECONFLICT, Message: what + " already exists", Err: err}
	case s.dialect.IsRetryable(err):
		return err // kept raw so that InTx can retry the transaction
	}
	return fmt.Errorf("%s: %w", what, err)
}

func nullTime(t time.Time) sql.NullTime {
	if t.IsZero() {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: t.UTC(), Valid: true}
}

func timeOf(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

func nullID(id int64) sql.NullInt64 {
	return sql.NullInt64{Int64: id, Valid: id != 0}
}

func nullString(s string) sql.NullString {
	return sql.NullString{String: s, Valid: s != ""}
}

// fromRows maps generated rows to domain values, keeping their order.
func fromRows[R, T any](rows []R, fromRow func(R) T) []T {
	out := make([]T, 0, len(rows))
	for _, r := range rows {
		out = append(out, fromRow(r))
	}
	return out
}
