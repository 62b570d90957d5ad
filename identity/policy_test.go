package identity

import (
	"slices"
	"strings"
	"testing"
	"time"

	"ezscale.cloud/platform"
)

// The people in the policy tests. The customer is user 10, another
// customer 20, the admin 1.
const (
	custID  = 10
	otherID = 20
	adminID = 1
)

var (
	customer = Actor{UserID: custID, Role: RoleCustomer, Status: UserActive}
	// A customer row that carries permissions and a second factor (bad
	// data, a demoted admin) is still only a customer.
	customerWithPerms = Actor{UserID: custID, Role: RoleCustomer, Status: UserActive,
		Permissions: AllPermissions(), SecondFactorVerified: true}
	admin = Actor{UserID: adminID, Role: RoleAdmin, Status: UserActive,
		Permissions: AllPermissions(), SecondFactorVerified: true}
	adminNo2FA   = Actor{UserID: adminID, Role: RoleAdmin, Status: UserActive, Permissions: AllPermissions()}
	adminNoPerms = Actor{UserID: adminID, Role: RoleAdmin, Status: UserActive, SecondFactorVerified: true}
	// The admin acting as the customer.
	impersonating = Actor{UserID: custID, Role: RoleCustomer, ImpersonatorID: adminID, Status: UserActive,
		SecondFactorVerified: true}
	// Wrongly wired: the admin's role and permissions leaked into the
	// impersonation actor. Still the customer's rights only.
	impersonatingLeaky = Actor{UserID: custID, Role: RoleAdmin, ImpersonatorID: adminID, Status: UserActive,
		Permissions: AllPermissions(), SecondFactorVerified: true}
)

// allKinds and allActions list every constant, and an unknown action, for
// the exhaustive checks.
var (
	allKinds = []ResourceKind{KindInvoice, KindSubscription, KindService, KindTicket, KindPaymentMethod,
		KindAPIToken, KindSession, KindUser, KindSettings, KindAuditLog}
	allActions = []Action{ActionRead, ActionWrite, ActionPay, ActionRevoke, ActionRefund, ActionProvision,
		ActionTerminate, ActionImpersonate, ActionGrant, Action("delete")}
)

