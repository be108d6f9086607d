package roster

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

func encodeWith(t *testing.T, enc interface{ Bytes([]byte) ([]byte, error) }, b []byte) []byte {
	t.Helper()
	out, err := enc.Bytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReadCSVEncodingsAndDelimiters(t *testing.T) {
	encodings := map[string]func(t *testing.T, b []byte) []byte{
		"utf8":     func(t *testing.T, b []byte) []byte { return b },
		"utf8bom":  func(t *testing.T, b []byte) []byte { return append([]byte{0xEF, 0xBB, 0xBF}, b...) },
		"cp1250":   func(t *testing.T, b []byte) []byte { return encodeWith(t, charmap.Windows1250.NewEncoder(), b) },
		"iso88592": func(t *testing.T, b []byte) []byte { return encodeWith(t, charmap.ISO8859_2.NewEncoder(), b) },
		"utf16le": func(t *testing.T, b []byte) []byte {
			return encodeWith(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder(), b)
		},
	}
	delims := map[string]rune{"semicolon": ';', "comma": ',', "tab": '\t'}
	rows := append([][]string{schoolHeader}, schoolRows...)
	want := schoolRecords("school.csv")
	for encName, encode := range encodings {
		for delimName, d := range delims {
			for _, crlf := range []bool{false, true} {
				name := encName + "/" + delimName + map[bool]string{false: "/lf", true: "/crlf"}[crlf]
				t.Run(name, func(t *testing.T) {
					p := writeTemp(t, "school.csv", encode(t, csvBytes(t, rows, d, crlf)))
					equalRecords(t, mustRead(t, p, nil), want)
				})
			}
		}
	}
}

func TestReadCSVLayout(t *testing.T) {
	text := "Lista uczniów;;;;\n" + // row 1: title
		"Szkoła Podstawowa nr 1, \"Pod Dębem\";;;;\n" + // row 2: title, quotes inside
		"\n" + // row 3
		"Nazwisko;Imię;PESEL;Nr legitymacji;Oddział\n" + // row 4: header
		"\"Kowalska; \"\"Nowak\"\"\";\u00a0Anna ;10250112345;1/2024;1a\n" + // row 5
		"Wiśniewski;\"Jan\nPaweł\";10250154321;2/2024;1a\n" + // rows 6-7
		";;;;\n" + // row 8: empty
		"Nowak;Ewa;10250167890\n" + // row 9: short row
		"Zięba;Olga;10250100000;4/2024;1b;extra;cells\n" // row 10: long row
	want := []Record{
		{Row: 5, Surname: `Kowalska; "Nowak"`, FirstName: "Anna", PESEL: "10250112345", CardNumber: "1/2024", Class: "1a"},
		{Row: 6, Surname: "Wiśniewski", FirstName: "Jan\nPaweł", PESEL: "10250154321", CardNumber: "2/2024", Class: "1a"},
		{Row: 9, Surname: "Nowak", FirstName: "Ewa", PESEL: "10250167890"},
		{Row: 10, Surname: "Zięba", FirstName: "Olga", PESEL: "10250100000", CardNumber: "4/2024", Class: "1b"},
	}
	for _, eol := range []string{"\n", "\r\n"} {
		t.Run(strings.ReplaceAll(strings.ReplaceAll(eol, "\r", "CR"), "\n", "LF"), func(t *testing.T) {
			p := writeTemp(t, "a.csv", []byte(strings.ReplaceAll(text, "\n", eol)))
			for i := range want {
				want[i].File = "a.csv"
			}
			equalRecords(t, mustRead(t, p, nil), want)
		})
	}
}

func TestReadCSVHeaderSynonyms(t *testing.T) {
	tests := []struct{ name, header string }{
		{"polish", "Nazwisko;Imię;Drugie imię;Data urodzenia;PESEL;Oddział;Numer legitymacji;Data wydania legitymacji;Data ważności legitymacji;Niepełnosprawność"},
		{"ascii underscores", "nazwisko;imie1;imie2;data_ur;pesel;oddzial;nr_leg;data_wydania;data_waznosci;niepelnosprawnosc"},
		{"upper and spaced", "NAZWISKO;IMIĘ PIERWSZE;IMIĘ DRUGIE;DATAURODZENIA;NUMER PESEL;KLASA;NUMER LEGITYMACJI SZKOLNEJ;DATA WYDANIA;WAŻNA DO;CZY NIEPEŁNOSPRAWNOŚĆ"},
		{"other forms", "Nazwisko;imie;Imię drugie;dataurodzenia;Numer PESEL;Dane oddziału;Nr legitymacji;Data_Wydania;Data_Ważności;Niepełnosprawność"},
	}
	want := []Record{{File: "h.csv", Row: 2, Surname: "S", FirstName: "F", SecondName: "S2", BirthDate: "B", PESEL: "P",
		Class: "C", CardNumber: "N", CardIssued: "I", CardValid: "V", Disability: "D"}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeTemp(t, "h.csv", []byte(tt.header+"\nS;F;S2;B;P;C;N;I;V;D\n"))
			equalRecords(t, mustRead(t, p, nil), want)
		})
	}
}

