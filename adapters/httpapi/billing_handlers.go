package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/httpapi/internal/humaop"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
)

// Catalog lists the plans; billing.Store satisfies it.
type Catalog interface {
	ListPlans(ctx context.Context) ([]*billing.Plan, error)
	PlanNamer
}

// InvoicePDFs gives an invoice's PDF, rendered once and kept.
type InvoicePDFs interface {
	PDF(ctx context.Context, inv *billing.Invoice) ([]byte, error)
}

type priceBody struct {
	Currency string `json:"currency"`
	Cycle    string `json:"cycle"`
	Amount   string `json:"amount"`
	SetupFee string `json:"setup_fee,omitempty"`
}

type optionBody struct {
	ID       int64       `json:"id"`
	Code     string      `json:"code"`
	Name     string      `json:"name"`
	Unit     string      `json:"unit"`
	MinUnits int64       `json:"min_units"`
	MaxUnits int64       `json:"max_units"`
	Prices   []priceBody `json:"prices"`
}

type planBody struct {
	ID         int64             `json:"id"`
	Code       string            `json:"code"`
	Name       string            `json:"name"`
	Type       string            `json:"type"`
	Features   map[string]string `json:"features,omitempty"`
	OutOfStock bool              `json:"out_of_stock,omitempty" doc:"Dedicated servers out of stock are sold as backorders."`
	TrialDays  int               `json:"trial_days,omitempty"`
	Prices     []priceBody       `json:"prices"`
	Options    []optionBody      `json:"options"`
	Status     string            `json:"status" enum:"active,hidden,archived"`
	// UpgradeTargets are the plans a subscriber may change to.
	UpgradeTargets []int64 `json:"upgrade_targets,omitempty"`
	// Stock is shown to staff only: units left, absent for unlimited.
	Stock *int64 `json:"stock,omitempty"`
}

func pricesOut(prices []billing.Price) []priceBody {
	out := []priceBody{}
	for _, p := range prices {
		b := priceBody{Currency: p.Currency, Cycle: string(p.Cycle), Amount: billing.Money{Amount: p.Amount, Currency: p.Currency}.Decimal()}
		if p.SetupFee != 0 {
			b.SetupFee = billing.Money{Amount: p.SetupFee, Currency: p.Currency}.Decimal()
		}
		out = append(out, b)
	}
	return out
}

func planOut(p *billing.Plan) planBody {
	b := planBody{ID: p.ID, Code: p.Code, Name: p.Name, Type: string(p.Type), Features: p.Features, TrialDays: p.TrialDays,
		OutOfStock: p.Stock != nil && *p.Stock <= 0, Prices: pricesOut(p.Prices), Options: []optionBody{}, Status: string(p.Status),
		UpgradeTargets: p.UpgradeTargets}
	for _, o := range p.Options {
		b.Options = append(b.Options, optionBody{ID: o.ID, Code: o.Code, Name: o.Name, Unit: o.Unit, MinUnits: o.MinUnits, MaxUnits: o.MaxUnits, Prices: pricesOut(o.Prices)})
	}
	return b
}

type catalogOutput struct {
	Body struct {
		Plans []planBody `json:"plans"`
	}
}

type orderInput struct {
	Body struct {
		PlanID   int64              `json:"plan_id" minimum:"1"`
		Currency string             `json:"currency" pattern:"^[A-Za-z]{3}$"`
		Cycle    string             `json:"cycle" enum:"hourly,monthly,quarterly,semiannual,annual"`
		Options  []orderOptionInput `json:"options,omitempty" maxItems:"32"`
		Coupon   string             `json:"coupon,omitempty" maxLength:"64"`
	}
}

type orderOptionInput struct {
	OptionID int64 `json:"option_id" minimum:"1"`
	Units    int64 `json:"units" minimum:"0" maximum:"1000000"`
}

