package mail

import (
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/emersion/go-message/charset"
)

// maxParamSections bounds the RFC 2231 continuations joined for one
// parameter (name*0* ... name*N*); a mailer splits a long file name into a
// handful.
const maxParamSections = 100

// rfc2231Param decodes parameter name of a MIME header value
// (Content-Disposition, Content-Type) written the RFC 2231 way, in any
// charset go-message knows: name*=charset'lang'%XX... in one piece, or in
// sections name*0*=charset'lang'%XX..., name*1*=%XX..., name*2="plain"
// joined in order. mime.ParseMediaType decodes UTF-8 and US-ASCII only: a
// name in ISO-8859-2 or Windows-1250 (%B3 is ł) it drops, or keeps just
// the sections after the first. ok is false when the value holds no such
// parameter or it cannot be decoded (unknown charset, bad escape, a
// section missing).
func rfc2231Param(value, name string) (string, bool) {
	params := mediaParams(value)
	name = strings.ToLower(name)
	var cs string
	var raw strings.Builder
	if v, ok := params[name+"*"]; ok {
		c, text, ok := splitExtValue(v)
		if !ok {
			return "", false
		}
		cs = c
		raw.WriteString(text)
	} else {
		for n := 0; n < maxParamSections; n++ {
			sec := name + "*" + strconv.Itoa(n)
			if v, ok := params[sec+"*"]; ok {
				if n == 0 {
					c, text, ok := splitExtValue(v)
					if !ok {
						return "", false
					}
					cs, v = c, text
				}
				text, err := url.PathUnescape(v)
				if err != nil {
					return "", false
				}
				raw.WriteString(text)
				continue
			}
			if v, ok := params[sec]; ok && n > 0 {
				raw.WriteString(v)
				continue
			}
			break
		}
	}
	if cs == "" {
		return "", false
	}
	r, err := charset.Reader(cs, strings.NewReader(raw.String()))
	if err != nil {
		return "", false
	}
	out, err := io.ReadAll(r)
	if err != nil || len(out) == 0 {
		return "", false
	}
	return string(out), true
}

// splitExtValue splits an RFC 2231 extended initial value,
// charset'language'%XX..., into its charset and its percent-decoded text.
func splitExtValue(v string) (cs, text string, ok bool) {
	cs, rest, ok1 := strings.Cut(v, "'")
	_, enc, ok2 := strings.Cut(rest, "'")
	if !ok1 || !ok2 || cs == "" {
		return "", "", false
	}
	text, err := url.PathUnescape(enc)
	if err != nil {
		return "", "", false
	}
	return cs, text, true
}

// mediaParams splits the parameters of a header value ("attachment;
// filename*0*=...; filename*1*=..."): lower-case names, values unquoted,
// nothing decoded. A malformed parameter ends the list.
func mediaParams(v string) map[string]string {
	params := map[string]string{}
	_, v, _ = strings.Cut(v, ";")
	for {
		v = strings.TrimLeft(v, " \t\r\n;")
		key, rest, ok := strings.Cut(v, "=")
		if !ok {
			return params
		}
		key = strings.ToLower(strings.TrimSpace(key))
		rest = strings.TrimLeft(rest, " \t\r\n")
		var val string
		if strings.HasPrefix(rest, `"`) {
			var b strings.Builder
			i := 1
			for ; i < len(rest) && rest[i] != '"'; i++ {
				if rest[i] == '\\' && i+1 < len(rest) {
					i++
				}
				b.WriteByte(rest[i])
			}
			val, v = b.String(), rest[min(i+1, len(rest)):]
		} else {
			end := strings.IndexAny(rest, "; \t\r\n")
			if end < 0 {
				end = len(rest)
			}
			val, v = rest[:end], rest[end:]
		}
		if key == "" || strings.ContainsAny(key, " \t\"") {
			return params
		}
		if _, dup := params[key]; !dup {
			params[key] = val
		}
	}
}
