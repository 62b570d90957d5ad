package storetest_test

import (
	"path/filepath"
	"testing"

	"ezscale.cloud/platform/adapters/storetest"
	"ezscale.cloud/platform/identity"
)

// TestIdentityStoreContract runs the identity storage contract suite on
// every adapter.
func TestIdentityStoreContract(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		storetest.RunIdentity(t, func(t *testing.T) identity.Store { return storetest.OpenSQLite(t).Identity() })
	})
	t.Run("sqlite-memory", func(t *testing.T) {
		storetest.RunIdentity(t, func(t *testing.T) identity.Store { return storetest.OpenSQLiteMemory(t).Identity() })
	})
	t.Run("mysql", func(t *testing.T) {
		storetest.RunIdentity(t, func(t *testing.T) identity.Store { return storetest.OpenMySQL(t).Identity() })
	})
}

// TestRateLimitsSharedBetweenProcesses opens two stores on one database, as
// two web processes would, and races them on one rate limit.
func TestRateLimitsSharedBetweenProcesses(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "shared.db")
		storetest.RunSharedLimiter(t, storetest.OpenSQLiteAt(t, path).Identity(), storetest.OpenSQLiteAt(t, path).Identity())
	})
	t.Run("mysql", func(t *testing.T) {
		dsn := storetest.MySQLDatabase(t)
		storetest.RunSharedLimiter(t, storetest.OpenMySQLAt(t, dsn).Identity(), storetest.OpenMySQLAt(t, dsn).Identity())
	})
}
