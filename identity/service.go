package identity

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"ezscale.cloud/platform"
)

// Sealer encrypts secrets at rest; secretbox.Keyring implements it. The
// associated data binds a sealed value to its owner, so a value copied to
// another row does not open.
type Sealer interface {
	Seal(plaintext, associatedData []byte) string
	Open(sealed string, associatedData []byte) ([]byte, error)
}

// Config holds identity's settings.
type Config struct {
	// TOTPIssuer names the service in authenticator apps.
	TOTPIssuer string
	Limits     Limits
	// AllowUnverifiedLogin lets accounts log in before verifying their
	// email; off by default.
	AllowUnverifiedLogin bool
}

// DefaultConfig returns identity's default settings.
func DefaultConfig() Config {
	return Config{TOTPIssuer: "EZSCALE", Limits: DefaultLimits()}
}

// Meta is what a request says about who sent it, for rate limits and the
// audit log.
type Meta struct {
	IP        string
	UserAgent string
}

// Service holds identity's use cases over the Store port.
type Service struct {
	store  Store
	sealer Sealer
	clock  platform.Clock
	cfg    Config
}

// NewService returns the identity service.
func NewService(store Store, sealer Sealer, clock platform.Clock, cfg Config) *Service {
	return &Service{store: store, sealer: sealer, clock: clock, cfg: cfg}
}

func (s *Service) now() time.Time { return platform.Truncate(s.clock.Now()) }

// limit counts one attempt against a rule and refuses with ERATELIMITED
// once the rule's limit is passed.
func (s *Service) limit(ctx context.Context, r Rule, key string, now time.Time) error {
	d, err := r.Hit(ctx, s.store, key, now)
	if err != nil {
		return err
	}
	if !d.Allowed {
		return platform.Errorf(platform.ERATELIMITED, "too many attempts; try again in %s", d.RetryAfter.Round(time.Second))
	}
	return nil
}

// audit appends a security event or admin action to the audit log.
func audit(ctx context.Context, tx Store, at time.Time, actorID, impersonatorID int64, action, kind string, id int64, m Meta, before, after any) error {
	e := AuditEntry{
		At: at, ActorID: actorID, ImpersonatorID: impersonatorID, Action: action, ResourceType: kind,
		IP: m.IP, UserAgent: m.UserAgent,
	}
	if id != 0 {
		e.ResourceID = strconv.FormatInt(id, 10)
	}
	var err error
	if before != nil {
		if e.Before, err = json.Marshal(before); err != nil {
			return err
		}
	}
	if after != nil {
		if e.After, err = json.Marshal(after); err != nil {
			return err
		}
	}
	return tx.Append(ctx, e)
}

// Registration is a new customer's sign-up.
type Registration struct {
	Email    string
	Password string
	Profile  Profile
	// Next is the customer area's page to return to once the address is
	// confirmed (the checkout the customer signed up from), carried in
	// the verification link; empty returns to the dashboard.
	Next string
}

// ValidateReturnPath checks that a page to return to is a path of our own
// site: a path starting with one slash, without control characters, so a
// link can never send the customer to another site.
func ValidateReturnPath(field, p string) error {
	switch {
	case p == "":
		return nil
	case len(p) > 512:
		return platform.Invalid(field, "longer than 512 characters")
	case !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\"):
		return platform.Invalid(field, "must be a path on this site, like /checkout")
	case strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return platform.Invalid(field, "must not contain control characters")
	}
	return nil
}

