package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"ezscale.cloud/platform/adapters/httpapi/internal/humaop"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
)

type manualRefundInput struct {
	request
	ID   int64 `path:"id"`
	Body struct {
		Amount    string `json:"amount" maxLength:"24" doc:"In the invoice's currency; at most what was recorded by hand and not yet refunded."`
		Method    string `json:"method" enum:"bank_transfer,cash,cheque,other"`
		Reference string `json:"reference" minLength:"1" maxLength:"191" doc:"The outgoing transfer's or receipt's reference; a second refund with the same method and reference is refused."`
		Reason    string `json:"reason" minLength:"1" maxLength:"500"`
	}
}

// registerManualRefund mounts refunding a payment recorded by hand: staff
// have sent the money back themselves, so no gateway is called; the refund
// and its credit note are recorded and audited.
func (s *Server) registerManualRefund(b *billing.Service, invoiceChange invoiceChangeFunc) {
	staff := access{staff: true, scope: identity.ScopeAdmin}
	humaop.Register(s.api, huma.Operation{
		OperationID: "record-manual-refund", Method: http.MethodPost, Path: adminPrefix + "invoices/{id}/manual-refunds", Tags: []string{"admin"},
		Summary:     "Record a refund of a payment recorded by hand; returns the credit note",
		Description: "For money received outside a gateway (bank transfer, cash, cheque) and sent back the same way by staff: no gateway is called.",
		Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *manualRefundInput) (*struct{ Body invoiceBody }, error) {
		return invoiceChange(ctx, in.request, in.ID, identity.PermBillingRefund, "invoice.refund_manual", in.Body, func() (*billing.Invoice, error) {
			amount, err := amountOn(ctx, b, in.ID, in.Body.Amount)
			if err != nil {
				return nil, err
			}
			return b.RefundManual(ctx, billing.ManualRefund{InvoiceID: in.ID, Amount: amount, Method: in.Body.Method,
				Reference: in.Body.Reference, Reason: in.Body.Reason})
		})
	})
}
