package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"ezscale.cloud/platform/adapters/httpapi/internal/humaop"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
)

type editDraftInput struct {
	request
	ID   int64 `path:"id"`
	Body struct {
		Currency string            `json:"currency" pattern:"^[A-Za-z]{3}$"`
		DueAt    time.Time         `json:"due_at,omitzero" doc:"Absent: due on the day the draft is issued."`
		Lines    []manualLineInput `json:"lines" minItems:"1" maxItems:"100" doc:"Replace the draft's lines."`
	}
}

// invoiceChangeFunc makes a staff change to one invoice, recorded in the
// audit log, and answers the invoice as the change left it.
type invoiceChangeFunc func(ctx context.Context, rq request, id int64, perm identity.Permission, action string, details any,
	fn func() (*billing.Invoice, error)) (*struct{ Body invoiceBody }, error)

// manualLinesIn reads manual invoice lines as staff typed them, each unit
// amount in the invoice's currency.
func manualLinesIn(in []manualLineInput, currency string) ([]billing.ManualLine, error) {
	lines := make([]billing.ManualLine, 0, len(in))
	for i, l := range in {
		amount, err := parseAmount("lines["+strconv.Itoa(i)+"].unit_amount", l.UnitAmount, currency)
		if err != nil {
			return nil, err
		}
		lines = append(lines, billing.ManualLine{Description: l.Description, Quantity: l.Quantity, UnitAmount: amount})
	}
	return lines, nil
}

// registerDraftInvoices mounts the staff's work on a draft invoice before
// the customer sees it: replacing its lines and due date, issuing it, and
// deleting it.
func (s *Server) registerDraftInvoices(b *billing.Service, change func(ctx context.Context, rq request, c staffChange) error, invoiceChange invoiceChangeFunc) {
	staff := access{staff: true, scope: identity.ScopeAdmin}
	humaop.Register(s.api, huma.Operation{
		OperationID: "edit-draft-invoice", Method: http.MethodPut, Path: adminPrefix + "invoices/{id}", Tags: []string{"admin"},
		Summary: "Replace a draft invoice's currency, lines and due date", Description: "Totals and tax are worked out again. An issued invoice cannot change (409).",
		Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *editDraftInput) (*struct{ Body invoiceBody }, error) {
		return invoiceChange(ctx, in.request, in.ID, identity.PermInvoicesWrite, "invoice.update", in.Body, func() (*billing.Invoice, error) {
			lines, err := manualLinesIn(in.Body.Lines, in.Body.Currency)
			if err != nil {
				return nil, err
			}
			return b.EditDraftInvoice(ctx, in.ID, billing.ManualInvoice{Currency: in.Body.Currency, Lines: lines, DueAt: in.Body.DueAt})
		})
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "issue-draft-invoice", Method: http.MethodPost, Path: adminPrefix + "invoices/{id}/issue", Tags: []string{"admin"},
		Summary:     "Issue a draft invoice: number it, email it and apply the customer's credit",
		Description: "Tax is worked out as of today. A due date already past is refused (422).",
		Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *idInput) (*struct{ Body invoiceBody }, error) {
		return invoiceChange(ctx, in.request, in.ID, identity.PermInvoicesWrite, "invoice.issue", nil, func() (*billing.Invoice, error) {
			return b.IssueDraftInvoice(ctx, in.ID)
		})
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "delete-draft-invoice", Method: http.MethodDelete, Path: adminPrefix + "invoices/{id}", Tags: []string{"admin"},
		Summary: "Delete a draft invoice", Description: "Only a draft, which was never numbered or sent; an issued invoice is voided instead (409).",
		DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *idInput) (*struct{}, error) {
		err := change(ctx, in.request, staffChange{perm: identity.PermInvoicesWrite, action: "invoice.delete", resourceType: "invoice",
			change: func(int64) (string, error) { return strconv.FormatInt(in.ID, 10), b.DeleteDraftInvoice(ctx, in.ID) }})
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return &struct{}{}, nil
	})
}
