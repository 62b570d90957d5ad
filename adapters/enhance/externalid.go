package enhance

import (
	"fmt"
	"strconv"
	"strings"

	"ezscale.cloud/platform"
)

// SubscriptionName is the friendly name the adapter gives the subscription
// of a service, so that a repeated Create finds it and staff can search for
// it in the panel.
func SubscriptionName(serviceID int64) string {
	return fmt.Sprintf("ezscale-service-%d", serviceID)
}

// ref is a parsed external id: the subscription and the customer
// organisation it belongs to, under which orchd addresses it.
type ref struct {
	customerOrgID  string
	subscriptionID int64
}

// String renders the external id, "<customer org id>:<subscription id>".
func (r ref) String() string {
	return r.customerOrgID + ":" + strconv.FormatInt(r.subscriptionID, 10)
}

// parseRef reads an external id made by ref.String.
func parseRef(externalID string) (ref, error) {
	org, sub, ok := strings.Cut(externalID, ":")
	id, err := strconv.ParseInt(sub, 10, 64)
	if !ok || org == "" || err != nil || id <= 0 {
		return ref{}, platform.Invalid("external_id", "%q is not an Enhance external id (<customer org id>:<subscription id>)", externalID)
	}
	return ref{customerOrgID: org, subscriptionID: id}, nil
}

// parsePlanCode reads a plan code, which is an Enhance plan id.
func parsePlanCode(planCode string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(planCode), 10, 64)
	if err != nil || id <= 0 {
		return 0, platform.Invalid("plan_code", "enhance plan codes are plan ids, got %q", planCode)
	}
	return id, nil
}
