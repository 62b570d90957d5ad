package sqlstore

import (
	"context"
	"encoding/json"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/sqlstore/internal/dbsqlc"
	"ezscale.cloud/platform/billing"
)

// CreateInvoice inserts an invoice and its lines in one transaction.
func (s *Store) CreateInvoice(ctx context.Context, inv *billing.Invoice) error {
	customer, company, err := detailsJSON(inv)
	if err != nil {
		return err
	}
	var change []byte
	if inv.PlanChange != nil {
		if change, err = json.Marshal(inv.PlanChange); err != nil {
			return platform.Invalid("plan_change", "plan change is not JSON: %v", err)
		}
	}
	return s.inTx(ctx, func(t *Store) error {
		id, err := t.q.InvoiceInsert(ctx, dbsqlc.InvoiceInsertParams{
			Number: nullString(inv.Number), Kind: string(inv.Kind), BillingReason: string(inv.Reason),
			CustomerID: inv.CustomerID, SubscriptionID: nullID(inv.SubscriptionID),
			RelatedInvoiceID: nullID(inv.RelatedInvoiceID), Currency: inv.Currency, Status: string(inv.Status),
			Subtotal: inv.Subtotal, Tax: inv.Tax, Total: inv.Total, AmountPaid: inv.AmountPaid,
			TaxRatePpm: int64(inv.TaxRate), TaxName: inv.TaxName, TaxInclusive: inv.TaxInclusive,
			ReverseCharge: inv.ReverseCharge, PeriodStart: nullTime(inv.PeriodStart), PeriodEnd: nullTime(inv.PeriodEnd),
			CustomerJson: string(customer), CompanyJson: string(company), PlanChangeJson: string(change),
			IssuedAt: nullTime(inv.IssuedAt), DueAt: nullTime(inv.DueAt), PaidAt: nullTime(inv.PaidAt),
			VoidedAt: nullTime(inv.VoidedAt), CreatedAt: inv.CreatedAt, RenewalKey: nullString(inv.RenewalKey),
		})
		if err != nil {
			return t.translate(err, "invoice")
		}
		if err := t.insertItems(ctx, id, inv.Items); err != nil {
			return err
		}
		inv.ID = id
		return nil
	})
}

// SaveDraftInvoice replaces a draft's content and lines. A draft has no
// number, so no PDF of it was ever kept to go stale.
func (s *Store) SaveDraftInvoice(ctx context.Context, inv *billing.Invoice) error {
	customer, company, err := detailsJSON(inv)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(t *Store) error {
		// The update comes first: it locks the row, so a concurrent issue
		// of the same draft waits and then finds it no longer a draft.
		n, err := t.q.InvoiceDraftUpdate(ctx, dbsqlc.InvoiceDraftUpdateParams{
			Currency: inv.Currency, Subtotal: inv.Subtotal, Tax: inv.Tax, Total: inv.Total,
			TaxRatePpm: int64(inv.TaxRate), TaxName: inv.TaxName, TaxInclusive: inv.TaxInclusive,
			ReverseCharge: inv.ReverseCharge, CustomerJson: string(customer), CompanyJson: string(company),
			DueAt: nullTime(inv.DueAt), ID: inv.ID,
		})
		if err != nil {
			return t.translate(err, "invoice")
		}
		if n == 0 {
			return platform.Errorf(platform.ECONFLICT, "invoice %d is no longer a draft", inv.ID)
		}
		if err := t.q.InvoiceItemDeleteByInvoice(ctx, inv.ID); err != nil {
			return t.translate(err, "invoice items")
		}
		return t.insertItems(ctx, inv.ID, inv.Items)
	})
}

// DeleteDraftInvoice removes a draft and its lines.
func (s *Store) DeleteDraftInvoice(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(t *Store) error {
		// Lines go first for the foreign key; should the invoice turn out
		// not to be a draft, the error rolls their removal back.
		if err := t.q.InvoiceItemDeleteByInvoice(ctx, id); err != nil {
			return t.translate(err, "invoice items")
		}
		n, err := t.q.InvoiceDraftDelete(ctx, id)
		if err != nil {
			return t.translate(err, "invoice")
		}
		if n == 0 {
			return platform.Errorf(platform.ECONFLICT, "invoice %d is not a draft", id)
		}
		return nil
	})
}

