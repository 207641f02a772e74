#include "options.hpp"

#include <fmt/format.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <functional>
#include <type_traits>
#include <utility>

#include "common/registry.hpp"
#include "pipeline/method.hpp"

namespace py = pybind11;

namespace lrfind::python {

namespace {

using Setter = std::function<void(RunConfig&, py::handle)>;

struct OptionEntry {
  std::string name;
  std::string type;  // for the TypeError: "an int", "a list of str", ...
  Setter set;
  Call only = Call::kFind;  // kFind: every call; kFindFile: files only; kCheck: check only
};

// A negative value for an option that counts (threads).
struct Negative {};

// A setter that casts the value to T (strictly: no float and no bool for an
// int) and stores it with `store`.
template <typename T, typename Store>
Setter as(Store store) {
  return [store](RunConfig& c, py::handle value) {
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      if (py::isinstance<py::bool_>(value)) throw py::cast_error();
      if constexpr (std::is_unsigned_v<T>) {
        const long long v = value.cast<long long>();
        if (v < 0) throw Negative{};
        store(c, static_cast<T>(v));
        return;
      }
    }
    store(c, value.cast<T>());
  };
}

// Text or a list of texts (a string alone is one item, as the CLI's "a,b"
// would be two: a list is the Python spelling of a comma-separated value).
std::vector<std::string> texts(py::handle value) {
  if (py::isinstance<py::str>(value)) return {value.cast<std::string>()};
  return value.cast<std::vector<std::string>>();
}

std::vector<double> numbers(py::handle value) {
  if (py::isinstance<py::str>(value)) throw py::cast_error();
  return value.cast<std::vector<double>>();
}

// Every keyword, one line each, in the order of `lr-find --help`.
const std::vector<OptionEntry>& entries() {
  static const std::vector<OptionEntry> all{
      {"model", "a str", as<std::string>([](RunConfig& c, std::string v) { c.training.model = std::move(v); })},
      {"optimizer", "a str", as<std::string>([](RunConfig& c, std::string v) { c.training.optimizer = std::move(v); })},
      {"method", "a str", as<std::string>([](RunConfig& c, std::string v) { c.method = std::move(v); })},
      {"repeats", "an int", as<int>([](RunConfig& c, int v) { c.repeats = v; })},
      // Data.
      {"target", "a str (a column name or 1-based index)",
       [](RunConfig& c, py::handle v) {
         c.data.target = py::isinstance<py::int_>(v) ? std::to_string(v.cast<long>()) : v.cast<std::string>();
       },
       Call::kFindFile},
      {"drop", "a list of str", [](RunConfig& c, py::handle v) { c.data.drop = texts(v); }, Call::kFindFile},
      {"delimiter", "a one-character str",
       as<std::string>([](RunConfig& c, const std::string& v) {
         if (v.size() != 1) throw UsageError(fmt::format("delimiter must be one character, not '{}'", v));
         c.data.delimiter = v[0];
       }),
       Call::kFindFile},
      {"encoding", "a str", as<std::string>([](RunConfig& c, std::string v) { c.data.encoding = std::move(v); }),
       Call::kFindFile},
      {"scaling", "a str", as<std::string>([](RunConfig& c, std::string v) { c.data.scaling = std::move(v); })},
      {"no_standardize", "a bool", as<bool>([](RunConfig& c, bool v) { c.data.standardize = !v; })},
      {"na_values", "a list of str", [](RunConfig& c, py::handle v) { c.data.na_values = texts(v); }},
      {"max_categories", "an int", as<std::size_t>([](RunConfig& c, std::size_t v) { c.data.max_categories = v; })},
      {"allow_many_classes", "a bool", as<bool>([](RunConfig& c, bool v) { c.data.allow_many_classes = v; })},
      {"sample", "an int", as<std::size_t>([](RunConfig& c, std::size_t v) { c.data.sample = v; }), Call::kFindFile},
      {"input_format", "a str", as<std::string>([](RunConfig& c, std::string v) { c.data.input_format = std::move(v); }),
       Call::kFindFile},
      {"zero_based", "a bool", as<bool>([](RunConfig& c, bool v) { c.data.zero_based = v; }), Call::kFindFile},
      {"features", "an int", as<std::int64_t>([](RunConfig& c, std::int64_t v) { c.data.features = v; }),
       Call::kFindFile},
      {"float32", "a bool", as<bool>([](RunConfig& c, bool v) { c.data.float32 = v; })},
      {"threads", "an int", as<unsigned>([](RunConfig& c, unsigned v) { c.threads = v; })},
      // Training.
      {"l2", "a float", as<double>([](RunConfig& c, double v) { c.training.l2 = v; })},
      {"batch_size", "an int", as<long>([](RunConfig& c, long v) { c.training.batch_size = v; })},
      {"seed", "an int of 0 or more", as<std::uint64_t>([](RunConfig& c, std::uint64_t v) { c.seed = v; })},
      {"min_lr", "a float", as<double>([](RunConfig& c, double v) { c.min_lr = v; })},
      {"max_lr", "a float", as<double>([](RunConfig& c, double v) { c.max_lr = v; })},
      {"steps", "an int", as<int>([](RunConfig& c, int v) { c.range.steps = v; })},
      {"sweep", "a str", as<std::string>([](RunConfig& c, std::string v) { c.range.sweep = std::move(v); })},
      {"smoothing", "a float", as<double>([](RunConfig& c, double v) { c.range.smoothing = v; })},
      {"stop_factor", "a float", as<double>([](RunConfig& c, double v) { c.range.stop_factor = v; })},
      // Budget and grid.
      {"epochs", "an int", as<int>([](RunConfig& c, int v) { c.training.epochs = v; })},
      {"schedule", "a str", as<std::string>([](RunConfig& c, std::string v) { c.training.schedule = std::move(v); })},
      {"power_t", "a float", as<double>([](RunConfig& c, double v) { c.training.power_t = v; })},
      {"folds", "an int", as<int>([](RunConfig& c, int v) { c.folds = v; })},
      {"rates", "a list of float", [](RunConfig& c, py::handle v) { c.grid.rates = numbers(v); }},
      {"grid_points", "an int", as<int>([](RunConfig& c, int v) { c.grid.points = v; })},
      {"validation", "a float", as<double>([](RunConfig& c, double v) { c.validation = v; })},
      // Check.
      {"lr", "a float", as<double>([](RunConfig& c, double v) { c.check->lr = v; }), Call::kCheck},
      {"tolerance", "a float", as<double>([](RunConfig& c, double v) { c.check->tolerance = v; }), Call::kCheck},
  };
  return all;
}

bool accepts(Call call, const OptionEntry& e) {
  return e.only == Call::kFind || e.only == call;
}

const char* call_name(Call call) {
  switch (call) {
    case Call::kFindFile: return "find_file";
    case Call::kCheck: return "check";
    default: return "find";
  }
}

[[noreturn]] void unknown_keyword(Call call, const std::string& name) {
  std::string message = fmt::format("{}() got an unexpected keyword argument '{}'", call_name(call), name);
  const auto& all = entries();
  const auto other = std::find_if(all.begin(), all.end(), [&](const OptionEntry& e) { return e.name == name; });
  if (other != all.end() && other->only == Call::kFindFile)
    message += "; it applies to a file: lrfind.find_file()";
  else if (other != all.end() && other->only == Call::kCheck)
    message += "; it belongs to lrfind.check()";
  else if (const std::string near = nearest_name(name, option_names(call)); !near.empty())
    message += fmt::format("; did you mean '{}'?", near);
  throw py::type_error(message);
}

}  // namespace

