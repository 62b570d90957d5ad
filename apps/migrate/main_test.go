package main

import (
	"bytes"
	"context"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ezscale.cloud/platform/adapters/storetest"
	"ezscale.cloud/platform/queries"
)

func TestMigrateUpStatusDown(t *testing.T) {
	targets := map[string][]string{
		"sqlite": {"-sqlite", filepath.Join(t.TempDir(), "ezscale.db")},
		"mysql":  nil,
	}
	for _, name := range []string{"sqlite", "mysql"} {
		t.Run(name, func(t *testing.T) {
			target := targets[name]
			if name == "mysql" {
				target = []string{"-mysql", storetest.MySQLDatabase(t)}
			}
			step := func(cmd, want string) {
				t.Helper()
				var out bytes.Buffer
				if err := run(context.Background(), append(target, cmd), &out); err != nil {
					t.Fatalf("%s: %v\n%s", cmd, err, out.String())
				}
				if !strings.Contains(out.String(), want) {
					t.Fatalf("%s printed %q, want it to contain %q", cmd, out.String(), want)
				}
			}
			step("status", "pending")
			step("up", "applied 00001_platform.sql")
			step("up", "already up to date")
			step("status", "applied 20")
			// Every migration rolls back, newest first, to an empty
			// database that migrates up again.
			names := migrationNames(t)
			for i := len(names) - 1; i >= 0; i-- {
				step("down", "rolled back "+names[i])
			}
			step("status", "pending")
			step("down", "nothing to roll back")
			step("up", "applied "+names[len(names)-1])
		})
	}
}

// migrationNames lists the embedded migrations in order; both dialects
// have the same numbers and names.
func migrationNames(t *testing.T) []string {
	t.Helper()
	names, err := fs.Glob(queries.SQLiteMigrations(), "*.sql")
	if err != nil || len(names) == 0 {
		t.Fatalf("no migrations embedded: %v", err)
	}
	mysqlNames, _ := fs.Glob(queries.MySQLMigrations(), "*.sql")
	if !slices.Equal(names, mysqlNames) {
		t.Fatalf("the dialects' migrations differ:\n sqlite %v\n mysql  %v", names, mysqlNames)
	}
	return names
}

func TestMigrateRefusesBadArguments(t *testing.T) {
	for _, args := range [][]string{{}, {"sideways"}, {"-sqlite", "a.db", "-mysql", "x", "up"}, {"-mysql", "::not a dsn", "up"}} {
		if err := run(context.Background(), args, &bytes.Buffer{}); err == nil {
			t.Errorf("migrate %v succeeded, want an error", args)
		}
	}
}
