// Package passkeytest is a software passkey for tests: an authenticator
// and the browser in front of it, written in Go, that answers WebAuthn
// ceremonies the way a real one does, so ceremonies run end to end
// without a browser.
package passkeytest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/protocol/webauthncbor"
	"github.com/go-webauthn/webauthn/protocol/webauthncose"
)

// Authenticator data flags (WebAuthn §6.1).
const (
	flagUserPresent      = 0x01
	flagUserVerified     = 0x04
	flagAttestedCredData = 0x40
)

// ErrExcluded is what the authenticator answers when asked to register
// again for an account it holds a credential of (the browser's
// InvalidStateError).
var ErrExcluded = errors.New("authenticator holds an excluded credential")

// Authenticator is a software security key together with the
// browser in front of it: it makes discoverable ES256 credentials and
// answers the options of a ceremony with the JSON a browser posts
// (PublicKeyCredential.toJSON()), reporting origin as the page's origin.
type Authenticator struct {
	// Origin is the page the browser reports the ceremony on; a test
	// changes it to play a phishing page.
	Origin string
	aaguid []byte
	// Counterless authenticators always report a signature counter of
	// zero, as passkeys synced by Apple and Google do.
	Counterless bool
	Creds       []*Credential
}

// Credential is one discoverable credential the authenticator
// holds.
type Credential struct {
	owner      *Authenticator
	ID         []byte
	rpID       string
	UserHandle []byte
	key        *ecdsa.PrivateKey
	SignCount  uint32
}

// NewAuthenticator returns an authenticator with no credentials whose
// browser reports origin.
func NewAuthenticator(origin string) *Authenticator {
	return &Authenticator{Origin: origin, aaguid: random(16)}
}

