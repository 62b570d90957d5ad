package identity

import (
	"strings"
	"testing"

	"ezscale.cloud/platform"
)

func TestNormalizeEmail(t *testing.T) {
	tests := map[string]string{
		"  Ada.Lovelace+Billing@Example.COM \n": "ada.lovelace+billing@example.com",
		"ops@ezscale.cloud":                     "ops@ezscale.cloud",
	}
	for in, want := range tests {
		if got := NormalizeEmail(in); got != want {
			t.Errorf("NormalizeEmail(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidateEmail(t *testing.T) {
	valid := []string{
		"ada@example.com",
		"ada.lovelace+billing@mail.example.co.uk",
		"o'brien@example.ie",
		"x@a-b.io",
		"jörg@müller.de",
		strings.Repeat("a", 64) + "@example.com",
	}
	for _, s := range valid {
		if err := ValidateEmail(s); err != nil {
			t.Errorf("ValidateEmail(%q) = %v, want nil", s, err)
		}
	}
	invalid := []string{
		"",
		"ada",
		"ada@",
		"@example.com",
		"ada@@example.com",
		"ada@b@example.com",
		"ada@localhost",
		"ada@192.168.1.1",
		"ada@[192.168.1.1]",
		"ada lovelace@example.com",
		"ada@exa mple.com",
		".ada@example.com",
		"ada.@example.com",
		"ada..lovelace@example.com",
		"ada@example..com",
		"ada@example.com.",
		"ada@-example.com",
		"ada@example-.com",
		"ada@exa_mple.com",
		`"ada"@example.com`,
		"ada(comment)@example.com",
		strings.Repeat("a", 65) + "@example.com",
		"ada@" + strings.Repeat("a", 64) + ".com",
		"ada@" + strings.Repeat("abcdefghi.", 25) + "com",
	}
	for _, s := range invalid {
		err := ValidateEmail(s)
		if platform.ErrorCode(err) != platform.EINVALID || platform.ErrorField(err) != "email" {
			t.Errorf("ValidateEmail(%q) = %v, want EINVALID on field email", s, err)
		}
	}
}
