package paypal_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/paypal"
	"ezscale.cloud/platform/adapters/paypal/paypaltest"
	"ezscale.cloud/platform/billing"
)

var ctx = context.Background()

func usd(a int64) billing.Money { return billing.Money{Amount: a, Currency: "USD"} }

// open returns a gateway talking to a fresh fake.
func open(t *testing.T) (*paypal.Gateway, *paypaltest.Server) {
	t.Helper()
	fake := paypaltest.New(t)
	g, err := paypal.New(paypal.Config{ClientID: paypaltest.ClientID, Secret: paypaltest.Secret,
		BaseURL: fake.URL, WebhookID: paypaltest.WebhookID})
	if err != nil {
		t.Fatal(err)
	}
	return g, fake
}

// paidOrder creates, approves and captures an order for invoice.
func paidOrder(t *testing.T, g *paypal.Gateway, fake *paypaltest.Server, invoice int64, amount billing.Money) billing.ChargeResult {
	t.Helper()
	id, _, err := g.CreateOrder(ctx, invoice, amount, "https://ezscale.test/return", "https://ezscale.test/cancel")
	if err != nil {
		t.Fatal(err)
	}
	if err := fake.Approve(id); err != nil {
		t.Fatal(err)
	}
	res, err := g.CaptureOrder(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// verify passes a fake delivery through VerifyWebhook.
func verify(t *testing.T, g *paypal.Gateway, d paypaltest.Delivery) paypal.Event {
	t.Helper()
	ev, err := g.VerifyWebhook(ctx, d.Header, d.Body)
	if err != nil {
		t.Fatalf("genuine %s delivery refused: %v", d.EventType, err)
	}
	if ev.ID != d.EventID || ev.Type != d.EventType {
		t.Fatalf("event %s %s, want %s %s", ev.ID, ev.Type, d.EventID, d.EventType)
	}
	return ev
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if platform.ErrorCode(err) != code {
		t.Fatalf("error %v, want code %s", err, code)
	}
}

func TestNewNeedsEveryField(t *testing.T) {
	_, err := paypal.New(paypal.Config{ClientID: "id", Secret: "s", BaseURL: paypal.SandboxURL})
	wantCode(t, err, platform.EINVALID)
	if platform.ErrorField(err) != "webhook_id" {
		t.Fatalf("field %q, want webhook_id", platform.ErrorField(err))
	}
}

func TestAccessTokenFetchedOnceAndReused(t *testing.T) {
	g, fake := open(t)
	for invoice := int64(1); invoice <= 3; invoice++ {
		if _, _, err := g.CreateOrder(ctx, invoice, usd(500), "https://r", "https://c"); err != nil {
			t.Fatal(err)
		}
	}
	if n := fake.TokenRequests(); n != 1 {
		t.Fatalf("%d token requests for three calls, want 1", n)
	}
}

func TestWrongCredentialsAreInternal(t *testing.T) {
	fake := paypaltest.New(t)
	g, err := paypal.New(paypal.Config{ClientID: paypaltest.ClientID, Secret: "wrong", BaseURL: fake.URL, WebhookID: paypaltest.WebhookID})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = g.CreateOrder(ctx, 1, usd(500), "https://r", "https://c")
	wantCode(t, err, platform.EINTERNAL)
}

func TestOrderCreateApproveCapture(t *testing.T) {
	g, fake := open(t)
	id, approve, err := g.CreateOrder(ctx, 42, usd(1234), "https://ezscale.test/return", "https://ezscale.test/cancel")
	if err != nil {
		t.Fatal(err)
	}
	if approve == "" {
		t.Fatal("no approve URL")
	}
	o := fake.Orders()[0]
	if o.ID != id || o.Value != "12.34" || o.Currency != "USD" || o.CustomID != "42" || o.ReturnURL != "https://ezscale.test/return" {
		t.Fatalf("PayPal got order %+v", o)
	}

	_, err = g.CaptureOrder(ctx, id)
	wantCode(t, err, platform.ECONFLICT) // not approved yet

	if err := fake.Approve(id); err != nil {
		t.Fatal(err)
	}
	res, err := g.CaptureOrder(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != billing.ChargeSucceeded || res.ID == "" || res.Amount != usd(1234) || res.Fee != 37 {
		t.Fatalf("capture %+v", res)
	}
	if c := fake.Captures(); len(c) != 1 || c[0].ID != res.ID || c[0].Status != "COMPLETED" || c[0].Value != "12.34" {
		t.Fatalf("PayPal holds captures %+v", c)
	}

	st, err := g.OrderStatus(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != "COMPLETED" || st.InvoiceID != 42 || st.Amount != usd(1234) || st.Capture.ID != res.ID {
		t.Fatalf("order status %+v", st)
	}
}

func TestCaptureTwiceReturnsTheFirstCapture(t *testing.T) {
	g, fake := open(t)
	first := paidOrder(t, g, fake, 7, usd(999))
	again, err := g.CaptureOrder(ctx, fake.Orders()[0].ID)
	if err != nil {
		t.Fatalf("second capture: %v", err)
	}
	if again != first {
		t.Fatalf("second capture %+v, want %+v", again, first)
	}
	if n := len(fake.Captures()); n != 1 {
		t.Fatalf("%d captures, want 1", n)
	}
}

func TestSameInvoiceSameOrder(t *testing.T) {
	g, fake := open(t)
	a, urlA, err := g.CreateOrder(ctx, 9, usd(2500), "https://r", "https://c")
	if err != nil {
		t.Fatal(err)
	}
	b, urlB, err := g.CreateOrder(ctx, 9, usd(2500), "https://r", "https://c")
	if err != nil {
		t.Fatal(err)
	}
	if a != b || urlA != urlB || len(fake.Orders()) != 1 {
		t.Fatalf("retried checkout made orders %s and %s (%d at PayPal)", a, b, len(fake.Orders()))
	}
	if fake.Orders()[0].RequestID == "" {
		t.Fatal("order created without PayPal-Request-Id")
	}
	c, _, err := g.CreateOrder(ctx, 9, usd(2000), "https://r", "https://c")
	if err != nil {
		t.Fatal(err)
	}
	if c == a {
		t.Fatal("a changed amount replayed the order at the old price")
	}
}

func TestZeroDecimalCurrencies(t *testing.T) {
	g, fake := open(t)
	res := paidOrder(t, g, fake, 1, billing.Money{Amount: 1200, Currency: "JPY"})
	if v := fake.Orders()[0].Value; v != "1200" {
		t.Fatalf("PayPal got JPY value %q, want 1200", v)
	}
	if res.Amount != (billing.Money{Amount: 1200, Currency: "JPY"}) {
		t.Fatalf("captured %v", res.Amount)
	}

	// HUF has fillér in ISO 4217 but PayPal takes whole forints only.
	if _, _, err := g.CreateOrder(ctx, 2, billing.Money{Amount: 150, Currency: "HUF"}, "https://r", "https://c"); platform.ErrorCode(err) != platform.EINVALID {
		t.Fatalf("1.50 HUF: %v, want EINVALID", err)
	}
	res = paidOrder(t, g, fake, 3, billing.Money{Amount: 120000, Currency: "HUF"})
	if v := fake.Orders()[1].Value; v != "1200" || res.Amount.Amount != 120000 {
		t.Fatalf("HUF sent as %q, captured %v", v, res.Amount)
	}
}

func TestRefundCapture(t *testing.T) {
	g, fake := open(t)
	charge := paidOrder(t, g, fake, 5, usd(1234))
	refund := func(key string, amount int64) (billing.RefundResult, error) {
		return g.Refund(ctx, billing.RefundRequest{IdempotencyKey: key, ChargeID: charge.ID, Amount: usd(amount)})
	}
	r, err := refund("refund-5-1", 234)
	if err != nil {
		t.Fatal(err)
	}
	if r.ID == "" || r.Amount != usd(234) {
		t.Fatalf("refund %+v", r)
	}
	if c := fake.Captures()[0]; c.Status != "PARTIALLY_REFUNDED" || c.Refunded != "2.34" {
		t.Fatalf("capture after refund %+v", c)
	}
	again, err := refund("refund-5-1", 234)
	if err != nil || again.ID != r.ID {
		t.Fatalf("retried refund %+v %v, want %s", again, err, r.ID)
	}
	if fake.Captures()[0].Refunded != "2.34" {
		t.Fatal("a retried refund paid out twice")
	}
	_, err = refund("refund-5-1", 100)
	wantCode(t, err, platform.ECONFLICT)
	_, err = refund("refund-5-2", 1001)
	wantCode(t, err, platform.ECONFLICT) // more than is left
	if _, err := refund("refund-5-3", 1000); err != nil {
		t.Fatal(err)
	}
	if c := fake.Captures()[0]; c.Status != "REFUNDED" {
		t.Fatalf("capture after full refund %+v", c)
	}
}

func TestChargeOffSessionRefused(t *testing.T) {
	g, _ := open(t)
	_, err := g.Charge(ctx, billing.ChargeRequest{IdempotencyKey: "k", Amount: usd(100), InvoiceID: 1})
	if !errors.Is(err, paypal.ErrOffSession) {
		t.Fatalf("charge: %v, want ErrOffSession", err)
	}
	if g.Name() != "paypal" {
		t.Fatalf("name %q", g.Name())
	}
}

func TestEnsurePlanOncePerPlanCycleCurrency(t *testing.T) {
	g, fake := open(t)
	monthly, err := g.EnsurePlan(ctx, "vps-1", usd(999), billing.Monthly)
	if err != nil {
		t.Fatal(err)
	}
	again, err := g.EnsurePlan(ctx, "vps-1", usd(999), billing.Monthly)
	if err != nil || again != monthly {
		t.Fatalf("second EnsurePlan %q %v, want %q", again, err, monthly)
	}
	annual, err := g.EnsurePlan(ctx, "vps-1", usd(9999), billing.Annual)
	if err != nil {
		t.Fatal(err)
	}
	eur, err := g.EnsurePlan(ctx, "vps-1", billing.Money{Amount: 899, Currency: "EUR"}, billing.Monthly)
	if err != nil {
		t.Fatal(err)
	}
	if annual == monthly || eur == monthly || eur == annual {
		t.Fatalf("plans %s %s %s are not distinct", monthly, annual, eur)
	}
	if len(fake.Plans()) != 3 || len(fake.Products()) != 1 {
		t.Fatalf("PayPal holds %d plans and %d products, want 3 and 1", len(fake.Plans()), len(fake.Products()))
	}
	_, err = g.EnsurePlan(ctx, "vps-1", usd(1099), billing.Monthly)
	wantCode(t, err, platform.ECONFLICT)
	_, err = g.EnsurePlan(ctx, "vps-1", usd(10), billing.Hourly)
	wantCode(t, err, platform.EINVALID)
}

func TestEnsurePlanFindsPlansBeyondTheFirstPage(t *testing.T) {
	g, fake := open(t)
	currencies := []string{"USD", "EUR", "GBP", "CAD", "AUD", "NZD", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK"}
	ids := map[string]string{}
	for _, cycle := range []billing.Cycle{billing.Monthly, billing.Annual} {
		for _, cur := range currencies {
			id, err := g.EnsurePlan(ctx, "web-1", billing.Money{Amount: 500, Currency: cur}, cycle)
			if err != nil {
				t.Fatal(err)
			}
			ids[string(cycle)+cur] = id
		}
	}
	last, err := g.EnsurePlan(ctx, "web-1", billing.Money{Amount: 500, Currency: "CZK"}, billing.Annual)
	if err != nil || last != ids["annualCZK"] || len(fake.Plans()) != 2*len(currencies) {
		t.Fatalf("plan %q %v, want %q; %d plans at PayPal", last, err, ids["annualCZK"], len(fake.Plans()))
	}
}

func TestSubscriptionPaidThroughWebhook(t *testing.T) {
	g, fake := open(t)
	plan, err := g.EnsurePlan(ctx, "game-2", usd(1500), billing.Monthly)
	if err != nil {
		t.Fatal(err)
	}
	id, approve, err := g.CreateSubscription(ctx, plan, 77, "https://ezscale.test/return", "https://ezscale.test/cancel")
	if err != nil {
		t.Fatal(err)
	}
	if approve == "" || fake.Subscriptions()[0].Status != "APPROVAL_PENDING" || fake.Subscriptions()[0].CustomID != "77" {
		t.Fatalf("subscription %s at PayPal: %+v", id, fake.Subscriptions())
	}

	d, err := fake.ActivateSubscription(id)
	if err != nil {
		t.Fatal(err)
	}
	ev := verify(t, g, d)
	if ev.Type != paypal.EventSubscriptionActivated || ev.SubscriptionID != id || ev.CustomID != "77" {
		t.Fatalf("activation %+v", ev)
	}

	d, err = fake.CompleteSale(id)
	if err != nil {
		t.Fatal(err)
	}
	ev = verify(t, g, d)
	if ev.Type != paypal.EventSaleCompleted || ev.SubscriptionID != id || ev.CustomID != "77" ||
		ev.Amount != usd(1500) || ev.ResourceID != fake.Subscriptions()[0].Sales[0] || string(ev.Raw) != string(d.Body) {
		t.Fatalf("sale %+v", ev)
	}
}

func TestSubscriptionSuspendAndCancelBothWays(t *testing.T) {
	g, fake := open(t)
	plan, err := g.EnsurePlan(ctx, "dedi-1", usd(9900), billing.Quarterly)
	if err != nil {
		t.Fatal(err)
	}
	subscribe := func(ours int64) string {
		id, _, err := g.CreateSubscription(ctx, plan, ours, "https://r", "https://c")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fake.ActivateSubscription(id); err != nil {
			t.Fatal(err)
		}
		return id
	}

	ours := subscribe(1)
	if err := g.SuspendSubscription(ctx, ours, "overdue invoice"); err != nil {
		t.Fatal(err)
	}
	if err := g.SuspendSubscription(ctx, ours, "overdue invoice"); err != nil {
		t.Fatalf("suspending twice: %v", err)
	}
	if err := g.CancelSubscription(ctx, ours, "service terminated"); err != nil {
		t.Fatal(err)
	}
	if err := g.CancelSubscription(ctx, ours, "service terminated"); err != nil {
		t.Fatalf("cancelling twice: %v", err)
	}
	wantCode(t, g.SuspendSubscription(ctx, ours, "too late"), platform.ECONFLICT)
	wantCode(t, g.CancelSubscription(ctx, ours, ""), platform.EINVALID)

	theirs := subscribe(2)
	d, err := fake.CancelSubscription(theirs) // the buyer cancels in PayPal
	if err != nil {
		t.Fatal(err)
	}
	if ev := verify(t, g, d); ev.Type != paypal.EventSubscriptionCancelled || ev.SubscriptionID != theirs || ev.CustomID != "2" {
		t.Fatalf("cancellation %+v", ev)
	}
	if err := g.CancelSubscription(ctx, theirs, "mirroring the buyer's cancellation"); err != nil {
		t.Fatalf("cancelling what the buyer cancelled: %v", err)
	}
}

func TestCaptureAndRefundWebhooks(t *testing.T) {
	g, fake := open(t)
	charge := paidOrder(t, g, fake, 42, usd(1234))
	if _, err := g.Refund(ctx, billing.RefundRequest{IdempotencyKey: "r", ChargeID: charge.ID, Amount: usd(1000)}); err != nil {
		t.Fatal(err)
	}
	ds := fake.Deliveries()
	if len(ds) != 2 {
		t.Fatalf("%d deliveries, want capture and refund", len(ds))
	}
	captured := verify(t, g, ds[0])
	if captured.Type != paypal.EventCaptureCompleted || captured.CaptureID != charge.ID || captured.CustomID != "42" || captured.Amount != usd(1234) {
		t.Fatalf("capture event %+v", captured)
	}
	refunded := verify(t, g, ds[1])
	if refunded.Type != paypal.EventCaptureRefunded || refunded.CaptureID != charge.ID || refunded.ResourceID == charge.ID ||
		refunded.CustomID != "42" || refunded.Amount != usd(1000) {
		t.Fatalf("refund event %+v", refunded)
	}
}

func TestForgedWebhooksRefused(t *testing.T) {
	g, fake := open(t)
	paidOrder(t, g, fake, 42, usd(1234))
	genuine := fake.Deliveries()[0]

	tampered := []byte(string(genuine.Body[:len(genuine.Body)-1]) + `,"x":1}`)
	badSig := genuine.Header.Clone()
	badSig.Set("Paypal-Transmission-Sig", "Zm9yZ2Vk")
	noSig := genuine.Header.Clone()
	noSig.Del("Paypal-Transmission-Sig")
	otherCert := genuine.Header.Clone()
	otherCert.Set("Paypal-Cert-Url", "https://attacker.example/cert.pem")
	for name, c := range map[string]struct {
		header http.Header
		body   []byte
	}{
		"tampered body":   {genuine.Header, tampered},
		"wrong signature": {badSig, genuine.Body},
		"no signature":    {noSig, genuine.Body},
		"other cert":      {otherCert, genuine.Body},
		"not json":        {genuine.Header, []byte("amount=1")},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := g.VerifyWebhook(ctx, c.header, c.body)
			wantCode(t, err, platform.EINVALID)
		})
	}

	other, err := paypal.New(paypal.Config{ClientID: paypaltest.ClientID, Secret: paypaltest.Secret,
		BaseURL: fake.URL, WebhookID: "9XX11111AA2222222"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.VerifyWebhook(ctx, genuine.Header, genuine.Body); platform.ErrorField(err) != "signature" {
		t.Fatalf("delivery for another webhook: %v, want a signature error", err)
	}
}

func TestCheckConnection(t *testing.T) {
	g, fake := open(t)
	if err := g.CheckConnection(ctx); err != nil {
		t.Fatalf("the right credentials: %v", err)
	}
	wrong, err := paypal.New(paypal.Config{ClientID: paypaltest.ClientID, Secret: "wrong", BaseURL: fake.URL, WebhookID: paypaltest.WebhookID})
	if err != nil {
		t.Fatal(err)
	}
	if err := wrong.CheckConnection(ctx); err == nil {
		t.Fatal("a wrong secret passed the check")
	}
}
