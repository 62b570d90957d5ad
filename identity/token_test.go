package identity

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"ezscale.cloud/platform"
)

func TestNewToken(t *testing.T) {
	for _, prefix := range []string{TokenPrefixAPI, TokenPrefixSession, TokenPrefixVerifyEmail, TokenPrefixResetPassword} {
		t.Run(prefix, func(t *testing.T) {
			plain, hash := NewToken(prefix)
			rest, ok := strings.CutPrefix(plain, prefix)
			if !ok {
				t.Fatalf("token %q lacks prefix %q", plain, prefix)
			}
			raw, err := base64.RawURLEncoding.DecodeString(rest)
			if err != nil || len(raw) != 32 {
				t.Fatalf("token body %q: %d bytes, %v; want 32 bytes of base64url", rest, len(raw), err)
			}
			if len(rest) != 43 {
				t.Errorf("token body is %d characters, want 43", len(rest))
			}
			if !bytes.Equal(hash, HashToken(plain)) {
				t.Error("returned hash is not HashToken(plain)")
			}
			if !WellFormedToken(plain, prefix) {
				t.Error("WellFormedToken refuses a NewToken token")
			}
			plain2, hash2 := NewToken(prefix)
			if plain == plain2 || bytes.Equal(hash, hash2) {
				t.Error("two tokens are equal")
			}
		})
	}
}

