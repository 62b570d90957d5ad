package notify

import (
	"errors"
	htmltemplate "html/template"
	"regexp"

	"ezscale.cloud/platform"
)

// templateLine finds the line in a text/template or html/template error:
// "template: html:3: ...", "template: html:3:7: executing ..." or
// "html/template:content:3:7: ...".
var templateLine = regexp.MustCompile(`(?s)^(?:html/)?template: ?[^:]*:(\d+):(?:\d+:)? ?(.*)$`)

// templateError turns a parse, escape or execute error of one part into an
// EINVALID error on that part that starts with the line at fault.
func templateError(part string, err error) error {
	var escape *htmltemplate.Error
	if errors.As(err, &escape) && escape.Name == layout.Name() {
		// The layout is fixed and tested: html/template only fails in it
		// when the body it wraps ended inside something, so the layout
		// reads on in the wrong context.
		return platform.Invalid(part, "the HTML ends inside a tag, attribute, comment or script; close it")
	}
	if m := templateLine.FindStringSubmatch(err.Error()); m != nil {
		return platform.Invalid(part, "line %s: %s", m[1], m[2])
	}
	return platform.Invalid(part, "%v", err)
}