func TestAuthorize(t *testing.T) {
	const (
		ok        = ""
		notFound  = platform.ENOTFOUND
		forbidden = platform.EFORBIDDEN
	)
	tests := []struct {
		actor  string
		a      Actor
		action Action
		kind   ResourceKind
		owner  int64
		want   string
		msg    string // part of the message, when it matters
	}{
		// A customer reaches their own things, and nothing else exists.
		{"customer", customer, ActionRead, KindInvoice, custID, ok, ""},
		{"customer", customer, ActionPay, KindInvoice, custID, ok, ""},
		{"customer", customer, ActionWrite, KindInvoice, custID, forbidden, ""},
		{"customer", customer, ActionRefund, KindInvoice, custID, forbidden, ""},
		{"customer", customer, ActionRead, KindInvoice, otherID, notFound, ""},
		{"customer", customer, ActionPay, KindInvoice, otherID, notFound, ""},
		{"customer", customer, ActionRefund, KindInvoice, otherID, notFound, ""},
		{"customer", customer, ActionRead, KindInvoice, 0, notFound, ""},
		{"customer", customer, ActionRead, KindInvoice, adminID, notFound, ""},
		{"customer", customer, ActionWrite, KindSubscription, custID, ok, ""},
		{"customer", customer, ActionWrite, KindSubscription, otherID, notFound, ""},
		{"customer", customer, ActionWrite, KindService, custID, ok, ""},
		{"customer", customer, ActionTerminate, KindService, custID, forbidden, ""},
		{"customer", customer, ActionProvision, KindService, custID, forbidden, ""},
		{"customer", customer, ActionRead, KindService, otherID, notFound, ""},
		{"customer", customer, ActionWrite, KindTicket, custID, ok, ""},
		{"customer", customer, ActionRead, KindTicket, otherID, notFound, ""},
		{"customer", customer, ActionWrite, KindPaymentMethod, custID, ok, ""},
		{"customer", customer, ActionRead, KindPaymentMethod, otherID, notFound, ""},
		{"customer", customer, ActionWrite, KindAPIToken, custID, ok, ""},
		{"customer", customer, ActionRevoke, KindAPIToken, custID, ok, ""},
		{"customer", customer, ActionRevoke, KindAPIToken, otherID, notFound, ""},
		{"customer", customer, ActionRead, KindSession, custID, ok, ""},
		{"customer", customer, ActionRevoke, KindSession, custID, ok, ""},
		{"customer", customer, ActionWrite, KindSession, custID, forbidden, ""},
		{"customer", customer, ActionRevoke, KindSession, otherID, notFound, ""},
		{"customer", customer, ActionRead, KindUser, custID, ok, ""},
		{"customer", customer, ActionWrite, KindUser, custID, ok, ""},
		{"customer", customer, ActionGrant, KindUser, custID, forbidden, ""},
		{"customer", customer, ActionImpersonate, KindUser, custID, forbidden, ""},
		{"customer", customer, ActionRead, KindUser, otherID, notFound, ""},
		{"customer", customer, ActionImpersonate, KindUser, otherID, notFound, ""},
		{"customer", customer, ActionRead, KindSettings, 0, notFound, ""},
		{"customer", customer, ActionWrite, KindSettings, 0, notFound, ""},
		{"customer", customer, ActionRead, KindAuditLog, 0, notFound, ""},
		{"customer", customer, ActionRead, KindAuditLog, custID, notFound, ""},
		{"customer", customer, Action("delete"), KindInvoice, custID, forbidden, ""},
		{"customer with perms", customerWithPerms, ActionRefund, KindInvoice, custID, forbidden, ""},
		{"customer with perms", customerWithPerms, ActionRead, KindInvoice, otherID, notFound, ""},
		{"customer with perms", customerWithPerms, ActionRead, KindSettings, 0, notFound, ""},
		{"customer with perms", customerWithPerms, ActionGrant, KindUser, custID, forbidden, ""},

		// An admin with a second factor and every permission.
		{"admin", admin, ActionRead, KindInvoice, custID, ok, ""},
		{"admin", admin, ActionWrite, KindInvoice, custID, ok, ""},
		{"admin", admin, ActionPay, KindInvoice, custID, ok, ""},
		{"admin", admin, ActionRefund, KindInvoice, custID, ok, ""},
		{"admin", admin, ActionWrite, KindSubscription, custID, ok, ""},
		{"admin", admin, ActionProvision, KindService, custID, ok, ""},
		{"admin", admin, ActionTerminate, KindService, custID, ok, ""},
		{"admin", admin, ActionWrite, KindTicket, custID, ok, ""},
		{"admin", admin, ActionWrite, KindPaymentMethod, custID, ok, ""},
		{"admin", admin, ActionRead, KindAPIToken, custID, ok, ""},
		{"admin", admin, ActionRevoke, KindAPIToken, custID, ok, ""},
		{"admin", admin, ActionWrite, KindAPIToken, custID, forbidden, "staff cannot write"},
		{"admin", admin, ActionWrite, KindAPIToken, adminID, ok, ""},
		{"admin", admin, ActionRevoke, KindSession, custID, ok, ""},
		{"admin", admin, ActionWrite, KindUser, custID, ok, ""},
		{"admin", admin, ActionGrant, KindUser, custID, ok, ""},
		{"admin", admin, ActionImpersonate, KindUser, custID, ok, ""},
		{"admin", admin, ActionImpersonate, KindUser, adminID, forbidden, "yourself"},
		{"admin", admin, ActionRead, KindSettings, 0, ok, ""},
		{"admin", admin, ActionWrite, KindSettings, 0, ok, ""},
		{"admin", admin, ActionRead, KindAuditLog, 0, ok, ""},
		{"admin", admin, ActionWrite, KindAuditLog, 0, forbidden, ""},
		{"admin", admin, ActionRefund, KindService, custID, forbidden, ""},
		{"admin", admin, Action("delete"), KindInvoice, custID, forbidden, ""},
		{"admin", admin, ActionRead, ResourceKind("widget"), custID, platform.EINTERNAL, ""},

		// An admin with a second factor and no permission reads, answers
		// tickets and revokes, and does nothing that needs a permission.
		{"admin without perms", adminNoPerms, ActionRead, KindInvoice, custID, ok, ""},
		{"admin without perms", adminNoPerms, ActionRefund, KindInvoice, custID, forbidden, "billing.refund"},
		{"admin without perms", adminNoPerms, ActionWrite, KindInvoice, custID, forbidden, "invoices.write"},
		{"admin without perms", adminNoPerms, ActionTerminate, KindService, custID, forbidden, "services.terminate"},
		{"admin without perms", adminNoPerms, ActionWrite, KindService, custID, forbidden, "services.provision"},
		{"admin without perms", adminNoPerms, ActionWrite, KindTicket, custID, ok, ""},
		{"admin without perms", adminNoPerms, ActionRevoke, KindSession, custID, ok, ""},
		{"admin without perms", adminNoPerms, ActionRead, KindSettings, 0, ok, ""},
		{"admin without perms", adminNoPerms, ActionWrite, KindSettings, 0, forbidden, "settings.write"},
		{"admin without perms", adminNoPerms, ActionRead, KindAuditLog, 0, forbidden, "audit.read"},
		{"admin without perms", adminNoPerms, ActionWrite, KindUser, custID, forbidden, "settings.write"},
		{"admin without perms", adminNoPerms, ActionGrant, KindUser, custID, forbidden, "staff.write"},
		{"admin without perms", adminNoPerms, ActionImpersonate, KindUser, custID, forbidden, "customers.impersonate"},
		{"admin without perms", adminNoPerms, ActionGrant, KindUser, adminID, forbidden, "staff.write"},

		// An admin without a second factor has no staff capability, but
		// reaches their own account pages to enrol one.
		{"admin without 2FA", adminNo2FA, ActionRead, KindInvoice, custID, forbidden, "second factor required"},
		{"admin without 2FA", adminNo2FA, ActionRefund, KindInvoice, custID, forbidden, "second factor required"},
		{"admin without 2FA", adminNo2FA, ActionRead, KindSettings, 0, forbidden, "second factor required"},
		{"admin without 2FA", adminNo2FA, ActionRead, KindAuditLog, 0, forbidden, "second factor required"},
		{"admin without 2FA", adminNo2FA, ActionRead, KindUser, custID, forbidden, "second factor required"},
		{"admin without 2FA", adminNo2FA, ActionImpersonate, KindUser, custID, forbidden, "second factor required"},
		{"admin without 2FA", adminNo2FA, ActionRead, KindUser, adminID, ok, ""},
		{"admin without 2FA", adminNo2FA, ActionWrite, KindUser, adminID, ok, ""},
		{"admin without 2FA", adminNo2FA, ActionGrant, KindUser, adminID, forbidden, "second factor required"},
		{"admin without 2FA", adminNo2FA, ActionRead, KindSession, adminID, ok, ""},
		{"admin without 2FA", adminNo2FA, ActionRevoke, KindSession, adminID, ok, ""},
		// A token minted without a second factor would carry the admin
		// past the requirement.
		{"admin without 2FA", adminNo2FA, ActionWrite, KindAPIToken, adminID, forbidden, "second factor required"},
		{"admin without 2FA", adminNo2FA, ActionRead, KindInvoice, adminID, forbidden, "second factor required"},

		// Impersonating: the customer's rights, minus staff actions and
		// changes to the customer's credentials.
		{"impersonating", impersonating, ActionRead, KindInvoice, custID, ok, ""},
		{"impersonating", impersonating, ActionPay, KindInvoice, custID, ok, ""},
		{"impersonating", impersonating, ActionWrite, KindService, custID, ok, ""},
		{"impersonating", impersonating, ActionWrite, KindTicket, custID, ok, ""},
		{"impersonating", impersonating, ActionRead, KindUser, custID, ok, ""},
		{"impersonating", impersonating, ActionRead, KindAPIToken, custID, ok, ""},
		{"impersonating", impersonating, ActionRead, KindPaymentMethod, custID, ok, ""},
		{"impersonating", impersonating, ActionRefund, KindInvoice, custID, forbidden, ""},
		{"impersonating", impersonating, ActionTerminate, KindService, custID, forbidden, ""},
		{"impersonating", impersonating, ActionGrant, KindUser, custID, forbidden, ""},
		{"impersonating", impersonating, ActionWrite, KindUser, custID, forbidden, "impersonating"},
		{"impersonating", impersonating, ActionWrite, KindAPIToken, custID, forbidden, "impersonating"},
		{"impersonating", impersonating, ActionRevoke, KindAPIToken, custID, forbidden, "impersonating"},
		{"impersonating", impersonating, ActionRevoke, KindSession, custID, forbidden, "impersonating"},
		{"impersonating", impersonating, ActionWrite, KindPaymentMethod, custID, forbidden, "impersonating"},
		{"impersonating", impersonating, ActionRead, KindInvoice, otherID, notFound, ""},
		{"impersonating", impersonating, ActionRead, KindInvoice, adminID, notFound, ""},
		{"impersonating", impersonating, ActionRead, KindSettings, 0, notFound, ""},
		{"impersonating", impersonating, ActionRead, KindAuditLog, 0, notFound, ""},
		{"impersonating", impersonating, ActionImpersonate, KindUser, otherID, notFound, ""},
		{"impersonating, leaky", impersonatingLeaky, ActionRefund, KindInvoice, custID, forbidden, ""},
		{"impersonating, leaky", impersonatingLeaky, ActionRead, KindInvoice, otherID, notFound, ""},
		{"impersonating, leaky", impersonatingLeaky, ActionRead, KindSettings, 0, notFound, ""},
		{"impersonating, leaky", impersonatingLeaky, ActionWrite, KindAPIToken, custID, forbidden, "impersonating"},

		// Accounts that cannot log in reach nothing, their own things
		// included; no actor at all is asked to log in.
		{"suspended customer", Actor{UserID: custID, Role: RoleCustomer, Status: UserSuspended}, ActionRead, KindInvoice, custID, forbidden, "suspended"},
		{"banned admin", Actor{UserID: adminID, Role: RoleAdmin, Status: UserBanned, Permissions: AllPermissions(), SecondFactorVerified: true}, ActionRead, KindSettings, 0, forbidden, "banned"},
		{"no status", Actor{UserID: custID, Role: RoleCustomer}, ActionRead, KindInvoice, custID, forbidden, ""},
		{"nobody", Actor{}, ActionRead, KindInvoice, 0, platform.EUNAUTHORIZED, ""},
		{"nobody as admin", Actor{Role: RoleAdmin, Status: UserActive, Permissions: AllPermissions(), SecondFactorVerified: true}, ActionRead, KindSettings, 0, platform.EUNAUTHORIZED, ""},
	}
	for _, tt := range tests {
		name := tt.actor + " " + string(tt.action) + " " + string(tt.kind)
		t.Run(name, func(t *testing.T) {
			err := Authorize(tt.a, tt.action, tt.kind, tt.owner)
			if got := platform.ErrorCode(err); got != tt.want {
				t.Fatalf("Authorize(owner %d) = %v, want code %q", tt.owner, err, tt.want)
			}
			if tt.msg != "" && !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("Authorize = %v, want message with %q", err, tt.msg)
			}
		})
	}
}

