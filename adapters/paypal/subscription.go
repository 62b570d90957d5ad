package paypal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"

	paypalapi "github.com/plutov/paypal/v4"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
)

// plansPageSize is the largest page PayPal lists plans in.
const plansPageSize = 20

// paymentFailureThreshold is how many failed renewals PayPal retries before
// it suspends a subscription; the suspension reaches us as a webhook.
const paymentFailureThreshold = 3

// EnsurePlan returns the PayPal plan for planCode billed every cycle at
// amount, creating it and its catalog product on first use. There is one
// PayPal plan per plan code, cycle and currency; it is found again by name
// on PayPal, so restarts and concurrent checkouts do not multiply plans. A
// plan that exists at another price is a conflict: repricing PayPal
// subscribers is a decision, not something to do on the side.
func (g *Gateway) EnsurePlan(ctx context.Context, planCode string, amount billing.Money, cycle billing.Cycle) (string, error) {
	if planCode == "" {
		return "", platform.Invalid("plan_code", "a paypal plan needs a plan code")
	}
	freq, err := frequency(cycle)
	if err != nil {
		return "", err
	}
	value, err := toPayPal(amount)
	if err != nil {
		return "", err
	}
	productID, err := g.ensureProduct(ctx, planCode)
	if err != nil {
		return "", err
	}
	name := fmt.Sprintf("%s %s %s", planCode, cycle, amount.Currency)
	price := paypalapi.Money{Currency: amount.Currency, Value: value}
	id, err := g.findPlan(ctx, productID, name, price)
	if id != "" || err != nil {
		return id, err
	}
	plan, err := g.client.CreateSubscriptionPlan(ctx, paypalapi.SubscriptionPlan{
		ProductId: productID, Name: name, Status: paypalapi.SubscriptionPlanStatusActive,
		BillingCycles: []paypalapi.BillingCycle{{
			PricingScheme: paypalapi.PricingScheme{FixedPrice: price},
			Frequency:     freq, TenureType: paypalapi.TenureTypeRegular, Sequence: 1,
			TotalCycles: 0, // until cancelled
		}},
		PaymentPreferences: &paypalapi.PaymentPreferences{AutoBillOutstanding: true,
			SetupFeeFailureAction: paypalapi.SetupFeeFailureActionCancel, PaymentFailureThreshold: paymentFailureThreshold},
	})
	if err != nil {
		return "", translate(err, "create plan "+name)
	}
	return plan.ID, nil
}

// frequency maps a billing cycle to PayPal's. PayPal bills a day at the
// shortest, so hourly plans cannot be PayPal subscriptions.
func frequency(c billing.Cycle) (paypalapi.Frequency, error) {
	switch c {
	case billing.Monthly, billing.Quarterly, billing.SemiAnnual:
		return paypalapi.Frequency{IntervalUnit: paypalapi.IntervalUnitMonth, IntervalCount: c.Months()}, nil
	case billing.Annual:
		return paypalapi.Frequency{IntervalUnit: paypalapi.IntervalUnitYear, IntervalCount: 1}, nil
	}
	return paypalapi.Frequency{}, platform.Invalid("cycle", "paypal cannot bill a %q cycle", c)
}

// ensureProduct returns the catalog product for planCode, creating it on
// first use. Its id is derived from the plan code, which PayPal lets the
// caller choose, so it is found again without a search.
func (g *Gateway) ensureProduct(ctx context.Context, planCode string) (string, error) {
	sum := sha256.Sum256([]byte(planCode))
	id := "EZS-" + hex.EncodeToString(sum[:10])
	_, err := g.client.GetProduct(ctx, id)
	if err == nil {
		return id, nil
	}
	if err := translate(err, "get product "+id); platform.ErrorCode(err) != platform.ENOTFOUND {
		return "", err
	}
	_, err = g.client.CreateProduct(ctx, paypalapi.Product{ID: id, Name: planCode, Type: paypalapi.ProductTypeService,
		Description: "EZSCALE plan " + planCode})
	// Another process creating it first is as good as creating it.
	if err != nil && issue(err) != "DUPLICATE_RESOURCE_IDENTIFIER" {
		return "", translate(err, "create product "+id)
	}
	return id, nil
}

// findPlan returns the active plan of product named name, or "" when there
// is none. A plan by that name at another price is a conflict.
func (g *Gateway) findPlan(ctx context.Context, productID, name string, price paypalapi.Money) (string, error) {
	for page := 1; ; page++ {
		list, err := g.client.ListSubscriptionPlans(ctx, &paypalapi.SubscriptionPlanListParameters{ProductId: productID,
			ListParams: paypalapi.ListParams{Page: strconv.Itoa(page), PageSize: strconv.Itoa(plansPageSize)}})
		if err != nil {
			return "", translate(err, "list plans of "+productID)
		}
		for _, p := range list.Plans {
			if p.Name != name || p.Status != paypalapi.SubscriptionPlanStatusActive {
				continue
			}
			full, err := g.client.GetSubscriptionPlan(ctx, p.ID)
			if err != nil {
				return "", translate(err, "get plan "+p.ID)
			}
			for _, c := range full.BillingCycles {
				if c.TenureType == paypalapi.TenureTypeRegular && c.PricingScheme.FixedPrice != price {
					return "", platform.Errorf(platform.ECONFLICT, "paypal plan %s (%s) bills %s %s, not %s %s",
						p.ID, name, c.PricingScheme.FixedPrice.Value, c.PricingScheme.FixedPrice.Currency, price.Value, price.Currency)
				}
			}
			return p.ID, nil
		}
		if len(list.Plans) < plansPageSize {
			return "", nil
		}
	}
}

