package storetest

import (
	"reflect"
	"testing"
	"time"

	"ezscale.cloud/platform/identity"
)

// testStaffListing checks the staff page's listing: staff only, each with
// the roles they hold, their newest sign-in, whether a second factor is
// enrolled and whether a password was ever set.
func testStaffListing(t *testing.T, s identity.Store) {
	NewUser(t, s, "customer@example.com", identity.RoleCustomer)
	boss := NewUser(t, s, "boss@example.com", identity.RoleAdmin)
	invited := &identity.User{Email: "new@example.com", Role: identity.RoleAdmin, Status: identity.UserActive, CreatedAt: t0}
	must(t, s.CreateUser(ctx, invited, identity.NoPassword, identity.Profile{}))
	owner, err := s.EnsureRole(ctx, "owner", []identity.Permission{identity.PermStaffWrite, identity.PermAuditRead})
	must(t, err)
	unused, err := s.EnsureRole(ctx, "unused", nil)
	must(t, err)
	billing, err := s.EnsureRole(ctx, "billing", []identity.Permission{identity.PermInvoicesWrite})
	must(t, err)
	must(t, s.AssignRole(ctx, boss.ID, owner))
	must(t, s.AssignRole(ctx, boss.ID, billing))
	must(t, s.AssignRole(ctx, invited.ID, billing))
	for i, at := range []time.Time{t0, t0.Add(2 * time.Hour)} {
		must(t, s.CreateSession(ctx, &identity.Session{UserID: boss.ID, TokenHash: hashOf(string(rune('a' + i))),
			CreatedAt: at, LastSeenAt: at, ExpiresAt: at.Add(time.Hour)}))
	}
	must(t, s.SaveTOTP(ctx, boss.ID, "v1.k1.sealed", t0))
	must(t, s.ConfirmTOTP(ctx, boss.ID, t0))

	roles, err := s.ListRoles(ctx)
	must(t, err)
	wantRoles := []identity.StaffRole{
		{ID: billing, Name: "billing", Permissions: []identity.Permission{identity.PermInvoicesWrite}},
		{ID: owner, Name: "owner", Permissions: []identity.Permission{identity.PermAuditRead, identity.PermStaffWrite}},
		{ID: unused, Name: "unused"},
	}
	if !reflect.DeepEqual(roles, wantRoles) {
		t.Fatalf("roles:\n got %+v\nwant %+v", roles, wantRoles)
	}
	staff, err := s.ListStaff(ctx)
	must(t, err)
	want := []identity.StaffMember{
		{ID: boss.ID, Email: "boss@example.com", Name: "Test User", Status: identity.UserActive, CreatedAt: t0,
			LastSignInAt: t0.Add(2 * time.Hour), PasswordSet: true, SecondFactor: true, Roles: wantRoles[:2]},
		{ID: invited.ID, Email: "new@example.com", Status: identity.UserActive, CreatedAt: t0, Roles: wantRoles[:1]},
	}
	if !reflect.DeepEqual(staff, want) {
		t.Fatalf("staff:\n got %+v\nwant %+v", staff, want)
	}
}
