package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/sqlstore/internal/dbsqlc"
	"ezscale.cloud/platform/identity"
)

// IdentityStore implements identity.Store on the same database and
// transactions as the billing store.
type IdentityStore struct {
	s *Store
}

var _ identity.Store = (*IdentityStore)(nil)

// Identity returns the identity store that shares this store's database.
func (s *Store) Identity() *IdentityStore { return &IdentityStore{s: s} }

// InTx runs fn in a transaction; see identity.Store.
func (i *IdentityStore) InTx(ctx context.Context, fn func(tx identity.Store) error) error {
	return i.s.inTx(ctx, func(tx *Store) error { return fn(&IdentityStore{s: tx}) })
}

// hashKey is how token and code hashes are stored: lower-case hex.
func hashKey(h []byte) string { return hex.EncodeToString(h) }

func hashBytes(s string) []byte {
	b, _ := hex.DecodeString(s) // written by hashKey, always valid
	return b
}

// CreateUser inserts an account and its profile together.
func (i *IdentityStore) CreateUser(ctx context.Context, u *identity.User, passwordHash string, p identity.Profile) error {
	return i.s.inTx(ctx, func(t *Store) error {
		id, err := t.q.UserInsert(ctx, dbsqlc.UserInsertParams{
			Email: u.Email, PasswordHash: passwordHash, Role: string(u.Role), Status: string(u.Status),
			CreatedAt: u.CreatedAt, UpdatedAt: u.CreatedAt,
		})
		if err != nil {
			return t.translate(err, "account "+u.Email)
		}
		err = t.q.ProfileInsert(ctx, dbsqlc.ProfileInsertParams{
			UserID: id, Name: p.Name, Company: p.Company, Phone: p.Phone, Address: p.Address, City: p.City,
			Region: p.Region, Postal: p.Postal, Country: p.Country, VatID: p.VATID, TaxExempt: p.TaxExempt,
			AdminNotes: p.AdminNotes, ShippingAddress: p.ShippingAddress, ShippingCity: p.ShippingCity,
			ShippingRegion: p.ShippingRegion, ShippingPostal: p.ShippingPostal, ShippingCountry: p.ShippingCountry,
		})
		if err != nil {
			return t.translate(err, "profile")
		}
		u.ID = id
		return nil
	})
}

// GetUser returns an account with its staff permissions.
func (i *IdentityStore) GetUser(ctx context.Context, id int64) (*identity.User, error) {
	r, err := i.s.q.UserGetByID(ctx, id)
	if err != nil {
		return nil, i.s.translate(err, "user")
	}
	return i.userFromRow(ctx, r)
}

// GetUserByEmail returns the account with the (normalised) email.
func (i *IdentityStore) GetUserByEmail(ctx context.Context, email string) (*identity.User, error) {
	r, err := i.s.q.UserGetByEmail(ctx, email)
	if err != nil {
		return nil, i.s.translate(err, "user")
	}
	return i.userFromRow(ctx, r)
}

func (i *IdentityStore) userFromRow(ctx context.Context, r dbsqlc.User) (*identity.User, error) {
	perms, err := i.s.q.UserPermissionList(ctx, r.ID)
	if err != nil {
		return nil, i.s.translate(err, "user permissions")
	}
	u := &identity.User{
		ID: r.ID, Email: r.Email, Role: identity.Role(r.Role), Status: identity.UserStatus(r.Status),
		EmailVerifiedAt: timeOf(r.EmailVerifiedAt), CreatedAt: r.CreatedAt.UTC(),
	}
	for _, p := range perms {
		u.Permissions = append(u.Permissions, identity.Permission(p))
	}
	return u, nil
}

// PasswordHash returns the account's encoded password hash.
func (i *IdentityStore) PasswordHash(ctx context.Context, userID int64) (string, error) {
	r, err := i.s.q.UserGetByID(ctx, userID)
	if err != nil {
		return "", i.s.translate(err, "user")
	}
	return r.PasswordHash, nil
}

