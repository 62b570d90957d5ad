package billing

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"ezscale.cloud/platform"
)

// Customer is the billing view of an account: who invoices are made out to
// and how they are taxed. Identity owns the login; billing owns this.
type Customer struct {
	ID      int64
	Email   string
	Details BillingDetails
	Tax     TaxCustomer
}

// CustomerSubscriptions returns a customer's subscriptions, oldest first.
func (s *Service) CustomerSubscriptions(ctx context.Context, customerID int64) ([]*Subscription, error) {
	return s.store.ListSubscriptionsByCustomer(ctx, customerID)
}

// InvoicePageSize is how many invoices one page of a customer's list holds.
const InvoicePageSize = 50

// InvoiceQuery selects a page of a customer's invoices: of a kind and a
// status when given, after the invoice BeforeID (0 for the first page).
type InvoiceQuery struct {
	Kind     InvoiceKind
	Status   InvoiceStatus
	BeforeID int64
}

// InvoiceTally is what a customer's invoice list sums up: how many
// documents of each kind and status, and what is due in each currency.
type InvoiceTally struct {
	Counts map[InvoiceKind]map[InvoiceStatus]int
	Due    []Money
}

// CustomerInvoicePage returns one page of the invoices and credit notes a
// customer sees, newest first; drafts never.
func (s *Service) CustomerInvoicePage(ctx context.Context, customerID int64, q InvoiceQuery) ([]*Invoice, error) {
	if q.Status == InvoiceDraft {
		return nil, platform.Invalid("status", "drafts are not listed")
	}
	return s.store.ListCustomerInvoicePage(ctx, customerID, q)
}

// CustomerInvoiceTally counts a customer's invoices and sums what they owe
// per currency, currencies in order.
func (s *Service) CustomerInvoiceTally(ctx context.Context, customerID int64) (InvoiceTally, error) {
	counts, err := s.store.CountCustomerInvoices(ctx, customerID)
	if err != nil {
		return InvoiceTally{}, err
	}
	balances, err := s.store.ListCustomerOpenInvoiceBalances(ctx, customerID)
	if err != nil {
		return InvoiceTally{}, err
	}
	due := map[string]int64{}
	for _, b := range balances {
		due[b.Currency] += b.Due
	}
	tally := InvoiceTally{Counts: counts}
	for _, currency := range slices.Sorted(maps.Keys(due)) {
		tally.Due = append(tally.Due, Money{Amount: due[currency], Currency: currency})
	}
	return tally, nil
}

// CustomerInvoicesForStaff returns all of a customer's invoices and credit
// notes, drafts too.
func (s *Service) CustomerInvoicesForStaff(ctx context.Context, customerID int64) ([]*Invoice, error) {
	return s.store.ListInvoicesByCustomer(ctx, customerID)
}

// CustomerCancel cancels a customer's own subscription; another
// customer's is ENOTFOUND.
func (s *Service) CustomerCancel(ctx context.Context, customerID, subID int64, atPeriodEnd bool, reason string) (*Subscription, error) {
	if _, _, _, err := s.CustomerSubscription(ctx, customerID, subID); err != nil {
		return nil, err
	}
	return s.Cancel(ctx, subID, atPeriodEnd, reason)
}

// CustomerResume withdraws a cancellation at period end on one of the
// customer's own subscriptions; another customer's is ENOTFOUND.
func (s *Service) CustomerResume(ctx context.Context, customerID, subID int64) (*Subscription, error) {
	if _, _, _, err := s.CustomerSubscription(ctx, customerID, subID); err != nil {
		return nil, err
	}
	return s.ResumeCancellation(ctx, subID)
}

// Invoice returns any invoice, for staff.
func (s *Service) Invoice(ctx context.Context, id int64) (*Invoice, error) {
	return s.store.GetInvoice(ctx, id)
}

// InvoiceTransactions returns the payments and refunds recorded against an
// invoice, gateway and hand-recorded alike, oldest first.
func (s *Service) InvoiceTransactions(ctx context.Context, invoiceID int64) ([]*Transaction, error) {
	return s.store.ListTransactionsByInvoice(ctx, invoiceID)
}

// CustomerQuotePlanChange prices moving one of the customer's own
// subscriptions to another plan or option set; another customer's is
// ENOTFOUND.
func (s *Service) CustomerQuotePlanChange(ctx context.Context, customerID, subID, planID int64, options []OptionChoice) (ProrationQuote, error) {
	if _, _, _, err := s.CustomerSubscription(ctx, customerID, subID); err != nil {
		return ProrationQuote{}, err
	}
	return s.QuotePlanChange(ctx, subID, planID, options)
}

// CustomerChangePlan moves one of the customer's own subscriptions to
// another plan or option set; another customer's is ENOTFOUND.
func (s *Service) CustomerChangePlan(ctx context.Context, customerID, subID, planID int64, options []OptionChoice) (PlanChangeResult, error) {
	if _, _, _, err := s.CustomerSubscription(ctx, customerID, subID); err != nil {
		return PlanChangeResult{}, err
	}
	return s.ChangePlan(ctx, subID, planID, options)
}

// CustomerSummary is a customer as a search result shows them.
type CustomerSummary struct {
	ID        int64
	Email     string
	Name      string
	Company   string
	Country   string
	Status    string
	CreatedAt time.Time
}

// SearchCustomers finds customers whose email, name or company contains
// text, case-insensitively, newest first, 50 at a time after beforeID (0
// for the first page).
func (s *Service) SearchCustomers(ctx context.Context, text string, beforeID int64) ([]CustomerSummary, error) {
	return s.store.SearchCustomers(ctx, strings.ToLower(strings.TrimSpace(text)), beforeID)
}

// Customer returns any customer's billing view, for staff.
func (s *Service) Customer(ctx context.Context, id int64) (*Customer, error) {
	return s.store.GetCustomer(ctx, id)
}

// PendingOrders returns the orders placed but not yet paid, oldest first,
// for staff following up on them.
func (s *Service) PendingOrders(ctx context.Context) ([]*Subscription, error) {
	return s.store.ListPendingCreatedBefore(ctx, s.now())
}

// TaxRates returns every tax rate, for staff.
func (s *Service) TaxRates(ctx context.Context) (TaxTable, error) {
	return s.store.ListTaxRates(ctx)
}
