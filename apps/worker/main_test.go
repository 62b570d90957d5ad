package main

import (
	"context"
	"ezscale.cloud/platform/apps/internal/syncbuf"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/apps/internal/compose"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/provisioning"
)

// TestWorkerProvisionsAPaidOrder runs the worker binary's wiring on the
// zero-configuration default (SQLite, sandbox gateway and panels, emails
// to the log): a paid order becomes an active service and its emails are
// logged.
func TestWorkerProvisionsAPaidOrder(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "ezscale.db")
	p, err := compose.Open(ctx, compose.Config{SQLite: db}, discard())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	sub := order(t, p)

	wctx, cancel := context.WithCancel(ctx)
	var out syncbuf.Buffer
	done := make(chan error, 1)
	go func() { done <- run(wctx, []string{"-sqlite", db, "-name", "test-worker", "-poll", "20ms"}, &out) }()
	// The service turns active first; its ready email is a job queued
	// then, so the worker runs until that is logged too.
	var svc *provisioning.Service
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		svc, err = p.Store.Provisioning().ServiceForSubscription(ctx, sub.ID)
		if err == nil && svc.Status == provisioning.ServiceActive && strings.Contains(out.String(), "Your service VPS 2 GB is ready") {
			break
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("worker: %v\n%s", err, out.String())
	}
	if svc == nil || svc.Status != provisioning.ServiceActive {
		t.Fatalf("service not active: %+v\n%s", svc, out.String())
	}
	log := out.String()
	for _, want := range []string{"SANDBOX gateway", "Your service VPS 2 GB is ready", "worker stopped"} {
		if !strings.Contains(log, want) {
			t.Fatalf("worker log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, mustPassword(t, p, svc)) {
		t.Fatal("the service password was written to the log")
	}
}

func order(t *testing.T, p *compose.Platform) *billing.Subscription {
	t.Helper()
	ctx := context.Background()
	plan := &billing.Plan{
		Code: "vps-2g", Name: "VPS 2 GB", Type: billing.ServiceVPS, Status: billing.PlanActive,
		Prices: []billing.Price{{Currency: "USD", Cycle: billing.Monthly, Amount: 1200}},
	}
	if err := p.Billing.CreatePlan(ctx, plan); err != nil {
		t.Fatal(err)
	}
	err := p.Store.Provisioning().SaveProduct(ctx, &provisioning.Product{PlanID: plan.ID, Platform: provisioning.PlatformVirtFusion, PanelPlan: "1"})
	if err != nil {
		t.Fatal(err)
	}
	cust := &billing.Customer{Email: "ada@example.com", Details: billing.BillingDetails{Name: "Ada", Country: "GB"}, Tax: billing.TaxCustomer{Country: "GB"}}
	if err := p.Store.CreateCustomer(ctx, cust); err != nil {
		t.Fatal(err)
	}
	sub, inv, err := p.Billing.Subscribe(ctx, billing.SubscribeRequest{CustomerID: cust.ID, PlanID: plan.ID, Currency: "USD", Cycle: billing.Monthly})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Billing.RecordPayment(ctx, billing.Payment{InvoiceID: inv.ID, Gateway: "sandbox", GatewayID: "ch_1", Amount: billing.Money{Amount: inv.Total, Currency: "USD"}})
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

func mustPassword(t *testing.T, p *compose.Platform, svc *provisioning.Service) string {
	t.Helper()
	pw, err := p.Provisioning.Password(svc)
	if err != nil || pw == "" {
		t.Fatalf("password: %q, %v", pw, err)
	}
	return pw
}

func TestWorkerRefusesBadSettings(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"sqlite": "x.db", "smtp_host": "mail"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	wrongType := filepath.Join(dir, "type.json")
	if err := os.WriteFile(wrongType, []byte(`{"site": {"CompanyName": 7}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-sqlite", "a.db", "-mysql", "root@/x"}, "exclusive"},
		{[]string{"-config", bad}, `unknown field "smtp_host"`},
		{[]string{"-config", wrongType}, `field "site.CompanyName"`},
		{[]string{"-config", filepath.Join(dir, "missing.json")}, "no such file"},
		{[]string{"-poll", "0s"}, "-poll"},
	} {
		err := run(context.Background(), tc.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("run %v: %v, want an error about %s", tc.args, err, tc.want)
		}
		if tc.want != "exclusive" && tc.want != "-poll" && platform.ErrorField(err) != "config" {
			t.Errorf("run %v: error %v does not name the config", tc.args, err)
		}
	}
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
