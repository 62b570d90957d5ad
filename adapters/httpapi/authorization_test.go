package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/httpapi"
	"ezscale.cloud/platform/adapters/invoicepdf"
	"ezscale.cloud/platform/adapters/sandbox"
	"ezscale.cloud/platform/adapters/storetest"
	"ezscale.cloud/platform/automation"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/jobqueue"
	"ezscale.cloud/platform/provisioning"
	"ezscale.cloud/platform/secretbox"
	"ezscale.cloud/platform/support"
)

// TestEveryEndpointIsAuthorized walks the API as the OpenAPI document
// describes it, with every service mounted: each customer operation on a
// resource id is tried by another customer with the owner's real ids and
// must answer 404, and each staff operation is tried by a customer and
// must answer 403. A new operation is covered as soon as it is mounted;
// one whose id this test cannot resolve fails it.
func TestEveryEndpointIsAuthorized(t *testing.T) {
	s := storetest.OpenSQLite(t)
	clock := platform.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	gw := sandbox.New()
	bill, err := billing.NewService(s, gw, clock, billing.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := secretbox.NewKeyring("k1", map[string][]byte{"k1": bytes.Repeat([]byte{3}, 32)})
	manager := provisioning.NewManager(provisioning.Config{
		Store: s.Provisioning(), Billing: s, Sealer: keys, Clock: clock,
		Panels: map[provisioning.Platform]provisioning.Panel{provisioning.PlatformSandbox: sandbox.NewPanel("sandbox")},
	})
	e := newEnv(t, s.Identity(), s, func(svc *httpapi.Services) {
		svc.Billing, svc.Catalog, svc.Cards, svc.Clock = bill, s, gw, clock
		svc.PDFs = &automation.PDFs{Documents: s, Render: invoicepdf.Render, Clock: clock}
		svc.Provisioning, svc.Services, svc.Queue, svc.Audit, svc.Templates = manager, s.Provisioning(), s, s.Identity(), s
		svc.ExchangeRates = &billing.ExchangeRates{Base: "USD"}
		// Settings are staff-only throughout: a call reaching this empty
		// implementation panics, which answers 500, not the 403 wanted.
		svc.Settings = struct{ httpapi.SettingsAdmin }{}
		svc.Announcements = &support.Announcements{Store: s, Clock: clock}
	})

	// Ada owns one of everything.
	plan := &billing.Plan{Code: "vps", Name: "VPS", Type: billing.ServiceVPS, Status: billing.PlanActive,
		Prices: []billing.Price{{Currency: "USD", Cycle: billing.Monthly, Amount: 500}}}
	if err := bill.CreatePlan(ctx, plan); err != nil {
		t.Fatal(err)
	}
	if err := s.Provisioning().SaveProduct(ctx, &provisioning.Product{PlanID: plan.ID, Platform: provisioning.PlatformSandbox, PanelPlan: "small"}); err != nil {
		t.Fatal(err)
	}
	ada := e.customer("ada@example.com")
	var placed orderResult
	ada.want(http.StatusCreated, "POST", "/orders", map[string]any{"plan_id": plan.ID, "currency": "USD", "cycle": "monthly"}, &placed)
	var card struct{ ID int64 }
	ada.want(http.StatusCreated, "POST", "/account/payment-methods", map[string]string{"payment_method_id": sandbox.CardVisa}, &card)
	ada.want(http.StatusOK, "POST", fmt.Sprintf("/account/invoices/%d/pay", placed.Invoice.ID), nil, nil)
	worker := jobqueue.New(s, clock, jobqueue.Config{Worker: "w"})
	automation.Register(worker, automation.Deps{Store: s, Billing: bill, Provisioning: manager, Clock: clock})
	for n := 1; n > 0; {
		if n, err = worker.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var services serviceList
	ada.want(http.StatusOK, "GET", "/services", nil, &services)
	var token struct{ Metadata struct{ ID int64 } }
	ada.want(http.StatusCreated, "POST", "/account/tokens", map[string]any{"name": "ci", "scopes": []string{"services:read"}}, &token)
	var sessions struct{ Sessions []struct{ ID int64 } }
	ada.want(http.StatusOK, "GET", "/account/sessions", nil, &sessions)
	if len(services.Services) != 1 || token.Metadata.ID == 0 || len(sessions.Sessions) == 0 {
		t.Fatalf("ada's resources: services %+v, token %+v, sessions %+v", services, token, sessions)
	}
	// Ada's id of each kind of resource, by the path that names it.
	owned := map[string]int64{
		"/account/invoices/":        placed.Invoice.ID,
		"/account/subscriptions/":   placed.Subscription.ID,
		"/account/payment-methods/": card.ID,
		"/account/tokens/":          token.Metadata.ID,
		"/account/sessions/":        sessions.Sessions[0].ID,
		"/account/passkeys/":        1, // ada has none: eve must not learn that either
		"/services/":                services.Services[0].ID,
	}
	// Bodies that pass validation, so that the answer is about ownership.
	bodies := map[string]any{
		"rename-passkey":      map[string]string{"name": "mine now"},
		"cancel-subscription": map[string]any{"at_period_end": true},
		"service-power":       map[string]string{"action": "stop"},
		"change-plan":         map[string]any{"plan_id": plan.ID},
		"quote-plan-change":   map[string]any{"plan_id": plan.ID},
	}

	eve := e.customer("eve@example.com")
	eve.enrolTOTP() // so second-factor-gated operations get as far as ownership
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
		} `json:"paths"`
	}
	e.client().want(http.StatusOK, "GET", "/openapi.json", nil, &doc)
	var checked []string
	for path, ops := range doc.Paths {
		rel := strings.TrimPrefix(path, httpapi.APIPrefix)
		for method, op := range ops {
			method = strings.ToUpper(method)
			switch {
			case strings.HasPrefix(rel, "/admin/"):
				url := strings.NewReplacer("{id}", "1", "{session}", "1", "{kind}", "welcome", "{platform}", "sandbox").Replace(rel)
				if got := eve.do(method, url, map[string]any{}, nil); got != http.StatusForbidden {
					t.Errorf("%s %s (%s) as a customer = %d, want 403", method, url, op.OperationID, got)
				}
			case strings.Contains(rel, "{id}"):
				id, ok := ownerID(owned, rel)
				if !ok {
					t.Errorf("%s %s (%s): no resource of ada's to try it on; add one", method, rel, op.OperationID)
					continue
				}
				url := strings.Replace(rel, "{id}", fmt.Sprint(id), 1)
				if got := eve.do(method, url, bodies[op.OperationID], nil); got != http.StatusNotFound {
					t.Errorf("%s %s (%s) as another customer = %d, want 404", method, url, op.OperationID, got)
				}
			default:
				continue
			}
			checked = append(checked, op.OperationID)
		}
	}
	sort.Strings(checked)
	t.Logf("walked %d operations", len(checked))
	if len(checked) < 40 {
		t.Fatalf("only %d operations walked: %v", len(checked), checked)
	}
	// Ada still has everything eve tried to take.
	ada.want(http.StatusOK, "GET", fmt.Sprintf("/account/subscriptions/%d", placed.Subscription.ID), nil, nil)
	var after serviceList
	ada.want(http.StatusOK, "GET", "/services", nil, &after)
	if after.Services[0].Status != "active" {
		t.Fatalf("ada's service after eve's attempts: %+v", after)
	}
	var detail json.RawMessage
	ada.want(http.StatusOK, "GET", fmt.Sprintf("/services/%d/status", services.Services[0].ID), nil, &detail)
}

// ownerID finds the resource kind a path names by its prefix.
func ownerID(owned map[string]int64, path string) (int64, bool) {
	for prefix, id := range owned {
		if strings.HasPrefix(path, prefix) {
			return id, true
		}
	}
	return 0, false
}
