package identity

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Limiter is the port for rate limiting: a counter of events per key and
// window, kept in storage every process shares. Backed by MySQL, it holds
// across every web process, so that the sixth login attempt in a minute is
// refused whichever process it reaches; backed by SQLite, across the one
// process that owns the database.
//
// Implementations follow RateWindow.Hit exactly, applying it to the key's
// stored window atomically (a row lock, or one upsert statement), so that
// concurrent hits from several processes are each counted once.
type Limiter interface {
	// Hit counts one event under key at now and reports whether it is
	// within limit events per window. A refused event is not counted.
	Hit(ctx context.Context, key string, window time.Duration, limit int, now time.Time) (Decision, error)
}

// Decision is a Limiter's answer for one event.
type Decision struct {
	// Allowed is false when the key is over its limit; the caller refuses
	// the request (HTTP 429).
	Allowed bool
	// Remaining is how many more events the current window allows.
	Remaining int
	// RetryAfter is how long until the window ends and events are
	// allowed again (the Retry-After header); zero when Allowed.
	RetryAfter time.Duration
}

// RateWindow is the state a Limiter keeps per key: a fixed window that
// opens at the first event and lasts the rule's window, and the number of
// events counted in it. Keeping the rule here, as a pure function, lets
// every storage adapter share it and one contract suite check them.
type RateWindow struct {
	Start time.Time
	Count int
}

// Hit counts one event at now against limit events per window and returns
// the new state to store and the decision. A window that has ended (or was
// never opened) is replaced by one starting at now. A refused event leaves
// the state unchanged, so hammering a limited key does not push its window
// further out. A clock earlier than Start (another process's clock behind)
// counts in the current window rather than opening a new one, so skew
// cannot reset a limit. A limit below 1 refuses everything.
func (w RateWindow) Hit(now time.Time, window time.Duration, limit int) (RateWindow, Decision) {
	if limit < 1 {
		return w, Decision{RetryAfter: window}
	}
	if w.Count == 0 || !now.Before(w.Start.Add(window)) {
		w = RateWindow{Start: now}
	}
	if w.Count >= limit {
		return w, Decision{RetryAfter: min(w.Start.Add(window).Sub(now), window)}
	}
	w.Count++
	return w, Decision{Allowed: true, Remaining: limit - w.Count}
}

// Rule is one rate limit: at most Limit events per Window.
type Rule struct {
	Limit  int
	Window time.Duration
}

// Hit counts one event under key with l and the rule.
func (r Rule) Hit(ctx context.Context, l Limiter, key string, now time.Time) (Decision, error) {
	return l.Hit(ctx, key, r.Window, r.Limit, now)
}

// Limits are the rate limits identity applies. Account and IP limits are
// both checked, and either refuses: the account limit stops guessing one
// password from many addresses, the IP limit stops one address trying
// many accounts (credential stuffing).
type Limits struct {
	// LoginAccount counts login attempts per email, whether or not an
	// account has it (counting only real accounts would reveal which
	// exist). Hit it before checking the password, so the attempt after
	// the limit is refused without one.
	LoginAccount Rule
	// LoginIP counts login attempts per client address.
	LoginIP Rule
	// RegisterIP counts registrations per client address.
	RegisterIP Rule
	// ResetAccount counts password reset emails per email address, so
	// nobody can flood a mailbox through us.
	ResetAccount Rule
	// ResetIP counts password reset requests per client address.
	ResetIP Rule
	// SecondFactorUser counts second-factor attempts (TOTP and recovery
	// codes) per user: the password is already known to whoever is here.
	SecondFactorUser Rule
	// SecondFactorIP counts second-factor attempts per client address.
	SecondFactorIP Rule
	// APIToken counts REST API requests per token.
	APIToken Rule
}

