package identity_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/identity"
)

// role defines a role with perms and gives it to the staff member.
func (h *harness) role(t *testing.T, a *identity.Authenticated, name string, perms ...identity.Permission) {
	t.Helper()
	id, err := h.store.EnsureRole(ctx, name, perms)
	mustOK(t, err)
	mustOK(t, h.store.AssignRole(ctx, a.User.ID, id))
}

func TestInviteStaffSetsPasswordAndSignsIn(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		boss := h.staff(t, "boss@example.com", identity.PermStaffWrite, identity.PermInvoicesWrite, identity.PermBillingRefund)
		h.passTOTP(t, boss)
		_, err := h.store.EnsureRole(ctx, "billing", []identity.Permission{identity.PermInvoicesWrite, identity.PermBillingRefund})
		mustOK(t, err)
		// A role with permissions the inviter lacks is not theirs to give.
		_, err = h.store.EnsureRole(ctx, "auditors", []identity.Permission{identity.PermAuditRead})
		mustOK(t, err)
		_, err = h.svc.InviteStaff(ctx, boss, identity.StaffInvitation{Email: "eve@example.com", Roles: []string{"auditors"}}, meta)
		wantCode(t, err, platform.EFORBIDDEN)

		inv := identity.StaffInvitation{Email: " Nia@Example.com ", Name: "Nia", Roles: []string{"billing"}}
		member, err := h.svc.InviteStaff(ctx, boss, inv, meta)
		mustOK(t, err)
		if member.Email != "nia@example.com" || member.PasswordSet || len(member.Roles) != 1 || member.Roles[0].Name != "billing" {
			t.Fatalf("invited: %+v", member)
		}
		// Until the link is followed the account has no password at all.
		_, err = h.svc.Login(ctx, "nia@example.com", "", meta)
		wantCode(t, err, platform.EUNAUTHORIZED)

		// The invitation waits a week, far past a reset link's hour.
		h.clock.Advance(identity.StaffInviteLifetime - time.Minute)
		mustOK(t, h.svc.ResetPassword(ctx, h.mailedToken(t, platform.JobEmailStaffInvite), "correct horse battery", meta))
		_, nia := h.login(t, "nia@example.com")
		if nia.User.Role != identity.RoleAdmin || !nia.User.Can(identity.PermBillingRefund) || nia.User.Can(identity.PermStaffWrite) {
			t.Fatalf("the invited member signed in as %s with %v", nia.User.Role, nia.User.Permissions)
		}

		staff, err := h.svc.ListStaff(ctx, boss)
		mustOK(t, err)
		i := slices.IndexFunc(staff, func(m identity.StaffMember) bool { return m.ID == member.ID })
		if len(staff) != 2 || i < 0 || !staff[i].PasswordSet || staff[i].LastSignInAt.IsZero() || staff[i].Roles[0].Name != "billing" {
			t.Fatalf("staff list: %+v", staff)
		}
		entries, _ := h.store.ListAudit(ctx, identity.AuditFilter{Action: "staff.invited"})
		if len(entries) != 1 || entries[0].ActorID != boss.User.ID || string(entries[0].After) != `{"email":"nia@example.com","roles":["billing"]}` {
			t.Fatalf("invitation audit: %+v", entries)
		}
	})
}

