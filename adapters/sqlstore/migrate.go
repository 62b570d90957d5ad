package sqlstore

import (
	"database/sql"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

// NewMigrator returns a goose provider that applies the embedded migrations
// of a dialect to db.
func NewMigrator(dialect goose.Dialect, db *sql.DB, migrations fs.FS) (*goose.Provider, error) {
	p, err := goose.NewProvider(dialect, db, migrations)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}
