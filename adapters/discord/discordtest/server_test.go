package discordtest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"ezscale.cloud/platform/adapters/discord/discordtest"
)

// post sends body to url as Execute Webhook does and returns the status,
// headers and decoded JSON answer.
func post(t *testing.T, method, url, contentType, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if len(data) > 0 {
		if err := json.Unmarshal(data, &got); err != nil {
			t.Fatalf("answer is not JSON: %s", data)
		}
	}
	return resp.StatusCode, resp.Header, got
}

func TestRefusesWrongRequests(t *testing.T) {
	fake := discordtest.New(t, discordtest.Config{Limit: 100})
	hook := fake.WebhookURL()
	long := func(n int) string { return strings.Repeat("a", n) }
	fields := func(n int) string {
		f := make([]string, n)
		for i := range f {
			f[i] = `{"name": "n", "value": "v"}`
		}
		return strings.Join(f, ",")
	}
	for _, tt := range []struct {
		name, method, url, contentType, body string
		status                               int
		code                                 float64
		errorAt                              string // a key path in "errors" that must be present
	}{
		{"wrong method", "PUT", hook, "application/json", `{"content": "hi"}`, 405, 0, ""},
		{"unknown webhook", "POST", fake.URL + "/api/webhooks/1/" + discordtest.WebhookToken, "application/json", `{"content": "hi"}`, 404, 10015, ""},
		{"wrong token", "POST", fake.URL + "/api/webhooks/" + discordtest.WebhookID + "/nope", "application/json", `{"content": "hi"}`, 401, 50027, ""},
		{"other path", "POST", fake.URL + "/api/channels/1/messages", "application/json", `{"content": "hi"}`, 404, 0, ""},
		{"form body", "POST", hook, "application/x-www-form-urlencoded", `content=hi`, 400, 50006, ""},
		{"bad JSON", "POST", hook, "application/json", `{"content": `, 400, 50109, ""},
		{"empty", "POST", hook, "application/json", `{"content": "  "}`, 400, 50006, ""},
		{"content too long", "POST", hook, "application/json", `{"content": "` + long(2001) + `"}`, 400, 50035, "content"},
		{"bad username", "POST", hook, "application/json", `{"content": "hi", "username": "Discord bot"}`, 400, 50035, "username"},
		{"title too long", "POST", hook, "application/json", `{"embeds": [{"title": "` + long(257) + `"}]}`, 400, 50035, "embeds.0.title"},
		{"description too long", "POST", hook, "application/json", `{"embeds": [{"description": "` + long(4097) + `"}]}`, 400, 50035, "embeds.0.description"},
		{"too many fields", "POST", hook, "application/json", `{"embeds": [{"fields": [` + fields(26) + `]}]}`, 400, 50035, "embeds.0.fields"},
		{"empty field value", "POST", hook, "application/json", `{"embeds": [{"fields": [{"name": "n", "value": ""}]}]}`, 400, 50035, "embeds.0.fields.0.value"},
		{"field name too long", "POST", hook, "application/json", `{"embeds": [{"fields": [{"name": "` + long(257) + `", "value": "v"}]}]}`, 400, 50035, "embeds.0.fields.0.name"},
		{"field value too long", "POST", hook, "application/json", `{"embeds": [{"fields": [{"name": "n", "value": "` + long(1025) + `"}]}]}`, 400, 50035, "embeds.0.fields.0.value"},
		{"embed too big", "POST", hook, "application/json", `{"embeds": [{"title": "` + long(256) + `", "description": "` + long(4096) + `", "fields": [{"name": "n", "value": "` + long(1024) + `"}, {"name": "n", "value": "` + long(1024) + `"}]}]}`, 400, 50035, "embeds"},
		{"bad url", "POST", hook, "application/json", `{"embeds": [{"title": "t", "url": "/relative"}]}`, 400, 50035, "embeds.0.url"},
		{"bad timestamp", "POST", hook, "application/json", `{"embeds": [{"title": "t", "timestamp": "yesterday"}]}`, 400, 50035, "embeds.0.timestamp"},
		{"bad color", "POST", hook, "application/json", `{"embeds": [{"title": "t", "color": 16777216}]}`, 400, 50035, "embeds.0.color"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := post(t, tt.method, tt.url, tt.contentType, tt.body)
			if status != tt.status || body["code"] != tt.code {
				t.Fatalf("got %d %v, want %d with code %v", status, body, tt.status, tt.code)
			}
			if tt.errorAt == "" {
				return
			}
			node, _ := body["errors"].(map[string]any)
			for _, key := range strings.Split(tt.errorAt, ".") {
				node, _ = node[key].(map[string]any)
			}
			if _, ok := node["_errors"]; !ok {
				t.Errorf("errors %v do not point at %s", body["errors"], tt.errorAt)
			}
		})
	}
	if got := len(fake.Messages()); got != 0 {
		t.Errorf("kept %d refused messages", got)
	}
}

