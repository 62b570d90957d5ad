//go:build tools

// Package tools pins the command-line tools the project builds with (sqlc)
// in a module of its own, so they never enter the library's dependency graph.
package tools

import (
	_ "github.com/sqlc-dev/sqlc/cmd/sqlc"
)