// SetPasswordHash replaces the account's password hash.
func (i *IdentityStore) SetPasswordHash(ctx context.Context, userID int64, hash string, now time.Time) error {
	n, err := i.s.writeQ().UserSetPassword(ctx, dbsqlc.UserSetPasswordParams{PasswordHash: hash, UpdatedAt: now, ID: userID})
	return i.s.rowChanged(n, err, "user")
}

// SetUserStatus changes whether the account may be used.
func (i *IdentityStore) SetUserStatus(ctx context.Context, userID int64, status identity.UserStatus, now time.Time) error {
	n, err := i.s.writeQ().UserSetStatus(ctx, dbsqlc.UserSetStatusParams{Status: string(status), UpdatedAt: now, ID: userID})
	return i.s.rowChanged(n, err, "user")
}

// MarkEmailVerified records the verification once.
func (i *IdentityStore) MarkEmailVerified(ctx context.Context, userID int64, now time.Time) (bool, error) {
	n, err := i.s.writeQ().UserMarkEmailVerified(ctx, dbsqlc.UserMarkEmailVerifiedParams{
		EmailVerifiedAt: nullTime(now), UpdatedAt: now, ID: userID,
	})
	if err != nil {
		return false, i.s.translate(err, "user")
	}
	return n == 1, nil
}

// GetProfile returns the account's profile.
func (i *IdentityStore) GetProfile(ctx context.Context, userID int64) (identity.Profile, error) {
	r, err := i.s.q.ProfileGet(ctx, userID)
	if err != nil {
		return identity.Profile{}, i.s.translate(err, "profile")
	}
	return identity.Profile{
		Name: r.Name, Company: r.Company, Phone: r.Phone, Address: r.Address, City: r.City, Region: r.Region,
		Postal: r.Postal, Country: r.Country, VATID: r.VatID, TaxExempt: r.TaxExempt, AdminNotes: r.AdminNotes,
		ShippingAddress: r.ShippingAddress, ShippingCity: r.ShippingCity, ShippingRegion: r.ShippingRegion,
		ShippingPostal: r.ShippingPostal, ShippingCountry: r.ShippingCountry,
	}, nil
}

// UpdateProfile saves the account's profile.
func (i *IdentityStore) UpdateProfile(ctx context.Context, userID int64, p identity.Profile) error {
	n, err := i.s.writeQ().ProfileUpdate(ctx, dbsqlc.ProfileUpdateParams{
		Name: p.Name, Company: p.Company, Phone: p.Phone, Address: p.Address, City: p.City, Region: p.Region,
		Postal: p.Postal, Country: p.Country, VatID: p.VATID, TaxExempt: p.TaxExempt, AdminNotes: p.AdminNotes,
		ShippingAddress: p.ShippingAddress, ShippingCity: p.ShippingCity, ShippingRegion: p.ShippingRegion,
		ShippingPostal: p.ShippingPostal, ShippingCountry: p.ShippingCountry, UserID: userID,
	})
	return i.s.rowChanged(n, err, "profile")
}

// EnsureRole creates a role with its permissions unless it exists.
func (i *IdentityStore) EnsureRole(ctx context.Context, name string, perms []identity.Permission) (int64, error) {
	var id int64
	err := i.s.inTx(ctx, func(t *Store) error {
		r, err := t.q.RoleGetByName(ctx, name)
		if err == nil {
			id = r.ID
			return nil
		}
		if err != sql.ErrNoRows {
			return t.translate(err, "role")
		}
		if id, err = t.q.RoleInsert(ctx, name); err != nil {
			return t.translate(err, "role "+name)
		}
		for _, p := range perms {
			pid, err := t.permissionID(ctx, string(p))
			if err != nil {
				return err
			}
			if err := t.q.RolePermissionInsert(ctx, dbsqlc.RolePermissionInsertParams{RoleID: id, PermissionID: pid}); err != nil {
				return t.translate(err, "role permission")
			}
		}
		return nil
	})
	return id, err
}

