package notify_test

import (
	"html"
	"strings"
	"testing"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/notify"
)

func TestEveryKindRendersItsExample(t *testing.T) {
	var tmpl notify.Templates
	kindFields := map[string]bool{"CompanyName": true, "SiteURL": true, "CustomerName": true}
	for _, kind := range notify.Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			r, err := tmpl.Render(kind, notify.Example(kind))
			if err != nil {
				t.Fatal(err)
			}
			if r.Subject == "" || strings.ContainsAny(r.Subject, "\r\n") || r.Fallback != nil {
				t.Errorf("subject %q, fallback %v", r.Subject, r.Fallback)
			}
			for _, f := range notify.Fields(kind) {
				if kindFields[f.Name] {
					continue
				}
				if !strings.Contains(r.Text, f.Example) {
					t.Errorf("text does not show %s (%q):\n%s", f.Name, f.Example, r.Text)
				}
				if !strings.Contains(r.HTML, html.EscapeString(f.Example)) {
					t.Errorf("HTML does not show %s (%q)", f.Name, f.Example)
				}
			}
			for _, body := range []string{r.Subject, r.Text, r.HTML} {
				if strings.Contains(body, "<no value>") {
					t.Errorf("rendered a missing value:\n%s", body)
				}
			}
			if !strings.HasPrefix(r.HTML, "<!DOCTYPE html>") || !strings.Contains(r.HTML, "Hi Ada Lovelace,") {
				t.Errorf("HTML is not in the layout or lacks the greeting:\n%s", r.HTML)
			}
		})
	}
}

func TestEveryKindRendersWithNoData(t *testing.T) {
	var tmpl notify.Templates
	for _, kind := range notify.Kinds() {
		r, err := tmpl.Render(kind, nil)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if !strings.HasPrefix(r.Text, "Hi,\n") {
			t.Errorf("%s: greeting without a name is %q", kind, strings.SplitN(r.Text, "\n", 2)[0])
		}
	}
}

// TestDefaultsPassValidation keeps each kind's field list honest: a default
// template that used an undocumented field would fail here.
func TestDefaultsPassValidation(t *testing.T) {
	for _, kind := range notify.Kinds() {
		if err := notify.Default(kind).Validate(); err != nil {
			t.Errorf("%s: %v", kind, err)
		}
	}
}

func TestKindsAndFields(t *testing.T) {
	if got := len(notify.Kinds()); got != 16 {
		t.Errorf("%d kinds, want 16", got)
	}
	if notify.Fields("no_such_kind") != nil {
		t.Error("Fields of an unknown kind is not nil")
	}
	var names []string
	for _, f := range notify.Fields(notify.KindServiceReady) {
		if f.Description == "" || f.Example == "" {
			t.Errorf("field %s lacks a description or example", f.Name)
		}
		names = append(names, f.Name)
	}
	want := "CompanyName SiteURL CustomerName ServiceName Hostname IPAddresses Username Password PanelURL"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("service_ready fields %q, want %q", got, want)
	}
}

func TestHTMLEscapesData(t *testing.T) {
	var tmpl notify.Templates
	data := notify.Example(notify.KindWelcome)
	data["CustomerName"] = `<script>alert("hi")</script>`
	r, err := tmpl.Render(notify.KindWelcome, data)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.HTML, "<script>") || !strings.Contains(r.HTML, "&lt;script&gt;alert(&#34;hi&#34;)&lt;/script&gt;") {
		t.Errorf("customer name not escaped in HTML:\n%s", r.HTML)
	}
	if !strings.Contains(r.Text, `Hi <script>alert("hi")</script>,`) {
		t.Errorf("plain text should show the name as typed:\n%s", r.Text)
	}
}

func TestDataIsNeverParsedAsATemplate(t *testing.T) {
	var tmpl notify.Templates
	data := notify.Example(notify.KindServiceReady)
	data["CustomerName"] = "{{.Password}}"
	data["Password"] = "hunter2"
	r, err := tmpl.Render(notify.KindServiceReady, data)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.Text, "Hi {{.Password}},\n") || !strings.Contains(r.HTML, "Hi {{.Password}},") {
		t.Errorf("name not printed literally:\n%s", r.Text)
	}
	if n := strings.Count(r.Text, "hunter2"); n != 1 {
		t.Errorf("password printed %d times, want once (in the access details)", n)
	}
}

func TestSubjectIsOneLine(t *testing.T) {
	var tmpl notify.Templates
	data := notify.Example(notify.KindTicketUpdate)
	data["TicketSubject"] = "Help\r\nBcc: victim@example.com\n\tnow"
	r, err := tmpl.Render(notify.KindTicketUpdate, data)
	if err != nil {
		t.Fatal(err)
	}
	if want := "[Ticket #48213] Help Bcc: victim@example.com now"; r.Subject != want {
		t.Errorf("subject %q, want %q", r.Subject, want)
	}
}

func TestRenderRefusesUnknownKindAndData(t *testing.T) {
	var tmpl notify.Templates
	_, err := tmpl.Render("no_such_kind", nil)
	assertInvalid(t, err, "kind", `unknown notification kind "no_such_kind"`)
	_, err = tmpl.Render(notify.KindWelcome, notify.Data{"CustomerNmae": "Ada"})
	assertInvalid(t, err, "data", `welcome emails have no field "CustomerNmae"`)
}

// assertInvalid checks that err is EINVALID on field and its message
// contains want.
func assertInvalid(t *testing.T, err error, field, want string) {
	t.Helper()
	if platform.ErrorCode(err) != platform.EINVALID || platform.ErrorField(err) != field {
		t.Fatalf("got %v, want EINVALID on %s", err, field)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
}
