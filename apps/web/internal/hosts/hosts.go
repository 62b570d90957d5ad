// Package hosts sends each request to the storefront, the account area or
// the admin panel by its Host header, with path prefixes (/account/,
// /admin/) selecting them on any other host, so one local port serves all
// three. The REST API, its webhooks and the health checks answer on every
// host.
package hosts

import (
	"net"
	"net/http"
	"strings"
)

// Names are the three sites' host names; empty names match no host.
type Names struct {
	Storefront, Account, Admin string
}

// Sites are the handlers the router chooses between. Account and Admin
// serve their areas under the path prefixes; AccountHost and AdminHost,
// when set, serve them at the root of their own host names (a single-page
// app needs to know which base it is under).
type Sites struct {
	Storefront, Account, Admin http.Handler
	AccountHost, AdminHost     http.Handler
	// API serves /api/ and /webhooks/ on every host.
	API http.Handler
}

// Prefixes of the account and admin areas on hosts without names.
const (
	AccountPrefix = "/account"
	AdminPrefix   = "/admin"
)

// Router returns the handler that routes by host, then by path prefix.
func Router(names Names, sites Sites) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/webhooks/") {
			sites.API.ServeHTTP(w, r)
			return
		}
		switch host := hostOf(r); {
		case host != "" && host == names.Account:
			or(sites.AccountHost, sites.Account).ServeHTTP(w, r)
		case host != "" && host == names.Admin:
			or(sites.AdminHost, sites.Admin).ServeHTTP(w, r)
		case host != "" && host == names.Storefront:
			sites.Storefront.ServeHTTP(w, r)
		case under(r.URL.Path, AccountPrefix):
			http.StripPrefix(AccountPrefix, sites.Account).ServeHTTP(w, r)
		case under(r.URL.Path, AdminPrefix):
			http.StripPrefix(AdminPrefix, sites.Admin).ServeHTTP(w, r)
		default:
			sites.Storefront.ServeHTTP(w, r)
		}
	})
}

// hostOf is the request's host name without port, lower-cased.
func hostOf(r *http.Request) string {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.ToLower(host)
}

// under reports whether path is prefix itself or below it.
func under(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

func or(h, fallback http.Handler) http.Handler {
	if h != nil {
		return h
	}
	return fallback
}
