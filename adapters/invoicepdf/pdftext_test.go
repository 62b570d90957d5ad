package invoicepdf

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// pdfText returns the PDF's text as pdftotext -layout lays
// it out, one form feed after each page.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		const msg = "pdftotext (poppler-utils) is not installed: the PDF content tests CANNOT RUN"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip("SKIPPED: " + msg)
	}
	path := filepath.Join(t.TempDir(), "invoice.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

// hasLine reports whether one line of text holds all parts, in order, as
// a table row or a label with its amount does.
func hasLine(text string, parts ...string) bool {
	for _, line := range strings.Split(text, "\n") {
		if containsInOrder(line, parts) {
			return true
		}
	}
	return false
}

func containsInOrder(line string, parts []string) bool {
	for _, p := range parts {
		i := strings.Index(line, p)
		if i < 0 {
			return false
		}
		line = line[i+len(p):]
	}
	return true
}

// wantLines fails the test for each row of parts that no line of text holds.
func wantLines(t *testing.T, text string, rows ...[]string) {
	t.Helper()
	for _, parts := range rows {
		if !hasLine(text, parts...) {
			t.Errorf("no line holds %q in order; text:\n%s", parts, text)
		}
	}
}
