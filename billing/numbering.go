package billing

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"ezscale.cloud/platform"
)

// NumberingMode says when an invoice gets its number.
type NumberingMode string

// Numbering modes. In proforma mode an invoice is a payment request without
// a number until it is paid, the EU practice that keeps the invoice number
// sequence free of gaps left by orders that were never paid.
const (
	NumberAtFinalize NumberingMode = "finalize"
	NumberOnPayment  NumberingMode = "proforma"
)

// NumberPattern renders invoice numbers such as INV-2026-000042 from a
// pattern with the tokens {YYYY}, {YY}, {MM} and {SEQ:n} (the sequence
// zero-padded to n digits; {SEQ} pads nothing). Numbers come from a sequence
// that the store increments inside the transaction that uses the number, so
// they are gapless and unique under concurrency.
type NumberPattern struct {
	Pattern     string `json:"pattern" doc:"Tokens: {YYYY}, {YY}, {MM} and exactly one {SEQ} or {SEQ:width}."`
	YearlyReset bool   `json:"yearly_reset"`
}

// Validate checks the pattern has exactly one {SEQ} token and only known
// tokens, and that a yearly reset is only asked for with a year in the
// pattern (else two invoices would share a number).
func (p NumberPattern) Validate() error {
	seqs := 0
	hasYear := false
	rest := p.Pattern
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return platform.Invalid("pattern", "unclosed { in %q", p.Pattern)
		}
		tok := rest[i+1 : i+j]
		switch {
		case tok == "YYYY" || tok == "YY":
			hasYear = true
		case tok == "MM":
		case tok == "SEQ":
			seqs++
		case strings.HasPrefix(tok, "SEQ:"):
			n, err := strconv.Atoi(tok[4:])
			if err != nil || n < 1 || n > 12 {
				return platform.Invalid("pattern", "bad sequence width in {%s}", tok)
			}
			seqs++
		default:
			return platform.Invalid("pattern", "unknown token {%s}", tok)
		}
		rest = rest[i+j+1:]
	}
	if seqs != 1 {
		return platform.Invalid("pattern", "pattern %q needs exactly one {SEQ} token", p.Pattern)
	}
	if p.YearlyReset && !hasYear {
		return platform.Invalid("yearly_reset", "a yearly reset needs {YYYY} or {YY} in the pattern")
	}
	return nil
}

// Scope names the sequence a number at time t draws from: one per pattern,
// or one per pattern and year when the sequence resets yearly.
func (p NumberPattern) Scope(t time.Time) string {
	if p.YearlyReset {
		return fmt.Sprintf("%s@%04d", p.Pattern, t.Year())
	}
	return p.Pattern
}

// Format renders the number for sequence value seq issued at time t.
func (p NumberPattern) Format(t time.Time, seq int64) string {
	var b strings.Builder
	rest := p.Pattern
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			b.WriteString(rest)
			return b.String()
		}
		j := strings.IndexByte(rest[i:], '}')
		b.WriteString(rest[:i])
		tok := rest[i+1 : i+j]
		switch {
		case tok == "YYYY":
			fmt.Fprintf(&b, "%04d", t.Year())
		case tok == "YY":
			fmt.Fprintf(&b, "%02d", t.Year()%100)
		case tok == "MM":
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case tok == "SEQ":
			fmt.Fprintf(&b, "%d", seq)
		default: // SEQ:n, checked by Validate
			n, _ := strconv.Atoi(tok[4:])
			fmt.Fprintf(&b, "%0*d", n, seq)
		}
		rest = rest[i+j+1:]
	}
}
