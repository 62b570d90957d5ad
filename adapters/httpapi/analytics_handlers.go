package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
)

type analyticsInput struct {
	From time.Time `query:"from" doc:"Start of the range (inclusive); default 30 days before to."`
	To   time.Time `query:"to" doc:"End of the range (exclusive); default now."`
}

type movementBody struct {
	MRRStart     string `json:"mrr_start"`
	MRREnd       string `json:"mrr_end"`
	New          string `json:"new"`
	Expansion    string `json:"expansion"`
	Contraction  string `json:"contraction"`
	Churned      string `json:"churned"`
	Reactivation string `json:"reactivation"`
}

func movementOut(m billing.Movement) movementBody {
	return movementBody{MRRStart: m.MRRStart.Decimal(), MRREnd: m.MRREnd.Decimal(), New: m.New.Decimal(), Expansion: m.Expansion.Decimal(),
		Contraction: m.Contraction.Decimal(), Churned: m.Churned.Decimal(), Reactivation: m.Reactivation.Decimal()}
}

type analyticsOutput struct {
	Body struct {
		From              time.Time               `json:"from"`
		To                time.Time               `json:"to"`
		Currency          string                  `json:"currency" doc:"The base currency every total is in."`
		ARR               string                  `json:"arr"`
		CustomersStart    int                     `json:"customers_start"`
		CustomersEnd      int                     `json:"customers_end"`
		NewCustomers      int                     `json:"new_customers"`
		Reactivated       int                     `json:"reactivated_customers"`
		ChurnedCustomers  int                     `json:"churned_customers"`
		CustomerChurnRate string                  `json:"customer_churn_rate" doc:"Percent."`
		RevenueChurnRate  string                  `json:"revenue_churn_rate" doc:"Percent."`
		Movement          movementBody            `json:"mrr"`
		ByPlan            map[int64]movementBody  `json:"by_plan"`
		ByCurrency        map[string]movementBody `json:"by_currency" doc:"Each in its own currency, unconverted."`
	}
}

// registerAnalytics mounts the revenue analytics: MRR and how it moved,
// ARR, customer counts and churn over a range, by plan and by currency.
func (s *Server) registerAnalytics(b *billing.Service, rates billing.ExchangeRates, clock platform.Clock) {
	huma.Register(s.api, huma.Operation{
		OperationID: "analytics", Method: http.MethodGet, Path: adminPrefix + "analytics", Tags: []string{"admin"},
		Summary: "MRR, ARR, churn and customer growth over a range", Middlewares: huma.Middlewares{s.guard(access{staff: true, scope: identity.ScopeAdmin})},
	}, func(ctx context.Context, in *analyticsInput) (*analyticsOutput, error) {
		to := in.To
		if to.IsZero() {
			to = clock.Now()
		}
		from := in.From
		if from.IsZero() {
			from = to.AddDate(0, 0, -30)
		}
		if !from.Before(to) {
			return nil, apiError(s.log, platform.Invalid("from", "the range must start before it ends"))
		}
		m, err := b.Metrics(ctx, from, to, rates)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &analyticsOutput{}
		o := &out.Body
		o.From, o.To, o.Currency, o.ARR = m.From, m.To, rates.Base, m.ARR.Decimal()
		o.CustomersStart, o.CustomersEnd, o.NewCustomers, o.Reactivated, o.ChurnedCustomers =
			m.CustomersStart, m.CustomersEnd, m.NewCustomers, m.ReactivatedCustomers, m.ChurnedCustomers
		o.CustomerChurnRate, o.RevenueChurnRate = m.CustomerChurnRate.String(), m.RevenueChurnRate.String()
		o.Movement, o.ByPlan, o.ByCurrency = movementOut(m.Movement), map[int64]movementBody{}, map[string]movementBody{}
		for id, mv := range m.ByPlan {
			o.ByPlan[id] = movementOut(mv)
		}
		for c, mv := range m.ByCurrency {
			o.ByCurrency[c] = movementOut(mv)
		}
		return out, nil
	})
}
