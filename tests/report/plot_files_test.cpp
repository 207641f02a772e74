// The plot files: the registry of formats by extension, the PNG and PDF that
// librsvg draws from the SVG (decoded here by Cairo and poppler's pdfinfo and
// pdftotext, not only recognised by their first bytes), and --plot end to end.
#include <cairo.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "cli/cli_support.hpp"
#include "lrfind/error.hpp"
#include "report/formats.hpp"
#include "report/rasterize.hpp"
#include "report/report_support.hpp"
#include "report/svg.hpp"

namespace lrfind {
namespace {

using Json = nlohmann::ordered_json;
using testing::plot_reports;
using testing::read_file;
using testing::run_cli;
using testing::run_cli_command;

constexpr std::string_view kPngMagic("\x89PNG\r\n\x1a\n", 8);

// The SVG root's declared size in pixels.
struct Size {
  double width;
  double height;
};
Size svg_size(const std::string& svg) {
  std::smatch m;
  const std::string root = svg.substr(0, svg.find('>'));
  EXPECT_TRUE(std::regex_search(root, m, std::regex(R"re(width="([0-9.]+)" height="([0-9.]+)")re"))) << root;
  return m.empty() ? Size{0, 0} : Size{std::stod(m[1].str()), std::stod(m[2].str())};
}

// A PNG decoded by Cairo: its size and its pixels (0xAARRGGBB), empty when
// Cairo cannot read it.
struct Picture {
  int width = 0;
  int height = 0;
  std::vector<std::uint32_t> pixels;
  std::uint32_t at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
};

struct PngSource {
  std::string_view bytes;
  std::size_t at = 0;
};

cairo_status_t read_png(void* closure, unsigned char* data, unsigned int length) {
  auto* source = static_cast<PngSource*>(closure);
  if (source->bytes.size() - source->at < length) return CAIRO_STATUS_READ_ERROR;
  std::memcpy(data, source->bytes.data() + source->at, length);
  source->at += length;
  return CAIRO_STATUS_SUCCESS;
}

Picture decode_png(std::string_view png) {
  PngSource source{png};
  cairo_surface_t* surface = cairo_image_surface_create_from_png_stream(read_png, &source);
  Picture picture;
  if (cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS) {
    cairo_surface_flush(surface);
    picture.width = cairo_image_surface_get_width(surface);
    picture.height = cairo_image_surface_get_height(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    const unsigned char* data = cairo_image_surface_get_data(surface);
    for (int y = 0; y < picture.height; ++y)
      for (int x = 0; x < picture.width; ++x) {
        std::uint32_t pixel;
        std::memcpy(&pixel, data + static_cast<std::ptrdiff_t>(y) * stride + 4 * x, 4);
        picture.pixels.push_back(pixel);
      }
  }
  cairo_surface_destroy(surface);
  return picture;
}

// Whether a pixel is close to the colour #rrggbb and opaque.
bool near_colour(std::uint32_t pixel, std::uint32_t rgb) {
  const auto channel = [](std::uint32_t v, int shift) { return static_cast<int>((v >> shift) & 0xFF); };
  if (channel(pixel, 24) != 0xFF) return false;
  for (const int shift : {16, 8, 0})
    if (std::abs(channel(pixel, shift) - channel(rgb, shift)) > 40) return false;
  return true;
}

// What poppler's pdfinfo reads of a PDF file ("Pages", "Page size", ...).
std::string pdfinfo(const std::string& path, const std::string& key) {
  const testing::CliResult r = run_cli_command({"pdfinfo", path});
  EXPECT_EQ(r.exit_code, 0) << "pdfinfo (poppler-utils, installed by make deps): " << r.err;
  std::smatch m;
  if (!std::regex_search(r.out, m, std::regex("(^|\n)" + key + ":\\s*([^\n]*)"))) return "";
  return m[2].str();
}

// A PDF as a whole: the header, one page of `size` in points read back by
// poppler, the plot's texts as text, and the %%EOF trailer.
void expect_pdf_of(const std::string& pdf, Size size, const std::vector<std::string>& texts,
                   const std::string& scratch) {
  ASSERT_EQ(pdf.substr(0, 5), "%PDF-");
  const std::size_t eof = pdf.rfind("%%EOF");
  ASSERT_NE(eof, std::string::npos);
  EXPECT_EQ(pdf.find_first_not_of("\r\n", eof + 5), std::string::npos) << "bytes after %%EOF";
  testing::write_file(scratch, pdf);
  EXPECT_EQ(pdfinfo(scratch, "Pages"), "1");
  EXPECT_EQ(pdfinfo(scratch, "Page size"), fmt::format("{:g} x {:g} pts", size.width * 0.75, size.height * 0.75));
  const testing::CliResult words = run_cli_command({"pdftotext", scratch, "-"});
  ASSERT_EQ(words.exit_code, 0) << words.err;
  for (const std::string& text : texts) EXPECT_NE(words.out.find(text), std::string::npos) << text << " in " << words.out;
}

TEST(PlotFormats, SvgPngAndPdfInTheOrderOfTheHelp) {
  const Registry<PlotFormatEntry> formats = builtin_plot_formats();
  EXPECT_EQ(formats.names(), (std::vector<std::string>{"svg", "png", "pdf"}));
  EXPECT_EQ(formats.option(), "--plot");
  const Json& report = plot_reports().iris_range;
  EXPECT_EQ(formats.at("svg").render(report, plot::LossScale::kAuto), render_svg(report));
  EXPECT_EQ(formats.at("png").render(report, plot::LossScale::kAuto).substr(0, 8), kPngMagic);
  EXPECT_EQ(formats.at("pdf").render(report, plot::LossScale::kAuto).substr(0, 5), "%PDF-");
}

TEST(PlotFormats, TheExtensionChoosesTheFormatInAnyCase) {
  const Registry<PlotFormatEntry> formats = builtin_plot_formats();
  EXPECT_EQ(plot_format_of(formats, "out.svg").name, "svg");
  EXPECT_EQ(plot_format_of(formats, "out.PNG").name, "png");
  EXPECT_EQ(plot_format_of(formats, "docs/a.b/Out.Pdf").name, "pdf");
  EXPECT_EQ(plot_format_of(formats, "plot.svg.png").name, "png");
}

TEST(PlotFormats, AnyOtherExtensionIsAUsageErrorNamingTheThree) {
  const Registry<PlotFormatEntry> formats = builtin_plot_formats();
  for (const std::string path : {"out.jpg", "out", "out.svgz", "dir.png/out", ".png", "out.png.txt", "out."}) {
    try {
      plot_format_of(formats, path);
      ADD_FAILURE() << path << ": no error";
    } catch (const UsageError& e) {
      EXPECT_EQ(std::string(e.what()), "--plot " + path + ": lr-find draws .svg, .png or .pdf plots");
    }
  }
}

TEST(PlotPng, IsAPictureOfTheSvgAtItsSize) {
  const Json& report = plot_reports().diabetes_grid;
  const std::string svg = render_svg(report);
  const std::string png = svg_to_png(svg);
  ASSERT_EQ(png.substr(0, 8), kPngMagic);
  const Picture picture = decode_png(png);
  const Size size = svg_size(svg);
  ASSERT_EQ(picture.width, static_cast<int>(size.width));
  ASSERT_EQ(picture.height, static_cast<int>(size.height));
  // White background; the recommended rate's red line (#d62728) and dark
  // text are drawn on it.
  EXPECT_TRUE(near_colour(picture.at(2, 2), 0xFFFFFF));
  std::size_t red = 0;
  std::size_t dark = 0;
  for (const std::uint32_t pixel : picture.pixels) {
    red += near_colour(pixel, 0xD62728);
    dark += near_colour(pixel, 0x222222);
  }
  EXPECT_GT(red, 300u);  // a line 2.5 pixels wide and over 300 tall
  EXPECT_GT(dark, 500u);
  // Twice the scale, twice the size.
  const Picture large = decode_png(svg_to_png(svg, 2.0));
  EXPECT_EQ(large.width, 2 * picture.width);
  EXPECT_EQ(large.height, 2 * picture.height);
}

TEST(PlotPdf, IsOnePageOfTheSvgsSizeWithItsText) {
  const Json& report = plot_reports().iris_auto;
  const std::string svg = render_svg(report);
  const std::string pdf = svg_to_pdf(svg);
  const std::string dir = testing::make_temp_dir();
  expect_pdf_of(pdf, svg_size(svg), {"recommended", fmt::format("{:.3g}", report.at("recommended_lr").get<double>())},
                dir + "/plot.pdf");
  testing::remove_tree(dir);
  EXPECT_EQ(svg_to_pdf(svg), pdf);  // no clock in the bytes
}

TEST(PlotRaster, AnSvgLibrsvgCannotReadIsAnOutputError) {
  for (const auto convert : {+[](std::string_view s) { return svg_to_png(s); }, +[](std::string_view s) {
         return svg_to_pdf(s);
       }}) {
    try {
      convert("<svg width=\"10\" height=\"10\"");
      ADD_FAILURE() << "no error";
    } catch (const OutputError& e) {
      EXPECT_NE(std::string(e.what()).find("librsvg cannot read the SVG"), std::string::npos) << e.what();
    }
  }
}

// --- --plot end to end ------------------------------------------------------

const std::vector<std::string> kQuickRange = {"data/iris.csv", "--model", "logistic", "--method", "range",
                                              "--steps", "40", "-q"};

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

TEST(CliPlotFiles, PngAndPdfByTheFilesExtension) {
  const std::string dir = testing::make_temp_dir();
  const testing::CliResult svg_run = run_cli(with(kQuickRange, {"--plot", dir + "/plot.svg"}));
  ASSERT_EQ(svg_run.exit_code, 0) << svg_run.err;
  const std::string svg = read_file(dir + "/plot.svg");
  const Size size = svg_size(svg);

  const testing::CliResult png_run = run_cli(with(kQuickRange, {"--plot", dir + "/plot.PNG"}));
  ASSERT_EQ(png_run.exit_code, 0) << png_run.err;
  EXPECT_EQ(png_run.out, svg_run.out);  // the same JSON
  const std::string png = read_file(dir + "/plot.PNG");
  ASSERT_EQ(png.substr(0, 8), kPngMagic);
  const Picture picture = decode_png(png);
  EXPECT_EQ(picture.width, static_cast<int>(size.width));
  EXPECT_EQ(picture.height, static_cast<int>(size.height));
  EXPECT_EQ(png, svg_to_png(svg));  // the SVG's drawing, converted

  const testing::CliResult pdf_run = run_cli(with(kQuickRange, {"--plot", dir + "/plot.pdf"}));
  ASSERT_EQ(pdf_run.exit_code, 0) << pdf_run.err;
  const double lr = Json::parse(pdf_run.out).at("recommended_lr").get<double>();
  expect_pdf_of(read_file(dir + "/plot.pdf"), size, {"recommended", fmt::format("{:.3g}", lr)}, dir + "/copy.pdf");
  testing::remove_tree(dir);
}

TEST(CliPlotFiles, AnotherExtensionIsExit64BeforeAnyWork) {
  const std::string dir = testing::make_temp_dir();
  const std::string plot = dir + "/out.jpg";
  // The input does not exist: the plot's extension is refused before it is read.
  const testing::CliResult r =
      run_cli({"missing.csv", "--model", "logistic", "--plot", plot, "-o", dir + "/report.json"});
  EXPECT_EQ(r.exit_code, 64);
  EXPECT_EQ(r.err, "lr-find: error: --plot " + plot + ": lr-find draws .svg, .png or .pdf plots\n");
  EXPECT_EQ(r.out, "");
  const testing::CliResult listing = run_cli_command({"ls", "-A", dir});
  EXPECT_EQ(listing.out, "");  // neither the plot nor the report
  testing::remove_tree(dir);
}

TEST(CliPlotFiles, APngOrPdfThatCannotBeCreatedIsExit73AndLeavesTheReportUntouched) {
  const std::string dir = testing::make_temp_dir();
  for (const std::string name : {"plot.png", "plot.pdf"}) {
    testing::write_file(dir + "/report.json", "previous report");
    const std::string plot = dir + "/missing/" + name;
    const testing::CliResult r = run_cli(with(kQuickRange, {"--plot", plot, "-o", dir + "/report.json"}));
    EXPECT_EQ(r.exit_code, 73) << name;
    EXPECT_EQ(r.err, "lr-find: error: --plot " + plot + ": cannot create: No such file or directory\n");
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(read_file(dir + "/report.json"), "previous report") << name;
  }
  testing::remove_tree(dir);
}

TEST(CliPlotFiles, HelpNamesTheThreeFormats) {
  const testing::CliResult help = run_cli({"--help"});
  ASSERT_EQ(help.exit_code, 0);
  std::string flat = help.out;  // CLI11 wraps the help text
  flat = std::regex_replace(flat, std::regex(R"(\s+)"), " ");
  EXPECT_NE(flat.find("a .svg (a vector drawing for web pages), .png (a picture for chats and issue trackers) or "
                      ".pdf (a page for documents, its text kept as text) file, by its extension"),
            std::string::npos)
      << help.out;
}

}  // namespace
}  // namespace lrfind