func TestReadCSVConfigColumns(t *testing.T) {
	p := writeTemp(t, "c.csv", []byte("Nazwisko ucznia,Imię,PESEL,Legitymacja nr\nNowak,Ewa,10250167890,7/2024\n"))
	opt := &Options{Columns: map[Field][]string{
		FieldSurname:    {"nazwisko_ucznia"},
		FieldCardNumber: {"LEGITYMACJA NR"},
	}}
	want := []Record{{File: "c.csv", Row: 2, Surname: "Nowak", FirstName: "Ewa", PESEL: "10250167890", CardNumber: "7/2024"}}
	equalRecords(t, mustRead(t, p, opt), want)

	_, err := readAll(t, p, nil)
	var missing *MissingColumnsError
	if !errors.As(err, &missing) || !reflect.DeepEqual(missing.Missing, []Field{FieldSurname, FieldCardNumber}) {
		t.Fatalf("without config: err = %v, want missing surname and card number", err)
	}
}

func TestReadCSVMissingColumns(t *testing.T) {
	tests := []struct {
		name, text string
		missing    []Field
		polish     string
	}{
		{"some", "Tytuł\nNazwisko;Imię;Oddział\nNowak;Ewa;1a\n", []Field{FieldPESEL, FieldCardNumber},
			"W pliku brakuje kolumn: PESEL, Numer legitymacji"},
		{"empty file", "", requiredFields, "W pliku brakuje kolumn: Nazwisko, Imię, PESEL, Numer legitymacji"},
		{"header too low", strings.Repeat("x\n", maxHeaderRows) + "Nazwisko;Imię;PESEL;nr_leg\n", requiredFields,
			"W pliku brakuje kolumn: Nazwisko, Imię, PESEL, Numer legitymacji"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readAll(t, writeTemp(t, "m.csv", []byte(tt.text)), nil)
			var missing *MissingColumnsError
			if !errors.As(err, &missing) {
				t.Fatalf("err = %v, want *MissingColumnsError", err)
			}
			if !reflect.DeepEqual(missing.Missing, tt.missing) || missing.File != "m.csv" {
				t.Errorf("got %+v, want missing %v in m.csv", missing, tt.missing)
			}
			if got := missing.PolishMessage(); got != tt.polish {
				t.Errorf("PolishMessage() = %q, want %q", got, tt.polish)
			}
			if !strings.Contains(err.Error(), "m.csv") || !strings.Contains(err.Error(), "pesel") {
				t.Errorf("Error() = %q, want the file and the missing field named", err)
			}
		})
	}
}