// Register creates a customer account and emails a verification link (a
// durable job carrying the link token sealed). The account cannot log in
// until the link is followed, unless the configuration allows it.
func (s *Service) Register(ctx context.Context, r Registration, m Meta) (*User, error) {
	now := s.now()
	if err := s.limit(ctx, s.cfg.Limits.RegisterIP, RegisterIPKey(m.IP), now); err != nil {
		return nil, err
	}
	email := NormalizeEmail(r.Email)
	if err := ValidateEmail(email); err != nil {
		return nil, err
	}
	if err := ValidatePassword(r.Password); err != nil {
		return nil, err
	}
	if err := ValidateReturnPath("next", r.Next); err != nil {
		return nil, err
	}
	hash, err := HashPassword(r.Password)
	if err != nil {
		return nil, err
	}
	u := &User{Email: email, Role: RoleCustomer, Status: UserActive, CreatedAt: now}
	err = s.store.InTx(ctx, func(tx Store) error {
		if err := createAccount(ctx, tx, u, hash, r.Profile); err != nil {
			return err
		}
		if err := s.sendLink(ctx, tx, u, PurposeVerifyEmail, r.Next, now); err != nil {
			return err
		}
		if err := welcome(ctx, tx, u, now); err != nil {
			return err
		}
		return audit(ctx, tx, now, u.ID, 0, "user.registered", "user", u.ID, m, nil, map[string]any{"email": email})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// UserJob is the payload of the jobs about an account: the welcome email
// and the staff's new-signup alert.
type UserJob struct {
	UserID int64 `json:"user_id"`
}

// welcome queues the welcome email and the new-signup alert.
func welcome(ctx context.Context, tx Store, u *User, now time.Time) error {
	payload, err := json.Marshal(UserJob{UserID: u.ID})
	if err != nil {
		return err
	}
	for _, kind := range []string{platform.JobEmailWelcome, platform.JobAlertNewSignup} {
		if err := tx.EnqueueJob(ctx, &platform.Job{Kind: kind, Payload: payload, RunAt: now, CreatedAt: now}); err != nil {
			return err
		}
	}
	return nil
}

// EmailJob is the payload of the jobs that email a one-time link.
type EmailJob struct {
	UserID int64 `json:"user_id"`
	// SealedToken is the link's token sealed with associated data
	// LinkTokenAD(UserID); the mailer opens it to build the link.
	SealedToken string `json:"sealed_token"`
	// Next is the page the link returns to after it is used, if any.
	Next string `json:"next,omitempty"`
}

// LinkTokenAD is the associated data a link token is sealed with.
func LinkTokenAD(userID int64) []byte { return []byte(fmt.Sprintf("link-token:%d", userID)) }

// sendLink stores a one-time token and enqueues the email carrying it.
func (s *Service) sendLink(ctx context.Context, tx Store, u *User, p Purpose, next string, now time.Time) error {
	tok, plain, err := NewOneTimeToken(u.ID, p, now)
	if err != nil {
		return err
	}
	if err := tx.CreateOneTimeToken(ctx, &tok); err != nil {
		return err
	}
	kind := map[Purpose]string{
		PurposeVerifyEmail:   platform.JobEmailVerify,
		PurposeResetPassword: platform.JobEmailPasswordReset,
		PurposeStaffInvite:   platform.JobEmailStaffInvite,
	}[p]
	payload, err := json.Marshal(EmailJob{UserID: u.ID, SealedToken: s.sealer.Seal([]byte(plain), LinkTokenAD(u.ID)), Next: next})
	if err != nil {
		return err
	}
	return tx.EnqueueJob(ctx, &platform.Job{Kind: kind, Payload: payload, RunAt: now, CreatedAt: now})
}

// useLink checks and spends a one-time link token of one of the given
// purposes.
func (s *Service) useLink(ctx context.Context, tx Store, plain string, now time.Time, purposes ...Purpose) (*OneTimeToken, error) {
	invalid := platform.Errorf(platform.EUNAUTHORIZED, "this link is not valid")
	i := slices.IndexFunc(purposes, func(p Purpose) bool { return WellFormedToken(plain, p.prefix()) })
	if i < 0 {
		return nil, invalid
	}
	tok, err := tx.GetOneTimeToken(ctx, HashToken(plain))
	if platform.ErrorCode(err) == platform.ENOTFOUND || err == nil && tok.Purpose != purposes[i] {
		return nil, invalid
	}
	if err != nil {
		return nil, err
	}
	if err := tok.Usable(now); err != nil {
		return nil, err
	}
	used, err := tx.UseOneTimeToken(ctx, tok.ID, now)
	if err != nil {
		return nil, err
	}
	if !used {
		return nil, platform.Errorf(platform.EUNAUTHORIZED, "link already used")
	}
	return tok, nil
}

// VerifyEmail follows an email verification link.
func (s *Service) VerifyEmail(ctx context.Context, token string, m Meta) error {
	now := s.now()
	return s.store.InTx(ctx, func(tx Store) error {
		tok, err := s.useLink(ctx, tx, token, now, PurposeVerifyEmail)
		if err != nil {
			return err
		}
		if _, err := tx.MarkEmailVerified(ctx, tok.UserID, now); err != nil {
			return err
		}
		return audit(ctx, tx, now, tok.UserID, 0, "user.email_verified", "user", tok.UserID, m, nil, nil)
	})
}

// LoginResult is a new session: the token goes in the cookie, shown once.
type LoginResult struct {
	User    *User
	Session *Session
	Token   string
	// SecondFactorRequired says the session may do nothing but pass a
	// second factor: the user has one enrolled and has not used it yet.
	SecondFactorRequired bool
}

// Login checks an email and password and opens a session. Every attempt
// counts against the account's and the address's rate limits before the
// password is checked; a wrong email and a wrong password get the same
// answer in about the same time; a failed attempt on a staff account
// raises a security alert job.
func (s *Service) Login(ctx context.Context, email, password string, m Meta) (*LoginResult, error) {
	now := s.now()
	email = NormalizeEmail(email)
	if err := s.limit(ctx, s.cfg.Limits.LoginAccount, LoginAccountKey(email), now); err != nil {
		return nil, err
	}
	if err := s.limit(ctx, s.cfg.Limits.LoginIP, LoginIPKey(m.IP), now); err != nil {
		return nil, err
	}
	wrong := platform.Errorf(platform.EUNAUTHORIZED, "wrong email or password")
	u, err := s.store.GetUserByEmail(ctx, email)
	if platform.ErrorCode(err) == platform.ENOTFOUND {
		DummyVerifyPassword(password)
		return nil, wrong
	}
	if err != nil {
		return nil, err
	}
	hash, err := s.store.PasswordHash(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	ok, rehash, err := checkPassword(hash, password)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, s.failedLogin(ctx, u, now, m, wrong)
	}
	if err := u.CanLogIn(); err != nil {
		return nil, s.failedLogin(ctx, u, now, m, err)
	}
	if u.EmailVerifiedAt.IsZero() && !s.cfg.AllowUnverifiedLogin {
		return nil, platform.Errorf(platform.EFORBIDDEN, "verify your email address first: follow the link we sent to %s", u.Email)
	}
	if rehash {
		newHash, err := HashPassword(password)
		if err != nil {
			return nil, err
		}
		if err := s.store.SetPasswordHash(ctx, u.ID, newHash, now); err != nil {
			return nil, err
		}
	}
	enrolled, err := s.hasSecondFactor(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	res, err := s.openSession(ctx, u, 0, false, now, m, "login.succeeded")
	if err != nil {
		return nil, err
	}
	res.SecondFactorRequired = enrolled
	return res, nil
}

// checkPassword verifies a login's password against the stored hash. An
// account without a password (an invitation not yet accepted) matches
// none, after as long as a real check takes, so that timing does not tell
// such accounts apart.
func checkPassword(hash, password string) (ok, rehash bool, err error) {
	if hash == NoPassword {
		DummyVerifyPassword(password)
		return false, false, nil
	}
	return VerifyPassword(hash, password)
}

// failedLogin records a refused login and returns the error to show.
func (s *Service) failedLogin(ctx context.Context, u *User, now time.Time, m Meta, shown error) error {
	err := s.store.InTx(ctx, func(tx Store) error {
		if err := audit(ctx, tx, now, 0, 0, "login.failed", "user", u.ID, m, nil, nil); err != nil {
			return err
		}
		if u.Role != RoleAdmin {
			return nil
		}
		payload, err := json.Marshal(map[string]any{"user_id": u.ID, "email": u.Email, "ip": m.IP, "at": now})
		if err != nil {
			return err
		}
		return tx.EnqueueJob(ctx, &platform.Job{Kind: platform.JobSecurityAdminFailure, Payload: payload, RunAt: now, CreatedAt: now})
	})
	if err != nil {
		return err
	}
	return shown
}

// hasSecondFactor reports whether the user enrolled a confirmed TOTP or a
// passkey.
func (s *Service) hasSecondFactor(ctx context.Context, userID int64) (bool, error) {
	if app, err := s.AuthenticatorAppEnabled(ctx, userID); app || err != nil {
		return app, err
	}
	keys, err := s.store.ListPasskeys(ctx, userID)
	return len(keys) > 0, err
}

// openSession creates a session for u, with a new token, and audits it.
func (s *Service) openSession(ctx context.Context, u *User, impersonator int64, secondFactor bool, now time.Time, m Meta, action string) (*LoginResult, error) {
	role := u.Role
	if impersonator != 0 {
		role = RoleAdmin // the person at the keyboard is staff
	}
	plain, hash := NewToken(TokenPrefixSession)
	sess := &Session{
		UserID: u.ID, TokenHash: hash, ImpersonatorID: impersonator, IP: m.IP, UserAgent: m.UserAgent,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(DefaultSessionPolicy(role).AbsoluteTimeout),
	}
	if secondFactor {
		sess.SecondFactorAt = now
	}
	err := s.store.InTx(ctx, func(tx Store) error {
		if err := tx.CreateSession(ctx, sess); err != nil {
			return err
		}
		actor := u.ID
		if impersonator != 0 {
			actor = impersonator
		}
		return audit(ctx, tx, now, actor, 0, action, "session", sess.ID, m, nil, map[string]any{"user_id": u.ID})
	})
	if err != nil {
		return nil, err
	}
	return &LoginResult{User: u, Session: sess, Token: plain}, nil
}

// Authenticated is a live session with its user and stored data.
type Authenticated struct {
	Session *Session
	User    *User
	Data    []byte
	// NewToken is the session's new token after a privilege change (a
	// second factor passed); the caller must hand it to the client, whose
	// old token no longer works.
	NewToken string
}

// Actor is who acts through this session, for the authorization policy.
func (a *Authenticated) Actor() Actor { return ActorFor(a.User, *a.Session) }

// Authenticate resolves a session token: unknown, revoked or timed-out
// sessions and accounts that may no longer log in are EUNAUTHORIZED.
func (s *Service) Authenticate(ctx context.Context, token string) (*Authenticated, error) {
	if !WellFormedToken(token, TokenPrefixSession) {
		return nil, platform.Errorf(platform.EUNAUTHORIZED, "not logged in")
	}
	sess, data, err := s.store.GetSessionByTokenHash(ctx, HashToken(token))
	if platform.ErrorCode(err) == platform.ENOTFOUND {
		return nil, platform.Errorf(platform.EUNAUTHORIZED, "not logged in")
	}
	if err != nil {
		return nil, err
	}
	u, err := s.store.GetUser(ctx, sess.UserID)
	if err != nil {
		return nil, err
	}
	role := u.Role
	if sess.ImpersonatorID != 0 {
		role = RoleAdmin
	}
	now := s.now()
	if err := sess.Check(now, DefaultSessionPolicy(role)); err != nil {
		return nil, err
	}
	if err := u.CanLogIn(); err != nil {
		return nil, platform.Errorf(platform.EUNAUTHORIZED, "this account cannot be used")
	}
	// Activity is recorded to the minute, which is all the idle timeout
	// needs, so a busy session costs one write a minute.
	if now.Sub(sess.LastSeenAt) >= time.Minute {
		if err := s.store.TouchSession(ctx, sess.ID, now, data); err != nil {
			return nil, err
		}
		sess.LastSeenAt = now
	}
	return &Authenticated{Session: sess, User: u, Data: data}, nil
}

// Logout ends the session.
func (s *Service) Logout(ctx context.Context, a *Authenticated, m Meta) error {
	return s.RevokeSession(ctx, a, a.Session.ID, m)
}

// RevokeSession ends one of the acting user's sessions.
func (s *Service) RevokeSession(ctx context.Context, a *Authenticated, sessionID int64, m Meta) error {
	// Staff acting as the customer may look but not sign the customer out.
	if err := Authorize(a.Actor(), ActionRevoke, KindSession, a.User.ID); err != nil {
		return err
	}
	now := s.now()
	return s.store.InTx(ctx, func(tx Store) error {
		if err := tx.RevokeSession(ctx, a.User.ID, sessionID, now); err != nil {
			return err
		}
		return audit(ctx, tx, now, a.User.ID, a.Session.ImpersonatorID, "session.revoked", "session", sessionID, m, nil, nil)
	})
}

// RevokeOtherSessions logs the user out everywhere but this session.
func (s *Service) RevokeOtherSessions(ctx context.Context, a *Authenticated, m Meta) (int, error) {
	if err := Authorize(a.Actor(), ActionRevoke, KindSession, a.User.ID); err != nil {
		return 0, err
	}
	now := s.now()
	var n int
	err := s.store.InTx(ctx, func(tx Store) error {
		var err error
		if n, err = tx.RevokeOtherSessions(ctx, a.User.ID, a.Session.ID, now); err != nil {
			return err
		}
		return audit(ctx, tx, now, a.User.ID, a.Session.ImpersonatorID, "session.revoked_others", "user", a.User.ID, m, nil, map[string]int{"revoked": n})
	})
	return n, err
}

// ListSessions returns the user's live sessions.
func (s *Service) ListSessions(ctx context.Context, a *Authenticated) ([]*Session, error) {
	if err := Authorize(a.Actor(), ActionRead, KindSession, a.User.ID); err != nil {
		return nil, err
	}
	return s.store.ListSessions(ctx, a.User.ID, s.now())
}

// SaveSessionData stores a live session's data and marks it seen now.
func (s *Service) SaveSessionData(ctx context.Context, sessionID int64, data []byte) error {
	return s.store.TouchSession(ctx, sessionID, s.now(), data)
}
