package billing

import (
	"context"
	"fmt"
	"strings"
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
	// DueAt may be left zero: the invoice is then due when issued.
	DueAt time.Time
	// Draft saves the invoice for staff to finish later instead of issuing
	// it: a draft has no number, takes no payment, is not emailed, counts
	// in no report and is not shown to the customer.
	Draft bool
}

// ManualLine is one line of a manual invoice.
type ManualLine struct {
	Description string
	Quantity    int64
	UnitAmount  int64
}

// validate checks what can be checked without the store, naming the line
// at fault.
func (m ManualInvoice) validate() error {
	if _, err := LookupCurrency(m.Currency); err != nil {
		return err
	}
	if len(m.Lines) == 0 {
		return platform.Invalid("lines", "an invoice needs at least one line")
	}
	for i, l := range m.Lines {
		if strings.TrimSpace(l.Description) == "" {
			return platform.Invalid(fmt.Sprintf("lines[%d].description", i), "a line needs a description")
		}
		if l.Quantity <= 0 {
			return platform.Invalid(fmt.Sprintf("lines[%d].quantity", i), "quantity must be positive")
		}
	}
	return nil
}

// CreateManualInvoice issues a manual invoice, numbered by the numbering
// mode, with the customer's credit balance applied; or, when m.Draft, saves
// it as a draft for staff to edit and issue later.
func (s *Service) CreateManualInvoice(ctx context.Context, m ManualInvoice) (*Invoice, error) {
	now := s.now()
	var inv *Invoice
	err := s.store.InTx(ctx, func(tx Store) error {
		customer, err := tx.GetCustomer(ctx, m.CustomerID)
		if err != nil {
			return err
		}
		if inv, err = s.priceManual(ctx, tx, customer, m, now); err != nil {
			return err
		}
		if m.Draft {
			return tx.CreateInvoice(ctx, inv)
		}
		return s.issueManual(ctx, tx, inv, now)
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// EditDraftInvoice replaces a draft's currency, lines and due date, and
// works its totals and tax out again; it stays a draft whatever m.Draft
// says. m.CustomerID, when set, must be the draft's customer: a draft never
// moves to another customer. Editing an issued invoice is an ECONFLICT.
func (s *Service) EditDraftInvoice(ctx context.Context, invoiceID int64, m ManualInvoice) (*Invoice, error) {
	now := s.now()
	var inv *Invoice
	err := s.store.InTx(ctx, func(tx Store) error {
		draft, err := draftInvoice(ctx, tx, invoiceID)
		if err != nil {
			return err
		}
		if m.CustomerID != 0 && m.CustomerID != draft.CustomerID {
			return platform.Invalid("customer_id", "draft %d belongs to another customer", invoiceID)
		}
		inv, err = s.repriceDraft(ctx, tx, draft, m, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// IssueDraftInvoice issues a draft as CreateManualInvoice issues a new
// invoice: numbered by the numbering mode, emailed, with the customer's
// credit balance applied. Tax and the billing details are worked out again
// on the day of issue, since that is the date the invoice is made out on. A
// due date already past is refused.
func (s *Service) IssueDraftInvoice(ctx context.Context, invoiceID int64) (*Invoice, error) {
	now := s.now()
	var inv *Invoice
	err := s.store.InTx(ctx, func(tx Store) error {
		draft, err := draftInvoice(ctx, tx, invoiceID)
		if err != nil {
			return err
		}
		if inv, err = s.repriceDraft(ctx, tx, draft, manualOf(draft), now); err != nil {
			return err
		}
		return s.issueManual(ctx, tx, inv, now)
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// DeleteDraftInvoice removes a draft. A draft was never numbered or sent,
// so it leaves no gap in the numbering and nothing for the customer to
// see; an issued invoice is voided instead.
func (s *Service) DeleteDraftInvoice(ctx context.Context, invoiceID int64) error {
	return s.store.InTx(ctx, func(tx Store) error {
		if _, err := draftInvoice(ctx, tx, invoiceID); err != nil {
			return err
		}
		return tx.DeleteDraftInvoice(ctx, invoiceID)
	})
}

// VoidInvoice cancels an open invoice that has taken no payment. A draft is
// deleted instead: voiding it would show the customer an invoice they were
// never sent.
func (s *Service) VoidInvoice(ctx context.Context, invoiceID int64) (*Invoice, error) {
	var inv *Invoice
	err := s.store.InTx(ctx, func(tx Store) error {
		var err error
		if inv, err = tx.GetInvoice(ctx, invoiceID); err != nil {
			return err
		}
		if inv.Status == InvoiceDraft {
			return platform.Errorf(platform.ECONFLICT, "invoice %d is a draft; delete it instead", inv.ID)
		}
		if err := inv.Void(s.now()); err != nil {
			return err
		}
		return tx.UpdateInvoice(ctx, inv)
	})
	return inv, err
}

// priceManual makes a manual invoice, still a draft, for the customer: its
// lines, and its totals and tax as at now.
func (s *Service) priceManual(ctx context.Context, tx Store, customer *Customer, m ManualInvoice, now time.Time) (*Invoice, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	m.Currency = strings.ToUpper(m.Currency) // as the credit ledger keys it
	inv := s.newInvoice(customer, m.Currency, ReasonManual, now)
	for i, l := range m.Lines {
		amount, err := Money{Amount: l.UnitAmount, Currency: m.Currency}.Mul(l.Quantity)
		if err != nil {
			return nil, platform.Invalid(fmt.Sprintf("lines[%d].unit_amount", i), "line %q: %v", l.Description, err)
		}
		err = inv.AddItem(InvoiceItem{Kind: ItemManual, Description: l.Description, Quantity: l.Quantity, UnitAmount: l.UnitAmount, Amount: amount.Amount})
		if err != nil {
			return nil, err
		}
	}
	taxes, err := tx.ListTaxRates(ctx)
	if err != nil {
		return nil, err
	}
	if err := inv.ComputeTotals(DecideTax(s.config().Tax, taxes, customer.Tax, now)); err != nil {
		return nil, err
	}
	inv.DueAt = platform.Truncate(m.DueAt)
	return inv, nil
}

// repriceDraft prices m for the draft's customer and saves it over the
// draft, which keeps its id and creation time.
func (s *Service) repriceDraft(ctx context.Context, tx Store, draft *Invoice, m ManualInvoice, now time.Time) (*Invoice, error) {
	customer, err := tx.GetCustomer(ctx, draft.CustomerID)
	if err != nil {
		return nil, err
	}
	inv, err := s.priceManual(ctx, tx, customer, m, now)
	if err != nil {
		return nil, err
	}
	inv.ID, inv.CreatedAt = draft.ID, draft.CreatedAt
	return inv, tx.SaveDraftInvoice(ctx, inv)
}

// issueManual issues a priced manual invoice, due now unless it says
// otherwise, and pays what it can from the customer's credit balance.
func (s *Service) issueManual(ctx context.Context, tx Store, inv *Invoice, now time.Time) error {
	if inv.DueAt.IsZero() {
		inv.DueAt = now
	}
	if err := s.issue(ctx, tx, now, inv); err != nil {
		return err
	}
	return s.applyCredit(ctx, tx, inv, now)
}

// draftInvoice returns the invoice if it is still a draft; an ECONFLICT
// otherwise, since an issued invoice is final.
func draftInvoice(ctx context.Context, tx Store, invoiceID int64) (*Invoice, error) {
	inv, err := tx.GetInvoice(ctx, invoiceID)
	if err != nil {
		return nil, err
	}
	if inv.Status != InvoiceDraft {
		return nil, platform.Errorf(platform.ECONFLICT, "invoice %d is %s; only a draft can change", inv.ID, inv.Status)
	}
	return inv, nil
}

// manualOf reads a draft back as the manual invoice it was written as.
func manualOf(draft *Invoice) ManualInvoice {
	m := ManualInvoice{CustomerID: draft.CustomerID, Currency: draft.Currency, DueAt: draft.DueAt}
	for _, it := range draft.Items {
		m.Lines = append(m.Lines, ManualLine{Description: it.Description, Quantity: it.Quantity, UnitAmount: it.UnitAmount})
	}
	return m
}
