package enhance

import (
	"strconv"
	"testing"

	"ezscale.cloud/platform/adapters/enhance/enhancetest"
	"ezscale.cloud/platform/adapters/paneltest"
)

func TestContract(t *testing.T) {
	paneltest.Run(t, func(t *testing.T) paneltest.Harness {
		fake := enhancetest.New(t)
		subscriptionID := func(externalID string) int64 {
			r, err := parseRef(externalID)
			if err != nil {
				t.Fatal(err)
			}
			return r.subscriptionID
		}
		return paneltest.Harness{
			Panel:          newPanel(t, fake, enhancetest.Token),
			BadCredentials: newPanel(t, fake, "wrong-token"),
			PlanCode:       strconv.Itoa(enhancetest.StarterPlanID),
			OtherPlanCode:  strconv.Itoa(enhancetest.BusinessPlanID),
			Resources: func(serviceID int64) int {
				return fake.LiveSubscriptions(SubscriptionName(serviceID))
			},
			Suspended: func(externalID string) bool { return fake.Suspended(subscriptionID(externalID)) },
			Plan: func(externalID string) string {
				return strconv.FormatInt(fake.PlanID(subscriptionID(externalID)), 10)
			},
			DeleteOutOfBand: func(externalID string) { fake.DeleteSubscription(subscriptionID(externalID)) },
		}
	})
}

// newPanel returns the adapter for the fake, presenting token.
func newPanel(t *testing.T, fake *enhancetest.Server, token string) *Panel {
	t.Helper()
	p, err := New(Config{BaseURL: fake.URL, APIKey: token, OrgID: enhancetest.MasterOrgID})
	if err != nil {
		t.Fatal(err)
	}
	return p
}
