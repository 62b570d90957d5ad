package sqlstore

import (
	"context"
	"encoding/json"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/sqlstore/internal/dbsqlc"
	"ezscale.cloud/platform/billing"
)

// CreateSubscription inserts a subscription and sets its id.
func (s *Store) CreateSubscription(ctx context.Context, sub *billing.Subscription) error {
	opts, err := optionsJSON(sub.Options)
	if err != nil {
		return err
	}
	id, err := s.writeQ().SubscriptionInsert(ctx, dbsqlc.SubscriptionInsertParams{
		CustomerID: sub.CustomerID, PlanID: sub.PlanID, Currency: sub.Currency, Cycle: string(sub.Cycle),
		Status: string(sub.Status), OptionsJson: opts, AnchorAt: sub.Anchor,
		CurrentPeriodStart: sub.CurrentPeriodStart, CurrentPeriodEnd: sub.CurrentPeriodEnd,
		InvoicedThrough: sub.InvoicedThrough, TrialEnd: nullTime(sub.TrialEnd),
		CancelAtPeriodEnd: sub.CancelAtPeriodEnd, CancelReason: sub.CancelReason,
		CancelledAt: nullTime(sub.CancelledAt), SuspendHold: sub.SuspendHold, CouponID: nullID(sub.CouponID),
		CouponCyclesLeft: int64(sub.CouponCyclesLeft), SuspendedAt: nullTime(sub.SuspendedAt),
		CreatedAt: sub.CreatedAt, UpdatedAt: sub.UpdatedAt, Backordered: sub.Backordered,
	})
	if err != nil {
		return s.translate(err, "subscription")
	}
	sub.ID = id
	return nil
}

// GetSubscription returns one subscription.
func (s *Store) GetSubscription(ctx context.Context, id int64) (*billing.Subscription, error) {
	r, err := s.q.SubscriptionGetByID(ctx, id)
	if err != nil {
		return nil, s.translate(err, "subscription")
	}
	return subscriptionFromRow(r)
}

// UpdateSubscription saves a subscription's mutable fields. InvoicedThrough
// is left alone: only ClaimPeriod moves it.
func (s *Store) UpdateSubscription(ctx context.Context, sub *billing.Subscription) error {
	opts, err := optionsJSON(sub.Options)
	if err != nil {
		return err
	}
	n, err := s.writeQ().SubscriptionUpdate(ctx, dbsqlc.SubscriptionUpdateParams{
		PlanID: sub.PlanID, Status: string(sub.Status), OptionsJson: opts, AnchorAt: sub.Anchor,
		CurrentPeriodStart: sub.CurrentPeriodStart, CurrentPeriodEnd: sub.CurrentPeriodEnd,
		TrialEnd: nullTime(sub.TrialEnd), CancelAtPeriodEnd: sub.CancelAtPeriodEnd,
		CancelReason: sub.CancelReason, CancelledAt: nullTime(sub.CancelledAt), SuspendHold: sub.SuspendHold,
		CouponID: nullID(sub.CouponID), CouponCyclesLeft: int64(sub.CouponCyclesLeft),
		SuspendedAt: nullTime(sub.SuspendedAt), UpdatedAt: sub.UpdatedAt, ID: sub.ID,
	})
	if err != nil {
		return s.translate(err, "subscription")
	}
	if n == 0 {
		return platform.Errorf(platform.ENOTFOUND, "subscription %d not found", sub.ID)
	}
	return nil
}

// ListRenewable returns one page of subscriptions due for renewal.
func (s *Store) ListRenewable(ctx context.Context, through, hourlyThrough time.Time) ([]*billing.Subscription, error) {
	rows, err := s.q.SubscriptionListRenewable(ctx, dbsqlc.SubscriptionListRenewableParams{InvoicedThrough: through, InvoicedThrough_2: hourlyThrough})
	if err != nil {
		return nil, s.translate(err, "subscriptions")
	}
	return subscriptionsFromRows(rows)
}

// ClaimPeriod compare-and-sets a subscription's InvoicedThrough.
func (s *Store) ClaimPeriod(ctx context.Context, subID int64, from, to time.Time, couponCyclesLeft int, now time.Time) (bool, error) {
	n, err := s.writeQ().SubscriptionClaimPeriod(ctx, dbsqlc.SubscriptionClaimPeriodParams{
		InvoicedThrough: to, CouponCyclesLeft: int64(couponCyclesLeft), UpdatedAt: now,
		ID: subID, InvoicedThrough_2: from,
	})
	if err != nil {
		return false, s.translate(err, "subscription")
	}
	return n == 1, nil
}

// ListEndingBy returns subscriptions set to cancel whose period has ended.
func (s *Store) ListEndingBy(ctx context.Context, t time.Time) ([]*billing.Subscription, error) {
	rows, err := s.q.SubscriptionListEndingBy(ctx, t)
	if err != nil {
		return nil, s.translate(err, "subscriptions")
	}
	return subscriptionsFromRows(rows)
}