func TestKeepsAcceptedMessages(t *testing.T) {
	fake := discordtest.New(t, discordtest.Config{})
	status, _, _ := post(t, "POST", fake.WebhookURL(), "application/json", `{"content": "first"}`)
	if status != http.StatusNoContent {
		t.Fatalf("without wait: status %d, want 204", status)
	}
	status, _, saved := post(t, "POST", fake.WebhookURL()+"?wait=true", "application/json; charset=utf-8",
		`{"username": "Alerts", "embeds": [{"title": "New order", "fields": [{"name": "Total", "value": "€10", "inline": true}]}], "allowed_mentions": {"parse": []}}`)
	if status != http.StatusOK || saved["id"] != "2" || saved["webhook_id"] != discordtest.WebhookID {
		t.Fatalf("with wait: %d %v, want 200 and the saved message", status, saved)
	}
	msgs := fake.Messages()
	if len(msgs) != 2 || msgs[0].Content != "first" || msgs[0].AllowedMentions != nil {
		t.Fatalf("messages = %+v", msgs)
	}
	m := msgs[1]
	if m.Username != "Alerts" || m.Embeds[0].Fields[0] != (discordtest.EmbedField{Name: "Total", Value: "€10", Inline: true}) ||
		m.AllowedMentions == nil || m.AllowedMentions.Parse == nil {
		t.Errorf("second message = %+v", m)
	}
}

func TestRateLimitsEachWebhook(t *testing.T) {
	clock := discordtest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	fake := discordtest.New(t, discordtest.Config{Limit: 2, Window: 1500 * time.Millisecond, Now: clock.Now})
	send := func() (int, http.Header, map[string]any) {
		return post(t, "POST", fake.WebhookURL(), "application/json", `{"content": "hi"}`)
	}

	_, h, _ := send()
	if h.Get("X-RateLimit-Limit") != "2" || h.Get("X-RateLimit-Remaining") != "1" ||
		h.Get("X-RateLimit-Reset-After") != "1.500" || h.Get("X-RateLimit-Reset") != "1767225601.500" || h.Get("X-RateLimit-Bucket") == "" {
		t.Errorf("first answer's headers = %v", h)
	}
	if _, h, _ = send(); h.Get("X-RateLimit-Remaining") != "0" {
		t.Errorf("second answer: remaining %q, want 0", h.Get("X-RateLimit-Remaining"))
	}
	_ = clock.Sleep(t.Context(), 500*time.Millisecond)
	status, h, body := send()
	if status != http.StatusTooManyRequests || body["retry_after"] != 1.0 || body["global"] != false ||
		h.Get("Retry-After") != "1" || h.Get("X-RateLimit-Reset-After") != "1.000" {
		t.Errorf("third answer: %d %v %v, want a 429 saying wait 1s", status, h, body)
	}
	if status, _, _ := post(t, "POST", fake.URL+"/api/webhooks/7/x", "application/json", `{}`); status != http.StatusNotFound {
		t.Errorf("another webhook: status %d, want its own bucket and a 404", status)
	}

	_ = clock.Sleep(t.Context(), time.Second)
	if status, h, _ := send(); status != http.StatusNoContent || h.Get("X-RateLimit-Remaining") != "1" {
		t.Errorf("after the window: %d, remaining %q; want a fresh bucket", status, h.Get("X-RateLimit-Remaining"))
	}
	if fake.Throttled() != 1 || len(fake.Messages()) != 3 {
		t.Errorf("throttled %d, kept %d; want 1 and 3", fake.Throttled(), len(fake.Messages()))
	}
}
