package paypaltest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ezscale.cloud/platform/adapters/paypal/paypaltest"
)

// call sends a request to the fake and decodes its JSON answer.
func call(t *testing.T, method, u, token, body string, header map[string]string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var out map[string]any
	if len(b) > 0 {
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("%s %s answered non-JSON %q", method, u, b)
		}
	}
	return res.StatusCode, out
}

// token gets an access token with the given credentials.
func token(t *testing.T, fake *paypaltest.Server, id, secret string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, fake.URL+"/v1/oauth2/token",
		strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, secret)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, out
}

func bearer(t *testing.T, fake *paypaltest.Server) string {
	t.Helper()
	status, body := token(t, fake, paypaltest.ClientID, paypaltest.Secret)
	if status != http.StatusOK || body["token_type"] != "Bearer" || body["access_token"] == "" {
		t.Fatalf("token: %d %v", status, body)
	}
	return body["access_token"].(string)
}

// issue returns an error body's name and first detail issue.
func issue(body map[string]any) (string, string) {
	name, _ := body["name"].(string)
	details, _ := body["details"].([]any)
	if len(details) == 0 {
		return name, ""
	}
	first, _ := details[0].(map[string]any)
	i, _ := first["issue"].(string)
	return name, i
}

const order = `{"intent":"CAPTURE","purchase_units":[{"amount":{"currency_code":"USD","value":"10.00"},"custom_id":"1"}]}`

func TestTokenNeedsClientCredentials(t *testing.T) {
	fake := paypaltest.New(t)
	status, body := token(t, fake, paypaltest.ClientID, "wrong")
	if status != http.StatusUnauthorized || body["error"] != "invalid_client" {
		t.Fatalf("wrong secret: %d %v", status, body)
	}
	bearer(t, fake)
	if fake.TokenRequests() != 1 {
		t.Fatalf("%d tokens issued, want 1", fake.TokenRequests())
	}
}

func TestCallsNeedTheBearerToken(t *testing.T) {
	fake := paypaltest.New(t)
	for name, tok := range map[string]string{"missing": "", "unknown": "A21AAforged"} {
		status, body := call(t, http.MethodPost, fake.URL+"/v2/checkout/orders", tok, order, nil)
		if n, _ := issue(body); status != http.StatusUnauthorized || n != "AUTHENTICATION_FAILURE" {
			t.Errorf("%s token: %d %v", name, status, body)
		}
	}
	if len(fake.Orders()) != 0 {
		t.Fatal("an unauthenticated call made an order")
	}
}

func TestMalformedBodiesAreInvalidRequests(t *testing.T) {
	fake := paypaltest.New(t)
	tok := bearer(t, fake)
	for _, c := range []struct{ path, body, issue string }{
		{"/v2/checkout/orders", `{"intent":`, "MALFORMED_REQUEST_JSON"},
		{"/v2/checkout/orders", `{"intent":5}`, "INVALID_PARAMETER_SYNTAX"},
		{"/v2/checkout/orders", `{"intent":"CAPTURE"}`, "MISSING_REQUIRED_PARAMETER"},
		{"/v2/checkout/orders", `{"intent":"CAPTURE","purchase_units":[{"amount":{"currency_code":"USD","value":"ten"}}]}`, "INVALID_PARAMETER_SYNTAX"},
		{"/v1/billing/plans", `{"product_id":"PROD-1","name":"x","status":"ACTIVE","billing_cycles":[]}`, "INVALID_ARRAY_LENGTH"},
		{"/v1/billing/subscriptions", `{"custom_id":"1"}`, "MISSING_REQUIRED_PARAMETER"},
		{"/v1/notifications/verify-webhook-signature", `{"webhook_id":"ABC"}`, "MISSING_REQUIRED_PARAMETER"},
	} {
		status, body := call(t, http.MethodPost, fake.URL+c.path, tok, c.body, nil)
		if name, i := issue(body); status != http.StatusBadRequest || name != "INVALID_REQUEST" || i != c.issue {
			t.Errorf("POST %s %s: %d %v, want 400 INVALID_REQUEST %s", c.path, c.body, status, body, c.issue)
		}
	}
}

func TestAmountsFollowPayPalCurrencyRules(t *testing.T) {
	fake := paypaltest.New(t)
	tok := bearer(t, fake)
	for value, want := range map[string]string{"12.50": "DECIMALS_NOT_SUPPORTED", "0": "CANNOT_BE_ZERO_OR_NEGATIVE"} {
		body := `{"intent":"CAPTURE","purchase_units":[{"amount":{"currency_code":"JPY","value":"` + value + `"}}]}`
		status, res := call(t, http.MethodPost, fake.URL+"/v2/checkout/orders", tok, body, nil)
		if _, i := issue(res); status != http.StatusUnprocessableEntity || i != want {
			t.Errorf("JPY %s: %d %v, want 422 %s", value, status, res, want)
		}
	}
}

