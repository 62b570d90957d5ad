package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/httpapi/internal/humaop"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
)

// PayPalCheckout is PayPal's one-off payment of an invoice: an order the
// buyer approves at PayPal, captured when they come back.
type PayPalCheckout interface {
	Name() string
	CreateOrder(ctx context.Context, invoiceID int64, amount billing.Money, returnURL, cancelURL string) (orderID, approveURL string, err error)
	CaptureOrder(ctx context.Context, orderID string) (billing.ChargeResult, error)
	OrderInvoice(ctx context.Context, orderID string) (int64, error)
	EnsurePlan(ctx context.Context, planCode string, amount billing.Money, cycle billing.Cycle) (string, error)
	CreateSubscription(ctx context.Context, gatewayPlanID string, subscriptionID int64, returnURL, cancelURL string) (id, approveURL string, err error)
	// SubscriptionState is APPROVAL_PENDING, with the approve link, until
	// the buyer approves; then APPROVED, ACTIVE, SUSPENDED, CANCELLED or
	// EXPIRED.
	SubscriptionState(ctx context.Context, id string) (status, approveURL string, err error)
}

type invoiceBody struct {
	ID            int64      `json:"id"`
	Number        string     `json:"number"`
	Kind          string     `json:"kind"`
	Status        string     `json:"status"`
	Currency      string     `json:"currency"`
	Subtotal      string     `json:"subtotal"`
	TaxName       string     `json:"tax_name,omitempty"`
	TaxRate       string     `json:"tax_rate,omitempty" doc:"Percent, e.g. 20 or 7.5."`
	Tax           string     `json:"tax"`
	ReverseCharge bool       `json:"reverse_charge,omitempty"`
	Total         string     `json:"total"`
	AmountPaid    string     `json:"amount_paid"`
	AmountDue     string     `json:"amount_due"`
	IssuedAt      time.Time  `json:"issued_at,omitzero"`
	DueAt         time.Time  `json:"due_at,omitzero"`
	PaidAt        time.Time  `json:"paid_at,omitzero"`
	Lines         []lineBody `json:"lines"`
}

type lineBody struct {
	Description string `json:"description"`
	Quantity    int64  `json:"quantity"`
	UnitAmount  string `json:"unit_amount"`
	Amount      string `json:"amount"`
}

// invoiceOut shows an invoice with its amounts as decimal strings in its
// currency, so no client does float arithmetic on money.
func invoiceOut(inv *billing.Invoice) invoiceBody {
	money := func(a int64) string { return billing.Money{Amount: a, Currency: inv.Currency}.Decimal() }
	b := invoiceBody{ID: inv.ID, Number: inv.Number, Kind: string(inv.Kind), Status: string(inv.Status), Currency: inv.Currency,
		Subtotal: money(inv.Subtotal), TaxName: inv.TaxName, Tax: money(inv.Tax), ReverseCharge: inv.ReverseCharge,
		Total: money(inv.Total), AmountPaid: money(inv.AmountPaid), AmountDue: money(inv.AmountDue()),
		IssuedAt: inv.IssuedAt, DueAt: inv.DueAt, PaidAt: inv.PaidAt, Lines: []lineBody{}}
	if inv.TaxRate != 0 {
		b.TaxRate = inv.TaxRate.String()
	}
	for _, it := range inv.Items {
		b.Lines = append(b.Lines, lineBody{Description: it.Description, Quantity: it.Quantity, UnitAmount: money(it.UnitAmount), Amount: money(it.Amount)})
	}
	return b
}

type payPalOrderOutput struct {
	Body struct {
		OrderID    string `json:"order_id"`
		ApproveURL string `json:"approve_url" doc:"Send the buyer here; PayPal brings them back to the return page."`
	}
}

type captureInput struct {
	ID   int64 `path:"id"`
	Body struct {
		OrderID string `json:"order_id" maxLength:"64"`
	}
}

// PaymentConfirmer is a gateway whose charges the customer's bank may ask
// the customer to confirm on-session (3-D Secure): the browser needs the
// payment's secret and the gateway's browser key to show the challenge.
type PaymentConfirmer interface {
	ConfirmationSecret(ctx context.Context, paymentID string) (string, error)
	BrowserKey() string
}

type confirmPaymentOutput struct {
	Body struct {
		Gateway        string `json:"gateway"`
		ClientSecret   string `json:"client_secret" doc:"For Stripe.js handleNextAction; then call check-payment."`
		PublishableKey string `json:"publishable_key"`
	}
}