func (s *Store) permissionID(ctx context.Context, name string) (int64, error) {
	p, err := s.q.PermissionGetByName(ctx, name)
	if err == nil {
		return p.ID, nil
	}
	if err != sql.ErrNoRows {
		return 0, s.translate(err, "permission")
	}
	id, err := s.q.PermissionInsert(ctx, name)
	return id, s.translate(err, "permission "+name)
}

// AssignRole gives a user a role.
func (i *IdentityStore) AssignRole(ctx context.Context, userID, roleID int64) error {
	err := i.s.writeQ().UserRoleInsert(ctx, dbsqlc.UserRoleInsertParams{UserID: userID, RoleID: roleID})
	return i.s.translate(err, "user role")
}

// RemoveRole takes a role from a user.
func (i *IdentityStore) RemoveRole(ctx context.Context, userID, roleID int64) error {
	n, err := i.s.writeQ().UserRoleDelete(ctx, dbsqlc.UserRoleDeleteParams{UserID: userID, RoleID: roleID})
	return i.s.rowChanged(n, err, "user role")
}

// CreateOneTimeToken stores an email token by its hash.
func (i *IdentityStore) CreateOneTimeToken(ctx context.Context, t *identity.OneTimeToken) error {
	id, err := i.s.writeQ().OneTimeTokenInsert(ctx, dbsqlc.OneTimeTokenInsertParams{
		UserID: t.UserID, Purpose: string(t.Purpose), TokenHash: hashKey(t.Hash), ExpiresAt: t.ExpiresAt, CreatedAt: t.CreatedAt,
	})
	if err != nil {
		return i.s.translate(err, "token")
	}
	t.ID = id
	return nil
}

// GetOneTimeToken finds an email token by its hash.
func (i *IdentityStore) GetOneTimeToken(ctx context.Context, hash []byte) (*identity.OneTimeToken, error) {
	r, err := i.s.q.OneTimeTokenGetByHash(ctx, hashKey(hash))
	if err != nil {
		return nil, i.s.translate(err, "token")
	}
	return &identity.OneTimeToken{
		ID: r.ID, UserID: r.UserID, Purpose: identity.Purpose(r.Purpose), Hash: hashBytes(r.TokenHash),
		ExpiresAt: r.ExpiresAt.UTC(), UsedAt: timeOf(r.UsedAt), CreatedAt: r.CreatedAt.UTC(),
	}, nil
}

// UseOneTimeToken marks a token used once.
func (i *IdentityStore) UseOneTimeToken(ctx context.Context, id int64, now time.Time) (bool, error) {
	n, err := i.s.writeQ().OneTimeTokenUse(ctx, dbsqlc.OneTimeTokenUseParams{UsedAt: nullTime(now), ID: id})
	if err != nil {
		return false, i.s.translate(err, "token")
	}
	return n == 1, nil
}

// SaveTOTP replaces the user's TOTP secret with a new unconfirmed one.
func (i *IdentityStore) SaveTOTP(ctx context.Context, userID int64, sealedSecret string, now time.Time) error {
	return i.s.inTx(ctx, func(t *Store) error {
		if err := t.q.TOTPDelete(ctx, userID); err != nil {
			return t.translate(err, "totp")
		}
		err := t.q.TOTPInsert(ctx, dbsqlc.TOTPInsertParams{UserID: userID, SecretEnc: sealedSecret, CreatedAt: now})
		return t.translate(err, "totp")
	})
}

// GetTOTP returns the user's TOTP credential.
func (i *IdentityStore) GetTOTP(ctx context.Context, userID int64) (*identity.TOTPCredential, error) {
	r, err := i.s.q.TOTPGet(ctx, userID)
	if err != nil {
		return nil, i.s.translate(err, "totp")
	}
	return &identity.TOTPCredential{
		UserID: r.UserID, SealedSecret: r.SecretEnc, LastStep: r.LastStep,
		ConfirmedAt: timeOf(r.ConfirmedAt), CreatedAt: r.CreatedAt.UTC(),
	}, nil
}

