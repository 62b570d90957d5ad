package billing

import (
	"time"

	"ezscale.cloud/platform"
)

// InvoiceStatus is where an invoice is in its life.
type InvoiceStatus string

// Invoice statuses. A draft can still change; an open invoice is final and
// awaits payment; paid, void and uncollectible are closed.
const (
	InvoiceDraft         InvoiceStatus = "draft"
	InvoiceOpen          InvoiceStatus = "open"
	InvoicePaid          InvoiceStatus = "paid"
	InvoiceVoid          InvoiceStatus = "void"
	InvoiceUncollectible InvoiceStatus = "uncollectible"
)

// InvoiceKind tells an invoice from a credit note.
type InvoiceKind string

// Invoice kinds. A credit note refunds or credits (part of) an earlier
// invoice; it never makes that invoice's total negative.
const (
	KindInvoice    InvoiceKind = "invoice"
	KindCreditNote InvoiceKind = "credit_note"
)

// BillingReason says why an invoice was made.
type BillingReason string

// Billing reasons. The store keeps one invoice per subscription, reason and
// period start, so a renewal period can never be invoiced twice.
const (
	ReasonSubscriptionCreate BillingReason = "subscription_create"
	ReasonSubscriptionCycle  BillingReason = "subscription_cycle"
	ReasonSubscriptionUpdate BillingReason = "subscription_update"
	ReasonRefund             BillingReason = "refund"
	ReasonManual             BillingReason = "manual"
)

// ItemKind says what an invoice line bills.
type ItemKind string

// Invoice line kinds.
const (
	ItemPlan      ItemKind = "plan"
	ItemOption    ItemKind = "option"
	ItemSetup     ItemKind = "setup"
	ItemProration ItemKind = "proration"
	ItemDiscount  ItemKind = "discount"
	ItemOverage   ItemKind = "overage"
	ItemManual    ItemKind = "manual"
	ItemRefund    ItemKind = "refund"
)

// InvoiceItem is one line of an invoice. Amount is the line's net amount
// (or gross when the invoice is tax-inclusive); TaxAmount is its share of the
// invoice's tax.
type InvoiceItem struct {
	ID          int64
	Kind        ItemKind
	Description string
	Quantity    int64
	UnitAmount  int64
	Amount      int64
	TaxAmount   int64
	PeriodStart time.Time
	PeriodEnd   time.Time
}

// BillingDetails is a frozen copy of a party's billing identity. Invoices
// keep one for the customer and one for the company as they were when the
// invoice was issued, so later profile edits never change a past invoice.
type BillingDetails struct {
	Name    string `json:"name"`
	Company string `json:"company,omitempty"`
	Email   string `json:"email,omitempty"`
	Address string `json:"address,omitempty"`
	City    string `json:"city,omitempty"`
	Region  string `json:"region,omitempty"`
	Postal  string `json:"postal,omitempty"`
	Country string `json:"country,omitempty"`
	VATID   string `json:"vat_id,omitempty"`
}

// Invoice is a bill (or a credit note) for one customer in one currency.
type Invoice struct {
	ID             int64
	Number         string
	Kind           InvoiceKind
	Reason         BillingReason
	CustomerID     int64
	SubscriptionID int64
	// RelatedInvoiceID links a credit note to the invoice it credits.
	RelatedInvoiceID int64
	Currency         string
	Status           InvoiceStatus
	Items            []InvoiceItem
	Subtotal         int64
	Tax              int64
	Total            int64
	AmountPaid       int64
	TaxRate          Rate
	TaxName          string
	TaxInclusive     bool
	ReverseCharge    bool
	PeriodStart      time.Time
	PeriodEnd        time.Time
	Customer         BillingDetails
	Company          BillingDetails
	// PlanChange is set on an upgrade's proration invoice: the change is
	// applied to the subscription when the invoice is paid.
	PlanChange *PlanChange
	// RenewalKey names the subscription period a renewal invoice bills. The
	// store keeps it unique, so no period is invoiced twice; voiding the
	// invoice clears it, so the period can be invoiced again.
	RenewalKey string
	IssuedAt   time.Time
	DueAt      time.Time
	PaidAt     time.Time
	VoidedAt   time.Time
	CreatedAt  time.Time
}

// PlanChange is a subscription's move to another plan or option set.
type PlanChange struct {
	PlanID  int64          `json:"plan_id"`
	Options []OptionChoice `json:"options"`
}

