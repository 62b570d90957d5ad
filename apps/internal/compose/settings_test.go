package compose

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/discord/discordtest"
	"ezscale.cloud/platform/adapters/httpapi"
	"ezscale.cloud/platform/adapters/storetest"
	"ezscale.cloud/platform/adapters/virtfusion/virtfusiontest"
	"ezscale.cloud/platform/provisioning"
	"ezscale.cloud/platform/secretbox"
)

// Two processes over one database, as the web app and a worker run: what
// staff save through one reaches the other on its next reload, and
// secrets are sealed in the database and never shown back.
func TestSettingsReachAnotherProcess(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testSettingsReachAnotherProcess(t, storetest.OpenSQLite(t)) })
	t.Run("mysql", func(t *testing.T) { testSettingsReachAnotherProcess(t, storetest.OpenMySQL(t)) })
}

func testSettingsReachAnotherProcess(t *testing.T, store Store) {
	ctx := context.Background()
	cfg := Config{SecretKeys: "k1:" + strings.Repeat("A", 43) + "="}
	web, worker := wireForTest(t, cfg, store), wireForTest(t, cfg, store)
	const admin = 7

	// Business settings: validated, versioned, and applied by the other
	// process only when it reloads.
	b, err := web.Settings.Business(ctx)
	if err != nil || b.Version != 0 || b.Config.Company.Name != "EZSCALE Hosting" {
		t.Fatalf("defaults: %+v, %v", b, err)
	}
	bad := b
	bad.Config.InvoiceNumbers.Pattern = "ACME-{YYYY}"
	if err := web.Settings.SaveBusiness(ctx, admin, bad); platform.ErrorField(err) != "invoice_numbers.pattern" {
		t.Fatalf("a pattern without {SEQ} saved: %v", err)
	}
	b.Config.Company.Name = "Acme Hosting Ltd"
	b.Config.InvoiceNumbers.Pattern = "ACME-{YYYY}-{SEQ:4}"
	b.Config.Dunning.SuspendAfterDays = 5
	if err := web.Settings.SaveBusiness(ctx, admin, b); err != nil {
		t.Fatal(err)
	}
	if err := web.Settings.SaveBusiness(ctx, admin, b); platform.ErrorCode(err) != platform.ECONFLICT {
		t.Fatalf("a save over a stale version: %v", err)
	}
	if worker.Billing.Config().Company.Name != "EZSCALE Hosting" {
		t.Fatal("the worker changed its settings before it reloaded")
	}
	if err := worker.Settings.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if c := worker.Billing.Config(); c.Company.Name != "Acme Hosting Ltd" || c.InvoiceNumbers.Pattern != "ACME-{YYYY}-{SEQ:4}" || c.Dunning.SuspendAfterDays != 5 {
		t.Fatalf("the worker runs on %+v", c)
	}

	// A panel connection: opened before it is saved, sealed, shown
	// without its key, and used by the other process after its reload.
	vf := virtfusiontest.New(t)
	conn := map[string]any{"BaseURL": vf.URL, "APIKey": virtfusiontest.Token, "HypervisorGroupID": 1}
	if err := web.Settings.SavePanel(ctx, admin, "virtfusion", map[string]any{"BaseURL": vf.URL, "APIKee": "x"}, 0); platform.ErrorCode(err) != platform.EINVALID ||
		!strings.HasPrefix(platform.ErrorField(err), "config") {
		t.Fatalf("a misspelt field saved: %v", err)
	}
	wrongKey := map[string]any{"BaseURL": vf.URL, "APIKey": "wrong", "HypervisorGroupID": 1}
	if err := web.Settings.TestPanelConfig(ctx, "virtfusion", wrongKey); platform.ErrorField(err) != "config.APIKey" {
		t.Fatalf("testing a wrong key: %v", err)
	}
	unreachable := map[string]any{"BaseURL": "http://127.0.0.1:1", "APIKey": "x", "HypervisorGroupID": 1}
	if err := web.Settings.TestPanelConfig(ctx, "virtfusion", unreachable); platform.ErrorCode(err) != platform.EUNAVAILABLE {
		t.Fatalf("testing a panel that does not answer: %v", err)
	}
	if err := web.Settings.TestPanelConfig(ctx, "virtfusion", conn); err != nil {
		t.Fatalf("testing the right key: %v", err)
	}
	if err := web.Settings.SavePanel(ctx, admin, "virtfusion", conn, 0); err != nil {
		t.Fatal(err)
	}
	rows, err := store.ListSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if strings.Contains(r.Value, virtfusiontest.Token) {
			t.Fatalf("setting %s holds the API key in clear", r.Name)
		}
	}
	panels, err := web.Settings.Panels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	vfConn := connectionNamed(t, panels, "virtfusion")
	if vfConn.Source != "settings" || vfConn.Config["APIKey"] != "" || len(vfConn.SecretsSet) != 1 || vfConn.Version != 1 {
		t.Fatalf("virtfusion shown as %+v", vfConn)
	}
	if c := connectionNamed(t, panels, "enhance"); c.Source != "sandbox" {
		t.Fatalf("an unconfigured panel in sandbox mode shown as %+v", c)
	}
	calls := len(vf.Requests())
	if err := worker.Provisioning.TestPanel(ctx, provisioning.PlatformVirtFusion); err != nil || len(vf.Requests()) != calls {
		t.Fatalf("before reloading, the worker used the panel: %v, %d calls", err, len(vf.Requests())-calls)
	}
	if err := worker.Settings.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if err := worker.Provisioning.TestPanel(ctx, provisioning.PlatformVirtFusion); err != nil || len(vf.Requests()) != calls+1 {
		t.Fatalf("after reloading, the worker's test: %v, %d calls", err, len(vf.Requests())-calls)
	}

	// A save that leaves the key blank keeps it.
	vfConn.Config["DefaultIPv4"] = 2
	if err := web.Settings.SavePanel(ctx, admin, "virtfusion", vfConn.Config, vfConn.Version); err != nil {
		t.Fatal(err)
	}
	if err := web.Provisioning.TestPanel(ctx, provisioning.PlatformVirtFusion); err != nil {
		t.Fatalf("the key was lost by a save without it: %v", err)
	}

	// Removed, the sandbox stands in again.
	if err := web.Settings.RemovePanel(ctx, "virtfusion", 1); platform.ErrorCode(err) != platform.ECONFLICT {
		t.Fatalf("removing over a stale version: %v", err)
	}
	if err := web.Settings.RemovePanel(ctx, "virtfusion", 2); err != nil {
		t.Fatal(err)
	}
	calls = len(vf.Requests())
	if err := web.Provisioning.TestPanel(ctx, provisioning.PlatformVirtFusion); err != nil || len(vf.Requests()) != calls {
		t.Fatalf("after removal the panel was still used: %v", err)
	}

	// The Discord webhook: checked, sealed, and posted to by the worker.
	if err := web.Settings.SaveDiscord(ctx, admin, "https://example.com/not-a-webhook", 0); platform.ErrorField(err) != "webhook_url" {
		t.Fatalf("a bad webhook URL saved: %v", err)
	}
	hook := discordtest.New(t, discordtest.Config{})
	if err := web.Settings.SaveDiscord(ctx, admin, hook.WebhookURL(), 0); err != nil {
		t.Fatal(err)
	}
	if err := worker.Settings.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if err := worker.Settings.TestDiscord(ctx); err != nil || len(hook.Messages()) != 1 {
		t.Fatalf("test alert: %v, %d messages", err, len(hook.Messages()))
	}
	d, err := web.Settings.Discord(ctx)
	if err != nil || d.Source != "settings" || len(d.Config) != 0 {
		t.Fatalf("discord shown as %+v, %v", d, err)
	}
}

