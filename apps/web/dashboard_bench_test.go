package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ezscale.cloud/platform/apps/internal/compose"
	"ezscale.cloud/platform/identity"
)

// The benchmark's data set: the size the dashboard must stay fast at.
const (
	benchCustomers        = 100_000
	benchInvoicesEach     = 3
	benchSignedInSessions = 32
	// benchServicesEach live services, on the demo catalog's plans, are
	// what each signed-in customer's dashboard lists.
	benchServicesEach = 2
)

// BenchmarkDashboard serves the authenticated customer dashboard from a
// SQLite database of 100,000 customers and 300,000 invoices (and the
// demo catalog, whose plans name the measured customers' services), requests
// spread over signed-in customers on all cores, and reports requests per
// second and the ratio of its time to the health check's (a trivial
// handler behind the same middleware) measured in the same run.
func BenchmarkDashboard(b *testing.B) {
	ctx := context.Background()
	db := filepath.Join(b.TempDir(), "bench.db")
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	p, err := compose.Open(ctx, compose.Config{SQLite: db}, logger)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	if _, err := p.SeedDemo(ctx); err != nil {
		b.Fatal(err)
	}
	if err := seedCustomers(ctx, p); err != nil {
		b.Fatal(err)
	}
	handler, err := site(p, compose.Config{}, logger)
	if err != nil {
		b.Fatal(err)
	}
	cookies := signIn(b, p, handler)

	measure := func(b *testing.B, path string) time.Duration {
		start := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				req := httptest.NewRequest("GET", path, nil)
				req.AddCookie(cookies[i%len(cookies)])
				i++
				rec := httptest.NewRecorder()
				handler.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s = %d: %s", path, rec.Code, rec.Body)
				}
			}
		})
		return time.Since(start) / time.Duration(b.N)
	}
	var trivial time.Duration
	b.Run("healthz", func(b *testing.B) { trivial = measure(b, "/healthz") })
	b.Run("dashboard", func(b *testing.B) {
		per := measure(b, "/api/v1/account/dashboard")
		b.ReportMetric(float64(time.Second)/float64(per), "requests/s")
		if trivial > 0 {
			b.ReportMetric(float64(per)/float64(trivial), "trivial-ratio")
		}
	})
}

// seedCustomers writes the customers and their invoices in one
// transaction of plain inserts: the store's own code path would take
// minutes for 400,000 rows and is not what is measured.
func seedCustomers(ctx context.Context, p *compose.Platform) error {
	tx, err := p.Store.DB().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	user, err := tx.PrepareContext(ctx, "INSERT INTO users (id, email, role, status, created_at, updated_at) VALUES (?, ?, 'customer', 'active', ?, ?)")
	if err != nil {
		return err
	}
	profile, err := tx.PrepareContext(ctx, "INSERT INTO profiles (user_id, name, country) VALUES (?, ?, 'DE')")
	if err != nil {
		return err
	}
	invoice, err := tx.PrepareContext(ctx, insertInvoice)
	if err != nil {
		return err
	}
	const firstID = 1_000_000 // clear of the demo data's ids
	for c := 0; c < benchCustomers; c++ {
		id := int64(firstID + c)
		if _, err := user.ExecContext(ctx, id, fmt.Sprintf("customer%d@example.com", c), now, now); err != nil {
			return err
		}
		if _, err := profile.ExecContext(ctx, id, fmt.Sprintf("Customer %d", c)); err != nil {
			return err
		}
		if err := invoicesFor(ctx, invoice, id, now); err != nil {
			return err
		}
	}
	return tx.Commit()
}

const insertInvoice = `INSERT INTO invoices (number, kind, billing_reason, customer_id, currency, status,
	subtotal, tax, total, customer_json, company_json, issued_at, due_at, created_at)
	VALUES (?, 'invoice', 'subscription_cycle', ?, 'EUR', ?, 1000, 190, 1190, '{}', '{}', ?, ?, ?)`

// invoicesFor gives a customer their invoices: paid ones, and the latest
// open.
func invoicesFor(ctx context.Context, insert *sql.Stmt, customerID int64, now time.Time) error {
	for i := 0; i < benchInvoicesEach; i++ {
		status := "paid"
		if i == 0 {
			status = "open"
		}
		at := now.AddDate(0, -i, 0)
		if _, err := insert.ExecContext(ctx, fmt.Sprintf("BENCH-%d-%d", customerID, i), customerID, status, at, at.AddDate(0, 0, 14), at); err != nil {
			return err
		}
	}
	return nil
}

// signIn gives some of the seeded customers a password and signs them in
// through the API, returning their session cookies.
func signIn(b *testing.B, p *compose.Platform, handler http.Handler) []*http.Cookie {
	ctx := context.Background()
	hash, err := identity.HashPassword("correct horse battery")
	if err != nil {
		b.Fatal(err)
	}
	var cookies []*http.Cookie
	for i := 0; i < benchSignedInSessions; i++ {
		email := fmt.Sprintf("signed-in-%d@example.com", i)
		u := &identity.User{Email: email, Role: identity.RoleCustomer, Status: identity.UserActive, CreatedAt: time.Now()}
		if err := p.Store.Identity().CreateUser(ctx, u, hash, identity.Profile{Name: email}); err != nil {
			b.Fatal(err)
		}
		if _, err := p.Store.Identity().MarkEmailVerified(ctx, u.ID, time.Now()); err != nil {
			b.Fatal(err)
		}
		insert, err := p.Store.DB().PrepareContext(ctx, insertInvoice)
		if err != nil {
			b.Fatal(err)
		}
		err = invoicesFor(ctx, insert, u.ID, time.Now())
		insert.Close()
		if err != nil {
			b.Fatal(err)
		}
		for range benchServicesEach {
			_, err := p.Store.DB().ExecContext(ctx, `INSERT INTO services (customer_id, plan_id, service_type, platform, status, ipv4, created_at, updated_at)
				SELECT ?, id, 'vps', 'sandbox', 'active', '192.0.2.10', ?, ? FROM plans WHERE code = 'vps-2g'`, u.ID, time.Now(), time.Now())
			if err != nil {
				b.Fatal(err)
			}
		}
		body := fmt.Sprintf(`{"email":%q,"password":"correct horse battery"}`, email)
		req := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = fmt.Sprintf("192.0.2.%d:1234", i+1) // one login per address, under the rate limit
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || len(rec.Result().Cookies()) == 0 {
			b.Fatalf("login: %d %s", rec.Code, rec.Body)
		}
		cookies = append(cookies, rec.Result().Cookies()[0])
	}
	// What is measured is a real dashboard: the customer's open invoice
	// and their services, named by their plan.
	req := httptest.NewRequest("GET", "/api/v1/account/dashboard", nil)
	req.AddCookie(cookies[0])
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || strings.Count(rec.Body.String(), `"status":"open"`) != 1 ||
		strings.Count(rec.Body.String(), `"plan_name":"VPS 2 GB"`) != benchServicesEach {
		b.Fatalf("dashboard: %d %s", rec.Code, rec.Body)
	}
	return cookies
}
