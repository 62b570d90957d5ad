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

type creditEntryBody struct {
	ID        int64     `json:"id"`
	Amount    string    `json:"amount" doc:"Decimal; negative when credit paid an invoice or was taken away."`
	Currency  string    `json:"currency"`
	Reason    string    `json:"reason"`
	InvoiceID int64     `json:"invoice_id,omitempty" doc:"The invoice the credit paid, or came from."`
	CreatedAt time.Time `json:"created_at"`
}

type creditOutput struct {
	Body struct {
		Balances []moneyBody       `json:"balances" doc:"What is left in each currency; a used-up currency is left out."`
		Recent   []creditEntryBody `json:"recent" doc:"The newest movements, newest first."`
	}
}

func creditOut(c *billing.CustomerCredit) *creditOutput {
	out := &creditOutput{}
	out.Body.Balances = make([]moneyBody, 0, len(c.Balances))
	for _, m := range c.Balances {
		out.Body.Balances = append(out.Body.Balances, moneyBody{Amount: m.Decimal(), Currency: m.Currency})
	}
	out.Body.Recent = make([]creditEntryBody, 0, len(c.Recent))
	for _, e := range c.Recent {
		out.Body.Recent = append(out.Body.Recent, creditEntryBody{
			ID: e.ID, Amount: billing.Money{Amount: e.Amount, Currency: e.Currency}.Decimal(), Currency: e.Currency,
			Reason: e.Reason, InvoiceID: e.InvoiceID, CreatedAt: e.CreatedAt,
		})
	}
	return out
}

// registerCredit mounts the customer's own account credit, and paying an
// open invoice with it.
func (s *Server) registerCredit(b *billing.Service) {
	humaop.Register(s.api, huma.Operation{
		OperationID: "account-credit", Method: http.MethodGet, Path: APIPrefix + "/account/credit", Tags: []string{"billing"},
		Summary:     "Your account credit: what is left and how it moved",
		Description: "Credit pays your next invoices in its currency as they are issued.",
		Middlewares: huma.Middlewares{s.guard(access{scope: identity.ScopeBillingRead})},
	}, func(ctx context.Context, _ *struct{}) (*creditOutput, error) {
		c, err := b.CustomerCredit(ctx, principalFrom(ctx).user.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return creditOut(c), nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "pay-invoice-with-credit", Method: http.MethodPost, Path: APIPrefix + "/account/invoices/{id}/pay-with-credit", Tags: []string{"billing"},
		Summary:     "Pay what your account credit covers of an open invoice",
		Description: "Returns the invoice, paid when the credit covered it; without credit in its currency, 409.",
		Middlewares: huma.Middlewares{s.guard(access{scope: identity.ScopeBillingWrite})},
	}, func(ctx context.Context, in *idInput) (*struct{ Body invoiceBody }, error) {
		inv, err := b.CustomerPayWithCredit(ctx, principalFrom(ctx).user.ID, in.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return &struct{ Body invoiceBody }{Body: invoiceOut(inv)}, nil
	})
}

type adjustCreditInput struct {
	request
	ID   int64 `path:"id"`
	Body struct {
		Amount   string `json:"amount" maxLength:"24" doc:"Decimal; positive adds credit, negative takes it away (never below zero)."`
		Currency string `json:"currency" minLength:"3" maxLength:"3"`
		Reason   string `json:"reason" minLength:"1" maxLength:"500" doc:"Shown to the customer beside the movement."`
	}
}

// registerAdminCredit mounts a customer's credit for staff: reading it;
// adjusting it, which needs the billing.refund permission (credit is money
// the customer can spend); and paying an open invoice with it, as
// invoices.write. Changes are audited.
func (s *Server) registerAdminCredit(b *billing.Service, change func(context.Context, request, staffChange) error, invoiceChange invoiceChangeFunc) {
	staff := access{staff: true, scope: identity.ScopeAdmin}
	humaop.Register(s.api, huma.Operation{
		OperationID: "admin-customer-credit", Method: http.MethodGet, Path: adminPrefix + "customers/{id}/credit", Tags: []string{"admin"},
		Summary: "A customer's account credit and its newest movements", Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *customerIDInput) (*creditOutput, error) {
		if _, err := b.Customer(ctx, in.ID); err != nil {
			return nil, apiError(s.log, err)
		}
		c, err := b.CustomerCredit(ctx, in.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return creditOut(c), nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "admin-adjust-credit", Method: http.MethodPost, Path: adminPrefix + "customers/{id}/credit", Tags: []string{"admin"},
		Summary:       "Add credit to a customer's account, or take it away",
		Description:   "Needs the billing.refund permission. Added credit pays the customer's next invoices in its currency as they are issued.",
		DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *adjustCreditInput) (*struct{}, error) {
		return nil, apiError(s.log, change(ctx, in.request, staffChange{
			perm: identity.PermBillingRefund, action: "customer.credit_adjusted", resourceType: "customer", details: in.Body,
			change: func(int64) (string, error) {
				if _, err := billing.LookupCurrency(in.Body.Currency); err != nil {
					return "", platform.Invalid("currency", "%q is not a currency", in.Body.Currency)
				}
				amount, err := parseAmount("amount", in.Body.Amount, in.Body.Currency)
				if err != nil {
					return "", err
				}
				adj := billing.CreditAdjustment{CustomerID: in.ID, Amount: billing.Money{Amount: amount, Currency: in.Body.Currency}, Reason: in.Body.Reason}
				return strconv.FormatInt(in.ID, 10), b.AdjustCredit(ctx, adj)
			},
		}))
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "admin-pay-invoice-with-credit", Method: http.MethodPost, Path: adminPrefix + "invoices/{id}/pay-with-credit", Tags: []string{"admin"},
		Summary:     "Pay what the customer's account credit covers of an open invoice",
		Description: "Needs the invoices.write permission; without credit in the invoice's currency, 409.",
		Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *idInput) (*struct{ Body invoiceBody }, error) {
		return invoiceChange(ctx, in.request, in.ID, identity.PermInvoicesWrite, "invoice.paid_with_credit", nil, func() (*billing.Invoice, error) {
			return b.PayWithCredit(ctx, in.ID)
		})
	})
}
