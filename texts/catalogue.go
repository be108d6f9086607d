package texts

import (
	"sort"
	"time"
)

// Entry is the Polish text of one reason or warning.
type Entry struct {
	// Title says what is wrong, as one sentence.
	Title string
	// Action says what the secretariat (or whoever must act) does about
	// it, as one or two sentences.
	Action string
	// Details are templates of the detail line ("Szczegóły"), by variant;
	// "" is the usual one. See Fill for how values are written.
	Details map[string]string
	// Example holds a value for every name the templates use, for tests
	// and documentation.
	Example Args
	// Warning marks something to check that rejected nobody.
	Warning bool
}

// Message is the reason as the secretariat's "Powód" column shows it:
// the title, then what to do.
func (e Entry) Message() string { return e.Title + " " + e.Action }

// Detail fills the template of variant (the usual one when variant is
// unknown) with a; "" when the entry has no template.
func (e Entry) Detail(variant string, a Args) string {
	t, ok := e.Details[variant]
	if !ok {
		t = e.Details[""]
	}
	return Fill(t, a)
}

// Lookup returns the entry of a reason or warning code.
func Lookup(code string) (Entry, bool) {
	e, ok := catalogue[code]
	return e, ok
}

// Codes lists every code in the catalogue, sorted.
func Codes() []string {
	out := make([]string, 0, len(catalogue))
	for c := range catalogue {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// PhotoNameExample is how a photo file may be named for a student; the
// details of photo reasons show it with the student's own name and class.
func PhotoNameExample(surname, firstName, class string) string {
	return surname + " " + firstName + " " + class + ".jpg"
}

// BoolValues are the values a yes/no roster column accepts, as the
// FIELD_INVALID detail lists them.
const BoolValues = "tak, nie, T, N, 1, 0, X (tak) albo puste pole (nie)"

var exampleDate = time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC)

// catalogue is the one table of reasons and warnings. Keys are the stable
// codes (reject.Code and report warning codes); see the package
// documentation for how to add one.
var catalogue = map[string]Entry{
	// Roster rows.
	"PESEL_LENGTH": {
		Title:  "PESEL nie ma 11 cyfr.",
		Action: "Wpisz w arkuszu pełny, 11-cyfrowy PESEL ucznia, w komórce sformatowanej jako tekst.",
		Details: map[string]string{
			"":           "Pole PESEL ma znaków: {n}, a powinno mieć 11 cyfr.",
			"scientific": "Arkusz zapisał PESEL jako liczbę w zapisie wykładniczym ({value}), której nie da się zamienić z powrotem na cyfry. Sformatuj kolumnę PESEL jako tekst, wpisz numery ponownie i zapisz plik.",
			"lost_zero":  "Wpisano 10 cyfr: arkusz usunął zero z początku numeru (jak w liczbie). Sformatuj kolumnę PESEL jako tekst i wpisz numer z zerem na początku.",
		},
		Example: Args{"n": 9, "value": Quoted("1,12101E+10")},
	},
	"PESEL_CHECKSUM": {
		Title:  "PESEL ma błędną cyfrę kontrolną.",
		Action: "Porównaj numer z dokumentem ucznia — zwykle to literówka albo dwie zamienione cyfry.",
		Details: map[string]string{
			"": "Ostatnia cyfra numeru nie zgadza się z wyliczoną z pierwszych dziesięciu.",
		},
	},
	"PESEL_BIRTHDATE_MISMATCH": {
		Title:  "Data urodzenia w numerze PESEL nie zgadza się z datą urodzenia w arkuszu.",
		Action: "Sprawdź PESEL i datę urodzenia z dokumentem ucznia i popraw błędną wartość.",
		Details: map[string]string{
			"":           "Z numeru PESEL wynika {pesel_date}, w arkuszu wpisano {sheet_date}.",
			"impossible": "Numer PESEL zawiera datę urodzenia, której nie ma w kalendarzu — to literówka w numerze.",
		},
		Example: Args{"pesel_date": time.Date(2015, 5, 3, 0, 0, 0, 0, time.UTC), "sheet_date": time.Date(2015, 3, 5, 0, 0, 0, 0, time.UTC)},
	},
	"CARD_MISSING": {
		Title:  "Brak numeru legitymacji szkolnej.",
		Action: "Wpisz numer wydanej legitymacji — mLegitymację wydaje się tylko do wydanej legitymacji szkolnej.",
		Details: map[string]string{
			"": "Kolumna {column} jest pusta.",
		},
		Example: Args{"column": Quoted("Numer legitymacji")},
	},
	"CARD_EXPIRED": {
		Title:  "Legitymacja szkolna straciła ważność.",
		Action: "Potwierdź ważność legitymacji i wpisz w arkuszu nową datę ważności.",
		Details: map[string]string{
			"": "Data ważności w arkuszu: {valid_until}; sprawdzono na dzień {as_of}.",
		},
		Example: Args{"valid_until": time.Date(2026, 8, 31, 0, 0, 0, 0, time.UTC), "as_of": time.Date(2026, 9, 15, 0, 0, 0, 0, time.UTC)},
	},
	"NAME_MISSING": {
		Title:  "Brak nazwiska lub imienia ucznia.",
		Action: "Uzupełnij puste pole w arkuszu.",
		Details: map[string]string{
			"": "Puste pole: {fields}.",
		},
		Example: Args{"fields": []string{"nazwisko", "imię"}},
	},
	"NAME_INVALID": {
		Title:  "Imię lub nazwisko zawiera niedozwolone znaki.",
		Action: "Wpisz samo imię lub nazwisko: litery, spacja, łącznik albo apostrof, bez cyfr i bez znaku =, +, - lub @ na początku.",
		Details: map[string]string{
			"": "Pole {field}: {value}.",
		},
		Example: Args{"field": Quoted("imię"), "value": Quoted("J4n")},
	},
	"DATE_INVALID": {
		Title:  "Nieprawidłowa data.",
		Action: "Wpisz datę, która istnieje w kalendarzu, w formacie DD.MM.RRRR, np. 05.09.2015.",
		Details: map[string]string{
			"":         "Pole {field}: {value} — takiego dnia nie ma w kalendarzu (sprawdź dzień i miesiąc).",
			"unparsed": "Pole {field}: {value} — to nie jest data w żadnym z rozpoznawanych zapisów (DD.MM.RRRR, RRRR-MM-DD, DD-MM-RRRR, RRRR/MM/DD).",
		},
		Example: Args{"field": Quoted("Data urodzenia"), "value": Quoted("32.13.2015")},
	},
	"FIELD_INVALID": {
		Title:  "Pole zawiera niedozwoloną wartość.",
		Action: "Popraw wartość w arkuszu — dozwolone wartości podano w szczegółach.",
		Details: map[string]string{
			"":        "Pole {field}: {value}; dozwolone wartości: {allowed}.",
			"formula": "Pole {field}: {value} wygląda jak formuła arkusza (zaczyna się od =, +, - lub @) — wpisz samą wartość.",
			"newline": "Pole {field} zawiera przejście do nowego wiersza — wpisz wartość w jednym wierszu.",
		},
		Example: Args{"field": Quoted("Niepełnosprawność"), "value": Quoted("może"), "allowed": BoolValues},
	},
	"DUPLICATE_PESEL": {
		Title:  "Ten sam PESEL występuje w szkole więcej niż raz.",
		Action: "Popraw błędny numer. Do tego czasu odrzucono wszystkie wiersze z tym numerem.",
		Details: map[string]string{
			"": "Wiersze z tym numerem: {rows}.",
		},
		Example: Args{"rows": []int{4, 17}},
	},
	"PESEL_IN_OTHER_SCHOOL": {
		Title:  "Ten PESEL przyjęto także w innej szkole — prawdopodobnie uczeń zmienił szkołę.",
		Action: "Sekretariaty obu szkół ustalają, gdzie uczeń się teraz uczy. Szkoła, z której uczeń odszedł, usuwa go ze swojej listy uczniów. Do tego czasu uczeń pozostaje przyjęty.",
		Details: map[string]string{
			"": "Także w: {schools}.",
		},
		Example: Args{"schools": []string{"Szkoła Podstawowa nr 3 w Gdańsku"}},
	},

	"ROW_UNREADABLE": {
		Title:  "Nie udało się odczytać tego wiersza pliku z listą uczniów.",
		Action: "Popraw wiersz w arkuszu albo zapisz plik ponownie z arkusza. Pozostałe wiersze odczytano.",
		Details: map[string]string{
			"": "Przyczyna: {reason}.",
		},
		Example: Args{"reason": "niedomknięty lub nadmiarowy cudzysłów (\")"},
	},

	// Roster files.
	"FILE_UNREADABLE": {
		Title:  "Nie udało się odczytać pliku z listą uczniów.",
		Action: "Wyeksportuj listę ponownie z UONET+ lub SIO jako plik CSV, XLSX, ODS albo XLS i podmień plik.",
		Details: map[string]string{
			"":              "Plik {file} jest uszkodzony albo nie jest plikiem CSV, XLSX, ODS ani XLS.",
			"format":        "Plik {file} nie jest plikiem CSV, XLSX, ODS ani XLS (np. to plik innego programu) — zapisz go jako XLSX.",
			"empty":         "Plik {file} jest pusty.",
			"missing":       "Nie znaleziono pliku {file}.",
			"too_large":     "Plik {file} jest większy niż {limit} — to nie wygląda na listę uczniów jednej szkoły.",
			"csv_quote":     "Plik {file}, wiersz {line}: cudzysłów w środku pola, którego nie ujęto w cudzysłowy — zapisz plik ponownie z arkusza albo usuń ten cudzysłów.",
			"csv":           "Plik {file}, wiersz {line}: zapis CSV jest uszkodzony (np. niedomknięty cudzysłów).",
			"xlsx":          "Plik {file} nie otwiera się jako skoroszyt XLSX — jest uszkodzony albo to inny format z rozszerzeniem .xlsx.",
			"no_header":     "W pliku {file} nie znaleziono wiersza nagłówka z nazwami kolumn (szukano w pierwszych 20 wierszach każdego arkusza).",
			"permissions":   "Program nie ma prawa odczytu pliku {file}.",
			"not_regular":   "Wskazana ścieżka {file} to nie zwykły plik, tylko folder, potok albo urządzenie — wskaż plik z listą uczniów.",
			"too_many_rows": "Zbyt wielu wierszy pliku {file} nie da się odczytać — plik jest uszkodzony albo nie jest listą uczniów. Zapisz go ponownie z arkusza.",
			"xls":           "Plik {file} nie otwiera się jako skoroszyt XLS — jest uszkodzony albo zabezpieczony hasłem.",
			"ods":           "Plik {file} nie otwiera się jako arkusz ODS — jest uszkodzony.",
			"unpacked":      "Plik {file} po rozpakowaniu byłby większy niż {limit} — to nie wygląda na listę uczniów jednej szkoły.",
		},
		Example: Args{"file": Quoted("uczniowie.csv"), "line": 12, "limit": Bytes(64 << 20)},
	},
	"FILE_COLUMNS_MISSING": {
		Title:  "W pliku z listą uczniów brakuje wymaganych kolumn — nikogo z tego pliku nie przyjęto.",
		Action: "Dodaj do eksportu brakujące kolumny (nazwy podano w szczegółach) i uruchom program ponownie.",
		Details: map[string]string{
			"": "Brakuje kolumn: {columns}.",
		},
		Example: Args{"columns": []Quoted{"PESEL", "Numer legitymacji"}},
	},

	"FILE_COLUMNS_AMBIGUOUS": {
		Title:  "Dwie kolumny pliku z listą uczniów pasują do tego samego pola — nikogo z tego pliku nie przyjęto.",
		Action: "Zostaw jedną z tych kolumn albo zmień nagłówek drugiej i uruchom program ponownie.",
		Details: map[string]string{
			"": "Do pola {field} pasują kolumny {first} i {second}.",
		},
		Example: Args{"field": Quoted("PESEL"), "first": "C („PESEL”)", "second": "E („Nr PESEL”)"},
	},

	// Photos.
	"PHOTO_MISSING": {
		Title:  "Brak zdjęcia ucznia.",
		Action: "Dodaj do folderu ze zdjęciami plik JPG nazwany numerem PESEL ucznia albo jego nazwiskiem, imieniem i oddziałem.",
		Details: map[string]string{
			"": "Nazwij plik np. {example} albo numerem PESEL ucznia z rozszerzeniem .jpg.",
		},
		Example: Args{"example": Quoted("Kowalska Anna 2a.jpg")},
	},
	"PHOTO_AMBIGUOUS": {
		Title:  "Nie da się jednoznacznie przypisać zdjęcia.",
		Action: "Zostaw jeden plik na ucznia i nazwij go numerem PESEL ucznia z rozszerzeniem .jpg — taka nazwa jest zawsze jednoznaczna.",
		Details: map[string]string{
			"":            "Do ucznia pasuje kilka plików: {files} — zostaw jeden.",
			"pesel_files": "Kilka plików nazwanych numerem PESEL ucznia: {files} — zostaw jeden.",
			"pesel_twice": "Ten PESEL występuje w arkuszu więcej niż raz, więc zdjęcia nie można przypisać — najpierw popraw PESEL.",
			"same_name":   "Pliki {files} dałyby to samo zdjęcie wynikowe {output} — zostaw jeden.",
			"shared":      "Plik {files} pasuje do więcej niż jednego ucznia (te same imię, nazwisko i oddział) — zmień nazwę pliku na numer PESEL ucznia.",
		},
		Example: Args{"files": []Quoted{"Kowalska Anna 2a.jpg", "anna kowalska.jpeg"}, "output": Quoted("Kowalska Anna 2a.jpg")},
	},
	"PHOTO_TOO_LARGE": {
		Title:  "Zdjęcie jest za duże, by je bezpiecznie otworzyć.",
		Action: "Prześlij to zdjęcie w mniejszej rozdzielczości, np. zrobione zwykłym aparatem telefonu.",
		Details: map[string]string{
			"":       "Zdjęcie {file} ma {found} px ({megapixels} Mpx), a limit to {limit_megapixels} Mpx.",
			"bytes":  "Plik {file} ma {found_bytes}, a limit to {limit_bytes}.",
			"decode": "Zdjęcie {file} ma {found} px i po otwarciu zajęłoby {found_bytes} pamięci, a limit to {limit_bytes}.",
		},
		Example: Args{"file": Quoted("IMG_2041.jpg"), "found": Size{12000, 9000}, "megapixels": 108.0, "limit_megapixels": 50,
			"found_bytes": Bytes(60_000_000), "limit_bytes": Bytes(50_000_000)},
	},
	"PHOTO_UNREADABLE": {
		Title:  "Pliku zdjęcia nie da się odczytać.",
		Action: "Prześlij zdjęcie jeszcze raz, najlepiej jako JPG prosto z aparatu lub telefonu.",
		Details: map[string]string{
			"":          "Plik {file} jest uszkodzony — nie da się z niego odczytać obrazu.",
			"empty":     "Plik {file} jest pusty (0 bajtów).",
			"truncated": "Plik {file} jest ucięty (ma tylko {found_bytes}) — nie doszedł w całości.",
			"zeros":     "Plik {file} zawiera same zera — to nie jest zdjęcie.",
			"open":      "Nie da się otworzyć pliku {file} (brak uprawnień albo to nie jest zwykły plik).",
		},
		Example: Args{"file": Quoted("Nowak Jan 1b.jpg"), "found_bytes": Bytes(4)},
	},
	"PHOTO_FORMAT": {
		Title:  "Nieobsługiwany format zdjęcia.",
		Action: "Zapisz zdjęcie jako JPG lub PNG (np. w telefonie wybierz format „Najbardziej zgodny”) i prześlij ponownie.",
		Details: map[string]string{
			"":        "Plik {file} jest w formacie {format}, a potrzebny jest JPG lub PNG.",
			"unknown": "Plik {file} nie jest zdjęciem JPG ani PNG.",
		},
		Example: Args{"file": Quoted("IMG_2041.heic"), "format": "HEIC"},
	},
	"PHOTO_TOO_SMALL": {
		Title:  "Zdjęcie ma zbyt małą rozdzielczość.",
		Action: "Prześlij zdjęcie większe, zrobione z bliska. Powiększenie małego zdjęcia nie pomoże.",
		Details: map[string]string{
			"":     "Zdjęcie {file} ma {found} px, a potrzeba co najmniej {need} px (szerokość × wysokość).",
			"crop": "Zdjęcie {file} ma {found} px; po przycięciu do proporcji {aspect} zostaje {cropped} px, a potrzeba co najmniej {need} px.",
		},
		Example: Args{"file": Quoted("Nowak Jan 1b.jpg"), "found": Size{160, 200}, "need": Size{480, 600}, "aspect": "4:5", "cropped": Size{1200, 1500}},
	},
	"PHOTO_TOO_HEAVY": {
		Title:  "Zdjęcia nie da się zmieścić w limicie rozmiaru pliku.",
		Action: "Prześlij zdjęcie na jednolitym, jasnym tle. Drobne wzory i szum w tle powiększają plik.",
		Details: map[string]string{
			"": "Przy najniższej dopuszczalnej jakości ({quality}) plik ma {found_bytes}, a limit to {limit_bytes}.",
		},
		Example: Args{"quality": 90, "found_bytes": Bytes(74_500), "limit_bytes": Bytes(60_000)},
	},
	"PHOTO_BACKGROUND": {
		Title:  "Tło zdjęcia nie jest jasne.",
		Action: "Zrób zdjęcie na jasnym, jednolitym tle (np. przy białej ścianie) i prześlij ponownie.",
		Details: map[string]string{
			"": "Jasność tła zdjęcia {file} to {brightness} na 255, a wymagane jest co najmniej {min}.",
		},
		Example: Args{"file": Quoted("Nowak Jan 1b.jpg"), "brightness": 96, "min": 140},
	},

	// Rows of the codes file from the portal.
	"CODES_PESEL_UNKNOWN": {
		Title:  "Nieprawidłowy numer PESEL w pliku kodów z portalu.",
		Action: "Pobierz plik kodów z portalu ponownie i nie zmieniaj go ręcznie. Kodu z tego wiersza nie wydrukowano.",
		Details: map[string]string{
			"":         "Numer ma błędną cyfrę kontrolną.",
			"length":   "Numer ma znaków: {n}, a powinien mieć 11 cyfr.",
			"date":     "Numer zawiera datę urodzenia, której nie ma w kalendarzu.",
			"nondigit": "Numer zawiera znaki inne niż cyfry.",
		},
		Example: Args{"n": 10},
	},
	"CODES_NOT_IN_PACKAGE": {
		Title:  "Tego ucznia nie było w paczce wysłanej do portalu.",
		Action: "Sprawdź, czy plik kodów pochodzi z portalu tej szkoły. Kodu z tego wiersza nie wydrukowano.",
		Details: map[string]string{
			"": "Wysłana paczka: {package}.",
		},
		Example: Args{"package": "mlegitymacja-sp7-20260915.zip"},
	},
	"CODES_DUPLICATE": {
		Title:  "Kod dla tego ucznia występuje w pliku kodów więcej niż raz.",
		Action: "Pobierz plik kodów z portalu ponownie. Żadnego z tych kodów nie wydrukowano.",
		Details: map[string]string{
			"": "Wiersze z tym numerem PESEL: {rows}.",
		},
		Example: Args{"rows": []int{3, 9}},
	},
	"CODES_DATE_INVALID": {
		Title:  "Nieprawidłowa data w pliku kodów.",
		Action: "Pobierz plik kodów z portalu ponownie i nie zmieniaj dat ręcznie. Kodu z tego wiersza nie wydrukowano.",
		Details: map[string]string{
			"":      "W kolumnie {column} nie rozpoznano daty (plik z portalu zapisuje ją jako RRRR-MM-DD).",
			"order": "Data ważności kodu ({valid_until}) jest wcześniejsza niż data jego wygenerowania ({generated}).",
		},
		Example: Args{"column": Quoted("wygenerowano"), "valid_until": exampleDate, "generated": exampleDate.AddDate(0, 0, 2)},
	},
	"CODES_EXPIRED": {
		Title:  "Kod aktywacyjny już wygasł.",
		Action: "Wygeneruj w portalu nowe kody dla ucznia i zaimportuj nowy plik kodów. Wygasłego kodu nie wydrukowano.",
		Details: map[string]string{
			"": "Kod był ważny do {valid_until}.",
		},
		Example: Args{"valid_until": exampleDate},
	},
	"CODES_FIELD_MISSING": {
		Title:  "Brak kodu QR lub kodu aktywacyjnego w pliku kodów.",
		Action: "Pobierz plik kodów z portalu ponownie. Kodu z tego wiersza nie wydrukowano.",
		Details: map[string]string{
			"": "Kolumna {column} jest pusta.",
		},
		Example: Args{"column": Quoted("kod_qr")},
	},
	"CODES_FIELD_INVALID": {
		Title:  "Kod QR lub kod aktywacyjny w pliku kodów jest dłuższy, niż zmieści odcinek.",
		Action: "Pobierz plik kodów z portalu ponownie i sprawdź, czy kolumny nie zostały przesunięte. Kodu z tego wiersza nie wydrukowano.",
		Details: map[string]string{
			"":     "Kolumna {column} ma {n} znaków, a odcinek mieści najwyżej {max}.",
			"text": "Kolumna {column} zawiera znaki sterujące, których nie da się wydrukować.",
		},
		Example: Args{"column": Quoted("kod_qr"), "n": 10240, "max": 213},
	},
	"CODES_STALE": {
		Title:  "Kod dotyczy wcześniejszego, unieważnionego wydania mLegitymacji.",
		Action: "Nie drukuj go. Wydrukuj kody wygenerowane po wysłaniu ostatniej paczki.",
		Details: map[string]string{
			"":       "Wydanie mLegitymacji, którego dotyczy kod, unieważniono albo mLegitymacja jest wydawana ponownie.",
			"before": "Kod wygenerowano {generated}, a obecne dane ucznia wysłano do portalu {packaged}.",
		},
		Example: Args{"generated": exampleDate, "packaged": exampleDate.AddDate(0, 0, 5)},
	},

	// Rows of the portal's activations report.
	"ACTIVATION_PESEL_INVALID": {
		Title:  "Nieprawidłowy numer PESEL w raporcie aktywacji z portalu.",
		Action: "Pobierz raport aktywacji z portalu ponownie i nie zmieniaj go ręcznie. Tego wiersza nie zapisano.",
		Details: map[string]string{
			"":         "Numer ma błędną cyfrę kontrolną.",
			"length":   "Numer ma znaków: {n}, a powinien mieć 11 cyfr.",
			"date":     "Numer zawiera datę urodzenia, której nie ma w kalendarzu.",
			"nondigit": "Numer zawiera znaki inne niż cyfry.",
		},
		Example: Args{"n": 12},
	},
	"ACTIVATION_DUPLICATE": {
		Title:  "Uczeń występuje w raporcie aktywacji więcej niż raz.",
		Action: "Pobierz raport aktywacji z portalu ponownie. Żadnego z tych wierszy nie zapisano.",
		Details: map[string]string{
			"": "Wiersze z tym numerem PESEL: {rows}.",
		},
		Example: Args{"rows": []int{2, 5}},
	},
	"ACTIVATION_DATE_INVALID": {
		Title:  "Nieprawidłowa data aktywacji w raporcie z portalu.",
		Action: "Pobierz raport aktywacji z portalu ponownie i nie zmieniaj dat ręcznie. Tego wiersza nie zapisano.",
		Details: map[string]string{
			"": "W kolumnie {column} nie rozpoznano daty (raport z portalu zapisuje ją jako RRRR-MM-DD).",
		},
		Example: Args{"column": Quoted("aktywowano")},
	},
	"ACTIVATION_STUDENT_UNKNOWN": {
		Title:  "Raport aktywacji wymienia ucznia, którego program nie wysłał do portalu.",
		Action: "Sprawdź, czy raport pochodzi z portalu tej szkoły. Tego wiersza nie zapisano.",
		Details: map[string]string{
			"": "Aktywacja z dnia {activated}.",
		},
		Example: Args{"activated": exampleDate},
	},
	"INVALIDATION_HELD": {
		Title:  "Wstrzymano unieważnienie: ta noc unieważniłaby więcej legitymacji, niż pozwala ustawienie max_invalidations.",
		Action: "Sprawdź, czy eksport listy uczniów jest kompletny (wszystkie oddziały). Nic nie zmieniono; jeśli te unieważnienia są prawdziwe, informatyk uruchamia program z --max-invalidations.",
		Details: map[string]string{
			"": "Powód unieważnienia: {reason}.",
			// A held school in the district summary (run --all).
			"school": "Liczba wstrzymanych unieważnień: {count}, limit: {limit}. Uczniów wymienia odrzuceni.csv tej szkoły.",
		},
		Example: Args{"reason": "przejście do innej szkoły", "count": 42, "limit": 5},
	},
	"ACTIVATION_UNEXPECTED": {
		Title:  "Portal zgłosił aktywację ucznia, który nie czeka na aktywację.",
		Action: "Sprawdź ucznia w portalu: jeśli jego mLegitymację unieważniono, unieważnij ją także w portalu. Jeśli wydano nowe kody, wydaj je uczniowi.",
		Details: map[string]string{
			"": "Stan mLegitymacji w programie: {state}; aktywacja z dnia {activated}.",
		},
		Example: Args{"state": "unieważniona", "activated": exampleDate},
	},

	// Pickups refused (mlegit pickup, the web page): a slip that must not
	// be handed over, or not yet. {since} is when the student's card
	// reached its state.
	"PICKUP_INVALIDATED": {
		Title:  "Legitymacja jest unieważniona — tego wydruku nie wolno wydać.",
		Action: "Nie wydawaj kartki. Jeśli uczeń ma dostać mLegitymację, wydaj ją ponownie i wydrukuj nową kartkę.",
		Details: map[string]string{
			"": "Legitymację unieważniono {since}.",
		},
		Example: Args{"since": exampleDate},
	},
	"PICKUP_CODES_EXPIRED": {
		Title:  "Kody wygasły nieaktywowane.",
		Action: "Potrzebne jest ponowne wydanie („mlegit reissue”) i nowa kartka z kodami.",
		Details: map[string]string{
			"": "Kody wygasły {since}.",
		},
		Example: Args{"since": exampleDate},
	},
	"PICKUP_NOT_PRINTED": {
		Title:  "Wydruk z kodami nie został jeszcze wydrukowany.",
		Action: "Najpierw wydrukuj kartkę z kodami („mlegit slips”), potem zapisz jej odbiór.",
		Details: map[string]string{
			"": "Kody z portalu dotarły {since}.",
		},
		Example: Args{"since": exampleDate},
	},
	"PICKUP_ALREADY_DONE": {
		Title:  "Wydruk tego wydania został już odebrany.",
		Action: "Odbiór zapisuje się raz; po ponownym wydaniu nową kartkę odbiera się znowu.",
		Details: map[string]string{
			"":        "Data odbioru: {date}.",
			"undated": "Odbiór zapisano bez daty.",
		},
		Example: Args{"date": exampleDate},
	},
	"PICKUP_ACTIVATED": {
		Title:  "Legitymacja jest już aktywowana.",
		Action: "Kartki nie trzeba wydawać: uczeń ma już mLegitymację w telefonie.",
		Details: map[string]string{
			"": "Aktywowano ją {since}.",
		},
		Example: Args{"since": exampleDate},
	},
	"PICKUP_NO_CODES": {
		Title:  "Kody z portalu jeszcze nie dotarły.",
		Action: "Kartkę można wydać, gdy kody dotrą z portalu i zostaną wydrukowane.",
		Details: map[string]string{
			"": "Stan mLegitymacji: {state}.",
		},
		Example: Args{"state": "wysłana do portalu"},
	},

	// Warnings: to check, nobody rejected.
	"PHOTO_DARK": {
		Warning: true,
		Title:   "Zdjęcie jest ciemne.",
		Action:  "Sprawdź, czy twarz jest dobrze widoczna; jeśli nie, poproś o zdjęcie zrobione w lepszym świetle.",
		Details: map[string]string{
			"": "Średnia jasność zdjęcia {file} to {brightness} na 255 (zalecane co najmniej {min}).",
		},
		Example: Args{"file": Quoted("Nowak Jan 1b.jpg"), "brightness": 48, "min": 60},
	},
	"PHOTO_BLURRED": {
		Warning: true,
		Title:   "Zdjęcie wygląda na nieostre.",
		Action:  "Sprawdź zdjęcie; jeśli twarz jest rozmyta, poproś o nowe, zrobione nieruchomym telefonem.",
		Details: map[string]string{
			"": "Ostrość zdjęcia {file}: {sharpness} (zalecane co najmniej {min}).",
		},
		Example: Args{"file": Quoted("Nowak Jan 1b.jpg"), "sharpness": 9, "min": 25},
	},
	"PHOTO_NO_FACE": {
		Warning: true,
		Title:   "Na zdjęciu nie znaleziono twarzy.",
		Action:  "Sprawdź, czy to zdjęcie ucznia: twarz na wprost, dobrze oświetlona, w środku kadru.",
		Details: map[string]string{
			"": "Plik {file}.",
		},
		Example: Args{"file": Quoted("Nowak Jan 1b.jpg")},
	},
	"PHOTO_BACKGROUND_CHECK": {
		Warning: true,
		Title:   "Tło zdjęcia może być za ciemne.",
		Action:  "Ten profil wymaga jasnego tła: sprawdź zdjęcie i w razie potrzeby poproś o nowe, przy jasnej ścianie.",
		Details: map[string]string{
			"": "Jasność tła zdjęcia {file} to {brightness} na 255 (zalecane co najmniej {min}).",
		},
		Example: Args{"file": Quoted("Nowak Jan 1b.jpg"), "brightness": 96, "min": 140},
	},
	"PESEL_REPAIRED": {
		Warning: true,
		Title:   "PESEL zapisany w arkuszu jako liczba — program dopisał zero z początku numeru.",
		Action:  "Sprawdź numer z dokumentem ucznia i sformatuj kolumnę PESEL w arkuszu jako tekst.",
		Details: map[string]string{
			"": "Numer odczytany z komórki liczbowej uzupełniono zerami z przodu do 11 cyfr.",
		},
	},
	"PHOTO_UNMATCHED": {
		Warning: true,
		Title:   "Zdjęcie nie pasuje do żadnego ucznia.",
		Action:  "Zmień nazwę pliku na numer PESEL ucznia albo na jego nazwisko, imię i oddział (np. „Kowalska Anna 2a.jpg”). Zbędny plik usuń.",
		Details: map[string]string{
			"": "Plik {file}.",
		},
		Example: Args{"file": Quoted("zdjecie1.jpg")},
	},
	"PHOTO_MAIL_UNASSIGNED": {
		Warning: true,
		Title:   "Zdjęcie przysłane e-mailem nie zostało przypisane do żadnego ucznia.",
		Action:  "Sprawdź listę nieprzypisane.csv: wskaż ucznia, do którego należy zdjęcie (szkolny informatyk przypisze je jednym poleceniem), albo poproś nadawcę o imię, nazwisko i oddział ucznia.",
		Details: map[string]string{
			"": "Wiadomość od {sender} z {date}, załącznik {file}: {why}",
		},
		Example: Args{"sender": "rodzic@example.pl", "date": time.Date(2026, 9, 3, 0, 0, 0, 0, time.UTC), "file": Quoted("IMG_2031.JPG"),
			"why": "Opis pasuje do więcej niż jednego ucznia."},
	},
	"PHOTO_SUBFOLDER": {
		Warning: true,
		Title:   "Zdjęcia w podfolderach nie są odczytywane.",
		Action:  "Przenieś zdjęcia z podfolderu bezpośrednio do folderu ze zdjęciami.",
		Details: map[string]string{
			"": "Podfolder {folder}.",
		},
		Example: Args{"folder": Quoted("klasa 2a")},
	},
	"PHOTO_OFFLINE": {
		Warning: true,
		Title:   "Pliku ze zdjęciem nie można teraz odczytać.",
		Action:  "Plik jest zapewne tylko w chmurze (OneDrive): otwórz folder ze zdjęciami w Eksploratorze plików, kliknij folder lub plik prawym przyciskiem, wybierz „Zawsze zachowuj na tym urządzeniu” i uruchom program ponownie.",
		Details: map[string]string{
			"":        "Plik {file} jest zapewne tylko w chmurze (OneDrive) i nie można go teraz otworzyć.",
			"special": "Plik {file} nie jest zwykłym plikiem (np. potok nazwany lub urządzenie) i nie został odczytany; usuń go z folderu ze zdjęciami.",
		},
		Example: Args{"file": Quoted("Nowak Ewa 2b.jpg")},
	},
	"ROSTER_INCOMPLETE": {
		Warning: true,
		Title:   "Jednego z plików z listą uczniów nie odczytano.",
		Action:  "Popraw plik (patrz lista odrzuconych). Do tego czasu program nie unieważnia mLegitymacji uczniów, których nie ma na liście.",
		Details: map[string]string{
			"": "Nieodczytane pliki: {files}.",
		},
		Example: Args{"files": []Quoted{"uczniowie-2.csv"}},
	},
	"ROSTER_NO_CLASS": {
		Warning: true,
		Title:   "W pliku z listą uczniów nie ma kolumny z oddziałem.",
		Action:  "Dodaj do eksportu kolumnę „Oddział” i uruchom program ponownie.",
		Details: map[string]string{
			"": "Plik {file}: uczniów przyjęto bez oddziału, wydruki nie są podzielone na oddziały, a zdjęć nazwanych z oddziałem nie da się dopasować.",
		},
		Example: Args{"file": Quoted("uczniowie.csv")},
	},
	"DEADLINE_NEAR": {
		Warning: true,
		Title:   "Zbliża się termin.",
		Action:  "Dopilnuj sprawy przed terminem.",
		Details: map[string]string{
			"": "{deadline}: termin {due}, zostało dni: {days_left}.",
		},
		Example: Args{"deadline": "Aktywacja kodu", "due": exampleDate, "days_left": 3},
	},
	"PACKAGE_UNREADABLE": {
		Warning: true,
		Title:   "W folderze z paczkami jest plik, którego nie da się odczytać jako paczki.",
		Action:  "Program zostawił go bez zmian. Jeśli to nie jest paczka dla portalu, przenieś go w inne miejsce.",
		Details: map[string]string{
			"": "Plik {file} w folderze paczek („package”).",
		},
		Example: Args{"file": Quoted("mlegitymacja-sp7-20260915.zip")},
	},
	"PACKAGE_LOST": {
		Warning: true,
		Title:   "Paczki dla portalu nie ma w folderze i nie da się jej odtworzyć, a portal nie potwierdził jej odbioru.",
		Action:  "Jeśli paczka została wysłana, potwierdź to poleceniem „mlegit package uploaded” z nazwą paczki. Jeśli nie, zgłoś to administratorowi: uczniowie z tej paczki czekają na kody.",
		Details: map[string]string{
			"": "Paczka {package} z dnia {created}, uczniów: {students}.",
		},
		Example: Args{"package": Quoted("mlegitymacja-sp7-20260915.zip"), "created": exampleDate, "students": 28},
	},
	"PACKAGE_NOT_SENT": {
		Warning: true,
		Title:   "Paczka czeka na wysłanie do portalu dłużej, niż szkoła ma na wygenerowanie kodów.",
		Action:  "Wyślij paczkę na portal, a po wysłaniu potwierdź to poleceniem „mlegit package uploaded” z nazwą paczki.",
		Details: map[string]string{
			"": "Paczka {package} z dnia {created}, uczniów: {students}, czeka od {days} dni (termin: {due_days} dni).",
		},
		Example: Args{"package": Quoted("mlegitymacja-sp7-20260915.zip"), "created": exampleDate, "students": 28, "days": 16, "due_days": 14},
	},
	"CARD_KEPT_ROW_REJECTED": {
		Warning: true,
		Title:   "Wiersz ucznia odrzucono, ale wydana mLegitymacja pozostaje ważna.",
		Action:  "Popraw dane ucznia w eksporcie z dziennika (patrz lista odrzuconych). Legitymacji nie unieważniono.",
		Details: map[string]string{
			"": "Oddział {class}.",
		},
		Example: Args{"class": "2a"},
	},
	"PHOTO_NEW_NOT_SENT": {
		Warning: true,
		Title:   "Nowe zdjęcie ucznia, który ma już wydaną mLegitymację — nie wysłano go.",
		Action:  "Jeśli legitymację trzeba wydać z nowym zdjęciem, wydaj ją ponownie poleceniem „mlegit reissue” (lub na stronie sekretariatu); najbliższe nocne uruchomienie wyśle zdjęcie.",
		Details: map[string]string{
			"": "Oddział {class}.",
		},
		Example: Args{"class": "2a"},
	},
	"REISSUE_PHOTO_ON_FILE": {
		Warning: true,
		Title:   "Legitymację wydano ponownie ze zdjęciem przechowywanym w programie.",
		Action:  "Nic nie trzeba robić. Gdy portal zwróci nowe kody, wydrukuj i wydaj uczniowi nowy wydruk.",
		Details: map[string]string{
			"": "Oddział {class}.",
		},
		Example: Args{"class": "2a"},
	},
	"REISSUE_NEEDS_PHOTO": {
		Warning: true,
		Title:   "Legitymację trzeba wydać ponownie, ale zdjęcie ucznia zostało już usunięte.",
		Action:  "Poproś rodziców o nowe zdjęcie i dodaj je do folderu ze zdjęciami; najbliższe nocne uruchomienie wyśle wniosek.",
		Details: map[string]string{
			"": "Oddział {class}.",
		},
		Example: Args{"class": "2a"},
	},
	"ROSTER_EMPTY": {
		Warning: true,
		Title:   "Lista uczniów jest pusta.",
		Action:  "Sprawdź eksport z dziennika. Nikogo nie uznano za ucznia, który odszedł, i nie unieważniono żadnej legitymacji.",
		Details: map[string]string{
			"": "Plik z listą nie zawiera żadnego ucznia (tylko nagłówek albo nic).",
		},
	},
	"CODES_OVERDUE": {
		Warning: true,
		Title:   "Portal nie zwrócił kodów w terminie.",
		Action:  "Sprawdź w portalu, czy kody wygenerowano, i zaimportuj plik kodów. Szkoła ma 14 dni od wysłania wniosku ze zdjęciem.",
		Details: map[string]string{
			"": "Kody miały być gotowe do {due}.",
		},
		Example: Args{"due": exampleDate},
	},
}
