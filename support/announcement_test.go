package support

import (
	"testing"
	"time"

	"ezscale.cloud/platform"
)

func TestAnnouncementVisible(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		publishedAt time.Time
		want        bool
	}{
		{"draft", time.Time{}, false},
		{"published earlier", now.Add(-time.Hour), true},
		{"published this second", now, true},
		{"scheduled a second later", now.Add(time.Second), false},
		{"published in another zone", now.In(time.FixedZone("CET", 3600)), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Announcement{ID: 1, Title: "Maintenance", Body: "Reboots at 02:00 UTC.", PublishedAt: tt.publishedAt}
			if got := a.Visible(now); got != tt.want {
				t.Fatalf("Visible = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAnnouncementValidate(t *testing.T) {
	tests := []struct {
		a     Announcement
		field string
	}{
		{Announcement{Title: "Maintenance", Body: "Reboots at 02:00 UTC."}, ""},
		{Announcement{Title: " ", Body: "Reboots at 02:00 UTC."}, "title"},
		{Announcement{Title: "Maintenance", Body: "\n"}, "body"},
	}
	for _, tt := range tests {
		err := tt.a.Validate()
		if tt.field == "" {
			if err != nil {
				t.Errorf("Validate(%+v) = %v", tt.a, err)
			}
			continue
		}
		if platform.ErrorCode(err) != platform.EINVALID || platform.ErrorField(err) != tt.field {
			t.Errorf("Validate(%+v) = %v, want EINVALID on field %q", tt.a, err, tt.field)
		}
	}
}
