// Package sandbox is the sandbox payment gateway: a stateful, in-memory
// gateway for the zero-infrastructure default, for tests and for examples.
// It moves no money and says "sandbox" wherever it shows (its name, every
// id it makes). It behaves as the billing.Gateway contract demands of a
// real one: the same idempotency key yields the same charge, cards approve
// and decline by Stripe's published test payment methods, and refunds
// never exceed what was charged. It passes the same contract suite as the
// real adapters.
package sandbox

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"sync"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/billing"
)

// Test payment methods, named as Stripe's test PaymentMethods are.
const (
	CardVisa               = "pm_card_visa"
	CardMastercard         = "pm_card_mastercard"
	CardDeclined           = "pm_card_chargeDeclined"
	CardInsufficientFunds  = "pm_card_chargeDeclinedInsufficientFunds"
	CardAuthenticationReqd = "pm_card_authenticationRequired"
)

// Gateway is the sandbox gateway. The zero value is not usable; call New.
type Gateway struct {
	mu sync.Mutex
	// run tags every id this gateway makes: the gateway forgets its charges
	// when the process ends, but the database remembers their ids, so a
	// restarted sandbox must never make an id an earlier run made.
	run     string
	seq     int
	order   []string // charge ids, oldest first
	charges map[string]*Charge
	byKey   map[string]keyed
}

// Charge is a charge the sandbox made, for tests to inspect.
type Charge struct {
	ID       string
	Request  billing.ChargeRequest
	Status   billing.ChargeStatus
	Refunded int64
}

type keyed struct {
	fingerprint string
	charge      *billing.ChargeResult
	refund      *billing.RefundResult
}

var (
	_ billing.Gateway        = (*Gateway)(nil)
	_ billing.PaymentChecker = (*Gateway)(nil)
)

// New returns an empty sandbox gateway.
func New() *Gateway {
	return &Gateway{run: strings.ToLower(rand.Text()[:8]), charges: map[string]*Charge{}, byKey: map[string]keyed{}}
}

// savedPrefix starts the ids of saved payment methods, which carry the
// test card they behave as ("pm_sandbox_visa_RUN_SEQ") so that they still
// work after a restart.
const savedPrefix = "pm_sandbox_"

// testCardOf returns the test card a payment method id stands for: a
// saved one's card, or the id itself.
func testCardOf(pmID string) string {
	if rest, ok := strings.CutPrefix(pmID, savedPrefix); ok {
		if card, _, ok := strings.Cut(rest, "_"); ok {
			return "pm_card_" + card
		}
	}
	return pmID
}

// SavePaymentMethod saves a test card as a new payment method with an id of
// its own, as attaching Stripe's pm_card_visa to a customer yields a fresh
// pm_… id, and returns that id.
func (g *Gateway) SavePaymentMethod(testCard string) (string, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch testCard {
	case CardVisa, CardMastercard, CardDeclined, CardInsufficientFunds, CardAuthenticationReqd:
	default:
		return "", platform.Invalid("payment_method", "no such test card %q", testCard)
	}
	g.seq++
	id := fmt.Sprintf("%s%s_%s_%d", savedPrefix, strings.TrimPrefix(testCard, "pm_card_"), g.run, g.seq)
	return id, nil
}

// CheckConnection always succeeds: the sandbox runs in this process.
func (g *Gateway) CheckConnection(context.Context) error { return nil }

// Name returns "sandbox".
func (g *Gateway) Name() string { return "sandbox" }

