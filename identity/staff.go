package identity

import (
	"context"
	"slices"
	"time"

	"ezscale.cloud/platform"
)

// StaffRole is a named set of staff permissions; staff hold roles, and
// their permissions are those of their roles.
type StaffRole struct {
	ID          int64
	Name        string
	Permissions []Permission
}

// StaffMember is a staff account as the staff page shows it.
type StaffMember struct {
	ID        int64
	Email     string
	Name      string
	Status    UserStatus
	CreatedAt time.Time
	// LastSignInAt is when the member last signed in; zero if never.
	LastSignInAt time.Time
	// PasswordSet is false while an invitation waits to be accepted.
	PasswordSet bool
	// SecondFactor says whether an authenticator app or a passkey is
	// enrolled; staff need one for every staff capability.
	SecondFactor bool
	Roles        []StaffRole
}

// StaffInvitation is a new staff member: the address the set-password
// link goes to, an optional name and the names of the roles to hold.
type StaffInvitation struct {
	Email string
	Name  string
	Roles []string
}

// NoPassword is the stored password hash of an account that has none yet
// (an invited staff member): it matches no password.
const NoPassword = ""

// ListStaff returns every staff account with its roles, to staff.
func (s *Service) ListStaff(ctx context.Context, a *Authenticated) ([]StaffMember, error) {
	if err := Authorize(a.Actor(), ActionRead, KindUser, 0); err != nil {
		return nil, err
	}
	return s.store.ListStaff(ctx)
}

// ListRoles returns the defined staff roles with their permissions, to
// staff.
func (s *Service) ListRoles(ctx context.Context, a *Authenticated) ([]StaffRole, error) {
	if err := Authorize(a.Actor(), ActionRead, KindUser, 0); err != nil {
		return nil, err
	}
	return s.store.ListRoles(ctx)
}

// InviteStaff creates a staff account with the chosen roles and no
// password, and emails it an invitation link (a week long): setting a
// password through it accepts the invitation and proves the address. An
// address that already has an account is an ECONFLICT on "email".
func (s *Service) InviteStaff(ctx context.Context, admin *Authenticated, inv StaffInvitation, m Meta) (*StaffMember, error) {
	if err := Authorize(admin.Actor(), ActionGrant, KindUser, 0); err != nil {
		return nil, err
	}
	email := NormalizeEmail(inv.Email)
	if err := ValidateEmail(email); err != nil {
		return nil, err
	}
	profile := Profile{Name: inv.Name}
	if err := profile.Validate(); err != nil {
		return nil, err
	}
	now := s.now()
	u := &User{Email: email, Role: RoleAdmin, Status: UserActive, CreatedAt: now}
	var roles []StaffRole
	err := s.store.InTx(ctx, func(tx Store) error {
		var err error
		if roles, err = rolesNamed(ctx, tx, inv.Roles); err != nil {
			return err
		}
		for _, r := range roles {
			if err := checkDelegable(admin, r.Permissions); err != nil {
				return err
			}
		}
		if err := createAccount(ctx, tx, u, NoPassword, profile); err != nil {
			return err
		}
		for _, r := range roles {
			if err := tx.AssignRole(ctx, u.ID, r.ID); err != nil {
				return err
			}
		}
		if err := s.sendLink(ctx, tx, u, PurposeStaffInvite, "", now); err != nil {
			return err
		}
		return audit(ctx, tx, now, admin.User.ID, admin.Session.ImpersonatorID, "staff.invited", "user", u.ID, m,
			nil, map[string]any{"email": email, "roles": roleNames(roles)})
	})
	if err != nil {
		return nil, err
	}
	return &StaffMember{ID: u.ID, Email: email, Name: profile.Name, Status: u.Status, CreatedAt: now, Roles: roles}, nil
}

// ResendInvitation emails a new invitation link to a staff member who has
// not set a password yet, for an invitation that expired or went astray.
// Earlier links stay usable until they expire: each works once, and only
// while the account has no password. A member who has set one is an
// ECONFLICT, and so is a suspended one, who could not sign in anyway.
func (s *Service) ResendInvitation(ctx context.Context, admin *Authenticated, userID int64, m Meta) error {
	if err := Authorize(admin.Actor(), ActionGrant, KindUser, 0); err != nil {
		return err
	}
	now := s.now()
	return s.store.InTx(ctx, func(tx Store) error {
		u, err := tx.GetUser(ctx, userID)
		if err != nil {
			return err
		}
		if u.Role != RoleAdmin {
			return platform.Errorf(platform.ENOTFOUND, "no staff member %d", userID)
		}
		hash, err := tx.PasswordHash(ctx, userID)
		if err != nil {
			return err
		}
		switch {
		case hash != NoPassword:
			return platform.Errorf(platform.ECONFLICT, "%s has accepted the invitation: they can reset their password themselves", u.Email)
		case u.Status != UserActive:
			return platform.Errorf(platform.ECONFLICT, "%s is %s: reactivate them first", u.Email, u.Status)
		}
		if err := s.sendLink(ctx, tx, u, PurposeStaffInvite, "", now); err != nil {
			return err
		}
		return audit(ctx, tx, now, admin.User.ID, admin.Session.ImpersonatorID, "staff.invitation_resent", "user", u.ID, m,
			nil, map[string]any{"email": u.Email})
	})
}

// rolesNamed looks up the roles an invitation names; a name that is not a
// defined role is EINVALID on "roles".
func rolesNamed(ctx context.Context, tx Store, names []string) ([]StaffRole, error) {
	defined, err := tx.ListRoles(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]StaffRole, 0, len(names))
	for _, name := range names {
		i := slices.IndexFunc(defined, func(r StaffRole) bool { return r.Name == name })
		if i < 0 {
			return nil, platform.Invalid("roles", "there is no role named %q", name)
		}
		if !slices.ContainsFunc(out, func(r StaffRole) bool { return r.Name == name }) {
			out = append(out, defined[i])
		}
	}
	return out, nil
}

func roleNames(roles []StaffRole) []string {
	names := make([]string, 0, len(roles))
	for _, r := range roles {
		names = append(names, r.Name)
	}
	return names
}

// createAccount inserts an account, naming the email field when the
// address is taken.
func createAccount(ctx context.Context, tx Store, u *User, passwordHash string, p Profile) error {
	err := tx.CreateUser(ctx, u, passwordHash, p)
	if platform.ErrorCode(err) == platform.ECONFLICT {
		return &platform.Error{Code: platform.ECONFLICT, Field: "email", Message: "an account with this email already exists"}
	}
	return err
}

// checkOwnStaffAccess refuses a change an admin made to their own roles
// that left them unable to manage the staff: they could not undo it, and
// if they were the last such admin nobody could. Another admin may still
// take the role away.
// checkDelegable refuses to give anyone a permission the admin does not
// hold: staff.write lets staff share their access, not exceed it, so one
// account with it cannot mint a colleague with every permission.
func checkDelegable(admin *Authenticated, perms []Permission) error {
	for _, p := range perms {
		if !admin.Actor().Can(p) {
			return platform.Errorf(platform.EFORBIDDEN, "you cannot give the %s permission, which you do not hold", p)
		}
	}
	return nil
}

func checkOwnStaffAccess(admin *Authenticated, after *User) error {
	if after.ID == admin.User.ID && !slices.Contains(after.Permissions, PermStaffWrite) {
		return platform.Errorf(platform.EFORBIDDEN,
			"this is your last role that lets you manage staff; ask another admin to take it away")
	}
	return nil
}