// ConfirmTOTP marks the secret confirmed by a first good code.
func (i *IdentityStore) ConfirmTOTP(ctx context.Context, userID int64, now time.Time) error {
	n, err := i.s.writeQ().TOTPConfirm(ctx, dbsqlc.TOTPConfirmParams{ConfirmedAt: nullTime(now), UserID: userID})
	return i.s.rowChanged(n, err, "unconfirmed totp")
}

// DeleteTOTP removes the user's TOTP secret.
func (i *IdentityStore) DeleteTOTP(ctx context.Context, userID int64) error {
	return i.s.translate(i.s.writeQ().TOTPDelete(ctx, userID), "totp")
}

// ListTOTP returns every TOTP credential, for key rotation.
func (i *IdentityStore) ListTOTP(ctx context.Context) ([]*identity.TOTPCredential, error) {
	rows, err := i.s.q.TOTPList(ctx)
	if err != nil {
		return nil, i.s.translate(err, "totp")
	}
	out := make([]*identity.TOTPCredential, 0, len(rows))
	for _, r := range rows {
		out = append(out, &identity.TOTPCredential{
			UserID: r.UserID, SealedSecret: r.SecretEnc, LastStep: r.LastStep,
			ConfirmedAt: timeOf(r.ConfirmedAt), CreatedAt: r.CreatedAt.UTC(),
		})
	}
	return out, nil
}

// ReplaceTOTPSecret compare-and-sets a sealed TOTP secret.
func (i *IdentityStore) ReplaceTOTPSecret(ctx context.Context, userID int64, old, sealed string) (bool, error) {
	n, err := i.s.writeQ().TOTPUpdateSecret(ctx, dbsqlc.TOTPUpdateSecretParams{SecretEnc: sealed, UserID: userID, SecretEnc_2: old})
	if err != nil {
		return false, i.s.translate(err, "totp")
	}
	return n == 1, nil
}

// AdvanceTOTPStep compare-and-sets the last accepted time step.
func (i *IdentityStore) AdvanceTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	n, err := i.s.writeQ().TOTPAdvanceStep(ctx, dbsqlc.TOTPAdvanceStepParams{LastStep: step, UserID: userID, LastStep_2: step})
	if err != nil {
		return false, i.s.translate(err, "totp")
	}
	return n == 1, nil
}

// ReplaceRecoveryCodes swaps the user's recovery codes for new ones.
func (i *IdentityStore) ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes [][]byte, now time.Time) error {
	return i.s.inTx(ctx, func(t *Store) error {
		if err := t.q.RecoveryCodeDeleteAll(ctx, userID); err != nil {
			return t.translate(err, "recovery codes")
		}
		for _, h := range hashes {
			err := t.q.RecoveryCodeInsert(ctx, dbsqlc.RecoveryCodeInsertParams{UserID: userID, CodeHash: hashKey(h), CreatedAt: now})
			if err != nil {
				return t.translate(err, "recovery code")
			}
		}
		return nil
	})
}

// UseRecoveryCode spends an unused recovery code.
func (i *IdentityStore) UseRecoveryCode(ctx context.Context, userID int64, hash []byte, now time.Time) (bool, error) {
	n, err := i.s.writeQ().RecoveryCodeUse(ctx, dbsqlc.RecoveryCodeUseParams{UsedAt: nullTime(now), UserID: userID, CodeHash: hashKey(hash)})
	if err != nil {
		return false, i.s.translate(err, "recovery code")
	}
	return n == 1, nil
}

// CountRecoveryCodes counts the user's unused recovery codes.
func (i *IdentityStore) CountRecoveryCodes(ctx context.Context, userID int64) (int, error) {
	ids, err := i.s.q.RecoveryCodeCountUnused(ctx, userID)
	return len(ids), i.s.translate(err, "recovery codes")
}

