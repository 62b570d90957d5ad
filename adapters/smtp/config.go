package smtp

import (
	"net"
	netmail "net/mail"
	"strings"
	"time"

	"ezscale.cloud/platform"
)

// TLSPolicy says whether the connection must be encrypted.
type TLSPolicy string

const (
	// TLSMandatory refuses to send unless the server encrypts the session
	// (STARTTLS, or TLS from the start on port 465). The default.
	TLSMandatory TLSPolicy = "mandatory"
	// TLSOpportunistic encrypts when the server offers STARTTLS and sends
	// in the clear otherwise; passwords still never travel in the clear.
	TLSOpportunistic TLSPolicy = "opportunistic"
	// TLSNone never encrypts. It is allowed only for loopback hosts.
	TLSNone TLSPolicy = "none"
)

// Config is how to reach the SMTP server and who the mail is from.
type Config struct {
	// Host is the server's hostname or IP address, without a port.
	Host string
	// Port defaults to 587 (submission with STARTTLS); 465 means TLS from
	// the first byte (implicit TLS) unless TLS is TLSNone.
	Port int
	// Username and Password authenticate when Username is set.
	Username string
	Password string
	// TLS defaults to TLSMandatory.
	TLS TLSPolicy
	// From is the sender address, optionally with a name:
	// "EZSCALE Hosting <billing@ezscale.cloud>". A Message's own From wins.
	From string
	// ReplyTo, when set, is where customers' replies go.
	ReplyTo string
	// Timeout bounds connecting and each command; zero means 30 seconds.
	Timeout time.Duration
}

// Defaults for Config's zero values.
const (
	DefaultPort    = 587
	DefaultTimeout = 30 * time.Second
	implicitTLS    = 465
)

// withDefaults checks c and fills its defaults; errors are EINVALID on the
// field at fault.
func (c Config) withDefaults() (Config, error) {
	if c.Host == "" {
		return c, platform.Invalid("host", "the SMTP server's host is required")
	}
	if net.ParseIP(c.Host) == nil && strings.ContainsAny(c.Host, ":/ ") {
		return c, platform.Invalid("host", "%q is not a hostname or IP address (give the port separately)", c.Host)
	}
	if c.Port == 0 {
		c.Port = DefaultPort
	}
	if c.Port < 1 || c.Port > 65535 {
		return c, platform.Invalid("port", "port %d is out of range 1-65535", c.Port)
	}
	if c.TLS == "" {
		c.TLS = TLSMandatory
	}
	switch c.TLS {
	case TLSMandatory, TLSOpportunistic:
	case TLSNone:
		if !isLoopback(c.Host) {
			return c, platform.Invalid("tls", "TLS policy none is allowed only for a loopback host (localhost, 127.0.0.1, ::1), not %q", c.Host)
		}
	default:
		return c, platform.Invalid("tls", "TLS policy %q is not one of mandatory, opportunistic or none", c.TLS)
	}
	if c.Password != "" && c.Username == "" {
		return c, platform.Invalid("username", "a username is required with a password")
	}
	if _, err := netmail.ParseAddress(c.From); err != nil {
		return c, platform.Invalid("from", "%q is not an email address", c.From)
	}
	if c.ReplyTo != "" {
		if _, err := netmail.ParseAddress(c.ReplyTo); err != nil {
			return c, platform.Invalid("reply_to", "%q is not an email address", c.ReplyTo)
		}
	}
	if c.Timeout < 0 {
		return c, platform.Invalid("timeout", "timeout %s is negative", c.Timeout)
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	return c, nil
}

// isLoopback reports whether host names this machine without a DNS lookup
// (a name that resolves to 127.0.0.1 today may not tomorrow).
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
