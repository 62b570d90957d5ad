package invoicepdf

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"
)

// unmappable is drawn for a character the core fonts cannot show. fpdf's own
// translator writes ".", which reads as punctuation; "?" shows that
// something was lost.
const unmappable = "?"

// newEncoder returns a function turning UTF-8 text into the cp1252 bytes that
// fpdf's core fonts draw. Text is composed first (NFC), so a "u" followed by
// a combining diaeresis still becomes the cp1252 "ü". Control characters
// become spaces, because every string is drawn as single-line cells and a
// stray newline or NUL would only garble them.
func newEncoder(pdf *fpdf.Fpdf) func(string) string {
	translate := pdf.UnicodeTranslatorFromDescriptor("")
	return func(s string) string {
		var b strings.Builder
		for _, r := range norm.NFC.String(s) {
			switch {
			case unicode.IsControl(r):
				b.WriteByte(' ')
			case r < utf8.RuneSelf:
				b.WriteRune(r)
			default:
				c := translate(string(r))
				if c == "." {
					c = unmappable
				}
				b.WriteString(c)
			}
		}
		return b.String()
	}
}
