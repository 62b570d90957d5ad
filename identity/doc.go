// Package identity is the domain of who may do what: users and their
// roles, staff permissions, whether an account may log in, e-mail address
// rules, and the append-only audit log of what staff and customers changed.
//
// The package is pure: it imports only the standard library and the
// platform kernel.
package identity
