// Package sqlite is the embedded storage adapter: the shared SQL store on a
// SQLite file (or memory) through modernc.org/sqlite, pure Go with no cgo.
// It is the zero-infrastructure default and the in-memory store for other
// people's tests.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/pressly/goose/v3"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"ezscale.cloud/platform/adapters/sqlite/internal/dbsqlc"
	"ezscale.cloud/platform/adapters/sqlstore"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/queries"
)

// Store is the SQL store on SQLite.
type Store struct {
	*sqlstore.Store
	writer *sql.DB
	reader *sql.DB
}

var _ billing.Store = (*Store)(nil)

// Memory is the path that opens a private in-memory database.
const Memory = ":memory:"

// Open opens (creating if needed) the SQLite database at path, or a private
// in-memory one for Memory, and applies all migrations.
//
// The connection is configured on purpose: WAL so readers never block the
// writer, one writer connection so writes queue in Go instead of failing
// with SQLITE_BUSY, BEGIN IMMEDIATE so a transaction takes the write lock
// up front, foreign keys on, and synchronous=FULL because a committed
// payment must survive a power loss.
func Open(ctx context.Context, path string) (*Store, error) {
	s, err := open(path)
	if err != nil {
		return nil, err
	}
	m, err := Migrator(s.writer)
	if err == nil {
		_, err = m.Up(ctx)
	}
	if err == nil {
		s.Store, err = sqlstore.New(ctx, s.writer, s.reader, Dialect{})
	}
	if err != nil {
		s.closePools()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return s, nil
}

// OpenDB opens the database without migrating it, for the migration tool.
func OpenDB(path string) (*sql.DB, error) {
	s, err := open(path)
	if err != nil {
		return nil, err
	}
	if s.reader != s.writer {
		s.reader.Close()
	}
	return s.writer, nil
}

// open opens the connection pools; Open prepares the store on them once
// the schema exists.

func open(path string) (*Store, error) {
	params := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "foreign_keys(1)", "synchronous(FULL)"} {
		params.Add("_pragma", p)
	}
	params.Set("_time_format", "datetime")
	params.Set("_txlock", "immediate")
	if path == Memory {
		// One connection holds the whole in-memory database; it is kept
		// open for the store's life.
		db, err := sql.Open("sqlite", "file::memory:?"+params.Encode())
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
		return &Store{writer: db, reader: db}, nil
	}
	params.Add("_pragma", "journal_mode(WAL)")
	dsn := "file:" + path + "?" + params.Encode()
	writer, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	writer.SetMaxOpenConns(1)
	if err := writer.Ping(); err != nil {
		writer.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	params.Add("_pragma", "query_only(1)")
	reader, err := sql.Open("sqlite", "file:"+path+"?"+params.Encode())
	if err != nil {
		writer.Close()
		return nil, err
	}
	reader.SetMaxOpenConns(4)
	return &Store{writer: writer, reader: reader}, nil
}

// Migrator returns the goose provider for the SQLite migrations.
func Migrator(db *sql.DB) (*goose.Provider, error) {
	return sqlstore.NewMigrator(goose.DialectSQLite3, db, queries.SQLiteMigrations())
}

// DB returns the writer connection pool, for callers that need raw SQL such
// as benchmarks' baselines.
func (s *Store) DB() *sql.DB { return s.writer }

// Close closes the database.
func (s *Store) Close() error {
	return errors.Join(s.Store.Close(), s.closePools())
}

func (s *Store) closePools() error {
	err := s.writer.Close()
	if s.reader != s.writer {
		err = errors.Join(err, s.reader.Close())
	}
	return err
}

// Dialect is what SQLite does its own way.
type Dialect struct{}

// Name returns "sqlite".
func (Dialect) Name() string { return "sqlite" }

// ReserveSequence upserts the sequence row and returns its new value.
func (Dialect) ReserveSequence(ctx context.Context, tx sqlstore.DBTX, scope string, n int64) (int64, error) {
	return dbsqlc.New(tx).SequenceReserve(ctx, dbsqlc.SequenceReserveParams{Scope: scope, SeqValue: n})
}

// TxOptions returns nil: with one writer connection and BEGIN IMMEDIATE,
// SQLite write transactions already run one at a time.
func (Dialect) TxOptions() *sql.TxOptions { return nil }

// IsUniqueViolation reports a UNIQUE or PRIMARY KEY constraint failure.
func (Dialect) IsUniqueViolation(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// IsRetryable reports SQLITE_BUSY and SQLITE_LOCKED, which outlast the busy
// timeout only under heavy contention from another process.
func (Dialect) IsRetryable(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return true
	}
	return false
}

// HitRateLimit upserts the window's counter and returns it.
func (Dialect) HitRateLimit(ctx context.Context, tx sqlstore.DBTX, key string, window time.Time) (int64, error) {
	return dbsqlc.New(tx).RateLimitHit(ctx, dbsqlc.RateLimitHitParams{BucketKey: key, WindowStart: window})
}

// ClaimableJobs lists due jobs; the single writer makes locking needless.
func (Dialect) ClaimableJobs(ctx context.Context, tx sqlstore.DBTX, now time.Time) ([]int64, error) {
	return dbsqlc.New(tx).JobClaimable(ctx, dbsqlc.JobClaimableParams{RunAt: now, LockedUntil: sql.NullTime{Time: now, Valid: true}})
}
