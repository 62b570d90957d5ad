package virtfusion

import (
	"context"
	"net/http"
	"strconv"

	"ezscale.cloud/platform"
)

// user is the part of VirtFusion's user object the adapter reads.
type user struct {
	ID int64 `json:"id"`
}

// ensureUser returns the VirtFusion user id of a customer, creating the
// user with extRelationId = customerID when VirtFusion has none, as the
// WHMCS module does on a 404 from byExtRelation.
func (p *Panel) ensureUser(ctx context.Context, customerID int64, email string) (int64, error) {
	id, err := p.findUser(ctx, customerID)
	if platform.ErrorCode(err) != platform.ENOTFOUND {
		return id, err
	}
	var res envelope[user]
	err = p.call(ctx, "create user", http.MethodPost, "/users", nil, map[string]any{
		"name": email, "email": email, "extRelationId": customerID, "sendMail": false,
	}, &res)
	if platform.ErrorCode(err) != platform.EINVALID {
		return res.Data.ID, err
	}
	// A concurrent create for the same customer may have made the user
	// between our lookup and our create; otherwise the email belongs to
	// another VirtFusion user (Paymenter#440), which staff must resolve.
	if id, findErr := p.findUser(ctx, customerID); findErr == nil {
		return id, nil
	}
	return 0, &platform.Error{Code: platform.ECONFLICT, Field: "customer_email",
		Message: "virtfusion refused a user for customer " + strconv.FormatInt(customerID, 10), Err: err}
}

// findUser looks a customer's VirtFusion user up by extRelationId.
func (p *Panel) findUser(ctx context.Context, customerID int64) (int64, error) {
	var res envelope[user]
	ext := strconv.FormatInt(customerID, 10)
	err := p.call(ctx, "find user", http.MethodGet, "/users/"+ext+"/byExtRelation", nil, nil, &res)
	return res.Data.ID, err
}
