package sqlstore

import (
	"context"
	"time"

	"ezscale.cloud/platform/adapters/sqlstore/internal/dbsqlc"
	"ezscale.cloud/platform/support"
)

// CreateAnnouncement inserts an announcement and sets its ID.
func (s *Store) CreateAnnouncement(ctx context.Context, a *support.Announcement) error {
	id, err := s.writeQ().AnnouncementInsert(ctx, dbsqlc.AnnouncementInsertParams{
		Title: a.Title, Body: a.Body, PublishedAt: nullTime(a.PublishedAt), CreatedAt: a.CreatedAt,
	})
	if err != nil {
		return s.translate(err, "announcement")
	}
	a.ID = id
	return nil
}

// UpdateAnnouncement stores an edited announcement.
func (s *Store) UpdateAnnouncement(ctx context.Context, a *support.Announcement) error {
	n, err := s.writeQ().AnnouncementUpdate(ctx, dbsqlc.AnnouncementUpdateParams{
		Title: a.Title, Body: a.Body, PublishedAt: nullTime(a.PublishedAt), ID: a.ID,
	})
	return s.rowChanged(n, err, "announcement")
}

// DeleteAnnouncement removes an announcement.
func (s *Store) DeleteAnnouncement(ctx context.Context, id int64) error {
	n, err := s.writeQ().AnnouncementDelete(ctx, id)
	return s.rowChanged(n, err, "announcement")
}

// ListAnnouncements returns the newest announcements, drafts included.
func (s *Store) ListAnnouncements(ctx context.Context) ([]*support.Announcement, error) {
	rows, err := s.q.AnnouncementList(ctx)
	if err != nil {
		return nil, s.translate(err, "announcements")
	}
	return announcementsFromRows(rows, len(rows)), nil
}

// PublishedAnnouncements returns what customers see at now, newest first.
func (s *Store) PublishedAnnouncements(ctx context.Context, now time.Time, limit int) ([]*support.Announcement, error) {
	rows, err := s.q.AnnouncementPublished(ctx, nullTime(now))
	if err != nil {
		return nil, s.translate(err, "announcements")
	}
	return announcementsFromRows(rows, limit), nil
}

func announcementsFromRows(rows []dbsqlc.Announcement, limit int) []*support.Announcement {
	out := make([]*support.Announcement, 0, min(len(rows), limit))
	for _, r := range rows[:min(len(rows), limit)] {
		out = append(out, &support.Announcement{ID: r.ID, Title: r.Title, Body: r.Body, PublishedAt: timeOf(r.PublishedAt), CreatedAt: r.CreatedAt.UTC()})
	}
	return out
}
