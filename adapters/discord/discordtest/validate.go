package discordtest

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Discord's documented limits, in characters. They are kept apart from the
// client's own copy on purpose: a wrong limit in the client must fail its
// tests here, not agree with itself.
const (
	maxContent     = 2000
	maxUsername    = 80
	maxEmbeds      = 10
	maxTitle       = 256
	maxDescription = 4096
	maxFields      = 25
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxFooterText  = 2048
	maxAuthorName  = 256
	maxEmbedsTotal = 6000
	maxColor       = 0xFFFFFF
)

// fieldError is one entry of a 50035 "Invalid Form Body" answer: the JSON
// path of the bad field and Discord's error code and text for it.
type fieldError struct {
	path    []string
	code    string
	message string
}

// validate returns what Discord would find wrong with m's fields, in the
// order it reads them.
func validate(m *Message) []fieldError {
	var errs []fieldError
	add := func(code, message string, path ...string) {
		errs = append(errs, fieldError{path: path, code: code, message: message})
	}
	tooLong := func(s string, limit int, path ...string) {
		if utf8.RuneCountInString(s) > limit {
			add("BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", limit), path...)
		}
	}
	required := func(s string, path ...string) bool {
		if strings.TrimSpace(s) == "" {
			add("BASE_TYPE_REQUIRED", "This field is required", path...)
			return false
		}
		return true
	}

	tooLong(m.Content, maxContent, "content")
	if m.Username != "" {
		if n := utf8.RuneCountInString(strings.TrimSpace(m.Username)); n < 1 || n > maxUsername {
			add("BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be between 1 and %d in length.", maxUsername), "username")
		}
		for _, banned := range []string{"discord", "clyde"} {
			if strings.Contains(strings.ToLower(m.Username), banned) {
				add("USERNAME_INVALID_CONTAINS", fmt.Sprintf("Username cannot contain %q", banned), "username")
			}
		}
	}
	if len(m.Embeds) > maxEmbeds {
		add("BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxEmbeds), "embeds")
	}
	total := 0
	for i, e := range m.Embeds {
		at := func(path ...string) []string { return append([]string{"embeds", strconv.Itoa(i)}, path...) }
		tooLong(e.Title, maxTitle, at("title")...)
		tooLong(e.Description, maxDescription, at("description")...)
		if e.URL != "" && !wellFormedURL(e.URL) {
			add("URL_TYPE_INVALID_URL", "Not a well formed URL.", at("url")...)
		}
		if e.Color < 0 || e.Color > maxColor {
			add("NUMBER_TYPE_MAX", fmt.Sprintf("int value should be less than or equal to %d.", maxColor), at("color")...)
		}
		if _, err := time.Parse(time.RFC3339, e.Timestamp); e.Timestamp != "" && err != nil {
			add("DATE_TIME_TYPE_PARSE", fmt.Sprintf("Could not parse %s. Should be ISO8601.", e.Timestamp), at("timestamp")...)
		}
		if len(e.Fields) > maxFields {
			add("BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxFields), at("fields")...)
		}
		for j, f := range e.Fields {
			parts := []struct {
				key, text string
				limit     int
			}{{"name", f.Name, maxFieldName}, {"value", f.Value, maxFieldValue}}
			for _, p := range parts {
				path := at("fields", strconv.Itoa(j), p.key)
				if required(p.text, path...) {
					tooLong(p.text, p.limit, path...)
				}
			}
		}
		if e.Footer != nil {
			tooLong(e.Footer.Text, maxFooterText, at("footer", "text")...)
		}
		if e.Author != nil {
			tooLong(e.Author.Name, maxAuthorName, at("author", "name")...)
		}
		total += embedSize(e)
	}
	if total > maxEmbedsTotal {
		add("MAX_EMBED_SIZE_EXCEEDED", fmt.Sprintf("Embed size exceeds maximum size of %d", maxEmbedsTotal), "embeds")
	}
	return errs
}

// embedSize counts the characters of e that Discord's 6000-character limit
// covers: title, description, field names and values, footer text and
// author name.
func embedSize(e Embed) int {
	n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	for _, f := range e.Fields {
		n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	if e.Footer != nil {
		n += utf8.RuneCountInString(e.Footer.Text)
	}
	if e.Author != nil {
		n += utf8.RuneCountInString(e.Author.Name)
	}
	return n
}

// wellFormedURL reports whether s is an absolute http or https URL, the
// links Discord accepts in an embed.
func wellFormedURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// formErrors nests errs the way Discord's 50035 body does:
// {"embeds": {"0": {"title": {"_errors": [{"code": ..., "message": ...}]}}}}.
func formErrors(errs []fieldError) map[string]any {
	root := map[string]any{}
	for _, fe := range errs {
		node := root
		for _, key := range fe.path {
			child, ok := node[key].(map[string]any)
			if !ok {
				child = map[string]any{}
				node[key] = child
			}
			node = child
		}
		list, _ := node["_errors"].([]map[string]string)
		node["_errors"] = append(list, map[string]string{"code": fe.code, "message": fe.message})
	}
	return root
}
