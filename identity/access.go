package identity

import (
	"context"
	"time"

	"ezscale.cloud/platform"
)

// CreateAPIToken issues a personal access token for the acting user and
// returns the token, shown once; only its hash is kept.
func (s *Service) CreateAPIToken(ctx context.Context, a *Authenticated, name string, scopes []string, expiresAt time.Time, m Meta) (string, *APIToken, error) {
	if err := Authorize(a.Actor(), ActionWrite, KindAPIToken, a.User.ID); err != nil {
		return "", nil, err
	}
	parsed, err := ParseScopes(scopes)
	if err != nil {
		return "", nil, err
	}
	now := s.now()
	tok, plain, err := NewAPIToken(a.User, name, parsed, platform.Truncate(expiresAt), now)
	if err != nil {
		return "", nil, err
	}
	err = s.store.InTx(ctx, func(tx Store) error {
		if err := tx.CreateAPIToken(ctx, &tok); err != nil {
			return err
		}
		return audit(ctx, tx, now, a.User.ID, a.Session.ImpersonatorID, "api_token.created", "api_token", tok.ID, m, nil,
			map[string]any{"name": tok.Name, "scopes": tok.Scopes, "prefix": tok.Prefix})
	})
	if err != nil {
		return "", nil, err
	}
	return plain, &tok, nil
}

// AuthenticateToken resolves an API token for a request that needs scope:
// unknown, revoked or expired tokens are EUNAUTHORIZED, a token without the
// scope EFORBIDDEN, and each token is rate-limited.
func (s *Service) AuthenticateToken(ctx context.Context, plain string, need Scope) (*User, *APIToken, error) {
	if !WellFormedToken(plain, TokenPrefixAPI) {
		return nil, nil, platform.Errorf(platform.EUNAUTHORIZED, "invalid API token")
	}
	tok, err := s.store.GetAPITokenByHash(ctx, HashToken(plain))
	if platform.ErrorCode(err) == platform.ENOTFOUND {
		return nil, nil, platform.Errorf(platform.EUNAUTHORIZED, "invalid API token")
	}
	if err != nil {
		return nil, nil, err
	}
	u, err := s.store.GetUser(ctx, tok.UserID)
	if err != nil {
		return nil, nil, err
	}
	if err := u.CanLogIn(); err != nil {
		return nil, nil, platform.Errorf(platform.EUNAUTHORIZED, "the token's account cannot be used")
	}
	now := s.now()
	if err := tok.Check(now, need, u.Role); err != nil {
		return nil, nil, err
	}
	if err := s.limit(ctx, s.cfg.Limits.APIToken, APITokenKey(tok.ID), now); err != nil {
		return nil, nil, err
	}
	// Last use is kept to the minute: one write a minute per token, not
	// one per request.
	if now.Sub(tok.LastUsedAt) >= time.Minute {
		if err := s.store.TouchAPIToken(ctx, tok.ID, now); err != nil {
			return nil, nil, err
		}
		tok.LastUsedAt = now
	}
	return u, tok, nil
}

// RevokeAPIToken revokes one of the acting user's tokens.
func (s *Service) RevokeAPIToken(ctx context.Context, a *Authenticated, tokenID int64, m Meta) error {
	if err := Authorize(a.Actor(), ActionRevoke, KindAPIToken, a.User.ID); err != nil {
		return err
	}
	now := s.now()
	return s.store.InTx(ctx, func(tx Store) error {
		if err := tx.RevokeAPIToken(ctx, a.User.ID, tokenID, now); err != nil {
			return err
		}
		return audit(ctx, tx, now, a.User.ID, a.Session.ImpersonatorID, "api_token.revoked", "api_token", tokenID, m, nil, nil)
	})
}

// ListAPITokens returns the acting user's tokens.
func (s *Service) ListAPITokens(ctx context.Context, a *Authenticated) ([]*APIToken, error) {
	if err := Authorize(a.Actor(), ActionRead, KindAPIToken, a.User.ID); err != nil {
		return nil, err
	}
	return s.store.ListAPITokens(ctx, a.User.ID)
}