func TestStaffInvitationEnds(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		boss := h.staff(t, "boss@example.com", identity.PermStaffWrite)
		h.passTOTP(t, boss)
		invite := func(email string) string {
			t.Helper()
			_, err := h.svc.InviteStaff(ctx, boss, identity.StaffInvitation{Email: email}, meta)
			mustOK(t, err)
			return h.mailedToken(t, platform.JobEmailStaffInvite)
		}

		late := invite("late@example.com")
		h.clock.Advance(identity.StaffInviteLifetime)
		err := h.svc.ResetPassword(ctx, late, "correct horse battery", meta)
		if platform.ErrorCode(err) != platform.EUNAUTHORIZED || !strings.Contains(err.Error(), "expired") {
			t.Fatalf("an invitation a week old: %v, want expired", err)
		}

		// Whoever set a password another way (a reset link) has accepted;
		// the invitation, still unused and in date, must not reset it.
		other := invite("other@example.com")
		mustOK(t, h.svc.RequestPasswordReset(ctx, "other@example.com", meta))
		mustOK(t, h.svc.ResetPassword(ctx, h.mailedToken(t, platform.JobEmailPasswordReset), "first password chosen", meta))
		err = h.svc.ResetPassword(ctx, other, "second password chosen", meta)
		if platform.ErrorCode(err) != platform.EUNAUTHORIZED {
			t.Fatalf("an invitation after a password was set: %v, want EUNAUTHORIZED", err)
		}
		if _, err := h.svc.Login(ctx, "other@example.com", "first password chosen", meta); err != nil {
			t.Fatalf("the password set by the reset link no longer works: %v", err)
		}

		// An invitation is no verification link, and a reset link's
		// prefix on an invitation's token does not make it one.
		token := invite("third@example.com")
		wantCode(t, h.svc.VerifyEmail(ctx, token, meta), platform.EUNAUTHORIZED)
		forged := identity.TokenPrefixResetPassword + strings.TrimPrefix(token, identity.TokenPrefixStaffInvite)
		wantCode(t, h.svc.ResetPassword(ctx, forged, "correct horse battery", meta), platform.EUNAUTHORIZED)
		mustOK(t, h.svc.ResetPassword(ctx, token, "correct horse battery", meta))
	})
}

func TestResendInvitation(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		boss := h.staff(t, "boss@example.com", identity.PermStaffWrite)
		h.passTOTP(t, boss)
		member, err := h.svc.InviteStaff(ctx, boss, identity.StaffInvitation{Email: "slow@example.com"}, meta)
		mustOK(t, err)
		first := h.mailedToken(t, platform.JobEmailStaffInvite)

		// The first invitation lapses; a new one works for a new week.
		h.clock.Advance(identity.StaffInviteLifetime + time.Hour)
		mustOK(t, h.svc.ResendInvitation(ctx, boss, member.ID, meta))
		second := h.mailedToken(t, platform.JobEmailStaffInvite)
		if second == first {
			t.Fatal("the resent invitation has the first one's token")
		}
		wantCode(t, h.svc.ResetPassword(ctx, first, "correct horse battery", meta), platform.EUNAUTHORIZED)
		mustOK(t, h.svc.ResetPassword(ctx, second, "correct horse battery", meta))
		entries, _ := h.store.ListAudit(ctx, identity.AuditFilter{Action: "staff.invitation_resent"})
		if len(entries) != 1 || entries[0].ActorID != boss.User.ID || entries[0].ResourceID != strconv.FormatInt(member.ID, 10) {
			t.Fatalf("resend audit: %+v", entries)
		}

		// Accepted: nothing to resend.
		wantCode(t, h.svc.ResendInvitation(ctx, boss, member.ID, meta), platform.ECONFLICT)
		// A customer is no staff member.
		customer := h.verifiedCustomer(t, "customer@example.com")
		wantCode(t, h.svc.ResendInvitation(ctx, boss, customer.ID, meta), platform.ENOTFOUND)
		// Resending is a staff change: staff.write, not just any staff.
		clerk := h.staff(t, "clerk@example.com", identity.PermSettingsWrite)
		h.passTOTP(t, clerk)
		other, err := h.svc.InviteStaff(ctx, boss, identity.StaffInvitation{Email: "other@example.com"}, meta)
		mustOK(t, err)
		wantCode(t, h.svc.ResendInvitation(ctx, clerk, other.ID, meta), platform.EFORBIDDEN)
	})
}

