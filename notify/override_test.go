package notify_test

import (
	"strings"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/notify"
)

func TestOverrideValidationErrors(t *testing.T) {
	allowed := "the allowed functions are and, eq, lower, ne, not, or, upper"
	for _, tc := range []struct {
		name     string
		override notify.Override
		field    string
		want     string
	}{
		{"unknown kind", notify.Override{Kind: "nope", Text: "hi"},
			"kind", `unknown notification kind "nope"`},
		{"parse error", notify.Override{Kind: notify.KindWelcome, HTML: "<p>Hi</p>\n<p>{{.CustomerName</p>"},
			"html", "line 2: "},
		{"unknown field", notify.Override{Kind: notify.KindWelcome, Text: "Hi\n\n{{.Pasword}}"},
			"text", "line 3: unknown field .Pasword; welcome emails have CompanyName, SiteURL, CustomerName, LoginURL"},
		{"another kind's field", notify.Override{Kind: notify.KindWelcome, Subject: "{{.Password}}"},
			"subject", "line 1: unknown field .Password"},
		{"field of a field", notify.Override{Kind: notify.KindWelcome, Text: "{{.CustomerName.First}}"},
			"text", "line 1: unknown field .CustomerName.First"},
		{"unknown field via $", notify.Override{Kind: notify.KindWelcome, Text: "{{if .LoginURL}}\n{{$.Secret}}{{end}}"},
			"text", "line 2: unknown field .Secret"},
		{"unknown field in if", notify.Override{Kind: notify.KindWelcome, HTML: "{{if .Admin}}x{{end}}"},
			"html", "line 1: unknown field .Admin"},
		{"define", notify.Override{Kind: notify.KindWelcome, HTML: "<p>\n{{define \"x\"}}hi{{end}}"},
			"html", "line 2: {{define}} and {{block}} are not allowed"},
		{"template", notify.Override{Kind: notify.KindWelcome, HTML: "{{template \"layout\" .}}"},
			"html", "line 1: {{template}} and {{block}} are not allowed"},
		{"block", notify.Override{Kind: notify.KindWelcome, Text: "x\n{{block \"b\" .}}hi{{end}}"},
			"text", "line 2: {{define}} and {{block}} are not allowed"},
		{"printf", notify.Override{Kind: notify.KindWelcome, Subject: `{{printf "%s" .CustomerName}}`},
			"subject", `line 1: function "printf" is not allowed; ` + allowed},
		{"call", notify.Override{Kind: notify.KindWelcome, Text: `{{call .CustomerName}}`},
			"text", `function "call" is not allowed`},
		{"range", notify.Override{Kind: notify.KindWelcome, Text: "{{range .CustomerName}}x{{end}}"},
			"text", "line 1: {{range}} is not allowed"},
		{"with", notify.Override{Kind: notify.KindWelcome, Text: "{{with .CustomerName}}{{.}}{{end}}"},
			"text", "line 1: {{with}} is not allowed"},
		{"dot", notify.Override{Kind: notify.KindWelcome, Text: "All: {{.}}"},
			"text", "line 1: {{.}} is not allowed"},
		{"variable", notify.Override{Kind: notify.KindWelcome, Text: "{{$n := .CustomerName}}{{$n}}"},
			"text", "line 1: variables are not allowed"},
		{"unclosed attribute", notify.Override{Kind: notify.KindWelcome, HTML: "<p>Hi</p>\n<a href=\"{{.LoginURL}}"},
			"html", "the HTML ends inside a tag, attribute, comment or script; close it"},
		{"fails with example data", notify.Override{Kind: notify.KindWelcome, Text: "{{if eq .CustomerName 1}}x{{end}}"},
			"text", "line 1: executing"},
		{"fails with empty data", notify.Override{Kind: notify.KindWelcome, Text: "{{if not .CustomerName}}{{upper (eq 1 1)}}{{end}}"},
			"text", "line 1: executing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertInvalid(t, tc.override.Validate(), tc.field, tc.want)
		})
	}
}

