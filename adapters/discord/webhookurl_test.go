package discord_test

import (
	"strings"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/discord"
)

func TestNewAcceptsWebhookURLs(t *testing.T) {
	for _, url := range []string{
		"https://discord.com/api/webhooks/1184526938725203978/AbC-dEf_123",
		"https://discordapp.com/api/webhooks/1184526938725203978/AbC-dEf_123",
		"https://discord.com/api/v10/webhooks/1184526938725203978/AbC-dEf_123/",
		"https://discord.com/api/webhooks/1184526938725203978/AbC?thread_id=42",
		"http://127.0.0.1:8080/api/webhooks/1/token",
		"http://localhost/api/webhooks/1/token",
		"http://[::1]:9/api/webhooks/1/token",
	} {
		if _, err := discord.New(discord.Config{WebhookURL: url}); err != nil {
			t.Errorf("New(%q) = %v", url, err)
		}
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	const good = "https://discord.com/api/webhooks/1184526938725203978/AbC-dEf_123"
	for _, tt := range []struct {
		cfg   discord.Config
		field string
	}{
		{discord.Config{}, "webhook_url"},
		{discord.Config{WebhookURL: "discord.com/api/webhooks/1/AbC-dEf_123"}, "webhook_url"},
		{discord.Config{WebhookURL: "http://discord.com/api/webhooks/1/AbC-dEf_123"}, "webhook_url"},
		{discord.Config{WebhookURL: "ftp://discord.com/api/webhooks/1/AbC-dEf_123"}, "webhook_url"},
		{discord.Config{WebhookURL: "https://user:AbC-dEf_123@discord.com/api/webhooks/1/x"}, "webhook_url"},
		{discord.Config{WebhookURL: "https://discord.com/api/webhooks/1184526938725203978"}, "webhook_url"},
		{discord.Config{WebhookURL: "https://discord.com/api/webhooks/abc/AbC-dEf_123"}, "webhook_url"},
		{discord.Config{WebhookURL: "https://discord.com/channels/1/AbC-dEf_123"}, "webhook_url"},
		{discord.Config{WebhookURL: "https://hooks.slack.com/services/T000/B000/AbC-dEf_123"}, "webhook_url"},
		{discord.Config{WebhookURL: "%zz/AbC-dEf_123"}, "webhook_url"},
		{discord.Config{WebhookURL: good, Username: strings.Repeat("a", 81)}, "username"},
		{discord.Config{WebhookURL: good, Username: "   "}, "username"},
		{discord.Config{WebhookURL: good, Username: "Discord Alerts"}, "username"},
		{discord.Config{WebhookURL: good, Username: "Clyde"}, "username"},
	} {
		_, err := discord.New(tt.cfg)
		if platform.ErrorCode(err) != platform.EINVALID || platform.ErrorField(err) != tt.field {
			t.Errorf("New(%+v) = %v, want EINVALID on %s", tt.cfg, err, tt.field)
		}
		if err != nil && strings.Contains(err.Error(), "AbC-dEf_123") {
			t.Errorf("error shows the token: %v", err)
		}
	}
}