// RequestPasswordReset emails a reset link when the address has an
// account. It answers the same either way, so it cannot be used to find
// out who has one.
func (s *Service) RequestPasswordReset(ctx context.Context, email string, m Meta) error {
	now := s.now()
	email = NormalizeEmail(email)
	if err := s.limit(ctx, s.cfg.Limits.ResetIP, ResetIPKey(m.IP), now); err != nil {
		return err
	}
	if err := s.limit(ctx, s.cfg.Limits.ResetAccount, ResetAccountKey(email), now); err != nil {
		return err
	}
	u, err := s.store.GetUserByEmail(ctx, email)
	if platform.ErrorCode(err) == platform.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx Store) error {
		if err := s.sendLink(ctx, tx, u, PurposeResetPassword, "", now); err != nil {
			return err
		}
		return audit(ctx, tx, now, 0, 0, "password.reset_requested", "user", u.ID, m, nil, nil)
	})
}

// ResetPassword follows a reset link or a staff invitation: it sets the
// new password and ends every session of the account, since whoever held
// them may be the reason for the reset. The link was mailed to the
// account's address, so following it proves the address as a verification
// link would. An invitation works only while the account has no password:
// once its holder set one (through a reset link, say), the week-long
// invitation must not become a week-long reset link.
func (s *Service) ResetPassword(ctx context.Context, token, password string, m Meta) error {
	if err := ValidatePassword(password); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	now := s.now()
	return s.store.InTx(ctx, func(tx Store) error {
		tok, err := s.useLink(ctx, tx, token, now, PurposeResetPassword, PurposeStaffInvite)
		if err != nil {
			return err
		}
		if tok.Purpose == PurposeStaffInvite {
			old, err := tx.PasswordHash(ctx, tok.UserID)
			if err != nil {
				return err
			}
			if old != NoPassword {
				return platform.Errorf(platform.EUNAUTHORIZED, "this invitation was already accepted")
			}
		}
		if err := tx.SetPasswordHash(ctx, tok.UserID, hash, now); err != nil {
			return err
		}
		if _, err := tx.MarkEmailVerified(ctx, tok.UserID, now); err != nil {
			return err
		}
		if _, err := tx.RevokeOtherSessions(ctx, tok.UserID, 0, now); err != nil {
			return err
		}
		return audit(ctx, tx, now, tok.UserID, 0, "password.reset", "user", tok.UserID, m, nil, nil)
	})
}

// ChangePassword changes the acting user's password after checking the
// current one, and ends their other sessions.
func (s *Service) ChangePassword(ctx context.Context, a *Authenticated, current, next string, m Meta) error {
	if err := s.ownAccountOnly(a); err != nil {
		return err
	}
	hash, err := s.store.PasswordHash(ctx, a.User.ID)
	if err != nil {
		return err
	}
	ok, _, err := VerifyPassword(hash, current)
	if err != nil {
		return err
	}
	if !ok {
		return &platform.Error{Code: platform.EUNAUTHORIZED, Field: "current_password", Message: "the current password is wrong"}
	}
	if err := ValidatePassword(next); err != nil {
		return err
	}
	newHash, err := HashPassword(next)
	if err != nil {
		return err
	}
	now := s.now()
	return s.store.InTx(ctx, func(tx Store) error {
		if err := tx.SetPasswordHash(ctx, a.User.ID, newHash, now); err != nil {
			return err
		}
		if _, err := tx.RevokeOtherSessions(ctx, a.User.ID, a.Session.ID, now); err != nil {
			return err
		}
		return audit(ctx, tx, now, a.User.ID, 0, "password.changed", "user", a.User.ID, m, nil, nil)
	})
}

// LoginWithPasskey opens a session for a user the WebAuthn adapter has
// authenticated with a passkey. A passkey with user verification is both
// factors at once, so the session has passed its second factor.
func (s *Service) LoginWithPasskey(ctx context.Context, u *User, m Meta) (*LoginResult, error) {
	if err := u.CanLogIn(); err != nil {
		return nil, err
	}
	if u.EmailVerifiedAt.IsZero() && !s.cfg.AllowUnverifiedLogin {
		return nil, platform.Errorf(platform.EFORBIDDEN, "verify your email address first")
	}
	return s.openSession(ctx, u, 0, true, s.now(), m, "login.succeeded")
}

// StartImpersonation opens a session in which an admin acts as a customer.
// Every change made through it is audited with both ids; the admin's own
// session stays as it was, to return to.
func (s *Service) StartImpersonation(ctx context.Context, admin *Authenticated, customerID int64, m Meta) (*LoginResult, error) {
	target, err := s.store.GetUser(ctx, customerID)
	if err != nil {
		return nil, err
	}
	if err := CanImpersonate(admin.Actor(), *target); err != nil {
		return nil, err
	}
	return s.openSession(ctx, target, admin.User.ID, false, s.now(), m, "impersonation.started")
}