// CreatePasskey stores a registered WebAuthn credential.
func (i *IdentityStore) CreatePasskey(ctx context.Context, p *identity.Passkey) error {
	id, err := i.s.writeQ().PasskeyInsert(ctx, dbsqlc.PasskeyInsertParams{
		UserID: p.UserID, Name: p.Name, CredentialHash: hashKey(p.CredentialHash), CredentialJson: string(p.Credential), CreatedAt: p.CreatedAt,
	})
	if err != nil {
		return i.s.translate(err, "passkey")
	}
	p.ID = id
	return nil
}

// ListPasskeys returns the user's passkeys.
func (i *IdentityStore) ListPasskeys(ctx context.Context, userID int64) ([]*identity.Passkey, error) {
	rows, err := i.s.q.PasskeyListByUser(ctx, userID)
	if err != nil {
		return nil, i.s.translate(err, "passkeys")
	}
	return fromRows(rows, passkeyFromRow), nil
}

// GetPasskeyByCredentialHash finds a passkey by the hash of its credential id.
func (i *IdentityStore) GetPasskeyByCredentialHash(ctx context.Context, hash []byte) (*identity.Passkey, error) {
	r, err := i.s.q.PasskeyGetByCredentialHash(ctx, hashKey(hash))
	if err != nil {
		return nil, i.s.translate(err, "passkey")
	}
	return passkeyFromRow(r), nil
}

func passkeyFromRow(r dbsqlc.Passkey) *identity.Passkey {
	return &identity.Passkey{
		ID: r.ID, UserID: r.UserID, Name: r.Name, CredentialHash: hashBytes(r.CredentialHash),
		Credential: []byte(r.CredentialJson), CreatedAt: r.CreatedAt.UTC(), LastUsedAt: timeOf(r.LastUsedAt),
	}
}

// UpdatePasskeyCredential saves a credential after a login (its sign count).
func (i *IdentityStore) UpdatePasskeyCredential(ctx context.Context, id int64, credential []byte, usedAt time.Time) error {
	n, err := i.s.writeQ().PasskeyUpdateCredential(ctx, dbsqlc.PasskeyUpdateCredentialParams{
		CredentialJson: string(credential), LastUsedAt: nullTime(usedAt), ID: id,
	})
	return i.s.rowChanged(n, err, "passkey")
}

// RenamePasskey renames one of the user's passkeys.
func (i *IdentityStore) RenamePasskey(ctx context.Context, userID, id int64, name string) error {
	n, err := i.s.writeQ().PasskeyRename(ctx, dbsqlc.PasskeyRenameParams{Name: name, ID: id, UserID: userID})
	return i.s.rowChanged(n, err, "passkey")
}

// DeletePasskey removes one of the user's passkeys.
func (i *IdentityStore) DeletePasskey(ctx context.Context, userID, id int64) error {
	n, err := i.s.writeQ().PasskeyDelete(ctx, dbsqlc.PasskeyDeleteParams{ID: id, UserID: userID})
	return i.s.rowChanged(n, err, "passkey")
}

// SaveCeremony keeps a WebAuthn ceremony's state.
func (i *IdentityStore) SaveCeremony(ctx context.Context, hash []byte, userID int64, state []byte, expires, now time.Time) error {
	err := i.s.writeQ().CeremonyInsert(ctx, dbsqlc.CeremonyInsertParams{
		TokenHash: hashKey(hash), UserID: nullID(userID), State: string(state), ExpiresAt: expires, CreatedAt: now,
	})
	return i.s.translate(err, "ceremony")
}

// TakeCeremony returns a ceremony's state and deletes it, once.
func (i *IdentityStore) TakeCeremony(ctx context.Context, hash []byte, now time.Time) (int64, []byte, error) {
	var userID int64
	var state []byte
	err := i.s.inTx(ctx, func(t *Store) error {
		r, err := t.q.CeremonyGet(ctx, hashKey(hash))
		if err != nil {
			return t.translate(err, "ceremony")
		}
		n, err := t.q.CeremonyDelete(ctx, hashKey(hash))
		if err != nil {
			return t.translate(err, "ceremony")
		}
		if n == 0 || !now.Before(r.ExpiresAt) {
			return platform.Errorf(platform.ENOTFOUND, "ceremony not found")
		}
		userID, state = r.UserID.Int64, []byte(r.State)
		return nil
	})
	return userID, state, err
}

