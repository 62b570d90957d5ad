package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strings"
	"time"

	"ezscale.cloud/platform"
)

// The prefixes of the secrets the platform hands out. A prefix says what a
// leaked string is (secret scanners such as GitHub's match on it) and
// keeps one kind of token from being accepted as another, since the hash
// covers the prefix too.
const (
	// TokenPrefixAPI starts personal access tokens for the REST API.
	TokenPrefixAPI = "ezs_pat_"
	// TokenPrefixSession starts session tokens, the value of the session
	// cookie.
	TokenPrefixSession = "ezs_ses_"
	// TokenPrefixVerifyEmail starts email verification links' tokens.
	TokenPrefixVerifyEmail = "ezs_vfy_"
	// TokenPrefixResetPassword starts password reset links' tokens.
	TokenPrefixResetPassword = "ezs_rst_"
	// TokenPrefixStaffInvite starts staff invitation links' tokens.
	TokenPrefixStaffInvite = "ezs_inv_"
)

// tokenRandomBytes is the entropy of every token: 256 bits, far past
// guessing, which is what lets HashToken be a fast hash.
const tokenRandomBytes = 32

// tokenRandomChars is the length of tokenRandomBytes in unpadded base64url.
var tokenRandomChars = base64.RawURLEncoding.EncodedLen(tokenRandomBytes)

// NewToken returns a new secret token, prefix followed by 32 random bytes
// in unpadded base64url (43 characters, safe in URLs and headers), and its
// HashToken hash. The plain token is shown to its owner once (in a cookie,
// an email link, or the API token page) and never stored; only the hash
// is.
func NewToken(prefix string) (plain string, hash []byte) {
	b := make([]byte, tokenRandomBytes)
	rand.Read(b) // never fails: crypto/rand crashes the program rather than return an error
	plain = prefix + base64.RawURLEncoding.EncodeToString(b)
	return plain, HashToken(plain)
}

// HashToken returns the SHA-256 of the whole plain token, prefix included:
// the form a token is stored and looked up by. A slow password hash is
// not needed, nor a salt: those defend guessable secrets against offline
// guessing, and a 256-bit random token cannot be guessed, so a leaked
// database of token hashes gives nothing away. A fast, unsalted hash also
// lets the store find a token by its hash with an index.
func HashToken(plain string) []byte {
	sum := sha256.Sum256([]byte(plain))
	return sum[:]
}

// TokenHashEqual reports whether two token hashes are equal, in time that
// does not depend on where they differ. Stores find tokens by hash with an
// index, so this is for code that compares a presented token with one
// already in hand (a CSRF token against its session, say).
func TokenHashEqual(a, b []byte) bool {
	return len(a) > 0 && subtle.ConstantTimeCompare(a, b) == 1
}

// WellFormedToken reports whether plain is prefix followed by exactly 43
// base64url characters, the shape NewToken makes. Checking it before a
// store lookup turns away garbage, and tokens of the wrong kind, without
// a query.
func WellFormedToken(plain, prefix string) bool {
	rest, ok := strings.CutPrefix(plain, prefix)
	if !ok || len(rest) != tokenRandomChars {
		return false
	}
	for _, c := range rest {
		if !(isASCIIAlnum(c) || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Purpose says what a one-time emailed token is for.
type Purpose string

// The purposes of one-time tokens.
const (
	// PurposeVerifyEmail proves the user receives mail at their address.
	PurposeVerifyEmail Purpose = "verify_email"
	// PurposeResetPassword lets the user set a new password without the
	// old one.
	PurposeResetPassword Purpose = "reset_password"
	// PurposeStaffInvite lets an invited staff member set their first
	// password, which accepts the invitation.
	PurposeStaffInvite Purpose = "staff_invite"
)

// How long one-time links stay usable. A verification link only proves
// mailbox access and may sit unread over a weekend; a reset link grants
// the account, so it lives only as long as someone needs to read the mail
// and act. An invitation grants an account too, but goes to someone who
// did not ask for it at that moment and may be away for days; it can be
// used only while the account has no password, so it never replaces one.
const (
	VerifyEmailLifetime   = 48 * time.Hour
	ResetPasswordLifetime = time.Hour
	StaffInviteLifetime   = 7 * 24 * time.Hour
)

// Valid reports whether p is one of the known purposes.
func (p Purpose) Valid() bool { return p.Lifetime() != 0 }

// Lifetime returns how long a token of this purpose stays usable; zero
// for an unknown purpose.
func (p Purpose) Lifetime() time.Duration {
	switch p {
	case PurposeVerifyEmail:
		return VerifyEmailLifetime
	case PurposeResetPassword:
		return ResetPasswordLifetime
	case PurposeStaffInvite:
		return StaffInviteLifetime
	}
	return 0
}

// prefix returns the token prefix of the purpose.
func (p Purpose) prefix() string {
	switch p {
	case PurposeResetPassword:
		return TokenPrefixResetPassword
	case PurposeStaffInvite:
		return TokenPrefixStaffInvite
	}
	return TokenPrefixVerifyEmail
}

// OneTimeToken is a single-use, expiring token sent by email (a
// verification or a password reset link). Only its hash is stored.
//
// The service should delete a user's unused tokens of a purpose when what
// they vouch for changes: reset tokens when the password changes (a link
// sitting in an old mailbox must not outlive the reset), verification
// tokens when the email changes (a link sent to the old address must not
// verify the new one).
type OneTimeToken struct {
	ID        int64
	UserID    int64
	Purpose   Purpose
	Hash      []byte // HashToken of the plain token in the link
	ExpiresAt time.Time
	UsedAt    time.Time // zero until used
	CreatedAt time.Time
}

// NewOneTimeToken returns a token for userID and purpose that expires
// after the purpose's lifetime, and the plain token to put in the link. An
// unknown purpose is EINVALID on field "purpose".
func NewOneTimeToken(userID int64, purpose Purpose, now time.Time) (OneTimeToken, string, error) {
	if !purpose.Valid() {
		return OneTimeToken{}, "", platform.Invalid("purpose", "unknown token purpose %q", purpose)
	}
	plain, hash := NewToken(purpose.prefix())
	return OneTimeToken{
		UserID:    userID,
		Purpose:   purpose,
		Hash:      hash,
		ExpiresAt: now.Add(purpose.Lifetime()),
		CreatedAt: now,
	}, plain, nil
}

// Usable returns nil when the token may still be used at now, and
// EUNAUTHORIZED "link already used" or "link expired" otherwise. Use wins
// over expiry so that a user who clicks twice is told what happened. The
// check is advisory: the single use itself is enforced by
// Store.UseOneTimeToken, which only one caller can win.
func (t OneTimeToken) Usable(now time.Time) error {
	if !t.UsedAt.IsZero() {
		return platform.Errorf(platform.EUNAUTHORIZED, "link already used")
	}
	if !now.Before(t.ExpiresAt) {
		return platform.Errorf(platform.EUNAUTHORIZED, "link expired")
	}
	return nil
}