std::vector<std::string> option_names(Call call) {
  std::vector<std::string> names;
  for (const OptionEntry& e : entries())
    if (accepts(call, e)) names.push_back(e.name);
  return names;
}

// Warns, as the command line does, about keywords the method does not use
// (rates with method="range", ...), naming them in Python's spelling; the
// warning names the caller's line (find -> _run -> this module: level 3).
void warn_unused(Call call, const py::dict& options, const RunConfig& config) {
  const Registry<MethodEntry> methods = builtin_methods();
  const MethodEntry* method = methods.find(config.method);
  if (method == nullptr) return;  // the run names the choices
  const std::vector<std::string>& used = method->used_by_check;
  for (const auto& [key, value] : options) {
    if (value.is_none()) continue;
    std::string option = "--" + py::str(key).cast<std::string>();
    std::replace(option.begin(), option.end(), '_', '-');
    const auto& unused = method->unused_options;
    if (std::find(unused.begin(), unused.end(), option) == unused.end()) continue;
    if (call == Call::kCheck && std::find(used.begin(), used.end(), option) != used.end()) continue;
    const std::string message = fmt::format("{} has no effect with method=\"{}\"", py::str(key).cast<std::string>(),
                                            config.method);
    if (PyErr_WarnEx(PyExc_UserWarning, message.c_str(), 3) != 0) throw py::error_already_set();
  }
}

void apply_options(Call call, const py::dict& options, RunConfig& config) {
  for (const auto& [key, value] : options) {
    const std::string name = py::str(key);
    const auto& all = entries();
    const auto entry = std::find_if(all.begin(), all.end(), [&](const OptionEntry& e) { return e.name == name; });
    if (entry == all.end() || !accepts(call, *entry)) unknown_keyword(call, name);
    if (value.is_none()) continue;
    try {
      entry->set(config, value);
    } catch (const py::cast_error&) {
      throw py::type_error(fmt::format("{}() argument '{}' must be {}, not {}", call_name(call), name, entry->type,
                                       py::str(py::type::handle_of(value).attr("__name__")).cast<std::string>()));
    } catch (const Negative&) {
      throw UsageError(fmt::format("{} must be 0 or more, not {}", name, py::str(value).cast<std::string>()));
    }
  }
  warn_unused(call, options, config);
}

}  // namespace lrfind::python
