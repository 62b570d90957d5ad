package notify

import (
	"fmt"
	"slices"
	"sync"

	"ezscale.cloud/platform"
)

// Templates renders notifications from the default templates and the
// admin's overrides. The zero value renders the defaults; it is safe for
// concurrent use, so a worker can keep one and update its overrides as
// admins save them.
type Templates struct {
	mu        sync.RWMutex
	overrides map[Kind]*set
}

// Rendered is a kind's content, ready to become a Message.
type Rendered struct {
	Subject string
	Text    string
	HTML    string
	// Fallback is set when the kind's override failed to render and the
	// default was used instead: the email is fine to send, and the error
	// (EINVALID, naming the part and line) should reach the staff.
	Fallback error
}

// Message returns a Message with r's content for the given recipients.
func (r Rendered) Message(to ...string) Message {
	return Message{To: to, Subject: r.Subject, Text: r.Text, HTML: r.HTML}
}

// SetOverride validates o (see Override.Validate) and, when it is valid,
// uses it for o.Kind from now on.
func (t *Templates) SetOverride(o Override) error {
	s, err := o.compile()
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.overrides == nil {
		t.overrides = map[Kind]*set{}
	}
	t.overrides[o.Kind] = s
	return nil
}

// RemoveOverride goes back to kind's default templates.
func (t *Templates) RemoveOverride(kind Kind) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.overrides, kind)
}

// Render renders kind with data, using the kind's override when there is
// one and falling back to the default when the override fails (see
// Rendered.Fallback). Data may hold only the kind's fields: an unknown key
// is a caller's mistake (a misspelt field would silently render empty), so
// it is refused with EINVALID.
func (t *Templates) Render(kind Kind, data Data) (Rendered, error) {
	if err := checkKind(kind); err != nil {
		return Rendered{}, err
	}
	if err := checkData(kind, data); err != nil {
		return Rendered{}, err
	}
	t.mu.RLock()
	override := t.overrides[kind]
	t.mu.RUnlock()

	var fallback error
	if override != nil {
		r, err := override.render(data)
		if err == nil {
			return r, nil
		}
		fallback = fmt.Errorf("override of %s failed, default used: %w", kind, err)
	}
	r, err := defaultSets[kind].render(data)
	if err != nil {
		return Rendered{}, &platform.Error{Code: platform.EINTERNAL, Message: "default template of " + string(kind) + " failed", Err: err}
	}
	r.Fallback = fallback
	return r, nil
}

// checkData refuses keys that are not kind's fields.
func checkData(kind Kind, data Data) error {
	fields := Fields(kind)
	for name := range data {
		if !slices.ContainsFunc(fields, func(f Field) bool { return f.Name == name }) {
			return platform.Invalid("data", "%s emails have no field %q", kind, name)
		}
	}
	return nil
}
