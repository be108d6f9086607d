#!/bin/sh
# Makes the progressive JPEG fixtures of progressive_test.go with ImageMagick
# (6.9.11, libjpeg-turbo's progressive script: spectral selection and
# successive approximation). Run from this folder; the output is committed.
set -eu
src() { # a plasma with fine detail and smooth areas, odd size
	size=$1; shift; convert -size "$size" -seed 7 plasma:red-blue -blur 0x0.6 -attenuate 0.3 +noise Gaussian "$@"
}
src 203x157 -quality 90 -sampling-factor 2x2 -interlace JPEG prog420.jpg
src 203x157 -quality 90 -sampling-factor 1x1 -interlace JPEG prog444.jpg
src 203x157 -quality 90 -sampling-factor 2x1 -interlace JPEG prog422.jpg
src 203x157 -quality 90 -colorspace Gray -interlace JPEG proggray.jpg
src 640x480 -quality 75 -sampling-factor 2x2 -interlace JPEG prog420-640.jpg
