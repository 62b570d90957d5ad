package stripe_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"strings"
	"sync"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/gatewaytest"
	"ezscale.cloud/platform/adapters/stripe"
	"ezscale.cloud/platform/adapters/stripe/stripetest"
	"ezscale.cloud/platform/billing"
)

// request is one request the gateway sent, as stripe-mock received it.
type request struct {
	Method, Path, IdempotencyKey string
	Form                         url.Values
}

// mockStripe is stripe-mock behind a recording proxy. rewrite, when set,
// edits stripe-mock's JSON answer before the gateway sees it, for what
// stripe-mock cannot do (it always answers a PaymentIntent with the same
// fixture status and never declines); the request has still been validated
// by stripe-mock against Stripe's OpenAPI spec.
type mockStripe struct {
	mu       sync.Mutex
	requests []request
	rewrite  func(req request, status *int, body map[string]any)
}

// newGateway returns a gateway talking to a fresh stripe-mock through a
// recording proxy.
func newGateway(t *testing.T) (*stripe.Gateway, *mockStripe) {
	t.Helper()
	upstream := stripetest.Start(t)
	m := &mockStripe{}
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.serve(t, upstream, w, r)
	}))
	t.Cleanup(proxy.Close)
	g, err := stripe.New(stripe.Config{SecretKey: "sk_test_123", BackendURL: proxy.URL})
	if err != nil {
		t.Fatal(err)
	}
	return g, m
}

