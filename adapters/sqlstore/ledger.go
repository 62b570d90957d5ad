package sqlstore

import (
	"context"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/sqlstore/internal/dbsqlc"
	"ezscale.cloud/platform/billing"
)

// AddCredit appends an entry to a customer's credit ledger.
func (s *Store) AddCredit(ctx context.Context, e billing.CreditEntry) error {
	err := s.writeQ().CreditInsert(ctx, dbsqlc.CreditInsertParams{
		CustomerID: e.CustomerID, Currency: e.Currency, Amount: e.Amount, Reason: e.Reason,
		InvoiceID: nullID(e.InvoiceID), CreatedAt: e.CreatedAt,
	})
	return s.translate(err, "credit entry")
}

// CreditBalance sums a customer's credit ledger in one currency. The sum is
// taken in Go because the engines type SQL's SUM of integers differently.
func (s *Store) CreditBalance(ctx context.Context, customerID int64, currency string) (int64, error) {
	amounts, err := s.q.CreditListByCustomer(ctx, dbsqlc.CreditListByCustomerParams{CustomerID: customerID, Currency: currency})
	if err != nil {
		return 0, s.translate(err, "credit balance")
	}
	var total int64
	for _, a := range amounts {
		total += a
	}
	return total, nil
}

// CreditBalances sums a customer's credit ledger per currency, in Go for
// the reason CreditBalance gives.
func (s *Store) CreditBalances(ctx context.Context, customerID int64) (map[string]int64, error) {
	rows, err := s.q.CreditAmountsByCustomer(ctx, customerID)
	if err != nil {
		return nil, s.translate(err, "credit balances")
	}
	balances := map[string]int64{}
	for _, r := range rows {
		balances[r.Currency] += r.Amount
	}
	return balances, nil
}

// RecentCredit returns a customer's newest credit movements.
func (s *Store) RecentCredit(ctx context.Context, customerID int64) ([]billing.CreditEntry, error) {
	rows, err := s.q.CreditRecentByCustomer(ctx, customerID)
	if err != nil {
		return nil, s.translate(err, "credit movements")
	}
	out := make([]billing.CreditEntry, 0, len(rows))
	for _, r := range rows {
		out = append(out, billing.CreditEntry{
			ID: r.ID, CustomerID: r.CustomerID, Currency: r.Currency, Amount: r.Amount, Reason: r.Reason,
			InvoiceID: r.InvoiceID.Int64, CreatedAt: r.CreatedAt.UTC(),
		})
	}
	return out, nil
}

// CreateTaxRate inserts a dated tax rate.
func (s *Store) CreateTaxRate(ctx context.Context, r *billing.TaxRate) error {
	if err := r.Validate(); err != nil {
		return err
	}
	id, err := s.writeQ().TaxRateInsert(ctx, dbsqlc.TaxRateInsertParams{
		Country: r.Country, Region: r.Region, Name: r.Name, RatePpm: int64(r.Rate),
		ValidFrom: r.ValidFrom, ValidUntil: nullTime(r.ValidUntil),
	})
	if err != nil {
		return s.translate(err, "tax rate")
	}
	r.ID = id
	return nil
}

// ListTaxRates returns every tax rate.
func (s *Store) ListTaxRates(ctx context.Context) (billing.TaxTable, error) {
	rows, err := s.q.TaxRateList(ctx)
	if err != nil {
		return nil, s.translate(err, "tax rates")
	}
	table := make(billing.TaxTable, 0, len(rows))
	for _, r := range rows {
		table = append(table, billing.TaxRate{
			ID: r.ID, Country: r.Country, Region: r.Region, Name: r.Name, Rate: billing.Rate(r.RatePpm),
			ValidFrom: r.ValidFrom.UTC(), ValidUntil: timeOf(r.ValidUntil),
		})
	}
	return table, nil
}

// RecordMRREvent appends a change of monthly recurring revenue.
func (s *Store) RecordMRREvent(ctx context.Context, e billing.MRREvent) error {
	err := s.writeQ().MRREventInsert(ctx, dbsqlc.MRREventInsertParams{
		At: e.At, SubscriptionID: e.SubscriptionID, CustomerID: e.CustomerID, PlanID: e.PlanID,
		Currency: e.Currency, BeforeAmount: e.Before, AfterAmount: e.After,
	})
	return s.translate(err, "mrr event")
}

// ListMRREventsBefore returns the MRR changes before t in time order.
func (s *Store) ListMRREventsBefore(ctx context.Context, t time.Time) ([]billing.MRREvent, error) {
	rows, err := s.q.MRREventListBefore(ctx, t)
	if err != nil {
		return nil, s.translate(err, "mrr events")
	}
	events := make([]billing.MRREvent, 0, len(rows))
	for _, r := range rows {
		events = append(events, billing.MRREvent{
			At: r.At.UTC(), SubscriptionID: r.SubscriptionID, CustomerID: r.CustomerID, PlanID: r.PlanID,
			Currency: r.Currency, Before: r.BeforeAmount, After: r.AfterAmount,
		})
	}
	return events, nil
}

// MarkDunningStep records a dunning step once.
func (s *Store) MarkDunningStep(ctx context.Context, invoiceID int64, key string, now time.Time) (bool, error) {
	err := s.writeQ().DunningStepInsert(ctx, dbsqlc.DunningStepInsertParams{InvoiceID: invoiceID, StepKey: key, CreatedAt: now})
	if s.dialect.IsUniqueViolation(err) {
		return false, nil
	}
	if err != nil {
		return false, s.translate(err, "dunning step")
	}
	return true, nil
}

// EnqueueJob writes a job to the outbox.
func (s *Store) EnqueueJob(ctx context.Context, j *platform.Job) error {
	if j.Kind == "" {
		return platform.Invalid("kind", "job kind is required")
	}
	if j.CreatedAt.IsZero() {
		j.CreatedAt = platform.SystemClock{}.Now()
	}
	if j.RunAt.IsZero() {
		j.RunAt = j.CreatedAt
	}
	payload := string(j.Payload)
	if payload == "" {
		payload = "{}"
	}
	id, err := s.writeQ().JobInsert(ctx, dbsqlc.JobInsertParams{
		Kind: j.Kind, DedupeKey: nullString(j.DedupeKey), Payload: payload, MaxAttempts: 10,
		RunAt: j.RunAt, CreatedAt: j.CreatedAt,
	})
	if err != nil {
		return s.translate(err, "job "+j.Kind)
	}
	j.ID = id
	return nil
}

// ListJobs returns the jobs of one kind in the order they were enqueued.
func (s *Store) ListJobs(ctx context.Context, kind string) ([]*platform.Job, error) {
	rows, err := s.q.JobListByKind(ctx, kind)
	if err != nil {
		return nil, s.translate(err, "jobs")
	}
	jobs := make([]*platform.Job, 0, len(rows))
	for _, r := range rows {
		jobs = append(jobs, &platform.Job{
			ID: r.ID, Kind: r.Kind, DedupeKey: r.DedupeKey.String, Payload: []byte(r.Payload),
			RunAt: r.RunAt.UTC(), CreatedAt: r.CreatedAt.UTC(),
		})
	}
	return jobs, nil
}
