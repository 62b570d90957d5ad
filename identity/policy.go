package identity

import (
	"slices"

	"ezscale.cloud/platform"
)

// Actor is who makes a request, as the authorization policy sees them:
// the user the request acts as, their role and staff permissions, and what
// the session proved.
type Actor struct {
	// UserID is the user the request acts as: while an admin impersonates
	// a customer, the customer.
	UserID int64
	Role   Role
	// Permissions are the staff permissions of an admin; ignored for
	// anyone else and while impersonating.
	Permissions []Permission
	// ImpersonatorID is the admin acting as UserID, zero when the user
	// acts in person.
	ImpersonatorID int64
	// SecondFactorVerified is true when a second factor (TOTP, recovery
	// code or passkey) was verified in this session. Admins need it for
	// every staff capability.
	SecondFactorVerified bool
	Status               UserStatus
}

// ActorFor returns the actor of a request made in session s by u, the
// session's user. While s is an impersonation session, u is the customer
// and the actor has the customer's rights only. A session that is not u's
// gives the zero Actor, which Authorize refuses.
func ActorFor(u *User, s Session) Actor {
	if u == nil || u.ID != s.UserID || u.ID == 0 {
		return Actor{}
	}
	a := Actor{
		UserID:               u.ID,
		Role:                 u.Role,
		ImpersonatorID:       s.ImpersonatorID,
		SecondFactorVerified: !s.SecondFactorAt.IsZero(),
		Status:               u.Status,
	}
	if a.IsStaff() {
		a.Permissions = slices.Clone(u.Permissions)
	}
	return a
}

// Impersonating reports whether an admin is acting as this actor.
func (a Actor) Impersonating() bool { return a.ImpersonatorID != 0 }

// IsStaff reports whether the actor acts as staff: an admin acting in
// person. An impersonating admin is the customer, not staff.
func (a Actor) IsStaff() bool { return a.Role == RoleAdmin && !a.Impersonating() }

// Can reports whether the actor holds the staff permission p now. It does
// not check the second factor; Authorize does.
func (a Actor) Can(p Permission) bool {
	return a.IsStaff() && a.Status == UserActive && slices.Contains(a.Permissions, p)
}

// ResourceKind names a kind of thing a request can act on.
type ResourceKind string

// The resource kinds. Each has one policy in the policies table.
const (
	KindInvoice       ResourceKind = "invoice"
	KindSubscription  ResourceKind = "subscription"
	KindService       ResourceKind = "service"
	KindTicket        ResourceKind = "ticket"
	KindPaymentMethod ResourceKind = "payment_method"
	KindAPIToken      ResourceKind = "api_token"
	KindSession       ResourceKind = "session"
	// KindUser is an account: its profile, credentials and status. Its
	// owner is the account itself.
	KindUser ResourceKind = "user"
	// KindSettings is the platform's configuration; it has no owner.
	KindSettings ResourceKind = "settings"
	// KindAuditLog is the audit log; it has no owner.
	KindAuditLog ResourceKind = "audit_log"
)

// Action is what a request does to a resource.
type Action string

// The actions. Read and write are what customers do to their own things;
// the rest name one consequential act each, so that each maps to one
// permission and one audit entry.
const (
	ActionRead  Action = "read"
	ActionWrite Action = "write"
	// ActionPay pays an invoice (a customer) or marks it paid (staff).
	ActionPay Action = "pay"
	// ActionRevoke ends a session or an API token. It is apart from write
	// because staff may revoke a customer's credentials (revoking only
	// takes access away) but never create them.
	ActionRevoke Action = "revoke"
	// ActionRefund refunds a payment on an invoice. Staff only.
	ActionRefund Action = "refund"
	// ActionProvision creates or re-runs provisioning of a service. Staff
	// only.
	ActionProvision Action = "provision"
	// ActionTerminate destroys a service and its data. Staff only.
	ActionTerminate Action = "terminate"
	// ActionImpersonate starts acting as a customer. Staff only; see
	// CanImpersonate.
	ActionImpersonate Action = "impersonate"
	// ActionGrant changes a user's role or staff permissions. Staff only,
	// and apart from write so that editing one's own profile can never
	// grant anything.
	ActionGrant Action = "grant"
)

// StaffOnly reports whether only staff can ever take the action, on any
// resource: customers, and admins while impersonating, never can.
func (act Action) StaffOnly() bool {
	switch act {
	case ActionRefund, ActionProvision, ActionTerminate, ActionImpersonate, ActionGrant:
		return true
	}
	return false
}

