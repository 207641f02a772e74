#include "report/rasterize.hpp"

#include <cairo-pdf.h>
#include <cairo.h>
#include <librsvg/rsvg.h>

#include <cmath>
#include <memory>

#include "lrfind/error.hpp"

namespace lrfind {

namespace {

// PDF points per CSS pixel: 72 points and 96 pixels to the inch.
constexpr double kPointsPerPixel = 72.0 / 96.0;

struct HandleUnref {
  void operator()(RsvgHandle* handle) const { g_object_unref(handle); }
};
struct SurfaceDestroy {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
struct ContextDestroy {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};
using Handle = std::unique_ptr<RsvgHandle, HandleUnref>;
using Surface = std::unique_ptr<cairo_surface_t, SurfaceDestroy>;
using Context = std::unique_ptr<cairo_t, ContextDestroy>;

std::string failure(const char* format, const std::string& what) {
  return std::string("cannot draw the ") + format + " plot: " + what;
}

// Takes the message out of a GError and frees it.
std::string take_message(GError* error) {
  std::string message = error != nullptr && error->message != nullptr ? error->message : "unknown error";
  g_clear_error(&error);
  return message;
}

struct Parsed {
  Handle handle;
  double width;   // CSS pixels
  double height;
};

Parsed parse(std::string_view svg, const char* format) {
  GError* error = nullptr;
  Handle handle(rsvg_handle_new_from_data(reinterpret_cast<const guint8*>(svg.data()), svg.size(), &error));
  if (!handle) throw OutputError(failure(format, "librsvg cannot read the SVG: " + take_message(error)));
  rsvg_handle_set_dpi(handle.get(), 96.0);
  double width = 0.0;
  double height = 0.0;
  if (!rsvg_handle_get_intrinsic_size_in_pixels(handle.get(), &width, &height) || !(width >= 1.0) ||
      !(height >= 1.0) || !std::isfinite(width * height))
    throw OutputError(failure(format, "the SVG declares no size in pixels"));
  return {std::move(handle), width, height};
}

// Draws the whole document into `viewport` on `surface`.
void render(const Parsed& parsed, cairo_surface_t* surface, double viewport_width, double viewport_height,
            const char* format) {
  const Context cr(cairo_create(surface));
  const RsvgRectangle viewport{0.0, 0.0, viewport_width, viewport_height};
  GError* error = nullptr;
  if (!rsvg_handle_render_document(parsed.handle.get(), cr.get(), &viewport, &error))
    throw OutputError(failure(format, "librsvg cannot draw the SVG: " + take_message(error)));
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS)
    throw OutputError(failure(format, cairo_status_to_string(cairo_status(cr.get()))));
}

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

void check(cairo_surface_t* surface, const char* format) {
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS)
    throw OutputError(failure(format, cairo_status_to_string(cairo_surface_status(surface))));
}

}  // namespace

std::string svg_to_png(std::string_view svg, double scale) {
  const Parsed parsed = parse(svg, "PNG");
  const int width = static_cast<int>(std::ceil(parsed.width * scale - 1e-9));
  const int height = static_cast<int>(std::ceil(parsed.height * scale - 1e-9));
  const Surface surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height));
  check(surface.get(), "PNG");
  render(parsed, surface.get(), parsed.width * scale, parsed.height * scale, "PNG");
  std::string png;
  const cairo_status_t status = cairo_surface_write_to_png_stream(surface.get(), append, &png);
  if (status != CAIRO_STATUS_SUCCESS) throw OutputError(failure("PNG", cairo_status_to_string(status)));
  return png;
}

std::string svg_to_pdf(std::string_view svg) {
  const Parsed parsed = parse(svg, "PDF");
  const double width = parsed.width * kPointsPerPixel;
  const double height = parsed.height * kPointsPerPixel;
  std::string pdf;
  {
    const Surface surface(cairo_pdf_surface_create_for_stream(append, &pdf, width, height));
    check(surface.get(), "PDF");
    // A fixed date instead of the clock's: the same plot gives the same bytes.
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE, "");
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "lr-find");
    render(parsed, surface.get(), width, height, "PDF");
    cairo_surface_finish(surface.get());  // writes the document's end
    check(surface.get(), "PDF");
  }
  return pdf;
}

}  // namespace lrfind
