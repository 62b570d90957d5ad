package billing_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/sandbox"
	"ezscale.cloud/platform/adapters/storetest"
	"ezscale.cloud/platform/billing"
)

// benchSubscriptions is how many active subscriptions the renewal benchmark
// renews: 100,000 unless EZSCALE_BENCH_SUBS says otherwise.
func benchSubscriptions(b *testing.B) int {
	if v := os.Getenv("EZSCALE_BENCH_SUBS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			b.Fatalf("EZSCALE_BENCH_SUBS=%q is not a positive number", v)
		}
		return n
	}
	return 100_000
}

type benchStore interface {
	billing.Store
	DB() *sql.DB
}

// BenchmarkRenewDue renews every one of many active subscriptions and
// reports invoices/s, and baseline-ratio: RenewDue's time over the time
// plain batched SQL takes to write the same rows (invoice, item, job,
// subscription update) on an identical database in the same run.
func BenchmarkRenewDue(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		benchmarkRenewDue(b, func(b *testing.B) benchStore { return storetest.OpenSQLite(b) })
	})
	b.Run("mysql", func(b *testing.B) {
		benchmarkRenewDue(b, func(b *testing.B) benchStore { return storetest.OpenMySQL(b) })
	})
}

func benchmarkRenewDue(b *testing.B, open func(b *testing.B) benchStore) {
	n := benchSubscriptions(b)
	at := time.Date(2026, 2, 25, 0, 0, 0, 0, time.UTC)
	var renewTime, baseTime time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := open(b)
		planID := seedSubscriptions(b, s, n)
		svc, err := billing.NewService(s, sandbox.New(), platform.NewManualClock(at), billing.DefaultConfig())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 := time.Now()
		res, err := svc.RenewDue(context.Background(), at)
		renewTime += time.Since(t0)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if res.Invoiced != n {
			b.Fatalf("RenewDue made %d invoices, want %d", res.Invoiced, n)
		}

		base := open(b)
		seedSubscriptions(b, base, n)
		t0 = time.Now()
		baselineRenew(b, base.DB(), planID, at)
		baseTime += time.Since(t0)
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/renewTime.Seconds(), "invoices/s")
	b.ReportMetric(float64(renewTime)/float64(baseTime), "baseline-ratio")
}

// seedSubscriptions writes n active monthly subscriptions, spread over 1,000
// customers, whose period ends on 28 February, with plain SQL.
func seedSubscriptions(b *testing.B, s benchStore, n int) int64 {
	b.Helper()
	plan := storetest.NewPlan(b, s, "bench")
	var customers []int64
	for i := 0; i < 1000 && i < n; i++ {
		customers = append(customers, storetest.NewCustomer(b, s, fmt.Sprintf("bench%d@example.com", i)).ID)
	}
	startAt := time.Date(2026, 1, 28, 0, 0, 0, 0, time.UTC)
	endAt := time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)
	const batch = 500
	db := s.DB()
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		var q strings.Builder
		q.WriteString("INSERT INTO subscriptions (customer_id, plan_id, currency, cycle, status, options_json, anchor_at, current_period_start, current_period_end, invoiced_through, cancel_at_period_end, cancel_reason, suspend_hold, coupon_cycles_left, created_at, updated_at) VALUES ")
		args := make([]any, 0, (hi-lo)*8)
		for i := lo; i < hi; i++ {
			if i > lo {
				q.WriteString(",")
			}
			q.WriteString("(?, ?, 'USD', 'monthly', 'active', '[]', ?, ?, ?, ?, FALSE, '', FALSE, 0, ?, ?)")
			args = append(args, customers[i%len(customers)], plan.ID, startAt, startAt, endAt, endAt, startAt, startAt)
		}
		if _, err := db.Exec(q.String(), args...); err != nil {
			b.Fatalf("seed: %v", err)
		}
	}
	return plan.ID
}

// baselineRenew writes what RenewDue writes for each due subscription (the
// period claim, the invoice, its line and its charge job) with prepared
// statements in batched transactions, and nothing else: the floor that
// RenewDue's domain logic is measured against.
func baselineRenew(b *testing.B, db *sql.DB, planID int64, at time.Time) {
	b.Helper()
	periodStart := time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)
	periodEnd := time.Date(2026, 3, 28, 0, 0, 0, 0, time.UTC)
	seq := int64(0)
	for {
		rows, err := db.Query("SELECT id, customer_id FROM subscriptions WHERE status = 'active' AND invoiced_through <= ? LIMIT 1000", at.AddDate(0, 0, 7))
		if err != nil {
			b.Fatal(err)
		}
		type due struct{ id, customer int64 }
		var page []due
		for rows.Next() {
			var d due
			if err := rows.Scan(&d.id, &d.customer); err != nil {
				b.Fatal(err)
			}
			page = append(page, d)
		}
		rows.Close()
		if len(page) == 0 {
			return
		}
		tx, err := db.Begin()
		if err != nil {
			b.Fatal(err)
		}
		claim, _ := tx.Prepare("UPDATE subscriptions SET invoiced_through = ?, updated_at = ? WHERE id = ? AND invoiced_through = ?")
		invoice, _ := tx.Prepare("INSERT INTO invoices (number, kind, billing_reason, customer_id, subscription_id, currency, status, subtotal, tax, total, amount_paid, tax_rate_ppm, tax_name, tax_inclusive, reverse_charge, period_start, period_end, customer_json, company_json, plan_change_json, issued_at, due_at, created_at) VALUES (?, 'invoice', 'subscription_cycle', ?, ?, 'USD', 'open', 1000, 0, 1000, 0, 0, '', FALSE, FALSE, ?, ?, '{}', '{}', '', ?, ?, ?)")
		item, _ := tx.Prepare("INSERT INTO invoice_items (invoice_id, position, kind, description, quantity, unit_amount, amount, tax_amount, period_start, period_end) VALUES (?, 0, 'plan', 'VPS bench (monthly)', 1, 1000, 1000, 0, ?, ?)")
		job, _ := tx.Prepare("INSERT INTO jobs (kind, dedupe_key, payload, status, attempts, max_attempts, run_at, locked_by, last_error, created_at) VALUES ('invoice.charge', ?, ?, 'pending', 0, 10, ?, '', '', ?)")
		for _, d := range page {
			if _, err := claim.Exec(periodEnd, at, d.id, periodStart); err != nil {
				b.Fatal(err)
			}
			seq++
			res, err := invoice.Exec(fmt.Sprintf("BASE-%06d", seq), d.customer, d.id, periodStart, periodEnd, at, periodStart, at)
			if err != nil {
				b.Fatal(err)
			}
			id, _ := res.LastInsertId()
			if _, err := item.Exec(id, periodStart, periodEnd); err != nil {
				b.Fatal(err)
			}
			if _, err := job.Exec(fmt.Sprintf("invoice.charge:%d:1", id), fmt.Sprintf(`{"invoice_id":%d,"attempt":1}`, id), periodStart, at); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}