func TestHashToken(t *testing.T) {
	// SHA-256("abc") from FIPS 180-2: the hash is plain SHA-256 of the
	// whole string, so any adapter (or a SQL console) can compute it.
	want, _ := hex.DecodeString("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
	if got := HashToken("abc"); !bytes.Equal(got, want) {
		t.Errorf("HashToken(abc) = %x, want %x", got, want)
	}
	// The prefix is hashed too: a session token cannot be replayed as an
	// API token with the same random part.
	body := strings.Repeat("A", 43)
	if bytes.Equal(HashToken(TokenPrefixSession+body), HashToken(TokenPrefixAPI+body)) {
		t.Error("HashToken ignores the prefix")
	}
}

func TestTokenHashEqual(t *testing.T) {
	a := HashToken("a")
	tests := []struct {
		name string
		x, y []byte
		want bool
	}{
		{"equal", a, HashToken("a"), true},
		{"different", a, HashToken("b"), false},
		{"prefix of the other", a, a[:16], false},
		{"both empty", []byte{}, []byte{}, false},
		{"both nil", nil, nil, false},
		{"one nil", a, nil, false},
	}
	for _, tt := range tests {
		if got := TokenHashEqual(tt.x, tt.y); got != tt.want {
			t.Errorf("%s: TokenHashEqual = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestWellFormedToken(t *testing.T) {
	body := "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN-_9" // 43 characters
	tests := []struct {
		name, plain, prefix string
		want                bool
	}{
		{"good", TokenPrefixAPI + body, TokenPrefixAPI, true},
		{"other kind", TokenPrefixSession + body, TokenPrefixAPI, false},
		{"no prefix", body, TokenPrefixAPI, false},
		{"one short", TokenPrefixAPI + body[:42], TokenPrefixAPI, false},
		{"one long", TokenPrefixAPI + body + "A", TokenPrefixAPI, false},
		{"standard base64 +", TokenPrefixAPI + body[:42] + "+", TokenPrefixAPI, false},
		{"standard base64 /", TokenPrefixAPI + body[:42] + "/", TokenPrefixAPI, false},
		{"padding", TokenPrefixAPI + body[:42] + "=", TokenPrefixAPI, false},
		{"space", TokenPrefixAPI + body[:42] + " ", TokenPrefixAPI, false},
		{"non-ascii", TokenPrefixAPI + body[:41] + "é", TokenPrefixAPI, false},
		{"empty", "", TokenPrefixAPI, false},
		{"prefix only", TokenPrefixAPI, TokenPrefixAPI, false},
	}
	for _, tt := range tests {
		if got := WellFormedToken(tt.plain, tt.prefix); got != tt.want {
			t.Errorf("%s: WellFormedToken(%q) = %v, want %v", tt.name, tt.plain, got, tt.want)
		}
	}
}

func TestPurpose(t *testing.T) {
	if !PurposeVerifyEmail.Valid() || !PurposeResetPassword.Valid() || Purpose("login").Valid() || Purpose("").Valid() {
		t.Error("Purpose.Valid is wrong")
	}
	if PurposeVerifyEmail.Lifetime() != 48*time.Hour {
		t.Errorf("verify lifetime = %v, want 48h", PurposeVerifyEmail.Lifetime())
	}
	if PurposeResetPassword.Lifetime() != time.Hour {
		t.Errorf("reset lifetime = %v, want 1h", PurposeResetPassword.Lifetime())
	}
	if Purpose("other").Lifetime() != 0 {
		t.Error("unknown purpose has a lifetime")
	}
}

func TestNewOneTimeToken(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		purpose Purpose
		prefix  string
		expires time.Time
	}{
		{PurposeVerifyEmail, TokenPrefixVerifyEmail, now.Add(48 * time.Hour)},
		{PurposeResetPassword, TokenPrefixResetPassword, now.Add(time.Hour)},
	}
	for _, tt := range tests {
		t.Run(string(tt.purpose), func(t *testing.T) {
			tok, plain, err := NewOneTimeToken(42, tt.purpose, now)
			if err != nil {
				t.Fatal(err)
			}
			if tok.UserID != 42 || tok.Purpose != tt.purpose || !tok.ExpiresAt.Equal(tt.expires) || !tok.UsedAt.IsZero() {
				t.Errorf("token = %+v", tok)
			}
			if !WellFormedToken(plain, tt.prefix) {
				t.Errorf("plain %q is not a %s token", plain, tt.prefix)
			}
			if !bytes.Equal(tok.Hash, HashToken(plain)) {
				t.Error("Hash is not HashToken(plain)")
			}
			if err := tok.Usable(now); err != nil {
				t.Errorf("fresh token: Usable = %v", err)
			}
		})
	}
	_, _, err := NewOneTimeToken(42, "login", now)
	if platform.ErrorCode(err) != platform.EINVALID || platform.ErrorField(err) != "purpose" {
		t.Errorf("unknown purpose: %v, want EINVALID on field purpose", err)
	}
}

func TestOneTimeTokenUsable(t *testing.T) {
	exp := time.Date(2026, 3, 1, 13, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		tok     OneTimeToken
		now     time.Time
		message string // "" when usable
	}{
		{"fresh", OneTimeToken{ExpiresAt: exp}, exp.Add(-time.Hour), ""},
		{"last nanosecond", OneTimeToken{ExpiresAt: exp}, exp.Add(-time.Nanosecond), ""},
		{"at expiry", OneTimeToken{ExpiresAt: exp}, exp, "link expired"},
		{"after expiry", OneTimeToken{ExpiresAt: exp}, exp.Add(time.Minute), "link expired"},
		{"no expiry recorded", OneTimeToken{}, exp, "link expired"},
		{"used", OneTimeToken{ExpiresAt: exp, UsedAt: exp.Add(-30 * time.Minute)}, exp.Add(-10 * time.Minute), "link already used"},
		{"used and expired", OneTimeToken{ExpiresAt: exp, UsedAt: exp.Add(-30 * time.Minute)}, exp.Add(time.Hour), "link already used"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.tok.Usable(tt.now)
			if tt.message == "" {
				if err != nil {
					t.Fatalf("Usable = %v, want nil", err)
				}
				return
			}
			if platform.ErrorCode(err) != platform.EUNAUTHORIZED || !strings.Contains(err.Error(), tt.message) {
				t.Fatalf("Usable = %v, want EUNAUTHORIZED %q", err, tt.message)
			}
		})
	}
}
