package httpapi

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/httpapi/internal/humaop"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
)

type priceInput struct {
	Currency string `json:"currency" pattern:"^[A-Za-z]{3}$"`
	Cycle    string `json:"cycle" enum:"hourly,monthly,quarterly,semiannual,annual"`
	Amount   string `json:"amount" maxLength:"24" doc:"Decimal in the currency, e.g. 12.00"`
	SetupFee string `json:"setup_fee,omitempty" maxLength:"24"`
}

type createPlanInput struct {
	request
	Body struct {
		Code      string            `json:"code" minLength:"1" maxLength:"64"`
		Name      string            `json:"name" minLength:"1" maxLength:"191"`
		Type      string            `json:"type" enum:"vps,dedicated,hosting,game_server"`
		Status    string            `json:"status" enum:"active,hidden,archived"`
		Stock     *int64            `json:"stock,omitempty" minimum:"0" doc:"Units left to sell; absent means unlimited."`
		TrialDays int               `json:"trial_days,omitempty" minimum:"0" maximum:"365"`
		Features  map[string]string `json:"features,omitempty"`
		Prices    []priceInput      `json:"prices" minItems:"1" maxItems:"50"`
		Options   []optionInput     `json:"options,omitempty" maxItems:"32"`
	}
}

type updatePlanInput struct {
	request
	ID   int64 `path:"id"`
	Body struct {
		Name           string            `json:"name" minLength:"1" maxLength:"191"`
		Status         string            `json:"status" enum:"active,hidden,archived"`
		Stock          *int64            `json:"stock,omitempty" minimum:"0" doc:"Units left to sell; absent means unlimited."`
		TrialDays      int               `json:"trial_days,omitempty" minimum:"0" maximum:"365"`
		Features       map[string]string `json:"features,omitempty"`
		Prices         []priceInput      `json:"prices" minItems:"1" maxItems:"50"`
		UpgradeTargets []int64           `json:"upgrade_targets,omitempty" maxItems:"100"`
		Options        []optionInput     `json:"options,omitempty" maxItems:"32" doc:"Every option the plan keeps: those with an id are edited, those without added, those left out retired. Absent: the options stay as they are."`
	}
}

// adminPlanOut is a plan as staff see it, with its stock.
func adminPlanOut(p *billing.Plan) planBody {
	b := planOut(p)
	b.Stock = p.Stock
	return b
}

type createCouponInput struct {
	request
	Body struct {
		Code            string    `json:"code" minLength:"1" maxLength:"64"`
		Percent         string    `json:"percent,omitempty" maxLength:"12" doc:"A percent coupon's share, e.g. 10 or 12.5."`
		AmountsOff      []string  `json:"amounts_off,omitempty" maxItems:"20" doc:"A fixed coupon's amounts, one per currency: \"5.00 USD\"."`
		PlanIDs         []int64   `json:"plan_ids,omitempty" maxItems:"200"`
		MaxUses         int64     `json:"max_uses,omitempty" minimum:"0"`
		OncePerCustomer bool      `json:"once_per_customer,omitempty"`
		ExpiresAt       time.Time `json:"expires_at,omitzero"`
		Duration        string    `json:"duration" enum:"once,repeating,forever"`
		DurationCycles  int       `json:"duration_cycles,omitempty" minimum:"0" maximum:"120"`
	}
}

// createdOutput names what a create made.
type createdOutput struct {
	Body struct {
		ID int64 `json:"id"`
	}
}

type couponBody struct {
	ID              int64     `json:"id"`
	Code            string    `json:"code"`
	Kind            string    `json:"kind" enum:"percent,fixed"`
	Percent         string    `json:"percent,omitempty" doc:"A percent coupon's share, e.g. 10."`
	AmountsOff      []string  `json:"amounts_off,omitempty" doc:"A fixed coupon's amounts: \"5.00 USD\"."`
	PlanIDs         []int64   `json:"plan_ids,omitempty"`
	MaxUses         int64     `json:"max_uses"`
	Uses            int64     `json:"uses"`
	OncePerCustomer bool      `json:"once_per_customer"`
	ExpiresAt       time.Time `json:"expires_at,omitzero"`
	Duration        string    `json:"duration"`
	DurationCycles  int       `json:"duration_cycles,omitempty"`
	Active          bool      `json:"active"`
	CreatedAt       time.Time `json:"created_at"`
}

type couponsOutput struct {
	Body struct {
		Coupons []couponBody `json:"coupons"`
	}
}

