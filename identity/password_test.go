package identity

import (
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"

	"ezscale.cloud/platform"
)

func TestValidatePassword(t *testing.T) {
	tests := []struct {
		name string
		pw   string
		ok   bool
	}{
		{"ten ascii characters", "abcdefghij", true},
		{"passphrase with spaces", "correct horse battery staple", true},
		{"ten non-ascii characters", "пароль-пар", true}, // 10 runes, 19 bytes
		{"exactly max bytes", strings.Repeat("a", MaxPasswordBytes), true},
		{"leading and trailing space kept", "  abcdefghij  ", true},
		{"empty", "", false},
		{"nine characters", "abcdefghi", false},
		{"nine runes but many bytes", "ééééééééé", false},
		{"one byte over max", strings.Repeat("a", MaxPasswordBytes+1), false},
		{"only spaces", strings.Repeat(" ", 12), false},
		{"only mixed white space", " \t\n\u00a0\u2003 \t\n\u00a0\u2003", false},
		{"invalid utf-8", "abcdefghij\xff", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidatePassword(tt.pw)
			if tt.ok {
				if err != nil {
					t.Fatalf("ValidatePassword = %v, want nil", err)
				}
				return
			}
			if platform.ErrorCode(err) != platform.EINVALID || platform.ErrorField(err) != "password" {
				t.Fatalf("ValidatePassword = %v, want EINVALID on field password", err)
			}
		})
	}
}

var phcPattern = regexp.MustCompile(`^\$argon2id\$v=19\$m=65536,t=3,p=2\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$`)

