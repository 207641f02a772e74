#include "lrfind/error.hpp"

#include <fmt/format.h>

namespace lrfind {

DataError::DataError(std::string source, long line, long column, const std::string& what)
    : Error(line > 0 && column > 0 ? fmt::format("{}:{}:{}: {}", source, line, column, what)
            : line > 0             ? fmt::format("{}:{}: {}", source, line, what)
                                   : fmt::format("{}: {}", source, what)),
      source_(std::move(source)),
      line_(line),
      column_(line > 0 ? column : 0) {}

}  // namespace lrfind
