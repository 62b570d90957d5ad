package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/httpapi/internal/humaop"
	"ezscale.cloud/platform/billing"
	"ezscale.cloud/platform/identity"
)

// CardVault is the gateway that keeps customers' cards (Stripe). Cards are
// entered in its own page element and only references to them reach the
// platform, so no endpoint here ever takes a card number.
type CardVault interface {
	Name() string
	EnsureCustomer(ctx context.Context, customerID int64, email, name string) (string, error)
	CreateSetupIntent(ctx context.Context, gatewayCustomerID string) (clientSecret string, err error)
	PaymentMethodDetails(ctx context.Context, pmID string) (brand, last4 string, expMonth, expYear int64, err error)
	DetachPaymentMethod(ctx context.Context, pmID string) error
	// BrowserKey is what the browser's card form needs (Stripe's
	// publishable key); empty when it needs nothing (the sandbox).
	BrowserKey() string
}

type paymentMethodBody struct {
	ID        int64     `json:"id"`
	Gateway   string    `json:"gateway"`
	Brand     string    `json:"brand"`
	Last4     string    `json:"last4"`
	ExpMonth  int64     `json:"exp_month"`
	ExpYear   int64     `json:"exp_year"`
	Default   bool      `json:"default"`
	CreatedAt time.Time `json:"created_at"`
}

func paymentMethodOut(pm *billing.PaymentMethod) paymentMethodBody {
	return paymentMethodBody{ID: pm.ID, Gateway: pm.Gateway, Brand: pm.Brand, Last4: pm.Last4, ExpMonth: pm.ExpMonth,
		ExpYear: pm.ExpYear, Default: pm.Default, CreatedAt: pm.CreatedAt}
}

type paymentMethodsOutput struct {
	Body struct {
		PaymentMethods []paymentMethodBody `json:"payment_methods"`
	}
}

type setupOutput struct {
	Body struct {
		Gateway        string `json:"gateway" doc:"stripe: collect the card with Stripe's Payment Element; sandbox: send a test card id."`
		ClientSecret   string `json:"client_secret" doc:"Pass to the Payment Element, which collects the card and confirms the SetupIntent."`
		PublishableKey string `json:"publishable_key,omitempty" doc:"For Stripe.js in the browser."`
	}
}

type savePaymentMethodInput struct {
	Body struct {
		PaymentMethodID string `json:"payment_method_id" maxLength:"255" doc:"The gateway's id of the payment method the SetupIntent saved (pm_…)."`
	}
}

func (s *Server) registerPaymentMethods(b *billing.Service, vault CardVault) {
	read := access{scope: identity.ScopeBillingRead}
	write := access{scope: identity.ScopeBillingWrite}
	humaop.Register(s.api, huma.Operation{
		OperationID: "list-payment-methods", Method: http.MethodGet, Path: APIPrefix + "/account/payment-methods", Tags: []string{"billing"},
		Summary: "Your saved payment methods", Middlewares: huma.Middlewares{s.guard(read)},
	}, func(ctx context.Context, in *struct{}) (*paymentMethodsOutput, error) {
		list, err := b.ListPaymentMethods(ctx, principalFrom(ctx).user.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &paymentMethodsOutput{}
		out.Body.PaymentMethods = []paymentMethodBody{}
		for _, pm := range list {
			out.Body.PaymentMethods = append(out.Body.PaymentMethods, paymentMethodOut(pm))
		}
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "setup-payment-method", Method: http.MethodPost, Path: APIPrefix + "/account/payment-methods/setup", Tags: []string{"billing"},
		Summary: "Start saving a card", Middlewares: huma.Middlewares{s.guard(write)},
	}, func(ctx context.Context, in *struct{}) (*setupOutput, error) {
		u := principalFrom(ctx).user
		customer, err := s.gatewayCustomer(ctx, b, vault, u)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		secret, err := vault.CreateSetupIntent(ctx, customer)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &setupOutput{}
		out.Body.Gateway, out.Body.ClientSecret, out.Body.PublishableKey = vault.Name(), secret, vault.BrowserKey()
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "save-payment-method", Method: http.MethodPost, Path: APIPrefix + "/account/payment-methods", Tags: []string{"billing"},
		Summary: "Keep a card the Payment Element saved", DefaultStatus: http.StatusCreated, Middlewares: huma.Middlewares{s.guard(write)},
	}, func(ctx context.Context, in *savePaymentMethodInput) (*struct{ Body paymentMethodBody }, error) {
		u := principalFrom(ctx).user
		customer, err := s.gatewayCustomer(ctx, b, vault, u)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		brand, last4, month, year, err := vault.PaymentMethodDetails(ctx, in.Body.PaymentMethodID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		pm := &billing.PaymentMethod{CustomerID: u.ID, Gateway: vault.Name(), GatewayCustomerID: customer,
			GatewayMethodID: in.Body.PaymentMethodID, Brand: brand, Last4: last4, ExpMonth: month, ExpYear: year}
		if err := b.SavePaymentMethod(ctx, pm); err != nil {
			return nil, apiError(s.log, err)
		}
		return &struct{ Body paymentMethodBody }{Body: paymentMethodOut(pm)}, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "default-payment-method", Method: http.MethodPut, Path: APIPrefix + "/account/payment-methods/{id}/default", Tags: []string{"billing"},
		Summary: "Charge renewals to this payment method", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(write)},
	}, func(ctx context.Context, in *idInput) (*struct{}, error) {
		return nil, apiError(s.log, b.SetDefaultPaymentMethod(ctx, principalFrom(ctx).user.ID, in.ID))
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "remove-payment-method", Method: http.MethodDelete, Path: APIPrefix + "/account/payment-methods/{id}", Tags: []string{"billing"},
		Summary: "Remove a saved payment method", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(write)},
	}, func(ctx context.Context, in *idInput) (*struct{}, error) {
		pm, err := b.RemovePaymentMethod(ctx, principalFrom(ctx).user.ID, in.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		if pm.Gateway != vault.Name() {
			return nil, nil
		}
		// Forgotten here first: a failed detach leaves a card at the
		// gateway we no longer charge, never one we charge but do not show.
		if err := vault.DetachPaymentMethod(ctx, pm.GatewayMethodID); err != nil {
			s.log.Error("payment method not detached at the gateway", "gateway", pm.Gateway, "id", pm.GatewayMethodID, "err", err)
		}
		return nil, nil
	})
}

// gatewayCustomer is the user's customer at the card vault, made once.
func (s *Server) gatewayCustomer(ctx context.Context, b *billing.Service, vault CardVault, u *identity.User) (string, error) {
	if u == nil {
		return "", platform.Errorf(platform.EUNAUTHORIZED, "log in first")
	}
	return b.EnsureGatewayCustomer(ctx, u.ID, vault.Name(), func() (string, error) {
		return vault.EnsureCustomer(ctx, u.ID, u.Email, "")
	})
}
