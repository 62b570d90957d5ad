// Package storetest holds the storage contract suite that every adapter of
// billing.Store passes, and helpers that open fresh stores for tests: SQLite
// in memory, and a throwaway database on a real MySQL or MariaDB server.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	mysqldriver "github.com/go-sql-driver/mysql"

	"ezscale.cloud/platform/adapters/mysql"
	"ezscale.cloud/platform/adapters/sqlite"
)

// Opened is a store under test with access to its raw connection pool.
type Opened interface {
	DB() *sql.DB
}

// OpenSQLite returns a migrated SQLite store in a temporary file (WAL, the
// production configuration) that is closed when the test ends.
func OpenSQLite(tb testing.TB) *sqlite.Store {
	tb.Helper()
	return OpenSQLiteAt(tb, filepath.Join(tb.TempDir(), "test.db"))
}

// OpenSQLiteAt opens (another) store on the SQLite file at path, as a
// second process would, closed when the test ends.
func OpenSQLiteAt(tb testing.TB, path string) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		tb.Fatalf("open sqlite: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// OpenSQLiteMemory returns a migrated private in-memory SQLite store, closed
// when the test ends: the in-memory store for other people's tests.
func OpenSQLiteMemory(tb testing.TB) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), sqlite.Memory)
	if err != nil {
		tb.Fatalf("open sqlite in memory: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// MySQLServerDSN is the DSN of the server that MySQL tests create their
// databases on: EZSCALE_TEST_MYSQL_DSN, or the local MariaDB as root.
func MySQLServerDSN() string {
	if dsn := os.Getenv("EZSCALE_TEST_MYSQL_DSN"); dsn != "" {
		return dsn
	}
	return "root@tcp(127.0.0.1:3306)/"
}

// OpenMySQL creates a fresh database on the MySQL server and returns a
// migrated store on it; the database is dropped when the test ends.
func OpenMySQL(tb testing.TB) *mysql.Store {
	tb.Helper()
	return OpenMySQLAt(tb, MySQLDatabase(tb))
}

// OpenMySQLAt opens (another) store on the MySQL database named by dsn, as
// a second process would, closed when the test ends.
func OpenMySQLAt(tb testing.TB, dsn string) *mysql.Store {
	tb.Helper()
	s, err := mysql.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatalf("open mysql: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// MySQLDatabase creates an empty database on the MySQL server, returns its
// DSN and drops it when the test ends. Without a reachable server the test
// is skipped, loudly, unless EZSCALE_REQUIRE_MYSQL is set (as CI sets it),
// in which case it fails.
func MySQLDatabase(tb testing.TB) string {
	tb.Helper()
	cfg, err := mysqldriver.ParseDSN(MySQLServerDSN())
	if err != nil {
		tb.Fatalf("EZSCALE_TEST_MYSQL_DSN: %v", err)
	}
	cfg.DBName = ""
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err == nil {
		err = admin.Ping()
	}
	if err != nil {
		if os.Getenv("EZSCALE_REQUIRE_MYSQL") != "" {
			tb.Fatalf("MySQL server required (EZSCALE_REQUIRE_MYSQL is set) but unreachable at %s: %v", cfg.Addr, err)
		}
		tb.Skipf("SKIPPING MySQL TEST: no MySQL server at %s (%v); set EZSCALE_REQUIRE_MYSQL=1 to make this a failure", cfg.Addr, err)
	}
	suffix := make([]byte, 6)
	rand.Read(suffix)
	name := "ezscale_test_" + hex.EncodeToString(suffix)
	if _, err := admin.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		tb.Fatalf("create database: %v", err)
	}
	// Cleanups run last-in first-out, so stores opened on the database
	// close before it is dropped.
	tb.Cleanup(func() {
		admin.Exec("DROP DATABASE " + name)
		admin.Close()
	})
	cfg.DBName = name
	return cfg.FormatDSN()
}
