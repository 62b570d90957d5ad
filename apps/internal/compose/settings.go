package compose

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/discord"
	"ezscale.cloud/platform/adapters/enhance"
	"ezscale.cloud/platform/adapters/httpapi"
	"ezscale.cloud/platform/adapters/pterodactyl"
	"ezscale.cloud/platform/adapters/sqlstore"
	"ezscale.cloud/platform/adapters/synergycp"
	"ezscale.cloud/platform/adapters/virtfusion"
	"ezscale.cloud/platform/automation"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/provisioning"
	"ezscale.cloud/platform/secretbox"
)

// SettingsReloadInterval is how often a process looks for settings
// another process saved.
const SettingsReloadInterval = 10 * time.Second

// SettingsStore keeps the settings groups staff save (the settings table).
type SettingsStore interface {
	ListSettings(ctx context.Context) ([]sqlstore.Setting, error)
	SaveSetting(ctx context.Context, st sqlstore.Setting, readVersion int64) error
	DeleteSetting(ctx context.Context, name string, readVersion int64) error
}

// The settings groups: billing's business settings, the Discord webhook
// and one per panel ("panel.virtfusion").
const (
	settingBilling = "billing"
	settingDiscord = "discord"
	panelPrefix    = "panel."
)

// Settings are what staff change in the admin panel while the platform
// runs: the business settings billing runs by, the panels' connections
// and the Discord webhook. Each group stored in the database wins over the
// configuration file; groups holding secrets are sealed with the keyring.
// Every process applies a group when its version changes (Reload, Watch),
// so a worker follows the admin panel without a restart.
type Settings struct {
	store   SettingsStore
	keys    *secretbox.Keyring
	billing *billing.Service
	manager *provisioning.Manager
	alerts  *swapAlerter
	clock   platform.Clock
	logger  *slog.Logger
	// What applies without a stored group: billing's defaults, the
	// configuration file's panels and alerter.
	file        Config
	filePanels  map[provisioning.Platform]provisioning.Panel
	fileAlerter automation.Alerter
	defaults    billing.Config

	mu      sync.Mutex
	applied map[string]int64 // group → version applied; absent: the file's
}

// panelKind is what Settings knows of one panel adapter: its secret
// fields (never shown back, kept when a save leaves them blank), its
// section of the configuration file, and how to open it from JSON, which
// is the same JSON the configuration file takes.
type panelKind struct {
	platform provisioning.Platform
	secrets  []string
	fromFile func(Config) any
	open     func(data []byte) (provisioning.Panel, error)
}

var panelKinds = []panelKind{
	{provisioning.PlatformVirtFusion, []string{"APIKey"}, func(c Config) any { return orNil(c.VirtFusion) }, openPanel(virtfusion.New)},
	{provisioning.PlatformPterodactyl, []string{"ApplicationKey", "ClientKey"}, func(c Config) any { return orNil(c.Pterodactyl) }, openPanel(pterodactyl.New)},
	{provisioning.PlatformSynergyCP, []string{"APIKey"}, func(c Config) any { return orNil(c.SynergyCP) }, openPanel(synergycp.New)},
	{provisioning.PlatformEnhance, []string{"APIKey"}, func(c Config) any { return orNil(c.Enhance) }, openPanel(enhance.New)},
}

// orNil keeps a nil section nil once it is an interface value.
func orNil[T any](p *T) any {
	if p == nil {
		return nil
	}
	return p
}

// openPanel decodes a panel's JSON strictly, so a misspelt field is an
// error, and opens the panel; errors name the field under "config".
func openPanel[C any, P provisioning.Panel](newPanel func(C) (P, error)) func([]byte) (provisioning.Panel, error) {
	return func(data []byte) (provisioning.Panel, error) {
		var c C
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			return nil, platform.Invalid("config", "%s", describeJSONError(data, err))
		}
		panel, err := newPanel(c)
		if err != nil {
			return nil, underField("config", err)
		}
		return panel, nil
	}
}

// underField puts an adapter's refusal of its configuration under prefix;
// a refusal that is not a platform error still names the field.
func underField(prefix string, err error) error {
	var e *platform.Error
	if !errors.As(err, &e) {
		return platform.Invalid(prefix, "%v", err)
	}
	return platform.UnderField(prefix, err)
}

