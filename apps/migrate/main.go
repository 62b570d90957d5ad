// Command migrate applies, rolls back and reports the platform's schema
// migrations on a SQLite file or a MySQL database.
//
//	migrate [-sqlite PATH | -mysql DSN] up|down|status
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/pressly/goose/v3"

	"ezscale.cloud/platform/adapters/mysql"
	"ezscale.cloud/platform/adapters/sqlite"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "migrate:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(out)
	sqlitePath := fs.String("sqlite", "", "path of the SQLite database file (default ./ezscale.db)")
	mysqlDSN := fs.String("mysql", "", "MySQL DSN, e.g. user:pass@tcp(127.0.0.1:3306)/ezscale")
	fs.Usage = func() {
		fmt.Fprintln(out, "usage: migrate [-sqlite PATH | -mysql DSN] up|down|status")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("one command expected: up, down or status")
	}
	if *sqlitePath != "" && *mysqlDSN != "" {
		return errors.New("-sqlite and -mysql are exclusive")
	}
	db, provider, err := openProvider(*sqlitePath, *mysqlDSN)
	if err != nil {
		return err
	}
	defer db.Close()

	switch cmd := fs.Arg(0); cmd {
	case "up":
		results, err := provider.Up(ctx)
		for _, r := range results {
			fmt.Fprintf(out, "applied %s (%s)\n", r.Source.Path, r.Duration)
		}
		if err == nil && len(results) == 0 {
			fmt.Fprintln(out, "already up to date")
		}
		return err
	case "down":
		r, err := provider.Down(ctx)
		if errors.Is(err, goose.ErrNoNextVersion) {
			fmt.Fprintln(out, "nothing to roll back")
			return nil
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "rolled back %s (%s)\n", r.Source.Path, r.Duration)
		return nil
	case "status":
		statuses, err := provider.Status(ctx)
		if err != nil {
			return err
		}
		for _, s := range statuses {
			applied := "pending"
			if s.State == goose.StateApplied {
				applied = "applied " + s.AppliedAt.UTC().Format("2006-01-02 15:04:05")
			}
			fmt.Fprintf(out, "%05d %-40s %s\n", s.Source.Version, s.Source.Path, applied)
		}
		return nil
	default:
		fs.Usage()
		return fmt.Errorf("unknown command %q", cmd)
	}
}

func openProvider(sqlitePath, mysqlDSN string) (*sql.DB, *goose.Provider, error) {
	var (
		db  *sql.DB
		err error
		mk  func(*sql.DB) (*goose.Provider, error)
	)
	if mysqlDSN != "" {
		db, err = mysql.OpenDB(mysqlDSN)
		mk = mysql.Migrator
	} else {
		if sqlitePath == "" {
			sqlitePath = "ezscale.db"
		}
		db, err = sqlite.OpenDB(sqlitePath)
		mk = sqlite.Migrator
	}
	if err != nil {
		return nil, nil, err
	}
	p, err := mk(db)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, p, nil
}
