package identity

import (
	"strings"
	"unicode"

	"ezscale.cloud/platform"
)

// NormalizeEmail returns the form an address is stored and looked up in:
// surrounding space trimmed and the whole address in lower case. Mail
// providers treat the local part case-insensitively in practice, so two
// spellings of one mailbox are one account. Dots and +tags are kept: they
// are provider-specific and may name different mailboxes.
func NormalizeEmail(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// ValidateEmail checks that s looks like a deliverable address:
// local@domain, at most 254 bytes, a local part of at most 64 bytes of
// RFC 5322 atom characters separated by single dots, and a domain of at least
// two dot-separated labels of letters, digits and inner hyphens whose last
// label is not numeric. Non-ASCII letters are allowed for internationalized
// addresses. Quoted local parts and IP literals are refused. Errors are
// EINVALID on field "email".
func ValidateEmail(s string) error {
	if s == "" {
		return platform.Invalid("email", "email is required")
	}
	if len(s) > 254 {
		return platform.Invalid("email", "email is longer than 254 bytes")
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || strings.Contains(domain, "@") {
		return platform.Invalid("email", "email must contain exactly one @")
	}
	if local == "" || len(local) > 64 || !validDotted(local, isAtomRune) {
		return platform.Invalid("email", "%q is not a valid mailbox name", local)
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 || !validDotted(domain, isDomainRune) {
		return platform.Invalid("email", "%q is not a valid domain", domain)
	}
	for _, l := range labels {
		if len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return platform.Invalid("email", "%q is not a valid domain", domain)
		}
	}
	if strings.Trim(labels[len(labels)-1], "0123456789") == "" {
		return platform.Invalid("email", "%q is not a valid domain", domain)
	}
	return nil
}

// validDotted reports whether s is non-empty runs of allowed runes joined by
// single dots.
func validDotted(s string, allowed func(rune) bool) bool {
	for _, part := range strings.Split(s, ".") {
		if part == "" {
			return false
		}
		for _, r := range part {
			if !allowed(r) {
				return false
			}
		}
	}
	return true
}

// isAtomRune reports whether r may appear in an RFC 5322 dot-atom (with
// RFC 6531's non-ASCII letters and digits).
func isAtomRune(r rune) bool {
	if r < 0x80 {
		return isASCIIAlnum(r) || strings.ContainsRune("!#$%&'*+-/=?^_`{|}~", r)
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// isDomainRune reports whether r may appear in a domain label.
func isDomainRune(r rune) bool {
	if r < 0x80 {
		return isASCIIAlnum(r) || r == '-'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// isASCIIAlnum reports whether r is an ASCII letter or digit.
func isASCIIAlnum(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
}