// TestAuthorizeInvariants checks the rules that hold for every kind and
// action, so a kind added to the table later cannot break them.
func TestAuthorizeInvariants(t *testing.T) {
	for _, k := range allKinds {
		if _, ok := policies[k]; !ok {
			t.Errorf("no policy for %s", k)
		}
	}
	if len(policies) != len(allKinds) {
		t.Errorf("policies has %d kinds, the test knows %d: add the new kind to allKinds", len(policies), len(allKinds))
	}
	for _, k := range allKinds {
		for _, act := range allActions {
			// Nothing of another user's exists for a customer, whatever
			// the customer asks, in person or impersonated.
			for _, owner := range []int64{otherID, adminID, 0} {
				for name, a := range map[string]Actor{"customer": customer, "customer with perms": customerWithPerms, "impersonating": impersonating, "impersonating, leaky": impersonatingLeaky} {
					if got := platform.ErrorCode(Authorize(a, act, k, owner)); got != platform.ENOTFOUND {
						t.Errorf("%s %s %s of owner %d: code %q, want not found", name, act, k, owner, got)
					}
				}
			}
			// No staff capability without a second factor.
			err := Authorize(adminNo2FA, act, k, custID)
			if platform.ErrorCode(err) != platform.EFORBIDDEN || !strings.Contains(err.Error(), "second factor required") {
				t.Errorf("admin without 2FA %s %s of a customer: %v, want second factor required", act, k, err)
			}
			if act.StaffOnly() {
				// Staff-only actions are never open to customers, even on
				// their own things, nor while impersonating.
				for name, a := range map[string]Actor{"customer": customer, "customer with perms": customerWithPerms, "impersonating": impersonating, "impersonating, leaky": impersonatingLeaky} {
					if err := Authorize(a, act, k, custID); err == nil {
						t.Errorf("%s may %s own %s", name, act, k)
					}
				}
				// And each needs a permission: a bare admin cannot.
				if err := Authorize(adminNoPerms, act, k, custID); platform.ErrorCode(err) != platform.EFORBIDDEN {
					t.Errorf("admin without permissions %s %s: %v, want forbidden", act, k, err)
				}
			}
		}
	}
}

