package fakegateway_test

import (
	"testing"

	"ezscale.cloud/platform/adapters/fakegateway"
	"ezscale.cloud/platform/adapters/gatewaytest"
	"ezscale.cloud/platform/billing"
)

func TestGatewayContract(t *testing.T) {
	gatewaytest.Run(t, func(t *testing.T) billing.Gateway { return fakegateway.New() }, gatewaytest.Methods{
		Succeeds: fakegateway.CardVisa, Declined: fakegateway.CardDeclined, RequiresAction: fakegateway.CardAuthenticationReqd,
	})
}
