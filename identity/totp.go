package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"

	"ezscale.cloud/platform"
)

// The TOTP settings. Authenticator apps (Google Authenticator, Authy,
// 1Password, Aegis) all support SHA-1, six digits and 30-second steps, and
// several ignore anything else in the otpauth URL, so these are the only
// settings that work everywhere. SHA-1's collision weakness does not
// touch HMAC-SHA-1.
const (
	TOTPPeriod = 30 * time.Second
	TOTPDigits = 6
	// totpSecretBytes is RFC 4226's recommended 160-bit secret.
	totpSecretBytes = 20
	// totpMinSecretBytes refuses stored secrets below RFC 4226's 128-bit
	// minimum: an empty or truncated secret would still produce codes,
	// ones an attacker could compute.
	totpMinSecretBytes = 16
	// totpSkewSteps is how many steps either side of now a code may come
	// from: one step absorbs a phone clock up to 30 s off and a code typed
	// just as it rolled over, as RFC 6238 §5.2 suggests.
	totpSkewSteps = 1
)

// NewTOTPKey returns a new random TOTP secret (base32, no padding; seal it
// before storing) and the otpauth:// URL that enrols it in an
// authenticator app, usually shown as a QR code. issuer is the name the
// app shows ("EZSCALE"); accountEmail tells the user's accounts apart.
// Both are required and may not contain ':', the URL label's separator;
// errors are EINVALID on fields "issuer" and "email".
func NewTOTPKey(issuer, accountEmail string) (secret string, otpauthURL string, err error) {
	if strings.TrimSpace(issuer) == "" || strings.Contains(issuer, ":") {
		return "", "", platform.Invalid("issuer", "TOTP issuer must be non-empty and free of ':'")
	}
	if strings.TrimSpace(accountEmail) == "" || strings.Contains(accountEmail, ":") {
		return "", "", platform.Invalid("email", "TOTP account must be non-empty and free of ':'")
	}
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer:      issuer,
		AccountName: accountEmail,
		Period:      uint(TOTPPeriod / time.Second),
		SecretSize:  totpSecretBytes,
		Digits:      otp.DigitsSix,
		Algorithm:   otp.AlgorithmSHA1,
		Rand:        rand.Reader,
	})
	if err != nil {
		return "", "", fmt.Errorf("identity: generate TOTP key: %w", err)
	}
	return key.Secret(), key.URL(), nil
}

// TOTPStep returns the TOTP time step t falls in: the number of whole
// periods since the Unix epoch.
func TOTPStep(t time.Time) int64 {
	s := t.Unix()
	p := int64(TOTPPeriod / time.Second)
	if s < 0 {
		return (s - p + 1) / p // floor, for completeness
	}
	return s / p
}

// CheckTOTP checks a code typed by the user against secret at now, and
// returns the time step it matched. The caller stores that step (with
// Store.AdvanceTOTPStep, which refuses a step not after the stored one, so
// two requests racing with one code cannot both win) and passes it as
// lastUsedStep next time.
//
// Spaces in the code are ignored ("123 456" is how some apps show it); what
// remains must be six ASCII digits, or the error is EINVALID on field
// "code". A code from the current step or one step either side is
// accepted; a matching code whose step is at or before lastUsedStep, the
// same code again or an older one, is EUNAUTHORIZED "code already used",
// so an observed code cannot be replayed. Any other code is EUNAUTHORIZED
// "invalid code". A secret that is not base32 of at least 128 bits is an
// internal error.
func CheckTOTP(secret, code string, now time.Time, lastUsedStep int64) (step int64, err error) {
	code = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, code)
	if len(code) != TOTPDigits || strings.Trim(code, "0123456789") != "" {
		return 0, platform.Invalid("code", "enter the %d-digit code from your authenticator app", TOTPDigits)
	}
	if err := checkTOTPSecret(secret); err != nil {
		return 0, err
	}
	opts := hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	cur := TOTPStep(now)
	matched, used := int64(-1), false
	// Every candidate step is computed and compared in constant time, so
	// the response time does not tell which step (if any) matched.
	for s := cur - totpSkewSteps; s <= cur+totpSkewSteps; s++ {
		if s < 0 {
			continue
		}
		want, err := hotp.GenerateCodeCustom(secret, uint64(s), opts)
		if err != nil {
			return 0, fmt.Errorf("identity: TOTP code: %w", err)
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) != 1 {
			continue
		}
		if s <= lastUsedStep {
			used = true
			continue
		}
		matched = s // the latest unused matching step wins
	}
	switch {
	case matched >= 0:
		return matched, nil
	case used:
		return 0, platform.Errorf(platform.EUNAUTHORIZED, "code already used")
	}
	return 0, platform.Errorf(platform.EUNAUTHORIZED, "invalid code")
}

