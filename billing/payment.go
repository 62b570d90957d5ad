package billing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"ezscale.cloud/platform"
)

// Payment is money a gateway reports as received for an invoice, by
// whichever path sees it first: the charge call's answer, a webhook, or
// reconciliation; or money staff record by hand (Gateway ManualGateway).
type Payment struct {
	InvoiceID int64
	Gateway   string
	GatewayID string
	Amount    Money
	Fee       int64
	Method    string
	// ReceivedAt is when the money arrived, which staff recording a bank
	// transfer days later know; zero means now. It dates the payment and,
	// when the payment settles the invoice, the invoice's paid date.
	ReceivedAt time.Time
}

// ManualGateway names payments and refunds staff record by hand: money
// that moved outside any gateway.
const ManualGateway = "manual"

// RecordPayment applies a gateway payment to its invoice exactly once: the
// transaction row is unique by gateway id, so the second report of the same
// payment changes nothing and returns the invoice as it stands. Money beyond
// what is due (an invoice already paid by another payment, or an overpayment)
// goes to the customer's credit balance, never lost and never applied twice.
func (s *Service) RecordPayment(ctx context.Context, p Payment) (*Invoice, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	var inv *Invoice
	err := s.store.InTx(ctx, func(tx Store) error {
		var err error
		inv, err = s.applyPayment(ctx, tx, p, s.now())
		return err
	})
	if errors.Is(err, errAlreadyRecorded) {
		return s.store.GetInvoice(ctx, p.InvoiceID)
	}
	if err != nil {
		return nil, err
	}
	return inv, nil
}

func (p Payment) validate() error {
	if p.Gateway == "" || p.GatewayID == "" {
		return platform.Invalid("gateway_id", "a payment needs its gateway and gateway id")
	}
	if !p.Amount.IsPositive() {
		return platform.Invalid("amount", "a payment must be positive")
	}
	return nil
}

// applyPayment records a payment and applies it to its invoice inside tx;
// a payment recorded before is errAlreadyRecorded.
func (s *Service) applyPayment(ctx context.Context, tx Store, p Payment, now time.Time) (*Invoice, error) {
	inv, err := tx.GetInvoice(ctx, p.InvoiceID)
	if err != nil {
		return nil, err
	}
	if p.Amount.Currency != inv.Currency {
		return nil, platform.Invalid("amount", "payment in %s for an invoice in %s", p.Amount.Currency, inv.Currency)
	}
	received, err := p.receivedAt(now)
	if err != nil {
		return nil, err
	}
	if err := s.recordSucceededCharge(ctx, tx, inv, p, received); err != nil {
		return nil, err
	}
	apply := int64(0)
	if inv.Status == InvoiceOpen {
		apply = min(p.Amount.Amount, inv.AmountDue())
	}
	if surplus := p.Amount.Amount - apply; surplus > 0 {
		err := tx.AddCredit(ctx, CreditEntry{
			CustomerID: inv.CustomerID, Currency: inv.Currency, Amount: surplus,
			Reason: fmt.Sprintf("payment %s beyond the amount due", p.GatewayID), InvoiceID: inv.ID, CreatedAt: now,
		})
		if err != nil {
			return nil, err
		}
	}
	if apply == 0 {
		return inv, nil
	}
	paid, err := inv.ApplyPayment(apply, received)
	if err != nil {
		return nil, err
	}
	if paid {
		return inv, s.onPaid(ctx, tx, inv, now)
	}
	return inv, tx.UpdateInvoice(ctx, inv)
}

// receivedAt is when the payment's money arrived: ReceivedAt, or now when
// it is zero. Money that has not arrived yet is not a payment.
func (p Payment) receivedAt(now time.Time) (time.Time, error) {
	if p.ReceivedAt.IsZero() {
		return now, nil
	}
	at := platform.Truncate(p.ReceivedAt)
	if at.After(now) {
		return time.Time{}, platform.Invalid("received_at", "the payment cannot be received in the future (it is %s now)", now.Format(time.RFC3339))
	}
	return at, nil
}

var errAlreadyRecorded = errors.New("payment already recorded")

