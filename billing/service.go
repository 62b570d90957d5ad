package billing

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"ezscale.cloud/platform"
)

// Config holds the business settings billing runs by.
type Config struct {
	// InvoiceNumbers and CreditNoteNumbers are the numbering patterns.
	InvoiceNumbers    NumberPattern `json:"invoice_numbers"`
	CreditNoteNumbers NumberPattern `json:"credit_note_numbers"`
	// NumberingMode says whether invoices are numbered at finalisation or,
	// in proforma mode, only when paid.
	NumberingMode NumberingMode `json:"numbering_mode" enum:"finalize,proforma"`
	// RenewalLeadDays is how many days before a period starts its invoice
	// is made (hourly subscriptions are invoiced when the period starts).
	RenewalLeadDays int `json:"renewal_lead_days"`
	// Company is the seller's billing identity, frozen onto each invoice.
	Company BillingDetails `json:"company"`
	Tax     TaxSettings    `json:"tax"`
	Dunning DunningPolicy  `json:"dunning"`
}

// DefaultConfig returns the settings of a new installation: yearly-reset
// numbers INV-2026-000001, numbering at finalisation, renewal invoices 7 days
// ahead (Paymenter's default) and the default dunning policy.
func DefaultConfig() Config {
	return Config{
		InvoiceNumbers:    NumberPattern{Pattern: "INV-{YYYY}-{SEQ:6}", YearlyReset: true},
		CreditNoteNumbers: NumberPattern{Pattern: "CN-{YYYY}-{SEQ:6}", YearlyReset: true},
		NumberingMode:     NumberAtFinalize,
		RenewalLeadDays:   7,
		Company:           BillingDetails{Name: "EZSCALE Hosting", Country: "US"},
		Tax:               TaxSettings{SellerCountry: "US"},
		Dunning:           DefaultDunningPolicy(),
	}
}

// Validate checks the settings and names the field at fault.
func (c Config) Validate() error {
	if err := c.InvoiceNumbers.Validate(); err != nil {
		return platform.UnderField("invoice_numbers", err)
	}
	if err := c.CreditNoteNumbers.Validate(); err != nil {
		return platform.UnderField("credit_note_numbers", err)
	}
	if c.InvoiceNumbers.Pattern == c.CreditNoteNumbers.Pattern {
		return platform.Invalid("credit_note_numbers", "credit notes need a pattern of their own")
	}
	switch c.NumberingMode {
	case NumberAtFinalize, NumberOnPayment:
	default:
		return platform.Invalid("numbering_mode", "unknown numbering mode %q", c.NumberingMode)
	}
	if c.RenewalLeadDays < 0 || c.RenewalLeadDays > 60 {
		return platform.Invalid("renewal_lead_days", "must be 0 to 60 days")
	}
	if c.Company.Name == "" {
		return platform.Invalid("company.name", "the company name is printed on every invoice")
	}
	return platform.UnderField("dunning", c.Dunning.Validate())
}

// Service holds billing's use cases. It depends only on ports.
type Service struct {
	store   Store
	gateway Gateway
	// others are gateways that take payments beside the card gateway
	// (PayPal), which refunds go back through when they took the money.
	others []Gateway
	clock  platform.Clock
	// cfg is swapped whole when staff change the settings, so an
	// operation that loads it once sees one consistent version.
	cfg atomic.Pointer[Config]
}

// NewService returns the billing service over a store and a gateway.
func NewService(store Store, gateway Gateway, clock platform.Clock, cfg Config) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Service{store: store, gateway: gateway, clock: clock}
	s.cfg.Store(&cfg)
	return s, nil
}

// AddGateway adds a gateway that takes payments beside the card gateway
// (PayPal), so that money it took can be refunded the same way. Call it
// while setting up, before the service is used.
func (s *Service) AddGateway(g Gateway) { s.others = append(s.others, g) }

// Config returns the settings billing runs by now.
func (s *Service) Config() Config { return *s.cfg.Load() }

// SetConfig replaces the settings once they validate; operations already
// running finish with the settings they started with.
func (s *Service) SetConfig(cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	s.cfg.Store(&cfg)
	return nil
}

