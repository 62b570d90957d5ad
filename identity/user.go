package identity

import (
	"slices"
	"time"

	"ezscale.cloud/platform"
)

// Role is the kind of account a user has.
type Role string

// The roles. Customers use the storefront and their account pages; admins
// are staff and act through the admin panel with the permissions granted to
// them.
const (
	RoleCustomer Role = "customer"
	RoleAdmin    Role = "admin"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool { return r == RoleCustomer || r == RoleAdmin }

// Permission is one staff capability an admin can be granted.
type Permission string

// The staff permissions.
const (
	PermBillingRefund        Permission = "billing.refund"
	PermServicesTerminate    Permission = "services.terminate"
	PermCustomersImpersonate Permission = "customers.impersonate"
	PermSettingsWrite        Permission = "settings.write"
	PermServicesProvision    Permission = "services.provision"
	PermInvoicesWrite        Permission = "invoices.write"
	PermAuditRead            Permission = "audit.read"
	// PermStaffWrite manages the staff: inviting them, granting and
	// revoking their roles, suspending them.
	PermStaffWrite Permission = "staff.write"
)

// AllPermissions returns every staff permission, for grant forms.
func AllPermissions() []Permission {
	return []Permission{
		PermBillingRefund, PermServicesTerminate, PermCustomersImpersonate,
		PermSettingsWrite, PermServicesProvision, PermInvoicesWrite, PermAuditRead, PermStaffWrite,
	}
}

// Valid reports whether p is one of the known permissions.
func (p Permission) Valid() bool { return slices.Contains(AllPermissions(), p) }

// UserStatus says whether an account may be used.
type UserStatus string

// The user statuses. Suspended is temporary (unpaid, under review); banned
// is permanent.
const (
	UserActive    UserStatus = "active"
	UserSuspended UserStatus = "suspended"
	UserBanned    UserStatus = "banned"
)

// Valid reports whether s is one of the known user statuses.
func (s UserStatus) Valid() bool {
	return s == UserActive || s == UserSuspended || s == UserBanned
}

// User is an account that can log in: a customer or a member of staff.
type User struct {
	ID     int64
	Email  string
	Role   Role
	Status UserStatus
	// Permissions are the staff permissions granted to an admin; they
	// mean nothing on a customer.
	Permissions []Permission
	// EmailVerifiedAt is when the user proved they own Email; zero until
	// then.
	EmailVerifiedAt time.Time
	CreatedAt       time.Time
}

// Can reports whether the user holds a staff permission. Only an active
// admin who was granted p has it; customers never hold staff permissions,
// whatever their Permissions field says.
func (u *User) Can(p Permission) bool {
	return u.Role == RoleAdmin && u.Status == UserActive && slices.Contains(u.Permissions, p)
}

// CanLogIn returns nil when the user may log in and EFORBIDDEN otherwise:
// suspended and banned accounts, and accounts in an unknown status, are
// refused.
func (u *User) CanLogIn() error {
	switch u.Status {
	case UserActive:
		return nil
	case UserSuspended:
		return platform.Errorf(platform.EFORBIDDEN, "account is suspended")
	case UserBanned:
		return platform.Errorf(platform.EFORBIDDEN, "account is banned")
	}
	return platform.Errorf(platform.EFORBIDDEN, "account status %q does not allow login", u.Status)
}