// CreateSession stores a new session by its token hash.
func (i *IdentityStore) CreateSession(ctx context.Context, s *identity.Session) error {
	id, err := i.s.writeQ().SessionInsert(ctx, dbsqlc.SessionInsertParams{
		TokenHash: hashKey(s.TokenHash), UserID: s.UserID, ImpersonatorID: nullID(s.ImpersonatorID),
		SecondFactorAt: nullTime(s.SecondFactorAt), Ip: s.IP, UserAgent: s.UserAgent, DataJson: "{}",
		CreatedAt: s.CreatedAt, LastSeenAt: s.LastSeenAt, ExpiresAt: s.ExpiresAt,
	})
	if err != nil {
		return i.s.translate(err, "session")
	}
	s.ID = id
	return nil
}

// GetSessionByTokenHash returns a session and its stored data.
func (i *IdentityStore) GetSessionByTokenHash(ctx context.Context, hash []byte) (*identity.Session, []byte, error) {
	r, err := i.s.q.SessionGetByTokenHash(ctx, hashKey(hash))
	if err != nil {
		return nil, nil, i.s.translate(err, "session")
	}
	return sessionFromRow(r), []byte(r.DataJson), nil
}

func sessionFromRow(r dbsqlc.Session) *identity.Session {
	return &identity.Session{
		ID: r.ID, UserID: r.UserID, TokenHash: hashBytes(r.TokenHash), ImpersonatorID: r.ImpersonatorID.Int64,
		SecondFactorAt: timeOf(r.SecondFactorAt), IP: r.Ip, UserAgent: r.UserAgent, CreatedAt: r.CreatedAt.UTC(),
		LastSeenAt: r.LastSeenAt.UTC(), ExpiresAt: r.ExpiresAt.UTC(), RevokedAt: timeOf(r.RevokedAt),
	}
}

// TouchSession records activity and data on a live session.
func (i *IdentityStore) TouchSession(ctx context.Context, id int64, seen time.Time, data []byte) error {
	if !json.Valid(data) {
		return platform.Invalid("data", "session data is not JSON")
	}
	n, err := i.s.writeQ().SessionTouch(ctx, dbsqlc.SessionTouchParams{LastSeenAt: seen, DataJson: string(data), ID: id})
	return i.s.rowChanged(n, err, "session")
}

// MarkSessionSecondFactor records that the session passed a second factor.
func (i *IdentityStore) MarkSessionSecondFactor(ctx context.Context, id int64, at time.Time) error {
	n, err := i.s.writeQ().SessionMarkSecondFactor(ctx, dbsqlc.SessionMarkSecondFactorParams{SecondFactorAt: nullTime(at), ID: id})
	return i.s.rowChanged(n, err, "session")
}

// RotateSessionToken replaces a live session's token hash.
func (i *IdentityStore) RotateSessionToken(ctx context.Context, id int64, hash []byte) error {
	n, err := i.s.writeQ().SessionRotateToken(ctx, dbsqlc.SessionRotateTokenParams{TokenHash: hashKey(hash), ID: id})
	return i.s.rowChanged(n, err, "session")
}

// RevokeSession ends one of the user's sessions.
func (i *IdentityStore) RevokeSession(ctx context.Context, userID, id int64, at time.Time) error {
	n, err := i.s.writeQ().SessionRevoke(ctx, dbsqlc.SessionRevokeParams{RevokedAt: nullTime(at), ID: id, UserID: userID})
	return i.s.rowChanged(n, err, "session")
}

