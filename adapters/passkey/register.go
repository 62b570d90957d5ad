package passkey

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/identity"
)

// MaxNameLength is the longest passkey name, in characters.
const MaxNameLength = 64

// BeginRegistration starts registering a new passkey for user. It asks
// for a discoverable credential, so the passkey can log in without an
// email, and tells the browser which of the user's passkeys exist
// already, so that an authenticator holding one refuses instead of
// silently replacing it (an authenticator keeps one discoverable
// credential per account).
func (s *Service) BeginRegistration(ctx context.Context, user *identity.User) (options json.RawMessage, state []byte, err error) {
	keys, err := s.store.ListPasskeys(ctx, user.ID)
	if err != nil {
		return nil, nil, err
	}
	creds, err := credentials(keys)
	if err != nil {
		return nil, nil, err
	}
	creation, session, err := s.wa.BeginRegistration(s.accountOf(user, creds),
		webauthn.WithExclusions(webauthn.Credentials(creds).CredentialDescriptors()))
	if err != nil {
		return nil, nil, fmt.Errorf("passkey registration: %w", err)
	}
	return s.begin(ceremonyRegister, creation, session)
}

// FinishRegistration verifies the browser's response to
// BeginRegistration's options and stores the new passkey under name
// (1 to 64 characters, surrounding spaces trimmed). Attestation is not
// required: the "none" format is accepted. A passkey registered already
// is an ECONFLICT.
//
// The name is checked before the state is used, so on an EINVALID for
// field "name" the caller may keep the state and let the user correct
// the name; after any other outcome it must delete the state.
func (s *Service) FinishRegistration(ctx context.Context, user *identity.User, state []byte, name string, response []byte) (*identity.Passkey, error) {
	name, err := ValidName(name)
	if err != nil {
		return nil, err
	}
	session, err := s.openState(state, ceremonyRegister)
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(response)
	if err != nil {
		return nil, invalidResponse(err)
	}
	cred, err := s.wa.CreateCredential(s.accountOf(user, nil), session, parsed)
	if err != nil {
		return nil, notVerified(err)
	}
	raw, err := json.Marshal(cred)
	if err != nil {
		return nil, fmt.Errorf("passkey registration: encode credential: %w", err)
	}
	pk := &identity.Passkey{
		UserID: user.ID, Name: name, CredentialHash: credentialHash(cred.ID),
		Credential: raw, CreatedAt: s.now(),
	}
	if err := s.store.CreatePasskey(ctx, pk); err != nil {
		if platform.ErrorCode(err) == platform.ECONFLICT {
			return nil, platform.Errorf(platform.ECONFLICT, "this passkey is registered already")
		}
		return nil, err
	}
	return pk, nil
}

// ValidName returns name trimmed, or an EINVALID error on field "name"
// when it is empty, too long, or holds control characters (which would
// garble the list of passkeys the user sees).
func ValidName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", platform.Invalid("name", "give the passkey a name")
	case !utf8.ValidString(name):
		return "", platform.Invalid("name", "passkey name is not valid UTF-8")
	case utf8.RuneCountInString(name) > MaxNameLength:
		return "", platform.Invalid("name", "passkey name is longer than %d characters", MaxNameLength)
	case strings.ContainsFunc(name, unicode.IsControl):
		return "", platform.Invalid("name", "passkey name contains control characters")
	}
	return name, nil
}