// recordSucceededCharge records the payment's transaction, dated when the
// money was received, or turns an earlier record of the same gateway charge
// that had not succeeded (it needed the customer's authentication, say)
// into a success. A success already on record is errAlreadyRecorded.
func (s *Service) recordSucceededCharge(ctx context.Context, tx Store, inv *Invoice, p Payment, received time.Time) error {
	prior, err := tx.GetTransactionByGatewayID(ctx, p.Gateway, p.GatewayID)
	switch {
	case err == nil && prior.Status == string(ChargeSucceeded):
		return errAlreadyRecorded
	case err == nil:
		prior.Status, prior.Amount, prior.Fee, prior.FailureMessage = string(ChargeSucceeded), p.Amount.Amount, p.Fee, ""
		return tx.UpdateTransactionStatus(ctx, prior)
	case platform.ErrorCode(err) != platform.ENOTFOUND:
		return err
	}
	err = tx.CreateTransaction(ctx, &Transaction{
		InvoiceID: inv.ID, CustomerID: inv.CustomerID, Gateway: p.Gateway, GatewayID: p.GatewayID,
		Kind: TxCharge, Amount: p.Amount.Amount, Currency: p.Amount.Currency, Fee: p.Fee,
		Status: string(ChargeSucceeded), Method: p.Method, CreatedAt: received,
	})
	if platform.ErrorCode(err) == platform.ECONFLICT {
		// Another process recorded it between our read and our write.
		return errAlreadyRecorded
	}
	return err
}

// ChargeOutcome is what charging an invoice came to.
type ChargeOutcome struct {
	Invoice *Invoice
	Status  ChargeStatus
	Message string
}

// ChargeInvoice collects an open invoice: first from the customer's credit
// balance, then off-session from their default payment method through the
// gateway, with an idempotency key derived from the invoice and the attempt,
// so a retried job never charges twice. A decline is an outcome, not an
// error: the invoice stays open and dunning schedules the next attempt.
func (s *Service) ChargeInvoice(ctx context.Context, invoiceID int64, attempt int) (ChargeOutcome, error) {
	now := s.now()
	var inv *Invoice
	err := s.store.InTx(ctx, func(tx Store) error {
		var err error
		if inv, err = tx.GetInvoice(ctx, invoiceID); err != nil {
			return err
		}
		return s.applyCredit(ctx, tx, inv, now)
	})
	if err != nil {
		return ChargeOutcome{}, err
	}
	if inv.Status != InvoiceOpen {
		return ChargeOutcome{Invoice: inv, Status: ChargeSucceeded, Message: "nothing due"}, nil
	}
	pm, err := s.chargeMethod(ctx, inv)
	if platform.ErrorCode(err) == platform.ENOTFOUND {
		res := ChargeResult{Status: ChargeFailed, FailureMessage: "no saved payment method"}
		return ChargeOutcome{Invoice: inv, Status: ChargeFailed, Message: res.FailureMessage}, s.recordFailedCharge(ctx, inv, res, attempt, now)
	}
	if err != nil {
		return ChargeOutcome{}, err
	}
	due := Money{Amount: inv.AmountDue(), Currency: inv.Currency}
	res, err := s.gateway.Charge(ctx, ChargeRequest{
		IdempotencyKey:    fmt.Sprintf("invoice-%d-attempt-%d", inv.ID, attempt),
		GatewayCustomerID: pm.GatewayCustomerID, PaymentMethodID: pm.GatewayMethodID,
		Amount: due, InvoiceID: inv.ID, Description: "Invoice " + inv.Number,
	})
	if err != nil {
		return ChargeOutcome{}, fmt.Errorf("charge invoice %d: %w", inv.ID, err)
	}
	if res.Status != ChargeSucceeded {
		err := s.recordFailedCharge(ctx, inv, res, attempt, now)
		return ChargeOutcome{Invoice: inv, Status: res.Status, Message: res.FailureMessage}, err
	}
	paid, err := s.RecordPayment(ctx, Payment{
		InvoiceID: inv.ID, Gateway: s.gateway.Name(), GatewayID: res.ID, Amount: res.Amount, Fee: res.Fee, Method: pm.Brand,
	})
	if err != nil {
		return ChargeOutcome{}, err
	}
	return ChargeOutcome{Invoice: paid, Status: ChargeSucceeded}, nil
}

