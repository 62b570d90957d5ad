package stripe

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v79/webhook"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
)

// WebhookTolerance is how far a webhook's signed timestamp may be from now
// before it is refused as a replay: stripe-go's default, five minutes.
const WebhookTolerance = webhook.DefaultTolerance

// Event types VerifyWebhook reads the object of.
const (
	EventPaymentSucceeded = "payment_intent.succeeded"
	EventPaymentFailed    = "payment_intent.payment_failed"
	// EventRefundCreated is read rather than charge.refunded, whose
	// amount is the total refunded so far on the charge: a refund event
	// must name one refund and its own amount to be recorded once.
	EventRefundCreated  = "refund.created"
	EventDisputeCreated = "charge.dispute.created"
)

// Event is a verified Stripe webhook event, reduced to what billing needs.
// For the Event… types above it carries the object's fields; for any other
// type only ID, Type, Created and Raw are set, so the event can be recorded
// and acknowledged.
type Event struct {
	ID      string
	Type    string
	Created time.Time
	// ObjectID is the event's object: pi_… for payment_intent events, re_…
	// for a refund, dp_… for a dispute.
	ObjectID string
	// PaymentIntentID is the PaymentIntent the object belongs to (the id
	// Charge returned), so refunds and disputes can be matched to the
	// payment they touch.
	PaymentIntentID string
	// InvoiceID is the invoice_id metadata Charge set; 0 when the object has
	// none (a dispute, or a payment not made by this platform).
	InvoiceID int64
	// Amount is the PaymentIntent's amount, the refund's, or the disputed
	// amount; zero when its currency is not one billing accepts.
	Amount billing.Money
	// Raw is the payload as received, for the record.
	Raw []byte
}

// eventObject holds the few fields read from an event's object. Decoding
// only these, not stripe-go's full types, keeps a newer API version's
// changes elsewhere in the object from breaking webhooks.
type eventObject struct {
	ID            string            `json:"id"`
	Amount        int64             `json:"amount"`
	Currency      string            `json:"currency"`
	Metadata      map[string]string `json:"metadata"`
	PaymentIntent string            `json:"payment_intent"`
}

// VerifyWebhook checks that payload was signed by Stripe with the endpoint's
// signing secret (whsec_…) within WebhookTolerance of now, and returns the
// event. A missing, forged or stale signature is an EINVALID error; the
// handler answers it with 400 and changes nothing.
func VerifyWebhook(payload []byte, signatureHeader, endpointSecret string, now time.Time) (Event, error) {
	if endpointSecret == "" {
		// Anyone can compute an HMAC keyed with the empty string.
		return Event{}, platform.Errorf(platform.EINVALID, "stripe webhook: no endpoint secret configured")
	}
	signed, err := signatureTime(signatureHeader)
	if err != nil {
		return Event{}, err
	}
	// stripe-go checks the signature; the age is checked here against the
	// caller's clock, which stripe-go cannot take.
	se, err := webhook.ConstructEventWithOptions(payload, signatureHeader, endpointSecret, webhook.ConstructEventOptions{
		IgnoreTolerance:          true,
		IgnoreAPIVersionMismatch: true,
	})
	if err != nil {
		return Event{}, &platform.Error{Code: platform.EINVALID, Message: "stripe webhook: signature or payload refused", Err: err}
	}
	if age := now.Sub(signed); age > WebhookTolerance || age < -WebhookTolerance {
		return Event{}, platform.Errorf(platform.EINVALID, "stripe webhook: signed at %s, outside %s of now", signed.UTC().Format(time.RFC3339), WebhookTolerance)
	}
	ev := Event{ID: se.ID, Type: string(se.Type), Created: time.Unix(se.Created, 0).UTC(), Raw: payload}
	switch ev.Type {
	case EventPaymentSucceeded, EventPaymentFailed, EventRefundCreated, EventDisputeCreated:
	default:
		return ev, nil
	}
	var obj eventObject
	if se.Data == nil || json.Unmarshal(se.Data.Raw, &obj) != nil {
		return Event{}, platform.Errorf(platform.EINVALID, "stripe webhook %s: unreadable %s object", ev.ID, ev.Type)
	}
	ev.ObjectID, ev.PaymentIntentID = obj.ID, obj.PaymentIntent
	if ev.Type == EventPaymentSucceeded || ev.Type == EventPaymentFailed {
		ev.PaymentIntentID = obj.ID
	}
	// A currency billing does not know, or malformed metadata, means the
	// payment is not ours; the event is still genuine and must be
	// acknowledged, so Amount or InvoiceID stays zero instead of failing.
	ev.Amount, _ = fromStripe(obj.Amount, obj.Currency)
	ev.InvoiceID, _ = strconv.ParseInt(obj.Metadata["invoice_id"], 10, 64)
	return ev, nil
}

// signatureTime reads the signed timestamp (t=…) of a Stripe-Signature header.
func signatureTime(header string) (time.Time, error) {
	for _, part := range strings.Split(header, ",") {
		if v, ok := strings.CutPrefix(part, "t="); ok {
			if unix, err := strconv.ParseInt(v, 10, 64); err == nil {
				return time.Unix(unix, 0), nil
			}
		}
	}
	return time.Time{}, platform.Errorf(platform.EINVALID, "stripe webhook: Stripe-Signature header has no timestamp")
}

// ParseWebhook verifies a webhook request with the endpoint secret of the
// gateway's configuration and translates its event into billing's terms,
// for the API's /webhooks/stripe endpoint. Refunds and disputes are matched
// to the invoice through the PaymentIntent they touch.
func (g *Gateway) ParseWebhook(ctx context.Context, header http.Header, body []byte) (billing.GatewayEvent, error) {
	e, err := VerifyWebhook(body, header.Get("Stripe-Signature"), g.webhookSecret, g.now())
	if err != nil {
		return billing.GatewayEvent{}, err
	}
	out := billing.GatewayEvent{
		Gateway: g.Name(), ID: e.ID, Type: e.Type, Kind: billing.EventOther, InvoiceID: e.InvoiceID,
		PaymentID: e.PaymentIntentID, ObjectID: e.ObjectID, Amount: e.Amount, Payload: e.Raw,
	}
	switch e.Type {
	case EventPaymentSucceeded:
		out.Kind = billing.EventPaymentSucceeded
	case EventPaymentFailed:
		out.Kind = billing.EventPaymentFailed
	case EventRefundCreated:
		out.Kind = billing.EventRefunded
	case EventDisputeCreated:
		out.Kind = billing.EventDisputeOpened
	}
	return out, nil
}
