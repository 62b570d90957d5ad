package billing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"ezscale.cloud/platform"
)

// Refund gives back part or all of what was paid on an invoice through the
// gateway that took it (the card gateway, or one added with AddGateway),
// and issues a numbered credit note for the amount.
// The gateway call carries an idempotency key derived from the invoice and
// the count of refunds already recorded, so retrying a refund whose answer
// was lost refunds once. The invoice itself never changes: the credit note
// is the accounting record.
func (s *Service) Refund(ctx context.Context, invoiceID int64, amount Money, reason string) (*Invoice, error) {
	gateway, inv, basis, err := s.refundGateway(ctx, invoiceID, amount)
	if err != nil {
		return nil, err
	}
	res, err := gateway.Refund(ctx, RefundRequest{
		IdempotencyKey: fmt.Sprintf("invoice-%d-refund-%d", inv.ID, basis.refunds+1), ChargeID: basis.charge.GatewayID, Amount: amount, InvoiceID: inv.ID,
	})
	if err != nil {
		return nil, fmt.Errorf("refund invoice %d: %w", inv.ID, err)
	}
	var note *Invoice
	err = s.store.InTx(ctx, func(tx Store) error {
		var err error
		note, err = s.recordRefund(ctx, tx, inv, gateway.Name(), res.ID, amount, reason, s.now())
		return err
	})
	return note, err
}

// refundGateway picks the gateway to refund amount of an invoice through:
// the first, card gateway first, whose payments on it cover the amount.
// When none does, the reason given is that of a gateway that took money on
// the invoice, else the card gateway's.
func (s *Service) refundGateway(ctx context.Context, invoiceID int64, amount Money) (Gateway, *Invoice, refundBasis, error) {
	inv, txs, err := refundInputs(ctx, s.store, invoiceID, amount)
	if err != nil {
		return nil, nil, refundBasis{}, err
	}
	var reason error
	paid := false
	for _, g := range append([]Gateway{s.gateway}, s.others...) {
		basis := refundBasisOf(txs, g.Name(), amount.Amount)
		err := basis.allows(inv, g.Name(), amount)
		if err == nil {
			return g, inv, basis, nil
		}
		if reason == nil || (!paid && basis.charge != nil) {
			reason, paid = err, basis.charge != nil
		}
	}
	return nil, nil, refundBasis{}, reason
}

// ManualRefund is money staff gave back outside any gateway (by bank
// transfer, cash or cheque) against payments recorded by hand.
type ManualRefund struct {
	InvoiceID int64
	Amount    Money
	Method    string
	// Reference is the outgoing transfer's or receipt's reference: the
	// same method and reference make the same refund.
	Reference string
	Reason    string
}

// RefundManual records a refund staff made outside any gateway and issues
// its credit note, in one transaction; no gateway is called. Only what was
// recorded by hand (Payment.Gateway ManualGateway) and not yet refunded can
// go back this way. Recording the same method and reference twice is an
// ECONFLICT: the money went back once.
func (s *Service) RefundManual(ctx context.Context, r ManualRefund) (*Invoice, error) {
	if r.Method == "" || r.Reference == "" {
		return nil, platform.Invalid("reference", "a refund made by hand needs its method and reference")
	}
	var note *Invoice
	err := s.store.InTx(ctx, func(tx Store) error {
		inv, _, err := refundable(ctx, tx, r.InvoiceID, ManualGateway, r.Amount)
		if err != nil {
			return err
		}
		note, err = s.recordRefund(ctx, tx, inv, ManualGateway, r.Method+":"+r.Reference, r.Amount, r.Reason, s.now())
		if errors.Is(err, errAlreadyRecorded) {
			return platform.Errorf(platform.ECONFLICT, "a refund by %s with reference %q is already recorded", r.Method, r.Reference)
		}
		return err
	})
	return note, err
}

// refundable reads an invoice and checks that amount can go back to its
// customer through gateway.
func refundable(ctx context.Context, st Store, invoiceID int64, gateway string, amount Money) (*Invoice, refundBasis, error) {
	inv, txs, err := refundInputs(ctx, st, invoiceID, amount)
	if err != nil {
		return nil, refundBasis{}, err
	}
	basis := refundBasisOf(txs, gateway, amount.Amount)
	return inv, basis, basis.allows(inv, gateway, amount)
}

// refundInputs checks a refund's amount against its invoice and reads the
// invoice's transactions, which say through which gateway it can go back.
func refundInputs(ctx context.Context, st Store, invoiceID int64, amount Money) (*Invoice, []*Transaction, error) {
	if !amount.IsPositive() {
		return nil, nil, platform.Invalid("amount", "a refund must be positive")
	}
	inv, err := st.GetInvoice(ctx, invoiceID)
	if err != nil {
		return nil, nil, err
	}
	if amount.Currency != inv.Currency {
		return nil, nil, platform.Invalid("amount", "refund in %s of an invoice in %s", amount.Currency, inv.Currency)
	}
	txs, err := st.ListTransactionsByInvoice(ctx, inv.ID)
	if err != nil {
		return nil, nil, err
	}
	return inv, txs, nil
}

// refundBasis is what an invoice's transactions allow refunding through
// one gateway: money goes back the way it came.
type refundBasis struct {
	// left is what the gateway took and has not given back.
	left int64
	// charge is the gateway's charge to refund against: one that covers
	// the amount where one does.
	charge *Transaction
	// refunds counts the invoice's refunds through any gateway.
	refunds int
}

func refundBasisOf(txs []*Transaction, gateway string, amount int64) refundBasis {
	var b refundBasis
	for _, t := range txs {
		switch {
		case t.Kind == TxCharge && t.Status == string(ChargeSucceeded) && t.Gateway == gateway:
			b.left += t.Amount
			if b.charge == nil || t.Amount >= amount {
				b.charge = t
			}
		case t.Kind == TxRefund:
			b.refunds++
			if t.Gateway == gateway {
				b.left -= t.Amount
			}
		}
	}
	return b
}

// allows checks that amount can go back through gateway.
func (b refundBasis) allows(inv *Invoice, gateway string, amount Money) error {
	if b.charge == nil {
		return platform.Errorf(platform.ECONFLICT, "invoice %d has no %s payment to refund", inv.ID, gateway)
	}
	if amount.Amount > b.left {
		return platform.Invalid("amount", "refund of %s exceeds the %s paid through %s and not yet refunded", amount, Money{Amount: b.left, Currency: inv.Currency}, gateway)
	}
	return nil
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