// ChargeProblem is the payload of the jobs a charge that did not go
// through raises: an email asking the customer to finish the payment on
// the site (SCA), or one saying the charge failed plus an alert to staff.
type ChargeProblem struct {
	InvoiceID int64  `json:"invoice_id"`
	Attempt   int    `json:"attempt"`
	Message   string `json:"message"`
	// PaymentID is the gateway's payment to finish on-session.
	PaymentID string `json:"payment_id,omitempty"`
	// LastAttempt says the retries are spent: dunning takes over.
	LastAttempt bool `json:"last_attempt"`
}

// recordFailedCharge keeps a declined or unfinished charge on record for
// reconciliation (the same gateway id is recorded once) and, in the same
// transaction, raises the job that tells the customer and staff, once per
// attempt.
func (s *Service) recordFailedCharge(ctx context.Context, inv *Invoice, res ChargeResult, attempt int, now time.Time) error {
	kind := platform.JobPaymentFailed
	if res.Status == ChargeRequiresAction {
		kind = platform.JobPaymentActionRequired
	}
	problem := ChargeProblem{InvoiceID: inv.ID, Attempt: attempt, Message: res.FailureMessage, PaymentID: res.ID,
		LastAttempt: attempt > s.config().Dunning.LastRetryAttempt()}
	err := s.store.InTx(ctx, func(tx Store) error {
		if res.ID != "" {
			err := tx.CreateTransaction(ctx, &Transaction{
				InvoiceID: inv.ID, CustomerID: inv.CustomerID, Gateway: s.gateway.Name(), GatewayID: res.ID, Kind: TxCharge,
				Amount: inv.AmountDue(), Currency: inv.Currency, Status: string(res.Status), FailureMessage: res.FailureMessage,
				CreatedAt: now,
			})
			if platform.ErrorCode(err) == platform.ECONFLICT {
				return errAlreadyRecorded // a retried job: told already
			}
			if err != nil {
				return err
			}
		}
		err := enqueue(ctx, tx, kind, fmt.Sprintf("%s:%d:%d", kind, inv.ID, attempt), now, problem)
		if platform.ErrorCode(err) == platform.ECONFLICT {
			return nil // this attempt's failure was told already; the charge is still recorded
		}
		return err
	})
	if errors.Is(err, errAlreadyRecorded) || platform.ErrorCode(err) == platform.ECONFLICT {
		return nil
	}
	return err
}

// manualAttemptBase numbers the charges customers start themselves apart
// from the scheduled attempts (1, 2, …), so their idempotency keys never
// meet.
const manualAttemptBase = 1000

// PayNow charges one of the customer's open invoices to its payment method
// when the customer asks ("pay now"); another customer's invoice is
// ENOTFOUND. Each request after a failed charge is a new attempt, while a
// double click repeats the same attempt and so charges once.
func (s *Service) PayNow(ctx context.Context, customerID, invoiceID int64) (ChargeOutcome, error) {
	inv, err := s.CustomerInvoice(ctx, customerID, invoiceID)
	if err != nil {
		return ChargeOutcome{}, err
	}
	if inv.Status != InvoiceOpen {
		return ChargeOutcome{}, platform.Errorf(platform.ECONFLICT, "invoice %s is %s, not open", inv.Number, inv.Status)
	}
	// The customer is looking at the answer: without a card there is
	// nothing to charge and no failure to email about.
	if _, err := s.chargeMethod(ctx, inv); platform.ErrorCode(err) == platform.ENOTFOUND {
		return ChargeOutcome{Invoice: inv, Status: ChargeFailed, Message: "no saved payment method"}, nil
	} else if err != nil {
		return ChargeOutcome{}, err
	}
	// Every charge the gateway answered is a transaction, so counting them
	// numbers this attempt after the last one.
	txs, err := s.store.ListTransactionsByInvoice(ctx, inv.ID)
	if err != nil {
		return ChargeOutcome{}, err
	}
	return s.ChargeInvoice(ctx, inv.ID, manualAttemptBase+len(txs))
}