// Authorize answers whether actor may take action on a resource of kind
// owned by the user ownerID (zero for resources nobody owns: settings, the
// audit log). It returns nil when allowed and otherwise:
//
//   - EUNAUTHORIZED when there is no actor (UserID zero);
//   - EFORBIDDEN when the actor's account is not active;
//   - ENOTFOUND when a customer asks for anything that is not theirs
//     (another user's resource, the settings, the audit log): answering
//     EFORBIDDEN would confirm the resource exists, so the two are
//     indistinguishable;
//   - EFORBIDDEN when a customer asks for something of theirs that
//     customers may not do (a refund), or a staff-only action;
//   - EFORBIDDEN "second factor required" when an admin has not verified
//     a second factor in this session, for every staff capability; an
//     admin's own account pages (profile, sessions) stay reachable so
//     that the admin can enrol one;
//   - EFORBIDDEN when an admin lacks the permission the action needs.
//
// While an admin impersonates a customer the actor is the customer, with
// the customer's rights only; staff-only actions, and changes to the
// customer's credentials that would outlive the impersonation (profile and
// password, API tokens, sessions, payment methods), are refused.
//
// Authorize decides on the actor and the owner alone; loading the resource
// to learn its owner, and answering ENOTFOUND when it does not exist, is
// the caller's part, so that "missing" and "not yours" read the same.
func Authorize(actor Actor, action Action, kind ResourceKind, ownerID int64) error {
	if actor.UserID == 0 {
		return platform.Errorf(platform.EUNAUTHORIZED, "log in first")
	}
	if actor.Status != UserActive {
		return (&User{Status: actor.Status}).CanLogIn()
	}
	policy, ok := policies[kind]
	if !ok {
		// A kind without a policy is a programming error; refuse it.
		return platform.Errorf(platform.EINTERNAL, "no authorization policy for %q", kind)
	}
	return policy(actor, action, kind, ownerID)
}

// CanImpersonate returns nil when admin may start impersonating target:
// admin is staff with PermCustomersImpersonate and a verified second
// factor, and target is another, active customer. Admins cannot be
// impersonated (that would lend one admin another's permissions), nor can
// an impersonation be nested. Errors are those of Authorize, or EFORBIDDEN.
func CanImpersonate(admin Actor, target User) error {
	if admin.Impersonating() {
		return platform.Errorf(platform.EFORBIDDEN, "stop impersonating first")
	}
	if err := Authorize(admin, ActionImpersonate, KindUser, target.ID); err != nil {
		return err
	}
	if target.Role != RoleCustomer {
		return platform.Errorf(platform.EFORBIDDEN, "only customers can be impersonated")
	}
	if target.Status != UserActive {
		return platform.Errorf(platform.EFORBIDDEN, "only active customers can be impersonated")
	}
	return nil
}

// policyFunc decides one resource kind; Authorize has checked the actor
// is logged in and active.
type policyFunc func(a Actor, act Action, kind ResourceKind, owner int64) error

// anyStaff marks a staff action every admin with a second factor may take:
// reading customers' records and answering tickets are the job itself.
const anyStaff Permission = ""

// policies holds the one policy of each resource kind. Most kinds belong to
// a user and differ only in what the owner and staff may do, so they are
// an ownedRule; the rest are functions with their own rules.
var policies = map[ResourceKind]policyFunc{
	KindInvoice: ownedRule{
		owner: []Action{ActionRead, ActionPay},
		staff: map[Action]Permission{
			ActionRead: anyStaff, ActionWrite: PermInvoicesWrite,
			ActionPay: PermInvoicesWrite, ActionRefund: PermBillingRefund,
		},
	}.decide,
	KindSubscription: ownedRule{
		owner: []Action{ActionRead, ActionWrite},
		// There is no subscriptions permission; changing a customer's
		// subscription is billing, like editing an invoice.
		staff: map[Action]Permission{ActionRead: anyStaff, ActionWrite: PermInvoicesWrite},
	}.decide,
	KindService: ownedRule{
		owner: []Action{ActionRead, ActionWrite},
		staff: map[Action]Permission{
			ActionRead: anyStaff, ActionWrite: PermServicesProvision,
			ActionProvision: PermServicesProvision, ActionTerminate: PermServicesTerminate,
		},
	}.decide,
	KindTicket: ownedRule{
		owner: []Action{ActionRead, ActionWrite},
		staff: map[Action]Permission{ActionRead: anyStaff, ActionWrite: anyStaff},
	}.decide,
	KindPaymentMethod: ownedRule{
		owner: []Action{ActionRead, ActionWrite},
		// Staff may remove a card (a fraud case), as billing.
		staff:              map[Action]Permission{ActionRead: anyStaff, ActionWrite: PermInvoicesWrite},
		notInImpersonation: []Action{ActionWrite},
	}.decide,
	KindAPIToken: ownedRule{
		owner: []Action{ActionRead, ActionWrite, ActionRevoke},
		// Staff never mint a token for someone else: it would be a
		// credential the owner did not make and may not know about.
		staff:              map[Action]Permission{ActionRead: anyStaff, ActionRevoke: anyStaff},
		notInImpersonation: []Action{ActionWrite, ActionRevoke},
	}.decide,
	KindSession: ownedRule{
		owner:              []Action{ActionRead, ActionRevoke},
		staff:              map[Action]Permission{ActionRead: anyStaff, ActionRevoke: anyStaff},
		notInImpersonation: []Action{ActionRevoke},
		selfService:        true,
	}.decide,
	KindUser:     userPolicy,
	KindSettings: settingsPolicy,
	KindAuditLog: auditLogPolicy,
}

