package mail

import (
	"testing"

	"github.com/mlegit/mlegit/photos"
)

func TestIdentify(t *testing.T) {
	f := photos.NewFinder(roster(t))
	const (
		kowalski = 0
		lucja    = 1
		zofia3b  = 2
		pawel    = 4
	)
	one := []Photo{{Name: "IMG_2031.JPG"}}
	tests := []struct {
		name    string
		subject string
		lines   []string
		photos  []Photo
		want    []Identified
	}{
		{"file name by names and class", "zdjęcie", nil, []Photo{{Name: "Kowalski Jan 2a.jpg"}},
			[]Identified{{Student: kowalski, From: FromFileName}}},
		{"file name by PESEL", "", nil, []Photo{{Name: "15250519842.heic"}},
			[]Identified{{Student: zofia3b, From: FromFileName}}},
		{"file name wins over the subject", "Żółkiewski Paweł 1b", nil, []Photo{{Name: "Jan Kowalski kl. 2a.jpg"}},
			[]Identified{{Student: kowalski, From: FromFileName}}},
		{"subject with mail words", "Re: Fwd: mLegitymacja – zdjęcie – Żółkiewski Paweł kl. 1B", nil, one,
			[]Identified{{Student: pawel, From: FromSubject}}},
		{"subject with second name", "Legitymacja szkolna: Wiśniewska Łucja Maria 2a", nil, one,
			[]Identified{{Student: lucja, From: FromSubject}}},
		{"subject with a PESEL", "Zdjęcie do legitymacji 15211218425", nil, one,
			[]Identified{{Student: kowalski, From: FromSubject}}},
		{"body: one line with slashes", "Zdjęcie", []string{"Dzień dobry,", "mLegitymacja / Jan Kowalski / 2a", "Pozdrawiam"}, one,
			[]Identified{{Student: kowalski, From: FromBody}}},
		{"body: surname first, kl.", "", []string{"Kowalski Jan kl. 2a"}, one,
			[]Identified{{Student: kowalski, From: FromBody}}},
		{"body: commas and klasa", "", []string{"Legitymacja szkolna, Jan Kowalski, klasa 2a"}, one,
			[]Identified{{Student: kowalski, From: FromBody}}},
		{"body: spread over the first lines", "", []string{"mLegitymacja", "Jan Kowalski", "2a"}, one,
			[]Identified{{Student: kowalski, From: FromBody}}},
		{"no class: never guessed", "Zofia Nowak", nil, one,
			[]Identified{{Student: -1, Why: WhyUnknown}}},
		{"names of two children in the subject", "Jan Kowalski 2a i Zofia Nowak 3b", nil, one,
			[]Identified{{Student: -1, Why: WhyUnknown}}},
		{"body names two students on two lines", "", []string{"Jan Kowalski 2a", "Zofia Nowak 3b"}, one,
			[]Identified{{Student: -1, From: FromBody, Why: WhyAmbiguous}}},
		{"two photos, one student in the subject", "Jan Kowalski 2a", nil, []Photo{{Name: "a.jpg"}, {Name: "b.jpg"}},
			[]Identified{{Student: -1, From: FromSubject, Why: WhySeveral}, {Student: -1, From: FromSubject, Why: WhySeveral}}},
		{"two photos named for two children", "zdjęcia", nil, []Photo{{Name: "Jan Kowalski 2a.jpg"}, {Name: "Zofia Nowak 3b.jpg"}},
			[]Identified{{Student: kowalski, From: FromFileName}, {Student: zofia3b, From: FromFileName}}},
		{"unknown PESEL", "12345678901", nil, one, []Identified{{Student: -1, Why: WhyUnknown}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Identify(f, &Message{Subject: tt.subject, Lines: tt.lines, Photos: tt.photos})
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("photo %d: got %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}
