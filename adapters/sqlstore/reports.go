package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"ezscale.cloud/platform/adapters/sqlstore/internal/dbsqlc"
	"ezscale.cloud/platform/billing"
)

// ListSettledTransactions returns the succeeded charges and refunds of a
// range.
func (s *Store) ListSettledTransactions(ctx context.Context, from, to time.Time) ([]*billing.Transaction, error) {
	rows, err := s.q.TransactionListSettledBetween(ctx, dbsqlc.TransactionListSettledBetweenParams{CreatedAt: from, CreatedAt_2: to})
	if err != nil {
		return nil, s.translate(err, "transactions")
	}
	out := make([]*billing.Transaction, 0, len(rows))
	for _, r := range rows {
		out = append(out, transactionFromRow(r))
	}
	return out, nil
}

// ListOpenInvoiceBalances returns what is left to pay on each open invoice.
func (s *Store) ListOpenInvoiceBalances(ctx context.Context) ([]billing.InvoiceBalance, error) {
	rows, err := s.q.InvoiceOpenBalances(ctx)
	if err != nil {
		return nil, s.translate(err, "open invoices")
	}
	out := make([]billing.InvoiceBalance, 0, len(rows))
	for _, r := range rows {
		out = append(out, invoiceBalance(r.Currency, r.Total, r.AmountPaid, r.DueAt))
	}
	return out, nil
}

// ListCustomerOpenInvoiceBalances returns what one customer has left to
// pay on each open invoice.
func (s *Store) ListCustomerOpenInvoiceBalances(ctx context.Context, customerID int64) ([]billing.InvoiceBalance, error) {
	rows, err := s.q.InvoiceOpenBalancesByCustomer(ctx, customerID)
	if err != nil {
		return nil, s.translate(err, "open invoices")
	}
	out := make([]billing.InvoiceBalance, 0, len(rows))
	for _, r := range rows {
		out = append(out, invoiceBalance(r.Currency, r.Total, r.AmountPaid, r.DueAt))
	}
	return out, nil
}

func invoiceBalance(currency string, total, paid int64, dueAt sql.NullTime) billing.InvoiceBalance {
	return billing.InvoiceBalance{Currency: currency, Due: total - paid, DueAt: timeOf(dueAt)}
}

// CountPlanActivity counts live subscriptions, orders and paid orders per
// plan, in three grouped queries.
func (s *Store) CountPlanActivity(ctx context.Context, from, to time.Time) (billing.PlanActivityCounts, error) {
	c := billing.PlanActivityCounts{Live: map[int64]int{}, Ordered: map[int64]int{}, Paid: map[int64]int{}}
	live, err := s.q.SubscriptionCountLiveByPlan(ctx)
	if err != nil {
		return c, s.translate(err, "live subscriptions")
	}
	for _, r := range live {
		c.Live[r.PlanID] = int(r.Live)
	}
	ordered, err := s.q.SubscriptionCountOrderedByPlan(ctx, dbsqlc.SubscriptionCountOrderedByPlanParams{CreatedAt: from, CreatedAt_2: to})
	if err != nil {
		return c, s.translate(err, "orders")
	}
	for _, r := range ordered {
		c.Ordered[r.PlanID] = int(r.Ordered)
	}
	paid, err := s.q.SubscriptionCountPaidByPlan(ctx, dbsqlc.SubscriptionCountPaidByPlanParams{CreatedAt: from, CreatedAt_2: to})
	if err != nil {
		return c, s.translate(err, "paid orders")
	}
	for _, r := range paid {
		c.Paid[r.PlanID] = int(r.Paid)
	}
	return c, nil
}
