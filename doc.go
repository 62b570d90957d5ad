// Package platform is the shared kernel of the EZSCALE Platform: the coded
// error type, typed identifiers and the clock that every domain package and
// adapter may import. It holds no business rules.
package platform
