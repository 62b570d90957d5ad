package identity

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"

	"ezscale.cloud/platform"
)

// Password length limits. MinPasswordChars counts characters (runes), so a
// passphrase in any script gets the same allowance; MaxPasswordBytes counts
// bytes because it bounds the work of hashing, and because no real
// passphrase needs more.
const (
	MinPasswordChars = 10
	MaxPasswordBytes = 256
)

// The argon2id parameters new hashes are made with.
//
// RFC 9106 §4 recommends t=3, m=64 MiB as its "second recommended option"
// for memory-constrained settings, and OWASP's cheat sheet lists m=19 MiB,
// t=2, p=1 as a floor; 64 MiB with three passes is comfortably above that
// floor. RFC 9106 uses p=4 lanes, but x/crypto/argon2 runs one goroutine per
// lane and our machines have two cores, so p=2 buys the same wall time as
// p=4 would with half the lanes; p is part of the hash, so it is fixed here
// rather than taken from runtime.NumCPU. On an idle 2-core machine one hash
// takes about 70 ms.
//
// Each hash holds 64 MiB for its duration: a login endpoint must bound how
// many hashes run at once (a semaphore of a few slots) and sits behind the
// login rate limits, or a burst of logins becomes a memory exhaustion attack.
const (
	argonMemoryKiB = 64 * 1024
	argonTime      = 3
	argonThreads   = 2
	argonSaltLen   = 16
	argonKeyLen    = 32
)

// Bounds on the parameters a stored argon2id hash may carry. Parameters
// come from the database, not the user, but a corrupted or hostile row must
// not make one login allocate gigabytes or spin for minutes, so anything
// outside these bounds is a malformed hash. They leave room to raise the
// defaults above (to 256 MiB, ten passes).
const (
	argonMaxMemoryKiB = 256 * 1024
	argonMaxTime      = 10
	argonMaxThreads   = 16
	argonMinSaltLen   = 8 // the PHC string format's minimum; ours are 16
	argonMaxSaltLen   = 64
	argonMinKeyLen    = 16
	argonMaxKeyLen    = 64
)

// bcryptMaxCost bounds the cost of an imported bcrypt hash. WHMCS hashes
// with PHP's password_hash default, cost 10; each step doubles the work,
// and cost 31 would take days, so a higher cost is treated as malformed
// rather than run.
const bcryptMaxCost = 14

// ErrMalformedHash is wrapped by the errors VerifyPassword returns for a
// stored hash it cannot read. It is an internal error (a corrupt row or a
// bad import), never the user's fault, so it carries no platform code and
// maps to EINTERNAL.
var ErrMalformedHash = errors.New("malformed password hash")

// argonB64 is the base64 the PHC string format uses: standard alphabet, no
// padding. Strict refuses non-zero trailing bits, so each hash has exactly
// one spelling.
var argonB64 = base64.RawStdEncoding.Strict()

// argonParams are the tunable argon2id inputs recorded in a PHC string.
type argonParams struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
}

// currentArgon is what HashPassword uses; a stored hash with other
// parameters verifies but asks to be rehashed.
var currentArgon = argonParams{memory: argonMemoryKiB, time: argonTime, threads: argonThreads}

// ValidatePassword checks a password a user chooses (at registration, reset
// or change): at least MinPasswordChars characters, at most MaxPasswordBytes
// bytes, valid UTF-8, and not only white space. Following NIST SP 800-63B
// there are no composition rules: length is what makes a password strong.
// Errors are EINVALID on field "password".
//
// Passwords that already exist (imported from WHMCS) are not held to these
// rules when they are verified or rehashed; see HashPassword.
func ValidatePassword(pw string) error {
	if !utf8.ValidString(pw) {
		return platform.Invalid("password", "password is not valid UTF-8")
	}
	if len(pw) > MaxPasswordBytes {
		return platform.Invalid("password", "password is longer than %d bytes", MaxPasswordBytes)
	}
	if utf8.RuneCountInString(pw) < MinPasswordChars {
		return platform.Invalid("password", "password must be at least %d characters", MinPasswordChars)
	}
	if strings.TrimFunc(pw, unicode.IsSpace) == "" {
		return platform.Invalid("password", "password cannot be only spaces")
	}
	return nil
}

