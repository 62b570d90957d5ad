package provisioning

import "time"

// LogEntry is one call to a panel, kept in the provisioning log so that
// staff can see what was asked, what came back and how long it took.
// RequestSummary and Response never hold passwords or API keys; adapters
// redact them before an entry is written.
type LogEntry struct {
	ServiceID int64
	// Action is the Panel method called, e.g. "create" or "suspend".
	Action         string
	RequestSummary string
	Response       string
	// Error is the failure's message; empty when the call succeeded.
	Error    string
	Duration time.Duration
	// AdminID is the staff member who asked for the call; zero when the
	// system did (renewals, dunning, the job worker).
	AdminID   int64
	CreatedAt time.Time
}