// AmountDue is what is left to pay.
func (inv *Invoice) AmountDue() int64 { return inv.Total - inv.AmountPaid }

// AddItem appends a line to a draft invoice.
func (inv *Invoice) AddItem(it InvoiceItem) error {
	if inv.Status != InvoiceDraft {
		return platform.Errorf(platform.ECONFLICT, "invoice %d is %s; only drafts take new lines", inv.ID, inv.Status)
	}
	if it.Description == "" {
		return platform.Invalid("items.description", "an invoice line needs a description")
	}
	if it.Quantity <= 0 {
		return platform.Invalid("items.quantity", "quantity must be positive")
	}
	inv.Items = append(inv.Items, it)
	return nil
}

// ComputeTotals works out subtotal, tax and total from the lines and the tax
// decision, splitting the tax over the lines. It refuses a negative total:
// money owed to a customer becomes account credit or a credit note, never a
// negative invoice.
func (inv *Invoice) ComputeTotals(d TaxDecision) error {
	lines := make([]Money, len(inv.Items))
	for i, it := range inv.Items {
		lines[i] = Money{Amount: it.Amount, Currency: inv.Currency}
	}
	res, err := ComputeTax(lines, d)
	if err != nil {
		return err
	}
	if res.Total.IsNegative() {
		return platform.Invalid("items", "invoice total would be negative (%s)", res.Total)
	}
	for i := range inv.Items {
		inv.Items[i].TaxAmount = res.Tax[i].Amount
	}
	inv.Subtotal = res.TotalNet.Amount
	inv.Tax = res.TotalTax.Amount
	inv.Total = res.Total.Amount
	inv.TaxRate = d.Rate
	inv.TaxName = d.Name
	inv.TaxInclusive = d.Inclusive
	inv.ReverseCharge = d.ReverseCharge
	return nil
}

// Finalize turns a draft into an open invoice ready for payment. The number
// is given by the service, at finalisation or on payment by policy.
func (inv *Invoice) Finalize(now, dueAt time.Time) error {
	if inv.Status != InvoiceDraft {
		return platform.Errorf(platform.ECONFLICT, "invoice %d is %s, not a draft", inv.ID, inv.Status)
	}
	if len(inv.Items) == 0 {
		return platform.Invalid("items", "an invoice needs at least one line")
	}
	if dueAt.Before(now) {
		return platform.Invalid("due_at", "due date is before the issue date")
	}
	inv.Status = InvoiceOpen
	inv.IssuedAt = now
	inv.DueAt = dueAt
	if inv.Total == 0 {
		inv.Status = InvoicePaid
		inv.PaidAt = now
	}
	return nil
}

// ApplyPayment records a (possibly partial) payment of an open invoice and
// reports whether it is now paid in full. Overpayment is refused: the caller
// credits any surplus to the account balance instead.
func (inv *Invoice) ApplyPayment(amount int64, now time.Time) (paid bool, err error) {
	if inv.Status != InvoiceOpen {
		return false, platform.Errorf(platform.ECONFLICT, "invoice %d is %s and takes no payment", inv.ID, inv.Status)
	}
	if amount <= 0 {
		return false, platform.Invalid("amount", "payment must be positive")
	}
	if amount > inv.AmountDue() {
		return false, platform.Invalid("amount", "payment of %d exceeds the %d due", amount, inv.AmountDue())
	}
	inv.AmountPaid += amount
	if inv.AmountPaid == inv.Total {
		inv.Status = InvoicePaid
		inv.PaidAt = now
		return true, nil
	}
	return false, nil
}

// Void cancels an invoice that has taken no payment.
func (inv *Invoice) Void(now time.Time) error {
	if inv.Status != InvoiceDraft && inv.Status != InvoiceOpen {
		return platform.Errorf(platform.ECONFLICT, "invoice %d is %s and cannot be voided", inv.ID, inv.Status)
	}
	if inv.AmountPaid > 0 {
		return platform.Errorf(platform.ECONFLICT, "invoice %d has payments; refund them with a credit note", inv.ID)
	}
	inv.Status = InvoiceVoid
	inv.VoidedAt = now
	inv.RenewalKey = ""
	return nil
}

// MarkUncollectible writes an open invoice off as bad debt.
func (inv *Invoice) MarkUncollectible() error {
	if inv.Status != InvoiceOpen {
		return platform.Errorf(platform.ECONFLICT, "invoice %d is %s, not open", inv.ID, inv.Status)
	}
	inv.Status = InvoiceUncollectible
	return nil
}
