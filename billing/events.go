package billing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"ezscale.cloud/platform"
)

// EventKind is what a gateway event means to billing, whatever the
// gateway calls it.
type EventKind string

// The event kinds billing acts on; any other event is recorded and
// acknowledged.
const (
	EventPaymentSucceeded EventKind = "payment.succeeded"
	EventPaymentFailed    EventKind = "payment.failed"
	EventRefunded         EventKind = "payment.refunded"
	EventDisputeOpened    EventKind = "dispute.opened"
	// EventSubscriptionCancelled is the customer cancelling the
	// gateway's own subscription (PayPal): no more payments will come, so
	// ours ends with its paid period.
	EventSubscriptionCancelled EventKind = "subscription.cancelled"
	// EventSubscriptionSuspended is the gateway pausing its own billing
	// of a subscription (PayPal, after failed payments): our dunning
	// governs the service, staff are alerted.
	EventSubscriptionSuspended EventKind = "subscription.suspended"
	EventOther                 EventKind = "other"
)

// GatewayEvent is a verified webhook event from a payment gateway, in
// billing's terms. The webhook adapters verify the signature and translate
// the gateway's payload into one.
type GatewayEvent struct {
	Gateway string
	// ID is the gateway's id of the event; a redelivery carries it again.
	ID   string
	Kind EventKind
	// Type is the gateway's own name of the event, kept on record.
	Type      string
	InvoiceID int64
	// SubscriptionID names our subscription when the gateway bills it on
	// its own schedule (PayPal subscriptions): the payment settles the
	// subscription's oldest open renewal invoice.
	SubscriptionID int64
	// PaymentID is the gateway's id of the payment (PaymentIntent,
	// capture); ObjectID is that of the refund or dispute.
	PaymentID string
	ObjectID  string
	Amount    Money
	Fee       int64
	Payload   []byte
}

// HandleGatewayEvent applies a verified gateway event exactly once. The
// event is recorded by its id in the same transaction as its effects, so a
// redelivery is a no-op and a crash midway leaves neither. Effects do not
// depend on the order events arrive in: a refund reported before the
// payment it refunds is recorded as it comes, and the payment is applied
// when it arrives, ending where in-order delivery ends. It reports whether
// the event was new.
func (s *Service) HandleGatewayEvent(ctx context.Context, e GatewayEvent) (bool, error) {
	if e.Gateway == "" || e.ID == "" {
		return false, platform.Invalid("id", "a gateway event needs its gateway and id")
	}
	now := s.now()
	fresh := false
	err := s.store.InTx(ctx, func(tx Store) error {
		var err error
		if fresh, err = tx.RecordGatewayEvent(ctx, e.Gateway, e.ID, e.Type, e.Payload, now); err != nil || !fresh {
			return err
		}
		err = s.applyEvent(ctx, tx, e, now)
		if errors.Is(err, errAlreadyRecorded) {
			return nil // another path (the charge call, reconciliation) got there first
		}
		return err
	})
	return fresh, err
}

