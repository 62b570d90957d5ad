package smtp_test

import (
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/smtp"
)

func TestNewValidatesConfig(t *testing.T) {
	valid := func() smtp.Config {
		return smtp.Config{Host: "smtp.example.com", From: "EZSCALE Hosting <billing@ezscale.cloud>"}
	}
	for _, tc := range []struct {
		name  string
		edit  func(*smtp.Config)
		field string
	}{
		{"no host", func(c *smtp.Config) { c.Host = "" }, "host"},
		{"host with port", func(c *smtp.Config) { c.Host = "smtp.example.com:587" }, "host"},
		{"host as URL", func(c *smtp.Config) { c.Host = "smtp://smtp.example.com" }, "host"},
		{"port too big", func(c *smtp.Config) { c.Port = 70000 }, "port"},
		{"negative port", func(c *smtp.Config) { c.Port = -1 }, "port"},
		{"unknown TLS policy", func(c *smtp.Config) { c.TLS = "sometimes" }, "tls"},
		{"no TLS to a remote host", func(c *smtp.Config) { c.TLS = smtp.TLSNone }, "tls"},
		{"no TLS to a name that may resolve anywhere", func(c *smtp.Config) { c.Host, c.TLS = "mail.local", smtp.TLSNone }, "tls"},
		{"password without username", func(c *smtp.Config) { c.Password = "secret" }, "username"},
		{"no sender", func(c *smtp.Config) { c.From = "" }, "from"},
		{"bad sender", func(c *smtp.Config) { c.From = "billing at ezscale" }, "from"},
		{"bad reply-to", func(c *smtp.Config) { c.ReplyTo = "support@" }, "reply_to"},
		{"negative timeout", func(c *smtp.Config) { c.Timeout = -time.Second }, "timeout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := valid()
			tc.edit(&cfg)
			_, err := smtp.New(cfg)
			if platform.ErrorCode(err) != platform.EINVALID || platform.ErrorField(err) != tc.field {
				t.Errorf("got %v, want EINVALID on %s", err, tc.field)
			}
		})
	}
}

func TestNewAcceptsGoodConfigs(t *testing.T) {
	for _, cfg := range []smtp.Config{
		{Host: "smtp.example.com", From: "billing@ezscale.cloud"},
		{Host: "smtp.example.com", Port: 465, Username: "u", Password: "p", From: "billing@ezscale.cloud", ReplyTo: "support@ezscale.cloud"},
		{Host: "smtp.example.com", TLS: smtp.TLSOpportunistic, From: "billing@ezscale.cloud", Timeout: time.Minute},
		{Host: "localhost", TLS: smtp.TLSNone, From: "billing@ezscale.cloud"},
		{Host: "127.0.0.2", TLS: smtp.TLSNone, From: "billing@ezscale.cloud"},
		{Host: "::1", TLS: smtp.TLSNone, From: "billing@ezscale.cloud"},
		{Host: "2001:db8::25", From: "billing@ezscale.cloud"},
	} {
		if _, err := smtp.New(cfg); err != nil {
			t.Errorf("%+v: %v", cfg, err)
		}
	}
}