type couponActiveInput struct {
	request
	ID   int64 `path:"id"`
	Body struct {
		Active bool `json:"active"`
	}
}

func couponOut(c *billing.Coupon) couponBody {
	out := couponBody{ID: c.ID, Code: c.Code, Kind: string(c.Kind), PlanIDs: c.PlanIDs, MaxUses: c.MaxUses, Uses: c.TimesUsed,
		OncePerCustomer: c.OncePerCustomer, ExpiresAt: c.ExpiresAt, Duration: string(c.Duration), DurationCycles: c.DurationCycles,
		Active: c.Active, CreatedAt: c.CreatedAt}
	if c.Kind == billing.CouponPercent {
		out.Percent = c.Percent.String()
	}
	for _, cur := range slices.Sorted(maps.Keys(c.AmountsOff)) {
		out.AmountsOff = append(out.AmountsOff, billing.Money{Amount: c.AmountsOff[cur], Currency: cur}.String())
	}
	return out
}

type transactionsOutput struct {
	Body struct {
		Transactions []transactionBody `json:"transactions"`
	}
}

type transactionBody struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind" doc:"charge or refund."`
	Gateway   string    `json:"gateway" doc:"stripe, paypal, sandbox, or manual for money recorded by hand."`
	Reference string    `json:"reference" doc:"The gateway's id, or method:reference of a manual entry."`
	Amount    string    `json:"amount"`
	Fee       string    `json:"fee,omitempty"`
	Currency  string    `json:"currency"`
	Status    string    `json:"status"`
	Failure   string    `json:"failure,omitempty"`
	At        time.Time `json:"at"`
}

func transactionOut(t *billing.Transaction) transactionBody {
	body := transactionBody{ID: t.ID, Kind: string(t.Kind), Gateway: t.Gateway, Reference: t.GatewayID, Currency: t.Currency,
		Amount: billing.Money{Amount: t.Amount, Currency: t.Currency}.Decimal(), Status: t.Status, Failure: t.FailureMessage, At: t.CreatedAt}
	if t.Fee != 0 {
		body.Fee = billing.Money{Amount: t.Fee, Currency: t.Currency}.Decimal()
	}
	return body
}

type manualInvoiceInput struct {
	request
	Body struct {
		CustomerID int64             `json:"customer_id" minimum:"1"`
		Currency   string            `json:"currency" pattern:"^[A-Za-z]{3}$"`
		DueAt      time.Time         `json:"due_at"`
		Lines      []manualLineInput `json:"lines" minItems:"1" maxItems:"100"`
		Draft      bool              `json:"draft,omitempty" doc:"Save as a draft to edit and issue later: no number, not sent, not shown to the customer."`
	}
}

type manualLineInput struct {
	Description string `json:"description" minLength:"1" maxLength:"500"`
	Quantity    int64  `json:"quantity" minimum:"1" maximum:"1000000"`
	UnitAmount  string `json:"unit_amount" maxLength:"24"`
}

type markPaidInput struct {
	request
	ID   int64 `path:"id"`
	Body struct {
		Amount     string    `json:"amount" maxLength:"24" doc:"In the invoice's currency."`
		Method     string    `json:"method" enum:"bank_transfer,cash,cheque,other"`
		Reference  string    `json:"reference" minLength:"1" maxLength:"191" doc:"The bank's or receipt's reference; a second payment with the same reference is ignored."`
		ReceivedAt time.Time `json:"received_at,omitzero" doc:"When the money arrived, not in the future; the invoice's paid date. Absent means now."`
	}
}

type refundInput struct {
	request
	ID   int64 `path:"id"`
	Body struct {
		Amount string `json:"amount" maxLength:"24" doc:"In the invoice's currency."`
		Reason string `json:"reason" minLength:"1" maxLength:"500"`
	}
}

type customerIDInput struct {
	ID int64 `path:"id"`
}

type customerSearchInput struct {
	Q        string `query:"q" maxLength:"191" doc:"Part of the email, name or company."`
	BeforeID int64  `query:"before_id" doc:"Continue after the last customer of the previous page."`
}

