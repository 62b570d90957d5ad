package discord_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/discord"
	"ezscale.cloud/platform/adapters/discord/discordtest"
)

func alert(i int) discord.Alert {
	return discord.Alert{Title: fmt.Sprintf("New order #%d", i), Severity: discord.Info}
}

func TestSendWaitsOutEmptyBucket(t *testing.T) {
	fake, n, clock := setup(t, discordtest.Config{Limit: 5, Window: 2 * time.Second})
	for i := range 12 {
		if err := n.Send(context.Background(), alert(i)); err != nil {
			t.Fatalf("alert %d: %v", i, err)
		}
	}
	msgs := fake.Messages()
	if len(msgs) != 12 {
		t.Fatalf("Discord got %d messages, want 12", len(msgs))
	}
	for i, m := range msgs {
		if want := fmt.Sprintf("New order #%d", i); m.Embeds[0].Title != want {
			t.Errorf("message %d is %q, want %q", i, m.Embeds[0].Title, want)
		}
	}
	if got := fake.Throttled(); got != 0 {
		t.Errorf("Discord answered %d 429s; the notifier should wait before it is refused", got)
	}
	if got := clock.Slept(); got != 4*time.Second {
		t.Errorf("waited %s, want two 2s windows", got)
	}
}

// TestSendRetriesAfter429 has two notifiers share a webhook, as two worker
// processes do: the second does not know the bucket is empty until
// Discord refuses it.
func TestSendRetriesAfter429(t *testing.T) {
	fake, first, clock := setup(t, discordtest.Config{Limit: 5, Window: 2 * time.Second})
	second := newNotifier(t, fake.WebhookURL(), clock)
	for i := range 5 {
		if err := first.Send(context.Background(), alert(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := second.Send(context.Background(), alert(5)); err != nil {
		t.Fatalf("Send after a 429: %v", err)
	}
	if got := len(fake.Messages()); got != 6 {
		t.Errorf("Discord got %d messages, want 6", got)
	}
	if got := fake.Throttled(); got != 1 {
		t.Errorf("Discord answered %d 429s, want 1", got)
	}
	if got := clock.Slept(); got != 2*time.Second {
		t.Errorf("waited %s, want the 2s retry_after", got)
	}
}

func TestSendGivesUpAfterRepeated429s(t *testing.T) {
	var requests atomic.Int32
	stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"message": "You are being rate limited.", "retry_after": 0.25, "global": false}`))
	}))
	defer stub.Close()
	clock := discordtest.NewClock(epoch)
	err := newNotifier(t, stub.URL+"/api/webhooks/1/token", clock).Send(context.Background(), alert(1))
	if platform.ErrorCode(err) != platform.ERATELIMITED {
		t.Fatalf("Send = %v, want ERATELIMITED", err)
	}
	if got := requests.Load(); got != 4 {
		t.Errorf("made %d requests, want 4", got)
	}
	if got := clock.Slept(); got != 750*time.Millisecond {
		t.Errorf("waited %s, want 3 × retry_after 0.25s", got)
	}
}

func TestSendLeavesLongWaitsToJobQueue(t *testing.T) {
	_, n, clock := setup(t, discordtest.Config{Limit: 1, Window: 10 * time.Minute})
	if err := n.Send(context.Background(), alert(1)); err != nil {
		t.Fatal(err)
	}
	err := n.Send(context.Background(), alert(2))
	if platform.ErrorCode(err) != platform.ERATELIMITED {
		t.Fatalf("Send = %v, want ERATELIMITED", err)
	}
	if got := clock.Slept(); got != 0 {
		t.Errorf("slept %s before giving up, want no sleep", got)
	}
}

// TestSendConcurrently sends from several goroutines on the wall clock
// with a short window; only the outcome is checked, never the timing.
func TestSendConcurrently(t *testing.T) {
	fake := discordtest.New(t, discordtest.Config{Limit: 5, Window: 100 * time.Millisecond})
	n, err := discord.New(discord.Config{WebhookURL: fake.WebhookURL()})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 12)
	for i := range errs {
		wg.Go(func() { errs[i] = n.Send(context.Background(), alert(i)) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if got := len(fake.Messages()); got != 12 {
		t.Errorf("Discord got %d messages, want 12", got)
	}
}

func TestSendStopsWaitingWhenContextEnds(t *testing.T) {
	fake := discordtest.New(t, discordtest.Config{Limit: 1, Window: 30 * time.Second})
	n, err := discord.New(discord.Config{WebhookURL: fake.WebhookURL()})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Send(context.Background(), alert(1)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := n.Send(ctx, alert(2)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Send = %v, want the context's deadline error", err)
	}
	if got := len(fake.Messages()); got != 1 {
		t.Errorf("Discord got %d messages, want 1", got)
	}
}
