package secretbox_test

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/secretbox"
)

var (
	key1 = bytes.Repeat([]byte{1}, 32)
	key2 = bytes.Repeat([]byte{2}, 32)
	ad   = []byte("user:42:totp")
)

func keyring(t testing.TB, primary string, keys map[string][]byte) *secretbox.Keyring {
	t.Helper()
	kr, err := secretbox.NewKeyring(primary, keys)
	if err != nil {
		t.Fatalf("NewKeyring: %v", err)
	}
	return kr
}

// mustFailOpen asserts that Open refuses sealed with an EINVALID error.
func mustFailOpen(t *testing.T, kr *secretbox.Keyring, sealed string, ad []byte) {
	t.Helper()
	pt, err := kr.Open(sealed, ad)
	if err == nil {
		t.Fatalf("Open(%q) = %q, want error", sealed, pt)
	}
	if code := platform.ErrorCode(err); code != platform.EINVALID {
		t.Fatalf("Open(%q) error code = %q, want %q (%v)", sealed, code, platform.EINVALID, err)
	}
}

// body decodes the base64 part of a sealed value.
func body(t *testing.T, sealed string) []byte {
	t.Helper()
	parts := strings.Split(sealed, ".")
	b, err := base64.RawURLEncoding.DecodeString(parts[len(parts)-1])
	if err != nil {
		t.Fatalf("decode %q: %v", sealed, err)
	}
	return b
}

func TestRoundTrip(t *testing.T) {
	kr := keyring(t, "k1", map[string][]byte{"k1": key1})
	for _, pt := range [][]byte{{}, []byte("JBSWY3DPEHPK3PXP"), bytes.Repeat([]byte{0xff}, 4096)} {
		sealed := kr.Seal(pt, ad)
		if !strings.HasPrefix(sealed, "v1.k1.") {
			t.Errorf("Seal = %q, want prefix v1.k1.", sealed)
		}
		if n := len(body(t, sealed)); n != 12+len(pt)+16 {
			t.Errorf("body is %d bytes, want nonce+plaintext+tag = %d", n, 12+len(pt)+16)
		}
		got, err := kr.Open(sealed, ad)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if !bytes.Equal(got, pt) {
			t.Errorf("Open = %q, want %q", got, pt)
		}
	}
}

func TestOpenRefusesTampering(t *testing.T) {
	kr := keyring(t, "k1", map[string][]byte{"k1": key1, "k2": key2})
	sealed := kr.Seal([]byte("panel password"), ad)
	box := body(t, sealed)

	// Every byte of nonce, ciphertext and tag is covered.
	for i := range box {
		altered := bytes.Clone(box)
		altered[i] ^= 0x01
		mustFailOpen(t, kr, "v1.k1."+base64.RawURLEncoding.EncodeToString(altered), ad)
	}
	mustFailOpen(t, kr, "v1.k1."+base64.RawURLEncoding.EncodeToString(box[:len(box)-1]), ad)
	mustFailOpen(t, kr, "v1.k1."+base64.RawURLEncoding.EncodeToString(append(box, 0)), ad)
	mustFailOpen(t, kr, "v2"+strings.TrimPrefix(sealed, "v1"), ad)
	mustFailOpen(t, kr, "v1.k2"+strings.TrimPrefix(sealed, "v1.k1"), ad)
}

func TestOpenRefusesRelabelledKeyID(t *testing.T) {
	// Two ids for the same key bytes: only the authenticated header tells
	// them apart, so relabelling must still fail.
	kr := keyring(t, "k1", map[string][]byte{"k1": key1, "k1-copy": key1})
	sealed := kr.Seal([]byte("secret"), ad)
	mustFailOpen(t, kr, "v1.k1-copy"+strings.TrimPrefix(sealed, "v1.k1"), ad)
}

func TestOpenRefusesWrongAssociatedData(t *testing.T) {
	kr := keyring(t, "k1", map[string][]byte{"k1": key1})
	sealed := kr.Seal([]byte("JBSWY3DPEHPK3PXP"), []byte("user:42:totp"))
	for _, other := range []string{"user:43:totp", "user:42:totp ", "user:4", ""} {
		mustFailOpen(t, kr, sealed, []byte(other))
	}
}

func TestOpenRefusesUnknownKeyID(t *testing.T) {
	old := keyring(t, "k0", map[string][]byte{"k0": key1})
	kr := keyring(t, "k1", map[string][]byte{"k1": key1})
	mustFailOpen(t, kr, old.Seal([]byte("secret"), ad), ad)
}

func TestRotation(t *testing.T) {
	before := keyring(t, "k1", map[string][]byte{"k1": key1})
	sealed := before.Seal([]byte("api key"), ad)
	if before.NeedsRotation(sealed) {
		t.Error("NeedsRotation = true for a value sealed with the primary key")
	}

	after := keyring(t, "k2", map[string][]byte{"k2": key2, "k1": key1})
	if got, err := after.Open(sealed, ad); err != nil || string(got) != "api key" {
		t.Fatalf("Open old value = %q, %v; want it to open", got, err)
	}
	if !after.NeedsRotation(sealed) {
		t.Error("NeedsRotation = false for a value sealed with the old key")
	}

	rotated, err := after.Rotate(sealed, ad)
	if err != nil {
		t.Fatalf("Rotate: %v", err)
	}
	if !strings.HasPrefix(rotated, "v1.k2.") || after.NeedsRotation(rotated) {
		t.Errorf("Rotate = %q, want a value sealed with k2", rotated)
	}
	if got, err := after.Open(rotated, ad); err != nil || string(got) != "api key" {
		t.Fatalf("Open rotated value = %q, %v; want it to open", got, err)
	}
	onlyNew := keyring(t, "k2", map[string][]byte{"k2": key2})
	if _, err := onlyNew.Open(rotated, ad); err != nil {
		t.Errorf("rotated value needs the old key: %v", err)
	}

	if _, err := after.Rotate(sealed, []byte("user:43:totp")); platform.ErrorCode(err) != platform.EINVALID {
		t.Errorf("Rotate with wrong associated data: err = %v, want EINVALID", err)
	}
}

