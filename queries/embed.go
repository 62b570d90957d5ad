// Package queries holds the SQL of the platform: the goose migrations of
// each dialect, embedded here so that apps and library users can migrate a
// database without the source tree, and the sqlc query files.
package queries

import (
	"embed"
	"io/fs"
)

//go:embed migrations/sqlite/*.sql
var sqliteMigrations embed.FS

//go:embed migrations/mysql/*.sql
var mysqlMigrations embed.FS

// SQLiteMigrations returns the SQLite migrations as a flat directory.
func SQLiteMigrations() fs.FS { return sub(sqliteMigrations, "migrations/sqlite") }

// MySQLMigrations returns the MySQL migrations as a flat directory.
func MySQLMigrations() fs.FS { return sub(mysqlMigrations, "migrations/mysql") }

func sub(f embed.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // the directory is embedded at build time; it cannot be missing
	}
	return s
}