// StopImpersonation ends an impersonation session.
func (s *Service) StopImpersonation(ctx context.Context, a *Authenticated, m Meta) error {
	if a.Session.ImpersonatorID == 0 {
		return platform.Errorf(platform.ECONFLICT, "this session is not impersonating anyone")
	}
	now := s.now()
	return s.store.InTx(ctx, func(tx Store) error {
		if err := tx.RevokeSession(ctx, a.User.ID, a.Session.ID, now); err != nil {
			return err
		}
		return audit(ctx, tx, now, a.Session.ImpersonatorID, 0, "impersonation.stopped", "user", a.User.ID, m, nil, nil)
	})
}

// SetUserStatus suspends, bans or reactivates an account: an admin action,
// audited with before and after. A banned or suspended account's sessions
// end at once. A customer's status needs the settings permission; a staff
// member's is a staff change (it takes their permissions away), which
// needs staff.write like granting a role. Nobody changes their own status,
// which could only lock them out.
func (s *Service) SetUserStatus(ctx context.Context, admin *Authenticated, userID int64, status UserStatus, m Meta) error {
	if !status.Valid() {
		return platform.Invalid("status", "unknown account status %q", status)
	}
	if userID == admin.User.ID {
		return platform.Errorf(platform.EFORBIDDEN, "you cannot change your own account's status")
	}
	now := s.now()
	return s.store.InTx(ctx, func(tx Store) error {
		u, err := tx.GetUser(ctx, userID)
		if err != nil {
			return err
		}
		action := ActionWrite
		if u.Role == RoleAdmin {
			action = ActionGrant
		}
		if err := Authorize(admin.Actor(), action, KindUser, userID); err != nil {
			return err
		}
		if err := tx.SetUserStatus(ctx, userID, status, now); err != nil {
			return err
		}
		if status != UserActive {
			if _, err := tx.RevokeOtherSessions(ctx, userID, 0, now); err != nil {
				return err
			}
		}
		return audit(ctx, tx, now, admin.User.ID, admin.Session.ImpersonatorID, "user.status_changed", "user", userID, m,
			map[string]UserStatus{"status": u.Status}, map[string]UserStatus{"status": status})
	})
}

// RecordImpersonatedRequest audits one request made through an
// impersonation session, with both the customer's and the admin's ids.
func (s *Service) RecordImpersonatedRequest(ctx context.Context, a *Authenticated, method, path string, m Meta) error {
	if a.Session.ImpersonatorID == 0 {
		return nil
	}
	return audit(ctx, s.store, s.now(), a.User.ID, a.Session.ImpersonatorID, "impersonation.request", "session", a.Session.ID, m,
		nil, map[string]string{"method": method, "path": path})
}

// ListAudit returns a page of the audit log to staff who may read it.
func (s *Service) ListAudit(ctx context.Context, a *Authenticated, f AuditFilter) ([]AuditEntry, error) {
	if err := Authorize(a.Actor(), ActionRead, KindAuditLog, 0); err != nil {
		return nil, err
	}
	return s.store.ListAudit(ctx, f)
}

// ListUserSessions returns a user's live sessions to staff who may see
// them (or to the user themself).
func (s *Service) ListUserSessions(ctx context.Context, a *Authenticated, userID int64) ([]*Session, error) {
	if err := Authorize(a.Actor(), ActionRead, KindSession, userID); err != nil {
		return nil, err
	}
	return s.store.ListSessions(ctx, userID, s.now())
}

// RevokeUserSession ends one of a user's sessions on behalf of staff, for a
// stolen laptop say; audited with the staff member as actor.
func (s *Service) RevokeUserSession(ctx context.Context, a *Authenticated, userID, sessionID int64, m Meta) error {
	if err := Authorize(a.Actor(), ActionRevoke, KindSession, userID); err != nil {
		return err
	}
	now := s.now()
	return s.store.InTx(ctx, func(tx Store) error {
		if err := tx.RevokeSession(ctx, userID, sessionID, now); err != nil {
			return err
		}
		return audit(ctx, tx, now, a.User.ID, a.Session.ImpersonatorID, "session.revoked", "session", sessionID, m,
			nil, map[string]int64{"user_id": userID})
	})
}