func (s *Service) config() *Config { return s.cfg.Load() }

func (s *Service) now() time.Time { return platform.Truncate(s.clock.Now()) }

// CreatePlan adds a plan to the catalog.
func (s *Service) CreatePlan(ctx context.Context, p *Plan) error {
	if p.CreatedAt.IsZero() {
		p.CreatedAt = s.now()
	}
	return s.store.CreatePlan(ctx, p)
}

// Plan returns a plan with its prices, options and upgrade targets.
func (s *Service) Plan(ctx context.Context, id int64) (*Plan, error) {
	return s.store.GetPlan(ctx, id)
}

// CreateCoupon adds a coupon, with its code normalised.
func (s *Service) CreateCoupon(ctx context.Context, c *Coupon) error {
	c.Code = NormalizeCouponCode(c.Code)
	if c.CreatedAt.IsZero() {
		c.CreatedAt = s.now()
	}
	return s.store.CreateCoupon(ctx, c)
}

// ListCoupons returns every coupon, newest first, for staff.
func (s *Service) ListCoupons(ctx context.Context) ([]*Coupon, error) {
	return s.store.ListCoupons(ctx)
}

// SetCouponActive retires a coupon (or brings it back) without deleting
// it: subscriptions that redeemed it keep their discount, new orders
// cannot use it.
func (s *Service) SetCouponActive(ctx context.Context, id int64, active bool) error {
	return s.store.SetCouponActive(ctx, id, active)
}

// CreateTaxRate adds a dated tax rate.
func (s *Service) CreateTaxRate(ctx context.Context, r *TaxRate) error {
	return s.store.CreateTaxRate(ctx, r)
}

// SubscribeRequest is a customer's order of a plan. Prices always come from
// the catalog, never from the request.
type SubscribeRequest struct {
	CustomerID int64
	PlanID     int64
	Currency   string
	Cycle      Cycle
	Options    []OptionChoice
	CouponCode string
}

// Subscribe places an order: a pending subscription with its first invoice
// (plan, options, setup fee, discount and tax), or a trialing subscription
// without one when the plan (or the coupon) gives a trial. Stock, coupon use
// and both records commit together or not at all.
func (s *Service) Subscribe(ctx context.Context, req SubscribeRequest) (*Subscription, *Invoice, error) {
	now := s.now()
	req.Currency = strings.ToUpper(req.Currency)
	var sub *Subscription
	var inv *Invoice
	err := s.store.InTx(ctx, func(tx Store) error {
		customer, err := tx.GetCustomer(ctx, req.CustomerID)
		if err != nil {
			return err
		}
		plan, err := tx.GetPlan(ctx, req.PlanID)
		if err != nil {
			return err
		}
		if err := plan.Orderable(); err != nil {
			return err
		}
		if _, err := RecurringAmount(plan, req.Currency, req.Cycle, req.Options); err != nil {
			return err
		}
		var coupon *Coupon
		if req.CouponCode != "" {
			if coupon, err = tx.GetCouponByCode(ctx, req.CouponCode); err != nil {
				if platform.ErrorCode(err) == platform.ENOTFOUND {
					return platform.Invalid("coupon", "no coupon %q", req.CouponCode)
				}
				return err
			}
			if err := coupon.CheckApplicable(plan.ID, req.Currency, now); err != nil {
				return err
			}
		}
		backordered := false
		if err := tx.TakeStock(ctx, plan.ID, now); err != nil {
			if platform.ErrorCode(err) != platform.ECONFLICT || plan.Type != ServiceDedicated {
				return err
			}
			backordered = true
		}

		sub = &Subscription{
			CustomerID: customer.ID, PlanID: plan.ID, Currency: req.Currency, Cycle: req.Cycle,
			Options: req.Options, CreatedAt: now, UpdatedAt: now, Backordered: backordered,
		}
		trialDays := plan.TrialDays
		if coupon != nil {
			sub.CouponID = coupon.ID
			sub.CouponCyclesLeft = coupon.Cycles()
			if trialDays > 0 {
				trialDays += coupon.TrialExtensionDays
			}
		}
		if trialDays > 0 {
			end := now.AddDate(0, 0, trialDays)
			sub.Status, sub.TrialEnd = SubTrialing, end
			sub.Anchor, sub.CurrentPeriodStart, sub.CurrentPeriodEnd, sub.InvoicedThrough = end, now, end, end
		} else {
			end := req.Cycle.Next(now, now)
			sub.Status = SubPending
			sub.Anchor, sub.CurrentPeriodStart, sub.CurrentPeriodEnd, sub.InvoicedThrough = now, now, end, end
		}
		// The first invoice uses the coupon's first cycle.
		var firstCoupon *Coupon
		if coupon != nil && trialDays == 0 {
			firstCoupon = coupon
			sub.CouponCyclesLeft = nextCouponCycles(sub.CouponCyclesLeft)
		}
		if err := tx.CreateSubscription(ctx, sub); err != nil {
			return err
		}
		if coupon != nil {
			if err := tx.RedeemCoupon(ctx, coupon, customer.ID, sub.ID, now); err != nil {
				return err
			}
		}
		if sub.Status == SubTrialing {
			return nil
		}
		taxes, err := tx.ListTaxRates(ctx)
		if err != nil {
			return err
		}
		inv, err = s.draftSubscriptionInvoice(plan, sub, customer, taxes, firstCoupon, ReasonSubscriptionCreate,
			sub.CurrentPeriodStart, sub.CurrentPeriodEnd, true, now)
		if err != nil {
			return err
		}
		inv.DueAt = now
		if err := s.issue(ctx, tx, now, inv); err != nil {
			return err
		}
		return s.applyCredit(ctx, tx, inv, now)
	})
	if err != nil {
		return nil, nil, err
	}
	return sub, inv, nil
}