func TestOverrideReplacesOnlyItsParts(t *testing.T) {
	var tmpl notify.Templates
	err := tmpl.SetOverride(notify.Override{
		Kind:    notify.KindWelcome,
		Subject: "{{if .CustomerName}}{{upper .CustomerName}}, welcome{{else}}Welcome{{end}} to {{.CompanyName}}",
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := tmpl.Render(notify.KindWelcome, notify.Example(notify.KindWelcome))
	if err != nil || r.Fallback != nil {
		t.Fatal(err, r.Fallback)
	}
	def, _ := new(notify.Templates).Render(notify.KindWelcome, notify.Example(notify.KindWelcome))
	if r.Subject != "ADA LOVELACE, welcome to EZSCALE Hosting" || r.Text != def.Text || r.HTML != def.HTML {
		t.Errorf("got subject %q; text or HTML differ from the default", r.Subject)
	}

	tmpl.RemoveOverride(notify.KindWelcome)
	if r, _ := tmpl.Render(notify.KindWelcome, notify.Example(notify.KindWelcome)); r.Subject != def.Subject {
		t.Errorf("after RemoveOverride subject is %q, want %q", r.Subject, def.Subject)
	}
}

func TestInvalidOverrideIsNotUsed(t *testing.T) {
	var tmpl notify.Templates
	err := tmpl.SetOverride(notify.Override{Kind: notify.KindServiceReady, Text: "Password: {{.RootPassword}}"})
	assertInvalid(t, err, "text", "unknown field .RootPassword")
	r, err := tmpl.Render(notify.KindServiceReady, notify.Example(notify.KindServiceReady))
	if err != nil || !strings.Contains(r.Text, "Here are your access details") {
		t.Errorf("default not used: %v\n%s", err, r.Text)
	}
}

// TestOverrideFallsBackToDefault covers an override that passes validation
// but fails for some data: the email still goes out, with the default
// content, and the failure is reported.
func TestOverrideFallsBackToDefault(t *testing.T) {
	var tmpl notify.Templates
	err := tmpl.SetOverride(notify.Override{
		Kind: notify.KindPaymentFailed,
		Text: "We will retry.\n{{if .RetryDate}}{{if not .Reason}}{{eq .Amount 1}}{{end}}{{end}}",
	})
	if err != nil {
		t.Fatal(err)
	}
	data := notify.Example(notify.KindPaymentFailed)
	data["Reason"] = ""
	r, err := tmpl.Render(notify.KindPaymentFailed, data)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Text, "We couldn't take your payment of $24.00") {
		t.Errorf("default text not used:\n%s", r.Text)
	}
	if platform.ErrorCode(r.Fallback) != platform.EINVALID || platform.ErrorField(r.Fallback) != "text" ||
		!strings.Contains(r.Fallback.Error(), "override of payment_failed failed, default used") ||
		!strings.Contains(r.Fallback.Error(), "line 2: ") {
		t.Errorf("fallback reported as %v", r.Fallback)
	}

	data["Reason"] = "The card expired"
	if r, _ := tmpl.Render(notify.KindPaymentFailed, data); r.Fallback != nil || !strings.HasPrefix(r.Text, "We will retry.") {
		t.Errorf("override not used when it works: %v\n%s", r.Fallback, r.Text)
	}
}

func TestPreview(t *testing.T) {
	r, err := notify.Override{Kind: notify.KindVerifyEmail, HTML: `<p><a href="{{.VerifyURL}}">Confirm</a></p>`}.Preview()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.HTML, `<a href="https://my.ezscale.cloud/verify?token=abc123">Confirm</a>`) {
		t.Errorf("preview HTML:\n%s", r.HTML)
	}
}

func TestOverrideHTMLIsEscaped(t *testing.T) {
	var tmpl notify.Templates
	if err := tmpl.SetOverride(notify.Override{
		Kind: notify.KindWelcome,
		HTML: `<p>Hello {{.CustomerName}}</p><a href="{{.LoginURL}}">in</a>`,
	}); err != nil {
		t.Fatal(err)
	}
	data := notify.Data{"CustomerName": "<b>x</b>", "LoginURL": "javascript:alert(1)"}
	r, err := tmpl.Render(notify.KindWelcome, data)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.HTML, "Hello &lt;b&gt;x&lt;/b&gt;") || strings.Contains(r.HTML, "javascript:") {
		t.Errorf("override HTML not escaped:\n%s", r.HTML)
	}
}
