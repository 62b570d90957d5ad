package identity

import (
	"bytes"
	"crypto/sha256"
	"encoding/base32"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"ezscale.cloud/platform"
)

// rfcSecret is the SHA-1 seed of RFC 6238's test vectors, the ASCII
// "12345678901234567890", in base32.
const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

func TestNewTOTPKey(t *testing.T) {
	secret, u, err := NewTOTPKey("EZSCALE", "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil || len(raw) != 20 {
		t.Fatalf("secret %q: %d bytes, %v; want 20 bytes of unpadded base32", secret, len(raw), err)
	}
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	if parsed.Scheme != "otpauth" || parsed.Host != "totp" || parsed.Path != "/EZSCALE:ada@example.com" {
		t.Errorf("URL %q: want otpauth://totp/EZSCALE:ada@example.com", u)
	}
	q := parsed.Query()
	want := map[string]string{"secret": secret, "issuer": "EZSCALE", "algorithm": "SHA1", "digits": "6", "period": "30"}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("URL parameter %s = %q, want %q", k, q.Get(k), v)
		}
	}
	// The app and CheckTOTP agree on codes.
	now := time.Now()
	code, err := totp.GenerateCode(secret, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := CheckTOTP(secret, code, now, 0); err != nil {
		t.Errorf("CheckTOTP of a fresh key's code: %v", err)
	}

	secret2, _, err := NewTOTPKey("EZSCALE", "ada@example.com")
	if err != nil || secret2 == secret {
		t.Errorf("second key: %q, %v; want a different secret", secret2, err)
	}

	for _, bad := range []struct{ issuer, email, field string }{
		{"", "ada@example.com", "issuer"},
		{"  ", "ada@example.com", "issuer"},
		{"EZ:SCALE", "ada@example.com", "issuer"},
		{"EZSCALE", "", "email"},
		{"EZSCALE", "ada:x@example.com", "email"},
	} {
		_, _, err := NewTOTPKey(bad.issuer, bad.email)
		if platform.ErrorCode(err) != platform.EINVALID || platform.ErrorField(err) != bad.field {
			t.Errorf("NewTOTPKey(%q, %q) = %v, want EINVALID on field %s", bad.issuer, bad.email, err, bad.field)
		}
	}
}

func TestTOTPStep(t *testing.T) {
	tests := []struct {
		unix int64
		want int64
	}{
		{0, 0}, {29, 0}, {30, 1}, {59, 1}, {1111111109, 37037036}, {2000000000, 66666666},
		{-1, -1}, {-30, -1}, {-31, -2},
	}
	for _, tt := range tests {
		if got := TOTPStep(time.Unix(tt.unix, 0)); got != tt.want {
			t.Errorf("TOTPStep(%d) = %d, want %d", tt.unix, got, tt.want)
		}
	}
}

func TestCheckTOTPRFC6238(t *testing.T) {
	// RFC 6238 appendix B, SHA-1, last six of the eight digits: checks our
	// settings against the standard, not against the library.
	vectors := []struct {
		unix int64
		code string
	}{
		{59, "287082"},
		{1111111109, "081804"},
		{1111111111, "050471"},
		{1234567890, "005924"},
		{2000000000, "279037"},
		{20000000000, "353130"},
	}
	for _, v := range vectors {
		now := time.Unix(v.unix, 0)
		step, err := CheckTOTP(rfcSecret, v.code, now, 0)
		if err != nil || step != TOTPStep(now) {
			t.Errorf("T=%d: CheckTOTP(%s) = %d, %v; want step %d", v.unix, v.code, step, err, TOTPStep(now))
		}
	}
}

