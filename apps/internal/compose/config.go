// Package compose builds the platform from configuration: it opens the
// store, picks each adapter (the real one when its settings are present,
// the sandbox otherwise) and wires the domain services and the job
// worker. apps/worker uses it, and the web app can run the same worker
// in-process for the zero-infrastructure default.
package compose

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/enhance"
	"ezscale.cloud/platform/adapters/paypal"
	"ezscale.cloud/platform/adapters/pterodactyl"
	"ezscale.cloud/platform/adapters/smtp"
	"ezscale.cloud/platform/adapters/stripe"
	"ezscale.cloud/platform/adapters/synergycp"
	"ezscale.cloud/platform/adapters/virtfusion"
	"ezscale.cloud/platform/automation"
	"ezscale.cloud/platform/billing"
)

// Config is the platform's configuration file (JSON). Every section is
// optional: an absent database is ./ezscale.db, an absent gateway or panel
// is the sandbox one, absent SMTP writes emails to the log and an absent
// Discord webhook writes alerts to the log.
type Config struct {
	// SQLite is the database file; MySQL, when set, is a DSN that wins.
	SQLite string `json:"sqlite"`
	MySQL  string `json:"mysql"`
	// SecretKeys is the keyring that seals service credentials and link
	// tokens: "k2:BASE64,k1:BASE64", primary first. Empty keeps a
	// development key in a file next to the SQLite database.
	SecretKeys string          `json:"secret_keys"`
	Site       automation.Site `json:"site"`

	Stripe *stripe.Config `json:"stripe"`
	// PayPal, when set, lets customers pay invoices with PayPal beside the
	// card gateway (or the sandbox).
	PayPal      *paypal.Config      `json:"paypal"`
	VirtFusion  *virtfusion.Config  `json:"virtfusion"`
	Pterodactyl *pterodactyl.Config `json:"pterodactyl"`
	SynergyCP   *synergycp.Config   `json:"synergycp"`
	Enhance     *enhance.Config     `json:"enhance"`
	SMTP        *smtp.Config        `json:"smtp"`
	// DiscordWebhook is the webhook URL staff alerts are posted to.
	DiscordWebhook string `json:"discord_webhook"`
	Web            Web    `json:"web"`
	// ExchangeRates total the analytics in one currency: Base, and each
	// other currency's worth in it × billing.ExchangeRateScale. Default:
	// USD, with EUR at 1.08.
	ExchangeRates *billing.ExchangeRates `json:"exchange_rates"`
}

// LoadConfig reads a configuration file; an empty path is the default
// configuration. Unknown fields are errors, so a misspelt setting is not
// silently ignored.
func LoadConfig(path string) (Config, error) {
	var cfg Config
	if path == "" {
		return cfg, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return cfg, platform.Invalid("config", "%v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return cfg, platform.Invalid("config", "%s: %s", path, describeJSONError(b, err))
	}
	return cfg, nil
}

// describeJSONError says where in the file a decoding error is: the field
// for a wrong type, the line for a syntax error.
func describeJSONError(b []byte, err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		return fmt.Sprintf("field %q: %s is not a %s", typeErr.Field, typeErr.Value, typeErr.Type)
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("line %d: %v", 1+bytes.Count(b[:syntaxErr.Offset], []byte("\n")), err)
	}
	return err.Error()
}