type subscriptionBody struct {
	ID                 int64     `json:"id"`
	CustomerID         int64     `json:"customer_id"`
	PlanID             int64     `json:"plan_id"`
	PlanName           string    `json:"plan_name,omitempty"`
	Status             string    `json:"status"`
	Currency           string    `json:"currency"`
	Cycle              string    `json:"cycle"`
	RecurringAmount    string    `json:"recurring_amount,omitempty"`
	CurrentPeriodStart time.Time `json:"current_period_start,omitzero"`
	CurrentPeriodEnd   time.Time `json:"current_period_end,omitzero"`
	CancelAtPeriodEnd  bool      `json:"cancel_at_period_end,omitempty"`
	Backordered        bool      `json:"backordered,omitempty"`
	BilledBy           []string  `json:"billed_by,omitempty" doc:"Gateways that bill it on their own schedule (paypal): set up, or waiting for the buyer's approval."`
	CreatedAt          time.Time `json:"created_at" doc:"When it was ordered."`
}

func subscriptionOut(s *billing.Subscription) subscriptionBody {
	return subscriptionBody{ID: s.ID, CustomerID: s.CustomerID, PlanID: s.PlanID, Status: string(s.Status), Currency: s.Currency, Cycle: string(s.Cycle),
		CurrentPeriodStart: s.CurrentPeriodStart, CurrentPeriodEnd: s.CurrentPeriodEnd, CancelAtPeriodEnd: s.CancelAtPeriodEnd,
		Backordered: s.Backordered, CreatedAt: s.CreatedAt}
}

type orderOutput struct {
	Body struct {
		Subscription subscriptionBody `json:"subscription"`
		Invoice      *invoiceBody     `json:"invoice,omitempty" doc:"The first invoice, with discount and tax, to pay; absent during a free trial."`
	}
}

type subscriptionsOutput struct {
	Body struct {
		Subscriptions []subscriptionBody `json:"subscriptions"`
	}
}

// subscriptionsOut describes subscriptions with their plan's name and
// their recurring amount, reading the catalog once whatever their number.
func subscriptionsOut(ctx context.Context, catalog Catalog, subs []*billing.Subscription) ([]subscriptionBody, error) {
	out := []subscriptionBody{}
	if len(subs) == 0 {
		return out, nil
	}
	plans, err := catalog.ListPlans(ctx)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*billing.Plan, len(plans))
	for _, p := range plans {
		byID[p.ID] = p
	}
	for _, sub := range subs {
		body := subscriptionOut(sub)
		if p := byID[sub.PlanID]; p != nil {
			body.PlanName = p.Name
			// A price since removed leaves the amount out rather than
			// failing the whole list.
			if amount, err := billing.RecurringAmount(p, sub.Currency, sub.Cycle, sub.Options); err == nil {
				body.RecurringAmount = amount.Decimal()
			}
		}
		out = append(out, body)
	}
	return out, nil
}

// customerSubscriptionsOut is subscriptionsOut for one customer's
// subscriptions, with the gateways that bill each: one query more.
func customerSubscriptionsOut(ctx context.Context, b *billing.Service, catalog Catalog, customerID int64, subs []*billing.Subscription) ([]subscriptionBody, error) {
	out, err := subscriptionsOut(ctx, catalog, subs)
	if err != nil || len(subs) == 0 {
		return out, err
	}
	billedBy, err := b.GatewaysBillingCustomer(ctx, customerID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].BilledBy = billedBy[out[i].ID]
	}
	return out, nil
}

type cancelInput struct {
	request
	ID   int64 `path:"id"`
	Body struct {
		AtPeriodEnd bool   `json:"at_period_end" doc:"Keep the service until the paid period ends."`
		Reason      string `json:"reason,omitempty" maxLength:"500"`
	}
}

type planChangeInput struct {
	request
	ID   int64 `path:"id"`
	Body struct {
		PlanID  int64              `json:"plan_id" minimum:"1"`
		Options []orderOptionInput `json:"options,omitempty" maxItems:"32"`
	}
}

func (in *planChangeInput) options() []billing.OptionChoice {
	var out []billing.OptionChoice
	for _, o := range in.Body.Options {
		out = append(out, billing.OptionChoice{OptionID: o.OptionID, Units: o.Units})
	}
	return out
}

type quoteBody struct {
	Credit           string `json:"credit" doc:"The unused part of what was paid for the current plan."`
	Charge           string `json:"charge" doc:"The new plan's price for the rest of the period."`
	Net              string `json:"net" doc:"Charge less credit: above zero it is invoiced now, below zero credited to the balance."`
	RemainingSeconds int64  `json:"remaining_seconds"`
	PeriodSeconds    int64  `json:"period_seconds"`
}