func TestOrderLifecycle(t *testing.T) {
	fake := paypaltest.New(t)
	tok := bearer(t, fake)
	idem := map[string]string{"PayPal-Request-Id": "invoice-1"}
	status, created := call(t, http.MethodPost, fake.URL+"/v2/checkout/orders", tok, order, idem)
	if status != http.StatusCreated || created["status"] != "CREATED" {
		t.Fatalf("create: %d %v", status, created)
	}
	id := created["id"].(string)
	if _, again := call(t, http.MethodPost, fake.URL+"/v2/checkout/orders", tok, order, idem); again["id"] != id {
		t.Fatalf("same PayPal-Request-Id made order %v, want %s", again["id"], id)
	}

	capture := fake.URL + "/v2/checkout/orders/" + id + "/capture"
	status, body := call(t, http.MethodPost, capture, tok, "", nil)
	if _, i := issue(body); status != http.StatusUnprocessableEntity || i != "ORDER_NOT_APPROVED" {
		t.Fatalf("capture unapproved: %d %v", status, body)
	}
	if err := fake.Approve(id); err != nil {
		t.Fatal(err)
	}
	status, body = call(t, http.MethodPost, capture, tok, `{"payment_source":null}`, nil)
	if status != http.StatusCreated || body["status"] != "COMPLETED" {
		t.Fatalf("capture: %d %v", status, body)
	}
	status, body = call(t, http.MethodPost, capture, tok, "", nil)
	if _, i := issue(body); status != http.StatusUnprocessableEntity || i != "ORDER_ALREADY_CAPTURED" {
		t.Fatalf("capture twice: %d %v", status, body)
	}
	status, body = call(t, http.MethodGet, fake.URL+"/v2/checkout/orders/NOSUCHORDER", tok, "", nil)
	if name, _ := issue(body); status != http.StatusNotFound || name != "RESOURCE_NOT_FOUND" {
		t.Fatalf("unknown order: %d %v", status, body)
	}
	if len(fake.Orders()) != 1 || len(fake.Captures()) != 1 || len(fake.Deliveries()) != 1 {
		t.Fatalf("%d orders, %d captures, %d deliveries; want 1 each", len(fake.Orders()), len(fake.Captures()), len(fake.Deliveries()))
	}
}

func TestVerifyWebhookSignature(t *testing.T) {
	fake := paypaltest.New(t)
	tok := bearer(t, fake)
	_, created := call(t, http.MethodPost, fake.URL+"/v2/checkout/orders", tok, order, nil)
	id := created["id"].(string)
	if err := fake.Approve(id); err != nil {
		t.Fatal(err)
	}
	call(t, http.MethodPost, fake.URL+"/v2/checkout/orders/"+id+"/capture", tok, "", nil)
	d := fake.Deliveries()[0]

	verify := func(webhookID string, event []byte) string {
		req, _ := json.Marshal(map[string]any{
			"auth_algo": d.Header.Get("Paypal-Auth-Algo"), "cert_url": d.Header.Get("Paypal-Cert-Url"),
			"transmission_id": d.Header.Get("Paypal-Transmission-Id"), "transmission_sig": d.Header.Get("Paypal-Transmission-Sig"),
			"transmission_time": d.Header.Get("Paypal-Transmission-Time"), "webhook_id": webhookID,
			"webhook_event": json.RawMessage(event),
		})
		status, body := call(t, http.MethodPost, fake.URL+"/v1/notifications/verify-webhook-signature", tok, string(req), nil)
		if status != http.StatusOK {
			t.Fatalf("verify: %d %v", status, body)
		}
		return body["verification_status"].(string)
	}
	if s := verify(paypaltest.WebhookID, d.Body); s != "SUCCESS" {
		t.Fatalf("genuine event: %s", s)
	}
	if s := verify("5XX00000AA0000000", d.Body); s != "FAILURE" {
		t.Fatalf("other webhook id: %s", s)
	}
	forged := []byte(strings.Replace(string(d.Body), `"10.00"`, `"1000.00"`, 1))
	if s := verify(paypaltest.WebhookID, forged); s != "FAILURE" {
		t.Fatalf("forged event: %s", s)
	}
}
