package billing

import (
	"context"
	"time"

	"ezscale.cloud/platform"
)

// Store is the storage billing needs. Implementations (adapters/sqlite,
// adapters/mysql) all pass the one contract suite in adapters/storetest.
// Getters return an ENOTFOUND *platform.Error when nothing matches, never a
// nil result with a nil error.
type Store interface {
	// InTx runs fn in one transaction: everything fn does through tx commits
	// together or not at all. Calls nested inside fn reuse the transaction.
	// fn may be run again when the database reports a transient conflict
	// (a deadlock), so it must not have effects outside tx.
	InTx(ctx context.Context, fn func(tx Store) error) error

	CreateCustomer(ctx context.Context, c *Customer) error
	GetCustomer(ctx context.Context, id int64) (*Customer, error)
	// SearchCustomers finds customers whose email, name or company
	// contains text (lower-cased), 50 at a time after beforeID.
	SearchCustomers(ctx context.Context, text string, beforeID int64) ([]CustomerSummary, error)

	CreatePlan(ctx context.Context, p *Plan) error
	// UpdatePlan stores a plan's name, status, features, stock, trial,
	// prices, upgrade targets and options: options with an id are updated
	// in place (their code stays), those without are inserted and get
	// their ids, and the plan's options left out are retired: they leave
	// the plan, and their ids are never given to another option. Its code
	// and type stay. Whether subscribers still renew
	// after the edit is the caller's check (Service.UpdatePlan).
	UpdatePlan(ctx context.Context, p *Plan) error
	// ListPlanTerms returns the currency, cycle and options of the live
	// subscriptions on a plan (pending, trialing, active, past due,
	// suspended or paused), without duplicates.
	ListPlanTerms(ctx context.Context, planID int64) ([]PlanTerms, error)
	GetPlan(ctx context.Context, id int64) (*Plan, error)
	ListPlans(ctx context.Context) ([]*Plan, error)
	// TakeStock takes one unit of a stock-tracked plan, failing with
	// ECONFLICT when none is left.
	TakeStock(ctx context.Context, planID int64, now time.Time) error
	// ReturnStock gives back a unit taken by an order that was never paid.
	ReturnStock(ctx context.Context, planID int64, now time.Time) error

	CreateSubscription(ctx context.Context, s *Subscription) error
	GetSubscription(ctx context.Context, id int64) (*Subscription, error)
	UpdateSubscription(ctx context.Context, s *Subscription) error
	// ListRenewable returns up to one page of live subscriptions, not set to
	// cancel, whose InvoicedThrough is at or before through (for hourly
	// ones, at or before hourlyThrough), in no particular order. Renewing a
	// subscription moves it out of the result, so callers page by asking
	// again.
	ListRenewable(ctx context.Context, through, hourlyThrough time.Time) ([]*Subscription, error)
	// ClaimPeriod moves InvoicedThrough from from to to (and stores the
	// coupon cycles left) only if it is still from; it reports whether this
	// call moved it. It is how a period is invoiced exactly once.
	ClaimPeriod(ctx context.Context, subID int64, from, to time.Time, couponCyclesLeft int, now time.Time) (bool, error)
	ListEndingBy(ctx context.Context, t time.Time) ([]*Subscription, error)
	// LinkGatewaySubscription records the gateway's id of a subscription it
	// bills itself; a second link to the same gateway is an ECONFLICT.
	LinkGatewaySubscription(ctx context.Context, subID int64, gateway, gatewaySubID string, now time.Time) error
	// GatewaySubscriptions maps gateway names to the subscription's ids
	// there.
	GatewaySubscriptions(ctx context.Context, subID int64) (map[string]string, error)
	// UnlinkGatewaySubscription forgets a gateway's subscription id;
	// ENOTFOUND when that id is not the one linked.
	UnlinkGatewaySubscription(ctx context.Context, subID int64, gateway, gatewaySubID string) error
	// GatewaysBillingCustomer maps each of the customer's subscriptions
	// that a gateway bills itself to those gateways' names.
	GatewaysBillingCustomer(ctx context.Context, customerID int64) (map[int64][]string, error)
	ListPendingCreatedBefore(ctx context.Context, t time.Time) ([]*Subscription, error)
	ListSubscriptionsByCustomer(ctx context.Context, customerID int64) ([]*Subscription, error)

	// CreateInvoice inserts the invoice with its items and sets their ids.
	// A second invoice with the same RenewalKey is an ECONFLICT.
	CreateInvoice(ctx context.Context, inv *Invoice) error
	GetInvoice(ctx context.Context, id int64) (*Invoice, error)
	// UpdateInvoice saves the invoice's number, status, amount paid, dates
	// and renewal key; its lines and totals never change once issued.
	UpdateInvoice(ctx context.Context, inv *Invoice) error
	// SaveDraftInvoice replaces a draft's lines, currency, totals, tax,
	// billing details and due date. It is an ECONFLICT when the invoice is
	// no longer a draft, so that of a concurrent edit and issue only one
	// wins.
	SaveDraftInvoice(ctx context.Context, inv *Invoice) error
	// DeleteDraftInvoice removes a draft with its lines; ECONFLICT when the
	// invoice is not a draft.
	DeleteDraftInvoice(ctx context.Context, id int64) error
	ListOpenInvoicesDueBy(ctx context.Context, t time.Time) ([]*Invoice, error)
	ListInvoicesBySubscription(ctx context.Context, subID int64) ([]*Invoice, error)
	ListInvoicesByCustomer(ctx context.Context, customerID int64) ([]*Invoice, error)
	// ListCustomerInvoicePage returns one page of InvoicePageSize of the
	// invoices a customer sees (never drafts), newest first.
	ListCustomerInvoicePage(ctx context.Context, customerID int64, q InvoiceQuery) ([]*Invoice, error)
	// CountCustomerInvoices counts the invoices a customer sees by kind and
	// status.
	CountCustomerInvoices(ctx context.Context, customerID int64) (map[InvoiceKind]map[InvoiceStatus]int, error)
	// ReserveNumbers takes n consecutive values from the named sequence and
	// returns the first. Called inside a transaction, the values return to
	// the sequence on rollback, which keeps numbering gapless.
	ReserveNumbers(ctx context.Context, scope string, n int64) (int64, error)

	// CreateTransaction records a gateway payment or refund; a second record
	// of the same gateway id is an ECONFLICT.
	CreateTransaction(ctx context.Context, t *Transaction) error
	// ListSettledTransactions returns the succeeded charges and refunds
	// made at or after from and before to.
	ListSettledTransactions(ctx context.Context, from, to time.Time) ([]*Transaction, error)
	// ListOpenInvoiceBalances returns what is left to pay on each open
	// invoice (credit notes aside).
	ListOpenInvoiceBalances(ctx context.Context) ([]InvoiceBalance, error)
	// ListCustomerOpenInvoiceBalances is ListOpenInvoiceBalances for one
	// customer.
	ListCustomerOpenInvoiceBalances(ctx context.Context, customerID int64) ([]InvoiceBalance, error)
	// CountPlanActivity counts per plan the live subscriptions, and the
	// orders placed at or after from and before to with those of them
	// whose first invoice was paid.
	CountPlanActivity(ctx context.Context, from, to time.Time) (PlanActivityCounts, error)
	GetTransactionByGatewayID(ctx context.Context, gateway, gatewayID string) (*Transaction, error)
	ListTransactionsByInvoice(ctx context.Context, invoiceID int64) ([]*Transaction, error)
	// ListPendingCharges returns charges created since t that a gateway
	// has not settled (waiting for the customer's authentication).
	ListPendingCharges(ctx context.Context, since time.Time) ([]*Transaction, error)
	// RecordGatewayEvent records a gateway's event by its id and reports
	// false when the event was recorded before (a redelivery).
	RecordGatewayEvent(ctx context.Context, gateway, eventID, eventType string, payload []byte, now time.Time) (bool, error)
	// UpdateTransactionStatus records a new outcome of a transaction, such
	// as a charge that needed the customer's authentication succeeding.
	UpdateTransactionStatus(ctx context.Context, t *Transaction) error
	CreatePaymentMethod(ctx context.Context, pm *PaymentMethod) error
	DefaultPaymentMethod(ctx context.Context, customerID int64) (*PaymentMethod, error)
	ListPaymentMethods(ctx context.Context, customerID int64) ([]*PaymentMethod, error)
	// GetPaymentMethod returns one of the customer's payment methods; one
	// of another customer's is an ENOTFOUND.
	GetPaymentMethod(ctx context.Context, customerID, id int64) (*PaymentMethod, error)
	SetDefaultPaymentMethod(ctx context.Context, customerID, id int64) error
	// DeletePaymentMethod removes one of the customer's payment methods and
	// unsets it on the subscriptions that chose it.
	DeletePaymentMethod(ctx context.Context, customerID, id int64) error
	// SetSubscriptionPaymentMethod sets the payment method a customer's
	// subscription is charged to; 0 falls back to the default.
	SetSubscriptionPaymentMethod(ctx context.Context, customerID, subID, pmID int64) error
	GatewayCustomerID(ctx context.Context, customerID int64, gateway string) (string, error)
	SaveGatewayCustomerID(ctx context.Context, customerID int64, gateway, id string, now time.Time) error

	CreateCoupon(ctx context.Context, c *Coupon) error
	GetCouponByCode(ctx context.Context, code string) (*Coupon, error)
	GetCoupon(ctx context.Context, id int64) (*Coupon, error)
	// ListCoupons returns the coupons, newest first.
	ListCoupons(ctx context.Context) ([]*Coupon, error)
	// SetCouponActive switches a coupon on or off; ENOTFOUND for no such
	// coupon.
	SetCouponActive(ctx context.Context, id int64, active bool) error
	// RedeemCoupon counts one use of the coupon by a customer atomically:
	// ECONFLICT when its uses are exhausted or a once-per-customer coupon was
	// already used by this customer.
	RedeemCoupon(ctx context.Context, c *Coupon, customerID, subscriptionID int64, now time.Time) error

	AddCredit(ctx context.Context, e CreditEntry) error
	CreditBalance(ctx context.Context, customerID int64, currency string) (int64, error)
	// CreditBalances sums a customer's credit in each currency they ever
	// had credit in, zero balances included.
	CreditBalances(ctx context.Context, customerID int64) (map[string]int64, error)
	// RecentCredit returns a customer's newest credit movements, at most
	// CreditPageSize, newest first.
	RecentCredit(ctx context.Context, customerID int64) ([]CreditEntry, error)

	CreateTaxRate(ctx context.Context, r *TaxRate) error
	ListTaxRates(ctx context.Context) (TaxTable, error)

	RecordMRREvent(ctx context.Context, e MRREvent) error
	ListMRREventsBefore(ctx context.Context, t time.Time) ([]MRREvent, error)

	// MarkDunningStep records that a dunning step of an invoice was taken
	// and reports false when it had been taken before.
	MarkDunningStep(ctx context.Context, invoiceID int64, key string, now time.Time) (bool, error)

	// EnqueueJob writes a job to the outbox; a duplicate DedupeKey is an
	// ECONFLICT.
	EnqueueJob(ctx context.Context, j *platform.Job) error
	ListJobs(ctx context.Context, kind string) ([]*platform.Job, error)
}