func kindOf(name string) (panelKind, error) {
	for _, k := range panelKinds {
		if string(k.platform) == name {
			return k, nil
		}
	}
	return panelKind{}, platform.Errorf(platform.ENOTFOUND, "no panel platform %q; the platforms are %s", name, strings.Join(panelNames(), ", "))
}

// Reload applies every group whose version changed since the last call,
// and the file's value for groups no longer stored. A stored group that
// cannot be opened (a key removed from the keyring, say) is logged and
// leaves what runs unchanged.
func (s *Settings) Reload(ctx context.Context) error {
	rows, err := s.store.ListSettings(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	stored := map[string]sqlstore.Setting{}
	for _, r := range rows {
		stored[r.Name] = r
	}
	changed := func(name string) bool {
		v, was := s.applied[name]
		r, is := stored[name]
		return was != is || v != r.Version
	}
	var errs []error
	if changed(settingBilling) {
		errs = append(errs, s.applyBilling(stored))
	}
	if changed(settingDiscord) {
		errs = append(errs, s.applyDiscord(stored))
	}
	panelsChanged := false
	for _, k := range panelKinds {
		panelsChanged = panelsChanged || changed(panelPrefix+string(k.platform))
	}
	if panelsChanged {
		errs = append(errs, s.applyPanels(stored))
	}
	applied := map[string]int64{}
	for name, r := range stored {
		applied[name] = r.Version
	}
	s.applied = applied
	return errors.Join(errs...)
}

func (s *Settings) applyBilling(stored map[string]sqlstore.Setting) error {
	cfg := s.defaults
	if r, ok := stored[settingBilling]; ok {
		// Decoded over the defaults, so a setting added in a later
		// release keeps its default in an older stored group.
		if err := json.Unmarshal([]byte(r.Value), &cfg); err != nil {
			return errors.New("billing settings: " + err.Error())
		}
	}
	if err := s.billing.SetConfig(cfg); err != nil {
		return errors.New("billing settings: " + err.Error())
	}
	return nil
}

func (s *Settings) applyDiscord(stored map[string]sqlstore.Setting) error {
	r, ok := stored[settingDiscord]
	if !ok {
		s.alerts.set(s.fileAlerter)
		return nil
	}
	var d discordSetting
	if err := s.openSealed(r, &d); err != nil {
		return err
	}
	notifier, err := discord.New(discord.Config{WebhookURL: d.WebhookURL})
	if err != nil {
		return errors.New("discord settings: " + err.Error())
	}
	s.alerts.set(notifier)
	return nil
}

func (s *Settings) applyPanels(stored map[string]sqlstore.Setting) error {
	panels := maps.Clone(s.filePanels)
	var errs []error
	for _, k := range panelKinds {
		r, ok := stored[panelPrefix+string(k.platform)]
		if !ok {
			continue
		}
		var raw json.RawMessage
		if err := s.openSealed(r, &raw); err != nil {
			errs = append(errs, err)
			continue
		}
		panel, err := k.open(raw)
		if err != nil {
			errs = append(errs, errors.New(r.Name+" settings: "+err.Error()))
			continue
		}
		panels[k.platform] = panel
	}
	s.manager.SetPanels(panels)
	return errors.Join(errs...)
}

type discordSetting struct {
	WebhookURL string `json:"webhook_url"`
}

func (s *Settings) seal(name string, v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return s.keys.Seal(b, []byte("settings:"+name)), nil
}

func (s *Settings) openSealed(r sqlstore.Setting, v any) error {
	b, err := s.keys.Open(r.Value, []byte("settings:"+r.Name))
	if err != nil {
		return errors.New(r.Name + " settings: " + err.Error())
	}
	if err := json.Unmarshal(b, v); err != nil {
		return errors.New(r.Name + " settings: " + err.Error())
	}
	return nil
}

// Watch reloads the settings every interval until ctx ends, so this
// process follows changes another one saved.
func (s *Settings) Watch(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Reload(ctx); err != nil && ctx.Err() == nil {
				s.logger.Error("reloading settings", "err", err)
			}
		}
	}
}

// row returns a stored group, if any.
func (s *Settings) row(ctx context.Context, name string) (sqlstore.Setting, bool, error) {
	rows, err := s.store.ListSettings(ctx)
	if err != nil {
		return sqlstore.Setting{}, false, err
	}
	for _, r := range rows {
		if r.Name == name {
			return r, true, nil
		}
	}
	return sqlstore.Setting{}, false, nil
}

