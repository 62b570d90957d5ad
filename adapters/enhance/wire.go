package enhance

// The orchd schemas the adapter reads and writes, cut down to the fields
// it uses. Names follow the OpenAPI spec.

// customerOrg is an item of getOrgCustomers (schema Org).
type customerOrg struct {
	ID         string `json:"id"`
	Status     string `json:"status"`
	OwnerEmail string `json:"ownerEmail"`
}

// member is an item of getMembers (schema Member).
type member struct {
	ID string `json:"id"`
}

// subscription is schema Subscription. Status is "active" or "deleted";
// a soft-deleted subscription is still returned, with status "deleted".
// SuspendedBy is set exactly while it is suspended.
type subscription struct {
	ID           int64          `json:"id"`
	PlanID       int64          `json:"planId"`
	Status       string         `json:"status"`
	SuspendedBy  string         `json:"suspendedBy"`
	FriendlyName string         `json:"friendlyName"`
	Resources    []usedResource `json:"resources"`
}

// usedResource is schema UsedResource: a plan resource's current usage.
type usedResource struct {
	Name  string `json:"name"`
	Usage int64  `json:"usage"`
}

// website is schema Website. Status is "active", "disabled" or
// "deleted"; SuspendedBy is set while it is suspended.
type website struct {
	SubscriptionID int64      `json:"subscriptionId"`
	Status         string     `json:"status"`
	SuspendedBy    string     `json:"suspendedBy"`
	ServerIPs      []serverIP `json:"serverIps"`
	AppServerIPv6  string     `json:"appServerIpv6"`
}

// serverIP is schema ServerIp.
type serverIP struct {
	IP        string `json:"ip"`
	IsPrimary bool   `json:"isPrimary"`
}

// listing is orchd's paginated listing envelope.
type listing[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

// newResourceID is the body of a 201: NewResourceUuid (string ids) or
// NewResourceId (integer ids).
type newResourceID[T string | int64] struct {
	ID T `json:"id"`
}

// The request bodies.
type (
	newCustomer struct {
		Name string `json:"name"`
	}
	loginInfo struct {
		Email    string `json:"email"`
		Password string `json:"password"`
		Name     string `json:"name"`
	}
	newMember struct {
		LoginID string   `json:"loginId"`
		Roles   []string `json:"roles"`
	}
	newSubscription struct {
		PlanID       int64  `json:"planId"`
		FriendlyName string `json:"friendlyName"`
	}
	newWebsite struct {
		Domain         string `json:"domain"`
		SubscriptionID int64  `json:"subscriptionId"`
	}
	// updateSubscription sends only the fields set, as PATCH means.
	updateSubscription struct {
		IsSuspended *bool  `json:"isSuspended,omitempty"`
		PlanID      *int64 `json:"planId,omitempty"`
	}
)

// live reports whether the subscription is not deleted.
func (s subscription) live() bool { return s.Status != "deleted" }

// usage returns the usage of the named resource, or 0.
func (s subscription) usage(name string) int64 {
	for _, r := range s.Resources {
		if r.Name == name {
			return r.Usage
		}
	}
	return 0
}

// primaryIPv4 returns the website's primary server address, or the first.
func (w website) primaryIPv4() string {
	for _, ip := range w.ServerIPs {
		if ip.IsPrimary {
			return ip.IP
		}
	}
	if len(w.ServerIPs) > 0 {
		return w.ServerIPs[0].IP
	}
	return ""
}
