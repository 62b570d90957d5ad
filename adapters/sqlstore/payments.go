package sqlstore

import (
	"context"
	"time"

	"ezscale.cloud/platform"

	"ezscale.cloud/platform/adapters/sqlstore/internal/dbsqlc"
	"ezscale.cloud/platform/billing"
)

// CreateTransaction records a gateway charge or refund once.
func (s *Store) CreateTransaction(ctx context.Context, t *billing.Transaction) error {
	id, err := s.writeQ().TransactionInsert(ctx, dbsqlc.TransactionInsertParams{
		InvoiceID: nullID(t.InvoiceID), CustomerID: t.CustomerID, Gateway: t.Gateway, GatewayID: t.GatewayID,
		Kind: string(t.Kind), Amount: t.Amount, Currency: t.Currency, Fee: t.Fee, Status: t.Status,
		Method: t.Method, FailureMessage: t.FailureMessage, CreatedAt: t.CreatedAt,
	})
	if err != nil {
		return s.translate(err, "transaction "+t.Gateway+" "+t.GatewayID)
	}
	t.ID = id
	return nil
}

// GetTransactionByGatewayID returns the transaction a gateway knows by id.
func (s *Store) GetTransactionByGatewayID(ctx context.Context, gateway, gatewayID string) (*billing.Transaction, error) {
	r, err := s.q.TransactionGetByGatewayID(ctx, dbsqlc.TransactionGetByGatewayIDParams{Gateway: gateway, GatewayID: gatewayID})
	if err != nil {
		return nil, s.translate(err, "transaction")
	}
	return transactionFromRow(r), nil
}

// UpdateTransactionStatus saves a transaction's new outcome.
func (s *Store) UpdateTransactionStatus(ctx context.Context, t *billing.Transaction) error {
	n, err := s.writeQ().TransactionUpdateStatus(ctx, dbsqlc.TransactionUpdateStatusParams{
		Status: t.Status, Amount: t.Amount, Fee: t.Fee, FailureMessage: t.FailureMessage, ID: t.ID,
	})
	if err != nil {
		return s.translate(err, "transaction")
	}
	if n == 0 {
		return platform.Errorf(platform.ENOTFOUND, "transaction %d not found", t.ID)
	}
	return nil
}

// ListPendingCharges returns unsettled charges created since t.
func (s *Store) ListPendingCharges(ctx context.Context, since time.Time) ([]*billing.Transaction, error) {
	rows, err := s.q.TransactionListPending(ctx, since)
	if err != nil {
		return nil, s.translate(err, "transactions")
	}
	return fromRows(rows, transactionFromRow), nil
}

// RecordGatewayEvent records an event once.
func (s *Store) RecordGatewayEvent(ctx context.Context, gateway, eventID, eventType string, payload []byte, now time.Time) (bool, error) {
	err := s.writeQ().GatewayEventInsert(ctx, dbsqlc.GatewayEventInsertParams{
		Gateway: gateway, EventID: eventID, EventType: eventType, Payload: string(payload), ReceivedAt: now, ProcessedAt: nullTime(now),
	})
	if s.dialect.IsUniqueViolation(err) {
		return false, nil
	}
	if err != nil {
		return false, s.translate(err, "gateway event")
	}
	return true, nil
}

// ListTransactionsByInvoice returns an invoice's charges and refunds in the
// order they were recorded.
func (s *Store) ListTransactionsByInvoice(ctx context.Context, invoiceID int64) ([]*billing.Transaction, error) {
	rows, err := s.q.TransactionListByInvoice(ctx, nullID(invoiceID))
	if err != nil {
		return nil, s.translate(err, "transactions")
	}
	return fromRows(rows, transactionFromRow), nil
}

func transactionFromRow(r dbsqlc.PaymentTransaction) *billing.Transaction {
	return &billing.Transaction{
		ID: r.ID, InvoiceID: r.InvoiceID.Int64, CustomerID: r.CustomerID, Gateway: r.Gateway, GatewayID: r.GatewayID,
		Kind: billing.TransactionKind(r.Kind), Amount: r.Amount, Currency: r.Currency, Fee: r.Fee, Status: r.Status,
		Method: r.Method, FailureMessage: r.FailureMessage, CreatedAt: r.CreatedAt.UTC(),
	}
}

// CreatePaymentMethod saves a reference to a gateway payment method.
func (s *Store) CreatePaymentMethod(ctx context.Context, pm *billing.PaymentMethod) error {
	id, err := s.writeQ().PaymentMethodInsert(ctx, dbsqlc.PaymentMethodInsertParams{
		CustomerID: pm.CustomerID, Gateway: pm.Gateway, GatewayCustomerID: pm.GatewayCustomerID,
		GatewayMethodID: pm.GatewayMethodID, Brand: pm.Brand, Last4: pm.Last4, ExpMonth: pm.ExpMonth,
		ExpYear: pm.ExpYear, IsDefault: pm.Default, CreatedAt: pm.CreatedAt,
	})
	if err != nil {
		return s.translate(err, "payment method")
	}
	pm.ID = id
	return nil
}