func (s *Service) applyEvent(ctx context.Context, tx Store, e GatewayEvent, now time.Time) error {
	if e.SubscriptionID != 0 {
		return s.applySubscriptionEvent(ctx, tx, e, now)
	}
	if e.Kind == EventOther {
		return nil
	}
	if e.InvoiceID == 0 && e.PaymentID != "" {
		// A refund or dispute made at the gateway may not name the
		// invoice; the payment it touches does.
		t, err := tx.GetTransactionByGatewayID(ctx, e.Gateway, e.PaymentID)
		if err != nil && platform.ErrorCode(err) != platform.ENOTFOUND {
			return err
		}
		if err == nil {
			e.InvoiceID = t.InvoiceID
		}
	}
	if e.InvoiceID == 0 {
		return nil // not ours: acknowledged
	}
	inv, err := tx.GetInvoice(ctx, e.InvoiceID)
	if platform.ErrorCode(err) == platform.ENOTFOUND {
		return nil // not ours (another system shares the account): acknowledged
	}
	if err != nil {
		return err
	}
	if e.Amount.Currency != inv.Currency {
		return platform.Invalid("amount", "event %s is in %s for an invoice in %s", e.ID, e.Amount.Currency, inv.Currency)
	}
	switch e.Kind {
	case EventPaymentSucceeded:
		_, err := s.applyPayment(ctx, tx, Payment{InvoiceID: inv.ID, Gateway: e.Gateway, GatewayID: e.PaymentID, Amount: e.Amount, Fee: e.Fee}, now)
		return err
	case EventPaymentFailed:
		err := tx.CreateTransaction(ctx, &Transaction{
			InvoiceID: inv.ID, CustomerID: inv.CustomerID, Gateway: e.Gateway, GatewayID: e.PaymentID, Kind: TxCharge,
			Amount: e.Amount.Amount, Currency: e.Amount.Currency, Status: string(ChargeFailed), CreatedAt: now,
		})
		if platform.ErrorCode(err) == platform.ECONFLICT {
			return nil // the charge is on record already, perhaps as succeeded: keep that
		}
		return err
	case EventRefunded:
		_, err := s.recordRefund(ctx, tx, inv, e.Gateway, e.ObjectID, e.Amount, "refunded at "+e.Gateway, now)
		return err
	case EventDisputeOpened:
		err := tx.CreateTransaction(ctx, &Transaction{
			InvoiceID: inv.ID, CustomerID: inv.CustomerID, Gateway: e.Gateway, GatewayID: e.ObjectID, Kind: TxDispute,
			Amount: e.Amount.Amount, Currency: e.Amount.Currency, Status: "open", CreatedAt: now,
		})
		if platform.ErrorCode(err) == platform.ECONFLICT {
			return errAlreadyRecorded
		}
		if err != nil {
			return err
		}
		payload, err := json.Marshal(map[string]any{"invoice_id": inv.ID, "dispute_id": e.ObjectID, "amount": e.Amount.String()})
		if err != nil {
			return err
		}
		return tx.EnqueueJob(ctx, &platform.Job{Kind: platform.JobPaymentDisputed, Payload: payload, RunAt: now, CreatedAt: now})
	}
	return fmt.Errorf("unknown event kind %q", e.Kind)
}

// applySubscriptionEvent applies an event about one of our subscriptions
// that the gateway bills itself: a payment settles the oldest open renewal
// invoice (or, when renewals have not invoiced the period yet, becomes
// credit the next invoice draws on); a cancellation at the gateway ends
// ours with its paid period.
func (s *Service) applySubscriptionEvent(ctx context.Context, tx Store, e GatewayEvent, now time.Time) error {
	sub, err := tx.GetSubscription(ctx, e.SubscriptionID)
	if platform.ErrorCode(err) == platform.ENOTFOUND {
		return nil // not ours: acknowledged
	}
	if err != nil {
		return err
	}
	switch e.Kind {
	case EventSubscriptionSuspended:
		return enqueue(ctx, tx, platform.JobGatewaySubscriptionSuspended, fmt.Sprintf("%s:%s", platform.JobGatewaySubscriptionSuspended, e.ID), now,
			GatewaySubscriptionJob{SubscriptionID: sub.ID, Gateway: e.Gateway, Reason: "suspended at " + e.Gateway})
	case EventSubscriptionCancelled:
		if sub.CancelAtPeriodEnd || !sub.Live() {
			return nil
		}
		if err := sub.Cancel(now, true, "cancelled at "+e.Gateway); err != nil {
			return err
		}
		return tx.UpdateSubscription(ctx, sub)
	case EventPaymentSucceeded:
		invs, err := tx.ListInvoicesBySubscription(ctx, sub.ID)
		if err != nil {
			return err
		}
		for _, inv := range invs { // oldest first
			if inv.Status == InvoiceOpen && inv.Kind == KindInvoice && inv.Currency == e.Amount.Currency {
				_, err := s.applyPayment(ctx, tx, Payment{InvoiceID: inv.ID, Gateway: e.Gateway, GatewayID: e.PaymentID, Amount: e.Amount, Fee: e.Fee}, now)
				return err
			}
		}
		err = tx.CreateTransaction(ctx, &Transaction{
			CustomerID: sub.CustomerID, Gateway: e.Gateway, GatewayID: e.PaymentID, Kind: TxCharge,
			Amount: e.Amount.Amount, Currency: e.Amount.Currency, Fee: e.Fee, Status: string(ChargeSucceeded), CreatedAt: now,
		})
		if platform.ErrorCode(err) == platform.ECONFLICT {
			return errAlreadyRecorded
		}
		if err != nil {
			return err
		}
		return tx.AddCredit(ctx, CreditEntry{
			CustomerID: sub.CustomerID, Currency: e.Amount.Currency, Amount: e.Amount.Amount,
			Reason: fmt.Sprintf("%s payment %s before its invoice", e.Gateway, e.PaymentID), CreatedAt: now,
		})
	}
	return nil
}