// Transaction is money moved by a gateway: a charge or a refund.
type Transaction struct {
	ID             int64
	InvoiceID      int64
	CustomerID     int64
	Gateway        string
	GatewayID      string
	Kind           TransactionKind
	Amount         int64
	Currency       string
	Fee            int64
	Status         string
	Method         string
	FailureMessage string
	CreatedAt      time.Time
}

// TransactionKind tells charges from refunds.
type TransactionKind string

// Transaction kinds. A dispute is a chargeback the customer's bank opened;
// it is recorded so staff can answer it and reconcile.
const (
	TxCharge  TransactionKind = "charge"
	TxRefund  TransactionKind = "refund"
	TxDispute TransactionKind = "dispute"
)

// PaymentMethod is a reference to a card or account saved at a gateway; the
// platform never sees card numbers.
type PaymentMethod struct {
	ID                int64
	CustomerID        int64
	Gateway           string
	GatewayCustomerID string
	GatewayMethodID   string
	Brand             string
	Last4             string
	ExpMonth          int64
	ExpYear           int64
	Default           bool
	CreatedAt         time.Time
}

// CreditEntry is one movement of a customer's account credit: positive when
// credit is added (a downgrade, an overpayment), negative when it pays an
// invoice.
type CreditEntry struct {
	ID         int64 // set by the store
	CustomerID int64
	Currency   string
	Amount     int64
	Reason     string
	InvoiceID  int64
	CreatedAt  time.Time
}