// pendingPayPal decides what a new request for a PayPal subscription meets:
// one that bills, is paused or was just approved is a conflict; one still
// waiting for the buyer is returned to approve, so that a second click or
// tab never makes a second subscription the buyer could approve too; one
// that expired or was cancelled is forgotten, and an empty id says to make
// a new one.
func (s *Server) pendingPayPal(ctx context.Context, b *billing.Service, paypal PayPalCheckout, subID int64) (id, approveURL string, err error) {
	links, err := b.GatewaySubscriptions(ctx, subID)
	if err != nil {
		return "", "", err
	}
	linked := links[paypal.Name()]
	if linked == "" {
		return "", "", nil
	}
	status, approveURL, err := paypal.SubscriptionState(ctx, linked)
	if err != nil {
		return "", "", err
	}
	switch status {
	case "ACTIVE", "SUSPENDED", "APPROVED":
		return "", "", platform.Errorf(platform.ECONFLICT, "subscription %d already renews through PayPal", subID)
	case "APPROVAL_PENDING":
		if approveURL != "" {
			return linked, approveURL, nil
		}
	}
	s.log.Info("forgetting a PayPal subscription that never billed", "subscription", subID, "paypal_subscription", linked, "status", status)
	return "", "", b.UnlinkGatewaySubscription(ctx, subID, paypal.Name(), linked)
}

