package sqlstore

import (
	"os"
	"path/filepath"
	"testing"
)

// TestGeneratedCodeSameForBothEngines checks that sqlc generates the same Go
// from the shared queries for the MySQL engine (into testdata) as for the
// SQLite engine (the code the store runs). That sameness is what lets one
// store implementation serve both databases; a query or column type that
// breaks it fails here, pointing at the file.
func TestGeneratedCodeSameForBothEngines(t *testing.T) {
	sqliteFiles, err := filepath.Glob("internal/dbsqlc/*.go")
	if err != nil || len(sqliteFiles) == 0 {
		t.Fatalf("no generated code in internal/dbsqlc (%v); run sqlc generate", err)
	}
	mysqlFiles, _ := filepath.Glob("testdata/mysqlgen/*.go")
	if len(mysqlFiles) != len(sqliteFiles) {
		t.Fatalf("sqlc generated %d files for sqlite but %d for mysql", len(sqliteFiles), len(mysqlFiles))
	}
	for _, f := range sqliteFiles {
		want, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("testdata/mysqlgen", filepath.Base(f)))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s: the MySQL engine generates different Go than the SQLite engine; keep the shared queries and column types portable", filepath.Base(f))
		}
	}
}
