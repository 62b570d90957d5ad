package passkey

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/identity"
)

// BeginLogin starts a login with a passkey for a user not known yet: the
// options name no credentials, so the browser offers every passkey it
// holds for the site and the user picks one.
func (s *Service) BeginLogin(ctx context.Context) (options json.RawMessage, state []byte, err error) {
	assertion, session, err := s.wa.BeginDiscoverableLogin()
	if err != nil {
		return nil, nil, fmt.Errorf("passkey login: %w", err)
	}
	return s.begin(ceremonyLogin, assertion, session)
}

// FinishLogin verifies the browser's response to BeginLogin's options
// and returns the user it logs in and the passkey used, with its
// signature counter and last use recorded. The user is the passkey's
// owner, and the user handle the authenticator returned must be theirs.
// An unknown or removed passkey, a failed verification and a signature
// counter that did not advance are EUNAUTHORIZED; a user who may not log
// in (suspended, banned) gets identity.User.CanLogIn's EFORBIDDEN, and
// only after the passkey was verified, so that no one learns an
// account's status from a credential id.
func (s *Service) FinishLogin(ctx context.Context, state, response []byte) (*identity.User, *identity.Passkey, error) {
	session, err := s.openState(state, ceremonyLogin)
	if err != nil {
		return nil, nil, err
	}
	parsed, err := parseAssertion(response)
	if err != nil {
		return nil, nil, err
	}
	pk, err := s.lookup(ctx, parsed.RawID)
	if err != nil {
		return nil, nil, err
	}
	user, err := s.store.GetUser(ctx, pk.UserID)
	if err != nil {
		return nil, nil, err
	}
	creds, err := credentials([]*identity.Passkey{pk})
	if err != nil {
		return nil, nil, err
	}
	// The passkey was found by its credential id above, so the handler
	// has nothing left to look up; go-webauthn still checks that the
	// returned user handle is the owner's.
	owner := s.accountOf(user, creds)
	_, cred, err := s.wa.ValidatePasskeyLogin(func(_, _ []byte) (webauthn.User, error) { return owner, nil }, session, parsed)
	if err != nil {
		return nil, nil, notVerified(err)
	}
	if err := user.CanLogIn(); err != nil {
		return nil, nil, err
	}
	if pk, err = s.recordUse(ctx, pk, cred); err != nil {
		return nil, nil, err
	}
	return user, pk, nil
}

// BeginSecondFactor starts the check of a passkey as the second factor
// of user, who proved the first already: the options allow only user's
// passkeys. A user without passkeys is an ENOTFOUND.
func (s *Service) BeginSecondFactor(ctx context.Context, user *identity.User) (options json.RawMessage, state []byte, err error) {
	keys, err := s.store.ListPasskeys(ctx, user.ID)
	if err != nil {
		return nil, nil, err
	}
	if len(keys) == 0 {
		return nil, nil, platform.Errorf(platform.ENOTFOUND, "no passkey is registered for this account")
	}
	creds, err := credentials(keys)
	if err != nil {
		return nil, nil, err
	}
	assertion, session, err := s.wa.BeginLogin(s.accountOf(user, creds))
	if err != nil {
		return nil, nil, fmt.Errorf("passkey second factor: %w", err)
	}
	return s.begin(ceremonySecondFactor, assertion, session)
}

// FinishSecondFactor verifies the browser's response to
// BeginSecondFactor's options and returns the passkey used, with its
// signature counter and last use recorded. A passkey that is not user's,
// a failed verification and a signature counter that did not advance are
// EUNAUTHORIZED. Whether user may log in is the first factor's check.
func (s *Service) FinishSecondFactor(ctx context.Context, user *identity.User, state, response []byte) (*identity.Passkey, error) {
	session, err := s.openState(state, ceremonySecondFactor)
	if err != nil {
		return nil, err
	}
	parsed, err := parseAssertion(response)
	if err != nil {
		return nil, err
	}
	keys, err := s.store.ListPasskeys(ctx, user.ID)
	if err != nil {
		return nil, err
	}
	hash := credentialHash(parsed.RawID)
	i := slices.IndexFunc(keys, func(k *identity.Passkey) bool { return bytes.Equal(k.CredentialHash, hash) })
	if i < 0 {
		return nil, platform.Errorf(platform.EUNAUTHORIZED, "this passkey is not registered for your account")
	}
	creds, err := credentials(keys)
	if err != nil {
		return nil, err
	}
	cred, err := s.wa.ValidateLogin(s.accountOf(user, creds), session, parsed)
	if err != nil {
		return nil, notVerified(err)
	}
	return s.recordUse(ctx, keys[i], cred)
}

// parseAssertion decodes the browser's response to a login's options.
func parseAssertion(response []byte) (*protocol.ParsedCredentialAssertionData, error) {
	parsed, err := protocol.ParseCredentialRequestResponseBytes(response)
	if err != nil {
		return nil, invalidResponse(err)
	}
	return parsed, nil
}

// recordUse stores the credential as a verified login left it (signature
// counter, flags) with the time of use, and returns the updated passkey.
// A counter that did not advance means the assertion was replayed or the
// key was copied to a second authenticator: go-webauthn only flags it,
// and we refuse, keeping the stored counter as it was.
func (s *Service) recordUse(ctx context.Context, pk *identity.Passkey, cred *webauthn.Credential) (*identity.Passkey, error) {
	if cred.Authenticator.CloneWarning {
		return nil, platform.Errorf(platform.EUNAUTHORIZED, "passkey signature counter did not advance: the response was replayed or the passkey cloned")
	}
	raw, err := json.Marshal(cred)
	if err != nil {
		return nil, fmt.Errorf("passkey %d: encode credential: %w", pk.ID, err)
	}
	now := s.now()
	if err := s.store.UpdatePasskeyCredential(ctx, pk.ID, raw, now); err != nil {
		return nil, err
	}
	used := *pk
	used.Credential, used.LastUsedAt = raw, now
	return &used, nil
}
