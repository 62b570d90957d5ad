package identity

import (
	"encoding/json"
	"testing"
	"time"

	"ezscale.cloud/platform"
)

func TestAuditEntryValidate(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	valid := func() AuditEntry {
		return AuditEntry{
			At: at, ActorID: 12, ImpersonatorID: 3,
			Action: "invoice.refund", ResourceType: "invoice", ResourceID: "881",
			IP: "203.0.113.9", UserAgent: "Mozilla/5.0",
			Before: json.RawMessage(`{"status":"paid"}`),
			After:  json.RawMessage(`{"status":"refunded"}`),
		}
	}
	tests := []struct {
		name   string
		modify func(*AuditEntry)
		field  string
	}{
		{name: "valid", modify: func(*AuditEntry) {}},
		{name: "system actor, created resource", modify: func(e *AuditEntry) { e.ActorID, e.ImpersonatorID, e.Before = 0, 0, nil }},
		{name: "no time", modify: func(e *AuditEntry) { e.At = time.Time{} }, field: "at"},
		{name: "no action", modify: func(e *AuditEntry) { e.Action = " " }, field: "action"},
		{name: "self impersonation", modify: func(e *AuditEntry) { e.ImpersonatorID = e.ActorID }, field: "impersonator_id"},
		{name: "bad before", modify: func(e *AuditEntry) { e.Before = json.RawMessage(`{status:`) }, field: "before"},
		{name: "bad after", modify: func(e *AuditEntry) { e.After = json.RawMessage(`nope`) }, field: "after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := valid()
			tt.modify(&e)
			err := e.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if platform.ErrorCode(err) != platform.EINVALID || platform.ErrorField(err) != tt.field {
				t.Fatalf("Validate = %v, want EINVALID on field %q", err, tt.field)
			}
		})
	}
}
