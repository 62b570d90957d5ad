package billing

import (
	"context"

	"ezscale.cloud/platform"
)

// SavePaymentMethod keeps a reference to a payment method the customer
// saved at a gateway (a card entered in Stripe's Payment Element). The
// first one becomes the default.
func (s *Service) SavePaymentMethod(ctx context.Context, pm *PaymentMethod) error {
	if pm.CustomerID == 0 || pm.Gateway == "" || pm.GatewayMethodID == "" {
		return platform.Invalid("payment_method", "a payment method needs its customer, gateway and gateway id")
	}
	pm.CreatedAt = s.now()
	return s.store.InTx(ctx, func(tx Store) error {
		existing, err := tx.ListPaymentMethods(ctx, pm.CustomerID)
		if err != nil {
			return err
		}
		pm.Default = false
		if err := tx.CreatePaymentMethod(ctx, pm); err != nil {
			return err
		}
		if len(existing) == 0 {
			pm.Default = true
			return tx.SetDefaultPaymentMethod(ctx, pm.CustomerID, pm.ID)
		}
		return nil
	})
}

// ListPaymentMethods returns the customer's saved payment methods.
func (s *Service) ListPaymentMethods(ctx context.Context, customerID int64) ([]*PaymentMethod, error) {
	return s.store.ListPaymentMethods(ctx, customerID)
}

// SetDefaultPaymentMethod makes one of the customer's payment methods the
// one renewals are charged to.
func (s *Service) SetDefaultPaymentMethod(ctx context.Context, customerID, id int64) error {
	return s.store.SetDefaultPaymentMethod(ctx, customerID, id)
}

// RemovePaymentMethod forgets one of the customer's payment methods and
// returns it, so the caller can detach it at the gateway. When it was the
// default, the newest remaining one becomes the default, so renewals keep
// a card to charge.
func (s *Service) RemovePaymentMethod(ctx context.Context, customerID, id int64) (*PaymentMethod, error) {
	var removed *PaymentMethod
	err := s.store.InTx(ctx, func(tx Store) error {
		var err error
		if removed, err = tx.GetPaymentMethod(ctx, customerID, id); err != nil {
			return err
		}
		if err := tx.DeletePaymentMethod(ctx, customerID, id); err != nil {
			return err
		}
		rest, err := tx.ListPaymentMethods(ctx, customerID)
		if err != nil || !removed.Default || len(rest) == 0 {
			return err
		}
		return tx.SetDefaultPaymentMethod(ctx, customerID, rest[len(rest)-1].ID)
	})
	return removed, err
}

// ChooseSubscriptionPaymentMethod charges one subscription's invoices to a
// payment method other than the default; 0 goes back to the default.
func (s *Service) ChooseSubscriptionPaymentMethod(ctx context.Context, customerID, subID, pmID int64) error {
	return s.store.InTx(ctx, func(tx Store) error {
		if pmID != 0 {
			if _, err := tx.GetPaymentMethod(ctx, customerID, pmID); err != nil {
				return err
			}
		}
		return tx.SetSubscriptionPaymentMethod(ctx, customerID, subID, pmID)
	})
}

// EnsureGatewayCustomer returns the customer's id at a gateway, making it
// with create the first time and keeping it, so every card a customer
// saves lands on one gateway customer.
func (s *Service) EnsureGatewayCustomer(ctx context.Context, customerID int64, gateway string, create func() (string, error)) (string, error) {
	id, err := s.store.GatewayCustomerID(ctx, customerID, gateway)
	if platform.ErrorCode(err) != platform.ENOTFOUND {
		return id, err
	}
	if id, err = create(); err != nil {
		return "", err
	}
	err = s.store.SaveGatewayCustomerID(ctx, customerID, gateway, id, s.now())
	if platform.ErrorCode(err) == platform.ECONFLICT {
		// Another request made it meanwhile (the gateway's idempotency
		// gave it the same id): use the stored one.
		return s.store.GatewayCustomerID(ctx, customerID, gateway)
	}
	return id, err
}

// chargeMethod is the payment method an invoice is charged to: its
// subscription's chosen one, else the account's default.
func (s *Service) chargeMethod(ctx context.Context, inv *Invoice) (*PaymentMethod, error) {
	if inv.SubscriptionID != 0 {
		sub, err := s.store.GetSubscription(ctx, inv.SubscriptionID)
		if err != nil {
			return nil, err
		}
		if sub.PaymentMethodID != 0 {
			return s.store.GetPaymentMethod(ctx, inv.CustomerID, sub.PaymentMethodID)
		}
	}
	return s.store.DefaultPaymentMethod(ctx, inv.CustomerID)
}