// insertItems inserts an invoice's lines in order, inside a transaction.
func (s *Store) insertItems(ctx context.Context, invoiceID int64, items []billing.InvoiceItem) error {
	for i, it := range items {
		err := s.q.InvoiceItemInsert(ctx, dbsqlc.InvoiceItemInsertParams{
			InvoiceID: invoiceID, Position: int64(i), Kind: string(it.Kind), Description: it.Description,
			Quantity: it.Quantity, UnitAmount: it.UnitAmount, Amount: it.Amount, TaxAmount: it.TaxAmount,
			PeriodStart: nullTime(it.PeriodStart), PeriodEnd: nullTime(it.PeriodEnd),
		})
		if err != nil {
			return s.translate(err, "invoice item")
		}
	}
	return nil
}

// detailsJSON encodes the invoice's frozen billing details.
func detailsJSON(inv *billing.Invoice) (customer, company []byte, err error) {
	if customer, err = json.Marshal(inv.Customer); err != nil {
		return nil, nil, platform.Invalid("customer", "billing details are not JSON: %v", err)
	}
	if company, err = json.Marshal(inv.Company); err != nil {
		return nil, nil, platform.Invalid("company", "billing details are not JSON: %v", err)
	}
	return customer, company, nil
}

// GetInvoice returns an invoice with its lines.
func (s *Store) GetInvoice(ctx context.Context, id int64) (*billing.Invoice, error) {
	r, err := s.q.InvoiceGetByID(ctx, id)
	if err != nil {
		return nil, s.translate(err, "invoice")
	}
	inv, err := invoiceFromRow(r)
	if err != nil {
		return nil, err
	}
	items, err := s.q.InvoiceItemListByInvoice(ctx, id)
	if err != nil {
		return nil, s.translate(err, "invoice items")
	}
	for _, it := range items {
		inv.Items = append(inv.Items, billing.InvoiceItem{
			ID: it.ID, Kind: billing.ItemKind(it.Kind), Description: it.Description, Quantity: it.Quantity,
			UnitAmount: it.UnitAmount, Amount: it.Amount, TaxAmount: it.TaxAmount,
			PeriodStart: timeOf(it.PeriodStart), PeriodEnd: timeOf(it.PeriodEnd),
		})
	}
	return inv, nil
}

// UpdateInvoice saves an invoice's number, status, payments and dates.
func (s *Store) UpdateInvoice(ctx context.Context, inv *billing.Invoice) error {
	n, err := s.writeQ().InvoiceUpdate(ctx, dbsqlc.InvoiceUpdateParams{
		Number: nullString(inv.Number), Status: string(inv.Status), AmountPaid: inv.AmountPaid,
		IssuedAt: nullTime(inv.IssuedAt), DueAt: nullTime(inv.DueAt), PaidAt: nullTime(inv.PaidAt),
		VoidedAt: nullTime(inv.VoidedAt), RenewalKey: nullString(inv.RenewalKey), ID: inv.ID,
	})
	if err != nil {
		return s.translate(err, "invoice")
	}
	if n == 0 {
		return platform.Errorf(platform.ENOTFOUND, "invoice %d not found", inv.ID)
	}
	return nil
}

// ListOpenInvoicesDueBy returns open invoices due at or before t, without
// their lines.
func (s *Store) ListOpenInvoicesDueBy(ctx context.Context, t time.Time) ([]*billing.Invoice, error) {
	rows, err := s.q.InvoiceListOpenDueBy(ctx, nullTime(t))
	if err != nil {
		return nil, s.translate(err, "invoices")
	}
	return invoicesFromRows(rows)
}

// ListInvoicesBySubscription returns a subscription's invoices, without
// their lines.
func (s *Store) ListInvoicesBySubscription(ctx context.Context, subID int64) ([]*billing.Invoice, error) {
	rows, err := s.q.InvoiceListBySubscription(ctx, nullID(subID))
	if err != nil {
		return nil, s.translate(err, "invoices")
	}
	return invoicesFromRows(rows)
}

// ListInvoicesByCustomer returns a customer's invoices and credit notes,
// without their lines.
func (s *Store) ListInvoicesByCustomer(ctx context.Context, customerID int64) ([]*billing.Invoice, error) {
	rows, err := s.q.InvoiceListByCustomer(ctx, customerID)
	if err != nil {
		return nil, s.translate(err, "invoices")
	}
	return invoicesFromRows(rows)
}

