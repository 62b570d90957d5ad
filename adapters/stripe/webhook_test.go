package stripe_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"testing"
	"time"

	stripeapi "github.com/stripe/stripe-go/v79"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/stripe"
	"ezscale.cloud/platform/billing"
)

const endpointSecret = "whsec_test_secret"

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// sign computes a Stripe-Signature header as Stripe does: t=<unix>,v1=<sig>.
func sign(payload []byte, secret string, at time.Time) string {
	return fmt.Sprintf("t=%d,v1=%s", at.Unix(), signature(payload, secret, at))
}

// signature is the hex HMAC-SHA256 of "<unix>.<payload>" keyed with the
// endpoint secret.
func signature(payload []byte, secret string, at time.Time) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "%d.%s", at.Unix(), payload)
	return hex.EncodeToString(mac.Sum(nil))
}

func event(typ, apiVersion, object string) []byte {
	return []byte(fmt.Sprintf(`{"id":"evt_1","object":"event","api_version":%q,"created":%d,"type":%q,"livemode":false,"pending_webhooks":1,"data":{"object":%s}}`,
		apiVersion, now.Add(-time.Minute).Unix(), typ, object))
}

const paymentIntent = `{"id":"pi_1","object":"payment_intent","amount":5120,"currency":"kwd","status":"succeeded","metadata":{"invoice_id":"7"}}`

func TestVerifyWebhookParsesEvents(t *testing.T) {
	tests := []struct {
		name string
		typ  string
		obj  string
		want stripe.Event
	}{
		{"payment succeeded", stripe.EventPaymentSucceeded, paymentIntent,
			stripe.Event{ObjectID: "pi_1", PaymentIntentID: "pi_1", InvoiceID: 7, Amount: billing.Money{Amount: 5120, Currency: "KWD"}}},
		{"payment failed", stripe.EventPaymentFailed, `{"id":"pi_2","object":"payment_intent","amount":1999,"currency":"usd","status":"requires_payment_method","metadata":{"invoice_id":"8"}}`,
			stripe.Event{ObjectID: "pi_2", PaymentIntentID: "pi_2", InvoiceID: 8, Amount: usd(1999)}},
		{"refund created", stripe.EventRefundCreated, `{"id":"re_1","object":"refund","amount":400,"currency":"usd","payment_intent":"pi_2","metadata":{"invoice_id":"8"}}`,
			stripe.Event{ObjectID: "re_1", PaymentIntentID: "pi_2", InvoiceID: 8, Amount: usd(400)}},
		{"dispute created", stripe.EventDisputeCreated, `{"id":"dp_1","object":"dispute","amount":500,"currency":"isk","charge":"ch_1","payment_intent":"pi_3","metadata":{}}`,
			stripe.Event{ObjectID: "dp_1", PaymentIntentID: "pi_3", Amount: billing.Money{Amount: 5, Currency: "ISK"}}},
		{"other type", "customer.created", `{"id":"cus_1","object":"customer"}`, stripe.Event{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			payload := event(tt.typ, stripeapi.APIVersion, tt.obj)
			got, err := stripe.VerifyWebhook(payload, sign(payload, endpointSecret, now), endpointSecret, now)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			want.ID, want.Type, want.Created = "evt_1", tt.typ, now.Add(-time.Minute)
			if string(got.Raw) != string(payload) {
				t.Errorf("Raw is not the payload")
			}
			got.Raw = nil
			if !reflect.DeepEqual(got, want) {
				t.Errorf("event = %+v\nwant    %+v", got, want)
			}
		})
	}
}

func TestVerifyWebhookRefuses(t *testing.T) {
	payload := event(stripe.EventPaymentSucceeded, stripeapi.APIVersion, paymentIntent)
	tests := []struct {
		name, header, secret string
		payload              []byte
	}{
		{"forged signature", sign(payload, "whsec_someone_else", now), endpointSecret, payload},
		{"payload changed after signing", sign(payload, endpointSecret, now), endpointSecret, []byte(string(payload) + " ")},
		{"stale timestamp", sign(payload, endpointSecret, now.Add(-stripe.WebhookTolerance-time.Second)), endpointSecret, payload},
		{"timestamp from the future", sign(payload, endpointSecret, now.Add(stripe.WebhookTolerance+time.Second)), endpointSecret, payload},
		{"no signature", "", endpointSecret, payload},
		{"timestamp only", fmt.Sprintf("t=%d", now.Unix()), endpointSecret, payload},
		{"no endpoint secret", sign(payload, "", now), "", payload},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := stripe.VerifyWebhook(tt.payload, tt.header, tt.secret, now); platform.ErrorCode(err) != platform.EINVALID {
				t.Errorf("err = %v, want EINVALID", err)
			}
		})
	}
}

func TestVerifyWebhookAccepts(t *testing.T) {
	t.Run("newer API version", func(t *testing.T) {
		// The endpoint's API version was upgraded in the dashboard before
		// stripe-go was.
		payload := event(stripe.EventPaymentSucceeded, "2099-01-01.future", paymentIntent)
		ev, err := stripe.VerifyWebhook(payload, sign(payload, endpointSecret, now), endpointSecret, now)
		if err != nil || ev.InvoiceID != 7 {
			t.Fatalf("event %+v, %v", ev, err)
		}
	})
	t.Run("secret being rolled", func(t *testing.T) {
		// While a secret is rolled Stripe signs with both, one v1 each.
		payload := event(stripe.EventPaymentSucceeded, stripeapi.APIVersion, paymentIntent)
		header := fmt.Sprintf("t=%d,v1=%s,v1=%s", now.Unix(), signature(payload, "whsec_old", now), signature(payload, endpointSecret, now))
		if _, err := stripe.VerifyWebhook(payload, header, endpointSecret, now); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("within tolerance", func(t *testing.T) {
		payload := event(stripe.EventPaymentSucceeded, stripeapi.APIVersion, paymentIntent)
		at := now.Add(-stripe.WebhookTolerance + time.Second)
		if _, err := stripe.VerifyWebhook(payload, sign(payload, endpointSecret, at), endpointSecret, now); err != nil {
			t.Fatal(err)
		}
	})
}
