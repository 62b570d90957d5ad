package httpapi

import (
	"context"
	"maps"
	"net/http"
	"slices"

	"github.com/danielgtaylor/huma/v2"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/httpapi/internal/humaop"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
)

// BusinessSettings are the settings billing runs by, with the version of
// their stored group (0 while billing runs on its defaults). A save names
// the version it read, so one that raced another is refused.
type BusinessSettings struct {
	Config  billing.Config
	Version int64
}

// Connection describes one outside system's connection without its
// secrets: Config is the connection's settings with each secret field
// blank, and SecretsSet names the secret fields that hold a value.
type Connection struct {
	Name       string         `json:"name"`
	Source     string         `json:"source" enum:"settings,file,sandbox,none" doc:"settings: saved in the admin panel; file: the configuration file; sandbox: not configured, the sandbox stands in; none: not configured."`
	Config     map[string]any `json:"config" doc:"The same fields as the configuration file's section; secrets are blank."`
	SecretsSet []string       `json:"secrets_set"`
	Version    int64          `json:"version" doc:"The stored group's version, to send back with a save; 0 when none is stored."`
}

// SettingsAdmin keeps the settings staff change in the admin panel: the
// business settings, the panels' connections and the Discord webhook.
// Saves are checked before they are stored and apply at once.
type SettingsAdmin interface {
	Business(ctx context.Context) (BusinessSettings, error)
	SaveBusiness(ctx context.Context, adminID int64, b BusinessSettings) error
	Panels(ctx context.Context) ([]Connection, error)
	SavePanel(ctx context.Context, adminID int64, platform string, cfg map[string]any, readVersion int64) error
	TestPanelConfig(ctx context.Context, platform string, cfg map[string]any) error
	RemovePanel(ctx context.Context, platform string, readVersion int64) error
	Discord(ctx context.Context) (Connection, error)
	SaveDiscord(ctx context.Context, adminID int64, webhookURL string, readVersion int64) error
	TestDiscord(ctx context.Context) error
}

type businessSettingsBody struct {
	Settings billing.Config `json:"settings"`
	Version  int64          `json:"version" minimum:"0"`
}

type businessSettingsInput struct {
	request
	Body businessSettingsBody
}

type connectionsOutput struct {
	Body struct {
		Panels  []Connection `json:"panels"`
		Discord Connection   `json:"discord"`
		Gateway gatewayBody  `json:"gateway"`
	}
}

type gatewayBody struct {
	Name    string `json:"name"`
	Sandbox bool   `json:"sandbox" doc:"The sandbox gateway moves no money."`
}

type panelSettingsInput struct {
	request
	Platform string `path:"platform" enum:"virtfusion,pterodactyl,synergycp,enhance"`
	Body     struct {
		Config  map[string]any `json:"config" doc:"The configuration file's section for this panel; a blank secret keeps the saved one."`
		Version int64          `json:"version" minimum:"0"`
	}
}

type panelTestInput struct {
	Platform string `path:"platform" enum:"virtfusion,pterodactyl,synergycp,enhance"`
	Body     struct {
		Config map[string]any `json:"config"`
	}
}

type panelRemoveInput struct {
	request
	Platform string `path:"platform" enum:"virtfusion,pterodactyl,synergycp,enhance"`
	Version  int64  `query:"version" minimum:"1" required:"true"`
}

type discordSettingsInput struct {
	request
	Body struct {
		WebhookURL string `json:"webhook_url" minLength:"1" maxLength:"500"`
		Version    int64  `json:"version" minimum:"0"`
	}
}

