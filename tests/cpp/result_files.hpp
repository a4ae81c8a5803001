#pragma once
// Comparing two runs as their results files: every dataset of the schema, raw values.

#include <cstdint>
#include <string>
#include <vector>

#include "core/hdf5_io.hpp"
#include "fixtures.hpp"
#include "sim/recorder.hpp"
#include "sim/results_schema.hpp"

namespace lifecircle::test {

template <class T>
bool same_column(const H5File& a, const H5File& b, const std::string& name) {
    return a.read<T>(name) == b.read<T>(name);
}

/// Every dataset of the two runs' results files (written to `dir`), compared as raw values:
/// the names of those that differ, and "trips" when the trip counts do.
inline std::vector<std::string> differing(const Scenario& sc, const Results& a, const Results& b, const TempDir& dir) {
    const auto pa = dir.file("a.h5"), pb = dir.file("b.h5");
    write_results(pa, sc, a);
    write_results(pb, sc, b);
    const auto fa = H5File::open(pa), fb = H5File::open(pb);
    std::vector<std::string> out;
    for (const auto& c : results_columns()) {
        const std::string name = c.table + "/" + c.name;
        const bool same = c.type == "int8"      ? same_column<std::int8_t>(fa, fb, name)
                          : c.type == "uint8"   ? same_column<std::uint8_t>(fa, fb, name)
                          : c.type == "uint16"  ? same_column<std::uint16_t>(fa, fb, name)
                          : c.type == "int32"   ? same_column<std::int32_t>(fa, fb, name)
                          : c.type == "uint32"  ? same_column<std::uint32_t>(fa, fb, name)
                          : c.type == "int64"   ? same_column<std::int64_t>(fa, fb, name)
                          : c.type == "float32" ? same_column<float>(fa, fb, name)
                                                : same_column<double>(fa, fb, name);
        if (!same) out.push_back(name);
    }
    if (a.trips != b.trips) out.push_back("trips");
    return out;
}

}  // namespace lifecircle::test