func TestNeedsRotationOnMalformedValue(t *testing.T) {
	kr := keyring(t, "k1", map[string][]byte{"k1": key1})
	if !kr.NeedsRotation("garbage") {
		t.Error("NeedsRotation(garbage) = false, want true so that Rotate reports it")
	}
}

func TestOpenRefusesMalformedInput(t *testing.T) {
	kr := keyring(t, "k1", map[string][]byte{"k1": key1})
	valid := kr.Seal([]byte("secret"), ad)
	tests := []string{
		"",
		".",
		"..",
		"v1",
		"v1.",
		"v1.k1",
		"v1.k1.",
		"v1..AAAA",
		"v1.K1.AAAA",
		"v1.k1.AAAA",
		"v1.k1.!!!!",
		"v1.k1.AAAA=",
		"v1.k1." + strings.Repeat("A", 37),
		"V1" + strings.TrimPrefix(valid, "v1"),
		valid + ".",
		"." + valid,
		valid + "=",
		valid + "\x00",
		"v1.k1.AAAA+/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"v1.k1.AAAA\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		strings.Replace(valid, ".", ":", -1),
		"v1." + strings.Repeat("a", 33) + ".AAAA",
		"\xff\xfe.k1.AAAA",
	}
	for _, sealed := range tests {
		mustFailOpen(t, kr, sealed, ad)
	}
}

func TestNoncesAreUnique(t *testing.T) {
	kr := keyring(t, "k1", map[string][]byte{"k1": key1})
	seen := make(map[string]bool)
	for range 10000 {
		nonce := string(body(t, kr.Seal([]byte("same"), ad))[:12])
		if seen[nonce] {
			t.Fatalf("nonce %x repeated", nonce)
		}
		seen[nonce] = true
	}
}

func TestNewKeyringValidates(t *testing.T) {
	tests := []struct {
		name, primary string
		keys          map[string][]byte
		field         string
	}{
		{"no keys", "k1", nil, "keys"},
		{"primary missing", "k3", map[string][]byte{"k1": key1}, "primary"},
		{"short key", "k1", map[string][]byte{"k1": key1[:16]}, "keys"},
		{"long key", "k1", map[string][]byte{"k1": append(bytes.Clone(key1), 0)}, "keys"},
		{"upper-case id", "K1", map[string][]byte{"K1": key1}, "keys"},
		{"dot in id", "k.1", map[string][]byte{"k.1": key1}, "keys"},
		{"empty id", "", map[string][]byte{"": key1}, "keys"},
		{"long id", strings.Repeat("k", 33), map[string][]byte{strings.Repeat("k", 33): key1}, "keys"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := secretbox.NewKeyring(tt.primary, tt.keys)
			if platform.ErrorCode(err) != platform.EINVALID || platform.ErrorField(err) != tt.field {
				t.Errorf("err = %v, want EINVALID on field %q", err, tt.field)
			}
		})
	}
}

func TestParseKeys(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString
	kr, err := secretbox.ParseKeys("k2:" + b64(key2) + ", k1:" + b64(key1))
	if err != nil {
		t.Fatalf("ParseKeys: %v", err)
	}
	sealed := kr.Seal([]byte("secret"), ad)
	if !strings.HasPrefix(sealed, "v1.k2.") {
		t.Errorf("Seal = %q, want the first key as primary", sealed)
	}
	old := keyring(t, "k1", map[string][]byte{"k1": key1}).Seal([]byte("old"), ad)
	if _, err := kr.Open(old, ad); err != nil {
		t.Errorf("Open with the second key: %v", err)
	}

	for _, spec := range []string{
		"",
		"k1",
		"k1:",
		"k1:not base64!",
		"k1:" + b64(key1[:31]),
		"k1:" + b64(key1) + ",k1:" + b64(key2),
		"k1:" + b64(key1) + ",",
		"K1:" + b64(key1),
	} {
		_, err := secretbox.ParseKeys(spec)
		if platform.ErrorCode(err) != platform.EINVALID || platform.ErrorField(err) == "" {
			t.Errorf("ParseKeys(%q) err = %v, want EINVALID naming a field", spec, err)
		}
		if err != nil && strings.Contains(err.Error(), b64(key1)) {
			t.Errorf("ParseKeys(%q) error reveals the key: %v", spec, err)
		}
	}
}

func FuzzOpen(f *testing.F) {
	kr := keyring(f, "k1", map[string][]byte{"k1": key1, "k2": key2})
	f.Add(kr.Seal([]byte("secret"), ad))
	f.Add(kr.Seal(nil, nil))
	f.Add("v1.k1.")
	f.Add("v1.k9.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add("")
	f.Fuzz(func(t *testing.T, sealed string) {
		pt, err := kr.Open(sealed, ad)
		if err != nil {
			if code := platform.ErrorCode(err); code != platform.EINVALID {
				t.Fatalf("Open(%q) error code = %q, want %q", sealed, code, platform.EINVALID)
			}
			return
		}
		// Whatever opens must be a genuine seal: it opens the same way
		// again and not under other associated data.
		if again, err := kr.Open(sealed, ad); err != nil || !bytes.Equal(again, pt) {
			t.Fatalf("Open(%q) not repeatable", sealed)
		}
		if _, err := kr.Open(sealed, []byte("other")); err == nil {
			t.Fatalf("Open(%q) ignores associated data", sealed)
		}
	})
}
