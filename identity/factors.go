package identity

import (
	"context"
	"fmt"
	"time"

	"ezscale.cloud/platform"
)

func totpAD(userID int64) []byte { return []byte(fmt.Sprintf("totp:%d", userID)) }

// BeginTOTP starts enrolling an authenticator app: it stores a new secret,
// sealed and unconfirmed, and returns it with the otpauth:// URL to show
// as a QR code. A user with a confirmed authenticator must remove it first.
func (s *Service) BeginTOTP(ctx context.Context, a *Authenticated) (secret, url string, err error) {
	if err := s.ownAccountOnly(a); err != nil {
		return "", "", err
	}
	existing, err := s.store.GetTOTP(ctx, a.User.ID)
	switch {
	case err == nil && !existing.ConfirmedAt.IsZero():
		return "", "", platform.Errorf(platform.ECONFLICT, "an authenticator app is already set up; remove it first")
	case err != nil && platform.ErrorCode(err) != platform.ENOTFOUND:
		return "", "", err
	}
	if secret, url, err = NewTOTPKey(s.cfg.TOTPIssuer, a.User.Email); err != nil {
		return "", "", err
	}
	sealed := s.sealer.Seal([]byte(secret), totpAD(a.User.ID))
	if err := s.store.SaveTOTP(ctx, a.User.ID, sealed, s.now()); err != nil {
		return "", "", err
	}
	return secret, url, nil
}

// ConfirmTOTP finishes enrolment with a first code from the app. It marks
// this session as having passed a second factor and returns the recovery
// codes, shown once.
func (s *Service) ConfirmTOTP(ctx context.Context, a *Authenticated, code string, m Meta) ([]string, error) {
	if err := s.ownAccountOnly(a); err != nil {
		return nil, err
	}
	now := s.now()
	var codes []string
	err := s.store.InTx(ctx, func(tx Store) error {
		cred, err := tx.GetTOTP(ctx, a.User.ID)
		if platform.ErrorCode(err) == platform.ENOTFOUND || err == nil && !cred.ConfirmedAt.IsZero() {
			return platform.Errorf(platform.ECONFLICT, "no authenticator app is being set up")
		}
		if err != nil {
			return err
		}
		if err := s.checkTOTP(ctx, tx, cred, code); err != nil {
			return err
		}
		if err := tx.ConfirmTOTP(ctx, a.User.ID, now); err != nil {
			return err
		}
		plain, hashes := NewRecoveryCodes(RecoveryCodeCount)
		if err := tx.ReplaceRecoveryCodes(ctx, a.User.ID, hashes, now); err != nil {
			return err
		}
		codes = plain
		if err := elevate(ctx, tx, a, now); err != nil {
			return err
		}
		return audit(ctx, tx, now, a.User.ID, 0, "second_factor.added", "user", a.User.ID, m, nil, map[string]string{"method": "totp"})
	})
	if err != nil {
		return nil, err
	}
	a.Session.SecondFactorAt = now
	return codes, nil
}

// checkTOTP opens the secret, checks the code and spends its time step, so
// the same code never passes twice, even when two requests race.
func (s *Service) checkTOTP(ctx context.Context, tx Store, cred *TOTPCredential, code string) error {
	secret, err := s.sealer.Open(cred.SealedSecret, totpAD(cred.UserID))
	if err != nil {
		return fmt.Errorf("totp secret of user %d: %w", cred.UserID, err)
	}
	step, err := CheckTOTP(string(secret), code, s.now(), cred.LastStep)
	if err != nil {
		return err
	}
	fresh, err := tx.AdvanceTOTPStep(ctx, cred.UserID, step)
	if err != nil {
		return err
	}
	if !fresh {
		return platform.Errorf(platform.EUNAUTHORIZED, "this code was already used; wait for the next one")
	}
	return nil
}

// VerifyTOTP passes the second factor of this session with an
// authenticator code.
func (s *Service) VerifyTOTP(ctx context.Context, a *Authenticated, code string, m Meta) error {
	return s.secondFactor(ctx, a, m, "totp", func(tx Store) error {
		cred, err := tx.GetTOTP(ctx, a.User.ID)
		if platform.ErrorCode(err) == platform.ENOTFOUND || err == nil && cred.ConfirmedAt.IsZero() {
			return platform.Errorf(platform.ECONFLICT, "no authenticator app is set up")
		}
		if err != nil {
			return err
		}
		return s.checkTOTP(ctx, tx, cred, code)
	})
}

