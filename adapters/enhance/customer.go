package enhance

import (
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"ezscale.cloud/platform"
)

// ensureCustomer returns the id of the customer organisation whose owner
// logs in with email, making the organisation, its login and the owner
// membership when there is none. password is the login's password; when
// it is empty a random one is made and returned as generated, since orchd
// requires one and the customer must be told it.
func (p *Panel) ensureCustomer(ctx context.Context, email, password string) (orgID, generated string, err error) {
	found, ok, err := find(ctx, p, p.path("orgs", p.orgID, "customers"), nil, func(o customerOrg) bool {
		return o.Status != "deleted" && strings.EqualFold(o.OwnerEmail, email)
	})
	if err != nil || ok {
		return found.ID, "", err
	}
	if password == "" {
		password = rand.Text()
		generated = password
	}
	orgID, err = p.createCustomer(ctx, email, password)
	return orgID, generated, err
}

// createCustomer makes the three things a customer is in orchd, as upmind
// and Paymenter do: the organisation, a login in its realm, and the
// login's Owner membership. The organisation is named after the email, the
// only name the platform hands a panel. If the login or membership fails
// the organisation is deleted again, so a retry does not meet a customer
// without an owner.
func (p *Panel) createCustomer(ctx context.Context, email, password string) (string, error) {
	var org newResourceID[string]
	if err := p.do(ctx, http.MethodPost, p.path("orgs", p.orgID, "customers"), nil, newCustomer{Name: email}, &org); err != nil {
		return "", err
	}
	var login newResourceID[string]
	err := p.do(ctx, http.MethodPost, p.path("logins"), url.Values{"orgId": {org.ID}},
		loginInfo{Email: email, Password: password, Name: email}, &login)
	if platform.ErrorCode(err) == platform.ECONFLICT {
		err = &platform.Error{Code: platform.ECONFLICT, Field: "customer_email",
			Message: "enhance already has a login for " + email + " that owns none of this organisation's customers", Err: err}
	}
	if err == nil {
		err = p.do(ctx, http.MethodPost, p.path("orgs", org.ID, "members"), nil,
			newMember{LoginID: login.ID, Roles: []string{"Owner"}}, nil)
	}
	if err != nil {
		return "", errors.Join(err, p.do(ctx, http.MethodDelete, p.path("orgs", org.ID), url.Values{"force": {"false"}}, nil, nil))
	}
	return org.ID, nil
}

// owner returns the Owner member of a customer organisation, whose login
// the single sign-on link opens.
func (p *Panel) owner(ctx context.Context, orgID string) (member, error) {
	m, ok, err := find(ctx, p, p.path("orgs", orgID, "members"), url.Values{"role": {"Owner"}}, func(member) bool { return true })
	if err == nil && !ok {
		err = platform.Errorf(platform.ENOTFOUND, "enhance customer %s has no owner login", orgID)
	}
	return m, err
}
