package discordtest

// Message is a message the webhook accepted: the request body as Discord
// reads it, and the id the server gave the message.
type Message struct {
	ID              string           `json:"id"`
	Content         string           `json:"content,omitempty"`
	Username        string           `json:"username,omitempty"`
	Embeds          []Embed          `json:"embeds,omitempty"`
	AllowedMentions *AllowedMentions `json:"allowed_mentions,omitempty"`
}

// AllowedMentions says which mentions in a message may ping. Parse is nil
// when the request had no allowed_mentions, and empty when it had
// {"parse": []}, which pings no one.
type AllowedMentions struct {
	Parse []string `json:"parse"`
}

// Embed is a rich embed of a Message.
type Embed struct {
	Title       string       `json:"title,omitempty"`
	Description string       `json:"description,omitempty"`
	URL         string       `json:"url,omitempty"`
	Color       int          `json:"color,omitempty"`
	Timestamp   string       `json:"timestamp,omitempty"`
	Fields      []EmbedField `json:"fields,omitempty"`
	Footer      *EmbedFooter `json:"footer,omitempty"`
	Author      *EmbedAuthor `json:"author,omitempty"`
}

// EmbedField is one name/value field of an Embed.
type EmbedField struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Inline bool   `json:"inline,omitempty"`
}

// EmbedFooter is an Embed's footer; its text counts towards the embed's
// size limit.
type EmbedFooter struct {
	Text string `json:"text"`
}

// EmbedAuthor is an Embed's author line; its name counts towards the
// embed's size limit.
type EmbedAuthor struct {
	Name string `json:"name"`
}
