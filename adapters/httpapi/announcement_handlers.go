package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/httpapi/internal/humaop"
	"ezscale.cloud/platform/identity"
	"ezscale.cloud/platform/support"
)

type announcementBody struct {
	ID          int64     `json:"id"`
	Title       string    `json:"title"`
	Body        string    `json:"body" doc:"Plain text; line breaks are kept."`
	PublishedAt time.Time `json:"published_at,omitzero" doc:"Absent for a draft; in the future, it is scheduled."`
	CreatedAt   time.Time `json:"created_at"`
}

type announcementsOutput struct {
	Body struct {
		Announcements []announcementBody `json:"announcements"`
	}
}

type announcementFields struct {
	Title       string    `json:"title" minLength:"1" maxLength:"191"`
	Body        string    `json:"body" minLength:"1" maxLength:"10000"`
	PublishedAt time.Time `json:"published_at,omitzero" doc:"When customers see it; absent keeps it a draft."`
}

type createAnnouncementInput struct {
	request
	Body announcementFields
}

type updateAnnouncementInput struct {
	request
	ID   int64 `path:"id"`
	Body announcementFields
}

type deleteAnnouncementInput struct {
	request
	ID int64 `path:"id"`
}

type publishedAnnouncementsInput struct {
	Limit int `query:"limit" minimum:"1" maximum:"50" default:"5"`
}

func announcementOut(a *support.Announcement) announcementBody {
	return announcementBody{ID: a.ID, Title: a.Title, Body: a.Body, PublishedAt: a.PublishedAt, CreatedAt: a.CreatedAt}
}

func announcementsOut(as []*support.Announcement) *announcementsOutput {
	out := &announcementsOutput{}
	out.Body.Announcements = make([]announcementBody, 0, len(as))
	for _, a := range as {
		out.Body.Announcements = append(out.Body.Announcements, announcementOut(a))
	}
	return out
}

// registerAnnouncements mounts the published announcements, public like
// the catalog (the storefront may show them), and the staff's editor,
// whose changes need the settings permission and are audited.
func (s *Server) registerAnnouncements(news *support.Announcements, audit identity.AuditLog, clock platform.Clock) {
	staff := access{staff: true, scope: identity.ScopeAdmin}
	change := func(ctx context.Context, rq request, c staffChange) error {
		return s.applyStaffChange(ctx, rq, audit, clock, c)
	}
	humaop.Register(s.api, huma.Operation{
		OperationID: "announcements", Method: http.MethodGet, Path: APIPrefix + "/announcements", Tags: []string{"support"},
		Summary: "Published announcements, newest first", Middlewares: huma.Middlewares{s.guard(access{public: true})},
	}, func(ctx context.Context, in *publishedAnnouncementsInput) (*announcementsOutput, error) {
		as, err := news.Published(ctx, in.Limit)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return announcementsOut(as), nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "admin-announcements", Method: http.MethodGet, Path: adminPrefix + "announcements", Tags: []string{"admin"},
		Summary: "Every announcement, drafts and scheduled ones too", Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, _ *struct{}) (*announcementsOutput, error) {
		as, err := news.All(ctx)
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return announcementsOut(as), nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "create-announcement", Method: http.MethodPost, Path: adminPrefix + "announcements", Tags: []string{"admin"},
		Summary: "Write an announcement", DefaultStatus: http.StatusCreated, Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *createAnnouncementInput) (*struct{ Body announcementBody }, error) {
		a := &support.Announcement{Title: in.Body.Title, Body: in.Body.Body, PublishedAt: in.Body.PublishedAt}
		err := change(ctx, in.request, staffChange{perm: identity.PermSettingsWrite, action: "announcement.create", resourceType: "announcement", details: in.Body,
			change: func(int64) (string, error) { err := news.Create(ctx, a); return strconv.FormatInt(a.ID, 10), err }})
		if err != nil {
			return nil, apiError(s.log, err)
		}
		return &struct{ Body announcementBody }{Body: announcementOut(a)}, nil
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "update-announcement", Method: http.MethodPut, Path: adminPrefix + "announcements/{id}", Tags: []string{"admin"},
		Summary: "Edit, publish, schedule or unpublish an announcement", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *updateAnnouncementInput) (*struct{}, error) {
		a := &support.Announcement{ID: in.ID, Title: in.Body.Title, Body: in.Body.Body, PublishedAt: in.Body.PublishedAt}
		return nil, apiError(s.log, change(ctx, in.request, staffChange{perm: identity.PermSettingsWrite, action: "announcement.update", resourceType: "announcement",
			details: in.Body, change: func(int64) (string, error) { return strconv.FormatInt(in.ID, 10), news.Update(ctx, a) }}))
	})
	humaop.Register(s.api, huma.Operation{
		OperationID: "delete-announcement", Method: http.MethodDelete, Path: adminPrefix + "announcements/{id}", Tags: []string{"admin"},
		Summary: "Delete an announcement", DefaultStatus: http.StatusNoContent, Middlewares: huma.Middlewares{s.guard(staff)},
	}, func(ctx context.Context, in *deleteAnnouncementInput) (*struct{}, error) {
		return nil, apiError(s.log, change(ctx, in.request, staffChange{perm: identity.PermSettingsWrite, action: "announcement.delete", resourceType: "announcement",
			details: map[string]int64{"id": in.ID}, change: func(int64) (string, error) { return strconv.FormatInt(in.ID, 10), news.Delete(ctx, in.ID) }}))
	})
}
