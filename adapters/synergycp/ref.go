package synergycp

import (
	"fmt"
	"strconv"
	"strings"

	"ezscale.cloud/platform"
)

// ref is our handle on a provisioned machine, the ExternalID
// "<server id>:<service id>". SynergyCP reuses machines: a wiped server
// goes back to the inventory and is sold again. Carrying the service id
// lets every call check that the machine still belongs to the service
// (billing.id) before it suspends, wipes or powers off what may by now be
// another customer's server.
type ref struct {
	server, service int64
}

func (r ref) String() string { return fmt.Sprintf("%d:%d", r.server, r.service) }

// billingID is the service id as SynergyCP stores it in billing.id.
func (r ref) billingID() string { return strconv.FormatInt(r.service, 10) }

func parseRef(externalID string) (ref, error) {
	srv, svc, ok := strings.Cut(externalID, ":")
	r := ref{}
	var err1, err2 error
	r.server, err1 = strconv.ParseInt(srv, 10, 64)
	r.service, err2 = strconv.ParseInt(svc, 10, 64)
	if !ok || err1 != nil || err2 != nil || r.server <= 0 || r.service <= 0 {
		return ref{}, platform.Invalid("external_id", "%q is not a synergycp id (<server id>:<service id>)", externalID)
	}
	return r, nil
}
