package synergycptest

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// envelope is SynergyCP's response body. Error is false on success and
// the message otherwise.
type envelope struct {
	Error    any       `json:"error"`
	Messages []message `json:"messages"`
	Data     any       `json:"data"`
}

type message struct {
	Text string `json:"text"`
	Cat  string `json:"cat"`
}

func reply(w http.ResponseWriter, status int, env envelope) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(env)
}

// ok answers with data.
func ok(w http.ResponseWriter, data any) {
	reply(w, http.StatusOK, envelope{Error: false, Messages: []message{}, Data: data})
}

// fail answers with an error envelope.
func fail(w http.ResponseWriter, status int, text string) {
	failWith(w, status, text, nil)
}

// failWith answers with an error envelope that carries data, as an
// ignored automatic action does.
func failWith(w http.ResponseWriter, status int, text string, data any) {
	reply(w, status, envelope{Error: text, Messages: []message{{Text: text, Cat: "danger"}}, Data: data})
}

// call is one authenticated request: its decoded body and, for a
// client-owned key, the client it acts for (0 for the admin key).
type call struct {
	r        *http.Request
	body     map[string]any
	clientID int64
}

type handler func(w http.ResponseWriter, c *call)

// admin lets a request through only with the admin API key.
func (s *Server) admin(h handler) http.HandlerFunc {
	return s.authenticated(func(w http.ResponseWriter, c *call) {
		if c.clientID != 0 {
			fail(w, http.StatusForbidden, "This action is unauthorized.")
			return
		}
		h(w, c)
	})
}

// serverUser lets a request through with the admin key or the key of the
// client who has active IPMI access to the server in the path, as the
// WHMCS module's client-area power buttons use it.
func (s *Server) serverUser(h handler) http.HandlerFunc {
	return s.authenticated(func(w http.ResponseWriter, c *call) {
		if c.clientID != 0 {
			s.mu.Lock()
			srv := s.servers[pathID(c.r, "id")]
			allowed := srv != nil && srv.access != nil && srv.access.clientID == c.clientID && srv.access.active && srv.access.ipmi
			s.mu.Unlock()
			if !allowed {
				fail(w, http.StatusForbidden, "This action is unauthorized.")
				return
			}
		}
		h(w, c)
	})
}

// authenticated checks the key query parameter, decodes a write's JSON
// body and records the request.
func (s *Server) authenticated(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := &call{r: r}
		key := r.URL.Query().Get("key")
		s.mu.Lock()
		owner, isClientKey := s.keys[key]
		s.mu.Unlock()
		switch {
		case key == APIKey:
		case key != "" && isClientKey:
			c.clientID = owner
		default:
			fail(w, http.StatusUnauthorized, "Unauthenticated.")
			return
		}
		if r.Method != http.MethodGet {
			if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
				fail(w, http.StatusUnsupportedMediaType, "Content-Type must be application/json.")
				return
			}
			if err := json.NewDecoder(r.Body).Decode(&c.body); err != nil || c.body == nil {
				fail(w, http.StatusBadRequest, "The request body must be a JSON object.")
				return
			}
		}
		s.record(r, c.body)
		h(w, c)
	}
}

func (s *Server) record(r *http.Request, body map[string]any) {
	q := r.URL.Query()
	q.Del("key")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Query: q, Body: body})
}

func pathID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id
}

// filters is a list request's query: PHP-style arrays (name[]=a or
// name[0]=a) folded into one list per name, paging and the key removed.
type filters map[string][]string

// parseFilters reads a list query and refuses any filter the resource does
// not know, so a misspelt filter fails instead of silently matching
// everything.
func parseFilters(q url.Values, known ...string) (f filters, page, perPage int, err error) {
	f = filters{}
	page, perPage = 1, 20
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	sort.Strings(names) // name[0] before name[1]
	for _, name := range names {
		values := q[name]
		switch name {
		case "key":
			continue
		case "page", "per_page":
			n, convErr := strconv.Atoi(values[0])
			if convErr != nil || n < 1 || name == "per_page" && n > 1000 {
				return nil, 0, 0, fmt.Errorf("The %s must be an integer between 1 and 1000.", name)
			}
			if name == "page" {
				page = n
			} else {
				perPage = n
			}
			continue
		}
		base := name
		if i := strings.Index(name, "["); i > 0 && strings.HasSuffix(name, "]") && name != "parts[exact]" {
			base = name[:i]
		}
		if !contains(known, base) {
			return nil, 0, 0, fmt.Errorf("Unknown filter %s.", name)
		}
		f[base] = append(f[base], values...)
	}
	return f, page, perPage, nil
}

// one returns a filter's single value and whether it was given.
func (f filters) one(name string) (string, bool) {
	v, ok := f[name]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[0], true
}

// truthy reads a PHP boolean query value.
func truthy(v string) bool { return v == "1" || v == "true" }

// paginate answers one page of items in SynergyCP's list shape.
func paginate[T any](w http.ResponseWriter, items []T, page, perPage int) {
	last := max(1, (len(items)+perPage-1)/perPage)
	from := min(len(items), (page-1)*perPage)
	to := min(len(items), from+perPage)
	ok(w, map[string]any{
		"data": items[from:to], "current_page": page, "last_page": last,
		"per_page": perPage, "total": len(items),
	})
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// fields checks that a write's body has only the allowed top-level
// fields, so a misspelt field fails instead of being ignored.
func (c *call) fields(allowed ...string) error {
	for name := range c.body {
		if !contains(allowed, name) {
			return fmt.Errorf("Unknown field %s.", name)
		}
	}
	return nil
}

// str reads a string field; JSON numbers are accepted as SynergyCP's PHP
// side accepts "7" and 7 alike.
func str(m map[string]any, name string) (string, bool) {
	switch v := m[name].(type) {
	case string:
		return v, true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	}
	return "", false
}

// integer reads an integer id field given as a number or numeric string.
func integer(m map[string]any, name string) (int64, bool) {
	s, ok := str(m, name)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// boolean reads a PHP-style boolean field: true, 1 or "1".
func boolean(m map[string]any, name string) (value, given bool) {
	switch v := m[name].(type) {
	case bool:
		return v, true
	case float64:
		return v == 1, true
	case string:
		return truthy(v), true
	}
	return false, false
}

// object reads a nested object field.
func object(m map[string]any, name string) (map[string]any, bool) {
	v, ok := m[name].(map[string]any)
	return v, ok
}
