// RunResult -> the versioned JSON document that is lr-find's public output.
// Every renderer (report/formats.hpp, the plots) reads this document only.
#pragma once

#include <nlohmann/json.hpp>

#include "pipeline/result.hpp"

namespace lrfind {

// Incremented on any incompatible change to the output's shape or meaning.
inline constexpr int kSchemaVersion = 1;

nlohmann::ordered_json make_report(const RunResult& result);

// The document as text: two-space indentation, numbers in shortest
// round-trip form, a final newline.
std::string render_report(const nlohmann::ordered_json& report);

}  // namespace lrfind
