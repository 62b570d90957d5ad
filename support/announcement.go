package support

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

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

// Validate checks that the announcement has a title and a body of a
// size a dashboard can show.
func (a Announcement) Validate() error {
	switch {
	case strings.TrimSpace(a.Title) == "":
		return platform.Invalid("title", "title is required")
	case utf8.RuneCountInString(a.Title) > maxAnnouncementTitle:
		return platform.Invalid("title", "title is longer than %d characters", maxAnnouncementTitle)
	case strings.TrimSpace(a.Body) == "":
		return platform.Invalid("body", "body is required")
	case utf8.RuneCountInString(a.Body) > maxAnnouncementBody:
		return platform.Invalid("body", "body is longer than %d characters", maxAnnouncementBody)
	}
	return nil
}

// Announcements are limited in size: they are read on a dashboard.
const (
	maxAnnouncementTitle = 191
	maxAnnouncementBody  = 10000
)

// AnnouncementStore keeps announcements.
type AnnouncementStore interface {
	CreateAnnouncement(ctx context.Context, a *Announcement) error
	// UpdateAnnouncement and DeleteAnnouncement answer ENOTFOUND for an
	// unknown id.
	UpdateAnnouncement(ctx context.Context, a *Announcement) error
	DeleteAnnouncement(ctx context.Context, id int64) error
	// ListAnnouncements returns every announcement, drafts too, newest
	// first.
	ListAnnouncements(ctx context.Context) ([]*Announcement, error)
	// PublishedAnnouncements returns the announcements visible at now,
	// most recently published first, at most limit of them.
	PublishedAnnouncements(ctx context.Context, now time.Time, limit int) ([]*Announcement, error)
}

// Announcements is what staff and customers do with announcements.
type Announcements struct {
	Store AnnouncementStore
	Clock platform.Clock
}

// Create validates and stores a new announcement.
func (s *Announcements) Create(ctx context.Context, a *Announcement) error {
	if err := a.Validate(); err != nil {
		return err
	}
	a.CreatedAt = platform.Truncate(s.Clock.Now())
	a.PublishedAt = platform.Truncate(a.PublishedAt)
	return s.Store.CreateAnnouncement(ctx, a)
}

// Update validates and stores an edited announcement.
func (s *Announcements) Update(ctx context.Context, a *Announcement) error {
	if err := a.Validate(); err != nil {
		return err
	}
	a.PublishedAt = platform.Truncate(a.PublishedAt)
	return s.Store.UpdateAnnouncement(ctx, a)
}

// Delete removes an announcement.
func (s *Announcements) Delete(ctx context.Context, id int64) error {
	return s.Store.DeleteAnnouncement(ctx, id)
}

// All returns every announcement for staff, drafts and scheduled ones too.
func (s *Announcements) All(ctx context.Context) ([]*Announcement, error) {
	return s.Store.ListAnnouncements(ctx)
}

// Published returns what customers see now, newest first.
func (s *Announcements) Published(ctx context.Context, limit int) ([]*Announcement, error) {
	return s.Store.PublishedAnnouncements(ctx, s.Clock.Now(), limit)
}