// DefaultPaymentMethod returns the customer's default payment method.
func (s *Store) DefaultPaymentMethod(ctx context.Context, customerID int64) (*billing.PaymentMethod, error) {
	r, err := s.q.PaymentMethodGetDefault(ctx, customerID)
	if err != nil {
		return nil, s.translate(err, "default payment method")
	}
	return paymentMethodFromRow(r), nil
}

// ListPaymentMethods returns the customer's payment methods, oldest first.
func (s *Store) ListPaymentMethods(ctx context.Context, customerID int64) ([]*billing.PaymentMethod, error) {
	rows, err := s.q.PaymentMethodListByCustomer(ctx, customerID)
	if err != nil {
		return nil, s.translate(err, "payment methods")
	}
	return fromRows(rows, paymentMethodFromRow), nil
}

// GetPaymentMethod returns one of the customer's payment methods.
func (s *Store) GetPaymentMethod(ctx context.Context, customerID, id int64) (*billing.PaymentMethod, error) {
	r, err := s.q.PaymentMethodGetByID(ctx, dbsqlc.PaymentMethodGetByIDParams{ID: id, CustomerID: customerID})
	if err != nil {
		return nil, s.translate(err, "payment method")
	}
	return paymentMethodFromRow(r), nil
}

// SetDefaultPaymentMethod makes one of the customer's payment methods the
// default, and no other.
func (s *Store) SetDefaultPaymentMethod(ctx context.Context, customerID, id int64) error {
	return s.inTx(ctx, func(t *Store) error {
		if err := t.q.PaymentMethodClearDefault(ctx, customerID); err != nil {
			return t.translate(err, "payment methods")
		}
		n, err := t.q.PaymentMethodSetDefault(ctx, dbsqlc.PaymentMethodSetDefaultParams{ID: id, CustomerID: customerID})
		return t.rowChanged(n, err, "payment method")
	})
}

// DeletePaymentMethod removes one of the customer's payment methods.
func (s *Store) DeletePaymentMethod(ctx context.Context, customerID, id int64) error {
	return s.inTx(ctx, func(t *Store) error {
		if _, err := t.q.PaymentMethodGetByID(ctx, dbsqlc.PaymentMethodGetByIDParams{ID: id, CustomerID: customerID}); err != nil {
			return t.translate(err, "payment method")
		}
		if err := t.q.SubscriptionClearPaymentMethod(ctx, nullID(id)); err != nil {
			return t.translate(err, "subscriptions")
		}
		n, err := t.q.PaymentMethodDelete(ctx, dbsqlc.PaymentMethodDeleteParams{ID: id, CustomerID: customerID})
		return t.rowChanged(n, err, "payment method")
	})
}

// SetSubscriptionPaymentMethod sets a subscription's payment method.
func (s *Store) SetSubscriptionPaymentMethod(ctx context.Context, customerID, subID, pmID int64) error {
	n, err := s.writeQ().SubscriptionSetPaymentMethod(ctx, dbsqlc.SubscriptionSetPaymentMethodParams{
		PaymentMethodID: nullID(pmID), ID: subID, CustomerID: customerID,
	})
	return s.rowChanged(n, err, "subscription")
}

// GatewayCustomerID returns the customer's id at a gateway.
func (s *Store) GatewayCustomerID(ctx context.Context, customerID int64, gateway string) (string, error) {
	id, err := s.q.GatewayCustomerGet(ctx, dbsqlc.GatewayCustomerGetParams{CustomerID: customerID, Gateway: gateway})
	return id, s.translate(err, "gateway customer")
}

// SaveGatewayCustomerID records the customer's id at a gateway, once.
func (s *Store) SaveGatewayCustomerID(ctx context.Context, customerID int64, gateway, id string, now time.Time) error {
	err := s.writeQ().GatewayCustomerInsert(ctx, dbsqlc.GatewayCustomerInsertParams{
		CustomerID: customerID, Gateway: gateway, GatewayCustomerID: id, CreatedAt: now,
	})
	return s.translate(err, "gateway customer")
}

func paymentMethodFromRow(r dbsqlc.PaymentMethod) *billing.PaymentMethod {
	return &billing.PaymentMethod{
		ID: r.ID, CustomerID: r.CustomerID, Gateway: r.Gateway, GatewayCustomerID: r.GatewayCustomerID,
		GatewayMethodID: r.GatewayMethodID, Brand: r.Brand, Last4: r.Last4, ExpMonth: r.ExpMonth,
		ExpYear: r.ExpYear, Default: r.IsDefault, CreatedAt: r.CreatedAt.UTC(),
	}
}
