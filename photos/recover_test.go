package photos

import (
	"image"
	"testing"

	"github.com/mlegit/mlegit/reject"
)

// panickyCropper stands for a buggy plug-in crop strategy.
type panickyCropper struct{}

func (panickyCropper) Crop(image.Image, int, int) image.Rectangle { panic("crop bug") }

func TestPanicInOnePhotoRejectsOnlyThatPhoto(t *testing.T) {
	data := encJPEG(t, photoLike(400, 500, 2), 90)
	if _, _, err := normalizeSafely(data, small, nil); err != nil {
		t.Fatalf("a good photo: %v", err)
	}
	out, _, err := normalizeSafely(data, small, &Options{Cropper: panickyCropper{}})
	if out != nil || CodeOf(err) != reject.PhotoUnreadable {
		t.Errorf("panic became %v (code %q), want PHOTO_UNREADABLE", err, CodeOf(err))
	}
}