type customerSummaryBody struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name,omitempty"`
	Company   string    `json:"company,omitempty"`
	Country   string    `json:"country,omitempty"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
}

type customersOutput struct {
	Body struct {
		Customers []customerSummaryBody `json:"customers"`
	}
}

type customerDetailOutput struct {
	Body struct {
		ID            int64                  `json:"id"`
		Email         string                 `json:"email"`
		Details       billing.BillingDetails `json:"details"`
		TaxExempt     bool                   `json:"tax_exempt,omitempty"`
		Subscriptions []subscriptionBody     `json:"subscriptions"`
	}
}

type plansOutput struct {
	Body struct {
		Plans []planBody `json:"plans"`
	}
}

// parseAmount reads a decimal amount in a currency, naming the field at
// fault.
func parseAmount(field, s, currency string) (int64, error) {
	m, err := billing.ParseMoney(s, currency)
	if err != nil {
		return 0, platform.Invalid(field, "%q is not an amount in %s", s, currency)
	}
	return m.Amount, nil
}

// amountOn reads the request's "amount" in the currency of the invoice it
// is paid or refunded on.
func amountOn(ctx context.Context, b *billing.Service, invoiceID int64, amount string) (billing.Money, error) {
	inv, err := b.Invoice(ctx, invoiceID)
	if err != nil {
		return billing.Money{}, err
	}
	minor, err := parseAmount("amount", amount, inv.Currency)
	return billing.Money{Amount: minor, Currency: inv.Currency}, err
}

func (in *createPlanInput) plan() (*billing.Plan, error) {
	b := in.Body
	p := &billing.Plan{Code: b.Code, Name: b.Name, Type: billing.ServiceType(b.Type), Status: billing.PlanStatus(b.Status),
		Stock: b.Stock, TrialDays: b.TrialDays, Features: b.Features}
	var err error
	if p.Prices, err = pricesIn("prices", b.Prices); err != nil {
		return nil, err
	}
	p.Options, err = optionsIn(b.Options)
	return p, err
}

// pricesIn reads the prices of a plan or option as staff typed them in
// the named field.
func pricesIn(name string, in []priceInput) ([]billing.Price, error) {
	var out []billing.Price
	for i, pr := range in {
		field := name + "[" + strconv.Itoa(i) + "]"
		amount, err := parseAmount(field+".amount", pr.Amount, pr.Currency)
		if err != nil {
			return nil, err
		}
		var setup int64
		if pr.SetupFee != "" {
			if setup, err = parseAmount(field+".setup_fee", pr.SetupFee, pr.Currency); err != nil {
				return nil, err
			}
		}
		out = append(out, billing.Price{Currency: pr.Currency, Cycle: billing.Cycle(pr.Cycle), Amount: amount, SetupFee: setup})
	}
	return out, nil
}

func (in *createCouponInput) coupon() (*billing.Coupon, error) {
	b := in.Body
	c := &billing.Coupon{Code: billing.NormalizeCouponCode(b.Code), PlanIDs: b.PlanIDs, MaxUses: b.MaxUses, OncePerCustomer: b.OncePerCustomer,
		ExpiresAt: b.ExpiresAt, Duration: billing.CouponDuration(b.Duration), DurationCycles: b.DurationCycles, Active: true}
	switch {
	case b.Percent != "" && len(b.AmountsOff) > 0:
		return nil, platform.Invalid("percent", "a coupon takes a percent or fixed amounts, not both")
	case b.Percent != "":
		rate, err := billing.ParseRate(b.Percent)
		if err != nil {
			return nil, platform.Invalid("percent", "%q is not a percentage", b.Percent)
		}
		c.Kind, c.Percent = billing.CouponPercent, rate
	default:
		c.Kind, c.AmountsOff = billing.CouponFixed, map[string]int64{}
		for i, s := range b.AmountsOff {
			m, err := parseMoneyWithCurrency(s)
			if err != nil {
				return nil, platform.Invalid("amounts_off["+strconv.Itoa(i)+"]", "%q is not an amount and currency, like \"5.00 USD\"", s)
			}
			c.AmountsOff[m.Currency] = m.Amount
		}
	}
	return c, nil
}

// parseMoneyWithCurrency reads "5.00 USD".
func parseMoneyWithCurrency(s string) (billing.Money, error) {
	var amount, currency string
	if _, err := fmt.Sscan(s, &amount, &currency); err != nil {
		return billing.Money{}, err
	}
	return billing.ParseMoney(amount, currency)
}

// registerAdminBilling mounts the staff's billing operations: plans and
// coupons, a customer's invoices, manual invoices, payments received
// outside a gateway, voids and refunds. Each needs its permission and is
// recorded in the audit log.
func (s *Server) registerAdminBilling(b *billing.Service, catalog Catalog, pdfs InvoicePDFs, audit identity.AuditLog, clock platform.Clock) {
	staff := access{staff: true, scope: identity.ScopeAdmin}
	change := func(ctx context.Context, rq request, c staffChange) error {
		return s.applyStaffChange(ctx, rq, audit, clock, c)
	}
	humaop.Register(s.api, huma.Operation{
		OperationID: "admin-list-plans", Method: http.MethodGet, Path: adminPrefix + "plans", Tags: []string{"admin"},
		Summary: "Every plan, hidden and archived ones too", Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, _ *struct{}) (*plansOutput, error) {
		plans, err := catalog.ListPlans(ctx)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &plansOutput{}
		out.Body.Plans = []planBody{}
		for _, p := range plans {
			out.Body.Plans = append(out.Body.Plans, adminPlanOut(p))
		}
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "create-plan", Method: http.MethodPost, Path: adminPrefix + "plans", Tags: []string{"admin"},
		Summary: "Add a plan to the catalog", DefaultStatus: http.StatusCreated, Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *createPlanInput) (*struct{ Body planBody }, error) {
		p, err := in.plan()
		if err != nil {
			return nil, apiError(s.log, err)
		}
		err = change(ctx, in.request, staffChange{perm: identity.PermSettingsWrite, action: "plan.create", resourceType: "plan", details: in.Body,
			change: func(int64) (string, error) { err := b.CreatePlan(ctx, p); return strconv.FormatInt(p.ID, 10), err }})
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return &struct{ Body planBody }{Body: planOut(p)}, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "update-plan", Method: http.MethodPut, Path: adminPrefix + "plans/{id}", Tags: []string{"admin"},
		Summary: "Edit a plan", Description: "Its code and type stay. New prices apply to renewals from now on. Options are edited in place by id, added or retired; a price, an option or a unit count that subscribers renew at cannot be removed.",
		Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *updatePlanInput) (*struct{ Body planBody }, error) {
		p, err := b.Plan(ctx, in.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		in2 := in.Body
		p.Name, p.Status, p.Stock, p.TrialDays, p.Features, p.UpgradeTargets = in2.Name, billing.PlanStatus(in2.Status), in2.Stock, in2.TrialDays, in2.Features, in2.UpgradeTargets
		if p.Prices, err = pricesIn("prices", in2.Prices); err != nil {
			return nil, apiError(s.log, err)
		}
		if in2.Options != nil { // absent, not empty: the options stay
			if p.Options, err = optionsIn(in2.Options); err != nil {
				return nil, apiError(s.log, err)
			}
		}
		err = change(ctx, in.request, staffChange{perm: identity.PermSettingsWrite, action: "plan.update", resourceType: "plan", details: in.Body,
			change: func(int64) (string, error) { return strconv.FormatInt(p.ID, 10), b.UpdatePlan(ctx, p) }})
		if err != nil {
			return nil, apiError(s.log, err)
		}
		if p, err = b.Plan(ctx, in.ID); err != nil {
			return nil, apiError(s.log, err)
		}
		return &struct{ Body planBody }{Body: adminPlanOut(p)}, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "create-coupon", Method: http.MethodPost, Path: adminPrefix + "coupons", Tags: []string{"admin"},
		Summary: "Create a coupon", DefaultStatus: http.StatusCreated, Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *createCouponInput) (*createdOutput, error) {
		c, err := in.coupon()
		if err != nil {
			return nil, apiError(s.log, err)
		}
		err = change(ctx, in.request, staffChange{perm: identity.PermSettingsWrite, action: "coupon.create", resourceType: "coupon", details: in.Body,
			change: func(int64) (string, error) { err := b.CreateCoupon(ctx, c); return strconv.FormatInt(c.ID, 10), err }})
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &createdOutput{}
		out.Body.ID = c.ID
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "list-coupons", Method: http.MethodGet, Path: adminPrefix + "coupons", Tags: []string{"admin"},
		Summary: "Every coupon, newest first", Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, _ *struct{}) (*couponsOutput, error) {
		coupons, err := b.ListCoupons(ctx)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &couponsOutput{}
		out.Body.Coupons = make([]couponBody, 0, len(coupons))
		for _, c := range coupons {
			out.Body.Coupons = append(out.Body.Coupons, couponOut(c))
		}
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "set-coupon-active", Method: http.MethodPut, Path: adminPrefix + "coupons/{id}/active", Tags: []string{"admin"},
		Summary: "Retire a coupon, or bring it back", Description: "A retired coupon keeps the discounts it already gave; new orders cannot use it.",
		DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *couponActiveInput) (*struct{}, error) {
		err := change(ctx, in.request, staffChange{perm: identity.PermSettingsWrite, action: "coupon.set_active", resourceType: "coupon", details: in.Body,
			change: func(int64) (string, error) {
				return strconv.FormatInt(in.ID, 10), b.SetCouponActive(ctx, in.ID, in.Body.Active)
			}})
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return &struct{}{}, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "pending-orders", Method: http.MethodGet, Path: adminPrefix + "orders/pending", Tags: []string{"admin"},
		Summary: "Orders placed but not paid, oldest first", Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, _ *struct{}) (*subscriptionsOutput, error) {
		subs, err := b.PendingOrders(ctx)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &subscriptionsOutput{}
		if out.Body.Subscriptions, err = subscriptionsOut(ctx, catalog, subs); err != nil {
			return nil, apiError(s.log, err)
		}
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "search-customers", Method: http.MethodGet, Path: adminPrefix + "customers", Tags: []string{"admin"},
		Summary: "Find customers by email, name or company, newest first", Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *customerSearchInput) (*customersOutput, error) {
		found, err := b.SearchCustomers(ctx, in.Q, in.BeforeID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &customersOutput{}
		out.Body.Customers = []customerSummaryBody{}
		for _, c := range found {
			out.Body.Customers = append(out.Body.Customers, customerSummaryBody{ID: c.ID, Email: c.Email, Name: c.Name,
				Company: c.Company, Country: c.Country, Status: c.Status, CreatedAt: c.CreatedAt})
		}
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "admin-customer", Method: http.MethodGet, Path: adminPrefix + "customers/{id}", Tags: []string{"admin"},
		Summary: "A customer's billing details and subscriptions", Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *customerIDInput) (*customerDetailOutput, error) {
		c, err := b.Customer(ctx, in.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		subs, err := b.CustomerSubscriptions(ctx, in.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &customerDetailOutput{}
		out.Body.ID, out.Body.Email, out.Body.Details, out.Body.TaxExempt = c.ID, c.Email, c.Details, c.Tax.Exempt
		if out.Body.Subscriptions, err = customerSubscriptionsOut(ctx, b, catalog, c.ID, subs); err != nil {
			return nil, apiError(s.log, err)
		}
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "admin-customer-invoices", Method: http.MethodGet, Path: adminPrefix + "customers/{id}/invoices", Tags: []string{"admin"},
		Summary: "A customer's invoices and credit notes", Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *customerIDInput) (*invoicesOutput, error) {
		invs, err := b.CustomerInvoicesForStaff(ctx, in.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return invoicesOut(invs), nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "admin-invoice", Method: http.MethodGet, Path: adminPrefix + "invoices/{id}", Tags: []string{"admin"},
		Summary: "Any invoice or credit note with its lines", Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *idInput) (*struct{ Body invoiceBody }, error) {
		inv, err := b.Invoice(ctx, in.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return &struct{ Body invoiceBody }{Body: invoiceOut(inv)}, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "admin-invoice-transactions", Method: http.MethodGet, Path: adminPrefix + "invoices/{id}/transactions", Tags: []string{"admin"},
		Summary: "The payments and refunds of an invoice, oldest first", Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *idInput) (*transactionsOutput, error) {
		if _, err := b.Invoice(ctx, in.ID); err != nil {
			return nil, apiError(s.log, err)
		}
		txs, err := b.InvoiceTransactions(ctx, in.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &transactionsOutput{}
		out.Body.Transactions = []transactionBody{}
		for _, t := range txs {
			out.Body.Transactions = append(out.Body.Transactions, transactionOut(t))
		}
		return out, nil
	})
	if pdfs != nil {
		humaop.Register(s.api, huma.Operation{
			OperationID: "admin-invoice-pdf", Method: http.MethodGet, Path: adminPrefix + "invoices/{id}/pdf", Tags: []string{"admin"},
			Summary: "Any invoice as the customer's PDF", Middlewares: huma.Middlewares{s.guard(staff)},
			Responses: map[string]*huma.Response{"200": {Description: "The PDF", Content: map[string]*huma.MediaType{"application/pdf": {}}}},
		}, func(ctx context.Context, in *idInput) (*pdfOutput, error) {
			inv, err := b.Invoice(ctx, in.ID)
			if err != nil {
				return nil, apiError(s.log, err)
			}
			return s.pdfDownload(ctx, pdfs, inv)
		})
	}
	humaop.Register(s.api, huma.Operation{
		OperationID: "create-manual-invoice", Method: http.MethodPost, Path: adminPrefix + "invoices", Tags: []string{"admin"},
		Summary: "Invoice a customer for something outside a plan", DefaultStatus: http.StatusCreated, Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *manualInvoiceInput) (*struct{ Body invoiceBody }, error) {
		lines, err := manualLinesIn(in.Body.Lines, in.Body.Currency)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		m := billing.ManualInvoice{CustomerID: in.Body.CustomerID, Currency: in.Body.Currency, DueAt: in.Body.DueAt, Lines: lines, Draft: in.Body.Draft}
		var inv *billing.Invoice
		err = change(ctx, in.request, staffChange{perm: identity.PermInvoicesWrite, action: "invoice.create", resourceType: "invoice", details: in.Body,
			change: func(int64) (string, error) {
				var err error
				inv, err = b.CreateManualInvoice(ctx, m)
				if err != nil {
					return "", err
				}
				return strconv.FormatInt(inv.ID, 10), nil
			}})
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return &struct{ Body invoiceBody }{Body: invoiceOut(inv)}, nil
	})
	s.registerInvoiceCorrections(b, change)
}

// registerInvoiceCorrections mounts marking an invoice paid by a payment
// that reached us outside a gateway, voiding it, and refunding it.
func (s *Server) registerInvoiceCorrections(b *billing.Service, change func(ctx context.Context, rq request, c staffChange) error) {
	staff := access{staff: true, scope: identity.ScopeAdmin}
	invoiceChange := func(ctx context.Context, rq request, id int64, perm identity.Permission, action string, details any, fn func() (*billing.Invoice, error)) (*struct{ Body invoiceBody }, error) {
		var inv *billing.Invoice
		err := change(ctx, rq, staffChange{perm: perm, action: action, resourceType: "invoice", details: details,
			change: func(int64) (string, error) {
				var err error
				inv, err = fn()
				return strconv.FormatInt(id, 10), err
			}})
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return &struct{ Body invoiceBody }{Body: invoiceOut(inv)}, nil
	}
	humaop.Register(s.api, huma.Operation{
		OperationID: "record-payment", Method: http.MethodPost, Path: adminPrefix + "invoices/{id}/payments", Tags: []string{"admin"},
		Summary: "Record a bank transfer or other payment received outside a gateway", Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *markPaidInput) (*struct{ Body invoiceBody }, error) {
		return invoiceChange(ctx, in.request, in.ID, identity.PermInvoicesWrite, "invoice.payment", in.Body, func() (*billing.Invoice, error) {
			amount, err := amountOn(ctx, b, in.ID, in.Body.Amount)
			if err != nil {
				return nil, err
			}
			return b.RecordPayment(ctx, billing.Payment{InvoiceID: in.ID, Gateway: billing.ManualGateway, GatewayID: in.Body.Method + ":" + in.Body.Reference,
				Amount: amount, Method: in.Body.Method, ReceivedAt: in.Body.ReceivedAt})
		})
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "void-invoice", Method: http.MethodPost, Path: adminPrefix + "invoices/{id}/void", Tags: []string{"admin"},
		Summary: "Void an unpaid invoice", Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *idInput) (*struct{ Body invoiceBody }, error) {
		return invoiceChange(ctx, in.request, in.ID, identity.PermInvoicesWrite, "invoice.void", nil, func() (*billing.Invoice, error) {
			return b.VoidInvoice(ctx, in.ID)
		})
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "refund-invoice", Method: http.MethodPost, Path: adminPrefix + "invoices/{id}/refund", Tags: []string{"admin"},
		Summary: "Refund part or all of a paid invoice; returns the credit note", Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *refundInput) (*struct{ Body invoiceBody }, error) {
		return invoiceChange(ctx, in.request, in.ID, identity.PermBillingRefund, "invoice.refund", in.Body, func() (*billing.Invoice, error) {
			amount, err := amountOn(ctx, b, in.ID, in.Body.Amount)
			if err != nil {
				return nil, err
			}
			return b.Refund(ctx, in.ID, amount, in.Body.Reason)
		})
	})
	s.registerDraftInvoices(b, change, invoiceChange)
	s.registerManualRefund(b, invoiceChange)
	s.registerAdminCredit(b, change, invoiceChange)
}