func TestHashPassword(t *testing.T) {
	const pw = "correct horse battery staple"
	h1, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	m := phcPattern.FindStringSubmatch(h1)
	if m == nil {
		t.Fatalf("hash %q is not the expected PHC string", h1)
	}
	salt, err := base64.RawStdEncoding.DecodeString(m[1])
	if err != nil || len(salt) != 16 {
		t.Errorf("salt %q: %d bytes, %v; want 16 bytes", m[1], len(salt), err)
	}
	key, err := base64.RawStdEncoding.DecodeString(m[2])
	if err != nil || len(key) != 32 {
		t.Errorf("key %q: %d bytes, %v; want 32 bytes", m[2], len(key), err)
	}
	// The key is argon2id over the recorded salt and parameters, nothing else.
	if want := argon2.IDKey([]byte(pw), salt, 3, 64*1024, 2, 32); string(key) != string(want) {
		t.Error("key is not argon2id(pw, salt, t=3, m=64MiB, p=2)")
	}

	h2, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	if h1 == h2 {
		t.Error("two hashes of one password are equal: salt is not random")
	}

	ok, rehash, err := VerifyPassword(h1, pw)
	if !ok || rehash || err != nil {
		t.Errorf("VerifyPassword(own hash) = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
	for _, wrong := range []string{"", "correct horse battery stapl", "Correct horse battery staple", pw + " "} {
		ok, rehash, err := VerifyPassword(h1, wrong)
		if ok || rehash || err != nil {
			t.Errorf("VerifyPassword(%q) = %v, %v, %v; want false, false, nil", wrong, ok, rehash, err)
		}
	}
}

func TestHashPasswordLength(t *testing.T) {
	// A short password is hashed: rehashing an imported WHMCS password
	// that predates our policy must not lock its owner out.
	if _, err := HashPassword("short"); err != nil {
		t.Errorf("HashPassword(short) = %v, want nil", err)
	}
	_, err := HashPassword(strings.Repeat("a", MaxPasswordBytes+1))
	if platform.ErrorCode(err) != platform.EINVALID || platform.ErrorField(err) != "password" {
		t.Errorf("HashPassword(too long) = %v, want EINVALID on field password", err)
	}
}

// encodeArgon builds a PHC string with chosen parameters, for hashes made
// with settings other than the current ones.
func encodeArgon(pw string, salt []byte, m, tm uint32, p uint8, keyLen uint32) string {
	key := argon2.IDKey([]byte(pw), salt, tm, m, p, keyLen)
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", m, tm, p,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

func TestVerifyPasswordArgon2id(t *testing.T) {
	salt16 := []byte("0123456789abcdef")
	tests := []struct {
		name    string
		encoded string
		pw      string
		ok      bool
		rehash  bool
	}{
		// Reference vectors from phc-winner-argon2 (src/test.c): the
		// encoding is interoperable with libargon2, PHP and libsodium.
		{"reference m=64MiB t=2 p=1", "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc", "password", true, true},
		{"reference m=256 t=2 p=1", "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", "password", true, true},
		{"reference, wrong password", "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", "passwore", false, false},
		{"current parameters", encodeArgon("pw", salt16, 64*1024, 3, 2, 32), "pw", true, false},
		{"less memory", encodeArgon("pw", salt16, 32*1024, 3, 2, 32), "pw", true, true},
		{"fewer passes", encodeArgon("pw", salt16, 64*1024, 2, 2, 32), "pw", true, true},
		{"one lane", encodeArgon("pw", salt16, 64*1024, 3, 1, 32), "pw", true, true},
		{"longer key", encodeArgon("pw", salt16, 64*1024, 3, 2, 64), "pw", true, true},
		{"short salt", encodeArgon("pw", salt16[:8], 64*1024, 3, 2, 32), "pw", true, true},
		{"old parameters, wrong password", encodeArgon("pw", salt16, 32*1024, 3, 2, 32), "pW", false, false},
		{"password over max bytes never matches", encodeArgon(strings.Repeat("a", MaxPasswordBytes+1), salt16, 256, 1, 1, 32), strings.Repeat("a", MaxPasswordBytes+1), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := VerifyPassword(tt.encoded, tt.pw)
			if err != nil {
				t.Fatalf("VerifyPassword: %v", err)
			}
			if ok != tt.ok || rehash != tt.rehash {
				t.Fatalf("VerifyPassword = %v, %v; want %v, %v", ok, rehash, tt.ok, tt.rehash)
			}
		})
	}
}

func TestVerifyPasswordBcrypt(t *testing.T) {
	made, err := bcrypt.GenerateFromPassword([]byte("whmcs secret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(made), "$2a$04$") {
		t.Fatalf("x/crypto made %q, want a $2a$04$ hash", made)
	}
	// PHP writes $2y$ and OpenBSD $2b$ for the same algorithm; a correct
	// verifier gives all three prefixes the same answer.
	as2y := "$2y$" + string(made[4:])
	as2b := "$2b$" + string(made[4:])

	// bcrypt keys on the first 72 bytes only; PHP's password_verify does
	// the same, so a WHMCS user with a longer password still gets in.
	long := strings.Repeat("x", 72) + "tail ignored by bcrypt"
	long72, err := bcrypt.GenerateFromPassword([]byte(long[:72]), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		encoded string
		pw      string
		ok      bool
	}{
		// The examples in PHP's manual for password_hash and
		// password_verify, both made by PHP itself.
		{"php manual $2y$10$", "$2y$10$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1a", "rasmuslerdorf", true},
		{"php manual $2y$07$", "$2y$07$BCryptRequires22Chrcte/VlQH0piJtjXl.0t1XkA8pw9dMXTpOq", "rasmuslerdorf", true},
		{"php manual, wrong password", "$2y$07$BCryptRequires22Chrcte/VlQH0piJtjXl.0t1XkA8pw9dMXTpOq", "rasmuslerdorF", false},
		{"$2a$", string(made), "whmcs secret", true},
		{"$2a$ rewritten as $2y$", as2y, "whmcs secret", true},
		{"$2a$ rewritten as $2b$", as2b, "whmcs secret", true},
		{"$2y$ wrong password", as2y, "whmcs secreT", false},
		{"$2y$ empty password", as2y, "", false},
		{"over 72 bytes, PHP truncation", string(long72), long, true},
		{"over max bytes never matches", string(long72), long[:72] + strings.Repeat("y", MaxPasswordBytes), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := VerifyPassword(tt.encoded, tt.pw)
			if err != nil {
				t.Fatalf("VerifyPassword: %v", err)
			}
			// A bcrypt hash is always replaced after a successful login.
			if ok != tt.ok || rehash != tt.ok {
				t.Fatalf("VerifyPassword = %v, %v; want %v, %v", ok, rehash, tt.ok, tt.ok)
			}
		})
	}
}

func TestRehashImportedPassword(t *testing.T) {
	// The login flow for a WHMCS user: bcrypt verifies and asks for a
	// rehash, the new argon2id hash verifies and asks for nothing more.
	const pw = "rasmuslerdorf"
	ok, rehash, err := VerifyPassword("$2y$10$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1a", pw)
	if !ok || !rehash || err != nil {
		t.Fatalf("VerifyPassword(bcrypt) = %v, %v, %v", ok, rehash, err)
	}
	h, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	ok, rehash, err = VerifyPassword(h, pw)
	if !ok || rehash || err != nil {
		t.Fatalf("VerifyPassword(rehashed) = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
}

func TestVerifyPasswordMalformed(t *testing.T) {
	const good = "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"
	const salt, key = "c29tZXNhbHQ", "nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"
	const bc = "$2y$07$BCryptRequires22Chrcte/VlQH0piJtjXl.0t1XkA8pw9dMXTpOq"
	tests := map[string]string{
		"empty":                   "",
		"plain text":              "password",
		"md5 crypt":               "$1$saltsalt$2vnaRpHa6Jxjz5n83ok8Z0",
		"argon2i":                 strings.Replace(good, "argon2id", "argon2i", 1),
		"argon2d":                 strings.Replace(good, "argon2id", "argon2d", 1),
		"argon2 version 16":       strings.Replace(good, "v=19", "v=16", 1),
		"no version":              "$argon2id$m=256,t=2,p=1$" + salt + "$" + key,
		"missing key":             "$argon2id$v=19$m=256,t=2,p=1$" + salt,
		"extra field":             good + "$AAAA",
		"trailing dollar":         good + "$",
		"params out of order":     "$argon2id$v=19$t=2,m=256,p=1$" + salt + "$" + key,
		"keyid parameter":         "$argon2id$v=19$m=256,t=2,p=1,keyid=AA$" + salt + "$" + key,
		"negative memory":         "$argon2id$v=19$m=-256,t=2,p=1$" + salt + "$" + key,
		"memory not a number":     "$argon2id$v=19$m=2e8,t=2,p=1$" + salt + "$" + key,
		"memory overflows":        "$argon2id$v=19$m=99999999999,t=2,p=1$" + salt + "$" + key,
		"memory over bound":       "$argon2id$v=19$m=4194304,t=2,p=1$" + salt + "$" + key,
		"memory under 8 per lane": "$argon2id$v=19$m=15,t=2,p=2$" + salt + "$" + key,
		"zero passes":             "$argon2id$v=19$m=256,t=0,p=1$" + salt + "$" + key,
		"too many passes":         "$argon2id$v=19$m=256,t=11,p=1$" + salt + "$" + key,
		"zero lanes":              "$argon2id$v=19$m=256,t=2,p=0$" + salt + "$" + key,
		"too many lanes":          "$argon2id$v=19$m=256,t=2,p=17$" + salt + "$" + key,
		"lanes overflow uint8":    "$argon2id$v=19$m=4096,t=2,p=257$" + salt + "$" + key,
		"padded salt":             "$argon2id$v=19$m=256,t=2,p=1$" + salt + "=$" + key,
		"salt not base64":         "$argon2id$v=19$m=256,t=2,p=1$c29t*XNhbHQ$" + key,
		"salt too short":          "$argon2id$v=19$m=256,t=2,p=1$c29tZQ$" + key,
		"empty salt":              "$argon2id$v=19$m=256,t=2,p=1$$" + key,
		"key too short":           "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$AAAAAAAA",
		"key url alphabet":        "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$" + strings.ReplaceAll(key, "/", "_"),
		"bcrypt $2x$":             "$2x$" + bc[4:],
		"bcrypt $2$":              "$2$07$BCryptRequires22Chrcte/VlQH0piJtjXl.0t1XkA8pw9dMXTpOq",
		"bcrypt $2c$":             "$2c$" + bc[4:],
		"bcrypt cost 3":           "$2y$03$" + bc[7:],
		"bcrypt cost 31":          "$2y$31$" + bc[7:],
		"bcrypt cost 15":          "$2y$15$" + bc[7:],
		"bcrypt cost not digits":  "$2y$1a$" + bc[7:],
		"bcrypt one short":        bc[:59],
		"bcrypt one long":         bc + "q",
		"bcrypt bad character":    bc[:30] + "!" + bc[31:],
		"bcrypt no dollar":        "$2y$07B" + bc[7:],
		"bcrypt prefix only":      "$2y$",
	}
	for name, encoded := range tests {
		t.Run(name, func(t *testing.T) {
			ok, rehash, err := VerifyPassword(encoded, "password")
			if ok || rehash {
				t.Errorf("VerifyPassword = %v, %v; want false, false", ok, rehash)
			}
			if !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("VerifyPassword error = %v, want ErrMalformedHash", err)
			}
			// A bad row is our fault, not the user's: it must not map to
			// "wrong password" or to a 4xx.
			if platform.ErrorCode(err) != platform.EINTERNAL {
				t.Errorf("code = %q, want %q", platform.ErrorCode(err), platform.EINTERNAL)
			}
		})
	}
}

func TestDummyVerifyPassword(t *testing.T) {
	DummyVerifyPassword("anything")
	// The dummy must cost what a real login costs, so it must be a hash
	// with the current parameters, not an old or cheap one.
	ok, rehash, err := VerifyPassword(dummyHash, "dummy password for timing")
	if !ok || rehash || err != nil {
		t.Fatalf("dummy hash %q: VerifyPassword = %v, %v, %v; want a current argon2id hash", dummyHash, ok, rehash, err)
	}
}

// FuzzVerifyPassword feeds arbitrary hashes and passwords to
// VerifyPassword: it must never panic, never report a rehash without a
// match, and report either a match or an error for every input.
func FuzzVerifyPassword(f *testing.F) {
	seeds := [][2]string{
		{"$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", "password"},
		{"$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", "passwore"},
		{"$argon2id$v=19$m=64,t=1,p=8$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", ""},
		{"$2y$04$BCryptRequires22Chrcte/VlQH0piJtjXl.0t1XkA8pw9dMXTpOq", "rasmuslerdorf"},
		{"$2a$04$", "x"},
		{"$argon2id$", ""},
		{"$$$$$$", "\x00"},
		{"", ""},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, encoded, pw string) {
		ok, rehash, err := VerifyPassword(encoded, pw)
		if rehash && !ok {
			t.Fatalf("rehash without a match for %q", encoded)
		}
		if ok && err != nil {
			t.Fatalf("match with an error for %q: %v", encoded, err)
		}
		if err != nil && !errors.Is(err, ErrMalformedHash) {
			t.Fatalf("error %v does not wrap ErrMalformedHash", err)
		}
	})
}
