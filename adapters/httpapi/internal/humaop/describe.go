package humaop

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
)

// describe learns the operation's parameters, body, resolvers and output
// from its types, and documents them on op as huma.Register would.
func (o *operation) describe(op *huma.Operation) {
	registry := o.api.OpenAPI().Components.Schemas
	if op.Responses == nil {
		op.Responses = map[string]*huma.Response{}
	}
	o.describeInput(op, registry, o.in, nil)
	if f, ok := o.in.FieldByName("Body"); ok {
		o.describeBody(op, registry, f)
	}
	o.describeOutput(op, registry)
	describeErrors(op, registry, len(o.params) > 0 || o.body != nil)
	if d, ok := o.api.(huma.OperationDocumenter); ok {
		d.DocumentOperation(op)
	} else if !op.Hidden {
		o.api.OpenAPI().AddOperation(op)
	}
}

// describeInput finds the parameters and resolvers of t, the input or a
// struct embedded in it, at the field path prefix.
func (o *operation) describeInput(op *huma.Operation, registry huma.Registry, t reflect.Type, prefix []int) {
	// As in huma: a type that resolves itself (often through a method
	// promoted from an embedded struct) is not searched for more, and
	// unexported fields are never touched.
	resolves := reflect.PointerTo(t).Implements(resolverType)
	if resolves {
		o.resolvers = append(o.resolvers, prefix)
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() || (resolves && f.Anonymous) {
			continue
		}
		path := append(append([]int(nil), prefix...), i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			o.describeInput(op, registry, f.Type, path)
			continue
		}
		if p, ok := describeParam(op, registry, f, path); ok {
			o.params = append(o.params, p)
		}
	}
}

// describeParam documents a field tagged as a path, query or header
// parameter.
func describeParam(op *huma.Operation, registry huma.Registry, f reflect.StructField, path []int) (param, bool) {
	p := param{index: path}
	for _, loc := range []string{"path", "query", "header"} {
		if name := f.Tag.Get(loc); name != "" {
			p.loc, p.name = loc, name
			break
		}
	}
	if p.loc == "" {
		if f.Tag.Get("cookie") != "" || f.Tag.Get("form") != "" {
			panic("humaop: cookie and form parameters are not supported (field " + f.Name + ")")
		}
		return p, false
	}
	if !parsable(f.Type) {
		panic("humaop: parameter " + p.name + " has unsupported type " + f.Type.String())
	}
	var explode *bool
	if p.loc == "query" {
		// A list is comma-separated, never repeated keys (huma's default);
		// the explode and deepObject styles are not supported.
		name, options, _ := strings.Cut(p.name, ",")
		if options != "" {
			panic("humaop: query parameter options are not supported (" + p.name + ")")
		}
		p.name, explode = name, new(bool)
	}
	p.required = p.loc == "path"
	if v, ok := f.Tag.Lookup("required"); ok {
		p.required = v == "true"
	}
	p.fallback = f.Tag.Get("default")
	p.schema = huma.SchemaFromField(registry, f, "")
	if f.Tag.Get("hidden") != "true" {
		op.Parameters = append(op.Parameters, &huma.Param{
			Name: p.name, In: p.loc, Required: p.required, Schema: p.schema, Explode: explode,
			Description: p.schema.Description, // some tools read it only here
		})
	}
	return p, true
}

// parsable says whether parseInto reads the type.
func parsable(t reflect.Type) bool {
	if t == reflect.TypeFor[time.Time]() {
		return true
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return true
	}
	return false
}

// describeBody documents the JSON request body.
func (o *operation) describeBody(op *huma.Operation, registry huma.Registry, f reflect.StructField) {
	if op.RequestBody == nil {
		op.RequestBody = &huma.RequestBody{}
	}
	if op.RequestBody.Content == nil {
		op.RequestBody.Content = map[string]*huma.MediaType{}
	}
	required := f.Tag.Get("required") == "true" || (f.Type.Kind() != reflect.Pointer && f.Type.Kind() != reflect.Interface)
	if required {
		op.RequestBody.Required = true
	}
	media := op.RequestBody.Content["application/json"]
	if media == nil {
		media = &huma.MediaType{}
		op.RequestBody.Content["application/json"] = media
	}
	if media.Schema == nil {
		media.Schema = huma.SchemaFromField(registry, f, hint(o.in, f.Name, op.OperationID+"Request"))
	}
	media.Schema.PrecomputeMessages()
	if op.MaxBodyBytes == 0 {
		op.MaxBodyBytes = 1 << 20
	}
	if op.BodyReadTimeout == 0 {
		op.BodyReadTimeout = 5 * time.Second
	}
	o.body = &bodyField{index: f.Index, required: required, schema: media.Schema}
}