// Charge charges a test payment method once per idempotency key.
func (g *Gateway) Charge(ctx context.Context, req billing.ChargeRequest) (billing.ChargeResult, error) {
	if req.IdempotencyKey == "" {
		return billing.ChargeResult{}, platform.Invalid("idempotency_key", "every charge needs an idempotency key")
	}
	if !req.Amount.IsPositive() {
		return billing.ChargeResult{}, platform.Invalid("amount", "charge amount must be positive")
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	fp := fmt.Sprintf("charge|%s|%s|%s", req.PaymentMethodID, req.Amount.Currency, req.Amount.Decimal())
	if k, ok := g.byKey[req.IdempotencyKey]; ok {
		if k.fingerprint != fp || k.charge == nil {
			return billing.ChargeResult{}, platform.Errorf(platform.ECONFLICT, "idempotency key %q was used with other parameters", req.IdempotencyKey)
		}
		return *k.charge, nil
	}
	res := billing.ChargeResult{Amount: req.Amount}
	switch testCardOf(req.PaymentMethodID) {
	case CardVisa, CardMastercard:
		res.Status = billing.ChargeSucceeded
		res.Fee = req.Amount.Amount*29/1000 + 30 // 2.9% + 30, a typical card fee
	case CardDeclined:
		res.Status, res.FailureMessage = billing.ChargeFailed, "Your card was declined."
	case CardInsufficientFunds:
		res.Status, res.FailureMessage = billing.ChargeFailed, "Your card has insufficient funds."
	case CardAuthenticationReqd:
		res.Status, res.FailureMessage = billing.ChargeRequiresAction, "This payment requires authentication."
	default:
		return billing.ChargeResult{}, platform.Invalid("payment_method", "no such payment method %q", req.PaymentMethodID)
	}
	g.seq++
	res.ID = fmt.Sprintf("ch_sandbox_%s_%d", g.run, g.seq)
	g.charges[res.ID] = &Charge{ID: res.ID, Request: req, Status: res.Status}
	g.order = append(g.order, res.ID)
	g.byKey[req.IdempotencyKey] = keyed{fingerprint: fp, charge: &res}
	return res, nil
}

// Refund returns money of a succeeded charge, once per idempotency key.
func (g *Gateway) Refund(ctx context.Context, req billing.RefundRequest) (billing.RefundResult, error) {
	if req.IdempotencyKey == "" {
		return billing.RefundResult{}, platform.Invalid("idempotency_key", "every refund needs an idempotency key")
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	fp := fmt.Sprintf("refund|%s|%s|%s", req.ChargeID, req.Amount.Currency, req.Amount.Decimal())
	if k, ok := g.byKey[req.IdempotencyKey]; ok {
		if k.fingerprint != fp || k.refund == nil {
			return billing.RefundResult{}, platform.Errorf(platform.ECONFLICT, "idempotency key %q was used with other parameters", req.IdempotencyKey)
		}
		return *k.refund, nil
	}
	ch, ok := g.charges[req.ChargeID]
	if !ok {
		return billing.RefundResult{}, platform.Errorf(platform.ENOTFOUND, "no charge %q", req.ChargeID)
	}
	if ch.Status != billing.ChargeSucceeded {
		return billing.RefundResult{}, platform.Errorf(platform.ECONFLICT, "charge %s did not succeed", ch.ID)
	}
	if req.Amount.Currency != ch.Request.Amount.Currency {
		return billing.RefundResult{}, platform.Invalid("amount", "refund in %s of a charge in %s", req.Amount.Currency, ch.Request.Amount.Currency)
	}
	if !req.Amount.IsPositive() || req.Amount.Amount > ch.Request.Amount.Amount-ch.Refunded {
		return billing.RefundResult{}, platform.Invalid("amount", "refund of %s exceeds the %d left on charge %s", req.Amount, ch.Request.Amount.Amount-ch.Refunded, ch.ID)
	}
	ch.Refunded += req.Amount.Amount
	g.seq++
	res := billing.RefundResult{ID: fmt.Sprintf("re_sandbox_%s_%d", g.run, g.seq), Amount: req.Amount}
	g.byKey[req.IdempotencyKey] = keyed{fingerprint: fp, refund: &res}
	return res, nil
}

// PaymentStatus reports how a charge stands, for reconciliation.
func (g *Gateway) PaymentStatus(ctx context.Context, chargeID string) (billing.ChargeResult, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	ch, ok := g.charges[chargeID]
	if !ok {
		return billing.ChargeResult{}, platform.Errorf(platform.ENOTFOUND, "no charge %q", chargeID)
	}
	return billing.ChargeResult{ID: ch.ID, Status: ch.Status, Amount: ch.Request.Amount}, nil
}

// Authenticate plays a customer finishing a charge that required
// authentication: the charge succeeds, and no webhook tells anyone.
func (g *Gateway) Authenticate(chargeID string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	ch, ok := g.charges[chargeID]
	if !ok || ch.Status != billing.ChargeRequiresAction {
		return platform.Errorf(platform.ECONFLICT, "charge %q is not waiting for authentication", chargeID)
	}
	ch.Status = billing.ChargeSucceeded
	return nil
}

// Charges returns every charge made, successful or not, for inspection.
func (g *Gateway) Charges() []Charge {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]Charge, 0, len(g.order))
	for _, id := range g.order {
		out = append(out, *g.charges[id])
	}
	return out
}