func (m *mockStripe) serve(t *testing.T, upstream string, w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	req := request{Method: r.Method, Path: r.URL.Path, IdempotencyKey: r.Header.Get("Idempotency-Key"), Form: r.URL.Query()}
	if r.Method == http.MethodPost {
		req.Form, _ = url.ParseQuery(string(body))
	}
	m.mu.Lock()
	m.requests = append(m.requests, req)
	rewrite := m.rewrite
	m.mu.Unlock()

	out, _ := http.NewRequest(r.Method, upstream+r.URL.RequestURI(), bytes.NewReader(body))
	out.Header = r.Header.Clone()
	resp, err := http.DefaultClient.Do(out)
	if err != nil {
		t.Errorf("proxy to stripe-mock: %v", err)
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	status := resp.StatusCode
	if rewrite != nil && status == http.StatusOK {
		var obj map[string]any
		if err := json.Unmarshal(answer, &obj); err != nil {
			t.Errorf("stripe-mock answer: %v", err)
		}
		rewrite(req, &status, obj)
		answer, _ = json.Marshal(obj)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(answer)
}

// last returns the last request sent to path.
func (m *mockStripe) last(t *testing.T, method, path string) request {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.requests) - 1; i >= 0; i-- {
		if r := m.requests[i]; r.Method == method && r.Path == path {
			return r
		}
	}
	t.Fatalf("no %s %s among %d requests", method, path, len(m.requests))
	return request{}
}

// all returns every request sent to path.
func (m *mockStripe) all(method, path string) []request {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []request
	for _, r := range m.requests {
		if r.Method == method && r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// setRewrite installs a rewrite before any request that it should see.
func (m *mockStripe) setRewrite(f func(req request, status *int, body map[string]any)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rewrite = f
}

// cardError replaces a PaymentIntent answer with the HTTP 402 card error
// Stripe sends for a failed off-session confirmation: the PaymentIntent,
// back in requires_payment_method, rides along in error.payment_intent.
func cardError(status *int, body map[string]any, code, message string) {
	pi := map[string]any{}
	for k, v := range body {
		pi[k] = v
		delete(body, k)
	}
	pi["status"] = "requires_payment_method"
	*status = http.StatusPaymentRequired
	body["error"] = map[string]any{"type": "card_error", "code": code, "message": message, "payment_intent": pi}
}

// testCards makes stripe-mock answer charges as Stripe test mode does for
// Stripe's test payment methods.
func testCards(req request, status *int, body map[string]any) {
	if req.Path != "/v1/payment_intents" {
		return
	}
	switch req.Form.Get("payment_method") {
	case "pm_card_visa":
		body["status"] = "succeeded"
	case "pm_card_chargeDeclined":
		cardError(status, body, "card_declined", "Your card was declined.")
	case "pm_card_authenticationRequired":
		cardError(status, body, "authentication_required", "Your card was declined. This transaction requires authentication.")
	}
}

func usd(a int64) billing.Money { return billing.Money{Amount: a, Currency: "USD"} }

func charge(key string, amount billing.Money) billing.ChargeRequest {
	return billing.ChargeRequest{
		IdempotencyKey:    key,
		GatewayCustomerID: "cus_123",
		PaymentMethodID:   "pm_card_visa",
		Amount:            amount,
		InvoiceID:         7,
		Description:       "Invoice 7",
	}
}

// TestGatewayContract runs the port's contract suite where stripe-mock can
// show it. stripe-mock keeps no state, so two subtests cannot run here:
// SameKeySameCharge needs Stripe to replay a stored answer for a reused
// idempotency key (TestChargeIdempotencyKey shows the gateway sends the key
// and the same parameters, which is the gateway's half), and Refunds needs
// Stripe to remember what was refunded. Both belong to Stripe test mode.
func TestGatewayContract(t *testing.T) {
	t.Parallel()
	gatewaytest.Run(t, func(t *testing.T) billing.Gateway {
		switch path.Base(t.Name()) {
		case "SameKeySameCharge", "Refunds":
			t.Skip("stripe-mock keeps no state between requests; see TestGatewayContract")
		}
		g, m := newGateway(t)
		m.setRewrite(testCards)
		return g
	}, gatewaytest.Methods{
		Succeeds:       "pm_card_visa",
		Declined:       "pm_card_chargeDeclined",
		RequiresAction: "pm_card_authenticationRequired",
	})
}

func TestChargeRequest(t *testing.T) {
	t.Parallel()
	g, m := newGateway(t)
	res, err := g.Charge(context.Background(), charge("invoice-7-attempt-1", usd(1999)))
	if err != nil {
		t.Fatal(err)
	}
	req := m.last(t, "POST", "/v1/payment_intents")
	if req.IdempotencyKey != "invoice-7-attempt-1" {
		t.Errorf("Idempotency-Key = %q", req.IdempotencyKey)
	}
	want := map[string]string{
		"amount": "1999", "currency": "usd", "customer": "cus_123", "payment_method": "pm_card_visa",
		"off_session": "true", "confirm": "true", "metadata[invoice_id]": "7", "description": "Invoice 7",
		"expand[0]": "latest_charge.balance_transaction",
	}
	for k, v := range want {
		if got := req.Form.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	// stripe-mock's PaymentIntent fixture, as it comes, is a payment that
	// failed: status requires_payment_method.
	if !strings.HasPrefix(res.ID, "pi_") || res.Status != billing.ChargeFailed || res.FailureMessage == "" || res.Amount != usd(1999) {
		t.Errorf("charge = %+v", res)
	}
}

func TestChargeIdempotencyKey(t *testing.T) {
	t.Parallel()
	g, m := newGateway(t)
	ctx := context.Background()
	for range 2 {
		if _, err := g.Charge(ctx, charge("invoice-7-attempt-1", usd(500))); err != nil {
			t.Fatal(err)
		}
	}
	sent := m.all("POST", "/v1/payment_intents")
	if len(sent) != 2 {
		t.Fatalf("%d requests, want 2", len(sent))
	}
	// Stripe replays the first answer for a key sent again with the same
	// parameters; stripe-mock cannot, so this checks what the gateway sends.
	if sent[0].IdempotencyKey != "invoice-7-attempt-1" || sent[1].IdempotencyKey != sent[0].IdempotencyKey {
		t.Errorf("keys %q and %q", sent[0].IdempotencyKey, sent[1].IdempotencyKey)
	}
	if sent[0].Form.Encode() != sent[1].Form.Encode() {
		t.Errorf("a retry changed the parameters:\n%s\n%s", sent[0].Form.Encode(), sent[1].Form.Encode())
	}
	if _, err := g.Charge(ctx, billing.ChargeRequest{PaymentMethodID: "pm_card_visa", Amount: usd(500)}); platform.ErrorCode(err) != platform.EINVALID {
		t.Errorf("charge without a key: %v, want EINVALID", err)
	}
}

func TestChargeAmounts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		amount         billing.Money
		stripeAmount   string
		stripeCurrency string
		charged        billing.Money
	}{
		{"two decimals", usd(1999), "1999", "usd", usd(1999)},
		{"lower-case code", billing.Money{Amount: 1999, Currency: "eur"}, "1999", "eur", billing.Money{Amount: 1999, Currency: "EUR"}},
		{"zero decimals", billing.Money{Amount: 500, Currency: "JPY"}, "500", "jpy", billing.Money{Amount: 500, Currency: "JPY"}},
		{"ISK is two-decimal at Stripe", billing.Money{Amount: 5, Currency: "ISK"}, "500", "isk", billing.Money{Amount: 5, Currency: "ISK"}},
		{"three decimals round down", billing.Money{Amount: 5124, Currency: "KWD"}, "5120", "kwd", billing.Money{Amount: 5120, Currency: "KWD"}},
		{"three decimals round half up", billing.Money{Amount: 5125, Currency: "BHD"}, "5130", "bhd", billing.Money{Amount: 5130, Currency: "BHD"}},
		{"three decimals already whole", billing.Money{Amount: 12340, Currency: "OMR"}, "12340", "omr", billing.Money{Amount: 12340, Currency: "OMR"}},
	}
	g, m := newGateway(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := g.Charge(context.Background(), charge("k-"+tt.name, tt.amount))
			if err != nil {
				t.Fatal(err)
			}
			req := m.last(t, "POST", "/v1/payment_intents")
			if a, c := req.Form.Get("amount"), req.Form.Get("currency"); a != tt.stripeAmount || c != tt.stripeCurrency {
				t.Errorf("sent amount=%s currency=%s, want %s %s", a, c, tt.stripeAmount, tt.stripeCurrency)
			}
			// stripe-mock echoes amount and currency, so this is the
			// answer converted back.
			if res.Amount != tt.charged {
				t.Errorf("charged %v, want %v", res.Amount, tt.charged)
			}
		})
	}
}

func TestChargeStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status   string
		want     billing.ChargeStatus
		fee      int64
		feeCur   string
		wantFee  int64
		failMsg  string
		wantErr  error
		wantCode string
	}{
		{status: "succeeded", want: billing.ChargeSucceeded, fee: 88, feeCur: "usd", wantFee: 88},
		{status: "succeeded", want: billing.ChargeSucceeded, fee: 75, feeCur: "eur", wantFee: 0},
		{status: "requires_action", want: billing.ChargeRequiresAction},
		{status: "requires_confirmation", want: billing.ChargeRequiresAction},
		{status: "requires_payment_method", want: billing.ChargeFailed, failMsg: "Your card has insufficient funds."},
		{status: "canceled", want: billing.ChargeFailed},
		{status: "processing", wantErr: stripe.ErrProcessing},
		{status: "requires_capture", wantCode: platform.EINTERNAL},
	}
	g, m := newGateway(t)
	for _, tt := range tests {
		t.Run(tt.status+"/"+tt.feeCur, func(t *testing.T) {
			m.setRewrite(func(req request, status *int, body map[string]any) {
				body["status"] = tt.status
				body["last_payment_error"] = map[string]any{"type": "card_error", "message": tt.failMsg}
				charge := body["latest_charge"].(map[string]any)
				bt := charge["balance_transaction"].(map[string]any)
				bt["fee"], bt["currency"] = tt.fee, tt.feeCur
			})
			res, err := g.Charge(context.Background(), charge("k-"+t.Name(), usd(1000)))
			switch {
			case tt.wantErr != nil || tt.wantCode != "":
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) || tt.wantCode != "" && platform.ErrorCode(err) != tt.wantCode {
					t.Fatalf("err = %v, want %v %s", err, tt.wantErr, tt.wantCode)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			if res.Status != tt.want || res.Fee != tt.wantFee || !strings.HasPrefix(res.ID, "pi_") {
				t.Errorf("charge = %+v, want status %s fee %d", res, tt.want, tt.wantFee)
			}
			if tt.want == billing.ChargeFailed && (res.FailureMessage == "" || tt.failMsg != "" && res.FailureMessage != tt.failMsg) {
				t.Errorf("failure message %q, want %q", res.FailureMessage, tt.failMsg)
			}
		})
	}
}

