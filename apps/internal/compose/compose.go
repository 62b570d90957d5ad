package compose

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"log/slog"
	"os"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/discord"
	"ezscale.cloud/platform/adapters/enhance"
	"ezscale.cloud/platform/adapters/invoicepdf"
	"ezscale.cloud/platform/adapters/mysql"
	"ezscale.cloud/platform/adapters/paypal"
	"ezscale.cloud/platform/adapters/pterodactyl"
	"ezscale.cloud/platform/adapters/sandbox"
	"ezscale.cloud/platform/adapters/smtp"
	"ezscale.cloud/platform/adapters/sqlite"
	"ezscale.cloud/platform/adapters/sqlstore"
	"ezscale.cloud/platform/adapters/stripe"
	"ezscale.cloud/platform/adapters/synergycp"
	"ezscale.cloud/platform/adapters/virtfusion"
	"ezscale.cloud/platform/apps/internal/metrics"
	"ezscale.cloud/platform/automation"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/jobqueue"
	"ezscale.cloud/platform/notify"
	"ezscale.cloud/platform/provisioning"
	"ezscale.cloud/platform/secretbox"
	"ezscale.cloud/platform/support"
)

// Store is what the platform runs on: the SQL store of either engine.
type Store interface {
	billing.Store
	jobqueue.Store
	jobqueue.StatusStore
	automation.Documents
	notify.OverrideStore
	SettingsStore
	support.AnnouncementStore
	// PlanNames names the plans in the API's lists of services.
	PlanNames(ctx context.Context) (map[int64]string, error)
	Provisioning() *sqlstore.ProvisioningStore
	Identity() *sqlstore.IdentityStore
	DB() *sql.DB
	Close() error
}

// Platform is the wired platform.
type Platform struct {
	Config  Config
	Store   Store
	Keys    *secretbox.Keyring
	Gateway billing.Gateway
	// PayPal is the PayPal checkout, when configured.
	PayPal       *paypal.Gateway
	Metrics      *metrics.Metrics
	PDFs         *automation.PDFs
	Billing      *billing.Service
	Provisioning *provisioning.Manager
	Deps         automation.Deps
	// Settings are the groups staff change in the admin panel; they are
	// applied when Open returns, and again by Settings.Watch.
	Settings *Settings
	Clock    platform.Clock
	Logger   *slog.Logger
	// devSecret is the development key file's content, when the keyring
	// came from one; secrets derived from it are stable across restarts.
	devSecret []byte
}

// Open opens the store and wires the services as cfg says.
func Open(ctx context.Context, cfg Config, logger *slog.Logger) (*Platform, error) {
	clock := platform.SystemClock{}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	p, err := wire(cfg, store, clock, logger)
	if err != nil {
		store.Close()
		return nil, err
	}
	// A stored group that cannot be applied is logged, not fatal: the
	// platform still starts, on the file's settings, so staff can fix it.
	if err := p.Settings.Reload(ctx); err != nil {
		logger.Error("applying stored settings", "err", err)
	}
	return p, nil
}

func wire(cfg Config, store Store, clock platform.Clock, logger *slog.Logger) (*Platform, error) {
	keys, devSecret, err := keyring(cfg, logger)
	if err != nil {
		return nil, err
	}
	gateway, err := gateway(cfg, logger)
	if err != nil {
		return nil, err
	}
	var payPal *paypal.Gateway
	if cfg.PayPal != nil {
		if payPal, err = paypal.New(*cfg.PayPal); err != nil {
			return nil, underField("paypal", err)
		}
	}
	meters := metrics.New(store)
	// The file's company name is the default until staff set one in the
	// business settings; invoices, emails and the storefront all use it.
	defaults := billing.DefaultConfig()
	if cfg.Site.CompanyName != "" {
		defaults.Company.Name = cfg.Site.CompanyName
	}
	bill, err := billing.NewService(store, meters.Gateway(gateway), clock, defaults)
	if err != nil {
		return nil, err
	}
	if payPal != nil {
		bill.AddGateway(meters.Gateway(payPal)) // refunds of PayPal payments go back through PayPal
	}
	panels, err := panels(cfg, logger)
	if err != nil {
		return nil, err
	}
	manager := provisioning.NewManager(provisioning.Config{
		Store: store.Provisioning(), Billing: store, Sealer: keys, Panels: panels, Clock: clock,
		ObservePanelCall: meters.ObservePanelCall,
	})
	mailer, err := mailer(cfg, logger)
	if err != nil {
		return nil, err
	}
	fileAlerter, err := alerter(cfg, logger)
	if err != nil {
		return nil, err
	}
	alerts := &swapAlerter{current: fileAlerter}
	pdfs := &automation.PDFs{Documents: store, Render: invoicepdf.Render, Clock: clock}
	site := cfg.Site
	if site.URL == "" {
		site.URL = cfg.Web.publicURL() + "/account"
	}
	if site.AdminURL == "" {
		site.AdminURL = cfg.Web.publicURL() + "/admin"
	}
	deps := automation.Deps{
		Store: store, Billing: bill, Provisioning: manager, Clock: clock,
		Notifications: &automation.Notifications{
			Site: site, CompanyName: func() string { return bill.Config().Company.Name },
			Templates: &notify.Templates{}, Overrides: store, Logger: logger, Mailer: mailer, Alerts: alerts,
			Billing: store, Identity: store.Identity(), Provisioning: manager, Services: store.Provisioning(),
			Links: keys, PDFs: pdfs, Clock: clock,
		},
	}
	settings := &Settings{store: store, keys: keys, billing: bill, manager: manager, alerts: alerts, clock: clock, logger: logger,
		file: cfg, filePanels: panels, fileAlerter: fileAlerter, defaults: defaults}
	return &Platform{Config: cfg, Store: store, Keys: keys, Billing: bill, PDFs: pdfs, Gateway: gateway, PayPal: payPal, Metrics: meters, Provisioning: manager, Deps: deps,
		Settings: settings, Clock: clock, Logger: logger, devSecret: devSecret}, nil
}

