package passkey

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/identity"
)

// CeremonyTimeout is how long a ceremony's state stays usable after
// Begin*, and the timeout the browser is given: long enough to find a
// security key and type its PIN, short enough that a state left in a
// session is soon worthless.
const CeremonyTimeout = 5 * time.Minute

// MinUserHandleKeyBytes is the least length of Config.UserHandleKey.
const MinUserHandleKeyBytes = 32

// handleLabel separates user handles from anything else the key might
// ever be used for.
const handleLabel = "ezscale passkey user handle v1\x00"

// Config is the relying party: the site passkeys are registered for.
type Config struct {
	// RPID is the domain passkeys are bound to, e.g. "ezscale.cloud";
	// they then work on it and its subdomains.
	RPID string
	// RPDisplayName names the site in the browser's passkey dialogs.
	RPDisplayName string
	// RPOrigins are the origins the browser may report, e.g.
	// "https://my.ezscale.cloud"; a response from any other is refused.
	RPOrigins []string
	// UserHandleKey is the secret, at least 32 random bytes, that user
	// handles are derived from. It must never change: see the package
	// documentation.
	UserHandleKey []byte
}

// Service runs the passkey ceremonies and stores the credentials.
type Service struct {
	wa        *webauthn.WebAuthn
	store     identity.Store
	clock     func() time.Time
	handleKey []byte
}

// New returns the passkey service for the relying party cfg, storing
// passkeys in store and telling the time with now. A missing or malformed
// setting is an EINVALID naming it.
func New(cfg Config, store identity.Store, now func() time.Time) (*Service, error) {
	switch {
	case cfg.RPID == "":
		return nil, platform.Invalid("RPID", "relying party id is required")
	case cfg.RPDisplayName == "":
		return nil, platform.Invalid("RPDisplayName", "relying party display name is required")
	case len(cfg.RPOrigins) == 0:
		return nil, platform.Invalid("RPOrigins", "at least one origin is required")
	case len(cfg.UserHandleKey) < MinUserHandleKeyBytes:
		return nil, platform.Invalid("UserHandleKey", "must be at least %d bytes", MinUserHandleKeyBytes)
	}
	timeout := webauthn.TimeoutConfig{Timeout: CeremonyTimeout, TimeoutUVD: CeremonyTimeout}
	wa, err := webauthn.New(&webauthn.Config{
		RPID:          cfg.RPID,
		RPDisplayName: cfg.RPDisplayName,
		RPOrigins:     cfg.RPOrigins,
		// Attestation would name the authenticator's model, which we have
		// no use for and the user may not want to tell.
		AttestationPreference: protocol.PreferNoAttestation,
		// A discoverable credential is what lets a user log in without
		// typing an email. User verification (PIN, biometrics) is
		// preferred, not required, so that security keys without a PIN
		// still work as a second factor.
		AuthenticatorSelection: protocol.AuthenticatorSelection{
			RequireResidentKey: protocol.ResidentKeyRequired(),
			ResidentKey:        protocol.ResidentKeyRequirementRequired,
			UserVerification:   protocol.VerificationPreferred,
		},
		// The library would enforce the timeout against the wall clock;
		// the state enforces it against the injected clock instead.
		Timeouts: webauthn.TimeoutsConfig{Login: timeout, Registration: timeout},
	})
	if err != nil {
		return nil, &platform.Error{Code: platform.EINVALID, Message: "relying party configuration", Err: err}
	}
	return &Service{wa: wa, store: store, clock: now, handleKey: cfg.UserHandleKey}, nil
}

// now returns the time to the precision the store keeps.
func (s *Service) now() time.Time { return platform.Truncate(s.clock()) }

// userHandle returns the WebAuthn user handle of the user with id.
func (s *Service) userHandle(id int64) []byte {
	mac := hmac.New(sha256.New, s.handleKey)
	mac.Write([]byte(handleLabel))
	mac.Write(binary.BigEndian.AppendUint64(nil, uint64(id)))
	return mac.Sum(nil)
}

// accountOf returns user as go-webauthn sees it, with the credentials the
// ceremony may use.
func (s *Service) accountOf(user *identity.User, creds []webauthn.Credential) *account {
	return &account{handle: s.userHandle(user.ID), name: user.Email, credentials: creds}
}

// account is a user with their passkeys, as go-webauthn wants one.
type account struct {
	handle      []byte
	name        string
	credentials []webauthn.Credential
}

// WebAuthnID returns the user handle.
func (a *account) WebAuthnID() []byte { return a.handle }

// WebAuthnName returns the email, the name the user knows the account by.
func (a *account) WebAuthnName() string { return a.name }

