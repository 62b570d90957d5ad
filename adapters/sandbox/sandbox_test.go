package sandbox_test

import (
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