func quoteOut(q billing.ProrationQuote) quoteBody {
	return quoteBody{Credit: q.Credit.Decimal(), Charge: q.Charge.Decimal(), Net: q.Net.Decimal(),
		RemainingSeconds: q.RemainingSeconds, PeriodSeconds: q.PeriodSeconds}
}

type planChangeOutput struct {
	Body struct {
		Quote      quoteBody    `json:"quote"`
		Invoice    *invoiceBody `json:"invoice,omitempty" doc:"The proration invoice to pay; the change applies when it is paid."`
		CreditNote *invoiceBody `json:"credit_note,omitempty"`
	}
}

type invoicesOutput struct {
	Body struct {
		Invoices []invoiceBody `json:"invoices"`
	}
}

func invoicesOut(invs []*billing.Invoice) *invoicesOutput {
	out := &invoicesOutput{}
	out.Body.Invoices = []invoiceBody{}
	for _, inv := range invs {
		out.Body.Invoices = append(out.Body.Invoices, invoiceOut(inv))
	}
	return out
}

type invoiceListInput struct {
	Kind     string `query:"kind" enum:"invoice,credit_note,"`
	Status   string `query:"status" enum:"open,paid,void,uncollectible,"`
	BeforeID int64  `query:"before_id" doc:"Continue after the last invoice of the previous page."`
}

type invoiceListOutput struct {
	Body struct {
		Invoices []invoiceBody `json:"invoices"`
		// Counts says how many documents each of the list's filters holds.
		Counts map[string]map[string]int `json:"counts" doc:"Documents by kind, then status: {\"invoice\": {\"open\": 2}}."`
		Due    []moneyBody               `json:"due" doc:"What is left to pay on open invoices, per currency."`
	}
}

// moneyBody is an amount in a currency, in the currency's decimal units.
type moneyBody struct {
	Amount   string `json:"amount" doc:"Decimal, e.g. 12.50."`
	Currency string `json:"currency"`
}

func invoiceListOut(invs []*billing.Invoice, tally billing.InvoiceTally) *invoiceListOutput {
	out := &invoiceListOutput{}
	out.Body.Invoices = invoicesOut(invs).Body.Invoices
	out.Body.Counts = map[string]map[string]int{}
	for kind, byStatus := range tally.Counts {
		out.Body.Counts[string(kind)] = map[string]int{}
		for status, n := range byStatus {
			out.Body.Counts[string(kind)][string(status)] = n
		}
	}
	out.Body.Due = []moneyBody{}
	for _, m := range tally.Due {
		out.Body.Due = append(out.Body.Due, moneyBody{Amount: m.Decimal(), Currency: m.Currency})
	}
	return out
}

type payOutput struct {
	Body struct {
		Status  string      `json:"status"`
		Message string      `json:"message,omitempty"`
		Invoice invoiceBody `json:"invoice"`
	}
}

type pdfOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

