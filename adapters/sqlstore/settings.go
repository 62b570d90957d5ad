package sqlstore

import (
	"context"
	"time"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/adapters/sqlstore/internal/dbsqlc"
)

// Setting is one group of settings staff keep in the database: its value
// (JSON, or a sealed box of it) and the version each save increments.
type Setting struct {
	Name      string
	Value     string
	Version   int64
	UpdatedAt time.Time
	UpdatedBy int64
}

// ListSettings returns every stored group, by name.
func (s *Store) ListSettings(ctx context.Context) ([]Setting, error) {
	rows, err := s.q.SettingList(ctx)
	if err != nil {
		return nil, s.translate(err, "settings")
	}
	out := make([]Setting, 0, len(rows))
	for _, r := range rows {
		out = append(out, Setting{Name: r.Name, Value: r.Value, Version: r.Version, UpdatedAt: r.UpdatedAt.UTC(), UpdatedBy: r.UpdatedBy})
	}
	return out, nil
}

// SaveSetting stores a group over the version its editor read (0: not
// stored yet). A save over any other version is ECONFLICT: someone saved
// in between, and their change must not be lost silently.
func (s *Store) SaveSetting(ctx context.Context, st Setting, readVersion int64) error {
	if readVersion == 0 {
		err := s.writeQ().SettingInsert(ctx, dbsqlc.SettingInsertParams{Name: st.Name, Value: st.Value, UpdatedAt: st.UpdatedAt, UpdatedBy: st.UpdatedBy})
		if s.dialect.IsUniqueViolation(err) {
			return changedMeanwhile(st.Name)
		}
		return s.translate(err, "setting "+st.Name)
	}
	n, err := s.writeQ().SettingUpdate(ctx, dbsqlc.SettingUpdateParams{Value: st.Value, UpdatedAt: st.UpdatedAt, UpdatedBy: st.UpdatedBy,
		Name: st.Name, Version: readVersion})
	if err != nil {
		return s.translate(err, "setting "+st.Name)
	}
	if n == 0 {
		return changedMeanwhile(st.Name)
	}
	return nil
}

// DeleteSetting removes a group, over the version its editor read, so the
// configuration file's value applies again.
func (s *Store) DeleteSetting(ctx context.Context, name string, readVersion int64) error {
	n, err := s.writeQ().SettingDelete(ctx, dbsqlc.SettingDeleteParams{Name: name, Version: readVersion})
	if err != nil {
		return s.translate(err, "setting "+name)
	}
	if n == 0 {
		return changedMeanwhile(name)
	}
	return nil
}

func changedMeanwhile(name string) error {
	return &platform.Error{Code: platform.ECONFLICT, Field: "version",
		Message: "the " + name + " settings were changed by someone else meanwhile; reload them and try again"}
}