func TestCanImpersonate(t *testing.T) {
	target := User{ID: custID, Role: RoleCustomer, Status: UserActive}
	with := func(f func(*User)) User {
		u := target
		f(&u)
		return u
	}
	onlyImpersonate := Actor{UserID: adminID, Role: RoleAdmin, Status: UserActive,
		Permissions: []Permission{PermCustomersImpersonate}, SecondFactorVerified: true}
	tests := []struct {
		name   string
		actor  Actor
		target User
		want   string
		msg    string
	}{
		{"admin, active customer", admin, target, "", ""},
		{"only the impersonate permission", onlyImpersonate, target, "", ""},
		{"no second factor", adminNo2FA, target, platform.EFORBIDDEN, "second factor required"},
		{"no permission", adminNoPerms, target, platform.EFORBIDDEN, "customers.impersonate"},
		{"another admin", admin, User{ID: 2, Role: RoleAdmin, Status: UserActive}, platform.EFORBIDDEN, "only customers"},
		{"self", admin, User{ID: adminID, Role: RoleAdmin, Status: UserActive}, platform.EFORBIDDEN, "yourself"},
		{"suspended customer", admin, with(func(u *User) { u.Status = UserSuspended }), platform.EFORBIDDEN, "active"},
		{"banned customer", admin, with(func(u *User) { u.Status = UserBanned }), platform.EFORBIDDEN, "active"},
		{"unknown role", admin, with(func(u *User) { u.Role = "" }), platform.EFORBIDDEN, "only customers"},
		{"nested", impersonating, User{ID: otherID, Role: RoleCustomer, Status: UserActive}, platform.EFORBIDDEN, "stop impersonating"},
		{"nested, leaky", impersonatingLeaky, User{ID: otherID, Role: RoleCustomer, Status: UserActive}, platform.EFORBIDDEN, "stop impersonating"},
		{"customer", Actor{UserID: otherID, Role: RoleCustomer, Status: UserActive}, target, platform.ENOTFOUND, ""},
		{"suspended admin", Actor{UserID: adminID, Role: RoleAdmin, Status: UserSuspended, Permissions: AllPermissions(), SecondFactorVerified: true}, target, platform.EFORBIDDEN, "suspended"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CanImpersonate(tt.actor, tt.target)
			if got := platform.ErrorCode(err); got != tt.want {
				t.Fatalf("CanImpersonate = %v, want code %q", err, tt.want)
			}
			if tt.msg != "" && !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("CanImpersonate = %v, want message with %q", err, tt.msg)
			}
		})
	}
}

