package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"strings"

	"ezscale.cloud/platform"
)

// version is the scheme tag that starts every sealed value.
const version = "v1"

// encoding is strict so that a sealed value has a single textual form.
var encoding = base64.RawURLEncoding.Strict()

// Keyring seals secrets with its primary key and opens secrets sealed with
// any of its keys. It is safe for concurrent use.
type Keyring struct {
	primary string
	aeads   map[string]cipher.AEAD
}

// NewKeyring returns a keyring over keys, indexed by key id, that seals with
// the key named primary. Each key must be exactly 32 bytes and each id match
// [a-z0-9-]{1,32}.
func NewKeyring(primary string, keys map[string][]byte) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, platform.Invalid("keys", "at least one key is required")
	}
	if _, ok := keys[primary]; !ok {
		return nil, platform.Invalid("primary", "key id %q is not among the keys", primary)
	}
	kr := &Keyring{primary: primary, aeads: make(map[string]cipher.AEAD, len(keys))}
	for id, key := range keys {
		if !validKeyID(id) {
			return nil, platform.Invalid("keys", "key id %q must match [a-z0-9-]{1,32}", id)
		}
		if len(key) != 32 {
			return nil, platform.Invalid("keys", "key %q is %d bytes, want 32", id, len(key))
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCMWithRandomNonce(block)
		if err != nil {
			return nil, err
		}
		kr.aeads[id] = aead
	}
	return kr, nil
}

// ParseKeys returns a keyring configured by spec, a comma-separated list of
// id:base64key entries such as "k2:BASE64KEY,k1:BASE64KEY" whose first entry
// is the primary key. Keys are in standard base64, padded, as `openssl rand
// -base64 32` prints them; spaces around entries are ignored.
func ParseKeys(spec string) (*Keyring, error) {
	keys := make(map[string][]byte)
	var primary string
	for i, entry := range strings.Split(spec, ",") {
		id, b64, ok := strings.Cut(strings.TrimSpace(entry), ":")
		if !ok {
			return nil, platform.Invalid("keys", "entry %d is not id:base64key", i+1)
		}
		if _, dup := keys[id]; dup {
			return nil, platform.Invalid("keys", "key id %q appears twice", id)
		}
		key, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return nil, platform.Invalid("keys", "key %q is not valid base64", id)
		}
		if i == 0 {
			primary = id
		}
		keys[id] = key
	}
	return NewKeyring(primary, keys)
}

// Seal encrypts plaintext with the primary key, bound to associatedData, and
// returns the sealed string described in the package documentation. It
// cannot fail: crypto/rand does not return errors since Go 1.24.
func (kr *Keyring) Seal(plaintext, associatedData []byte) string {
	header := version + "." + kr.primary + "."
	box := kr.aeads[kr.primary].Seal(nil, nil, plaintext, aad(header, associatedData))
	return header + encoding.EncodeToString(box)
}

// Open decrypts a value made by Seal with any key of the keyring. An unknown
// key id, a malformed or altered value, or associated data other than that
// given to Seal yields an EINVALID error.
func (kr *Keyring) Open(sealed string, associatedData []byte) ([]byte, error) {
	keyID, body, ok := split(sealed)
	if !ok {
		return nil, platform.Invalid("sealed", "not a sealed value")
	}
	aead, ok := kr.aeads[keyID]
	if !ok {
		return nil, platform.Invalid("sealed", "unknown key id %q", keyID)
	}
	box, err := encoding.DecodeString(body)
	if err != nil {
		return nil, platform.Invalid("sealed", "not a sealed value")
	}
	header := sealed[:len(sealed)-len(body)]
	plaintext, err := aead.Open(nil, nil, box, aad(header, associatedData))
	if err != nil {
		// GCM cannot tell tampering from wrong associated data.
		return nil, platform.Invalid("sealed", "altered, or opened with the wrong associated data")
	}
	return plaintext, nil
}

// NeedsRotation reports whether sealed is not sealed with the primary key.
// It also reports true for a malformed value, so that a rotation pass
// surfaces it through the error from Rotate instead of skipping it.
func (kr *Keyring) NeedsRotation(sealed string) bool {
	keyID, _, ok := split(sealed)
	return !ok || keyID != kr.primary
}

// Rotate opens sealed and seals its plaintext again with the primary key
// under the same associated data.
func (kr *Keyring) Rotate(sealed string, associatedData []byte) (string, error) {
	plaintext, err := kr.Open(sealed, associatedData)
	if err != nil {
		return "", err
	}
	return kr.Seal(plaintext, associatedData), nil
}

// split returns the key id and the base64 body of sealed, and whether it
// has the v1 shape.
func split(sealed string) (keyID, body string, ok bool) {
	parts := strings.Split(sealed, ".")
	if len(parts) != 3 || parts[0] != version || !validKeyID(parts[1]) {
		return "", "", false
	}
	return parts[1], parts[2], true
}

// aad authenticates the header with the caller's data. The header ends in
// a dot that cannot occur inside it, so the concatenation is unambiguous.
func aad(header string, associatedData []byte) []byte {
	return append([]byte(header), associatedData...)
}

func validKeyID(id string) bool {
	if len(id) == 0 || len(id) > 32 {
		return false
	}
	for _, c := range id {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}
