package billing

import (
	"context"
	"fmt"
	"time"

	"ezscale.cloud/platform"
)

// Refund gives back part or all of what was paid on an invoice through the
// gateway that took it, and issues a numbered credit note for the amount.
// The gateway call carries an idempotency key derived from the invoice and
// the count of refunds already recorded, so retrying a refund whose answer
// was lost refunds once. The invoice itself never changes: the credit note
// is the accounting record.
func (s *Service) Refund(ctx context.Context, invoiceID int64, amount Money, reason string) (*Invoice, error) {
	if !amount.IsPositive() {
		return nil, platform.Invalid("amount", "a refund must be positive")
	}
	inv, err := s.store.GetInvoice(ctx, invoiceID)
	if err != nil {
		return nil, err
	}
	if amount.Currency != inv.Currency {
		return nil, platform.Invalid("amount", "refund in %s of an invoice in %s", amount.Currency, inv.Currency)
	}
	txs, err := s.store.ListTransactionsByInvoice(ctx, inv.ID)
	if err != nil {
		return nil, err
	}
	var charge *Transaction
	var charged, refunded int64
	refunds := 0
	for _, t := range txs {
		switch {
		case t.Kind == TxCharge && t.Status == string(ChargeSucceeded):
			charged += t.Amount
			if t.Gateway == s.gateway.Name() && (charge == nil || t.Amount >= amount.Amount) {
				charge = t
			}
		case t.Kind == TxRefund:
			refunded += t.Amount
			refunds++
		}
	}
	if amount.Amount > charged-refunded {
		return nil, platform.Invalid("amount", "refund of %s exceeds the %s paid and not yet refunded", amount, Money{Amount: charged - refunded, Currency: inv.Currency})
	}
	if charge == nil {
		return nil, platform.Errorf(platform.ECONFLICT, "invoice %d has no %s payment to refund", inv.ID, s.gateway.Name())
	}
	res, err := s.gateway.Refund(ctx, RefundRequest{
		IdempotencyKey: fmt.Sprintf("invoice-%d-refund-%d", inv.ID, refunds+1), ChargeID: charge.GatewayID, Amount: amount, InvoiceID: inv.ID,
	})
	if err != nil {
		return nil, fmt.Errorf("refund invoice %d: %w", inv.ID, err)
	}
	var note *Invoice
	err = s.store.InTx(ctx, func(tx Store) error {
		var err error
		note, err = s.recordRefund(ctx, tx, inv, s.gateway.Name(), res.ID, amount, reason, s.now())
		return err
	})
	return note, err
}

// recordRefund records a gateway's refund of an invoice and issues its
// credit note, inside tx. A refund recorded before (our own call and its
// webhook both report it) is errAlreadyRecorded.
func (s *Service) recordRefund(ctx context.Context, tx Store, inv *Invoice, gateway, refundID string, amount Money, reason string, now time.Time) (*Invoice, error) {
	err := tx.CreateTransaction(ctx, &Transaction{
		InvoiceID: inv.ID, CustomerID: inv.CustomerID, Gateway: gateway, GatewayID: refundID, Kind: TxRefund,
		Amount: amount.Amount, Currency: amount.Currency, Status: string(ChargeSucceeded), CreatedAt: now,
	})
	if platform.ErrorCode(err) == platform.ECONFLICT {
		return nil, errAlreadyRecorded
	}
	if err != nil {
		return nil, err
	}
	// The refund takes back its share of the invoice's tax.
	tax, err := Money{Amount: inv.Tax, Currency: inv.Currency}.MulFrac(amount.Amount, inv.Total)
	if err != nil {
		return nil, err
	}
	net := amount.Amount - tax.Amount
	note := &Invoice{
		Kind: KindCreditNote, Reason: ReasonRefund, CustomerID: inv.CustomerID, RelatedInvoiceID: inv.ID,
		Currency: inv.Currency, Status: InvoicePaid, Customer: inv.Customer, Company: s.config().Company,
		TaxRate: inv.TaxRate, TaxName: inv.TaxName, TaxInclusive: inv.TaxInclusive, ReverseCharge: inv.ReverseCharge,
		Items: []InvoiceItem{{Kind: ItemRefund, Description: fmt.Sprintf("Refund of invoice %s: %s", inv.Number, reason),
			Quantity: 1, UnitAmount: net, Amount: net, TaxAmount: tax.Amount}},
		Subtotal: net, Tax: tax.Amount, Total: amount.Amount, AmountPaid: amount.Amount,
		IssuedAt: now, PaidAt: now, CreatedAt: now,
	}
	if err := s.assignNumbers(ctx, tx, now, note); err != nil {
		return nil, err
	}
	return note, tx.CreateInvoice(ctx, note)
}