// DefaultLimits returns the limits the platform ships with.
//
// Login allows 5 attempts per minute per account, so the sixth failed
// attempt within a minute is refused, and 20 per minute per address, room
// for an office behind one NAT. Registration and password reset are rare
// for a real person: 5 registrations and 10 reset requests per hour per
// address, and 3 reset emails per hour to one email address.
//
// Second factors allow 10 attempts per hour per user. A six-digit TOTP code
// with one step of skew has three valid values in a million, so 10 per hour
// gives an attacker who has the password about 0.07% a day, time for the
// failed-attempt audit entries and alerts to be seen; 5 per minute would
// give 2% a day.
//
// The API allows 600 requests per minute per token, ten a second, above
// any reasonable automation and below what would hurt the database.
func DefaultLimits() Limits {
	return Limits{
		LoginAccount:     Rule{Limit: 5, Window: time.Minute},
		LoginIP:          Rule{Limit: 20, Window: time.Minute},
		RegisterIP:       Rule{Limit: 5, Window: time.Hour},
		ResetAccount:     Rule{Limit: 3, Window: time.Hour},
		ResetIP:          Rule{Limit: 10, Window: time.Hour},
		SecondFactorUser: Rule{Limit: 10, Window: time.Hour},
		SecondFactorIP:   Rule{Limit: 30, Window: time.Hour},
		APIToken:         Rule{Limit: 600, Window: time.Minute},
	}
}

// LoginAccountKey is the LoginAccount key of an email, normalised with
// NormalizeEmail so that case and spaces do not make a fresh counter.
func LoginAccountKey(email string) string { return "login:account:" + emailKeyPart(email) }

// LoginIPKey is the LoginIP key of a client address; see ipKeyPart.
func LoginIPKey(ip string) string { return "login:ip:" + ipKeyPart(ip) }

// RegisterIPKey is the RegisterIP key of a client address.
func RegisterIPKey(ip string) string { return "register:ip:" + ipKeyPart(ip) }

// ResetAccountKey is the ResetAccount key of an email.
func ResetAccountKey(email string) string { return "reset:account:" + emailKeyPart(email) }

// ResetIPKey is the ResetIP key of a client address.
func ResetIPKey(ip string) string { return "reset:ip:" + ipKeyPart(ip) }

// SecondFactorUserKey is the SecondFactorUser key of a user.
func SecondFactorUserKey(userID int64) string {
	return "2fa:user:" + strconv.FormatInt(userID, 10)
}

// SecondFactorIPKey is the SecondFactorIP key of a client address.
func SecondFactorIPKey(ip string) string { return "2fa:ip:" + ipKeyPart(ip) }

// APITokenKey is the APIToken key of a token, by its id.
func APITokenKey(tokenID int64) string { return "api:token:" + strconv.FormatInt(tokenID, 10) }

// maxKeyPart bounds the variable part of a key so that every key, prefix
// included, fits the store's VARCHAR(191) column; longer input is replaced
// by its hash.
const maxKeyPart = 160

// emailKeyPart normalises an email for a key. It is not validated: a
// login with a malformed email still counts against that string.
func emailKeyPart(email string) string { return boundKeyPart(NormalizeEmail(email)) }

// ipKeyPart normalises a client address for a key. A port is dropped
// ("203.0.113.9:51234", "[2001:db8::1]:443"), as is an IPv6 zone; an
// IPv4-mapped IPv6 address becomes the IPv4 address; and an IPv6 address
// becomes its /64, because a single subscriber is usually given a whole
// /64 and could otherwise step through 2^64 counters. Anything that does
// not parse shares the one key "invalid", so garbage in a forwarded-for
// header cannot be varied to get fresh counters.
func ipKeyPart(s string) string {
	s = strings.TrimSpace(s)
	var addr netip.Addr
	if ap, err := netip.ParseAddrPort(s); err == nil {
		addr = ap.Addr()
	} else if a, err := netip.ParseAddr(s); err == nil {
		addr = a
	} else {
		return "invalid"
	}
	addr = addr.WithZone("").Unmap()
	if addr.Is4() {
		return addr.String()
	}
	p, err := addr.Prefix(64)
	if err != nil {
		return "invalid"
	}
	return p.String()
}

// boundKeyPart returns s, or "sha256:" and its hex SHA-256 when s is
// longer than maxKeyPart.
func boundKeyPart(s string) string {
	if len(s) <= maxKeyPart {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:])
}
