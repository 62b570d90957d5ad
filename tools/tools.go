//go:build tools

// Package tools pins the command-line tools the project builds and tests
// with (sqlc, stripe-mock, mailpit) in a module of its own, so they never enter the
// library's dependency graph.
package tools

import (
	_ "github.com/axllent/mailpit"
	_ "github.com/sqlc-dev/sqlc/cmd/sqlc"
	_ "github.com/stripe/stripe-mock"
)
