package billing

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"ezscale.cloud/platform"
)

// CreditPageSize is how many of a customer's newest credit movements
// CustomerCredit shows.
const CreditPageSize = 50

// CustomerCredit is a customer's account credit: what is left in each
// currency and the newest movements that got it there.
type CustomerCredit struct {
	// Balances holds every currency the customer has credit in, by
	// currency code; a currency whose credit is used up is left out.
	Balances []Money
	Recent   []CreditEntry
}

// CustomerCredit returns a customer's credit balances and newest
// movements.
func (s *Service) CustomerCredit(ctx context.Context, customerID int64) (*CustomerCredit, error) {
	balances, err := s.store.CreditBalances(ctx, customerID)
	if err != nil {
		return nil, err
	}
	recent, err := s.store.RecentCredit(ctx, customerID)
	if err != nil {
		return nil, err
	}
	c := &CustomerCredit{Balances: []Money{}, Recent: recent}
	for currency, amount := range balances {
		if amount != 0 {
			c.Balances = append(c.Balances, Money{Amount: amount, Currency: currency})
		}
	}
	slices.SortFunc(c.Balances, func(a, b Money) int { return strings.Compare(a.Currency, b.Currency) })
	return c, nil
}

// CreditAdjustment is staff adding credit to a customer's account (a
// goodwill gesture, money received for no invoice) or taking it away (a
// credit given by mistake).
type CreditAdjustment struct {
	CustomerID int64
	// Amount adds credit when positive and takes it away when negative.
	Amount Money
	// Reason is shown to the customer beside the movement.
	Reason string
}

// AdjustCredit records a credit adjustment. Credit cannot go below zero:
// taking away more than is left is EINVALID on "amount". Added credit pays
// the customer's next invoices in its currency as they are issued.
func (s *Service) AdjustCredit(ctx context.Context, adj CreditAdjustment) error {
	reason := strings.TrimSpace(adj.Reason)
	switch {
	case adj.Amount.Amount == 0:
		return platform.Invalid("amount", "an adjustment of zero changes nothing")
	case reason == "" || utf8.RuneCountInString(reason) > 500:
		return platform.Invalid("reason", "say why, in 1 to 500 characters: the customer sees it")
	}
	if _, err := LookupCurrency(adj.Amount.Currency); err != nil {
		return platform.Invalid("currency", "%q is not a currency", adj.Amount.Currency)
	}
	now := s.now()
	return s.store.InTx(ctx, func(tx Store) error {
		if _, err := tx.GetCustomer(ctx, adj.CustomerID); err != nil {
			return err
		}
		if adj.Amount.Amount < 0 {
			balance, err := tx.CreditBalance(ctx, adj.CustomerID, adj.Amount.Currency)
			if err != nil {
				return err
			}
			if balance+adj.Amount.Amount < 0 {
				return platform.Invalid("amount", "the customer has %s of credit: no more can be taken away",
					Money{Amount: balance, Currency: adj.Amount.Currency}.Decimal())
			}
		}
		return tx.AddCredit(ctx, CreditEntry{
			CustomerID: adj.CustomerID, Currency: adj.Amount.Currency, Amount: adj.Amount.Amount,
			Reason: reason, CreatedAt: now,
		})
	})
}

// PayWithCredit pays what it can of an open invoice from its customer's
// credit in the invoice's currency, as the customer or staff ask, and
// returns the invoice: paid when the credit covered it. An invoice that is
// not open, or a customer without credit in its currency, is ECONFLICT.
func (s *Service) PayWithCredit(ctx context.Context, invoiceID int64) (*Invoice, error) {
	var inv *Invoice
	err := s.store.InTx(ctx, func(tx Store) error {
		var err error
		if inv, err = tx.GetInvoice(ctx, invoiceID); err != nil {
			return err
		}
		if inv.Kind != KindInvoice || inv.Status != InvoiceOpen {
			return platform.Errorf(platform.ECONFLICT, "invoice %s is not open for payment", inv.Number)
		}
		before := inv.AmountPaid
		if err := s.applyCredit(ctx, tx, inv, s.now()); err != nil {
			return err
		}
		if inv.AmountPaid == before { // applyCredit found no credit to apply
			return platform.Errorf(platform.ECONFLICT, "there is no account credit in %s", inv.Currency)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// CustomerPayWithCredit is PayWithCredit on one of the customer's own
// invoices; another's is ENOTFOUND.
func (s *Service) CustomerPayWithCredit(ctx context.Context, customerID, invoiceID int64) (*Invoice, error) {
	if _, err := s.CustomerInvoice(ctx, customerID, invoiceID); err != nil {
		return nil, err
	}
	return s.PayWithCredit(ctx, invoiceID)
}
