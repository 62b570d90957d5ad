package notify

import (
	htmltemplate "html/template"
	"io"
	"strings"
	texttemplate "text/template"
	"unicode"
)

// set is one kind's three templates, parsed and ready to execute.
type set struct {
	subject *texttemplate.Template
	text    *texttemplate.Template
	html    *htmltemplate.Template
}

// missingKey makes a field the caller left out render as empty text, so
// templates can test optional fields with {{if}}.
const missingKey = "missingkey=zero"

// parseSet checks o's three parts (all set) and parses them; the HTML part
// becomes the "content" of the shared layout.
func parseSet(o Override) (*set, error) {
	for _, p := range []struct{ name, src string }{
		{"subject", o.Subject}, {"text", o.Text}, {"html", o.HTML},
	} {
		if err := check(o.Kind, p.name, p.src); err != nil {
			return nil, err
		}
	}
	s := &set{}
	var err error
	if s.subject, err = parseText("subject", o.Subject); err != nil {
		return nil, err
	}
	if s.text, err = parseText("text", o.Text); err != nil {
		return nil, err
	}
	s.html = htmltemplate.Must(layout.Clone()) // layout never executes, so Clone cannot fail
	if _, err = s.html.New("content").Parse(o.HTML); err != nil {
		return nil, templateError("html", err)
	}
	return s, nil
}

func parseText(part, src string) (*texttemplate.Template, error) {
	t, err := texttemplate.New(part).Option(missingKey).Funcs(funcs).Parse(src)
	if err != nil {
		return nil, templateError(part, err)
	}
	return t, nil
}

// render executes the three templates with data.
func (s *set) render(data Data) (Rendered, error) {
	subject, err := execute("subject", s.subject, data)
	if err != nil {
		return Rendered{}, err
	}
	text, err := execute("text", s.text, data)
	if err != nil {
		return Rendered{}, err
	}
	html, err := execute("html", s.html, data)
	if err != nil {
		return Rendered{}, err
	}
	return Rendered{Subject: oneLine(subject), Text: text, HTML: html}, nil
}

// executor is what text/template and html/template templates share.
type executor interface {
	Execute(w io.Writer, data any) error
}

func execute(part string, t executor, data Data) (string, error) {
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", templateError(part, err)
	}
	return b.String(), nil
}

// oneLine folds a rendered subject onto one line: control characters
// (CR and LF above all, which would start a new header) become spaces and
// runs of spaces collapse.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}
