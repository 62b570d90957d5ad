// Package httpapi is the platform's HTTP edge: the REST API (described by
// OpenAPI 3.1 through huma), the session cookie and API-token
// authentication in front of it, and the safety every response needs:
// security headers, request body limits and protection against cross-site
// request forgery for cookie-authenticated changes.
//
// Handlers are thin: decode, call one service method, map the error. Every
// platform error code maps to an HTTP status in one table (errors.go), and
// every error body has one shape, RFC 9457 problem details with the field
// at fault in errors[].location.
package httpapi