// CreateSubscription subscribes a buyer to a PayPal plan for our
// subscription subscriptionID and returns the PayPal subscription id and
// the approve URL to send the buyer to. The subscription id travels as
// custom_id and comes back on its webhooks. PayPal has no request id for
// subscriptions; one a retried checkout leaves unapproved moves no money
// and expires.
func (g *Gateway) CreateSubscription(ctx context.Context, paypalPlanID string, subscriptionID int64, returnURL, cancelURL string) (id, approveURL string, err error) {
	sub, err := g.client.CreateSubscription(ctx, paypalapi.SubscriptionBase{
		PlanID: paypalPlanID, CustomID: strconv.FormatInt(subscriptionID, 10),
		ApplicationContext: &paypalapi.ApplicationContext{ReturnURL: returnURL, CancelURL: cancelURL,
			UserAction: paypalapi.UserActionSubscribeNow, ShippingPreference: paypalapi.ShippingPreferenceNoShipping},
	})
	if err != nil {
		return "", "", translate(err, fmt.Sprintf("create subscription %d", subscriptionID))
	}
	approveURL = link(sub.Links, "approve")
	if approveURL == "" {
		return "", "", platform.Errorf(platform.EINTERNAL, "paypal subscription %s (%s) has no approve link", sub.ID, sub.SubscriptionStatus)
	}
	return sub.ID, approveURL, nil
}

// SubscriptionState returns a PayPal subscription's status (APPROVAL_PENDING
// until the buyer approves it, then APPROVED, ACTIVE, SUSPENDED, CANCELLED
// or EXPIRED) and, while it waits for the buyer, the link to approve it.
func (g *Gateway) SubscriptionState(ctx context.Context, id string) (status, approveURL string, err error) {
	sub, err := g.client.GetSubscriptionDetails(ctx, id)
	if err != nil {
		return "", "", translate(err, "get subscription "+id)
	}
	return string(sub.SubscriptionStatus), link(sub.Links, "approve"), nil
}

// CancelSubscription cancels a PayPal subscription for reason, which PayPal
// requires. A subscription already cancelled (the buyer did it in PayPal)
// is not an error, so cancellations can be mirrored both ways.
func (g *Gateway) CancelSubscription(ctx context.Context, id, reason string) error {
	if reason == "" {
		return platform.Invalid("reason", "paypal needs a reason to cancel a subscription")
	}
	err := g.client.CancelSubscription(ctx, id, reason)
	return g.settled(ctx, id, "cancel", err, paypalapi.SubscriptionStatusCancelled)
}

// SuspendSubscription suspends a PayPal subscription for reason, which
// PayPal requires; PayPal stops billing it until it is activated again. A
// subscription already suspended is not an error.
func (g *Gateway) SuspendSubscription(ctx context.Context, id, reason string) error {
	if reason == "" {
		return platform.Invalid("reason", "paypal needs a reason to suspend a subscription")
	}
	err := g.client.SuspendSubscription(ctx, id, reason)
	return g.settled(ctx, id, "suspend", err, paypalapi.SubscriptionStatusSuspended)
}

// settled returns nil when action succeeded, or when PayPal refused it
// because the subscription is already in the status the action leads to.
func (g *Gateway) settled(ctx context.Context, id, action string, err error, want paypalapi.SubscriptionStatus) error {
	if err == nil {
		return nil
	}
	if issue(err) == "SUBSCRIPTION_STATUS_INVALID" {
		sub, getErr := g.client.GetSubscriptionDetails(ctx, id)
		if getErr == nil && sub.SubscriptionStatus == want {
			return nil
		}
	}
	return translate(err, action+" subscription "+id)
}

// Mirror carries out a job that mirrors our cancellation or suspension of
// a subscription onto its PayPal subscription (the worker runs it). Both
// PayPal calls succeed when PayPal's copy is already in that state, so a
// retried job is harmless.
func (g *Gateway) Mirror(ctx context.Context, kind string, job billing.GatewaySubscriptionJob) error {
	if job.Gateway != g.Name() {
		return platform.Invalid("gateway", "job for gateway %q sent to %q", job.Gateway, g.Name())
	}
	reason := job.Reason
	if reason == "" {
		reason = "ended by EZSCALE"
	}
	switch kind {
	case platform.JobGatewaySubscriptionCancel:
		return g.CancelSubscription(ctx, job.GatewaySubscriptionID, reason)
	case platform.JobGatewaySubscriptionSuspend:
		return g.SuspendSubscription(ctx, job.GatewaySubscriptionID, reason)
	}
	return platform.Invalid("kind", "unknown mirror job %q", kind)
}
