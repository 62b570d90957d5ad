package cfaccess

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"ezscale.cloud/platform"
)

// Header is the request header in which Cloudflare Access forwards the
// application token. Cloudflare also sets a CF_Authorization cookie for
// browsers, but only the header is guaranteed.
const Header = "Cf-Access-Jwt-Assertion"

type identityKey struct{}

// WithIdentity returns a copy of ctx carrying id. The middleware uses it;
// tests of handlers behind the middleware can too.
func WithIdentity(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// IdentityFrom returns the identity the middleware verified for the request
// whose context is ctx, and whether there is one.
func IdentityFrom(ctx context.Context) (Identity, bool) {
	id, ok := ctx.Value(identityKey{}).(Identity)
	return id, ok
}

// Middleware passes to next only requests with a valid token in Header,
// with the verified identity in their context. Others get 403 and a JSON
// body {"error":"forbidden","message":"..."}.
func (v *Verifier) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := v.Verify(r.Context(), r.Header.Get(Header))
		if err != nil {
			v.refuse(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(WithIdentity(r.Context(), id)))
	})
}

// refuse logs why a request was refused and answers 403. Every error from
// Verify is a *platform.Error whose message is safe to show; the cause
// goes to the log only.
func (v *Verifier) refuse(w http.ResponseWriter, r *http.Request, err error) {
	level := slog.LevelInfo
	if platform.ErrorCode(err) == platform.EINTERNAL {
		// Cloudflare unreachable locks every admin out: worth an alert.
		level = slog.LevelError
	}
	v.logger.LogAttrs(r.Context(), level, "cloudflare access refused request",
		slog.String("path", r.URL.Path), slog.Any("err", err))

	message := "access denied"
	var perr *platform.Error
	if errors.As(err, &perr) {
		message = perr.Message
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusForbidden)
	json.NewEncoder(w).Encode(map[string]string{"error": "forbidden", "message": message})
}
