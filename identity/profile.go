package identity

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"ezscale.cloud/platform"
)

// Validate checks a profile's fields and names the first one at fault.
func (p Profile) Validate() error {
	for field, v := range map[string]string{
		"name": p.Name, "company": p.Company, "phone": p.Phone, "address": p.Address, "city": p.City,
		"region": p.Region, "postal": p.Postal, "vat_id": p.VATID, "shipping_address": p.ShippingAddress,
		"shipping_city": p.ShippingCity, "shipping_region": p.ShippingRegion, "shipping_postal": p.ShippingPostal,
	} {
		if utf8.RuneCountInString(v) > 200 || strings.ContainsAny(v, "\x00\r\n") && field != "address" && field != "shipping_address" {
			return platform.Invalid(field, "%s is too long or has control characters", strings.ReplaceAll(field, "_", " "))
		}
	}
	for field, c := range map[string]string{"country": p.Country, "shipping_country": p.ShippingCountry} {
		if c != "" && !(len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z') {
			return platform.Invalid(field, "use the two-letter ISO 3166 country code, e.g. DE")
		}
	}
	if utf8.RuneCountInString(p.AdminNotes) > 10000 {
		return platform.Invalid("admin_notes", "admin notes are longer than 10,000 characters")
	}
	return nil
}

// GetProfile returns the acting user's profile. Staff notes are for staff:
// a customer's own view leaves them out.
func (s *Service) GetProfile(ctx context.Context, a *Authenticated) (Profile, error) {
	p, err := s.store.GetProfile(ctx, a.User.ID)
	if err == nil && !a.Actor().IsStaff() {
		p.AdminNotes = ""
	}
	return p, err
}

// UpdateProfile saves the acting user's profile. A customer cannot change
// their tax exemption or the staff notes; those keep their stored values.
func (s *Service) UpdateProfile(ctx context.Context, a *Authenticated, p Profile, m Meta) error {
	if err := Authorize(a.Actor(), ActionWrite, KindUser, a.User.ID); err != nil {
		return err
	}
	return s.saveProfile(ctx, a, a.User.ID, p, false, m)
}

// CustomerProfile is a customer's account and whole profile, staff notes
// included, for staff: an editor must show every field it saves back.
func (s *Service) CustomerProfile(ctx context.Context, admin *Authenticated, userID int64) (*User, Profile, error) {
	if err := Authorize(admin.Actor(), ActionRead, KindUser, userID); err != nil {
		return nil, Profile{}, err
	}
	u, err := s.store.GetUser(ctx, userID)
	if err != nil {
		return nil, Profile{}, err
	}
	p, err := s.store.GetProfile(ctx, userID)
	return u, p, err
}

// UpdateCustomerProfile is staff editing a customer's profile, including
// the tax exemption and the staff notes.
func (s *Service) UpdateCustomerProfile(ctx context.Context, admin *Authenticated, userID int64, p Profile, m Meta) error {
	if err := Authorize(admin.Actor(), ActionWrite, KindUser, userID); err != nil {
		return err
	}
	return s.saveProfile(ctx, admin, userID, p, true, m)
}

func (s *Service) saveProfile(ctx context.Context, a *Authenticated, userID int64, p Profile, staff bool, m Meta) error {
	p.Country, p.ShippingCountry = strings.ToUpper(p.Country), strings.ToUpper(p.ShippingCountry)
	if err := p.Validate(); err != nil {
		return err
	}
	now := s.now()
	return s.store.InTx(ctx, func(tx Store) error {
		before, err := tx.GetProfile(ctx, userID)
		if err != nil {
			return err
		}
		if !staff {
			p.TaxExempt, p.AdminNotes = before.TaxExempt, before.AdminNotes
		}
		if err := tx.UpdateProfile(ctx, userID, p); err != nil {
			return err
		}
		return audit(ctx, tx, now, a.User.ID, a.Session.ImpersonatorID, "profile.updated", "user", userID, m, before, p)
	})
}

// GrantRole gives a staff member a role (a named set of permissions); a
// permission change is audited with the permissions before and after.
// Nobody grants themselves a role: that would let an admin raise their
// own permissions.
func (s *Service) GrantRole(ctx context.Context, admin *Authenticated, userID int64, role string, perms []Permission, m Meta) error {
	return s.changeRole(ctx, admin, userID, role, perms, true, m)
}

// RevokeRole takes a role from a staff member. An admin may give up a role
// of their own, but not the last one that lets them manage staff.
func (s *Service) RevokeRole(ctx context.Context, admin *Authenticated, userID int64, role string, m Meta) error {
	return s.changeRole(ctx, admin, userID, role, nil, false, m)
}

func (s *Service) changeRole(ctx context.Context, admin *Authenticated, userID int64, role string, perms []Permission, grant bool, m Meta) error {
	if err := Authorize(admin.Actor(), ActionGrant, KindUser, userID); err != nil {
		return err
	}
	if role == "" || len(role) > 64 {
		return platform.Invalid("role", "a role name is 1 to 64 characters")
	}
	for _, p := range perms {
		if !p.Valid() {
			return platform.Invalid("permissions", "unknown permission %q", p)
		}
	}
	if grant && userID == admin.User.ID {
		return platform.Errorf(platform.EFORBIDDEN, "staff cannot grant themselves permissions")
	}
	now := s.now()
	return s.store.InTx(ctx, func(tx Store) error {
		target, err := tx.GetUser(ctx, userID)
		if err != nil {
			return err
		}
		if target.Role != RoleAdmin {
			return platform.Invalid("user", "only staff accounts hold roles")
		}
		roleID, err := tx.EnsureRole(ctx, role, perms)
		if err != nil {
			return err
		}
		action := "permission.granted"
		if grant {
			err = tx.AssignRole(ctx, userID, roleID)
		} else {
			action = "permission.revoked"
			err = tx.RemoveRole(ctx, userID, roleID)
		}
		if err != nil {
			return err
		}
		after, err := tx.GetUser(ctx, userID)
		if err != nil {
			return err
		}
		if err := checkOwnStaffAccess(admin, after); err != nil {
			return err
		}
		// The role's permissions are what the target gains, whatever perms
		// said: an existing role keeps its own.
		gained := slices.DeleteFunc(slices.Clone(after.Permissions), func(p Permission) bool { return slices.Contains(target.Permissions, p) })
		if err := checkDelegable(admin, gained); err != nil {
			return err
		}
		return audit(ctx, tx, now, admin.User.ID, admin.Session.ImpersonatorID, action, "user", userID, m,
			map[string]any{"permissions": target.Permissions}, map[string]any{"role": role, "permissions": after.Permissions})
	})
}

// Rotator re-seals secrets with the keyring's current primary key;
// secretbox.Keyring implements it.
type Rotator interface {
	NeedsRotation(sealed string) bool
	Rotate(sealed string, associatedData []byte) (string, error)
}

// RotateSecrets re-seals every TOTP secret still sealed with an old key, so
// the old key can be retired. It is safe to run while users log in and
// returns how many secrets it re-sealed.
func (s *Service) RotateSecrets(ctx context.Context, r Rotator) (int, error) {
	creds, err := s.store.ListTOTP(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range creds {
		if !r.NeedsRotation(c.SealedSecret) {
			continue
		}
		sealed, err := r.Rotate(c.SealedSecret, totpAD(c.UserID))
		if err != nil {
			return n, fmt.Errorf("rotate the totp secret of user %d: %w", c.UserID, err)
		}
		ok, err := s.store.ReplaceTOTPSecret(ctx, c.UserID, c.SealedSecret, sealed)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}
