// Package photos is the photo stage of mlegit: it pairs the files parents
// sent with the students of a roster (Match), turns each file into the JPEG
// the target system accepts (Normalize), and runs that over a whole school
// with a fixed pool of workers (Process, NormalizeDir).
//
// Terms:
//   - profile: the rules one target system sets for a photo — aspect ratio,
//     smallest acceptable source, output size, byte limit and the JPEG
//     quality range (Profile). DefaultProfiles lists the built-in ones; all
//     limits live there and nowhere else.
//   - aspect: the width:height ratio of the output (e.g. 4:5). The source is
//     cropped to it around its centre (or wherever a Cropper chooses) before
//     it is resized. A profile with no aspect keeps the source's shape.
//   - orientation: the EXIF Orientation tag (1–8) a camera writes instead of
//     rotating the pixels; it is applied, then dropped with all metadata.
//   - denom: the reduced-scale JPEG decoding factor (1, 2, 4 or 8). Decoding
//     at 1/denom of the size is much cheaper than a full decode; denom is
//     chosen so the decoded crop is still at least the output size, so a
//     photo is never upscaled because of it.
//   - min quality: the lowest JPEG quality a profile allows. Normalize picks
//     the highest quality between the profile's MinQuality and MaxQuality
//     whose output fits MaxBytes; if even MinQuality does not fit, the photo
//     is rejected with PHOTO_TOO_HEAVY.
//
// Every failure about one photo is an *Error carrying a reject.Code, so the
// caller can report it to the secretariat; only failures to write the output
// folder are real errors of the stage.
package photos
