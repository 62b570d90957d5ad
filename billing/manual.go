package billing

import (
	"context"
	"time"

	"ezscale.cloud/platform"
)

// ManualInvoice is an invoice staff write by hand: a migration fee, a
// one-off service, an adjustment. Lines are priced by the author; tax is
// worked out as for any invoice.
type ManualInvoice struct {
	CustomerID int64
	Currency   string
	Lines      []ManualLine
	DueAt      time.Time
}

// ManualLine is one line of a manual invoice.
type ManualLine struct {
	Description string
	Quantity    int64
	UnitAmount  int64
}

// CreateManualInvoice issues a manual invoice, numbered by the numbering
// mode, with the customer's credit balance applied.
func (s *Service) CreateManualInvoice(ctx context.Context, m ManualInvoice) (*Invoice, error) {
	if _, err := LookupCurrency(m.Currency); err != nil {
		return nil, err
	}
	if len(m.Lines) == 0 {
		return nil, platform.Invalid("lines", "an invoice needs at least one line")
	}
	now := s.now()
	var inv *Invoice
	err := s.store.InTx(ctx, func(tx Store) error {
		customer, err := tx.GetCustomer(ctx, m.CustomerID)
		if err != nil {
			return err
		}
		inv = s.newInvoice(customer, m.Currency, ReasonManual, now)
		for _, l := range m.Lines {
			amount, err := Money{Amount: l.UnitAmount, Currency: m.Currency}.Mul(l.Quantity)
			if err != nil {
				return platform.Invalid("lines.unit_amount", "line %q: %v", l.Description, err)
			}
			err = inv.AddItem(InvoiceItem{Kind: ItemManual, Description: l.Description, Quantity: l.Quantity, UnitAmount: l.UnitAmount, Amount: amount.Amount})
			if err != nil {
				return err
			}
		}
		taxes, err := tx.ListTaxRates(ctx)
		if err != nil {
			return err
		}
		if err := inv.ComputeTotals(DecideTax(s.config().Tax, taxes, customer.Tax, now)); err != nil {
			return err
		}
		inv.DueAt = platform.Truncate(m.DueAt)
		if inv.DueAt.IsZero() {
			inv.DueAt = now
		}
		if err := s.issue(ctx, tx, now, inv); err != nil {
			return err
		}
		return s.applyCredit(ctx, tx, inv, now)
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// VoidInvoice cancels an open invoice that has taken no payment.
func (s *Service) VoidInvoice(ctx context.Context, invoiceID int64) (*Invoice, error) {
	var inv *Invoice
	err := s.store.InTx(ctx, func(tx Store) error {
		var err error
		if inv, err = tx.GetInvoice(ctx, invoiceID); err != nil {
			return err
		}
		if err := inv.Void(s.now()); err != nil {
			return err
		}
		return tx.UpdateInvoice(ctx, inv)
	})
	return inv, err
}
