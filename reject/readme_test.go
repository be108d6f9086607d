package reject

import (
	"os"
	"strings"
	"testing"
)

// The README's table is what the secretariat's IT admin reads: every code,
// with the message the program really prints.
func TestREADMEListsEveryCode(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	for _, c := range All() {
		row := "| `" + string(c) + "` | " + c.Message() + " |"
		if !strings.Contains(readme, row) {
			t.Errorf("README lacks the row %q", row)
		}
	}
}