// UseRecoveryCode passes the second factor of this session with one of the
// user's recovery codes, which can never be used again.
func (s *Service) UseRecoveryCode(ctx context.Context, a *Authenticated, code string, m Meta) error {
	return s.secondFactor(ctx, a, m, "recovery_code", func(tx Store) error {
		ok, err := tx.UseRecoveryCode(ctx, a.User.ID, HashRecoveryCode(code), s.now())
		if err != nil {
			return err
		}
		if !ok {
			return platform.Errorf(platform.EUNAUTHORIZED, "unknown or already used recovery code")
		}
		return nil
	})
}

// PassedSecondFactor marks this session as having passed a second factor
// checked elsewhere (a passkey ceremony in the WebAuthn adapter).
func (s *Service) PassedSecondFactor(ctx context.Context, a *Authenticated, method string, m Meta) error {
	return s.secondFactor(ctx, a, m, method, func(Store) error { return nil })
}

// secondFactor rate-limits a second-factor attempt, runs check, and on
// success marks the session; failures are audited as security events.
func (s *Service) secondFactor(ctx context.Context, a *Authenticated, m Meta, method string, check func(tx Store) error) error {
	now := s.now()
	if err := s.limit(ctx, s.cfg.Limits.SecondFactorUser, SecondFactorUserKey(a.User.ID), now); err != nil {
		return err
	}
	if err := s.limit(ctx, s.cfg.Limits.SecondFactorIP, SecondFactorIPKey(m.IP), now); err != nil {
		return err
	}
	err := s.store.InTx(ctx, func(tx Store) error {
		if err := check(tx); err != nil {
			return err
		}
		if err := elevate(ctx, tx, a, now); err != nil {
			return err
		}
		return audit(ctx, tx, now, a.User.ID, 0, "second_factor.passed", "session", a.Session.ID, m, nil, map[string]string{"method": method})
	})
	if code := platform.ErrorCode(err); code == platform.EUNAUTHORIZED || code == platform.EINVALID {
		if aerr := audit(ctx, s.store, now, a.User.ID, 0, "second_factor.failed", "session", a.Session.ID, m, nil, map[string]string{"method": method}); aerr != nil {
			return aerr
		}
	}
	if err != nil {
		return err
	}
	a.Session.SecondFactorAt = now
	return nil
}

// elevate records that the session passed a second factor and gives it a
// new token: a privilege change gets a new session id, so a token seen
// before it (fixed by an attacker, or logged) is worth nothing after.
func elevate(ctx context.Context, tx Store, a *Authenticated, now time.Time) error {
	if err := tx.MarkSessionSecondFactor(ctx, a.Session.ID, now); err != nil {
		return err
	}
	plain, hash := NewToken(TokenPrefixSession)
	if err := tx.RotateSessionToken(ctx, a.Session.ID, hash); err != nil {
		return err
	}
	a.NewToken, a.Session.TokenHash = plain, hash
	return nil
}

// RemoveTOTP removes the authenticator app and the recovery codes. It
// needs a session that passed a second factor, so a stolen password alone
// cannot switch it off.
func (s *Service) RemoveTOTP(ctx context.Context, a *Authenticated, m Meta) error {
	if err := s.confirmedOwner(a); err != nil {
		return err
	}
	now := s.now()
	return s.store.InTx(ctx, func(tx Store) error {
		if err := tx.DeleteTOTP(ctx, a.User.ID); err != nil {
			return err
		}
		if err := tx.ReplaceRecoveryCodes(ctx, a.User.ID, nil, now); err != nil {
			return err
		}
		return audit(ctx, tx, now, a.User.ID, 0, "second_factor.removed", "user", a.User.ID, m, map[string]string{"method": "totp"}, nil)
	})
}

// confirmedOwner allows removing a second factor only to the account's
// owner in a session that passed one, so a stolen password alone cannot
// switch second factors off.
func (s *Service) confirmedOwner(a *Authenticated) error {
	if err := s.ownAccountOnly(a); err != nil {
		return err
	}
	if a.Session.SecondFactorAt.IsZero() {
		return platform.Errorf(platform.EFORBIDDEN, "confirm with your second factor first")
	}
	return nil
}

// ownAccountOnly refuses security settings changes made while staff
// impersonate the user: they would outlive the impersonation.
func (s *Service) ownAccountOnly(a *Authenticated) error {
	if a.Session.ImpersonatorID != 0 {
		return platform.Errorf(platform.EFORBIDDEN, "security settings cannot be changed while impersonating")
	}
	return nil
}

// AuthenticatorAppEnabled reports whether the user has a confirmed
// authenticator app (TOTP), for their security settings page.
func (s *Service) AuthenticatorAppEnabled(ctx context.Context, userID int64) (bool, error) {
	totp, err := s.store.GetTOTP(ctx, userID)
	if platform.ErrorCode(err) == platform.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return !totp.ConfirmedAt.IsZero(), nil
}
