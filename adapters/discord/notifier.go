package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"ezscale.cloud/platform"
)

const (
	// maxAttempts bounds the tries of one Send that keep meeting 429s,
	// e.g. when other processes post to the same webhook.
	maxAttempts = 4
	// maxResponse bounds how much of a response is read: a saved message
	// or an error is a few kilobytes.
	maxResponse = 64 << 10
	// defaultTimeout bounds a request when Config.HTTPClient is nil.
	defaultTimeout = 10 * time.Second
)

// Config configures a Notifier.
type Config struct {
	// WebhookURL is the channel webhook's URL from Discord (channel
	// settings, Integrations, Webhooks), like
	// https://discord.com/api/webhooks/{id}/{token}. The token is a
	// secret: it alone lets anyone post in the channel.
	WebhookURL string
	// Username replaces the webhook's display name; empty keeps the name
	// set in Discord.
	Username string
	// HTTPClient makes the requests; nil means a client with a 10-second
	// timeout.
	HTTPClient *http.Client
	// Now and Sleep are the clock rate limits are waited out by; nil means
	// the wall clock. Tests share a fake clock with the discordtest server
	// so that waiting takes no real time. Sleep must return ctx's error
	// when ctx ends first.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// Notifier posts alerts to one Discord webhook. It is safe for concurrent
// use; concurrent Sends share what the responses said about the webhook's
// rate limit.
type Notifier struct {
	client   *http.Client
	hook     webhook
	username string
	limiter  *limiter
}

// New checks cfg and returns a Notifier for its webhook. It makes no
// request, so it works while Discord is down.
func New(cfg Config) (*Notifier, error) {
	hook, err := parseWebhook(cfg.WebhookURL)
	if err != nil {
		return nil, err
	}
	if err := checkUsername(cfg.Username); err != nil {
		return nil, err
	}
	n := &Notifier{
		client:   cfg.HTTPClient,
		hook:     hook,
		username: cfg.Username,
		limiter:  &limiter{now: cfg.Now, sleep: cfg.Sleep},
	}
	if n.client == nil {
		n.client = &http.Client{Timeout: defaultTimeout}
	}
	if n.limiter.now == nil {
		n.limiter.now = time.Now
	}
	if n.limiter.sleep == nil {
		n.limiter.sleep = sleep
	}
	return n, nil
}

// checkUsername applies Discord's rules for a webhook username, which
// fails every message with a 400 when broken.
func checkUsername(name string) error {
	if name == "" {
		return nil
	}
	if strings.TrimSpace(name) == "" || runes(name) > maxUsername {
		return platform.Invalid("username", "must be 1 to %d characters", maxUsername)
	}
	lower := strings.ToLower(name)
	for _, banned := range []string{"discord", "clyde"} {
		if strings.Contains(lower, banned) {
			return platform.Invalid("username", "Discord refuses webhook names containing %q", banned)
		}
	}
	return nil
}

// Send posts the alert and returns once Discord has saved the message. It
// waits out the webhook's rate limit, retrying a few times on 429, and
// returns ctx's error if ctx ends while it waits. See the package doc for
// which errors are worth retrying.
func (n *Notifier) Send(ctx context.Context, a Alert) error {
	if err := a.validate(); err != nil {
		return err
	}
	body, err := json.Marshal(newMessage(a, n.username, n.limiter.now()))
	if err != nil {
		return fmt.Errorf("discord: encode alert: %w", err)
	}
	for attempt := 1; ; attempt++ {
		if err := n.limiter.wait(ctx); err != nil {
			return err
		}
		err := n.post(ctx, body)
		if platform.ErrorCode(err) != platform.ERATELIMITED || attempt == maxAttempts {
			return err
		}
	}
}

// post makes one Execute Webhook request. A 429 blocks the limiter for
// as long as Discord asked and returns ERATELIMITED.
func (n *Notifier) post(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.hook.endpoint, bytes.NewReader(body))
	if err != nil {
		return transportError(err, n.hook.redacted)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := n.client.Do(req)
	if err != nil {
		return transportError(err, n.hook.redacted)
	}
	defer resp.Body.Close()
	// A body cut short only loses detail from an error message; the
	// status decides the outcome.
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponse))

	n.limiter.observe(resp.Header)
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusTooManyRequests:
		d := retryAfter(resp.Header, data)
		n.limiter.blockFor(d)
		return platform.Errorf(platform.ERATELIMITED, "discord: webhook %s rate limited; retry after %s", n.hook.redacted, d)
	default:
		return statusError(resp.StatusCode, data, n.hook.redacted)
	}
}