// save stores a group over the version its editor read, then applies it.
func (s *Settings) save(ctx context.Context, adminID int64, name, value string, readVersion int64) error {
	err := s.store.SaveSetting(ctx, sqlstore.Setting{Name: name, Value: value, UpdatedAt: s.clock.Now(), UpdatedBy: adminID}, readVersion)
	if err != nil {
		return err
	}
	return s.Reload(ctx)
}

// Business returns the business settings billing runs by and the version
// of the stored group (0: billing's defaults).
func (s *Settings) Business(ctx context.Context) (httpapi.BusinessSettings, error) {
	if err := s.Reload(ctx); err != nil {
		s.logger.Error("reloading settings", "err", err)
	}
	r, _, err := s.row(ctx, settingBilling)
	return httpapi.BusinessSettings{Config: s.billing.Config(), Version: r.Version}, err
}

// SaveBusiness validates and stores the business settings.
func (s *Settings) SaveBusiness(ctx context.Context, adminID int64, b httpapi.BusinessSettings) error {
	if err := b.Config.Validate(); err != nil {
		return err
	}
	value, err := json.Marshal(b.Config)
	if err != nil {
		return err
	}
	return s.save(ctx, adminID, settingBilling, string(value), b.Version)
}

// Panels describes each panel's connection, secrets left out.
func (s *Settings) Panels(ctx context.Context) ([]httpapi.Connection, error) {
	out := make([]httpapi.Connection, 0, len(panelKinds))
	for _, k := range panelKinds {
		c, err := s.panelConnection(ctx, k)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func (s *Settings) panelConnection(ctx context.Context, k panelKind) (httpapi.Connection, error) {
	c := httpapi.Connection{Name: string(k.platform), Source: "none", Config: map[string]any{}, SecretsSet: []string{}}
	cfg, version, source, err := s.panelConfig(ctx, k)
	if err != nil {
		return c, err
	}
	c.Version, c.Source = version, source
	if _, sandbox := s.filePanels[k.platform]; source == "none" && sandbox {
		c.Source = "sandbox"
	}
	for _, f := range k.secrets {
		if v, _ := cfg[f].(string); v != "" {
			c.SecretsSet = append(c.SecretsSet, f)
		}
		cfg[f] = ""
	}
	c.Config = cfg
	return c, nil
}

// panelConfig is a panel's current JSON as a map, secrets included, and
// where it comes from: the stored group ("settings", with its version),
// the file ("file") or neither ("none").
func (s *Settings) panelConfig(ctx context.Context, k panelKind) (map[string]any, int64, string, error) {
	cfg := map[string]any{}
	r, ok, err := s.row(ctx, panelPrefix+string(k.platform))
	switch {
	case err != nil:
		return nil, 0, "", err
	case ok:
		if err := s.openSealed(r, &cfg); err != nil {
			return nil, 0, "", err
		}
		return cfg, r.Version, "settings", nil
	}
	section := k.fromFile(s.file)
	if section == nil {
		return cfg, 0, "none", nil
	}
	b, err := json.Marshal(section)
	if err != nil {
		return nil, 0, "", err
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		return nil, 0, "", err
	}
	delete(cfg, "HTTPClient") // the file's sections can hold none; it is not JSON
	return cfg, 0, "file", nil
}

// withSecrets is a panel's JSON as staff sent it, with each secret they
// left blank taken from the panel's current connection.
func (s *Settings) withSecrets(ctx context.Context, k panelKind, sent map[string]any) ([]byte, error) {
	current, _, _, err := s.panelConfig(ctx, k)
	if err != nil {
		return nil, err
	}
	merged := maps.Clone(sent)
	delete(merged, "HTTPClient")
	for _, f := range k.secrets {
		if v, _ := merged[f].(string); v == "" && current[f] != nil {
			merged[f] = current[f]
		}
	}
	return json.Marshal(merged)
}

// openEdited opens a panel's connection as staff sent it, blank secrets
// filled from the current one, and returns its kind and JSON too.
func (s *Settings) openEdited(ctx context.Context, name string, cfg map[string]any) (panelKind, []byte, provisioning.Panel, error) {
	k, err := kindOf(name)
	if err != nil {
		return k, nil, nil, err
	}
	data, err := s.withSecrets(ctx, k, cfg)
	if err != nil {
		return k, nil, nil, err
	}
	panel, err := k.open(data)
	return k, data, panel, err
}

// SavePanel checks that a panel's connection opens and stores it.
func (s *Settings) SavePanel(ctx context.Context, adminID int64, name string, cfg map[string]any, readVersion int64) error {
	_, data, _, err := s.openEdited(ctx, name, cfg)
	if err != nil {
		return err
	}
	value, err := s.seal(panelPrefix+name, json.RawMessage(data))
	if err != nil {
		return err
	}
	return s.save(ctx, adminID, panelPrefix+name, value, readVersion)
}

// TestPanelConfig opens a connection as staff are editing it, before they
// save it, and asks the panel whether it answers and accepts the
// credentials.
func (s *Settings) TestPanelConfig(ctx context.Context, name string, cfg map[string]any) error {
	k, _, panel, err := s.openEdited(ctx, name, cfg)
	if err != nil {
		return err
	}
	return testResult("the "+name+" panel", "config."+k.secrets[0], panel.TestConnection(ctx))
}

// testResult turns what a connection test met into what staff should
// read: a refused key is a setting to fix (not the staff member's session
// to renew), and a system that did not answer is named with the reason.
func testResult(what, keyField string, err error) error {
	var perr *platform.Error
	switch {
	case err == nil:
		return nil
	case platform.ErrorCode(err) == platform.EUNAUTHORIZED:
		return &platform.Error{Code: platform.EINVALID, Field: keyField, Message: what + " refused the key", Err: err}
	case errors.As(err, &perr) && perr.Code != platform.EINTERNAL:
		return err
	}
	// Adapters report a failed connection as internal: here it is the
	// answer staff asked for.
	return &platform.Error{Code: platform.EUNAVAILABLE, Message: what + " could not be reached: " + err.Error(), Err: err}
}

// RemovePanel drops a stored connection: the file's applies again.
func (s *Settings) RemovePanel(ctx context.Context, name string, readVersion int64) error {
	if _, err := kindOf(name); err != nil {
		return err
	}
	if err := s.store.DeleteSetting(ctx, panelPrefix+name, readVersion); err != nil {
		return err
	}
	return s.Reload(ctx)
}

// Discord describes the alert webhook, its URL (a secret) left out.
func (s *Settings) Discord(ctx context.Context) (httpapi.Connection, error) {
	c := httpapi.Connection{Name: settingDiscord, Source: "none", Config: map[string]any{}, SecretsSet: []string{}}
	r, ok, err := s.row(ctx, settingDiscord)
	switch {
	case err != nil:
		return c, err
	case ok:
		c.Source, c.Version, c.SecretsSet = "settings", r.Version, []string{"webhook_url"}
	case s.file.DiscordWebhook != "":
		c.Source, c.SecretsSet = "file", []string{"webhook_url"}
	}
	return c, nil
}

// SaveDiscord checks and stores the alert webhook's URL.
func (s *Settings) SaveDiscord(ctx context.Context, adminID int64, webhookURL string, readVersion int64) error {
	if _, err := discord.New(discord.Config{WebhookURL: webhookURL}); err != nil {
		if platform.ErrorField(err) != "" {
			return err // the adapter names webhook_url itself
		}
		return platform.Invalid("webhook_url", "%v", err)
	}
	value, err := s.seal(settingDiscord, discordSetting{WebhookURL: webhookURL})
	if err != nil {
		return err
	}
	return s.save(ctx, adminID, settingDiscord, value, readVersion)
}

// TestDiscord posts a test alert through the alerter in use.
func (s *Settings) TestDiscord(ctx context.Context) error {
	err := s.alerts.Send(ctx, discord.Alert{Title: "Test alert from the admin panel",
		Fields: []discord.Field{{Name: "Sent at", Value: s.clock.Now().UTC().Format(time.RFC3339)}}})
	return testResult("Discord", "webhook_url", err)
}

// swapAlerter is the alerter the notifications hold; Settings replaces
// what it sends through when the Discord webhook changes.
type swapAlerter struct {
	mu      sync.RWMutex
	current automation.Alerter
}

func (a *swapAlerter) set(next automation.Alerter) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.current = next
}

func (a *swapAlerter) Send(ctx context.Context, alert discord.Alert) error {
	a.mu.RLock()
	current := a.current
	a.mu.RUnlock()
	return current.Send(ctx, alert)
}

// panelNames lists the platforms Settings can connect, for error messages.
func panelNames() []string {
	var names []string
	for _, k := range panelKinds {
		names = append(names, string(k.platform))
	}
	return slices.Sorted(slices.Values(names))
}