func TestCheckTOTP(t *testing.T) {
	// 15 s into a step, so that ±30 s is exactly one step away and ±60 s
	// two.
	now := time.Unix(1_780_000_005, 0).UTC()
	cur := TOTPStep(now)
	codeAt := func(at time.Time) string {
		t.Helper()
		c, err := totp.GenerateCodeCustom(rfcSecret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if (now.Unix() % 30) != 15 {
		t.Fatalf("test time is %d s into its step, want 15", now.Unix()%30)
	}
	c := codeAt(now)
	tests := []struct {
		name     string
		code     string
		lastUsed int64
		wantStep int64
		errCode  string // error code, "" for accepted
		message  string
	}{
		{"current step", c, 0, cur, "", ""},
		{"previous step (phone behind)", codeAt(now.Add(-30 * time.Second)), 0, cur - 1, "", ""},
		{"next step (phone ahead)", codeAt(now.Add(30 * time.Second)), 0, cur + 1, "", ""},
		{"two steps behind", codeAt(now.Add(-60 * time.Second)), 0, 0, platform.EUNAUTHORIZED, "invalid code"},
		{"two steps ahead", codeAt(now.Add(60 * time.Second)), 0, 0, platform.EUNAUTHORIZED, "invalid code"},
		{"90 s behind", codeAt(now.Add(-90 * time.Second)), 0, 0, platform.EUNAUTHORIZED, "invalid code"},
		{"90 s ahead", codeAt(now.Add(90 * time.Second)), 0, 0, platform.EUNAUTHORIZED, "invalid code"},
		{"same code twice", c, cur, 0, platform.EUNAUTHORIZED, "already used"},
		{"older code after a newer one", codeAt(now.Add(-30 * time.Second)), cur, 0, platform.EUNAUTHORIZED, "already used"},
		{"current code after the previous one", c, cur - 1, cur, "", ""},
		{"next code after the current one", codeAt(now.Add(30 * time.Second)), cur, cur + 1, "", ""},
		{"code after a later step was used", c, cur + 1, 0, platform.EUNAUTHORIZED, "already used"},
		{"spaces in the middle", c[:3] + " " + c[3:], 0, cur, "", ""},
		{"surrounding white space", "\t " + c + " \n", 0, cur, "", ""},
		{"wrong code", wrongCode(c), 0, 0, platform.EUNAUTHORIZED, "invalid code"},
		{"five digits", c[:5], 0, 0, platform.EINVALID, "6-digit"},
		{"seven digits", c + "0", 0, 0, platform.EINVALID, "6-digit"},
		{"letters", "abcdef", 0, 0, platform.EINVALID, "6-digit"},
		{"dash", c[:3] + "-" + c[3:], 0, 0, platform.EINVALID, "6-digit"},
		{"full-width digits", "１２３４５６", 0, 0, platform.EINVALID, "6-digit"},
		{"empty", "", 0, 0, platform.EINVALID, "6-digit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			step, err := CheckTOTP(rfcSecret, tt.code, now, tt.lastUsed)
			if platform.ErrorCode(err) != tt.errCode {
				t.Fatalf("CheckTOTP(%q) = %d, %v; want code %q", tt.code, step, err, tt.errCode)
			}
			if err != nil {
				if !strings.Contains(err.Error(), tt.message) {
					t.Fatalf("CheckTOTP error %v, want %q", err, tt.message)
				}
				if tt.errCode == platform.EINVALID && platform.ErrorField(err) != "code" {
					t.Fatalf("CheckTOTP field = %q, want code", platform.ErrorField(err))
				}
				return
			}
			if step != tt.wantStep {
				t.Fatalf("step = %d, want %d", step, tt.wantStep)
			}
		})
	}
}

// wrongCode returns a six-digit code different from c.
func wrongCode(c string) string {
	b := []byte(c)
	b[0] = '0' + (b[0]-'0'+5)%10
	return string(b)
}

func TestCheckTOTPSecret(t *testing.T) {
	now := time.Unix(1_780_000_005, 0)
	// A 128-bit secret, the least accepted: 26 base32 characters, which
	// some apps and libraries write with six '=' of padding.
	const secret16 = "GEZDGNBVGY3TQOJQGEZDGNBVGY"
	code, err := totp.GenerateCode(secret16, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{secret16, secret16 + "======", strings.ToLower(secret16), " " + secret16 + " "} {
		if _, err := CheckTOTP(s, code, now, 0); err != nil {
			t.Errorf("secret %q: %v", s, err)
		}
	}
	// A stored secret that is broken is our fault: an internal error, not
	// a wrong code, and never a code anyone could compute from nothing.
	for _, s := range []string{"", "not base32!", "GEZDGNBV" /* 5 bytes */, "GEZDGNBVGY3TQOJQGEZDGNA" /* 14 bytes */} {
		_, err := CheckTOTP(s, "287082", now, 0)
		if platform.ErrorCode(err) != platform.EINTERNAL {
			t.Errorf("secret %q: %v, want an internal error", s, err)
		}
	}
}

var recoveryPattern = regexp.MustCompile(`^[2-9a-km-np-z]{4}-[2-9a-km-np-z]{4}-[2-9a-km-np-z]{4}$`)

func TestRecoveryAlphabet(t *testing.T) {
	if len(recoveryAlphabet) != 32 {
		t.Fatalf("alphabet has %d characters, want 32 (5 bits each, no modulo bias)", len(recoveryAlphabet))
	}
	seen := map[rune]bool{}
	for _, r := range recoveryAlphabet {
		if seen[r] {
			t.Errorf("%q appears twice", r)
		}
		seen[r] = true
		if strings.ContainsRune("0o1lO", r) || NormalizeRecoveryCode(string(r)) != string(r) {
			t.Errorf("%q is ambiguous or not normalised", r)
		}
	}
}

func TestNewRecoveryCodes(t *testing.T) {
	plain, hashes := NewRecoveryCodes(RecoveryCodeCount)
	if len(plain) != 10 || len(hashes) != 10 {
		t.Fatalf("got %d codes and %d hashes, want 10 of each", len(plain), len(hashes))
	}
	seen := map[string]bool{}
	for i, c := range plain {
		if !recoveryPattern.MatchString(c) {
			t.Errorf("code %q is not xxxx-xxxx-xxxx from the readable alphabet", c)
		}
		if seen[c] {
			t.Errorf("code %q repeated", c)
		}
		seen[c] = true
		sum := sha256.Sum256([]byte(strings.ReplaceAll(c, "-", "")))
		if !bytes.Equal(hashes[i], sum[:]) || !bytes.Equal(hashes[i], HashRecoveryCode(c)) {
			t.Errorf("hash %d is not SHA-256 of the normalised code %q", i, c)
		}
	}

	// Every character of the alphabet is used: 1200 draws would miss one of
	// the 32 with probability about 32·(31/32)^1200 ≈ 10^-15, so a missing
	// character means the codes carry less than 60 bits.
	many, _ := NewRecoveryCodes(100)
	used := map[rune]bool{}
	for _, c := range many {
		for _, r := range strings.ReplaceAll(c, "-", "") {
			used[r] = true
		}
	}
	if len(used) != 32 {
		t.Errorf("100 codes use %d distinct characters, want all 32", len(used))
	}

	for _, n := range []int{0, -1} {
		if p, h := NewRecoveryCodes(n); p != nil || h != nil {
			t.Errorf("NewRecoveryCodes(%d) = %v, %v; want none", n, p, h)
		}
	}
}

func TestNormalizeRecoveryCode(t *testing.T) {
	const want = "abcd2345efgh"
	for _, in := range []string{
		"abcd-2345-efgh",
		"ABCD-2345-EFGH",
		"abcd 2345 efgh",
		"  abcd2345efgh\n",
		"abcd–2345—efgh", // en and em dashes from a word processor
		"a b-c\td2345EFGH",
	} {
		if got := NormalizeRecoveryCode(in); got != want {
			t.Errorf("NormalizeRecoveryCode(%q) = %q, want %q", in, got, want)
		}
		if !bytes.Equal(HashRecoveryCode(in), HashRecoveryCode(want)) {
			t.Errorf("HashRecoveryCode(%q) differs from the canonical code's", in)
		}
	}
	// Normalising does not merge different codes.
	if bytes.Equal(HashRecoveryCode("abcd-2345-efgh"), HashRecoveryCode("abcd-2345-efgj")) {
		t.Error("different codes hash alike")
	}
	if NormalizeRecoveryCode("abcd_2345_efgh") == want {
		t.Error("underscores are removed; only white space and dashes should be")
	}
}
