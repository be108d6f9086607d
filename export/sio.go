package export

import (
	"fmt"
	"github.com/mlegit/mlegit/safefile"
	"io"
	"path/filepath"

	"github.com/mlegit/mlegit/student"
)

// SIOPath is where WriteSIO puts the SIO file, relative to OUT.
var SIOPath = filepath.Join("sio", "legitymacje.csv")

// SIOHeader is the SIO file's header row, column by column.
var SIOHeader = []string{"pesel", "numer legitymacji", "data wydania", "czy niepełnosprawność"}

// WriteSIO writes OUT/sio/legitymacje.csv, the SIO "import istniejących
// legitymacji" file, for the students given, and returns its path.
func WriteSIO(outDir string, students []student.Student) (string, error) {
	sorted, err := sortedUnique(students)
	if err != nil {
		return "", err
	}
	path := filepath.Join(outDir, SIOPath)
	if err := safefile.Write(path, func(w io.Writer) error { return writeSIO(w, sorted) }); err != nil {
		return "", fmt.Errorf("zapis pliku SIO: %w", err)
	}
	return path, nil
}

func writeSIO(w io.Writer, students []student.Student) error {
	cw := newCSVWriter(w)
	if err := cw.Write(SIOHeader); err != nil {
		return err
	}
	for _, s := range students {
		flag := "0"
		if s.Disability {
			flag = "1"
		}
		if err := cw.Write(neutralized(string(s.PESEL), s.CardNumber, date(s.CardIssued), flag)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