// HashPassword returns the argon2id hash of pw in the PHC string format,
// $argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash>, with a fresh 16-byte salt
// and a 32-byte key, base64 without padding. The string records its own
// parameters, so they can be raised later without breaking old hashes.
//
// HashPassword does not apply ValidatePassword's policy, only the
// MaxPasswordBytes bound (EINVALID on field "password"): it also rehashes
// a user's existing password on login (a short WHMCS one included), and
// refusing that would lock the user out.
func HashPassword(pw string) (string, error) {
	if len(pw) > MaxPasswordBytes {
		return "", platform.Invalid("password", "password is longer than %d bytes", MaxPasswordBytes)
	}
	salt := make([]byte, argonSaltLen)
	rand.Read(salt) // never fails: crypto/rand crashes the program rather than return an error
	p := currentArgon
	key := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads,
		argonB64.EncodeToString(salt), argonB64.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches the stored hash encoded.
//
// It accepts the argon2id PHC strings HashPassword makes and the bcrypt
// hashes ($2y$, $2a$, $2b$) WHMCS stored through PHP's password_hash. PHP's
// $2y$ is the same algorithm as $2b$ (the prefix marks the fixed 8-bit
// handling of crypt_blowfish); bcrypt reads only the first 72 bytes of a
// password, in PHP as here, so verification agrees with what WHMCS did.
//
// needsRehash is true when pw matched and the hash should be replaced by
// HashPassword(pw): always for bcrypt, and for argon2id when its parameters
// differ from the current ones. It is false whenever ok is false.
//
// A wrong password is (false, false, nil). A password longer than
// MaxPasswordBytes never matches: none can have been set through
// ValidatePassword, and refusing it up front keeps a huge login body from
// costing a slow hash. A hash VerifyPassword cannot read is an error
// wrapping ErrMalformedHash; VerifyPassword never panics on any input.
func VerifyPassword(encoded, pw string) (ok bool, needsRehash bool, err error) {
	switch {
	case strings.HasPrefix(encoded, "$argon2id$"):
		p, salt, key, err := parseArgon2id(encoded)
		if err != nil {
			return false, false, err
		}
		if len(pw) > MaxPasswordBytes {
			return false, false, nil
		}
		got := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, uint32(len(key)))
		if subtle.ConstantTimeCompare(got, key) != 1 {
			return false, false, nil
		}
		return true, p != currentArgon || len(key) != argonKeyLen || len(salt) != argonSaltLen, nil
	case strings.HasPrefix(encoded, "$2"):
		if err := checkBcrypt(encoded); err != nil {
			return false, false, err
		}
		if len(pw) > MaxPasswordBytes {
			return false, false, nil
		}
		switch err := bcrypt.CompareHashAndPassword([]byte(encoded), []byte(pw)); {
		case err == nil:
			return true, true, nil
		case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
			return false, false, nil
		default:
			return false, false, fmt.Errorf("identity: %w: bcrypt: %v", ErrMalformedHash, err)
		}
	}
	return false, false, fmt.Errorf("identity: %w: unknown scheme", ErrMalformedHash)
}

// DummyVerifyPassword spends the time VerifyPassword spends on a current
// argon2id hash, and reports nothing. A login for an email that has no
// account calls it so that the response takes as long as a wrong password
// for a real account, and timing does not reveal which emails are
// registered.
func DummyVerifyPassword(pw string) {
	dummyHashOnce.Do(func() { dummyHash, _ = HashPassword("dummy password for timing") })
	_, _, _ = VerifyPassword(dummyHash, pw) // the answer is deliberately ignored
}

var (
	dummyHashOnce sync.Once
	dummyHash     string
)

// parseArgon2id reads $argon2id$v=19$m=<m>,t=<t>,p=<p>$<salt>$<key>. It is
// strict (one version, parameters in PHC order, no optional fields) and
// bounds every number, because the parameters decide how much memory and
// time the next VerifyPassword call takes.
func parseArgon2id(s string) (argonParams, []byte, []byte, error) {
	bad := func(why string) (argonParams, []byte, []byte, error) {
		return argonParams{}, nil, nil, fmt.Errorf("identity: %w: argon2id: %s", ErrMalformedHash, why)
	}
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, key
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return bad("want 5 $-separated fields")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return bad("unsupported version " + strconv.Quote(parts[2]))
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return bad("want m, t and p")
	}
	var nums [3]uint64
	for i, name := range []string{"m=", "t=", "p="} {
		v, ok := strings.CutPrefix(kv[i], name)
		if !ok {
			return bad("want parameters m, t, p in that order")
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return bad("parameter " + name + " is not a number")
		}
		nums[i] = n
	}
	p := argonParams{memory: uint32(nums[0]), time: uint32(nums[1])}
	switch {
	case nums[2] < 1 || nums[2] > argonMaxThreads:
		return bad("p out of range")
	case p.time < 1 || p.time > argonMaxTime:
		return bad("t out of range")
	case uint64(p.memory) < 8*nums[2] || p.memory > argonMaxMemoryKiB:
		// argon2 needs at least 8 KiB per lane.
		return bad("m out of range")
	}
	p.threads = uint8(nums[2])
	salt, err := argonB64.DecodeString(parts[4])
	if err != nil || len(salt) < argonMinSaltLen || len(salt) > argonMaxSaltLen {
		return bad("bad salt")
	}
	key, err := argonB64.DecodeString(parts[5])
	if err != nil || len(key) < argonMinKeyLen || len(key) > argonMaxKeyLen {
		return bad("bad key")
	}
	return p, salt, key, nil
}

// checkBcrypt checks the shape of a bcrypt hash before x/crypto/bcrypt sees
// it: bcrypt's own parser accepts any minor version letter and any cost up
// to 31, which would let a bad row select the broken $2x$ variant or cost
// days of CPU. A valid hash is exactly $2a$, $2b$ or $2y$, a two-digit cost
// from 4 to bcryptMaxCost, $, and 53 characters of bcrypt's base64 (22 of
// salt, 31 of hash).
func checkBcrypt(s string) error {
	bad := func(why string) error {
		return fmt.Errorf("identity: %w: bcrypt: %s", ErrMalformedHash, why)
	}
	if len(s) != 60 {
		return bad("want 60 characters")
	}
	switch s[:4] {
	case "$2a$", "$2b$", "$2y$":
	default:
		return bad("unsupported variant " + strconv.Quote(s[:4]))
	}
	if s[6] != '$' || s[4] < '0' || s[4] > '9' || s[5] < '0' || s[5] > '9' {
		return bad("bad cost")
	}
	cost := int(s[4]-'0')*10 + int(s[5]-'0')
	if cost < bcrypt.MinCost || cost > bcryptMaxCost {
		return bad("cost " + strconv.Itoa(cost) + " out of range")
	}
	for _, c := range s[7:] {
		if !(c == '.' || c == '/' || isASCIIAlnum(c)) {
			return bad("bad base64")
		}
	}
	return nil
}
