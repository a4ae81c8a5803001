#pragma once
// Copies between C++ containers and numpy arrays, shared by the register_*.cpp files.
#include <algorithm>
#include <functional>
#include <span>
#include <type_traits>
#include <vector>

#include <pybind11/numpy.h>

namespace lifecircle::bindings {

/// A numpy argument as a C-ordered array of T (converted when it is not one).
template <class T>
using Array = pybind11::array_t<T, pybind11::array::c_style | pybind11::array::forcecast>;

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

/// One column of a table of records as a numpy array: `field(row)` for every row (a member
/// pointer or a function).
template <class Rows, class Field>
auto column(const Rows& rows, Field field) {
    using Value = std::decay_t<std::invoke_result_t<Field, const typename Rows::value_type&>>;
    std::vector<Value> values;
    values.reserve(rows.size());
    for (const auto& row : rows) values.push_back(std::invoke(field, row));
    return to_numpy(values);
}

}  // namespace lifecircle::bindings
