package sqlstore

import (
	"context"
	"time"

	"ezscale.cloud/platform/adapters/sqlstore/internal/dbsqlc"
	"ezscale.cloud/platform/notify"
)

var _ notify.OverrideStore = (*Store)(nil)

// TemplateOverride returns an email kind's override.
func (s *Store) TemplateOverride(ctx context.Context, kind notify.Kind) (notify.Override, error) {
	r, err := s.q.EmailTemplateGet(ctx, string(kind))
	if err != nil {
		return notify.Override{}, s.translate(err, "email template override")
	}
	return overrideFromRow(r), nil
}

// TemplateOverrides returns every override, by kind.
func (s *Store) TemplateOverrides(ctx context.Context) ([]notify.Override, error) {
	rows, err := s.q.EmailTemplateList(ctx)
	if err != nil {
		return nil, s.translate(err, "email template overrides")
	}
	return fromRows(rows, overrideFromRow), nil
}

func overrideFromRow(r dbsqlc.EmailTemplate) notify.Override {
	return notify.Override{Kind: notify.Kind(r.Kind), Subject: r.Subject, Text: r.TextBody, HTML: r.HtmlBody}
}

// SaveTemplateOverride replaces a kind's override.
func (s *Store) SaveTemplateOverride(ctx context.Context, o notify.Override, adminID int64, now time.Time) error {
	return s.inTx(ctx, func(t *Store) error {
		if _, err := t.q.EmailTemplateDelete(ctx, string(o.Kind)); err != nil {
			return t.translate(err, "email template override")
		}
		err := t.q.EmailTemplateInsert(ctx, dbsqlc.EmailTemplateInsertParams{
			Kind: string(o.Kind), Subject: o.Subject, TextBody: o.Text, HtmlBody: o.HTML, UpdatedBy: adminID, UpdatedAt: now.UTC(),
		})
		return t.translate(err, "email template override")
	})
}

// DeleteTemplateOverride removes a kind's override.
func (s *Store) DeleteTemplateOverride(ctx context.Context, kind notify.Kind) error {
	_, err := s.writeQ().EmailTemplateDelete(ctx, string(kind))
	return s.translate(err, "email template override")
}
