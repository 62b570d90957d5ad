package sqlstore

import (
	"context"
	"time"

	"ezscale.cloud/platform/identity"
)

// ListRoles returns every staff role with its permissions, in two queries.
func (i *IdentityStore) ListRoles(ctx context.Context) ([]identity.StaffRole, error) {
	roles, err := i.s.q.RoleList(ctx)
	if err != nil {
		return nil, i.s.translate(err, "roles")
	}
	perms, err := i.s.q.RolePermissionList(ctx)
	if err != nil {
		return nil, i.s.translate(err, "role permissions")
	}
	byRole := map[int64][]identity.Permission{}
	for _, p := range perms {
		byRole[p.RoleID] = append(byRole[p.RoleID], identity.Permission(p.Name))
	}
	out := make([]identity.StaffRole, 0, len(roles))
	for _, r := range roles {
		out = append(out, identity.StaffRole{ID: r.ID, Name: r.Name, Permissions: byRole[r.ID]})
	}
	return out, nil
}

// ListStaff returns every staff account with its roles. Each query answers
// one question for all staff at once, so the count of queries stays the
// same however many staff there are.
func (i *IdentityStore) ListStaff(ctx context.Context) ([]identity.StaffMember, error) {
	rows, err := i.s.q.StaffList(ctx)
	if err != nil {
		return nil, i.s.translate(err, "staff")
	}
	signIns, err := i.s.q.StaffLastSignInList(ctx)
	if err != nil {
		return nil, i.s.translate(err, "staff sign-ins")
	}
	lastSignIn := make(map[int64]time.Time, len(signIns))
	for _, s := range signIns {
		lastSignIn[s.UserID] = s.CreatedAt.UTC()
	}
	enrolled, err := i.s.q.StaffSecondFactorList(ctx)
	if err != nil {
		return nil, i.s.translate(err, "staff second factors")
	}
	secondFactor := make(map[int64]bool, len(enrolled))
	for _, id := range enrolled {
		secondFactor[id] = true
	}
	roles, err := i.staffRoles(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]identity.StaffMember, 0, len(rows))
	for _, r := range rows {
		out = append(out, identity.StaffMember{
			ID: r.ID, Email: r.Email, Name: r.Name, Status: identity.UserStatus(r.Status), CreatedAt: r.CreatedAt.UTC(),
			LastSignInAt: lastSignIn[r.ID], PasswordSet: r.PasswordSet, SecondFactor: secondFactor[r.ID], Roles: roles[r.ID],
		})
	}
	return out, nil
}

// staffRoles returns the roles each staff member holds, by user id.
func (i *IdentityStore) staffRoles(ctx context.Context) (map[int64][]identity.StaffRole, error) {
	defined, err := i.ListRoles(ctx)
	if err != nil {
		return nil, err
	}
	held, err := i.s.q.StaffRoleList(ctx)
	if err != nil {
		return nil, i.s.translate(err, "staff roles")
	}
	byID := make(map[int64]identity.StaffRole, len(defined))
	for _, r := range defined {
		byID[r.ID] = r
	}
	out := map[int64][]identity.StaffRole{}
	for _, h := range held {
		out[h.UserID] = append(out[h.UserID], byID[h.RoleID])
	}
	return out, nil
}
