package photos_test

import (
	"fmt"

	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/photos"
	"github.com/mlegit/mlegit/student"
)

func ExampleMatch() {
	students := []student.Student{
		{PESEL: pesel.PESEL("11210110089"), Surname: "Kamiński", FirstName: "Paweł", Class: "1b"},
		{PESEL: pesel.PESEL("10220101074"), Surname: "Nowak", FirstName: "Anna", Class: "2a"},
	}
	files := []string{"KAMINSKI pawel kl. 1B.jpg", "Thumbs.db", "wycieczka.jpg"}
	m := photos.Match(students, files)
	for _, x := range m.Matched {
		fmt.Println(x.Student.FirstName, "→", x.File)
	}
	for _, r := range m.Rejected {
		fmt.Println(r.Name, r.PESEL, r.Code)
	}
	fmt.Println("unmatched:", m.Unmatched)
	// Output:
	// Paweł → KAMINSKI pawel kl. 1B.jpg
	// Anna Nowak 1022*****74 PHOTO_MISSING
	// unmatched: [wycieczka.jpg]
}
