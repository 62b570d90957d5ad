package sandbox_test

import (
	"context"
	"testing"

	"ezscale.cloud/platform/adapters/gatewaytest"
	"ezscale.cloud/platform/adapters/sandbox"
	"ezscale.cloud/platform/billing"
)

func TestGatewayContract(t *testing.T) {
	gatewaytest.Run(t, func(t *testing.T) billing.Gateway { return sandbox.New() }, gatewaytest.Methods{
		Succeeds: sandbox.CardVisa, Declined: sandbox.CardDeclined, RequiresAction: sandbox.CardAuthenticationReqd,
	})
}

// The database outlives the sandbox: a restarted one (a new Gateway) must
// still charge the cards saved before, and never make an id made before.
func TestRestartedSandboxKeepsSavedCardsAndNewIDs(t *testing.T) {
	first := sandbox.New()
	pm, err := first.SavePaymentMethod(sandbox.CardDeclined)
	if err != nil {
		t.Fatal(err)
	}
	req := billing.ChargeRequest{IdempotencyKey: "k1", PaymentMethodID: pm, Amount: billing.Money{Amount: 1200, Currency: "USD"}}
	before, err := first.Charge(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	second := sandbox.New()
	after, err := second.Charge(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if after.Status != billing.ChargeFailed || before.Status != billing.ChargeFailed {
		t.Fatalf("the saved declined card charged %s, then %s after a restart", before.Status, after.Status)
	}
	if after.ID == before.ID {
		t.Fatalf("a restarted sandbox made charge id %s again", after.ID)
	}
	if brand, _, _, _, err := second.PaymentMethodDetails(context.Background(), pm); err != nil || brand == "" {
		t.Fatalf("details of a card saved before the restart: %q, %v", brand, err)
	}
}