func random(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

var b64 = base64.RawURLEncoding.EncodeToString

// CreationOptions is the part of BeginRegistration's options a browser
// and authenticator act on.
type CreationOptions struct {
	PublicKey struct {
		RP   struct{ ID string }
		User struct {
			ID   protocol.URLEncodedBase64
			Name string
		}
		Challenge          protocol.URLEncodedBase64
		PubKeyCredParams   []struct{ Alg int64 }
		ExcludeCredentials []struct{ ID protocol.URLEncodedBase64 }
		// The test reads these to check what the service asks for.
		AuthenticatorSelection struct{ ResidentKey, UserVerification string }
		Attestation            string
	}
}

// RequestOptions is the part of a login's options a browser and
// authenticator act on.
type RequestOptions struct {
	PublicKey struct {
		Challenge        protocol.URLEncodedBase64
		RPID             string `json:"rpId"`
		AllowCredentials []struct{ ID protocol.URLEncodedBase64 }
		UserVerification string
	}
}

// DecodeOptions reads a ceremony's options JSON into T.
func DecodeOptions[T any](t testing.TB, options json.RawMessage) T {
	t.Helper()
	var o T
	if err := json.Unmarshal(options, &o); err != nil {
		t.Fatalf("decode options %s: %v", options, err)
	}
	return o
}

// Register answers BeginRegistration's options: it makes a new key pair
// for the account (replacing any credential it held for it, as
// authenticators do) and returns the attestation response, format "none".
func (a *Authenticator) Register(t testing.TB, options json.RawMessage) ([]byte, error) {
	t.Helper()
	o := DecodeOptions[CreationOptions](t, options).PublicKey
	for _, ex := range o.ExcludeCredentials {
		if slices.ContainsFunc(a.Creds, func(c *Credential) bool { return bytes.Equal(c.ID, ex.ID) }) {
			return nil, ErrExcluded
		}
	}
	if !slices.ContainsFunc(o.PubKeyCredParams, func(p struct{ Alg int64 }) bool {
		return p.Alg == int64(webauthncose.AlgES256)
	}) {
		t.Fatalf("the options do not allow ES256: %+v", o.PubKeyCredParams)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	c := &Credential{owner: a, ID: random(32), rpID: o.RP.ID, UserHandle: o.User.ID, key: key}
	a.Creds = slices.DeleteFunc(a.Creds, func(old *Credential) bool {
		return old.rpID == c.rpID && bytes.Equal(old.UserHandle, c.UserHandle)
	})
	a.Creds = append(a.Creds, c)

	attested := slices.Concat(a.aaguid, binary.BigEndian.AppendUint16(nil, uint16(len(c.ID))), c.ID, c.coseKey(t))
	attObj, err := webauthncbor.Marshal(struct {
		Fmt      string         `cbor:"fmt"`
		AttStmt  map[string]any `cbor:"attStmt"`
		AuthData []byte         `cbor:"authData"`
	}{"none", map[string]any{}, authenticatorData(c.rpID, flagUserPresent|flagUserVerified|flagAttestedCredData, c.SignCount, attested)})
	if err != nil {
		t.Fatal(err)
	}
	return credentialJSON(c.ID, map[string]any{
		"clientDataJSON":    b64(clientDataJSON(t, "webauthn.create", o.Challenge, a.Origin)),
		"attestationObject": b64(attObj),
		"transports":        []string{"usb"},
	}), nil
}

// Login answers a login's options with the first of the authenticator's
// credentials they allow (any for the site, when they list none) and
// returns the assertion response.
func (a *Authenticator) Login(t testing.TB, options json.RawMessage) []byte {
	t.Helper()
	o := DecodeOptions[RequestOptions](t, options).PublicKey
	for _, c := range a.Creds {
		allowed := len(o.AllowCredentials) == 0 || slices.ContainsFunc(o.AllowCredentials, func(d struct{ ID protocol.URLEncodedBase64 }) bool {
			return bytes.Equal(d.ID, c.ID)
		})
		if c.rpID == o.RPID && allowed {
			return c.Assert(t, options)
		}
	}
	t.Fatalf("the authenticator holds no credential the options allow")
	return nil
}

// Assert signs options' challenge with c whether the options allow c or
// not, as a tampered-with browser could.
func (c *Credential) Assert(t testing.TB, options json.RawMessage) []byte {
	return c.AssertAs(t, options, c.UserHandle)
}

// AssertAs is Assert returning userHandle as the user handle.
func (c *Credential) AssertAs(t testing.TB, options json.RawMessage, userHandle []byte) []byte {
	t.Helper()
	o := DecodeOptions[RequestOptions](t, options).PublicKey
	if !c.owner.Counterless {
		c.SignCount++
	}
	clientData := clientDataJSON(t, "webauthn.get", o.Challenge, c.owner.Origin)
	authData := authenticatorData(c.rpID, flagUserPresent|flagUserVerified, c.SignCount, nil)
	clientDataHash := sha256.Sum256(clientData)
	digest := sha256.Sum256(slices.Concat(authData, clientDataHash[:]))
	sig, err := ecdsa.SignASN1(rand.Reader, c.key, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return credentialJSON(c.ID, map[string]any{
		"clientDataJSON":    b64(clientData),
		"authenticatorData": b64(authData),
		"signature":         b64(sig),
		"userHandle":        b64(userHandle),
	})
}

// coseKey returns c's public key as a COSE_Key (RFC 9052): EC2 on P-256
// for ES256.
func (c *Credential) coseKey(t testing.TB) []byte {
	t.Helper()
	point, err := c.key.PublicKey.Bytes() // 0x04 || x || y
	if err != nil {
		t.Fatal(err)
	}
	key, err := webauthncbor.Marshal(webauthncose.EC2PublicKeyData{
		PublicKeyData: webauthncose.PublicKeyData{
			KeyType:   int64(webauthncose.EllipticKey),
			Algorithm: int64(webauthncose.AlgES256),
		},
		Curve:  int64(webauthncose.P256),
		XCoord: point[1:33],
		YCoord: point[33:],
	})
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// authenticatorData lays out the authenticator data (WebAuthn §6.1):
// rpIdHash, flags, signature counter, then the attested credential data
// of a registration.
func authenticatorData(rpID string, flags byte, signCount uint32, attested []byte) []byte {
	rpIDHash := sha256.Sum256([]byte(rpID))
	return slices.Concat(rpIDHash[:], []byte{flags}, binary.BigEndian.AppendUint32(nil, signCount), attested)
}

// clientDataJSON is what the browser tells the authenticator to sign.
func clientDataJSON(t testing.TB, ceremonyType string, challenge []byte, origin string) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"type": ceremonyType, "challenge": b64(challenge), "origin": origin, "crossOrigin": false})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// credentialJSON is the PublicKeyCredential the browser posts back.
func credentialJSON(id []byte, response map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{
		"id": b64(id), "rawId": b64(id), "type": "public-key",
		"authenticatorAttachment": "cross-platform", "clientExtensionResults": map[string]any{},
		"response": response,
	})
	return b
}
