package paypal

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path"
	"strconv"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
)

// The webhook event types VerifyWebhook reads beyond their id and type.
const (
	EventCaptureCompleted      = "PAYMENT.CAPTURE.COMPLETED"
	EventCaptureRefunded       = "PAYMENT.CAPTURE.REFUNDED"
	EventSaleCompleted         = "PAYMENT.SALE.COMPLETED"
	EventSubscriptionActivated = "BILLING.SUBSCRIPTION.ACTIVATED"
	EventSubscriptionSuspended = "BILLING.SUBSCRIPTION.SUSPENDED"
	EventSubscriptionCancelled = "BILLING.SUBSCRIPTION.CANCELLED"
)

// signatureHeaders are the headers PayPal signs a delivery with.
var signatureHeaders = []string{"Paypal-Auth-Algo", "Paypal-Cert-Url", "Paypal-Transmission-Id",
	"Paypal-Transmission-Sig", "Paypal-Transmission-Time"}

// Event is a verified PayPal webhook event in the platform's terms. Events
// of other types carry only ID, Type and Raw; handlers record them by ID
// and acknowledge them.
type Event struct {
	// ID is PayPal's event id (WH-…), the key for ignoring redeliveries.
	ID   string
	Type string
	// ResourceID is the id of the capture, refund, sale or subscription
	// the event is about.
	ResourceID string
	// SubscriptionID is the PayPal subscription a sale renews or a
	// BILLING.SUBSCRIPTION event changes (a sale's billing_agreement_id).
	SubscriptionID string
	// CaptureID is the capture of a PAYMENT.CAPTURE event: the capture
	// itself, or the one a refund gives money back from.
	CaptureID string
	// CustomID is our reference: the invoice id on captures and refunds,
	// the subscription id on sales and subscriptions.
	CustomID string
	// Amount is what a capture, refund or sale moved.
	Amount billing.Money
	// Raw is the event's JSON as delivered.
	Raw []byte
}

// VerifyWebhook asks PayPal whether a delivery to our webhook is genuine
// and, when it is, returns its event. A delivery PayPal does not vouch for
// is EINVALID on the field "signature" and must change nothing.
func (g *Gateway) VerifyWebhook(ctx context.Context, headers http.Header, body []byte) (Event, error) {
	if !json.Valid(body) {
		return Event{}, platform.Invalid("body", "paypal webhook body is not JSON")
	}
	for _, h := range signatureHeaders {
		if headers.Get(h) == "" {
			return Event{}, platform.Invalid("signature", "paypal webhook without %s header", h)
		}
	}
	// The SDK reads the signature headers and body off a request.
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "/", bytes.NewReader(body))
	if err != nil {
		return Event{}, err
	}
	req.Header = headers
	res, err := g.client.VerifyWebhookSignature(ctx, req, g.webhookID)
	if err != nil {
		return Event{}, translate(err, "verify webhook signature")
	}
	if res.VerificationStatus != "SUCCESS" {
		return Event{}, platform.Invalid("signature", "paypal did not verify the webhook signature: %s", res.VerificationStatus)
	}
	return parseEvent(body)
}

// parseEvent reads the envelope and, for the types the platform acts on,
// the resource.
func parseEvent(body []byte) (Event, error) {
	var env struct {
		ID        string          `json:"id"`
		EventType string          `json:"event_type"`
		Resource  json.RawMessage `json:"resource"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.ID == "" || env.EventType == "" {
		return Event{}, platform.Invalid("body", "paypal webhook is not an event")
	}
	e := Event{ID: env.ID, Type: env.EventType, Raw: body}
	var err error
	switch env.EventType {
	case EventCaptureCompleted, EventCaptureRefunded:
		var r struct {
			ID       string `json:"id"`
			CustomID string `json:"custom_id"`
			Amount   struct {
				Currency string `json:"currency_code"`
				Value    string `json:"value"`
			} `json:"amount"`
			Links []struct {
				Href string `json:"href"`
				Rel  string `json:"rel"`
			} `json:"links"`
		}
		if err = json.Unmarshal(env.Resource, &r); err != nil {
			break
		}
		e.ResourceID, e.CustomID, e.CaptureID = r.ID, r.CustomID, r.ID
		if env.EventType == EventCaptureRefunded {
			// A refund links "up" to the capture it refunds.
			e.CaptureID = ""
			for _, l := range r.Links {
				if l.Rel == "up" {
					e.CaptureID = path.Base(l.Href)
				}
			}
		}
		e.Amount, err = fromPayPal(r.Amount.Value, r.Amount.Currency)
	case EventSaleCompleted:
		// Sales are the older payments resource: amount is total and
		// currency, and the subscription's custom_id arrives as custom.
		var r struct {
			ID                 string `json:"id"`
			BillingAgreementID string `json:"billing_agreement_id"`
			Custom             string `json:"custom"`
			Amount             struct {
				Total    string `json:"total"`
				Currency string `json:"currency"`
			} `json:"amount"`
		}
		if err = json.Unmarshal(env.Resource, &r); err != nil {
			break
		}
		e.ResourceID, e.SubscriptionID, e.CustomID = r.ID, r.BillingAgreementID, r.Custom
		e.Amount, err = fromPayPal(r.Amount.Total, r.Amount.Currency)
	case EventSubscriptionActivated, EventSubscriptionSuspended, EventSubscriptionCancelled:
		var r struct {
			ID       string `json:"id"`
			CustomID string `json:"custom_id"`
		}
		err = json.Unmarshal(env.Resource, &r)
		e.ResourceID, e.SubscriptionID, e.CustomID = r.ID, r.ID, r.CustomID
	}
	if err != nil {
		return Event{}, &platform.Error{Code: platform.EINVALID, Field: "body",
			Message: "paypal " + env.EventType + " event " + env.ID + " has an unreadable resource", Err: err}
	}
	return e, nil
}

// ParseWebhook verifies a webhook delivery and translates it into billing's
// terms, for the API's /webhooks/paypal endpoint. Captures and refunds name
// our invoice in their custom id, sales and subscription events our
// subscription.
func (g *Gateway) ParseWebhook(ctx context.Context, headers http.Header, body []byte) (billing.GatewayEvent, error) {
	e, err := g.VerifyWebhook(ctx, headers, body)
	if err != nil {
		return billing.GatewayEvent{}, err
	}
	out := billing.GatewayEvent{Gateway: g.Name(), ID: e.ID, Type: e.Type, Kind: billing.EventOther, Amount: e.Amount, Payload: e.Raw}
	ref, _ := strconv.ParseInt(e.CustomID, 10, 64)
	switch e.Type {
	case EventCaptureCompleted:
		out.Kind, out.InvoiceID, out.PaymentID = billing.EventPaymentSucceeded, ref, e.CaptureID
	case EventCaptureRefunded:
		out.Kind, out.InvoiceID, out.PaymentID, out.ObjectID = billing.EventRefunded, ref, e.CaptureID, e.ResourceID
	case EventSaleCompleted:
		out.Kind, out.SubscriptionID, out.PaymentID = billing.EventPaymentSucceeded, ref, e.ResourceID
	case EventSubscriptionCancelled:
		out.Kind, out.SubscriptionID = billing.EventSubscriptionCancelled, ref
	case EventSubscriptionSuspended:
		out.Kind, out.SubscriptionID = billing.EventSubscriptionSuspended, ref
	}
	return out, nil
}
