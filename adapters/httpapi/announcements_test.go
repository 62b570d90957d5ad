package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/httpapi"
	"ezscale.cloud/platform/adapters/storetest"
	"ezscale.cloud/platform/identity"
	"ezscale.cloud/platform/support"
)

// Staff write announcements as drafts, scheduled or published; anyone
// sees only the published ones whose time has come, newest first.
func TestAnnouncementsOverHTTP(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		s := storetest.OpenSQLite(t)
		testAnnouncements(t, s, s.Identity())
	})
	t.Run("mysql", func(t *testing.T) {
		s := storetest.OpenMySQL(t)
		testAnnouncements(t, s, s.Identity())
	})
}

func testAnnouncements(t *testing.T, store support.AnnouncementStore, ids interface {
	identity.Store
	identity.AuditLog
}) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := platform.NewManualClock(now)
	e := newEnv(t, ids, nil, func(svc *httpapi.Services) {
		svc.Announcements, svc.Audit, svc.Clock = &support.Announcements{Store: store, Clock: clock}, ids, clock
	})
	editor := e.staff("editor@example.com", identity.PermSettingsWrite, identity.PermAuditRead)
	editor.enrolTOTP()
	viewer := e.staff("viewer@example.com")
	viewer.enrolTOTP()

	post := func(title string, publishedAt time.Time) int64 {
		var a struct{ ID int64 }
		body := map[string]any{"title": title, "body": "Line one.\nLine two."}
		if !publishedAt.IsZero() {
			body["published_at"] = publishedAt
		}
		editor.want(http.StatusCreated, "POST", "/admin/announcements", body, &a)
		return a.ID
	}
	older := post("Older news", now.Add(-48*time.Hour))
	post("Draft", time.Time{})
	scheduled := post("Maintenance on Friday", now.Add(time.Hour))
	post("New data centre", now.Add(-time.Hour))
	var problem struct {
		Errors []struct{ Location string }
	}
	editor.want(http.StatusUnprocessableEntity, "POST", "/admin/announcements", map[string]any{"title": " ", "body": "x"}, &problem)
	if len(problem.Errors) != 1 || problem.Errors[0].Location != "body.title" {
		t.Fatalf("blank title refused with %+v", problem)
	}
	viewer.want(http.StatusForbidden, "POST", "/admin/announcements", map[string]any{"title": "t", "body": "b"}, nil)

	var public struct {
		Announcements []struct{ Title, Body string }
	}
	e.client().want(http.StatusOK, "GET", "/announcements", nil, &public)
	if len(public.Announcements) != 2 || public.Announcements[0].Title != "New data centre" || public.Announcements[1].Title != "Older news" ||
		public.Announcements[0].Body != "Line one.\nLine two." {
		t.Fatalf("published: %+v", public)
	}
	e.client().want(http.StatusOK, "GET", "/announcements?limit=1", nil, &public)
	if len(public.Announcements) != 1 {
		t.Fatalf("limit 1 gave %d", len(public.Announcements))
	}

	clock.Advance(2 * time.Hour)
	editor.want(http.StatusNoContent, "PUT", fmt.Sprintf("/admin/announcements/%d", older), map[string]any{"title": "Older news", "body": "Unpublished."}, nil)
	editor.want(http.StatusNoContent, "DELETE", fmt.Sprintf("/admin/announcements/%d", older), nil, nil)
	editor.want(http.StatusNotFound, "DELETE", fmt.Sprintf("/admin/announcements/%d", older), nil, nil)
	e.client().want(http.StatusOK, "GET", "/announcements", nil, &public)
	if len(public.Announcements) != 2 || public.Announcements[0].Title != "Maintenance on Friday" {
		t.Fatalf("after the scheduled one's time and the removal: %+v (scheduled id %d)", public, scheduled)
	}
	var all struct{ Announcements []struct{ Title string } }
	viewer.want(http.StatusOK, "GET", "/admin/announcements", nil, &all)
	if len(all.Announcements) != 3 || all.Announcements[0].Title != "New data centre" {
		t.Fatalf("staff list: %+v", all)
	}
	var audit struct{ Entries []struct{ Action string } }
	editor.want(http.StatusOK, "GET", "/admin/audit?resource_type=announcement", nil, &audit)
	if len(audit.Entries) != 6 {
		t.Fatalf("audit entries: %+v", audit)
	}
}
