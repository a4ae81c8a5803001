#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/hdf5_io.hpp"
#include "sim/results.hpp"

namespace lifecircle {

/// One column of the results file: the recorder writes it from this entry, Python checks and
/// lists it (`lifecircle.results_columns()`), and tests/python/test_results.py checks that
/// docs/results.md describes it. A new column is one entry in sim/results_schema.cpp plus
/// its computation.
struct ResultsColumn {
    std::string table;    ///< HDF5 group: district_month, category_year, facility_month, facilities,
                          ///< network, residents
    std::string name;     ///< dataset in the group
    std::string type;     ///< stored type: int8, uint8, uint16, int32, uint32, int64, float32, float64
    std::string unit;     ///< e.g. "fen", "needs", "share 0-1", "index"
    std::string meaning;  ///< one line
    /// How a year holds a column of a monthly or yearly record table: "sum" (a flow, summed
    /// over the year), "end" (a state, its value at the year's end) or "key"; empty for the
    /// other tables
    std::string over_year;
    std::function<void(H5File&, const std::string& path, const Results&)> write;
    /// Reads the column back into the records (record tables only; empty for the others).
    /// Checkpoints store the records so far with `write` and restore them with this.
    std::function<void(const H5File&, const std::string& path, Results&)> read;
    /// Writes the rows from `from` on of the column's record table at the end of the dataset
    /// at `path`, which holds the rows before them; where there is none yet (`from` 0), as a
    /// new dataset that can grow (H5File::write_extendible). Record tables only. Checkpoints
    /// add each month's records with it.
    std::function<void(H5File&, const std::string& path, const Results&, std::size_t from)> append;
};

/// Every column of the results file, table by table, in the order they are written.
const std::vector<ResultsColumn>& results_columns();

}  // namespace lifecircle
