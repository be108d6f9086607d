package pesel

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"testing"
)

var fullPESEL = regexp.MustCompile(`(^|[^0-9])[0-9]{11}([^0-9]|$)`)

type stringer string

func (s stringer) String() string { return string(s) }

// No full PESEL reaches the log, wherever it hides in a record.
func TestMaskingHandler(t *testing.T) {
	for name, newH := range map[string]func(*bytes.Buffer) slog.Handler{
		"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			log := slog.New(NewMaskingHandler(newH(&b))).With("student", "11210110089").WithGroup("g")
			err := fmt.Errorf("writing photo: %w", errors.New("open out/photos/02270803624.jpg: no space left on device"))
			log.Error("failed for 11210110089", "err", err, "file", "11210110089.jpg", "n", int64(11210110089),
				"s", stringer("PESEL 02270803624"), "list", []string{"02270803624"},
				slog.Group("inner", "p", "11210110089"), "count", 3)
			out := b.String()
			if m := fullPESEL.FindString(out); m != "" {
				t.Errorf("full PESEL %q in %s", m, out)
			}
			for _, want := range []string{"1121*****89", "0227*****24.jpg", "no space left on device", "3"} {
				if !strings.Contains(out, want) {
					t.Errorf("log lacks %q: %s", want, out)
				}
			}
		})
	}
}
