package discord

import (
	"strings"
	"time"
)

// message is the JSON body of Execute Webhook.
type message struct {
	Username        string          `json:"username,omitempty"`
	Embeds          []embed         `json:"embeds"`
	AllowedMentions allowedMentions `json:"allowed_mentions"`
}

// allowedMentions with an empty, non-nil Parse tells Discord to ping no
// one, whatever the text says: alerts quote customer names and notes, and
// "@everyone" in one of them must not wake the whole server.
type allowedMentions struct {
	Parse []string `json:"parse"`
}

// embed is the one rich embed an alert is shown as.
type embed struct {
	Title       string       `json:"title"`
	Description string       `json:"description,omitempty"`
	URL         string       `json:"url,omitempty"`
	Color       int          `json:"color"`
	Timestamp   string       `json:"timestamp"`
	Fields      []embedField `json:"fields,omitempty"`
}

// embedField is one name/value line of an embed.
type embedField struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Inline bool   `json:"inline,omitempty"`
}

// blank stands in for an empty field name or value, which Discord refuses.
const blank = "—"

// newMessage renders a valid alert as a webhook message within Discord's
// limits. The title and the fields, the alert's facts, get the embed's
// 6000-character budget first; the description, often a long error text,
// gets what is left. Fields past the 25th, or past the budget, are dropped.
func newMessage(a Alert, username string, now time.Time) message {
	at := a.Time
	if at.IsZero() {
		at = now
	}
	e := embed{
		Title:     truncate(strings.TrimSpace(a.Title), maxTitle),
		URL:       a.URL,
		Color:     severityColors[a.Severity],
		Timestamp: at.UTC().Format(time.RFC3339),
	}
	budget := maxEmbedTotal - runes(e.Title)
	for _, f := range a.Fields[:min(len(a.Fields), maxFields)] {
		field := embedField{
			Name:   truncate(orBlank(f.Name), maxFieldName),
			Value:  truncate(orBlank(f.Value), maxFieldValue),
			Inline: f.Inline,
		}
		size := runes(field.Name) + runes(field.Value)
		if size > budget {
			break
		}
		budget -= size
		e.Fields = append(e.Fields, field)
	}
	e.Description = truncate(a.Description, min(maxDescription, budget))
	return message{
		Username:        username,
		Embeds:          []embed{e},
		AllowedMentions: allowedMentions{Parse: []string{}},
	}
}

// orBlank returns s, or blank when s has nothing Discord would keep.
func orBlank(s string) string {
	if strings.TrimSpace(s) == "" {
		return blank
	}
	return s
}
