package smtp

import (
	"context"

	gomail "github.com/wneessen/go-mail"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/notify"
)

// Mailer sends notify.Messages through one SMTP server. It is safe for
// concurrent use.
type Mailer struct {
	cfg     Config
	options []gomail.Option
}

var _ notify.Mailer = (*Mailer)(nil)

// New checks cfg and returns a Mailer for it. It does not connect, so a
// server that is down at start-up delays mail rather than the start.
func New(cfg Config) (*Mailer, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Mailer{cfg: cfg, options: clientOptions(cfg)}, nil
}

// clientOptions turns a checked Config into go-mail client options.
func clientOptions(cfg Config) []gomail.Option {
	opts := []gomail.Option{gomail.WithPort(cfg.Port), gomail.WithTimeout(cfg.Timeout)}
	switch {
	case cfg.TLS == TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case cfg.Port == implicitTLS:
		opts = append(opts, gomail.WithSSL())
	case cfg.TLS == TLSOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if cfg.Username == "" {
		return opts
	}
	opts = append(opts, gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	if cfg.TLS == TLSNone {
		// The host is loopback, so a plain password never leaves the machine.
		return append(opts, gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlainNoEnc, gomail.SMTPAuthLoginNoEnc))
	}
	// Auto-discovery picks the strongest mechanism the server offers and
	// refuses PLAIN and LOGIN on a session that ended up unencrypted.
	return append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover))
}

// Send delivers msg over a new connection. Errors are EINVALID for a
// message that can never be sent as it is (a bad address, or a permanent
// refusal by the server) and EINTERNAL for anything worth retrying.
func (m *Mailer) Send(ctx context.Context, msg notify.Message) error {
	out, err := m.message(msg)
	if err != nil {
		return err
	}
	client, err := gomail.NewClient(m.cfg.Host, m.options...)
	if err != nil {
		return &platform.Error{Code: platform.EINTERNAL, Message: "setting up the SMTP client", Err: err}
	}
	if err := client.DialAndSendWithContext(ctx, out); err != nil {
		return sendError(err)
	}
	return nil
}
