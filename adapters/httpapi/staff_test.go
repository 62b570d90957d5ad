package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/identity"
)

type staffList struct {
	Staff []struct {
		ID          int64
		Email       string
		Name        string
		Status      string
		PasswordSet bool `json:"password_set"`
		Roles       []struct{ Name string }
	}
}

type problem struct {
	Errors []struct{ Location string }
}

func TestInviteStaffOverHTTP(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		if _, err := e.store.EnsureRole(ctx, "managers", []identity.Permission{identity.PermStaffWrite, identity.PermAuditRead}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.EnsureRole(ctx, "accountants", []identity.Permission{identity.PermInvoicesWrite}); err != nil {
			t.Fatal(err)
		}
		boss := e.staff("boss@example.com", identity.PermStaffWrite, identity.PermAuditRead)
		boss.enrolTOTP()
		// Staff share their access, never more of it.
		boss.want(http.StatusForbidden, "POST", "/admin/staff", map[string]any{"email": "eve@example.com", "roles": []string{"accountants"}}, nil)
		var roles struct {
			Roles       []struct{ Name string }
			Permissions []string
		}
		boss.want(http.StatusOK, "GET", "/admin/roles", nil, &roles)
		if !slices.Contains(roles.Permissions, "staff.write") || !slices.ContainsFunc(roles.Roles, func(r struct{ Name string }) bool { return r.Name == "managers" }) {
			t.Fatalf("roles: %+v", roles)
		}

		invite := map[string]any{"email": "Nia@Example.com", "name": "Nia", "roles": []string{"managers"}}
		boss.want(http.StatusCreated, "POST", "/admin/staff", invite, nil)
		var dup problem
		boss.want(http.StatusConflict, "POST", "/admin/staff", invite, &dup)
		if len(dup.Errors) != 1 || dup.Errors[0].Location != "body.email" {
			t.Fatalf("a second invitation to one address: %+v", dup)
		}

		// The invitee follows the emailed link, sets a password, signs in
		// as staff and uses the permission the role granted.
		nia := e.client()
		nia.want(http.StatusNoContent, "POST", "/auth/password/reset",
			map[string]string{"token": e.mailedToken(platform.JobEmailStaffInvite), "password": password}, nil)
		var login struct {
			User struct {
				Role        string
				Permissions []string
			}
		}
		nia.want(http.StatusOK, "POST", "/auth/login", map[string]string{"email": "nia@example.com", "password": password}, &login)
		if login.User.Role != "admin" || !slices.Contains(login.User.Permissions, "staff.write") {
			t.Fatalf("the invitee signed in as %+v", login.User)
		}
		nia.enrolTOTP()
		nia.want(http.StatusCreated, "POST", "/admin/staff", map[string]any{"email": "omar@example.com"}, nil)

		var list staffList
		boss.want(http.StatusOK, "GET", "/admin/staff", nil, &list)
		if len(list.Staff) != 3 || list.Staff[1].Email != "nia@example.com" || !list.Staff[1].PasswordSet ||
			len(list.Staff[1].Roles) != 1 || list.Staff[1].Roles[0].Name != "managers" || list.Staff[2].PasswordSet {
			t.Fatalf("staff: %+v", list)
		}
		invited, err := e.store.ListAudit(ctx, identity.AuditFilter{Action: "staff.invited"})
		if err != nil || len(invited) != 2 || invited[1].ActorID != boss.id() || invited[1].IP == "" {
			t.Fatalf("invitation audit (%v): %+v", err, invited)
		}

		// Omar's invitation went astray: a new link is sent, which works.
		// Nia has accepted hers: there is nothing to send.
		first := e.mailedToken(platform.JobEmailStaffInvite)
		boss.want(http.StatusNoContent, "POST", fmt.Sprintf("/admin/staff/%d/invitation", list.Staff[2].ID), nil, nil)
		if again := e.mailedToken(platform.JobEmailStaffInvite); again == first {
			t.Fatal("no new invitation was queued")
		}
		e.client().want(http.StatusNoContent, "POST", "/auth/password/reset",
			map[string]string{"token": e.mailedToken(platform.JobEmailStaffInvite), "password": password}, nil)
		boss.want(http.StatusConflict, "POST", fmt.Sprintf("/admin/staff/%d/invitation", list.Staff[1].ID), nil, nil)
	})
}

func TestStaffChangesNeedStaffPermission(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		clerk := e.staff("clerk@example.com", identity.PermSettingsWrite)
		clerk.enrolTOTP()
		if _, err := e.store.EnsureRole(ctx, "accountants", []identity.Permission{identity.PermInvoicesWrite}); err != nil {
			t.Fatal(err)
		}
		boss := e.staff("boss@example.com", identity.PermStaffWrite, identity.PermAuditRead)
		boss.enrolTOTP()
		// Staff share their access, never more of it.
		boss.want(http.StatusForbidden, "POST", "/admin/staff", map[string]any{"email": "eve@example.com", "roles": []string{"accountants"}}, nil)
		clerkStatus := fmt.Sprintf("/admin/users/%d/status", clerk.id())
		suspend := map[string]string{"status": "suspended"}
		// Settings are not staff: the clerk sees the staff but changes
		// nobody, themselves included.
		clerk.want(http.StatusOK, "GET", "/admin/staff", nil, nil)
		clerk.want(http.StatusForbidden, "POST", "/admin/staff", map[string]any{"email": "x@example.com"}, nil)
		clerk.want(http.StatusForbidden, "PUT", fmt.Sprintf("/admin/users/%d/status", boss.id()), suspend, nil)
		clerk.want(http.StatusForbidden, "PUT", clerkStatus, suspend, nil)

		// Nobody takes away their own last role that manages staff.
		boss.want(http.StatusForbidden, "DELETE", fmt.Sprintf("/admin/staff/%d/roles/role-boss@example.com", boss.id()), nil, nil)
		boss.want(http.StatusNoContent, "PUT", clerkStatus, suspend, nil)
		var list staffList
		boss.want(http.StatusOK, "GET", "/admin/staff", nil, &list)
		if list.Staff[0].Email != "clerk@example.com" || list.Staff[0].Status != "suspended" {
			t.Fatalf("staff after a suspension: %+v", list)
		}
	})
}

// id is the signed-in user's id.
func (c *client) id() int64 {
	c.e.t.Helper()
	var who me
	c.want(http.StatusOK, "GET", "/auth/me", nil, &who)
	return who.User.ID
}