// A stored group that cannot be opened, as after its key left the
// keyring, is logged and the platform starts on the file's settings.
func TestUnreadableSettingsDoNotStopStart(t *testing.T) {
	ctx := context.Background()
	store := storetest.OpenSQLite(t)
	first := wireForTest(t, Config{SecretKeys: "k1:" + strings.Repeat("A", 43) + "="}, store)
	hook := discordtest.New(t, discordtest.Config{})
	if err := first.Settings.SaveDiscord(ctx, 1, hook.WebhookURL(), 0); err != nil {
		t.Fatal(err)
	}
	second := wireForTest(t, Config{SecretKeys: "k2:" + strings.Repeat("B", 43) + "="}, store)
	if err := second.Settings.Reload(ctx); err == nil {
		t.Fatal("a group sealed with an unknown key was applied")
	}
	if err := second.Settings.TestDiscord(ctx); err != nil || len(hook.Messages()) != 0 {
		t.Fatalf("the unreadable webhook was used: %v", err)
	}
}

func wireForTest(t *testing.T, cfg Config, store Store) *Platform {
	t.Helper()
	if _, err := secretbox.ParseKeys(cfg.SecretKeys); err != nil {
		t.Fatal(err)
	}
	cfg.MySQL = "set so that wire takes secret_keys" // never opened: the store is given
	p, err := wire(cfg, store, platform.NewManualClock(time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func connectionNamed(t *testing.T, cs []httpapi.Connection, name string) httpapi.Connection {
	t.Helper()
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no connection %q in %+v", name, cs)
	return httpapi.Connection{}
}
