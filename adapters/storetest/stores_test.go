package storetest_test

import (
	"testing"

	"ezscale.cloud/platform/adapters/storetest"
	"ezscale.cloud/platform/billing"
)

// TestStoreContract runs the storage contract suite on every adapter: SQLite
// on a file and in memory (the store other people's tests use), and MySQL (a
// real MariaDB or MySQL server).
func TestStoreContract(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) billing.Store { return storetest.OpenSQLite(t) })
	})
	t.Run("sqlite-memory", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) billing.Store { return storetest.OpenSQLiteMemory(t) })
	})
	t.Run("mysql", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) billing.Store { return storetest.OpenMySQL(t) })
	})
}