// registerSettings mounts the admin's settings screens. Any staff member
// may read them (secrets never leave the server); changes need the
// settings permission and are audited without their secrets.
func (s *Server) registerSettings(settings SettingsAdmin, gateway GatewayInfo, audit identity.AuditLog, clock platform.Clock) {
	staff := access{staff: true, scope: identity.ScopeAdmin}
	change := func(ctx context.Context, rq request, c staffChange) error {
		return s.applyStaffChange(ctx, rq, audit, clock, c)
	}
	humaop.Register(s.api, huma.Operation{
		OperationID: "get-business-settings", Method: http.MethodGet, Path: adminPrefix + "settings/business", Tags: []string{"admin"},
		Summary: "Company details, invoice numbering, tax and dunning", Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body businessSettingsBody }, error) {
		b, err := settings.Business(ctx)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return &struct{ Body businessSettingsBody }{Body: businessSettingsBody{Settings: b.Config, Version: b.Version}}, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "save-business-settings", Method: http.MethodPut, Path: adminPrefix + "settings/business", Tags: []string{"admin"},
		Summary: "Change the business settings", Description: "They apply to invoices made from now on; issued invoices keep what they were issued with.",
		Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *businessSettingsInput) (*struct{ Body businessSettingsBody }, error) {
		err := change(ctx, in.request, staffChange{perm: identity.PermSettingsWrite, action: "settings.business", resourceType: "settings", details: in.Body.Settings,
			change: func(adminID int64) (string, error) {
				return "business", settings.SaveBusiness(ctx, adminID, BusinessSettings{Config: in.Body.Settings, Version: in.Body.Version})
			}})
		if platform.ErrorField(err) != "" {
			// The settings are the body's "settings" member.
			err = platform.UnderField("settings", err)
		}
		if err != nil {
			return nil, apiError(s.log, err)
		}
		b, err := settings.Business(ctx)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return &struct{ Body businessSettingsBody }{Body: businessSettingsBody{Settings: b.Config, Version: b.Version}}, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "get-connections", Method: http.MethodGet, Path: adminPrefix + "settings/connections", Tags: []string{"admin"},
		Summary: "Panel connections, the Discord webhook and the payment gateway, without secrets", Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, _ *struct{}) (*connectionsOutput, error) {
		out := &connectionsOutput{}
		var err error
		if out.Body.Panels, err = settings.Panels(ctx); err != nil {
			return nil, apiError(s.log, err)
		}
		if out.Body.Discord, err = settings.Discord(ctx); err != nil {
			return nil, apiError(s.log, err)
		}
		out.Body.Gateway = gatewayBody{Name: gateway.Name, Sandbox: gateway.Sandbox}
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "save-panel-connection", Method: http.MethodPut, Path: adminPrefix + "settings/panels/{platform}", Tags: []string{"admin"},
		Summary: "Connect a panel", Description: "The connection is opened before it is saved; services move to it at once.",
		DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *panelSettingsInput) (*struct{}, error) {
		return nil, apiError(s.log, change(ctx, in.request, staffChange{perm: identity.PermSettingsWrite, action: "settings.panel", resourceType: "panel",
			details: map[string]any{"platform": in.Platform, "fields": slices.Sorted(maps.Keys(in.Body.Config))},
			change: func(adminID int64) (string, error) {
				return in.Platform, settings.SavePanel(ctx, adminID, in.Platform, in.Body.Config, in.Body.Version)
			}}))
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "test-panel-connection", Method: http.MethodPost, Path: adminPrefix + "settings/panels/{platform}/test", Tags: []string{"admin"},
		Summary: "Check a panel connection before saving it", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *panelTestInput) (*struct{}, error) {
		if err := permitted(ctx, identity.PermSettingsWrite); err != nil {
			return nil, apiError(s.log, err)
		}
		return nil, apiError(s.log, settings.TestPanelConfig(ctx, in.Platform, in.Body.Config))
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "remove-panel-connection", Method: http.MethodDelete, Path: adminPrefix + "settings/panels/{platform}", Tags: []string{"admin"},
		Summary: "Forget a saved panel connection", Description: "The configuration file's connection, or the sandbox, applies again.",
		DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *panelRemoveInput) (*struct{}, error) {
		return nil, apiError(s.log, change(ctx, in.request, staffChange{perm: identity.PermSettingsWrite, action: "settings.panel_remove", resourceType: "panel",
			details: map[string]any{"platform": in.Platform},
			change:  func(int64) (string, error) { return in.Platform, settings.RemovePanel(ctx, in.Platform, in.Version) }}))
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "save-discord-webhook", Method: http.MethodPut, Path: adminPrefix + "settings/discord", Tags: []string{"admin"},
		Summary: "Set the Discord webhook staff alerts are posted to", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *discordSettingsInput) (*struct{}, error) {
		return nil, apiError(s.log, change(ctx, in.request, staffChange{perm: identity.PermSettingsWrite, action: "settings.discord", resourceType: "settings",
			details: map[string]any{"webhook_url": "(set)"},
			change: func(adminID int64) (string, error) {
				return "discord", settings.SaveDiscord(ctx, adminID, in.Body.WebhookURL, in.Body.Version)
			}}))
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "test-discord-webhook", Method: http.MethodPost, Path: adminPrefix + "settings/discord/test", Tags: []string{"admin"},
		Summary: "Post a test alert", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, _ *struct{}) (*struct{}, error) {
		if err := permitted(ctx, identity.PermSettingsWrite); err != nil {
			return nil, apiError(s.log, err)
		}
		return nil, apiError(s.log, settings.TestDiscord(ctx))
	})
}

type gatewayTestOutput struct {
	Body struct {
		Gateways []gatewayTestBody `json:"gateways"`
	}
}

type gatewayTestBody struct {
	Name    string `json:"name"`
	OK      bool   `json:"ok"`
	Message string `json:"message,omitempty" doc:"Why the check failed."`
}

// registerGatewayTest mounts checking the payment gateways' credentials,
// which the configuration file holds: each gateway makes its cheapest
// authenticated call, and the answer says which work.
func (s *Server) registerGatewayTest(gateways []ConnectionChecker) {
	humaop.Register(s.api, huma.Operation{
		OperationID: "test-gateways", Method: http.MethodPost, Path: adminPrefix + "settings/gateways/test", Tags: []string{"admin"},
		Summary: "Check the payment gateways' credentials", Description: "Moves no money. A gateway that refuses the credentials or does not answer is reported, not an error.",
		Middlewares: huma.Middlewares{s.guard(access{staff: true, scope: identity.ScopeAdmin})},
	}, func(ctx context.Context, _ *struct{}) (*gatewayTestOutput, error) {
		if err := permitted(ctx, identity.PermSettingsWrite); err != nil {
			return nil, apiError(s.log, err)
		}
		out := &gatewayTestOutput{}
		out.Body.Gateways = []gatewayTestBody{}
		for _, g := range gateways {
			result := gatewayTestBody{Name: g.Name(), OK: true}
			if err := g.CheckConnection(ctx); err != nil {
				s.log.Warn("payment gateway check failed", "gateway", g.Name(), "err", err)
				result.OK, result.Message = false, err.Error()
			}
			out.Body.Gateways = append(out.Body.Gateways, result)
		}
		return out, nil
	})
}