// A row that cannot be parsed is that row's alone: it comes back marked
// unreadable, with what its line shows, and every other row is read.
func TestReadCSVUnreadableRows(t *testing.T) {
	const head = "Nazwisko;Imię;PESEL;Nr legitymacji\n"
	tests := []struct {
		name, text string
		want       []Record
	}{
		{"bare quote", head + "Nowak;Ewa;1;2\nKowalski;Jan\"ek;3;4\nZięba;Olga;5;6\n", []Record{
			{Row: 2, Surname: "Nowak", FirstName: "Ewa", PESEL: "1", CardNumber: "2"},
			{Row: 3, Surname: "Kowalski", FirstName: "Janek", PESEL: "3", CardNumber: "4", Unreadable: ReasonBareQuote},
			{Row: 4, Surname: "Zięba", FirstName: "Olga", PESEL: "5", CardNumber: "6"},
		}},
		{"after a skipped title", "Szkoła \"Pod Dębem\"\n" + head + "Nowak;Ewa;1;2\n\"Kowalski\"x;Jan;3;4\nZięba;Olga;5;6\n", []Record{
			{Row: 3, Surname: "Nowak", FirstName: "Ewa", PESEL: "1", CardNumber: "2"},
			{Row: 4, Surname: "Kowalskix", FirstName: "Jan", PESEL: "3", CardNumber: "4", Unreadable: ReasonQuote},
			{Row: 5, Surname: "Zięba", FirstName: "Olga", PESEL: "5", CardNumber: "6"},
		}},
		{"unbalanced quote", head + "Nowak;Ewa;1;2\n\"Kowalski;Jan;3;4\nZięba;Olga;5;6\nWrona;Adam;7;8\n", []Record{
			{Row: 2, Surname: "Nowak", FirstName: "Ewa", PESEL: "1", CardNumber: "2"},
			{Row: 3, Surname: "Kowalski", FirstName: "Jan", PESEL: "3", CardNumber: "4", Unreadable: ReasonQuote},
			{Row: 4, Surname: "Zięba", FirstName: "Olga", PESEL: "5", CardNumber: "6"},
			{Row: 5, Surname: "Wrona", FirstName: "Adam", PESEL: "7", CardNumber: "8"},
		}},
		{"NUL byte", head + "Nowak;Ewa;1;2\nKowal\x00ski;Jan;3;4\nZięba;Olga;5;6\n", []Record{
			{Row: 2, Surname: "Nowak", FirstName: "Ewa", PESEL: "1", CardNumber: "2"},
			{Row: 3, Surname: "Kowalski", FirstName: "Jan", PESEL: "3", CardNumber: "4", Unreadable: ReasonNUL},
			{Row: 4, Surname: "Zięba", FirstName: "Olga", PESEL: "5", CardNumber: "6"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := range tt.want {
				tt.want[i].File = "bad.csv"
			}
			equalRecords(t, mustRead(t, writeTemp(t, "bad.csv", []byte(tt.text)), nil), tt.want)
		})
	}
}

// A file of nothing but broken rows is refused whole rather than
// re-parsed line after line.
func TestReadCSVTooManyUnreadable(t *testing.T) {
	text := "Nazwisko;Imię;PESEL;Nr legitymacji\n" + strings.Repeat("a\"b;c;d;e\n", maxUnreadableRows+1)
	if _, err := readAll(t, writeTemp(t, "g.csv", []byte(text)), nil); !errors.Is(err, ErrTooManyUnreadable) {
		t.Fatalf("err = %v, want ErrTooManyUnreadable", err)
	}
}

// Bare CR (old Mac), CRLF and LF line ends, mixed in one file, all end a
// row: no student is glued to the one before.
func TestReadCSVLineEnds(t *testing.T) {
	text := "Nazwisko;Imię;PESEL;Nr legitymacji\rNowak;Ewa;1;2\r\nZięba;Olga;5;6\nWrona;Adam;7;8\r"
	want := []Record{
		{File: "e.csv", Row: 2, Surname: "Nowak", FirstName: "Ewa", PESEL: "1", CardNumber: "2"},
		{File: "e.csv", Row: 3, Surname: "Zięba", FirstName: "Olga", PESEL: "5", CardNumber: "6"},
		{File: "e.csv", Row: 4, Surname: "Wrona", FirstName: "Adam", PESEL: "7", CardNumber: "8"},
	}
	equalRecords(t, mustRead(t, writeTemp(t, "e.csv", []byte(text)), nil), want)
}

func TestReadFileStops(t *testing.T) {
	p := writeTemp(t, "s.csv", append([]byte(strings.Join(schoolHeader, ";")+"\n"), csvBytes(t, schoolRows, ';', false)...))
	stop := errors.New("stop")
	n := 0
	_, err := ReadFile(context.Background(), p, nil, func(Record) error { n++; return stop })
	if err != stop || n != 1 {
		t.Errorf("emit error: got %v after %d records, want stop as is after 1", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n = 0
	_, err = ReadFile(ctx, p, nil, func(Record) error { n++; return nil })
	if !errors.Is(err, context.Canceled) || n != 0 {
		t.Errorf("cancelled: got %v after %d records, want context.Canceled after 0", err, n)
	}
}

func TestReadFileUnsupported(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"binary.csv", []byte("Nazwisko;Imię\x00;PESEL")},
		{"fake.xlsx", []byte("Nazwisko;Imię;PESEL;nr_leg\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := readAll(t, writeTemp(t, tt.name, tt.data), nil); !errors.Is(err, ErrUnsupported) {
				t.Errorf("err = %v, want ErrUnsupported", err)
			}
		})
	}
}

func TestColumnNameAndFold(t *testing.T) {
	if got := ColumnName(FieldCardValid); got != "Data ważności legitymacji" {
		t.Errorf("ColumnName = %q", got)
	}
	for in, want := range map[string]string{"Data_Ważności Legitymacji": "datawaznoscilegitymacji", "ŁÓDŹ-Ślęża": "lodzsleza", " Nr. leg ": "nrleg"} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func charmapEncoder() interface{ Bytes([]byte) ([]byte, error) } {
	return charmap.Windows1250.NewEncoder()
}
