package paypal

import (
	"context"
	"fmt"
	"strconv"

	paypalapi "github.com/plutov/paypal/v4"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
)

// Order is what PayPal says about an order, for the payment return page
// and reconciliation.
type Order struct {
	ID string
	// Status is PayPal's: CREATED (waiting for the buyer), APPROVED
	// (approved but not captured: call CaptureOrder), COMPLETED, VOIDED or
	// PAYER_ACTION_REQUIRED.
	Status    string
	InvoiceID int64
	Amount    billing.Money
	// Capture is the order's capture once it has one; its ID is empty
	// before.
	Capture billing.ChargeResult
}

// CreateOrder creates an order for paying amount of invoice invoiceID and
// returns its id and the approve URL to send the buyer to. The
// PayPal-Request-Id is derived from the invoice and the amount, so a
// retried checkout gets the same order back rather than a second one; a
// changed amount makes a new order instead of replaying a stale price.
func (g *Gateway) CreateOrder(ctx context.Context, invoiceID int64, amount billing.Money, returnURL, cancelURL string) (orderID, approveURL string, err error) {
	value, err := toPayPal(amount)
	if err != nil {
		return "", "", err
	}
	units := []paypalapi.PurchaseUnitRequest{{
		Amount:      &paypalapi.PurchaseUnitAmount{Currency: amount.Currency, Value: value},
		Description: fmt.Sprintf("Invoice %d", invoiceID),
		// custom_id is how webhooks and reconciliation find the invoice.
		CustomID: strconv.FormatInt(invoiceID, 10),
		// PayPal refuses a second payment under the same invoice_id, a last
		// guard against paying one invoice twice.
		InvoiceID: fmt.Sprintf("ezscale-invoice-%d", invoiceID),
	}}
	app := &paypalapi.ApplicationContext{ReturnURL: returnURL, CancelURL: cancelURL,
		UserAction: paypalapi.UserActionPayNow, ShippingPreference: paypalapi.ShippingPreferenceNoShipping}
	requestID := fmt.Sprintf("ezscale-order-%d-%s-%s", invoiceID, amount.Currency, value)
	o, err := g.client.CreateOrderWithPaypalRequestID(ctx, "CAPTURE", units, nil, app, requestID)
	if err != nil {
		return "", "", translate(err, fmt.Sprintf("create order for invoice %d", invoiceID))
	}
	approveURL = link(o.Links, "approve")
	if approveURL == "" {
		return "", "", platform.Errorf(platform.EINTERNAL, "paypal order %s (%s) has no approve link", o.ID, o.Status)
	}
	return o.ID, approveURL, nil
}

// CaptureOrder takes the money of an order the buyer approved. Capturing
// an order that is already captured returns its capture, so the return
// page, a webhook and reconciliation may all call it.
func (g *Gateway) CaptureOrder(ctx context.Context, orderID string) (billing.ChargeResult, error) {
	res, err := g.client.CaptureOrder(ctx, orderID, paypalapi.CaptureOrderRequest{})
	if issue(err) == "ORDER_ALREADY_CAPTURED" {
		o, err := g.OrderStatus(ctx, orderID)
		return o.Capture, err
	}
	if err != nil {
		return billing.ChargeResult{}, translate(err, "capture order "+orderID)
	}
	for _, pu := range res.PurchaseUnits {
		if pu.Payments != nil {
			return chargeResult(pu.Payments)
		}
	}
	return billing.ChargeResult{}, platform.Errorf(platform.EINTERNAL, "paypal captured order %s without a capture", orderID)
}

// OrderStatus asks PayPal for an order, so a lost webhook or an abandoned
// return page never leaves a paid invoice open.
func (g *Gateway) OrderStatus(ctx context.Context, orderID string) (Order, error) {
	o, err := g.client.GetOrder(ctx, orderID)
	if err != nil {
		return Order{}, translate(err, "get order "+orderID)
	}
	if len(o.PurchaseUnits) != 1 || o.PurchaseUnits[0].Amount == nil {
		return Order{}, platform.Errorf(platform.EINTERNAL, "paypal order %s has %d purchase units, want 1", o.ID, len(o.PurchaseUnits))
	}
	pu := o.PurchaseUnits[0]
	invoiceID, err := strconv.ParseInt(pu.CustomID, 10, 64)
	if err != nil {
		return Order{}, platform.Errorf(platform.EINVALID, "paypal order %s is not an invoice's: custom_id %q", o.ID, pu.CustomID)
	}
	amount, err := fromPayPal(pu.Amount.Value, pu.Amount.Currency)
	if err != nil {
		return Order{}, err
	}
	out := Order{ID: o.ID, Status: o.Status, InvoiceID: invoiceID, Amount: amount}
	if pu.Payments != nil && len(pu.Payments.Captures) > 0 {
		if out.Capture, err = chargeResult(pu.Payments); err != nil {
			return Order{}, err
		}
	}
	return out, nil
}

// chargeResult reads the first capture of an order's payments. A PENDING
// capture (an eCheck, a review) keeps the invoice open as requires_action
// does; PayPal's PAYMENT.CAPTURE.COMPLETED webhook or OrderStatus settles
// it later.
func chargeResult(p *paypalapi.CapturedPayments) (billing.ChargeResult, error) {
	if len(p.Captures) == 0 || p.Captures[0].Amount == nil {
		return billing.ChargeResult{}, platform.Errorf(platform.EINTERNAL, "paypal order payments carry no capture")
	}
	c := p.Captures[0]
	amount, err := fromPayPal(c.Amount.Value, c.Amount.Currency)
	if err != nil {
		return billing.ChargeResult{}, err
	}
	res := billing.ChargeResult{ID: c.ID, Amount: amount}
	switch c.Status {
	case "COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED":
		res.Status = billing.ChargeSucceeded
	case "PENDING":
		res.Status, res.FailureMessage = billing.ChargeRequiresAction, "PayPal holds the payment as pending"
	default:
		res.Status, res.FailureMessage = billing.ChargeFailed, "PayPal capture "+c.Status
	}
	if b := c.SellerReceivableBreakdown; b != nil && b.PaypalFee != nil {
		fee, err := fromPayPal(b.PaypalFee.Value, b.PaypalFee.Currency)
		if err != nil {
			return billing.ChargeResult{}, err
		}
		// A fee in another currency (a converted payment) cannot be told in
		// the charge's minor units, so it is left unknown.
		if fee.Currency == amount.Currency {
			res.Fee = fee.Amount
		}
	}
	return res, nil
}

// OrderInvoice returns the invoice an order was created for, so a capture
// requested for one invoice cannot pay another.
func (g *Gateway) OrderInvoice(ctx context.Context, orderID string) (int64, error) {
	o, err := g.OrderStatus(ctx, orderID)
	return o.InvoiceID, err
}
