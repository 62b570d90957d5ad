package identity

import (
	"testing"

	"ezscale.cloud/platform"
)

func TestUserCan(t *testing.T) {
	admin := &User{ID: 1, Role: RoleAdmin, Status: UserActive,
		Permissions: []Permission{PermBillingRefund, PermAuditRead}}
	for _, p := range AllPermissions() {
		want := p == PermBillingRefund || p == PermAuditRead
		if got := admin.Can(p); got != want {
			t.Errorf("admin.Can(%s) = %v, want %v", p, got, want)
		}
	}

	// A customer row that carries permissions (bad data, a demoted admin)
	// still holds none.
	customer := &User{ID: 2, Role: RoleCustomer, Status: UserActive, Permissions: AllPermissions()}
	for _, p := range AllPermissions() {
		if customer.Can(p) {
			t.Errorf("customer.Can(%s) = true", p)
		}
	}

	for _, st := range []UserStatus{UserSuspended, UserBanned} {
		u := &User{ID: 3, Role: RoleAdmin, Status: st, Permissions: AllPermissions()}
		if u.Can(PermSettingsWrite) {
			t.Errorf("%s admin can write settings", st)
		}
	}
}

func TestUserCanLogIn(t *testing.T) {
	tests := []struct {
		status UserStatus
		code   string
	}{
		{UserActive, ""},
		{UserSuspended, platform.EFORBIDDEN},
		{UserBanned, platform.EFORBIDDEN},
		{UserStatus("deleted"), platform.EFORBIDDEN},
		{UserStatus(""), platform.EFORBIDDEN},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			u := &User{ID: 1, Role: RoleCustomer, Status: tt.status}
			if got := platform.ErrorCode(u.CanLogIn()); got != tt.code {
				t.Fatalf("CanLogIn code = %q, want %q", got, tt.code)
			}
		})
	}
}

func TestValidValues(t *testing.T) {
	for _, p := range AllPermissions() {
		if !p.Valid() {
			t.Errorf("permission %s reported invalid", p)
		}
	}
	if Permission("billing.delete").Valid() {
		t.Error(`"billing.delete" reported valid`)
	}
	if !RoleAdmin.Valid() || !RoleCustomer.Valid() || Role("owner").Valid() {
		t.Error("Role.Valid is wrong")
	}
	if !UserActive.Valid() || !UserSuspended.Valid() || !UserBanned.Valid() || UserStatus("closed").Valid() {
		t.Error("UserStatus.Valid is wrong")
	}
}