// ownedRule is the policy of a kind of resource that belongs to one user.
type ownedRule struct {
	// owner lists what a user may do to their own resources.
	owner []Action
	// staff maps what an admin may do to anyone's resources to the
	// permission it needs (anyStaff for none); absent actions are refused.
	staff map[Action]Permission
	// notInImpersonation lists owner actions refused while an admin
	// impersonates the owner.
	notInImpersonation []Action
	// selfService lets an admin take owner actions on their own resources
	// before verifying a second factor, so that an admin can reach the
	// pages where a second factor is enrolled.
	selfService bool
}

// decide applies the rule; it is the policyFunc of the kinds in the table.
func (r ownedRule) decide(a Actor, act Action, kind ResourceKind, owner int64) error {
	own := owner == a.UserID
	if !a.IsStaff() {
		if !own {
			return platform.Errorf(platform.ENOTFOUND, "%s not found", kind)
		}
		if !slices.Contains(r.owner, act) {
			return platform.Errorf(platform.EFORBIDDEN, "you cannot %s this %s", act, kind)
		}
		if a.Impersonating() && slices.Contains(r.notInImpersonation, act) {
			return platform.Errorf(platform.EFORBIDDEN, "cannot %s a customer's %s while impersonating", act, kind)
		}
		return nil
	}
	if own && r.selfService && slices.Contains(r.owner, act) {
		return nil
	}
	if !a.SecondFactorVerified {
		return errSecondFactorRequired()
	}
	if own && slices.Contains(r.owner, act) {
		return nil
	}
	perm, ok := r.staff[act]
	if !ok {
		return platform.Errorf(platform.EFORBIDDEN, "staff cannot %s a %s", act, kind)
	}
	return requirePermission(a, perm)
}

// userRule is the ownedRule part of userPolicy. Changing another user's
// account (profile, status: suspend, ban) needs settings.write; changing
// who the staff are and what they may do (roles, invitations) needs
// staff.write, so that running the shop's settings does not by itself let
// anyone hand out permissions.
var userRule = ownedRule{
	owner: []Action{ActionRead, ActionWrite},
	staff: map[Action]Permission{
		ActionRead: anyStaff, ActionWrite: PermSettingsWrite, ActionGrant: PermStaffWrite,
		ActionImpersonate: PermCustomersImpersonate,
	},
	notInImpersonation: []Action{ActionWrite},
	selfService:        true,
}

// userPolicy is the policy of accounts: the ownedRule above, and no admin
// impersonates themselves. Whether the target may be impersonated at all
// (a customer, active) needs the target's record; CanImpersonate checks it.
func userPolicy(a Actor, act Action, kind ResourceKind, owner int64) error {
	if act == ActionImpersonate && a.IsStaff() && owner == a.UserID {
		return platform.Errorf(platform.EFORBIDDEN, "you cannot impersonate yourself")
	}
	return userRule.decide(a, act, kind, owner)
}

// settingsPolicy: staff read the settings, and change them with
// settings.write. Customers do not learn they exist.
func settingsPolicy(a Actor, act Action, kind ResourceKind, _ int64) error {
	return staffOnly(a, act, kind, map[Action]Permission{ActionRead: anyStaff, ActionWrite: PermSettingsWrite})
}

// auditLogPolicy: staff read the audit log with audit.read. Nobody writes
// to it through a request: the application appends entries itself, and
// entries are never changed.
func auditLogPolicy(a Actor, act Action, kind ResourceKind, _ int64) error {
	return staffOnly(a, act, kind, map[Action]Permission{ActionRead: PermAuditRead})
}

// staffOnly decides a kind only staff reach.
func staffOnly(a Actor, act Action, kind ResourceKind, staff map[Action]Permission) error {
	if !a.IsStaff() {
		return platform.Errorf(platform.ENOTFOUND, "%s not found", kind)
	}
	if !a.SecondFactorVerified {
		return errSecondFactorRequired()
	}
	perm, ok := staff[act]
	if !ok {
		return platform.Errorf(platform.EFORBIDDEN, "staff cannot %s the %s", act, kind)
	}
	return requirePermission(a, perm)
}

// requirePermission returns nil when perm is anyStaff or a holds it.
func requirePermission(a Actor, perm Permission) error {
	if perm == anyStaff || a.Can(perm) {
		return nil
	}
	return platform.Errorf(platform.EFORBIDDEN, "this needs the %s permission", perm)
}

// errSecondFactorRequired is the refusal of a staff capability to an admin
// who has not verified a second factor in this session.
func errSecondFactorRequired() error {
	return platform.Errorf(platform.EFORBIDDEN, "second factor required")
}