// describeOutput learns the output's headers and body and documents the
// response at the operation's default status.
func (o *operation) describeOutput(op *huma.Operation, registry huma.Registry) {
	out := o.out
	if _, ok := out.FieldByName("Status"); ok {
		panic("humaop: a Status output field is not supported (" + op.OperationID + ")")
	}
	if f, ok := out.FieldByName("Body"); ok {
		o.outBody = f.Index[0]
		describeResponseBody(op, registry, out, f)
	}
	if op.DefaultStatus == 0 {
		op.DefaultStatus = http.StatusNoContent
		if o.outBody >= 0 || op.Method == http.MethodHead {
			op.DefaultStatus = http.StatusOK
		}
	}
	status := strconv.Itoa(op.DefaultStatus)
	if op.Responses[status] == nil {
		op.Responses[status] = &huma.Response{Description: http.StatusText(op.DefaultStatus)}
	}
	for i := 0; i < out.NumField(); i++ {
		f := out.Field(i)
		if f.Anonymous || f.Name == "Body" {
			continue
		}
		name := f.Tag.Get("header")
		if name == "" {
			name = f.Name
		}
		o.headers = append(o.headers, outHeader{index: i, name: name})
		describeHeader(op.Responses[status], registry, out, f, name, op.OperationID+status+name)
	}
}

// describeResponseBody documents the body at the default status, keeping
// what the operation already says (a PDF's media type, say).
func describeResponseBody(op *huma.Operation, registry huma.Registry, out reflect.Type, f reflect.StructField) {
	if f.Type.Kind() == reflect.Func && f.Type != bodyCallbackType {
		panic("humaop: a Body func must be func(huma.Context)")
	}
	status := op.DefaultStatus
	if status == 0 {
		status = http.StatusOK
	}
	key := strconv.Itoa(status)
	resp := op.Responses[key]
	if resp == nil {
		resp = &huma.Response{}
		op.Responses[key] = resp
	}
	if resp.Description == "" {
		resp.Description = http.StatusText(status)
	}
	if resp.Headers == nil {
		resp.Headers = map[string]*huma.Param{}
	}
	if f.Type.Kind() == reflect.Func {
		return
	}
	if resp.Content == nil {
		resp.Content = map[string]*huma.MediaType{}
	}
	if len(resp.Content) == 0 {
		resp.Content["application/json"] = &huma.MediaType{}
	}
	if m := resp.Content["application/json"]; m != nil && m.Schema == nil {
		m.Schema = huma.SchemaFromField(registry, f, hint(out, f.Name, op.OperationID+"Response"))
	}
}

// describeHeader documents the type of the output header name, written
// from field f.
func describeHeader(resp *huma.Response, registry huma.Registry, out reflect.Type, f reflect.StructField, name, fallbackHint string) {
	if f.Tag.Get("hidden") == "true" {
		return
	}
	if resp.Headers == nil {
		resp.Headers = map[string]*huma.Param{}
	}
	if f.Type.Kind() == reflect.Slice {
		f.Type = f.Type.Elem()
	}
	if reflect.PointerTo(f.Type).Implements(reflect.TypeFor[interface{ String() string }]()) {
		f.Type = reflect.TypeFor[string]() // written with String()
	}
	resp.Headers[name] = &huma.Header{Schema: huma.SchemaFromField(registry, f, hint(out, f.Name, fallbackHint))}
}

// describeErrors documents the error responses, as huma does: the listed
// codes, or a default error response.
func describeErrors(op *huma.Operation, registry huma.Registry, takesInput bool) {
	if len(op.Errors) > 0 {
		if takesInput {
			op.Errors = append(op.Errors, http.StatusUnprocessableEntity)
		}
		op.Errors = append(op.Errors, http.StatusInternalServerError)
	}
	example := huma.NewError(0, "")
	ct := contentType(example, "application/json")
	errType := reflect.TypeOf(example)
	for errType.Kind() == reflect.Pointer {
		errType = errType.Elem()
	}
	schema := registry.Schema(errType, true, hint(errType, "", "Error"))
	for _, code := range op.Errors {
		op.Responses[strconv.Itoa(code)] = &huma.Response{
			Description: http.StatusText(code),
			Content:     map[string]*huma.MediaType{ct: {Schema: schema}},
		}
	}
	if len(op.Responses) <= 1 && len(op.Errors) == 0 {
		op.Responses["default"] = &huma.Response{Description: "Error", Content: map[string]*huma.MediaType{ct: {Schema: schema}}}
	}
}

// hint names the schema of an anonymous struct after its parent, as huma
// does.
func hint(parent reflect.Type, name, other string) string {
	if parent.Name() != "" {
		return parent.Name() + name
	}
	return other
}
