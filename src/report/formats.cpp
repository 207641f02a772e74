#include "report/formats.hpp"

#include "report/csv.hpp"
#include "report/report.hpp"
#include "report/table.hpp"

namespace lrfind {

Registry<FormatEntry> builtin_formats() {
  Registry<FormatEntry> formats("output format", "--format");
  formats.add({"json", "", render_report});
  formats.add({"csv", "one row per rate and step or epoch", render_csv});
  formats.add({"table", "", render_table});
  return formats;
}

}  // namespace lrfind