func (s *Server) registerInvoicePayments(b *billing.Service, checkers map[string]billing.PaymentChecker, confirmers map[string]PaymentConfirmer, paypal PayPalCheckout) {
	write := access{scope: identity.ScopeBillingWrite}
	humaop.Register(s.api, huma.Operation{
		OperationID: "confirm-invoice-payment", Method: http.MethodPost, Path: APIPrefix + "/account/invoices/{id}/confirm-payment", Tags: []string{"billing"},
		Summary:     "What the browser needs to confirm a payment the bank challenged",
		Description: "When pay-now answers requires_action, the browser shows the bank's challenge with these, then calls check-payment.",
		Middlewares: huma.Middlewares{s.guard(write)},
	}, func(ctx context.Context, in *idInput) (*confirmPaymentOutput, error) {
		gateway, paymentID, err := b.PaymentAwaitingAction(ctx, principalFrom(ctx).user.ID, in.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		confirmer, ok := confirmers[gateway]
		if !ok {
			return nil, apiError(s.log, platform.Errorf(platform.ECONFLICT, "payments by %s cannot be confirmed here", gateway))
		}
		secret, err := confirmer.ConfirmationSecret(ctx, paymentID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &confirmPaymentOutput{}
		out.Body.Gateway, out.Body.ClientSecret, out.Body.PublishableKey = gateway, secret, confirmer.BrowserKey()
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "check-invoice-payment", Method: http.MethodPost, Path: APIPrefix + "/account/invoices/{id}/check-payment", Tags: []string{"billing"},
		Summary:     "Ask the gateway how the invoice's pending payment stands",
		Description: "The payment return page calls this, so a paid invoice shows as paid whether or not the gateway's webhook has arrived.",
		Middlewares: huma.Middlewares{s.guard(write)},
	}, func(ctx context.Context, in *idInput) (*struct{ Body invoiceBody }, error) {
		inv, err := b.ReconcileInvoice(ctx, principalFrom(ctx).user.ID, in.ID, checkers)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return &struct{ Body invoiceBody }{Body: invoiceOut(inv)}, nil
	})
	if paypal == nil {
		return
	}
	humaop.Register(s.api, huma.Operation{
		OperationID: "paypal-order", Method: http.MethodPost, Path: APIPrefix + "/account/invoices/{id}/paypal", Tags: []string{"billing"},
		Summary: "Pay an invoice with PayPal", Middlewares: huma.Middlewares{s.guard(write)},
	}, func(ctx context.Context, in *idInput) (*payPalOrderOutput, error) {
		if s.cfg.PublicURL == "" {
			return nil, apiError(s.log, platform.Errorf(platform.EINTERNAL, "PublicURL is not configured: PayPal needs return pages"))
		}
		inv, err := b.CustomerInvoice(ctx, principalFrom(ctx).user.ID, in.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		if inv.Status != billing.InvoiceOpen {
			return nil, apiError(s.log, platform.Errorf(platform.ECONFLICT, "invoice %s is %s", inv.Number, inv.Status))
		}
		base := strings.TrimSuffix(s.cfg.PublicURL, "/") + fmt.Sprintf("/account/invoices/%d/paypal", inv.ID)
		id, approve, err := paypal.CreateOrder(ctx, inv.ID, billing.Money{Amount: inv.AmountDue(), Currency: inv.Currency}, base+"/return", base+"/cancel")
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &payPalOrderOutput{}
		out.Body.OrderID, out.Body.ApproveURL = id, approve
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "paypal-subscription", Method: http.MethodPost, Path: APIPrefix + "/account/subscriptions/{id}/paypal", Tags: []string{"billing"},
		Summary:     "Renew a subscription through a PayPal subscription",
		Description: "PayPal then bills each period itself; each payment settles the period's invoice.",
		Middlewares: huma.Middlewares{s.guard(write)},
	}, func(ctx context.Context, in *idInput) (*payPalOrderOutput, error) {
		if s.cfg.PublicURL == "" {
			return nil, apiError(s.log, platform.Errorf(platform.EINTERNAL, "PublicURL is not configured: PayPal needs return pages"))
		}
		sub, plan, amount, err := b.CustomerSubscription(ctx, principalFrom(ctx).user.ID, in.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		if !sub.Live() {
			return nil, apiError(s.log, platform.Errorf(platform.ECONFLICT, "subscription %d is %s", sub.ID, sub.Status))
		}
		out := &payPalOrderOutput{}
		pending, approveURL, err := s.pendingPayPal(ctx, b, paypal, sub.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		if pending != "" {
			out.Body.OrderID, out.Body.ApproveURL = pending, approveURL
			return out, nil
		}
		ppPlan, err := paypal.EnsurePlan(ctx, plan.Code, amount, sub.Cycle)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		base := strings.TrimSuffix(s.cfg.PublicURL, "/") + fmt.Sprintf("/account/subscriptions/%d/paypal", sub.ID)
		id, approve, err := paypal.CreateSubscription(ctx, ppPlan, sub.ID, base+"/return", base+"/cancel")
		if err != nil {
			return nil, apiError(s.log, err)
		}
		if err := b.LinkGatewaySubscription(ctx, sub.ID, paypal.Name(), id); err != nil {
			return nil, apiError(s.log, err)
		}
		out.Body.OrderID, out.Body.ApproveURL = id, approve
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "paypal-capture", Method: http.MethodPost, Path: APIPrefix + "/account/invoices/{id}/paypal/capture", Tags: []string{"billing"},
		Summary: "Capture the PayPal order the buyer approved", Middlewares: huma.Middlewares{s.guard(write)},
	}, func(ctx context.Context, in *captureInput) (*struct{ Body invoiceBody }, error) {
		inv, err := b.CustomerInvoice(ctx, principalFrom(ctx).user.ID, in.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		orderInvoice, err := paypal.OrderInvoice(ctx, in.Body.OrderID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		if orderInvoice != inv.ID {
			return nil, apiError(s.log, platform.Invalid("order_id", "this PayPal order is for another invoice"))
		}
		res, err := paypal.CaptureOrder(ctx, in.Body.OrderID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		if res.Status != billing.ChargeSucceeded {
			return nil, apiError(s.log, platform.Errorf(platform.EPAYMENTDECLINED, "PayPal has not completed the payment: %s", res.FailureMessage))
		}
		paid, err := b.RecordPayment(ctx, billing.Payment{InvoiceID: inv.ID, Gateway: paypal.Name(), GatewayID: res.ID, Amount: res.Amount, Fee: res.Fee, Method: "paypal"})
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return &struct{ Body invoiceBody }{Body: invoiceOut(paid)}, nil
	})
}

type paymentOptionsOutput struct {
	Body struct {
		CardGateway string `json:"card_gateway,omitempty" doc:"stripe or sandbox: saved cards are charged through it; absent when cards cannot be saved."`
		PayPal      bool   `json:"paypal" doc:"Invoices can be paid with PayPal."`
	}
}

// registerPaymentOptions says how the customer can pay, so the account
// area offers only what works.
func (s *Server) registerPaymentOptions(cards CardVault, paypal PayPalCheckout) {
	humaop.Register(s.api, huma.Operation{
		OperationID: "payment-options", Method: http.MethodGet, Path: APIPrefix + "/account/payment-options", Tags: []string{"billing"},
		Summary: "How invoices can be paid", Middlewares: huma.Middlewares{s.guard(access{scope: identity.ScopeBillingRead})},
	}, func(ctx context.Context, _ *struct{}) (*paymentOptionsOutput, error) {
		out := &paymentOptionsOutput{}
		if cards != nil {
			out.Body.CardGateway = cards.Name()
		}
		out.Body.PayPal = paypal != nil
		return out, nil
	})
}
