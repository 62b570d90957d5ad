package billing

import "context"

// Gateway moves money: it charges saved payment methods and refunds charges.
// Billing owns invoices and numbering; a gateway never decides what is owed.
type Gateway interface {
	// Name identifies the gateway on transactions, e.g. "stripe".
	Name() string
	// Charge takes amount from the customer's payment method. The same
	// IdempotencyKey always yields the same charge, however often it is sent.
	Charge(ctx context.Context, req ChargeRequest) (ChargeResult, error)
	// Refund returns all or part of a charge.
	Refund(ctx context.Context, req RefundRequest) (RefundResult, error)
}

// ChargeRequest asks a gateway to take money off-session.
type ChargeRequest struct {
	IdempotencyKey    string
	GatewayCustomerID string
	PaymentMethodID   string
	Amount            Money
	InvoiceID         int64
	Description       string
}

// ChargeStatus is the outcome of a charge.
type ChargeStatus string

// Charge outcomes. RequiresAction means the customer must confirm the
// payment on-session (SCA); the invoice stays open.
const (
	ChargeSucceeded      ChargeStatus = "succeeded"
	ChargeRequiresAction ChargeStatus = "requires_action"
	ChargeFailed         ChargeStatus = "failed"
)

// ChargeResult is what a gateway says about a charge.
type ChargeResult struct {
	ID             string
	Status         ChargeStatus
	Amount         Money
	Fee            int64
	FailureMessage string
}

// RefundRequest asks a gateway to give money back.
type RefundRequest struct {
	IdempotencyKey string
	ChargeID       string
	Amount         Money
	// InvoiceID lets the gateway tag the refund, so its webhook names the
	// invoice.
	InvoiceID int64
}

// RefundResult is what a gateway says about a refund.
type RefundResult struct {
	ID     string
	Amount Money
}
