// Package cfaccess guards HTTP handlers with Cloudflare Zero Trust Access:
// every request must carry a valid Access application token in header
// Cf-Access-Jwt-Assertion, as Cloudflare adds to each request it lets
// through to the origin. It protects the admin host against requests that
// reach the origin without passing Access.
//
// A [Verifier] checks a token: RS256 signature against the team's signing
// keys, issuer equal to the team domain, audience containing the Access
// application's AUD tag, and expiry and not-before with a minute of leeway.
// [Verifier.Middleware] refuses requests without such a token with 403 and
// puts the verified [Identity] into the request context for the handlers
// behind it ([IdentityFrom]).
//
// Signing keys come from the team's certs endpoint
// (<team domain>/cdn-cgi/access/certs) and are cached by key id.
// Cloudflare rotates them every six weeks and keeps the previous key
// published for seven days; a token with a key id not seen before causes a
// refetch, which is how a new key is learnt. Refetches happen at most once every 30 seconds, so a flood of
// made-up key ids cannot turn the origin into a load generator against
// Cloudflare; a genuinely new key is therefore accepted at most 30 seconds
// after it first appears.
//
// Which host the middleware guards is the application's choice: wrap the
// admin host's handler, not the storefront's.
package cfaccess
