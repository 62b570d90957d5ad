package discord

import (
	"net"
	"net/url"
	"regexp"
	"strings"

	"ezscale.cloud/platform"
)

// webhookPath matches Discord's webhook paths, with or without an API
// version: /api/webhooks/{id}/{token} and /api/v10/webhooks/{id}/{token}.
// Ids are snowflakes (digits); tokens are URL-safe base64.
var webhookPath = regexp.MustCompile(`^/api/(?:v\d+/)?webhooks/(\d+)/([A-Za-z0-9_-]+)/?$`)

// webhook is a checked webhook URL.
type webhook struct {
	// endpoint is where to post: the URL with wait=true, so Discord
	// answers only once the message is saved and reports a message it
	// could not save as an error instead of dropping it silently.
	endpoint string
	// redacted names the webhook in errors and logs, with its token
	// replaced.
	redacted string
}

// parseWebhook checks that raw is a Discord webhook URL on https (or plain
// http on a loopback address, for test servers). Its errors never quote raw,
// which holds the token.
func parseWebhook(raw string) (webhook, error) {
	if raw == "" {
		return webhook{}, platform.Invalid("webhook_url", "a Discord webhook URL is required")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" || u.User != nil {
		return webhook{}, platform.Invalid("webhook_url", "not a webhook URL; copy it from the channel's Integrations settings in Discord")
	}
	if u.Scheme != "https" && (u.Scheme != "http" || !isLoopback(u.Hostname())) {
		return webhook{}, platform.Invalid("webhook_url", "must be an https URL (plain http is allowed only on a loopback address, for tests)")
	}
	m := webhookPath.FindStringSubmatchIndex(u.Path)
	if m == nil {
		return webhook{}, platform.Invalid("webhook_url", "must look like https://discord.com/api/webhooks/{id}/{token}")
	}
	u.RawPath, u.Fragment = "", ""
	q := u.Query()
	q.Set("wait", "true")
	u.RawQuery = q.Encode()
	endpoint := u.String()

	tokenStart := m[4]
	u.Path = u.Path[:tokenStart] + "REDACTED"
	u.RawQuery = ""
	return webhook{endpoint: endpoint, redacted: u.String()}, nil
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
