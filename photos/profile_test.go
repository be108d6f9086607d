package photos

import (
	"strings"
	"testing"
)

func TestDefaultProfilesValid(t *testing.T) {
	ps := DefaultProfiles()
	if _, ok := ps[DefaultProfile]; !ok {
		t.Fatalf("default profile %q missing", DefaultProfile)
	}
	for _, name := range []string{"uonet", "mobywatel", "zpe", "sio", "legacy"} {
		t.Run(name, func(t *testing.T) {
			p, ok := ps[name]
			if !ok {
				t.Fatal("missing")
			}
			if err := p.Validate(); err != nil {
				t.Fatal(err)
			}
			if p.WithDefaults() != p {
				t.Error("built-in profile changed by WithDefaults")
			}
		})
	}
}

func TestProfileValidate(t *testing.T) {
	base := DefaultProfiles()["mobywatel"]
	tests := []struct {
		name   string
		change func(p *Profile)
		want   string // part of the error; "" means valid
	}{
		{"valid larger output", func(p *Profile) { p.Width, p.Height = 1440, 1800 }, ""},
		{"half an aspect", func(p *Profile) { p.AspectH = 0 }, "aspect_w and aspect_h"},
		{"absurd aspect", func(p *Profile) { p.AspectW, p.AspectH = 1, 9 }, "not a portrait"},
		{"output off aspect", func(p *Profile) { p.Width, p.Height = 480, 480 }, "does not have the aspect"},
		{"output below minimum", func(p *Profile) { p.Width, p.Height = 400, 500 }, "smaller than the minimum"},
		{"no size", func(p *Profile) { p.Width, p.Height = 0, 0 }, "width and height"},
		{"huge", func(p *Profile) { p.Width, p.Height = 9600, 12000 }, "width and height"},
		{"no byte limit", func(p *Profile) { p.MaxBytes = 0 }, "max_bytes"},
		{"inverted quality", func(p *Profile) { p.MinQuality, p.MaxQuality = 90, 80 }, "quality range"},
		{"quality over 100", func(p *Profile) { p.MaxQuality = 101 }, "quality range"},
		{"zero minimum", func(p *Profile) { p.MinWidth = 0 }, "min_width"},
		{"centre crop", func(p *Profile) { p.Crop = CropCentre }, ""},
		{"person crop", func(p *Profile) { p.Crop = CropPerson }, ""},
		{"unknown crop", func(p *Profile) { p.Crop = "smart" }, "crop must be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := base
			tt.change(&p)
			err := p.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestProfileWithDefaults(t *testing.T) {
	p := Profile{AspectW: 4, AspectH: 5, MinWidth: 480, Width: 960, MaxBytes: 1 << 20}.WithDefaults()
	if p.Height != 1200 || p.MinHeight != 600 || p.MinQuality != 75 || p.MaxQuality != 95 {
		t.Errorf("WithDefaults = %+v", p)
	}
	if err := p.Validate(); err != nil {
		t.Error(err)
	}
}
