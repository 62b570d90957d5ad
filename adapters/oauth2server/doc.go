// Package oauth2server is the platform's OAuth2 authorization server (the
// role Laravel Passport played in the old stack): third-party applications,
// SupportPal's single sign-on first, send a user here to log in and get back
// an access token for that user.
//
// It is ory/fosite composed with the authorization-code grant and PKCE,
// refresh tokens with rotation and reuse detection, and token revocation
// (RFC 7009); tokens are opaque random values with an HMAC (SHA-512/256) under the
// configured secret and kept by signature in a grants.Store (sqlstore's
// OAuth2Store), a port free of fosite so that opening the database does not
// link fosite into every binary.
// The choices that matter for security:
//
//   - PKCE with S256 is required of every client, confidential ones too: a
//     code that leaks (a referrer, a proxy log) is useless without the
//     verifier, and a code whose verifier was guessed wrong cannot be
//     retried, because fosite spends the PKCE record on the first try.
//   - A code is single-use; presenting it again revokes every token issued
//     for it. A refresh token is single-use too; presenting a rotated one
//     revokes the whole grant, the new tokens included (RFC 6819 5.2.2.3).
//   - Client secrets are 32 random bytes stored as their SHA-256: a slow
//     hash protects guessable passwords, not random secrets, and would cost
//     every token request a bcrypt round.
//   - Redirect URIs are matched exactly against the registered ones and
//     must be https (or http on a loopback host).
//   - Scopes are matched exactly; a client may hold the REST API's scopes
//     (identity.Scope) except admin, which no third-party application gets.
//   - A user whose account is no longer active gets no tokens and no user
//     info, even with tokens issued before.
//
// Handler serves the endpoints under /oauth/. The authorize endpoint needs
// the user logged in to the platform (Config.LoggedIn reads the app's
// session) and shows a consent page the first time a client asks; it
// passes straight through once the user has allowed that client the
// requested scopes. The consent POST is checked with net/http's
// CrossOriginProtection here, whatever the app wraps around it, because
// a forged consent would hand a code to a client the user never chose.
// The token, revoke and userinfo endpoints authenticate by client
// credentials or bearer token and take no cookies.
package oauth2server
