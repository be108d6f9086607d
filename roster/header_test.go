package roster

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// Class headers that name the class in more than one way are the class.
func TestClassHeaderVariants(t *testing.T) {
	for _, h := range []string{"Klasa/oddział", "Oddział (klasa)", "KLASA - ODDZIAŁ", "oddzial/klasa", "Nazwa oddziału", "Klasa i oddział"} {
		t.Run(h, func(t *testing.T) {
			p := writeTemp(t, "k.csv", []byte("Nazwisko;Imię;PESEL;Nr legitymacji;"+h+"\nNowak;Ewa;1;2;4b\n"))
			got, info := readWithInfo(t, p)
			if len(got) != 1 || got[0].Class != "4b" {
				t.Errorf("records %+v, want class 4b", got)
			}
			if len(info.Warnings) != 0 {
				t.Errorf("warnings %q, want none", info.Warnings)
			}
		})
	}
	// A title row mentioning a class is no class column.
	if _, ok := newMatcher(nil).field("Lista uczniów klasy 1a"); ok {
		t.Error("a title naming a class was taken for the class column")
	}
}

// Without a class column the roster is read and a Polish warning says so.
func TestNoClassColumnWarns(t *testing.T) {
	p := writeTemp(t, "n.csv", []byte("Nazwisko;Imię;PESEL;Nr legitymacji\nNowak;Ewa;1;2\n"))
	got, info := readWithInfo(t, p)
	if len(got) != 1 || len(info.Warnings) != 1 || info.Warnings[0] != NoClassWarning || !strings.Contains(NoClassWarning, "oddział") {
		t.Errorf("records %d, warnings %q; want 1 and the no-class warning", len(got), info.Warnings)
	}
}

// Two columns for one field fail the file, naming both columns.
func TestAmbiguousColumns(t *testing.T) {
	tests := []struct {
		name, header string
		field        Field
		cols, names  [2]string
	}{
		{"two PESELs", "Nazwisko;Imię;PESEL;Nr legitymacji;Nr PESEL", FieldPESEL, [2]string{"C", "E"}, [2]string{"PESEL", "Nr PESEL"}},
		{"klasa and oddział", "Klasa;Nazwisko;Imię;PESEL;Nr legitymacji;Oddział (klasa)", FieldClass, [2]string{"A", "F"}, [2]string{"Klasa", "Oddział (klasa)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := 0
			_, err := ReadFile(context.Background(), writeTemp(t, "a.csv", []byte(tt.header+"\nNowak;Ewa;1;2;3;4\n")), nil,
				func(Record) error { n++; return nil })
			var ae *AmbiguousColumnsError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want *AmbiguousColumnsError", err)
			}
			if ae.Field != tt.field || ae.Columns != tt.cols || ae.Names != tt.names || n != 0 {
				t.Errorf("got %+v after %d records, want %s in %v %v and none", ae, n, tt.field, tt.cols, tt.names)
			}
			msg := ae.PolishMessage()
			for _, want := range []string{tt.cols[0], tt.cols[1], tt.names[0], tt.names[1], ColumnName(tt.field)} {
				if !strings.Contains(msg, want) {
					t.Errorf("PolishMessage %q lacks %q", msg, want)
				}
			}
		})
	}
}

func TestColumnLetter(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA"} {
		if got := columnLetter(i); got != want {
			t.Errorf("columnLetter(%d) = %q, want %q", i, got, want)
		}
	}
}

func readWithInfo(t *testing.T, path string) ([]Record, Info) {
	t.Helper()
	var got []Record
	info, err := ReadFile(context.Background(), path, nil, func(r Record) error { got = append(got, r); return nil })
	if err != nil {
		t.Fatal(err)
	}
	return got, info
}