// nextCouponCycles counts down a coupon's remaining cycles after one is
// used; a negative count (forever) stays as it is.
func nextCouponCycles(left int) int {
	if left > 0 {
		return left - 1
	}
	return left
}

// draftSubscriptionInvoice builds the invoice of one period of a
// subscription: plan and options at catalog prices, the setup fee when
// asked, the coupon's discount on the recurring part, and tax.
func (s *Service) draftSubscriptionInvoice(plan *Plan, sub *Subscription, customer *Customer, taxes TaxTable,
	coupon *Coupon, reason BillingReason, start, end time.Time, withSetup bool, now time.Time) (*Invoice, error) {
	price, err := plan.Price(sub.Currency, sub.Cycle)
	if err != nil {
		return nil, err
	}
	inv := s.newInvoice(customer, sub.Currency, reason, now)
	inv.SubscriptionID, inv.PeriodStart, inv.PeriodEnd = sub.ID, start, end
	if reason == ReasonSubscriptionCycle {
		inv.RenewalKey = fmt.Sprintf("%d@%s", sub.ID, start.Format(time.RFC3339))
	}
	inv.Items = append(inv.Items, InvoiceItem{
		Kind: ItemPlan, Description: fmt.Sprintf("%s (%s)", plan.Name, sub.Cycle), Quantity: 1,
		UnitAmount: price.Amount, Amount: price.Amount, PeriodStart: start, PeriodEnd: end,
	})
	recurring := price.Amount
	for _, ch := range sub.Options {
		o, ok := plan.Option(ch.OptionID)
		if !ok || ch.Units == 0 {
			continue
		}
		up, err := o.UnitPrice(sub.Currency, sub.Cycle)
		if err != nil {
			return nil, err
		}
		line, err := Money{Amount: up.Amount, Currency: sub.Currency}.Mul(ch.Units)
		if err != nil {
			return nil, err
		}
		recurring += line.Amount
		inv.Items = append(inv.Items, InvoiceItem{
			Kind: ItemOption, Description: o.Name, Quantity: ch.Units, UnitAmount: up.Amount, Amount: line.Amount,
			PeriodStart: start, PeriodEnd: end,
		})
	}
	if withSetup && price.SetupFee > 0 {
		inv.Items = append(inv.Items, InvoiceItem{
			Kind: ItemSetup, Description: "Setup fee", Quantity: 1, UnitAmount: price.SetupFee, Amount: price.SetupFee,
		})
	}
	if coupon != nil {
		off, err := coupon.Discount(Money{Amount: recurring, Currency: sub.Currency})
		if err != nil {
			return nil, err
		}
		if off.IsPositive() {
			inv.Items = append(inv.Items, InvoiceItem{
				Kind: ItemDiscount, Description: "Coupon " + coupon.Code, Quantity: 1,
				UnitAmount: -off.Amount, Amount: -off.Amount,
			})
		}
	}
	if err := inv.ComputeTotals(DecideTax(s.config().Tax, taxes, customer.Tax, now)); err != nil {
		return nil, err
	}
	return inv, nil
}

