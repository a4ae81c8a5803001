#pragma once
// Copies between C++ containers and numpy arrays, shared by the register_*.cpp files.
#include <algorithm>
#include <span>
#include <vector>

#include <pybind11/numpy.h>

namespace lifecircle::bindings {

/// A new one-dimensional numpy array holding a copy of `values`.
template <class T>
pybind11::array_t<T> to_numpy(std::span<const T> values) {
    pybind11::array_t<T> out(static_cast<pybind11::ssize_t>(values.size()));
    std::copy(values.begin(), values.end(), out.mutable_data());
    return out;
}

template <class T>
pybind11::array_t<T> to_numpy(const std::vector<T>& values) {
    return to_numpy(std::span<const T>(values));
}

}  // namespace lifecircle::bindings
