package discord_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/discord"
	"ezscale.cloud/platform/adapters/discord/discordtest"
)

var epoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// newNotifier returns a Notifier posting to webhookURL that waits by clock.
func newNotifier(t *testing.T, webhookURL string, clock *discordtest.Clock) *discord.Notifier {
	t.Helper()
	n, err := discord.New(discord.Config{
		WebhookURL: webhookURL,
		Username:   "EZSCALE Alerts",
		Now:        clock.Now,
		Sleep:      clock.Sleep,
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// setup starts a fake Discord and a Notifier for its webhook on one fake
// clock.
func setup(t *testing.T, cfg discordtest.Config) (*discordtest.Server, *discord.Notifier, *discordtest.Clock) {
	t.Helper()
	clock := discordtest.NewClock(epoch)
	cfg.Now = clock.Now
	fake := discordtest.New(t, cfg)
	return fake, newNotifier(t, fake.WebhookURL(), clock), clock
}

func onlyMessage(t *testing.T, fake *discordtest.Server) discordtest.Message {
	t.Helper()
	msgs := fake.Messages()
	if len(msgs) != 1 {
		t.Fatalf("Discord got %d messages, want 1", len(msgs))
	}
	return msgs[0]
}

func TestSendDeliversAlert(t *testing.T) {
	fake, n, _ := setup(t, discordtest.Config{})
	at := time.Date(2026, 2, 28, 9, 30, 0, 0, time.UTC)
	err := n.Send(context.Background(), discord.Alert{
		Title:       "Payment failed",
		Description: "Card declined: insufficient funds",
		Severity:    discord.Critical,
		Fields: []discord.Field{
			{Name: "Customer", Value: "Ada Lovelace", Inline: true},
			{Name: "Invoice", Value: "#1042", Inline: true},
			{Name: "Amount", Value: "€49.00"},
		},
		URL:  "https://billing.example.com/admin/invoices/1042",
		Time: at,
	})
	if err != nil {
		t.Fatal(err)
	}
	m := onlyMessage(t, fake)
	if m.Username != "EZSCALE Alerts" || len(m.Embeds) != 1 {
		t.Fatalf("message = %+v, want one embed from EZSCALE Alerts", m)
	}
	e := m.Embeds[0]
	if e.Title != "Payment failed" || e.Description != "Card declined: insufficient funds" ||
		e.URL != "https://billing.example.com/admin/invoices/1042" || e.Timestamp != "2026-02-28T09:30:00Z" {
		t.Errorf("embed = %+v", e)
	}
	if e.Color != 0xE74C3C {
		t.Errorf("color = %#x, want the critical red", e.Color)
	}
	want := []discordtest.EmbedField{
		{Name: "Customer", Value: "Ada Lovelace", Inline: true},
		{Name: "Invoice", Value: "#1042", Inline: true},
		{Name: "Amount", Value: "€49.00"},
	}
	if !slices.Equal(e.Fields, want) {
		t.Errorf("fields = %+v, want %+v", e.Fields, want)
	}
}

func TestSendTimestampsNowWhenAlertHasNoTime(t *testing.T) {
	fake, n, _ := setup(t, discordtest.Config{})
	if err := n.Send(context.Background(), discord.Alert{Title: "New signup"}); err != nil {
		t.Fatal(err)
	}
	if got := onlyMessage(t, fake).Embeds[0].Timestamp; got != epoch.Format(time.RFC3339) {
		t.Errorf("timestamp = %q, want the clock's %s", got, epoch.Format(time.RFC3339))
	}
}

func TestSendPingsNoOne(t *testing.T) {
	fake, n, _ := setup(t, discordtest.Config{})
	err := n.Send(context.Background(), discord.Alert{
		Title:       "New signup: @everyone",
		Description: "@here <@&123456789012345678>",
		Fields:      []discord.Field{{Name: "Name", Value: "@everyone"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	am := onlyMessage(t, fake).AllowedMentions
	if am == nil || am.Parse == nil || len(am.Parse) != 0 {
		t.Fatalf("allowed_mentions = %+v, want {\"parse\": []}", am)
	}
}

func TestSendCutsTextToDiscordLimits(t *testing.T) {
	fake, n, _ := setup(t, discordtest.Config{})
	fields := make([]discord.Field, 30)
	for i := range fields {
		fields[i] = discord.Field{Name: strings.Repeat("ñ", 300), Value: strings.Repeat("日", 2000)}
	}
	fields[0] = discord.Field{Name: "Error", Value: strings.Repeat("é", 1500)}
	fields[1] = discord.Field{Name: "   ", Value: ""}
	err := n.Send(context.Background(), discord.Alert{
		Title:       strings.Repeat("🚨", 300),
		Description: strings.Repeat("x", 5000),
		Fields:      fields,
	})
	if err != nil {
		t.Fatalf("Send: %v (the fake refuses what Discord would)", err)
	}
	e := onlyMessage(t, fake).Embeds[0]
	if got := utf8.RuneCountInString(e.Title); got != 256 || !strings.HasSuffix(e.Title, "…") {
		t.Errorf("title has %d runes ending %q, want 256 ending with an ellipsis", got, e.Title[len(e.Title)-3:])
	}
	if got := e.Fields[0].Value; utf8.RuneCountInString(got) != 1024 || !strings.HasSuffix(got, "é…") {
		t.Errorf("first field value has %d runes, want 1024 ending with é…", utf8.RuneCountInString(got))
	}
	if e.Fields[1].Name != "—" || e.Fields[1].Value != "—" {
		t.Errorf("blank field = %+v, want placeholders", e.Fields[1])
	}
	for _, s := range []string{e.Title, e.Description, e.Fields[0].Value} {
		if !utf8.ValidString(s) {
			t.Errorf("cut text is not valid UTF-8: %q", s)
		}
	}
}

func TestSendRefusesInvalidAlert(t *testing.T) {
	_, n, _ := setup(t, discordtest.Config{})
	for _, tt := range []struct {
		alert discord.Alert
		field string
	}{
		{discord.Alert{Title: "  "}, "title"},
		{discord.Alert{Title: "x", Severity: 9}, "severity"},
		{discord.Alert{Title: "x", URL: "/admin/orders/1"}, "url"},
		{discord.Alert{Title: "x", URL: "javascript:alert(1)"}, "url"},
	} {
		err := n.Send(context.Background(), tt.alert)
		if platform.ErrorCode(err) != platform.EINVALID || platform.ErrorField(err) != tt.field {
			t.Errorf("Send(%+v) = %v, want EINVALID on %s", tt.alert, err, tt.field)
		}
	}
}

func TestSendToMissingWebhook(t *testing.T) {
	clock := discordtest.NewClock(epoch)
	fake := discordtest.New(t, discordtest.Config{Now: clock.Now})
	for _, tt := range []struct {
		name, url, code string
	}{
		{"unknown id", fake.URL + "/api/webhooks/999/" + discordtest.WebhookToken, platform.ENOTFOUND},
		{"wrong token", fake.URL + "/api/webhooks/" + discordtest.WebhookID + "/not-the-token", platform.EUNAUTHORIZED},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := newNotifier(t, tt.url, clock).Send(context.Background(), discord.Alert{Title: "New order"})
			if platform.ErrorCode(err) != tt.code {
				t.Fatalf("Send = %v, want %s", err, tt.code)
			}
		})
	}
	if got := len(fake.Messages()); got != 0 {
		t.Errorf("Discord kept %d messages", got)
	}
}

// TestSendMapsStatuses covers answers the fake never gives for a correct
// request, from a stub standing in for Discord or a proxy in front of it.
func TestSendMapsStatuses(t *testing.T) {
	for _, tt := range []struct {
		status int
		body   string
		code   string
		detail string
	}{
		{400, `{"code": 50035, "message": "Invalid Form Body", "errors": {"embeds": {"0": {"url": {"_errors": [{"code": "URL_TYPE_INVALID_URL", "message": "Not a well formed URL."}]}}}}}`,
			platform.EINVALID, "Not a well formed URL."},
		{403, `{"code": 50013, "message": "Missing Permissions"}`, platform.EFORBIDDEN, "Missing Permissions"},
		{413, `<html>Request Entity Too Large</html>`, platform.EINVALID, "Request Entity Too Large"},
		{500, `{"code": 0, "message": "500: Internal Server Error"}`, platform.EINTERNAL, "500: Internal Server Error"},
		{502, `<html>Bad Gateway</html>`, platform.EINTERNAL, "Bad Gateway"},
	} {
		stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(tt.status)
			_, _ = w.Write([]byte(tt.body))
		}))
		n := newNotifier(t, stub.URL+"/api/webhooks/1/secret-token", discordtest.NewClock(epoch))
		err := n.Send(context.Background(), discord.Alert{Title: "Suspended"})
		stub.Close()
		if platform.ErrorCode(err) != tt.code || !strings.Contains(err.Error(), tt.detail) {
			t.Errorf("status %d: Send = %v, want %s mentioning %q", tt.status, err, tt.code, tt.detail)
		}
	}
}

func TestErrorsNeverShowToken(t *testing.T) {
	const token = "s3cr3t-T0KEN_value"
	clock := discordtest.NewClock(epoch)
	fake := discordtest.New(t, discordtest.Config{Now: clock.Now})
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()

	var errs []error
	for _, base := range []string{fake.URL, closed.URL} {
		for _, ctx := range []context.Context{context.Background(), cancelled} {
			n := newNotifier(t, base+"/api/webhooks/42/"+token, clock)
			errs = append(errs, n.Send(ctx, discord.Alert{Title: "Provisioning failed"}))
		}
	}
	_, err := discord.New(discord.Config{WebhookURL: "http://discord.example/api/webhooks/42/" + token})
	errs = append(errs, err)
	_, err = discord.New(discord.Config{WebhookURL: "https://discord.com/api/webhooks/x42/" + token})
	errs = append(errs, err)

	for _, err := range errs {
		if err == nil {
			t.Fatal("want an error from every case")
		}
		if strings.Contains(err.Error(), token) {
			t.Errorf("error shows the token: %v", err)
		}
	}
	if !strings.Contains(errs[0].Error(), "/api/webhooks/42/REDACTED") {
		t.Errorf("error %q should name the webhook with its token redacted", errs[0])
	}
}
