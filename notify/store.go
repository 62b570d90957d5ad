package notify

import (
	"context"
	"time"
)

// OverrideStore keeps the admins' overrides, so every web and worker
// process renders with the same ones; the SQL stores implement it.
type OverrideStore interface {
	// TemplateOverride returns kind's override; ENOTFOUND when the kind
	// uses its defaults.
	TemplateOverride(ctx context.Context, kind Kind) (Override, error)
	TemplateOverrides(ctx context.Context) ([]Override, error)
	// SaveTemplateOverride stores o, replacing the kind's earlier one. The
	// caller validates o first.
	SaveTemplateOverride(ctx context.Context, o Override, adminID int64, now time.Time) error
	// DeleteTemplateOverride brings back the kind's defaults.
	DeleteTemplateOverride(ctx context.Context, kind Kind) error
}
