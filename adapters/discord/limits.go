package discord

import "unicode/utf8"

// Discord's documented message limits, in characters (Unicode code points).
const (
	maxTitle       = 256
	maxDescription = 4096
	maxFields      = 25
	maxFieldName   = 256
	maxFieldValue  = 1024
	// maxEmbedTotal bounds the title, description, field names and values
	// of an embed together.
	maxEmbedTotal = 6000
	// maxUsername bounds the webhook username override.
	maxUsername = 80
)

// ellipsis ends cut text, so a reader knows there was more.
const ellipsis = "…"

// truncate returns s cut to at most limit runes, the last of them an
// ellipsis when anything was cut. It cuts between runes, never inside one,
// so the result is as valid UTF-8 as s was.
func truncate(s string, limit int) string {
	if runes(s) <= limit {
		return s
	}
	if limit <= 0 {
		return ""
	}
	cut := 0
	for range limit - 1 {
		_, size := utf8.DecodeRuneInString(s[cut:])
		cut += size
	}
	return s[:cut] + ellipsis
}

// runes counts s the way Discord's limits do.
func runes(s string) int { return utf8.RuneCountInString(s) }
