package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/httpapi/internal/humaop"
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

// revenueInput repeats analyticsInput's fields: huma reads no query
// parameters from an embedded struct.
type revenueInput struct {
	From     time.Time `query:"from" doc:"Start of the range (inclusive); default 30 days before to."`
	To       time.Time `query:"to" doc:"End of the range (exclusive); default now."`
	Interval string    `query:"interval" enum:"day,week,month,year" default:"day"`
}

type revenuePointBody struct {
	Start     time.Time `json:"start"`
	Collected string    `json:"collected" doc:"Succeeded charges in the bucket."`
	Refunded  string    `json:"refunded"`
	Net       string    `json:"net"`
	MRR       string    `json:"mrr" doc:"At the bucket's start."`
	Customers int       `json:"customers" doc:"Active customers at the bucket's start."`
}

type revenueOutput struct {
	Body struct {
		Currency string             `json:"currency" doc:"The base currency every amount is in."`
		Interval string             `json:"interval"`
		Points   []revenuePointBody `json:"points"`
	}
}

type receivableBody struct {
	Outstanding      string `json:"outstanding"`
	OutstandingCount int    `json:"outstanding_count"`
	Overdue          string `json:"overdue"`
	OverdueCount     int    `json:"overdue_count"`
}

func receivableOut(r billing.Receivable) receivableBody {
	return receivableBody{Outstanding: r.Outstanding.Decimal(), OutstandingCount: r.OutstandingCount, Overdue: r.Overdue.Decimal(), OverdueCount: r.OverdueCount}
}

type receivablesOutput struct {
	Body struct {
		Currency   string                    `json:"currency"`
		Total      receivableBody            `json:"total" doc:"In the base currency."`
		ByCurrency map[string]receivableBody `json:"by_currency" doc:"Each in its own currency, unconverted."`
	}
}

type planActivityBody struct {
	PlanID         int64  `json:"plan_id"`
	Live           int    `json:"live" doc:"Subscriptions on the plan now."`
	Ordered        int    `json:"ordered" doc:"Orders placed in the range."`
	Paid           int    `json:"paid" doc:"Of those orders, the ones paid."`
	ConversionRate string `json:"conversion_rate" doc:"Percent of the range's orders that were paid."`
}

type planActivityOutput struct {
	Body struct {
		Plans []planActivityBody `json:"plans"`
	}
}

// rangeOf is a report's range: to defaults to now, from to 30 days before.
func rangeOf(from, to time.Time, clock platform.Clock) (time.Time, time.Time, error) {
	if to.IsZero() {
		to = clock.Now()
	}
	if from.IsZero() {
		from = to.AddDate(0, 0, -30)
	}
	if !from.Before(to) {
		return from, to, platform.Invalid("query.from", "the range must start before it ends")
	}
	return from, to, nil
}

// registerAnalytics mounts the revenue analytics: MRR and how it moved,
// ARR, customer counts and churn over a range, by plan and by currency;
// the revenue series, receivables and plan popularity the charts show.
func (s *Server) registerAnalytics(b *billing.Service, rates billing.ExchangeRates, clock platform.Clock) {
	staff := huma.Middlewares{s.guard(access{staff: true, scope: identity.ScopeAdmin})}
	humaop.Register(s.api, huma.Operation{
		OperationID: "analytics-revenue", Method: http.MethodGet, Path: adminPrefix + "analytics/revenue", Tags: []string{"admin"},
		Summary: "Money collected and refunded per day, week, month or year, with MRR and customers", Middlewares: staff,
	}, func(ctx context.Context, in *revenueInput) (*revenueOutput, error) {
		from, to, err := rangeOf(in.From, in.To, clock)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		points, err := b.RevenueSeries(ctx, from, to, billing.Interval(in.Interval), rates)
		if err != nil {
			return nil, apiError(s.log, platform.UnderField("query", err)) // the range and interval are query parameters
		}
		out := &revenueOutput{}
		out.Body.Currency, out.Body.Interval, out.Body.Points = rates.Base, in.Interval, make([]revenuePointBody, 0, len(points))
		for _, p := range points {
			net := billing.Money{Amount: p.Collected.Amount - p.Refunded.Amount, Currency: rates.Base}
			out.Body.Points = append(out.Body.Points, revenuePointBody{Start: p.Start, Collected: p.Collected.Decimal(), Refunded: p.Refunded.Decimal(),
				Net: net.Decimal(), MRR: p.MRR.Decimal(), Customers: p.Customers})
		}
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "analytics-receivables", Method: http.MethodGet, Path: adminPrefix + "analytics/receivables", Tags: []string{"admin"},
		Summary: "Outstanding and overdue invoices", Middlewares: staff,
	}, func(ctx context.Context, _ *struct{}) (*receivablesOutput, error) {
		r, err := b.Receivables(ctx, rates)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &receivablesOutput{}
		out.Body.Currency, out.Body.Total, out.Body.ByCurrency = rates.Base, receivableOut(r.Receivable), map[string]receivableBody{}
		for c, rc := range r.ByCurrency {
			out.Body.ByCurrency[c] = receivableOut(rc)
		}
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "analytics-plans", Method: http.MethodGet, Path: adminPrefix + "analytics/plans", Tags: []string{"admin"},
		Summary: "Plan popularity and conversion over a range", Middlewares: staff,
	}, func(ctx context.Context, in *analyticsInput) (*planActivityOutput, error) {
		from, to, err := rangeOf(in.From, in.To, clock)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		activity, err := b.PlanActivities(ctx, from, to)
		if err != nil {
			return nil, apiError(s.log, platform.UnderField("query", err))
		}
		out := &planActivityOutput{}
		out.Body.Plans = make([]planActivityBody, 0, len(activity))
		for _, a := range activity {
			out.Body.Plans = append(out.Body.Plans, planActivityBody{PlanID: a.PlanID, Live: a.Live, Ordered: a.Ordered, Paid: a.Paid,
				ConversionRate: a.ConversionRate().String()})
		}
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "analytics", Method: http.MethodGet, Path: adminPrefix + "analytics", Tags: []string{"admin"},
		Summary: "MRR, ARR, churn and customer growth over a range", Middlewares: staff,
	}, func(ctx context.Context, in *analyticsInput) (*analyticsOutput, error) {
		from, to, err := rangeOf(in.From, in.To, clock)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		m, err := b.Metrics(ctx, from, to, rates)
		if err != nil {
			return nil, apiError(s.log, platform.UnderField("query", err))
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
