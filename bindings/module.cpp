// lifecircle._core: the compiled part of the Python package (private; use `lifecircle`).
#include <pybind11/pybind11.h>

#include "core/version.hpp"

namespace lifecircle::bindings {
void register_errors(pybind11::module_& m);
void register_network(pybind11::module_& m);
void register_world(pybind11::module_& m);
void register_run(pybind11::module_& m);
}  // namespace lifecircle::bindings

PYBIND11_MODULE(_core, m) {
    m.doc() = "lifecircle's C++ core (private: use the lifecircle package)";
    m.attr("__version__") = lifecircle::kVersion;
    lifecircle::bindings::register_errors(m);
    lifecircle::bindings::register_network(m);
    lifecircle::bindings::register_world(m);
    lifecircle::bindings::register_run(m);
}
