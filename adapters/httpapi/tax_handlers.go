package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/httpapi/internal/humaop"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
)

type taxRateBody struct {
	ID         int64     `json:"id"`
	Country    string    `json:"country"`
	Region     string    `json:"region,omitempty"`
	Name       string    `json:"name"`
	Rate       string    `json:"rate" doc:"Percent, e.g. 19 or 8.875."`
	ValidFrom  time.Time `json:"valid_from"`
	ValidUntil time.Time `json:"valid_until,omitzero"`
}

func taxRateOut(r billing.TaxRate) taxRateBody {
	return taxRateBody{ID: r.ID, Country: r.Country, Region: r.Region, Name: r.Name, Rate: r.Rate.String(),
		ValidFrom: r.ValidFrom, ValidUntil: r.ValidUntil}
}

type taxRatesOutput struct {
	Body struct {
		TaxRates []taxRateBody `json:"tax_rates"`
	}
}

type createTaxRateInput struct {
	request
	Body struct {
		Country    string    `json:"country" pattern:"^[A-Za-z]{2}$"`
		Region     string    `json:"region,omitempty" maxLength:"16"`
		Name       string    `json:"name" minLength:"1" maxLength:"64"`
		Rate       string    `json:"rate" maxLength:"12" doc:"Percent, e.g. 19 or 8.875."`
		ValidFrom  time.Time `json:"valid_from"`
		ValidUntil time.Time `json:"valid_until,omitzero"`
	}
}

// registerTaxRates mounts the staff's tax table: list every rate and add
// one. Invoices keep the rate they were issued with, so a new rate never
// changes a past invoice.
func (s *Server) registerTaxRates(b *billing.Service, audit identity.AuditLog, clock platform.Clock) {
	staff := access{staff: true, scope: identity.ScopeAdmin}
	humaop.Register(s.api, huma.Operation{
		OperationID: "list-tax-rates", Method: http.MethodGet, Path: adminPrefix + "tax-rates", Tags: []string{"admin"},
		Summary: "Every tax rate by place and validity", Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, _ *struct{}) (*taxRatesOutput, error) {
		rates, err := b.TaxRates(ctx)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &taxRatesOutput{}
		out.Body.TaxRates = []taxRateBody{}
		for _, r := range rates {
			out.Body.TaxRates = append(out.Body.TaxRates, taxRateOut(r))
		}
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "create-tax-rate", Method: http.MethodPost, Path: adminPrefix + "tax-rates", Tags: []string{"admin"},
		Summary: "Add a tax rate for a country or region", DefaultStatus: http.StatusCreated, Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *createTaxRateInput) (*struct{ Body taxRateBody }, error) {
		rate, err := billing.ParseRate(in.Body.Rate)
		if err != nil {
			return nil, apiError(s.log, platform.Invalid("rate", "%q is not a percentage", in.Body.Rate))
		}
		r := &billing.TaxRate{Country: in.Body.Country, Region: in.Body.Region, Name: in.Body.Name, Rate: rate,
			ValidFrom: in.Body.ValidFrom, ValidUntil: in.Body.ValidUntil}
		err = s.applyStaffChange(ctx, in.request, audit, clock, staffChange{
			perm: identity.PermSettingsWrite, action: "tax_rate.create", resourceType: "tax_rate", details: in.Body,
			change: func(int64) (string, error) { err := b.CreateTaxRate(ctx, r); return strconv.FormatInt(r.ID, 10), err },
		})
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return &struct{ Body taxRateBody }{Body: taxRateOut(*r)}, nil
	})
}
