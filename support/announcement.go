package support

import (
	"strings"
	"time"

	"ezscale.cloud/platform"
)

// Announcement is news shown to customers on the dashboard. A zero
// PublishedAt is a draft; a PublishedAt in the future schedules it.
type Announcement struct {
	ID          int64
	Title       string
	Body        string
	PublishedAt time.Time
	CreatedAt   time.Time
}

// Visible reports whether customers see the announcement at now: it is
// published and its publication time has come.
func (a Announcement) Visible(now time.Time) bool {
	return !a.PublishedAt.IsZero() && !a.PublishedAt.After(now)
}

// Validate checks that the announcement has a title and a body.
func (a Announcement) Validate() error {
	if strings.TrimSpace(a.Title) == "" {
		return platform.Invalid("title", "title is required")
	}
	if strings.TrimSpace(a.Body) == "" {
		return platform.Invalid("body", "body is required")
	}
	return nil
}