// ListSubscriptionsByCustomer returns a customer's subscriptions, oldest
// first.
func (s *Store) ListSubscriptionsByCustomer(ctx context.Context, customerID int64) ([]*billing.Subscription, error) {
	rows, err := s.q.SubscriptionListByCustomer(ctx, customerID)
	if err != nil {
		return nil, s.translate(err, "subscriptions")
	}
	return subscriptionsFromRows(rows)
}

// ListPendingCreatedBefore returns unpaid orders created at or before t.
func (s *Store) ListPendingCreatedBefore(ctx context.Context, t time.Time) ([]*billing.Subscription, error) {
	rows, err := s.q.SubscriptionListPendingCreatedBefore(ctx, t)
	if err != nil {
		return nil, s.translate(err, "subscriptions")
	}
	return subscriptionsFromRows(rows)
}

// LinkGatewaySubscription records a gateway's id of a subscription.
func (s *Store) LinkGatewaySubscription(ctx context.Context, subID int64, gateway, gatewaySubID string, now time.Time) error {
	err := s.writeQ().GatewaySubscriptionInsert(ctx, dbsqlc.GatewaySubscriptionInsertParams{
		SubscriptionID: subID, Gateway: gateway, GatewaySubscriptionID: gatewaySubID, CreatedAt: now,
	})
	return s.translate(err, "gateway subscription")
}

// GatewaySubscriptions returns a subscription's ids at gateways.
func (s *Store) GatewaySubscriptions(ctx context.Context, subID int64) (map[string]string, error) {
	rows, err := s.q.GatewaySubscriptionList(ctx, subID)
	if err != nil {
		return nil, s.translate(err, "gateway subscriptions")
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.Gateway] = r.GatewaySubscriptionID
	}
	return out, nil
}

// UnlinkGatewaySubscription forgets a gateway's id of a subscription, if it
// is still the one linked.
func (s *Store) UnlinkGatewaySubscription(ctx context.Context, subID int64, gateway, gatewaySubID string) error {
	n, err := s.writeQ().GatewaySubscriptionDelete(ctx, dbsqlc.GatewaySubscriptionDeleteParams{
		SubscriptionID: subID, Gateway: gateway, GatewaySubscriptionID: gatewaySubID,
	})
	if err != nil {
		return s.translate(err, "gateway subscription")
	}
	if n == 0 {
		return platform.Errorf(platform.ENOTFOUND, "subscription %d has no %s subscription %s", subID, gateway, gatewaySubID)
	}
	return nil
}

// GatewaysBillingCustomer maps a customer's gateway-billed subscriptions
// to the gateways, in one query.
func (s *Store) GatewaysBillingCustomer(ctx context.Context, customerID int64) (map[int64][]string, error) {
	rows, err := s.q.GatewaySubscriptionListByCustomer(ctx, customerID)
	if err != nil {
		return nil, s.translate(err, "gateway subscriptions")
	}
	out := map[int64][]string{}
	for _, r := range rows {
		out[r.SubscriptionID] = append(out[r.SubscriptionID], r.Gateway)
	}
	return out, nil
}

func optionsJSON(opts []billing.OptionChoice) (string, error) {
	if opts == nil {
		opts = []billing.OptionChoice{}
	}
	b, err := json.Marshal(opts)
	if err != nil {
		return "", platform.Invalid("options", "options are not JSON: %v", err)
	}
	return string(b), nil
}

func subscriptionsFromRows(rows []dbsqlc.Subscription) ([]*billing.Subscription, error) {
	subs := make([]*billing.Subscription, 0, len(rows))
	for _, r := range rows {
		sub, err := subscriptionFromRow(r)
		if err != nil {
			return nil, err
		}
		subs = append(subs, sub)
	}
	return subs, nil
}

func subscriptionFromRow(r dbsqlc.Subscription) (*billing.Subscription, error) {
	sub := &billing.Subscription{
		ID: r.ID, CustomerID: r.CustomerID, PlanID: r.PlanID, Currency: r.Currency,
		Cycle: billing.Cycle(r.Cycle), Status: billing.SubscriptionStatus(r.Status),
		Anchor: r.AnchorAt.UTC(), CurrentPeriodStart: r.CurrentPeriodStart.UTC(),
		CurrentPeriodEnd: r.CurrentPeriodEnd.UTC(), InvoicedThrough: r.InvoicedThrough.UTC(),
		TrialEnd: timeOf(r.TrialEnd), CancelAtPeriodEnd: r.CancelAtPeriodEnd, CancelReason: r.CancelReason,
		CancelledAt: timeOf(r.CancelledAt), SuspendHold: r.SuspendHold, CouponID: r.CouponID.Int64,
		CouponCyclesLeft: int(r.CouponCyclesLeft), SuspendedAt: timeOf(r.SuspendedAt), Backordered: r.Backordered,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), PaymentMethodID: r.PaymentMethodID.Int64,
	}
	if err := json.Unmarshal([]byte(r.OptionsJson), &sub.Options); err != nil {
		return nil, platform.Errorf(platform.EINTERNAL, "subscription %d options: %v", r.ID, err)
	}
	return sub, nil
}