// registerBilling mounts the catalog (public), ordering, and the
// customer's own subscriptions and invoices; another customer's ids are
// 404s.
func (s *Server) registerBilling(b *billing.Service, catalog Catalog, pdfs InvoicePDFs) {
	read := access{scope: identity.ScopeBillingRead}
	write := access{scope: identity.ScopeBillingWrite}
	humaop.Register(s.api, huma.Operation{
		OperationID: "catalog", Method: http.MethodGet, Path: APIPrefix + "/catalog", Tags: []string{"billing"},
		Summary: "Plans on sale with their prices and options", Middlewares: huma.Middlewares{s.guard(access{public: true})},
	}, func(ctx context.Context, _ *struct{}) (*catalogOutput, error) {
		plans, err := catalog.ListPlans(ctx)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &catalogOutput{}
		out.Body.Plans = []planBody{}
		for _, p := range plans {
			if p.Status == billing.PlanActive {
				out.Body.Plans = append(out.Body.Plans, planOut(p))
			}
		}
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "place-order", Method: http.MethodPost, Path: APIPrefix + "/orders", Tags: []string{"billing"},
		Summary: "Order a plan: a subscription and its first invoice", DefaultStatus: http.StatusCreated,
		Middlewares: huma.Middlewares{s.guard(write)},
	}, func(ctx context.Context, in *orderInput) (*orderOutput, error) {
		req := billing.SubscribeRequest{
			CustomerID: principalFrom(ctx).user.ID, PlanID: in.Body.PlanID, Currency: in.Body.Currency,
			Cycle: billing.Cycle(in.Body.Cycle), CouponCode: in.Body.Coupon,
		}
		for _, o := range in.Body.Options {
			req.Options = append(req.Options, billing.OptionChoice{OptionID: o.OptionID, Units: o.Units})
		}
		sub, inv, err := b.Subscribe(ctx, req)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &orderOutput{}
		out.Body.Subscription = subscriptionOut(sub)
		if inv != nil {
			body := invoiceOut(inv)
			out.Body.Invoice = &body
		}
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "list-subscriptions", Method: http.MethodGet, Path: APIPrefix + "/account/subscriptions", Tags: []string{"billing"},
		Summary: "Your subscriptions", Middlewares: huma.Middlewares{s.guard(read)},
	}, func(ctx context.Context, _ *struct{}) (*subscriptionsOutput, error) {
		me := principalFrom(ctx).user.ID
		subs, err := b.CustomerSubscriptions(ctx, me)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &subscriptionsOutput{}
		if out.Body.Subscriptions, err = customerSubscriptionsOut(ctx, b, catalog, me, subs); err != nil {
			return nil, apiError(s.log, err)
		}
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "get-subscription", Method: http.MethodGet, Path: APIPrefix + "/account/subscriptions/{id}", Tags: []string{"billing"},
		Summary: "One of your subscriptions with its plan and price", Middlewares: huma.Middlewares{s.guard(read)},
	}, func(ctx context.Context, in *idInput) (*struct{ Body subscriptionBody }, error) {
		sub, plan, amount, err := b.CustomerSubscription(ctx, principalFrom(ctx).user.ID, in.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		body := subscriptionOut(sub)
		body.PlanName, body.RecurringAmount = plan.Name, amount.Decimal()
		return &struct{ Body subscriptionBody }{Body: body}, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "resume-subscription", Method: http.MethodPost, Path: APIPrefix + "/account/subscriptions/{id}/resume", Tags: []string{"billing"},
		Summary: "Keep a subscription that was set to cancel at the end of its period", Middlewares: huma.Middlewares{s.guard(write)},
	}, func(ctx context.Context, in *idInput) (*struct{ Body subscriptionBody }, error) {
		sub, err := b.CustomerResume(ctx, principalFrom(ctx).user.ID, in.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return &struct{ Body subscriptionBody }{Body: subscriptionOut(sub)}, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "cancel-subscription", Method: http.MethodPost, Path: APIPrefix + "/account/subscriptions/{id}/cancel", Tags: []string{"billing"},
		Summary: "Cancel now or at the end of the paid period", Middlewares: huma.Middlewares{s.guard(write)},
	}, func(ctx context.Context, in *cancelInput) (*struct{ Body subscriptionBody }, error) {
		sub, err := b.CustomerCancel(ctx, principalFrom(ctx).user.ID, in.ID, in.Body.AtPeriodEnd, in.Body.Reason)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return &struct{ Body subscriptionBody }{Body: subscriptionOut(sub)}, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "quote-plan-change", Method: http.MethodPost, Path: APIPrefix + "/account/subscriptions/{id}/change/quote", Tags: []string{"billing"},
		Summary: "Price an upgrade or downgrade before confirming it", Middlewares: huma.Middlewares{s.guard(read)},
	}, func(ctx context.Context, in *planChangeInput) (*struct{ Body quoteBody }, error) {
		q, err := b.CustomerQuotePlanChange(ctx, principalFrom(ctx).user.ID, in.ID, in.Body.PlanID, in.options())
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return &struct{ Body quoteBody }{Body: quoteOut(q)}, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "change-plan", Method: http.MethodPost, Path: APIPrefix + "/account/subscriptions/{id}/change", Tags: []string{"billing"},
		Summary: "Upgrade or downgrade: invoices the difference, or credits it", Middlewares: huma.Middlewares{s.guard(write)},
	}, func(ctx context.Context, in *planChangeInput) (*planChangeOutput, error) {
		res, err := b.CustomerChangePlan(ctx, principalFrom(ctx).user.ID, in.ID, in.Body.PlanID, in.options())
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &planChangeOutput{}
		out.Body.Quote = quoteOut(res.Quote)
		if res.Invoice != nil {
			b := invoiceOut(res.Invoice)
			out.Body.Invoice = &b
		}
		if res.CreditNote != nil {
			b := invoiceOut(res.CreditNote)
			out.Body.CreditNote = &b
		}
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "list-invoices", Method: http.MethodGet, Path: APIPrefix + "/account/invoices", Tags: []string{"billing"},
		Summary:     "Your invoices and credit notes, newest first, with how many of each and what is due",
		Description: fmt.Sprintf("One page of %d; a shorter page is the last.", billing.InvoicePageSize),
		Middlewares: huma.Middlewares{s.guard(read)},
	}, func(ctx context.Context, in *invoiceListInput) (*invoiceListOutput, error) {
		me := principalFrom(ctx).user.ID
		invs, err := b.CustomerInvoicePage(ctx, me, billing.InvoiceQuery{
			Kind: billing.InvoiceKind(in.Kind), Status: billing.InvoiceStatus(in.Status), BeforeID: in.BeforeID})
		if err != nil {
			return nil, apiError(s.log, platform.UnderField("query", err))
		}
		tally, err := b.CustomerInvoiceTally(ctx, me)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return invoiceListOut(invs, tally), nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "get-invoice", Method: http.MethodGet, Path: APIPrefix + "/account/invoices/{id}", Tags: []string{"billing"},
		Summary: "One of your invoices with its lines", Middlewares: huma.Middlewares{s.guard(read)},
	}, func(ctx context.Context, in *idInput) (*struct{ Body invoiceBody }, error) {
		inv, err := b.CustomerInvoice(ctx, principalFrom(ctx).user.ID, in.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return &struct{ Body invoiceBody }{Body: invoiceOut(inv)}, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "pay-invoice", Method: http.MethodPost, Path: APIPrefix + "/account/invoices/{id}/pay", Tags: []string{"billing"},
		Summary:     "Pay one of your open invoices with your saved payment method",
		Description: "status is succeeded, failed or requires_action (finish on the payment page).",
		Middlewares: huma.Middlewares{s.guard(write)},
	}, func(ctx context.Context, in *idInput) (*payOutput, error) {
		res, err := b.PayNow(ctx, principalFrom(ctx).user.ID, in.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &payOutput{}
		out.Body.Status, out.Body.Message, out.Body.Invoice = string(res.Status), res.Message, invoiceOut(res.Invoice)
		return out, nil
	})
	if pdfs == nil {
		return
	}
	humaop.Register(s.api, huma.Operation{
		OperationID: "invoice-pdf", Method: http.MethodGet, Path: APIPrefix + "/account/invoices/{id}/pdf", Tags: []string{"billing"},
		Summary: "Download one of your invoices as a PDF", Middlewares: huma.Middlewares{s.guard(read)},
		Responses: map[string]*huma.Response{"200": {Description: "The PDF", Content: map[string]*huma.MediaType{"application/pdf": {}}}},
	}, func(ctx context.Context, in *idInput) (*pdfOutput, error) {
		inv, err := b.CustomerInvoice(ctx, principalFrom(ctx).user.ID, in.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return s.pdfDownload(ctx, pdfs, inv)
	})
}

// pdfDownload answers an invoice's PDF as a file to save.
func (s *Server) pdfDownload(ctx context.Context, pdfs InvoicePDFs, inv *billing.Invoice) (*pdfOutput, error) {
	pdf, err := pdfs.PDF(ctx, inv)
	if err != nil {
		return nil, apiError(s.log, err)
	}
	name := "invoice-" + inv.Number + ".pdf"
	return &pdfOutput{ContentType: "application/pdf", ContentDisposition: `attachment; filename="` + name + `"`, Body: pdf}, nil
}
