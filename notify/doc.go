// Package notify holds what the platform's emails say: one template set per
// notification kind (subject, plain text and HTML), embedded as defaults,
// and the admin's overrides of them, plus the Mailer port that sends the
// result.
//
// Templates are code, data is data. A caller renders a kind with a Data map
// of strings it has already prepared (names, formatted amounts, links), so
// nothing a customer typed is ever parsed as a template: a customer called
// "{{.Password}}" is greeted by that literal name. HTML bodies go through
// html/template and are escaped for their context; plain text goes through
// text/template; subjects lose their line breaks so a value cannot add a
// header.
//
// Admin overrides are checked when saved (Override.Validate): each part
// must parse, may use only the kind's documented fields (Fields), a few
// harmless functions and {{if}}, and must render both the kind's example
// data and no data at all. If an override still fails when a real email is
// rendered, the default is sent instead and the failure is reported in
// Rendered.Fallback, so a bad edit never holds back a "service ready" email.
//
// The package imports only the standard library and the platform kernel.
package notify
