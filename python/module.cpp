// The compiled part of the Python package `lrfind` (python/lrfind/): runs
// lr-find on data from Python with the GIL released, and turns its report,
// warnings and errors into Python's dicts, warnings and exceptions.
#include <fmt/format.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <exception>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "data.hpp"
#include "lrfind/error.hpp"
#include "lrfind/run.hpp"
#include "lrfind/stop.hpp"
#include "options.hpp"

namespace py = pybind11;

namespace lrfind::python {

namespace {

// The report as Python objects: dicts keep the report's key order.
py::object to_python(const nlohmann::ordered_json& j) {
  using Type = nlohmann::ordered_json::value_t;
  switch (j.type()) {
    case Type::null: return py::none();
    case Type::boolean: return py::bool_(j.get<bool>());
    case Type::number_integer: return py::int_(j.get<std::int64_t>());
    case Type::number_unsigned: return py::int_(j.get<std::uint64_t>());
    case Type::number_float: return py::float_(j.get<double>());
    case Type::string: return py::str(j.get_ref<const std::string&>());
    case Type::array: {
      py::list list;
      for (const auto& item : j) list.append(to_python(item));
      return list;
    }
    case Type::object: {
      py::dict dict;
      for (const auto& [key, value] : j.items()) dict[py::str(key)] = to_python(value);
      return dict;
    }
    default: return py::none();  // binary and discarded values never occur in a report
  }
}

// What the run's threads hand to the calling thread: the latest progress and
// the warnings, under one lock.
struct Mailbox {
  std::mutex mutex;
  std::condition_variable changed;
  bool done = false;
  bool fresh_progress = false;
  double fraction = 0.0;
  std::string stage;
  std::vector<std::string> warnings;
};

// How often the calling thread looks for Ctrl-C and passes progress on.
constexpr std::chrono::milliseconds kPoll{50};

// Runs `work` on a thread of its own while the calling thread, GIL released,
// waits; every kPoll it takes the GIL to run Python's signal handlers
// (PyErr_CheckSignals does so only on the main thread, which is why the run
// is not on this one) and to call `progress` with the latest fraction and
// stage. A Python exception there (KeyboardInterrupt from Ctrl-C, or one the
// callback raised) stops the run at its next batch; it is raised once the run
// has ended, with the partial report, if any, as its `report` attribute.
// Warnings are given to warnings.warn after the run.
py::object run_in_background(const std::function<Run(const RunContext&)>& work, const py::object& progress) {
  auto mailbox = std::make_shared<Mailbox>();
  RunContext context;
  context.warn = [mailbox](std::string_view message) {
    const std::lock_guard lock(mailbox->mutex);
    mailbox->warnings.emplace_back(message);
  };
  context.progress = [mailbox](double fraction, std::string_view stage) {
    const std::lock_guard lock(mailbox->mutex);
    mailbox->fraction = fraction;
    mailbox->stage = stage;
    mailbox->fresh_progress = true;
  };
  std::optional<Run> result;
  std::exception_ptr failure;
  std::optional<py::error_already_set> python_error;
  {
    py::gil_scoped_release release;
    std::thread worker([&] {
      try {
        result = work(context);
      } catch (...) {
        failure = std::current_exception();
      }
      const std::lock_guard lock(mailbox->mutex);
      mailbox->done = true;
      mailbox->changed.notify_all();
    });
    for (bool done = false; !done;) {
      std::optional<std::pair<double, std::string>> update;
      {
        std::unique_lock lock(mailbox->mutex);
        mailbox->changed.wait_for(lock, kPoll, [&] { return mailbox->done; });
        done = mailbox->done;
        if (mailbox->fresh_progress) update.emplace(mailbox->fraction, mailbox->stage);
        mailbox->fresh_progress = false;
      }
      if (python_error) continue;
      py::gil_scoped_acquire gil;
      try {
        if (PyErr_CheckSignals() != 0) throw py::error_already_set();
        if (update && !progress.is_none()) progress(update->first, update->second);
      } catch (py::error_already_set& e) {
        python_error.emplace(std::move(e));
        context.stop.request(SIGINT);
      }
    }
    worker.join();
  }
  // Level 3: the caller of lrfind.find (python/lrfind/__init__.py calls this
  // module from a helper of each public function).
  for (const std::string& w : mailbox->warnings)
    if (PyErr_WarnEx(PyExc_UserWarning, w.c_str(), 3) != 0) throw py::error_already_set();
  if (python_error) {
    if (result) python_error->value().attr("report") = to_python(result->report);
    throw std::move(*python_error);
  }
  if (failure) std::rethrow_exception(failure);
  return to_python(result->report);
}

RunConfig memory_config(bool check, const py::dict& options) {
  RunConfig config;
  if (check) config.check = CheckSettings{};
  apply_options(check ? Call::kCheck : Call::kFind, options, config);
  if (check && !options.contains("lr")) throw py::type_error("check() needs the rate to check: lr=RATE");
  return config;
}

TextRules text_rules(const RunConfig& config) { return {config.data.na_values, config.data.max_categories}; }

py::object run_memory(const RunConfig& config, InMemoryData data, const py::object& progress) {
  auto shared = std::make_shared<InMemoryData>(std::move(data));
  return run_in_background([&config, shared](const RunContext& c) { return run(config, std::move(*shared), c); },
                           progress);
}

py::object find_array(bool check, const py::array& X, const py::object& y, const std::string& target_name,
                      const std::vector<std::string>& feature_names, const py::dict& options,
                      const py::object& progress) {
  const RunConfig config = memory_config(check, options);
  InMemoryData data;
  data.target_name = target_name;
  data.feature_names = feature_names;
  read_targets(y, text_rules(config), data);
  dense_features(X, data);
  return run_memory(config, std::move(data), progress);
}

py::object find_sparse(bool check, Eigen::Index cols, const py::array_t<std::int64_t, py::array::c_style>& offsets,
                       const py::array_t<std::int32_t, py::array::c_style>& indices,
                       const py::array_t<double, py::array::c_style>& values, const py::object& y,
                       const std::string& target_name, const py::dict& options, const py::object& progress) {
  const RunConfig config = memory_config(check, options);
  InMemoryData data;
  data.target_name = target_name;
  read_targets(y, text_rules(config), data);
  sparse_features(cols, offsets, indices, values, data);
  return run_memory(config, std::move(data), progress);
}

py::object find_frame(bool check, const std::vector<std::string>& names, const py::list& columns, const py::object& y,
                      const std::string& target_name, const py::dict& options, const py::object& progress) {
  const RunConfig config = memory_config(check, options);
  InMemoryData data;
  data.target_name = target_name;
  read_targets(y, text_rules(config), data);
  frame_features(names, columns, text_rules(config), data);
  return run_memory(config, std::move(data), progress);
}

py::object find_file(const std::string& path, const py::dict& options, const py::object& progress) {
  RunConfig config;
  apply_options(Call::kFindFile, options, config);
  config.data.input = path;
  std::error_code error;
  if (path != "-" && !std::filesystem::exists(path, error)) {
    const py::object exception =
        py::handle(PyExc_FileNotFoundError)(ENOENT, "No such file or directory", path);
    PyErr_SetObject(PyExc_FileNotFoundError, exception.ptr());
    throw py::error_already_set();
  }
  return run_in_background([config](const RunContext& c) { return run(config, c); }, progress);
}

}  // namespace

}  // namespace lrfind::python

