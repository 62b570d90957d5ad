package pterodactyl

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/provisioning"
)

// owner returns the panel account that will own the customer's server:
// the one whose external_id is our customer id, else the one with the
// customer's email (accounts made by hand or by WHMCS), else a new one
// with the request's password. Two services of one customer created at
// the same moment race to make the account; the loser finds the winner's.
func (p *Panel) owner(ctx context.Context, req provisioning.CreateRequest) (userObject, error) {
	if u, ok, err := p.findUser(ctx, req); err != nil || ok {
		return u, err
	}
	u, err := p.createUser(ctx, req)
	if f := platform.ErrorField(err); f == "email" || f == "external_id" {
		if again, ok, findErr := p.findUser(ctx, req); findErr == nil && ok {
			return again, nil
		}
	}
	return u, err
}

// findUser looks the customer's account up by external id, then by email.
// The panel's email filter matches any part of the address, so the match
// is checked here.
func (p *Panel) findUser(ctx context.Context, req provisioning.CreateRequest) (userObject, bool, error) {
	if req.CustomerID > 0 {
		var it item[userObject]
		ext := strconv.FormatInt(req.CustomerID, 10)
		err := p.call(ctx, application, http.MethodGet, "/api/application/users/external/"+ext, nil, nil, &it, "find user "+ext)
		if err == nil {
			return it.Attributes, true, nil
		}
		if platform.ErrorCode(err) != platform.ENOTFOUND {
			return userObject{}, false, err
		}
	}
	return find(ctx, p, "/api/application/users", url.Values{"filter[email]": {req.CustomerEmail}}, "find user by email",
		func(u userObject) bool { return strings.EqualFold(u.Email, req.CustomerEmail) })
}

// newUser is the body of POST /api/application/users.
type newUser struct {
	Email      string `json:"email"`
	Username   string `json:"username"`
	FirstName  string `json:"first_name"`
	LastName   string `json:"last_name"`
	Password   string `json:"password,omitempty"`
	ExternalID string `json:"external_id,omitempty"`
}

// createUser makes the customer's account. The platform does not pass the
// customer's name, which the panel requires, so the account is named after
// the customer number; the customer can change it on the panel.
func (p *Panel) createUser(ctx context.Context, req provisioning.CreateRequest) (userObject, error) {
	body := newUser{Email: req.CustomerEmail, Username: username(req), FirstName: "Customer",
		LastName: "#" + strconv.FormatInt(req.CustomerID, 10), Password: req.Password}
	if req.CustomerID > 0 {
		body.ExternalID = strconv.FormatInt(req.CustomerID, 10)
	}
	var it item[userObject]
	err := p.call(ctx, application, http.MethodPost, "/api/application/users", nil, body, &it, "create user")
	return it.Attributes, err
}

// username derives a panel username from the email's local part and the
// customer id, within the panel's rule: lower-case letters, digits, dots,
// dashes and underscores, starting and ending with a letter or digit.
func username(req provisioning.CreateRequest) string {
	local, _, _ := strings.Cut(strings.ToLower(req.CustomerEmail), "@")
	var b strings.Builder
	for _, c := range local {
		if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_' {
			b.WriteRune(c)
		}
	}
	name := strings.TrimLeft(b.String(), ".-_")
	if len(name) > 32 {
		name = name[:32]
	}
	if name == "" {
		name = "customer"
	}
	id := req.CustomerID
	if id <= 0 {
		id = req.ServiceID
	}
	return name + "_" + strconv.FormatInt(id, 10)
}