// checkTOTPSecret decodes a secret the way pquerna/otp does (space
// trimmed, any case, padding optional) and refuses one that is malformed
// or shorter than totpMinSecretBytes.
func checkTOTPSecret(secret string) error {
	s := strings.ToUpper(strings.TrimSpace(secret))
	b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return fmt.Errorf("identity: TOTP secret is not base32: %w", err)
	}
	if len(b) < totpMinSecretBytes {
		return fmt.Errorf("identity: TOTP secret has %d bytes, want at least %d", len(b), totpMinSecretBytes)
	}
	return nil
}

// RecoveryCodeCount is how many recovery codes a user gets at a time.
const RecoveryCodeCount = 10

// recoveryAlphabet is the 32 characters recovery codes are made of: digits
// and lower-case letters without 0, o, 1 and l, which are easily misread
// for one another. 32 symbols give exactly 5 bits per character with no
// modulo bias, so the 12 characters of a code carry 60 bits, while a code
// stays short enough to type. That is out of reach of online guessing
// behind the second-factor rate limit. Offline, from a leaked database,
// the hashes are unsalted and fast, so an attacker cracks *some* user's
// code far sooner than a given one; but a recovery code is a second
// factor and only helps an attacker who also has that user's password,
// and against one user's ten codes 2^60 SHA-256 guesses are still
// GPU-years.
const recoveryAlphabet = "23456789abcdefghijkmnpqrstuvwxyz"

// recoveryGroups and recoveryGroupLen shape a code as xxxx-xxxx-xxxx.
const (
	recoveryGroups   = 3
	recoveryGroupLen = 4
)

// NewRecoveryCodes returns n new recovery codes to show the user once,
// formatted xxxx-xxxx-xxxx, and their HashRecoveryCode hashes to store, in
// the same order. The codes are distinct. n < 1 returns none.
func NewRecoveryCodes(n int) (plain []string, hashes [][]byte) {
	if n < 1 {
		return nil, nil
	}
	seen := make(map[string]bool, n)
	buf := make([]byte, recoveryGroups*recoveryGroupLen)
	for len(plain) < n {
		rand.Read(buf) // never fails: crypto/rand crashes the program rather than return an error
		var sb strings.Builder
		for i, b := range buf {
			if i > 0 && i%recoveryGroupLen == 0 {
				sb.WriteByte('-')
			}
			sb.WriteByte(recoveryAlphabet[b&31]) // 256 is a multiple of 32: uniform
		}
		code := sb.String()
		if seen[code] {
			continue // 2^-60 per pair; cheap to rule out anyway
		}
		seen[code] = true
		plain = append(plain, code)
		hashes = append(hashes, HashRecoveryCode(code))
	}
	return plain, hashes
}

// NormalizeRecoveryCode returns the form of a typed recovery code that is
// hashed: lower case, with white space and dashes (including the Unicode
// dashes word processors substitute) removed, so "ABCD-EFGH-JKMN",
// "abcd efgh jkmn" and "abcdefghjkmn" are one code.
func NormalizeRecoveryCode(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// HashRecoveryCode returns the SHA-256 of the normalised code, the form a
// recovery code is stored and matched in (Store.UseRecoveryCode). A fast
// hash is enough for 60-bit random codes; see recoveryAlphabet.
func HashRecoveryCode(code string) []byte {
	sum := sha256.Sum256([]byte(NormalizeRecoveryCode(code)))
	return sum[:]
}
