package identity

import (
	"context"
	"time"

	"ezscale.cloud/platform"
)

// CeremonyLifetime is how long a WebAuthn ceremony may take between its
// begin and its finish.
const CeremonyLifetime = 5 * time.Minute

// TokenPrefixCeremony marks the token of a WebAuthn ceremony in progress.
const TokenPrefixCeremony = "ezs_cer_"

// StartCeremony keeps a WebAuthn ceremony's state server-side and returns
// the token the browser carries to its finish. userID is zero for a login,
// where nobody is known yet.
func (s *Service) StartCeremony(ctx context.Context, userID int64, state []byte) (string, error) {
	plain, hash := NewToken(TokenPrefixCeremony)
	now := s.now()
	if err := s.store.SaveCeremony(ctx, hash, userID, state, now.Add(CeremonyLifetime), now); err != nil {
		return "", err
	}
	return plain, nil
}

// TakeCeremony returns a ceremony's state, once, for the user who began it.
func (s *Service) TakeCeremony(ctx context.Context, token string, userID int64) ([]byte, error) {
	gone := platform.Errorf(platform.EUNAUTHORIZED, "this passkey request expired or was already used; start again")
	if !WellFormedToken(token, TokenPrefixCeremony) {
		return nil, gone
	}
	owner, state, err := s.store.TakeCeremony(ctx, HashToken(token), s.now())
	if platform.ErrorCode(err) == platform.ENOTFOUND || err == nil && owner != userID {
		return nil, gone
	}
	return state, err
}

// PasskeyAdded audits a passkey registered by the WebAuthn adapter, a
// second factor added.
func (s *Service) PasskeyAdded(ctx context.Context, a *Authenticated, pk *Passkey, m Meta) error {
	return audit(ctx, s.store, s.now(), a.User.ID, a.Session.ImpersonatorID, "second_factor.added", "passkey", pk.ID, m,
		nil, map[string]string{"method": "passkey", "name": pk.Name})
}

// ListPasskeys returns the acting user's passkeys.
func (s *Service) ListPasskeys(ctx context.Context, a *Authenticated) ([]*Passkey, error) {
	return s.store.ListPasskeys(ctx, a.User.ID)
}

// RenamePasskey renames one of the acting user's passkeys.
func (s *Service) RenamePasskey(ctx context.Context, a *Authenticated, id int64, name string) error {
	if name == "" || len(name) > 64 {
		return platform.Invalid("name", "a passkey name is 1 to 64 characters")
	}
	return s.store.RenamePasskey(ctx, a.User.ID, id, name)
}

// RemovePasskey removes one of the acting user's passkeys. Like removing an
// authenticator app, it needs a session that passed a second factor.
func (s *Service) RemovePasskey(ctx context.Context, a *Authenticated, id int64, m Meta) error {
	if err := s.confirmedOwner(a); err != nil {
		return err
	}
	now := s.now()
	return s.store.InTx(ctx, func(tx Store) error {
		if err := tx.DeletePasskey(ctx, a.User.ID, id); err != nil {
			return err
		}
		return audit(ctx, tx, now, a.User.ID, 0, "second_factor.removed", "passkey", id, m, map[string]string{"method": "passkey"}, nil)
	})
}
