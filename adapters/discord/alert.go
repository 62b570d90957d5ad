package discord

import (
	"net/url"
	"strings"
	"time"

	"ezscale.cloud/platform"
)

// Severity picks an alert's colour, so staff scrolling the channel can tell
// at a glance which alerts need someone.
type Severity int

// The severities, from routine to urgent.
const (
	// Info is routine news: a new signup, a new order.
	Info Severity = iota
	// Success is good news worth a look: an order above the configured
	// amount.
	Success
	// Warning is a change staff should know about: a suspension, a
	// cancellation.
	Warning
	// Critical needs someone now: a failed payment, a failed provisioning,
	// a failed admin login.
	Critical
)

// severityColors are the embed colours (0xRRGGBB) of the severities.
var severityColors = [...]int{
	Info:     0x3498DB,
	Success:  0x2ECC71,
	Warning:  0xF1C40F,
	Critical: 0xE74C3C,
}

// Alert is one message for the staff channel. Text may be any length and
// may hold user input: Send cuts it to Discord's limits and stops mentions
// in it from pinging anyone.
type Alert struct {
	Title       string
	Description string
	Severity    Severity
	// Fields are shown in order, as name/value pairs under the
	// description.
	Fields []Field
	// URL, when set, makes the title a link, e.g. to the order in the
	// admin panel.
	URL string
	// Time is when the event happened; zero means when Send posts it. Set
	// it from the job's payload so a retried alert shows the event's time.
	Time time.Time
}

// Field is one name/value line of an Alert. Inline fields sit side by side.
type Field struct {
	Name   string
	Value  string
	Inline bool
}

// validate rejects alerts Discord would refuse whatever their length, so
// the caller gets EINVALID naming the field instead of Discord's 400.
func (a Alert) validate() error {
	if strings.TrimSpace(a.Title) == "" {
		return platform.Invalid("title", "an alert needs a title")
	}
	if a.Severity < Info || a.Severity > Critical {
		return platform.Invalid("severity", "unknown severity %d", a.Severity)
	}
	if a.URL != "" {
		u, err := url.Parse(a.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return platform.Invalid("url", "the alert link must be an absolute http or https URL")
		}
	}
	return nil
}
