// Package support is the domain of customer support: a mirror of the
// tickets kept in the helpdesk (SupportPal in production), the
// announcements shown on the dashboard, and the Helpdesk port through which
// customers list, open and answer tickets without leaving the platform.
//
// The package is pure: it imports only the standard library and the
// platform kernel.
package support
