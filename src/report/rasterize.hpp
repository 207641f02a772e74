// The SVG plot turned into PNG or PDF bytes by librsvg on a Cairo surface, so
// that the three plot formats share one drawing (report/svg.cpp). Pure
// functions of the SVG text: nothing is read or written.
#pragma once

#include <string>
#include <string_view>

namespace lrfind {

// PNG of an SVG that declares its width and height in pixels: `scale` pixels
// per SVG pixel, on the SVG's own background. Throws OutputError when librsvg
// cannot read the SVG or Cairo cannot draw it.
std::string svg_to_png(std::string_view svg, double scale = 1.0);

// One-page PDF of the same SVG, its page the SVG's size at 96 pixels to the
// inch (a 960-pixel-wide plot is 720 points, 10 inches, wide); text stays
// text. The same SVG gives the same bytes (no creation date). Throws
// OutputError.
std::string svg_to_pdf(std::string_view svg);

}  // namespace lrfind
