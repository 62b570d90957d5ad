package oauth2server

import (
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/ory/fosite"

	"ezscale.cloud/platform"
)

// authorize is the authorization endpoint: it checks the client's request,
// makes sure a user is logged in and has consented, and redirects back to
// the client with a code.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	// The request is checked before anything else, so that a bad client or
	// redirect URI is reported here and never sends anyone to log in.
	ar, err := s.provider.NewAuthorizeRequest(ctx, r)
	if err != nil {
		s.authorizeError(w, r, ar, err)
		return
	}
	userID, ok := s.cfg.LoggedIn(r)
	if !ok {
		s.toLogin(w, r)
		return
	}
	scopes := ar.GetRequestedScopes()
	if r.Method == http.MethodPost {
		if r.PostFormValue("consent") != "allow" {
			s.authorizeError(w, r, ar, fosite.ErrAccessDenied.WithHint("The user did not allow the application."))
			return
		}
		if err := s.cfg.Store.SaveConsent(ctx, userID, ar.GetClient().GetID(), scopes, platform.Truncate(time.Now())); err != nil {
			s.authorizeError(w, r, ar, fosite.ErrServerError.WithWrap(err).WithDebug(err.Error()))
			return
		}
	} else {
		allowed, err := s.cfg.Store.Consent(ctx, userID, ar.GetClient().GetID())
		if err != nil && platform.ErrorCode(err) != platform.ENOTFOUND {
			s.authorizeError(w, r, ar, fosite.ErrServerError.WithWrap(err).WithDebug(err.Error()))
			return
		}
		if err != nil || !containsAll(allowed, scopes) {
			s.showConsent(w, r, ar)
			return
		}
	}
	for _, sc := range scopes {
		ar.GrantScope(sc)
	}
	resp, err := s.provider.NewAuthorizeResponse(ctx, ar, &fosite.DefaultSession{Subject: strconv.FormatInt(userID, 10)})
	if err != nil {
		s.authorizeError(w, r, ar, err)
		return
	}
	s.provider.WriteAuthorizeResponse(ctx, w, ar, resp)
}

func (s *Server) authorizeError(w http.ResponseWriter, r *http.Request, ar fosite.AuthorizeRequester, err error) {
	s.logServerError(r, err)
	s.provider.WriteAuthorizeError(r.Context(), w, ar, err)
}

// toLogin sends a visitor to log in and come back to this very request.
func (s *Server) toLogin(w http.ResponseWriter, r *http.Request) {
	if s.login == nil {
		http.Error(w, "log in to the platform first", http.StatusUnauthorized)
		return
	}
	login := *s.login
	q := login.Query()
	q.Set("next", r.URL.RequestURI())
	login.RawQuery = q.Encode()
	http.Redirect(w, r, login.String(), http.StatusSeeOther)
}

// containsAll reports whether have holds every scope of want.
func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// consentPage posts back to the URL it was served from, so the authorize
// parameters come back in the query string beside the user's answer.
var consentPage = template.Must(template.New("consent").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Allow {{.Client}}?</title></head>
<body>
<h1>Allow {{.Client}} to use your account?</h1>
{{if .Scopes}}<p>It asks for:</p>
<ul>{{range .Scopes}}<li>{{.}}</li>{{end}}</ul>
{{else}}<p>It asks only to know who you are: your account number and email address.</p>
{{end}}<form method="post">
<button name="consent" value="allow">Allow</button>
<button name="consent" value="deny">Deny</button>
</form>
</body></html>
`))

func (s *Server) showConsent(w http.ResponseWriter, r *http.Request, ar fosite.AuthorizeRequester) {
	name := ar.GetClient().GetID()
	if c, ok := ar.GetClient().(fositeClient); ok {
		name = c.Name
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	// A consent button in someone else's frame could be clicked for the
	// user (clickjacking).
	h.Set("X-Frame-Options", "DENY")
	err := consentPage.Execute(w, struct {
		Client string
		Scopes []string
	}{name, ar.GetRequestedScopes()})
	if err != nil {
		s.cfg.Logger.WarnContext(r.Context(), "oauth2 consent page", "err", err)
	}
}