// RevokeOtherSessions ends every session of the user but one.
func (i *IdentityStore) RevokeOtherSessions(ctx context.Context, userID, keep int64, at time.Time) (int, error) {
	n, err := i.s.writeQ().SessionRevokeOthers(ctx, dbsqlc.SessionRevokeOthersParams{RevokedAt: nullTime(at), UserID: userID, ID: keep})
	return int(n), i.s.translate(err, "sessions")
}

// ListSessions returns the user's live sessions, most recently used first.
func (i *IdentityStore) ListSessions(ctx context.Context, userID int64, now time.Time) ([]*identity.Session, error) {
	rows, err := i.s.q.SessionListActive(ctx, dbsqlc.SessionListActiveParams{UserID: userID, ExpiresAt: now})
	if err != nil {
		return nil, i.s.translate(err, "sessions")
	}
	return fromRows(rows, sessionFromRow), nil
}

// CreateAPIToken stores a personal access token by its hash.
func (i *IdentityStore) CreateAPIToken(ctx context.Context, t *identity.APIToken) error {
	scopes, err := json.Marshal(t.Scopes)
	if err != nil || t.Scopes == nil {
		scopes = []byte("[]")
	}
	id, err := i.s.writeQ().APITokenInsert(ctx, dbsqlc.APITokenInsertParams{
		UserID: t.UserID, Name: t.Name, Prefix: t.Prefix, TokenHash: hashKey(t.Hash), ScopesJson: string(scopes),
		CreatedAt: t.CreatedAt, ExpiresAt: nullTime(t.ExpiresAt),
	})
	if err != nil {
		return i.s.translate(err, "api token")
	}
	t.ID = id
	return nil
}

// GetAPITokenByHash finds a token by its hash.
func (i *IdentityStore) GetAPITokenByHash(ctx context.Context, hash []byte) (*identity.APIToken, error) {
	r, err := i.s.q.APITokenGetByHash(ctx, hashKey(hash))
	if err != nil {
		return nil, i.s.translate(err, "api token")
	}
	return apiTokenFromRow(r)
}

func apiTokenFromRow(r dbsqlc.ApiToken) (*identity.APIToken, error) {
	t := &identity.APIToken{
		ID: r.ID, UserID: r.UserID, Name: r.Name, Prefix: r.Prefix, Hash: hashBytes(r.TokenHash),
		CreatedAt: r.CreatedAt.UTC(), LastUsedAt: timeOf(r.LastUsedAt), ExpiresAt: timeOf(r.ExpiresAt), RevokedAt: timeOf(r.RevokedAt),
	}
	if err := json.Unmarshal([]byte(r.ScopesJson), &t.Scopes); err != nil {
		return nil, platform.Errorf(platform.EINTERNAL, "api token %d scopes: %v", r.ID, err)
	}
	return t, nil
}

// TouchAPIToken records a token's last use.
func (i *IdentityStore) TouchAPIToken(ctx context.Context, id int64, at time.Time) error {
	err := i.s.writeQ().APITokenTouch(ctx, dbsqlc.APITokenTouchParams{LastUsedAt: nullTime(at), ID: id})
	return i.s.translate(err, "api token")
}

// RevokeAPIToken revokes one of the user's tokens.
func (i *IdentityStore) RevokeAPIToken(ctx context.Context, userID, id int64, at time.Time) error {
	n, err := i.s.writeQ().APITokenRevoke(ctx, dbsqlc.APITokenRevokeParams{RevokedAt: nullTime(at), ID: id, UserID: userID})
	return i.s.rowChanged(n, err, "api token")
}