func TestActorFor(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	adminUser := &User{ID: adminID, Role: RoleAdmin, Status: UserActive, Permissions: []Permission{PermBillingRefund}}

	a := ActorFor(adminUser, Session{UserID: adminID, SecondFactorAt: at})
	if a.UserID != adminID || a.Role != RoleAdmin || !a.SecondFactorVerified || !a.IsStaff() || !a.Can(PermBillingRefund) || a.Can(PermSettingsWrite) {
		t.Errorf("admin actor = %+v", a)
	}
	adminUser.Permissions[0] = PermSettingsWrite
	if !slices.Equal(a.Permissions, []Permission{PermBillingRefund}) {
		t.Error("actor shares its permissions slice with the user")
	}
	if a := ActorFor(adminUser, Session{UserID: adminID}); a.SecondFactorVerified {
		t.Error("session without a second factor gives a verified actor")
	}

	cust := &User{ID: custID, Role: RoleCustomer, Status: UserActive, Permissions: AllPermissions()}
	if a := ActorFor(cust, Session{UserID: custID}); a.Permissions != nil || a.IsStaff() {
		t.Errorf("customer actor = %+v, want no permissions", a)
	}

	imp := ActorFor(cust, Session{UserID: custID, ImpersonatorID: adminID, SecondFactorAt: at})
	if imp.UserID != custID || imp.ImpersonatorID != adminID || !imp.Impersonating() || imp.IsStaff() || imp.Permissions != nil {
		t.Errorf("impersonation actor = %+v", imp)
	}

	for name, a := range map[string]Actor{
		"another user's session": ActorFor(cust, Session{UserID: otherID}),
		"no user":                ActorFor(nil, Session{UserID: custID}),
		"zero user and session":  ActorFor(&User{}, Session{}),
	} {
		if err := Authorize(a, ActionRead, KindInvoice, 0); platform.ErrorCode(err) != platform.EUNAUTHORIZED {
			t.Errorf("%s: Authorize = %v, want unauthorized", name, err)
		}
	}
}

func TestActionStaffOnly(t *testing.T) {
	want := []Action{ActionRefund, ActionProvision, ActionTerminate, ActionImpersonate, ActionGrant}
	for _, act := range allActions {
		if got := act.StaffOnly(); got != slices.Contains(want, act) {
			t.Errorf("%s.StaffOnly() = %v", act, got)
		}
	}
}
