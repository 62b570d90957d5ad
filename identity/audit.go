package identity

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"ezscale.cloud/platform"
)

// AuditEntry records one change made by a user or by the system. Before and
// After are JSON snapshots of the changed resource (null or absent when it
// did not exist), with secrets left out.
type AuditEntry struct {
	// ID is set by the store; it orders entries and pages through them.
	ID int64
	At time.Time
	// ActorID is the user who acted; zero for the system.
	ActorID int64
	// ImpersonatorID is the admin acting as ActorID through
	// impersonation; zero when the actor acted in person.
	ImpersonatorID int64
	// Action names what was done, e.g. "invoice.refund".
	Action       string
	ResourceType string
	ResourceID   string
	IP           string
	UserAgent    string
	Before       json.RawMessage
	After        json.RawMessage
}

// Validate checks that the entry says when and what, and that its snapshots
// are JSON.
func (e AuditEntry) Validate() error {
	if e.At.IsZero() {
		return platform.Invalid("at", "audit time is required")
	}
	if strings.TrimSpace(e.Action) == "" {
		return platform.Invalid("action", "audit action is required")
	}
	if e.ImpersonatorID != 0 && e.ImpersonatorID == e.ActorID {
		return platform.Invalid("impersonator_id", "a user cannot impersonate themselves")
	}
	if len(e.Before) > 0 && !json.Valid(e.Before) {
		return platform.Invalid("before", "before snapshot is not JSON")
	}
	if len(e.After) > 0 && !json.Valid(e.After) {
		return platform.Invalid("after", "after snapshot is not JSON")
	}
	return nil
}

// AuditLog is the port for the append-only audit log. Entries are never
// changed or removed once appended.
type AuditLog interface {
	// Append validates and stores one entry.
	Append(ctx context.Context, e AuditEntry) error
}