// ListCustomerInvoicePage returns one page of the invoices a customer sees,
// newest first, without their lines.
func (s *Store) ListCustomerInvoicePage(ctx context.Context, customerID int64, q billing.InvoiceQuery) ([]*billing.Invoice, error) {
	rows, err := s.q.InvoicePageByCustomer(ctx, dbsqlc.InvoicePageByCustomerParams{
		CustomerID: customerID, Column2: string(q.Kind), Kind: string(q.Kind),
		Column4: string(q.Status), Status: string(q.Status), Column6: q.BeforeID, ID: q.BeforeID,
	})
	if err != nil {
		return nil, s.translate(err, "invoices")
	}
	return invoicesFromRows(rows)
}

// CountCustomerInvoices counts a customer's invoices by kind and status,
// in one grouped query.
func (s *Store) CountCustomerInvoices(ctx context.Context, customerID int64) (map[billing.InvoiceKind]map[billing.InvoiceStatus]int, error) {
	rows, err := s.q.InvoiceTallyByCustomer(ctx, customerID)
	if err != nil {
		return nil, s.translate(err, "invoices")
	}
	counts := map[billing.InvoiceKind]map[billing.InvoiceStatus]int{}
	for _, r := range rows {
		kind := billing.InvoiceKind(r.Kind)
		if counts[kind] == nil {
			counts[kind] = map[billing.InvoiceStatus]int{}
		}
		counts[kind][billing.InvoiceStatus(r.Status)] = int(r.Count)
	}
	return counts, nil
}

// ReserveNumbers takes n values from a sequence inside a transaction.
func (s *Store) ReserveNumbers(ctx context.Context, scope string, n int64) (int64, error) {
	if n <= 0 {
		return 0, platform.Invalid("n", "reserve at least one number")
	}
	var first int64
	err := s.inTx(ctx, func(t *Store) error {
		last, err := s.dialect.ReserveSequence(ctx, t.tx, scope, n)
		if err != nil {
			return s.translate(err, "invoice sequence")
		}
		first = last - n + 1
		return nil
	})
	return first, err
}

func invoicesFromRows(rows []dbsqlc.Invoice) ([]*billing.Invoice, error) {
	out := make([]*billing.Invoice, 0, len(rows))
	for _, r := range rows {
		inv, err := invoiceFromRow(r)
		if err != nil {
			return nil, err
		}
		out = append(out, inv)
	}
	return out, nil
}

func invoiceFromRow(r dbsqlc.Invoice) (*billing.Invoice, error) {
	inv := &billing.Invoice{
		ID: r.ID, Number: r.Number.String, Kind: billing.InvoiceKind(r.Kind), Reason: billing.BillingReason(r.BillingReason),
		CustomerID: r.CustomerID, SubscriptionID: r.SubscriptionID.Int64, RelatedInvoiceID: r.RelatedInvoiceID.Int64,
		Currency: r.Currency, Status: billing.InvoiceStatus(r.Status), Subtotal: r.Subtotal, Tax: r.Tax,
		Total: r.Total, AmountPaid: r.AmountPaid, TaxRate: billing.Rate(r.TaxRatePpm), TaxName: r.TaxName,
		TaxInclusive: r.TaxInclusive, ReverseCharge: r.ReverseCharge, PeriodStart: timeOf(r.PeriodStart),
		PeriodEnd: timeOf(r.PeriodEnd), IssuedAt: timeOf(r.IssuedAt), DueAt: timeOf(r.DueAt),
		PaidAt: timeOf(r.PaidAt), VoidedAt: timeOf(r.VoidedAt), CreatedAt: r.CreatedAt.UTC(),
		RenewalKey: r.RenewalKey.String,
	}
	if err := json.Unmarshal([]byte(r.CustomerJson), &inv.Customer); err != nil {
		return nil, platform.Errorf(platform.EINTERNAL, "invoice %d customer details: %v", r.ID, err)
	}
	if err := json.Unmarshal([]byte(r.CompanyJson), &inv.Company); err != nil {
		return nil, platform.Errorf(platform.EINTERNAL, "invoice %d company details: %v", r.ID, err)
	}
	if r.PlanChangeJson != "" {
		inv.PlanChange = &billing.PlanChange{}
		if err := json.Unmarshal([]byte(r.PlanChangeJson), inv.PlanChange); err != nil {
			return nil, platform.Errorf(platform.EINTERNAL, "invoice %d plan change: %v", r.ID, err)
		}
	}
	return inv, nil
}
