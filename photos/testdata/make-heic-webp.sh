#!/bin/sh
# Makes the HEIC and WebP fixtures of photos/decode_test.go with ImageMagick
# (Debian imagemagick 6.9.11, HEIC through libheif 1.15, WebP through
# libwebp 1.2.4). Run from this folder; the output is committed.
set -eu
q() { # 600x480 quarters: red, green / blue, yellow
	convert -size 600x480 xc:red -fill lime -draw 'rectangle 300,0 599,239' \
		-fill blue -draw 'rectangle 0,240 299,479' -fill yellow -draw 'rectangle 300,240 599,479' "$@"
}
q -quality 70 quadrants.heic
q -quality 80 quadrants.webp
q -define webp:lossless=true quadrants-lossless.webp
# Photo-like (textured) pictures, sized as a phone's mail attachment would
# be after the mailer shrinks it: mail/ tests.
convert -seed 7 -size 480x600 plasma:fractal -quality 60 photo.heic
convert -seed 7 -size 480x600 plasma:fractal -quality 75 photo.webp
# No turned HEIC is made here: ImageMagick 6.9.11 writes no orientation into
# a HEIC (neither an irot property nor EXIF; heif-enc 1.15 keeps a JPEG's EXIF
# Orientation but writes no irot either, and HEIF readers ignore EXIF). The
# turned pictures of decode_heif_test.go are quadrants.heic with an irot
# property added by the test (withIrot); libheif's own heif-convert shows
# them turned the same way.