// ListAPITokens returns the user's tokens.
func (i *IdentityStore) ListAPITokens(ctx context.Context, userID int64) ([]*identity.APIToken, error) {
	rows, err := i.s.q.APITokenListByUser(ctx, userID)
	if err != nil {
		return nil, i.s.translate(err, "api tokens")
	}
	out := make([]*identity.APIToken, 0, len(rows))
	for _, r := range rows {
		t, err := apiTokenFromRow(r)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// Append adds an entry to the audit log.
func (i *IdentityStore) Append(ctx context.Context, e identity.AuditEntry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	err := i.s.writeQ().AuditInsert(ctx, dbsqlc.AuditInsertParams{
		At: e.At, ActorID: nullID(e.ActorID), ImpersonatorID: nullID(e.ImpersonatorID), Action: e.Action,
		ResourceType: e.ResourceType, ResourceID: e.ResourceID, Ip: e.IP, UserAgent: e.UserAgent,
		BeforeJson: string(e.Before), AfterJson: string(e.After),
	})
	return i.s.translate(err, "audit entry")
}

// ListAudit returns one page of audit entries matching the filter.
func (i *IdentityStore) ListAudit(ctx context.Context, f identity.AuditFilter) ([]identity.AuditEntry, error) {
	to := f.To
	if to.IsZero() {
		to = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	from := f.From
	if from.IsZero() {
		from = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	rows, err := i.s.q.AuditList(ctx, dbsqlc.AuditListParams{
		Column1: f.ActorID, ActorID: nullID(f.ActorID), Column3: f.ResourceType, ResourceType: f.ResourceType,
		Column5: f.ResourceID, ResourceID: f.ResourceID, Column7: f.Action, Action: f.Action,
		At: from, At_2: to, Column11: f.BeforeID, ID: f.BeforeID,
	})
	if err != nil {
		return nil, i.s.translate(err, "audit log")
	}
	out := make([]identity.AuditEntry, 0, len(rows))
	for _, r := range rows {
		e := identity.AuditEntry{
			ID: r.ID, At: r.At.UTC(), ActorID: r.ActorID.Int64, ImpersonatorID: r.ImpersonatorID.Int64, Action: r.Action,
			ResourceType: r.ResourceType, ResourceID: r.ResourceID, IP: r.Ip, UserAgent: r.UserAgent,
		}
		if r.BeforeJson != "" {
			e.Before = json.RawMessage(r.BeforeJson)
		}
		if r.AfterJson != "" {
			e.After = json.RawMessage(r.AfterJson)
		}
		out = append(out, e)
	}
	return out, nil
}

// Hit counts one attempt against a fixed-window rate limit. Backed by the
// database, the count is shared by every process using it.
func (i *IdentityStore) Hit(ctx context.Context, key string, window time.Duration, limit int, now time.Time) (identity.Decision, error) {
	if window < time.Second || limit < 1 {
		return identity.Decision{}, platform.Invalid("window", "a rate limit needs a window of a second or more and a limit of one or more")
	}
	start := now.UTC().Truncate(window)
	var hits int64
	err := i.s.inTx(ctx, func(t *Store) error {
		var err error
		hits, err = t.dialect.HitRateLimit(ctx, t.tx, key, start)
		return t.translate(err, "rate limit")
	})
	if err != nil {
		return identity.Decision{}, err
	}
	d := identity.Decision{Allowed: hits <= int64(limit), Remaining: int(max(0, int64(limit)-hits))}
	if !d.Allowed {
		d.RetryAfter = start.Add(window).Sub(now)
	}
	return d, nil
}

// PruneRateLimits deletes the counters of windows that started before t.
func (i *IdentityStore) PruneRateLimits(ctx context.Context, before time.Time) (int64, error) {
	n, err := i.s.writeQ().RateLimitPrune(ctx, before)
	return n, i.s.translate(err, "rate limits")
}

// EnqueueJob writes a job to the outbox shared with billing.
func (i *IdentityStore) EnqueueJob(ctx context.Context, j *platform.Job) error {
	return i.s.EnqueueJob(ctx, j)
}

// rowChanged turns a zero-row update into ENOTFOUND.
func (s *Store) rowChanged(n int64, err error, what string) error {
	if err != nil {
		return s.translate(err, what)
	}
	if n == 0 {
		return platform.Errorf(platform.ENOTFOUND, "%s not found", what)
	}
	return nil
}
