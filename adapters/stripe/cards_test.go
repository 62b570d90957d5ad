package stripe_test

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/httpapi"
	"ezscale.cloud/platform/adapters/storetest"
	"ezscale.cloud/platform/adapters/stripe"
	"ezscale.cloud/platform/adapters/stripe/stripetest"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
	"ezscale.cloud/platform/secretbox"
)

// TestSavedCardsOverHTTP saves cards through the API with the Stripe
// adapter on stripe-mock: a SetupIntent for the Payment Element, the saved
// payment method kept with its brand and last four digits, the first one
// the default, and removal.
func TestSavedCardsOverHTTP(t *testing.T) {
	mock := stripetest.Start(t)
	s := storetest.OpenSQLite(t)
	g, err := stripe.New(stripe.Config{SecretKey: "sk_test_cards", BackendURL: mock})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := billing.NewService(s, g, platform.SystemClock{}, billing.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	key := make([]byte, 32)
	rand.Read(key)
	keys, _ := secretbox.NewKeyring("k1", map[string][]byte{"k1": key})
	cfg := httpapi.DefaultConfig()
	cfg.InsecureCookies = true
	api, err := httpapi.New(cfg, httpapi.Services{
		Identity: identity.NewService(s.Identity(), keys, platform.SystemClock{}, identity.DefaultConfig()),
		Billing:  svc, Cards: g,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api)
	defer srv.Close()

	hash, _ := identity.HashPassword("correct horse battery")
	u := &identity.User{Email: "cards@example.com", Role: identity.RoleCustomer, Status: identity.UserActive}
	if err := s.Identity().CreateUser(ctx, u, hash, identity.Profile{}); err != nil {
		t.Fatal(err)
	}
	s.Identity().MarkEmailVerified(ctx, u.ID, platform.SystemClock{}.Now())
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	call := func(method, path string, body any, out any) int {
		var b []byte
		if body != nil {
			b, _ = json.Marshal(body)
		}
		req, _ := http.NewRequest(method, srv.URL+httpapi.APIPrefix+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if out != nil {
			json.NewDecoder(resp.Body).Decode(out)
		}
		return resp.StatusCode
	}
	if got := call("POST", "/auth/login", map[string]string{"email": "cards@example.com", "password": "correct horse battery"}, nil); got != http.StatusOK {
		t.Fatalf("login: %d", got)
	}
	var setup struct {
		ClientSecret string `json:"client_secret"`
	}
	if got := call("POST", "/account/payment-methods/setup", nil, &setup); got != http.StatusOK || setup.ClientSecret == "" {
		t.Fatalf("setup: %d %+v", got, setup)
	}
	var saved struct {
		ID      int64
		Brand   string
		Last4   string
		Default bool
	}
	if got := call("POST", "/account/payment-methods", map[string]string{"payment_method_id": "pm_card_visa"}, &saved); got != http.StatusCreated {
		t.Fatalf("save: %d", got)
	}
	if saved.Brand == "" || len(saved.Last4) != 4 || !saved.Default {
		t.Fatalf("saved card: %+v", saved)
	}
	gc, err := s.GatewayCustomerID(ctx, u.ID, "stripe")
	if err != nil || gc == "" {
		t.Fatalf("the Stripe customer was not kept: %q %v", gc, err)
	}
	var list struct {
		PaymentMethods []struct{ ID int64 } `json:"payment_methods"`
	}
	call("GET", "/account/payment-methods", nil, &list)
	if len(list.PaymentMethods) != 1 {
		t.Fatalf("listed %d cards", len(list.PaymentMethods))
	}
	if got := call("DELETE", fmt.Sprintf("/account/payment-methods/%d", saved.ID), nil, nil); got != http.StatusNoContent {
		t.Fatalf("remove: %d", got)
	}
	if got := call("DELETE", fmt.Sprintf("/account/payment-methods/%d", saved.ID), nil, nil); got != http.StatusNotFound {
		t.Fatalf("removing twice: %d", got)
	}
}