// newInvoice starts a draft with both parties' details frozen as they are.
func (s *Service) newInvoice(customer *Customer, currency string, reason BillingReason, now time.Time) *Invoice {
	details := customer.Details
	if details.Email == "" {
		details.Email = customer.Email
	}
	return &Invoice{
		Kind: KindInvoice, Reason: reason, CustomerID: customer.ID, Currency: currency, Status: InvoiceDraft,
		Customer: details, Company: s.config().Company, CreatedAt: now,
	}
}

// issue finalises drafts (each due at its DueAt), numbers them when the
// numbering mode says so from one block of the sequence, and saves them
// with the job that emails each to its customer: a new draft is inserted,
// one already stored is updated. A zero invoice is paid on the spot.
func (s *Service) issue(ctx context.Context, tx Store, now time.Time, invs ...*Invoice) error {
	var numbered []*Invoice
	for _, inv := range invs {
		if err := inv.Finalize(now, inv.DueAt); err != nil {
			return err
		}
		if s.config().NumberingMode == NumberAtFinalize || inv.Status == InvoicePaid {
			numbered = append(numbered, inv)
		}
	}
	if err := s.assignNumbers(ctx, tx, now, numbered...); err != nil {
		return err
	}
	for _, inv := range invs {
		save := tx.CreateInvoice
		if inv.ID != 0 {
			save = tx.UpdateInvoice
		}
		if err := save(ctx, inv); err != nil {
			return err
		}
		if inv.Status == InvoiceOpen {
			err := enqueue(ctx, tx, platform.JobInvoiceCreated, fmt.Sprintf("invoice.created:%d", inv.ID), now,
				map[string]any{"invoice_id": inv.ID})
			if err != nil {
				return err
			}
		}
		if inv.Status == InvoicePaid {
			if err := s.onPaid(ctx, tx, inv, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// assignNumbers gives invoices or credit notes (all of one kind) the next
// numbers of their sequence, in order; inside tx, so a rollback gives the
// numbers back and the sequence stays gapless.
func (s *Service) assignNumbers(ctx context.Context, tx Store, now time.Time, invs ...*Invoice) error {
	var todo []*Invoice
	for _, inv := range invs {
		if inv.Number == "" {
			todo = append(todo, inv)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	cfg := s.config()
	pattern := cfg.InvoiceNumbers
	if todo[0].Kind == KindCreditNote {
		pattern = cfg.CreditNoteNumbers
	}
	first, err := tx.ReserveNumbers(ctx, pattern.Scope(now), int64(len(todo)))
	if err != nil {
		return err
	}
	for i, inv := range todo {
		inv.Number = pattern.Format(now, first+int64(i))
	}
	return nil
}

// applyCredit pays as much of an open invoice as the customer's credit
// balance covers.
func (s *Service) applyCredit(ctx context.Context, tx Store, inv *Invoice, now time.Time) error {
	if inv.Status != InvoiceOpen {
		return nil
	}
	balance, err := tx.CreditBalance(ctx, inv.CustomerID, inv.Currency)
	if err != nil || balance <= 0 {
		return err
	}
	amount := min(balance, inv.AmountDue())
	paid, err := inv.ApplyPayment(amount, now)
	if err != nil {
		return err
	}
	err = tx.AddCredit(ctx, CreditEntry{
		CustomerID: inv.CustomerID, Currency: inv.Currency, Amount: -amount,
		Reason: "applied to invoice", InvoiceID: inv.ID, CreatedAt: now,
	})
	if err != nil {
		return err
	}
	if paid {
		return s.onPaid(ctx, tx, inv, now)
	}
	return tx.UpdateInvoice(ctx, inv)
}

// onPaid does what a fully paid invoice causes, inside the transaction
// that recorded the payment: the number in proforma mode, the subscription's
// activation, renewal or plan change, and the invoice.paid job that
// provisioning and notifications act on.
func (s *Service) onPaid(ctx context.Context, tx Store, inv *Invoice, now time.Time) error {
	if err := s.assignNumbers(ctx, tx, now, inv); err != nil {
		return err
	}
	if err := tx.UpdateInvoice(ctx, inv); err != nil {
		return err
	}
	if inv.SubscriptionID != 0 {
		if err := s.advanceSubscription(ctx, tx, inv, now); err != nil {
			return err
		}
	}
	return enqueue(ctx, tx, platform.JobInvoicePaid, fmt.Sprintf("invoice.paid:%d", inv.ID), now,
		map[string]any{"invoice_id": inv.ID, "subscription_id": inv.SubscriptionID, "reason": inv.Reason})
}

// advanceSubscription applies a paid invoice to its subscription.
func (s *Service) advanceSubscription(ctx context.Context, tx Store, inv *Invoice, now time.Time) error {
	sub, err := tx.GetSubscription(ctx, inv.SubscriptionID)
	if err != nil {
		return err
	}
	switch inv.Reason {
	case ReasonSubscriptionUpdate:
		if inv.PlanChange == nil {
			return nil
		}
		return s.applyChange(ctx, tx, sub, inv.PlanChange, now)
	case ReasonSubscriptionCreate, ReasonSubscriptionCycle:
	default:
		return nil
	}
	wasBilled := sub.Status == SubActive || sub.Status == SubPastDue || sub.Status == SubSuspended
	if inv.PeriodEnd.After(sub.CurrentPeriodEnd) {
		sub.CurrentPeriodStart, sub.CurrentPeriodEnd = inv.PeriodStart, inv.PeriodEnd
	}
	switch sub.Status {
	case SubPending, SubTrialing, SubPastDue:
		if err := sub.TransitionTo(SubActive, now); err != nil {
			return err
		}
	case SubSuspended:
		if err := sub.TransitionTo(SubActive, now); err != nil {
			return err
		}
		if err := enqueue(ctx, tx, platform.JobServiceResume, "", now, map[string]any{"subscription_id": sub.ID}); err != nil {
			return err
		}
	}
	sub.UpdatedAt = now
	if err := tx.UpdateSubscription(ctx, sub); err != nil {
		return err
	}
	if wasBilled {
		return nil // renewing a billed subscription leaves its MRR as it was
	}
	mrr, err := s.monthlyRecurring(ctx, tx, sub)
	if err != nil {
		return err
	}
	return s.recordMRR(ctx, tx, sub, 0, mrr, now)
}

// monthlyRecurring is a subscription's list price normalised to a month,
// in minor units of its currency.
func (s *Service) monthlyRecurring(ctx context.Context, tx Store, sub *Subscription) (int64, error) {
	plan, err := tx.GetPlan(ctx, sub.PlanID)
	if err != nil {
		return 0, err
	}
	amount, err := RecurringAmount(plan, sub.Currency, sub.Cycle, sub.Options)
	if err != nil {
		return 0, err
	}
	monthly, err := MonthlyAmount(amount, sub.Cycle)
	return monthly.Amount, err
}

func (s *Service) recordMRR(ctx context.Context, tx Store, sub *Subscription, before, after int64, now time.Time) error {
	if before == after {
		return nil
	}
	return tx.RecordMRREvent(ctx, MRREvent{
		At: now, SubscriptionID: sub.ID, CustomerID: sub.CustomerID, PlanID: sub.PlanID,
		Currency: sub.Currency, Before: before, After: after,
	})
}

// enqueue writes a job with a JSON payload to the outbox.
func enqueue(ctx context.Context, tx Store, kind, dedupe string, runAt time.Time, payload any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("job %s payload: %w", kind, err)
	}
	return tx.EnqueueJob(ctx, &platform.Job{Kind: kind, DedupeKey: dedupe, Payload: b, RunAt: runAt, CreatedAt: runAt})
}
