package synergycp

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"ezscale.cloud/platform/provisioning"
)

// scpClient is a SynergyCP client (customer account).
type scpClient struct {
	ID int64 `json:"id"`
}

// customer returns the SynergyCP client for the order's customer, found
// by billing_id (our customer id), then by email, and created when there
// is none, as the WHMCS module's ClientService does.
func (p *Panel) customer(ctx context.Context, req provisioning.CreateRequest) (int64, error) {
	billingID := strconv.FormatInt(req.CustomerID, 10)
	lookups := []url.Values{{"email": {req.CustomerEmail}}}
	if req.CustomerID > 0 {
		lookups = append([]url.Values{{"billing_id": {billingID}}}, lookups...)
	}
	for _, filter := range lookups {
		c, found, err := first[scpClient](ctx, p.api, "client", filter)
		if err != nil || found {
			return c.ID, err
		}
	}
	// The request carries no name; SynergyCP requires one, so the
	// mailbox name stands in until staff edit it.
	local, _, _ := strings.Cut(req.CustomerEmail, "@")
	body := map[string]any{
		"email": req.CustomerEmail, "first": local, "last": fmt.Sprintf("Customer %d", req.CustomerID),
	}
	if req.CustomerID > 0 {
		body["billing_id"] = billingID
	}
	if req.Password != "" {
		body["password"] = req.Password
	}
	var c scpClient
	err := p.api.call(ctx, http.MethodPost, "client", nil, body, &c)
	return c.ID, err
}

// clientKey creates an API key owned by a client, for the calls SynergyCP
// takes on the client's behalf: single sign-on and IPMI power control.
func (p *Panel) clientKey(ctx context.Context, clientID int64) (string, error) {
	var k struct {
		Key string `json:"key"`
	}
	err := p.api.call(ctx, http.MethodPost, "key", nil, map[string]any{"owner_id": clientID, "owner_type": "client"}, &k)
	return k.Key, err
}
