package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"ezscale.cloud/platform/adapters/httpapi/internal/humaop"
	"ezscale.cloud/platform/identity"
)

// profileBody is a profile as the API shows and takes it; a field left
// out is empty (PUT replaces the whole profile).
type profileBody struct {
	Name            string `json:"name,omitempty" maxLength:"200"`
	Company         string `json:"company,omitempty" maxLength:"200"`
	Phone           string `json:"phone,omitempty" maxLength:"200"`
	Address         string `json:"address,omitempty" maxLength:"200"`
	City            string `json:"city,omitempty" maxLength:"200"`
	Region          string `json:"region,omitempty" maxLength:"200"`
	Postal          string `json:"postal,omitempty" maxLength:"200"`
	Country         string `json:"country,omitempty" maxLength:"2" doc:"ISO 3166 alpha-2"`
	VATID           string `json:"vat_id,omitempty" maxLength:"200"`
	ShippingAddress string `json:"shipping_address,omitempty" maxLength:"200"`
	ShippingCity    string `json:"shipping_city,omitempty" maxLength:"200"`
	ShippingRegion  string `json:"shipping_region,omitempty" maxLength:"200"`
	ShippingPostal  string `json:"shipping_postal,omitempty" maxLength:"200"`
	ShippingCountry string `json:"shipping_country,omitempty" maxLength:"2"`
	TaxExempt       bool   `json:"tax_exempt,omitempty" doc:"Set by staff only."`
	AdminNotes      string `json:"admin_notes,omitempty" maxLength:"10000" doc:"Staff only."`
}

type customerProfileOutput struct {
	Body struct {
		ID            int64       `json:"id"`
		Email         string      `json:"email"`
		Status        string      `json:"status" enum:"active,suspended,banned"`
		EmailVerified bool        `json:"email_verified"`
		CreatedAt     time.Time   `json:"created_at"`
		Profile       profileBody `json:"profile"`
	}
}

func (b profileBody) profile() identity.Profile {
	return identity.Profile{
		Name: b.Name, Company: b.Company, Phone: b.Phone, Address: b.Address, City: b.City, Region: b.Region,
		Postal: b.Postal, Country: b.Country, VATID: b.VATID, ShippingAddress: b.ShippingAddress,
		ShippingCity: b.ShippingCity, ShippingRegion: b.ShippingRegion, ShippingPostal: b.ShippingPostal,
		ShippingCountry: b.ShippingCountry, TaxExempt: b.TaxExempt, AdminNotes: b.AdminNotes,
	}
}

func profileOut(p identity.Profile) profileBody {
	return profileBody{
		Name: p.Name, Company: p.Company, Phone: p.Phone, Address: p.Address, City: p.City, Region: p.Region,
		Postal: p.Postal, Country: p.Country, VATID: p.VATID, ShippingAddress: p.ShippingAddress,
		ShippingCity: p.ShippingCity, ShippingRegion: p.ShippingRegion, ShippingPostal: p.ShippingPostal,
		ShippingCountry: p.ShippingCountry, TaxExempt: p.TaxExempt, AdminNotes: p.AdminNotes,
	}
}

type profileInput struct {
	request
	Body profileBody
}

type customerProfileInput struct {
	request
	ID   int64 `path:"id"`
	Body profileBody
}

type roleInput struct {
	request
	ID   int64 `path:"id"`
	Body struct {
		Role        string   `json:"role" maxLength:"64"`
		Permissions []string `json:"permissions,omitempty" maxItems:"32" doc:"The role's permissions, when the role is new."`
	}
}

type roleRevokeInput struct {
	request
	ID   int64  `path:"id"`
	Role string `path:"role" maxLength:"64"`
}

func (s *Server) registerProfile() {
	humaop.Register(s.api, huma.Operation{
		OperationID: "get-profile", Method: http.MethodGet, Path: APIPrefix + "/account/profile", Tags: []string{"account"},
		Summary: "Your contact, billing and shipping details", Middlewares: huma.Middlewares{s.guard(access{scope: identity.ScopeAccountRead})},
	}, func(ctx context.Context, in *struct{}) (*struct{ Body profileBody }, error) {
		p, err := s.id.GetProfile(ctx, principalFrom(ctx).authenticated())
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return &struct{ Body profileBody }{Body: profileOut(p)}, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "update-profile", Method: http.MethodPut, Path: APIPrefix + "/account/profile", Tags: []string{"account"},
		Summary: "Change your details", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(access{scope: identity.ScopeAccountWrite})},
	}, func(ctx context.Context, in *profileInput) (*struct{}, error) {
		return nil, apiError(s.log, s.id.UpdateProfile(ctx, principalFrom(ctx).authenticated(), in.Body.profile(), s.meta(in.r)))
	})
	staff := access{staff: true}
	humaop.Register(s.api, huma.Operation{
		OperationID: "get-customer-profile", Method: http.MethodGet, Path: adminPrefix + "customers/{id}/profile", Tags: []string{"admin"},
		Summary: "A customer's account and whole profile, staff notes included", Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *customerIDInput) (*customerProfileOutput, error) {
		u, p, err := s.id.CustomerProfile(ctx, principalFrom(ctx).auth, in.ID)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &customerProfileOutput{}
		out.Body.ID, out.Body.Email, out.Body.Status, out.Body.EmailVerified, out.Body.CreatedAt, out.Body.Profile =
			u.ID, u.Email, string(u.Status), !u.EmailVerifiedAt.IsZero(), u.CreatedAt, profileOut(p)
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "update-customer-profile", Method: http.MethodPut, Path: adminPrefix + "customers/{id}/profile", Tags: []string{"admin"},
		Summary: "Change a customer's details, tax exemption and notes", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *customerProfileInput) (*struct{}, error) {
		return nil, apiError(s.log, s.id.UpdateCustomerProfile(ctx, principalFrom(ctx).auth, in.ID, in.Body.profile(), s.meta(in.r)))
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "grant-role", Method: http.MethodPost, Path: adminPrefix + "staff/{id}/roles", Tags: []string{"admin"},
		Summary: "Give a staff member a role", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *roleInput) (*struct{}, error) {
		perms := make([]identity.Permission, 0, len(in.Body.Permissions))
		for _, p := range in.Body.Permissions {
			perms = append(perms, identity.Permission(p))
		}
		return nil, apiError(s.log, s.id.GrantRole(ctx, principalFrom(ctx).auth, in.ID, in.Body.Role, perms, s.meta(in.r)))
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "revoke-role", Method: http.MethodDelete, Path: adminPrefix + "staff/{id}/roles/{role}", Tags: []string{"admin"},
		Summary: "Take a role from a staff member", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *roleRevokeInput) (*struct{}, error) {
		return nil, apiError(s.log, s.id.RevokeRole(ctx, principalFrom(ctx).auth, in.ID, in.Role, s.meta(in.r)))
	})
	s.registerStaff()
}
