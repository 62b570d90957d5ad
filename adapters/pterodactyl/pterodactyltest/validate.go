package pterodactyltest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// fields is a decoded JSON request body, read the way Laravel's validator
// reads input: by dotted path, with loose scalar types.
type fields map[string]any

// get returns the value at a dotted path like "limits.memory".
func (f fields) get(path string) (any, bool) {
	var cur any = map[string]any(f)
	for _, key := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[key]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// object returns the nested object at path, or an empty one.
func (f fields) object(path string) fields {
	v, _ := f.get(path)
	m, _ := v.(map[string]any)
	return fields(m)
}

func (f fields) str(path string) string {
	v, _ := f.get(path)
	s, _ := v.(string)
	return s
}

// integer reads an integer the way Laravel's integer rule accepts one: a
// JSON number without a fraction or a string of digits.
func (f fields) integer(path string) (int64, bool) {
	v, _ := f.get(path)
	switch v := v.(type) {
	case json.Number:
		n, err := v.Int64()
		return n, err == nil
	case string:
		n, err := strconv.ParseInt(v, 10, 64)
		return n, err == nil
	}
	return 0, false
}

func (f fields) boolean(path string) (bool, bool) {
	v, _ := f.get(path)
	switch v := v.(type) {
	case bool:
		return v, true
	case json.Number:
		return v.String() == "1", v.String() == "0" || v.String() == "1"
	case string:
		return v == "1", v == "0" || v == "1"
	}
	return false, false
}

func (f fields) ints(path string) ([]int, bool) {
	v, _ := f.get(path)
	arr, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]int, 0, len(arr))
	for i := range arr {
		n, ok := fields{"v": arr[i]}.integer("v")
		if !ok {
			return nil, false
		}
		out = append(out, int(n))
	}
	return out, true
}

func (f fields) strs(path string) ([]string, bool) {
	v, _ := f.get(path)
	arr, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(arr))
	for _, e := range arr {
		s, ok := e.(string)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// validator collects failed rules the way Laravel does: every field is
// checked and each failure becomes one entry of the 422 answer.
type validator struct {
	in     fields
	errors []*apiError
}

func (v *validator) fail(field, rule, format string, args ...any) {
	v.errors = append(v.errors, &apiError{Status: http.StatusUnprocessableEntity, Code: "ValidationException",
		Detail: fmt.Sprintf(format, args...), Meta: &errorMeta{SourceField: field, Rule: rule}})
}

func (v *validator) failed() bool { return len(v.errors) > 0 }

// filled is Laravel's required: present, not null, not an empty string or
// array.
func (v *validator) filled(field string) bool {
	val, ok := v.in.get(field)
	switch val := val.(type) {
	case nil:
		return false
	case string:
		return strings.TrimSpace(val) != ""
	case []any:
		return len(val) > 0
	case map[string]any:
		return len(val) > 0
	}
	return ok
}

func (v *validator) present(field string) bool {
	_, ok := v.in.get(field)
	return ok
}

// required checks the required rule and reports whether the field may be
// checked further.
func (v *validator) required(field string) bool {
	if !v.filled(field) {
		v.fail(field, "required", "The %s field is required.", field)
		return false
	}
	return true
}

// str checks a string of at most max characters.
func (v *validator) str(field string, maxLen int) {
	val, _ := v.in.get(field)
	s, ok := val.(string)
	switch {
	case !ok:
		v.fail(field, "string", "The %s must be a string.", field)
	case maxLen > 0 && len([]rune(s)) > maxLen:
		v.fail(field, "between", "The %s must be between 1 and %d characters.", field, maxLen)
	}
}

// integer checks an integer of at least minimum and at most maximum (a
// maximum of 0 means none).
func (v *validator) integer(field string, minimum, maximum int64) {
	n, ok := v.in.integer(field)
	switch {
	case !ok:
		v.fail(field, "integer", "The %s must be an integer.", field)
	case n < minimum:
		v.fail(field, "min", "The %s must be at least %d.", field, minimum)
	case maximum > 0 && n > maximum:
		v.fail(field, "between", "The %s must be between %d and %d.", field, minimum, maximum)
	}
}

// nullableInteger is present|nullable|integer|min:0 (present is checked
// only when mustBePresent).
func (v *validator) nullableInteger(field string, mustBePresent bool) {
	val, ok := v.in.get(field)
	switch {
	case !ok && mustBePresent:
		v.fail(field, "present", "The %s field must be present.", field)
	case ok && val != nil:
		v.integer(field, 0, 0)
	}
}

func (v *validator) object(field string) bool {
	val, _ := v.in.get(field)
	if _, ok := val.(map[string]any); !ok {
		v.fail(field, "array", "The %s must be an array.", field)
		return false
	}
	return true
}

// usernamePattern is the panel's Username rule.
var usernamePattern = regexp.MustCompile(`^[a-z0-9]([\w\.-]+)[a-z0-9]$`)

// threadsPattern is the rule for limits.threads: CPU cores like "0-3,6".
var threadsPattern = regexp.MustCompile(`^[0-9-,]+$`)

// emailPattern is a rough stand-in for Laravel's email rule.
var emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

// limitRules checks a server's limits object under prefix (Server.php
// rules for memory, swap, disk, io, cpu and threads).
func (v *validator) limitRules(prefix string) {
	for _, f := range []struct {
		name     string
		min, max int64
	}{{"memory", 0, 0}, {"swap", -1, 0}, {"disk", 0, 0}, {"io", 10, 1000}, {"cpu", 0, 0}} {
		if v.required(prefix + f.name) {
			v.integer(prefix+f.name, f.min, f.max)
		}
	}
	if t, ok := v.in.get(prefix + "threads"); ok && t != nil {
		if s, ok := t.(string); !ok || !threadsPattern.MatchString(s) {
			v.fail(prefix+"threads", "regex", "The %sthreads format is invalid.", prefix)
		}
	}
}

// featureLimitRules checks feature_limits: databases and backups must be
// present (null allowed), allocations may be left out.
func (v *validator) featureLimitRules() {
	if v.required("feature_limits") && v.object("feature_limits") {
		v.nullableInteger("feature_limits.databases", true)
		v.nullableInteger("feature_limits.allocations", false)
		v.nullableInteger("feature_limits.backups", true)
	}
}