func TestChargeErrors(t *testing.T) {
	t.Parallel()
	g, m := newGateway(t)
	ctx := context.Background()

	m.setRewrite(func(req request, status *int, body map[string]any) {
		cardError(status, body, "card_declined", "Your card was declined.")
	})
	res, err := g.Charge(ctx, charge("k-declined", usd(1000)))
	if err != nil {
		t.Fatalf("a decline is a result, not an error: %v", err)
	}
	if res.Status != billing.ChargeFailed || res.FailureMessage != "Your card was declined." || !strings.HasPrefix(res.ID, "pi_") || res.Amount != usd(1000) {
		t.Errorf("declined = %+v", res)
	}

	m.setRewrite(func(req request, status *int, body map[string]any) {
		clear(body)
		*status = http.StatusBadRequest
		body["error"] = map[string]any{"type": "idempotency_error", "message": "Keys for idempotent requests can only be used with the same parameters they were first used with."}
	})
	if _, err := g.Charge(ctx, charge("k-reused", usd(1000))); platform.ErrorCode(err) != platform.ECONFLICT {
		t.Errorf("reused key: %v, want ECONFLICT", err)
	}
}

func TestRefund(t *testing.T) {
	t.Parallel()
	g, m := newGateway(t)
	ctx := context.Background()
	res, err := g.Refund(ctx, billing.RefundRequest{IdempotencyKey: "refund-1", ChargeID: "pi_123", Amount: usd(400)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.ID, "re_") || res.Amount != usd(400) {
		t.Errorf("refund = %+v", res)
	}
	req := m.last(t, "POST", "/v1/refunds")
	if req.IdempotencyKey != "refund-1" || req.Form.Get("payment_intent") != "pi_123" || req.Form.Get("amount") != "400" || req.Form.Has("charge") {
		t.Errorf("refund request = %+v", req)
	}

	if _, err := g.Refund(ctx, billing.RefundRequest{IdempotencyKey: "refund-2", ChargeID: "ch_123", Amount: usd(100)}); err != nil {
		t.Fatal(err)
	}
	if req := m.last(t, "POST", "/v1/refunds"); req.Form.Get("charge") != "ch_123" || req.Form.Has("payment_intent") {
		t.Errorf("refund of a charge id = %+v", req)
	}
	if _, err := g.Refund(ctx, billing.RefundRequest{ChargeID: "pi_123", Amount: usd(100)}); platform.ErrorCode(err) != platform.EINVALID {
		t.Errorf("refund without a key: %v, want EINVALID", err)
	}
}

func TestPaymentStatus(t *testing.T) {
	t.Parallel()
	g, m := newGateway(t)
	ctx := context.Background()
	m.setRewrite(func(req request, status *int, body map[string]any) { body["status"] = "succeeded" })
	res, err := g.PaymentStatus(ctx, "pi_123")
	if err != nil {
		t.Fatal(err)
	}
	if res.ID != "pi_123" || res.Status != billing.ChargeSucceeded {
		t.Errorf("status = %+v", res)
	}
	if req := m.last(t, "GET", "/v1/payment_intents/pi_123"); req.Form.Get("expand[0]") != "latest_charge.balance_transaction" {
		t.Errorf("status request = %+v", req)
	}

	m.setRewrite(func(req request, status *int, body map[string]any) {
		clear(body)
		*status = http.StatusNotFound
		body["error"] = map[string]any{"type": "invalid_request_error", "code": "resource_missing", "message": "No such payment_intent: 'pi_gone'"}
	})
	if _, err := g.PaymentStatus(ctx, "pi_gone"); platform.ErrorCode(err) != platform.ENOTFOUND {
		t.Errorf("missing payment intent: %v, want ENOTFOUND", err)
	}
}

// TestCheckConnection: the check asks for the balance, which stripe-mock
// answers; a key Stripe refuses fails it.
func TestCheckConnection(t *testing.T) {
	g, m := newGateway(t)
	if err := g.CheckConnection(ctx); err != nil {
		t.Fatalf("check against stripe-mock: %v", err)
	}
	if reqs := m.all(http.MethodGet, "/v1/balance"); len(reqs) != 1 {
		t.Fatalf("the check asked for the balance %d times", len(reqs))
	}
	m.setRewrite(func(req request, status *int, body map[string]any) {
		*status = http.StatusUnauthorized
		clear(body)
		body["error"] = map[string]any{"type": "invalid_request_error", "message": "Invalid API Key provided: sk_test_****123"}
	})
	if err := g.CheckConnection(ctx); err == nil || !strings.Contains(err.Error(), "Invalid API Key") {
		t.Fatalf("a refused key: %v", err)
	}
}
