// Package passkey runs the WebAuthn (passkey) ceremonies over
// github.com/go-webauthn/webauthn and keeps the credentials through the
// identity.Store port: registering passkeys, logging in with one without
// typing an email (discoverable credentials), and using one as the second
// factor of a user who gave their password.
//
// Every ceremony has two steps. Begin* returns the options for the
// browser, as JSON ({"publicKey": {...}}, for
// PublicKeyCredential.parseCreationOptionsFromJSON or
// parseRequestOptionsFromJSON), and a state. Finish* takes the state back
// with the browser's response (the PublicKeyCredential's toJSON()) and
// verifies one against the other.
//
// # State
//
// The state holds the ceremony's challenge. It expires after
// [CeremonyTimeout] and must be kept where the client can neither read
// nor change it: in the server-side session, never in a cookie of its own
// (whoever chooses the challenge can replay an old response). The caller
// must delete it from the session when it calls Finish*, whatever the
// outcome, so each challenge is answered once; this package keeps no
// record of the challenges it has seen. Without that, a replayed response
// is only caught by the signature counter, and many passkeys (those
// synced by Apple and Google) always report a counter of zero.
//
// # User handles
//
// WebAuthn stores a user handle with each discoverable credential and
// returns it at login. Ours is HMAC-SHA256 of the user id under
// [Config.UserHandleKey]: stable, as the authenticator needs, and opaque,
// so a passkey does not give away the account id (nor how many accounts
// there are). It is never mapped back: a login finds the passkey by the
// SHA-256 of its credential id, and the handle must then equal the one
// computed for the passkey's owner. The key can therefore not be rotated:
// under a new key every registered passkey stops working, and users must
// register them again.
package passkey
