package compose

import (
	"errors"
	"flag"
)

// ConfigFlags are the command-line flags every app takes to find its
// configuration: a file, and a database that overrides the file's.
type ConfigFlags struct {
	path, sqlite, mysql *string
}

// AddConfigFlags defines -config, -sqlite and -mysql on fs.
func AddConfigFlags(fs *flag.FlagSet) ConfigFlags {
	return ConfigFlags{
		path:   fs.String("config", "", "JSON configuration file (default: SQLite, sandbox gateway and panels)"),
		sqlite: fs.String("sqlite", "", "SQLite database file, overriding the configuration (default ./ezscale.db)"),
		mysql:  fs.String("mysql", "", "MySQL DSN, overriding the configuration"),
	}
}

// Load reads the configuration file the flags name and applies their
// database override, once the flag set is parsed.
func (f ConfigFlags) Load() (Config, error) {
	if *f.sqlite != "" && *f.mysql != "" {
		return Config{}, errors.New("-sqlite and -mysql are exclusive")
	}
	cfg, err := LoadConfig(*f.path)
	if err != nil {
		return cfg, err
	}
	if *f.sqlite != "" {
		cfg.SQLite, cfg.MySQL = *f.sqlite, ""
	}
	if *f.mysql != "" {
		cfg.MySQL = *f.mysql
	}
	return cfg, nil
}
