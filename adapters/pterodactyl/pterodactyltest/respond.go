package pterodactyltest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// apiError is one entry of the panel's {"errors":[...]} body; Handler.php
// renders every exception this way on the API.
type apiError struct {
	Status int    `json:"-"`
	Code   string `json:"code"`
	// StatusText is the HTTP status as a string, as the panel sends it.
	StatusText string     `json:"status"`
	Detail     string     `json:"detail"`
	Meta       *errorMeta `json:"meta,omitempty"`
}

type errorMeta struct {
	SourceField string `json:"source_field"`
	Rule        string `json:"rule"`
}

// notFound is the panel's 404 for a missing model or route.
func notFound(code, detail string) *apiError {
	if detail == "" {
		detail = "The requested resource could not be found on the server."
	}
	return &apiError{Status: http.StatusNotFound, Code: code, Detail: detail}
}

// conflict is ServerStateConflictException, the client API's answer for a
// server that is suspended or not installed yet.
func conflict(detail string) *apiError {
	return &apiError{Status: http.StatusConflict, Code: "ServerStateConflictException", Detail: detail}
}

// daemonUnreachable is DaemonConnectionException when Wings does not
// answer: a gateway timeout.
func daemonUnreachable() *apiError {
	return &apiError{Status: http.StatusGatewayTimeout, Code: "DaemonConnectionException",
		Detail: "There was an error while attempting to contact the remote service. Please try again later."}
}

func writeError(w http.ResponseWriter, errs ...*apiError) {
	for _, e := range errs {
		e.StatusText = strconv.Itoa(e.Status)
	}
	writeJSON(w, errs[0].Status, map[string]any{"errors": errs})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// item is a Fractal item: the object's kind and its attributes.
type item struct {
	Object     string `json:"object"`
	Attributes any    `json:"attributes"`
}

// list is a Fractal collection with the panel's pagination meta.
type list struct {
	Object string    `json:"object"`
	Data   []item    `json:"data"`
	Meta   *listMeta `json:"meta,omitempty"`
}

// listMeta is a paginated list's meta; included relationships have none.
type listMeta struct {
	Pagination pagination `json:"pagination"`
}

type pagination struct {
	Total       int               `json:"total"`
	Count       int               `json:"count"`
	PerPage     int               `json:"per_page"`
	CurrentPage int               `json:"current_page"`
	TotalPages  int               `json:"total_pages"`
	Links       map[string]string `json:"links"`
}

// paginate returns the page of items the query asks for (page, per_page
// defaulting to 50), with the pagination meta.
func paginate(r *http.Request, items []item) list {
	perPage := queryInt(r.URL.Query(), "per_page", 50)
	page := queryInt(r.URL.Query(), "page", 1)
	pages := max(1, (len(items)+perPage-1)/perPage)
	start := min(len(items), (page-1)*perPage)
	end := min(len(items), start+perPage)
	l := list{Object: "list", Data: append([]item{}, items[start:end]...)}
	l.Meta = &listMeta{pagination{Total: len(items), Count: end - start, PerPage: perPage, CurrentPage: page, TotalPages: pages,
		Links: pageLinks(r, page, pages)}}
	return l
}

func pageLinks(r *http.Request, page, pages int) map[string]string {
	links := map[string]string{}
	link := func(p int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(p))
		return "http://" + r.Host + r.URL.Path + "?" + q.Encode()
	}
	if page > 1 {
		links["previous"] = link(page - 1)
	}
	if page < pages {
		links["next"] = link(page + 1)
	}
	return links
}

func queryInt(q url.Values, key string, def int) int {
	if n, err := strconv.Atoi(q.Get(key)); err == nil && n > 0 {
		return n
	}
	return def
}

// includes reports the relationships ?include= asks for.
func includes(r *http.Request, name string) bool {
	for _, inc := range strings.Split(r.URL.Query().Get("include"), ",") {
		if strings.TrimSpace(inc) == name {
			return true
		}
	}
	return false
}

func readBody(r *http.Request) []byte {
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b
}

// isJSON is Laravel's Request::isJson: a JSON content type.
func isJSON(r *http.Request) bool {
	ct := strings.ToLower(r.Header.Get("Content-Type"))
	return strings.Contains(ct, "/json") || strings.Contains(ct, "+json")
}

// checkJSONBody is the panel's IsValidJson middleware: a JSON body that
// does not parse is a 400.
func checkJSONBody(r *http.Request, body []byte) *apiError {
	if !isJSON(r) || len(bytes.TrimSpace(body)) == 0 || json.Valid(body) {
		return nil
	}
	return &apiError{Status: http.StatusBadRequest, Code: "BadRequestHttpException",
		Detail: "The JSON data passed in the request appears to be malformed. err_code: 4 err_message: \"Syntax error\""}
}

// input returns the request's JSON object. Like Laravel, the body is read
// only when the request says it is JSON; otherwise the input is empty and
// validation reports every required field missing.
func input(r *http.Request) fields {
	in := fields{}
	if !isJSON(r) {
		return in
	}
	d := json.NewDecoder(r.Body)
	d.UseNumber()
	_ = d.Decode(&in)
	return in
}
