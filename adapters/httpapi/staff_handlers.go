package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"ezscale.cloud/platform/adapters/httpapi/internal/humaop"
	"ezscale.cloud/platform/identity"
)

type staffRoleBody struct {
	Name        string   `json:"name"`
	Permissions []string `json:"permissions"`
}

type staffMemberBody struct {
	ID           int64           `json:"id"`
	Email        string          `json:"email"`
	Name         string          `json:"name,omitempty"`
	Status       string          `json:"status" enum:"active,suspended,banned"`
	CreatedAt    time.Time       `json:"created_at"`
	LastSignInAt time.Time       `json:"last_sign_in_at,omitzero" doc:"Absent if the member never signed in."`
	PasswordSet  bool            `json:"password_set" doc:"False while the invitation waits to be accepted."`
	SecondFactor bool            `json:"second_factor" doc:"Whether an authenticator app or a passkey is enrolled."`
	Roles        []staffRoleBody `json:"roles"`
}

type staffOutput struct {
	Body struct {
		Staff []staffMemberBody `json:"staff"`
	}
}

type rolesOutput struct {
	Body struct {
		Roles       []staffRoleBody `json:"roles"`
		Permissions []string        `json:"permissions" doc:"Every staff permission, for defining a new role."`
	}
}

type inviteStaffInput struct {
	request
	Body struct {
		Email string   `json:"email" maxLength:"254"`
		Name  string   `json:"name,omitempty" maxLength:"200"`
		Roles []string `json:"roles,omitempty" maxItems:"32" doc:"Names of defined roles to hold."`
	}
}

func permissionsOut(perms []identity.Permission) []string {
	out := make([]string, 0, len(perms))
	for _, p := range perms {
		out = append(out, string(p))
	}
	return out
}

func staffRolesOut(roles []identity.StaffRole) []staffRoleBody {
	out := make([]staffRoleBody, 0, len(roles))
	for _, r := range roles {
		out = append(out, staffRoleBody{Name: r.Name, Permissions: permissionsOut(r.Permissions)})
	}
	return out
}

func staffMemberOut(m identity.StaffMember) staffMemberBody {
	return staffMemberBody{
		ID: m.ID, Email: m.Email, Name: m.Name, Status: string(m.Status), CreatedAt: m.CreatedAt,
		LastSignInAt: m.LastSignInAt, PasswordSet: m.PasswordSet, SecondFactor: m.SecondFactor, Roles: staffRolesOut(m.Roles),
	}
}

// registerStaff mounts the staff page: who the staff are, the roles they
// may hold, inviting a new member and inviting them again. Granting and
// revoking roles are grant-role and revoke-role; suspending is
// set-user-status.
func (s *Server) registerStaff() {
	read := access{staff: true, scope: identity.ScopeAdmin}
	humaop.Register(s.api, huma.Operation{
		OperationID: "list-staff", Method: http.MethodGet, Path: adminPrefix + "staff", Tags: []string{"admin"},
		Summary: "Every staff member with their roles", Middlewares: huma.Middlewares{s.guard(read)},
	}, func(ctx context.Context, _ *struct{}) (*staffOutput, error) {
		staff, err := s.id.ListStaff(ctx, principalFrom(ctx).authenticated())
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &staffOutput{}
		out.Body.Staff = make([]staffMemberBody, 0, len(staff))
		for _, m := range staff {
			out.Body.Staff = append(out.Body.Staff, staffMemberOut(m))
		}
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "list-roles", Method: http.MethodGet, Path: adminPrefix + "roles", Tags: []string{"admin"},
		Summary: "The staff roles and their permissions", Middlewares: huma.Middlewares{s.guard(read)},
	}, func(ctx context.Context, _ *struct{}) (*rolesOutput, error) {
		roles, err := s.id.ListRoles(ctx, principalFrom(ctx).authenticated())
		if err != nil {
			return nil, apiError(s.log, err)
		}
		out := &rolesOutput{}
		out.Body.Roles, out.Body.Permissions = staffRolesOut(roles), permissionsOut(identity.AllPermissions())
		return out, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "invite-staff", Method: http.MethodPost, Path: adminPrefix + "staff", Tags: []string{"admin"},
		Summary:       "Invite a staff member: they are emailed a link to set their password",
		Description:   "Needs the staff.write permission. An address that already has an account is refused.",
		DefaultStatus: http.StatusCreated, Middlewares: huma.Middlewares{s.guard(access{staff: true})},
	}, func(ctx context.Context, in *inviteStaffInput) (*struct{ Body staffMemberBody }, error) {
		inv := identity.StaffInvitation{Email: in.Body.Email, Name: in.Body.Name, Roles: in.Body.Roles}
		m, err := s.id.InviteStaff(ctx, principalFrom(ctx).auth, inv, s.meta(in.r))
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return &struct{ Body staffMemberBody }{Body: staffMemberOut(*m)}, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "resend-staff-invitation", Method: http.MethodPost, Path: adminPrefix + "staff/{id}/invitation", Tags: []string{"admin"},
		Summary:       "Email a staff member who has not set a password a new invitation link",
		Description:   "Needs the staff.write permission. A member who has set a password, or is suspended, is a 409.",
		DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(access{staff: true})},
	}, func(ctx context.Context, in *idInput) (*struct{}, error) {
		return nil, apiError(s.log, s.id.ResendInvitation(ctx, principalFrom(ctx).auth, in.ID, s.meta(in.r)))
	})
}
