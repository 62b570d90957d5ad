package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/sqlstore/internal/dbsqlc"
	"ezscale.cloud/platform/billing"
)

// CreateCoupon inserts a coupon.
func (s *Store) CreateCoupon(ctx context.Context, c *billing.Coupon) error {
	if err := c.Validate(); err != nil {
		return err
	}
	amounts, err := json.Marshal(c.AmountsOff)
	if err != nil || c.AmountsOff == nil {
		amounts = []byte("{}")
	}
	plans, err := json.Marshal(c.PlanIDs)
	if err != nil || c.PlanIDs == nil {
		plans = []byte("[]")
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = platform.SystemClock{}.Now()
	}
	id, err := s.writeQ().CouponInsert(ctx, dbsqlc.CouponInsertParams{
		Code: c.Code, Kind: string(c.Kind), PercentPpm: int64(c.Percent), AmountsOffJson: string(amounts),
		PlanIdsJson: string(plans), MaxUses: c.MaxUses, TimesUsed: c.TimesUsed, OncePerCustomer: c.OncePerCustomer,
		ExpiresAt: nullTime(c.ExpiresAt), Duration: string(c.Duration), DurationCycles: int64(c.DurationCycles),
		TrialExtensionDays: int64(c.TrialExtensionDays), Active: c.Active, CreatedAt: c.CreatedAt,
	})
	if err != nil {
		return s.translate(err, "coupon "+c.Code)
	}
	c.ID = id
	return nil
}

// GetCouponByCode returns the coupon with the given code.
func (s *Store) GetCouponByCode(ctx context.Context, code string) (*billing.Coupon, error) {
	r, err := s.q.CouponGetByCode(ctx, billing.NormalizeCouponCode(code))
	if err != nil {
		return nil, s.translate(err, "coupon")
	}
	return couponFromRow(r)
}

// GetCoupon returns the coupon with the given id.
func (s *Store) GetCoupon(ctx context.Context, id int64) (*billing.Coupon, error) {
	r, err := s.q.CouponGetByID(ctx, id)
	if err != nil {
		return nil, s.translate(err, "coupon")
	}
	return couponFromRow(r)
}

// ListCoupons returns the coupons, newest first.
func (s *Store) ListCoupons(ctx context.Context) ([]*billing.Coupon, error) {
	rows, err := s.q.CouponList(ctx)
	if err != nil {
		return nil, s.translate(err, "coupons")
	}
	out := make([]*billing.Coupon, 0, len(rows))
	for _, r := range rows {
		c, err := couponFromRow(r)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// SetCouponActive switches a coupon on or off.
func (s *Store) SetCouponActive(ctx context.Context, id int64, active bool) error {
	n, err := s.writeQ().CouponSetActive(ctx, dbsqlc.CouponSetActiveParams{Active: active, ID: id})
	return s.rowChanged(n, err, "coupon")
}

// RedeemCoupon counts one use atomically and records the redemption; both
// happen in one transaction so a refused redemption takes no use.
func (s *Store) RedeemCoupon(ctx context.Context, c *billing.Coupon, customerID, subscriptionID int64, now time.Time) error {
	return s.inTx(ctx, func(t *Store) error {
		n, err := t.q.CouponTakeUse(ctx, c.ID)
		if err != nil {
			return t.translate(err, "coupon")
		}
		if n == 0 {
			return &platform.Error{Code: platform.ECONFLICT, Field: "coupon", Message: "coupon " + c.Code + " has no uses left"}
		}
		var once sql.NullInt64
		if c.OncePerCustomer {
			once = sql.NullInt64{Int64: customerID, Valid: true}
		}
		err = t.q.CouponRedemptionInsert(ctx, dbsqlc.CouponRedemptionInsertParams{
			CouponID: c.ID, CustomerID: customerID, SubscriptionID: nullID(subscriptionID), OnceKey: once, CreatedAt: now,
		})
		if t.dialect.IsUniqueViolation(err) {
			return &platform.Error{Code: platform.ECONFLICT, Field: "coupon", Message: "coupon " + c.Code + " was already used by this customer"}
		}
		return t.translate(err, "coupon redemption")
	})
}

func couponFromRow(r dbsqlc.Coupon) (*billing.Coupon, error) {
	c := &billing.Coupon{
		ID: r.ID, Code: r.Code, Kind: billing.CouponKind(r.Kind), Percent: billing.Rate(r.PercentPpm),
		MaxUses: r.MaxUses, TimesUsed: r.TimesUsed, OncePerCustomer: r.OncePerCustomer, ExpiresAt: timeOf(r.ExpiresAt),
		Duration: billing.CouponDuration(r.Duration), DurationCycles: int(r.DurationCycles),
		TrialExtensionDays: int(r.TrialExtensionDays), Active: r.Active, CreatedAt: r.CreatedAt.UTC(),
	}
	if err := json.Unmarshal([]byte(r.AmountsOffJson), &c.AmountsOff); err != nil {
		return nil, platform.Errorf(platform.EINTERNAL, "coupon %d amounts: %v", r.ID, err)
	}
	if err := json.Unmarshal([]byte(r.PlanIdsJson), &c.PlanIDs); err != nil {
		return nil, platform.Errorf(platform.EINTERNAL, "coupon %d plans: %v", r.ID, err)
	}
	return c, nil
}
