// Package identity is the domain of who may do what: users and their
// roles, staff permissions, passwords, second factors (TOTP, recovery codes,
// passkeys), sessions, API tokens, one-time email links, rate limits,
// impersonation, the authorization policy and the append-only audit log.
//
// The package is pure: besides the standard library and the platform
// kernel it uses only small pure libraries (golang.org/x/crypto for
// argon2id and bcrypt, github.com/pquerna/otp for TOTP); storage is reached
// through the Store port, WebAuthn ceremonies and HTTP live in adapters.
package identity
