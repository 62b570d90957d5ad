package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"ezscale.cloud/platform/adapters/storetest"
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
			step("down", "rolled back 00001_platform.sql")
			step("status", "pending")
			step("down", "nothing to roll back")
		})
	}
}

func TestMigrateRefusesBadArguments(t *testing.T) {
	for _, args := range [][]string{{}, {"sideways"}, {"-sqlite", "a.db", "-mysql", "x", "up"}, {"-mysql", "::not a dsn", "up"}} {
		if err := run(context.Background(), args, &bytes.Buffer{}); err == nil {
			t.Errorf("migrate %v succeeded, want an error", args)
		}
	}
}