// WebAuthnDisplayName returns the email too: it is what the browser's
// passkey picker shows, and what tells two accounts apart there.
func (a *account) WebAuthnDisplayName() string { return a.name }

// WebAuthnCredentials returns the credentials the ceremony may use.
func (a *account) WebAuthnCredentials() []webauthn.Credential { return a.credentials }

// ceremony names what a state was begun for, so that the state of one
// ceremony cannot finish another.
type ceremony string

const (
	ceremonyRegister     ceremony = "registration"
	ceremonyLogin        ceremony = "login"
	ceremonySecondFactor ceremony = "second factor"
)

// ceremonyState is what the caller keeps between Begin* and Finish*.
type ceremonyState struct {
	Ceremony ceremony             `json:"ceremony"`
	Expires  time.Time            `json:"expires"`
	Session  webauthn.SessionData `json:"session"`
}

// begin returns the options for the browser and the state of a ceremony.
func (s *Service) begin(c ceremony, options any, session *webauthn.SessionData) (json.RawMessage, []byte, error) {
	opts, err := json.Marshal(options)
	if err != nil {
		return nil, nil, fmt.Errorf("passkey %s: encode options: %w", c, err)
	}
	st, err := json.Marshal(ceremonyState{Ceremony: c, Expires: s.now().Add(CeremonyTimeout), Session: *session})
	if err != nil {
		return nil, nil, fmt.Errorf("passkey %s: encode state: %w", c, err)
	}
	return opts, st, nil
}

// openState returns the session data of a ceremony c begun with raw, or
// EUNAUTHORIZED when there is none, or it is for another ceremony, or it
// expired.
func (s *Service) openState(raw []byte, c ceremony) (webauthn.SessionData, error) {
	if len(raw) == 0 {
		return webauthn.SessionData{}, platform.Errorf(platform.EUNAUTHORIZED, "no passkey %s in progress; start again", c)
	}
	var st ceremonyState
	if err := json.Unmarshal(raw, &st); err != nil {
		return webauthn.SessionData{}, refused(fmt.Sprintf("passkey %s state is corrupt; start again", c), err)
	}
	if st.Ceremony != c {
		return webauthn.SessionData{}, platform.Errorf(platform.EUNAUTHORIZED, "passkey state is for a %s, not a %s; start again", st.Ceremony, c)
	}
	if !s.now().Before(st.Expires) {
		return webauthn.SessionData{}, platform.Errorf(platform.EUNAUTHORIZED, "passkey %s expired; start again", c)
	}
	return st.Session, nil
}

// credentials decodes the go-webauthn credentials stored in keys.
func credentials(keys []*identity.Passkey) ([]webauthn.Credential, error) {
	creds := make([]webauthn.Credential, len(keys))
	for i, k := range keys {
		if err := json.Unmarshal(k.Credential, &creds[i]); err != nil {
			return nil, fmt.Errorf("passkey %d: decode credential: %w", k.ID, err)
		}
	}
	return creds, nil
}

// credentialHash returns the store's lookup key for a credential id.
func credentialHash(id []byte) []byte {
	h := sha256.Sum256(id)
	return h[:]
}

// refused returns an EUNAUTHORIZED error with message for the user and
// the cause kept for logs.
func refused(message string, cause error) error {
	return &platform.Error{Code: platform.EUNAUTHORIZED, Message: message, Err: cause}
}

// notVerified reports a response go-webauthn did not accept. The user is
// told only that; which check failed (origin, challenge, signature, …)
// goes to the logs through the wrapped cause.
func notVerified(err error) error {
	return refused("passkey could not be verified", detailed(err))
}

// invalidResponse reports a browser response that is not a WebAuthn
// credential at all.
func invalidResponse(err error) error {
	e := platform.Invalid("response", "not a passkey response")
	e.Err = detailed(err)
	return e
}

// detailed adds to a go-webauthn error the debug details its Error()
// leaves out, such as which origin was expected and which was received.
func detailed(err error) error {
	var perr *protocol.Error
	if errors.As(err, &perr) && perr.DevInfo != "" {
		return fmt.Errorf("%w (%s)", err, perr.DevInfo)
	}
	return err
}

// lookup returns the stored passkey with the credential id, or
// EUNAUTHORIZED when there is none (it was never registered here, or was
// removed).
func (s *Service) lookup(ctx context.Context, id []byte) (*identity.Passkey, error) {
	pk, err := s.store.GetPasskeyByCredentialHash(ctx, credentialHash(id))
	if platform.ErrorCode(err) == platform.ENOTFOUND {
		return nil, refused("unknown passkey; it may have been removed from its account", err)
	}
	return pk, err
}
