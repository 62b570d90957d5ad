package identity

import (
	"context"
	"time"

	"ezscale.cloud/platform"
)

// Store is the storage identity needs. The SQL adapters implement it and
// pass the contract suite in adapters/storetest. Getters return an
// ENOTFOUND *platform.Error when nothing matches.
type Store interface {
	// InTx runs fn in one transaction; calls nested inside fn reuse it.
	InTx(ctx context.Context, fn func(tx Store) error) error

	// CreateUser inserts an account with its password hash and profile and
	// sets u.ID; a second account with the same email is an ECONFLICT.
	CreateUser(ctx context.Context, u *User, passwordHash string, p Profile) error
	GetUser(ctx context.Context, id int64) (*User, error)
	GetUserByEmail(ctx context.Context, email string) (*User, error)
	PasswordHash(ctx context.Context, userID int64) (string, error)
	SetPasswordHash(ctx context.Context, userID int64, hash string, now time.Time) error
	SetUserStatus(ctx context.Context, userID int64, status UserStatus, now time.Time) error
	// MarkEmailVerified reports false when the email was verified before.
	MarkEmailVerified(ctx context.Context, userID int64, now time.Time) (bool, error)
	GetProfile(ctx context.Context, userID int64) (Profile, error)
	UpdateProfile(ctx context.Context, userID int64, p Profile) error

	// EnsureRole creates a staff role with the given permissions if it does
	// not exist and returns its id.
	EnsureRole(ctx context.Context, name string, perms []Permission) (int64, error)
	AssignRole(ctx context.Context, userID, roleID int64) error
	RemoveRole(ctx context.Context, userID, roleID int64) error
	// ListRoles returns every staff role with its permissions, by name.
	ListRoles(ctx context.Context) ([]StaffRole, error)
	// ListStaff returns every staff account with its roles, oldest first,
	// in a number of queries that does not grow with the staff.
	ListStaff(ctx context.Context) ([]StaffMember, error)

	CreateOneTimeToken(ctx context.Context, t *OneTimeToken) error
	GetOneTimeToken(ctx context.Context, hash []byte) (*OneTimeToken, error)
	// UseOneTimeToken marks the token used and reports false when it had
	// been used already: only the caller that gets true may act on it.
	UseOneTimeToken(ctx context.Context, id int64, now time.Time) (bool, error)

	// SaveTOTP replaces the user's TOTP secret (sealed) with a new,
	// unconfirmed one.
	SaveTOTP(ctx context.Context, userID int64, sealedSecret string, now time.Time) error
	GetTOTP(ctx context.Context, userID int64) (*TOTPCredential, error)
	ConfirmTOTP(ctx context.Context, userID int64, now time.Time) error
	DeleteTOTP(ctx context.Context, userID int64) error
	ListTOTP(ctx context.Context) ([]*TOTPCredential, error)
	// ReplaceTOTPSecret swaps a sealed secret for the same secret sealed
	// anew (a key rotation) if it is still old; it reports whether it was.
	ReplaceTOTPSecret(ctx context.Context, userID int64, old, sealed string) (bool, error)
	// AdvanceTOTPStep records step as the last accepted TOTP time step and
	// reports false when a step at or after it was accepted already.
	AdvanceTOTPStep(ctx context.Context, userID, step int64) (bool, error)
	ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes [][]byte, now time.Time) error
	// UseRecoveryCode marks an unused code used and reports whether there
	// was one.
	UseRecoveryCode(ctx context.Context, userID int64, hash []byte, now time.Time) (bool, error)
	CountRecoveryCodes(ctx context.Context, userID int64) (int, error)

	CreatePasskey(ctx context.Context, p *Passkey) error
	ListPasskeys(ctx context.Context, userID int64) ([]*Passkey, error)
	GetPasskeyByCredentialHash(ctx context.Context, hash []byte) (*Passkey, error)
	UpdatePasskeyCredential(ctx context.Context, id int64, credential []byte, usedAt time.Time) error
	RenamePasskey(ctx context.Context, userID, id int64, name string) error
	DeletePasskey(ctx context.Context, userID, id int64) error
	// SaveCeremony keeps a WebAuthn ceremony's state under the hash of its
	// token until it expires; userID is zero for a login ceremony.
	SaveCeremony(ctx context.Context, hash []byte, userID int64, state []byte, expires, now time.Time) error
	// TakeCeremony returns and deletes a ceremony's state: a second take, or
	// one after expiry, is an ENOTFOUND.
	TakeCeremony(ctx context.Context, hash []byte, now time.Time) (userID int64, state []byte, err error)

	CreateSession(ctx context.Context, s *Session) error
	GetSessionByTokenHash(ctx context.Context, hash []byte) (*Session, []byte, error)
	// TouchSession records activity and the session's data; a revoked
	// session is an ENOTFOUND.
	TouchSession(ctx context.Context, id int64, seen time.Time, data []byte) error
	MarkSessionSecondFactor(ctx context.Context, id int64, at time.Time) error
	// RotateSessionToken gives a live session a new token (hash), so the
	// old one, which may have been seen before a privilege change, stops
	// working.
	RotateSessionToken(ctx context.Context, id int64, hash []byte) error
	RevokeSession(ctx context.Context, userID, id int64, at time.Time) error
	// RevokeOtherSessions revokes every session of the user but keep, and
	// returns how many it revoked.
	RevokeOtherSessions(ctx context.Context, userID, keep int64, at time.Time) (int, error)
	ListSessions(ctx context.Context, userID int64, now time.Time) ([]*Session, error)

	CreateAPIToken(ctx context.Context, t *APIToken) error
	GetAPITokenByHash(ctx context.Context, hash []byte) (*APIToken, error)
	TouchAPIToken(ctx context.Context, id int64, at time.Time) error
	RevokeAPIToken(ctx context.Context, userID, id int64, at time.Time) error
	ListAPITokens(ctx context.Context, userID int64) ([]*APIToken, error)

	AuditLog
	ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error)

	// EnqueueJob writes a job to the outbox, in the caller's transaction.
	EnqueueJob(ctx context.Context, j *platform.Job) error

	Limiter
}

// Profile is a user's contact, billing and shipping details.
type Profile struct {
	Name, Company, Phone                          string
	Address, City, Region, Postal, Country        string
	ShippingAddress, ShippingCity, ShippingRegion string
	ShippingPostal, ShippingCountry               string
	VATID                                         string
	TaxExempt                                     bool
	AdminNotes                                    string
}

// TOTPCredential is a user's authenticator-app secret, sealed by the
// secretbox keyring, and the last time step a code was accepted for.
type TOTPCredential struct {
	UserID       int64
	SealedSecret string
	LastStep     int64
	ConfirmedAt  time.Time
	CreatedAt    time.Time
}

// Passkey is a WebAuthn credential registered by a user. Credential is the
// credential as the WebAuthn library serialises it (public key, sign count,
// flags); CredentialHash is the SHA-256 of its id, the lookup key.
type Passkey struct {
	ID             int64
	UserID         int64
	Name           string
	CredentialHash []byte
	Credential     []byte
	CreatedAt      time.Time
	LastUsedAt     time.Time
}

// AuditFilter selects audit entries; zero fields match everything. Entries
// come newest first, a page at a time; BeforeID continues after the last
// entry of the previous page.
type AuditFilter struct {
	ActorID      int64
	ResourceType string
	ResourceID   string
	Action       string
	From, To     time.Time
	BeforeID     int64
}