// PaymentChecker asks a gateway how a payment stands; gateways that can be
// reconciled implement it.
type PaymentChecker interface {
	PaymentStatus(ctx context.Context, gatewayPaymentID string) (ChargeResult, error)
}

// Reconcile asks the gateway about every charge created since t that it
// had not settled when last heard of, and applies the ones that have
// succeeded since, so a lost webhook never leaves a paid invoice unpaid.
// Applying is idempotent: whichever of the webhook, the return page and
// this job sees a payment first applies it, the others change nothing. It
// returns how many payments it applied.
func (s *Service) Reconcile(ctx context.Context, checker PaymentChecker, since time.Time) (int, error) {
	pending, err := s.store.ListPendingCharges(ctx, since)
	if err != nil {
		return 0, err
	}
	applied := 0
	for _, t := range pending {
		res, err := checker.PaymentStatus(ctx, t.GatewayID)
		if err != nil {
			return applied, fmt.Errorf("status of %s %s: %w", t.Gateway, t.GatewayID, err)
		}
		if res.Status != ChargeSucceeded {
			continue
		}
		_, err = s.RecordPayment(ctx, Payment{InvoiceID: t.InvoiceID, Gateway: t.Gateway, GatewayID: t.GatewayID, Amount: res.Amount, Fee: res.Fee})
		if err != nil {
			return applied, err
		}
		applied++
	}
	return applied, nil
}

// CustomerInvoice returns one of the customer's invoices; another
// customer's, or a draft the customer was never sent, is an ENOTFOUND, as
// if it did not exist.
func (s *Service) CustomerInvoice(ctx context.Context, customerID, invoiceID int64) (*Invoice, error) {
	inv, err := s.store.GetInvoice(ctx, invoiceID)
	if err != nil {
		return nil, err
	}
	if inv.CustomerID != customerID || inv.Status == InvoiceDraft {
		return nil, platform.Errorf(platform.ENOTFOUND, "invoice not found")
	}
	return inv, nil
}

// PaymentAwaitingAction returns the gateway and id of the invoice's latest
// charge the customer's bank wants them to confirm (3-D Secure), for the
// customer's own invoice only; ECONFLICT when none waits.
func (s *Service) PaymentAwaitingAction(ctx context.Context, customerID, invoiceID int64) (gateway, paymentID string, err error) {
	inv, err := s.CustomerInvoice(ctx, customerID, invoiceID)
	if err != nil {
		return "", "", err
	}
	if inv.Status != InvoiceOpen {
		return "", "", platform.Errorf(platform.ECONFLICT, "invoice %s is %s", inv.Number, inv.Status)
	}
	txs, err := s.store.ListTransactionsByInvoice(ctx, inv.ID)
	if err != nil {
		return "", "", err
	}
	for i := len(txs) - 1; i >= 0; i-- {
		if t := txs[i]; t.Kind == TxCharge && t.Status == string(ChargeRequiresAction) {
			return t.Gateway, t.GatewayID, nil
		}
	}
	return "", "", platform.Errorf(platform.ECONFLICT, "no payment of invoice %s waits for confirmation", inv.Number)
}

// ReconcileInvoice is the payment return page's check: it asks each
// gateway about the invoice's charges still waiting for the customer and
// applies those that succeeded, so a customer coming back from
// authenticating sees the invoice paid whether or not the webhook has
// arrived. It returns the invoice as it now stands.
func (s *Service) ReconcileInvoice(ctx context.Context, customerID, invoiceID int64, checkers map[string]PaymentChecker) (*Invoice, error) {
	inv, err := s.CustomerInvoice(ctx, customerID, invoiceID)
	if err != nil {
		return nil, err
	}
	txs, err := s.store.ListTransactionsByInvoice(ctx, inv.ID)
	if err != nil {
		return nil, err
	}
	for _, t := range txs {
		checker, ok := checkers[t.Gateway]
		if !ok || t.Kind != TxCharge || (t.Status != string(ChargeRequiresAction) && t.Status != "processing") {
			continue
		}
		res, err := checker.PaymentStatus(ctx, t.GatewayID)
		if err != nil {
			return nil, fmt.Errorf("status of %s %s: %w", t.Gateway, t.GatewayID, err)
		}
		if res.Status != ChargeSucceeded {
			continue
		}
		if _, err := s.RecordPayment(ctx, Payment{InvoiceID: inv.ID, Gateway: t.Gateway, GatewayID: t.GatewayID, Amount: res.Amount, Fee: res.Fee}); err != nil {
			return nil, err
		}
	}
	return s.store.GetInvoice(ctx, inv.ID)
}
