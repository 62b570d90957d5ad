package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/httpapi/internal/humaop"
	"ezscale.cloud/platform/identity"
	"ezscale.cloud/platform/notify"
)

type templateFieldBody struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Example     string `json:"example"`
}

type templateBody struct {
	Kind       string              `json:"kind"`
	Fields     []templateFieldBody `json:"fields"`
	Subject    string              `json:"subject"`
	Text       string              `json:"text"`
	HTML       string              `json:"html"`
	Overridden bool                `json:"overridden" doc:"Whether an admin replaced any of the defaults."`
}

type templatesOutput struct {
	Body struct {
		Templates []templateBody `json:"templates"`
	}
}

type templateInput struct {
	request
	Kind string `path:"kind" maxLength:"64"`
	Body struct {
		Subject string `json:"subject,omitempty" maxLength:"1000" doc:"Empty keeps the default."`
		Text    string `json:"text,omitempty" maxLength:"100000" doc:"Empty keeps the default."`
		HTML    string `json:"html,omitempty" maxLength:"200000" doc:"Empty keeps the default."`
	}
}

type templateKindInput struct {
	request
	Kind string `path:"kind" maxLength:"64"`
}

type renderedOutput struct {
	Body struct {
		Subject string `json:"subject"`
		Text    string `json:"text"`
		HTML    string `json:"html"`
	}
}

// registerEmailTemplates mounts the admin editor of the email templates:
// the kinds with their fields and current text, save (checked before it is
// stored, errors naming the part and line), restore the default, and
// preview with example data. Templates are admins' to write; customer data
// only ever fills their fields.
func (s *Server) registerEmailTemplates(store notify.OverrideStore, audit identity.AuditLog, clock platform.Clock) {
	staff := access{staff: true, scope: identity.ScopeAdmin}
	humaop.Register(s.api, huma.Operation{
		OperationID: "list-email-templates", Method: http.MethodGet, Path: adminPrefix + "email-templates", Tags: []string{"admin"},
		Summary: "Every email with its fields and current templates", Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, _ *struct{}) (*templatesOutput, error) {
		saved, err := store.TemplateOverrides(ctx)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		overrides := map[notify.Kind]notify.Override{}
		for _, o := range saved {
			overrides[o.Kind] = o
		}
		out := &templatesOutput{}
		for _, kind := range notify.Kinds() {
			current, overridden := notify.Default(kind), false
			if o, ok := overrides[kind]; ok {
				current, overridden = o.WithDefaults(), true
			}
			b := templateBody{Kind: string(kind), Subject: current.Subject, Text: current.Text, HTML: current.HTML, Overridden: overridden}
			for _, f := range notify.Fields(kind) {
				b.Fields = append(b.Fields, templateFieldBody{Name: f.Name, Description: f.Description, Example: f.Example})
			}
			out.Body.Templates = append(out.Body.Templates, b)
		}
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "save-email-template", Method: http.MethodPut, Path: adminPrefix + "email-templates/{kind}", Tags: []string{"admin"},
		Summary: "Replace an email's templates", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *templateInput) (*struct{}, error) {
		o := notify.Override{Kind: notify.Kind(in.Kind), Subject: in.Body.Subject, Text: in.Body.Text, HTML: in.Body.HTML}
		err := s.applyStaffChange(ctx, in.request, audit, clock, staffChange{
			perm: identity.PermSettingsWrite, action: "email_template.save", resourceType: "email_template", details: o,
			change: func(adminID int64) (string, error) {
				if err := o.Validate(); err != nil {
					return "", err
				}
				return in.Kind, store.SaveTemplateOverride(ctx, o, adminID, clock.Now())
			},
		})
		return nil, apiError(s.log, err)
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "reset-email-template", Method: http.MethodDelete, Path: adminPrefix + "email-templates/{kind}", Tags: []string{"admin"},
		Summary: "Go back to an email's default templates", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *templateKindInput) (*struct{}, error) {
		o := notify.Override{Kind: notify.Kind(in.Kind)}
		err := s.applyStaffChange(ctx, in.request, audit, clock, staffChange{
			perm: identity.PermSettingsWrite, action: "email_template.reset", resourceType: "email_template", details: o,
			change: func(int64) (string, error) {
				if notify.Fields(o.Kind) == nil {
					return "", platform.Invalid("kind", "unknown email %q", in.Kind)
				}
				return in.Kind, store.DeleteTemplateOverride(ctx, o.Kind)
			},
		})
		return nil, apiError(s.log, err)
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "preview-email-template", Method: http.MethodPost, Path: adminPrefix + "email-templates/{kind}/preview", Tags: []string{"admin"},
		Summary: "Render templates with the email's example data", Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *templateInput) (*renderedOutput, error) {
		r, err := notify.Override{Kind: notify.Kind(in.Kind), Subject: in.Body.Subject, Text: in.Body.Text, HTML: in.Body.HTML}.Preview()
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &renderedOutput{}
		out.Body.Subject, out.Body.Text, out.Body.HTML = r.Subject, r.Text, r.HTML
		return out, nil
	})
}