// Worker returns a job worker named name with every handler, and the
// schedules it should tick.
func (p *Platform) Worker(name string) (*jobqueue.Runner, []jobqueue.Schedule) {
	r := jobqueue.New(p.Store, p.Clock, jobqueue.Config{Worker: name, Logger: p.Logger, Observe: p.Metrics.ObserveJob})
	automation.Register(r, p.Deps)
	return r, automation.Schedules(p.Deps)
}

// CompanyName is the business's name as the business settings say now.
func (p *Platform) CompanyName() string { return p.Billing.Config().Company.Name }

// Close closes the store.
func (p *Platform) Close() error { return p.Store.Close() }

func openStore(ctx context.Context, cfg Config) (Store, error) {
	if cfg.MySQL != "" {
		return mysql.Open(ctx, cfg.MySQL)
	}
	return sqlite.Open(ctx, cfg.sqlitePath())
}

// keyring is the configured keyring, or a development key kept in a file
// next to the SQLite database, made on first use; the file's content is
// returned too, as the root of other development secrets.
func keyring(cfg Config, logger *slog.Logger) (*secretbox.Keyring, []byte, error) {
	if cfg.SecretKeys != "" {
		kr, err := secretbox.ParseKeys(cfg.SecretKeys)
		return kr, nil, err
	}
	if cfg.MySQL != "" {
		return nil, nil, platform.Invalid("secret_keys", "a MySQL deployment needs secret_keys; generate one with: openssl rand -base64 32")
	}
	path := cfg.sqlitePath() + ".keys"
	spec, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key := make([]byte, 32)
		rand.Read(key)
		spec = []byte("dev:" + base64.StdEncoding.EncodeToString(key))
		if err := os.WriteFile(path, spec, 0o600); err != nil {
			return nil, nil, err
		}
		logger.Warn("made a development secret key; set secret_keys in production", "file", path)
	} else if err != nil {
		return nil, nil, err
	}
	kr, err := secretbox.ParseKeys(string(spec))
	return kr, spec, err
}

func gateway(cfg Config, logger *slog.Logger) (billing.Gateway, error) {
	if cfg.Stripe == nil {
		logger.Warn("no payment gateway configured: using the SANDBOX gateway, which moves no money")
		return sandbox.New(), nil
	}
	return stripe.New(*cfg.Stripe)
}

// panels returns the configured panels. In sandbox mode (no real payment
// gateway) a platform without settings gets the sandbox panel, so a new
// user sees services come up; with a real gateway it gets none, so a paid
// order for it fails visibly instead of "provisioning" a server that does
// not exist.
func panels(cfg Config, logger *slog.Logger) (map[provisioning.Platform]provisioning.Panel, error) {
	sandboxPanel := sandbox.NewPanel("sandbox")
	out := map[provisioning.Platform]provisioning.Panel{provisioning.PlatformSandbox: sandboxPanel}
	add := func(p provisioning.Platform, configured bool, open func() (provisioning.Panel, error)) error {
		switch {
		case !configured && cfg.Stripe == nil:
			logger.Warn("panel not configured: its services go to the SANDBOX panel", "platform", p)
			out[p] = sandboxPanel
			return nil
		case !configured:
			logger.Warn("panel not configured: orders for it will fail until it is", "platform", p)
			return nil
		}
		panel, err := open()
		out[p] = panel
		return err
	}
	return out, errors.Join(
		add(provisioning.PlatformVirtFusion, cfg.VirtFusion != nil, func() (provisioning.Panel, error) { return virtfusion.New(*cfg.VirtFusion) }),
		add(provisioning.PlatformPterodactyl, cfg.Pterodactyl != nil, func() (provisioning.Panel, error) { return pterodactyl.New(*cfg.Pterodactyl) }),
		add(provisioning.PlatformSynergyCP, cfg.SynergyCP != nil, func() (provisioning.Panel, error) { return synergycp.New(*cfg.SynergyCP) }),
		add(provisioning.PlatformEnhance, cfg.Enhance != nil, func() (provisioning.Panel, error) { return enhance.New(*cfg.Enhance) }),
	)
}

func mailer(cfg Config, logger *slog.Logger) (notify.Mailer, error) {
	if cfg.SMTP == nil {
		logger.Warn("no SMTP server configured: emails are written to the log, not sent")
		return notify.LogMailer{Logger: logger}, nil
	}
	return smtp.New(*cfg.SMTP)
}

func alerter(cfg Config, logger *slog.Logger) (automation.Alerter, error) {
	if cfg.DiscordWebhook == "" {
		return logAlerter{logger}, nil
	}
	return discord.New(discord.Config{WebhookURL: cfg.DiscordWebhook})
}

// logAlerter writes staff alerts to the log when no Discord webhook is set.
type logAlerter struct{ logger *slog.Logger }

func (l logAlerter) Send(_ context.Context, a discord.Alert) error {
	attrs := []any{"title", a.Title}
	for _, f := range a.Fields {
		attrs = append(attrs, f.Name, f.Value)
	}
	l.logger.Info("staff alert", attrs...)
	return nil
}

// Ping checks that the database answers, for readiness checks.
func (p *Platform) Ping(ctx context.Context) error { return p.Store.DB().PingContext(ctx) }

// sqlitePath is the SQLite database file: the configured one, or
// ./ezscale.db.
func (c Config) sqlitePath() string {
	if c.SQLite == "" {
		return "ezscale.db"
	}
	return c.SQLite
}