func TestInviteStaffRefusals(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		h.verifiedCustomer(t, "taken@example.com")
		boss := h.staff(t, "boss@example.com", identity.PermStaffWrite)
		h.passTOTP(t, boss)
		_, err := h.svc.InviteStaff(ctx, boss, identity.StaffInvitation{Email: "TAKEN@example.com"}, meta)
		if platform.ErrorCode(err) != platform.ECONFLICT || platform.ErrorField(err) != "email" {
			t.Fatalf("an address with an account: %v", err)
		}
		_, err = h.svc.InviteStaff(ctx, boss, identity.StaffInvitation{Email: "x@example.com", Roles: []string{"nope"}}, meta)
		if platform.ErrorField(err) != "roles" {
			t.Fatalf("an unknown role: %v", err)
		}
		_, err = h.svc.InviteStaff(ctx, boss, identity.StaffInvitation{Email: "not an address"}, meta)
		if platform.ErrorField(err) != "email" {
			t.Fatalf("a bad address: %v", err)
		}
		// Settings alone do not let anyone add staff.
		clerk := h.staff(t, "clerk@example.com", identity.PermSettingsWrite)
		h.passTOTP(t, clerk)
		_, err = h.svc.InviteStaff(ctx, clerk, identity.StaffInvitation{Email: "y@example.com"}, meta)
		wantCode(t, err, platform.EFORBIDDEN)
		if _, err := h.store.GetUserByEmail(ctx, "x@example.com"); platform.ErrorCode(err) != platform.ENOTFOUND {
			t.Fatalf("a refused invitation left an account: %v", err)
		}
	})
}

func TestStaffCannotLockThemselvesOut(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		boss := h.staff(t, "boss@example.com", identity.PermStaffWrite)
		h.role(t, boss, "auditor", identity.PermAuditRead)
		h.passTOTP(t, boss)
		// Giving up a role is fine; giving up staff management is not.
		mustOK(t, h.svc.RevokeRole(ctx, boss, boss.User.ID, "auditor", meta))
		wantCode(t, h.svc.RevokeRole(ctx, boss, boss.User.ID, "role-boss@example.com", meta), platform.EFORBIDDEN)
		wantCode(t, h.svc.SetUserStatus(ctx, boss, boss.User.ID, identity.UserSuspended, meta), platform.EFORBIDDEN)
		u, _ := h.store.GetUser(ctx, boss.User.ID)
		if !u.Can(identity.PermStaffWrite) {
			t.Fatalf("boss locked out: %+v", u)
		}
		// Another admin with staff.write may take it away.
		deputy := h.staff(t, "deputy@example.com", identity.PermStaffWrite)
		h.passTOTP(t, deputy)
		mustOK(t, h.svc.RevokeRole(ctx, deputy, boss.User.ID, "role-boss@example.com", meta))
	})
}

func TestStaffStatusNeedsStaffPermission(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		nia := h.staff(t, "nia@example.com")
		clerk := h.staff(t, "clerk@example.com", identity.PermSettingsWrite)
		h.passTOTP(t, clerk)
		wantCode(t, h.svc.SetUserStatus(ctx, clerk, nia.User.ID, identity.UserSuspended, meta), platform.EFORBIDDEN)
		boss := h.staff(t, "boss@example.com", identity.PermStaffWrite)
		h.passTOTP(t, boss)
		mustOK(t, h.svc.SetUserStatus(ctx, boss, nia.User.ID, identity.UserSuspended, meta))
		_, err := h.svc.Login(ctx, "nia@example.com", "correct horse battery", meta)
		wantCode(t, err, platform.EFORBIDDEN)
		staff, err := h.svc.ListStaff(ctx, boss)
		mustOK(t, err)
		if staff[0].ID != nia.User.ID || staff[0].Status != identity.UserSuspended {
			t.Fatalf("staff list after a suspension: %+v", staff)
		}
		mustOK(t, h.svc.SetUserStatus(ctx, boss, nia.User.ID, identity.UserActive, meta))
		h.login(t, "nia@example.com")
	})
}
