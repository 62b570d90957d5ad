package billing

import (
	"context"
	"fmt"
	"time"

	"ezscale.cloud/platform"
)

// LinkGatewaySubscription records that a gateway bills a subscription on
// its own schedule (a PayPal subscription the customer approved at
// checkout), so its payments find our invoices and our cancellations and
// suspensions reach the gateway.
func (s *Service) LinkGatewaySubscription(ctx context.Context, subID int64, gateway, gatewaySubID string) error {
	if gateway == "" || gatewaySubID == "" {
		return platform.Invalid("gateway_subscription_id", "the gateway and its subscription id are required")
	}
	return s.store.LinkGatewaySubscription(ctx, subID, gateway, gatewaySubID, s.now())
}

// UnlinkGatewaySubscription forgets a gateway subscription that never
// started billing: one whose approval the buyer abandoned, so that they
// can start again.
func (s *Service) UnlinkGatewaySubscription(ctx context.Context, subID int64, gateway, gatewaySubID string) error {
	return s.store.UnlinkGatewaySubscription(ctx, subID, gateway, gatewaySubID)
}

// GatewaysBillingCustomer maps each of a customer's subscriptions that a
// gateway bills itself to those gateways.
func (s *Service) GatewaysBillingCustomer(ctx context.Context, customerID int64) (map[int64][]string, error) {
	return s.store.GatewaysBillingCustomer(ctx, customerID)
}

// CustomerSubscription returns one of the customer's subscriptions with
// its plan and recurring amount; another customer's is an ENOTFOUND.
func (s *Service) CustomerSubscription(ctx context.Context, customerID, subID int64) (*Subscription, *Plan, Money, error) {
	sub, err := s.store.GetSubscription(ctx, subID)
	if err != nil {
		return nil, nil, Money{}, err
	}
	if sub.CustomerID != customerID {
		return nil, nil, Money{}, platform.Errorf(platform.ENOTFOUND, "subscription not found")
	}
	plan, err := s.store.GetPlan(ctx, sub.PlanID)
	if err != nil {
		return nil, nil, Money{}, err
	}
	amount, err := RecurringAmount(plan, sub.Currency, sub.Cycle, sub.Options)
	return sub, plan, amount, err
}

// GatewaySubscriptions maps gateway names to the subscription's ids at
// the gateways that bill it themselves.
func (s *Service) GatewaySubscriptions(ctx context.Context, subID int64) (map[string]string, error) {
	return s.store.GatewaySubscriptions(ctx, subID)
}

// GatewaySubscriptionJob is the payload of the jobs that mirror a change of
// ours onto the gateway's copy of a subscription.
type GatewaySubscriptionJob struct {
	SubscriptionID        int64  `json:"subscription_id"`
	Gateway               string `json:"gateway"`
	GatewaySubscriptionID string `json:"gateway_subscription_id"`
	Reason                string `json:"reason"`
}

// mirror enqueues, in tx, a job of kind for every gateway that bills the
// subscription itself, so the gateway stops (or pauses) charging when we
// do.
func (s *Service) mirror(ctx context.Context, tx Store, sub *Subscription, kind, reason string, now time.Time) error {
	links, err := tx.GatewaySubscriptions(ctx, sub.ID)
	if err != nil {
		return err
	}
	for gateway, id := range links {
		err := enqueue(ctx, tx, kind, fmt.Sprintf("%s:%s:%s", kind, gateway, id), now,
			GatewaySubscriptionJob{SubscriptionID: sub.ID, Gateway: gateway, GatewaySubscriptionID: id, Reason: reason})
		if err != nil && platform.ErrorCode(err) != platform.ECONFLICT {
			return err
		}
	}
	return nil
}