namespace {

py::exception<lrfind::UsageError>* usage_error = nullptr;
py::exception<lrfind::DataError>* data_error = nullptr;

}  // namespace

PYBIND11_MODULE(_lrfind, m) {
  namespace lp = lrfind::python;
  m.doc() = "lr-find's library: learning-rate finding for linear models (use the package lrfind)";
  m.attr("__version__") = LRFIND_VERSION;
  // Never destroyed: they live as long as the interpreter may raise them.
  usage_error = new py::exception<lrfind::UsageError>(m, "UsageError", PyExc_ValueError);
  data_error = new py::exception<lrfind::DataError>(m, "DataError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const lrfind::UsageError& e) {
      (*usage_error)(e.what());
    } catch (const lrfind::DataError& e) {
      py::object value = py::reinterpret_borrow<py::object>(*data_error)(e.what());
      value.attr("source") = e.source();
      value.attr("line") = e.line();
      value.attr("column") = e.column();
      PyErr_SetObject(data_error->ptr(), value.ptr());
    } catch (const lrfind::Interrupted& e) {
      PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
    } catch (const lrfind::InputError& e) {
      PyErr_SetString(PyExc_OSError, e.what());
    } catch (const lrfind::Error& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });
  m.def("find_array", &lp::find_array, py::arg("check"), py::arg("X"), py::arg("y"), py::arg("target_name"),
        py::arg("feature_names"), py::arg("options"), py::arg("progress"));
  m.def("find_sparse", &lp::find_sparse, py::arg("check"), py::arg("cols"), py::arg("offsets"), py::arg("indices"),
        py::arg("values"), py::arg("y"), py::arg("target_name"), py::arg("options"), py::arg("progress"));
  m.def("find_frame", &lp::find_frame, py::arg("check"), py::arg("names"), py::arg("columns"), py::arg("y"),
        py::arg("target_name"), py::arg("options"), py::arg("progress"));
  m.def("find_file", &lp::find_file, py::arg("path"), py::arg("options"), py::arg("progress"));
  m.def("option_names", [](const std::string& call) {
    return lp::option_names(call == "check" ? lp::Call::kCheck : call == "find_file" ? lp::Call::kFindFile : lp::Call::kFind);
  });
}
