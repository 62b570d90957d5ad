// Package mysql is the production storage adapter: the shared SQL store on
// MySQL 8 or MariaDB through go-sql-driver/mysql.
package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	mysqldriver "github.com/go-sql-driver/mysql"
	"github.com/pressly/goose/v3"

	"ezscale.cloud/platform/adapters/mysql/internal/dbsqlc"
	"ezscale.cloud/platform/adapters/sqlstore"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/queries"
)

// Store is the SQL store on MySQL.
type Store struct {
	*sqlstore.Store
	db *sql.DB
}

var _ billing.Store = (*Store)(nil)

// Open connects to the MySQL database named by dsn (go-sql-driver format,
// e.g. "user:pass@tcp(127.0.0.1:3306)/ezscale") and applies all migrations.
func Open(ctx context.Context, dsn string) (*Store, error) {
	db, err := OpenDB(dsn)
	if err != nil {
		return nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to mysql: %w", err)
	}
	m, err := Migrator(db)
	if err == nil {
		_, err = m.Up(ctx)
	}
	var store *sqlstore.Store
	if err == nil {
		store, err = sqlstore.New(ctx, db, db, Dialect{})
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open mysql: %w", err)
	}
	return &Store{Store: store, db: db}, nil
}

// OpenDB opens the connection pool without migrating. Times are read and
// written in UTC whatever the server's zone, because every time in the
// platform is UTC.
func OpenDB(dsn string) (*sql.DB, error) {
	cfg, err := mysqldriver.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("mysql dsn: %w", err)
	}
	cfg.ParseTime = true
	// Interpolating parameters client-side saves the prepare and close round
	// trips of every query; the driver escapes for the utf8mb4 connection.
	cfg.InterpolateParams = true
	// Report rows matched, not rows changed, as SQLite does: an UPDATE that
	// leaves a row as it was must not look like a missing row.
	cfg.ClientFoundRows = true
	cfg.Loc = time.UTC
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	cfg.Params["time_zone"] = "'+00:00'"
	connector, err := mysqldriver.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("mysql dsn: %w", err)
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(32)
	db.SetConnMaxLifetime(30 * time.Minute)
	return db, nil
}

// Migrator returns the goose provider for the MySQL migrations.
func Migrator(db *sql.DB) (*goose.Provider, error) {
	return sqlstore.NewMigrator(goose.DialectMySQL, db, queries.MySQLMigrations())
}

// DB returns the connection pool, for callers that need raw SQL such as
// benchmarks' baselines.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the connection pool.
func (s *Store) Close() error { return errors.Join(s.Store.Close(), s.db.Close()) }

// Dialect is what MySQL does its own way.
type Dialect struct{}

// Name returns "mysql".
func (Dialect) Name() string { return "mysql" }

// ReserveSequence upserts the sequence row, which locks it until the
// transaction ends, and reads back its new value.
func (Dialect) ReserveSequence(ctx context.Context, tx sqlstore.DBTX, scope string, n int64) (int64, error) {
	q := dbsqlc.New(tx)
	if err := q.SequenceAdd(ctx, dbsqlc.SequenceAddParams{Scope: scope, SeqValue: n, SeqValue_2: n}); err != nil {
		return 0, err
	}
	return q.SequenceGet(ctx, scope)
}

// MySQL error numbers the store translates.
const (
	errDuplicateKey    = 1062
	errLockWaitTimeout = 1205
	errDeadlock        = 1213
)

// TxOptions asks for SERIALIZABLE transactions. InnoDB's default, REPEATABLE
// READ, takes no lock on a plain SELECT, so two transactions that read a
// subscription and then write it would silently lose one write; under
// SERIALIZABLE the reads take shared locks, a conflicting pair deadlocks,
// InnoDB aborts one and the store runs it again (see IsRetryable).
func (Dialect) TxOptions() *sql.TxOptions {
	return &sql.TxOptions{Isolation: sql.LevelSerializable}
}

// IsUniqueViolation reports a duplicate key.
func (Dialect) IsUniqueViolation(err error) bool {
	var e *mysqldriver.MySQLError
	return errors.As(err, &e) && e.Number == errDuplicateKey
}

// IsRetryable reports a deadlock or lock wait timeout: InnoDB rolls such a
// transaction back and expects the client to run it again.
func (Dialect) IsRetryable(err error) bool {
	var e *mysqldriver.MySQLError
	return errors.As(err, &e) && (e.Number == errDeadlock || e.Number == errLockWaitTimeout)
}

// HitRateLimit upserts the window's counter, which locks its row until the
// transaction ends, and reads it back.
func (Dialect) HitRateLimit(ctx context.Context, tx sqlstore.DBTX, key string, window time.Time) (int64, error) {
	q := dbsqlc.New(tx)
	if err := q.RateLimitAdd(ctx, dbsqlc.RateLimitAddParams{BucketKey: key, WindowStart: window}); err != nil {
		return 0, err
	}
	return q.RateLimitGet(ctx, dbsqlc.RateLimitGetParams{BucketKey: key, WindowStart: window})
}

// ClaimableJobs lists due jobs with FOR UPDATE SKIP LOCKED, so concurrent
// workers take different jobs without waiting on each other.
func (Dialect) ClaimableJobs(ctx context.Context, tx sqlstore.DBTX, now time.Time) ([]int64, error) {
	return dbsqlc.New(tx).JobClaimable(ctx, dbsqlc.JobClaimableParams{RunAt: now, LockedUntil: sql.NullTime{Time: now, Valid: true}})
}
